"""Each respondent's problems with their current return, and that return's feedback copy on demand.

``round report`` writes feedback copies for everyone at once; the console
(docxform.serve) shows one person's problems beside the copy to send them,
made from their current return when asked, so it is never older than the
return it comments on. The rules are the report's: survey-stage validation,
and only the problems a respondent can put right go into the copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docxform.core.problems import Problem
from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.records.response import Response
from docxform.records.round import Person, Receipt, Version
from docxform.round.status import current_versions
from docxform.round.store import Store, open_store


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
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)


def problems(folder: str | Path) -> list[RespondentProblems]:
    """Everyone with a current return, in the order of the people, with that return's problems."""
    from docxform.reports.feedback import RESPONDENT_CODES

    with open_store(folder) as store:
        fw = load_framework(store.info().framework)
        receipts = {r.id: r for r in store.receipts()}
        people = {p.id: p for p in store.people()}
        out = []
        for version in current_versions(store):
            person = people.get(version.person_id or -1)
            if person is None:
                continue
            found = _validate(version, fw)
            receipt = receipts[version.receipt_id]
            out.append(RespondentProblems(person, receipt.name, found, can_feedback=receipt.stored.endswith(".docx")
                                          and any(p.code in RESPONDENT_CODES for p in found)))
        return out


def feedback_for(folder: str | Path, person_id: int, output: Path) -> Path | None:
    """The feedback copy of one person's current return written to ``output``; None when there is nothing to say.

    The same copy ``round report`` writes for them (docxform.reports.feedback.feedback_copy).
    """
    from docxform.reports.feedback import RESPONDENT_CODES, feedback_copy

    with open_store(folder) as store:
        fw = load_framework(store.info().framework)
        version, receipt = _current_of(store, person_id)
        if version is None or receipt is None or not receipt.stored.endswith(".docx"):
            return None
        chosen = [p for p in _validate(version, fw) if p.code in RESPONDENT_CODES]
        if not chosen:
            return None
        feedback_copy(store.folder / receipt.stored, chosen, output, framework=fw)
        return output


def _current_of(store: Store, person_id: int) -> tuple[Version | None, Receipt | None]:
    for version in current_versions(store):
        if version.person_id == person_id:
            receipt = next((r for r in store.receipts() if r.id == version.receipt_id), None)
            return version, receipt
    return None, None


def _validate(version: Version, fw: Framework) -> list[Problem]:
    from docxform.validate.rules import validate_return

    return validate_return(Response.from_dict(version.parsed), fw, expected=fw, stage="survey")
