"""Ingest returns into a round: files, folders (recursively), .eml and Outlook .msg files and mbox exports.

Every file received is first copied into the round folder under its content
hash (``received/<sha256>.<ext>``), so emptying the inbox loses nothing and
the same bytes twice are one receipt. Each new receipt is parsed, validated
as a survey response, tied to a person by :mod:`docxform.survey.identity`, and
stored with its problem counts; one line per file says what happened.

Parsing happens outside the database transaction (it is the slow part); the
write of each receipt is one ``BEGIN IMMEDIATE`` transaction, so two ingests
on one round at the same moment both land.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from docxform.core.errors import DocxformError
from docxform.core.problems import counted
from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.io.boundary import guarded
from docxform.io.files import read_input
from docxform.io.mail import is_mail, read_mail
from docxform.records.response import Response
from docxform.records.round import Person, Receipt, RoundInfo, Version
from docxform.round.start import FORMS
from docxform.round.store import Store, open_store
from docxform.survey.identity import (
    BY_NAME,
    Times,
    fold,
    identify,
    is_latest,
    issued_to,
    name_mismatch,
    partnership_of,
    typed_organisation,
)

if TYPE_CHECKING:
    from docxform.records.plan import PlanResult

RETURN_SUFFIXES = (".docx", ".doc", ".odt", ".rtf", ".xml", ".xlsx", ".xlsm")
MAX_RETURN_BYTES = 256 * 1024 * 1024
RECEIVED = "received"


@dataclass
class Incoming:
    """One file to receive: its bytes and what is known of where it came from."""

    name: str
    origin: str
    data: bytes
    sender: str | None = None
    sent_at: str | None = None
    subject: str | None = None


@dataclass
class IngestLine:
    """What happened to one file: the line the terminal shows."""

    name: str
    origin: str
    outcome: str  # new | resubmission | same as before | unreadable | skipped
    who: str = ""
    errors: int = 0
    warnings: int = 0
    cause: str = ""
    notices: list[str] = field(default_factory=list)

    def text(self) -> str:
        same = PurePath(self.origin).name == self.name
        where = self.origin if same else f"{self.origin} ({self.name})"
        if self.outcome in ("unreadable", "skipped"):
            return f"{where}: {self.outcome} ({self.cause})"
        line = f"{where}: {self.who or 'unknown'}: {self.outcome}"
        if self.outcome != "same as before":
            line += f"; {counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}"
        return line + "".join(f"; NOTE {n}" for n in self.notices)


@dataclass
class IngestResult:
    lines: list[IngestLine] = field(default_factory=list)

    @property
    def unreadable(self) -> int:
        return sum(line.outcome == "unreadable" for line in self.lines)


def ingest(folder: str | Path, paths: list[str | Path], *, names: Mapping[Path, str] | None = None,
           on_line: Callable[[IngestLine], None] | None = None) -> IngestResult:
    """Receive every return in ``paths`` into the round in ``folder``; one line each, never an exception per file.

    ``names`` gives the name a file was received under when its path is not it: a file uploaded
    through the console (docxform.serve) is kept under a name the server made, and the person's
    own file name is display text only, as an e-mail attachment's is. ``on_line`` is called with
    each line as soon as its file is done (the console shows them while a batch is processed).
    """
    result = IngestResult()
    with open_store(folder) as store:
        info = store.info()
        framework = load_framework(info.framework)
        blanks = _issued_forms(store.folder)
        for item in incoming([Path(p) for p in paths], store.folder, names):
            if isinstance(item, IngestLine):
                line = item
            elif hashlib.sha256(item.data).hexdigest() in blanks:
                line = IngestLine(item.name, item.origin, "skipped",
                                  cause="a blank form this round sent out, not a return")
            else:
                line = _receive_guarded(store, info, framework, item)
            result.lines.append(line)
            if on_line is not None:
                on_line(line)
    return result


def _issued_forms(folder: Path) -> set[str]:
    """The hashes of the forms the round sent out: one sent straight back unfilled is not a return."""
    return {hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted((folder / FORMS).glob("*.docx"))}


def incoming(paths: list[Path], round_folder: Path | None = None,
             names: Mapping[Path, str] | None = None) -> Iterator[Incoming | IngestLine]:
    """The files to receive, in the order given (folders recursively, by name); problems as lines.

    A folder's walk leaves out the round folder itself (its forms, received
    copies and reports are not returns), so ``ingest DIR DIR/..`` is safe.
    ``names``: the name a file was received under, where its path is not it (see :func:`ingest`).
    """
    own = round_folder.resolve() if round_folder else None
    for path in paths:
        label = (names or {}).get(path)
        if label is not None:
            yield from _from_file(path, explicit=True, label=label)
            continue
        if own and path.resolve().is_relative_to(own):
            yield IngestLine(path.name, str(path), "skipped", cause="inside the round folder; not a return")
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if own and child.resolve().is_relative_to(own):
                    continue
                if child.is_file() and not child.name.startswith((".", "~$")):
                    yield from _from_file(child, explicit=False)
        else:
            yield from _from_file(path, explicit=True)


def _from_file(path: Path, *, explicit: bool, label: str | None = None) -> Iterator[Incoming | IngestLine]:
    name, short = (label, label) if label is not None else (str(path), path.name)
    if path.exists() and is_mail(path):
        lines, error = guarded(path, lambda: _from_mail(path, label))
        yield from lines or [IngestLine(short, name, "unreadable", cause=error.message if error else "")]
        return
    if not explicit and path.suffix.lower() not in RETURN_SUFFIXES:
        yield IngestLine(short, name, "skipped", cause=f"not a return ({path.suffix or 'no extension'})")
        return
    try:
        yield Incoming(short, name, read_input(path, limit=MAX_RETURN_BYTES, what="return"))
    except DocxformError as exc:
        yield IngestLine(short, name, "unreadable", cause=exc.cause)


def _from_mail(path: Path, label: str | None = None) -> list[Incoming | IngestLine]:
    """A mail file's returns and lines: each unreadable message (of an mbox) is its own line, the rest still read.

    Read whole inside the per-file guard (docxform.io.boundary), so any failure is this file's line.
    """
    name, short = (label, label) if label is not None else (str(path), path.name)
    out: list[Incoming | IngestLine] = []
    for part in read_mail(path):
        label = f"{short} {part.label}" if part.label else short
        if part.error is not None:
            out.append(IngestLine(label, name, "unreadable", cause=part.error.cause))
        elif not part.attachments:
            out.append(IngestLine(label, name, "skipped", cause="an e-mail with no attachment"))
        for att in part.attachments:
            if att.problem:  # an attached message (.msg, .eml) that could not be read
                out.append(IngestLine(att.name, name, "unreadable", cause=att.problem))
            elif PurePath(att.name).suffix.lower() in RETURN_SUFFIXES:
                out.append(Incoming(att.name, name, att.data, att.sender, att.sent_at, att.subject))
            else:
                out.append(IngestLine(att.name, name, "skipped", cause="attachment is not a return"))
    return out


def _receive_guarded(store: Store, info: RoundInfo, framework: Framework, item: Incoming) -> IngestLine:
    """:func:`receive` through the per-file boundary: any failure is this file's line, and the rest still lands."""
    line, error = guarded(item.origin, lambda: receive(store, info, framework, item))
    return line or IngestLine(item.name, item.origin, "unreadable", cause=error.message if error else "")


