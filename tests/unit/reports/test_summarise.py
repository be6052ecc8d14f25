"""The summary workbook and HTML report, read back from the files written.

Fifteen returns with known answers: the expected distribution, mode, median
and dispute of every sa2003 standard were worked out by hand (EXPECTED) and
are checked against the cells of the written workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml import etree
from openpyxl import load_workbook

from docxform.core.errors import DocxformError
from docxform.core.problems import problem
from docxform.framework import load_framework
from docxform.io.safety import MAX_CELL_TEXT, clean_text, looks_like_formula
from docxform.oxml.rawsheet import RawTable, write_rows
from docxform.records.merged import MergedDataset
from docxform.records.plan import MergedPlanRow, MergedPlans
from docxform.reports import render_html, write_summary
from docxform.survey.consensus import Rule
from docxform.survey.merge import merge_returns
from tests.support import browser
from tests.support.ooxml import check_ooxml
from tests.support.returns import records

SA = load_framework("sa2003")
PLAN_COLUMNS = SA.plan.columns if SA.plan else ()
LETTER = {"G": "gap_identified", "W": "working_towards", "S": "some_success", "D": "doing_well", "-": None}
NAMES = ["Alice Adams", "Bob Brown", "Cat Chen", "Dan Dale", "Eve Evans", "Fay Ford", "Gus Gray", "Hal Hunt",
         "Ivy Irwin", "Jo Jones", "Kim King", "Lee Lowe", "Max Moss", "Ned Nash", "Oli Owen"]
# One letter per respondent (in NAMES order): G gap identified, W working towards, S some success,
# D doing well, - not rated.
RATINGS = {
    "1.1": "SSSSSSSSSSSSSSS",  # unanimous
    "1.2": "DDDDDDDDDDDDDDD",  # unanimous
    "1.3": "SSSSSSSSSDDDDDD",  # clear majority, adjacent levels
    "1.4": "GGGGGGGGGGGGGGD",  # one outlier three levels away
    "1.5": "WWWWWWWSSSSSSS-",  # tie 7-7
    "2.1": "GGGGGWWWWWSSSSS",  # three-way tie, two apart
    "2.2": "---------------",  # nobody rated
    "2.3": "WWWWWWWWWWWWWWW",  # unanimous
    "2.4": "GGGGGGGGWWWWWWW",  # 8-7
    "3.1": "WWWWWWWWSSSSSSS",  # 8-7
    "3.2": "SSSSSSSSSSSSSS-",
    "3.3": "DDDDDDDDDDDDDDS",
    "3.4": "GGGGGGGGGGGGGGG",  # unanimous gap
    "4.1": "DDDDDDDDSSSSSSW",  # majority, but two apart
    "4.2": "WWWWWSSSSSDDDDD",  # three-way tie, two apart
    "5.1": "WSWSWSWSWSWSWSW",  # 8-7 interleaved
    "5.2": "GGGGGGGWWWWWWWW",  # 7-8
    "5.3": "SSSSSSSDDDDDDD-",  # tie 7-7
    "5.4": "G--------------",  # one rating
    "5.5": "SD-------------",  # two adjacent, no majority
}
APART, NOMAJ, BOTH = "levels two or more apart", "no majority", "levels two or more apart; no majority"
# standard: (gap, working, some, doing), rated, not rated, mode, median, disputed, reason
EXPECTED = {
    "1.1": ((0, 0, 15, 0), 15, 0, "Some success", "Some success", "No", None),
    "1.2": ((0, 0, 0, 15), 15, 0, "Doing well", "Doing well", "No", None),
    "1.3": ((0, 0, 9, 6), 15, 0, "Some success", "Some success", "No", None),
    "1.4": ((14, 0, 0, 1), 15, 0, "Gap identified", "Gap identified", "Yes", APART),
    "1.5": ((0, 7, 7, 0), 14, 1, None, "Working towards", "Yes", NOMAJ),
    "2.1": ((5, 5, 5, 0), 15, 0, None, "Working towards", "Yes", BOTH),
    "2.2": ((0, 0, 0, 0), 0, 15, None, None, "No", None),
    "2.3": ((0, 15, 0, 0), 15, 0, "Working towards", "Working towards", "No", None),
    "2.4": ((8, 7, 0, 0), 15, 0, "Gap identified", "Gap identified", "No", None),
    "3.1": ((0, 8, 7, 0), 15, 0, "Working towards", "Working towards", "No", None),
    "3.2": ((0, 0, 14, 0), 14, 1, "Some success", "Some success", "No", None),
    "3.3": ((0, 0, 1, 14), 15, 0, "Doing well", "Doing well", "No", None),
    "3.4": ((15, 0, 0, 0), 15, 0, "Gap identified", "Gap identified", "No", None),
    "4.1": ((0, 1, 6, 8), 15, 0, "Doing well", "Doing well", "Yes", APART),
    "4.2": ((0, 5, 5, 5), 15, 0, None, "Some success", "Yes", BOTH),
    "5.1": ((0, 8, 7, 0), 15, 0, "Working towards", "Working towards", "No", None),
    "5.2": ((7, 8, 0, 0), 15, 0, "Working towards", "Working towards", "No", None),
    "5.3": ((0, 0, 7, 7), 14, 1, None, "Some success", "Yes", NOMAJ),
    "5.4": ((1, 0, 0, 0), 1, 14, "Gap identified", "Gap identified", "No", None),
    "5.5": ((0, 0, 1, 1), 2, 13, None, "Some success", "Yes", NOMAJ),
}
# Draft plan by hand: median or mode gap/working; gap level first, then more low ratings, then form order.
EXPECTED_PLAN = ["2.4", "3.4", "1.4", "5.4", "2.3", "5.2", "2.1", "3.1", "5.1", "1.5"]
FORMULA = '=HYPERLINK("http://example.com","x")'
SCRIPT = "<script>alert('x')</script> & <b>bold</b>"


def build_returns() -> list[dict[str, Any]]:
    """The fifteen returns: evidence for high ratings, goals for low ones, three comments."""
    returns: list[dict[str, Any]] = []
    for i, name in enumerate(NAMES):
        items: dict[str, dict[str, Any]] = {}
        for item_id, letters in RATINGS.items():
            rating = LETTER[letters[i]]
            items[item_id] = {
                "rating": rating, "comments": "",
                "evidence": f"Crime Audit 2003, p.{i + 1}" if rating in ("some_success", "doing_well") else "",
                "goals": f"Goal of {name} for {item_id}" if rating in ("gap_identified", "working_towards") else "",
                "provenance": {},
            }
        returns.append({
            "kind": "form", "framework": {"id": "sa2003", "version": "2003-12"}, "layout": "annexb",
            "mapping": "sa2003-annexb", "form_id": f"form-{i:02d}", "respondent": name,
            "source": {"path": f"returns/{name.split()[0].lower()}.docx", "sha256": f"{i:064x}"},
            "fields": {"partnership": "Anytown CDRP"}, "items": items, "problems": [],
        })
    returns[0]["items"]["1.1"]["comments"] = FORMULA
    returns[1]["items"]["1.1"]["comments"] = SCRIPT
    returns[2]["items"]["2.2"]["comments"] = " \t@SUM(A1:A2)"
    return returns


@pytest.fixture(scope="module")
def merged() -> MergedDataset:
    # EXPECTED was worked out under the strict rule, which gives the most disputes to show.
    return merge_returns(records(build_returns()), SA, consensus=Rule("strict"))


@pytest.fixture(scope="module")
def problems() -> list[Any]:
    return [problem("evidence-vague", "the evidence 'minutes' does not say which document", file="returns/bob.docx",
                    item="1.3", field="evidence", hint="reference the specific document"),
            problem("signature-missing", "no signature for Name of partnership Chair", file="returns/cat.docx",
                    field="chair_signature")]


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory, merged: MergedDataset, problems: list[Any]) -> Path:
    path = tmp_path_factory.mktemp("summary") / "summary.xlsx"
    plans = MergedPlans(
        framework=None, columns=[(c.key, c.label) for c in PLAN_COLUMNS], partners=[], by_standard={},
        rows=[MergedPlanRow("Police", "plans/police.xlsx", {
            "standard": "2.4", "goal": "=cmd|' /C calc'!A0", "action": "Share data monthly", "lead_officer": "Insp. Lee",
            "measure": "Monthly returns", "row": 7, "milestones": dt.date(2004, 6, 30)})],
        problems=[problem("plan-no-target", "no target", severity="error", item="2.4", field="measure",
                          file="plans/fire.xlsx", row=9)])
    write_summary(merged, SA, path, problems=problems, plans=plans)
    return path


@pytest.fixture(scope="module")
def book(workbook_path: Path) -> Any:
    return load_workbook(workbook_path)


def rows(book: Any, sheet: str) -> list[tuple[Any, ...]]:
    return list(book[sheet].iter_rows(values_only=True))


def sheet_xml(path: Path, title: str) -> str:
    """The XML of the sheet called ``title``, found through the workbook's relationships."""
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="(rId\d+)"', workbook)
        assert rid, title
        target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
        if target is None:
            target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
        assert target
        return z.read("xl/" + target.group(1).lstrip("/").removeprefix("xl/")).decode()


