"""How a sheet prints: fitted to the page's width when that keeps its text readable, else split.

A spreadsheet "fitted to one page wide" is shrunk until it fits; ten
organisations' columns on A4 came out at 4.5 pt. The rule here: text prints
at no less than :data:`MIN_POINTS`. A sheet whose columns fit the page at a
scale that keeps the default 11 pt text at 8 pt or more is fitted; a wider
one is printed at that smallest scale and its columns run on to further
pages (the caller repeats its heading columns and header row on each).

Widths are in Excel's units (the digit 0 of the default font). An A4
landscape page between the margins holds :data:`PAGE_UNITS` of them at
100% where LibreOffice falls back to DejaVu Sans (measured on the Debian
build machine: 15 units printed 3.7 cm wide; Excel's Calibri is narrower,
so Excel prints the same sheet a little larger).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

PAGE_UNITS = 103
#: The size of a sheet's text at 100% (openpyxl's default font), and the least it may print at.
BASE_POINTS = 11.0
MIN_POINTS = 8.0
#: The smallest print scale, in percent: 11 pt at 75% is 8.25 pt.
MIN_SCALE = math.ceil(100 * MIN_POINTS / BASE_POINTS / 5) * 5


def fits_page(widths: Sequence[float]) -> bool:
    """True when the columns, fitted to the page's width, still print at MIN_POINTS or more."""
    return sum(widths) * MIN_SCALE / 100 <= PAGE_UNITS


def page_capacity(scale: int = MIN_SCALE) -> float:
    """The width units one printed page holds at ``scale`` percent."""
    return PAGE_UNITS * 100 / scale
