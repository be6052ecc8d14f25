"""Returns that arrive by e-mail: .eml files and mbox exports (the standard library's email/mailbox).

The attachments are the returns; the sender and the Date are kept, because
they say who sent a generic form and which of two versions is the later.
An attachment's file name is display text only: returns are stored by their
content hash, so a name like ``../../x.docx`` goes nowhere.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path, PurePath

from docxform.errors import DocxformError

MAX_MAIL_BYTES = 512 * 1024 * 1024
MAIL_SUFFIXES = (".eml", ".mbox", ".mbx")


@dataclass(frozen=True)
class Attachment:
    """One attached file and the message it came with."""

    name: str
    data: bytes
    sender: str | None
    sent_at: str | None  # ISO 8601 UTC


def is_mail(path: Path) -> bool:
    """An .eml/.mbox file, or a file whose first line is an mbox "From " line."""
    if path.suffix.lower() in MAIL_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            return f.read(5) == b"From "
    except OSError:
        return False


def attachments(path: Path) -> Iterator[Attachment]:
    """Every attachment of every message in an .eml or mbox file; a one-line error when unreadable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocxformError(path, f"cannot be read ({exc.strerror})") from None
    if size > MAX_MAIL_BYTES:
        raise DocxformError(path, f"larger than {MAX_MAIL_BYTES // 2**20} MB; refused")
    for message in _messages(path):
        yield from message_attachments(message)


def _messages(path: Path) -> list[Message]:
    with path.open("rb") as f:
        head = f.read(5)
    try:
        if head == b"From " or path.suffix.lower() in (".mbox", ".mbx"):
            box = mailbox.mbox(path, factory=_parse_bytes, create=False)  # type: ignore[arg-type]
            try:
                return [m for m in box if m is not None]
            finally:
                box.close()
        return [_parse_bytes(path.read_bytes())]
    except (OSError, mailbox.Error, ValueError) as exc:
        raise DocxformError(path, f"not a readable e-mail file ({exc})") from None


def _parse_bytes(source: object) -> EmailMessage:
    data = source.read() if hasattr(source, "read") else source
    assert isinstance(data, bytes)
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def message_attachments(message: Message) -> Iterator[Attachment]:
    """The attached files of one message (forwarded messages included), with its sender and Date."""
    sender = _sender(message)
    sent_at = _date(message)
    for part in message.walk():
        name = part.get_filename()
        if not name or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            yield Attachment(PurePath(name.replace("\\", "/")).name or "attachment", payload, sender, sent_at)


def _sender(message: Message) -> str | None:
    try:
        address = parseaddr(str(message.get("From", "")))[1].strip().lower()
    except (ValueError, TypeError):
        return None
    return address or None


def _date(message: Message) -> str | None:
    raw = message.get("Date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(str(raw))
    except (ValueError, TypeError, IndexError):
        return None
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
