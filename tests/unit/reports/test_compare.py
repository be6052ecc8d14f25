"""compare: two rounds with known answers (a stocktake2003 baseline, then sa2003), a region, unmatched items.

The rounds are real: blank forms generated, filled by script
(docxform.oxml.fill), merged by the CLI (in-process, tests.support.cli); then ``docxform compare`` on the
two round folders. The agreed level is the merged mode when not disputed
(any two ratings two or more levels apart, or no majority), worked out by
hand below from each standard's five ratings.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from openpyxl import load_workbook

from docxform import api
from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.oxml.fill import fill
from docxform.pipeline.compare import NEGLIGIBLE_DELTA, cliffs_delta, compare, item_map
from docxform.survey.merge import merge_returns
from tests.support.cli import run_main
from tests.support.ooxml import check_ooxml
from tests.support.returns import records
from tests.unit.reports.test_summarise import chart_sheet

SA = load_framework("sa2003")
ST = load_framework("stocktake2003")
LETTER = {"G": "gap_identified", "W": "working_towards", "S": "some_success", "D": "doing_well", "-": None}
# standard: (stocktake ratings, sa2003 ratings, agreed before, agreed after, movement, distribution)
CASES: dict[str, tuple[str, str, str | None, str | None, str | None, str | None]] = {
    "1.1": ("WWWWG", "SSSSW", "W", "S", "up", "up"),
    "1.2": ("SSSSS", "SSSSD", "S", "S", "same", "up"),      # one higher rating: delta 5/25 = 0.2
    "1.3": ("DDDDS", "SSSSW", "D", "S", "down", "down"),
    "1.4": ("GGGDD", "WWWWW", None, "W", None, "up"),       # before disputed (IQR 3): no agreed level; delta (15 - 10) / 25
    "1.5": ("-----", "GGGGG", None, "G", None, None),       # nobody rated the stocktake's 1.5
    "2.1": ("GGGGG", "DDDDD", "G", "D", "up", "up"),
    "2.2": ("WWSSS", "WWWSS", "S", "W", "down", "down"),    # delta (4 - 9) / 25 = -0.2
    "5.5": ("SSSSS", "WWWWG", "S", "W", "down", "down"),
}
DEFAULT = ("WWWWW", "WWWWW", "W", "W", "same", "same")


def case(item_id: str) -> tuple[str, str, str | None, str | None, str | None, str | None]:
    return CASES.get(item_id, DEFAULT)


def _round(root: Path, framework: str, column: int, partnership: str = "Anytown CDRP") -> Path:
    """Five filled forms of ``framework``, merged by the CLI into ``root/merged.json``; returns ``root``."""
    fw = load_framework(framework)
    people = root / "people.csv"
    root.mkdir(parents=True)
    people.write_text("name\n" + "".join(f"Person {i}\n" for i in range(5)), "utf-8")
    forms = api.generate_form(framework, root / "blank", respondents=people, partnership=partnership)
    returns = root / "returns"
    returns.mkdir()
    for n, form in enumerate(forms):
        ratings = {item.id: LETTER[case(item.id)[column][n]] for item in fw.items}
        texts = {(item.id, "goals"): f"Goal {n} for {item.id} <b>now</b>" for item in fw.items
                 if any(f.key == "goals" for f in fw.text_fields)}
        fill(form.path, returns / form.path.name, ratings, texts)
    done = run_main("merge", str(returns), "-o", str(root / "merged.json"))
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("rounds")
    return {"stocktake": _round(root / "2003-stocktake", "stocktake2003", 0),
            "march": _round(root / "2004-march", "sa2003", 1)}


@pytest.fixture(scope="module")
def compared(rounds: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("compare")
    done = run_main("compare", str(rounds["stocktake"]), str(rounds["march"] / "merged.json"),
                    "-o", str(out / "trend.xlsx"), "--html", str(out / "trend.html"), "--json")
    assert done.returncode == 0, done.stderr
    return {"json": json.loads(done.stdout), "xlsx": out / "trend.xlsx", "html": out / "trend.html"}


def test_exact_movements_per_standard(compared: dict[str, Any]) -> None:
    result = compared["json"]
    assert set(result) == {"arrangement", "labels", "items", "unmatched"}
    assert result["arrangement"] == "rounds" and result["labels"] == ["2003-stocktake", "2004-march"]
    assert list(result["items"]) == list(SA.item_ids)
    for item_id, entry in result["items"].items():
        _, _, before, after, moved, _ = case(item_id)
        assert set(entry) == {"agreed", "movement"}
        assert entry == {"agreed": [LETTER[before] if before else None, LETTER[after] if after else None],
                         "movement": moved}, item_id
    assert result["unmatched"] == []  # the same twenty standards (docxform/crosswalks/stocktake2003-sa2003.yaml)


def test_trend_workbook_passes_the_ooxml_check(compared: dict[str, Any]) -> None:
    assert check_ooxml(compared["xlsx"]) == ""


def test_trend_workbook(compared: dict[str, Any]) -> None:
    book = load_workbook(compared["xlsx"])
    assert book.sheetnames == ["Trend", "Scores", "Chart", "Distribution", "Unmatched", "Sources"]
    rows = list(book["Trend"].iter_rows(values_only=True))
    # The stocktake asked for a justification, not goals: no empty goals column (issue 22), on the page too.
    assert rows[0] == ("Standard", "Text", "2003-stocktake", "2004-march", "Movement", "Distribution",
                       "Cliff's delta")
    assert "Improvement goals" not in compared["html"].read_text("utf-8")
    by_id = {r[0]: r for r in rows[1:]}
    names = {"G": "Gap identified", "W": "Working towards", "S": "Some success", "D": "Doing well", None: None}
    for item_id in SA.item_ids:
        _, _, before, after, moved, spread = case(item_id)
        row = by_id[item_id]
        assert (row[2], row[3]) == (names[before], names[after]), item_id
        assert row[4] == (moved.capitalize() if moved else None), item_id
        assert row[5] == (spread.capitalize() if spread else None), item_id
    # Cliff's delta by hand: 1.1 (4x5 + 1x1) / 25; 1.4 (10 - 5) / 25; 5.5 all 25 pairs lower; the rest unchanged.
    deltas = {"1.1": 0.84, "1.2": 0.2, "1.3": -0.84, "1.4": 0.2, "1.5": None, "2.1": 1.0, "2.2": -0.2, "5.5": -1.0}
    for item_id in SA.item_ids:
        expected = deltas.get(item_id, 0.0)
        assert by_id[item_id][6] == (None if expected is None else pytest.approx(expected)), item_id
    scores = list(book["Scores"].iter_rows(values_only=True))
    assert scores[1] == ("1.1", 2, 3)  # lower median: working towards = 2, some success = 3
    assert scores[5] == ("1.5", None, 1)  # nobody rated the stocktake's 1.5
    assert chart_sheet(compared["xlsx"]) == "Chart"
    with zipfile.ZipFile(compared["xlsx"]) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "<barChart>" in chart and chart.count("<ser>") == 2 and '<barDir val="col"/>' in chart
    assert "Scores!$B$2:$B$21" in chart.replace("'", "") and "Scores!$C$2:$C$21" in chart.replace("'", "")


def test_goals_of_the_earlier_round_beside_the_later_ratings(tmp_path: Path) -> None:
    returns = [_return("sa2003", "2003-12", f"P{i}", {"1.1": ("working_towards", f"Goal {i}: =SUM(A1) <script>x</script>")})
               for i in range(3)]
    first = _write(tmp_path / "one" / "merged.json", merge_returns(records(returns), SA).to_dict())
    later = [_return("sa2003", "2003-12", f"P{i}", {"1.1": ("some_success", "")}) for i in range(3)]
    second = _write(tmp_path / "two" / "merged.json", merge_returns(records(later), SA).to_dict())
    comparison = api.compare([first, second], tmp_path / "t.xlsx", html=tmp_path / "t.html")
    trend = comparison.items[0]
    assert trend.goals_before == [f"P{i}: Goal {i}: =SUM(A1) <script>x</script>" for i in range(3)]
    assert (trend.agreed, trend.movement) == (["working_towards", "some_success"], "up")
    cell = next(c for row in load_workbook(tmp_path / "t.xlsx")["Trend"].iter_rows() for c in row
                if isinstance(c.value, str) and "Goal 0" in c.value)
    assert cell.data_type == "s" and cell.value.startswith("P0: Goal 0")
    page = (tmp_path / "t.html").read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    doc = lxml.html.fromstring(page)
    assert not doc.xpath("//script")
    goals = doc.xpath('//tr[@id="item-1.1"]//li/text()')
    assert goals == [f"P{i}: Goal {i}: =SUM(A1) <script>x</script>" for i in range(3)]


def _return(framework: str, version: str, name: str, answers: dict[str, tuple[str, str]],
            partnership: str = "Anytown CDRP") -> dict[str, Any]:
    items = {k: {"rating": r, "goals": g, "comments": "", "evidence": ""} for k, (r, g) in answers.items()}
    return {"kind": "form", "framework": {"id": framework, "version": version}, "respondent": name,
            "source": {"path": f"{name}.docx", "sha256": "0" * 64}, "fields": {"partnership": partnership},
            "items": items, "problems": []}


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_a_third_framework_without_counterparts_is_listed(rounds: dict[str, Path], tmp_path: Path) -> None:
    beacon = load_framework("beacon2003")
    merged = merge_returns(records([_return("beacon2003", beacon.version, "B", {beacon.item_ids[0]: ("doing_well", "")})]),
                           beacon)
    path = _write(tmp_path / "beacon" / "merged.json", merged.to_dict())
    comparison = compare([path, rounds["stocktake"], rounds["march"]])
    assert comparison.unmatched == [f"beacon2003:{i}" for i in beacon.item_ids]
    result = comparison.to_json()
    assert list(result["items"]) == list(SA.item_ids)
    assert result["items"]["2.1"]["agreed"] == [None, "gap_identified", "doing_well"]
    # Last argument beacon2003: the other frameworks' items are the unmatched ones, beacon's all kept.
    reverse = compare([rounds["march"], path])
    assert list(reverse.to_json()["items"]) == list(beacon.item_ids)
    assert reverse.unmatched == [f"sa2003:{i}" for i in SA.item_ids]
    assert reverse.to_json()["items"][beacon.item_ids[0]] == {"agreed": [None, "doing_well"], "movement": None}


def test_a_crosswalk_mapping_two_items_to_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reversed, it would keep one of the two and drop the other from every trend without a word."""
    from docxform.pipeline import compare as module

    (tmp_path / "a-b.yaml").write_text("from: a\nto: b\nitems:\n- {from: '1', to: '9'}\n- {from: '2', to: '9'}\n",
                                       "utf-8")
    monkeypatch.setattr(module.resources, "files", lambda package: tmp_path)
    module._crosswalks.cache_clear()
    try:
        with pytest.raises(DocxformError, match=r"a-b\.yaml: a crosswalk must map at most one item to each item"):
            module._crosswalks()
    finally:
        monkeypatch.undo()
        module._crosswalks.cache_clear()
    assert ("stocktake2003", "sa2003") in module._crosswalks()  # the shipped one is one-to-one


