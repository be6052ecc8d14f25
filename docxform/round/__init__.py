"""The survey round: who was sent what, who returned, what changed; nothing lost.

``start`` makes the forms and the store, ``ingest`` receives returns (files,
folders, e-mail), ``status`` says who is outstanding, ``report`` writes the
outputs from the current returns. See docs/round.md.
"""

from docxform.round.ingest import IngestResult, ingest
from docxform.round.report import ReportResult, current_merged, report
from docxform.round.start import StartResult, start
from docxform.round.status import RoundStatus, status

__all__ = ["IngestResult", "ReportResult", "RoundStatus", "StartResult", "current_merged", "ingest", "report",
           "start", "status"]
