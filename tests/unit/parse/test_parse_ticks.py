"""Every way a person (or a word processor) marks a rating cell, read from a stocktake-style table.

Each document is one table: the stocktake header, a theme row, then the 20
standards. Standard 1.1 carries the mark under test; 1.2 always has a typed
X under DOING WELL, as a control that the rest of the table still reads.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from docxform.framework import load_framework
from docxform.parse import parse_form
from tests.support.docmaker import (
    checkbox_sdt,
    deleted,
    document_xml,
    dropdown_sdt,
    ins,
    legacy_checkbox,
    p,
    package,
    r,
    sym,
    t,
    tbl,
    tc,
    text_sdt,
    tr,
    write_docx,
)

FW = load_framework("stocktake2003")
LEVELS = ("gap_identified", "working_towards", "some_success", "doing_well")
HEADERS = ("GAP IDENTIFIED", "WORKING TOWARDS", "SOME SUCCESS", "DOING WELL")
MAPPING = "stocktake2003-stocktake"
# Where 1.1's cells are (1-based, as problems report them): table 1, row 3 (header, theme, 1.1).
ROW_11 = 3


def build(tmp_path: Path, marks: dict[str, str], justification: str = p("")) -> Path:
    """A stocktake table where 1.1's rating cells hold ``marks`` (level -> cell content markup)."""
    rows = [tr(tc("STANDARD", span=2), *(tc(h) for h in HEADERS), tc("JUSTIFICATION")),
            tr(tc("LEADERSHIP", span=7))]
    for item in FW.items:
        if item.id == "1.1":
            cells = [tc(marks.get(level, p(""))) for level in LEVELS]
            rows.append(tr(tc(item.id), tc(item.text), *cells, tc(justification)))
        else:
            cells = [tc("X" if (item.id == "1.2" and level == "doing_well") else "") for level in LEVELS]
            rows.append(tr(tc(item.id), tc(item.text), *cells, tc("")))
    return write_docx(tmp_path / "return.docx", p("STOCKTAKE TEMPLATE: AUGUST 2003") + tbl(*rows))


def parse(path: Path) -> dict[str, Any]:
    return parse_form(path, mapping=MAPPING).to_dict()


def item_problems(result: dict[str, Any], item: str = "1.1") -> list[tuple[str, dict[str, Any]]]:
    return [(pr["code"], {k: v for k, v in pr["location"].items() if k != "file"})
            for pr in result["problems"] if pr["item"] == item]


def where(cell: int) -> dict[str, Any]:
    return {"table": 1, "row": ROW_11, "cell": cell}


TICKED = {
    "w14 checkbox checked": p(checkbox_sdt(True)),
    "legacy FORMCHECKBOX w:checked": legacy_checkbox(checked=True),
    "legacy FORMCHECKBOX default only": legacy_checkbox(default=True),
    "legacy FORMCHECKBOX checked overrides default": legacy_checkbox(checked=True, default=False),
    "dropdown X": p(dropdown_sdt("X")),
    "dropdown yes": p(dropdown_sdt("yes")),
    "w:sym Wingdings F0FC": p(sym("Wingdings", "F0FC")),
    "w:sym Wingdings f0fc": p(sym("Wingdings", "f0fc")),
    "w:sym Wingdings 00FC": p(sym("Wingdings", "00FC")),
    "w:sym Wingdings 2 F050": p(sym("Wingdings 2", "F050")),
    "w:sym Wingdings 2 F052": p(sym("Wingdings 2", "F052")),
    "w:sym Webdings F061": p(sym("Webdings", "F061")),
    "private-use U+F0FC in a Wingdings run": p(r("\uf0fc", "Wingdings")),
    "private-use U+F050 in a Wingdings 2 run": p(r("\uf050", "Wingdings 2")),
    "typed X": p("X"),
    "typed x": p("x"),
    "typed check mark": p("\u2713"),
    "typed heavy check mark": p("\u2714"),
    "typed ballot box with X": p("\u2612"),
    "typed black square": p("\u25a0"),
    "typed asterisk": p("*"),
    "typed yes": p("yes"),
    "typed Yes with spaces": p("  Yes "),
    "check mark in Segoe UI Symbol": p(r("\u2714", "Segoe UI Symbol")),
}


