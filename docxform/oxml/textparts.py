"""The text of a .docx outside its body: page headers and footers, footnotes, endnotes, comments.

A respondent may type anywhere Word lets them: in the page header, in a
footnote, in a comment ("see comment"), in a text box. The body is read by
:mod:`docxform.oxml.reader`; this module reads the other parts that hold text,
as plain lines, so the parse can check every one of them against the blank
form's own text (:mod:`docxform.parse.parts`).

Cheap by design: the parts are found by the document's relationships (a
regular expression over a small part the package has already inflated), and
a part with no text element at all (Word's footnotes part holding only its
separators) is never parsed. What a word processor computes (page numbers,
dates, file names: the results of fields) is not text anyone typed, so it is
left out. A text box is read once: Word writes it twice, as DrawingML in
``mc:Choice`` and as VML in ``mc:Fallback``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from docxform.oxml.model import clamp_grid_before
from docxform.oxml.ns import qn
from docxform.oxml.package import Package, parse_xml
from docxform.oxml.reader import _GRID_BEFORE, _ROW_DELETED, _cell_props, _row_cells, _table_rows, outer_boxes

#: The relationship types of the parts read here (the end of their URI) and what each part is.
KINDS = {"header": "header", "footer": "footer", "footnotes": "footnote", "endnotes": "endnote", "comments": "comment"}
RELS = "word/_rels/document.xml.rels"
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_TYPE = re.compile(rb'\bType\s*=\s*["\'][^"\']*/relationships/(header|footer|footnotes|endnotes|comments)["\']')
_TARGET = re.compile(rb'\bTarget\s*=\s*["\']([^"\']*)["\']')
_EXTERNAL = re.compile(rb'\bTargetMode\s*=\s*["\']External["\']')
#: A text element (``w:t`` in any prefix): a part without one holds nothing anyone typed.
_HAS_TEXT = re.compile(rb"<(?:\w+:)?t[\s>]")
#: Fields whose result the word processor computes (page numbers, dates, the file's name and properties).
COMPUTED_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "PRINTDATE", "SAVEDATE", "CREATEDATE",
    "EDITTIME", "FILENAME", "FILESIZE", "AUTHOR", "LASTSAVEDBY", "TITLE", "SUBJECT", "KEYWORDS", "COMMENTS",
    "DOCPROPERTY", "NUMWORDS", "NUMCHARS", "TEMPLATE", "USERNAME", "USERINITIALS", "STYLEREF", "REVNUM"})
#: Notes Word writes for itself in the footnotes and endnotes parts (the rules above the notes).
_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})

W_P, W_T, W_TAB, W_BR, W_CR, W_PTAB = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:ptab")
W_NOBREAKHYPHEN = qn("w:noBreakHyphen")
W_FLDCHAR, W_INSTR, W_FLDSIMPLE, W_R = qn("w:fldChar"), qn("w:instrText"), qn("w:fldSimple"), qn("w:r")
W_TXBX, W_DRAWING, W_PICT = qn("w:txbxContent"), qn("w:drawing"), qn("w:pict")
M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
MC_ALT, MC_CHOICE, MC_FALLBACK = qn("mc:AlternateContent"), qn("mc:Choice"), qn("mc:Fallback")
W_ID, W_TYPE, W_AUTHOR, W_VAL = qn("w:id"), qn("w:type"), qn("w:author"), qn("w:val")
W_TBL, W_TC, W_TR, W_BODY = qn("w:tbl"), qn("w:tc"), qn("w:tr"), qn("w:body")
W_SDT, W_SDTCONTENT = qn("w:sdt"), qn("w:sdtContent")
_WRAPPERS = frozenset({W_SDT, W_SDTCONTENT, qn("w:ins"), qn("w:moveTo"), qn("w:customXml")})
#: Where a note or comment is anchored in the body, per kind of piece.
ANCHORS = {"comment": (qn("w:commentRangeStart"), qn("w:commentReference")),
           "footnote": (qn("w:footnoteReference"),), "endnote": (qn("w:endnoteReference"),)}


def form_footer(title: str, framework_id: str, version: str, layout: str) -> str:
    """What a generated form's footer says (generate/form.py prints it; parse/parts.py knows it as the form's)."""
    return f"{title} ({framework_id} {version}) · form {layout}"


#: How the consolidated form's footer starts (reports/consolidated.py), the rest naming the round it consolidates.
CONSOLIDATED_FOOTER = "Consolidated form · "
#: The words a generated footer prints around its fields ("Page 3 of 7", "printed 6 December 2026": oxml/parts.py).
FOOTER_WORDS = ("Page", "of", "Page of", "printed")


@dataclass(frozen=True, slots=True)
class TextPart:
    """A part of the package that may hold text: its name, what it is, its bytes as stored."""

    name: str
    kind: str  # header, footer, footnote, endnote, comment
    data: bytes

    @property
    def has_text(self) -> bool:
        """Whether the part holds any text element at all (a scan of its bytes in C, no parse).

        Only a part plainly in UTF-8 (or ASCII) can be judged by its bytes; any other (UTF-16, say) is parsed.
        """
        if not self.data.lstrip()[:4].startswith((b"<", b"\xef\xbb\xbf<")):
            return True
        return _HAS_TEXT.search(self.data) is not None


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of text of a part: a header's or footer's paragraphs, one note, one comment, one text box.

    ``lines`` are the text's lines, tab-separated pieces split apart, blank ones left out.
    ``ident`` is the note's or comment's ``w:id``; ``number`` counts the part's notes from 1.
    """

    kind: str
    lines: tuple[str, ...]
    in_box: bool = False
    ident: str = ""
    number: int = 0
    author: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """Where an anchor sits in the body, as the reader counts: a table cell (from 0), else the tables before it."""

    table: int | None = None
    row: int | None = None
    col: int | None = None
    tables_before: int = 0
    #: In a row deleted with tracked changes, which the reader leaves out (``row`` and ``col`` None): how many
    #: rows of ``table`` the reader counts above it, and the text of its first two cells (they may name its item).
    rows_above: int | None = None
    deleted_row_cells: tuple[str, ...] = ()


