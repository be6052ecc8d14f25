"""generate_plan: the workbook's sheets, table, validation, protection, print set-up, safety."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from docxform.framework import load_framework
from docxform.plan import PlanRow, generate_plan, plan_columns
from tests.support.ooxml import check_ooxml

SA_LABELS = ["Related Standard No.", "Improvement Objective/Goal", "Action needed", "Key milestones", "Lead Officer",
             "Resource implications", "Challenge Issues, Solutions", "Performance measure/ Target",
             "Milestone date", "Status", "Last reviewed", "Priority"]
HEADER_ROW, FIRST, LAST = 7, 8, 207
NOTE = "for undertaking the activity. If work can be undertaken within existing resources, enter nil."


@pytest.fixture(scope="module")
def sa2003():
    return load_framework("sa2003")


@pytest.fixture(scope="module")
def plan_path(tmp_path_factory, sa2003) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    generate_plan(sa2003, path, partnership="Anytown CDRP")
    return path


@pytest.fixture(scope="module")
def wb(plan_path):
    return load_workbook(plan_path)


def _check(path: Path) -> str:
    return check_ooxml(path)


def test_sheets_and_header_fields(wb):
    assert wb.sheetnames == ["Plan", "Instructions", "Standards"]
    ws = wb["Plan"]
    assert ws["A1"].value == "Anytown CDRP: improvement plan"  # the partnership's, not Annex C's "Example of ..."
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["Partnership Name:", "Lead Officer:", "Period:"]
    assert ws["B2"].value == "Anytown CDRP"
    assert ws["B3"].value is None and ws["B4"].value is None


def test_table_columns_note_and_style(wb):
    ws = wb["Plan"]
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 13)] == SA_LABELS
    assert ws.cell(HEADER_ROW, 13).value is None
    assert ws.cell(HEADER_ROW - 1, 6).value == NOTE  # the Annex C small print, above its label
    table = ws.tables["ImprovementPlan"]
    assert table.ref == f"A{HEADER_ROW}:L{LAST}"
    assert table.tableStyleInfo.name == "TableStyleMedium2"
    assert [c.name for c in table.tableColumns] == SA_LABELS


def test_frozen_and_protected_header(wb):
    ws = wb["Plan"]
    assert ws.freeze_panes == f"A{FIRST}"
    assert ws.protection.sheet is True
    assert ws.cell(HEADER_ROW, 1).protection.locked is True
    assert ws["A1"].protection.locked is True
    assert ws["B2"].protection.locked is False  # header field values are typed in
    assert all(ws.cell(r, c).protection.locked is False for r in (FIRST, LAST) for c in range(1, 13))
    assert ws.cell(LAST + 1, 1).protection.locked is True


def test_print_setup(wb):
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToHeight == 0
    # Instructions and Standards fit one page wide at 8 pt or more; the Plan's twelve columns do not, so it
    # prints at 75% (8.25 pt), its columns running on to a second page with the standard column repeated.
    assert [ws.sheet_properties.pageSetUpPr.fitToPage for ws in wb.worksheets] == [False, True, True]
    assert wb["Plan"].page_setup.scale == 75 and wb["Plan"].print_title_cols == "$A:$A"
    assert all(ws.page_setup.fitToWidth == 1 for ws in wb.worksheets[1:])
    assert wb["Plan"].print_title_rows == f"${HEADER_ROW - 1}:${HEADER_ROW}"


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_data_validation(wb, sa2003):
    dvs = _validations(wb["Plan"])
    standard = dvs[f"A{FIRST}:A{LAST}"]
    assert standard.type == "list" and standard.formula1 == "docxform_items"
    ref = wb.defined_names["docxform_items"].attr_text
    sheet, cells = ref.split("!")
    min_col, min_row, _, max_row = range_boundaries(cells.replace("$", ""))
    values = [wb[sheet.strip("'")].cell(r, min_col).value for r in range(min_row, max_row + 1)]
    assert values == list(sa2003.item_ids)
    status = dvs[f"J{FIRST}:J{LAST}"]
    assert status.type == "list" and status.formula1 == "docxform_statuses"
    ref = wb.defined_names["docxform_statuses"].attr_text
    assert ref == "'Standards'!$E$2:$E$6"
    assert [wb["Standards"].cell(r, 5).value for r in range(2, 7)] == list(sa2003.plan.statuses)
    for col in ("I", "K"):
        date = dvs[f"{col}{FIRST}:{col}{LAST}"]
        assert (date.type, date.operator, date.formula1, date.formula2) == ("date", "between", "32874", "73050")
        assert wb["Plan"][f"{col}{FIRST}"].number_format == "dd/mm/yyyy"
    priority = dvs[f"L{FIRST}:L{LAST}"]
    assert (priority.type, priority.formula1, priority.formula2) == ("whole", "1", "200")
    resources = dvs[f"F{FIRST}:F{LAST}"]
    assert resources.showInputMessage and resources.prompt == NOTE


def test_instructions_sheet(wb, sa2003):
    ws = wb["Instructions"]
    col_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    col_b = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    for level in sa2003.rating_scale.levels:
        row = col_a.index(level.name)
        assert col_b[row] == level.definition
    assert "Prioritising improvement goals" in col_a
    assert "Drafting and implementing the improvement plan" in col_a
    assert "Evidence" not in col_a  # not plan guidance
    assert any(text and text.startswith("Partnerships should, as a general rule, prioritise 4-6") for text in col_b)
    assert ws.protection.sheet is True


def test_standards_sheet(wb, sa2003):
    ws = wb["Standards"]
    assert [ws.cell(1, c).value for c in (1, 2, 3)] == ["Standard", "Theme", "Text"]
    rows = [tuple(ws.cell(r, c).value for c in (1, 2, 3)) for r in range(2, len(sa2003.items) + 2)]
    assert rows[0] == ("1.1", "Leadership", sa2003.item("1.1").text)
    assert [r[0] for r in rows] == list(sa2003.item_ids)
    assert rows[-1][1] == "Processes"


def test_properties_and_deterministic_output(tmp_path, sa2003, plan_path, wb):
    again = tmp_path / "again.xlsx"
    generate_plan(sa2003, again, partnership="Anytown CDRP")
    assert again.read_bytes() == plan_path.read_bytes()
    assert wb.properties.created == dt.datetime(2000, 1, 1) == wb.properties.modified
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props["docxform.kind"] == "plan" and props["docxform.framework"] == "sa2003"
    assert props["docxform.framework_version"] == "2003-12"


def test_prefilled_rows_are_written(tmp_path, sa2003):
    path = tmp_path / "pre.xlsx"
    rows = [PlanRow(standard="2.2", goal="Agree an ISP\nTrain analysts", priority=1, milestone_date="2004-03-31"),
            PlanRow(standard="1.3", goal="Review structure", priority=2, milestone_date="March 2004")]
    generate_plan(sa2003, path, prefill=rows)
    ws = load_workbook(path)["Plan"]
    assert [ws.cell(FIRST, c).value for c in (1, 2, 12)] == ["2.2", "Agree an ISP\nTrain analysts", 1]
    assert ws.cell(FIRST, 9).value == dt.datetime(2004, 3, 31)
    assert [ws.cell(FIRST + 1, c).value for c in (1, 2, 9, 12)] == ["1.3", "Review structure", "March 2004", 2]
    assert ws.cell(FIRST + 2, 1).value is None


def test_check_py_passes(plan_path):
    assert _check(plan_path) == ""


def test_text_that_looks_like_a_formula_stays_text(tmp_path, sa2003):
    path = tmp_path / "formula.xlsx"
    goal = '=HYPERLINK("http://example.com","x")'
    rows = [PlanRow(standard="1.1", goal=goal, action="+44 1234", measure="-5% crime", challenges="@SUM(A1)",
                    priority=1)]
    generate_plan(sa2003, path, prefill=rows, partnership="=cmd|' /C calc'!A0")
    ws = load_workbook(path)["Plan"]
    for ref, text in (("B8", goal), ("C8", "+44 1234"), ("H8", "-5% crime"), ("G8", "@SUM(A1)"),
                      ("B2", "=cmd|' /C calc'!A0")):
        assert ws[ref].data_type == "s" and ws[ref].value == text
        assert ws[ref].quotePrefix is True
    assert _check(path) == ""


def test_other_frameworks(tmp_path):
    hallmarks = load_framework("hallmarks2007")
    path = tmp_path / "hallmarks.xlsx"
    generate_plan(hallmarks, path)
    ws = load_workbook(path)["Plan"]
    labels = [c.label for c in plan_columns(hallmarks)]
    assert labels == ["Item", "Action", "Owner", "Target date", "Status", "Developments", "Milestone date",
                      "Last reviewed", "Priority"]  # its own status column, no second one
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Item")
    assert [ws.cell(header, c).value for c in range(1, 10)] == labels
    beacon = load_framework("beacon2003")
    assert beacon.plan is None
    generate_plan(beacon, tmp_path / "beacon.xlsx")
    ws = load_workbook(tmp_path / "beacon.xlsx")["Plan"]
    assert "Action needed" in [ws.cell(7, c).value for c in range(1, 13)]  # Annex C columns by default
    assert _check(path) == ""


def test_every_sheet_prints_whose_plan_it_is(wb):
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == "Anytown CDRP", ws.title
        assert ws.oddHeader.right.text.startswith("sa2003 · "), ws.title
        assert (ws.oddFooter.center.text, ws.oddFooter.right.text) == ("printed &D", "page &P of &N"), ws.title


def test_plan_title_without_a_partnership(sa2003=None):
    from docxform.framework import load_framework
    from docxform.plan.sheets import plan_title

    assert plan_title(load_framework("sa2003"), "") == "Improvement plan"
