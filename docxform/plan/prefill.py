"""Assessment -> the first draft of a plan: one row per standard that needs improving.

Chapter 4 of the 2003 guidance: improvement goals are set for each standard
where the partnership has identified a gap, then prioritised. So the draft
has a row for every standard rated at a level that needs a goal (gap
identified, working towards), the worst first, carrying the goals the
respondents wrote. Prioritising down to 4-6 stays a human decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from docxform.core.errors import DocxformError
from docxform.framework.model import Framework, RatingScale
from docxform.records.decisions import Decisions
from docxform.records.merged import MergedDataset, MergedItem
from docxform.records.plan import GOAL_KEYS, PlanRow, item_ref_key, plan_columns, role_key


def prefill_rows(framework: Framework, source: dict[str, Any] | MergedDataset,
                 decisions: Decisions | None = None) -> list[PlanRow]:
    """Rows for a new plan from a parsed return's JSON, a merged dataset's JSON, or a merged dataset.

    The JSON is a file the user gave (``generate-plan --from``), so either kind
    may come. A merged dataset (its JSON has ``respondents``) is rated by each
    standard's median level, falling back to the mode; its goals are every
    respondent's goals, de-duplicated, one per line. ``decisions`` (the
    meeting's agreed levels, a survey round's ``round agree``) replace the
    computed level of their standards.
    """
    scale = _scale(framework)
    needing = _levels_needing_goals(framework, scale)
    if isinstance(source, MergedDataset):
        _check_framework(framework, source.framework.id)
        found = _merged_needs(framework, source, scale)
    else:
        items = _items(framework, source)
        found = (_merged_needs(framework, MergedDataset.from_dict(source), scale) if "respondents" in source
                 else _return_needs(framework, items))
    agreed = decisions or {}
    found = [(item_id, agreed[item_id].level if item_id in agreed else level, goals)
             for item_id, level, goals in found]
    ranked = sorted((scale.index(level), position, item_id, goals)
                    for position, (item_id, level, goals) in enumerate(found) if level in needing)
    return [_row(framework, item_id, goals, number) for number, (_, _, item_id, goals) in enumerate(ranked, 1)]


def _return_needs(framework: Framework, items: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(item id, rating, goal) of each item a parsed return answers, in framework order."""
    out = []
    for item_id in framework.item_ids:
        entry = items.get(item_id)
        if isinstance(entry, dict):
            out.append((item_id, _answer(entry, "rating"), _text(_answer(entry, _goal_field(framework)))))
    return out


def _merged_needs(framework: Framework, merged: MergedDataset, scale: RatingScale) -> list[tuple[str, Any, str]]:
    """(item id, level, goals) of each item a merged dataset has, in framework order."""
    return [(item_id, _merged_level(merged.items[item_id], scale), _merged_goals(merged, item_id, framework))
            for item_id in framework.item_ids if item_id in merged.items]


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


def _levels_needing_goals(framework: Framework, scale: RatingScale) -> set[str]:
    """The levels that call for an improvement goal: the rules' list, else the lower half."""
    wanted = [k for k in framework.rules.goal_required_for if k in scale.keys]
    return set(wanted) if wanted else set(scale.keys[: max(1, len(scale.keys) // 2)])


def _merged_level(entry: MergedItem, scale: RatingScale) -> str | None:
    """The median level when it is one, else the mode (a tie may leave the median unset)."""
    return next((level for level in (entry.median, entry.mode) if level in scale.keys), None)


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