# the workbook -------------------------------------------------------------------------------------

def test_sheets(book: Any, workbook_path: Path) -> None:
    assert book.sheetnames == ["About", "Overview", "Themes", "Chart", "Matrix", "Comments", "Disputed", "Problems",
                               "Draft plan", "Plan"]
    streaming = load_workbook(workbook_path, read_only=True)  # relies on each sheet's <dimension>
    assert [(streaming[n].max_row, streaming[n].max_column) for n in ("Matrix", "Comments", "Problems", "Plan")] == [
        (16, 21), (259, 5), (11, 8), (2, 11)]


def test_overview_has_the_hand_worked_statistics_of_every_standard(book: Any) -> None:
    table = rows(book, "Overview")
    assert table[0] == ("Theme", "Standard", "Text", "Gap identified", "Working towards", "Some success",
                        "Doing well", "Agreed level", "Rated", "Not rated", "Mode", "Median", "Spread", "Disputed",
                        "Reason")
    found = {}
    for row in table[1:21]:
        found[row[1]] = (tuple(row[3:7]), row[8], row[9], row[10], row[11], row[13], row[14])
    assert found == {k: (v[0], v[1], v[2], v[3], v[4], v[5], v[6]) for k, v in EXPECTED.items()}
    # The one agreed level beside the distribution: the consensus rule's, "to agree" where disputed.
    agreed = {row[1]: row[7] for row in table[1:21]}
    assert {k for k, v in agreed.items() if v == "to agree"} == {k for k, v in EXPECTED.items() if v[5] == "Yes"}
    assert agreed["1.1"] == "Some success"
    assert [row[1] for row in table[1:21]] == list(SA.item_ids)
    assert table[1][0] == "Leadership" and table[1][2] == SA.item("1.1").text


