"""The survey end to end: 15 returns with known answers (5 through LibreOffice) -> collate -> workbook cells.

Expected statistics are computed here independently from the known ratings,
then read back from the written workbook, not from docxform's own data.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from docxform import api
from docxform.framework import load_framework
from docxform.oxml.fill import fill
from docxform.parse import parse_form
from tests.support.lo import convert

FORMULA = '=HYPERLINK("http://example.com","x")'


def expected_stats(ratings: list[str], levels: tuple[str, ...]) -> dict:
    counts = Counter(ratings)
    ordered = sorted(ratings, key=levels.index)
    top = max(counts.values())
    modes = [lv for lv, n in counts.items() if n == top]
    # The default (iqr) rule: quartiles as spreadsheets compute them (statistics' "inclusive" method),
    # interquartile range <= 1 and at least 80% within one level of the (lower) median.
    positions = [levels.index(r) for r in ordered]
    q1, _, q3 = statistics.quantiles(positions, n=4, method="inclusive")
    median = positions[(len(positions) - 1) // 2]
    within = sum(abs(p - median) <= 1 for p in positions) / len(positions)
    return {"counts": [counts.get(lv, 0) for lv in levels], "mode": modes[0] if len(modes) == 1 else None,
            "median": ordered[(len(ordered) - 1) // 2], "disputed": q3 - q1 > 1 or within < 0.8}


# The survey fixture re-saves five returns with LibreOffice, so every test here needs it.
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("survey")
    fw = load_framework("sa2003")
    levels = fw.rating_scale.keys
    people = root / "people.csv"
    people.write_text("name,organisation\n" + "".join(f"Person {i:02d},Agency {i % 4}\n" for i in range(15)), "utf-8")
    forms = api.generate_form("sa2003", root / "blank", respondents=people, partnership="Survey CDRP")
    rng = random.Random(15)
    known: dict[str, dict[str, str]] = {}
    returns = root / "returns"
    returns.mkdir()
    for n, form in enumerate(forms):
        ratings = {}
        for i, item in enumerate(fw.items):
            centre = i % 4
            ratings[item.id] = levels[max(0, min(3, centre + rng.choice([-2, -1, 0, 0, 0, 1])))]
        texts = {(it.id, "comments"): FORMULA if (n == 0 and it.id == "1.1") else f"{form.respondent.name} on {it.id}"
                 for it in fw.items}
        fill(form.path, returns / form.path.name, ratings, texts)
        known[form.respondent.name] = ratings
    lo_files = sorted(returns.glob("*.docx"))[:5]
    for converted in convert(lo_files, "docx:MS Word 2007 XML", root / "lo"):
        (returns / converted.name).write_bytes(converted.read_bytes())
    out = root / "out"
    done = subprocess.run([sys.executable, "-m", "docxform", "collate", str(returns), "-o", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return {"known": known, "out": out, "levels": levels, "fw": fw, "stdout": done.stdout, "lo": lo_files}


def test_collate_says_where_everything_is(survey: dict) -> None:
    out = survey["out"]
    assert f"summary workbook: {out / 'summary.xlsx'}" in survey["stdout"]
    assert f"HTML report: {out / 'report.html'}" in survey["stdout"]
    assert "15 returns read" in survey["stdout"]
    assert len(list((out / "parsed").glob("*.json"))) == 15


def test_workbook_overview_has_the_exact_statistics(survey: dict) -> None:
    levels, fw = survey["levels"], survey["fw"]
    names = {lv.key: lv.name for lv in fw.rating_scale.levels}
    sheet = openpyxl.load_workbook(survey["out"] / "summary.xlsx")["Overview"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("Standard")]: r for r in sheet.iter_rows(min_row=2, max_row=21, values_only=True)}
    assert list(rows) == list(fw.item_ids)
    disputed_seen = 0
    for item in fw.item_ids:
        want = expected_stats([r[item] for r in survey["known"].values()], levels)
        row = rows[item]
        got_counts = [row[header.index(names[lv])] for lv in levels]
        assert got_counts == want["counts"], item
        assert row[header.index("Mode")] == (names[want["mode"]] if want["mode"] else None), item
        assert row[header.index("Median")] == names[want["median"]], item
        assert row[header.index("Disputed")] == ("Yes" if want["disputed"] else "No"), item
        disputed_seen += want["disputed"]
    assert 0 < disputed_seen < len(fw.item_ids)


def test_formula_text_stays_text_everywhere(survey: dict) -> None:
    out = survey["out"]
    book = openpyxl.load_workbook(out / "summary.xlsx")
    cells = [c for row in book["Comments"].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(out / "summary.xlsx") as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") and "HYPERLINK" in z.read(n).decode()
                       for n in z.namelist() if n.startswith("xl/worksheets/"))
    html = (out / "report.html").read_text("utf-8")
    assert "<a href" not in html.lower() or "example.com" not in html


def test_consolidated_form_parses_back_with_the_agreed_ratings(survey: dict, tmp_path: Path) -> None:
    levels, fw = survey["levels"], survey["fw"]
    agreed = tmp_path / "agreed.docx"
    done = subprocess.run([sys.executable, "-m", "docxform", "consolidate", str(survey["out"] / "merged.json"),
                           "-o", str(agreed)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = parse_form(agreed).to_dict()
    assert data["fields"]["partnership"] == "Survey CDRP"
    for item, answer in data["items"].items():
        want = expected_stats([r[item] for r in survey["known"].values()], levels)
        assert answer["rating"] == (None if want["disputed"] else want["median"]), item
        level = fw.rating_scale.level(survey["known"]["Person 03"][item]).name
        # organisation flows from the respondents list into the merged data (issue 10), so the form names it
        assert f"Person 03 (Agency 3) ({level}): Person 03 on {item}" in answer["comments"].split("\n")
    merged = json.loads((survey["out"] / "merged.json").read_text("utf-8"))
    assert len(merged["respondents"]) == 15


def test_collate_writes_the_validation_report_validate_would(survey: dict) -> None:
    from docxform.validate.rules import validate_files

    out = survey["out"]
    report = json.loads((out / "validation.json").read_text("utf-8"))
    parsed = sorted((out / "parsed").glob("*.json"))
    direct = validate_files(parsed).to_dict()
    assert report["summary"] == direct["summary"]
    assert sorted(p["code"] for f in report["files"] for p in f["problems"]) == sorted(
        p["code"] for f in direct["files"] for p in f["problems"])
    assert (out / "validation.txt").read_text("utf-8").count("\n") > 15
