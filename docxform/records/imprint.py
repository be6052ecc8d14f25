"""What an output is: the partnership, the framework, the round, the date of its data and when it was made.

A page lifted from the pile on the meeting's table must say whose it is and
how current. Every output (summary and plan workbooks, HTML report,
consolidated form) takes one :class:`Imprint` and prints its line on screen
and on every printed page (the workbooks in their print header, with the
page number and the date of printing in the footer; the consolidated form in
its footer; the HTML report at the top of the page and in its print margins).

``made`` is left blank for outputs that must be the same bytes for the same
input (the workbooks: they print the date of printing instead, from Excel's
``&D`` field); the round's report sets it for the HTML page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from docxform.framework.model import Framework
from docxform.records.merged import MergedDataset

UNNAMED = "partnership not named"


@dataclass(frozen=True)
class Imprint:
    """The identity line of an output. Dates are ISO (``YYYY-MM-DD``) or blank when not known."""

    partnership: str = ""
    framework: str = ""  # the framework's title
    framework_id: str = ""
    round: str = ""  # the survey round's name (its folder), blank outside a round
    data_date: str = ""  # the latest return the output is made from
    made: str = ""  # when the output was made (blank: not stated)

    def parts(self) -> list[str]:
        """The line's pieces, in reading order."""
        out = [self.partnership or UNNAMED]
        if self.framework:
            out.append(f"{self.framework} ({self.framework_id})" if self.framework_id else self.framework)
        if self.round:
            out.append(f"round {self.round}")
        out.append(f"returns up to {long_date(self.data_date)}" if self.data_date else "date of the returns not known")
        if self.made:
            out.append(f"made {long_date(self.made)}")
        return out

    def line(self) -> str:
        """"Anytown CDRP · Home Office self-assessment ... (sa2003) · round spring · returns up to 30 November 2026"."""
        return " · ".join(self.parts())

    def dated(self, today: dt.date | None = None) -> Imprint:
        """The same imprint made today (for outputs that show when they were made)."""
        return replace(self, made=(today or dt.date.today()).isoformat())


def long_date(iso: str) -> str:
    """``2026-11-30`` -> ``30 November 2026`` (British order, no ambiguity); other text as given."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def imprint_of(merged: MergedDataset, framework: Framework, *, partnership: str = "", round_name: str = "",
               data_date: str = "") -> Imprint:
    """The imprint of a merged dataset: the partnership given, else the one most returns name."""
    named = Counter((r.partnership or "").strip() for r in merged.respondents if (r.partnership or "").strip())
    found = partnership.strip() or (named.most_common(1)[0][0] if named and not merged.by_partnership else "")
    return Imprint(partnership=found, framework=framework.title, framework_id=framework.id, round=round_name,
                   data_date=data_date[:10])


def _header_text(text: str, limit: int) -> str:
    """Text for a workbook's print header: ``&`` doubled (a lone one starts a code such as ``&P``), cut to fit."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("&", "&&")


def sheet_header_footer(imprint: Imprint | None) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """A workbook sheet's print header and footer, (left, centre, right) each, in Excel's header codes.

    Header: the partnership on the left; the framework's id, the round and
    the date of the returns on the right (the framework's full title is on
    the workbook's first sheet: beside the partnership it ran into it).
    Footer: the sheet's name, the date of printing and "page N of M" (``&A``,
    ``&D``, ``&P``, ``&N``: filled in when the sheet is printed).
    """
    footer = ("&A", "printed &D", "page &P of &N")
    if imprint is None:
        return ("", "", ""), footer
    right = [imprint.framework_id or imprint.framework, *imprint.parts()[2:]]
    return (_header_text(imprint.partnership or UNNAMED, 60), "", _header_text(" · ".join(right), 75)), footer