def test_overview_theme_totals(book: Any) -> None:
    # Their own sheet: below the standards they printed under the standards' repeated header.
    assert len(rows(book, "Overview")) == 21
    table = rows(book, "Themes")
    assert table[0] == ("Theme", "Standards", "Gap identified", "Working towards", "Some success", "Doing well",
                        "Rated", "Not rated", "Disputed standards")
    totals = {r[0]: r for r in table[1:]}
    assert list(totals) == [t.title for t in SA.themes]
    # Leadership = 1.1..1.5: gap 14, working 7, some 15+9+7=31, doing 15+6+1=22; rated 74, not rated 1.
    assert totals["Leadership"][1:8] == (5, 14, 7, 31, 22, 74, 1)
    assert totals["Leadership"][8] == 2  # 1.4 and 1.5 disputed
    assert totals["Resources"][2:6] == (0, 6, 11, 13)


def test_overview_has_chart_heat_map_and_sheet_setup(workbook_path: Path, book: Any) -> None:
    with zipfile.ZipFile(workbook_path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = z.read(charts[0]).decode()
    root = etree.fromstring(chart.encode())
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    assert root.xpath("//c:barChart/c:barDir/@val", namespaces=ns) == ["bar"]
    assert root.xpath("//c:barChart/c:grouping/@val", namespaces=ns) == ["stacked"]
    assert len(root.xpath("//c:barChart/c:ser", namespaces=ns)) == 4
    refs = [r.replace("'", "") for r in root.xpath("//c:ser/c:val//c:f/text()", namespaces=ns)]
    assert refs == ["Overview!$D$2:$D$21", "Overview!$E$2:$E$21", "Overview!$F$2:$F$21", "Overview!$G$2:$G$21"]
    xml = sheet_xml(workbook_path, "Overview")
    assert '<conditionalFormatting sqref="D2:G21">' in xml and "<colorScale>" in xml
    assert chart_sheet(workbook_path) == "Chart"
    for name in book.sheetnames:
        ws = book[name]
        assert ws.print_title_rows == "$1:$1", name
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, name
        if name in ("Chart", "About"):
            continue
        assert ws.freeze_panes, name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        if name == "Matrix":  # printed at full size, split between themes (tests/unit/reports/test_print.py)
            assert not ws.sheet_properties.pageSetUpPr.fitToPage
        else:  # fitted, or at 75% and split when fitting would print under 8 pt (test_print.py)
            assert ws.sheet_properties.pageSetUpPr.fitToPage or ws.page_setup.scale == 75, name
            assert ws.page_setup.fitToHeight == 0, name


def chart_sheet(path: Path) -> str:
    """The title of the sheet whose drawing holds the chart."""
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook)
        owners = [n for i, n in enumerate(names, 1)
                  if f"xl/worksheets/_rels/sheet{i}.xml.rels" in z.namelist()
                  and "drawing" in z.read(f"xl/worksheets/_rels/sheet{i}.xml.rels").decode()]
    assert len(owners) == 1, owners
    return owners[0]


