"""parse_plan: generated plans filled in, hand-typed Annex C plans, formulas, bad workbooks."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.plan import PlanRow, generate_plan, parse_plan
from tests.support.planfill import fill_plan


@pytest.fixture(scope="module")
def sa2003():
    return load_framework("sa2003")


FILLED = [
    PlanRow(standard="2.2", goal="Information sharing protocol", action="Draft and sign the ISP",
            milestones="Draft by Jan; signed by March", lead_officer="J Smith, Council", resources="nil",
            challenges="Health data: agree anonymised extracts", measure="ISP signed by all partners",
            milestone_date="2004-03-31", status="On track", last_reviewed="2004-01-15", priority=1),
    PlanRow(standard="1.4", goal="Regular reviews\nSix-monthly management review", action="=not a formula",
            lead_officer="Chair", measure="Two reviews a year", milestone_date="2004-09", status="Not started",
            priority=2),
    PlanRow(standard="5.2", goal="Consult communities", action="Survey", lead_officer="A Patel",
            resources="£2,000 from BSC fund", measure="Survey report", milestone_date="2004-06-30",
            status="Delayed", last_reviewed="2004-02-01", priority=3),
]


def blank_plan(tmp_path, framework):
    """A freshly generated plan workbook, opened for editing: the workbook and its Plan sheet."""
    blank = tmp_path / "blank.xlsx"
    generate_plan(framework, blank)
    wb = load_workbook(blank)
    return wb, wb["Plan"]


def test_round_trip_generate_fill_parse(tmp_path, sa2003):
    blank = tmp_path / "blank.xlsx"
    generate_plan(sa2003, blank)
    filled = tmp_path / "filled.xlsx"
    header = {"partnership": "Anytown CDRP", "lead_officer": "J Smith", "period": "April 2004 to March 2005"}
    fill_plan(blank, filled, FILLED, header)
    result = parse_plan(filled)
    assert result.rows == FILLED
    assert result.header == header
    assert result.problems == []
    assert result.sheet == "Plan"
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["kind"] == "plan" and data["framework"] == {"id": "sa2003", "version": "2003-12"}
    assert data["source"] == {"path": str(filled), "sha256": hashlib.sha256(filled.read_bytes()).hexdigest()}
    assert data["rows"][0] == {**{k: v for k, v in vars(FILLED[0]).items() if k not in ("extra", "sheet_row")},
                               "row": 8}


def test_renamed_and_moved_sheet(tmp_path, sa2003):
    wb, ws = blank_plan(tmp_path, sa2003)
    ws.title = "Our plan 2004"
    wb.move_sheet(ws, offset=2)
    ws["A8"], ws["C8"], ws["E8"], ws["H8"] = "3.1", "Train staff", "HR", "All trained"
    ws["I8"] = "31/03/2004"  # typed as text over the date format
    path = tmp_path / "renamed.xlsx"
    wb.save(path)
    result = parse_plan(path)
    assert result.sheet == "Our plan 2004"
    assert result.rows == [PlanRow(standard="3.1", action="Train staff", lead_officer="HR", measure="All trained",
                                   milestone_date="2004-03-31")]


def annex_c(path: Path) -> None:
    """The Annex C example typed by hand: title, header fields, the columns, plus quirks."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Improvement Plan 04-05"
    ws["A1"] = "Example of an Improvement plan"
    ws.merge_cells("A1:J1")
    ws["A2"] = "Partnership Name: Anytown CDRP"
    ws["A3"] = "Lead Officer:"
    ws["B3"] = "J. Smith"
    ws.merge_cells("B3:D3")
    ws["A4"] = "PERIOD"
    ws["C4"] = "2004/05"
    labels = ["Related Standard No", "Improvement Objective / Goal", "Notes (internal)", "ACTION NEEDED",
              "Key milestones", "Lead officer",
              "Resource implications for undertaking the activity. If work can be undertaken within existing "
              "resources, enter nil.", "Challenge issues/solutions", "Performance measure - target", "Target date"]
    for col, label in enumerate(labels, start=1):
        ws.cell(6, col, label)
    data = [
        ["1.1", "Leadership", "ignored", "Appoint chair", "Chair appointed", "Chief Exec", "nil", "", "Chair in post",
         "31/03/2004"],
        [None, None, None, "Agree deputy", "Deputy agreed", "Chief Exec", "nil", "", "Deputy in post", "March 2004"],
        [2.1, "Use evidence", "", "Refresh audit", "", "Analyst", 5000, "", "Audit done", "2004-03-31"],
        ["4.2", "Monitor spend", "", "Quarterly report", "", "Treasurer", "nil", "", "Reports", "soon"],
    ]
    for offset, values in enumerate(data):
        for col, value in enumerate(values, start=1):
            ws.cell(7 + offset, col, value)
    ws.merge_cells("A7:A8")
    ws.merge_cells("B7:B8")
    ws.cell(13, 1, "5.5")
    ws.cell(13, 4, "Typed below the table")
    ws.cell(13, 6, "Someone")
    ws.cell(13, 9, "Something")
    wb.save(path)


