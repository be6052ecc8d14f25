"""The consensus rule a merged dataset is judged by: its name, threshold and words.

A record, below the survey stage that applies it (:mod:`docxform.survey.consensus`), because
the merged dataset's record checks a hand-edited dataset's rule when it is read
(:func:`docxform.records.merged.check_against`), and the reports quote it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from docxform.core.errors import DocxformError

RULE_NAMES = ("iqr", "tastle", "strict")
DEFAULT_RULE = "iqr"
DEFAULT_THRESHOLDS: dict[str, float | None] = {"iqr": 0.8, "tastle": 0.5, "strict": None}
MEASURES = {"iqr": "interquartile range", "tastle": "Tastle-Wierman consensus", "strict": "spread"}


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
                    f"{percent(self.limit)} of ratings are within one level of the median")
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


def percent(share: float | None) -> str:
    """A share as the rules quote it: 0.8 -> "80%"."""
    return f"{(share or 0) * 100:.0f}%"
