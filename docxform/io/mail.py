"""Returns that arrive by e-mail: .eml files, mbox exports and Outlook .msg files, as one kind of record.

.eml and mbox are read with the standard library's email/mailbox; a .msg with
:mod:`docxform.io.msg` (MS-OXMSG). Both give the same :class:`Attachment`
records, and a message attached to a message (either kind inside either) is
read in the same walk.

The attachments are the returns; the sender and the Date are kept, because
they say who sent a generic form and which of two versions is the later.
An attachment's file name is display text only: returns are stored by their
content hash, so a name like ``../../x.docx`` goes nowhere.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path, PurePath
from typing import BinaryIO

from docxform.core.errors import DocxformError
from docxform.io.files import read_head, read_input
from docxform.io.msg import (
    MAX_DEPTH,
    MSG_SUFFIXES,
    PST_ADVICE,
    PST_SUFFIXES,
    MsgAttachment,
    MsgError,
    OutlookMessage,
    is_msg_data,
    read_msg,
)
from docxform.io.ole import PST_MAGIC, is_ole, printable

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
    subject: str | None = None
    #: Why it is not kept: an attached message that could not be read (its data is then the message's
    #: own bytes), or a file larger than MAX_ATTACHMENT_BYTES (its data is then empty).
    problem: str | None = None
    #: The Date header when it is there but cannot be read (malformed, or a time that overflows), shown
    #: as a warning on the receipt; its returns are still read.
    bad_date: str | None = None


def is_mail(path: Path) -> bool:
    """An .eml/.mbox/.msg (or .pst/.ost) file, or one whose content says it is (an mbox "From " line, an Outlook file)."""
    if path.suffix.lower() in MAIL_SUFFIXES + MSG_SUFFIXES + PST_SUFFIXES:
        return True
    try:
        head = read_head(path, 8)
        return head[:5] == b"From " or head[:4] == PST_MAGIC or (is_ole(head) and _is_msg_file(path))
    except DocxformError:
        return False


def _is_msg_file(path: Path) -> bool:
    """An OLE file whose streams are a message's (whatever its name says)."""
    try:
        return is_msg_data(read_input(path, limit=MAX_MESSAGE_BYTES))
    except DocxformError:
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
    """Each message of an .eml, mbox or Outlook .msg file in turn; a bad message is its own error, the others still read.

    Any failure while reading a message (a RecursionError on a deeply nested
    one, say) becomes a DocxformError "not a readable e-mail file (...)" (for
    a .msg, "not a readable Outlook message (...)"). A file that cannot be
    opened at all, or an Outlook data file (.pst/.ost), raises that error for the whole file.

    An mbox is streamed: one message in memory at a time, so the memory
    taken is bounded by the largest message (at most :data:`MAX_MESSAGE_BYTES`),
    not the mailbox. A message over that cap is its own error line.
    """
    head = read_head(path, 8)
    if head[:4] == PST_MAGIC or path.suffix.lower() in PST_SUFFIXES:
        raise DocxformError(path, PST_ADVICE)
    if is_ole(head):
        yield _outlook_part(path)
        return
    for label, data, refused in _raw_messages(path):
        if refused is not None:
            yield MailPart(label, [], DocxformError(path, refused))
            continue
        try:
            yield MailPart(label, list(message_attachments(_parse_bytes(data))))
        except Exception as exc:  # one message's failure is that message's line, never the batch's end
            yield MailPart(label, [], _unreadable(path, exc))


def _outlook_part(path: Path) -> MailPart:
    """A .msg file's one message, or why it cannot be read (a damaged file is its own line)."""
    try:
        message = read_msg(read_input(path, limit=MAX_MESSAGE_BYTES, what="message"))
        return MailPart("", outlook_attachments(message))
    except MsgError as exc:
        return MailPart("", [], DocxformError(path, f"not a readable Outlook message ({exc})"))
    except DocxformError as exc:
        return MailPart("", [], exc)
    except Exception as exc:  # one message's failure is that message's line, never the batch's end
        return MailPart("", [], _unreadable(path, exc))


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


#: One step of the walk: a node (an e-mail part, an Outlook message or one of its attachments), the
#: sender, time and subject of the message it belongs to, and how many messages deep it is.
_Step = tuple[Message | OutlookMessage | MsgAttachment, str | None, str | None, str | None, int]


def message_attachments(message: Message) -> Iterator[Attachment]:
    """The attached files of one e-mail, with its sender and Date (see :func:`_walk`).

    A Date header that cannot be read is no time, but it is said: each attachment that has no
    time carries it (``bad_date``), for a warning on its receipt.
    """
    found = _walk((message, _sender(message), _date(message), _subject(message), 0))
    raw = message.get("Date")
    bad = ascii(str(raw)[:80]) if raw and _date(message) is None else None
    yield from (replace(a, bad_date=bad) if bad and a.sent_at is None else a for a in found)


def outlook_attachments(message: OutlookMessage) -> list[Attachment]:
    """The attached files of one Outlook message, with its sender and time sent (see :func:`_walk`)."""
    return _walk((message, message.sender, message.sent_at, message.subject, 0))


