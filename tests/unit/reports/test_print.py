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
from collections import Counter
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
from docxform.reports.printing import CHARS_PER_UNIT, PAGE_UNITS, matrix_breaks, matrix_page_columns, words
from docxform.reports.validation import write_validation_workbook
from docxform.survey.merge import merge_returns
from docxform.validate.rules import FileReport, ValidationReport
from tests.support import browser
from tests.support.lo import convert
from tests.support.ooxml import check_ooxml
from tests.support.pdfcheck import MIN_POINTS, Page, overlapping_words, page_text, pdf_pages, word_sizes, words_outside
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
                assert_readable_setup(ws, (name, ws.title))


def assert_readable_setup(ws: Any, where: Any) -> None:
    """Fitted to the page width only when that keeps 11 pt text at 8 pt or more (docxform.io.pagefit);
    else printed at 75% with the columns running on to further pages."""
    letters = [get_column_letter(c) for c in range(1, ws.max_column + 1)]
    widths = [ws.column_dimensions[x].width if x in ws.column_dimensions else 8.43 for x in letters]
    if ws.sheet_properties.pageSetUpPr.fitToPage:
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), where
        assert sum(widths) * 0.75 <= PAGE_UNITS, (where, sum(widths))
    else:
        assert ws.page_setup.scale == 75 and sum(widths) * 0.75 > PAGE_UNITS, (where, sum(widths))


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


#: Points at the top and bottom of a page where the print header and footer are (in the margins).
BAND = 50


def _body(page: Page) -> list[Any]:
    return [w for w in page.words if w.y0 > BAND and w.y1 < page.height - BAND]


def _first_line(page: Page) -> str:
    """The first line of the sheet's own text (below the print header)."""
    words = _body(page)
    top = min(w.y0 for w in words)
    return " ".join(w.text for w in sorted(words, key=lambda w: w.x0) if w.y0 < top + 4)


def _sheet(page: Page) -> str:
    """The sheet a printed page is of: the footer's left part (Excel's &A)."""
    words = [w for w in page.words if w.y0 > page.height - BAND and w.x1 < page.width / 3]
    return " ".join(w.text for w in sorted(words, key=lambda w: w.x0))


@pytest.mark.libreoffice
def test_workbooks_print(outputs: dict[str, Path], tmp_path: Path) -> None:
    pdfs = dict(zip(("summary", "validation", "plan"), convert(
        [outputs["summary"], outputs["validation"], outputs["plan"]], "pdf", tmp_path), strict=True))
    pages = {name: pdf_pages(pdf) for name, pdf in pdfs.items()}
    for name, found in pages.items():
        assert all(abs(p.width - A4_LANDSCAPE[0]) < 1 and abs(p.height - A4_LANDSCAPE[1]) < 1 for p in found), name
        assert not overlapping_words(found), (name, overlapping_words(found)[:3])
    # Readable: no word on any page is smaller than 8 pt (pdfplumber reads each character's size).
    for name, pdf in pdfs.items():
        small = [w for w in word_sizes(pdf) if w[1] < MIN_POINTS - 0.05]
        assert not small, (name, small[:5], len(small))
    summary = pages["summary"]
    # Pages per sheet (footer: the sheet's name). At 8 pt the Overview is two pages wide (theme, standard
    # and text repeated on each), the Plan sheet likewise; the Matrix five across. Bounds around the
    # development machine's count (About 1, Overview 6, Themes 1, Chart 1, Matrix 5, Comments 7,
    # Disputed 2, Problems 2, Draft plan 4, Plan 2: 31 pages).
    per_sheet = Counter(_sheet(p) for p in summary)
    bounds = {"About": (1, 1), "Overview": (4, 8), "Themes": (1, 1), "Chart": (1, 1), "Matrix": (5, 5),
              "Comments": (4, 9), "Disputed": (1, 3), "Problems": (1, 3), "Draft plan": (2, 5), "Plan": (1, 2)}
    assert set(per_sheet) == set(bounds), per_sheet
    assert all(low <= per_sheet[name] <= high for name, (low, high) in bounds.items()), per_sheet
    matrix = [p for p in summary if _first_line(p).startswith("Respondent 1.1")
              or _first_line(p).startswith("Respondent 2.1") or _first_line(p).startswith("Respondent 3.1")
              or _first_line(p).startswith("Respondent 4.1") or _first_line(p).startswith("Respondent 5.1")]
    assert [_first_line(p).split()[1:] for p in matrix] == [
        [i.id for i in SA.items_in(t.id)] for t in SA.themes]
    themes = [p for p in summary if _first_line(p).startswith("Theme Standards")]
    assert len(themes) == 1 and "Leadership" in page_text(themes[0])
    overview = [p for p in summary if _first_line(p).startswith("Theme Standard Text")]
    assert overview and all("Standards" not in _first_line(p) for p in overview)
    # Validation: 60 problems and 31 files (10 pages at 8 pt on the development machine); every page starts
    # with its header row.
    assert 2 <= len(pages["validation"]) <= 12
    # (a page of columns run on from a sheet too wide for 8 pt starts with the repeated File and Respondent)
    assert all(_first_line(p).startswith("File Respondent") for p in pages["validation"])
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
    # (pages from the one headed "Ratings per standard" to the one with the "By theme" table)
    first = next(i for i, p in enumerate(pages) if "Ratings per standard" in page_text(p))
    last = next(i for i, p in enumerate(pages) if "By theme" in page_text(p))
    standards_pages = pages[first:last + 1]
    assert len(standards_pages) >= 2
    assert all("Distribution" in page_text(p) for p in standards_pages)
    # Every page says whose it is and which page of how many, in its margins.
    for page in pages:
        top = " ".join(w.text for w in page.words if w.y1 <= HTML_MARGIN)
        bottom = " ".join(w.text for w in page.words if w.y0 >= page.height - HTML_MARGIN)
        assert top.startswith("Anytown CDRP") and "sa2003" in top, (page.number, top)
        assert bottom.endswith(f"page {page.number} of {len(pages)}"), (page.number, bottom)
    small = [w for w in word_sizes(pdf) if w[1] < MIN_POINTS - 0.05]
    assert not small, small[:5]


def test_workbooks_pass_the_ooxml_check(outputs: dict[str, Path]) -> None:
    assert check_ooxml(outputs["summary"], outputs["validation"], outputs["plan"]) == ""


@pytest.mark.libreoffice
def test_by_organisation_of_ten_agencies_is_split_not_shrunk(tmp_path: Path) -> None:
    """Ten organisations' columns on one A4 width printed at about 4.5 pt (issue 22): now at 8 pt or more,
    the columns running on to further pages with the standard and its text repeated on each."""
    import copy

    merged = merge_returns(records(build_returns()), SA)
    for n, respondent in enumerate(merged.respondents):
        respondent.organisation = f"Agency number {n % 10}"
    path = tmp_path / "orgs.xlsx"
    write_summary(copy.deepcopy(merged), SA, path)
    ws = load_workbook(path)["By organisation"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 75
    assert ws.print_title_cols == "$A:$B"
    [pdf] = convert([path], "pdf", tmp_path)
    pages = [p for p in pdf_pages(pdf) if _sheet(p) == "By organisation"]
    assert len(pages) >= 3
    assert all(_first_line(p).startswith("Standard Text") for p in pages)
    numbers = {p.number for p in pages}
    small = [w for w in word_sizes(pdf) if w[0] in numbers and w[1] < MIN_POINTS - 0.05]
    assert not small, small[:5]
