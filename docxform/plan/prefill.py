"""Assessment -> the first draft of a plan: one row per standard that needs improving.

Chapter 4 of the 2003 guidance: improvement goals are set for each standard
where the partnership has identified a gap, then prioritised. So the draft
has a row for every standard at a level that needs a goal (gap identified,
working towards), in the one order of :mod:`docxform.plan.priorities`,
carrying the goals the respondents wrote. Prioritising down to 4-6 stays a
human decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from docxform.core.errors import DocxformError
from docxform.framework.model import Framework, RatingScale
from docxform.plan.priorities import PlanCandidate, low_levels, order, rank
from docxform.records.decisions import Decisions
from docxform.records.merged import MergedDataset
from docxform.records.plan import GOAL_KEYS, PlanRow, item_ref_key, plan_columns, role_key


def prefill_rows(framework: Framework, source: dict[str, Any] | MergedDataset,
                 decisions: Decisions | None = None) -> list[PlanRow]:
    """Rows for a new plan from a parsed return's JSON, a merged dataset's JSON, or a merged dataset.

    The JSON is a file the user gave (``generate-plan --from``), so either kind
    may come. The rows and their Priority numbers are the ranking of
    :mod:`docxform.plan.priorities` (the same as the summary's and the HTML
    report's; a meeting's ``decisions`` count there too). A merged dataset's
    goals are every respondent's goals, de-duplicated, one per line; a
    single return's level is its rating.
    """
    _scale(framework)
    if isinstance(source, MergedDataset):
        _check_framework(framework, source.framework.id)
        return _merged_rows(framework, source, decisions)
    items = _items(framework, source)
    if "respondents" in source:
        return _merged_rows(framework, MergedDataset.from_dict(source), decisions)
    return _return_rows(framework, items)


def _merged_rows(framework: Framework, merged: MergedDataset, decisions: Decisions | None) -> list[PlanRow]:
    return [_row(framework, c.item_id, _merged_goals(merged, c.item_id, framework), c.rank)
            for c in rank(merged, framework, decisions)]


def _return_rows(framework: Framework, items: dict[str, Any]) -> list[PlanRow]:
    """A single return ranked by the same rule: its rating is its level, each low rating counts once."""
    low = low_levels(framework)
    goals = {}
    found = []
    for item_id, rating, goal in _return_needs(framework, items):
        if rating in low:
            goals[item_id] = goal
            found.append(PlanCandidate(rank=0, item_id=item_id, text="", level=rating, median=rating, mode=rating,
                                       low_count=1, counts={rating: 1}))
    return [_row(framework, c.item_id, goals[c.item_id], c.rank) for c in order(found, framework)]


def _return_needs(framework: Framework, items: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(item id, rating, goal) of each item a parsed return answers, in framework order."""
    out = []
    for item_id in framework.item_ids:
        entry = items.get(item_id)
        if isinstance(entry, dict):
            out.append((item_id, _answer(entry, "rating"), _text(_answer(entry, _goal_field(framework)))))
    return out


def _scale(framework: Framework) -> RatingScale:
    if framework.rating_scale is None:
        raise DocxformError(None, f"framework {framework.id} has no rating scale, so a plan cannot be prefilled "
                                  "from ratings", hint="generate the plan without --from")
    return framework.rating_scale


def _items(framework: Framework, source: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(source, dict) or not isinstance(source.get("items"), dict):
        raise DocxformError(None, "not a parsed return or merged dataset: it has no 'items'",
                            hint="give the JSON written by 'docxform parse' or 'docxform merge'")
    declared = source.get("framework")
    _check_framework(framework, declared.get("id") if isinstance(declared, dict) else declared)
    items: dict[str, Any] = source["items"]
    return items


def _check_framework(framework: Framework, declared_id: Any) -> None:
    """An assessment of another framework cannot prefill this one's plan."""
    if isinstance(declared_id, str) and declared_id and declared_id != framework.id:
        raise DocxformError(None, f"the assessment is for framework {declared_id}, not {framework.id}")


def _answer(entry: dict[str, Any], key: str) -> Any:
    """An item's answer for a field: at the top of the entry, or under its "fields"/"values"."""
    if key in entry:
        return entry[key]
    for nest in ("fields", "values"):
        inner = entry.get(nest)
        if isinstance(inner, dict) and key in inner:
            return inner[key]
    return None


def _goal_field(framework: Framework) -> str:
    return framework.rules.goal_field or "goals"


def _merged_goals(merged: MergedDataset, item_id: str, framework: Framework) -> str:
    """Every respondent's goals for the item, in the dataset's respondent order, each line once."""
    responses = merged.items[item_id].responses
    field = _goal_field(framework)
    ordered = [r.id for r in merged.respondents if r.id in responses]
    ordered += [rid for rid in responses if rid not in ordered]
    return "\n".join(_unique_lines(responses[rid].text(field).strip() for rid in ordered))


def _unique_lines(texts: Iterable[str]) -> list[str]:
    """Each goal once (compared ignoring case and spacing), in first-seen order."""
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            key = re.sub(r"\s+", " ", line).casefold().rstrip(".")
            if line and key not in seen:
                seen.add(key)
                out.append(line)
    return out


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _row(framework: Framework, item_id: str, goals: str, priority: int) -> PlanRow:
    columns = plan_columns(framework)
    row = PlanRow(priority=priority)
    row.set(item_ref_key(columns) or "standard", item_id)
    row.set(role_key(columns, GOAL_KEYS) or "goal", goals)
    return row
