"""Where the round stands: who returned, who is outstanding, what each version changed.

The current return of a person is their latest version, "latest" by the
identity rules (e-mail Date, else last-saved time, else order received);
every version is kept and listed. ``status --json`` is documented by
docxform/schemas/round-status.schema.json.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from docxform.core.problems import counted
from docxform.io.safety import looks_like_formula
from docxform.records.round import Person, Receipt, RoundInfo, Version
from docxform.round.store import Store, open_store
from docxform.survey.identity import Times, changes, version_order

OUTSTANDING, RETURNED, RESUBMITTED = "outstanding", "returned", "resubmitted"


@dataclass
class VersionRow:
    file: str
    received: str
    when: str
    errors: int
    warnings: int
    current: bool
    notices: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # against the previous version


@dataclass
class RespondentRow:
    name: str
    email: str
    organisation: str
    role: str
    form: str | None
    issued: bool
    state: str
    versions: int
    received: str | None
    errors: int
    warnings: int
    history: list[VersionRow] = field(default_factory=list)
    id: int = 0  # the person's id in the store: stable, what the console's links name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RoundStatus:
    info: RoundInfo
    respondents: list[RespondentRow]
    unreadable: list[dict[str, str]]
    receipts: int
    plans: list[Path] = field(default_factory=list)  # the round's copies of the plan workbooks received
    #: The day the status was taken (YYYY-MM-DD), for what is overdue; None in the report, whose
    #: outputs depend only on the store.
    today: str | None = None

    @property
    def past_due(self) -> bool:
        """Whether the round's due date has passed (on :attr:`today`)."""
        return bool(self.info.due and self.today and self.today > self.info.due)

    def is_overdue(self, row: RespondentRow) -> bool:
        return self.past_due and row.issued and row.state == OUTSTANDING

    @property
    def invited(self) -> int:
        return sum(r.issued for r in self.respondents)

    @property
    def returned(self) -> int:
        return sum(r.state != OUTSTANDING for r in self.respondents if r.issued)

    def counts(self) -> dict[str, int]:
        states = [r.state for r in self.respondents]
        counts = {"invited": self.invited, "returned": self.returned, "outstanding": states.count(OUTSTANDING),
                  "resubmitted": states.count(RESUBMITTED), "unmatched": sum(not r.issued for r in self.respondents),
                  "receipts": self.receipts, "unreadable": len(self.unreadable)}
        if self.today is not None and self.info.due:
            counts["overdue"] = sum(self.is_overdue(r) for r in self.respondents)
        return counts

    def returned_line(self) -> str:
        """ "11 of 12 returned" (or "8 returns" for a generic form sent to people not listed)."""
        if self.invited:
            return f"{self.returned} of {self.invited} returned"
        return f"{len(self.respondents)} returns"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "round-status", "round": self.info.to_dict(), "counts": self.counts(),
                "respondents": [r.to_dict() for r in self.respondents], "unreadable": self.unreadable}

    def chase_csv(self) -> str:
        """The outstanding people with their e-mail, to chase."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "email", "organisation", "role", "form"])
        for r in self.respondents:
            if r.state == OUTSTANDING:
                writer.writerow([_as_text(v) for v in (r.name, r.email, r.organisation, r.role, r.form or "")])
        return out.getvalue()

    def to_text(self) -> str:
        due = f", due {self.info.due}{' (passed)' if self.past_due else ''}" if self.info.due else ""
        lines = [f"{self.info.framework} round{' for ' + self.info.partnership if self.info.partnership else ''}"
                 f"{due}: {self.returned_line()}"]
        for r in self.respondents:
            where = "" if r.issued else " [matches no issued form]"
            got = f", last received {r.received[:19]}" if r.received else ""
            state = "overdue" if self.is_overdue(r) else r.state
            lines.append(f"  {state:<11} {r.name}{' <' + r.email + '>' if r.email else ''}{where}: "
                         f"{counted(r.versions, 'version')}{got}, {counted(r.errors, 'error')}, {counted(r.warnings, 'warning')}")
            lines += [f"      changed {c['item']} {c['field']}: {_short(c['before'])} -> {_short(c['after'])}"
                      for v in r.history for c in v.changes]
        lines += [f"  unreadable  {u['file']}: {u['error']}" for u in self.unreadable]
        return "\n".join(lines)


def _as_text(value: str) -> str:
    """A cell Excel keeps as text: respondents' text that looks like a formula gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def _short(value: Any, limit: int = 40) -> str:
    text = "(none)" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def status(folder: str | Path, today: str | None = None) -> RoundStatus:
    """The round's status, read from its store; ``today`` (YYYY-MM-DD) marks who is overdue."""
    with open_store(folder) as store:
        state = build_status(store)
    state.today = today
    return state


def build_status(store: Store) -> RoundStatus:
    """The status from the store; the returns' parse JSON is read only for people with several versions
    (what changed between them), so a round of 1,000 reads in a fraction of a second."""
    receipts = {r.id: r for r in store.receipts()}
    versions = store.versions(parsed=False)
    by_person: dict[int, list[Version]] = {}
    for v in versions:
        if v.person_id is not None:
            by_person.setdefault(v.person_id, []).append(v)
    for several in (vs for vs in by_person.values() if len(vs) > 1):
        for v in several:
            v.parsed = store.parsed(v.receipt_id)
    rows = [_row(p, ordered(by_person.get(p.id, []), receipts), receipts) for p in store.people()]
    unreadable = [{"file": r.name, "origin": r.origin, "error": r.error or ""} for r in receipts.values() if r.error]
    plans = [store.folder / receipts[v.receipt_id].stored for v in versions if v.kind == "plan"]
    return RoundStatus(store.info(), rows, unreadable, len(receipts), plans)


def ordered(versions: list[Version], receipts: dict[int, Receipt]) -> list[Version]:
    """A person's versions, earliest first; the last is the current one (one key for all: identity.version_order)."""
    times = [Times(receipts[v.receipt_id].sent_at, receipts[v.receipt_id].saved_at, v.receipt_id) for v in versions]
    return [versions[i] for i in version_order(times)]


def current_versions(store: Store) -> list[Version]:
    """The current return of every person, in the order of the people (issued first, then found)."""
    receipts = {r.id: r for r in store.receipts()}
    by_person: dict[int, list[Version]] = {}
    for v in store.versions():
        if v.person_id is not None and v.kind == "form":
            by_person.setdefault(v.person_id, []).append(v)
    return [ordered(by_person[p.id], receipts)[-1] for p in store.people() if p.id in by_person]


def _row(person: Person, versions: list[Version], receipts: dict[int, Receipt]) -> RespondentRow:
    history = []
    for i, v in enumerate(versions):
        receipt = receipts[v.receipt_id]
        history.append(VersionRow(file=receipt.name, received=receipt.received_at, when=receipt.when,
                                  errors=v.errors, warnings=v.warnings, current=i == len(versions) - 1,
                                  notices=v.notices,
                                  changes=changes(versions[i - 1].parsed, v.parsed) if i else []))
    state = OUTSTANDING if not versions else RETURNED if len(versions) == 1 else RESUBMITTED
    last = history[-1] if history else None
    return RespondentRow(id=person.id, name=person.name, email=person.email, organisation=person.organisation, role=person.role,
                         form=person.form_file, issued=person.issued, state=state, versions=len(versions),
                         received=max((v.received for v in history), default=None),
                         errors=last.errors if last else 0,
                         warnings=last.warnings if last else 0, history=history)