@pytest.mark.parametrize("name", list(TICKED))
def test_tick_style_reads_as_the_ticked_level(tmp_path: Path, name: str) -> None:
    result = parse(build(tmp_path, {"some_success": TICKED[name]}))
    assert result["items"]["1.1"]["rating"] == "some_success"
    assert result["items"]["1.1"]["provenance"]["rating"] == "anchor"
    assert item_problems(result) == []
    assert result["items"]["1.2"]["rating"] == "doing_well"


EMPTY = {
    "w14 checkbox unchecked": p(checkbox_sdt(False)),
    "legacy FORMCHECKBOX unchecked": legacy_checkbox(checked=False),
    "legacy FORMCHECKBOX checked=0 overrides default=1": legacy_checkbox(checked=False, default=True),
    "legacy FORMCHECKBOX with no state": legacy_checkbox(),
    "dropdown placeholder showing": p(dropdown_sdt("Choose an item.", placeholder=True)),
    "typed empty ballot box": p("\u2610"),
    "typed white square": p("\u25a1"),
    "Wingdings empty box (w:sym F0A8)": p(sym("Wingdings", "F0A8")),
    "Wingdings empty box (private-use U+F06F)": p(r("\uf06f", "Wingdings")),
    "Wingdings 2 empty box (w:sym F0A3)": p(sym("Wingdings 2", "F0A3")),
    "text control with its placeholder showing": text_sdt("Click here to enter text.", placeholder=True),
    "spaces only": p("   "),
}


@pytest.mark.parametrize("name", list(EMPTY))
def test_empty_boxes_and_placeholders_are_not_ticks(tmp_path: Path, name: str) -> None:
    marks = {level: EMPTY[name] for level in LEVELS}
    result = parse(build(tmp_path, marks))
    assert result["items"]["1.1"]["rating"] is None
    assert item_problems(result) == [("rating-missing", where(3))]


def test_empty_box_beside_a_tick_reads_the_tick(tmp_path: Path) -> None:
    marks = {"gap_identified": p("\u2610"), "working_towards": p(checkbox_sdt(True)),
             "some_success": p(sym("Wingdings", "F0A8")), "doing_well": p(checkbox_sdt(False))}
    result = parse(build(tmp_path, marks))
    assert result["items"]["1.1"]["rating"] == "working_towards"
    assert item_problems(result) == []


UNCLEAR = {
    "maybe": (p("maybe"), "text 'maybe'"),
    "( in Arial": (p(r("(", "Arial")), "text '('"),
    "Wingdings telephone (w:sym F028)": (p(sym("Wingdings", "F028")), "symbol wingdings U+F028"),
    "Wingdings telephone typed as (": (p(r("(", "Wingdings")), "symbol wingdings U+0028"),
    "symbol without a font": (p(sym("", "F0FC")), "symbol  U+F0FC"),
    "a sentence": (p("we think so"), "text 'we think so'"),
}


@pytest.mark.parametrize("name", list(UNCLEAR))
def test_unknown_mark_is_unclear_not_guessed(tmp_path: Path, name: str) -> None:
    markup, detail = UNCLEAR[name]
    result = parse(build(tmp_path, {"doing_well": markup}))
    assert result["items"]["1.1"]["rating"] is None
    assert item_problems(result) == [("rating-unclear", where(6))]
    message = next(pr["message"] for pr in result["problems"] if pr["item"] == "1.1")
    assert detail in message


def test_unclear_mark_wins_over_a_tick_elsewhere(tmp_path: Path) -> None:
    result = parse(build(tmp_path, {"working_towards": p("X"), "doing_well": p("maybe")}))
    assert result["items"]["1.1"]["rating"] is None
    assert item_problems(result) == [("rating-unclear", where(6))]


