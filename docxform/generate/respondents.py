"""The respondents file: who gets a personalised form (name, organisation, role, email)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.io.files import read_text_input

REQUIRED = ("name",)
KNOWN = ("name", "organisation", "role", "email")
MAX_RESPONDENTS = 10_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Respondent:
    name: str
    organisation: str = ""
    role: str = ""
    email: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(text: str) -> str:
    """A file-name-safe, predictable form of a name: ``Jane O'Neil`` -> ``jane-o-neil``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "respondent"


def read_respondents(path: Path) -> list[Respondent]:
    """Read and check the CSV; every problem is a one-line error naming file and line."""
    text = read_text_input(path, limit=MAX_BYTES, what="respondents file")
    if "\x00" in text:
        raise DocxformError(path, f"line {text[:text.index(chr(0))].count(chr(10)) + 1}: contains a NUL character; "
                            "not a CSV text file")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        return _respondents(reader, path)
    except csv.Error as exc:
        raise DocxformError(path, f"not valid CSV ({exc}); check the quotes") from None


def _respondents(reader: csv.DictReader[str], path: Path) -> list[Respondent]:
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise DocxformError(path, f"missing column(s): {', '.join(missing)} (found: {', '.join(headers) or 'none'})",
                            hint="the first line must name the columns: name,organisation,role,email")
    people: list[Respondent] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        if not any(clean.values()):
            continue
        person = Respondent(**{k: clean.get(k, "") for k in KNOWN})
        if not person.name:
            raise DocxformError(f"{path}:{line}", "empty name")
        if person.slug in seen:
            raise DocxformError(f"{path}:{line}", f"duplicate name {person.name!r} (also on line {seen[person.slug]})",
                                hint="each respondent needs a distinct name")
        seen[person.slug] = line
        people.append(person)
        if len(people) > MAX_RESPONDENTS:
            raise DocxformError(path, f"more than {MAX_RESPONDENTS:,} respondents")
    if not people:
        raise DocxformError(path, "no respondents listed")
    return people
