"""Validation rules: each one triggered, and not triggered, on sa2003 returns."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.records.response import Response
from docxform.reports.validation import write_validation_workbook
from docxform.validate.rules import is_vague_evidence, load_return, validate_files, validate_return

SA = load_framework("sa2003")
SOURCE = "returns/jane-smith.docx"


def make_return(**changes: Any) -> dict[str, Any]:
    """A complete, valid sa2003 return: every standard 'some success' with specific evidence."""
    data: dict[str, Any] = {
        "kind": "form", "framework": {"id": "sa2003", "version": "2003-12"}, "layout": "annexb",
        "mapping": "sa2003-annexb", "form_id": "9b1f0c1e-0000-4000-8000-000000000001", "respondent": "Jane Smith",
        "source": {"path": SOURCE, "sha256": "0" * 64},
        "fields": {"partnership": "Anytown CDRP", "assessment_month": "March", "assessment_year": "2004",
                   "completed_by": "Jane Smith", "completed_by_signature": "Jane Smith",
                   "chair_name": "Jo Bloggs", "chair_signature": "J. Bloggs",
                   "people": [{"name": "Jane Smith", "organisation": "Police"}], "process": {"preparation": "x"}},
        "items": {item_id: {"rating": "some_success", "comments": "", "evidence": "Crime Audit 2003, p.12",
                            "goals": "", "provenance": {}} for item_id in SA.item_ids},
        "problems": [],
    }
    data.update(changes)
    return data


def answer(data: dict[str, Any], item_id: str, **values: Any) -> dict[str, Any]:
    data["items"][item_id].update(values)
    return data


def check(data: dict[str, Any], framework: Any, **options: Any) -> list[Any]:
    """Validate a return written as parse JSON (what a hand-edited file holds), read into its record as a .json file is."""
    return validate_return(Response.from_dict(data), framework, **options)


def codes(problems: list[Any]) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.item, p.field) for p in problems]


def test_a_complete_return_has_no_problems() -> None:
    assert check(make_return(), SA) == []


# rating-missing -----------------------------------------------------------------------------------

def test_rating_missing_is_reported_with_file_item_and_field() -> None:
    problems = check(answer(make_return(), "2.3", rating=None, evidence=""), SA)
    assert codes(problems) == [("rating-missing", "2.3", "rating")]
    assert problems[0].file == SOURCE
    assert problems[0].severity == "error"
    assert problems[0].hint


def test_rating_missing_when_the_item_is_absent() -> None:
    data = make_return()
    del data["items"]["5.5"]
    assert codes(check(data, SA)) == [("rating-missing", "5.5", "rating")]


@pytest.mark.parametrize("parse_code", ["rating-missing", "rating-ambiguous", "rating-unclear", "item-not-found"])
def test_rating_missing_not_repeated_after_the_parser_said_so(parse_code: str) -> None:
    data = answer(make_return(), "1.2", rating=None, evidence="")
    data["problems"] = [{"code": parse_code, "severity": "error", "item": "1.2", "field": "rating",
                         "location": {"table": 2, "row": 3, "cell": 2}, "message": "from the parser"}]
    problems = check(data, SA)
    assert codes(problems) == [(parse_code, "1.2", "rating")]
    # The parse problem comes back as a Problem with its location, and the return's file filled in.
    assert (problems[0].file, problems[0].table, problems[0].row, problems[0].cell) == (SOURCE, 2, 3, 2)
    assert problems[0].message == "from the parser"


def test_rating_missing_not_reported_when_ratings_are_optional() -> None:
    relaxed = dataclasses.replace(SA, rules=dataclasses.replace(SA.rules, rating_required=False))
    assert check(answer(make_return(), "2.3", rating=None, evidence=""), relaxed) == []


def test_a_rating_that_is_not_a_level_is_unclear() -> None:
    problems = check(answer(make_return(), "1.1", rating="excellent"), SA)
    assert codes(problems) == [("rating-unclear", "1.1", "rating")]


# evidence-missing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rating", ["some_success", "doing_well"])
def test_evidence_missing_for_high_ratings(rating: str) -> None:
    problems = check(answer(make_return(), "3.1", rating=rating, evidence="  "), SA)
    assert codes(problems) == [("evidence-missing", "3.1", "evidence")]
    assert problems[0].file == SOURCE


def test_evidence_not_required_for_low_ratings() -> None:
    data = answer(make_return(), "3.1", rating="working_towards", evidence="", goals="Agree a protocol by June")
    assert check(data, SA) == []


# evidence-vague -----------------------------------------------------------------------------------

VAGUE = ["minutes", "Meeting minutes", "meeting minutes.", "Steering group minutes", "see minutes",
         "Various reports and minutes", "Best Value review", "District audit report", "internal reports",
         "Partnership minutes"]
SPECIFIC = ["Crime Audit 2003, p.12", "Partnership board minutes 12 March 2004, item 4",
            "Crime and Disorder Audit", "HMIC inspection report", "Best Value review of community safety, para 4.2",
            "Minutes of the Drug Action Team meeting, 3/2/04"]


@pytest.mark.parametrize("evidence", VAGUE)
def test_vague_evidence_is_flagged(evidence: str) -> None:
    problems = check(answer(make_return(), "4.2", evidence=evidence), SA)
    assert codes(problems) == [("evidence-vague", "4.2", "evidence")]
    assert problems[0].severity == "warning"


@pytest.mark.parametrize("evidence", SPECIFIC)
def test_specific_evidence_is_not_flagged(evidence: str) -> None:
    assert check(answer(make_return(), "4.2", evidence=evidence), SA) == []


def test_vague_check_needs_the_frameworks_vague_terms() -> None:
    no_terms = dataclasses.replace(SA, rules=dataclasses.replace(SA.rules, vague_evidence_terms=()))
    assert check(answer(make_return(), "4.2", evidence="minutes"), no_terms) == []
    assert is_vague_evidence("minutes", ["minutes"])
    assert not is_vague_evidence("minutes 4", ["minutes"])


def test_stocktake_checks_its_justification_field() -> None:
    stocktake = load_framework("stocktake2003")
    data = make_return(framework={"id": "stocktake2003", "version": stocktake.version}, layout=None,
                       fields={"partnership": "Anytown", "chair_date": "1 March 2004", "chair_signature": "JB"},
                       items={i: {"rating": "doing_well", "justification": "Crime Audit 2003, p.12"}
                              for i in stocktake.item_ids})
    assert check(data, stocktake) == []
    data["items"]["1.3"]["justification"] = "minutes"
    assert codes(check(data, stocktake)) == [("evidence-vague", "1.3", "justification")]


# goal-missing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("rating", ["gap_identified", "working_towards"])
def test_goal_missing_for_low_ratings(rating: str) -> None:
    problems = check(answer(make_return(), "5.1", rating=rating, evidence="", goals=""), SA)
    assert codes(problems) == [("goal-missing", "5.1", "goals")]


def test_goal_not_required_for_high_ratings() -> None:
    assert check(answer(make_return(), "5.1", rating="doing_well", goals=""), SA) == []


def test_goal_given_for_a_gap() -> None:
    data = answer(make_return(), "5.1", rating="gap_identified", evidence="", goals="Set up a sub-group")
    assert check(data, SA) == []


# field-missing ------------------------------------------------------------------------------------

def test_field_missing_for_a_blank_required_field() -> None:
    data = make_return()
    data["fields"]["partnership"] = " "
    del data["fields"]["assessment_year"]
    problems = check(data, SA, stage="partnership")
    assert codes(problems) == [("field-missing", None, "partnership"), ("field-missing", None, "assessment_year")]
    assert "Name of partnership" in problems[0].message
    assert problems[0].file == SOURCE


def test_optional_fields_may_be_blank() -> None:
    data = make_return()
    data["fields"]["completed_by_role"] = ""
    data["fields"]["police_rep"] = ""
    assert check(data, SA) == []


def test_required_flag_of_the_layout_counts_too() -> None:
    beacon = load_framework("beacon2003")  # rules list no required fields; its layout marks two
    data = make_return(framework={"id": "beacon2003", "version": beacon.version}, layout=None, fields={},
                       items={i: {"rating": "doing_well", "evidence": "x 1", "comments": "", "goals": ""}
                              for i in beacon.item_ids})
    assert {p.field for p in check(data, beacon, stage="partnership") if p.code == "field-missing"} == {
        "partnership", "assessment_date"}


# signature-missing --------------------------------------------------------------------------------

def test_signature_missing_names_the_signatory() -> None:
    data = make_return()
    data["fields"]["chair_signature"] = ""
    problems = check(data, SA, stage="partnership")
    assert codes(problems) == [("signature-missing", None, "chair_signature")]
    assert "Name of partnership Chair (Jo Bloggs)" in problems[0].message


def test_signature_missing_when_the_field_is_absent() -> None:
    data = make_return()
    del data["fields"]["completed_by_signature"]
    problems = check(data, SA, stage="partnership")
    assert codes(problems) == [("signature-missing", None, "completed_by_signature")]
    assert "Form completed by (Jane Smith)" in problems[0].message


def test_unrequired_signatures_may_be_blank() -> None:
    data = make_return()
    data["fields"]["police_rep_signature"] = ""
    assert check(data, SA) == []


# framework-mismatch -------------------------------------------------------------------------------

def test_other_version_is_a_mismatch_and_not_checked_further() -> None:
    data = answer(make_return(framework={"id": "sa2003", "version": "2003-08"}), "1.1", rating=None)
    problems = check(data, SA, expected=SA)
    assert codes(problems) == [("framework-mismatch", None, None)]
    assert problems[0].file == SOURCE
    assert "2003-08" in problems[0].message


def test_other_framework_than_expected_is_a_mismatch() -> None:
    stocktake = load_framework("stocktake2003")
    problems = check(make_return(), SA, expected=stocktake)
    assert codes(problems) == [("framework-mismatch", None, None)]


def test_matching_framework_is_no_mismatch() -> None:
    assert check(make_return(), SA, expected=load_framework("sa2003")) == []


def test_parse_mismatch_is_not_reported_twice() -> None:
    data = make_return(framework={"id": "stocktake2003", "version": "2003-08"})
    data["problems"] = [{"code": "framework-mismatch", "severity": "error", "item": None, "field": None,
                         "location": {}, "message": "parser says so"}]
    assert codes(check(data, SA)) == [("framework-mismatch", None, None)]


# ordering -----------------------------------------------------------------------------------------

def test_problems_are_ordered_form_first_then_by_standard() -> None:
    data = make_return()
    answer(data, "5.5", rating=None, evidence="")
    answer(data, "1.2", evidence="minutes")
    data["fields"]["chair_signature"] = ""
    assert codes(check(data, SA, stage="partnership")) == [
        ("signature-missing", None, "chair_signature"), ("evidence-vague", "1.2", "evidence"),
        ("rating-missing", "5.5", "rating")]


# load_return --------------------------------------------------------------------------------------

def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_load_return_reads_a_parse_json(tmp_path: Path) -> None:
    assert load_return(write(tmp_path, "r.json", make_return())).respondent == "Jane Smith"


@pytest.mark.parametrize("content, cause", [
    ("{not json", "not JSON"),
    ([1, 2], "not an object"),
    ({"kind": "merged"}, '"kind"'),
    ({"kind": "form", "framework": "sa2003"}, '"framework"'),
])
def test_load_return_rejects_what_is_not_a_return(tmp_path: Path, content: Any, cause: str) -> None:
    with pytest.raises(DocxformError) as info:
        load_return(write(tmp_path, "bad.json", content))
    assert cause in str(info.value)
    assert str(tmp_path / "bad.json") in str(info.value)
    assert "\n" not in str(info.value)


def test_load_return_rejects_unknown_codes_and_bad_items(tmp_path: Path) -> None:
    data = make_return(problems=[{"code": "no-such-code", "message": "x"}])
    with pytest.raises(DocxformError, match="unknown problem code"):
        load_return(write(tmp_path, "a.json", data))
    data = make_return()
    data["items"]["1.1"] = "some_success"
    with pytest.raises(DocxformError, match=r"item 1\.1"):
        load_return(write(tmp_path, "b.json", data))


def test_load_return_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocxformError, match=r"absent\.json: no such parsed return"):
        load_return(tmp_path / "absent.json")


# validate_files and the report --------------------------------------------------------------------

def test_validate_files_report(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", make_return())
    bad_data = make_return(respondent="Bob Brown", source={"path": "returns/bob.docx", "sha256": "1" * 64})
    answer(bad_data, "2.1", rating="gap_identified", evidence="", goals="")
    answer(bad_data, "1.3", evidence="meeting minutes")
    bad_data["fields"]["partnership"] = ""
    bad = write(tmp_path, "bad.json", bad_data)

    report = validate_files([good, bad], stage="partnership")
    assert report.has_errors
    assert (report.errors, report.warnings) == (2, 1)
    as_dict = report.to_dict()
    assert as_dict["summary"] == {"errors": 2, "warnings": 1}
    assert [f["path"] for f in as_dict["files"]] == [str(good), str(bad)]
    assert as_dict["files"][0]["problems"] == []
    assert [(p["code"], p["item"]) for p in as_dict["files"][1]["problems"]] == [
        ("field-missing", None), ("evidence-vague", "1.3"), ("goal-missing", "2.1")]
    assert as_dict["files"][1]["problems"][0]["location"] == {"file": "returns/bob.docx"}
    json.dumps(as_dict)

    text = report.to_text()
    lines = text.splitlines()
    assert lines[0] == f"{good} (Jane Smith): no problems"
    assert lines[1] == f"{bad} (Bob Brown): 2 errors, 1 warning"
    assert lines[2] == "  form"
    assert lines[3].startswith("    error [field-missing] partnership: ")
    assert lines[4] == "  standard 1.3"
    assert lines[6] == "  standard 2.1"
    assert lines[-1] == "2 files: 2 errors, 1 warning"

    target = tmp_path / "problems.xlsx"
    write_validation_workbook(report, target)
    wb = load_workbook(target)
    rows = list(wb["Problems"].iter_rows(values_only=True))
    assert rows[0][:7] == ("File", "Respondent", "Item", "Field", "Code", "Severity", "Message")
    assert [(r[0], r[1], r[2], r[4]) for r in rows[1:]] == [
        ("returns/bob.docx", "Bob Brown", None, "field-missing"),
        ("returns/bob.docx", "Bob Brown", "1.3", "evidence-vague"),
        ("returns/bob.docx", "Bob Brown", "2.1", "goal-missing")]
    files = list(wb["Files"].iter_rows(values_only=True))
    assert files[1:] == [(str(good), "Jane Smith", 0, 0, None), (str(bad), "Bob Brown", 2, 1, None)]


def test_validate_files_against_a_chosen_framework(tmp_path: Path) -> None:
    path = write(tmp_path, "r.json", make_return())
    assert not validate_files([path], "sa2003").has_errors
    report = validate_files([path], "stocktake2003")
    assert [p.code for p in report.problems] == ["framework-mismatch"]


def test_unreadable_files_are_reported_and_the_others_still_checked(tmp_path: Path) -> None:
    unknown = write(tmp_path, "a.json", make_return(framework={"id": "myframework", "version": "1"}))
    broken = write(tmp_path, "b.json", "{not json")
    good = write(tmp_path, "c.json", make_return())
    report = validate_files([unknown, broken, good])
    assert report.has_errors and (report.errors, report.warnings, report.unreadable) == (0, 0, 2)
    assert "not built in" in (report.files[0].error or "") and "not JSON" in (report.files[1].error or "")
    assert report.to_dict()["summary"] == {"errors": 0, "warnings": 0, "unreadable": 2}
    assert report.to_dict()["files"][1]["error"].startswith("not JSON")
    lines = report.to_text().splitlines()
    assert lines[0].startswith(f"{unknown}: cannot be read: names framework 'myframework', which is not built in")
    assert lines[2] == f"{good} (Jane Smith): no problems"
    assert lines[-1] == "3 files: no problems, 2 could not be read"
    target = tmp_path / "report.xlsx"
    write_validation_workbook(report, target)
    files = list(load_workbook(target)["Files"].iter_rows(values_only=True))
    assert files[2][0] == str(broken) and files[2][4].startswith("not JSON")


def test_an_unusable_framework_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(DocxformError):
        validate_files([write(tmp_path, "r.json", make_return())], "no-such-framework")


def test_forms_are_parsed_before_validating(tmp_path: Path) -> None:
    from docxform.api import generate_form

    blank = generate_form("sa2003", tmp_path / "blank.docx")[0].path
    report = validate_files([blank])
    assert report.files[0].error is None
    found = {(p.code, p.item) for p in report.problems}
    assert {("rating-missing", item_id) for item_id in SA.item_ids} <= found
    assert ("field-missing", None) in found and ("signature-missing", None) in found
    assert all(p.file == str(tmp_path / "blank.docx") for p in report.problems)


def test_validate_does_not_change_its_input() -> None:
    data = answer(make_return(), "1.1", rating=None)
    before = copy.deepcopy(data)
    check(data, SA)
    assert data == before
