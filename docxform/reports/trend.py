"""The comparison as a workbook (trend.xlsx) and a web page.

Workbook sheets: Trend (agreed level per dataset, movements, the earlier
dataset's improvement goals beside the later ratings), Scores (the median
level of each standard per dataset as a number, 1 = the lowest level, with a
native bar chart on the Chart sheet), Distribution (one row per standard and
dataset), Unmatched and Sources. Every text from a return is written as text,
never a formula; the page escapes everything (jinja2 autoescape).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter

from docxform.records.comparison import Comparison, Dataset, ItemTrend
from docxform.reports.analysis import level_colours, level_name
from docxform.reports.html import template
from docxform.reports.printing import widen
from docxform.reports.summary import Book
from docxform.survey.consensus import lower_median

_MOVES = {"up": "Up", "same": "Same", "down": "Down", None: ""}


def _name(dataset: Dataset, level: str | None) -> str:
    return level_name(dataset.framework, level)


def write_trend_workbook(comparison: Comparison, target: Path) -> None:
    """Write ``trend.xlsx`` for a comparison."""
    book = Book()
    _trend_sheet(book, comparison)
    _scores_sheet(book, comparison)
    _distribution_sheet(book, comparison)
    _unmatched_sheet(book, comparison)
    _sources_sheet(book, comparison)
    book.save(Path(target))


def _trend_sheet(book: Book, c: Comparison) -> None:
    """Agreed levels across, then the movements and the goals the previous dataset set."""
    labels = c.labels
    previous = labels[-2]
    goals = has_goals(c)  # no empty column when the earlier dataset set no goals
    header = [c.framework.item_name.capitalize(), "Text", *labels, "Movement", "Distribution", "Cliff's delta",
              *([f"Improvement goals ({previous})"] if goals else [])]
    widths = widen([9, 36, *[15] * len(labels), 10, 12, 9, *([48] if goals else [])],
                   {0: [t.item_id for t in c.items]})
    ws = book.sheet("Trend", widths, freeze="C2", title_cols="A:B")
    book.header(ws, header)
    for t in c.items:
        book.append(ws, [
            book.cell(ws, t.item_id, "plain"), book.cell(ws, t.text),
            *[book.cell(ws, _name(d, level), "plain") for d, level in zip(c.datasets, t.agreed, strict=True)],
            book.cell(ws, _MOVES[t.movement], "bold"), book.cell(ws, _MOVES[t.distribution], "plain"),
            book.cell(ws, round(t.delta, 3), "number") if t.delta is not None else None,
            *([book.cell(ws, "\n".join(t.goals_before))] if goals else []),
        ])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(c.items) + 1}"


def has_goals(c: Comparison) -> bool:
    """Whether any standard carries goals from the earlier dataset (else the goals column is left out)."""
    return any(t.goals_before for t in c.items)


def median_score(dataset: Dataset, counts: dict[str, int] | None) -> int | None:
    """The (lower) median level as 1..n, the merge's own median rule; None without ratings."""
    scale = dataset.framework.rating_scale
    if scale is None or not counts:
        return None
    ranks = [i + 1 for i, key in enumerate(scale.keys) for _ in range(int(counts.get(key, 0) or 0))]
    return lower_median(ranks) if ranks else None


def _scores_sheet(book: Book, c: Comparison) -> None:
    """Numbers for the chart: each standard's median level per dataset (1 = the scale's lowest)."""
    widths = widen([9, *[14] * len(c.labels)], {0: [t.item_id for t in c.items]})
    ws = book.sheet("Scores", widths, freeze="B2", title_cols="A:A")
    book.header(ws, [c.framework.item_name.capitalize(), *c.labels])
    for t in c.items:
        scores = [median_score(d, counts) for d, counts in zip(c.datasets, t.counts, strict=True)]
        book.append(ws, [book.cell(ws, t.item_id, "plain"),
                         *[book.cell(ws, s, "number") if s is not None else None for s in scores]])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(c.labels) + 1)}{len(c.items) + 1}"
    chart_sheet = book.sheet("Chart", [10], freeze=None)
    chart_sheet.add_chart(_chart(ws, c), "A1")


