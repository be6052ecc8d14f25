"""Outlook messages (.msg) read per Microsoft's MS-OXMSG, on top of olefile's MS-CFB reader.

Outlook's "Save As" and drag-to-folder give ``.msg`` files, not ``.eml``: an
OLE compound file whose ``__properties_version1.0`` stream lists the
message's properties (16 bytes each, after a 32-byte header; 24 for an
attached message, 8 for an attachment) and whose ``__substg1.0_IIIITTTT``
streams hold the variable-length ones (property id IIII, type TTTT). Only
what a round needs is read: the subject, the sender's SMTP address, the
time it was sent, and the attachments (an attached message recursively).
:mod:`docxform.io.mail` turns the result into the same records as an .eml's.

The well-known reader ``extract-msg`` is GPL; docxform is MIT, so this small
reader is our own (the tests check it against ``extract-msg`` and Debian's
``msgconvert``). Every string read is file content: names and the subject
reach the terminal only as printable text.
"""

from __future__ import annotations

import codecs
import io
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import olefile

from docxform.io.ole import MESSAGE, classify, is_ole, printable

PST_ADVICE = ("an Outlook data file (.pst/.ost): a whole mailbox, not one message, and docxform does not read "
              "mailboxes (select the messages in Outlook and drag them to a folder, then ingest that folder)")
MSG_SUFFIXES = (".msg",)
PST_SUFFIXES = (".pst", ".ost")

#: Messages attached to messages: deeper than this is refused (a real forward chain is a few deep).
MAX_DEPTH = 32
#: MS-OXMSG allows 2048 attachment storages per message.
MAX_ATTACHMENTS = 2048

PROPERTIES = "__properties_version1.0"
ATTACH_PREFIX = "__attach_version1.0_#"
EMBEDDED = "__substg1.0_3701000d"
_TOP_HEADER, _EMBEDDED_HEADER, _ATTACHMENT_HEADER = 32, 24, 8
_ENTRY = struct.Struct("<HHI8s")

# Property types (MS-OXCDATA 2.11.1).
UNICODE, STRING8, BINARY, INT32, TIME = 0x001F, 0x001E, 0x0102, 0x0003, 0x0040
# Property ids (MS-OXPROPS).
SUBJECT = 0x0037
CLIENT_SUBMIT_TIME = 0x0039
DELIVERY_TIME = 0x0E06
SENDER_ADDRESS_TYPE, SENDER_EMAIL = 0x0C1E, 0x0C1F
SENDER_SMTP = 0x5D01
SENT_REPRESENTING_ADDRESS_TYPE, SENT_REPRESENTING_EMAIL = 0x0064, 0x0065
SENT_REPRESENTING_SMTP = 0x5D02
TRANSPORT_HEADERS = 0x007D
MESSAGE_CODEPAGE, INTERNET_CODEPAGE = 0x3FFD, 0x3FDE
ATTACH_DATA, ATTACH_FILENAME, ATTACH_LONG_FILENAME = 0x3701, 0x3704, 0x3707
ATTACH_METHOD, ATTACH_MIME = 0x3705, 0x370E
DISPLAY_NAME = 0x3001
EMBEDDED_MESSAGE_METHOD = 5
DEFAULT_CODEPAGE = 1252
_CODECS = {65001: "utf-8", 1200: "utf-16-le", 20127: "ascii", 28591: "latin-1", 65000: "utf-7"}


class MsgError(ValueError):
    """The file is not a readable Outlook message; the text says why, in one line."""


@dataclass(frozen=True)
class MsgAttachment:
    """One attachment: its name, bytes and MIME type, or (attach method 5) the message attached."""

    name: str
    data: bytes
    mime: str
    message: OutlookMessage | None = None


@dataclass(frozen=True)
class OutlookMessage:
    """What a round keeps of one message: the receipt's evidence and the attached files."""

    subject: str | None
    sender: str | None  # the SMTP address, lower case
    sent_at: str | None  # ISO 8601 UTC
    attachments: list[MsgAttachment] = field(default_factory=list)