def test_crosswalk_both_ways() -> None:
    assert item_map(ST, SA) == {i: i for i in ST.item_ids}
    assert item_map(SA, ST) == {i: i for i in SA.item_ids}
    assert set(item_map(load_framework("beacon2003"), SA).values()) == {None}


def test_region_side_by_side_is_labelled_by_partnership(tmp_path: Path) -> None:
    paths = []
    for name, level in (("North CDRP", "gap_identified"), ("South CDRP", "doing_well"), ("East CDRP", "some_success")):
        returns = [_return("sa2003", SA.version, f"{name} {i}", {"1.1": (level, "")}, partnership=name)
                   for i in range(2)]
        paths.append(_write(tmp_path / name / "merged.json", merge_returns(records(returns), SA).to_dict()))
    comparison = api.compare(paths, tmp_path / "region.xlsx")
    assert comparison.region and comparison.labels == ["North CDRP", "South CDRP", "East CDRP"]
    assert comparison.to_json()["items"]["1.1"] == {"agreed": ["gap_identified", "doing_well", "some_success"],
                                                    "movement": None}
    header = next(load_workbook(tmp_path / "region.xlsx")["Trend"].iter_rows(values_only=True))
    assert header[2:5] == ("North CDRP", "South CDRP", "East CDRP")
    labelled = api.compare(paths, labels=["N", "S", "E"])
    assert labelled.labels == ["N", "S", "E"]
    with pytest.raises(DocxformError, match="2 labels for 3 datasets"):
        api.compare(paths, labels=["N", "S"])


