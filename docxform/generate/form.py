"""Framework + layout -> a form document and its mapping, in one pass.

The layout's blocks are laid out in order. Every answer cell is recorded in
the mapping as it is placed, so the mapping and the document cannot drift
apart. Output goes through :mod:`docxform.oxml.writer`; nothing here knows
WordprocessingML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from docxform import __version__
from docxform.framework import model as m
from docxform.framework.mapping import AnswerCell, ColumnAnchor, FieldRef, Mapping, PeopleRef
from docxform.generate import tags
from docxform.oxml import writer as w
from docxform.oxml.textparts import form_footer

HEADER_SHADE = "D9D9D9"
THEME_SHADE = "F2F2F2"


@dataclass
class FormOptions:
    """How to lay out a form. ``answers`` prefills items (a consolidated form):
    item id -> {"rating": level key or None, field key: text}.

    The rest serve a form that is printed for a meeting (the consolidated
    form): ``for_print`` lets long rows run on to the next page (rather than
    starting a page each), sets prefilled text in a smaller size and leaves
    empty controls without placeholder text, which would print like answers;
    ``disputes`` maps item id -> a note printed under the item's text, with an
    "Agreed at the meeting" box to tick (the tag ``dxf:agreed:<id>``); ``notes``
    maps item id -> a note printed the same way with no box (what the meeting
    already decided).
    """

    layout: str | None = None
    guidance_annex: bool = False
    protect: bool = False
    answers: dict[str, dict[str, str | None]] = field(default_factory=dict)
    for_print: bool = False
    disputes: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    #: What the printed pages' footer says (default: the framework and layout), and whether the date of
    #: printing follows it; page X of Y is always on the right.
    footer: str = ""
    footer_date: bool = False


#: Shading of a disputed standard's printed note.
DISPUTE_SHADE = "FFE699"
#: Label of the box ticked when the meeting has agreed a disputed rating.
AGREED_LABEL = "Agreed at the meeting"
#: Size (half-points) of the standards' text and notes on a form for print (prefilled answers are 8 pt too).
PRINT_TEXT_SIZE = 16


@dataclass
class _Builder:
    """Collects document elements and mapping entries while the form is laid out."""

    framework: m.Framework
    layout: m.FormLayout
    answers: dict[str, dict[str, str | None]] = field(default_factory=dict)
    for_print: bool = False
    disputes: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    elements: list[w.Element] = field(default_factory=list)
    cells: list[AnswerCell] = field(default_factory=list)
    fields: list[FieldRef] = field(default_factory=list)
    columns: list[ColumnAnchor] = field(default_factory=list)
    people: PeopleRef | None = None
    placeholders: set[str] = field(default_factory=set)
    tables: int = 0

    def add_table(self, table: w.Table) -> int:
        self.elements.append(table)
        self.tables += 1
        return self.tables - 1

    def heading(self, text: str, level: int = 1) -> None:
        if text:
            self.elements.append(w.Paragraph(text, style=f"Heading{level}", keep_next=True))

    def para(self, text: str, style: str = "", **kw: bool) -> None:
        if text:
            self.elements.append(w.Paragraph(text, style=style, **kw))

    def placeholder(self, text: str) -> str:
        """The placeholder an empty control shows: none on a form for print, where it would read as an answer."""
        if self.for_print:
            return ""
        self.placeholders.add(text)
        return text


def mapping_id(framework: m.Framework, layout: m.FormLayout) -> str:
    return f"{framework.id}-{layout.id}"


def build_form(framework: m.Framework, options: FormOptions) -> tuple[w.DocumentSpec, Mapping]:
    """The document spec (with per-respondent slots) and the layout's mapping."""
    layout = framework.form(options.layout)
    b = _Builder(framework, layout, answers=options.answers, for_print=options.for_print,
                 disputes=options.disputes, notes=options.notes)
    b.para(layout.title or framework.title, style="Title")
    b.para(layout.subtitle, style="Subtitle")
    for block in layout.blocks:
        _BLOCKS[type(block)](b, block)
    if options.guidance_annex:
        _guidance_annex(b)
    spec = w.DocumentSpec(
        elements=b.elements, landscape=layout.orientation == "landscape", protect=options.protect,
        title=layout.title or framework.title,
        footer=options.footer or form_footer(framework.title, framework.id, framework.version, layout.id),
        footer_date=options.footer_date,
        properties={
            "docxform.framework": framework.id, "docxform.framework_version": framework.version,
            "docxform.layout": layout.id, "docxform.mapping": mapping_id(framework, layout),
            "docxform.generator": f"docxform {__version__}",
        },
    )
    mapping = Mapping(
        id=mapping_id(framework, layout), framework=framework.id, framework_version=framework.version,
        layout=layout.id, item_header=(layout.items_block.item_header if layout.items_block else ""),
        columns=tuple(b.columns), recognise=_recognise(framework, layout), fields=tuple(b.fields),
        cells=tuple(b.cells), people=b.people, placeholders=tuple(sorted(b.placeholders)),
        description=f"Generated by docxform {__version__} for the {layout.id} layout of {framework.id}.",
    )
    return spec, mapping


