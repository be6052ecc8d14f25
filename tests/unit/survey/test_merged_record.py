"""The merged dataset as a typed record: read back from its JSON unchanged, and refused when a value is wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from docxform import api
from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.records.merged import MergedDataset, MergedItem
from docxform.reports.html import render_html
from tests.support.cli import run_main

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden" / "samples"
SCHEMA = json.loads((ROOT / "docxform" / "schemas" / "merged.schema.json").read_text("utf-8"))


def _golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / "merged.json").read_text("utf-8"))
    return data


def _parsed_copies(tmp_path: Path, region: bool) -> list[str]:
    """The sample returns' parse JSON, each in a partnership of its own when ``region``."""
    paths = []
    for i, path in enumerate(sorted((GOLDEN / "parsed").glob("*.json"))):
        data = json.loads(path.read_text("utf-8"))
        if region:
            data["fields"]["partnership"] = f"Partnership {i}"
        target = tmp_path / path.name
        target.write_text(json.dumps(data), "utf-8")
        paths.append(str(target))
    return paths


def test_the_sample_dataset_reads_back_into_the_record_unchanged() -> None:
    data = _golden()
    record = MergedDataset.from_dict(data)
    assert record.to_dict() == data
    jsonschema.validate(record.to_dict(), SCHEMA)
    item = record.items["1.5"]
    assert item.disputed and item.agreed_level is None and item.consensus is not None
    assert item.consensus.value == 1.25 and item.counts == {"gap_identified": 3, "working_towards": 3,
                                                              "some_success": 2, "doing_well": 0}
    assert item.responses["Tom Healey"].texts["comments"] == "Progress is uneven across sub-groups.\nSee the audit."
    assert record.respondents[0].source.path == "samples/returns/sa2003-brian-wroe.docx"


@pytest.mark.parametrize("anonymise,region", [(True, False), (True, True), (False, True)])
def test_anonymised_and_regional_datasets_round_trip(tmp_path: Path, anonymise: bool, region: bool) -> None:
    api.merge(_parsed_copies(tmp_path, region), tmp_path / "merged.json", anonymise=anonymise)
    data = json.loads((tmp_path / "merged.json").read_text("utf-8"))
    record = MergedDataset.from_dict(data)
    assert record.to_dict() == data
    jsonschema.validate(record.to_dict(), SCHEMA)
    assert record.anonymised is anonymise and record.by_partnership is region
    assert len(record.respondents) == 8
    first = record.respondents[0]
    assert (first.name is None) is anonymise and (first.source.path is None) is anonymise
    if anonymise and region:
        assert "partnership" not in record.to_dict()["respondents"][0]


def test_answers_given_per_prompt_and_odd_field_keys_stay_apart() -> None:
    data = {"rating": "gap_identified", "cells": "a comment in a field keyed cells", "source": "a.docx",
            "prompts": {"9a": {"goals": "Yes", "score": "ignored when listed"}}}
    dataset = {"kind": "merged", "framework": {"id": "sa2003", "version": "2003-12"}, "respondents": [],
               "items": {"1.1": {"responses": {"x": data}}}}
    response = MergedDataset.from_dict(dataset).items["1.1"].responses["x"]
    assert response.texts == {"cells": "a comment in a field keyed cells"} and response.source == "a.docx"
    assert response.item_text("goals") == "9a: Yes"
    assert response.to_dict() == data


@pytest.mark.parametrize("path,value,where", [
    (("items", "1.1", "counts", "gap_identified"), "three", "items.1.1.counts.gap_identified"),
    (("items", "1.1", "rated"), -1, "items.1.1.rated"),
    (("items", "1.1", "mode"), 3, "items.1.1.mode"),
    (("items", "1.1", "responses"), [], "items.1.1.responses"),
    (("respondents",), {}, "respondents"),
])
def test_a_wrong_value_is_one_line_naming_file_and_place(path: tuple[str, ...], value: Any, where: str) -> None:
    data = copy.deepcopy(_golden())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(DocxformError) as caught:
        MergedDataset.from_dict(data, "round1/merged.json")
    assert str(caught.value).startswith("round1/merged.json") and where in str(caught.value)
    assert "\n" not in str(caught.value)


