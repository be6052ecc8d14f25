"""Text parts added to a return as Word writes them: page header and footer, footnotes, comments, text boxes.

:func:`with_parts` copies a .docx adding what a respondent typed outside the body (:class:`Typed`): the
parts, their relationships and content types, and the anchors of notes and comments in the body
(the end of an item's cell, found by the item id in its row's first cell). Used by the tests of
docxform/parse/parts.py and by the property test of the conservation of text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


ROW_CELL = {"standard": 1, "comments": 6, "evidence": 7, "goals": 8}  # w:tc index in an sa2003 item row
# --- building the parts, as Word writes them

def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def text_box(text: str) -> str:
    """A floating text box as Word writes it: DrawingML in mc:Choice, the same box as VML in mc:Fallback."""
    content = f"<w:txbxContent><w:p>{run(text)}</w:p></w:txbxContent>"
    return ('<w:r><mc:AlternateContent xmlns:mc="' + MC + '"><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
            '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:txbx>'
            + content + '</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            '<mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>' + content
            + "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")


def xml_fragment(markup: str) -> etree._Element:
    return etree.fromstring(f'<w:x xmlns:w="{W_NS}">{markup}</w:x>')[0]


@dataclass
class Typed:
    """What a respondent adds outside the body (and the anchors of notes and comments in it)."""

    header: Sequence[str] = ()  # paragraphs of a new page header
    header_box: str = ""  # a text box in the page header
    footer: str = ""  # a paragraph added to the form's own footer
    footnotes: Sequence[tuple[str, str, str]] = ()  # (item, cell, text): its mark at the end of that cell
    endnotes: Sequence[tuple[str, str, str]] = ()  # the same, as endnotes
    comments: Sequence[tuple[str, str, str, str]] = ()  # (item, cell, author, text): on that cell's text (see anchor)
    body: Callable[[etree._Element], None] | None = None
    separators_only: bool = False  # a footnotes part with Word's separators only (no note)
    parts: dict[str, bytes] = field(default_factory=dict)


def item_row(body: etree._Element, item: str) -> etree._Element:
    for tr in body.iter(w("tr")):
        cells = tr.findall(w("tc"))
        if cells and "".join(x.text or "" for x in cells[0].iter(w("t"))).strip() == item:
            return tr
    raise AssertionError(f"no row for {item}")


def anchor(body: etree._Element, item: str, cell: str, *markup: str) -> etree._Element | None:
    """The paragraph a note's mark or a comment goes in, ``markup`` appended to it: the end of the item's
    ``cell`` (a key of ROW_CELL), a new paragraph right below the item's table (``below``), or none
    (``nowhere``: a comment Word lost the anchor of)."""
    if cell == "nowhere":
        return None
    row = item_row(body, item)
    if cell == "below":
        p = etree.Element(w("p"))
        row.getparent().addnext(p)
    else:
        p = list(row.findall(w("tc"))[ROW_CELL[cell]].iter(w("p")))[-1]
    for fragment in markup:
        p.append(xml_fragment(fragment))
    return p


def with_parts(src: Path, dst: Path, typed: Typed) -> Path:
    """``src`` with the typed parts added: relationships, content types and the body's anchors too."""
    with zipfile.ZipFile(src) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(w("body"))
    rels, types = [], []
    if typed.header or typed.header_box:
        paragraphs = "".join(f"<w:p>{run(t)}</w:p>" for t in typed.header)
        if typed.header_box:
            paragraphs += f"<w:p>{text_box(typed.header_box)}</w:p>"
        parts["word/header1.xml"] = f'<w:hdr xmlns:w="{W_NS}">{paragraphs}</w:hdr>'.encode()
        rels.append(("rIdHeader1", "header", "header1.xml"))
        types.append(("/word/header1.xml", "header"))
        reference = etree.SubElement(body.find(w("sectPr")), w("headerReference"))
        body.find(w("sectPr")).insert(0, reference)
        reference.set(w("type"), "default")
        reference.set(f"{{{REL}}}id", "rIdHeader1")
    if typed.footer:
        footer = parts["word/footer1.xml"].decode()
        parts["word/footer1.xml"] = footer.replace("</w:ftr>", f"<w:p>{run(typed.footer)}</w:p></w:ftr>").encode()
    for kind, notes_typed in (("footnote", typed.footnotes), ("endnote", typed.endnotes)):
        if not notes_typed and not (kind == "footnote" and typed.separators_only):
            continue
        notes = (f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                 f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                 f"</w:p></w:{kind}>")
        for n, (item, cell, text) in enumerate(notes_typed, start=1):
            notes += f'<w:{kind} w:id="{n}"><w:p><w:r><w:{kind}Ref/></w:r>{run(" " + text)}</w:p></w:{kind}>'
            anchor(body, item, cell, f'<w:r><w:{kind}Reference w:id="{n}"/></w:r>')
        parts[f"word/{kind}s.xml"] = f'<w:{kind}s xmlns:w="{W_NS}">{notes}</w:{kind}s>'.encode()
        rels.append((f"rId{kind}s", f"{kind}s", f"{kind}s.xml"))
        types.append((f"/word/{kind}s.xml", f"{kind}s"))
    if typed.comments:
        comments = ""
        for n, (item, cell, author, text) in enumerate(typed.comments):
            paragraphs = "".join(f"<w:p>{run(line)}</w:p>" for line in text.split("\n"))
            comments += f'<w:comment w:id="{n}" w:author="{author}" w:initials="X">{paragraphs}</w:comment>'
            p = anchor(body, item, cell, f'<w:commentRangeEnd w:id="{n}"/>',
                       f'<w:r><w:commentReference w:id="{n}"/></w:r>')
            if p is not None:
                p.insert(1 if len(p) and p[0].tag == w("pPr") else 0, xml_fragment(f'<w:commentRangeStart w:id="{n}"/>'))
        parts["word/comments.xml"] = f'<w:comments xmlns:w="{W_NS}">{comments}</w:comments>'.encode()
        rels.append(("rIdComments", "comments", "comments.xml"))
        types.append(("/word/comments.xml", "comments"))
    if typed.body is not None:
        typed.body(body)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", "".join(
        f'<Relationship Id="{i}" Type="{REL}/{kind}" Target="{target}"/>' for i, kind, target in rels
    ).encode() + b"</Relationships>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", "".join(
        f'<Override PartName="{name}" ContentType="{TYPE}.{kind}+xml"/>' for name, kind in types
    ).encode() + b"</Types>")
    parts.update(typed.parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in parts.items():
            zout.writestr(name, blob)
    dst.write_bytes(buffer.getvalue())
    return dst