def _recognise(framework: m.Framework, layout: m.FormLayout) -> tuple[str, ...]:
    """Texts that identify a return in this layout when its properties are gone."""
    first = framework.items[0]
    texts = [layout.title or framework.title, first.text[:60]]
    return tuple(t for t in texts if t)


# --- blocks

def _fields_block(b: _Builder, block: m.FieldsBlock | m.SignatoriesBlock) -> None:
    b.heading(block.heading)
    if isinstance(block, m.SignatoriesBlock):
        b.para(block.declaration)
    index = b.tables
    rows = []
    for r, f in enumerate(block.fields):
        control = w.TextControl(tags.form_tag(f.key), f.label, b.placeholder(_placeholder(f)), slot=f.key)
        rows.append(w.Row((w.Cell((w.Text(f.label, bold=True),), shade=THEME_SHADE), w.Cell((control,)))))
        b.fields.append(FieldRef(key=f.key, label=f.label, tag=control.tag, table=index, row=r, col=1))
    b.add_table(w.Table((1, 3), tuple(rows)))
    if isinstance(block, m.SignatoriesBlock) and block.note:
        b.para(block.note, style="" if b.for_print else "Footer")  # small print: not under 8 pt on paper


def _placeholder(f: m.FormField) -> str:
    return {"signature": "Type your name to sign", "date": "Date", "month": "Month", "year": "Year"}.get(
        f.type, f"Enter {f.label.lower().rstrip(':')}")


def _items_block(b: _Builder, block: m.ItemsBlock) -> None:
    fw = b.framework
    columns = [fw.field(key) for key in (block.columns or tuple(f.key for f in fw.fields))]
    header, widths, anchors = _item_header(fw, block, columns, shares=_text_shares(b, columns) if b.for_print else None)
    b.columns.extend(anchors)
    groups = [(None, fw.items)] if block.one_table else [(t, fw.items_in(t.id)) for t in fw.themes]
    for theme, items in groups:
        if not items:
            continue
        if theme is not None and not block.theme_rows:
            b.heading(theme.heading)
            b.para(theme.intro, style="Intro")
        rows = [header]
        for it in items:
            if block.theme_rows and (theme is not None) and it is items[0]:
                rows.append(w.Row((w.Cell((w.Text(theme.heading, bold=True),), span=len(widths), shade=THEME_SHADE),),))
            table_index = b.tables
            rows.append(_item_row(b, it, block, columns, table_index, len(rows)))
        b.add_table(w.Table(tuple(widths), tuple(rows)))


def _text_shares(b: _Builder, columns: list[m.ItemField]) -> dict[str, float]:
    """Each text column's share of the prefilled text (square-rooted, so no column is starved)."""
    keys = [f.key for f in columns if f.type != "rating"]
    sizes = {k: math.sqrt(sum(len(a.get(k) or "") for a in b.answers.values()) + 400) for k in keys}
    total = sum(sizes.values()) or 1.0
    return {k: v / total for k, v in sizes.items()}


