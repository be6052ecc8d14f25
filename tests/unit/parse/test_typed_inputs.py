"""Parsed returns travel as typed records; JSON is read (and shape-checked) only where a file is read.

A hand-edited parse JSON must give the same findings as before the records:
a number where text belongs is held as its text for the merge, yet is still
no evidence to validation; locations that are not objects are no location.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docxform import api
from docxform.framework import load_framework
from docxform.parse.inputs import load_inputs
from docxform.records.response import ItemAnswer, Response
from docxform.validate.rules import load_return, validate_files

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "returns"
JANE = SAMPLES / "sa2003-jane-smith.docx"
SA = load_framework("sa2003")


def _parsed() -> dict[str, Any]:
    [outcome] = list(api.parse([JANE]))
    assert outcome.result is not None
    return outcome.result


def _write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_a_parse_gives_the_record_and_its_json_is_the_record_written() -> None:
    [outcome] = list(api.parse([JANE]))
    assert isinstance(outcome.record, Response) and outcome.record.respondent == "Jane Smith"
    assert outcome.result == outcome.record.to_dict()
    assert Response.from_dict(outcome.result) == outcome.record  # nothing is lost on the way through JSON


def test_text_fields_that_are_not_text_are_no_evidence_but_keep_their_text_for_the_merge(tmp_path: Path) -> None:
    data = _parsed()
    for n, value in ((1, 5), (2, ["a list"]), (3, True)):  # sa2003: evidence for success, goals for a gap
        data["items"][f"1.{n}"].update(rating="some_success", evidence=value, goals=value)
        data["items"][f"2.{n}"].update(rating="gap_identified", goals=value)
    path = _write(tmp_path, "edited.json", data)
    record = load_return(path)
    assert record.items["1.1"].texts["evidence"] == "5" and record.items["1.1"].not_text == {"evidence", "goals"}
    found = {(p.code, p.item, p.field) for p in validate_files([path]).problems}
    for n in (1, 2, 3):
        assert ("evidence-missing", f"1.{n}", "evidence") in found
        assert ("goal-missing", f"2.{n}", "goals") in found
    merged = api.merge([path], tmp_path / "merged.json").dataset
    assert merged.items["1.1"].responses["Jane Smith"].text("evidence") == "5"


def test_locations_that_are_not_objects_are_no_location_and_stop_nothing(tmp_path: Path) -> None:
    data = _parsed()
    data["items"]["1.1"].update(rating="some_success", evidence="", cells={"evidence": 5, "rating": "x"})
    data["items"]["1.2"].update(cells="not an object", provenance="nor this", prompts={"p1": "nor this"})
    path = _write(tmp_path, "edited.json", data)
    assert ItemAnswer.from_dict(data["items"]["1.2"]).cells == {}
    [missing] = [p for p in validate_files([path]).problems if (p.code, p.item) == ("evidence-missing", "1.1")]
    assert (missing.table, missing.row, missing.cell) == (None, None, None)
    result = api.merge([path, JANE], tmp_path / "merged.json")
    assert result.errors == [] and result.respondents == 1  # the same person twice: the later is kept


def test_a_plan_workbook_is_refused_where_returns_are_read_never_merged_as_a_respondent(tmp_path: Path) -> None:
    plan = api.generate_plan("sa2003", tmp_path / "plan.xlsx")
    loaded = load_inputs([JANE, plan], kinds=("form",))
    assert [r.respondent for r in loaded.returns] == ["Jane Smith"]
    assert [(e.path, e.code) for e in loaded.errors] == [(str(plan), "file-refused")]
    assert "not a return" in loaded.errors[0].message
    merged = api.merge([JANE, plan], tmp_path / "merged.json")
    assert merged.respondents == 1 and [e.code for e in merged.errors] == ["file-refused"]
    collated = api.collate([JANE, plan], tmp_path / "out")
    assert collated.returns == 1 and [(e.path, e.code) for e in collated.errors] == [(str(plan), "file-refused")]
    assert (tmp_path / "out" / "parsed" / "plan.json").exists()  # its parse is still written
    validation = json.loads((tmp_path / "out" / "validation.json").read_text("utf-8"))
    assert [f.get("error_code") for f in validation["files"]] == [None, "file-refused"]


def test_a_merged_dataset_and_a_return_are_read_into_their_records(tmp_path: Path) -> None:
    merged_path = tmp_path / "merged.json"
    api.merge([JANE], merged_path)
    loaded = load_inputs([merged_path, _write(tmp_path, "r.json", _parsed())])
    assert [p for p, _ in loaded.merged] == [merged_path] and loaded.datasets[0].framework.id == "sa2003"
    assert [r.source_path for r in loaded.returns] == [str(JANE)]
