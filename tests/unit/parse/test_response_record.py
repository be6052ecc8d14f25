"""The parsed return as a typed record both ways, and the keys its answers reserve."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from docxform import api
from docxform.cli.main import cli
from docxform.framework import check_definition
from docxform.framework.model import RESERVED_ANSWER_KEYS
from docxform.records.response import ItemAnswer, Response
from tests.support.definitions import GOOD

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "returns"
SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "docxform" / "schemas" / "response.schema.json")
                    .read_text("utf-8"))


def test_every_sample_return_reads_back_into_the_record_unchanged() -> None:
    outcomes = list(api.parse([SAMPLES]))
    assert len(outcomes) == 8
    for outcome in outcomes:
        assert outcome.result is not None
        jsonschema.validate(outcome.result, SCHEMA)
        record = Response.from_dict(outcome.result)
        assert record.to_dict() == outcome.result
        answer = next(iter(record.items.values()))
        assert set(answer.texts) == {"comments", "evidence", "goals"} and answer.rating is not None
        assert not set(answer.texts) & set(RESERVED_ANSWER_KEYS)


def test_problems_and_unrated_frameworks_survive_the_round_trip() -> None:
    data = next(iter(api.parse([SAMPLES / "sa2003-jane-smith.docx"]))).result
    assert data is not None
    data["problems"] = [{"code": "rating-unclear", "severity": "error", "item": "1.1", "field": "rating",
                         "location": {"file": "x.docx", "table": 2, "row": 2}, "message": "a mark", "hint": "tick"}]
    for answer in data["items"].values():
        del answer["rating"]
    jsonschema.validate(data, SCHEMA)
    record = Response.from_dict(data)
    assert record.has_rating is False and record.problems[0].row == 2
    assert record.to_dict() == data


def test_item_answer_keeps_texts_apart_from_its_own_keys() -> None:
    answer = ItemAnswer.from_dict({"rating": "high", "notes": "see minutes", "provenance": {"notes": "tag"},
                                   "cells": {"notes": {"table": 1, "row": 2, "cell": 3}}})
    assert answer.texts == {"notes": "see minutes"} and answer.rating == "high"
    assert answer.cells["notes"] == {"table": 1, "row": 2, "cell": 3}


@pytest.mark.parametrize("key", RESERVED_ANSWER_KEYS)
def test_a_text_field_with_a_reserved_key_is_refused(tmp_path: Path, key: str) -> None:
    path = tmp_path / "def.yaml"
    path.write_text(GOOD.replace("{key: notes, type: text", f"{{key: {key}, type: text"), "utf-8")
    fw, problems = check_definition(path)
    assert fw is None
    reserved = [p for p in problems if p.code == "field-key-reserved"]
    assert len(reserved) == 1 and reserved[0].path == "fields[1].key" and reserved[0].line == 11
    assert repr(key) in reserved[0].message and reserved[0].hint and f"{key}_text" in reserved[0].hint


def test_check_framework_names_the_reserved_field(tmp_path: Path) -> None:
    path = tmp_path / "def.yaml"
    path.write_text(GOOD.replace("{key: notes, type: text", "{key: cells, type: text"), "utf-8")
    result = CliRunner().invoke(cli, ["check-framework", str(path)])
    assert result.exit_code == 1 and "[field-key-reserved]" in result.output and "'cells'" in result.output


def test_the_rating_field_may_be_keyed_rating(tmp_path: Path) -> None:
    path = tmp_path / "def.yaml"
    path.write_text(GOOD, "utf-8")
    assert check_definition(path)[1] == []


def test_prompts_organisation_and_role_survive_the_round_trip() -> None:
    """What the merge reads from the record: per-prompt answers (text-anchor forms) and a respondent's agency."""
    seed = Path(__file__).resolve().parents[3] / "samples" / "seed003" / "hallmarks-action-plan.docx"
    [outcome] = list(api.parse([seed]))
    data = outcome.result
    assert data is not None
    data |= {"organisation": "Greater Manchester Police", "role": "Analyst"}
    record = Response.from_dict(data)
    assert record.to_dict() == data
    assert (record.organisation, record.role) == ("Greater Manchester Police", "Analyst")
    with_prompts = [a for a in record.items.values() if a.prompts]
    assert with_prompts and all(isinstance(p, dict) for a in with_prompts for p in a.prompts.values())


def test_a_number_where_text_belongs_is_read_as_its_text_and_null_as_no_answer() -> None:
    answer = ItemAnswer.from_dict({"rating": None, "comments": 5, "evidence": None, "goals": "  x  "})
    assert answer.texts == {"comments": "5", "goals": "  x  "}
