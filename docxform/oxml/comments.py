"""Add Word comments to a .docx, changing nothing else.

A feedback copy goes back to the respondent, who must find their own file
as they left it plus comments. So every part but three is copied byte for
byte; ``word/document.xml`` gets only the anchors, spliced in at byte
offsets found by expat (a re-serialised tree would change quoting, empty
elements and declarations); the relationships and content types get one
entry each, inserted as text; the comments part is new (or, when the
respondent's file already has comments, extended with ours). The custom
properties get one more, listing a fingerprint of each comment's text, by
which a parse of the copy sent back knows docxform's comments (made, with
its relationship and content type, when the file has none).

An anchor is a comment range around the content of one paragraph (the last
paragraph directly in the cell concerned, so it sits outside any content
control) and the reference run at its end::

    <w:p>[pPr]<w:commentRangeStart w:id="N"/>...<w:commentRangeEnd w:id="N"/>
         <w:r><w:commentReference w:id="N"/></w:r></w:p>
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from lxml import etree

from docxform.core.errors import DocxformError, UnsafeInputError
from docxform.oxml.package import custom_properties_xml, main_document, open_package, parse_xml
from docxform.oxml.reader import _cell_props, _row_cells, _table_rows
from docxform.oxml.textparts import (
    FINGERPRINT,
    OWN_COMMENTS_PROPERTY,
    comment_fingerprint,
    is_own_comments_property,
)
from docxform.oxml.writer import xml_attr, xml_safe, xml_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
DOCUMENT = "word/document.xml"
TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
CUSTOM = "docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class Anchor:
    """Where a comment goes, tried in order: a table position (1-based table, row, grid column
    as the parser reports them), a content control by tag or alias, the first cell of
    ``item_row`` (table, row: the row the item's other answers were read from, for a problem
    whose own cell is gone, e.g. a column the respondent deleted), else the document's start."""

    table: int | None = None
    row: int | None = None
    cell: int | None = None
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    item_row: tuple[int, int] | None = None


@dataclass(frozen=True)
class Note:
    """One comment: where, and what it says (plain text; a newline starts a paragraph)."""

    anchor: Anchor
    text: str