def test_a_partnership_renamed_between_rounds_is_said_to_look_like_a_region(tmp_path: Path) -> None:
    """Auto takes two partnership names for a region, and says so with the way out; --as rounds moves."""
    paths = []
    for year, name, level in (("2004", "Anytown CDRP", "gap_identified"),
                              ("2005", "Anytown Community Safety Partnership", "doing_well")):
        returns = [_return("sa2003", SA.version, f"Person {i}", {"1.1": (level, "")}, partnership=name)
                   for i in range(2)]
        paths.append(_write(tmp_path / year / "merged.json", merge_returns(records(returns), SA).to_dict()))
    auto = run_main("compare", *map(str, paths), "-o", str(tmp_path / "auto.xlsx"))
    assert auto.returncode == 0, auto.stderr
    assert auto.stdout.splitlines()[0] == (
        f"{len(SA.item_ids)} items compared as a region, partnerships side by side, no movement (each input is a "
        "different partnership's; --as rounds if they are rounds): Anytown CDRP, Anytown Community Safety "
        "Partnership; 0 without a counterpart")
    rounds = run_main("compare", *map(str, paths), "--as", "rounds", "--json")
    assert rounds.returncode == 0, rounds.stderr
    result = json.loads(rounds.stdout)
    assert result["arrangement"] == "rounds" and result["labels"] == ["2004", "2005"]
    assert result["items"]["1.1"] == {"agreed": ["gap_identified", "doing_well"], "movement": "up"}
    region = api.compare(paths, arrangement="region")
    assert region.region and region.to_json()["items"]["1.1"]["movement"] is None
    commas = run_main("compare", *map(str, paths), "--as", "rounds", "--json", "--labels", "March, 2004",
                      "--labels", "March, 2005")
    assert json.loads(commas.stdout)["labels"] == ["March, 2004", "March, 2005"]
    split = run_main("compare", *map(str, paths), "--as", "rounds", "--json", "--labels", "2004,2005")
    assert json.loads(split.stdout)["labels"] == ["2004", "2005"]


