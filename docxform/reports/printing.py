"""Sizing sheets for print: column widths that hold every word, and where the Matrix's pages end.

A wrapped cell breaks its text only at spaces; a longer "word" (a file
path, a field key such as ``partnership_chair_signature``) is cut off at
the column's edge, in print as on screen. So narrow columns are widened to
their longest word. Widths are in Excel's units (the digit 0 of the default
font); about 1.2 characters of running text fit in one (the figure
``rawsheet.estimate_lines`` uses), 1.1 allows for capitals and bold.
Besides spaces, LibreOffice breaks a line after ``/``, ``\\`` and ``-``
(seen in its PDFs: a long path wraps at its folders), so those end a word too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from docxform.framework.model import Framework
from docxform.io import pagefit

#: Characters of a word per width unit, and the widest a column grows to hold one word.
CHARS_PER_UNIT = 1.1
MAX_WORD_WIDTH = 60.0
_BREAKS = re.compile(r"[\s/\\-]+")

#: What one A4 landscape page holds at 100% (docxform.io.pagefit says how it was measured).
PAGE_UNITS = pagefit.PAGE_UNITS
MATRIX_WIDTH = 15.0
MATRIX_NAME_WIDTH = 24.0


def longest_word(values: Iterable[Any]) -> int:
    """The length of the longest unbreakable run in any of the values (numbers as written)."""
    longest = 0
    for value in values:
        if value is not None:
            longest = max(longest, max(map(len, words(str(value))), default=0))
    return longest


def words(text: str) -> list[str]:
    """The runs of ``text`` a wrapped cell cannot break."""
    return [w for w in _BREAKS.split(text) if w]


def word_width(length: int) -> float:
    """The column width a word of ``length`` characters needs."""
    return min(MAX_WORD_WIDTH, length / CHARS_PER_UNIT + 1)


def widen(widths: Sequence[float], columns: Mapping[int, Iterable[Any]]) -> list[float]:
    """``widths`` with each column in ``columns`` (0-based index: its values) wide enough for its longest word."""
    out = list(widths)
    for index, values in columns.items():
        if index < len(out):
            out[index] = max(out[index], word_width(longest_word(values)))
    return out


def matrix_page_columns(name_width: float) -> int:
    """How many Matrix item columns fit on a page beside the repeated respondent column."""
    return max(1, int((PAGE_UNITS - name_width) // MATRIX_WIDTH))


def matrix_breaks(framework: Framework, per_page: int) -> list[int]:
    """Sheet columns (1-based; the respondent column is 1) after which a printed Matrix page ends.

    Themes are kept together while they fit; a theme wider than a page is
    split where the page is full.
    """
    breaks: list[int] = []
    used = 0
    column = 1
    for theme in framework.themes:
        size = len(framework.items_in(theme.id))
        if used and used + size > per_page:
            breaks.append(column)
            used = 0
        while size > per_page - used:
            take = per_page - used
            column, size, used = column + take, size - take, 0
            breaks.append(column)
        column, used = column + size, used + size
    return [b for b in breaks if b < 1 + len(framework.item_ids)]
