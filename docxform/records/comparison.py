"""A comparison of rounds or partnerships as a typed record: what ``compare`` builds and the trend reports show.

Here, below both, so the writers (:mod:`docxform.reports.trend`) take the record without
importing the comparison's own module (:mod:`docxform.pipeline.compare`, which sits above
the round because it reads round folders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxform.framework.model import Framework
from docxform.records.merged import MergedDataset


@dataclass
class Dataset:
    """One argument: a merged dataset, its framework and what to call it."""

    source: Path
    merged: MergedDataset
    framework: Framework
    label: str = ""

    @property
    def partnership(self) -> str | None:
        """The one partnership all respondents belong to, or None."""
        names = {r.partnership for r in self.merged.respondents}
        names.discard(None)
        names.discard("")
        return names.pop() if len(names) == 1 else None


@dataclass
class ItemTrend:
    """One standard of the last framework, across the datasets."""

    item_id: str
    text: str
    agreed: list[str | None]
    counts: list[dict[str, int] | None]
    movement: str | None
    distribution: str | None
    delta: float | None
    goals_before: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    labels: list[str]
    datasets: list[Dataset]
    framework: Framework
    items: list[ItemTrend]
    unmatched: list[str]
    region: bool

    def headline(self, *, decided: bool) -> str:
        """One line on what was compared and how; ``decided``: the arrangement was the automatic rule's,
        so a region says how to compare the inputs as rounds instead."""
        unmatched = f"{len(self.unmatched)} without a counterpart"
        if self.region:
            how = " (each input is a different partnership's; --as rounds if they are rounds)" if decided else ""
            return (f"{len(self.items)} items compared as a region, partnerships side by side, no movement{how}: "
                    f"{', '.join(self.labels)}; {unmatched}")
        moved = sum(1 for t in self.items if t.movement in ("up", "down"))
        return f"{len(self.items)} items compared as rounds across {', '.join(self.labels)}; {moved} moved; {unmatched}"

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape: how the inputs were compared and their labels, agreed levels and movement per
        item, then the unmatched items."""
        return {"arrangement": "region" if self.region else "rounds", "labels": self.labels,
                "items": {t.item_id: {"agreed": t.agreed, "movement": t.movement} for t in self.items},
                "unmatched": self.unmatched}
