"""Cell values -> plan values: text, ISO dates, whole numbers.

People type dates into plans however they like ("31/03/2004", "March 2004",
"31st March 04"), and Excel, LibreOffice and openpyxl hand back numbers,
datetimes and strings. Everything is turned into text here, dates into ISO
text (``2004-03-31``; ``2004-03`` when only a month was given, so no day is
invented). Dates are read day-first: these are UK plans.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?$", re.ASCII)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1)
    for name in names
}
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$", re.ASCII)
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$", re.ASCII)
_YM = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_MONTH_YEAR_NUM = re.compile(r"^(\d{1,2})[/.\-](\d{4})$", re.ASCII)
_WORDY = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(\d{2}|\d{4})$", re.ASCII)
_US_WORDY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.ASCII)


def text_of(value: Any) -> str:
    """Any cell value as the text a person would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def is_iso_date(text: str) -> bool:
    """True for a real ``YYYY-MM-DD`` or ``YYYY-MM`` (what :func:`date_of` produces)."""
    return bool(_ISO.match(text)) and _parse_iso(text) == text


def date_of(value: Any) -> tuple[str, bool]:
    """(ISO text, True) for anything that is a date; (the text as typed, False) otherwise.

    Empty cells give ("", True): an empty date is not a bad date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return "", True
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), True
    if isinstance(value, dt.date):
        return value.isoformat(), True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    text = text_of(value)
    parsed = parse_date_text(text)
    return (parsed, True) if parsed else (text, False)


def _serial(number: float) -> tuple[str, bool]:
    """An Excel date serial left in a cell without a date format (1990 to 2099 only)."""
    if 32874 <= number <= 73050:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(number))).isoformat(), True
    return text_of(number), False


def parse_date_text(text: str) -> str | None:
    """A typed date as ISO text, day-first; None when it is not a date."""
    clean = re.sub(r"\s+", " ", text.strip().lower())
    for parse in (_parse_iso, _parse_numeric, _parse_month_year_numeric, _parse_wordy, _parse_us_wordy):
        result = parse(clean)
        if result:
            return result
    return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _iso(year: int, month: int, day: int | None) -> str | None:
    try:
        if day is None:
            dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _parse_iso(text: str) -> str | None:
    match = _YMD.match(text)
    if match:
        return _iso(int(match[1]), int(match[2]), int(match[3]))
    match = _YM.match(text)
    return _iso(int(match[1]), int(match[2]), None) if match else None


def _parse_numeric(text: str) -> str | None:
    match = _NUMERIC.match(text)
    return _iso(_year(match[3]), int(match[2]), int(match[1])) if match else None


def _parse_month_year_numeric(text: str) -> str | None:
    match = _MONTH_YEAR_NUM.match(text)
    return _iso(int(match[2]), int(match[1]), None) if match else None


def _parse_wordy(text: str) -> str | None:
    match = _WORDY.match(text)
    if not match or match[2] not in _MONTHS:
        return None
    day = int(match[1]) if match[1] else None
    return _iso(_year(match[3]), _MONTHS[match[2]], day)


def _parse_us_wordy(text: str) -> str | None:
    match = _US_WORDY.match(text)
    if not match or match[1] not in _MONTHS:
        return None
    return _iso(int(match[3]), _MONTHS[match[1]], int(match[2]))


def whole_number_of(value: Any) -> int | None:
    """A priority: a positive whole number, or None when the cell holds something else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()) and int(value.strip()) > 0:
        return int(value.strip())  # ASCII digits only: "²" passes isdigit() and fails int()
    return None


_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)


def item_id_of(value: Any) -> str:
    """A standard's id as typed: ``1.1`` whether it came back as text or as a number."""
    return text_of(value).rstrip(".").strip()
