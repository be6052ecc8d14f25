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

from docxform.core.errors import DocxformError

MAX_MAIL_BYTES = 512 * 1024 * 1024
#: Multipart containers a message may declare (one ``boundary=`` each). A real e-mail has a few; Python's
#: parser takes about a second to fail on a thousand nested ones, so more than this is refused at once.
MAX_MULTIPARTS = 500
MAIL_SUFFIXES = (".eml", ".mbox", ".mbx")


@dataclass(frozen=True)
class Attachment:
    """One attached file and the message it came with."""

    name: str
    data: bytes
    sender: str | None
    sent_at: str | None  # ISO 8601 UTC
    #: The Date header when it is there but cannot be read (malformed, or a time that overflows), shown
    #: as a warning on the receipt; its returns are still read.
    bad_date: str | None = None


def is_mail(path: Path) -> bool:
    """An .eml/.mbox file, or a file whose first line is an mbox "From " line."""
    if path.suffix.lower() in MAIL_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            return f.read(5) == b"From "
    except OSError:
        return False


@dataclass(frozen=True)
class MailPart:
    """One message of a mail file: its attachments, or why it could not be read.

    ``label`` is empty for an .eml file and "message N" for the Nth message of an mbox.
    """

    label: str
    attachments: list[Attachment]
    error: DocxformError | None = None


def attachments(path: Path) -> Iterator[Attachment]:
    """Every attachment of every readable message in an .eml or mbox file (see :func:`read_mail`)."""
    for part in read_mail(path):
        yield from part.attachments


def read_mail(path: Path) -> Iterator[MailPart]:
    """Each message of an .eml or mbox file in turn; a bad message is its own error, the others still read.

    Any failure while reading a message (a RecursionError on a deeply nested
    one, say) becomes a DocxformError "not a readable e-mail file (...)".
    A file that cannot be opened at all raises that error for the whole file.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocxformError(path, f"cannot be read ({exc.strerror})") from None
    if size > MAX_MAIL_BYTES:
        raise DocxformError(path, f"larger than {MAX_MAIL_BYTES // 2**20} MB; refused")
    for label, data in _raw_messages(path):
        try:
            yield MailPart(label, list(message_attachments(_parse_bytes(data))))
        except Exception as exc:  # one message's failure is that message's line, never the batch's end
            yield MailPart(label, [], _unreadable(path, exc))


def _unreadable(path: Path, exc: BaseException) -> DocxformError:
    text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return DocxformError(path, f"not a readable e-mail file ({text})")


def _raw_messages(path: Path) -> Iterator[tuple[str, bytes]]:
    """The bytes of each message, read one at a time (an mbox's keys first, then each message's bytes)."""
    try:
        with path.open("rb") as f:
            head = f.read(5)
        if head != b"From " and path.suffix.lower() not in (".mbox", ".mbx"):
            yield "", path.read_bytes()
            return
        box = mailbox.mbox(path, create=False)
        try:
            keys = box.keys()
        except Exception as exc:
            box.close()
            raise _unreadable(path, exc) from None
    except OSError as exc:
        raise DocxformError(path, f"not a readable e-mail file ({exc})") from None
    try:
        for number, key in enumerate(keys, start=1):
            yield f"message {number}", box.get_bytes(key)
    finally:
        box.close()


def _parse_bytes(data: bytes) -> EmailMessage:
    # "Boundary=" or "boundary=", and all capitals; another spelling only reaches the parser, which fails slower.
    if data.count(b"oundary=") + data.count(b"OUNDARY=") > MAX_MULTIPARTS:
        raise ValueError(f"more than {MAX_MULTIPARTS} multipart sections")
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def message_attachments(message: Message) -> Iterator[Attachment]:
    """The attached files of one message, with its sender and Date.

    A forwarded message (an attached message/rfc822) gives its own
    attachments the INNER message's From and Date, not the forwarder's: they
    say who wrote the return and when. Walked with a stack, not recursion.
    """
    stack: list[tuple[Message, str | None, Message]] = [(message, _sender(message), message)]
    found: list[Attachment] = []
    while stack:
        part, sender, dated = stack.pop()
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            for msg in reversed(inner if isinstance(inner, list) else [inner]):
                if isinstance(msg, Message):
                    stack.append((msg, _sender(msg) or sender, msg if msg.get("Date") else dated))
            continue
        if part.is_multipart():
            children = part.get_payload()
            stack.extend((child, sender, dated) for child in reversed(children if isinstance(children, list) else [])
                         if isinstance(child, Message))
            continue
        name = part.get_filename()
        payload = part.get_payload(decode=True) if name else None
        if name and isinstance(payload, bytes) and payload:
            sent_at = _date(dated)
            bad = None if sent_at or not dated.get("Date") else ascii(str(dated.get("Date"))[:80])
            found.append(Attachment(PurePath(name.replace("\\", "/")).name or "attachment", payload, sender, sent_at,
                                    bad))
    yield from found


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
        if when.tzinfo is None:
            return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, TypeError, IndexError, OverflowError):
        return None  # a Date that overflows (year 9999 at -2359) is no time; the message is still read
