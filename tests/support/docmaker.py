"""Build small .docx files from WordprocessingML fragments, for parser tests.

Test tooling, independent of docxform's writer: each helper returns an XML
string, so a test can write exactly the markup a word processor would (a
``w:sym`` tick, a legacy FORMCHECKBOX, a tracked insertion) and nothing else.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NAMESPACES = f'xmlns:w="{W}" xmlns:w14="{W14}"'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def document_xml(body: str) -> bytes:
    """A complete ``word/document.xml`` around body content."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}>'
            f"<w:body>{body}</w:body></w:document>").encode()


def package(document: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx package (zip) holding ``document`` as the main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
        for name, blob in (extra or {}).items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def write_docx(path: Path, body: str) -> Path:
    path.write_bytes(package(document_xml(body)))
    return path


# --- runs and paragraphs

def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def r(text: str = "", font: str | None = None) -> str:
    """A run of text, optionally in a named font (a symbol font makes it a symbol run)."""
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    return f"<w:r>{rpr}{t(text)}</w:r>"


def sym(font: str, char: str) -> str:
    """A ``w:sym`` run: Word's way of inserting a symbol from a symbol font."""
    return f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'


def p(*content: str) -> str:
    """A paragraph; plain strings that are not markup become runs."""
    return "<w:p>" + "".join(c if c.startswith("<") else r(c) for c in content) + "</w:p>"


def paras(text: str) -> str:
    """One paragraph per line of ``text``."""
    return "".join(p(line) for line in text.split("\n"))


# --- tables

def tc(*content: str, span: int = 1, vmerge: str | None = None) -> str:
    """A table cell; content is paragraph/table markup or plain text (one paragraph)."""
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        props += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    body = "".join(c if c.startswith("<") else p(c) for c in content) or p()
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>" if props else f"<w:tc>{body}</w:tc>"


def tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def tbl(*rows: str) -> str:
    return "<w:tbl><w:tblPr/>" + "".join(rows) + "</w:tbl>"


# --- controls

def checkbox_sdt(checked: bool, tag: str = "", alias: str = "") -> str:
    """A Word 2010 checkbox content control (state in ``w14:checked``, glyph in MS Gothic)."""
    ids = (f'<w:alias w:val="{alias}"/>' if alias else "") + (f'<w:tag w:val="{tag}"/>' if tag else "")
    glyph = "\u2612" if checked else "\u2610"
    return (f"<w:sdt><w:sdtPr>{ids}<w14:checkbox><w14:checked w14:val=\"{int(checked)}\"/>"
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
            f'<w:sdtContent><w:p>{r(glyph, "MS Gothic")}</w:p></w:sdtContent></w:sdt>')


def legacy_checkbox(checked: bool | None = None, default: bool | None = None, name: str = "Check1") -> str:
    """A legacy FORMCHECKBOX field: state in ``w:checked``, else ``w:default``."""
    state = ""
    if default is not None:
        state += f'<w:default w:val="{int(default)}"/>'
    if checked is not None:
        state += f'<w:checked w:val="{int(checked)}"/>'
    return p(
        f'<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/><w:enabled/>'
        f"<w:calcOnExit w:val=\"0\"/><w:checkBox><w:sizeAuto/>{state}</w:checkBox></w:ffData></w:fldChar></w:r>",
        '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def dropdown_sdt(text: str, items: Iterable[str] = ("", "X", "yes"), placeholder: bool = False) -> str:
    """A drop-down list content control showing ``text``."""
    entries = "".join(f'<w:listItem w:displayText="{escape(i)}" w:value="{escape(i)}"/>' for i in items)
    showing = "<w:showingPlcHdr/>" if placeholder else ""
    return (f"<w:sdt><w:sdtPr>{showing}<w:dropDownList>{entries}</w:dropDownList></w:sdtPr>"
            f"<w:sdtContent><w:p>{r(text)}</w:p></w:sdtContent></w:sdt>")


def text_sdt(text: str, placeholder: bool = False, tag: str = "", alias: str = "") -> str:
    """A plain-text content control; with ``placeholder`` its text is the prompt still showing."""
    ids = (f'<w:alias w:val="{alias}"/>' if alias else "") + (f'<w:tag w:val="{tag}"/>' if tag else "")
    showing = "<w:showingPlcHdr/>" if placeholder else ""
    return (f"<w:sdt><w:sdtPr>{ids}{showing}<w:text w:multiLine=\"1\"/></w:sdtPr>"
            f"<w:sdtContent>{paras(text)}</w:sdtContent></w:sdt>")


# --- tracked changes

def ins(*runs: str) -> str:
    return '<w:ins w:id="1" w:author="Reviewer" w:date="2003-10-01T00:00:00Z">' + "".join(runs) + "</w:ins>"


def deleted(text: str) -> str:
    return ('<w:del w:id="2" w:author="Reviewer" w:date="2003-10-01T00:00:00Z">'
            f'<w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>')
