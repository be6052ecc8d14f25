"""What the reader makes of a document: tables of cells with their text, marks and controls.

Both readers (the Python walk in :mod:`docxform.oxml.reader` and its C fast
path in :mod:`docxform.oxml.fastread`) build these; the parser only ever sees
them, never XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Slotted dataclasses: a form has hundreds of cells and controls, built for every return read.
MAX_SPAN = 1000


def parse_int(text: str | None, default: int) -> int:
    """An integer attribute as Word would read it; malformed values fall back to the default.

    ASCII digits only, at most nine of them: ``int()`` alone would take
    Arabic-Indic digits, underscores and spaces, and a number of any length.
    """
    if text is None or not _INT.fullmatch(text):
        return default
    return int(text)


_INT = re.compile(r"-?[0-9]{1,9}", re.ASCII)


def clamp_span(text: str | None) -> int:
    """A ``w:gridSpan`` value, kept between 1 and MAX_SPAN columns."""
    return max(1, min(parse_int(text, 1), MAX_SPAN))


def clamp_grid_before(text: str | None) -> int:
    """A ``w:gridBefore`` value (grid columns a row skips before its first cell), kept between 0 and MAX_SPAN."""
    return min(max(parse_int(text, 0), 0), MAX_SPAN)


@dataclass(slots=True)
class SymbolMark:
    """A character from a symbol font (or ``w:sym``): meaning depends on the font."""

    font: str
    code: int


@dataclass(slots=True)
class Control:
    """A content control or legacy form field found in the document."""

    kind: str  # checkbox | text | dropdown | date | legacy-checkbox | legacy-text | legacy-dropdown
    tag: str = ""
    alias: str = ""
    checked: bool | None = None
    text: str = ""
    placeholder_showing: bool = False
    table: int | None = None
    row: int | None = None
    col: int | None = None


@dataclass(slots=True)
class Embedded:
    """Something in a cell or paragraph that is not plain text, which the parse must mention.

    ``kind``: "equation" (its characters were read into the text; ``flat``: it
    was plain characters only, read exactly), "picture", "chart", "diagram",
    "drawing" (a shape with no text), "object" (an embedded OLE object),
    "imported" (``w:altChunk``: content kept in another part), "ruby" (a
    phonetic guide: the base text was read, the guide was not) or "hidden"
    (text formatted hidden, read into the text). ``detail``: what can be said of
    it (alt text, the object's program, the equation's text, the guide).
    """

    kind: str
    detail: str = ""
    flat: bool = False
    #: The relationship naming the part that holds it (a diagram's data, an imported file), if any.
    ref: str = ""
    #: That part's name and its words, once looked up (:func:`docxform.oxml.objects.resolve_parts`).
    part: str = ""
    words: str = ""


@dataclass(slots=True)
class Cell:
    """One table cell: its grid column and span, text (paragraphs on lines), marks and controls."""

    col: int
    span: int = 1
    text: str = ""
    marks: list[SymbolMark] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    merged_continue: bool = False
    #: Pictures, objects, equations... in the cell (only the Python walk reads documents holding them).
    embedded: list[Embedded] = field(default_factory=list)


@dataclass(slots=True)
class Row:
    cells: list[Cell]

    def at(self, col: int) -> Cell | None:
        """The cell covering grid column ``col``."""
        for cell in self.cells:
            if cell.col <= col < cell.col + cell.span:
                return cell
        return None

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


@dataclass(slots=True)
class Table:
    index: int
    rows: list[Row]


@dataclass
class Document:
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    tracked_changes: bool = False
    #: Pictures, objects, equations... in paragraphs outside the tables: (how many tables come before, what).
    embedded: list[tuple[int, Embedded]] = field(default_factory=list)