def _walk(first: _Step) -> list[Attachment]:
    """Every attached file below one message, e-mail or Outlook, in the order they appear.

    A forwarded message (an attached message/rfc822, an embedded .msg, an
    .eml inside a .msg, a .msg attached to an e-mail) gives its own
    attachments the INNER message's sender and date, not the forwarder's:
    they say who wrote the return and when. Walked with a stack, not
    recursion; messages inside messages at most MAX_DEPTH deep.
    """
    stack = [first]
    found: list[Attachment] = []
    while stack:
        node, sender, sent_at, subject, depth = stack.pop()
        if isinstance(node, OutlookMessage):
            stack.extend((att, node.sender or sender, node.sent_at or sent_at, node.subject or subject, depth)
                         for att in reversed(node.attachments))
        elif isinstance(node, MsgAttachment):
            stack.extend(_outlook_attachment(node, sender, sent_at, subject, depth, found))
        else:
            stack.extend(_mail_part(node, sender, sent_at, subject, depth, found))
    return found


def _mail_part(part: Message, sender: str | None, sent_at: str | None, subject: str | None, depth: int,
               found: list[Attachment]) -> list[_Step]:
    """One part of an e-mail: the steps below it (reversed, for the stack), or its file added to ``found``."""
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        return [(msg, _sender(msg) or sender, _date(msg) or sent_at, _subject(msg) or subject, depth)
                for msg in reversed(inner if isinstance(inner, list) else [inner]) if isinstance(msg, Message)]
    if part.is_multipart():
        children = part.get_payload()
        return [(child, sender, sent_at, subject, depth) for child in reversed(children if isinstance(children, list)
                                                                                else []) if isinstance(child, Message)]
    name = part.get_filename()
    payload = part.get_payload(decode=True) if name else None
    if not (name and isinstance(payload, bytes) and payload):
        return []
    if is_ole(payload) and (name.lower().endswith(MSG_SUFFIXES) or is_msg_data(payload)):
        return _attached_msg(_file_name(name), payload, sender, sent_at, subject, depth, found)
    found.append(_kept(_file_name(name), payload, sender, sent_at, subject))
    return []


def _outlook_attachment(att: MsgAttachment, sender: str | None, sent_at: str | None, subject: str | None,
                        depth: int, found: list[Attachment]) -> list[_Step]:
    """One attachment of an Outlook message: an attached message to walk, or a file added to ``found``."""
    name = _file_name(att.name)
    if att.message is not None:
        return _deeper(att.message, sender, sent_at, subject, depth, name, found)
    if att.data and (att.mime == "message/rfc822" or name.lower().endswith(".eml")):
        try:
            inner = _parse_bytes(att.data)
        except Exception as exc:  # a damaged attached e-mail is that attachment's line
            found.append(Attachment(name, att.data, sender, sent_at, subject, f"not a readable e-mail ({exc})"))
            return []
        return _deeper(inner, sender, sent_at, subject, depth, name, found)
    if is_ole(att.data) and (name.lower().endswith(MSG_SUFFIXES) or is_msg_data(att.data)):
        return _attached_msg(name, att.data, sender, sent_at, subject, depth, found)
    found.append(_kept(name, att.data, sender, sent_at, subject))
    return []


def _kept(name: str, data: bytes, sender: str | None, sent_at: str | None, subject: str | None) -> Attachment:
    """An attached file as kept, or (over MAX_ATTACHMENT_BYTES) its line saying why not."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        return Attachment(name, b"", sender, sent_at, subject, problem=(
            f"an attachment of {len(data):,} bytes; more than {_amount(MAX_ATTACHMENT_BYTES)} is refused"))
    return Attachment(name, data, sender, sent_at, subject)


def _attached_msg(name: str, data: bytes, sender: str | None, sent_at: str | None, subject: str | None, depth: int,
                  found: list[Attachment]) -> list[_Step]:
    """A .msg file attached as a file: its message to walk, or (damaged) a line of its own."""
    try:
        message = read_msg(data)
    except MsgError as exc:
        found.append(Attachment(name, data, sender, sent_at, subject, f"not a readable Outlook message ({exc})"))
        return []
    return _deeper(message, sender, sent_at, subject, depth, name, found)


def _deeper(inner: Message | OutlookMessage, sender: str | None, sent_at: str | None, subject: str | None,
            depth: int, name: str, found: list[Attachment]) -> list[_Step]:
    """The step into an attached message, with its own sender, time and subject where it has them."""
    if depth + 1 > MAX_DEPTH:
        found.append(Attachment(name, b"", sender, sent_at, subject,
                                f"more than {MAX_DEPTH} messages attached one inside another; not read"))
        return []
    if isinstance(inner, OutlookMessage):
        return [(inner, inner.sender or sender, inner.sent_at or sent_at, inner.subject or subject, depth + 1)]
    return [(inner, _sender(inner) or sender, _date(inner) or sent_at, _subject(inner) or subject, depth + 1)]


def _file_name(name: str) -> str:
    """An attachment's name as display text: its last path part, printable (it is the sender's text)."""
    return printable(PurePath(name.replace("\\", "/")).name, 200) or "attachment"


def _subject(message: Message) -> str | None:
    try:
        subject = str(message.get("Subject", "") or "").strip()
    except (ValueError, TypeError):
        return None
    return printable(subject, 300) if subject else None


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
