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
    comments: Sequence[tuple[str, str, str, str]] = ()  # (item, cell, author, text): on that cell's text
    body: Callable[[etree._Element], None] | None = None
    separators_only: bool = False  # a footnotes part with Word's separators only (no note)
    parts: dict[str, bytes] = field(default_factory=dict)


def item_row(body: etree._Element, item: str) -> etree._Element:
    for tr in body.iter(w("tr")):
        cells = tr.findall(w("tc"))
        if cells and "".join(x.text or "" for x in cells[0].iter(w("t"))).strip() == item:
            return tr
    raise AssertionError(f"no row for {item}")


def anchor_paragraph(body: etree._Element, item: str, cell: str) -> etree._Element:
    tc = item_row(body, item).findall(w("tc"))[ROW_CELL[cell]]
    return list(tc.iter(w("p")))[-1]


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
    if typed.footnotes or typed.separators_only:
        notes = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                 "</w:p></w:footnote>")
        for n, (item, cell, text) in enumerate(typed.footnotes, start=1):
            notes += f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r>{run(" " + text)}</w:p></w:footnote>'
            anchor_paragraph(body, item, cell).append(xml_fragment(f'<w:r><w:footnoteReference w:id="{n}"/></w:r>'))
        parts["word/footnotes.xml"] = f'<w:footnotes xmlns:w="{W_NS}">{notes}</w:footnotes>'.encode()
        rels.append(("rIdFootnotes", "footnotes", "footnotes.xml"))
        types.append(("/word/footnotes.xml", "footnotes"))
    if typed.comments:
        comments = ""
        for n, (item, cell, author, text) in enumerate(typed.comments):
            paragraphs = "".join(f"<w:p>{run(line)}</w:p>" for line in text.split("\n"))
            comments += f'<w:comment w:id="{n}" w:author="{author}" w:initials="X">{paragraphs}</w:comment>'
            p = anchor_paragraph(body, item, cell)
            start = xml_fragment(f'<w:commentRangeStart w:id="{n}"/>')
            p.insert(1 if len(p) and p[0].tag == w("pPr") else 0, start)
            p.append(xml_fragment(f'<w:commentRangeEnd w:id="{n}"/>'))
            p.append(xml_fragment(f'<w:r><w:commentReference w:id="{n}"/></w:r>'))
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
