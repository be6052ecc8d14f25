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

from docxform.records.consensus import (
    DEFAULT_RULE,
    DEFAULT_THRESHOLDS,
    MEASURES,
    RULE_NAMES,
    Rule,
    make_rule,
    percent,
)
from docxform.records.merged import ItemConsensus

__all__ = ["DEFAULT_RULE", "DEFAULT_THRESHOLDS", "MEASURES", "REASON_APART", "REASON_NO_MAJORITY", "RULE_NAMES",
           "Rule", "Verdict", "judge", "lower_median", "make_rule", "quartiles", "tastle_wierman"]

#: The two reasons of the strict rule (stable strings; see docs/validation.md).
REASON_APART = "levels two or more apart"
REASON_NO_MAJORITY = "no majority"


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


@dataclass(frozen=True)
class Verdict:
    """One standard's consensus under a rule: the merged item's ``consensus`` entry, and why not agreed.

    ``reason`` is None when the ratings agree or nobody rated; the merge records it as the
    item's ``dispute_reason``.
    """

    consensus: ItemConsensus
    reason: str | None


@dataclass(frozen=True)
class _Measured:
    """What one rule's measure found: its value (and for iqr the share within one level), and each reason against."""

    value: float | None
    reasons: list[str]
    within_one: float | None = None


def judge(positions: Sequence[int], counts: Sequence[int], keys: Sequence[str], rule: Rule) -> Verdict:
    """One standard's consensus under ``rule``: the measure, its value, and the agreed level or why not.

    ``positions`` are the ratings given as 1-based positions on the scale,
    sorted; ``counts`` the ratings per level (lowest first) and ``keys`` the
    levels' keys.
    """
    if not positions:
        return Verdict(ItemConsensus(rule=rule.name, measure=MEASURES[rule.name], value=None,
                                     threshold=rule.limit, agreed_level=None), None)
    measured = _JUDGES[rule.name](positions, counts, rule)
    reason = "; ".join(measured.reasons) or None
    agreed = None if reason else keys[lower_median(positions) - 1]
    return Verdict(ItemConsensus(rule=rule.name, measure=MEASURES[rule.name], value=measured.value,
                                 threshold=rule.limit, agreed_level=agreed, within_one=measured.within_one), reason)


def _judge_iqr(positions: Sequence[int], counts: Sequence[int], rule: Rule) -> _Measured:
    q1, q3 = quartiles(positions)
    iqr = round(q3 - q1, 4)
    median = lower_median(positions)
    share = sum(1 for p in positions if abs(p - median) <= 1) / len(positions)
    limit = rule.limit or 0.0
    reasons = []
    if iqr > 1:
        reasons.append(f"interquartile range {iqr:g} is more than 1 level")
    if share < limit - 1e-9:
        reasons.append(f"only {percent(share)} of ratings within one level of the median (needs {percent(limit)})")
    return _Measured(iqr, reasons, round(share, 4))


def _judge_tastle(positions: Sequence[int], counts: Sequence[int], rule: Rule) -> _Measured:
    value = round(tastle_wierman(counts), 4)
    limit = rule.limit or 0.0
    return _Measured(value, [f"consensus {value:.2f} is below {limit:g}"] if value < limit - 1e-9 else [])


def _judge_strict(positions: Sequence[int], counts: Sequence[int], rule: Rule) -> _Measured:
    spread = positions[-1] - positions[0]
    reasons = []
    if spread >= 2:
        reasons.append(REASON_APART)
    if max(counts) * 2 <= len(positions):
        reasons.append(REASON_NO_MAJORITY)
    return _Measured(spread, reasons)


_JUDGES = {"iqr": _judge_iqr, "tastle": _judge_tastle, "strict": _judge_strict}