def _item_header(fw: m.Framework, block: m.ItemsBlock, columns: list[m.ItemField], *,
                 shares: dict[str, float] | None = None) -> tuple[w.Row, list[float], list[ColumnAnchor]]:
    """The header row, the column widths and the anchors.

    With ``shares`` (a form for print, prefilled with collated text) the
    standard's text gets less room and the text columns divide theirs by how
    much text each holds, so the tallest cell of a row is as short as it can be.
    """
    narrow = shares is not None
    text_total = sum((f.width or 16) for f in columns if f.type != "rating")
    cells = [w.Cell((w.Text(block.item_header, bold=True),), span=2 if block.id_column else 1, shade=HEADER_SHADE)]
    text_width = 24 if narrow else 26
    widths: list[float] = [5.5 if narrow else 4.5, text_width] if block.id_column else [text_width + 4]
    anchors: list[ColumnAnchor] = []
    for f in columns:
        if f.type == "rating" and fw.rating_scale:
            for lv in fw.rating_scale.levels:
                # A form for print: the level's name at 8 pt, turned to read upwards, so the column need be
                # no wider than its box and the collated text keeps the room (7 pt across on a blank form).
                cells.append(w.Cell((w.Text(lv.label, bold=True, size=PRINT_TEXT_SIZE if narrow else 14,
                                            align="left" if narrow else "center"),),
                                    shade=HEADER_SHADE, rotated=narrow, align="bottom" if narrow else ""))
                widths.append(4.5 if narrow else 8)
                anchors.append(ColumnAnchor(header=lv.label, field=f.key, level=lv.key))
        else:
            cells.append(w.Cell((w.Text(f.label, bold=True),), shade=HEADER_SHADE))
            widths.append(max(18.0, text_total * 1.7 * shares[f.key]) if shares else (f.width or 16))
            anchors.append(ColumnAnchor(header=f.label, field=f.key))
    # Turned level names: the row as tall as "IDENTIFIED" in bold 8 pt, with the cell's margins (2.2 cm).
    return w.Row(tuple(cells), header=True, min_height=1250 if narrow else 0), widths, anchors


def _item_row(b: _Builder, it: m.Item, block: m.ItemsBlock, columns: list[m.ItemField],
              table: int, row: int) -> w.Row:
    size = PRINT_TEXT_SIZE if b.for_print else 0
    text: list[w.CellContent] = [w.Text(it.text if block.id_column else f"{it.id} {it.text}", size=size)]
    if block.show_prompts and it.prompts:
        text.append(w.Bullets(tuple(f"({p.id}) {p.text}" if p.id else p.text for p in it.prompts),
                              size=PRINT_TEXT_SIZE if b.for_print else 14))
    if it.id in b.disputes:
        text.append(w.Text(b.disputes[it.id], bold=True, size=PRINT_TEXT_SIZE, shade=DISPUTE_SHADE))
        text.append(w.Checkbox(tags.agreed_tag(it.id), f"{it.id} {AGREED_LABEL}", label=AGREED_LABEL))
    elif it.id in b.notes:
        text.append(w.Text(b.notes[it.id], bold=True, size=PRINT_TEXT_SIZE))
    cells = [w.Cell((w.Text(it.id, bold=True),)), w.Cell(tuple(text))] if block.id_column else [w.Cell(tuple(text))]
    col = 2 if block.id_column else 1
    scale = b.framework.rating_scale
    for f in columns:
        if f.type == "rating" and scale:
            for lv in scale.levels:
                tag = tags.item_tag(it.id, f.key, lv.key)
                alias = f"{it.id} {lv.name}"
                checked = b.answers.get(it.id, {}).get(f.key) == lv.key
                cells.append(w.Cell((w.Checkbox(tag, alias, checked=checked),), align="center"))
                b.cells.append(AnswerCell(it.id, f.key, lv.key, tag, alias, table, row, col))
                col += 1
        else:
            tag = tags.item_tag(it.id, f.key)
            alias = f"{it.id} {f.label.title()}"
            placeholder = b.placeholder(f.placeholder or f.label.capitalize())
            value = b.answers.get(it.id, {}).get(f.key) or ""
            cells.append(w.Cell((w.TextControl(tag, alias, placeholder, value=value, compact=b.for_print),)))
            b.cells.append(AnswerCell(it.id, f.key, None, tag, alias, table, row, col))
            col += 1
    return w.Row(tuple(cells), cant_split=not b.for_print)


