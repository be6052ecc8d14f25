"""Where the round stands: who returned, who is outstanding, what each version changed.

The current return of a person is their latest counted version, "latest" by
the identity rules (plausible e-mail Date, else last-saved time, else order
received); every version is kept and listed, with the evidence of who sent it
and the verdict on it. Held returns (conflicting evidence) come first, with
the command that settles each; the coordinator's corrections
(:mod:`docxform.round.corrections`) are applied and listed. ``status --json``
is documented by docxform/schemas/round-status.schema.json.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from docxform.core.problems import counted
from docxform.io.safety import looks_like_formula, shown
from docxform.records.decisions import Decisions
from docxform.records.round import FROM_INGEST, Event, Person, Receipt, RoundInfo, Version
from docxform.round.corrections import COUNTED, HELD, UNDO, Effective, describe, effective_of
from docxform.round.store import Store, open_store
from docxform.survey.identity import WEAKER, Times, changes, fold, version_order

OUTSTANDING, RETURNED, RESUBMITTED, WITHDRAWN = "outstanding", "returned", "resubmitted", "withdrawn"


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
    receipt: int = 0  # the receipt's number (for round assign / withdraw)
    state: str = COUNTED  # counted | held | withdrawn (after the corrections)
    verdict: str = ""  # confirmed | probable | conflicting, on the evidence at ingest
    when_from: str = FROM_INGEST  # which time ``when`` is: e-mail Date, last saved, received
    alerts: list[str] = field(default_factory=list)  # warnings on the receipt (a Date not believed)
    evidence: dict[str, Any] = field(default_factory=dict)
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
    received_from: str | None = None  # which time ``received`` is (e-mail Date, last saved, received)
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
    held: list[dict[str, Any]] = field(default_factory=list)  # returns waiting for the coordinator's decision
    events: list[dict[str, Any]] = field(default_factory=list)  # the corrections, each with ``in_effect``
    decisions: Decisions = field(default_factory=dict)  # the meeting's agreed levels in effect
    drafts: list[Path] = field(default_factory=list)  # the chase e-mail drafts written (write_chase)
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
        return sum(r.issued and r.state != WITHDRAWN for r in self.respondents)

    @property
    def returned(self) -> int:
        return sum(r.state in (RETURNED, RESUBMITTED) for r in self.respondents if r.issued)

    def counts(self) -> dict[str, int]:
        states = [r.state for r in self.respondents]
        outstanding = sum(r.state == OUTSTANDING and r.issued for r in self.respondents)  # the invited only
        counts = {"invited": self.invited, "returned": self.returned, "outstanding": outstanding,
                  "resubmitted": states.count(RESUBMITTED),
                  "unmatched": sum(not r.issued and r.state != WITHDRAWN for r in self.respondents),
                  "receipts": self.receipts, "unreadable": len(self.unreadable), "held": len(self.held),
                  "withdrawn": states.count(WITHDRAWN)}
        if self.today is not None and self.info.due:
            counts["overdue"] = sum(self.is_overdue(r) for r in self.respondents)
        return counts

    def returned_line(self) -> str:
        """ "11 of 12 returned" (or "8 returns" for a generic form sent to people not listed)."""
        if self.invited:
            return f"{self.returned} of {self.invited} returned"
        return f"{len(self.respondents)} returns"

    def to_dict(self, *, undone: bool = True) -> dict[str, Any]:
        """The status as JSON; ``undone=False`` (the report) lists only the corrections in effect (not the undos),
        so undoing one gives the outputs of before byte for byte."""
        return {"kind": "round-status", "round": self.info.to_dict(), "counts": self.counts(),
                "held": self.held, "respondents": [r.to_dict() for r in self.respondents],
                "unreadable": self.unreadable,
                "corrections": [e for e in self.events if undone or (e["in_effect"] and e["kind"] != UNDO)],
                "decisions": {k: {"level": d.level, "note": d.note, "decided_at": d.decided_at}
                              for k, d in sorted(self.decisions.items())}}

    def chase_csv(self) -> str:
        """The outstanding people with their e-mail, to chase."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "email", "organisation", "role", "form"])
        for r in self.respondents:
            if r.state == OUTSTANDING and r.issued:
                writer.writerow([_as_text(v) for v in (r.name, r.email, r.organisation, r.role, r.form or "")])
        return out.getvalue()

    def to_text(self) -> str:
        due = f", due {self.info.due}{' (passed)' if self.past_due else ''}" if self.info.due else ""
        lines = [f"{self.info.framework} round{' for ' + self.info.partnership if self.info.partnership else ''}"
                 f"{due}: {self.returned_line()}"]
        for h in self.held:
            lines.append(f"  HELD        receipt {h['receipt']} {h['file']!r}, claimed by {h['claimed']}: "
                         f"{'; '.join(h['reasons']) or 'conflicting evidence'}")
            lines.append(f"      settle with: {h['settle']}")
        for r in self.respondents:
            where = "" if r.issued else " [matches no issued form]"
            got = f", last received {r.received[:19]} ({r.received_from})" if r.received else ""
            state = "overdue" if self.is_overdue(r) else r.state
            lines.append(f"  {state:<11} {r.name}{' <' + r.email + '>' if r.email else ''}{where}: "
                         f"{counted(r.versions, 'version')}{got}, {counted(r.errors, 'error')}, {counted(r.warnings, 'warning')}")
            for v in r.history:
                lines += _version_lines(v)
        lines += [f"  unreadable  {u['file']}: {u['error']}" for u in self.unreadable]
        lines += [f"  correction {e['event']} ({e['at'][:19]}){'' if e['in_effect'] else ' [undone]'}: {e['text']}"
                  for e in self.events]
        return "\n".join(shown(line) for line in lines)  # names and e-mails are the respondents': never escapes