def text_parts(pkg: Package, main: str = "word/document.xml") -> tuple[TextPart, ...]:
    """The headers, footers, notes and comments the document's relationships name and the package holds.

    ``main``: the main document part's name (:func:`docxform.oxml.package.main_document`); its relationships
    are in ``_rels/`` beside it, and their targets relative to its folder.
    """
    folder, _, base = main.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if not pkg.has(rels):
        return ()
    named = _named(pkg.read(rels), folder)
    if not named:
        return ()
    stored = {n.lower(): n for n in pkg.zip.NameToInfo}  # part names are case-insensitive (OPC), zip names not
    found = ((stored.get(name.lower()), kind) for name, kind in named)
    return tuple(TextPart(name, kind, pkg.read(name)) for name, kind in found if name is not None)


def _named(rels: bytes, folder: str = "word") -> tuple[tuple[str, str], ...]:
    """:func:`_read_named`, remembered for a relationships part of a usual size (a batch's returns repeat it)."""
    return _remembered_named(rels, folder) if len(rels) <= 64 * 1024 else _read_named(rels, folder)


def _read_named(rels: bytes, folder: str = "word") -> tuple[tuple[str, str], ...]:
    """(part name, kind) of each text part a relationships part names (a batch's returns repeat theirs)."""
    out: dict[str, str] = {}
    for tag in _RELATIONSHIP.findall(rels):
        kind, target = _TYPE.search(tag), _TARGET.search(tag)
        if kind is not None and target is not None and not _EXTERNAL.search(tag):
            out.setdefault(_part_name(_unescaped(target.group(1).decode("utf-8", "replace")), folder),
                           KINDS[kind.group(1).decode()])
    return tuple(out.items())


_remembered_named = lru_cache(maxsize=64)(_read_named)


