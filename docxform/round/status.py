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
    sender: str | None = None  # the e-mail's sender (SMTP address), when it came by e-mail (.eml, .msg)
    sent_at: str | None = None  # the time the e-mail was sent
    subject: str | None = None  # the e-mail's subject


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
            for v in r.history:
                lines += _mailed(v)
                lines += [f"      changed {c['item']} {c['field']}: {_short(c['before'])} -> {_short(c['after'])}"
                          for c in v.changes]
        lines += [f"  unreadable  {u['file']}: {u['error']}" for u in self.unreadable]
        return "\n".join(lines)


def _mailed(version: VersionRow) -> list[str]:
    """The e-mail a version came with, as evidence: sender, time sent and subject (none for a file handed in)."""
    if not (version.sender or version.sent_at):
        return []
    subject = f": {_short(version.subject, 60)}" if version.subject else ""
    return [f"      {version.file} e-mailed by {version.sender or 'an unknown sender'}"
            f"{', sent ' + version.sent_at if version.sent_at else ''}{subject}"]


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


@dataclass(frozen=True)
class RoundRecords:
    """What the round's store holds, read once per command: its info, people, receipts (by id) and versions."""

    folder: Path
    info: RoundInfo
    people: list[Person]
    receipts: dict[int, Receipt]
    versions: list[Version]


def read_round(store: Store, *, parsed: bool = True) -> RoundRecords:
    """Every table the status and the report need, each read once.

    With ``parsed=False`` (the status alone) a return's parse JSON is read only for people with
    several versions (what changed between them): reading it is most of the cost of reading the
    store, and a round of 1,000 then reads in a fraction of a second rather than seconds.
    """
    versions = store.versions() if parsed else store.versions(parsed=False)
    if not parsed:
        count: dict[int, int] = {}
        for v in versions:
            if v.person_id is not None:
                count[v.person_id] = count.get(v.person_id, 0) + 1
        for v in versions:
            if count.get(v.person_id or -1, 0) > 1:
                v.parsed = store.parsed(v.receipt_id)
    return RoundRecords(store.folder, store.info(), store.people(), {r.id: r for r in store.receipts()}, versions)


def build_status(store: Store) -> RoundStatus:
    return status_of(read_round(store, parsed=False))


def status_of(records: RoundRecords) -> RoundStatus:
    """The round's status from its records (no further reads of the store)."""
    receipts = records.receipts
    by_person: dict[int, list[Version]] = {}
    for v in records.versions:
        if v.person_id is not None:
            by_person.setdefault(v.person_id, []).append(v)
    rows = [_row(p, ordered(by_person.get(p.id, []), receipts), receipts) for p in records.people]
    unreadable = [{"file": r.name, "origin": r.origin, "error": r.error or ""} for r in receipts.values() if r.error]
    plans = [records.folder / receipts[v.receipt_id].stored for v in records.versions if v.kind == "plan"]
    return RoundStatus(records.info, rows, unreadable, len(receipts), plans)


def ordered(versions: list[Version], receipts: dict[int, Receipt]) -> list[Version]:
    """A person's versions, earliest first; the last is the current one (one key for all: identity.version_order)."""
    times = [Times(receipts[v.receipt_id].sent_at, receipts[v.receipt_id].saved_at, v.receipt_id) for v in versions]
    return [versions[i] for i in version_order(times)]


def current_of(records: RoundRecords) -> list[Version]:
    """The current return of every person, in the order of the people (issued first, then found)."""
    by_person: dict[int, list[Version]] = {}
    for v in records.versions:
        if v.person_id is not None and v.kind == "form":
            by_person.setdefault(v.person_id, []).append(v)
    return [ordered(by_person[p.id], records.receipts)[-1] for p in records.people if p.id in by_person]


def _row(person: Person, versions: list[Version], receipts: dict[int, Receipt]) -> RespondentRow:
    history = []
    for i, v in enumerate(versions):
        receipt = receipts[v.receipt_id]
        history.append(VersionRow(file=receipt.name, received=receipt.received_at, when=receipt.when,
                                  errors=v.errors, warnings=v.warnings, current=i == len(versions) - 1,
                                  notices=v.notices,
                                  changes=changes(versions[i - 1].parsed, v.parsed) if i else [],
                                  sender=receipt.sender, sent_at=receipt.sent_at, subject=receipt.subject))
    state = OUTSTANDING if not versions else RETURNED if len(versions) == 1 else RESUBMITTED
    last = history[-1] if history else None
    return RespondentRow(id=person.id, name=person.name, email=person.email, organisation=person.organisation, role=person.role,
                         form=person.form_file, issued=person.issued, state=state, versions=len(versions),
                         received=max((v.received for v in history), default=None),
                         errors=last.errors if last else 0,
                         warnings=last.warnings if last else 0, history=history)
