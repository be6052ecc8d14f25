"""Parsed returns as the merge takes them: typed records read from their parse JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docxform.records.response import Response


def records(returns: Iterable[dict[str, Any]]) -> list[Response]:
    """Each parse JSON dict (as a test builds it, or as ``parse`` gives it) read into its record."""
    return [Response.from_dict(data) for data in returns]
