"""What the workbook and the HTML report both show: level names, colours, the draft plan.

Kept apart from the writers so the two outputs can never disagree about
which standards are priorities or what a level is called.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docxform.framework.model import Framework, ItemField, Theme
from docxform.records.merged import MergedDataset, MergedItem

# ColorBrewer RdYlBu: low levels warm, high levels cool; safe for the common
# colour-vision deficiencies and legible in greyscale print.
_PALETTES: dict[int, tuple[str, ...]] = {
    2: ("D7191C", "2C7BB6"),
    3: ("FC8D59", "FFFFBF", "91BFDB"),
    4: ("D7191C", "FDAE61", "ABD9E9", "2C7BB6"),
    5: ("D7191C", "FDAE61", "FFFFBF", "ABD9E9", "2C7BB6"),
    6: ("D73027", "FC8D59", "FEE090", "E0F3F8", "91BFDB", "4575B4"),
    7: ("D73027", "FC8D59", "FEE090", "FFFFBF", "E0F3F8", "91BFDB", "4575B4"),
}


def level_colours(count: int) -> list[str]:
    """One RGB hex colour per level, lowest first (chart bars, HTML bars)."""
    if count <= 0:
        return []
    if count == 1:
        return ["91BFDB"]
    palette = _PALETTES.get(count) or _PALETTES[7]
    return [palette[i % len(palette)] for i in range(count)]


def tint(rgb: str, amount: float = 0.55) -> str:
    """A lighter version of a colour, for cell fills that black text must stay readable on."""
    channels = [int(rgb[i: i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)


def level_name(framework: Framework, key: str | None) -> str:
    """A level's name for people ("Some success"); "" for no rating."""
    if key is None or framework.rating_scale is None:
        return ""
    try:
        return framework.rating_scale.level(key).name
    except ValueError:
        return key


def field_label(item_field: ItemField) -> str:
    """A field's label in sentence case ("SUPPORTING EVIDENCE" -> "Supporting evidence")."""
    label = item_field.label or item_field.key
    return label.capitalize() if label.isupper() else label


def low_levels(framework: Framework) -> tuple[str, ...]:
    """The levels that call for an improvement goal.

    The framework's rules say so (goal_required_for: gap identified and
    working towards in 2003); without such a rule, the lower half of the scale.
    """
    if framework.rules.goal_required_for:
        return framework.rules.goal_required_for
    keys = framework.rating_scale.keys if framework.rating_scale else ()
    return keys[: len(keys) // 2]


@dataclass
class PlanCandidate:
    """A standard for the draft improvement plan, with why it ranks where it does."""

    rank: int
    item_id: str
    text: str
    level: str  # the lower of median and mode: what the partnership broadly says
    median: str | None
    mode: str | None
    low_count: int
    counts: dict[str, int]
    priority: bool = False
    highlighted: bool = False
    goals: list[tuple[str, str]] = field(default_factory=list)


def draft_plan(merged: MergedDataset, framework: Framework) -> list[PlanCandidate]:
    """Standards whose median or mode is a low level, ranked for the improvement plan.

    Chapter 4: improvement goals are set where a gap is identified, and
    partnerships "should, as a general rule, prioritise 4-6 areas". Ranking:
    the lower consensus level first (gap identified before working towards),
    then more low ratings first, then framework order. The top
    ``priority_goals_max`` rows are highlighted; the top
    ``priority_goals_min`` are marked priority, and further rows tied with the
    last of those (same level and count) join them up to the maximum, so a tie
    never decides a priority arbitrarily.
    """
    scale = framework.rating_scale
    if scale is None:
        return []
    low = low_levels(framework)
    order = {item_id: i for i, item_id in enumerate(framework.item_ids)}
    found: list[tuple[tuple[int, int, int], PlanCandidate]] = []
    for item in framework.items:
        entry = merged.items.get(item.id)
        if entry is None:
            continue
        median, mode = entry.median, entry.mode
        consensus = [k for k in (median, mode) if k in scale.keys]
        if not any(k in low for k in consensus):
            continue
        level = min(consensus, key=scale.index)
        counts = dict(entry.counts)
        low_count = sum(n for k, n in counts.items() if k in low)
        goals = _goals(entry, framework)
        candidate = PlanCandidate(rank=0, item_id=item.id, text=item.text, level=level, median=median, mode=mode,
                                  low_count=low_count, counts=counts, goals=goals)
        found.append(((scale.index(level), -low_count, order[item.id]), candidate))
    found.sort(key=lambda pair: pair[0])
    rules = framework.rules
    lowest, highest = rules.priority_goals_min, max(rules.priority_goals_min, rules.priority_goals_max)
    cut_key = found[lowest - 1][0][:2] if 0 < lowest <= len(found) else None
    out = []
    for i, (key, candidate) in enumerate(found):
        candidate.rank = i + 1
        candidate.highlighted = i < highest
        candidate.priority = i < lowest or (cut_key is not None and key[:2] == cut_key and i < highest)
        out.append(candidate)
    return out


def _goals(entry: MergedItem, framework: Framework) -> list[tuple[str, str]]:
    """Every respondent's improvement goal for the standard, as (respondent, goal)."""
    key = framework.rules.goal_field
    if key is None:
        return []
    return [(rid, response.text(key).strip()) for rid, response in entry.responses.items()
            if response.text(key).strip()]


@dataclass
class ThemeTotal:
    """One theme's ratings over all its standards added up (the overview's and the page's theme rows)."""

    theme: Theme
    standards: int
    counts: dict[str, int]
    rated: int = 0
    unrated: int = 0
    disputed: int = 0


def theme_totals(merged: MergedDataset, framework: Framework) -> list[ThemeTotal]:
    """Per theme: the ratings of all its standards added up (for the overview)."""
    keys = framework.rating_scale.keys if framework.rating_scale else ()
    out = []
    for theme in framework.themes:
        items = framework.items_in(theme.id)
        total = ThemeTotal(theme, len(items), dict.fromkeys(keys, 0))
        for entry in (merged.item(item.id) for item in items):
            for k in keys:
                total.counts[k] += entry.count(k)
            total.rated += entry.rated
            total.unrated += entry.unrated
            total.disputed += entry.disputed
        out.append(total)
    return out


def ratings_by_level(entry: MergedItem, framework: Framework) -> list[tuple[str, list[str]]]:
    """Who gave which rating: [(level name, [respondent, ...])], lowest level first, "Not rated" last."""
    scale = framework.rating_scale
    keys = scale.keys if scale else ()
    groups: dict[str | None, list[str]] = {k: [] for k in keys}
    groups[None] = []
    for rid, response in entry.responses.items():
        rating = response.rating
        groups.setdefault(rating if rating in groups else None, []).append(rid)
    out = [(level_name(framework, k), groups[k]) for k in keys if groups[k]]
    if groups[None]:
        out.append(("Not rated", groups[None]))
    return out