def receive(store: Store, info: RoundInfo, framework: Framework, item: Incoming) -> IngestLine:
    """Store one file by hash, parse and validate it, and record whose return it is."""
    sha = hashlib.sha256(item.data).hexdigest()
    if _known(store, sha):
        return _again(store, sha, item)
    stored = _keep(store.folder, sha, item.name, item.data)
    receipt = Receipt(id=0, sha256=sha, stored=stored.relative_to(store.folder).as_posix(), name=item.name,
                      origin=item.origin, received_at=_now(), sender=item.sender, sent_at=item.sent_at,
                      subject=item.subject)
    record, error = read_return(stored, item.name)
    receipt.error = error
    receipt.saved_at = record.saved_at if isinstance(record, Response) else None  # read by the parse
    version = _version(record, framework) if record is not None else None
    with store.transaction():
        receipt_id = store.add_receipt(receipt)
        if receipt_id is None:
            return _again(store, sha, item)
        if version is None or record is None:
            return IngestLine(item.name, item.origin, "unreadable", cause=error or "")
        version.receipt_id = receipt.id = receipt_id
        line = _assign(store, version, receipt, record)
        store.add_version(version)
    line.name, line.origin = item.name, item.origin
    return line


def _keep(folder: Path, sha: str, name: str, data: bytes) -> Path:
    """The file copied into the round under its hash (written whole, then renamed; the same bytes give the same name)."""
    suffix = PurePath(name).suffix.lower()
    target = folder / RECEIVED / f"{sha}{suffix if suffix in RETURN_SUFFIXES else '.bin'}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".in-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    return target