def _version_lines(v: VersionRow) -> list[str]:
    """One version in a person's history: its state and verdict, the e-mail it came with, a weaker-evidence
    note (docxform.survey.identity.weaker_note) and what it changed."""
    lines = [f"      receipt {v.receipt} {v.file!r}: {v.state}, {v.verdict or 'probable'}, "
             f"{v.when[:19]} ({v.when_from})" + "".join(f"; WARNING {a}" for a in v.alerts)]
    lines += _mailed(v)
    lines += [f"      NOTE {n}" for n in v.notices if n.startswith(WEAKER)]
    return lines + [f"      changed {c['item']} {c['field']}: {_short(c['before'])} -> {_short(c['after'])}"
                    for c in v.changes]


def _mailed(version: VersionRow) -> list[str]:
    """The e-mail a version came with, as evidence: sender, time sent and subject (none for a file handed in)."""
    if not (version.sender or version.sent_at):
        return []
    subject = f": {_short(version.subject, 60)}" if version.subject else ""
    return [f"      {version.file} e-mailed by {version.sender or 'an unknown sender'}"
            f"{', sent ' + version.sent_at if version.sent_at else ''}{subject}"]


def write_chase(state: RoundStatus, round_folder: Path, csv_path: Path) -> list[Path]:
    """The chase list (CSV) and one e-mail draft per outstanding person, beside it in ``<stem>-drafts/``.

    Each draft is an .eml marked unsent (``X-Unsent: 1``: Outlook opens it as
    a message to send, Thunderbird as a draft): their address, a subject, a
    short text to edit, and their own form attached (a generic form's
    recipients get the generic form). Drafts of people no longer outstanding
    are removed, so the folder holds only people to chase now.
    """
    from docxform.generate.respondents import slugify
    from docxform.io.files import write_file

    write_file(csv_path, state.chase_csv())
    folder = csv_path.parent / f"{csv_path.stem}-drafts"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for row in state.respondents:
        if row.state == OUTSTANDING and row.issued:
            target = folder / f"{slugify(row.name)}.eml"
            write_file(target, chase_draft(state, row, round_folder))
            written.append(target)
    for old in folder.glob("*.eml"):
        if old not in written:
            old.unlink()
    state.drafts = written
    return written


