"""Facts read off one parsed return that several stages need.

Validation, merging and the pipeline all name respondents and read free text
the same way; the helpers live here so those stages need not import each other.
A return is its typed record, :class:`docxform.records.response.Response`, everywhere
past the file it was read from.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docxform.records.response import Response

__all__ = ["respondent_label", "respondent_name", "text_value"]

def text_value(value: Any) -> str:
    """A free-text answer as a string ("" for missing), whatever the JSON held."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def respondent_name(data: Response) -> str | None:
    """The respondent's real name: ``respondent``, else ``fields.completed_by``; None if neither.

    The file stem is not a name (two folders can both hold ``return.docx``),
    so it labels a respondent but never makes two returns duplicates.
    """
    for value in (data.respondent, data.fields.get("completed_by")):
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def respondent_label(data: Response) -> str:
    """What to call a respondent: the name, else the stem of the source file."""
    name = respondent_name(data)
    if name:
        return name
    return PurePath(data.source_path).stem or "unnamed return"

