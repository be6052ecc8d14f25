"""merge_plans: several partners' plans -> one list of who owns which action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.plan import generate_plan, merge_plans, merged_table, parse_plan


def _plan(tmp_path: Path, name: str, partnership: str, rows: list[dict[str, object]], framework="sa2003") -> Path:
    path = tmp_path / name
    generate_plan(load_framework(framework), path, partnership=partnership)
    wb = load_workbook(path)
    ws = wb["Plan"]
    for offset, values in enumerate(rows):
        for col, value in values.items():
            ws[f"{col}{8 + offset}"] = value
    wb.save(path)
    return path


def test_merge_attributes_each_action_to_its_partner(tmp_path):
    north = _plan(tmp_path, "north.xlsx", "North District CDRP", [
        {"A": "2.2", "C": "Sign ISP", "E": "N. Analyst", "H": "Signed", "L": 1},
        {"A": "1.1", "C": "Appoint chair", "E": "N. Chief Exec", "H": "In post", "L": 2},
    ])
    south = _plan(tmp_path, "south-dat.xlsx", "", [
        {"A": "2.2", "C": "Share drug data", "E": "S. DAT coordinator", "H": "Monthly data", "L": 2},
        {"A": "9.9", "C": "Mystery", "E": "S. Someone", "H": "?", "L": 1},
        {"A": "1.1, 5.1", "C": "Consult on leadership", "E": "S. Chair", "H": "Report", "L": 3},
    ])
    merged = merge_plans([parse_plan(north), parse_plan(south)]).to_dict()
    assert json.loads(json.dumps(merged)) == merged
    assert merged["kind"] == "plan-merge" and merged["framework"] == {"id": "sa2003", "version": "2003-12"}
    assert [(p["partner"], p["rows"], p["errors"]) for p in merged["partners"]] == [
        ("North District CDRP", 2, 0), ("south-dat", 3, 1)]
    got = [(r["partner"], r["standard"], r["action"], r["lead_officer"], r["source"], r["row"]) for r in merged["rows"]]
    assert got == [
        ("North District CDRP", "1.1", "Appoint chair", "N. Chief Exec", str(north), 9),
        ("south-dat", "1.1, 5.1", "Consult on leadership", "S. Chair", str(south), 10),
        ("North District CDRP", "2.2", "Sign ISP", "N. Analyst", str(north), 8),
        ("south-dat", "2.2", "Share drug data", "S. DAT coordinator", str(south), 8),
        ("south-dat", "9.9", "Mystery", "S. Someone", str(south), 9),
    ]
    assert list(merged["by_standard"]) == ["1.1", "2.2", "5.1", "9.9"]
    assert [(o["partner"], o["lead_officer"]) for o in merged["by_standard"]["2.2"]] == [
        ("North District CDRP", "N. Analyst"), ("south-dat", "S. DAT coordinator")]
    assert [(p["code"], p["location"]["file"]) for p in merged["problems"]] == [
        ("plan-unknown-standard", str(south))]


def test_same_plan_twice_counts_once(tmp_path):
    path = _plan(tmp_path, "north.xlsx", "North", [{"A": "1.1", "C": "Act", "E": "Lead", "H": "Target"}])
    merged = merge_plans([parse_plan(path), parse_plan(path)])
    assert len(merged.rows) == 1 and len(merged.partners) == 1
    assert [p.code for p in merged.problems] == ["duplicate-return"]


def test_plans_of_different_frameworks_do_not_merge(tmp_path):
    sa = _plan(tmp_path, "sa.xlsx", "A", [])
    hallmarks = _plan(tmp_path, "hm.xlsx", "B", [], framework="hallmarks2007")
    with pytest.raises(DocxformError, match="cannot be merged"):
        merge_plans([parse_plan(sa), parse_plan(hallmarks)])


def test_nothing_to_merge():
    assert merge_plans([]).rows == []
    assert merge_plans([]).to_dict()["framework"] is None


def test_merged_table_for_a_summary_sheet(tmp_path):
    path = _plan(tmp_path, "north.xlsx", "North", [{"A": "1.1", "C": "Act", "E": "Lead", "H": "Target", "L": 1}])
    header, rows = merged_table(merge_plans([parse_plan(path)]))
    assert header[:4] == ["Partner", "Related Standard No.", "Improvement Objective/Goal", "Action needed"]
    assert header[-3:] == ["Priority", "Source file", "Row"]
    assert rows == [["North", "1.1", "", "Act", "", "Lead", "", "", "Target", "", "", "", 1, str(path), 8]]
