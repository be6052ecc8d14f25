"""Build a .docx from document words: headings, paragraphs, tables, controls.

The generator describes a form with these small objects; this module turns
them into WordprocessingML. Content controls (checkbox and text) are written
by hand because python-docx has no API for them. Fields that are filled per
respondent become *slots*: the document is rendered once, and each copy only
joins precomputed chunks with the slot values (see :class:`DocxTemplate`),
which is what makes hundreds of personalised forms cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docxform.oxml.package import custom_properties_xml

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # surrogates: not in UTF-8 either
CHECKED_CHAR, UNCHECKED_CHAR = "\u2612", "\u2610"  # ☒ ☐
BOX_FONT = "MS Gothic"


def xml_text(text: str) -> str:
    """Escape text for element content, dropping characters XML cannot hold."""
    return escape(xml_safe(text))


def xml_safe(text: str) -> str:
    """The text as a part can hold it: characters XML cannot hold dropped (what a reader gets back)."""
    return _INVALID_XML.sub("", text)


def xml_attr(text: str) -> str:
    return escape(_INVALID_XML.sub("", text), {'"': "&quot;", "\n": " ", "\t": " "})


# --- what a form is made of

@dataclass(frozen=True)
class Text:
    """A paragraph of plain text in a cell (``\\n`` starts a new paragraph)."""

    text: str
    bold: bool = False
    italic: bool = False
    size: int = 0  # half-points; 0 = style default
    align: str = ""
    shade: str = ""  # paragraph shading (a printed marker, e.g. a disputed standard)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    size: int = 0


@dataclass(frozen=True)
class Checkbox:
    """A Word 2010+ checkbox content control."""

    tag: str
    alias: str
    checked: bool = False
    label: str = ""  # printed after the box, in the same paragraph (e.g. "Agreed at the meeting")


@dataclass(frozen=True)
class TextControl:
    """A rich-text content control; ``slot`` names a per-respondent value.

    An empty ``placeholder`` leaves an empty control (nothing prints), for
    forms that go to a meeting on paper.
    """

    tag: str
    alias: str
    placeholder: str
    value: str = ""
    slot: str | None = None
    compact: bool = False  # the value small (8 pt), lines tight with a hanging indent: collated text for print


CellContent = Text | Bullets | Checkbox | TextControl


@dataclass(frozen=True)
class Cell:
    content: tuple[CellContent, ...] = ()
    span: int = 1
    shade: str = ""
    align: str = ""
    rotated: bool = False  # text read bottom to top (a narrow column's heading; the row grows to fit)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool = False
    cant_split: bool = True
    min_height: int = 0  # twips; a row of turned headings needs it (LibreOffice does not grow the row to fit)


@dataclass(frozen=True)
class Table:
    widths: tuple[float, ...]  # relative widths of the grid columns
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""
    bold: bool = False
    italic: bool = False
    keep_next: bool = False
    page_break_before: bool = False


Element = Paragraph | Table


@dataclass
class DocumentSpec:
    """A whole document: its elements, page set-up and custom properties."""

    elements: list[Element] = field(default_factory=list)
    landscape: bool = True
    footer: str = ""
    footer_date: bool = False  # the date of printing (a DATE field) after the footer's text
    protect: bool = False
    title: str = ""
    properties: dict[str, str] = field(default_factory=dict)


# --- rendering

class _Slot(str):
    """Marks a place in the rendered chunks that is filled per copy."""


@dataclass
class DocxTemplate:
    """A rendered document whose slots are filled cheaply for each copy."""

    parts: dict[str, bytes]
    chunks: list[str]
    slots: dict[str, TextControl]
    properties: dict[str, str]

    def render(self, values: dict[str, str], properties: dict[str, str]) -> dict[str, bytes]:
        """The package parts with slot values and extra custom properties filled in."""
        body = "".join(_text_control(self.slots[c], values.get(c, "")) if isinstance(c, _Slot) else c
                       for c in self.chunks)
        parts = dict(self.parts)
        parts["word/document.xml"] = body.encode("utf-8")
        parts["docProps/custom.xml"] = custom_properties_xml({**self.properties, **properties})
        return parts


def build_template(spec: DocumentSpec) -> DocxTemplate:
    chunks: list[str] = [_DOC_HEAD]
    slots: dict[str, TextControl] = {}
    counter = _Ids()
    for element in spec.elements:
        if isinstance(element, Paragraph):
            chunks.append(_paragraph(element))
        else:
            _table(element, chunks, slots, counter, _text_width(spec.landscape))
    chunks.append(_sect_pr(spec.landscape) + "</w:body></w:document>")
    parts = _static_parts(spec)
    return DocxTemplate(parts=parts, chunks=_merge_chunks(chunks), slots=slots, properties=dict(spec.properties))


def _merge_chunks(chunks: list[str]) -> list[str]:
    """Runs of fixed text joined into one chunk between the slots.

    Joined once per run: appending piece by piece (``out[-1] += chunk``)
    copies the growing text each time, quadratic in a long document.
    """
    out: list[str] = []
    pending: list[str] = []
    for chunk in chunks:
        if isinstance(chunk, _Slot):
            if pending:
                out.append("".join(pending))
                pending = []
            out.append(chunk)
        else:
            pending.append(chunk)
    if pending:
        out.append("".join(pending))
    return out


class _Ids:
    """Content-control ids: unique, deterministic."""

    def __init__(self) -> None:
        self.next = 1000

    def __call__(self) -> int:
        self.next += 1
        return self.next


_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w14"><w:body>'
)


def _run(text: str, *, bold: bool = False, italic: bool = False, size: int = 0, style: str = "",
         font: str = "") -> str:
    props = ""
    if style:
        props += f'<w:rStyle w:val="{style}"/>'
    if font:
        props += f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" w:hint="eastAsia"/>'
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    if size:
        props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'


def _ppr(style: str = "", keep_next: bool = False, page_break: bool = False, align: str = "",
         spacing: bool = False, shade: str = "") -> str:
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        props += "<w:keepNext/>"
    if page_break:
        props += "<w:pageBreakBefore/>"
    if shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    if spacing:
        props += '<w:spacing w:before="0" w:after="0"/>'
    if align:
        props += f'<w:jc w:val="{align}"/>'
    return f"<w:pPr>{props}</w:pPr>" if props else ""


def _paragraph(p: Paragraph) -> str:
    ppr = _ppr(p.style, p.keep_next, p.page_break_before)
    return f"<w:p>{ppr}{_run(p.text, bold=p.bold, italic=p.italic) if p.text else ''}</w:p>"


def _cell_paragraphs(text: str, *, bold: bool = False, italic: bool = False, size: int = 0,
                     align: str = "", style: str = "", shade: str = "") -> str:
    lines = text.split("\n") or [""]
    return "".join(
        f"<w:p>{_ppr(style=style, align=align, shade=shade)}"
        f"{_run(line, bold=bold, italic=italic, size=size) if line else ''}</w:p>"
        for line in lines
    )


def _value_paragraphs(value: str, compact: bool) -> str:
    """A control's value; compact lines are 8 pt, without space after, each hanging so a new line shows."""
    if not compact:
        return _cell_paragraphs(value)
    ppr = ('<w:pPr><w:spacing w:after="0"/><w:ind w:left="142" w:hanging="142"/>'
           '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:pPr>')
    return "".join(f"<w:p>{ppr}{_run(line, size=16) if line else ''}</w:p>" for line in value.split("\n"))