@pytest.mark.parametrize("first, second", [
    (p("X"), p("X")),
    (p(checkbox_sdt(True)), p(sym("Wingdings", "F0FC"))),
    (legacy_checkbox(checked=True), p("\u2713")),
])
def test_two_ticks_are_ambiguous(tmp_path: Path, first: str, second: str) -> None:
    result = parse(build(tmp_path, {"working_towards": first, "doing_well": second}))
    assert result["items"]["1.1"]["rating"] is None
    assert item_problems(result) == [("rating-ambiguous", where(4))]
    message = next(pr["message"] for pr in result["problems"] if pr["item"] == "1.1")
    assert "working_towards, doing_well" in message


def test_no_tick_is_missing(tmp_path: Path) -> None:
    result = parse(build(tmp_path, {}))
    assert result["items"]["1.1"]["rating"] is None
    assert result["items"]["1.1"]["provenance"] == {"rating": "anchor", "justification": "anchor"}
    assert item_problems(result) == [("rating-missing", where(3))]
    missing = sorted(pr["item"] for pr in result["problems"] if pr["code"] == "rating-missing")
    assert missing == sorted(i for i in FW.item_ids if i != "1.2")


def test_two_marks_in_one_cell_are_one_tick(tmp_path: Path) -> None:
    result = parse(build(tmp_path, {"gap_identified": p(sym("Wingdings", "F0FC"), r(" X"))}))
    assert result["items"]["1.1"]["rating"] == "gap_identified"
    assert item_problems(result) == []


# --- tracked changes

def test_tracked_insertion_is_kept_and_deletion_dropped(tmp_path: Path) -> None:
    marks = {"working_towards": p(deleted("X")), "some_success": p(ins(r("X")))}
    justification = (p(r("Kept text. "), deleted("Removed words. "), ins(r("Added words.")))
                     + p(ins(r("A new paragraph."))))
    result = parse(build(tmp_path, marks, justification))
    answer = result["items"]["1.1"]
    assert answer["rating"] == "some_success"
    assert answer["justification"] == "Kept text. Added words.\nA new paragraph."
    codes = [pr["code"] for pr in result["problems"] if pr["item"] is None]
    assert "tracked-changes" in codes
    tracked = next(pr for pr in result["problems"] if pr["code"] == "tracked-changes")
    assert tracked["severity"] == "warning"


def test_deleted_tick_leaves_the_rating_missing(tmp_path: Path) -> None:
    result = parse(build(tmp_path, {"doing_well": p(deleted("\u2713"))}))
    assert result["items"]["1.1"]["rating"] is None
    assert item_problems(result) == [("rating-missing", where(3))]
    assert any(pr["code"] == "tracked-changes" for pr in result["problems"])


def test_deleted_table_row_is_dropped(tmp_path: Path) -> None:
    """A row deleted with track changes on (a stale copy of 1.1 with another tick) is not read."""
    path = build(tmp_path, {"doing_well": p("X")})
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode()
    start = body.index("<w:tr><w:tc><w:p><w:r><w:t xml:space=\"preserve\">1.1<")
    end = body.index("</w:tr>", start) + len("</w:tr>")
    row = body[start:end]
    ghost = row.replace("<w:tr>", '<w:tr><w:trPr><w:del w:id="9" w:author="A" w:date="2003-10-01T00:00:00Z"/>'
                        "</w:trPr>", 1).replace(">X<", ">\u2713 old<")
    body = body[:start] + ghost + body[start:]
    inner = body[body.index("<w:body>") + len("<w:body>"):body.index("</w:body>")]
    path.write_bytes(package(document_xml(inner)))
    result = parse(path)
    assert result["items"]["1.1"]["rating"] == "doing_well"
    assert item_problems(result) == []
    assert any(pr["code"] == "tracked-changes" for pr in result["problems"])


def test_text_in_a_field_result_is_read_but_instructions_are_not(tmp_path: Path) -> None:
    field = p('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
              '<w:r><w:instrText xml:space="preserve"> SYMBOL 252 \\f "Wingdings" </w:instrText></w:r>',
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
              f'<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr>{t(chr(0xF0FC))}</w:r>',
              '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    result = parse(build(tmp_path, {"some_success": field}))
    assert result["items"]["1.1"]["rating"] == "some_success"
    assert item_problems(result) == []