def _again(store: Store, sha: str, item: Incoming) -> IngestLine:
    """Bytes received before: unreadable again (with the stored cause) if they were then, else the same as before.

    Checked before the copy is kept, so the same bytes under another extension leave no second copy.
    """
    row = store.conn.execute("SELECT error FROM receipt WHERE sha256 = ?", (sha,)).fetchone()
    if row and row[0]:
        return IngestLine(item.name, item.origin, "unreadable", cause=str(row[0]))
    return IngestLine(item.name, item.origin, "same as before", who=_who_sent(store, sha))


def _known(store: Store, sha: str) -> bool:
    return store.conn.execute("SELECT 1 FROM receipt WHERE sha256 = ?", (sha,)).fetchone() is not None


def _who_sent(store: Store, sha: str) -> str:
    row = store.conn.execute("SELECT person.name FROM receipt JOIN version ON version.receipt_id = receipt.id "
                             "LEFT JOIN person ON person.id = version.person_id WHERE receipt.sha256 = ?",
                             (sha,)).fetchone()
    return str(row[0]) if row and row[0] else ""


def read_return(stored: Path, name: str) -> tuple[Response | PlanResult | None, str | None]:
    """Parse a stored file (a form or a plan workbook) into its record; (record, None) or (None, why not).

    Through the per-file boundary (docxform.io.boundary): an internal error on
    one return is that return's ``internal-error`` cause, never the ingest's end.
    """
    parsed, error = guarded(stored, lambda: _parse_stored(stored))
    if parsed is None:  # the cause names the file as received, never its hashed copy
        return None, error.message.replace(stored.name, PurePath(name).name) if error else "could not be read"
    _rename_source(parsed, str(stored), name)
    return parsed, None


def _parse_stored(stored: Path) -> Response | PlanResult:
    if stored.suffix in (".xlsx", ".xlsm"):
        from docxform.plan import parse_plan

        return parse_plan(stored, None)
    from docxform.parse import parse_form

    return parse_form(stored)


def _rename_source(record: Response | PlanResult, stored: str, name: str) -> None:
    """Problems and the source name the file as received, not its hashed copy."""
    if isinstance(record, Response):
        record.source_path = name
    else:
        record.source["path"] = name
    record.problems = [replace(p, file=name) if p.file == stored else p for p in record.problems]


def _version(record: Response | PlanResult, framework: Framework) -> Version:
    """A version (its parse JSON, as the store keeps it) with its survey-stage problem counts.

    Only the item rules count: form-level rules are the partnership's, not each person's.
    """
    if not isinstance(record, Response):
        return Version(receipt_id=0, person_id=None, kind="plan", parsed=record.to_dict())
    from docxform.validate.rules import validate_return

    problems = validate_return(record, framework, expected=framework, stage="survey")
    return Version(receipt_id=0, person_id=None, kind="form", parsed=record.to_dict(),
                   errors=sum(p.severity == "error" for p in problems),
                   warnings=sum(p.severity == "warning" for p in problems))