def test_matrix(book: Any) -> None:
    table = rows(book, "Matrix")
    assert table[0] == ("Respondent", *SA.item_ids)
    assert [r[0] for r in table[1:]] == NAMES
    alice = dict(zip(table[0], table[1], strict=True))
    assert (alice["1.1"], alice["1.4"], alice["2.2"], alice["5.4"], alice["5.5"]) == (
        "Some success", "Gap identified", None, "Gap identified", "Some success")
    oli = dict(zip(table[0], table[15], strict=True))
    assert (oli["1.4"], oli["4.1"], oli["1.5"], oli["5.5"]) == ("Doing well", "Working towards", None, None)
    assert book["Matrix"].freeze_panes == "B2"
    assert book["Matrix"].auto_filter.ref == "A1:U16"


def test_comments_hold_every_text(book: Any) -> None:
    table = rows(book, "Comments")
    assert table[0] == ("Respondent", "Standard", "Rating", "Field", "Text")
    # 255 ratings in all (each with evidence or a goal) plus three comments.
    assert len(table) - 1 == 258
    # Evidence for every some success / doing well: 1.1-1.5, 2.1, 3.1-3.3, 4.1, 4.2, 5.1, 5.3, 5.5.
    assert sum(1 for r in table[1:] if r[3] == "Supporting evidence") == sum(
        [15, 15, 15, 1, 7, 5, 7, 14, 15, 14, 10, 7, 14, 2])
    assert ("Ivy Irwin", "5.2", "Working towards", "Improvement goals", "Goal of Ivy Irwin for 5.2") in table
    assert ("Cat Chen", "2.2", None, "Comments", "@SUM(A1:A2)") in table  # the merge trims whitespace
    assert book["Comments"].auto_filter.ref == "A1:E259"


