"""OLE compound files (MS-CFB) told apart by the streams they hold, not taken for Word documents.

A ``.doc``, an ``.xls``, an Outlook ``.msg`` and an encrypted ``.docx`` all
begin with the same eight bytes; only the names of their streams say which
is which. So every OLE file is opened (with ``olefile``, the standard
reader) and named for what it is, and only a Word document is ever given
"convert it" advice. The names of unknown streams are file content: they are
shown only after :func:`printable` has made them plain text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docxform.io.safety import shown

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: How an Outlook data file (.pst, .ost: a whole mailbox) begins. Not OLE, but told apart from it here too.
PST_MAGIC = b"!BDN"

WORD = "word"
EXCEL = "excel"
MESSAGE = "outlook-message"
ENCRYPTED = "encrypted"
OTHER = "other"
DAMAGED = "damaged"

#: Top-level stream or storage name (compared without case) -> (kind, what it is in words). The first match wins.
_BY_STREAM: tuple[tuple[str, str, str], ...] = (
    ("EncryptedPackage", ENCRYPTED, "a password-protected (encrypted) Office document"),
    ("EncryptionInfo", ENCRYPTED, "a password-protected (encrypted) Office document"),
    ("WordDocument", WORD, "a Word 97-2003 document (.doc)"),
    ("Workbook", EXCEL, "an Excel 97-2003 workbook (.xls)"),
    ("Book", EXCEL, "an Excel 5.0/95 workbook (.xls)"),
    ("__properties_version1.0", MESSAGE, "an Outlook message (.msg)"),
    ("PowerPoint Document", OTHER, "PowerPoint 97-2003 presentation (.ppt)"),
    ("VisioDocument", OTHER, "Visio drawing (.vsd)"),
    ("Quill", OTHER, "Publisher document (.pub)"),
    ("CONTENTS", OTHER, "Works or embedded OLE object"),
)
#: Root storage class ids of OLE files with no telling stream (lower case, as olefile gives them).
_BY_CLSID = {
    "000c1084-0000-0000-c000-000000000046": "Windows Installer package (.msi)",
    "000c1086-0000-0000-c000-000000000046": "Windows Installer patch (.msp)",
}
_SHOWN_NAMES = 4


@dataclass(frozen=True)
class OleKind:
    """What an OLE compound file is: a kind (WORD, EXCEL, MESSAGE, ENCRYPTED, OTHER, DAMAGED) and it in words."""

    kind: str
    what: str


def is_ole(data: bytes) -> bool:
    """Whether the bytes begin as an OLE compound file (MS-CFB) does."""
    return data[:8] == OLE_MAGIC


def classify(data: bytes) -> OleKind:
    """Open the compound file and name it by its top-level streams (and root class id); never raises.

    A file olefile cannot open is DAMAGED, unless its raw bytes still name the
    encryption streams (an encrypted .docx cut short is still a password problem).
    olefile is imported only here: a parse run that meets no OLE file never loads it.
    """
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            names = [entry[0] for entry in ole.listdir(streams=True, storages=True) if entry]
            clsid = (ole.root.clsid or "").lower() if ole.root is not None else ""
    except Exception:  # olefile raises many kinds on a damaged file; any of them means "cannot be opened"
        return _damaged(data)
    return kind_of(names, clsid)


def _damaged(data: bytes) -> OleKind:
    """A file olefile cannot open: named by a telling stream name its raw directory still holds, else DAMAGED."""
    for stream, kind, what in _BY_STREAM:
        if len(stream) > 4 and stream.encode("utf-16-le") in data:
            return OleKind(kind, what)
    return OleKind(DAMAGED, "a damaged OLE compound file (Office 97-2003 or Outlook): its contents cannot be read")


def kind_of(names: list[str], clsid: str = "") -> OleKind:
    """The kind named by a compound file's top-level entry names (see :data:`_BY_STREAM`)."""
    lowered = {name.lower() for name in names}
    for stream, kind, what in _BY_STREAM:
        if stream.lower() in lowered:
            return OleKind(kind, what)
    if any(name.startswith("__substg1.0_") for name in lowered):
        return OleKind(MESSAGE, "an Outlook message (.msg)")
    if clsid in _BY_CLSID:
        return OleKind(OTHER, _BY_CLSID[clsid])
    shown = ", ".join(printable(name) for name in sorted(set(names))[:_SHOWN_NAMES])
    more = ", ..." if len(set(names)) > _SHOWN_NAMES else ""
    return OleKind(OTHER, f"unknown kind (streams: {shown}{more})" if shown else "unknown kind (empty)")


def printable(text: str, limit: int = 40) -> str:
    """A stream name (file content) as plain printable text.

    Control characters are shown as their escapes by the one owner of that
    (:func:`docxform.io.safety.shown`); anything else that does not print
    (an unassigned code point, a lone surrogate) becomes '?'.
    """
    clean = "".join(ch if ch.isprintable() else "?" for ch in shown(text))
    return clean if len(clean) <= limit else clean[:limit] + "..."


def not_a_return(kind: OleKind) -> str:
    """The cause for an OLE file that is neither Word nor Excel nor a message: what it is, and that it is no return."""
    return f"an OLE file of type {kind.what}: not a return"
