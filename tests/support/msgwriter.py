"""Outlook .msg files for the tests, written from Microsoft's published specifications (not copied from anyone's files).

Two layers:

* :func:`write_cfb` writes a compound file per MS-CFB, version 3: 512-byte
  sectors, one FAT (no DIFAT sectors, so files up to about 7 MB), a mini
  stream of 64-byte sectors for streams under 4096 bytes with its mini FAT,
  and the directory. Each storage's children form a binary search tree in
  the order MS-CFB prescribes (shorter names first, then by upper-cased
  name), balanced and all black, which is a valid red-black tree.
* :func:`msg_bytes` lays a message out per MS-OXMSG: the property stream
  (a 32-byte header for the message, 24 for an attached message, 8 for an
  attachment or recipient; 16 bytes an entry), one ``__substg1.0_IIIITTTT``
  stream per variable-length property, ``__recip_version1.0_#N`` and
  ``__attach_version1.0_#N`` storages, an attached message in the
  attachment's ``__substg1.0_3701000D`` storage, and the named-property
  storage ``__nameid_version1.0`` (empty: these messages use no named properties).

Olefile cannot write new compound files (it only overwrites streams in place),
hence the writer of our own. Checked in the tests by two independent
readers, ``extract-msg`` and Debian's ``msgconvert``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1


@dataclass
class Node:
    """A storage (``children``) or a stream (``data``) of the compound file."""

    name: str
    data: bytes | None = None
    children: list[Node] = field(default_factory=list)


# ---------------------------------------------------------------- MS-CFB


def _key(node: Node) -> tuple[int, str]:
    """MS-CFB 2.6.4: compare by name length (UTF-16 code units), then by the upper-cased names."""
    return len(node.name.encode("utf-16-le")) // 2, node.name.upper()


def write_cfb(root_children: list[Node]) -> bytes:
    """A version 3 compound file holding these storages and streams under its root."""
    entries: list[Node] = [Node("Root Entry", children=root_children)]
    rows: list[dict[str, int]] = [{}]
    _number(entries[0], 0, entries, rows)
    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[int, bytes]] = []  # (entry index, data) of streams in regular sectors
    starts = [ENDOFCHAIN] * len(entries)
    for index, node in enumerate(entries):
        if node.data is None or index == 0:
            continue
        if len(node.data) < MINI_CUTOFF:
            if node.data:
                first = len(mini) // MINI_SECTOR
                count = -(-len(node.data) // MINI_SECTOR)
                minifat += [first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
                starts[index] = first
                mini += node.data + b"\0" * (count * MINI_SECTOR - len(node.data))
        else:
            big.append((index, node.data))
    directory = b"".join(_entry(node, rows[i], starts[i], len(node.data or b"")) for i, node in enumerate(entries))
    directory += _empty_entry() * (-len(entries) % 4)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes += b"\xff" * (-len(minifat_bytes) % SECTOR)
    # Regular-sector contents in order: directory, mini FAT, mini stream, then each big stream.
    blobs: list[tuple[str, int, bytes]] = [("dir", -1, directory), ("minifat", -1, minifat_bytes),
                                           ("mini", -1, bytes(mini))] + [("stream", i, d) for i, d in big]
    counts = [-(-len(b) // SECTOR) for _, _, b in blobs]
    data_sectors = sum(counts)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < data_sectors + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "the test writer has no DIFAT: keep messages under about 7 MB"
    fat = [FATSECT] * fat_sectors
    where: dict[str, int] = {}
    body = bytearray()
    for (kind, index, blob), count in zip(blobs, counts, strict=True):
        first = len(fat) if count else ENDOFCHAIN
        fat += [len(fat) + i + 1 for i in range(count - 1)] + ([ENDOFCHAIN] if count else [])
        body += blob + b"\0" * (count * SECTOR - len(blob))
        if kind == "stream":
            starts[index] = first
        else:
            where[kind] = first
    fat += [FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat))
    # The directory was written before the big streams' sectors were known: write it again, same size.
    starts[0] = where["mini"] if mini else ENDOFCHAIN
    directory = b"".join(_entry(node, rows[i], starts[i], len(mini) if i == 0 else len(node.data or b""))
                         for i, node in enumerate(entries)) + _empty_entry() * (-len(entries) % 4)
    body[: len(directory)] = directory
    header = _header(fat_sectors, where["dir"], where["minifat"] if minifat else ENDOFCHAIN,
                     counts[1] if minifat else 0)
    return header + b"".join(struct.pack("<I", v) for v in fat) + bytes(body)


def _number(storage: Node, own: int, entries: list[Node], rows: list[dict[str, int]]) -> None:
    """Give each child an entry index (depth first) and link each storage's children as a balanced tree."""
    ids: dict[int, int] = {}
    for child in storage.children:
        entries.append(child)
        rows.append({})
        ids[id(child)] = len(entries) - 1
    ordered = sorted(storage.children, key=_key)
    rows[own]["child"] = _tree(ordered, ids, rows)
    for child in storage.children:
        if child.data is None:
            _number(child, ids[id(child)], entries, rows)


