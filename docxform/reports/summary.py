"""The summary workbook: one .xlsx for the steering group's discussion.

Sheets: Overview (distribution per standard and theme, with a stacked bar
chart and a heat map), Matrix (respondents x standards), Comments (every
comment, evidence and goal, one per row), Disputed (the agenda for settling
disputed ratings), Problems, Draft plan (ranked candidates for the 4-6
priority goals) and, when given, Plan (the partners' merged plans).

The whole workbook is written in openpyxl's write-only (streaming) mode,
which supports everything used here (freeze panes, filters, print set-up,
conditional formatting, charts). The big sheets' rows are streamed as raw
XML (:mod:`docxform.oxml.rawsheet`) because openpyxl's per-cell cost
is far above the target; they are still only strings and numbers. Every
text from a return is written as a string, never a formula
(:mod:`docxform.io.safety`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from docxform.core.problems import Problem
from docxform.framework.model import Framework
from docxform.io.pagefit import MIN_SCALE, fits_page
from docxform.io.safety import text_cell
from docxform.oxml.rawsheet import RawTable, Value, estimate_lines, fixed_created, row_height, splice_package
from docxform.plan.priorities import rank, rule_text
from docxform.plan.values import is_iso_date
from docxform.records.decisions import Decisions
from docxform.records.imprint import UNNAMED, Imprint, imprint_of, long_date, sheet_header_footer
from docxform.records.merged import MergedDataset
from docxform.records.plan import MergedPlans
from docxform.records.plan import plan_columns as framework_plan_columns
from docxform.reports.analysis import (
    agreed_text,
    field_label,
    level_colours,
    level_name,
    ratings_by_level,
    theme_totals,
    tint,
)
from docxform.reports.printing import (
    MATRIX_NAME_WIDTH,
    MATRIX_WIDTH,
    longest_word,
    matrix_breaks,
    matrix_page_columns,
    widen,
    word_width,
)

_HEADER_FILL = "DDE3EA"
_HIGHLIGHT_FILL = "FFF2CC"
# Every text cell wraps: a text longer than its column then grows the row
# instead of running into (or being cut off by) the next column when printed.
_WRAP = Alignment(wrap_text=True, vertical="top")
# Numbers are centred so a number column never runs into a left-aligned text
# column beside it (a right-aligned rank 1 beside standard 2.2 read as "12.2").
_CENTRE = Alignment(horizontal="center", vertical="top")
_STYLES: dict[str, dict[str, Any]] = {
    "header": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor=_HEADER_FILL),
               "alignment": _WRAP, "border": Border(bottom=Side(style="thin"))},
    "text": {"alignment": _WRAP},
    "plain": {"alignment": _WRAP},
    "number": {"alignment": _CENTRE},
    "bold": {"font": Font(bold=True), "alignment": _WRAP},
    "flag": {"font": Font(bold=True, color="9C0006"), "alignment": _WRAP},
    "highlight": {"fill": PatternFill("solid", fgColor=_HIGHLIGHT_FILL), "alignment": _WRAP},
    "highlight-number": {"fill": PatternFill("solid", fgColor=_HIGHLIGHT_FILL), "alignment": _CENTRE},
    "highlight-bold": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor=_HIGHLIGHT_FILL),
                       "alignment": _WRAP},
}


def print_imprint(ws: Any, imprint: Imprint | None) -> None:
    """Every printed page says what it is (:func:`~docxform.records.imprint.sheet_header_footer`)."""
    header, footer = sheet_header_footer(imprint)
    for part, text in zip((ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right), header, strict=True):
        if text:
            part.text = text
    for part, text in zip((ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right), footer, strict=True):
        part.text = text


class _Book:
    """A write-only workbook plus the raw tables to splice into its big sheets."""

    def __init__(self, imprint: Imprint | None = None) -> None:
        self.imprint = imprint
        self.wb = Workbook(write_only=True)
        self.wb.properties.creator = "docxform"
        self.wb.properties.created = fixed_created()
        self.raw: list[tuple[Any, RawTable]] = []
        self._ids: dict[tuple[str, bool], int] = {}
        self._widths: dict[int, Sequence[float]] = {}
        self._rows: dict[int, int] = {}
        self._cols: dict[int, int] = {}

    def sheet(self, title: str, widths: Sequence[float], *, freeze: str | None = "A2",
              title_cols: str | None = None, fit: bool = True) -> Any:
        """A new sheet set up for reading and printing.

        Widths, panes and print titles go in before the first row (a
        streaming sheet writes them first): header row frozen and repeated
        on every printed page, A4 landscape, fitted to the page width when
        that keeps its text at 8 pt or more (:mod:`docxform.io.pagefit`),
        else printed at that size with its columns running on to further
        pages, ``title_cols`` repeated on each. ``fit=False``: full size, the
        caller places the column breaks (see ``_matrix``).
        """
        ws = self.wb.create_sheet(title)
        self._widths[id(ws)] = widths
        self._rows[id(ws)] = 0
        self._cols[id(ws)] = 0
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if freeze:
            ws.freeze_panes = freeze
        ws.print_title_rows = "1:1"
        if title_cols:
            ws.print_title_cols = title_cols
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4: the forms are British
        print_imprint(ws, self.imprint)
        fitted = fit and fits_page(widths)
        ws.page_setup.fitToWidth = 1 if fitted else 0
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=fitted)
        if fit and not fitted:  # too wide to fit at a readable size: the smallest readable scale, split
            ws.page_setup.scale = MIN_SCALE
        return ws

    def cell(self, ws: Any, value: Any, kind: str = "text") -> WriteOnlyCell:
        """One styled cell; strings always as text (never a formula), numbers as numbers."""
        if isinstance(value, str):
            cell = text_cell(ws, value)
        elif isinstance(value, dt.datetime | dt.date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = "yyyy-mm-dd"
        else:
            cell = WriteOnlyCell(ws, value=value)
        for attr, style in _STYLES[kind].items():
            setattr(cell, attr, style)
        return cell

    def append(self, ws: Any, cells: Sequence[WriteOnlyCell | None]) -> None:
        """Append a row, tall enough for its wrapped text (see ``rawsheet.estimate_lines``)."""
        row = self._rows[id(ws)] + 1
        self._rows[id(ws)] = row
        self._cols[id(ws)] = max(self._cols[id(ws)], len(cells))
        widths = self._widths[id(ws)]
        lines = 1
        for i, cell in enumerate(cells):
            if cell is not None and isinstance(cell.value, str) and cell.alignment.wrap_text and i < len(widths):
                lines = max(lines, estimate_lines(cell.value, widths[i]))
        height = row_height(lines)
        if height:
            ws.row_dimensions[row].height = height
        ws.append(list(cells))

    def row(self, ws: Any, values: Iterable[Any], kind: str = "text") -> None:
        self.append(ws, [self.cell(ws, v, kind) if v is not None else None for v in values])

    def header(self, ws: Any, names: Sequence[str]) -> None:
        self.row(ws, names, "header")

    def style_id(self, kind: str, quoted: bool = False) -> int:
        """The cellXfs index of a style kind, registered with the workbook (for raw rows)."""
        key = (kind, quoted)
        if key not in self._ids:
            probe = self.cell(self.wb.worksheets[0], "x", kind)  # any sheet: ids belong to the workbook
            if quoted:
                probe.quotePrefix = True
            self._ids[key] = int(probe.style_id)
        return self._ids[key]

    def stream(self, ws: Any, header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[Value]],
               count: int) -> None:
        """Give a sheet's ``count`` body rows to the raw writer (the sheet gets no rows of its own).

        The count is needed up front: the filter range and the sheet's
        dimension come before the rows; the writer checks it was right.
        """
        styles = [self.style_id(k) for k in kinds]
        quoted = {self.style_id(k): self.style_id(k, quoted=True) for k in set(kinds)}
        widths = self._widths[id(ws)]
        wraps = [widths[i] if i < len(widths) and _STYLES[k]["alignment"].wrap_text else None
                 for i, k in enumerate(kinds)]
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
        self._rows[id(ws)], self._cols[id(ws)] = count + 1, len(header)
        self.raw.append((ws, RawTable(header=header, header_style=self.style_id("header"),
                                      column_styles=styles, rows=rows, quoted=quoted, wrap_widths=wraps,
                                      expected_rows=count + 1)))

    def save(self, target: Path) -> None:
        buffer = BytesIO()
        self.wb.save(buffer)
        parts = {ws.path.lstrip("/"): table for ws, table in self.raw}
        dimensions = {ws.path.lstrip("/"): f"A1:{get_column_letter(self._cols[id(ws)])}{self._rows[id(ws)]}"
                      for ws in self.wb.worksheets if self._rows[id(ws)] and self._cols[id(ws)]}
        splice_package(buffer.getvalue(), target, parts, dimensions)


def write_summary(merged: MergedDataset, framework: Framework, target: Path, *,
                  problems: list[Problem] | None = None, plans: MergedPlans | None = None,
                  decisions: Decisions | None = None, imprint: Imprint | None = None, returned: str = "") -> None:
    """Write the summary workbook of a merged dataset to ``target``.

    ``problems`` are validation problems to list beside the merge's own;
    ``plans`` is the partners' merged plans (``docxform.plan.merge_plans``),
    shown on a Plan sheet when given; ``decisions`` are the meeting's agreed
    levels (they replace the computed ones, marked "agreed at the meeting",
    and count in the draft plan's ranking). ``imprint`` says whose it is (else
    :func:`~docxform.records.imprint.imprint_of` the dataset): on the About
    sheet and every printed page; ``returned`` ("8 of 12 returned") goes on
    the About sheet.
    """
    imprint = imprint or imprint_of(merged, framework)
    book = _Book(imprint)
    respondents = [r.id for r in merged.respondents]
    _about(book, merged, imprint, returned)
    _overview(book, merged, framework, decisions)
    _matrix(book, merged, framework, respondents)
    _comments(book, merged, framework)
    _disputed(book, merged, framework, decisions)
    _problems(book, merged, [*(problems or []), *(plans.problems if plans is not None else [])])
    _draft_plan(book, merged, framework, decisions)
    if plans is not None:
        _plan(book, plans, framework)
    _by_organisation(book, merged, framework)
    book.save(Path(target))


def _about(book: _Book, merged: MergedDataset, imprint: Imprint, returned: str) -> None:
    """The first sheet: what this workbook is, whose, of which round and how current."""
    ws = book.sheet("About", [22, 90], freeze=None)
    book.header(ws, ["Summary of the self-assessment", ""])
    who = "partnerships" if merged.by_partnership else "respondents"
    rows = [("Partnership", imprint.partnership or UNNAMED),
            ("Framework", f"{imprint.framework} ({imprint.framework_id})"),
            ("Round", imprint.round or "not a survey round"),
            ("Returns up to", long_date(imprint.data_date) if imprint.data_date else "not known"),
            ("Returns", returned or f"{len(merged.respondents)} {who}"),
            ("Printed", "the date of printing and the page number are in each printed page's footer")]
    if imprint.made:
        rows.insert(5, ("Made", long_date(imprint.made)))
    for label, value in rows:
        book.append(ws, [book.cell(ws, label, "bold"), book.cell(ws, value)])


def _by_organisation(book: _Book, merged: MergedDataset, framework: Framework) -> None:
    """A "By organisation" sheet when respondents carry their organisation (a survey round does)."""
    from docxform.reports.byorg import by_organisation

    names, rows = by_organisation(merged, framework)
    if not names:
        return
    ws = book.sheet("By organisation", [9, 50, *[22] * len(names), 12], freeze="C2", title_cols="A:B")
    book.header(ws, [framework.item_name.capitalize(), "Text", *names, "Levels apart"])
    for row in rows:
        cells = [f"{level_name(framework, c['median']) or '–'} ({c['rated']} of {c['members']})"
                 for c in row["cells"].values()]
        book.append(ws, [book.cell(ws, row["id"], "plain"), book.cell(ws, row["text"]),
                         *[book.cell(ws, c, "plain") for c in cells], book.cell(ws, row["apart"], "number")])


def _levels(framework: Framework) -> list[tuple[str, str]]:
    scale = framework.rating_scale
    return [(lv.key, lv.name) for lv in scale.levels] if scale else []


def _overview(book: _Book, merged: MergedDataset, framework: Framework, decisions: Decisions | None = None) -> None:
    """Distribution per standard with its agreed level beside it (theme totals and the chart have sheets of
    their own).

    Widths add up to about 195 units, so fitted to an A4 landscape page the
    text prints at 60% (LibreOffice's fallback font) to 75% (Calibri) of 11 pt.
    """
    levels = _levels(framework)
    n_levels = len(levels)
    header = ["Theme", framework.item_name.capitalize(), "Text", *[name for _, name in levels], "Agreed level",
              "Rated", "Not rated", "Mode", "Median", "Spread", "Disputed", "Reason"]
    widths = [14, 9, 36, *[11] * n_levels, 15, 7, 7, 13, 13, 7, 9, 18]
    ws = book.sheet("Overview", widen(widths, {1: framework.item_ids}), freeze="D2", title_cols="A:C")
    book.header(ws, header)
    themes = {t.id: t.title for t in framework.themes}
    for item in framework.items:
        entry = merged.item(item.id)
        book.append(ws, [
            book.cell(ws, themes.get(item.theme_id, item.theme_id), "plain"),
            book.cell(ws, item.id, "plain"),
            book.cell(ws, item.text),
            *[book.cell(ws, entry.count(key), "number") for key, _ in levels],
            book.cell(ws, agreed_text(framework, item.id, entry, decisions), "bold"),
            book.cell(ws, entry.rated, "number"),
            book.cell(ws, entry.unrated, "number"),
            book.cell(ws, level_name(framework, entry.mode), "plain"),
            book.cell(ws, level_name(framework, entry.median), "plain"),
            book.cell(ws, entry.spread, "number"),
            book.cell(ws, "Yes" if entry.disputed else "No", "flag" if entry.disputed else "plain"),
            book.cell(ws, entry.dispute_reason or ""),
        ])
    last = len(framework.items) + 1
    last_col = get_column_letter(len(header))
    ws.auto_filter.ref = f"A1:{last_col}{last}"
    first_count, last_count = get_column_letter(4), get_column_letter(3 + max(n_levels, 1))
    if n_levels:
        ws.conditional_formatting.add(
            f"{first_count}2:{last_count}{last}",
            ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                           end_type="max", end_color="5B9BD5"))
    _themes(book, merged, framework)
    if n_levels and framework.items:
        chart_sheet = book.sheet("Chart", [10], freeze=None)
        chart_sheet.add_chart(_distribution_chart(ws, framework, last, n_levels), "A1")


def _themes(book: _Book, merged: MergedDataset, framework: Framework) -> None:
    """Theme totals on a sheet of their own.

    Below the standards they printed under the standards' repeated header
    row; a sheet per table gives each its own header on every page.
    """
    levels = _levels(framework)
    ws = book.sheet("Themes", [30, 11, *[11] * len(levels), 9, 9, 12], freeze="B2", title_cols="A:A")
    book.header(ws, ["Theme", f"{framework.item_name.capitalize()}s", *[name for _, name in levels], "Rated",
                     "Not rated", f"Disputed {framework.item_name}s"])
    totals = theme_totals(merged, framework)
    for total in totals:
        book.append(ws, [
            book.cell(ws, total.theme.title, "bold"), book.cell(ws, total.standards, "number"),
            *[book.cell(ws, total.counts[key], "number") for key, _ in levels],
            book.cell(ws, total.rated, "number"), book.cell(ws, total.unrated, "number"),
            book.cell(ws, total.disputed, "number"),
        ])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(levels) + 5)}{len(totals) + 1}"
    if levels and totals:
        ws.conditional_formatting.add(
            f"C2:{get_column_letter(2 + len(levels))}{len(totals) + 1}",
            ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                           end_type="max", end_color="5B9BD5"))


def _distribution_chart(ws: Any, framework: Framework, last_row: int, n_levels: int) -> BarChart:
    """A stacked horizontal bar per standard: how many respondents gave each level."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = f"Ratings per {framework.item_name}"
    chart.y_axis.title = "Respondents"
    data = Reference(ws, min_col=4, max_col=3 + n_levels, min_row=1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last_row))
    for series, colour in zip(chart.series, level_colours(n_levels), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.scaling.orientation = "maxMin"  # first standard at the top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.legend.position = "b"
    chart.width = 24
    chart.height = max(8.0, 0.55 * len(framework.items) + 3)
    return chart


def _matrix(book: _Book, merged: MergedDataset, framework: Framework, respondents: list[str]) -> None:
    """Respondents down, standards across, level names in the cells (streamed).

    Printing: twenty 15-character columns shrunk to one page width come out
    at about 6 pt, too small to read. So the Matrix is not fitted: it prints
    at full size, split across pages between themes (a manual column break
    wherever the next theme would not fit), with the respondent column and
    the header row repeated on every page.
    """
    item_ids = list(framework.item_ids)
    levels = _levels(framework)
    widths = widen([MATRIX_NAME_WIDTH, *[MATRIX_WIDTH] * len(item_ids)],
                   {0: respondents, **{i: [*item_ids, *(n for _, n in levels)] for i in range(1, len(item_ids) + 1)}})
    ws = book.sheet("Matrix", widths, freeze="B2", title_cols="A:A", fit=False)
    for column in matrix_breaks(framework, matrix_page_columns(widths[0])):
        ws.col_breaks.append(Break(id=column))
    last_col = get_column_letter(len(item_ids) + 1)
    last_row = len(respondents) + 1
    if item_ids and respondents:
        area = f"B2:{last_col}{last_row}"
        for (_, name), colour in zip(levels, level_colours(len(levels)), strict=True):
            literal = '"' + name.replace('"', '""') + '"'
            ws.conditional_formatting.add(area, CellIsRule(
                operator="equal", formula=[literal], fill=PatternFill("solid", bgColor=tint(colour))))
    names = {key: name for key, name in levels}
    responses = [merged.item(i).responses for i in item_ids]

    def rows() -> Iterator[list[Value]]:
        for rid in respondents:
            row: list[Value] = [rid]
            for answers in responses:
                answer = answers.get(rid)
                rating = answer.rating if answer else None
                row.append(names.get(rating, "") if rating else "")
            yield row

    book.stream(ws, ["Respondent", *item_ids], ["plain", *["plain"] * len(item_ids)], rows(), len(respondents))


def _comments(book: _Book, merged: MergedDataset, framework: Framework) -> None:
    """Every free-text answer, one per row: filter by standard, field or respondent (streamed)."""
    respondents = [r.id for r in merged.respondents]
    ws = book.sheet("Comments", widen([22, 9, 15, 20, 70], {0: respondents, 1: framework.item_ids}), freeze="A2",
                    title_cols="A:B")
    header = ["Respondent", framework.item_name.capitalize(), "Rating", "Field", "Text"]
    book.stream(ws, header, ["plain", "plain", "plain", "plain", "text"], _comment_rows(merged, framework),
                _comment_count(merged, framework))


def _comment_rows(merged: MergedDataset, framework: Framework) -> Iterator[list[Value]]:
    """The Comments sheet's rows: each item's fields, then its answers given per prompt ("Action (9a)")."""
    fields = [(f.key, field_label(f)) for f in framework.text_fields]
    names = dict(_levels(framework))
    for item_id in framework.item_ids:
        for rid, response in merged.item(item_id).responses.items():
            rating = names.get(response.rating, "") if response.rating else ""
            for key, label in fields:
                if response.text(key).strip():
                    yield [rid, item_id, rating, label, response.text(key)]
            for prompt, texts in response.prompt_texts().items():
                for key, label in fields:
                    if key in texts:
                        yield [rid, item_id, rating, f"{label} ({prompt})", texts[key]]


def _comment_count(merged: MergedDataset, framework: Framework) -> int:
    """How many rows the Comments sheet gets: the streamed sheet's size is declared before its rows."""
    keys = [f.key for f in framework.text_fields]
    total = 0
    for item_id in framework.item_ids:
        for response in merged.item(item_id).responses.values():
            total += sum(1 for key in keys if response.text(key).strip())
            total += sum(1 for texts in response.prompt_texts().values() for key in keys if key in texts)
    return total


def _disputed(book: _Book, merged: MergedDataset, framework: Framework, decisions: Decisions | None = None) -> None:
    """The agenda for the steering group: each disputed standard, who said what, room for the decision."""
    levels = _levels(framework)
    header = [framework.item_name.capitalize(), "Text", *[name for _, name in levels], "Reason",
              "Ratings by respondent", "Agreed rating", "Notes"]
    id_width = word_width(longest_word(framework.item_ids))
    widths = [max(9, id_width), 32, *[11] * len(levels), 16, 40, 14, 20]
    ws = book.sheet("Disputed", widths, freeze="C2", title_cols="A:B")
    book.header(ws, header)
    count = 0
    for item in framework.items:
        entry = merged.item(item.id)
        if not entry.disputed:
            continue
        count += 1
        who = "\n".join(f"{name}: {', '.join(ids)}" for name, ids in ratings_by_level(entry, framework))
        book.append(ws, [
            book.cell(ws, item.id, "plain"), book.cell(ws, item.text),
            *[book.cell(ws, entry.count(key), "number") for key, _ in levels],
            book.cell(ws, entry.dispute_reason or ""), book.cell(ws, who), *_decided(book, ws, framework, item.id, decisions),
        ])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"


def _decided(book: _Book, ws: Any, framework: Framework, item_id: str,
             decisions: Decisions | None) -> list[WriteOnlyCell | None]:
    """The Disputed sheet's last two cells: blank for the meeting to write in, or what it decided."""
    decision = (decisions or {}).get(item_id)
    if decision is None:
        return [None, None]
    return [book.cell(ws, f"{level_name(framework, decision.level)} (agreed at the meeting)", "bold"),
            book.cell(ws, decision.note)]


def _problem_rows(merged: MergedDataset, problems: Sequence[Problem]) -> Iterator[Problem]:
    """The merge's own problems, then the ones given (validation's, then the plans').

    A generator: there can be tens of thousands, and each is needed once.
    """
    yield from chain(merged.problems, problems)


_PROBLEM_HEADER = ["File", "Respondent", "Item", "Field", "Code", "Severity", "Message", "How to fix"]
_PROBLEM_KINDS = ["text", "plain", "plain", "plain", "plain", "plain", "text", "text"]
_PROBLEM_WIDTHS = [22, 16, 8, 14, 16, 9, 30, 22]  # 137 units: fitted to A4 at 8 pt (docxform.io.pagefit)


def _problem_widths(rows: Iterable[Sequence[Value]]) -> list[float]:
    """The Problems sheet's widths, its short columns (file to severity) widened to their longest word.

    One pass over the rows before they are streamed: these are short
    strings, so it costs little beside writing them.
    """
    columns: list[list[Value]] = [[] for _ in range(6)]
    for row in rows:
        for i in range(6):
            columns[i].append(row[i])
    widths = widen(_PROBLEM_WIDTHS, dict(enumerate(columns)))
    # Long file paths or field keys widen their columns; the message and hint columns (which wrap
    # at spaces) give that width back, so the fitted page keeps a readable scale.
    for index, least in ((6, 24.0), (7, 18.0)):
        widths[index] = max(least, widths[index] - max(0.0, sum(widths) - sum(_PROBLEM_WIDTHS)))
    return widths


def respondents_by_file(merged: MergedDataset) -> dict[str | None, str]:
    """File -> whose return it is, for the Problems sheet's Respondent column. Two respondents' returns
    can share a file name (each sent "form.docx"); such a file names them all rather than one at random."""
    found: dict[str | None, list[str]] = {}
    for r in merged.respondents:
        found.setdefault(r.source.path, []).append(r.id)
    return {path: ids[0] if len(ids) == 1 else "one of " + ", ".join(ids) for path, ids in found.items()}


def _problems(book: _Book, merged: MergedDataset, problems: Sequence[Problem]) -> None:
    """Merge, validation and plan problems, one per row (streamed: there can be many).

    When the dataset is anonymised the file column is withheld (file names
    usually name the respondent) and only the problem itself is shown.
    """
    count = len(merged.problems) + len(problems)
    anonymised = merged.anonymised
    who = {} if anonymised else respondents_by_file(merged)

    def rows() -> Iterator[list[Value]]:
        for p in _problem_rows(merged, problems):
            shown = "(withheld: anonymised)" if anonymised and p.file else (p.file or "")
            yield [shown, who.get(p.file, ""), p.item or "", p.field or "", p.code, p.severity, p.message,
                   p.hint or ""]

    problems_sheet(book, rows, count)


def problems_sheet(book: _Book, rows: Callable[[], Iterator[list[Value]]], count: int) -> None:
    """The Problems sheet, one row per problem (file, respondent, item, field, code, severity, message, hint).

    ``rows`` is called twice (widths, then the stream), so the rows are never all held at once.
    Shared by the summary workbook and the validation workbook (:mod:`docxform.reports.validation`).
    """
    ws = book.sheet("Problems", _problem_widths(rows()), freeze="A2", title_cols="A:B")
    book.stream(ws, _PROBLEM_HEADER, _PROBLEM_KINDS, rows(), count)


def _draft_plan(book: _Book, merged: MergedDataset, framework: Framework, decisions: Decisions | None = None) -> None:
    """Standards rated low, ranked (docxform.plan.priorities): the starting point for choosing 4-6 priority goals."""
    header = ["Rank", framework.item_name.capitalize(), "Text", "Level", "Median", "Mode", "Low ratings",
              "Priority", "Improvement goals proposed by respondents"]
    id_width = max(9, word_width(longest_word(framework.item_ids)))
    ws = book.sheet("Draft plan", [6, id_width, 30, 12, 12, 12, 8, 9, 38], freeze="C2", title_cols="A:C")
    book.header(ws, header)
    candidates = rank(merged, framework, decisions)
    for c in candidates:
        kind = "highlight" if c.highlighted else "text"
        number = "highlight-number" if c.highlighted else "number"
        goals = "\n".join(f"{rid}: {text}" for rid, text in c.goals)
        book.append(ws, [
            book.cell(ws, c.rank, number), book.cell(ws, c.item_id, kind), book.cell(ws, c.text, kind),
            book.cell(ws, level_name(framework, c.level) + (" (agreed at the meeting)" if c.decided else ""), kind),
            book.cell(ws, level_name(framework, c.median), kind), book.cell(ws, level_name(framework, c.mode), kind),
            book.cell(ws, c.low_count, number),
            book.cell(ws, "priority" if c.priority else "", "highlight-bold" if c.highlighted else "bold"),
            book.cell(ws, goals, kind),
        ])
    ws.auto_filter.ref = f"A1:I{len(candidates) + 1}"
    book.append(ws, [])
    book.append(ws, [None, None, book.cell(ws, rule_text(framework))])


def _plan(book: _Book, plans: MergedPlans, framework: Framework) -> None:
    """The partners' merged improvement plans, one row per plan row (as ``plan.merge.merged_table`` lays it out)."""
    rows = [r.to_dict() for r in plans.rows]  # each row's values by column key: the columns are the plans' own
    columns = _plan_sheet_columns(plans, framework, rows)
    wide = {"goal", "action", "milestones", "challenges", "resources", "measure", "source"}
    widths = widen([14, *[16 if key in wide else 11 for key, _ in columns[1:]]],
                   {i: [r.get(key) for r in rows] for i, (key, _) in enumerate(columns)})
    ws = book.sheet("Plan", widths, freeze="B2", title_cols="A:A")
    book.header(ws, [label for _, label in columns])
    dates = {c.key for c in framework_plan_columns(framework) if c.kind == "date"}
    for row in rows:
        book.append(ws, [book.cell(ws, _plan_value(row.get(key), key in dates))
                         if row.get(key) not in (None, "") else None for key, _ in columns])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _plan_sheet_columns(plans: MergedPlans, framework: Framework,
                        rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(key, label) of the Plan sheet's columns: partner, the plan's own columns, any extra keys, source, row.

    Columns come from the merged plans themselves (a partner's plan may
    have the framework's columns or its own), else from the framework.
    """
    spec = framework.plan
    plan_columns = [(key, label or key) for key, label in plans.columns if key] or (
        [(c.key, c.label) for c in spec.columns] if spec is not None else [])
    known = {"partner", "source", "row", *(key for key, _ in plan_columns)}
    extra = sorted({k for r in rows for k in r if k not in known})
    return [("partner", "Partner"), *plan_columns, *[(k, k.replace("_", " ").capitalize()) for k in extra],
            ("source", "Source file"), ("row", "Row")]


def _plan_value(value: Any, is_date: bool = False) -> Any:
    """Plan values as cells: dates and numbers kept, anything else as text.

    A merged plan read from JSON holds its dates as ISO text; in a date
    column a full ``YYYY-MM-DD`` becomes a date cell again, so it sorts,
    filters and prints as a date. Anything else stays the text typed.
    """
    if is_date and isinstance(value, str) and len(value) == 10 and is_iso_date(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str | int | float | dt.date) and not isinstance(value, bool):
        return value
    return str(value)


#: The print-ready streaming workbook, for other reports (``docxform.reports.trend``).
Book = _Book

__all__ = ["Book", "problems_sheet", "write_summary"]
