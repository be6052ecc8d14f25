"""The fast path of the reader: the walk of :mod:`docxform.oxml.reader`, run in C.

Reading a form cell by cell in Python costs about 1.5 microseconds an element,
most of a parse. ``fastread.xsl`` does the same walk in libxslt and writes
compact text that is split here into the same :class:`Document`. It covers
what returned forms are made of (tables, paragraphs, runs, content controls,
LibreOffice's wrapper around checkboxes) and nothing else: a document with
tracked changes, fields, ``w:sym``, symbol-font runs, text boxes, other nested content
controls, or anything the walk notes for the parse to mention (equations, pictures, embedded objects,
phonetic guides, hidden text, imported content: :mod:`docxform.oxml.objects`) is left to the Python
walk, which is the reference. Every form the
test suite parses is read both ways and must come out the same
(``tests/conftest.py``); ``tests/unit/oxml/test_reader_fastpath.py`` adds the guards and
randomly built documents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

from docxform.oxml.model import Cell, Control, Document, Row, Table, clamp_grid_before, clamp_span
from docxform.oxml.ns import qn
from docxform.oxml.objects import OMATH, OMATH_PARA
from docxform.oxml.symbols import MARK_FONTS

RECORD, FIELD, OPEN, CLOSE, PROPERTY = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3", "\ufdd4"
_TRUE = {"1", "true", "on"}
_KINDS = {"c": "checkbox", "d": "dropdown", "e": "date"}

#: Elements whose reading needs the Python walk: fields, symbols, every kind of tracked change, text boxes,
#: and what the walk notes for the parse to mention (docxform.oxml.objects: equations, pictures, objects,
#: phonetic guides, hidden text, imported content).
PYTHON_ONLY = (*(qn(f"w:{name}") for name in ("fldChar", "sym", "delText", "ins", "del", "moveFrom", "moveTo",
                                              "rPrChange", "pPrChange", "cellIns", "cellDel", "txbxContent",
                                              "drawing", "pict", "object", "ruby", "vanish", "altChunk")),
               OMATH, OMATH_PARA)
#: Every ``rFonts`` start tag's attributes, in the part's bytes (any prefix; a quoted value may hold ">").
_FONT_TAGS = re.compile(rb"""rFonts\b([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)""")
#: An attribute's value in such a tag, double- or single-quoted.
_QUOTED = re.compile(rb"""=\s*(?:"([^"]*)"|'([^']*)')""")
#: What the XML parser makes of whitespace in an attribute's value (attribute-value normalisation).
_VALUE_SPACES = bytes.maketrans(b"\t\n\r", b"   ")

_TRANSFORM = etree.XSLT(etree.parse(str(Path(__file__).with_name("fastread.xsl"))),
                        access_control=etree.XSLTAccessControl.DENY_ALL)


def fast_path_fits(xml: bytes, root: etree._Element, body: etree._Element) -> bool:
    """True when the document has none of the things only the Python walk reads right.

    Each check is a scan in C. Elements: lxml skips the tree walk outright
    when no element of a name was ever parsed, so plain documents cost
    nothing. Symbol fonts: no run may name one whose characters the walk reads
    as marks, in any of its font attributes (the walk reads the first of
    ascii, hAnsi and cs; any of them here only costs speed); see
    :func:`_names_a_mark_font`. Separators:
    they are noncharacters near U+FDD0, so a document holding a character of
    that block, a character reference that could spell one, or not plainly in
    UTF-8 (so that its bytes cannot be checked this way) is not read here.
    """
    if not _plainly_utf8(xml, root) or _holds(xml, b"\xb7", b"\xef\xb7") or _holds(xml, b"#", b"&#"):
        return False
    if next(body.iter(*PYTHON_ONLY), None) is not None:
        return False
    return not _names_a_mark_font(xml)


def _names_a_mark_font(xml: bytes) -> bool:
    """Whether any ``rFonts`` tag in the part names a mark font (``MARK_FONTS``), in any attribute.

    Read from the bytes, not the tree: the tree's thousand font attributes
    cost 0.8 ms as Python strings, against 0.13 ms for one regular expression
    over the part, whose few distinct tags are then read. The bytes say what
    the tree says once the parser's work on a value is redone: a line end
    (CR LF, CR or LF) is one character and whitespace becomes spaces; and an entity cannot spell a font name (a character
    reference sends the whole part to the walk before this runs; the named
    entities stand for ``&<>"'``, in no font name). Every ``rFonts`` counts,
    in any namespace and not only on runs: more than the walk reads, which
    only costs speed.
    """
    for attributes in set(_FONT_TAGS.findall(xml)):
        for double, single in _QUOTED.findall(attributes):
            raw = (double or single).replace(b"\r\n", b"\n")  # the parser's end-of-line handling comes first
            value = raw.translate(_VALUE_SPACES).decode("utf-8", "replace")
            if value.lower() in MARK_FONTS:
                return True
    return False