def add_comments(source: Path, notes: Sequence[Note], dest: Path, *, author: str = "docxform",
                 initials: str = "DX") -> int:
    """Write ``source`` to ``dest`` with ``notes`` as Word comments; the number written.

    Raises DocxformError (naming ``source``) when the file is not a .docx that can be read.
    """
    with open_package(source) as pkg:
        names = [i.filename for i in pkg.zip.infolist()]
        infos = {i.filename: i for i in pkg.zip.infolist()}
        parts = {name: pkg.read(name) for name in names}
        main = main_document(pkg)  # the part Word opens (the parse reads the same one)
    rels = _main_rels(main, source)
    if TYPES not in parts:
        raise DocxformError(source, "not a Word document (no [Content_Types].xml)")
    if parts[main][:2] in (b"\xff\xfe", b"\xfe\xff") or not parts[main].lstrip()[:1] == b"<":
        raise DocxformError(source, f"{main} is not in UTF-8; comments can only be added to UTF-8 documents")
    root = parse_xml(parts[main], str(source), main)
    existing = _existing_comments(parts, str(source))
    first_id = max(existing or (), default=-1) + 1
    targets = [(_paragraph_for(root, note.anchor), first_id + n) for n, note in enumerate(notes)]
    parts[main] = _splice(parts[main], root, targets)
    _check_anchors(parts[main], source, [i for _, i in targets])
    comments = b"".join(_comment_xml(first_id + n, note.text, author, initials) for n, note in enumerate(notes))
    _record_own_comments(parts, names, [comment_fingerprint([xml_safe(note.text)]) for note in notes], source)
    if existing is None:
        parts["word/comments.xml"] = _COMMENTS_HEAD + comments + b"</w:comments>"
        if rels not in parts:
            parts[rels] = _EMPTY_RELS
            names.append(rels)
        parts[rels] = _insert_before(parts[rels], b"</Relationships>", _relationship(parts[rels]))
        parts[TYPES] = _insert_before(parts[TYPES], b"</Types>", (
            f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/>').encode())
        names.append("word/comments.xml")
    else:
        parts["word/comments.xml"] = _insert_before(parts["word/comments.xml"], b"</w:comments>", comments)
    _write(dest, names, infos, parts)
    return len(notes)


def _main_rels(main: str, source: Path) -> str:
    """The relationships part of the main document, which must be in ``word/`` (where the comments part goes)."""
    folder, _, base = main.rpartition("/")
    if folder != "word":
        raise DocxformError(source, f"the main document is {main}, not in word/; comments are added only to a "
                            "document in word/")
    return f"word/_rels/{base}.rels"


#: Fingerprints one property holds at most: 15 of 17 characters make 254, within the 255 characters Word's
#: binary format (.doc) keeps of a custom property's value (MS-OI29500, LongProperties); more go on in
#: ``docxform.feedback_comments.2`` and so on.
PER_PROPERTY = 15


def _record_own_comments(parts: dict[str, bytes], names: list[str], prints: list[str], source: Path) -> None:
    """The comments' fingerprints added to the copy's custom properties (``OWN_COMMENTS_PROPERTY``; Word and
    LibreOffice keep them), so that a parse of the copy sent back tells docxform's comments from a
    respondent's edit of one. The respondent's own properties are kept. The part is made when the package
    has none; in a package whose custom properties are laid out otherwise (another part name, a part with no
    relationship) nothing is recorded, rather than a second part: the parse then goes by the comments'
    author, and says so (``feedback-comments``)."""
    if not prints:
        return
    layout = _custom_layout(parts, names, source)
    if layout == "new":
        chunks = _chunks(list(dict.fromkeys(prints)))
        parts[CUSTOM] = custom_properties_xml(dict(chunks))
        names.append(CUSTOM)
        if f'partname="/{CUSTOM.lower()}"'.encode() not in parts[TYPES].lower():
            parts[TYPES] = _insert_before(parts[TYPES], b"</Types>", (
                f'<Override PartName="/{CUSTOM}" ContentType="{CUSTOM_TYPE}"/>').encode())
        parts[ROOT_RELS] = _insert_before(parts[ROOT_RELS], b"</Relationships>",
                                          _relationship(parts[ROOT_RELS], "Custom", CUSTOM_REL, CUSTOM))
    elif layout == "ours":
        root = parse_xml(parts[CUSTOM], str(source), CUSTOM)
        parts[CUSTOM] = _with_fingerprints(root, prints)


def _custom_layout(parts: dict[str, bytes], names: list[str], source: Path) -> str | None:
    """``"ours"``: the custom properties are ``docProps/custom.xml``, related from ``_rels/.rels``; ``"new"``:
    there are none, and the relationships part can take one; None: anything else (left as it is)."""
    rels = parts.get(ROOT_RELS)
    if rels is None or b"</Relationships>" not in rels:
        return None  # not plain UTF-8 relationships (or none): not edited as text
    try:
        related = [(r.get("Target") or "").lstrip("/").lower() for r in parse_xml(rels, str(source), ROOT_RELS)
                   if r.get("Type") == CUSTOM_REL]
    except UnsafeInputError:
        raise
    except DocxformError:
        return None  # damaged: left as it is (the copy is the respondent's file plus comments)
    stored = [n for n in names if n.lower() == CUSTOM.lower()]
    if not related and not stored:
        return "new"
    return "ours" if related == [CUSTOM.lower()] and stored == [CUSTOM] else None


def _with_fingerprints(root: etree._Element, prints: list[str]) -> bytes:
    """The custom properties with every fingerprint already listed (in one property or several, of any type)
    and ``prints``, in properties of at most ``PER_PROPERTY``; the other properties as they were."""
    own = [p for p in root if is_own_comments_property(p.get("name") or "")]
    listed = [found for p in own for found in FINGERPRINT.findall(" ".join(p.itertext()))]
    for prop in own:
        root.remove(prop)
    pids = [int(pid) for p in root if re.fullmatch(r"[0-9]{1,9}", pid := p.get("pid") or "")]
    first = max(pids, default=1) + 1
    for n, (name, value) in enumerate(_chunks(list(dict.fromkeys(listed + prints)))):
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=CUSTOM_FMTID, pid=str(first + n), name=name)
        etree.SubElement(prop, f"{{{VT}}}lpwstr", nsmap={"vt": VT}).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _chunks(prints: list[str]) -> list[tuple[str, str]]:
    """(property name, value) for the fingerprints, ``PER_PROPERTY`` to a property."""
    return [(OWN_COMMENTS_PROPERTY if n == 0 else f"{OWN_COMMENTS_PROPERTY}.{n + 1}",
             " ".join(prints[start:start + PER_PROPERTY])) for n, start in enumerate(range(0, len(prints), PER_PROPERTY))]


# --- finding the paragraph ------------------------------------------------------------------------

def _paragraph_for(root: etree._Element, anchor: Anchor) -> etree._Element:
    """The paragraph a comment is anchored in (never None: the first paragraph of the body at worst)."""
    cell = _cell_at(root, anchor)
    if cell is None:
        cell = _control_cell(root, anchor)
    if cell is None and anchor.item_row is not None:
        cell = _cell_at(root, Anchor(table=anchor.item_row[0], row=anchor.item_row[1]))
    if cell is not None:
        paragraphs = [p for p in cell if p.tag == _q("p")] or list(cell.iter(_q("p")))
        if paragraphs:
            return paragraphs[-1]
    first = next(root.iter(_q("p")), None)
    if first is None:
        raise DocxformError(None, "the document has no paragraph to anchor a comment in")
    return first


def _tables(parent: etree._Element) -> list[etree._Element]:
    """Body tables in the parser's order (tables wrapped in controls or insertions included)."""
    out: list[etree._Element] = []
    for child in parent:
        if child.tag == _q("tbl"):
            out.append(child)
        elif child.tag in (_q("sdt"), _q("sdtContent"), _q("ins"), _q("moveTo"), _q("customXml")):
            inner = child.find(_q("sdtContent")) if child.tag == _q("sdt") else child
            if inner is not None:
                out.extend(_tables(inner))
    return out


def _cell_at(root: etree._Element, anchor: Anchor) -> etree._Element | None:
    """The cell at a parser position: table and row counted from 1, ``cell`` the grid column from 1."""
    if anchor.table is None or anchor.row is None:
        return None
    body = root.find(_q("body"))
    tables = _tables(body) if body is not None else []
    if not 1 <= anchor.table <= len(tables):
        return None
    rows = [tr for tr in _table_rows(tables[anchor.table - 1]) if tr.find(f"{_q('trPr')}/{_q('del')}") is None]
    if not 1 <= anchor.row <= len(rows):
        return None
    tr = rows[anchor.row - 1]
    before = tr.find(f"{_q('trPr')}/{_q('gridBefore')}")
    col = int(before.get(_q("val"), "0")) if before is not None and (before.get(_q("val")) or "").isdigit() else 0
    cells = _row_cells(tr)
    for tc in cells:
        span, _ = _cell_props(tc)
        if anchor.cell is not None and col <= anchor.cell - 1 < col + span:
            return tc
        col += span
    return cells[0] if cells and anchor.cell is None else None


def _control_cell(root: etree._Element, anchor: Anchor) -> etree._Element | None:
    """The cell (or, outside tables, the control) holding a content control with one of the tags or aliases."""
    for key, values in (("tag", anchor.tags), ("alias", anchor.aliases)):
        for value in values:
            for sdt in root.iter(_q("sdt")):
                prop = sdt.find(f"{_q('sdtPr')}/{_q(key)}")
                if prop is not None and prop.get(_q("val")) == value:
                    cell = next(sdt.iterancestors(_q("tc")), None)
                    return cell if cell is not None else sdt.find(_q("sdtContent"))
    return None


# --- splicing the anchors in at byte offsets ------------------------------------------------------------

@dataclass
class _Spot:
    """Byte offsets in document.xml of one paragraph: its start tag, where content starts, its end tag."""

    start: int = -1
    content: int = -1  # after the start tag, or after w:pPr when that is the first child
    end: int = -1  # the start of "</w:p>", or -1 for an empty element "<w:p/>"
    qname: str = ""


def _splice(xml: bytes, root: etree._Element, targets: list[tuple[etree._Element, int]]) -> bytes:
    """document.xml with the anchors inserted; every other byte as it was."""
    order = {id(el): n for n, el in enumerate(root.iter(etree.Element))}
    wanted: dict[int, list[int]] = {}
    for paragraph, comment_id in targets:
        wanted.setdefault(order[id(paragraph)], []).append(comment_id)
    spots = _find_spots(xml, set(wanted))
    inserts: list[tuple[int, int, bytes]] = []  # (offset, bytes to drop, new bytes)
    for ordinal, ids in wanted.items():
        spot = spots[ordinal]
        prefix = spot.qname[: -len("p")]
        starts = "".join(f'<{prefix}commentRangeStart {prefix}id="{i}"/>' for i in ids)
        ends = "".join(f'<{prefix}commentRangeEnd {prefix}id="{i}"/><{prefix}r><{prefix}commentReference '
                       f'{prefix}id="{i}"/></{prefix}r>' for i in ids)
        if spot.end < 0:  # <w:p .../>: open it, put the anchors in, close it
            tag_end = xml.index(b">", spot.start)
            head = xml[spot.start:tag_end].rstrip(b"/").rstrip()
            inserts.append((spot.start, tag_end + 1 - spot.start,
                            head + b">" + (starts + ends).encode() + f"</{spot.qname}>".encode()))
        else:
            inserts.append((spot.content, 0, starts.encode()))
            inserts.append((spot.end, 0, ends.encode()))
    out = bytearray(xml)
    for offset, drop, data in sorted(inserts, key=lambda x: x[0], reverse=True):
        out[offset:offset + drop] = data
    return bytes(out)


def _find_spots(xml: bytes, ordinals: set[int]) -> dict[int, _Spot]:
    """Byte offsets of the paragraphs numbered ``ordinals`` (elements counted in document order from 0)."""
    parser = expat.ParserCreate()
    spots: dict[int, _Spot] = {}
    stack: list[list[int]] = []  # [ordinal, children seen]
    ppr_of: dict[int, int] = {}  # ordinal of a target's first-child pPr -> the target's ordinal
    count = 0

    def start(name: str, _attrs: object) -> None:
        nonlocal count
        n, count = count, count + 1
        index = parser.CurrentByteIndex
        tag_end = xml.index(b">", index)
        empty = xml[tag_end - 1:tag_end] == b"/"  # expat places an empty element's end event elsewhere
        if stack:
            parent = stack[-1]
            if parent[0] in spots and parent[1] == 0 and name.rpartition(":")[2] == "pPr":
                if empty:
                    spots[parent[0]].content = tag_end + 1
                else:
                    ppr_of[n] = parent[0]
            parent[1] += 1
        if n in ordinals:
            spots[n] = _Spot(start=index, content=tag_end + 1, end=-1 if empty else -2, qname=name)
        stack.append([n, 0])

    def end(_name: str) -> None:
        n = stack.pop()[0]
        index = parser.CurrentByteIndex
        if n in spots and spots[n].end == -2:
            spots[n].end = index
        elif n in ppr_of:
            spots[ppr_of[n]].content = xml.index(b">", index) + 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(xml, True)
    return spots


def _check_anchors(xml: bytes, source: Path, ids: list[int]) -> None:
    """The spliced document must parse and hold each anchor once, in one paragraph; else nothing is written."""
    root = parse_xml(xml, str(source), DOCUMENT)
    kinds = ("commentRangeStart", "commentRangeEnd", "commentReference")
    anchors: dict[tuple[str, str], list[etree._Element]] = {}
    for element in root.iter(*(_q(kind) for kind in kinds)):  # one walk, not one per comment
        anchors.setdefault((etree.QName(element).localname, element.get(_q("id")) or ""), []).append(element)
    for ident in ids:
        found = [anchors.get((kind, str(ident)), []) for kind in kinds]
        parents = {next(el[0].iterancestors(_q("p")), None) for el in found if len(el) == 1}
        if any(len(el) != 1 for el in found) or len(parents) != 1 or None in parents:
            raise DocxformError(source, f"comment {ident} could not be anchored cleanly; no copy written")


# --- the other parts ----------------------------------------------------------------------------------------

_COMMENTS_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">')


_EMPTY_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')


def _comment_xml(ident: int, text: str, author: str, initials: str) -> bytes:
    paragraphs = "".join(
        f'<w:p>{"<w:r><w:annotationRef/></w:r>" if n == 0 else ""}'
        f'<w:r><w:t xml:space="preserve">{xml_text(line)}</w:t></w:r></w:p>'
        for n, line in enumerate(text.split("\n")))
    return (f'<w:comment w:id="{ident}" w:author="{xml_attr(author)}" w:initials="{xml_attr(initials)}">'
            f"{paragraphs}</w:comment>").encode()


def _existing_comments(parts: dict[str, bytes], path: str) -> set[int] | None:
    """Ids of the comments the file already has; None when it has no comments part."""
    if "word/comments.xml" not in parts:
        return None
    root = parse_xml(parts["word/comments.xml"], path, "word/comments.xml")
    return {int(v) for c in root.iter(_q("comment")) if (v := c.get(_q("id")) or "").lstrip("-").isdigit()}


def _relationship(rels: bytes, kind: str = "Comments", rel_type: str = COMMENTS_REL,
                  target: str = "comments.xml") -> bytes:
    """A relationship element whose id (``rId`` + kind + a number) no relationship of ``rels`` has yet."""
    taken = set(re.findall(rb'Id="([^"]*)"', rels))
    n = 1
    while f"rId{kind}{n}".encode() in taken:
        n += 1
    return f'<Relationship Id="rId{kind}{n}" Type="{rel_type}" Target="{target}"/>'.encode()


def _insert_before(xml: bytes, closing: bytes, data: bytes) -> bytes:
    at = xml.rfind(closing)
    if at < 0:
        raise DocxformError(None, f"a package part has no {closing.decode()}; comments not added")
    return xml[:at] + data + xml[at:]


def _write(dest: Path, names: list[str], infos: dict[str, zipfile.ZipInfo], parts: dict[str, bytes]) -> None:
    """The package with the parts in their original order and zip entries (dates, compression) as they were."""
    from docxform.io.files import write_file
    from docxform.oxml.zipout import zip_entry

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(infos.get(name) or zip_entry(name), parts[name])
    write_file(dest, buffer.getvalue())
