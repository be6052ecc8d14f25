"""When do respondents agree on a rating? The consensus rules, chosen and tuned by the user.

The survey method asks a partnership to "discuss any disputed ratings"; which
ratings count as disputed decides how much of the meeting is left for the
standards that need it. The old rule (any two ratings two or more levels
apart, or no majority) made one dissenter among ten a dispute, so almost
every standard was disputed. The rules here are the established ones for
ordinal ratings from a panel (see docs/consensus.md for the sources and
worked examples):

``iqr`` (the default; Delphi practice, von der Gracht 2012)
    Agreed when the interquartile range of the ratings is at most one level
    and at least ``threshold`` (default 0.8) of them lie within one level of
    the median. Agreed level: the median.
``tastle``
    Tastle & Wierman's consensus measure (2007), from 0 (an even split
    between the two ends of the scale) to 1 (unanimous). Agreed when it is
    at least ``threshold`` (default 0.5). Agreed level: the median.
``strict``
    The old rule: disputed when two ratings are two or more levels apart or
    no level has more than half of the ratings. Agreed level: the mode.

Ratings are positions 1..k on the ordered scale; "not rated" is left out.
The agreed level under every rule is the lower median (a level with a
majority is always the median, so ``strict``'s mode agrees with it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docxform.core.errors import DocxformError

RULE_NAMES = ("iqr", "tastle", "strict")
DEFAULT_RULE = "iqr"
DEFAULT_THRESHOLDS: dict[str, float | None] = {"iqr": 0.8, "tastle": 0.5, "strict": None}
MEASURES = {"iqr": "interquartile range", "tastle": "Tastle-Wierman consensus", "strict": "spread"}

#: The two reasons of the strict rule (stable strings; see docs/validation.md).
REASON_APART = "levels two or more apart"
REASON_NO_MAJORITY = "no majority"


@dataclass(frozen=True)
class Rule:
    """A consensus rule and its threshold (None: the rule's default, or no threshold for ``strict``)."""

    name: str = DEFAULT_RULE
    threshold: float | None = None

    @property
    def limit(self) -> float | None:
        """The threshold in force."""
        return self.threshold if self.threshold is not None else DEFAULT_THRESHOLDS[self.name]

    def describe(self) -> str:
        """The rule in words, as the reports and the rating-disputed problems quote it."""
        if self.name == "iqr":
            return (f"iqr rule: agreed when the interquartile range is at most 1 level and at least "
                    f"{_percent(self.limit)} of ratings are within one level of the median")
        if self.name == "tastle":
            return f"tastle rule: agreed when Tastle-Wierman consensus is at least {self.limit:g}"
        return "strict rule: disputed when two ratings are two or more levels apart, or no level has a majority"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.name, "threshold": self.limit, "description": self.describe()}


def make_rule(name: str | None = None, threshold: float | None = None) -> Rule:
    """A rule from the user's options; a one-line error for an unknown rule or a threshold out of range."""
    name = (name or DEFAULT_RULE).strip().lower()
    if name not in RULE_NAMES:
        raise DocxformError(None, f"unknown consensus rule {name!r}; choose one of {', '.join(RULE_NAMES)}")
    if threshold is None:
        return Rule(name)
    if name == "strict":
        raise DocxformError(None, "the strict consensus rule takes no --threshold")
    if not (isinstance(threshold, int | float) and math.isfinite(threshold) and 0 < threshold <= 1):
        raise DocxformError(None, f"--threshold for the {name} rule must be a number above 0 and at most 1, "
                            f"not {threshold!r}")
    return Rule(name, float(threshold))


def rule_of(data: dict[str, Any]) -> Rule:
    """The rule a merged dataset was judged by (the default for datasets written before rules existed)."""
    saved = data.get("consensus")
    if isinstance(saved, dict) and saved.get("rule") in RULE_NAMES:
        threshold = saved.get("threshold")
        return Rule(saved["rule"], threshold if isinstance(threshold, int | float) else None)
    return Rule()


# --- the measures, each as defined by its source ------------------------------------------------

