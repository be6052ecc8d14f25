"""The consolidated form: agreed levels, ratings beside comments, printed dispute notes, page count.

Twelve respondents with realistic comments (the case of issue 12, where the
form ran to 31 pages and 18 of 20 standards were left unrated).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docxform.framework import load_framework
from docxform.generate.form import AGREED_LABEL
from docxform.generate.output import generate_form
from docxform.oxml import writer as w
from docxform.oxml.package import write_package
from docxform.parse import parse_form
from docxform.records.merged import MergedDataset
from docxform.reports.consolidated import agreed_answers, consolidate
from docxform.survey.consensus import Rule
from docxform.survey.merge import merge_returns
from tests.support.lo import convert
from tests.support.ooxml import check_ooxml
from tests.support.returns import records

SA = load_framework("sa2003")
KEYS = SA.rating_scale.keys if SA.rating_scale else ()
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMES = ["Jane Smith", "Val Armstrong", "Tom Healey", "Brian Wroe", "Chris Wells", "Don Richards",
         "Fiona Meechan", "Peter Matthews", "Ann Lee", "Raj Patel", "Sue Green", "Mark Owen"]
# Ratings per standard, one letter per respondent (G W S D; - not rated).
PATTERNS = ["WWWWWWWWWWWD", "SSSSSSSSSSSS", "GGWWWWWWWWWS", "GGGGGGDDDDDD", "WSWSWSWSWSWS",
            "GGGWWWSSSDDD", "SSSSSSSSSSSG", "DDDDDDDDDSS-", "WWWWWWWWSSSS", "GWSDGWSDGWSD"]
LETTER = {"G": "gap_identified", "W": "working_towards", "S": "some_success", "D": "doing_well", "-": None}
COMMENTS = ["The steering group meets monthly and its minutes show who is accountable for each action.",
            "Attendance by health partners has been patchy since the PCT reorganisation; this needs work.",
            "Good progress with the YOT and the LSP, but the voluntary sector is not yet represented.",
            "We have an agreed structure on paper; in practice the task groups report irregularly.",
            "Data sharing protocol signed in 2003 but not yet used by all agencies."]
EVIDENCE = ["Community Safety Strategy 2002-05, section 3, p.14", "Crime and Disorder Audit 2004, table 2.1",
            "Partnership board minutes 12 March 2004, item 4"]
GOALS = ["Agree an action plan for this standard by March 2004.", "Review the terms of reference of the task groups."]


def build_returns() -> list[dict[str, Any]]:
    """Twelve parsed returns: ratings by PATTERNS (standard i uses pattern i mod 10), texts varied by person."""
    returns = []
    for n, name in enumerate(NAMES):
        items = {}
        for i, item in enumerate(SA.items):
            rating = LETTER[PATTERNS[i % len(PATTERNS)][n]]
            items[item.id] = {"rating": rating, "comments": COMMENTS[(n + i) % len(COMMENTS)] if n % 3 else "",
                              "evidence": EVIDENCE[(n + i) % len(EVIDENCE)] if rating in KEYS[2:] else "",
                              "goals": GOALS[i % 2] if rating in KEYS[:2] else "", "provenance": {}}
        returns.append({"kind": "form", "framework": {"id": "sa2003", "version": "2003-12"}, "layout": "annexb",
                        "mapping": "sa2003-annexb", "form_id": f"form-{n}", "respondent": name,
                        "source": {"path": f"returns/{n}.docx", "sha256": f"{n:064x}"},
                        "fields": {"partnership": "Anytown CDRP"}, "items": items, "problems": []})
    return returns


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("consolidate")
    merged = merge_returns(records(build_returns()), SA)
    target = root / "agreed.docx"
    consolidate(merged, SA, target, partnership="Anytown CDRP")
    return {"root": root, "merged": merged, "path": target, "parsed": parse_form(target).to_dict()}


def test_default_rule_leaves_only_real_disputes(made: dict[str, Any]) -> None:
    disputed = sorted({i % 10 for i, item in enumerate(SA.items) if made["merged"].items[item.id].disputed})
    # Patterns 3 (6 gap, 6 doing well), 5 (spread evenly over four levels), 9 (uniform) are disputed;
    # pattern 0 (one outlier of twelve), 2 and 6 (outliers) and the adjacent splits are not.
    assert disputed == [3, 5, 9]


def test_parses_back_to_the_agreed_levels(made: dict[str, Any]) -> None:
    for item in SA.items:
        entry = made["merged"].items[item.id]
        got = made["parsed"]["items"][item.id]["rating"]
        assert got == (None if entry.disputed else entry.median), item.id
    assert made["parsed"]["items"]["1.1"]["rating"] == "working_towards"  # 11 working towards, 1 doing well


def test_ratings_beside_comments_and_notes_never_parsed(made: dict[str, Any]) -> None:
    comments = made["parsed"]["items"]["1.1"]["comments"].split("\n")
    # Standard 1.1: respondent n (n % 3 != 0) writes COMMENTS[n % 5]; all rate working towards but
    # Mark Owen (doing well). One line per distinct text, in order of first appearance.
    assert comments == [f"Val Armstrong (Working towards); Mark Owen (Doing well): {COMMENTS[1]}",
                        f"Tom Healey, Peter Matthews (Working towards): {COMMENTS[2]}",
                        f"Chris Wells (Working towards): {COMMENTS[4]}",
                        f"Don Richards, Sue Green (Working towards): {COMMENTS[0]}",
                        f"Ann Lee (Working towards): {COMMENTS[3]}"]
    goals = made["parsed"]["items"]["1.1"]["goals"].split("\n")
    assert goals == [f"All but Mark Owen: {GOALS[0]}"]  # eleven rated low and gave the same goal
    texts = " ".join(v for a in made["parsed"]["items"].values() for k, v in a.items() if isinstance(v, str))
    assert "Views differ" not in texts and AGREED_LABEL not in texts


def test_meeting_parts_left_blank(made: dict[str, Any]) -> None:
    fields = made["parsed"]["fields"]
    process = fields.pop("process")
    assert len(process) == 6 and not any(process.values())
    assert {k: v for k, v in fields.items() if v} == {"partnership": "Anytown CDRP"}
    assert {"chair_signature", "police_rep_signature", "completed_by", "assessment_month"} <= set(fields)


def test_document_structure(made: dict[str, Any]) -> None:
    assert check_ooxml(made["path"]) == ""
    with zipfile.ZipFile(made["path"]) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    ns = {"w": W_NS, "w14": "http://schemas.microsoft.com/office/word/2010/wordml"}
    boxes = root.xpath('//w:sdt[starts-with(w:sdtPr/w:tag/@w:val, "dxf:agreed:")]', namespaces=ns)
    disputed = [k for k, v in made["merged"].items.items() if v.disputed]
    assert sorted(b.xpath("string(w:sdtPr/w:tag/@w:val)", namespaces=ns) for b in boxes) == sorted(
        f"dxf:agreed:{k}" for k in disputed)
    assert all(b.xpath("w:sdtPr/w14:checkbox", namespaces=ns) for b in boxes)
    # Empty controls show no placeholder text at all, so nothing prints where an answer would be.
    empty = root.xpath("//w:sdt[w:sdtPr/w:showingPlcHdr]", namespaces=ns)
    assert empty and all(not e.xpath(".//w:t", namespaces=ns) for e in empty)
    # Rows may run on to the next page (no one-standard-per-page gaps).
    assert not root.xpath('//w:tr[.//w:tag[@w:val="dxf:1.1:comments"]]/w:trPr/w:cantSplit', namespaces=ns)


def collated_only(merged: MergedDataset, path: Path) -> Path:
    """The collated text alone, full page width, set as the form sets it: the 'collated text' of the bound."""
    text = "\n".join(v for a in agreed_answers(merged, SA).values() for k, v in a.items() if k != "rating" and v)
    control = w.TextControl("collated", "collated", "", value=text, compact=True)
    spec = w.DocumentSpec(elements=[w.Table((1,), (w.Row((w.Cell((control,)),), cant_split=False),))])
    with path.open("wb") as out:
        write_package(w.build_template(spec).render({}, {}), out)
    return path


@pytest.mark.libreoffice
def test_rendered_length_and_print(made: dict[str, Any]) -> None:
    root = made["root"]
    blank = generate_form(SA, root / "blank.docx").path
    strict = root / "strict.docx"
    consolidate(merge_returns(records(build_returns()), SA, consensus=Rule("strict")), SA, strict)
    pdfs = convert([made["path"], blank, collated_only(made["merged"], root / "collated.docx"), strict], "pdf",
                   root / "pdf")
    pages = [_pages(p) for p in pdfs]
    # No longer than the blank form plus the collated text on its own (full width, same size).
    assert pages[0] <= pages[1] + pages[2], pages
    assert pages[3] <= pages[1] + pages[2], pages  # the strict rule: more notes, same bound
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    disputed = sum(v.disputed for v in made["merged"].items.values())
    # The note and the box print (the label may wrap: count its first words).
    assert len(re.findall(r"Agreed\s+at\s+the", text)) == disputed
    assert len(re.findall(r"Views\s+differ:", text)) == disputed
    assert "DISPUTED" not in text and " rule" not in text  # the meeting's words, not the tool's
    for placeholder in ("Type your name to sign", "Improvement goals", "Enter name of partnership"):
        assert placeholder not in text
    for label in ("Date of assessment: Month", "Utilisation of Existing Meetings", "Name of partnership Chair"):
        assert re.search(re.escape(label) + r"[ \t]*\n", text), label  # nothing printed beside the label
    raw = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Mark\s+Owen\s+\(Doing\s+well\)", raw)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@pytest.mark.libreoffice
def test_agreed_ratings_survive_a_libreoffice_resave(made: dict[str, Any]) -> None:
    """Re-saved by LibreOffice (tags dropped, checkboxes wrapped), the form still gives the agreed levels."""
    (resaved,) = convert([made["path"]], "docx:MS Word 2007 XML", made["root"] / "resaved")
    again = parse_form(resaved).to_dict()
    assert {k: v["rating"] for k, v in again["items"].items()} == {
        k: v["rating"] for k, v in made["parsed"]["items"].items()}
    assert {k: v["comments"] for k, v in again["items"].items()} == {
        k: v["comments"] for k, v in made["parsed"]["items"].items()}


def test_dispute_note_in_the_meetings_words(made: dict[str, Any]) -> None:
    """Pattern 3 (six gap identified, six doing well): the counts, most first, and what to do."""
    from docxform.reports.consolidated import disputes

    notes = disputes(made["merged"], SA)
    item = SA.items[3].id
    assert notes[item] == "Views differ: 6 gap identified, 6 doing well; to agree."


def test_a_meeting_decision_fills_the_rating_and_drops_the_note(tmp_path: Path, made: dict[str, Any]) -> None:
    from docxform.records.decisions import MeetingDecision

    item = SA.items[3].id
    target = tmp_path / "decided.docx"
    consolidate(made["merged"], SA, target, decisions={item: MeetingDecision(item, "working_towards")})
    parsed = parse_form(target).to_dict()
    assert parsed["items"][item]["rating"] == "working_towards"
    with zipfile.ZipFile(target) as z:
        document = z.read("word/document.xml").decode()
    assert f"dxf:agreed:{item}" not in document and f"dxf:agreed:{SA.items[5].id}" in document