def is_msg_data(data: bytes) -> bool:
    """Whether bytes are an Outlook message: an OLE file with a message's property stream."""
    return is_ole(data) and classify(data).kind == MESSAGE


def read_msg(data: bytes) -> OutlookMessage:
    """The message in a .msg file's bytes, or MsgError naming the cause (a damaged file, a missing stream)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return _Reader(ole).message((), embedded=False, depth=0, codepage=None)
    except MsgError:
        raise
    except RecursionError:
        raise MsgError("attached messages nested too deeply") from None
    except Exception as exc:  # olefile and struct raise many kinds on a damaged file: all mean "cannot be read"
        text = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise MsgError(f"damaged: {printable(text, 160)}") from None


class _Reader:
    """One open compound file: its entries by storage (names lower case), and the message readers."""

    def __init__(self, ole: olefile.OleFileIO) -> None:
        self.ole = ole
        self.children: dict[tuple[str, ...], dict[str, list[str]]] = {}
        for entry in ole.listdir(streams=True, storages=True):
            self.children.setdefault(tuple(e.lower() for e in entry[:-1]), {})[entry[-1].lower()] = entry

    def message(self, where: tuple[str, ...], *, embedded: bool, depth: int, codepage: int | None) -> OutlookMessage:
        if depth > MAX_DEPTH:
            raise MsgError(f"more than {MAX_DEPTH} messages attached one inside another; refused")
        props = self.properties(where, _EMBEDDED_HEADER if embedded else _TOP_HEADER)
        codepage = _int(props, MESSAGE_CODEPAGE) or _int(props, INTERNET_CODEPAGE) or codepage or DEFAULT_CODEPAGE
        text = _Strings(self, where, codepage)
        attachments = [self.attachment((*where, name), depth, codepage)
                       for name in sorted(self.children.get(where, {})) if name.startswith(ATTACH_PREFIX)]
        if len(attachments) > MAX_ATTACHMENTS:
            raise MsgError(f"more than {MAX_ATTACHMENTS} attachments; refused")
        subject = text.get(SUBJECT)
        return OutlookMessage(printable(subject, 300) if subject else None, _sender(props, text),
                              _time(props, CLIENT_SUBMIT_TIME) or _time(props, DELIVERY_TIME), attachments)

    def attachment(self, where: tuple[str, ...], depth: int, codepage: int) -> MsgAttachment:
        props = self.properties(where, _ATTACHMENT_HEADER)
        text = _Strings(self, where, codepage)
        name = text.get(ATTACH_LONG_FILENAME) or text.get(ATTACH_FILENAME) or text.get(DISPLAY_NAME) or ""
        mime = (text.get(ATTACH_MIME) or "").strip().lower()
        inner = (*where, EMBEDDED)
        if _int(props, ATTACH_METHOD) == EMBEDDED_MESSAGE_METHOD and inner in self.children:
            message = self.message(inner, embedded=True, depth=depth + 1, codepage=codepage)
            return MsgAttachment(name or (message.subject or "attached message") + ".msg", b"", mime, message)
        return MsgAttachment(name, self.stream(where, f"__substg1.0_{ATTACH_DATA:04x}{BINARY:04x}") or b"", mime)

    def stream(self, where: tuple[str, ...], name: str) -> bytes | None:
        entry = self.children.get(where, {}).get(name)
        if entry is None or self.ole.get_type(entry) != olefile.STGTY_STREAM:
            return None
        with self.ole.openstream(entry) as handle:
            data: bytes = handle.read()
        return data

    def properties(self, where: tuple[str, ...], header: int) -> dict[int, tuple[int, bytes]]:
        """The property stream's fixed entries: property id -> (type, its 8 value bytes)."""
        data = self.stream(where, PROPERTIES)
        if data is None:
            raise MsgError(f"no property stream ({PROPERTIES}{' in ' + '/'.join(where) if where else ''})")
        props: dict[int, tuple[int, bytes]] = {}
        for offset in range(header, len(data) - _ENTRY.size + 1, _ENTRY.size):
            kind, prop, _flags, value = _ENTRY.unpack_from(data, offset)
            props[prop] = (kind, value)
        return props


