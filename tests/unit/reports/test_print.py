"""Print-ready outputs: every workbook and the HTML report rendered to PDF and measured.

The summary, plan and validation workbooks go through LibreOffice to PDF;
the HTML report through Chromium's print to PDF. Checks: page counts within
the bounds worked out below, A4 landscape, no word wider than its column
(LibreOffice drops the glyphs of a word cut at a cell edge, so that is
checked on the cells: each column at least as wide as its longest word),
no two words overlapping on a printed line, nothing outside the HTML page
margins, the header row on every printed page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from docxform.core.problems import problem
from docxform.framework import load_framework
from docxform.plan.generate import generate_plan
from docxform.records.plan import MergedPlanRow, MergedPlans, PlanRow
from docxform.reports import render_html, write_summary
from docxform.reports.printing import CHARS_PER_UNIT, matrix_breaks, matrix_page_columns, words
from docxform.reports.validation import write_validation_workbook
from docxform.survey.merge import merge_returns
from docxform.validate.rules import FileReport, ValidationReport
from tests.support import browser
from tests.support.lo import convert
from tests.support.ooxml import check_ooxml
from tests.support.pdfcheck import Page, overlapping_words, page_text, pdf_pages, words_outside
from tests.support.returns import records
from tests.unit.reports.test_summarise import PLAN_COLUMNS, build_returns

SA = load_framework("sa2003")
LONG_FIELD = "partnership_chair_signature_and_date"
LONG_PATH = "returns/a-rather-long-folder-name/partnership_return_{:02d}_final_version.docx"
A4_LANDSCAPE = (841.9, 595.3)
#: @page margin of the HTML report (12 mm) in points.
HTML_MARGIN = 12 / 25.4 * 72


def _problems() -> list[Any]:
    return [problem("signature-missing", "no signature for Name of partnership Chair", file="returns/cat.docx",
                    field=LONG_FIELD),
            problem("evidence-vague", "the evidence 'minutes' does not say which document", file=LONG_PATH.format(1),
                    item="1.3", field="evidence", hint="reference the specific document")]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Summary (with a plan sheet whose dates come as ISO text, as from JSON), plan, validation, HTML."""
    folder = tmp_path_factory.mktemp("print")
    merged = merge_returns(records(build_returns()), SA)
    plans = MergedPlans(framework=None, columns=[(c.key, c.label) for c in PLAN_COLUMNS], partners=[], by_standard={},
                        rows=[MergedPlanRow("Police", "plans/police.xlsx", {
                            "standard": "2.4", "goal": "Share burglary data monthly",
                            "milestones": "June 2004: first report", "milestone_date": "2004-06-30",
                            "last_reviewed": "2004-03", "row": 8})], problems=[])
    write_summary(merged, SA, folder / "summary.xlsx", problems=_problems(), plans=plans)
    reports = [FileReport(path=LONG_PATH.format(i), respondent=f"Respondent {i}", problems=_problems())
               for i in range(30)]
    reports.append(FileReport(path="returns/broken.docx", respondent="", error="not a Word document"))
    write_validation_workbook(ValidationReport(files=reports), folder / "validation.xlsx")
    row = PlanRow(standard="2.4", goal="Reduce repeat burglary", action="Share data", milestones="June 2004",
                  lead_officer="Insp. Lee", milestone_date="2004-06-30", status="Not started",
                  last_reviewed="2004-03-01", priority=1)
    generate_plan(SA, folder / "plan.xlsx", prefill=[row], partnership="Anytown CDRP")
    (folder / "report.html").write_text(render_html(merged, SA, _problems()), encoding="utf-8")
    return {p.stem: p for p in folder.iterdir()}


def _string_cells(ws: Any) -> list[Any]:
    return [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value]


@pytest.mark.parametrize("name", ["summary", "validation", "plan"])
def test_every_word_fits_its_column(outputs: dict[str, Path], name: str) -> None:
    """Wrapped cells break only at spaces: every column is wider than its longest word; every text wraps."""
    book = load_workbook(outputs[name])
    for ws in book.worksheets:
        for cell in _string_cells(ws):
            width = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
            if cell.row == 1 and ws.title == "Plan" and name == "plan":
                continue  # the plan's title spans the row on purpose
            longest = max(map(len, words(cell.value)), default=0)
            assert longest <= width * CHARS_PER_UNIT, (name, ws.title, cell.coordinate, cell.value, width)
            if ws.title not in ("Instructions", "Standards") and name != "plan":
                assert cell.alignment.wrap_text, (name, ws.title, cell.coordinate)


def test_print_setup_of_every_sheet(outputs: dict[str, Path]) -> None:
    for name in ("summary", "validation", "plan"):
        for ws in load_workbook(outputs[name]).worksheets:
            assert ws.page_setup.orientation == "landscape", (name, ws.title)
            assert ws.print_title_rows, (name, ws.title)
            if ws.title != "Matrix":
                assert ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)
                assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), (name, ws.title)