def chase_draft(state: RoundStatus, row: RespondentRow, round_folder: Path) -> bytes:
    """One unsent e-mail (RFC 5322 bytes) asking ``row`` for their return, with their form attached."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP

    name = " ".join(row.name.split())
    msg = EmailMessage(policy=SMTP)
    msg["X-Unsent"] = "1"
    if row.email and "@" in row.email:
        user, _, domain = " ".join(row.email.split()).rpartition("@")
        msg["To"] = Address(display_name=name, username=user, domain=domain)
    what = f"{state.info.framework} self-assessment" + (f" for {state.info.partnership}" if state.info.partnership
                                                         else "")
    due = f" by {state.info.due}" if state.info.due else ""
    msg["Subject"] = f"Reminder: your {what} return"
    msg.set_content(f"Dear {name},\n\nWe have not yet received your return for the {what}. Your form is "
                    f"attached: please fill it in and send it back{due}.\n\nThank you.\n")
    form = round_folder / "forms" / row.form if row.form else None
    if form is not None and form.is_file():
        msg.add_attachment(form.read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=form.name)
    return bytes(msg)


def _as_text(value: str) -> str:
    """A cell Excel keeps as text: respondents' text that looks like a formula gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def _short(value: Any, limit: int = 40) -> str:
    text = "(none)" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def status(folder: str | Path, today: str | None = None) -> RoundStatus:
    """The round's status, read from its store; ``today`` (YYYY-MM-DD) marks who is overdue."""
    with open_store(folder, readonly=True) as store, store.reading():
        state = build_status(store)
    state.today = today
    return state


@dataclass(frozen=True)
class RoundRecords:
    """What the round's store holds, read once per command: its info, people, receipts (by id), versions
    and the coordinator's corrections."""

    folder: Path
    info: RoundInfo
    people: list[Person]
    receipts: dict[int, Receipt]
    versions: list[Version]
    events: list[Event] = field(default_factory=list)

    def effective(self) -> Effective:
        """The versions with the corrections in effect applied (docxform.round.corrections)."""
        return effective_of(self.versions, self.people, self.events)

    def labels(self) -> dict[int, str]:
        """Each person's name as the outputs show it (docxform.round.status.distinct_names)."""
        return distinct_names(self.people)


def distinct_names(people: list[Person]) -> dict[int, str]:
    """Person id -> a name no other person of the round has: the name, told apart where two share it.

    ``round assign --new`` names a stranger by the name typed, which may be a listed person's: in the
    merged data two "Ann Archer" would be one person to the reader. The first of the name (in the
    order added: the invited come first) keeps it; each later one gets their e-mail address, else a
    number: "Ann Archer (stranger@elsewhere.example)", "Ann Archer (2)".
    """
    labels: dict[int, str] = {}
    taken: set[str] = set()
    for person in people:
        label, n = person.name, 1
        if fold(label) in taken and person.email:
            label = f"{person.name} ({person.email})"
        while fold(label) in taken:
            n += 1
            label = f"{person.name} ({n})"
        taken.add(fold(label))
        labels[person.id] = label
    return labels


def read_round(store: Store, *, parsed: bool = True) -> RoundRecords:
    """Every table the status and the report need, each read once (``parsed=False``: see :meth:`Store.versions`)."""
    return RoundRecords(store.folder, store.info(), store.people(), {r.id: r for r in store.receipts()},
                        store.versions(parsed=parsed), store.events())


def build_status(store: Store) -> RoundStatus:
    """The status from one snapshot of the store (the caller holds :meth:`Store.reading`).

    Only the versions of people with more than one are decoded (to say what
    changed): a round of a thousand first returns decodes none.
    """
    records = read_round(store, parsed=False)
    stored = {v.receipt_id: v for v in records.versions}
    by_person: dict[int, list[Version]] = {}
    for v in records.effective().versions:  # whose each version is after the corrections
        if v.person_id is not None:
            by_person.setdefault(v.person_id, []).append(v)
    for several in (vs for vs in by_person.values() if len(vs) > 1):
        for v in several:
            stored[v.receipt_id].parsed = store.parsed(v.receipt_id)
    return status_of(records)


