"""Framework -> an improvement-plan workbook people can fill in without breaking it.

The "Plan" sheet holds the header fields, then the Annex C table plus tracker
columns as an Excel table of :data:`PLAN_ROWS` editable rows. Typing is guided
rather than policed: drop-downs for standards and statuses, date and
whole-number checks, and sheet protection that keeps the labels intact while
every answer cell stays open. The reader (:mod:`docxform.plan.read`) does not
rely on any of this surviving; it finds the table by its header labels.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from docxform import __version__
from docxform.framework.model import Framework
from docxform.plan import sheets
from docxform.plan.cells import add_properties, fit_height, put_text, save_workbook
from docxform.plan.sheets import plan_title
from docxform.plan.values import is_iso_date
from docxform.records.imprint import Imprint, sheet_header_footer
from docxform.records.plan import Column, PlanRow, header_fields, plan_columns

PLAN_ROWS = 200
PLAN_SHEET = "Plan"
TABLE_NAME = "ImprovementPlan"
DATE_FORMAT = "dd/mm/yyyy"
#: Dates the date columns accept: 1 January 1990 to 31 December 2099 (Excel serials).
DATE_MIN, DATE_MAX = 32874, 73050
WIDTHS = {"item_ref": 11.0, "date": 15.0, "status": 13.0, "priority": 9.0, "text": 17.0}
OPEN = Protection(locked=False)
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
#: The header look is set on the cells too: LibreOffice does not draw Excel table styles.
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


@dataclass(frozen=True)
class Layout:
    """Where things sit on the Plan sheet (rows are 1-based)."""

    fields: int
    rows: int = PLAN_ROWS

    @property
    def note_row(self) -> int:
        return self.fields + 3

    @property
    def header_row(self) -> int:
        return self.note_row + 1

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + self.rows


def generate_plan(framework: Framework, target: Path, *, prefill: list[PlanRow] | None = None,
                  partnership: str = "", imprint: Imprint | None = None) -> None:
    """Write a blank (or prefilled) plan workbook for the framework to ``target``.

    Its title is the partnership's ("Anytown CDRP: improvement plan"); every
    sheet prints the ``imprint`` (else one naming the partnership and the
    framework) in its header, and the sheet, date of printing and page N of M
    in its footer.
    """
    imprint = imprint or Imprint(partnership=partnership, framework=framework.title, framework_id=framework.id)
    partnership = partnership or imprint.partnership
    workbook = Workbook()
    plan = workbook.active
    assert plan is not None
    plan.title = PLAN_SHEET
    columns = plan_columns(framework)
    layout = Layout(fields=len(header_fields(framework)), rows=max(PLAN_ROWS, len(prefill or ())))
    lists = sheets.add_reference_sheets(workbook, framework)
    _title_and_fields(plan, framework, partnership)
    _table(plan, columns, layout)
    _validations(plan, columns, layout, lists)
    for offset, row in enumerate(prefill or ()):
        _write_row(plan, columns, layout.first_row + offset, row)
    _sheet_setup(plan, layout)
    for ws in workbook.worksheets:
        _print_imprint(ws, imprint)
    workbook.active = 0
    add_properties(workbook, {
        "docxform.kind": "plan", "docxform.framework": framework.id,
        "docxform.framework_version": framework.version, "docxform.generator": f"docxform {__version__}",
    })
    save_workbook(workbook, Path(target))


def _print_imprint(ws: Worksheet, imprint: Imprint) -> None:
    header, footer = sheet_header_footer(imprint)
    for part, text in zip((ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right), header, strict=True):
        part.text = text or None
    for part, text in zip((ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right), footer, strict=True):
        part.text = text


def _title_and_fields(ws: Worksheet, framework: Framework, partnership: str) -> None:
    put_text(ws.cell(1, 1), plan_title(framework, partnership))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for row, field in enumerate(header_fields(framework), start=2):
        label = ws.cell(row, 1)
        put_text(label, f"{field.label}:")
        label.font = Font(bold=True)
        value = ws.cell(row, 2)
        value.protection = OPEN
        value.border = Border(bottom=THIN)
        if field.key == "partnership" and partnership:
            put_text(value, partnership)


def _table(ws: Worksheet, columns: tuple[Column, ...], layout: Layout) -> None:
    """Labels, the notes above them, and the Excel table over the answer rows."""
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _width(column, index)
        header = ws.cell(layout.header_row, index)
        put_text(header, column.label)
        header.font = Font(bold=True, color="FFFFFF")
        header.fill = HEADER_FILL
        header.border = GRID
        header.alignment = Alignment(wrap_text=True, vertical="top")
        if column.note:
            note = ws.cell(layout.note_row, index)
            put_text(note, column.note)
            note.font = Font(italic=True, size=11)  # prints at 8 pt or more (docxform.io.pagefit)
            note.alignment = Alignment(wrap_text=True, vertical="bottom")
        _style_answer_column(ws, index, column, layout)
    if any(c.note for c in columns):  # the notes print at the body's size: tall enough for the longest
        fit_height(ws, layout.note_row, [(c.note, _width(c, i)) for i, c in enumerate(columns, 1) if c.note])
    ws.row_dimensions[layout.header_row].height = 32
    ref = f"A{layout.header_row}:{get_column_letter(len(columns))}{layout.last_row}"
    table = Table(displayName=TABLE_NAME, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)


def _width(column: Column, index: int) -> float:
    """Column widths by kind; the first is wider, as it also holds the header-field labels."""
    return max(WIDTHS[column.kind], 18.0 if index == 1 else 0.0)


def _style_answer_column(ws: Worksheet, index: int, column: Column, layout: Layout) -> None:
    """Style the column's first answer cell, then give the rest a copy of its style.

    Setting five style attributes on each of 200 cells costs openpyxl a hash of
    every style object per attribute (about 0.1 s a workbook); copying the cell's
    style array is what openpyxl's own ``WorksheetCopy`` does, and writes the same XML.
    """
    first = ws.cell(layout.first_row, index)
    _style_answer(first, column)
    for row in range(layout.first_row + 1, layout.last_row + 1):
        ws.cell(row, index)._style = copy(first._style)


def _style_answer(cell: Cell, column: Column) -> None:
    """An open, wrapped, bordered answer cell; text columns formatted as text ("1.10" stays "1.10")."""
    cell.protection = OPEN
    # Dates and numbers centred: right-aligned beside a left-aligned text column they print run
    # together with it ("30/06/2004Not started").
    centred = column.kind in ("date", "priority")
    cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if centred else None)
    cell.border = GRID
    if column.kind == "date":
        cell.number_format = DATE_FORMAT
    elif column.kind in ("item_ref", "text", "status"):
        cell.number_format = "@"


def _validations(ws: Worksheet, columns: tuple[Column, ...], layout: Layout, lists: sheets.Lists) -> None:
    """Drop-downs, date and whole-number checks, and the column notes as input help."""
    for index, column in enumerate(columns, start=1):
        validation = _validation_for(column, layout, lists)
        if validation is None:
            continue
        letter = get_column_letter(index)
        validation.add(f"{letter}{layout.first_row}:{letter}{layout.last_row}")
        ws.add_data_validation(validation)


def _validation_for(column: Column, layout: Layout, lists: sheets.Lists) -> DataValidation | None:
    if column.kind == "item_ref":
        return _checked("list", lists.items, None, column, "Choose a standard from the list (see the Standards sheet).")
    if column.kind == "status":
        return _checked("list", lists.statuses, None, column, "Choose a status from the list.")
    if column.kind == "date":
        return _checked("date", str(DATE_MIN), str(DATE_MAX), column, "Type a date, e.g. 31/03/2004.")
    if column.kind == "priority":
        return _checked("whole", "1", str(layout.rows), column, f"Type a whole number from 1 to {layout.rows}.")
    if column.note:
        return DataValidation(allow_blank=True, showInputMessage=True, promptTitle=column.label[:32],
                              prompt=column.note[:255])
    return None


def _checked(kind: str, formula1: str, formula2: str | None, column: Column, error: str) -> DataValidation:
    return DataValidation(
        type=kind, formula1=formula1, formula2=formula2, operator="between" if formula2 else None,
        allow_blank=True, showErrorMessage=True, errorTitle=column.label[:32], error=error,
        showInputMessage=bool(column.note), promptTitle=column.label[:32] if column.note else None,
        prompt=column.note[:255] if column.note else None,
    )


def _write_row(ws: Worksheet, columns: tuple[Column, ...], sheet_row: int, row: PlanRow) -> None:
    fit_height(ws, sheet_row, [(str(row.get(c.key) or ""), _width(c, i)) for i, c in enumerate(columns, 1)])
    for index, column in enumerate(columns, start=1):
        value = row.get(column.key)
        cell = ws.cell(sheet_row, index)
        if value in ("", None):
            continue
        if column.kind == "priority" and isinstance(value, int):
            cell.value = value
        elif column.kind == "date" and isinstance(value, str) and is_iso_date(value) and len(value) == 10:
            cell.value = dt.date.fromisoformat(value)
        else:
            put_text(cell, str(value))


def _sheet_setup(ws: Worksheet, layout: Layout) -> None:
    """Frozen and protected header rows; A4 landscape, fit to width, header repeated."""
    ws.freeze_panes = f"A{layout.first_row}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    sheets.print_setup(ws, title_cols="A:A")
    ws.print_title_rows = f"{layout.note_row}:{layout.header_row}"
    ws.sheet_view.zoomScale = 90
