"""validation.json read back into the ValidationReport record: the same JSON, the same counts and exit decision."""

from __future__ import annotations

import json
from pathlib import Path

from docxform.validate.rules import FileReport, ValidationReport

GOLDEN = Path(__file__).resolve().parents[3] / "tests" / "golden" / "samples" / "validation.json"


def test_the_sample_report_reads_back_unchanged() -> None:
    data = json.loads(GOLDEN.read_text("utf-8"))
    report = ValidationReport.from_dict(data)
    assert report.to_dict() == data
    assert (report.errors, report.warnings, report.unreadable) == (
        data["summary"]["errors"], data["summary"]["warnings"], 0) and report.has_errors
    assert report.errors == sum(p["severity"] == "error" for f in data["files"] for p in f["problems"]) > 0
    first = report.files[0]
    assert first.respondent == "Brian Wroe" and first.problems[0].code == "tags-lost"
    assert first.problems[1].field == "evidence" and first.problems[1].file == first.path


def test_an_unreadable_file_keeps_its_error_and_code() -> None:
    entry = {"path": "colon: dir/x.docx", "respondent": "", "problems": [], "error": "not a zip file",
             "error_code": "file-refused"}
    data = {"files": [entry], "summary": {"errors": 0, "warnings": 0, "unreadable": 1}}
    report = ValidationReport.from_dict(data)
    assert report.files == [FileReport("colon: dir/x.docx", "", [], "not a zip file", "file-refused")]
    assert report.to_dict() == data and report.has_errors
