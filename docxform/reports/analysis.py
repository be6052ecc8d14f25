"""What the workbook and the HTML report both show: level names, colours, theme totals.

Kept apart from the writers so the two outputs can never disagree about
what a level is called. Which standards are priorities is decided in one
place for every output: :mod:`docxform.plan.priorities`.
"""

from __future__ import annotations

from dataclasses import dataclass

from docxform.framework.model import Framework, ItemField, Theme
from docxform.plan.priorities import agreed_level
from docxform.records.decisions import Decisions
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


def agreed_text(framework: Framework, item_id: str, entry: MergedItem, decisions: Decisions | None) -> str:
    """The one agreed level as the outputs print it: "Some success", "Some success (agreed at the meeting)",
    or "to agree" for a disputed standard the meeting has not settled."""
    agreed = agreed_level(item_id, entry, decisions)
    if agreed.level is None:
        return "to agree" if entry.disputed else "–"
    name = level_name(framework, agreed.level)
    return f"{name} (agreed at the meeting)" if agreed.decided else name


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