class _Strings:
    """The string properties of one object: Unicode (001F) or 8-bit (001E) in the message's code page."""

    def __init__(self, reader: _Reader, where: tuple[str, ...], codepage: int) -> None:
        self.reader, self.where, self.codec = reader, where, _codec(codepage)

    def get(self, prop: int) -> str | None:
        wide = self.reader.stream(self.where, f"__substg1.0_{prop:04x}{UNICODE:04x}")
        if wide is not None:
            return wide[: len(wide) // 2 * 2].decode("utf-16-le", errors="replace").split("\0", 1)[0]
        narrow = self.reader.stream(self.where, f"__substg1.0_{prop:04x}{STRING8:04x}")
        if narrow is not None:
            return narrow.split(b"\0", 1)[0].decode(self.codec, errors="replace")
        return None


def _codec(codepage: int) -> str:
    """Python's codec for a Windows code page number (cp1252 when it is unknown)."""
    name = _CODECS.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return f"cp{DEFAULT_CODEPAGE}"


def _int(props: dict[int, tuple[int, bytes]], prop: int) -> int | None:
    found = props.get(prop)
    if found is None or found[0] != INT32:
        return None
    return int(struct.unpack_from("<i", found[1])[0])


def _time(props: dict[int, tuple[int, bytes]], prop: int) -> str | None:
    """A PtypTime (FILETIME: 100 ns since 1601-01-01 UTC) as ISO 8601 UTC, or None if absent or absurd."""
    found = props.get(prop)
    if found is None or found[0] != TIME:
        return None
    ticks = int(struct.unpack_from("<Q", found[1])[0])
    try:
        when = datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if 1980 <= when.year <= 2200 else None


def _sender(props: dict[int, tuple[int, bytes]], text: _Strings) -> str | None:
    """The sender's SMTP address, the same spelling an .eml's From gives.

    In MS-OXPROPS' order of trust: PidTagSenderSmtpAddress; the sender's
    address when its type is SMTP (an Exchange sender's is an X.500 path);
    PidTagSentRepresentingSmtpAddress; the sent-representing address when it
    is SMTP; last, the From line of the transport headers a received message keeps.
    """
    candidates = [text.get(SENDER_SMTP)]
    if (text.get(SENDER_ADDRESS_TYPE) or "").strip().upper() == "SMTP":
        candidates.append(text.get(SENDER_EMAIL))
    candidates.append(text.get(SENT_REPRESENTING_SMTP))
    if (text.get(SENT_REPRESENTING_ADDRESS_TYPE) or "").strip().upper() == "SMTP":
        candidates.append(text.get(SENT_REPRESENTING_EMAIL))
    candidates.append(_header_from(text.get(TRANSPORT_HEADERS)))
    for value in candidates:
        address = smtp_address(value)
        if address:
            return address
    return None


def _header_from(headers: str | None) -> str | None:
    """The From line of RFC 5322 transport headers (unfolded), if any."""
    if not headers:
        return None
    lines = headers.replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines):
        if line.lower().startswith("from:"):
            value = line[5:]
            for more in lines[number + 1:]:
                if not more.startswith((" ", "\t")):
                    break
                value += more
            return value
    return None


def smtp_address(value: str | None) -> str | None:
    """An SMTP address as :mod:`docxform.io.mail` spells the sender (parsed, lower case), or None if it is none."""
    if not value:
        return None
    address = parseaddr(value)[1].strip().lower()
    if "@" not in address or not address.isprintable() or any(ch.isspace() for ch in address):
        return None
    return address
