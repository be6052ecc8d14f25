"""Read a .docx body into tables of cells: their text, symbol marks and controls.

This is the only reader of WordprocessingML. It resolves what a word
processor may have done to a form: tracked changes are read as if accepted
(deleted text dropped, inserted text kept); legacy form fields and content
controls (including LibreOffice's untagged wrapper around checkboxes) become
:class:`Control` objects; characters in symbol-font runs and ``w:sym``
elements become :class:`SymbolMark` objects instead of text, because their
meaning depends on the font, except the Symbol font's signs and letters
(≥, ±, α), which are text typed in an answer (:mod:`docxform.oxml.symbols`);
text in text boxes (DrawingML or VML) is read as lines of its cell. Deciding what a mark *means* is the parser's
job (:mod:`docxform.parse.ticks`).

The walk here is the reference. Plain documents (most returns) are read by
the same walk done in C, :mod:`docxform.oxml.fastread`, several times faster.
"""

from __future__ import annotations

import re
import sys

from lxml import etree

from docxform.core.errors import UnsafeInputError
from docxform.oxml import fastread
from docxform.oxml.model import (
    Cell,
    Control,
    Document,
    Embedded,
    Row,
    SymbolMark,
    Table,
    clamp_grid_before,
    clamp_span,
    parse_int,
)
from docxform.oxml.ns import qn
from docxform.oxml.objects import OMATH, OMATH_PARA, drawing_kind, math_text, textpath_lines
from docxform.oxml.symbols import MARK_FONTS, symbol_char

MAX_CELLS = 250_000
MAX_PARAGRAPHS = 500_000  # above MAX_CELLS (every cell holds one); a 500-page report has ~20,000

