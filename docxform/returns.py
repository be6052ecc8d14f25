"""Facts read off one parsed return that several stages need.

Validation, merging and the pipeline all name respondents and read free text
the same way; the helpers live here so those stages need not import each other.
A return is the typed :class:`docxform.response.Response` (what validation,
merge and collate read) or, in the survey round, the parse JSON its store
keeps (identity and ingest read that): :func:`header_of` reads who it is from
out of either.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docxform.response import Response

__all__ = ["header_of", "respondent_label", "respondent_name", "text_value"]

def header_of(data: dict[str, Any] | Response) -> tuple[Any, Any, dict[str, Any]]:
    """(respondent, form_id, fields) of a return, JSON or record; fields is {} when a file's are not an object."""
    if isinstance(data, dict):
        fields = data.get("fields")
        return data.get("respondent"), data.get("form_id"), fields if isinstance(fields, dict) else {}
    return data.respondent, data.form_id, data.fields


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