def _unescaped(value: str) -> str:
    """An attribute's value as the XML parser gives it (``a&amp;b.xml`` is ``a&b.xml``)."""
    if "&" not in value:
        return value
    import html  # only for a target that needs it

    return html.unescape(value)


def _part_name(target: str, folder: str = "word") -> str:
    """A relationship's target as a part name: relative to ``folder`` (``word/``), or absolute from the package's root."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = [step for step in folder.split("/") if step]
    for step in target.replace("\\", "/").split("/"):
        if step == "..":
            if parts:
                parts.pop()
        elif step and step != ".":
            parts.append(step)
    return "/".join(parts)


#: The custom property in which a feedback copy lists a fingerprint of each comment docxform wrote into it
#: (:func:`docxform.oxml.comments.add_comments`), so that the copy sent back is known to hold docxform's comments
#: by what they say, not by the author's name on them, which anyone can type.
OWN_COMMENTS_PROPERTY = "docxform.feedback_comments"


def comment_fingerprint(lines: Iterable[str]) -> str:
    """A comment's text as 16 hex digits of its SHA-256, its characters other than spaces only: where lines
    break and what spaces words is left aside, since a word processor may write them otherwise than they
    were written (a carriage return, a line separator; LibreOffice saves a tab as an empty run)."""
    printed = "".join("".join(lines).split())
    return hashlib.sha256(printed.encode("utf-8")).hexdigest()[:16]


def is_own_comments_property(name: str) -> bool:
    """``docxform.feedback_comments`` or one of its continuations (``docxform.feedback_comments.2`` ...)."""
    rest = name.removeprefix(OWN_COMMENTS_PROPERTY)
    return rest == "" or (rest[:1] == "." and rest[1:].isascii() and rest[1:].isdigit())


def own_comment_fingerprints(properties: Mapping[str, str]) -> frozenset[str]:
    """The fingerprints of the comments docxform wrote into a feedback copy, from its custom properties."""
    return frozenset(print_ for name, value in properties.items() if is_own_comments_property(name)
                     for print_ in FINGERPRINT.findall(value))


#: A fingerprint as :func:`comment_fingerprint` writes it.
FINGERPRINT = re.compile(r"\b[0-9a-f]{16}\b")


def read_pieces(part: TextPart, path: str) -> list[Piece]:
    """The part's text as pieces (see :class:`Piece`); [] for a part with no text. Parsed safely."""
    if not part.has_text:
        return []
    root = parse_xml(part.data, path, part.name)
    if part.kind in ("header", "footer"):
        boxes = _take_boxes(root)
        out = [Piece(part.kind, lines)] if (lines := _lines(root)) else []
        return out + [Piece(part.kind, box, in_box=True) for box in boxes if box]
    out = []
    number = 0
    for note in root:
        if not isinstance(note.tag, str) or note.get(W_TYPE) in _SEPARATORS:
            continue
        number += 1
        boxes = _take_boxes(note)
        lines = _lines(note) + tuple(line for box in boxes for line in box)
        if lines:
            out.append(Piece(part.kind, lines, ident=note.get(W_ID, ""), number=number,
                             author=" ".join((note.get(W_AUTHOR) or "").split())))
    return out


def _take_boxes(root: etree._Element) -> list[tuple[str, ...]]:
    """The lines of each text box (each once), the drawings holding them taken out of the tree.

    Of an ``mc:AlternateContent`` only the first branch holding a text box is read (Word writes the same
    box as DrawingML and as VML); a box inside a box is read as part of the outer one.
    """
    boxes: list[tuple[str, ...]] = []
    for alt in list(root.iter(MC_ALT)):
        if alt.getparent() is None or not _attached(alt, root):
            continue
        branch = next((b for b in alt if b.tag in (MC_CHOICE, MC_FALLBACK) and next(b.iter(W_TXBX), None) is not None),
                      None)
        if branch is not None:
            boxes.extend(_box_lines(box) for box in outer_boxes(branch))
        alt.getparent().remove(alt)
    for shape in list(root.iter(W_DRAWING, W_PICT)):
        if _attached(shape, root):
            boxes.extend(_box_lines(box) for box in outer_boxes(shape))
            shape.getparent().remove(shape)
    return boxes