def _tree(ordered: list[Node], ids: dict[int, int], rows: list[dict[str, int]]) -> int:
    """The middle node as this subtree's root, the halves as its left and right siblings."""
    if not ordered:
        return NOSTREAM
    middle = len(ordered) // 2
    node = ids[id(ordered[middle])]
    rows[node]["left"] = _tree(ordered[:middle], ids, rows)
    rows[node]["right"] = _tree(ordered[middle + 1:], ids, rows)
    return node


def _entry(node: Node, row: dict[str, int], start: int, size: int) -> bytes:
    name = node.name.encode("utf-16-le") + b"\0\0"
    assert len(name) <= 64, node.name
    kind = ROOT if node.name == "Root Entry" else STREAM if node.data is not None else STORAGE
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), kind, BLACK, row.get("left", NOSTREAM),
                       row.get("right", NOSTREAM), row.get("child", NOSTREAM), b"\0" * 16, 0, 0, 0,
                       start if kind != STORAGE else 0, size if kind != STORAGE else 0)


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)


def _header(fat_sectors: int, first_dir: int, first_minifat: int, minifat_sectors: int) -> bytes:
    difat = [i for i in range(fat_sectors)] + [FREESECT] * (109 - fat_sectors)
    head = struct.pack("<8s16sHHHHH6sIIIIIIIII", MAGIC, b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
                       0, fat_sectors, first_dir, 0, MINI_CUTOFF, first_minifat, minifat_sectors, ENDOFCHAIN, 0)
    return head + b"".join(struct.pack("<I", v) for v in difat)


# ---------------------------------------------------------------- MS-OXMSG

UNICODE, STRING8, BINARY, INT32, TIME, BOOLEAN, OBJECT = 0x001F, 0x001E, 0x0102, 0x0003, 0x0040, 0x000B, 0x000D


@dataclass
class Attach:
    """An attachment: a file (name, data, MIME type) or, with ``message``, an attached message (method 5)."""

    name: str = ""
    data: bytes = b""
    mime: str = ""
    message: Message | None = None
    hidden: bool = False


@dataclass
class Message:
    """A message's properties as a test sets them; ``unicode=False`` writes strings as 8-bit (001E)."""

    subject: str = "Self-assessment return"
    sender_name: str = "A Sender"
    sender_email: str | None = "sender@example.org"
    sender_type: str = "SMTP"
    sender_smtp: str | None = None  # PidTagSenderSmtpAddress (0x5D01)
    representing_smtp: str | None = None  # PidTagSentRepresentingSmtpAddress (0x5D02)
    sent: datetime | None = None  # PidTagClientSubmitTime
    delivered: datetime | None = None  # PidTagMessageDeliveryTime
    body: str = "Please find my return attached."
    unicode: bool = True
    codepage: int | None = None  # PidTagMessageCodepage and PidTagInternetCodepage, written when set
    attachments: list[Attach] = field(default_factory=list)
    to: str = "coordinator@example.org"


def msg_bytes(message: Message) -> bytes:
    """The .msg file of a message, per MS-OXMSG on MS-CFB."""
    nameid = Node("__nameid_version1.0", children=[
        Node("__substg1.0_00020102", b""), Node("__substg1.0_00030102", b""), Node("__substg1.0_00040102", b"")])
    return write_cfb([nameid, *_message_nodes(message, embedded=False)])


def _message_nodes(message: Message, *, embedded: bool) -> list[Node]:
    codec = _codec(message)
    props: list[tuple[int, int, object]] = [
        (0x001A, _text(message), "IPM.Note"),
        (0x0037, _text(message), message.subject),
        (0x0C1A, _text(message), message.sender_name),
        (0x0042, _text(message), message.sender_name),  # PidTagSentRepresentingName
        (0x0E04, _text(message), message.to),  # PidTagDisplayTo
        (0x1000, _text(message), message.body),
        (0x0E07, INT32, 0x00000001 | (0x10 if message.attachments else 0)),  # PidTagMessageFlags: read (+ attach)
    ]
    if message.sender_email is not None:
        props += [(0x0C1E, _text(message), message.sender_type), (0x0C1F, _text(message), message.sender_email),
                  (0x0064, _text(message), message.sender_type), (0x0065, _text(message), message.sender_email)]
    if message.sender_smtp is not None:
        props.append((0x5D01, _text(message), message.sender_smtp))
    if message.representing_smtp is not None:
        props.append((0x5D02, _text(message), message.representing_smtp))
    if message.sent is not None:
        props.append((0x0039, TIME, message.sent))
    if message.delivered is not None:
        props.append((0x0E06, TIME, message.delivered))
    if message.codepage is not None:
        props += [(0x3FFD, INT32, message.codepage), (0x3FDE, INT32, message.codepage)]
    nodes = _property_nodes(props, 24 if embedded else 32, codec, counts=(1, len(message.attachments)))
    recipient = [(0x3001, _text(message), message.to), (0x3002, _text(message), "SMTP"),
                 (0x3003, _text(message), message.to), (0x0C15, INT32, 1), (0x39FE, _text(message), message.to)]
    nodes.append(Node("__recip_version1.0_#00000000", children=_property_nodes(recipient, 8, codec)))
    for number, attach in enumerate(message.attachments):
        nodes.append(Node(f"__attach_version1.0_#{number:08X}", children=_attach_nodes(attach, message, codec)))
    return nodes