def _plainly_utf8(xml: bytes, root: etree._Element) -> bool:
    """UTF-8 by its first bytes and by its declaration (lxml reports UTF-8 for an undeclared UTF-16 part)."""
    encoding = (root.getroottree().docinfo.encoding or "UTF-8").upper()
    return xml.startswith((b"<", b"\xef\xbb\xbf<")) and encoding in ("UTF-8", "UTF8")


def _holds(xml: bytes, byte: bytes, needle: bytes) -> bool:
    """``needle in xml``, ruled out first by its rarest byte (one memchr, 50 times faster when absent)."""
    return byte in xml and needle in xml


def read_fast(root: etree._Element) -> Document | None:
    """The document as :func:`~docxform.oxml.reader.walk_document` reads it, or None where only that can."""
    try:
        text = str(_TRANSFORM(root))
    except etree.XSLTError:
        return None
    if RECORD + "!" in text:
        return None
    try:
        return _decode(text)
    except (ValueError, KeyError, IndexError):
        return None  # output not in the shape fastread.xsl writes: let the reference walk read it


def _decode(text: str) -> Document:
    """The Document from the stylesheet's records (see the head of fastread.xsl)."""
    doc = Document()
    rows: list[Row] = []
    cells: list[Cell] = []
    col = 0
    for record in text.split(RECORD)[1:]:
        kind = record[0]
        if kind == "C":
            head, content = record.split(FIELD, 1)  # head: "C" and the cell's properties
            span, merged = _cell_properties(head) if len(head) > 1 else (1, False)
            if OPEN in content:
                content, controls = _with_controls(content, doc.controls, len(doc.tables) - 1, len(rows) - 1, col)
            else:
                controls = []
            cells.append(Cell(col, span, content.strip("\n"), [], controls, merged))
            col += span
        elif kind == "R":
            cells = []
            rows.append(Row(cells))
            col = clamp_grid_before(record[2:])
        elif kind == "T":
            rows = []
            doc.tables.append(Table(len(doc.tables), rows))
        else:  # "P": a paragraph outside tables
            content = record[2:]
            if OPEN in content:
                content, _ = _with_controls(content, doc.controls, None, None, None)
            content = content.strip("\n")
            if content.strip():
                doc.paragraphs.append(content)
    return doc


def _cell_properties(properties: str) -> tuple[int, bool]:
    """Span and vertical-merge flag from a cell's properties, the first of each counting (``_cell_props``)."""
    span: int | None = None
    merge: str | None = None
    for prop in properties.split(PROPERTY)[1:]:
        if prop[0] == "s" and span is None:
            span = clamp_span(prop[1:])
        elif prop[0] == "m" and merge is None:
            merge = prop[1:]
    return span or 1, merge == "continue"


def _with_controls(raw: str, all_controls: list[Control], table: int | None, row: int | None,
                   col: int | None) -> tuple[str, list[Control]]:
    """The text of content holding controls, and the controls; as ``reader._sdt`` builds them."""
    pieces = raw.split(OPEN)
    parts = [pieces[0]]
    controls = []
    for piece in pieces[1:]:
        inside, after = piece.split(CLOSE, 1)
        properties, inner = inside.split(FIELD, 1)
        tag, alias, kind, checked, showing = _properties(properties)
        control = Control(kind, tag, alias, checked, "" if showing else inner.strip("\n"), showing, table, row, col)
        if kind != "checkbox" and not showing:
            parts.append(inner)
        parts.append(after)
        controls.append(control)
    all_controls.extend(controls)
    return "".join(parts), controls


@lru_cache(maxsize=16_384)
def _properties(properties: str) -> tuple[str, str, str, bool | None, bool]:
    """Tag, alias, kind, checkbox state and placeholder flag, as ``reader._control_properties`` reads them.

    Memoised: the returns of one form repeat the same controls.
    """
    kind = tag = alias = None
    checked, showing = None, False
    inherited = {"T": "", "A": ""}  # from LibreOffice's wrapper, for a control with no tag or alias of its own
    for prop in properties.split(PROPERTY)[1:]:  # in document order; the first of each counts
        code, value = prop[0], prop[1:]
        if code in inherited:
            inherited[code] = value
        elif code == "t":
            tag = value if tag is None else tag
        elif code == "a":
            alias = value if alias is None else alias
        elif code == "p":
            showing = True
        elif kind is None:
            kind = _KINDS[code]
            if code == "c":
                checked = value[:1] == "v" and (value[1:] or "0").lower() in _TRUE
    return tag or inherited["T"], alias or inherited["A"], kind or "text", checked, showing