def _box_lines(box: etree._Element) -> tuple[str, ...]:
    """A text box's lines, then those of the boxes inside it (taken out first, so each is read once)."""
    inner = _take_boxes(box)
    return _lines(box) + tuple(line for lines in inner for line in lines)


def _attached(element: etree._Element, root: etree._Element) -> bool:
    """Still in the tree (an element inside one already taken out is not read again)."""
    return any(a is root for a in element.iterancestors())


def _lines(element: etree._Element) -> tuple[str, ...]:
    """Every paragraph's text, broken at line breaks and tabs, computed field results left out."""
    out: list[str] = []
    for p in element.iter(W_P):
        if _nested(p, element):
            continue  # a paragraph inside a paragraph (in something not taken out): read with its outer one
        parts: list[str] = []
        stages: list[list[str]] = []  # per open field: [stage, instruction]
        # an equation's characters (m:t) too; an alignment tab (w:ptab) breaks the line as a tab does
        for node in p.iter(W_T, W_TAB, W_PTAB, W_BR, W_CR, W_FLDCHAR, W_INSTR, W_NOBREAKHYPHEN, M_T):
            tag = node.tag
            if tag == W_FLDCHAR:
                _field_char(node.get(qn("w:fldCharType")), stages)
            elif tag == W_INSTR:
                if stages:
                    stages[-1][1] += node.text or ""
            elif stages and stages[-1][0] == "result" and _computed(stages[-1][1]):
                continue
            elif tag in (W_T, M_T):
                if not _in_computed_simple(node):
                    parts.append(node.text or "")
            elif tag == W_NOBREAKHYPHEN:
                parts.append("-")  # as the body's reader reads it ("2003-04")
            else:
                parts.append("\n")
        out.extend(line.strip() for line in "".join(parts).split("\n"))
    return tuple(line for line in out if line)


def _nested(p: etree._Element, element: etree._Element) -> bool:
    for ancestor in p.iterancestors():
        if ancestor is element:
            return False
        if ancestor.tag == W_P:
            return True
    return False


def _field_char(kind: str | None, stages: list[list[str]]) -> None:
    if kind == "begin":
        stages.append(["instr", ""])
    elif kind == "separate" and stages:
        stages[-1][0] = "result"
    elif kind == "end" and stages:
        stages.pop()


