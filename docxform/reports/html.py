"""The HTML report: one self-contained page for the steering group meeting.

Inline CSS and inline SVG only: no scripts, fonts, images or links to load,
so it opens the same from an e-mail attachment, a shared drive or a
printout. jinja2 autoescapes everything, so a respondent's ``<script>`` or
``=HYPERLINK(...)`` is shown as the text it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import chain
from typing import Any

import jinja2
from markupsafe import Markup

from docxform.core.problems import Problem
from docxform.framework.model import Framework
from docxform.io.safety import shown
from docxform.plan.priorities import rank, rule_text
from docxform.records.consensus import Rule
from docxform.records.decisions import Decisions
from docxform.records.imprint import UNNAMED, Imprint, imprint_of, long_date
from docxform.records.merged import MergedDataset, MergedItem
from docxform.reports.analysis import agreed_text, level_colours, level_name, ratings_by_level, theme_totals

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
    env.filters["css_string"] = css_string
    return env.from_string(text)


def css_string(text: str) -> Markup:
    """A quoted CSS string (for the print margins' ``content``) that no text can break out of:
    everything but ASCII letters and digits is written as a CSS escape."""
    # A space after an escape would be swallowed as the escape's end, so spaces are escaped too.
    body = "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{body}"')


def _shown(value: Any) -> Any:
    """Every value a page prints: control characters as escapes (a comment's newlines and tabs kept)."""
    return shown(value, keep="\n\t\r") if isinstance(value, str) else value


def _rule_text(merged: MergedDataset) -> str:
    """The consensus rule in words, as the dataset records it (datasets before rules: the strict rule)."""
    return merged.consensus.as_rule().describe() if merged.consensus else Rule("strict").describe()


def render_html(merged: MergedDataset, framework: Framework,
                problems: list[Problem] | None = None, decisions: Decisions | None = None,
                imprint: Imprint | None = None, *, returned: str | None = None) -> str:
    """The report page as a string: standards table (id ``standards``), disputed list, draft plan, problems.

    ``decisions`` are the meeting's agreed levels: shown instead of the
    computed ones ("agreed at the meeting") and counted in the plan's ranking.
    ``imprint`` (else the dataset's own) names the partnership, round and dates
    at the top of the page and in every printed page's margins, with "page N of M".
    ``returned`` is a survey round's "11 of 12 returned" line, shown under the heading.
    """
    imprint = imprint or imprint_of(merged, framework)
    levels = _levels(framework)
    found = _problem_rows(merged, problems or [])
    return template("report.html.j2").render(
        framework=framework, docxform_version=merged.docxform_version or "", levels=levels, imprint=imprint,
        imprint_line=imprint.line(), partnership=imprint.partnership or UNNAMED,
        made=long_date(imprint.made) if imprint.made else "",
        standards=_standard_rows(merged, framework, levels, decisions),
        themes=_theme_rows(merged, framework, levels), disputed=_disputed_rows(merged, framework, levels),
        plan=_plan_rows(merged, framework, decisions), plan_rule=rule_text(framework), problems=found.action,
        more_problems=max(0, found.needing_action - len(found.action)), notices=found.notices,
        more_notices=max(0, found.infos - len(found.notices)), errors=found.errors, warnings=found.warnings,
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


def _standard_rows(merged: MergedDataset, framework: Framework, levels: list[dict[str, str]],
                   decisions: Decisions | None = None) -> list[dict[str, Any]]:
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
        entry = merged.item(item.id)
        standards.append(_standard_row(item.id, item.text, entry, framework, levels)
                         | {"theme": theme.title if theme else item.theme_id, "theme_rowspan": rowspan,
                            "agreed": agreed_text(framework, item.id, entry, decisions)})
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


def _plan_rows(merged: MergedDataset, framework: Framework, decisions: Decisions | None) -> list[dict[str, Any]]:
    """The draft plan's candidates, goals cut at MAX_GOALS (the workbook has them all)."""
    return [{"rank": c.rank, "id": c.item_id, "text": c.text,
             "level": level_name(framework, c.level) + (" (agreed at the meeting)" if c.decided else ""),
             "low": c.low_count, "priority": c.priority, "highlighted": c.highlighted,
             "goals": c.goals[:MAX_GOALS], "more_goals": max(0, len(c.goals) - MAX_GOALS)}
            for c in rank(merged, framework, decisions)]


@dataclass
class ProblemRows:
    """The page's problems: those that need action (errors, warnings) apart from the notices (info).

    The headline counts ``action`` only: a notice (tags lost on a re-save)
    needs nobody to do anything, so it is listed under its own heading.
    """

    action: list[dict[str, str]] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @property
    def needing_action(self) -> int:
        return self.errors + self.warnings


def _problem_rows(merged: MergedDataset, given: list[Problem]) -> ProblemRows:
    """The problems (the dataset's, then the given ones) split by what they call for, each list cut at
    MAX_PROBLEMS, with the full counts.

    File names are left out of an anonymised dataset's page: a file name often names its respondent.
    """
    out = ProblemRows()
    for p in chain(merged.problems, given):
        info = p.severity == "info"
        out.infos += info
        out.errors += p.severity == "error"
        out.warnings += p.severity not in ("error", "info")
        shown = out.notices if info else out.action
        if len(shown) < MAX_PROBLEMS:
            shown.append({
                "file": "" if merged.anonymised else p.file or "", "item": p.item or "", "field": p.field or "",
                "code": p.code, "severity": p.severity, "message": p.message,
            })
    return out


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
