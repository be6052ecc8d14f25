"""The bundled sample returns read back to their known answers (three went through LibreOffice)."""

from __future__ import annotations

import json
from pathlib import Path

from docxform import api
from docxform.core.problems import CODES

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_samples_parse_to_their_known_answers() -> None:
    known = json.loads((SAMPLES / "answers.json").read_text("utf-8"))
    files = sorted((SAMPLES / "returns").glob("*.docx"))
    assert len(files) == len(known) == 8
    outcomes = list(api.parse(files))
    for outcome in outcomes:
        assert outcome.error is None
        data = outcome.result
        expected = known[Path(outcome.path).name]
        assert {k: v["rating"] for k, v in data["items"].items()} == expected["ratings"]
        for key, text in expected["texts"].items():
            item, field = key.split("/")
            assert data["items"][item][field] == text
        for item, answer in data["items"].items():
            for field in ("comments", "evidence", "goals"):
                assert answer[field] == expected["texts"].get(f"{item}/{field}", "")
        assert data["fields"]["partnership"] == "Salford Crime and Disorder Partnership"
        if expected.get("resaved_by"):
            assert any(p["code"] == "tags-lost" for p in data["problems"])
            assert data["items"]["1.1"]["provenance"]["rating"] == "alias"
        else:
            assert data["items"]["1.1"]["provenance"]["rating"] == "tag"


def test_cli_parse_matches_library(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from docxform.cli.main import cli

    path = sorted((SAMPLES / "returns").glob("*.docx"))[0]
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.output) == next(api.parse([path])).result


def test_parse_output_follows_the_published_schema() -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[2] / "docxform" / "schemas" /
                         "response.schema.json").read_text("utf-8"))
    for outcome in api.parse(sorted((SAMPLES / "returns").glob("*.docx"))[:3]):
        jsonschema.validate(outcome.result, schema)
        assert all(p["code"] in CODES for p in outcome.result["problems"])


def test_validation_problems_point_at_the_cell_that_holds_the_answer() -> None:
    from docxform.framework import load_framework
    from docxform.oxml.package import open_package
    from docxform.oxml.reader import read_document
    from docxform.records.response import Response
    from docxform.validate.rules import validate_return

    path = SAMPLES / "returns" / "sa2003-jane-smith.docx"
    data = next(api.parse([path])).record
    assert isinstance(data, Response)
    problems = [p for p in validate_return(data, load_framework("sa2003")) if p.code == "evidence-vague"]
    assert problems
    with open_package(path) as pkg:
        doc = read_document(pkg.xml("word/document.xml"), str(path))
    for p in problems:
        assert p.table and p.row and p.cell
        cell = doc.tables[p.table - 1].rows[p.row - 1].at(p.cell - 1)
        assert cell is not None and cell.text == data.items[p.item].texts["evidence"] == "minutes"
