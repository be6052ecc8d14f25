"""The round's outputs tell one story and survive printing (issue 22), over returns filled in LibreOffice.

Six people; each ticks a level per standard and types a comment through
LibreOffice's UNO API, as a person does, and writes no evidence or goals, so
every return has problems to put right. One saves as .odt, one as .doc. Then
``round report`` (with ``--author``) and checks: one priority order in the
draft plan, the summary and the HTML page; every output names the
partnership and the date of the returns; the HTML headline counts the
errors and warnings (the Problems sheet's); the .odt and .doc returns get
feedback copies in their own format that open in LibreOffice and parse to
the same answers; no printed sheet has text under 8 pt; the consolidated
form's page count is within its bound.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from openpyxl import load_workbook

from docxform.framework import load_framework
from docxform.parse import parse_form
from docxform.parse.source import convert_to_docx
from tests.support.lo import convert
from tests.support.pdfcheck import MIN_POINTS, word_sizes
from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip
from tests.support.roundkit import known_ratings, run

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

FW = load_framework("sa2003")
LEVELS = FW.rating_scale.keys if FW.rating_scale else ()
ITEMS = [i.id for i in FW.items]
PARTNERSHIP = "Riverside Community Safety Partnership"
NAMES = ["Ann Archer", "Ben Bell", "Cara Cole", "Dev Dutta", "Eve Evans", "Fay Ford"]
FORMATS = {"Ben Bell": "odt", "Cara Cole": "doc"}
AUTHOR = "Community Safety Team"


def _actions(ratings: dict[str, str], name: str) -> list[dict[str, str]]:
    names = {lv.key: lv.name for lv in FW.rating_scale.levels} if FW.rating_scale else {}
    ticks = [{"op": "tick", "alias": f"{item} {names[level]}"} for item, level in ratings.items()]
    return ticks + [{"op": "type", "alias": f"{item} Comments", "text": f"{name} on {item}"} for item in ratings]


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    uno_or_skip()
    root = tmp_path_factory.mktemp("outputs")
    people = root / "people.csv"
    people.write_text("name,organisation,role,email\n" + "".join(
        f"{n},Agency {i % 3},Member,{_slug(n)}@example.org\n" for i, n in enumerate(NAMES)), "utf-8")
    rnd = root / "r"
    started = run("round", "start", "sa2003", str(rnd), "--respondents", str(people), "--partnership", PARTNERSHIP)
    assert started.returncode == 0, started.stderr
    inbox = root / "inbox"
    inbox.mkdir()
    jobs = []
    for n, name in enumerate(NAMES):
        fmt = FORMATS.get(name, "docx")
        ratings = known_ratings(ITEMS, LEVELS, 100 + n)
        jobs.append((rnd / "forms" / f"sa2003-{_slug(name)}.docx", inbox / f"{name}.{fmt}", _actions(ratings, name),
                     fmt))
    fill_many_in_libreoffice(jobs)
    ingested = run("round", "ingest", str(rnd), str(inbox))
    assert ingested.returncode == 0, ingested.stderr
    out = root / "report"
    reported = run("round", "report", str(rnd), "-o", str(out), "--author", AUTHOR)
    assert reported.returncode == 0, reported.stderr
    return {"root": root, "round": rnd, "inbox": inbox, "out": out, "stdout": reported.stdout}


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


def test_one_priority_order_in_the_plan_the_summary_and_the_report(done: dict[str, Any]) -> None:
    out = done["out"]
    summary = [r[1] for r in _rows(out / "summary.xlsx", "Draft plan")[1:] if isinstance(r[0], int)]
    page = lxml.html.parse(str(out / "report.html")).getroot()
    report = [tr.xpath("td")[1].text_content().split()[0] for tr in page.xpath('//table[@id="plan"]/tbody/tr')]
    from docxform.plan import parse_plan

    plan = [r.standard for r in sorted(parse_plan(out / "plan.xlsx").rows, key=lambda r: r.priority or 0)]
    assert summary and summary == report == plan


def test_every_output_names_the_partnership_and_the_date(done: dict[str, Any]) -> None:
    out = done["out"]
    book = load_workbook(out / "summary.xlsx")
    about = dict(list(book["About"].iter_rows(values_only=True))[1:])
    assert about["Partnership"] == PARTNERSHIP and about["Round"] == "r"
    day = about["Returns up to"]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", day), day
    assert about["Returns"] == "6 of 6 returned"
    for ws in book.worksheets:
        assert ws.oddHeader.left.text == PARTNERSHIP and day in ws.oddHeader.right.text, ws.title
        assert ws.oddFooter.right.text == "page &P of &N", ws.title
    plan = load_workbook(out / "plan.xlsx")
    assert plan["Plan"]["A1"].value == f"{PARTNERSHIP}: improvement plan"
    assert all(ws.oddHeader.left.text == PARTNERSHIP and day in ws.oddHeader.right.text for ws in plan.worksheets)
    page = lxml.html.parse(str(out / "report.html")).getroot()
    assert PARTNERSHIP in page.xpath("//h1")[0].text_content()
    assert f"returns up to {day}" in page.xpath('//p[@id="imprint"]')[0].text_content()
    with zipfile.ZipFile(out / "consolidated.docx") as z:
        footer = z.read("word/footer1.xml").decode()
    assert PARTNERSHIP in footer and f"returns up to {day}" in footer and "NUMPAGES" in footer


def test_the_headline_counts_the_errors_and_warnings(done: dict[str, Any]) -> None:
    out = done["out"]
    severities = [r[5] for r in _rows(out / "summary.xlsx", "Problems")[1:]]
    page = lxml.html.parse(str(out / "report.html")).getroot()
    headline = page.xpath('//li[@id="needs-action"]')[0].text_content()
    needing = sum(s in ("error", "warning") for s in severities)
    assert int(re.match(r"\d+", headline).group(0)) == needing > 0  # type: ignore[union-attr]
    assert f"{severities.count('error')} errors" in headline
    assert len(page.xpath('//table[@id="notices"]/tbody/tr')) == severities.count("info")


def test_odt_and_doc_returns_get_feedback_in_their_own_format(done: dict[str, Any]) -> None:
    out, inbox = done["out"], done["inbox"]
    copies = {p.suffix: p for p in (out / "feedback").iterdir()}
    assert set(copies) == {".docx", ".odt", ".doc"}, sorted(p.name for p in (out / "feedback").iterdir())
    assert "feedback copies (6 returns with problems)" in done["stdout"] and "no feedback copy" not in done["stdout"]
    for name, fmt in FORMATS.items():
        [copy] = (out / "feedback").glob(f"{_slug(name)}-*.{fmt}")
        original = inbox / f"{name}.{fmt}"
        # It opens in LibreOffice (converted again), keeps the comments, and parses to the same answers.
        converted = copy.parent.parent / f"check-{copy.stem}.docx"
        converted.write_bytes(convert_to_docx(copy))
        with zipfile.ZipFile(converted) as z:
            comments = z.read("word/comments.xml").decode()
        assert comments.count(f'w:author="{AUTHOR}"') >= len(ITEMS), name
        again = converted.with_name(f"again-{copy.stem}.docx")
        again.write_bytes(convert_to_docx(original))
        answers = {k: (v["rating"], v["comments"]) for k, v in parse_form(converted).to_dict()["items"].items()}
        before = {k: (v["rating"], v["comments"]) for k, v in parse_form(again).to_dict()["items"].items()}
        assert answers == before and len(answers) == len(ITEMS), name


def test_no_printed_sheet_has_text_under_8word_sizes(done: dict[str, Any]) -> None:
    """LibreOffice prints each workbook; pdfplumber reads the size of every word on every page."""
    out = done["out"]
    pdfs = convert([out / "summary.xlsx", out / "plan.xlsx"], "pdf", done["root"] / "pdf")
    for pdf in pdfs:
        small = [w for w in word_sizes(pdf) if w[1] < MIN_POINTS - 0.05]
        assert not small, (pdf.name, small[:5], len(small))


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def test_consolidated_form_within_its_bound_and_in_the_meetings_words(done: dict[str, Any]) -> None:
    """The bound (docs/consensus.md): no more pages than the blank form plus the respondents' collated text
    set on its own, full width, at the form's size; everything printed at 8 pt or more."""
    import json

    from docxform.records.merged import MergedDataset
    from tests.unit.reports.test_consolidate import collated_only

    out, root = done["out"], done["root"]
    blank = root / "blank.docx"
    assert run("generate", "form", "sa2003", "-o", str(blank)).returncode == 0
    merged = MergedDataset.from_dict(json.loads((out / "merged.json").read_text("utf-8")))
    texts = collated_only(merged, root / "collated.docx")
    consolidated, empty, collated = convert([out / "consolidated.docx", blank, texts], "pdf", root / "pdf-form")
    assert _pages(consolidated) <= _pages(empty) + _pages(collated), (
        _pages(consolidated), _pages(empty), _pages(collated))
    text = subprocess.run(["pdftotext", "-layout", str(consolidated), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "DISPUTED" not in text and "iqr" not in text
    assert re.search(r"Views\s+differ:\s+\d", text) or "Views differ" not in text
    small = [w for w in word_sizes(consolidated) if w[1] < MIN_POINTS - 0.05]
    assert not small, small[:5]