def _checkbox(box: Checkbox, ident: int) -> str:
    char = CHECKED_CHAR if box.checked else UNCHECKED_CHAR
    where = '<w:spacing w:before="60"/>' if box.label else '<w:jc w:val="center"/>'
    return (
        f"<w:p><w:pPr>{where}</w:pPr><w:sdt><w:sdtPr>"
        f'<w:rPr><w:rFonts w:ascii="{BOX_FONT}" w:eastAsia="{BOX_FONT}" w:hAnsi="{BOX_FONT}" w:hint="eastAsia"/>'
        '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        f'<w:alias w:val="{xml_attr(box.alias)}"/><w:tag w:val="{xml_attr(box.tag)}"/><w:id w:val="{ident}"/>'
        f'<w14:checkbox><w14:checked w14:val="{1 if box.checked else 0}"/>'
        f'<w14:checkedState w14:val="2612" w14:font="{BOX_FONT}"/>'
        f'<w14:uncheckedState w14:val="2610" w14:font="{BOX_FONT}"/></w14:checkbox>'
        "</w:sdtPr><w:sdtContent>"
        f"{_run(char, font=BOX_FONT, size=28)}"
        f"</w:sdtContent></w:sdt>{_run(' ' + box.label, bold=True) if box.label else ''}</w:p>"
    )


