"""Every plan rule: a row that triggers it, and one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from docxform.framework import load_framework
from docxform.plan import PlanRow, check_plan, generate_plan, parse_plan
from docxform.plan.rules import standard_ids


@pytest.fixture(scope="module")
def sa2003():
    return load_framework("sa2003")


def ok_row(**changes) -> PlanRow:
    values = {"standard": "1.1", "goal": "Lead well", "action": "Appoint a chair", "lead_officer": "Chief Exec",
              "measure": "Chair in post", "milestone_date": "2004-03-31", "sheet_row": 8}
    return PlanRow(**{**values, **changes})


def codes(rows: list[PlanRow], framework) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.field) for p in check_plan(rows, framework)]


def test_a_good_plan_has_no_problems(sa2003):
    assert codes([ok_row(), ok_row(standard="1.2, 1.3", sheet_row=9)], sa2003) == []


def test_unknown_standard(sa2003):
    assert codes([ok_row(standard="6.1")], sa2003) == [("plan-unknown-standard", 8, "standard")]
    assert codes([ok_row(standard="1.1 and 7.7")], sa2003) == [("plan-unknown-standard", 8, "standard")]
    assert "7.7 is not a standard" in check_plan([ok_row(standard="1.1 and 7.7")], sa2003)[0].message
    assert codes([ok_row(standard="5.5")], sa2003) == []
    assert codes([ok_row(standard="")], sa2003) == []  # no standard is allowed (a general goal)
    assert standard_ids("1.1, 1.3; 2.2 & 3.1 and 4.2.") == ["1.1", "1.3", "2.2", "3.1", "4.2"]


def test_action_without_lead_officer(sa2003):
    assert codes([ok_row(lead_officer="")], sa2003) == [("plan-no-lead", 8, "lead_officer")]
    assert codes([ok_row(lead_officer="  ")], sa2003) == [("plan-no-lead", 8, "lead_officer")]
    assert codes([ok_row(action="", lead_officer="")], sa2003) == []  # no action, nobody to lead it


def test_action_without_target(sa2003):
    assert codes([ok_row(measure="")], sa2003) == [("plan-no-target", 8, "measure")]
    assert codes([ok_row(action="", measure="")], sa2003) == []


def test_milestone_not_a_date(sa2003):
    assert codes([ok_row(milestone_date="end of year")], sa2003) == [("plan-bad-date", 8, "milestone_date")]
    assert codes([ok_row(last_reviewed="2004-02-30")], sa2003) == [("plan-bad-date", 8, "last_reviewed")]
    for fine in ("2004-03-31", "2004-03", ""):
        assert codes([ok_row(milestone_date=fine, last_reviewed=fine)], sa2003) == []


def test_more_than_six_goals(sa2003):
    goals = [f"Goal {n}" for n in range(1, 8)]
    rows = [ok_row(goal=g, sheet_row=8 + i) for i, g in enumerate(goals)]
    found = check_plan(rows, sa2003)
    assert [(p.code, p.severity, p.row) for p in found] == [("plan-too-many-goals", "warning", 14)]
    assert "7 distinct goals" in found[0].message and "4-6" in found[0].message
    # six goals over many rows, repeated with other case and spacing: fine
    rows = [ok_row(goal=g, sheet_row=8 + i) for i, g in enumerate([*goals[:6], "goal  1", "GOAL 2."])]
    assert codes(rows, sa2003) == []


def _generated(tmp_path: Path, cells: dict[str, object]) -> Path:
    framework = load_framework("sa2003")
    path = tmp_path / "plan.xlsx"
    generate_plan(framework, path)
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb["Plan"][ref] = value
    wb.save(path)
    return path


ROW8 = {"A8": "1.1", "C8": "Appoint a chair", "E8": "Chief Exec", "H8": "Chair in post"}


def test_row_outside_the_generated_table(tmp_path):
    inside = parse_plan(_generated(tmp_path, {**ROW8, "A207": "1.2", "C207": "Last row", "E207": "X", "H207": "Y"}))
    assert [r.sheet_row for r in inside.rows] == [8, 207] and inside.problems == []
    below = parse_plan(_generated(tmp_path, {**ROW8, "A209": "1.2", "C209": "Below", "E209": "X", "H209": "Y"}))
    assert [r.sheet_row for r in below.rows] == [8, 209]
    assert [(p.code, p.path) for p in below.problems] == [("plan-row-outside-table", "Plan!209:209")]


def test_formula_cell(tmp_path):
    plain = parse_plan(_generated(tmp_path, ROW8))
    assert plain.problems == []
    formula = parse_plan(_generated(tmp_path, {**ROW8, "H8": "=A8"}))
    assert [(p.code, p.path) for p in formula.problems] == [("plan-formula", "Plan!H8"), ("plan-no-target", "Plan!H8")]


def test_rules_follow_roles_in_other_frameworks():
    hallmarks = load_framework("hallmarks2007")
    row = PlanRow(action="Review the protocol", extra={"item": "99", "owner": "", "target_date": "someday"},
                  sheet_row=3)
    assert codes([row], hallmarks) == [("plan-unknown-standard", 3, "item"), ("plan-no-lead", 3, "owner"),
                                      ("plan-bad-date", 3, "target_date")]
    good = PlanRow(action="Review", extra={"item": "1", "owner": "Chair", "target_date": "2008-04-01"})
    assert codes([good], hallmarks) == []