def test_a_formula_in_a_comment_stays_text(workbook_path: Path, book: Any) -> None:
    cell = next(c for row in book["Comments"].iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    other = next(c for row in book["Comments"].iter_rows() for c in row if c.value == "@SUM(A1:A2)")
    assert other.data_type == "s" and other.quotePrefix
    plan_goal = next(c for row in book["Plan"].iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert plan_goal.data_type == "s"
    for title in book.sheetnames:
        xml = sheet_xml(workbook_path, title)
        assert "<f>" not in xml and "<f " not in xml, title
    xml = sheet_xml(workbook_path, "Comments")
    assert re.search(r'<c r="E\d+" s="\d+" t="inlineStr"><is><t>=HYPERLINK\(&quot;|<c r="E\d+" s="\d+" '
                     r't="inlineStr"><is><t>=HYPERLINK\("http://example.com","x"\)</t>', xml)


def test_disputed_agenda(book: Any) -> None:
    table = rows(book, "Disputed")
    assert table[0] == ("Standard", "Text", "Gap identified", "Working towards", "Some success", "Doing well",
                        "Reason", "Ratings by respondent", "Agreed rating", "Notes")
    assert [r[0] for r in table[1:]] == [k for k, v in EXPECTED.items() if v[5] == "Yes"]
    row = dict(zip(table[0], next(r for r in table if r[0] == "1.4"), strict=True))
    assert (row["Gap identified"], row["Doing well"], row["Reason"]) == (14, 1, APART)
    assert row["Ratings by respondent"] == "Gap identified: " + ", ".join(NAMES[:14]) + "\nDoing well: Oli Owen"
    five = dict(zip(table[0], next(r for r in table if r[0] == "5.5"), strict=True))
    assert five["Ratings by respondent"].endswith("Not rated: " + ", ".join(NAMES[2:]))


def test_problems_sheet(book: Any) -> None:
    table = rows(book, "Problems")
    assert table[0] == ("File", "Respondent", "Item", "Field", "Code", "Severity", "Message", "How to fix")
    found = [(r[0], r[1], r[2], r[4], r[5]) for r in table[1:]]
    disputed = [(None, None, k, "rating-disputed", "warning") for k, v in EXPECTED.items() if v[5] == "Yes"]
    assert found == [*disputed, ("returns/bob.docx", "Bob Brown", "1.3", "evidence-vague", "warning"),
                     ("returns/cat.docx", "Cat Chen", None, "signature-missing", "error"),
                     ("plans/fire.xlsx", None, "2.4", "plan-no-target", "error")]


def test_draft_plan(book: Any) -> None:
    table = rows(book, "Draft plan")
    assert table[0][:8] == ("Rank", "Standard", "Text", "Level", "Median", "Mode", "Low ratings", "Priority")
    body = [r for r in table[1:] if r[0] is not None]
    assert [r[1] for r in body] == EXPECTED_PLAN
    assert [r[0] for r in body] == list(range(1, 11))
    assert [r[7] for r in body] == ["priority"] * 4 + [None] * 6
    assert [r[6] for r in body] == [15, 15, 14, 1, 15, 15, 10, 8, 8, 7]
    assert body[0][3:6] == ("Gap identified", "Gap identified", "Gap identified")
    assert body[6][3:6] == ("Working towards", "Working towards", None)  # 2.1: three-way tie, no mode
    assert body[2][8] == "\n".join(f"{n}: Goal of {n} for 1.4" for n in NAMES[:14])
    ws = book["Draft plan"]
    fills = [ws.cell(row=i, column=2).fill.fgColor.rgb for i in range(2, 12)]
    assert fills[:6] == ["00FFF2CC"] * 6 and "00FFF2CC" not in fills[6:]


def test_draft_plan_ties_extend_the_priorities(tmp_path: Path) -> None:
    # Six standards all rated gap by everyone: the 4th ties with the 5th and 6th, so six are priority.
    returns = build_returns()
    for ret in returns:
        for item_id in ("1.1", "1.2", "1.3", "1.5", "2.2", "2.3", "3.2"):
            ret["items"][item_id] = {"rating": "gap_identified", "goals": "g", "evidence": "", "comments": ""}
    path = tmp_path / "ties.xlsx"
    write_summary(merge_returns(records(returns), SA), SA, path)
    body = [r for r in rows(load_workbook(path), "Draft plan")[1:] if r[0] is not None]
    assert [r[7] for r in body[:7]] == ["priority"] * 6 + [None]
    assert [r[1] for r in body[:7]] == ["1.1", "1.2", "1.3", "1.5", "2.2", "2.3", "2.4"]


def test_plan_sheet(book: Any) -> None:
    table = rows(book, "Plan")
    assert table[0] == ("Partner", *(c.label for c in PLAN_COLUMNS), "Source file", "Row")
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["Partner"], row["Related Standard No."], row["Lead Officer"], row["Source file"], row["Row"]) == (
        "Police", "2.4", "Insp. Lee", "plans/police.xlsx", 7)
    assert row["Key milestones"] == dt.datetime(2004, 6, 30)
    assert len(table) == 2


def test_no_plan_sheet_without_plans(tmp_path: Path, merged: MergedDataset) -> None:
    path = tmp_path / "s.xlsx"
    write_summary(merged, SA, path)
    assert "Plan" not in load_workbook(path).sheetnames


def test_output_is_reproducible(tmp_path: Path, merged: MergedDataset) -> None:
    write_summary(merged, SA, tmp_path / "a.xlsx")
    write_summary(merged, SA, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_anonymised_summary_names_nobody(tmp_path: Path, problems: list[Any]) -> None:
    returns = build_returns()
    for ret in returns:
        ret["items"]["1.1"]["goals"] = ret["items"]["1.1"]["comments"] = ""
        for answer in ret["items"].values():
            answer["goals"] = "a goal" if answer["goals"] else ""
    path = tmp_path / "anon.xlsx"
    write_summary(merge_returns(records(returns), SA, anonymise=True), SA, path, problems=problems)
    with zipfile.ZipFile(path) as z:
        text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for name in NAMES:
        assert name not in text and name.split()[0].lower() + ".docx" not in text
    assert "Respondent " in text and "(withheld: anonymised)" in text


def test_an_empty_merge_still_makes_a_workbook_and_page(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    empty = merge_returns([], SA)
    write_summary(empty, SA, path)
    book = load_workbook(path)
    assert rows(book, "Matrix") == [("Respondent", *SA.item_ids)]
    assert len(rows(book, "Comments")) == 1
    page = lxml.html.fromstring(render_html(empty, SA, None))
    assert len(page.xpath('//table[@id="standards"]/tbody/tr[@id]')) == 20


def test_unwritable_target_is_one_clear_error(tmp_path: Path, merged: MergedDataset) -> None:
    target = tmp_path / "no-such-folder" / "summary.xlsx"
    with pytest.raises(DocxformError, match="cannot write"):
        write_summary(merged, SA, target)
    assert not any(tmp_path.iterdir())


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, merged: MergedDataset,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(out: Any, table: Any) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("docxform.oxml.rawsheet.write_rows", broken)
    with pytest.raises(RuntimeError):
        write_summary(merged, SA, tmp_path / "summary.xlsx")
    assert not any(tmp_path.iterdir())


def test_other_frameworks(tmp_path: Path) -> None:
    hallmarks = load_framework("hallmarks2007")  # no rating scale at all
    ret = {"kind": "form", "framework": {"id": hallmarks.id, "version": hallmarks.version},
           "source": {"path": "h.docx", "sha256": "0"}, "respondent": "H",
           "fields": {"partnership": "X"}, "items": {"1": {"position": "=1+1", "owner": "Chair"}}, "problems": []}
    path = tmp_path / "h.xlsx"
    merged = merge_returns(records([ret]), hallmarks)
    write_summary(merged, hallmarks, path)
    assert ("H", "1", None, "Partnership position (and date)", "=1+1") in rows(load_workbook(path), "Comments")
    assert "<table id=\"standards\"" in render_html(merged, hallmarks, [])


def test_workbook_passes_the_ooxml_schema_check(workbook_path: Path) -> None:
    assert check_ooxml(workbook_path) == ""


# safety -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+44 1234", "-5", "@SUM(A1)", "  =A1", "\t=A1", "\r=A1", "\tanything",
                                  "\n-x"])
def test_formula_like(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", ["Crime Audit", "a=b", "5-3", "", "email@example.com"])
def test_not_formula_like(text: str) -> None:
    assert not looks_like_formula(text)


def test_raw_rows_keep_leading_space_and_quote_formula_like_text() -> None:
    out = io.BytesIO()
    write_rows(out, RawTable(header=["A", "B"], header_style=1, column_styles=[2, 2], quoted={2: 7},
                             rows=[[" \t=A1", "ok & <fine>"], [3, None]], wrap_widths=[10, None]))
    assert out.getvalue().decode() == (
        '<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>A</t></is></c><c r="B1" s="1" t="inlineStr"><is><t>B</t>'
        '</is></c></row><row r="2"><c r="A2" s="7" t="inlineStr"><is><t xml:space="preserve"> \t=A1</t></is></c>'
        '<c r="B2" s="2" t="inlineStr"><is><t>ok &amp; &lt;fine&gt;</t></is></c></row>'
        '<row r="3"><c r="A3" s="2"><v>3</v></c></row>')


def test_clean_text() -> None:
    assert clean_text("line\x0bbreak\r\nnext\rlast") == "line\nbreak\nnext\nlast"
    # nothing typed is dropped and nothing acts: controls and a right-to-left override are shown escaped
    assert clean_text("bell\x07 and \x00nul") == "bell\\x07 and \\x00nul"
    assert clean_text("Eve\u202eevil\x9b2J") == "Eve\\u202eevil\\x9b2J"
    assert clean_text("tab\tkept\nand line") == "tab\tkept\nand line"
    assert clean_text("not XML \ufffe") == "not XML "
    long = clean_text("x" * 40_000)
    assert len(long) == MAX_CELL_TEXT and long.endswith("[truncated: the full text is in the return]")


# the HTML report ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def html(merged: MergedDataset, problems: list[Any]) -> str:
    return render_html(merged, SA, problems)


def test_html_escapes_everything(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<a " not in html and "href" not in html
    # Comments are not in the page; goals and names are, escaped. Put markup in a goal and a name.
    returns = build_returns()
    returns[0]["respondent"] = "<img src=x onerror=alert(1)>"
    returns[0]["items"]["1.4"]["goals"] = FORMULA + " <a href='http://example.com'>x</a>"
    page = render_html(merge_returns(records(returns), SA), SA, [])
    assert "<img" not in page and "<a " not in page and "<a href" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "=HYPERLINK(&#34;http://example.com&#34;,&#34;x&#34;) &lt;a href=&#39;http://example.com&#39;&gt;" in page


def test_html_is_self_contained(html: str) -> None:
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert not [v for v in doc.xpath("//@src | //@href") if v]
    assert "url(" not in html and "@import" not in html
    assert doc.xpath("//style") and doc.xpath("//svg")


def test_html_standards_table(html: str) -> None:
    doc = lxml.html.fromstring(html)
    body = doc.xpath('//table[@id="standards"]/tbody/tr[@id]')
    assert len(body) == 20
    first = body[0]
    assert [td.text_content().strip() for td in first.xpath("td")][2:] == ["0", "0", "15", "0", "Some success", "15",
                                                                           "Some success", "Some success", "No"]
    flagged = [tr.get("id") for tr in body if "disputed" in (tr.get("class") or "")]
    assert flagged == [f"item-{k}" for k, v in EXPECTED.items() if v[5] == "Yes"]
    plan = [tr.xpath("td")[1].text_content().split()[0] for tr in doc.xpath('//table[@id="plan"]/tbody/tr')]
    assert plan == EXPECTED_PLAN
    assert len(doc.xpath('//table[@id="disputed"]/tbody/tr')) == 7
    # Each theme a heading row of its own, before its standards (a spanning cell held them together in print).
    themes = [th.text_content() for th in doc.xpath('//table[@id="standards"]/tbody/tr[@class="theme"]/th')]
    assert themes == [t.title for t in SA.themes]


@pytest.mark.browser
def test_html_in_a_headless_browser(tmp_path: Path, html: str) -> None:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "report.png"
    browser.run(["--window-size=1280,2000", f"--screenshot={shot}", page.as_uri()], tmp_path / "profile-1")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    width, height = struct.unpack(">II", header[16:24])
    assert width >= 1280 and height > 0
    dom = browser.run(["--window-size=1280,2000", "--dump-dom", page.as_uri()], tmp_path / "profile-2").stdout
    rendered = lxml.html.fromstring(dom)
    assert len(rendered.xpath('//table[@id="standards"]/tbody/tr[@id]')) == 20
    assert "1.1" in rendered.xpath('//table[@id="standards"]')[0].text_content()


def test_one_ranking_and_one_agreed_level_in_every_output(tmp_path: Path, merged: MergedDataset) -> None:
    """docxform.plan.priorities ranks for the summary, the HTML report and the draft plan alike; a meeting's
    decision is shown as "agreed at the meeting" and moves the standard in all three."""
    from docxform.plan import generate_plan, parse_plan, prefill_rows
    from docxform.records.decisions import MeetingDecision

    disputed = next(k for k, v in EXPECTED.items() if v[5] == "Yes")
    first = EXPECTED_PLAN[0]
    decisions = {disputed: MeetingDecision(disputed, "gap_identified", note="agreed after discussion"),
                 first: MeetingDecision(first, "doing_well")}
    path = tmp_path / "s.xlsx"
    write_summary(merged, SA, path, decisions=decisions)
    book = load_workbook(path)
    summary_order = [r[1] for r in rows(book, "Draft plan")[1:] if r[0] is not None]
    page = lxml.html.fromstring(render_html(merged, SA, decisions=decisions))
    html_order = [tr.xpath("td")[1].text_content().split()[0] for tr in page.xpath('//table[@id="plan"]/tbody/tr')]
    generate_plan(SA, tmp_path / "plan.xlsx", prefill=prefill_rows(SA, merged, decisions), partnership="P")
    plan_order = [r.standard for r in sorted(parse_plan(tmp_path / "plan.xlsx").rows, key=lambda r: r.priority)]
    assert summary_order == html_order == plan_order
    assert first not in summary_order and disputed in summary_order  # decided doing well / decided a gap
    agreed = {r[1]: r[7] for r in rows(book, "Overview")[1:21]}
    assert agreed[disputed] == "Gap identified (agreed at the meeting)"
    assert agreed[first] == "Doing well (agreed at the meeting)"
    decided_row = next(r for r in rows(book, "Disputed")[1:] if r[0] == disputed)
    assert decided_row[-2:] == ("Gap identified (agreed at the meeting)", "agreed after discussion")
    standards = {tr.get("id"): tr for tr in page.xpath('//table[@id="standards"]/tbody/tr[@id]')}
    assert "Gap identified (agreed at the meeting)" in standards[f"item-{disputed}"].text_content()
    # Without decisions the three agree too (the README's sample round).
    write_summary(merged, SA, path)
    plain = [r[1] for r in rows(load_workbook(path), "Draft plan")[1:] if r[0] is not None]
    assert plain == [r.standard for r in prefill_rows(SA, merged)] == EXPECTED_PLAN


def test_html_headline_counts_what_needs_action(merged: MergedDataset) -> None:
    """Errors and warnings are counted and listed as problems to put right; notices (info) apart, uncounted."""
    from docxform.core.problems import problem

    given = [problem("tags-lost", "the form was re-saved without its tags", file="returns/a.docx"),
             problem("tags-lost", "the form was re-saved without its tags", file="returns/b.docx"),
             problem("signature-missing", "no signature", file="returns/c.docx"),
             problem("evidence-vague", "vague", file="returns/d.docx", item="1.1", field="evidence")]
    assert [p.severity for p in given] == ["info", "info", "error", "warning"]
    doc = lxml.html.fromstring(render_html(merged, SA, given))
    needing = [p for p in merged.problems if p.severity != "info"] + given[2:]
    headline = doc.xpath('//li[@id="needs-action"]')[0].text_content()
    assert headline.startswith(str(len(needing))) and "1 error," in headline
    assert len(doc.xpath('//table[@id="problems"]/tbody/tr')) == len(needing)
    notices = doc.xpath('//table[@id="notices"]/tbody/tr')
    assert [tr.xpath("td")[0].text_content() for tr in notices] == ["returns/a.docx", "returns/b.docx"]


def test_every_output_says_what_it_is(tmp_path: Path, merged: MergedDataset) -> None:
    """The partnership, framework, round and date of the data: on the About sheet, in every sheet's print
    header (footer: sheet, date of printing, page N of M), at the top of the HTML page and in its print margins."""
    from docxform.records.imprint import Imprint

    imprint = Imprint(partnership="Anytown & District CDRP", framework=SA.title, framework_id="sa2003",
                      round="spring-2004", data_date="2004-03-31", made="2004-04-02")
    path = tmp_path / "s.xlsx"
    write_summary(merged, SA, path, imprint=imprint, returned="15 of 16 returned")
    book = load_workbook(path)
    about = dict(rows(book, "About")[1:])
    assert about["Partnership"] == "Anytown & District CDRP" and about["Round"] == "spring-2004"
    assert about["Returns up to"] == "31 March 2004" and about["Returns"] == "15 of 16 returned"
    for ws in book.worksheets:
        assert ws.oddHeader.left.text == "Anytown && District CDRP", ws.title  # a lone & would start a code
        assert "round spring-2004" in ws.oddHeader.right.text and "31 March 2004" in ws.oddHeader.right.text
        assert (ws.oddFooter.center.text, ws.oddFooter.right.text) == ("printed &D", "page &P of &N")
    page = lxml.html.fromstring(render_html(merged, SA, imprint=imprint))
    assert "Anytown & District CDRP" in page.xpath("//h1")[0].text_content()
    line = page.xpath('//p[@id="imprint"]')[0].text_content()
    assert line == ("Anytown & District CDRP · " + SA.title + " (sa2003) · round spring-2004 · returns up to "
                    "31 March 2004 · made 2 April 2004 · framework version 2003-12")
    style = page.xpath("//style")[0].text_content()
    assert 'counter(page) " of " counter(pages)' in style and "Anytown\\000020\\000026\\000020District" in style


def test_a_file_name_two_respondents_share_names_both(tmp_path: Path) -> None:
    """Problems are keyed by file; when two people each sent "form.docx" the Respondent column must not pick
    one of them silently."""
    from docxform.reports.summary import respondents_by_file

    returns = build_returns()[:3]
    for ret in returns[:2]:
        ret["source"]["path"] = "returns/form.docx"
    merged = merge_returns(records(returns), SA)
    who = respondents_by_file(merged)
    assert who["returns/form.docx"] == f"one of {NAMES[0]}, {NAMES[1]}"
    assert who[returns[2]["source"]["path"]] == NAMES[2]
