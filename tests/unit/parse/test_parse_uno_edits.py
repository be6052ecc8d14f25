"""Each kind of table edit made in a real word processor: every value comes back right, or flagged.

sa2003's blank form is filled inside LibreOffice through UNO
(tests/support/respondent.py) as a person fills it (ticks and typing by
control), then edited one way per return (a column inserted after the
ratings, a column deleted, two answer cells merged, a row added to continue
an answer, a header cell retyped, a Symbol-font sign typed), and saved as
.docx (tags dropped, aliases kept) and as .doc (every control lost). One
LibreOffice start makes them all. The parse must give what was typed, or a
problem naming the item and field; the values each edit must not disturb are
checked exactly, and so is what each edit itself should give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from docxform.parse import parse_form
from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip

pytestmark = pytest.mark.libreoffice
ROOT = Path(__file__).resolve().parents[3]
BLANK = ROOT / "blank_forms" / "sa2003.docx"
LEVELS = ("Gap identified", "Working towards", "Some success", "Doing well")
KEYS = {"Gap identified": "gap_identified", "Working towards": "working_towards", "Some success": "some_success",
        "Doing well": "doing_well"}
# Theme 1's table (table 2): items 1.1-1.5 in rows 2-6; header cells: STANDARD (spanning two grid
# columns), the four levels, COMMENTS, SUPPORTING EVIDENCE, IMPROVEMENT GOALS.
ITEMS = ("1.1", "1.2", "1.3", "1.4", "1.5")
FIELDS = {"comments": "Comments", "evidence": "Supporting Evidence", "goals": "Improvement Goals"}

EDITS: dict[str, list[dict[str, Any]]] = {
    "plain": [],
    "rag-column": [{"op": "insert_column", "table": 2, "after": 5, "header": "RAG status",
                    "texts": {"2": "Green", "3": "Amber", "4": "Red", "5": "Green", "6": "Amber"}}],
    "comments-deleted": [{"op": "delete_column", "table": 2, "cell": 6}],
    "ratings-deleted": [{"op": "delete_column", "table": 2, "cell": 2}] * 4,  # the four level columns
    "merged": [{"op": "merge_cells", "table": 2, "row": 2, "from": 7, "to": 8}],
    "continued": [{"op": "insert_row", "table": 2, "after": 2,
                   "texts": ["", "", "", "", "", "", "Comments (cont.): and the panel met twice more."]}],
    "stray-header": [{"op": "type_cell", "table": 2, "row": 1, "cell": 7, "text": "see note 3"}],
    "symbol": [{"op": "type_symbol", "table": 2, "row": 3, "cell": 7, "font": "Symbol", "char": "\uf0b3"}],
}


def answers() -> tuple[list[dict[str, Any]], dict[str, str], dict[tuple[str, str], str]]:
    """Ticks and typing for theme 1's items, by control alias: what the respondent does first."""
    actions: list[dict[str, Any]] = []
    ratings: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    for n, item in enumerate(ITEMS):
        level = LEVELS[n % 4]
        ratings[item] = KEYS[level]
        actions.append({"op": "tick", "alias": f"{item} {level}"})
        for key, label in FIELDS.items():
            text = f"{key} typed for {item}: 50% done & more"
            texts[(item, key)] = text
            actions.append({"op": "type", "alias": f"{item} {label}", "text": text})
    return actions, ratings, texts


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every edit on the filled form, saved as .docx and .doc: one LibreOffice start."""
    uno_or_skip()
    folder = tmp_path_factory.mktemp("uno-edits")
    fill, _, _ = answers()
    jobs = []
    out = {}
    for name, edit in EDITS.items():
        for fmt in ("docx", "doc"):
            dst = folder / f"{name}.{fmt}"
            jobs.append((BLANK, dst, fill + edit, fmt))
            out[(name, fmt)] = dst
    fill_many_in_libreoffice(jobs)
    return out


def theme_one(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item: {k: v for k, v in result["items"][item].items() if k not in ("provenance", "cells")}
            for item in ITEMS}


def expected() -> dict[str, dict[str, Any]]:
    _, ratings, texts = answers()
    return {item: {"rating": ratings[item], **{k: texts[(item, k)] for k in FIELDS}} for item in ITEMS}


def expected_after(edit: str) -> dict[str, dict[str, Any]]:
    """What the respondent's answers are once the edit is made (an edit may add to an answer)."""
    want = expected()
    if edit == "continued":
        want["1.1"]["comments"] += "\nand the panel met twice more."
    elif edit == "symbol":
        want["1.2"]["comments"] += "\n\u2265"  # LibreOffice appends the sign in a paragraph of its own
    return want