def _computed(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() in COMPUTED_FIELDS


def _in_computed_simple(t: etree._Element) -> bool:
    """A text inside a simple field (``w:fldSimple``) whose result is computed."""
    run = t.getparent()
    holder = run.getparent() if run is not None else None
    return holder is not None and holder.tag == W_FLDSIMPLE and _computed(holder.get(qn("w:instr")) or "")


def box_lines(body: etree._Element) -> frozenset[str]:
    """Every line of every text box in the body (the reader reads them as lines of their paragraph or cell)."""
    return frozenset(line for box in body.iter(W_TXBX) for line in _lines(box))


def body_tables(body: etree._Element) -> list[etree._Element]:
    """The body's tables in the reader's order (tables wrapped in controls or insertions included)."""
    out: list[etree._Element] = []
    for child in body:
        if child.tag == W_TBL:
            out.append(child)
        elif child.tag in _WRAPPERS:
            inner = child.find(W_SDTCONTENT) if child.tag == W_SDT else child
            if inner is not None:
                out.extend(body_tables(inner))
    return out


def anchor_places(body: etree._Element | None, kind: str) -> dict[str, Place]:
    """Where each comment (its range's start, else its reference) or note reference sits, by ``w:id``.

    Only run when there is a piece to place: one pass over the body in C for the anchors and the tables.
    """
    if body is None or kind not in ANCHORS:
        return {}
    tables = body_tables(body)
    index = {id(t): n for n, t in enumerate(tables)}
    rows = _RowIndex()
    out: dict[str, Place] = {}
    before = 0
    for node in body.iter(W_TBL, *ANCHORS[kind]):
        if node.tag == W_TBL:
            before += id(node) in index
            continue
        ident = node.get(W_ID, "")
        if ident in out:
            continue  # the range's start came first: it says where the comment begins
        out[ident] = _cell_place(node, index, rows) or Place(tables_before=before)
    return out


class _RowIndex:
    """Each body table's rows as the reader counts them, and each row's cells' grid columns: worked out once
    per table and row, so placing a comment on every row of a long table stays linear."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[int, int]] = {}  # id(tbl) -> id(tr) -> row number (deleted rows not counted)
        self.deleted: dict[int, dict[int, int]] = {}  # id(tbl) -> id(tr) of a deleted row -> rows counted above it
        self.columns: dict[int, dict[int, int]] = {}  # id(tr) -> id(tc) -> grid column
        # The elements keyed by id() are held here: lxml makes a new Python object for an element no longer
        # referenced, and a freed object's id may be given to another.
        self.held: list[object] = []

    def row(self, tbl: etree._Element, tr: etree._Element) -> int | None:
        if id(tbl) not in self.rows:
            self._index(tbl)
        return self.rows[id(tbl)].get(id(tr))

    def kept_above(self, tbl: etree._Element, tr: etree._Element) -> int | None:
        """For a row the reader leaves out (deleted with tracked changes): how many rows it counts above it."""
        if id(tbl) not in self.rows:
            self._index(tbl)
        return self.deleted[id(tbl)].get(id(tr))

    def _index(self, tbl: etree._Element) -> None:
        every = _table_rows(tbl)
        self.held += (tbl, every)
        kept: dict[int, int] = {}
        deleted: dict[int, int] = {}
        for r in every:
            if r.find(_ROW_DELETED) is None:
                kept[id(r)] = len(kept)
            else:
                deleted[id(r)] = len(kept)
        self.rows[id(tbl)], self.deleted[id(tbl)] = kept, deleted

    def column(self, tr: etree._Element, tc: etree._Element) -> int | None:
        if id(tr) not in self.columns:
            before = tr.find(_GRID_BEFORE)
            col = clamp_grid_before(before.get(W_VAL)) if before is not None else 0  # as the reader reads it
            cells = _row_cells(tr)
            self.held += (tr, cells)
            found: dict[int, int] = {}
            for cell in cells:
                found[id(cell)] = col
                col += _cell_props(cell)[0]
            self.columns[id(tr)] = found
        return self.columns[id(tr)].get(id(tc))


def _cell_place(node: etree._Element, index: dict[int, int], rows: _RowIndex) -> Place | None:
    """The table, row and grid column of the body table cell holding ``node`` (the outermost one), if any."""
    cells = [a for a in node.iterancestors(W_TC)]
    for tc in reversed(cells):  # outermost first: a nested table is read as part of its outer cell
        tr = tc.getparent()
        while tr is not None and tr.tag != W_TR:
            tr = tr.getparent()
        tbl = tr.getparent() if tr is not None else None
        while tbl is not None and tbl.tag != W_TBL:
            tbl = tbl.getparent()
        if tbl is None or tr is None or id(tbl) not in index:
            continue
        row = rows.row(tbl, tr)
        if row is None:
            above = rows.kept_above(tbl, tr)
            if above is None:
                return None
            texts = tuple("\n".join(_lines(cell)) for cell in _row_cells(tr)[:2])
            return Place(index[id(tbl)], rows_above=above, deleted_row_cells=texts)
        col = rows.column(tr, tc)
        return Place(index[id(tbl)], row, col) if col is not None else None
    return None


__all__ = ["COMPUTED_FIELDS", "CONSOLIDATED_FOOTER", "FOOTER_WORDS", "KINDS", "Piece", "Place", "TextPart",
           "anchor_places", "body_tables", "box_lines", "form_footer", "read_pieces", "text_parts"]