def test_datasets_from_before_consensus_rules_still_read() -> None:
    data = _golden()
    del data["consensus"]
    for entry in data["items"].values():
        del entry["consensus"]
    record = MergedDataset.from_dict(data)
    assert record.consensus is None and record.to_dict() == data
    assert record.items["1.1"].agreed_level == record.items["1.1"].mode == "working_towards"
    assert record.items["1.5"].agreed_level is None
    assert record.item("no-such-item") == MergedItem()


def test_a_merged_json_given_by_the_user_is_read_into_the_record_the_reports_take() -> None:
    page = render_html(MergedDataset.from_dict(_golden()), load_framework("sa2003"))
    assert "interquartile range 1.25 is more than 1 level" in page


def test_merge_writes_its_keys_in_the_order_merged_json_has_always_had(tmp_path: Path) -> None:
    """merged.json's text is unchanged by the typed record: key order too (the golden files sort keys)."""
    api.merge(_parsed_copies(tmp_path, region=False), tmp_path / "merged.json")
    data = json.loads((tmp_path / "merged.json").read_text("utf-8"))
    assert list(data) == ["kind", "docxform_version", "framework", "anonymised", "consensus", "respondent_label",
                          "respondents", "items", "duplicates", "problems"]
    assert list(data["items"]["1.1"]) == ["counts", "rated", "unrated", "mode", "median", "spread", "disputed",
                                          "dispute_reason", "consensus", "responses"]
    assert list(data["items"]["1.1"]["consensus"]) == ["rule", "measure", "value", "threshold", "agreed_level",
                                                       "within_one"]
    assert list(data["respondents"][0]) == ["id", "name", "form_id", "source", "partnership"]
    assert list(data["items"]["1.1"]["responses"]["Brian Wroe"]) == ["rating", "comments", "evidence", "goals",
                                                                     "source"]


def test_consolidate_refuses_a_wrong_value_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    data = _golden()
    data["respondents"][0]["partnership"] = 5
    source = tmp_path / "merged.json"
    source.write_text(json.dumps(data), "utf-8")
    done = run_main("consolidate", str(source), "-o", str(tmp_path / "agreed.docx"))
    assert done.returncode == 1 and not (tmp_path / "agreed.docx").exists()
    assert done.stderr == f"docxform: {source}: not a merged dataset: respondents[0].partnership must be text or null\n"


def test_organisation_and_role_are_typed_and_name_the_respondent_on_the_consolidated_form() -> None:
    from docxform.reports.consolidated import respondent_names

    data = _golden()
    data["respondents"][0] |= {"organisation": "Greater Manchester Police", "role": "Chair"}
    data["respondents"][1]["role"] = "Analyst"
    record = MergedDataset.from_dict(data)
    jsonschema.validate(data, SCHEMA)
    assert record.to_dict() == data
    assert (record.respondents[0].organisation, record.respondents[0].role) == ("Greater Manchester Police", "Chair")
    names = respondent_names(record)
    assert names["Brian Wroe"] == "Brian Wroe (Greater Manchester Police)"
    assert names["Chris Wells"] == "Chris Wells (Analyst)" and names["Don Richards"] == "Don Richards"


def test_the_datasets_problems_are_problem_records_and_an_unknown_code_is_refused() -> None:
    data = _golden()
    record = MergedDataset.from_dict(data)
    assert [(p.code, p.item, p.extra["rule"]) for p in record.problems] == [("rating-disputed", "1.5", "iqr")]
    data["problems"][0]["code"] = "from-a-later-version"
    with pytest.raises(DocxformError, match=r"problems\[0\]\.code must be a problem code docxform knows"):
        MergedDataset.from_dict(data, "m.json")
