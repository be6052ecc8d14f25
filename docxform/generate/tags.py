"""The stable keys carried by content controls (``w:tag``) and their aliases.

Tags name what a control holds, not where it is, so a parser can find an
answer wherever a respondent has moved the row. The framework id is not in
the tag (it is in the document's custom properties), which keeps tags short.
"""

from __future__ import annotations

PREFIX = "dxf"


def item_tag(item_id: str, field: str, level: str | None = None) -> str:
    return f"{PREFIX}:{item_id}:{field}" + (f":{level}" if level else "")


def form_tag(key: str) -> str:
    return f"{PREFIX}:form:{key}"


def table_tag(table: str, row: str, column: int) -> str:
    return f"{PREFIX}:table:{table}:{row}:{column}"


def people_tag(index: int, column: str) -> str:
    return f"{PREFIX}:people:{index}:{column}"


def agreed_tag(item_id: str) -> str:
    """The "Agreed at the meeting" box of a disputed item on a consolidated form (not an answer)."""
    return f"{PREFIX}:agreed:{item_id}"
