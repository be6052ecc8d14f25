"""Each respondent's problems with their current return, and that return's feedback copy on demand.

``round report`` writes feedback copies for everyone at once; the console
(docxform.serve) shows one person's problems beside the copy to send them,
made from their current return when asked, so it is never older than the
return it comments on. The findings are the report's own
(:func:`docxform.round.report.current_returns`: survey-stage validation, each
return read and validated once), and only the problems a respondent can put
right go into the copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docxform.core.problems import Problem, severity_count
from docxform.framework import load_framework
from docxform.records.round import Person
from docxform.round.report import CurrentReturn, current_returns
from docxform.round.status import RoundRecords, read_round
from docxform.round.store import open_store


@dataclass
class RespondentProblems:
    """One person's current return (file name as received) and what validation found in it."""

    person: Person
    file: str
    problems: list[Problem] = field(default_factory=list)
    #: Problems the respondent can put right, in a .docx that can take Word comments: a copy can be made.
    can_feedback: bool = False

    @property
    def errors(self) -> int:
        return severity_count(self.problems, "error")

    @property
    def warnings(self) -> int:
        return severity_count(self.problems, "warning")


def problems(folder: str | Path) -> list[RespondentProblems]:
    """Everyone with a current return, in the order of the people, with that return's problems."""
    records, current = _current(folder)
    people = {p.id: p for p in records.people}
    out = []
    for entry in current:
        person = people.get(entry.version.person_id or -1)
        if person is not None:
            receipt = records.receipts[entry.version.receipt_id]
            out.append(RespondentProblems(person, receipt.name, entry.problems,
                                          can_feedback=bool(_for_feedback(entry)) and receipt.stored.endswith(".docx")))
    return out


def feedback_for(folder: str | Path, person_id: int, output: Path) -> Path | None:
    """The feedback copy of one person's current return written to ``output``; None when there is nothing to say.

    The same copy ``round report`` writes for them (docxform.reports.feedback.feedback_copy).
    """
    from docxform.reports.feedback import feedback_copy

    records, current = _current(folder)
    entry = next((e for e in current if e.version.person_id == person_id), None)
    if entry is None:
        return None
    source = records.folder / records.receipts[entry.version.receipt_id].stored
    chosen = _for_feedback(entry)
    if not chosen or source.suffix != ".docx":
        return None
    feedback_copy(source, chosen, output, framework=load_framework(records.info.framework))
    return output


def _current(folder: str | Path) -> tuple[RoundRecords, list[CurrentReturn]]:
    with open_store(folder) as store:
        records = read_round(store)
    return records, current_returns(records, load_framework(records.info.framework))


def _for_feedback(entry: CurrentReturn) -> list[Problem]:
    from docxform.reports.feedback import RESPONDENT_CODES

    return [p for p in entry.problems if p.code in RESPONDENT_CODES]
