"""``round verify``: is the round whole? The store by SQLite's own check, every received copy by its hash.

A round keeps months of returns; a disk error, a colleague's tidy-up or a
sync tool can damage ``round.sqlite`` or delete or change a copy in
``received/``. Nothing else would notice until a report came out wrong, so
this says what is missing or altered and how to put it right: a copy is
restored by ingesting its original again (the ingest writes it back when
the bytes match the recorded hash). Read-only: it never changes the round.
"""

from __future__ import annotations

import hashlib
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.io.safety import shown
from docxform.records.round import Receipt
from docxform.round.ingest import RECEIVED, UPLOADED
from docxform.round.store import DB_NAME, StoreError, open_store


@dataclass
class VerifyResult:
    """What ``round verify`` found: problems (each one line, with the way to put it right) and notes."""

    folder: Path
    copies: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        verdict = (f"{self.folder}: the store and all {self.copies} received copies are intact" if self.ok
                   else f"{self.folder}: {len(self.problems)} problem(s)")
        return [shown(line) for line in (verdict, *self.problems, *self.notes)]


def verify(folder: str | Path) -> VerifyResult:
    """Check the round in ``folder``: SQLite's integrity check, then each receipt's copy against its hash."""
    folder = Path(folder)
    if not (folder / DB_NAME).is_file():
        raise DocxformError(folder, "not a survey round (no round.sqlite)",
                            hint="start one with: docxform round start FRAMEWORK DIR")
    result = VerifyResult(folder)
    try:
        with open_store(folder, readonly=True) as store, store.reading():
            damage = store.integrity()
            receipts = store.receipts()
    except StoreError as exc:
        result.problems.append(_damaged(folder, exc.cause))
        return result
    if damage:
        result.problems.append(_damaged(folder, f"damaged ({'; '.join(damage[:5])})"))
    result.copies = len(receipts)
    result.problems += [p for r in receipts if (p := _check_copy(folder, r))]
    result.notes += _strays(folder, {r.stored for r in receipts})
    return result


def _damaged(folder: Path, why: str) -> str:
    db = folder / DB_NAME
    return (f"{db}: {why}. Put back round.sqlite from a backup; or start a new round and ingest "
            f"{folder / RECEIVED} into it (the returns are there, but e-mail senders and dates are lost)")


def _check_copy(folder: Path, receipt: Receipt) -> str | None:
    """The problem line for one receipt's copy, or None when it holds exactly the recorded bytes."""
    path = folder / receipt.stored
    try:
        digest = _sha256(path)
    except FileNotFoundError:
        what = "missing"
    except OSError as exc:
        what = f"cannot be read ({exc.strerror})"
    else:
        if digest == receipt.sha256:
            return None
        what = "altered (its content no longer matches the hash it was received with)"
    said = f"{path}: {what}; it is '{receipt.name}' received {receipt.received_at[:19]}"
    command = f"docxform round ingest {shlex.quote(str(folder))}"
    if receipt.origin.startswith(UPLOADED):  # the server's copy it came in is gone: only its name is known
        uploaded = receipt.origin.removeprefix(UPLOADED)
        return (f"{said}, uploaded through the console as '{uploaded}'. Restore it: upload that file again under "
                f"'Receive returns' (docxform round serve), or: {command} followed by that file's path")
    # The command is quoted for the shell: a file saved from e-mail is often "My return (2).eml".
    return f"{said} from {receipt.origin}. Restore it: {command} {shlex.quote(receipt.origin)}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _strays(folder: Path, recorded: set[str]) -> list[str]:
    """Files in ``received/`` no receipt names: left by an interrupted ingest, harmless."""
    where = folder / RECEIVED
    if not where.is_dir():
        return []
    notes = []
    for path in sorted(where.iterdir()):
        if path.relative_to(folder).as_posix() in recorded:
            continue
        why = ("a temporary file of an interrupted ingest" if path.name.startswith(".in-")
               else "a copy no receipt records (an ingest interrupted before it recorded it)")
        notes.append(f"note: {path}: {why}; harmless, it may be deleted")
    return notes
