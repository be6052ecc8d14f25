"""prefill_rows: a parsed return or a merged dataset -> the plan's rows, worst first."""

from __future__ import annotations

import pytest

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.plan import PlanRow, generate_plan, parse_plan, prefill_rows
from docxform.records.merged import FrameworkRef, MergedDataset


@pytest.fixture(scope="module")
def sa2003():
    return load_framework("sa2003")


def _return(ratings: dict[str, tuple[str | None, str]]) -> dict:
    return {"kind": "return", "framework": {"id": "sa2003", "version": "2003-12"},
            "items": {i: {"rating": r, "comments": "", "evidence": "", "goals": g} for i, (r, g) in ratings.items()}}


def test_from_parsed_return(sa2003):
    source = _return({
        "1.1": ("doing_well", ""),
        "1.2": ("working_towards", "Agree terms of reference"),
        "2.2": ("gap_identified", "  Information sharing protocol  "),
        "1.4": ("gap_identified", "Regular reviews"),
        "3.1": ("some_success", "not wanted"),
        "4.1": (None, "unrated"),
        "5.5": ("working_towards", ""),
        "9.9": ("gap_identified", "not a standard"),
    })
    rows = prefill_rows(sa2003, source)
    assert rows == [
        PlanRow(standard="1.4", goal="Regular reviews", priority=1),
        PlanRow(standard="2.2", goal="Information sharing protocol", priority=2),
        PlanRow(standard="1.2", goal="Agree terms of reference", priority=3),
        PlanRow(standard="5.5", goal="", priority=4),
    ]


def _merged() -> dict:
    def resp(rating, goals):
        return {"rating": rating, "comments": "", "evidence": "", "goals": goals}
    return {
        "kind": "dataset", "framework": {"id": "sa2003", "version": "2003-12"},
        "respondents": ["Police", "Council", "PCT"],
        "items": {
            "1.1": {"mode": "doing_well", "median": "doing_well", "responses": {
                "Police": resp("doing_well", "x"), "Council": resp("doing_well", ""), "PCT": resp("doing_well", "")}},
            "2.1": {"mode": "gap_identified", "median": "working_towards", "responses": {
                "PCT": resp("some_success", "Use national targets"),
                "Council": resp("gap_identified", "Consult hard to reach groups\nUse national targets"),
                "Police": resp("gap_identified", "consult hard to reach  groups.")}},
            "3.2": {"mode": None, "median": "gap_identified", "counts": {"gap_identified": 3}, "responses": {
                "Police": resp("gap_identified", "Performance reviews"), "Council": resp("working_towards", "")}},
            "4.2": {"mode": "working_towards", "median": None, "responses": {
                "Council": resp("working_towards", "Monitor spend")}},
            "5.1": {"mode": "gap_identified", "median": "some_success", "responses": {}},
            "1.3": {"mode": None, "median": None, "responses": {}},
        },
    }


def test_from_merged_dataset_in_the_one_ranking(sa2003):
    """docxform.plan.priorities: the lower of median and mode (5.1's mode is a gap), lowest level first, then
    the most low ratings (3.2's three), then framework order; the same order the summary and report show."""
    rows = prefill_rows(sa2003, _merged())
    assert [(r.standard, r.priority) for r in rows] == [("3.2", 1), ("2.1", 2), ("5.1", 3), ("4.2", 4)]
    from docxform.plan.priorities import rank
    assert [c.item_id for c in rank(MergedDataset.from_dict(_merged()), sa2003)] == [r.standard for r in rows]
    # goals in respondent order (Police, Council, PCT), each once ignoring case, spacing and a final stop
    assert rows[1].goal == "consult hard to reach  groups.\nUse national targets"
    assert rows[0].goal == "Performance reviews"
    assert rows[3].goal == "Monitor spend"


def test_a_meeting_decision_moves_a_standard(sa2003):
    """A level agreed at the meeting replaces the computed one in the ranking (here 3.2 is settled as doing well)."""
    from docxform.records.decisions import MeetingDecision
    decided = {"3.2": MeetingDecision("3.2", "doing_well"), "1.1": MeetingDecision("1.1", "gap_identified")}
    rows = prefill_rows(sa2003, MergedDataset.from_dict(_merged()), decided)
    assert [r.standard for r in rows] == ["1.1", "2.1", "5.1", "4.2"]


def test_from_the_merged_record_as_from_its_json(sa2003):
    """The round's report passes the record itself; a file given by the user is its JSON."""
    record = MergedDataset.from_dict(_merged())
    assert prefill_rows(sa2003, record) == prefill_rows(sa2003, _merged())
    record.framework = FrameworkRef(id="hallmarks2007", version="2007")
    with pytest.raises(DocxformError, match="for framework hallmarks2007, not sa2003"):
        prefill_rows(sa2003, record)


def test_prefilled_plan_round_trip(tmp_path, sa2003):
    rows = prefill_rows(sa2003, _merged())
    path = tmp_path / "prefilled.xlsx"
    generate_plan(sa2003, path, prefill=rows, partnership="Anytown")
    result = parse_plan(path)
    assert result.rows == rows
    assert [r.sheet_row for r in result.rows] == [8, 9, 10, 11]
    assert result.header == {"partnership": "Anytown", "lead_officer": "", "period": ""}
    assert result.problems == []  # no actions yet, so nothing to check


@pytest.mark.parametrize("source, message", [
    ({"rows": []}, "no 'items'"),
    ({"framework": {"id": "hallmarks2007"}, "items": {}}, "for framework hallmarks2007, not sa2003"),
])
def test_bad_sources(sa2003, source, message):
    with pytest.raises(DocxformError, match=message):
        prefill_rows(sa2003, source)


def test_framework_without_rating_scale():
    with pytest.raises(DocxformError, match="no rating scale"):
        prefill_rows(load_framework("hallmarks2007"), {"items": {}})


def test_answers_nested_under_fields_and_a_median_that_is_no_level(sa2003):
    parsed = {"items": {"1.2": {"rating": "gap_identified", "fields": {"goals": "Mission statement"}}}}
    assert prefill_rows(sa2003, parsed) == [PlanRow(standard="1.2", goal="Mission statement", priority=1)]
    merged = {"respondents": [{"name": "Police"}], "items": {
        "1.3": {"median": "between working_towards and some_success", "mode": "working_towards",
                "responses": {"Police": {"rating": "working_towards", "values": {"goals": "Accountability"}}}}}}
    assert prefill_rows(sa2003, merged) == [PlanRow(standard="1.3", goal="Accountability", priority=1)]
