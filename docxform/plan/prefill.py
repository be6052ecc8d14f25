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

from docxform.errors import DocxformError
from docxform.framework.model import Framework, RatingScale
from docxform.plan.model import GOAL_KEYS, PlanRow, item_ref_key, plan_columns, role_key


def prefill_rows(framework: Framework, source: dict[str, Any]) -> list[PlanRow]:
    """Rows for a new plan from a parsed return or a merged dataset (see module doc).

    A merged dataset (it has ``respondents``) is rated by each standard's median
    level, falling back to the mode; its goals are every respondent's goals,
    de-duplicated, one per line.
    """
    scale = _scale(framework)
    items = _items(framework, source)
    merged = "respondents" in source
    needing = _levels_needing_goals(framework, scale)
    ranked: list[tuple[int, int, str, str]] = []
    for position, item_id in enumerate(framework.item_ids):
        entry = items.get(item_id)
        if not isinstance(entry, dict):
            continue
        level = _merged_level(entry, scale) if merged else _answer(entry, "rating")
        if level not in needing:
            continue
        goals = _merged_goals(entry, framework, source) if merged else _text(_answer(entry, _goal_field(framework)))
        ranked.append((scale.index(level), position, item_id, goals))
    ranked.sort()
    return [_row(framework, item_id, goals, number) for number, (_, _, item_id, goals) in enumerate(ranked, 1)]


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
    declared_id = declared.get("id") if isinstance(declared, dict) else declared
    if isinstance(declared_id, str) and declared_id and declared_id != framework.id:
        raise DocxformError(None, f"the assessment is for framework {declared_id}, not {framework.id}")
    items: dict[str, Any] = source["items"]
    return items


def _levels_needing_goals(framework: Framework, scale: RatingScale) -> set[str]:
    """The levels that call for an improvement goal: the rules' list, else the lower half."""
    wanted = [k for k in framework.rules.goal_required_for if k in scale.keys]
    return set(wanted) if wanted else set(scale.keys[: max(1, len(scale.keys) // 2)])


def _merged_level(entry: dict[str, Any], scale: RatingScale) -> str | None:
    """The median level when it is one, else the mode (a tie may leave the median unset)."""
    for level in (entry.get("median"), entry.get("mode")):
        if isinstance(level, str) and level in scale.keys:
            return level
    return None


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


def _merged_goals(entry: dict[str, Any], framework: Framework, source: dict[str, Any]) -> str:
    responses = entry.get("responses")
    if not isinstance(responses, dict):
        return ""
    field = _goal_field(framework)
    ordered = _respondent_order(source.get("respondents"), responses)
    texts = (_text(_answer(responses[name], field)) for name in ordered if isinstance(responses[name], dict))
    return "\n".join(_unique_lines(texts))


def _respondent_order(respondents: Any, responses: dict[str, Any]) -> list[str]:
    """The dataset's respondent order, then any responder it does not list."""
    names: list[str] = []
    for entry in respondents if isinstance(respondents, list) else []:
        name = entry if isinstance(entry, str) else (entry.get("name") or entry.get("id")) \
            if isinstance(entry, dict) else None
        if isinstance(name, str) and name in responses and name not in names:
            names.append(name)
    return names + [n for n in responses if n not in names]


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