def _chart(ws: Any, c: Comparison) -> BarChart:
    """Median level per standard, one bar per dataset: the trend at a glance."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = f"Median level per {c.framework.item_name}"
    scale = c.framework.rating_scale
    chart.y_axis.title = " < ".join(lv.name for lv in scale.levels) if scale else "Level"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = len(scale.keys) if scale else 4
    chart.y_axis.majorUnit = 1
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(c.labels), min_row=1, max_row=len(c.items) + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(c.items) + 1))
    for series, colour in zip(chart.series, level_colours(len(chart.series)), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 25
    chart.height = 14
    return chart


def _distribution_sheet(book: Book, c: Comparison) -> None:
    """One row per standard and dataset: how many gave each level."""
    scale = c.framework.rating_scale
    levels = list(scale.levels) if scale else []
    widths = widen([9, 20, *[11] * len(levels), 15], {0: [t.item_id for t in c.items], 1: c.labels})
    ws = book.sheet("Distribution", widths, freeze="C2", title_cols="A:B")
    book.header(ws, [c.framework.item_name.capitalize(), "Dataset", *[lv.name for lv in levels], "Agreed"])
    rows = 0
    for t in c.items:
        for d, label, counts, level in zip(c.datasets, c.labels, t.counts, t.agreed, strict=True):
            if counts is None:
                continue
            own = d.framework.rating_scale.keys if d.framework.rating_scale else ()
            values = [int(counts.get(k, 0) or 0) for k in own][:len(levels)]
            book.append(ws, [book.cell(ws, t.item_id, "plain"), book.cell(ws, label, "plain"),
                             *[book.cell(ws, v, "number") for v in values], book.cell(ws, _name(d, level), "plain")])
            rows += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(levels) + 3)}{rows + 1}"


def _unmatched_sheet(book: Book, c: Comparison) -> None:
    """Items of an earlier dataset with no counterpart in the last one's framework."""
    ws = book.sheet("Unmatched", widen([16, 9, 70], {0: [u.split(":")[0] for u in c.unmatched]}), freeze="A2")
    book.header(ws, ["Framework", "Item", "Text"])
    frameworks = {d.framework.id: d.framework for d in c.datasets}
    for entry in c.unmatched:
        fw_id, item_id = entry.split(":", 1)
        text = frameworks[fw_id].item(item_id).text
        book.append(ws, [book.cell(ws, fw_id, "plain"), book.cell(ws, item_id, "plain"), book.cell(ws, text)])
    ws.auto_filter.ref = f"A1:C{len(c.unmatched) + 1}"


def _sources_sheet(book: Book, c: Comparison) -> None:
    ws = book.sheet("Sources", widen([20, 50, 16, 12], {0: c.labels, 1: [str(d.source) for d in c.datasets]}),
                    freeze="A2")
    book.header(ws, ["Dataset", "Source", "Framework", "Respondents"])
    for d, label in zip(c.datasets, c.labels, strict=True):
        book.append(ws, [book.cell(ws, label, "plain"), book.cell(ws, str(d.source)),
                         book.cell(ws, d.framework.id, "plain"),
                         book.cell(ws, len(d.merged.respondents), "number")])
    ws.auto_filter.ref = f"A1:D{len(c.datasets) + 1}"


def render_trend_html(c: Comparison) -> str:
    """The comparison as one self-contained page (no scripts, nothing to load)."""
    rows = [_html_row(c, t) for t in c.items]
    frameworks = {d.framework.id: d.framework for d in c.datasets}
    unmatched = [{"framework": u.split(":", 1)[0], "item": u.split(":", 1)[1],
                  "text": frameworks[u.split(":", 1)[0]].item(u.split(":", 1)[1]).text} for u in c.unmatched]
    return template("trend.html.j2").render(c=c, labels=c.labels, rows=rows, unmatched=unmatched, region=c.region,
                              item_name=c.framework.item_name, previous=c.labels[-2], goals=has_goals(c))


def _html_row(c: Comparison, t: ItemTrend) -> dict[str, Any]:
    return {"id": t.item_id, "text": t.text, "movement": t.movement or "", "distribution": t.distribution or "",
            "agreed": [_name(d, level) or "–" for d, level in zip(c.datasets, t.agreed, strict=True)],
            "goals": t.goals_before}