def _text_control(control: TextControl, value: str, ident: int | None = None) -> str:
    """A block-level rich-text control; the placeholder shows while it is empty."""
    ident = ident if ident is not None else _stable_id(control.tag)
    head = (f'<w:sdt><w:sdtPr><w:alias w:val="{xml_attr(control.alias)}"/>'
            f'<w:tag w:val="{xml_attr(control.tag)}"/><w:id w:val="{ident}"/>')
    if value.strip():
        return f"{head}</w:sdtPr><w:sdtContent>{_value_paragraphs(value, control.compact)}</w:sdtContent></w:sdt>"
    return (f"{head}<w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
            f"{_cell_paragraphs(control.placeholder, style='', align='')}"
            "</w:sdtContent></w:sdt>").replace("<w:r><w:t ", '<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t ')


def _stable_id(tag: str) -> int:
    """A deterministic id for a control rendered per copy (same tag, same id)."""
    value = 0
    for ch in tag:
        value = (value * 131 + ord(ch)) % 2_000_000_000
    return value + 10_000


def _table(table: Table, chunks: list[str], slots: dict[str, TextControl], ids: _Ids, text_width: int) -> None:
    total = sum(table.widths)
    grid = [max(200, int(text_width * w / total)) for w in table.widths]
    chunks.append(
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in grid) + "</w:tblGrid>"
    )
    for row in table.rows:
        trpr = ("<w:cantSplit/>" if row.cant_split else "") + (
            f'<w:trHeight w:val="{row.min_height}" w:hRule="atLeast"/>' if row.min_height else "") + (
            "<w:tblHeader/>" if row.header else "")
        chunks.append(f"<w:tr>{'<w:trPr>' + trpr + '</w:trPr>' if trpr else ''}")
        col = 0
        for cell in row.cells:
            width = sum(grid[col:col + cell.span])
            col += cell.span
            _cell(cell, width, chunks, slots, ids)
        chunks.append("</w:tr>")
    chunks.append("</w:tbl><w:p/>")


def _cell(cell: Cell, width: int, chunks: list[str], slots: dict[str, TextControl], ids: _Ids) -> None:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.span > 1:
        tcpr += f'<w:gridSpan w:val="{cell.span}"/>'
    if cell.shade:
        tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.shade}"/>'
    if cell.rotated:
        tcpr += '<w:textDirection w:val="btLr"/>'
    if cell.align:
        tcpr += f'<w:vAlign w:val="{cell.align}"/>'
    chunks.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>")
    if not cell.content:
        chunks.append("<w:p/>")
    for content in cell.content:
        if isinstance(content, Text):
            chunks.append(_cell_paragraphs(content.text, bold=content.bold, italic=content.italic,
                                           size=content.size, align=content.align, shade=content.shade))
        elif isinstance(content, Bullets):
            chunks.append("".join(
                '<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>' + _run("\u2022 " + b, size=content.size) + "</w:p>"
                for b in content.items))
        elif isinstance(content, Checkbox):
            chunks.append(_checkbox(content, ids()))
        elif content.slot:
            slots[content.slot] = content
            chunks.append(_Slot(content.slot))
        else:
            chunks.append(_text_control(content, content.value, ids()))
    if cell.content and isinstance(cell.content[-1], TextControl):
        chunks.append("<w:p/>")  # a cell must end with a paragraph, not a block-level control
    chunks.append("</w:tc>")


def _text_width(landscape: bool) -> int:
    page, margins = (16838, 2 * 851) if landscape else (11906, 2 * 851)
    return page - margins


def _sect_pr(landscape: bool) -> str:
    size = ('<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' if landscape
            else '<w:pgSz w:w="11906" w:h="16838"/>')
    return ('<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>'
            f'{size}<w:pgMar w:top="851" w:right="851" w:bottom="851" w:left="851" w:header="425" '
            'w:footer="425" w:gutter="0"/><w:cols w:space="708"/></w:sectPr>')


# --- the fixed parts of the package

def _static_parts(spec: DocumentSpec) -> dict[str, bytes]:
    from docxform.oxml import parts as p

    return {
        "[Content_Types].xml": p.CONTENT_TYPES.encode(),
        "_rels/.rels": p.ROOT_RELS.encode(),
        "docProps/core.xml": p.core_xml(spec.title).encode(),
        "docProps/app.xml": p.APP.encode(),
        "word/_rels/document.xml.rels": p.DOCUMENT_RELS.encode(),
        "word/document.xml": b"",
        "word/styles.xml": p.STYLES.encode(),
        "word/settings.xml": p.settings_xml(spec.protect).encode(),
        "word/footer1.xml": p.footer_xml(xml_text(spec.footer), print_date=spec.footer_date).encode(),
        "docProps/custom.xml": b"",
    }