def test_hand_typed_annex_c(tmp_path):
    path = tmp_path / "annexc.xlsx"
    annex_c(path)
    result = parse_plan(path)
    assert result.framework.id == "sa2003"
    assert result.header == {"partnership": "Anytown CDRP", "lead_officer": "J. Smith", "period": "2004/05"}
    assert result.rows == [
        PlanRow(standard="1.1", goal="Leadership", action="Appoint chair", milestones="Chair appointed",
                lead_officer="Chief Exec", resources="nil", measure="Chair in post", milestone_date="2004-03-31"),
        PlanRow(standard="1.1", goal="Leadership", action="Agree deputy", milestones="Deputy agreed",
                lead_officer="Chief Exec", resources="nil", measure="Deputy in post", milestone_date="2004-03"),
        PlanRow(standard="2.1", goal="Use evidence", action="Refresh audit", lead_officer="Analyst",
                resources="5000", measure="Audit done", milestone_date="2004-03-31"),
        PlanRow(standard="4.2", goal="Monitor spend", action="Quarterly report", lead_officer="Treasurer",
                resources="nil", measure="Reports", milestone_date="soon"),
        PlanRow(standard="5.5", action="Typed below the table", lead_officer="Someone", measure="Something"),
    ]
    assert [r.sheet_row for r in result.rows] == [7, 8, 9, 10, 13]
    found = [(p.code, p.row, p.field) for p in result.problems]
    assert found == [("plan-bad-date", 10, "milestone_date"), ("plan-row-outside-table", 13, None)]
    bad_date = result.problems[0]
    assert bad_date.path == "Improvement Plan 04-05!J10" and bad_date.cell == 10 and bad_date.item == "4.2"


def test_note_row_under_the_labels_is_not_a_plan_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    for col, label in enumerate(["Related Standard No.", "Action needed", "Lead Officer", "Resource implications",
                                 "Performance measure/ Target"], start=1):
        ws.cell(1, col, label)
    ws.cell(2, 4, "for undertaking the activity. If work can be undertaken within existing resources, enter nil.")
    for col, value in enumerate(["1.2", "Agree mission", "Chair", "nil", "Agreed"], start=1):
        ws.cell(3, col, value)
    path = tmp_path / "note.xlsx"
    wb.save(path)
    result = parse_plan(path)
    assert result.rows == [PlanRow(standard="1.2", action="Agree mission", lead_officer="Chair", resources="nil",
                                   measure="Agreed")]
    assert result.problems == []


def _with_cached_values(path: Path, cached: dict[str, str]) -> None:
    """Give openpyxl's formula cells a cached value, as Excel would on save."""
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = blob.decode()
                for ref, value in cached.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start)
                    cell = text[start:end].replace("<v></v>", f"<v>{value}</v>").replace("<c ", '<c t="str" ', 1)
                    text = text[:start] + cell + text[end:]
                blob = text.encode()
            dst.writestr(info, blob)
    path.write_bytes(out.getvalue())


def test_formulas_are_reported_and_cached_values_read(tmp_path, sa2003):
    wb, ws = blank_plan(tmp_path, sa2003)
    ws["A8"], ws["C8"], ws["E8"] = "1.5", '="Join"&" the LSP"', "=B3"
    ws["H8"] = "Seat on LSP"
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    _with_cached_values(path, {"C8": "Join the LSP"})
    result = parse_plan(path)
    assert result.rows == [PlanRow(standard="1.5", action="Join the LSP", measure="Seat on LSP")]
    found = [(p.code, p.severity, p.path) for p in result.problems]
    assert found == [("plan-formula", "warning", "Plan!C8"), ("plan-formula", "warning", "Plan!E8"),
                     ("plan-no-lead", "error", "Plan!E8")]
    assert "no cached value" in result.problems[1].message


def test_bad_priority_and_status(tmp_path, sa2003):
    wb, ws = blank_plan(tmp_path, sa2003)
    ws["A8"], ws["J8"], ws["L8"] = "1.1", "on track", "high"
    ws["A9"], ws["J9"], ws["L9"] = "1.2", "Finished", 2.0
    path = tmp_path / "values.xlsx"
    wb.save(path)
    result = parse_plan(path)
    assert [(r.status, r.priority) for r in result.rows] == [("On track", None), ("Finished", 2)]
    assert [(p.code, p.path) for p in result.problems] == [("plan-bad-value", "Plan!L8"),
                                                           ("plan-bad-value", "Plan!J9")]


