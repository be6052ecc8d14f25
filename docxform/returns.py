"""Facts read off one parsed return (a parse JSON dict) that several stages need.

Validation, merging and the pipeline all name respondents and read free text
the same way; the helpers live here so those stages need not import each other.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

__all__ = ["respondent_label", "respondent_name", "source_of", "text_value"]


def text_value(value: Any) -> str:
    """A free-text answer as a string ("" for missing), whatever the JSON held."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def respondent_name(data: dict[str, Any]) -> str | None:
    """The respondent's real name: ``respondent``, else ``fields.completed_by``; None if neither.

    The file stem is not a name (two folders can both hold ``return.docx``),
    so it labels a respondent but never makes two returns duplicates.
    """
    for value in (data.get("respondent"), (data.get("fields") or {}).get("completed_by")):
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def respondent_label(data: dict[str, Any]) -> str:
    """What to call a respondent: the name, else the stem of the source file."""
    name = respondent_name(data)
    if name:
        return name
    path = source_of(data).get("path") or ""
    return PurePath(str(path)).stem or "unnamed return"


def source_of(data: dict[str, Any]) -> dict[str, Any]:
    """The return's ``source`` record, or {} when a hand-edited file lost it."""
    source = data.get("source")
    return source if isinstance(source, dict) else {}
