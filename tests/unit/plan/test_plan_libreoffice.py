"""Generated plans in LibreOffice Calc: print to PDF, survive a re-save, still parse exactly."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.plan import PlanRow, generate_plan, parse_plan
from tests.support.planfill import fill_plan

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")]

KEYS = ["standard", "goal", "action", "milestones", "lead_officer", "resources", "challenges", "measure",
        "milestone_date", "status", "last_reviewed", "priority"]
ROWS = [
    PlanRow(standard="2.2", goal="Information sharing protocol", action="Draft and sign the ISP",
            milestones="Draft by Jan; signed by March", lead_officer="J Smith", resources="nil",
            challenges="Health data", measure="ISP signed", milestone_date="2004-03-31", status="On track",
            last_reviewed="2004-01-15", priority=1),
    PlanRow(standard="1.4", goal='=HYPERLINK("http://example.com","x")', action="Six-monthly review",
            lead_officer="Chair", measure="Two reviews a year", milestone_date="2004-09", status="Not started",
            priority=2),
]
HEADER = {"partnership": "Anytown CDRP", "lead_officer": "J Smith", "period": "2004/05"}


def soffice(source: Path, fmt: str, outdir: Path) -> Path:
    """Convert with headless LibreOffice, with a profile of its own (calls may run in parallel)."""
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(outdir), str(source)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


@pytest.fixture(scope="module")
def sa2003():
    return load_framework("sa2003")


@pytest.fixture(scope="module")
def filled(tmp_path_factory, sa2003) -> Path:
    """A generated plan, prefilled with the first row and filled in with openpyxl."""
    folder = tmp_path_factory.mktemp("lo")
    blank = folder / "blank.xlsx"
    generate_plan(sa2003, blank, prefill=[PlanRow(standard="2.2", goal="Information sharing protocol", priority=1)],
                  partnership=HEADER["partnership"])
    path = folder / "filled.xlsx"
    fill_plan(blank, path, ROWS, HEADER)
    return path


def test_converts_to_pdf(tmp_path, filled):
    pdf = soffice(filled, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert int(fields["Pages"]) >= 1
    width, height = (float(x) for x in fields["Page size"].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        # "Draft and sign the ISP" wraps in its 17-unit column (the plan is sized to print at a readable scale).
        for expected in ("Anytown CDRP", "Related Standard", "Draft and sign the", "ISP", "31/03/2004", "Gap identified"):
            assert expected in text


def test_resave_keeps_validation_and_parses_back_exactly(tmp_path, filled, sa2003):
    resaved = soffice(filled, "xlsx", tmp_path / "resaved")
    assert resaved.read_bytes() != filled.read_bytes()
    wb = load_workbook(resaved)
    ws = wb["Plan"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    standard = dvs["A8:A207"]
    assert standard.type == "list"
    name = wb.defined_names[standard.formula1]
    sheet, cells = name.attr_text.split("!")
    ids = [row[0].value for row in wb[sheet.strip("'")][cells.replace("$", "")]]
    assert ids == list(sa2003.item_ids)
    assert dvs["J8:J207"].type == "list" and dvs["J8:J207"].formula1 == "docxform_statuses"
    for col in "IK":
        assert (dvs[f"{col}8:{col}207"].type, dvs[f"{col}8:{col}207"].formula1) == ("date", "32874")
    assert (dvs["L8:L207"].type, dvs["L8:L207"].formula2) == ("whole", "200")
    assert ws.protection.sheet
    assert ws.tables["ImprovementPlan"].ref == "A7:L207"
    # (frozen panes are view settings, which a headless conversion does not write back)
    assert ws.cell(9, 2).data_type == "s"  # the goal that looks like a formula is still text
    result = parse_plan(resaved)
    assert result.rows == ROWS
    assert result.header == HEADER
    assert result.problems == []


def test_formula_typed_in_calc_is_read_from_its_cached_value(tmp_path, filled):
    wb = load_workbook(filled)
    wb["Plan"]["H8"] = '="ISP "&"signed"'
    source = tmp_path / "formula.xlsx"
    wb.save(source)
    resaved = soffice(source, "xlsx", tmp_path / "resaved")  # Calc computes and stores the value
    result = parse_plan(resaved)
    assert result.rows == ROWS
    assert [(p.code, p.path) for p in result.problems] == [("plan-formula", "Plan!H8")]


def test_legacy_xls_from_calc_is_refused(tmp_path, filled):
    xls = soffice(filled, "xls", tmp_path / "xls")
    before = xls.read_bytes()
    with pytest.raises(DocxformError, match=r"legacy \.xls"):
        parse_plan(xls)
    assert xls.read_bytes() == before
