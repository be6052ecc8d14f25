"""The plan rules: each a small function from rows to problems.

They check what Chapter 4 asks of an improvement plan: actions tied to real
standards, each with a lead officer and a performance measure or target,
dates that are dates, and a short list of priorities (4-6 goals). Columns are
found by role, so a framework whose plan calls its lead column ``owner`` is
checked the same way; a rule whose column the plan lacks does not apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from docxform.core.problems import Problem, problem
from docxform.framework.model import Framework
from docxform.plan.values import is_iso_date
from docxform.records.plan import (
    ACTION_KEYS,
    GOAL_KEYS,
    LEAD_KEYS,
    TARGET_KEYS,
    Column,
    PlanRow,
    item_ref_key,
    plan_columns,
    role_key,
)

#: Where a problem is: (row, column key) -> keyword arguments for :func:`problem`.
Locator = Callable[[PlanRow, str | None], dict[str, Any]]
_SEPARATORS = re.compile(r"\s*(?:[,;&/]|\band\b)\s*")


@dataclass(frozen=True)
class Context:
    framework: Framework
    columns: tuple[Column, ...]
    where: Locator

    def key(self, candidates: tuple[str, ...]) -> str | None:
        return role_key(self.columns, candidates)


def _no_location(row: PlanRow, key: str | None) -> dict[str, Any]:
    return {"row": row.sheet_row} if row.sheet_row is not None else {}


def check_plan(rows: list[PlanRow], framework: Framework, where: Locator | None = None) -> list[Problem]:
    """Every plan rule over the rows, in rule order."""
    context = Context(framework, plan_columns(framework), where or _no_location)
    return [found for rule in RULES for found in rule(rows, context)]


def standard_ids(text: str) -> list[str]:
    """The standard ids of a cell: one, or several typed as "1.1, 1.3" or "1.1 and 1.3"."""
    return [part.rstrip(".") for part in _SEPARATORS.split(text.strip()) if part.rstrip(".")]


def unknown_standard(rows: list[PlanRow], context: Context) -> Iterator[Problem]:
    key = item_ref_key(context.columns)
    if key is None:
        return
    known = set(context.framework.item_ids)
    for row in rows:
        text = str(row.get(key) or "")
        unknown = [sid for sid in standard_ids(text) if sid not in known]
        if unknown:
            yield problem("plan-unknown-standard",
                          f"{', '.join(unknown)} is not a {context.framework.item_name} of {context.framework.id}",
                          item=text, field=key, **context.where(row, key),
                          hint=f"use an id from the {context.framework.item_name} list")


def no_lead(rows: list[PlanRow], context: Context) -> Iterator[Problem]:
    yield from _action_needs(rows, context, LEAD_KEYS, "plan-no-lead", "the action has no lead officer")


def no_target(rows: list[PlanRow], context: Context) -> Iterator[Problem]:
    yield from _action_needs(rows, context, TARGET_KEYS, "plan-no-target",
                             "the action has no performance measure or target")


def _action_needs(rows: list[PlanRow], context: Context, roles: tuple[str, ...], code: str,
                  message: str) -> Iterator[Problem]:
    action, needed = context.key(ACTION_KEYS), context.key(roles)
    if action is None or needed is None:
        return
    item = item_ref_key(context.columns)
    for row in rows:
        if str(row.get(action) or "").strip() and not str(row.get(needed) or "").strip():
            yield problem(code, message, item=str(row.get(item)) if item and row.get(item) else None,
                          field=needed, **context.where(row, needed))


def bad_date(rows: list[PlanRow], context: Context) -> Iterator[Problem]:
    dates = [c.key for c in context.columns if c.kind == "date"]
    item = item_ref_key(context.columns)
    for row in rows:
        for key in dates:
            value = str(row.get(key) or "")
            if value and not is_iso_date(value):
                yield problem("plan-bad-date", f"{value!r} is not a date", field=key,
                              item=str(row.get(item)) if item and row.get(item) else None,
                              **context.where(row, key), hint="type a date such as 31/03/2004")


def too_many_goals(rows: list[PlanRow], context: Context) -> Iterator[Problem]:
    key = context.key(GOAL_KEYS)
    limit = context.framework.rules.priority_goals_max
    if key is None:
        return
    seen: dict[str, PlanRow] = {}
    for row in rows:
        goal = re.sub(r"\s+", " ", str(row.get(key) or "")).strip().casefold().rstrip(".")
        if goal and goal not in seen:
            seen[goal] = row
    if len(seen) > limit:
        first_extra = list(seen.values())[limit]
        low = context.framework.rules.priority_goals_min
        yield problem("plan-too-many-goals",
                      f"the plan has {len(seen)} distinct goals; the guidance is to prioritise {low}-{limit}",
                      field=key, **context.where(first_extra, key))


RULES: tuple[Callable[[list[PlanRow], Context], Iterator[Problem]], ...] = (
    unknown_standard, no_lead, no_target, bad_date, too_many_goals,
)
