"""docProps/core.xml: the document's own last-saved time (dcterms:modified).

Who-is-who (:mod:`docxform.survey.identity`) needs it to tell which of two versions
of one person's return is the later when no e-mail Date says so. Read here
because this is the only layer that knows OOXML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.oxml.package import Package, open_package

DCTERMS = "http://purl.org/dc/terms/"
CORE = "docProps/core.xml"


def last_saved(path: str | Path) -> str | None:
    """dcterms:modified as ISO 8601 UTC (``2004-03-01T10:00:00Z``), or None when absent or unreadable.

    Never raises for a damaged file: the time only orders versions, and a
    file that cannot be read is reported by the parser, not here.
    """
    try:
        with open_package(path, kind="docx") as pkg:
            return saved_time(pkg)
    except DocxformError:
        return None


def saved_time(pkg: Package) -> str | None:
    """dcterms:modified of a package already open (the parse reads it there: one read of each return).

    None when absent or unreadable, as :func:`last_saved`.
    """
    try:
        if not pkg.has(CORE):
            return None
        node = pkg.xml(CORE).find(f"{{{DCTERMS}}}modified")
    except DocxformError:
        return None
    return to_utc(node.text) if node is not None and node.text else None


def to_utc(text: str) -> str | None:
    """A W3CDTF time as ISO 8601 UTC with seconds; None when it is not one."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