def _assign(store: Store, version: Version, receipt: Receipt, record: Response | PlanResult) -> IngestLine:
    """Tie the version to a person (found or added) and say whether it is new or a resubmission."""
    if not isinstance(record, Response):
        return IngestLine("", "", "new", who="(improvement plan)")
    person_id = _person_for(store, record, receipt, version.notices)
    mismatch = name_mismatch(record)
    if mismatch:
        version.notices.append(mismatch)
    version.person_id = person_id
    earlier = [Times(*row) for row in store.conn.execute(
        "SELECT r.sent_at, r.saved_at, r.id FROM version v JOIN receipt r ON r.id = v.receipt_id "
        "WHERE v.person_id = ?", (person_id,))]
    name = store.conn.execute("SELECT name FROM person WHERE id = ?", (person_id,)).fetchone()[0]
    this = Times(receipt.sent_at, receipt.saved_at, receipt.id)
    outcome = "new" if not earlier else "resubmission" if is_latest(this, earlier) \
        else "an earlier version (kept, the one received before is later and stays current)"
    return IngestLine("", "", outcome, who=name, errors=version.errors, warnings=version.warnings,
                      notices=list(version.notices))


def _person_for(store: Store, parsed: Response, receipt: Receipt, notices: list[str]) -> int:
    """The person a return is from, by the identity rules; a new respondent when nobody matches.

    A personalised form whose id this round did not issue (one from an earlier
    mailing, say) goes to the issued person of that name, with a notice.
    """
    who = identify(parsed, receipt.sender)
    form_id = parsed.form_id
    if who.how == "form_id" and isinstance(form_id, str):
        found = store.person_where("form_id", form_id)
        if found is not None:
            return found
        notices.append(f"form id {form_id} was not issued in this round")
    if who.name:
        found = _issued_by_name(store, who.name)
        if found is not None:
            return found
    key = who.key or f"receipt\0{receipt.sha256}"
    found = store.person_where("identity", key)
    if found is not None:
        return found
    if who.how == BY_NAME and who.name:
        found = _same_name(store, parsed, who.name, receipt.sender, notices)
        if found is not None:
            return found
    return store.add_person(_new_person(parsed, receipt, key))


def _same_name(store: Store, parsed: Response, name: str, sender: str | None, notices: list[str]) -> int | None:
    """An earlier respondent of the same name (and partnership) whose organisation was typed otherwise.

    With the same e-mail sender it is that person, who retyped the
    organisation on a correction; without, a new respondent, with a notice
    naming the earlier one. So neither is one person counted twice nor are
    two people merged without it being said.
    """
    same_partnership = f"name\0{fold(partnership_of(parsed))}\0{fold(name)}\0"
    namesakes = [p for p in store.people() if not p.issued and (p.identity or "").startswith(same_partnership)]
    for person in namesakes:
        if sender and person.email and fold(person.email) == fold(sender):
            notices.append(f"organisation typed as {typed_organisation(parsed)!r}, not {person.organisation!r} "
                           f"as before: the same person by name and e-mail ({sender})")
            return person.id
    notices += [f"the same name as an earlier respondent of {person.organisation!r}, but another organisation "
                "and no e-mail in common: kept apart" for person in namesakes]
    return None


def _issued_by_name(store: Store, name: str) -> int | None:
    for person in store.people():
        if person.issued and fold(person.name) == fold(name):
            return person.id
    return None


def _new_person(parsed: Response, receipt: Receipt, key: str) -> Person:
    """A respondent found on a return (a generic form, or a form issued in no list of this round)."""
    fields: dict[str, Any] = parsed.fields
    typed = " ".join(str(fields.get("completed_by") or "").split())
    name = issued_to(parsed) or typed or receipt.sender or f"unnamed return {PurePath(receipt.name).stem}"
    organisation = " ".join(str(fields.get("completed_by_role") or "").split())
    return Person(id=0, name=name, organisation=organisation, email=receipt.sender or "", issued=False,
                  identity=key)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
