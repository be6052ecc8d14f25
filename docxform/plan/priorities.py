"""The ONE answer to "what first": which standards need an improvement goal, in which order.

The summary workbook's Draft plan sheet, the HTML report's draft plan and the
draft plan workbook (``plan.xlsx``, through :func:`docxform.plan.prefill_rows`)
all take their order from :func:`rank`, so they can never disagree. The
agreed level shown beside a standard's distribution comes from
:func:`agreed_level`, for the same reason.

The rule (Chapter 4 of the 2003 guidance: goals are set where there is a gap,
and partnerships "should, as a general rule, prioritise 4-6 areas"):

1. A standard's level is the meeting's decision when the meeting made one;
   otherwise the lower of its median and its mode (the cautious reading of
   what the partnership broadly says; a single return's level is its rating).
2. A standard is a candidate when that level calls for a goal: the levels in
   the framework's ``goal_required_for`` rule (sa2003: gap identified and
   working towards), else the lower half of the scale.
3. Candidates are ordered by level, lowest first (gap identified before
   working towards); then by how many respondents gave a low level, most
   first; then in framework order. Rank 1 is the first.
4. The top ``priority_goals_min`` are marked priority, and any further
   candidate tied with the last of them (same level and same count of low
   ratings) joins them up to ``priority_goals_max``, so a tie never decides a
   priority arbitrarily. The top ``priority_goals_max`` are highlighted.
   Choosing the 4-6 stays the partnership's decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from docxform.framework.model import Framework
from docxform.records.decisions import Decisions
from docxform.records.merged import MergedDataset, MergedItem


@dataclass(frozen=True)
class AgreedLevel:
    """A standard's one agreed level: the meeting's decision, else the consensus rule's (None: not agreed)."""

    level: str | None
    decided: bool = False  # True when the meeting decided it
    note: str = ""


def agreed_level(item_id: str, entry: MergedItem, decisions: Decisions | None = None) -> AgreedLevel:
    """The agreed level every output shows: a meeting's decision overrides the computed level."""
    decision = (decisions or {}).get(item_id)
    if decision is not None:
        return AgreedLevel(decision.level, decided=True, note=decision.note)
    return AgreedLevel(entry.agreed_level)


def low_levels(framework: Framework) -> tuple[str, ...]:
    """The levels that call for an improvement goal (rule 2 of the module docstring)."""
    keys = framework.rating_scale.keys if framework.rating_scale else ()
    wanted = tuple(k for k in framework.rules.goal_required_for if k in keys)
    return wanted or keys[: max(1, len(keys) // 2)]


@dataclass
class PlanCandidate:
    """A standard for the draft improvement plan, with why it ranks where it does."""

    rank: int
    item_id: str
    text: str
    level: str  # rule 1: the meeting's decision, else the lower of median and mode
    median: str | None
    mode: str | None
    low_count: int
    counts: dict[str, int]
    priority: bool = False
    highlighted: bool = False
    decided: bool = False
    goals: list[tuple[str, str]] = field(default_factory=list)


def rank(merged: MergedDataset, framework: Framework, decisions: Decisions | None = None) -> list[PlanCandidate]:
    """The standards that need a goal, ranked by the module's rule, each with its respondents' goals."""
    scale = framework.rating_scale
    if scale is None:
        return []
    low = low_levels(framework)
    found = []
    for item in framework.items:
        entry = merged.items.get(item.id)
        if entry is None:
            continue
        level, decided = _level(item.id, entry, decisions, scale.keys)
        if level is None or level not in low:
            continue
        counts = dict(entry.counts)
        found.append(PlanCandidate(rank=0, item_id=item.id, text=item.text, level=level, median=entry.median,
                                   mode=entry.mode, low_count=sum(n for k, n in counts.items() if k in low),
                                   counts=counts, decided=decided, goals=_goals(entry, framework)))
    return order(found, framework)


def order(candidates: Iterable[PlanCandidate], framework: Framework) -> list[PlanCandidate]:
    """Rules 3 and 4: sort, number from 1, mark the priorities and the highlighted rows."""
    scale = framework.rating_scale
    position = {item_id: i for i, item_id in enumerate(framework.item_ids)}

    def key(c: PlanCandidate) -> tuple[int, int, int]:
        return (scale.index(c.level) if scale else 0, -c.low_count, position.get(c.item_id, len(position)))

    ranked = sorted(candidates, key=key)
    rules = framework.rules
    lowest, highest = rules.priority_goals_min, max(rules.priority_goals_min, rules.priority_goals_max)
    cut = key(ranked[lowest - 1])[:2] if 0 < lowest <= len(ranked) else None
    for i, c in enumerate(ranked):
        c.rank = i + 1
        c.highlighted = i < highest
        c.priority = i < lowest or (cut is not None and key(c)[:2] == cut and i < highest)
    return ranked


def rule_text(framework: Framework) -> str:
    """The ranking rule in a sentence, for the outputs' notes (the same words everywhere)."""
    rules = framework.rules
    item = framework.item_name
    return (f"Ranked: the {item}'s level (agreed at the meeting, else the lower of median and mode), lowest "
            f"first; then by the number of low ratings; then in framework order. The top {rules.priority_goals_max} "
            f"are highlighted; the top {rules.priority_goals_min} (and any tied with the last of them, up to "
            f"{rules.priority_goals_max}) are marked priority. The guidance asks for {rules.priority_goals_min}-"
            f"{rules.priority_goals_max} priority areas; the partnership decides.")


def _level(item_id: str, entry: MergedItem, decisions: Decisions | None,
           keys: tuple[str, ...]) -> tuple[str | None, bool]:
    """Rule 1: the decided level, else the lower of median and mode (None when neither is a level)."""
    agreed = agreed_level(item_id, entry, decisions)
    if agreed.decided:
        return (agreed.level if agreed.level in keys else None), True
    given = [k for k in (entry.median, entry.mode) if k in keys]
    return (min(given, key=keys.index) if given else None), False


def _goals(entry: MergedItem, framework: Framework) -> list[tuple[str, str]]:
    """Every respondent's improvement goal for the standard, as (respondent, goal)."""
    key = framework.rules.goal_field
    if key is None:
        return []
    return [(rid, response.text(key).strip()) for rid, response in entry.responses.items()
            if response.text(key).strip()]