W_P, W_R, W_T, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_SDT, W_SDTPR, W_SDTCONTENT = qn("w:sdt"), qn("w:sdtPr"), qn("w:sdtContent")
W_SYM, W_TAB, W_BR, W_CR, W_PTAB = qn("w:sym"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:ptab")
W_DEL, W_INS, W_MOVEFROM, W_MOVETO = qn("w:del"), qn("w:ins"), qn("w:moveFrom"), qn("w:moveTo")
W_DELTEXT, W_INSTR, W_FLDCHAR, W_FFDATA = qn("w:delText"), qn("w:instrText"), qn("w:fldChar"), qn("w:ffData")
W_RPR, W_RFONTS, W_VAL = qn("w:rPr"), qn("w:rFonts"), qn("w:val")
W_TCPR, W_GRIDSPAN, W_VMERGE, W_TRPR, W_GRIDBEFORE = (qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:trPr"),
                                                      qn("w:gridBefore"))
W_TAG, W_ALIAS, W_PLCHDR = qn("w:tag"), qn("w:alias"), qn("w:showingPlcHdr")
W14_CHECKBOX, W14_CHECKED, W14_VAL = qn("w14:checkbox"), qn("w14:checked"), qn("w14:val")
W_DROPDOWN, W_COMBO, W_DATE = qn("w:dropDownList"), qn("w:comboBox"), qn("w:date")
W_CHECKBOX, W_CHECKED, W_DEFAULT, W_NAME = qn("w:checkBox"), qn("w:checked"), qn("w:default"), qn("w:name")
W_DDLIST, W_RESULT, W_LISTENTRY = qn("w:ddList"), qn("w:result"), qn("w:listEntry")
W_FONT, W_CHAR, W_NOBREAKHYPHEN = qn("w:font"), qn("w:char"), qn("w:noBreakHyphen")
W_DRAWING, W_PICT, W_PPR, W_RPRCHANGE, W_PPRCHANGE = (qn("w:drawing"), qn("w:pict"), qn("w:pPr"), qn("w:rPrChange"),
                                                      qn("w:pPrChange"))
W_CELLINS, W_CELLDEL, W_TRPR_DEL = qn("w:cellIns"), qn("w:cellDel"), qn("w:del")
W_CUSTOMXML = qn("w:customXml")
W_OBJECT, W_RUBY, W_RUBYBASE, W_RT, W_VANISH, W_ALTCHUNK = (qn("w:object"), qn("w:ruby"), qn("w:rubyBase"),
                                                           qn("w:rt"), qn("w:vanish"), qn("w:altChunk"))
W_TXBX, MC_ALT, MC_CHOICE, MC_FALLBACK = (qn("w:txbxContent"), qn("mc:AlternateContent"), qn("mc:Choice"),
                                          qn("mc:Fallback"))
_SKIP = {W_DRAWING, W_PICT, W_PPR, W_RPR, W_TCPR, W_TRPR, W_SDTPR, qn("w:tblPr"), qn("w:tblGrid"),
         qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr"), qn("w:commentRangeStart"),
         qn("w:commentRangeEnd"), qn("w:sectPr")}
_TRACKED = {W_DEL, W_INS, W_MOVEFROM, W_MOVETO, W_RPRCHANGE, W_PPRCHANGE}
_INLINE = (W_R, W_SDT, W_INS, W_MOVETO, W_DEL, W_MOVEFROM, qn("w:hyperlink"), qn("w:smartTag"), qn("w:fldSimple"),
           qn("w:customXml"), qn("w:dir"), qn("w:bdo"), OMATH, OMATH_PARA)
_RUN_CONTENT = (W_T, W_TAB, W_PTAB, W_BR, W_CR, W_SYM, W_FLDCHAR, W_INSTR, W_NOBREAKHYPHEN, W_DELTEXT, W_DRAWING, W_PICT,
                MC_ALT, W_OBJECT, W_RUBY)
_FALSE = {"0", "false", "off"}
_TRACKED_TAGS = (W_INS, W_DEL, W_MOVEFROM, W_MOVETO, W_RPRCHANGE, W_PPRCHANGE, W_CELLINS, W_CELLDEL)
_TRUE = {"1", "true", "on"}
_FLDCHAR_PATH = f"{W_R}/{W_FLDCHAR}"
_ROW_DELETED, _GRID_BEFORE = f"{W_TRPR}/{W_TRPR_DEL}", f"{W_TRPR}/{W_GRIDBEFORE}"
_GRID_SPAN, _VMERGE = f"{W_TCPR}/{W_GRIDSPAN}", f"{W_TCPR}/{W_VMERGE}"
_CONTROL_KINDS = {W14_CHECKBOX: "checkbox", W_DROPDOWN: "dropdown", W_COMBO: "dropdown", W_DATE: "date"}


class _Collector:
    """Accumulates text, marks and controls of one cell or paragraph run of content."""

    __slots__ = ("all_controls", "controls", "embedded", "ffdata", "field_stage", "marks", "parts", "tracked")

    def __init__(self, all_controls: list[Control]) -> None:
        self.parts: list[str] = []
        self.marks: list[SymbolMark] = []
        self.controls: list[Control] = []
        self.field_stage: list[str] = []  # per open field: "instr" or "result"
        self.ffdata: list[etree._Element | None] = []
        self.tracked = False
        self.all_controls = all_controls
        self.embedded: list[Embedded] = []  # pictures, objects, equations... (see docxform.oxml.objects)

    def text(self) -> str:
        return "".join(self.parts).strip("\n")

    def add_control(self, control: Control) -> None:
        self.controls.append(control)
        self.all_controls.append(control)


def read_document(root: etree._Element, path: str, xml: bytes | None = None) -> Document:
    """Read ``w:document``: tables at body level, paragraphs outside tables, every control.

    Given the part's bytes (``xml``), a plain document is read by the fast
    path (:mod:`docxform.oxml.fastread`, the same walk in C); anything else,
    or anything the fast path cannot vouch for, by :func:`walk_document`.
    """
    body = root.find(qn("w:body"))
    if body is None:
        return Document()
    _check_size(body, path, xml)
    # Formatting changes and tracked paragraph marks hide in run properties; one pass (in C) finds them.
    tracked = any(True for _ in body.iter(*_TRACKED_TAGS))
    if xml is not None and not tracked and fastread.fast_path_fits(xml, root, body):
        doc = fastread.read_fast(root)
        if doc is not None:
            return doc
    return walk_document(body, path, tracked)


def walk_document(body: etree._Element, path: str, tracked: bool) -> Document:
    """The reference reader: walk ``w:body`` once in Python.

    The walk recurses into nested content. The XML parser already refuses
    more than 256 levels; should a nesting still exhaust Python's stack, the
    file is refused in one line rather than crashing the batch.
    """
    doc = Document(tracked_changes=tracked)
    try:
        _read_blocks(body, doc)
    except RecursionError:
        raise UnsafeInputError(path, "content nested too deeply to read; refused") from None
    return doc


def _check_size(body: etree._Element, path: str, xml: bytes | None) -> None:
    """Refuse absurd documents before reading them (one pass in C over the tree).

    An element takes at least four bytes ("<p/>"), so a part of fewer than
    four times the smaller limit in bytes is within both and need not be
    counted: every real form.
    """
    if xml is not None and len(xml) // 4 <= min(MAX_CELLS, MAX_PARAGRAPHS):
        return
    cells = paragraphs = 0
    for element in body.iter(W_TC, W_P):
        if element.tag == W_TC:
            cells += 1
        else:
            paragraphs += 1
    if cells > MAX_CELLS:
        raise UnsafeInputError(path, f"more than {MAX_CELLS:,} table cells ({cells:,}); refused as absurdly large")
    if paragraphs > MAX_PARAGRAPHS:
        raise UnsafeInputError(path, f"more than {MAX_PARAGRAPHS:,} paragraphs ({paragraphs:,}); "
                               "refused as absurdly large")


def _read_blocks(parent: etree._Element, doc: Document) -> None:
    for child in parent:
        tag = child.tag
        if tag == W_TBL:
            doc.tables.append(_read_table(child, len(doc.tables), doc))
        elif tag == W_P:
            col = _Collector(doc.controls)
            _walk_paragraph(child, col)
            doc.tracked_changes |= col.tracked
            text = col.text()
            if text.strip():
                doc.paragraphs.append(text)
            doc.embedded.extend((len(doc.tables), e) for e in col.embedded)
        elif tag in (W_SDT, W_SDTCONTENT, W_INS, W_MOVETO, W_CUSTOMXML):
            if tag in (W_INS, W_MOVETO):
                doc.tracked_changes = True
            inner = child.find(W_SDTCONTENT) if tag == W_SDT else child
            if inner is not None:
                _read_blocks(inner, doc)
        elif tag in (W_DEL, W_MOVEFROM):
            doc.tracked_changes = True
        elif tag == W_ALTCHUNK:
            doc.embedded.append((len(doc.tables), _alt_chunk(child)))


def _read_table(tbl: etree._Element, index: int, doc: Document) -> Table:
    rows: list[Row] = []
    for tr in _table_rows(tbl):
        if tr.find(_ROW_DELETED) is not None:
            doc.tracked_changes = True
            continue  # a deleted row, read as if the deletion were accepted
        before = tr.find(_GRID_BEFORE)
        col = clamp_grid_before(before.get(W_VAL)) if before is not None else 0
        cells: list[Cell] = []
        for tc in _row_cells(tr):
            span, merged = _cell_props(tc)
            collector = _Collector(doc.controls)
            _walk(tc, collector)
            doc.tracked_changes |= collector.tracked
            for control in collector.controls:
                control.table, control.row, control.col = index, len(rows), col
            cells.append(Cell(col=col, span=span, text=collector.text(), marks=collector.marks,
                              controls=collector.controls, merged_continue=merged, embedded=collector.embedded))
            col += span
        rows.append(Row(cells))
    return Table(index, rows)


def _table_rows(tbl: etree._Element) -> list[etree._Element]:
    """Rows, including rows wrapped in a content control or tracked insertion."""
    out = []
    for child in tbl:
        if child.tag == W_TR:
            out.append(child)
        elif child.tag in (W_SDT, W_INS, W_CUSTOMXML):
            inner = child.find(W_SDTCONTENT) if child.tag == W_SDT else child
            out.extend(r for r in (inner if inner is not None else []) if r.tag == W_TR)
    return out


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    out = []
    for child in tr:
        if child.tag == W_TC:
            out.append(child)
        elif child.tag in (W_SDT, W_CUSTOMXML):
            inner = child.find(W_SDTCONTENT) if child.tag == W_SDT else child
            out.extend(c for c in (inner if inner is not None else []) if c.tag == W_TC)
    return out


def _cell_props(tc: etree._Element) -> tuple[int, bool]:
    """Grid span and whether the cell continues a vertical merge (the first of each property counts)."""
    span = tc.find(_GRID_SPAN)
    merge = tc.find(_VMERGE)
    return (clamp_span(span.get(W_VAL)) if span is not None else 1,
            merge is not None and merge.get(W_VAL, "continue") == "continue")


def _walk(parent: etree._Element, out: _Collector) -> None:
    """Content of a cell (paragraphs, controls, nested tables) into ``out``."""
    for child in parent:
        tag = child.tag
        if tag == W_P:
            before = len(out.parts)
            _walk_paragraph(child, out)
            if len(out.parts) > before or child.find(_FLDCHAR_PATH) is None:
                out.parts.append("\n")  # an empty paragraph that only closes a field is not a line
        elif tag == W_SDT:
            _sdt(child, out)
        elif tag in (W_TBL, W_TR, W_TC):
            _walk(child, out)
        elif tag == W_ALTCHUNK:
            out.embedded.append(_alt_chunk(child))
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        elif tag in _TRACKED:
            out.tracked = True
            if tag in (W_INS, W_MOVETO):
                _walk(child, out)
        else:
            _walk(child, out)


def _walk_paragraph(p: etree._Element, out: _Collector) -> None:
    # Children are filtered in C (iterchildren with tags): properties and bookmarks never become Python objects.
    for child in p.iterchildren(*_INLINE):
        tag = child.tag
        if tag == W_R:
            _run(child, out)
        elif tag == W_SDT:
            _sdt(child, out)
        elif tag in _TRACKED:
            out.tracked = True
            if tag in (W_INS, W_MOVETO):
                _walk_paragraph(child, out)
        elif tag in (OMATH, OMATH_PARA):
            _equation(child, out)
        else:  # hyperlink, smartTag, fldSimple, customXml, dir, bdo
            _walk_paragraph(child, out)


def _run_font(r: etree._Element) -> tuple[str, bool]:
    """The run's font (lower case; "" for none) and whether it is formatted hidden (``w:vanish``)."""
    rpr = r.find(W_RPR)
    if rpr is None:
        return "", False
    vanish = rpr.find(W_VANISH)
    hidden = vanish is not None and (vanish.get(W_VAL) or "1").lower() not in _FALSE
    fonts = rpr.find(W_RFONTS)
    if fonts is None:
        return "", hidden
    return (fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi")) or fonts.get(qn("w:cs")) or "").lower(), hidden


def _run(r: etree._Element, out: _Collector) -> None:
    """A run's content in document order: its text, then anything else a run can hold."""
    props: tuple[str, bool] | None = None  # looked up at the first text only: most runs have none worth reading
    for child in r.iterchildren(*_RUN_CONTENT):
        if child.tag == W_T:
            props = _run_text(r, child, props, out)
        else:
            _run_other(child, out)


def _run_text(r: etree._Element, t: etree._Element, props: tuple[str, bool] | None,
              out: _Collector) -> tuple[str, bool] | None:
    """One w:t of a run; returns the run's font and hidden flag once they had to be looked up.

    A field's instruction text is not the answer, so it is skipped. Text in a
    symbol font (Wingdings, Symbol...) is a mark or a sign, not letters, except
    in fonts whose code points are real Unicode (MS Gothic, Segoe UI Symbol,
    OpenSymbol). Text formatted hidden is read (it was typed) and noted, for the parse to say so.
    """
    text = t.text or ""
    if not text:
        return props
    if out.field_stage and out.field_stage[-1] == "instr":
        return props
    if props is None:
        props = _run_font(r)
    font, hidden = props
    if hidden and text.strip():
        out.embedded.append(Embedded("hidden", text))
    if font in MARK_FONTS:
        for ch in text:
            if ch.isspace():
                out.parts.append(ch)
            else:
                _symbol(font, ord(ch), out)
    else:
        out.parts.append(text)
    return props


def _run_other(child: etree._Element, out: _Collector) -> None:
    """A run's child other than text: layout characters, symbols, field parts, deletions, drawings.

    Deleted text only marks the answer as tracked (it is not read); a legacy
    form field's instruction is read only between its begin and separate.
    """
    tag = child.tag
    if tag in (W_TAB, W_PTAB):  # an alignment tab (w:ptab) separates words as a tab does
        out.parts.append("\t")
    elif tag in (W_BR, W_CR):
        out.parts.append("\n")
    elif tag == W_SYM:
        _symbol((child.get(W_FONT) or "").lower(), _int_hex(child.get(W_CHAR)), out)
    elif tag == W_FLDCHAR:
        _field_char(child, out)
    elif tag == W_INSTR:
        if out.ffdata and out.field_stage and out.field_stage[-1] == "instr":
            _legacy_field(child.text or "", out)
    elif tag == W_NOBREAKHYPHEN:
        out.parts.append("-")
    elif tag == W_DELTEXT:
        out.tracked = True
    elif tag in (W_DRAWING, W_PICT, MC_ALT):
        _text_boxes(child, out)
    elif tag == W_OBJECT:
        out.embedded.append(drawing_kind(child))
    elif tag == W_RUBY:
        _ruby(child, out)


def _equation(element: etree._Element, out: _Collector) -> None:
    """An equation (Office Math): its characters read into the text, linear, and noted (docxform.oxml.objects)."""
    text, flat = math_text(element)
    out.parts.append(text)
    if text.strip():
        out.embedded.append(Embedded("equation", text, flat))


def _ruby(ruby: etree._Element, out: _Collector) -> None:
    """A phonetic guide: the base text is the text; the guide above it is noted, not read into the answer."""
    base, guide = ruby.find(W_RUBYBASE), ruby.find(W_RT)
    under = _Collector(out.all_controls)
    under.field_stage, under.ffdata = out.field_stage, out.ffdata
    if base is not None:
        _walk_paragraph(base, under)
    out.parts.extend(under.parts)
    out.marks.extend(under.marks)
    out.controls.extend(under.controls)
    out.tracked |= under.tracked
    out.embedded.extend(under.embedded)
    words = _Collector([])  # the guide's own controls, if any, are no answer
    if guide is not None:
        _walk_paragraph(guide, words)
    if words.text().strip():
        out.embedded.append(Embedded("ruby", f"{words.text().strip()} over {under.text().strip()}"))


def _alt_chunk(chunk: etree._Element) -> Embedded:
    """Content imported from another file (``w:altChunk``): it lives in the part its relationship names."""
    return Embedded("imported", ref=chunk.get(qn("r:id")) or "")


def _symbol(font: str, code: int, out: _Collector) -> None:
    """A symbol-font character: text where the font's character is known (Symbol's "≥"), else a mark.

    A mark is what the tick reader weighs; typed signs belong to the answer's text.
    """
    char = symbol_char(font, code)
    if char is None:
        out.marks.append(SymbolMark(font, code))
    else:
        out.parts.append(char)


def _text_boxes(shape: etree._Element, out: _Collector) -> None:
    """Text typed in text boxes of a drawing, read as lines of the cell or paragraph holding it.

    Word writes a text box twice, as DrawingML (``mc:Choice``) and as VML
    (``mc:Fallback``): only one of the two is read. A box inside a box is read
    once, as part of the outer box's content.
    """
    if shape.tag == MC_ALT:
        branches = [b for b in shape if b.tag in (MC_CHOICE, MC_FALLBACK)]
        chosen = next((b for b in branches if next(b.iter(W_TXBX), None) is not None), None)
        if chosen is None:  # no text box: a picture, chart, WordArt...; the first branch says what
            chosen = branches[0] if branches else None
        if chosen is None:
            return
        shape = chosen
    boxes = outer_boxes(shape)
    for box in boxes:
        if out.parts and not out.parts[-1].endswith("\n"):
            out.parts.append("\n")
        _walk(box, out)
    if boxes:
        return
    lines = textpath_lines(shape)  # WordArt drawn as a VML text path: its text is an attribute
    for line in lines:
        if out.parts and not out.parts[-1].endswith("\n"):
            out.parts.append("\n")
        out.parts.append(line)
    if not lines:
        out.embedded.append(drawing_kind(shape))


def outer_boxes(element: etree._Element) -> list[etree._Element]:
    """The text boxes (``w:txbxContent``) under ``element`` that are not inside another box."""
    found: list[etree._Element] = []
    for child in element:
        if child.tag == W_TXBX:
            found.append(child)
        elif isinstance(child.tag, str):
            found.extend(outer_boxes(child))
    return found


def _int_hex(text: str | None) -> int:
    """A ``w:sym`` character code; anything but a Unicode code point (ASCII hex) reads as 0, an unclear mark."""
    if text is None or not _HEX.fullmatch(text):
        return 0
    code = int(text, 16)
    return code if code <= sys.maxunicode else 0


_HEX = re.compile(r"[0-9A-Fa-f]{1,8}", re.ASCII)


def _field_char(el: etree._Element, out: _Collector) -> None:
    kind = el.get(qn("w:fldCharType"))
    if kind == "begin":
        out.field_stage.append("instr")
        out.ffdata.append(el.find(W_FFDATA))
    elif kind == "separate" and out.field_stage:
        out.field_stage[-1] = "result"
    elif kind == "end" and out.field_stage:
        out.field_stage.pop()
        out.ffdata.pop()


def _legacy_field(instr: str, out: _Collector) -> None:
    """FORMCHECKBOX / FORMTEXT / FORMDROPDOWN: their state lives in ``w:ffData``."""
    ff = out.ffdata[-1]
    if ff is None:
        return
    name_el = ff.find(W_NAME)
    name = name_el.get(W_VAL, "") if name_el is not None else ""
    code = instr.strip().upper()
    if code.startswith("FORMCHECKBOX"):
        box = ff.find(W_CHECKBOX)
        checked = None
        if box is not None:
            state = box.find(W_CHECKED)
            if state is None:
                state = box.find(W_DEFAULT)
            checked = state is not None and state.get(W_VAL, "1").lower() in _TRUE
        out.add_control(Control("legacy-checkbox", alias=name, checked=bool(checked)))
    elif code.startswith("FORMDROPDOWN"):
        dd = ff.find(W_DDLIST)
        entries = [e.get(W_VAL, "") for e in dd.findall(W_LISTENTRY)] if dd is not None else []
        result = dd.find(W_RESULT) if dd is not None else None
        index = parse_int(result.get(W_VAL) if result is not None else None, 0)
        text = entries[index] if 0 <= index < len(entries) else ""
        out.add_control(Control("legacy-dropdown", alias=name, text=text))
        out.parts.append(text)
    elif code.startswith("FORMTEXT"):
        out.add_control(Control("legacy-text", alias=name))


def _sdt(sdt: etree._Element, out: _Collector, inherited: tuple[str, str] = ("", "")) -> None:
    """A content control: its kind and state from ``w:sdtPr``, its text from the content.

    Of each property the first counts (a well-formed control has one of each,
    and its first type element, checkbox, list or date, says what it is).
    """
    pr, content = sdt.find(W_SDTPR), sdt.find(W_SDTCONTENT)
    tag, alias, kind, checked, showing = _control_properties(pr) if pr is not None else ("", "", "text", None, False)
    tag, alias = tag or inherited[0], alias or inherited[1]
    if content is None:
        return
    inner = _Collector(out.all_controls)
    inner.field_stage, inner.ffdata = out.field_stage, out.ffdata
    nested_boxes = _nested_checkboxes(content)
    if nested_boxes and kind != "checkbox":
        # LibreOffice wraps each checkbox in an untagged control that carries the alias.
        for child in content:
            if child.tag == W_SDT:
                _sdt(child, out, (tag, alias))
            elif child.tag == W_P:
                _walk_paragraph_with_sdts(child, out, (tag, alias))
            elif child.tag == W_R:
                _run(child, out)
        return
    _walk(content, inner) if _has_blocks(content) else _walk_paragraph(content, inner)
    out.tracked |= inner.tracked
    text = inner.text()
    control = Control(kind, tag=tag, alias=alias, checked=checked, text="" if showing else text,
                      placeholder_showing=showing)
    out.add_control(control)
    out.controls.extend(c for c in inner.controls)
    out.embedded.extend(inner.embedded)
    if kind != "checkbox":
        if not showing:
            out.parts.append("".join(inner.parts))
        out.marks.extend(inner.marks)


def control_text(content: etree._Element) -> str:
    """The text of a control's ``w:sdtContent`` as the reader reads it (for a caller holding the element, as
    :mod:`docxform.oxml.bindings` does): one reading of a control's text, not a second, looser one."""
    inner = _Collector([])
    _walk(content, inner) if _has_blocks(content) else _walk_paragraph(content, inner)
    return inner.text()


def _control_properties(pr: etree._Element) -> tuple[str, str, str, bool | None, bool]:
    tag = alias = kind = None
    checked, showing = None, False
    for prop in pr:  # one pass over the properties: this runs for every control
        name = prop.tag
        if name == W_TAG:
            tag = prop.get(W_VAL, "") if tag is None else tag
        elif name == W_ALIAS:
            alias = prop.get(W_VAL, "") if alias is None else alias
        elif name == W_PLCHDR:
            showing = True
        elif kind is None and name in _CONTROL_KINDS:
            kind = _CONTROL_KINDS[name]
            if kind == "checkbox":
                state = prop.find(W14_CHECKED)
                checked = state is not None and (state.get(W14_VAL) or "0").lower() in _TRUE
    return tag or "", alias or "", kind or "text", checked, showing


def _walk_paragraph_with_sdts(p: etree._Element, out: _Collector, inherited: tuple[str, str]) -> None:
    for child in p:
        if child.tag == W_SDT:
            _sdt(child, out, inherited)
        elif child.tag == W_R:
            _run(child, out)
    out.parts.append("\n")


def _nested_checkboxes(content: etree._Element) -> bool:
    """Whether the content holds controls and a checkbox: what LibreOffice's wrapper looks like."""
    return content.find(f".//{W_SDT}") is not None and next(content.iter(W14_CHECKBOX), None) is not None


def _has_blocks(content: etree._Element) -> bool:
    return any(child.tag in (W_P, W_TBL, W_ALTCHUNK) for child in content)


__all__ = ["Cell", "Control", "Document", "Row", "SymbolMark", "Table", "read_document", "walk_document"]
