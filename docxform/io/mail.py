"""Returns that arrive by e-mail: .eml files and mbox exports (the standard library's email/mailbox).

The attachments are the returns; the sender and the Date are kept, because
they say who sent a generic form and which of two versions is the later.
An attachment's file name is display text only: returns are stored by their
content hash, so a name like ``../../x.docx`` goes nowhere.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path, PurePath
from typing import BinaryIO

from docxform.core.errors import DocxformError

#: One message, as it sits in the file (attachments base64-encoded): far above what mail servers carry
#: (25-150 MB). Memory while reading a mail file is a few times this, whatever the size of the mailbox.
MAX_MESSAGE_BYTES = 100 * 1024 * 1024
#: One attached file, decoded.
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
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
    refused: str | None = None  # why it was not kept (larger than MAX_ATTACHMENT_BYTES); data is then empty


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

    An mbox is streamed: one message in memory at a time, so the memory
    taken is bounded by the largest message (at most :data:`MAX_MESSAGE_BYTES`),
    not the mailbox. A message over that cap is its own error line. Any
    failure while reading a message (a RecursionError on a deeply nested
    one, say) becomes a DocxformError "not a readable e-mail file (...)".
    A file that cannot be opened at all raises that error for the whole file.
    """
    for label, data, refused in _raw_messages(path):
        if refused is not None:
            yield MailPart(label, [], DocxformError(path, refused))
            continue
        try:
            yield MailPart(label, list(message_attachments(_parse_bytes(data))))
        except Exception as exc:  # one message's failure is that message's line, never the batch's end
            yield MailPart(label, [], _unreadable(path, exc))


def _unreadable(path: Path, exc: BaseException) -> DocxformError:
    text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return DocxformError(path, f"not a readable e-mail file ({text})")


def _too_large(size: int) -> str:
    return f"a message of more than {_amount(MAX_MESSAGE_BYTES)} ({size:,} bytes); refused"


def _amount(size: int) -> str:
    """A cap in words: "100 MB", or the bytes when under a megabyte."""
    return f"{size // 2**20} MB" if size >= 2**20 else f"{size:,} bytes"


def _raw_messages(path: Path) -> Iterator[tuple[str, bytes, str | None]]:
    """(label, bytes, why refused) for each message, read one at a time from the file.

    An mbox is split at its ``From `` lines as it is read (as the standard
    library's mailbox does, which however indexes the whole file first and
    whose messages were all kept until the end).
    """
    try:
        with path.open("rb") as f:
            head = f.read(5)
            if head != b"From " and path.suffix.lower() not in (".mbox", ".mbx"):
                data = f.read(MAX_MESSAGE_BYTES + 1 - len(head))
                size = len(head) + len(data)
                yield ("", b"", _too_large(size)) if size > MAX_MESSAGE_BYTES else ("", head + data, None)
                return
            f.seek(0)
            yield from _split_mbox(f)
    except OSError as exc:
        raise DocxformError(path, f"not a readable e-mail file ({exc.strerror or exc})") from None


def _split_mbox(f: BinaryIO) -> Iterator[tuple[str, bytes, str | None]]:
    """The messages of an open mbox: lines up to the next ``From `` line; a message over the cap is skipped to it."""
    number, pieces, size, at_start = 0, list[bytes](), 0, True
    for piece in iter(lambda: f.readline(1 << 20), b""):  # a long line comes in pieces of 1 MiB at most
        starts = at_start and piece.startswith(b"From ")
        at_start = piece.endswith(b"\n")
        if starts:
            if number:
                yield _finished(number, pieces, size)
            number, pieces, size = number + 1, [], 0
            continue
        size += len(piece)
        if number and size <= MAX_MESSAGE_BYTES:
            pieces.append(piece)
        elif pieces:
            pieces = []  # past the cap: the memory goes at once, the size is still counted
    if number:
        yield _finished(number, pieces, size)


def _finished(number: int, pieces: list[bytes], size: int) -> tuple[str, bytes, str | None]:
    if size > MAX_MESSAGE_BYTES:
        return f"message {number}", b"", _too_large(size)
    return f"message {number}", b"".join(pieces), None


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
    stack: list[tuple[Message, str | None, str | None]] = [(message, _sender(message), _date(message))]
    found: list[Attachment] = []
    while stack:
        part, sender, sent_at = stack.pop()
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            for msg in reversed(inner if isinstance(inner, list) else [inner]):
                if isinstance(msg, Message):
                    stack.append((msg, _sender(msg) or sender, _date(msg) or sent_at))
            continue
        if part.is_multipart():
            children = part.get_payload()
            stack.extend((child, sender, sent_at) for child in reversed(children if isinstance(children, list) else [])
                         if isinstance(child, Message))
            continue
        name = part.get_filename()
        payload = part.get_payload(decode=True) if name else None
        if name and isinstance(payload, bytes) and payload:
            shown = PurePath(name.replace("\\", "/")).name or "attachment"
            if len(payload) > MAX_ATTACHMENT_BYTES:
                found.append(Attachment(shown, b"", sender, sent_at, refused=(
                    f"an attachment of {len(payload):,} bytes; more than {_amount(MAX_ATTACHMENT_BYTES)} is refused")))
            else:
                found.append(Attachment(shown, payload, sender, sent_at))
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
    except (ValueError, TypeError, IndexError):
        return None
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