def test_cliffs_delta_by_hand() -> None:
    assert cliffs_delta([2, 2, 2, 2, 2], [2, 2, 2, 2, 3]) == pytest.approx(0.2)
    # higher: the two later 2s over the two earlier 1s (4 pairs); lower: three later 1s under three earlier 2s (9).
    assert cliffs_delta([1, 1, 2, 2, 2], [1, 1, 1, 2, 2]) == pytest.approx((4 - 9) / 25)
    assert cliffs_delta([1, 2, 3], [3, 2, 1]) == 0
    assert cliffs_delta([], [1]) is None
    assert 0.12 < NEGLIGIBLE_DELTA < 0.2


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "parsed.json").write_text(json.dumps({"kind": "nonsense"}), "utf-8")
    for args, expected in (([str(tmp_path / "empty"), str(tmp_path / "empty")], "no merged dataset"),
                           ([str(tmp_path / "parsed.json"), str(tmp_path / "parsed.json")], "parsed.json"),
                           ([str(tmp_path / "missing.json"), str(tmp_path / "missing.json")], "missing.json")):
        done = run_main("compare", *args, "--json")
        assert done.returncode == 1, done
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""


@pytest.mark.libreoffice
def test_trend_workbook_prints(compared: dict[str, Any], tmp_path: Path) -> None:
    """Trend 1-3 pages, Scores 1, Chart 1, Distribution 1-3, Unmatched 1, Sources 1: 6 to 10 pages, nothing overlapping."""
    from tests.support.lo import convert
    from tests.support.pdfcheck import overlapping_words, pdf_pages

    pages = pdf_pages(convert([compared["xlsx"]], "pdf", tmp_path)[0])
    assert 6 <= len(pages) <= 10, len(pages)
    assert all(p.width > p.height for p in pages)
    assert not overlapping_words(pages)


@pytest.mark.browser
def test_trend_page_prints_on_a4_landscape_with_nothing_cut(compared: dict[str, Any], tmp_path: Path) -> None:
    from tests.support import browser
    from tests.support.pdfcheck import overlapping_words, page_text, pdf_pages, words_outside

    pages = pdf_pages(browser.print_to_pdf(compared["html"], tmp_path))
    assert 1 <= len(pages) <= 4 and all(p.width > p.height for p in pages)
    assert not words_outside(pages, 12 / 25.4 * 72) and not overlapping_words(pages)
    text = " ".join(page_text(p) for p in pages)
    words = text.split()
    assert "Distribution" in words and "5.5" in words  # the last column (no empty goals column) and row