def test_matrix_breaks_between_themes() -> None:
    # sa2003's themes hold 5, 4, 4, 2 and 5 standards; five columns a page beside 24 units of names.
    assert matrix_page_columns(24) == 5
    assert matrix_breaks(SA, 5) == [6, 10, 14, 16]
    hallmarks = load_framework("hallmarks2007")
    sizes = [len(hallmarks.items_in(t.id)) for t in hallmarks.themes]
    assert sizes[:4] == [1, 5, 4, 3]
    assert matrix_breaks(hallmarks, 5)[:3] == [2, 7, 11]


def test_dates_are_dates(outputs: dict[str, Path]) -> None:
    plan = load_workbook(outputs["summary"])["Plan"]
    header = [c.value for c in plan[1]]
    values = dict(zip(header, [c.value for c in plan[2]], strict=True))
    assert values["Milestone date"] == dt.datetime(2004, 6, 30)
    assert values["Last reviewed"] == "2004-03"  # a month only: kept as typed, not made up
    sheet = load_workbook(outputs["plan"])["Plan"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "2.4")
    assert dt.datetime(2004, 6, 30) in row and dt.datetime(2004, 3, 1) in row


def _first_line(page: Page) -> str:
    top = min(w.y0 for w in page.words)
    return " ".join(w.text for w in sorted(page.words, key=lambda w: w.x0) if w.y0 < top + 4)


@pytest.mark.libreoffice
def test_workbooks_print(outputs: dict[str, Path], tmp_path: Path) -> None:
    pdfs = dict(zip(("summary", "validation", "plan"), convert(
        [outputs["summary"], outputs["validation"], outputs["plan"]], "pdf", tmp_path), strict=True))
    pages = {name: pdf_pages(pdf) for name, pdf in pdfs.items()}
    for name, found in pages.items():
        assert all(abs(p.width - A4_LANDSCAPE[0]) < 1 and abs(p.height - A4_LANDSCAPE[1]) < 1 for p in found), name
        assert not overlapping_words(found), (name, overlapping_words(found)[:3])
    # Readable: on every page the median word box is at least 55% of its height at 100% (14.3 pt for
    # 11 pt text in LibreOffice's fallback font), i.e. text prints at 6 pt or larger.
    for name, found in pages.items():
        for page in found:
            heights = sorted(w.y1 - w.y0 for w in page.words)
            assert heights[len(heights) // 2] >= 0.55 * 14.3, (name, page.number, _first_line(page))
    summary = pages["summary"]
    # Overview 1-3, Themes 1, Chart 1, Matrix 5 (one page down, five across), Comments 4-8, Disputed 1-2,
    # Problems 1-2, Draft plan 2-5, Plan 1: 17 to 28 pages. (21 on the development machine.)
    assert 17 <= len(summary) <= 28, len(summary)
    matrix = [p for p in summary if _first_line(p).startswith("Respondent 1.1")
              or _first_line(p).startswith("Respondent 2.1") or _first_line(p).startswith("Respondent 3.1")
              or _first_line(p).startswith("Respondent 4.1") or _first_line(p).startswith("Respondent 5.1")]
    assert [_first_line(p).split()[1:] for p in matrix] == [
        [i.id for i in SA.items_in(t.id)] for t in SA.themes]
    themes = [p for p in summary if _first_line(p).startswith("Theme Standards")]
    assert len(themes) == 1 and "Leadership" in page_text(themes[0])
    overview = [p for p in summary if _first_line(p).startswith("Theme Standard Text")]
    assert overview and all("Standards" not in _first_line(p) for p in overview)
    # Validation: 60 problems and 31 files; every page starts with its header row.
    assert 2 <= len(pages["validation"]) <= 8
    assert all(_first_line(p).startswith(("File Respondent Item Field", "File Respondent Errors"))
               for p in pages["validation"])
    assert 1 <= len(pages["plan"]) <= 6


@pytest.mark.browser
def test_html_report_prints_on_a4_landscape_with_nothing_cut(outputs: dict[str, Path], tmp_path: Path) -> None:
    pdf = browser.print_to_pdf(outputs["report"], tmp_path)
    pages = pdf_pages(pdf)
    assert all(abs(p.width - A4_LANDSCAPE[0]) < 1 and abs(p.height - A4_LANDSCAPE[1]) < 1 for p in pages)
    # Summary and standards 3, themes and disputed 1-2, draft plan 3-5 (long goal lists), problems 1: 5-12.
    assert 5 <= len(pages) <= 12, len(pages)
    assert not words_outside(pages, HTML_MARGIN), words_outside(pages, HTML_MARGIN)[:5]
    assert not overlapping_words(pages)
    text = " ".join(page_text(p) for p in pages)
    for last_column in ("Disputed", "Who said what", "Improvement goals proposed", "Message"):
        assert last_column in text
    assert LONG_FIELD in text.replace(" ", "") or LONG_FIELD[:20] in text
    # The standards table's header repeats on each page it spans.
    standards_pages = [p for p in pages if any(f"{i.id}" == w.text for i in SA.items for w in p.words[:60])]
    assert all("Distribution" in page_text(p) for p in standards_pages[:3])


def test_workbooks_pass_the_ooxml_check(outputs: dict[str, Path]) -> None:
    assert check_ooxml(outputs["summary"], outputs["validation"], outputs["plan"]) == ""
