"""The HTML report: one self-contained page for the steering group meeting.

Inline CSS and inline SVG only: no scripts, fonts, images or links to load,
so it opens the same from an e-mail attachment, a shared drive or a
printout. jinja2 autoescapes everything, so a respondent's ``<script>`` or
``=HYPERLINK(...)`` is shown as the text it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from itertools import chain, islice
from typing import Any

import jinja2

from docxform.core.problems import Problem
from docxform.framework.model import Framework
from docxform.io.safety import shown
from docxform.records.consensus import Rule
from docxform.records.merged import MergedDataset, MergedItem
from docxform.reports.analysis import draft_plan, level_colours, level_name, ratings_by_level, theme_totals

#: Lists longer than this are cut in the page (the workbook has them all).
MAX_NAMES = 40
MAX_GOALS = 25
MAX_PROBLEMS = 200
BAR_WIDTH = 220
BAR_HEIGHT = 14
UNRATED_COLOUR = "DDDDDD"


@cache
def template(name: str) -> jinja2.Template:
    """A bundled page template, autoescaping everything: respondents' text is shown, never run."""
    text = resources.files("docxform.reports").joinpath(f"templates/{name}").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, finalize=_shown)
    return env.from_string(text)


def _shown(value: Any) -> Any:
    """Every value a page prints: control characters as escapes (a comment's newlines and tabs kept)."""
    return shown(value, keep="\n\t\r") if isinstance(value, str) else value


def _rule_text(merged: MergedDataset) -> str:
    """The consensus rule in words, as the dataset records it (datasets before rules: the strict rule)."""
    return merged.consensus.as_rule().describe() if merged.consensus else Rule("strict").describe()


def render_html(merged: MergedDataset, framework: Framework,
                problems: list[Problem] | None = None, *, returned: str | None = None) -> str:
    """The report page as a string: standards table (id ``standards``), disputed list, draft plan, problems.

    ``returned`` is a survey round's "11 of 12 returned" line, shown under the heading.
    """
    levels = _levels(framework)
    problem_rows, total_problems = _problem_rows(merged, problems or [])
    return template("report.html.j2").render(
        framework=framework, docxform_version=merged.docxform_version or "", levels=levels,
        standards=_standard_rows(merged, framework, levels),
        themes=_theme_rows(merged, framework, levels), disputed=_disputed_rows(merged, framework, levels),
        plan=_plan_rows(merged, framework), problems=problem_rows,
        more_problems=max(0, total_problems - MAX_PROBLEMS),
        respondents=len(merged.respondents), anonymised=merged.anonymised,
        by_partnership=merged.by_partnership,
        item_name=framework.item_name, rules=framework.rules, consensus_rule=_rule_text(merged),
        bar_width=BAR_WIDTH, bar_height=BAR_HEIGHT, unrated_colour=UNRATED_COLOUR, returned=returned,
    )


def _levels(framework: Framework) -> list[dict[str, str]]:
    """The scale's levels with their colours: every table and bar on the page uses the same ones."""
    scale = framework.rating_scale
    colours = level_colours(len(scale.levels) if scale else 0)
    return [{"key": lv.key, "name": lv.name, "colour": c}
            for lv, c in zip(scale.levels if scale else (), colours, strict=True)]


def _standard_rows(merged: MergedDataset, framework: Framework,
                   levels: list[dict[str, str]]) -> list[dict[str, Any]]:
    """One row per standard in framework order; the first of a theme carries the theme cell's rowspan."""
    themes = {t.id: t for t in framework.themes}
    standards = []
    previous_theme = None
    for item in framework.items:
        rowspan = 0
        if item.theme_id != previous_theme:
            rowspan = len(framework.items_in(item.theme_id))
            previous_theme = item.theme_id
        theme = themes.get(item.theme_id)
        standards.append(_standard_row(item.id, item.text, merged.item(item.id), framework, levels)
                         | {"theme": theme.title if theme else item.theme_id, "theme_rowspan": rowspan})
    return standards


def _standard_row(item_id: str, text: str, entry: MergedItem, framework: Framework,
                  levels: list[dict[str, str]]) -> dict[str, Any]:
    """One standard's counts, mode, median and bar as the template shows them (missing data as a dash)."""
    return {
        "id": item_id, "text": text,
        "counts": [entry.count(lv["key"]) for lv in levels],
        "rated": entry.rated, "unrated": entry.unrated,
        "mode": level_name(framework, entry.mode) or "–",
        "median": level_name(framework, entry.median) or "–",
        "disputed": entry.disputed, "reason": entry.dispute_reason or "",
        "bar": _bar(entry.counts, levels, entry.unrated),
    }


def _disputed_rows(merged: MergedDataset, framework: Framework,
                   levels: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The disputed standards with who rated them at which level (long name lists cut at MAX_NAMES)."""
    disputed = []
    for item in framework.items:
        entry = merged.item(item.id)
        if not entry.disputed:
            continue
        groups = [{"level": name, "names": ids[:MAX_NAMES], "more": max(0, len(ids) - MAX_NAMES)}
                  for name, ids in ratings_by_level(entry, framework)]
        disputed.append({"id": item.id, "text": item.text, "reason": entry.dispute_reason or "",
                         "bar": _bar(entry.counts, levels, entry.unrated), "groups": groups})
    return disputed


def _plan_rows(merged: MergedDataset, framework: Framework) -> list[dict[str, Any]]:
    """The draft plan's candidates, goals cut at MAX_GOALS (the workbook has them all)."""
    return [{"rank": c.rank, "id": c.item_id, "text": c.text, "level": level_name(framework, c.level),
             "low": c.low_count, "priority": c.priority, "highlighted": c.highlighted,
             "goals": c.goals[:MAX_GOALS], "more_goals": max(0, len(c.goals) - MAX_GOALS)}
            for c in draft_plan(merged, framework)]


def _problem_rows(merged: MergedDataset, given: list[Problem]) -> tuple[list[dict[str, str]], int]:
    """The first MAX_PROBLEMS problems (the dataset's, then the given ones) and the total count.

    File names are left out of an anonymised dataset's page: a file name often names its respondent.
    """
    total = len(merged.problems) + len(given)
    shown = islice(chain(merged.problems, given), MAX_PROBLEMS)
    rows = [{
        "file": "" if merged.anonymised else p.file or "", "item": p.item or "", "field": p.field or "",
        "code": p.code, "severity": p.severity, "message": p.message,
    } for p in shown]
    return rows, total


def _theme_rows(merged: MergedDataset, framework: Framework,
                levels: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Each theme's totals over its standards, with a bar."""
    return [{"title": t.theme.title, "standards": t.standards, "disputed": t.disputed,
             "counts": [t.counts[lv["key"]] for lv in levels], "rated": t.rated,
             "bar": _bar(t.counts, levels, t.unrated)} for t in theme_totals(merged, framework)]


def _bar(counts: Mapping[str, int], levels: list[dict[str, str]], unrated: int) -> list[dict[str, Any]]:
    """Segments of one stacked bar: each level's share of all respondents, then the unrated rest."""
    parts = [(lv["name"], int(counts.get(lv["key"], 0)), lv["colour"]) for lv in levels]
    parts.append(("Not rated", unrated, UNRATED_COLOUR))
    total = sum(n for _, n, _ in parts)
    segments = []
    x = 0.0
    for name, n, colour in parts:
        if n <= 0 or total == 0:
            continue
        width = BAR_WIDTH * n / total
        segments.append({"x": f"{x:.2f}", "width": f"{width:.2f}", "colour": colour, "title": f"{name}: {n}"})
        x += width
    return segments