def _table_block(b: _Builder, block: m.TableBlock) -> None:
    b.heading(block.heading)
    b.para(block.intro, style="Intro")
    index = b.tables
    rows = [w.Row(tuple(w.Cell((w.Text(c, bold=True),), shade=HEADER_SHADE) for c in block.columns), header=True)]
    for r, tr in enumerate(block.rows, start=1):
        cells = [w.Cell((w.Text(tr.label),))]
        for c, label in enumerate(block.columns[1:], start=1):
            key = f"{block.key}.{tr.key}" + (f".{c}" if len(block.columns) > 2 else "")
            tag = tags.table_tag(block.key, tr.key, c)
            cells.append(w.Cell((w.TextControl(tag, f"{tr.label} {label}", b.placeholder(label)),)))
            b.fields.append(FieldRef(key=key, label=tr.label, tag=tag, table=index, row=r, col=c))
        rows.append(w.Row(tuple(cells)))
    b.add_table(w.Table((2,) + (3,) * (len(block.columns) - 1), tuple(rows)))


def _people_block(b: _Builder, block: m.PeopleBlock) -> None:
    b.heading(block.heading, level=2)
    header = w.Row(tuple(w.Cell((w.Text(c.label, bold=True),), shade=HEADER_SHADE) for c in block.columns),
                   header=True)
    rows = [header]
    for i in range(1, block.rows + 1):
        rows.append(w.Row(tuple(
            w.Cell((w.TextControl(tags.people_tag(i, c.key), f"Person {i} {c.label}", b.placeholder(c.label)),))
            for c in block.columns)))
    b.add_table(w.Table((1,) * len(block.columns), tuple(rows)))
    b.people = PeopleRef(header=block.columns[0].label,
                         columns=tuple(ColumnAnchor(header=c.label, field=c.key) for c in block.columns))
    b.para(block.note)


def _text_block(b: _Builder, block: m.TextBlock) -> None:
    b.heading(block.heading)
    for line in block.text.split("\n"):
        b.para(line)


_BLOCKS: dict[type, Any] = {
    m.FieldsBlock: _fields_block, m.SignatoriesBlock: _fields_block, m.ItemsBlock: _items_block,
    m.TableBlock: _table_block, m.PeopleBlock: _people_block, m.TextBlock: _text_block,
}


def _guidance_annex(b: _Builder) -> None:
    fw = b.framework
    b.elements.append(w.Paragraph("Guidance", style="Heading1", page_break_before=True, keep_next=True))
    if fw.rating_scale:
        b.heading("Rating levels", level=2)
        rows = [w.Row((w.Cell((w.Text("Level", bold=True),), shade=HEADER_SHADE),
                       w.Cell((w.Text("Definition", bold=True),), shade=HEADER_SHADE)), header=True)]
        rows += [w.Row((w.Cell((w.Text(lv.name, bold=True),)), w.Cell((w.Text(lv.definition),))))
                 for lv in fw.rating_scale.levels]
        b.add_table(w.Table((1, 5), tuple(rows)))
    for section in fw.guidance:
        b.heading(section.heading, level=2)
        for paragraph in section.paragraphs:
            b.para(paragraph)
    b.heading(f"Prompts for each {fw.item_name}", level=2)
    for it in fw.items:
        b.para(f"{it.id} {it.guidance_text or it.text}", bold=True, keep_next=bool(it.prompts))
        for p in it.prompts:
            b.para(f"• ({p.id}) {p.text}" if p.id else f"• {p.text}")
