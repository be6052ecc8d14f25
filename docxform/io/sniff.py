"""What a file is, by its bytes: the content decides, not the name.

A return renamed ``.eml`` by a mail client, an e-mail saved as ``.docx``, a
Word 97 file called ``.docx``: trusting the name drops or misreads them
silently. :func:`sniff` looks at the first bytes (and, for a zip, at the
names of its parts) and says what the file is and the extension it should
be read as. The callers compare that with the name and say so when they
disagree.

One function, :func:`sniff`, so that new kinds are added in one place
(OLE files are only "an OLE compound file" here: which kind, a Word 97
document or an Outlook message, is for the OLE reader to tell).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.io.files import read_head

HEAD = 4096
RETURN, MAIL, OTHER, UNKNOWN = "return", "mail", "other", "unknown"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: More parts than any return has: the zip is then not looked into (its central directory alone could be large).
MAX_ZIP_NAMES = 2_000
#: Header names that mark an e-mail (RFC 5322 and the usual transport headers).
_MAIL_HEADERS = {b"from", b"to", b"cc", b"date", b"subject", b"message-id", b"mime-version", b"received",
                 b"return-path", b"delivered-to", b"reply-to", b"content-type", b"sender", b"x-mailer",
                 b"user-agent", b"in-reply-to", b"references", b"thread-topic", b"x-originating-ip"}
_HEADER = re.compile(rb"([A-Za-z][A-Za-z0-9-]*):[ \t]")


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are: ``kind`` (return, mail, other, unknown), the extension to read them as, in words."""

    kind: str
    suffix: str | None
    what: str


def sniff(head: bytes, zip_names: Callable[[], list[str]] | None = None) -> Sniffed:
    """What a file whose first bytes are ``head`` is; ``zip_names`` lists a zip's parts when asked."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(zip_names)
    if head.startswith(OLE_MAGIC):
        return Sniffed(RETURN, ".doc", "an OLE compound file (Word 97-2003)")
    if head.startswith(b"{\\rtf"):
        return Sniffed(RETURN, ".rtf", "an RTF document")
    text = head.removeprefix(b"\xef\xbb\xbf")
    if text.startswith(b"<?xml") or text.startswith(b"<w:wordDocument"):
        if b"wordDocument" in head:
            return Sniffed(RETURN, ".xml", "a Word 2003 XML document")
        return Sniffed(OTHER, None, "an XML file")
    if head.startswith(b"From "):
        return Sniffed(MAIL, ".mbox", "an mbox mailbox")
    if _looks_like_mime(text):
        return Sniffed(MAIL, ".eml", "an e-mail")
    if head.startswith(b"%PDF"):
        return Sniffed(OTHER, None, "a PDF")
    return Sniffed(UNKNOWN, None, "")


def sniff_file(path: Path, what: str = "file") -> Sniffed:
    """:func:`sniff` of a file (its head through docxform.io.files's checks: a FIFO or device is refused)."""
    head = read_head(path, HEAD, what)

    def names() -> list[str]:
        with zipfile.ZipFile(path) as archive:
            return _bounded_names(archive)

    return sniff(head, names)


def sniff_bytes(data: bytes) -> Sniffed:
    """:func:`sniff` of bytes in memory (an attachment)."""

    def names() -> list[str]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _bounded_names(archive)

    return sniff(data[:HEAD], names)


def _bounded_names(archive: zipfile.ZipFile) -> list[str]:
    infos = archive.infolist()
    return [] if len(infos) > MAX_ZIP_NAMES else [i.filename for i in infos]


def _zip_kind(zip_names: Callable[[], list[str]] | None) -> Sniffed:
    """A zip is a return when its parts say so: word/ (.docx), xl/ (.xlsx), an OpenDocument text (.odt)."""
    try:
        names = set(zip_names()) if zip_names else set()
    except (OSError, zipfile.BadZipFile, DocxformError, ValueError, EOFError):
        names = set()
    if "word/document.xml" in names or ("_rels/.rels" in names and "xl/workbook.xml" not in names and any(
            n.startswith("word/") and n.endswith(".xml") for n in names)):  # its main part may be named otherwise
        return Sniffed(RETURN, ".docx", "a Word document (.docx)")
    if "xl/workbook.xml" in names:
        return Sniffed(RETURN, ".xlsx", "an Excel workbook (.xlsx)")
    if "content.xml" in names and "mimetype" in names:
        return Sniffed(RETURN, ".odt", "an OpenDocument file")
    return Sniffed(UNKNOWN if not names else OTHER, None, "a zip archive (unzip it and ingest the files inside)")


def _looks_like_mime(head: bytes) -> bool:
    """At least two known e-mail header lines before the first blank line, the first line among them."""
    lines = head.split(b"\n", 64)[:64]
    found = 0
    for n, line in enumerate(lines):
        if not line.strip(b"\r"):
            break
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header's continuation
        match = _HEADER.match(line)
        known = match is not None and match.group(1).lower() in _MAIL_HEADERS
        if n == 0 and not (match and (known or match.group(1).lower().startswith(b"x-"))):
            return False
        found += known
    return found >= 2