def unflagged_differences(result: dict[str, Any], want: dict[str, dict[str, Any]]) -> list[str]:
    """Values that differ from ``want`` with no problem naming their item and field: silently wrong."""
    flagged = {(p["item"], p["field"]) for p in result["problems"]}
    got = theme_one(result)
    return [f"{item} {key}: {got[item][key]!r} != {value!r}" for item, answer in want.items()
            for key, value in answer.items() if got[item][key] != value and (item, key) not in flagged]


def flagged(result: dict[str, Any], code: str) -> list[tuple[str, str]]:
    return sorted((p["item"], p["field"]) for p in result["problems"] if p["code"] == code)


def theme_one_codes(result: dict[str, Any]) -> set[str]:
    return {p["code"] for p in result["problems"] if p["item"] in ITEMS}


@pytest.mark.parametrize("fmt", ["docx", "doc"])
@pytest.mark.parametrize("name", list(EDITS))
def test_no_value_is_silently_wrong(returns: dict[tuple[str, str], Path], name: str, fmt: str) -> None:
    result = parse_form(returns[(name, fmt)]).to_dict()
    assert unflagged_differences(result, expected_after(name)) == []


@pytest.mark.parametrize("fmt", ["docx", "doc"])
@pytest.mark.parametrize("name", ["plain", "rag-column", "stray-header"])
def test_edits_that_lose_nothing_read_back_exactly(returns: dict[tuple[str, str], Path], name: str,
                                                   fmt: str) -> None:
    result = parse_form(returns[(name, fmt)]).to_dict()
    assert theme_one(result) == expected()
    if name == "rag-column":  # the RAG status typed in the new column is no answer of the form: reported, not lost
        rag = EDITS["rag-column"][0]["texts"]
        assert [(u["item"], u["text"]) for u in result["unclaimed"]] == [(None, "RAG status")] + [
            (item, rag[str(row)]) for row, item in enumerate(ITEMS, start=2)]  # the header typed: reported too
        assert theme_one_codes(result) == {"text-unclaimed"}
    else:
        assert theme_one_codes(result) == set()


@pytest.mark.parametrize("fmt", ["docx", "doc"])
def test_deleted_comments_column_is_reported_not_shifted(returns: dict[tuple[str, str], Path], fmt: str) -> None:
    result = parse_form(returns[("comments-deleted", fmt)]).to_dict()
    want = expected()
    for answer in want.values():
        answer["comments"] = ""
    assert theme_one(result) == want  # evidence and goals where they were typed
    assert [f for f in flagged(result, "column-missing") if f[0] in ITEMS] == [(i, "comments") for i in ITEMS]


def test_merged_cells_with_their_controls_read_each_answer(returns: dict[tuple[str, str], Path]) -> None:
    result = parse_form(returns[("merged", "docx")]).to_dict()
    assert theme_one(result) == expected()
    assert theme_one_codes(result) == set()


def test_merged_cells_without_controls_are_flagged(returns: dict[tuple[str, str], Path]) -> None:
    result = parse_form(returns[("merged", "doc")]).to_dict()
    assert flagged(result, "cells-merged") == [("1.1", "comments"), ("1.1", "evidence")]
    got = theme_one(result)["1.1"]
    assert got["evidence"] == ""
    assert [line for line in got["comments"].split("\n") if line] == [
        "comments typed for 1.1: 50% done & more", "evidence typed for 1.1: 50% done & more"]


@pytest.mark.parametrize("fmt", ["docx", "doc"])
def test_continuation_row_is_appended_and_reported(returns: dict[tuple[str, str], Path], fmt: str) -> None:
    result = parse_form(returns[("continued", fmt)]).to_dict()
    assert theme_one(result) == expected_after("continued")
    assert flagged(result, "row-continued") == [("1.1", "comments")]


@pytest.mark.parametrize("fmt", ["docx", "doc"])
def test_symbol_font_sign_typed_in_libreoffice(returns: dict[tuple[str, str], Path], fmt: str) -> None:
    result = parse_form(returns[("symbol", fmt)]).to_dict()
    assert theme_one(result) == expected_after("symbol")
    assert theme_one_codes(result) == set()
