"""The survey round: who was sent what, who returned, what changed; nothing lost.

``start`` makes the forms and the store, ``ingest`` receives returns (files,
folders, e-mail), ``status`` says who is outstanding, ``report`` writes the
outputs from the current returns, ``verify`` checks the round is whole; each
is the function of that name in the module of that name (``docxform.api``
has them as ``round_start`` ...). See docs/round.md.

Nothing is imported here until it is used (PEP 562): ``round status`` needs
neither the report's writers nor the form generator, and importing them
cost more than the status of a thousand respondents. (The functions are not
re-exported: a package attribute ``status`` would be the function or the
module depending on what was imported first.)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docxform.round.ingest import IngestResult
    from docxform.round.report import ReportResult, current_merged
    from docxform.round.start import StartResult
    from docxform.round.status import RoundStatus

_WHERE = {"IngestResult": "ingest", "ReportResult": "report", "current_merged": "report", "StartResult": "start",
          "RoundStatus": "status"}

__all__ = ["IngestResult", "ReportResult", "RoundStatus", "StartResult", "current_merged"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"docxform.round.{_WHERE[name]}"), name)