def quartiles(positions: Sequence[int]) -> tuple[float, float]:
    """Lower and upper quartile of sorted positions, by linear interpolation.

    Hyndman & Fan's type 7: the quartile at h = (n - 1) p between the sorted
    values x[floor h] and x[floor h + 1] (0-based). It is what spreadsheets
    give (QUARTILE.INC), so a coordinator can check the figure by hand.
    """
    def at(p: float) -> float:
        h = (len(positions) - 1) * p
        low = math.floor(h)
        high = min(low + 1, len(positions) - 1)
        return positions[low] + (h - low) * (positions[high] - positions[low])

    return at(0.25), at(0.75)


def tastle_wierman(counts: Sequence[int]) -> float:
    """Tastle & Wierman's consensus: 1 + sum p_i log2(1 - |X_i - mu| / d), X_i = i, d = k - 1.

    ``counts`` are the numbers of ratings per level, lowest first; mu is the
    mean position and d the width of the scale. 1 when unanimous, 0 for an
    even split between the two ends.
    """
    n = sum(counts)
    width = len(counts) - 1
    if n == 0 or width == 0:
        return 1.0
    mean = sum(i * c for i, c in enumerate(counts, start=1)) / n
    total = 0.0
    for i, c in enumerate(counts, start=1):
        if c:
            total += c / n * math.log2(1 - abs(i - mean) / width)
    return 1 + total


def lower_median(positions: Sequence[int]) -> int:
    """The lower median of sorted, non-empty positions: with an even number the lower middle one.

    The one place the rule lives: the merge's median, every rule's agreed
    level and compare's median score all read ratings this cautious way.
    """
    return positions[(len(positions) - 1) // 2]


def judge(positions: Sequence[int], counts: Sequence[int], keys: Sequence[str], rule: Rule) -> dict[str, Any]:
    """One standard's consensus under ``rule``: the measure, its value, and the agreed level or why not.

    ``positions`` are the ratings given as 1-based positions on the scale,
    sorted; ``counts`` the ratings per level (lowest first) and ``keys`` the
    levels' keys. Returns the ``consensus`` entry of a merged item plus
    ``reason`` (None when agreed or when nobody rated).
    """
    out: dict[str, Any] = {"rule": rule.name, "measure": MEASURES[rule.name], "value": None,
                           "threshold": rule.limit, "agreed_level": None, "reason": None}
    if not positions:
        return out
    median = keys[lower_median(positions) - 1]
    reasons = _JUDGES[rule.name](positions, counts, rule, out)
    if reasons:
        out["reason"] = "; ".join(reasons)
    else:
        out["agreed_level"] = median
    return out


def _judge_iqr(positions: Sequence[int], counts: Sequence[int], rule: Rule, out: dict[str, Any]) -> list[str]:
    q1, q3 = quartiles(positions)
    iqr = round(q3 - q1, 4)
    median = lower_median(positions)
    share = sum(1 for p in positions if abs(p - median) <= 1) / len(positions)
    out["value"], out["within_one"] = iqr, round(share, 4)
    limit = rule.limit or 0.0
    reasons = []
    if iqr > 1:
        reasons.append(f"interquartile range {iqr:g} is more than 1 level")
    if share < limit - 1e-9:
        reasons.append(f"only {_percent(share)} of ratings within one level of the median (needs {_percent(limit)})")
    return reasons


def _judge_tastle(positions: Sequence[int], counts: Sequence[int], rule: Rule, out: dict[str, Any]) -> list[str]:
    value = round(tastle_wierman(counts), 4)
    out["value"] = value
    limit = rule.limit or 0.0
    return [f"consensus {value:.2f} is below {limit:g}"] if value < limit - 1e-9 else []


def _judge_strict(positions: Sequence[int], counts: Sequence[int], rule: Rule, out: dict[str, Any]) -> list[str]:
    spread = positions[-1] - positions[0]
    out["value"] = spread
    reasons = []
    if spread >= 2:
        reasons.append(REASON_APART)
    if max(counts) * 2 <= len(positions):
        reasons.append(REASON_NO_MAJORITY)
    return reasons


_JUDGES = {"iqr": _judge_iqr, "tastle": _judge_tastle, "strict": _judge_strict}


def _percent(share: float | None) -> str:
    return f"{(share or 0) * 100:.0f}%"
