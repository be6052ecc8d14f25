"""One owner per problem code: a check runs in one stage and later stages trust it.

Parsing and validation own what is wrong with one return (framework-mismatch,
rating-unclear, ...); the merge owns what only the survey shows
(duplicate-return, rating-disputed). No report lists one finding twice.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from docxform import api

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "returns"


def _returns_with_faults(folder: Path) -> list[Path]:
    """The samples as parse JSON, one with a rating off the scale and one of another framework version."""
    paths = []
    for n, outcome in enumerate(api.parse([SAMPLES])):
        assert outcome.result is not None
        data = outcome.result
        if n == 0:
            data["items"]["1.1"]["rating"] = "excellent"
        if n == 1:
            data["framework"]["version"] = "1999"
        path = folder / f"return-{n}.json"
        path.write_text(json.dumps(data), "utf-8")
        paths.append(path)
    return paths


def _key(entry: dict) -> tuple:
    return (entry.get("code"), entry.get("item"), entry.get("field"), (entry.get("location") or {}).get("file"))


def _twice(keys: list[tuple]) -> list[tuple]:
    return [k for k, n in Counter(keys).items() if n > 1]


def test_no_finding_is_reported_twice_in_any_collate_report(tmp_path: Path) -> None:
    """Over the samples: validation.json, merged.json and the summary's Problems sheet, each finding once."""
    out = tmp_path / "out"
    result = api.collate([SAMPLES], out)
    assert result.returns == 8 and result.error_count + result.warning_count > 0
    validation = json.loads((out / "validation.json").read_text("utf-8"))
    merged = json.loads((out / "merged.json").read_text("utf-8"))
    found = [p for f in validation["files"] for p in f["problems"]]
    assert _twice([_key(p) for p in found] + [_key(p) for p in merged.get("problems", [])]) == []
    rows = list(load_workbook(out / "summary.xlsx", read_only=True)["Problems"].iter_rows(values_only=True))[1:]
    sheet = [(r[4], r[2] or None, r[3] or None, r[0] or None) for r in rows]
    assert len(sheet) == len(found) + len(merged.get("problems", []))
    assert _twice(sheet) == []


def test_summarise_lists_each_finding_once(tmp_path: Path) -> None:
    inputs = _returns_with_faults(tmp_path)
    api.summarise([str(p) for p in inputs], tmp_path / "s.xlsx", framework="sa2003")
    rows = list(load_workbook(tmp_path / "s.xlsx", read_only=True)["Problems"].iter_rows(values_only=True))[1:]
    sheet = [(r[4], r[2] or None, r[3] or None, r[0] or None) for r in rows]
    sources = [json.loads(p.read_text("utf-8"))["source"]["path"] for p in inputs]
    assert ("framework-mismatch", None, None, sources[1]) in sheet
    assert ("rating-unclear", "1.1", "rating", sources[0]) in sheet
    assert sum(code == "framework-mismatch" for code, *_ in sheet) == 1
    assert sum(code == "rating-unclear" for code, *_ in sheet) == 1
    assert _twice(sheet) == []