def test_framework_mismatch_is_reported(tmp_path, sa2003):
    path = tmp_path / "plan.xlsx"
    generate_plan(sa2003, path)
    result = parse_plan(path, load_framework("stocktake2003"))
    assert [p.code for p in result.problems] == ["framework-mismatch"]


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return out.getvalue()


def _huge_row(path: Path) -> None:
    wb = Workbook()
    wb.active.cell(150_000, 1, "x")
    wb.save(path)


def _absurd_dimension(path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "Related Standard No."
    wb.save(path)
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                blob = blob.replace(b'<dimension ref="A1:A1"/>', b'<dimension ref="A1:XFD1048576"/>')
            dst.writestr(info, blob)
    path.write_bytes(data.getvalue())


def _no_plan(path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "Budget"
    wb.save(path)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BAD = {
    "text.xlsx": (lambda p: p.write_text("Related Standard No.,Action needed\n"), "not a Word or Excel file"),
    "legacy.xls": (lambda p: p.write_bytes(OLE + b"\0" * 600), "legacy .xls"),
    "locked.xlsx": (lambda p: p.write_bytes(OLE + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le")),
                    "password-protected"),
    "macros.xlsm": (lambda p: p.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>",
                                                  "xl/vbaProject.bin": b"\0"})), "contains macros"),
    "form.docx": (lambda p: p.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"})),
                  "this is a Word document"),
    "truncated.xlsx": (lambda p: p.write_bytes(_zip({"xl/workbook.xml": b"<x/>" * 100})[:60]), "truncated"),
    "huge.xlsx": (_huge_row, "not a plan \\(refused\\)"),
    "dimension.xlsx": (_absurd_dimension, "XFD1048576"),
    "budget.xlsx": (_no_plan, "no improvement plan found"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_workbooks_get_one_line_errors_and_stay_unchanged(tmp_path, name):
    make, message = BAD[name]
    path = tmp_path / name
    make(path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(DocxformError, match=message) as caught:
        parse_plan(path)
    text = str(caught.value)
    assert "\n" not in text and text.startswith(str(path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_missing_file():
    with pytest.raises(DocxformError, match="no such file"):
        parse_plan(Path("/nonexistent/plan.xlsx"))


def test_generated_plan_is_not_modified_by_parsing(tmp_path, sa2003):
    path = tmp_path / "plan.xlsx"
    generate_plan(sa2003, path)
    before = path.read_bytes()
    parse_plan(path)
    assert path.read_bytes() == before


def test_two_line_header_with_labels_merged_down(tmp_path):
    wb = Workbook()
    ws = wb.active
    labels = ["Related Standard No.", "Action needed", "Lead Officer", "Resource implications",
              "Performance measure/ Target"]
    for col, label in enumerate(labels, start=1):
        ws.cell(1, col, label)
        if label != "Resource implications":
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    ws.cell(2, 4, "for undertaking the activity. If work can be undertaken within existing resources, enter nil.")
    for col, value in enumerate(["3.3", "Publish commitments", "Coordinator", "nil", "Published"], start=1):
        ws.cell(3, col, value)
    ws.cell(4, 2, "=B3")  # a formula with no cached value, alone in its row
    path = tmp_path / "two-line.xlsx"
    wb.save(path)
    result = parse_plan(path)
    assert result.rows == [PlanRow(standard="3.3", action="Publish commitments", lead_officer="Coordinator",
                                   resources="nil", measure="Published"), PlanRow()]
    assert [(p.code, p.path) for p in result.problems] == [("plan-formula", "Sheet!B4")]


def test_custom_plan_mapping(tmp_path):
    wb = Workbook()
    ws = wb.active
    for col, label in enumerate(["Std", "What we will do", "Who", "How we will know"], start=1):
        ws.cell(1, col, label)
    for col, value in enumerate(["1.2", "Agree mission", "Chair", "Agreed"], start=1):
        ws.cell(2, col, value)
    path = tmp_path / "custom.xlsx"
    wb.save(path)
    with pytest.raises(DocxformError, match="no improvement plan found"):
        parse_plan(path)
    mapping = tmp_path / "ours.yaml"
    mapping.write_text("kind: plan\nid: ours\nframework: sa2003\ncolumns:\n  standard: [Std]\n"
                       "  action: [What we will do]\n  lead_officer: Who\n  measure: [How we will know]\n")
    result = parse_plan(path, mapping=mapping)
    assert result.rows == [PlanRow(standard="1.2", action="Agree mission", lead_officer="Chair", measure="Agreed")]
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ncolumns: [a, b]\n")
    with pytest.raises(DocxformError, match="not a plan mapping"):
        parse_plan(path, mapping=broken)