def _attach_nodes(attach: Attach, message: Message, codec: str) -> list[Node]:
    kind = _text(message)
    props: list[tuple[int, int, object]] = [(0x0E21, INT32, 0), (0x3001, kind, attach.name)]
    if attach.name:
        props += [(0x3707, kind, attach.name), (0x3704, kind, attach.name[:12])]
    if attach.mime:
        props.append((0x370E, kind, attach.mime))
    if attach.hidden:
        props.append((0x7FFE, BOOLEAN, True))
    if attach.message is not None:
        props += [(0x3705, INT32, 5), (0x3701, OBJECT, None)]
        nodes = _property_nodes(props, 8, codec)
        return [*nodes, Node("__substg1.0_3701000D", children=_message_nodes(attach.message, embedded=True))]
    props += [(0x3705, INT32, 1), (0x3701, BINARY, attach.data)]
    return _property_nodes(props, 8, codec)


def _text(message: Message) -> int:
    return UNICODE if message.unicode else STRING8


def _codec(message: Message) -> str:
    return {65001: "utf-8", 1200: "utf-16-le"}.get(message.codepage or 1252, f"cp{message.codepage or 1252}")


def _property_nodes(props: list[tuple[int, int, object]], header: int, codec: str,
                    counts: tuple[int, int] = (0, 0)) -> list[Node]:
    """The property stream (MS-OXMSG 2.4) and one stream per variable-length property."""
    head = b"\0" * header
    if header >= 24:  # reserved 8, next recipient id, next attachment id, recipient count, attachment count
        head = b"\0" * 8 + struct.pack("<IIII", counts[0], counts[1], counts[0], counts[1]) + b"\0" * (header - 24)
    entries, streams = [head], []
    for prop, kind, value in props:
        tag = (prop << 16) | kind
        if kind in (UNICODE, STRING8, BINARY):
            data = (str(value).encode("utf-16-le") if kind == UNICODE else str(value).encode(codec)
                    if kind == STRING8 else bytes(value))  # type: ignore[call-overload]
            size = len(data) + (2 if kind == UNICODE else 1 if kind == STRING8 else 0)
            entries.append(struct.pack("<IIII", tag, 6, size, 0))
            streams.append(Node(f"__substg1.0_{prop:04X}{kind:04X}", data))
        elif kind == OBJECT:
            entries.append(struct.pack("<IIII", tag, 6, 0xFFFFFFFF, 0))
        elif kind == TIME:
            assert isinstance(value, datetime)
            entries.append(struct.pack("<IIQ", tag, 6, filetime(value)))
        else:
            entries.append(struct.pack("<IIiI", tag, 6, int(value), 0))  # type: ignore[call-overload]
    return [Node("__properties_version1.0", b"".join(entries)), *streams]


def filetime(when: datetime) -> int:
    """A datetime as FILETIME: 100-nanosecond intervals since 1601-01-01 UTC."""
    delta = when.astimezone(UTC) - datetime(1601, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def write_msg(target: Path, sender: str, when: datetime, attachment: Path, *, exchange: bool = False,
              logo: bool = False) -> Path:
    """A message with one return attached, as Outlook saves it (.msg): :func:`tests.support.roundkit.write_eml`'s twin.

    ``exchange`` gives the sender as an Exchange (X.500) address with the SMTP
    address only in PidTagSenderSmtpAddress; ``logo`` adds a signature image first.
    """
    attachments = [Attach("image001.png", b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png", hidden=True)] if logo else []
    attachments.append(Attach(attachment.name, attachment.read_bytes(), DOCX_MIME))
    message = Message(subject="My self-assessment return", sender_name="Someone", sent=when, attachments=attachments,
                      sender_email=f"/O=COUNCIL/OU=EXCHANGE/CN=RECIPIENTS/CN={sender.split('@')[0].upper()}"
                      if exchange else sender, sender_type="EX" if exchange else "SMTP",
                      sender_smtp=sender if exchange else None)
    target.write_bytes(msg_bytes(message))
    return target