def status_of(records: RoundRecords) -> RoundStatus:
    """The round's status from its records, the corrections in effect applied (no further reads of the store)."""
    receipts = records.receipts
    state = records.effective()
    by_person: dict[int, list[Version]] = {}
    for v in state.versions:
        if v.person_id is not None:
            by_person.setdefault(v.person_id, []).append(v)
    rows = [_row(p, by_person.get(p.id, []), receipts, state) for p in records.people if p.id not in state.hidden]
    rows = [r for r in rows if r.issued or r.history]  # someone found on a return that was since moved: gone
    unreadable = [{"file": r.name, "origin": r.origin, "error": r.error or ""} for r in receipts.values() if r.error]
    plans = [records.folder / receipts[v.receipt_id].stored for v in state.versions
             if v.kind == "plan" and state.states.get(v.receipt_id) == COUNTED]  # a withdrawn plan is left out
    names = {p.id: p for p in records.people}
    held = [_held(v, receipts[v.receipt_id], names.get(v.person_id or -1), records.folder)
            for v in state.versions if state.states.get(v.receipt_id) == HELD]
    # Undos are listed too (numbered like the rest, so the numbers do not skip); one is always in effect:
    # an undo cannot itself be undone (the correction is made again instead).
    events = [{"event": e.id, "at": e.at, "kind": e.kind, "text": describe(e, names), "reason": e.reason,
               "in_effect": e.id in state.active or e.kind == UNDO} for e in state.events]
    return RoundStatus(records.info, rows, unreadable, len(receipts), plans, held=held, events=events,
                       decisions=state.decisions)


def _held(version: Version, receipt: Receipt, person: Person | None, folder: Path) -> dict[str, Any]:
    from docxform.round.ingest import settle_command

    name = person.name if person else "nobody"
    return {"receipt": receipt.id, "file": receipt.name, "claimed": name, "reasons": list(version.notices),
            "settle": settle_command(folder, receipt.id, name, person.email if person else None)}


def ordered(versions: list[Version], receipts: dict[int, Receipt]) -> list[Version]:
    """A person's versions, earliest first; the last is the current one (one key for all: identity.version_order).

    An e-mail Date or last-saved time that is not believed (docxform.survey.identity.defended_time) orders nothing.
    """
    times = [Times(r.plausible_date, r.plausible_saved, v.receipt_id, r.doubtful)
             for v, r in ((v, receipts[v.receipt_id]) for v in versions)]
    return [versions[i] for i in version_order(times)]


def current_of(records: RoundRecords) -> list[Version]:
    """The current return of every person, in the order of the people (issued first, then found).

    Only counted versions: a held return (conflicting evidence) or a withdrawn one is in no output.
    """
    by_person: dict[int, list[Version]] = {}
    for v in records.effective().counted():
        if v.person_id is not None and v.kind == "form":
            by_person.setdefault(v.person_id, []).append(v)
    return [ordered(by_person[p.id], records.receipts)[-1] for p in records.people if p.id in by_person]


def _row(person: Person, versions: list[Version], receipts: dict[int, Receipt], state: Effective) -> RespondentRow:
    everything = ordered(versions, receipts)
    counted_ones = [v for v in everything if state.states.get(v.receipt_id) == COUNTED]
    current = counted_ones[-1].receipt_id if counted_ones else None
    history = []
    previous: Version | None = None
    for v in everything:
        counts = state.states.get(v.receipt_id) == COUNTED
        history.append(_version_row(v, receipts[v.receipt_id], state, current=v.receipt_id == current,
                                    changed=changes(previous.parsed, v.parsed) if previous and counts else []))
        previous = v if counts else previous
    n = len(counted_ones)
    status = WITHDRAWN if person.id in state.withdrawn else OUTSTANDING if not n else RETURNED if n == 1 \
        else RESUBMITTED
    last = next((h for h in history if h.current), None)
    return RespondentRow(id=person.id, name=person.name, email=person.email, organisation=person.organisation, role=person.role,
                         form=person.form_file, issued=person.issued and person.id not in state.uninvited,
                         state=status, versions=n,
                         received=last.when if last else None, received_from=last.when_from if last else None,
                         errors=last.errors if last else 0,
                         warnings=last.warnings if last else 0, history=history)


def _version_row(v: Version, receipt: Receipt, state: Effective, *, current: bool,
                 changed: list[dict[str, Any]]) -> VersionRow:
    evidence = receipt.evidence
    return VersionRow(file=receipt.name, received=receipt.received_at, when=receipt.when, errors=v.errors,
                      warnings=v.warnings, current=current, notices=v.notices, changes=changed,
                      receipt=v.receipt_id, state=state.states.get(v.receipt_id, COUNTED),
                      verdict="assigned" if v.receipt_id in state.assigned else v.verdict,
                      when_from=evidence.received_from if evidence else FROM_INGEST,
                      alerts=list(evidence.warnings) if evidence else [],
                      evidence=evidence.to_dict() if evidence else {},
                      sender=receipt.sender, sent_at=receipt.sent_at, subject=receipt.subject)
