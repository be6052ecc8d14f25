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
import shlex
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
from docxform.io.files import TEMP_PREFIX, os_cause, read_input, sweep_stale, write_durably
from docxform.io.mail import MAIL_SUFFIXES, is_mail, read_mail
from docxform.io.safety import shown
from docxform.io.sniff import MAIL, OTHER, RETURN, UNKNOWN, Sniffed, sniff_bytes, sniff_file
from docxform.records.response import Response
from docxform.records.round import TOKEN_ABSENT, Evidence, Person, Receipt, RoundInfo, Version
from docxform.round.corrections import effective
from docxform.round.start import FORMS
from docxform.round.store import Store, StoreError, open_store
from docxform.survey.identity import (
    BY_NAME,
    STRENGTH,
    Judgement,
    OnFile,
    Times,
    check_token,
    defended_time,
    fold,
    identify,
    is_latest,
    issued_to,
    judge,
    partnership_of,
    typed_name,
    typed_organisation,
    version_order,
    weaker_note,
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
    suffix: str | None = None  # what the content is (docxform.io.sniff), when it decides over the name
    notices: list[str] = field(default_factory=list)
    bad_date: str | None = None  # a Date header that could not be read


@dataclass
class IngestLine:
    """What happened to one file: the line the terminal shows."""

    name: str
    origin: str
    outcome: str  # new | resubmission | same as before | unreadable | skipped | not received
    who: str = ""
    errors: int = 0
    warnings: int = 0
    cause: str = ""
    notices: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # warnings on the receipt (an e-mail Date not believed)
    settle: str = ""  # for a held return: the command that settles it

    def text(self) -> str:
        """The line, control characters from names and e-mail headers shown escaped (docxform.io.safety.shown)."""
        origin = self.origin.removeprefix(UPLOADED)  # the console's own lines: its uploads by their names
        where = origin if PurePath(origin).name == self.name else f"{origin} ({self.name})"
        if self.outcome in ("unreadable", "skipped", "not received"):
            return shown(f"{where}: {self.outcome} ({self.cause})")
        line = f"{where}: {self.who or 'unknown'}: {self.outcome}"
        if self.outcome != "same as before":
            line += f"; {counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}"
        line += "".join(f"; WARNING {a}" for a in self.alerts) + "".join(f"; NOTE {n}" for n in self.notices)
        return shown(line + (f"; settle with: {self.settle}" if self.settle else ""))


@dataclass
class IngestResult:
    lines: list[IngestLine] = field(default_factory=list)
    #: Why the ingest stopped before the end (the round itself could not be written: a full disk, say);
    #: every file before it landed, the files after it were not looked at.
    stopped: DocxformError | None = None

    @property
    def unreadable(self) -> int:
        return sum(line.outcome in ("unreadable", "not received") for line in self.lines)


def ingest(folder: str | Path, paths: list[str | Path], *, names: Mapping[Path, str] | None = None,
           on_line: Callable[[IngestLine], None] | None = None) -> IngestResult:
    """Receive every return in ``paths`` into the round in ``folder``; one line each, never an exception per file.

    ``names`` gives the name a file was received under when its path is not it: a file uploaded
    through the console (docxform.serve) is kept under a name the server made, and the person's
    own file name is display text only, as an e-mail attachment's is. ``on_line`` is called with
    each line as soon as its file is done (the console shows them while a batch is processed).

    A file that cannot be read is its own line and the rest go on; a round
    that cannot be written (no space, read-only, a damaged store) stops the
    ingest at that file, with everything before it recorded and nothing half-written.
    """
    result = IngestResult()
    with open_store(folder) as store:
        sweep_stale(store.folder / RECEIVED, TEMP_PREFIX)  # what an ingest killed outright left behind
        info = store.info()
        framework = load_framework(info.framework)
        blanks = _issued_forms(store.folder)
        for item in incoming([Path(p) for p in paths], store.folder, names):
            if isinstance(item, IngestLine):
                line = item
            elif hashlib.sha256(item.data).hexdigest() in blanks:
                line = IngestLine(item.name, item.origin, "skipped", cause="a blank form this round sent out, not a return")
            else:
                try:
                    line = _receive_guarded(store, info, framework, item)
                except StoreError as exc:
                    line = IngestLine(item.name, item.origin, "not received", cause=exc.cause)
                    result.stopped = exc
            result.lines.append(line)
            if on_line is not None:
                on_line(line)
            if result.stopped is not None:
                break
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
        try:
            inside, folder = bool(own and path.resolve().is_relative_to(own)), path.is_dir()
        except OSError as exc:  # a name too long, a loop of links: this path's line, the others go on
            yield IngestLine(path.name, str(path), "unreadable", cause=f"cannot read: {os_cause(exc)}")
            continue
        if inside:
            yield IngestLine(path.name, str(path), "skipped", cause="inside the round folder; not a return")
        elif folder:
            files, unreadable = _walk(path)
            yield from unreadable
            for child in files:
                if own and child.resolve().is_relative_to(own):
                    continue
                if not child.name.startswith((".", "~$")):
                    yield from _from_file(child, explicit=False)
        else:
            yield from _from_file(path, explicit=True)


def _walk(folder: Path) -> tuple[list[Path], list[IngestLine]]:
    """The files under ``folder`` (sorted as paths), and a line for each folder inside that could not be read.

    Every entry that is not a folder is listed, a FIFO or a broken link too: reading it says what it is.

    ``Path.rglob`` passes over a folder it cannot open without a word; here
    that folder is said, so nothing is left out silently.
    """
    errors: list[IngestLine] = []

    def unreadable(exc: OSError) -> None:
        where = str(exc.filename or folder)
        errors.append(IngestLine(Path(where).name, where, "unreadable",
                                 cause=f"folder cannot be read: {os_cause(exc)}; its files were not received"))

    # Not only regular files: a FIFO, a device or a link to nothing is read as a file is, and so gets its line.
    files = [Path(top, name) for top, _, names in os.walk(folder, onerror=unreadable) for name in names]
    return sorted(files), errors


#: How the origin of a file uploaded through the console (docxform.serve) begins: its path was the server's
#: temporary copy, gone once received, so the origin says how it came and the name it came under.
UPLOADED = "uploaded through the console: "


def _origin(path: Path, label: str | None) -> tuple[str, str]:
    """(where a file came from, the name it is shown by): its path and file name, or for an upload ``UPLOADED``
    and the name it was uploaded under."""
    return (UPLOADED + label, label) if label is not None else (str(path), path.name)


def _from_file(path: Path, *, explicit: bool, label: str | None = None) -> Iterator[Incoming | IngestLine]:
    """One file, read as what its bytes are (docxform.io.sniff); a name that says otherwise gets a notice.

    ``label``: the name it was received under, shown instead of its path (an upload's).
    """
    name, short = _origin(path, label)
    try:
        sniffed = sniff_file(path, "return")
    except DocxformError as exc:
        yield IngestLine(short, name, "unreadable", cause=exc.cause)
        return
    named = PurePath(short).suffix.lower()
    # An OLE file may be an Outlook message and a .pst sniffs as unknown: the mail reader tells (docxform.io.ole).
    if sniffed.kind == MAIL or ((sniffed.kind == UNKNOWN or sniffed.suffix == ".doc") and is_mail(path)):
        note = [] if sniffed.kind != MAIL or named in MAIL_SUFFIXES else [_disagree(named, sniffed)]
        yield from _streamed(path, _from_mail(path, note, label), label)
        return
    decided = _by_content(short, named, sniffed, explicit=explicit)
    if isinstance(decided, IngestLine):
        decided.origin = name
        yield decided
        return
    try:
        yield Incoming(short, name, read_input(path, limit=MAX_RETURN_BYTES, what="return"), suffix=decided[0],
                       notices=decided[1])
    except DocxformError as exc:
        yield IngestLine(short, name, "unreadable", cause=exc.cause)


def _by_content(short: str, named: str, sniffed: Sniffed, *,
                explicit: bool) -> tuple[str | None, list[str]] | IngestLine:
    """(the extension to read a file as, its notices), or the line that says why it is not read.

    The content decides: a return named otherwise is read as what it is,
    with a notice. Unknown content is left to the name (the parser then
    says what is wrong). In a folder's walk, a file named as neither a
    return nor e-mail is read only when its content is unambiguous (a zip
    that is a Word or Excel file, an e-mail); an OLE file named .xls or
    .msg is some other program's.
    """
    if sniffed.kind == RETURN and sniffed.suffix:
        if _same_kind(named, sniffed.suffix):
            return sniffed.suffix, []
        if explicit or named in RETURN_SUFFIXES or sniffed.suffix in (".docx", ".xlsx"):
            return sniffed.suffix, [_disagree(named, sniffed)]
    if sniffed.kind == OTHER and (explicit or named in RETURN_SUFFIXES):
        return IngestLine(short, "", "unreadable", cause=f"{sniffed.what}, not a return ({named or 'no extension'})")
    if not explicit and named not in RETURN_SUFFIXES:
        return IngestLine(short, "", "skipped", cause=f"not a return ({named or 'no extension'})")
    return None, []


def _same_kind(named: str, suffix: str) -> bool:
    return named == suffix or (named, suffix) in ((".xlsm", ".xlsx"),)


def _disagree(named: str, sniffed: Sniffed) -> str:
    return f"named {named or 'without an extension'} but its content is {sniffed.what}: read as that"


def _streamed(path: Path, items: Iterator[Incoming | IngestLine],
              label: str | None = None) -> Iterator[Incoming | IngestLine]:
    """A mail file's items one at a time, each step inside the per-file guard (docxform.io.boundary).

    One message is in memory at a time (a 500 MB mailbox is not held whole);
    a failure part-way is the file's line, and what came before it stands.
    """
    name, short = _origin(path, label)
    got_any = False
    while True:
        item, error = guarded(path, lambda: next(items, None))
        if error is not None:
            yield IngestLine(short, name, "unreadable", cause=error.message)
            return
        if item is None:
            break
        got_any = True
        yield item
    if not got_any:
        yield IngestLine(short, name, "unreadable", cause="no e-mail message found in it")


def _from_mail(path: Path, notices: list[str], label: str | None = None) -> Iterator[Incoming | IngestLine]:
    """A mail file's returns and lines: each unreadable message (of an mbox) is its own line, the rest still read.

    An attachment is read by its content too: a return whose name says otherwise is read, with a notice.
    ``label``: the name the mail file was received under (an upload's), shown instead of its path.
    """
    name, short = _origin(path, label)
    for part in read_mail(path):
        label = f"{short} {part.label}" if part.label else short
        if part.error is not None:
            yield IngestLine(label, name, "unreadable", cause=part.error.cause)
        elif not part.attachments:
            yield IngestLine(label, name, "skipped", cause="an e-mail with no attachment")
        for att in part.attachments:
            if att.problem:  # an attached message that could not be read, or a file over the size cap
                yield IngestLine(att.name, name, "unreadable", cause=att.problem)
                continue
            decided = _by_content(att.name, PurePath(att.name).suffix.lower(), sniff_bytes(att.data), explicit=False)
            if isinstance(decided, IngestLine):
                decided.origin = name
                decided.cause = "attachment is not a return" if decided.outcome == "skipped" else decided.cause
                yield decided
            else:
                yield Incoming(att.name, name, att.data, att.sender, att.sent_at, att.subject, suffix=decided[0],
                               notices=notices + decided[1], bad_date=att.bad_date)


def _receive_guarded(store: Store, info: RoundInfo, framework: Framework, item: Incoming) -> IngestLine:
    """:func:`receive` through the per-file boundary: any failure is this file's line, and the rest still lands.

    Except a :class:`StoreError` (the round cannot be written): that is not
    the file's fault and would be every following file's too, so it is raised.
    """
    stopped: list[StoreError] = []

    def work() -> IngestLine | None:
        try:
            return receive(store, info, framework, item)
        except StoreError as exc:
            stopped.append(exc)
            return None

    line, error = guarded(item.origin, work)
    if stopped:
        raise stopped[0]
    return line or IngestLine(item.name, item.origin, "unreadable", cause=error.message if error else "")


def receive(store: Store, info: RoundInfo, framework: Framework, item: Incoming) -> IngestLine:
    """Store one file by hash, parse and validate it, and record whose return it is."""
    sha = hashlib.sha256(item.data).hexdigest()
    with store.errors():
        before = store.receipt_by_sha(sha)
    if before is not None:
        return _again(store, before, item)
    stored = _keep(store.folder, sha, item.suffix or PurePath(item.name).suffix, item.data)
    receipt = Receipt(id=0, sha256=sha, stored=stored.relative_to(store.folder).as_posix(), name=item.name,
                      origin=item.origin, received_at=_now(), sender=item.sender, sent_at=item.sent_at,
                      subject=item.subject)
    record, error = read_return(stored, item.name)
    receipt.error = error
    receipt.saved_at = record.saved_at if isinstance(record, Response) else None  # read by the parse
    receipt.evidence = evidence(store, info, record if isinstance(record, Response) else None, receipt,
                                item.bad_date)
    version = _version(record, framework) if record is not None else None
    with store.transaction():
        receipt_id = store.add_receipt(receipt)
        if receipt_id is None:
            return _again(store, store.receipt_by_sha(sha) or receipt, item)
        if version is None or record is None:
            return IngestLine(item.name, item.origin, "unreadable", cause=error or "")
        version.receipt_id = receipt.id = receipt_id
        line = _assign(store, version, receipt, record)
        store.add_version(version)
    line.name, line.origin = item.name, item.origin
    line.notices[:0] = item.notices
    line.alerts = list(receipt.evidence.warnings)
    return line


def evidence(store: Store, info: RoundInfo, record: Response | None, receipt: Receipt,
             bad_date: str | None) -> Evidence:
    """What the receipt says of who sent it and when: token (checked against the round's secret), typed name
    and organisation, sender, the e-mail Date if plausible, the last-saved time (docxform.survey.identity)."""
    found = Evidence(sender=receipt.sender, saved_at=receipt.saved_at)
    if bad_date:
        found.warnings.append(f"the e-mail Date {bad_date} cannot be read as a time")
    if record is not None:
        found.typed_name = typed_name(record) or ""
        found.typed_organisation = typed_organisation(record)
        found.form_person = issued_to(record)
        found.token = _token(store, record)
        found.token_person = found.form_person if found.token != TOKEN_ABSENT else None
    return defended_time(found, receipt.sent_at, receipt.received_at, info.created)


def _token(store: Store, record: Response) -> str:
    with store.errors():  # a damaged store is the round's line (StoreError), not this file's internal error
        secret = store.secret()
    if secret is None:
        return TOKEN_ABSENT if not record.token else check_token(record.token, "", b"", None, None)
    return check_token(record.token, secret[0], secret[1], record.form_id, issued_to(record))


def _keep(folder: Path, sha: str, suffix: str, data: bytes) -> Path:
    """The file copied into the round under its hash, on the disk before any row points at it.

    Written whole, flushed (the file and the folder) and renamed by
    :func:`write_durably`; the same bytes give the same name, and a copy
    already there with the right content is left alone. A copy that cannot
    be written stops the ingest (:class:`StoreError`): the round, not the file, is the problem.
    """
    suffix = suffix.lower()
    target = folder / RECEIVED / f"{sha}{suffix if suffix in RETURN_SUFFIXES else '.bin'}"
    if not _intact(target, sha):
        try:
            write_durably(target, data)
        except DocxformError as exc:
            raise StoreError(exc.file, exc.cause) from None
    return target


def _intact(path: Path, sha: str) -> bool:
    """Whether the round's copy is there and holds exactly the bytes of that hash."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == sha


def _again(store: Store, before: Receipt, item: Incoming) -> IngestLine:
    """Bytes received before: unreadable again (with the stored cause) if they were then, else the same as before.

    Checked before the copy is kept, so the same bytes under another extension leave no second copy.
    The round's copy of them is checked too: one deleted or altered since (``round verify`` says so)
    is written again from these bytes, and the line says it was restored.
    """
    restored = not _intact(store.folder / before.stored, before.sha256)
    if restored:
        try:
            write_durably(store.folder / before.stored, item.data)
        except DocxformError as exc:
            raise StoreError(exc.file, exc.cause) from None
    if before.error:
        return IngestLine(item.name, item.origin, "unreadable", cause=before.error)
    with store.errors():
        who = _whose_now(store, before)
    notices = [f"the round's copy {before.stored} was missing or altered: restored"] if restored else []
    return IngestLine(item.name, item.origin, "same as before", who=who, notices=notices)


def _whose_now(store: Store, before: Receipt) -> str:
    """Whose return these bytes are with the corrections in effect (``round assign`` moves it), "" for none.

    The name ingest first gave them may be the one a correction overruled: saying it again would
    tell the coordinator the return is still counted for that person.
    """
    version = next((v for v in effective(store).versions if v.receipt_id == before.id), None)
    if version is None or version.person_id is None:
        return ""
    return next((p.name for p in store.people() if p.id == version.person_id), "")


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
    """Tie the version to a person (found or added), judge the evidence, and say new, resubmission or held.

    A conflicting return is held (docxform.survey.identity.judge): stored
    under the person it claims, counted nowhere until ``round assign`` (or
    ``round withdraw``) settles it, so a listed person's return is never
    replaced by one whose evidence names someone else.
    """
    if not isinstance(record, Response):
        return IngestLine("", "", "new", who="(improvement plan)")
    last = store.last_person_id()  # not every person: read per receipt, that was quadratic in a big round
    person_id = _person_for(store, record, receipt, version.notices)
    person = store.person(person_id)
    assert receipt.evidence is not None
    verdict = judge(receipt.evidence, OnFile(person.name, person.email, new=person_id > last),
                    signed=store.secret() is not None)
    version.person_id, version.verdict, version.held = person_id, verdict.verdict, verdict.held
    version.notices += verdict.against + verdict.missing
    before = store.counted_receipts(person_id)
    earlier = [Times(r.plausible_date, r.plausible_saved, r.id, r.doubtful) for r in before]
    this = Times(receipt.plausible_date, receipt.plausible_saved, receipt.id, receipt.doubtful)
    if verdict.held:
        return IngestLine("", "", f"HELD, receipt {receipt.id} (conflicting evidence; counted nowhere until "
                          "settled)", who=person.name, errors=version.errors, warnings=version.warnings,
                          notices=list(version.notices),
                          settle=settle_command(store.folder, receipt.id, person.name, person.email))
    replacing = bool(earlier) and is_latest(this, earlier)
    if replacing:
        _note_weaker(store, verdict, person, before, earlier, version.notices)
    outcome = "new" if not earlier else "resubmission" if replacing \
        else "kept, not current (its time cannot be believed, so it replaces nothing)" if this.doubtful \
        else "an earlier version (kept, the one received before is later and stays current)"
    return IngestLine("", "", outcome, who=person.name, errors=version.errors, warnings=version.warnings,
                      notices=list(version.notices))


def _note_weaker(store: Store, verdict: Judgement, person: Person, before: list[Receipt], earlier: list[Times],
                 notices: list[str]) -> None:
    """A note when this version replaces one whose evidence was stronger (docxform.survey.identity.weaker_note).

    The current one is judged again against the person as on file now (for what it had that this lacks);
    its strength is the verdict stored with it, as status shows it.
    """
    current = before[version_order(earlier)[-1]]
    stored = store.verdict(current.id)
    if current.evidence is None or stored not in STRENGTH:
        return
    again = judge(current.evidence, OnFile(person.name, person.email), signed=store.secret() is not None)
    note = weaker_note(verdict, replace(again, verdict=stored), current.id)
    if note:
        notices.append(note)


def settle_command(folder: Path, receipt_id: int, name: str, email: str | None = None) -> str:
    """The exact commands that settle a held receipt: it is the person's after all, or someone new's.

    A name with control characters is printed escaped, which is not the name the round holds, so the
    command would name nobody: the person's e-mail address (``round assign --to`` takes it) is given instead.
    """
    base = f"docxform round assign {shlex.quote(str(folder))} {receipt_id}"
    who = email if email and shown(name) != name else name
    return f"{base} --to {shlex.quote(who)}  (or: {base} --new)"


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
    if who.how != "form_id" and receipt.sender:
        found = _issued_by_sender(store, receipt.sender)
        if found is not None:
            return found
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
    return store.add_person(_new_person(store, parsed, receipt, key))


def _same_name(store: Store, parsed: Response, name: str, sender: str | None, notices: list[str]) -> int | None:
    """An earlier respondent of the same name (and partnership) whose organisation was typed otherwise.

    With the same e-mail sender it is that person, who retyped the
    organisation on a correction; without, a new respondent, with a notice
    naming the earlier one. So neither is one person counted twice nor are
    two people merged without it being said.
    """
    same_partnership = f"name\0{fold(partnership_of(parsed))}\0{fold(name)}\0"
    namesakes = store.found_with_identity_prefix(same_partnership)
    for person in namesakes:
        if sender and person.email and fold(person.email) == fold(sender):
            notices.append(f"organisation typed as {typed_organisation(parsed)!r}, not {person.organisation!r} "
                           f"as before: the same person by name and e-mail ({sender})")
            return person.id
    notices += [f"the same name as an earlier respondent of {person.organisation!r}, but another organisation "
                "and no e-mail in common: kept apart" for person in namesakes]
    return None


def _issued_by_sender(store: Store, sender: str) -> int | None:
    """A generic form's recipient (``round start --recipients``) by the address it came from."""
    wanted = fold(sender)
    return next((pid for pid, email in store.recipients() if fold(email) == wanted), None)


def _issued_by_name(store: Store, name: str) -> int | None:
    wanted = fold(name)
    return next((pid for pid, issued in store.issued_names() if fold(issued) == wanted), None)


def _numbered(store: Store) -> str:
    """"respondent N" for a return with no name typed and no sender: never the framework's id or a file name."""
    taken = {p.name for p in store.people()}
    return next(f"respondent {n}" for n in range(1, len(taken) + 2) if f"respondent {n}" not in taken)


def _new_person(store: Store, parsed: Response, receipt: Receipt, key: str) -> Person:
    """A respondent found on a return (a generic form, or a form issued in no list of this round)."""
    fields: dict[str, Any] = parsed.fields
    typed = " ".join(str(fields.get("completed_by") or "").split())
    name = issued_to(parsed) or typed or receipt.sender or _numbered(store)
    organisation = " ".join(str(fields.get("completed_by_role") or "").split())
    return Person(id=0, name=name, organisation=organisation, email=receipt.sender or "", issued=False,
                  identity=key)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
