"""OPC packages (.docx/.xlsx zips): read them safely, write them deterministically.

Reading refuses, with a one-line reason, everything a hostile or broken file
can throw at us: not a zip, a legacy or encrypted OLE file, a truncated zip,
a zip bomb, macros, and XML with a DOCTYPE (the door to XXE and billion-laughs
entity expansion). Input files are only ever opened for reading.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from docxform.core.errors import DocxformError, UnsafeInputError
from docxform.io import ole
from docxform.io.files import read_input
from docxform.oxml.zipout import zip_entry

OLE_MAGIC = ole.OLE_MAGIC
PST_MAGIC = ole.PST_MAGIC
ZIP_MAGIC = b"PK"
MAX_MEMBERS = 2_000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_PART_UNCOMPRESSED = 100 * 1024 * 1024
#: The parts docxform parses into trees: lxml takes about ten times a part's size for dense XML,
#: and openpyxl more (a plan workbook is tens of KB; a return's document.xml a few hundred KB).
MAX_PARSED_PART = {"docx": 24 * 1024 * 1024, "xlsx": 16 * 1024 * 1024}
MAX_RATIO = 200


@dataclass
class Package:
    """The parts of a package that docxform reads, held in memory."""

    path: str
    zip: zipfile.ZipFile
    #: Inflated size beyond which a part is refused (a zip bomb, or more than any real form holds).
    part_limit: int = MAX_PART_UNCOMPRESSED
    #: Parts already inflated: :func:`check_parts` reads every part once, and the readers then reuse them.
    inflated: dict[str, bytes] = field(default_factory=dict)
    #: The whole file, when it was read into memory: parts are then inflated straight from it.
    data: bytes = b""

    def has(self, name: str) -> bool:
        return name in self.zip.NameToInfo

    def read(self, name: str) -> bytes:
        """Read one part (once: it is kept), checking its real size as it inflates."""
        if name not in self.inflated:
            self.inflated[name] = self._inflate(name)
        return self.inflated[name]

    def _inflate(self, name: str) -> bytes:
        info = self.zip.getinfo(name)
        limit = self.part_limit
        plain = inflate_plain_member(self.data, info, limit)
        if plain is not None:
            return plain
        try:
            with self.zip.open(name) as stream:  # by name: its errors then name the part, not a ZipInfo
                data = stream.read(limit + 1)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
            raise DocxformError(self.path, f"damaged zip: part {name} cannot be read ({_short(exc)})") from None
        except Exception as exc:  # zlib.error and friends from a corrupt stream
            raise DocxformError(self.path, f"damaged zip: part {name} cannot be read ({_short(exc)})") from None
        if len(data) > limit:
            raise UnsafeInputError(self.path, f"part {name} inflates to more than {limit // 2**20} MB; refused "
                                              "(a zip bomb, or far more than any form or plan holds)")
        return data

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), self.path, name)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_package(path: str | Path, *, kind: str = "docx", data: bytes | None = None) -> Package:
    """Open a .docx or .xlsx for reading, or raise a one-line DocxformError."""
    path = Path(path)
    if data is None:
        data = read_input(path, limit=MAX_TOTAL_UNCOMPRESSED)
    head = data[:8]
    if not head:
        raise DocxformError(path, "empty file")
    if head.startswith(OLE_MAGIC):
        raise _ole_error(path, kind, data)
    if not head.startswith(ZIP_MAGIC):
        raise DocxformError(path, f"not a Word or Excel file ({_sniff(head)})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocxformError(path, "damaged or truncated zip (not a complete .docx/.xlsx)") from None
    except Exception as exc:  # a bad name encoding, an impossible field: zipfile raises many kinds
        raise DocxformError(path, f"damaged zip directory ({_short(exc)})") from None
    try:
        _check_members(archive, path, kind)
    except DocxformError:
        archive.close()
        raise
    return Package(str(path), archive, MAX_PARSED_PART.get(kind, MAX_PART_UNCOMPRESSED), data=data)


#: A member's local header: signature, flags, then (past the method, times, CRC and sizes) the lengths of
#: its name and extra field.
_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
#: Flags ``zipfile`` refuses a member for (encrypted; compressed patched data; strong encryption).
_REFUSED_FLAGS = 0x1 | 0x20 | 0x40
_UTF8_NAME = 0x800


def inflate_plain_member(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """A member's bytes inflated straight from the file in memory, or None unless all is plainly in order.

    The usual member of a form (stored or deflated, not encrypted, its local
    header agreeing, its CRC and size right) is read here in one zlib call
    rather than through ``zipfile``'s stream objects: a return has a dozen
    parts and every one is read (:func:`check_parts`), so this is a tenth of a
    parse. Anything else (another method, any flag ``zipfile`` refuses, a
    local header that does not agree with the directory, a damaged stream,
    a wrong CRC or size, more than ``limit`` bytes) returns None, and
    ``zipfile`` then reads the member and reports what is wrong in its own way.
    """
    if (not data or info.flag_bits & _REFUSED_FLAGS
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
        return None
    start = info.header_offset
    try:
        magic, flags, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, start)
    except struct.error:
        return None
    name_at = start + _LOCAL_HEADER.size
    encoding = "utf-8" if info.flag_bits & _UTF8_NAME else "cp437"
    if (magic != b"PK\x03\x04" or (flags ^ info.flag_bits) & _UTF8_NAME
            or data[name_at:name_at + name_length] != info.orig_filename.encode(encoding, "replace")):
        return None
    begin = name_at + name_length + extra_length
    packed = memoryview(data)[begin:begin + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        member = bytes(packed)
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            member = inflater.decompress(packed, limit + 1)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
    if len(member) != info.file_size or len(member) > limit or zlib.crc32(member) != info.CRC:
        return None
    return member


def _check_members(archive: zipfile.ZipFile, path: Path, kind: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeInputError(path, f"zip has {len(infos):,} members (limit {MAX_MEMBERS:,})")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_TOTAL_UNCOMPRESSED or (total > 10 * 2**20 and total / packed > MAX_RATIO):
        raise UnsafeInputError(path, f"zip would inflate to {total // 2**20:,} MB from {packed // 1024:,} KB (zip bomb?)")
    names = set(archive.NameToInfo)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise DocxformError(path, "contains macros (a macro-enabled file); docxform never runs macros",
                            hint="save it in Word as a plain .docx/.xlsx and send that")
    main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    if kind == "docx" and main not in names and "_rels/.rels" in names and "xl/workbook.xml" not in names:
        return  # its main part may be named otherwise: main_document reads the package's relationship
    if main not in names:
        other = "an Excel workbook" if "xl/workbook.xml" in names else (
            "a Word document" if "word/document.xml" in names else "a zip, but not an Office document")
        raise DocxformError(path, f"not a {'Word document' if kind == 'docx' else 'workbook'}: this is {other}")


#: The package relationship naming the main document (transitional and strict OOXML), and its target.
_OFFICE_DOCUMENT = re.compile(rb"""<(?:\w+:)?Relationship\b[^>]*\bType\s*=\s*["'][^"']*/officeDocument["'][^>]*>""")
_REL_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']*)["']""")
_REL_EXTERNAL = re.compile(rb"""\bTargetMode\s*=\s*["']External["']""")
DOCUMENT = "word/document.xml"


def main_document(pkg: Package) -> str:
    """The name of the part Word opens as the document: what the package's ``_rels/.rels`` names.

    Word follows the officeDocument relationship, not the name ``word/document.xml``: some generators
    store the document as ``word/document2.xml``, and a package may keep an old ``word/document.xml``
    beside the one Word shows. Without ``_rels/.rels`` (or a relationship in it), the usual name. The
    target is data: resolved from the package's root, never above it; a target that is external, outside
    the package or missing refuses the file in one line.
    """
    if not pkg.has("_rels/.rels"):
        return _must_have(pkg, DOCUMENT)
    rels = pkg.read("_rels/.rels")
    tag = _OFFICE_DOCUMENT.search(rels)
    target = _REL_TARGET.search(tag.group(0)) if tag is not None else None
    if tag is None or target is None:
        return _must_have(pkg, DOCUMENT)
    if _REL_EXTERNAL.search(tag.group(0)):
        raise DocxformError(pkg.path, "the package's main document is an external link, not a part of the file")
    raw = html.unescape(target.group(1).decode("utf-8", "replace"))
    steps: list[str] = []
    for step in raw.replace("\\", "/").split("/"):
        if step == "..":
            if not steps:
                raise DocxformError(pkg.path, f"the package names its main document outside the file ({raw[:80]!r})")
            steps.pop()
        elif step and step != ".":
            steps.append(step)
    return _must_have(pkg, "/".join(steps))


def _must_have(pkg: Package, name: str) -> str:
    """The stored name of a part (part names are case-insensitive), or a one-line refusal."""
    if pkg.has(name):
        return name
    stored = next((n for n in pkg.zip.NameToInfo if n.lower() == name.lower()), None)
    if stored is None:
        raise DocxformError(pkg.path, f"not a Word document: its main document part ({name[:80]!r}) is not in the file")
    return stored


def _ole_error(path: Path, kind: str, data: bytes) -> DocxformError:
    """An OLE compound file named for what its streams say it is (docxform.io.ole); only Word or Excel gets "convert it"."""
    found = ole.classify(data)
    if found.kind == ole.ENCRYPTED:
        return DocxformError(path, "password-protected (encrypted); docxform cannot read it",
                             hint="remove the password in Word (File > Info > Protect) and send it again")
    if found.kind == ole.MESSAGE:
        return DocxformError(path, "an Outlook message (.msg), not a document",
                             hint="give it to `docxform round ingest`, which reads the returns attached to it")
    if (found.kind, kind) in ((ole.WORD, "docx"), (ole.EXCEL, "xlsx")):
        legacy, new = (".doc", ".docx") if kind == "docx" else (".xls", ".xlsx")
        return DocxformError(path, f"a legacy {legacy} (Office 97-2003) file, not {new}",
                             hint=f"convert it: soffice --headless --convert-to {kind} {path.name}")
    if found.kind == ole.WORD:
        return DocxformError(path, f"{found.what}, not a workbook")
    if found.kind == ole.EXCEL:
        return DocxformError(path, f"{found.what}, not a Word document: not a return",
                             hint="if it is the improvement plan, save it in Excel as .xlsx")
    if found.kind == ole.DAMAGED and path.suffix.lower() in (".doc", ".xls"):
        return DocxformError(path, f"a legacy {path.suffix.lower()} (Office 97-2003) file by its name, but damaged: "
                                   "its contents cannot be read")
    if found.kind == ole.DAMAGED:
        return DocxformError(path, found.what)
    return DocxformError(path, ole.not_a_return(found))


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "it is a PDF"
    if head.startswith(PST_MAGIC):
        return "it is an Outlook data file (.pst/.ost), a whole mailbox"
    if head.startswith(b"{\\rtf"):
        return "it is an RTF file"
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "it is XML or HTML text"
    return "unrecognised content"


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


def parse_xml(data: bytes, path: str, part: str) -> etree._Element:
    """Parse one XML part, refusing DTDs (entity expansion, external entities)."""
    refuse_doctype(data, path, part)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        if "excessive depth" in str(exc).lower():  # libxml2's own limit (256 levels), kept on purpose
            raise UnsafeInputError(path, f"part {part} is nested more than 256 levels deep; refused") from None
        raise DocxformError(path, f"damaged XML in {part}: {_short(exc)}") from None
    except ValueError as exc:  # lxml refuses some inputs (a unicode string with a declaration, ...) this way
        raise DocxformError(path, f"damaged XML in {part}: {_short(exc)}") from None
    if root.getroottree().docinfo.doctype:
        raise UnsafeInputError(path, f"part {part} declares a DOCTYPE; refused (XXE or entity expansion)")
    return root


def _dtd_pattern(codec: str) -> re.Pattern[bytes]:
    """``<!DOCTYPE`` or ``<!ENTITY`` (any case, spaces allowed after ``!``) as bytes in ``codec``."""
    def alternatives(chars: str) -> bytes:
        return b"(?:" + b"|".join(re.escape(c.encode(codec)) for c in sorted(set(chars))) + b")"

    def word(text: str) -> bytes:
        return b"".join(alternatives(c.lower() + c.upper()) for c in text)

    return re.compile(alternatives("<") + alternatives("!") + alternatives(" \t\r\n") + b"*(?:"
                      + word("DOCTYPE") + b"|" + word("ENTITY") + b")")


_DTD = _dtd_pattern("utf-8")
_WIDE_DTD = tuple(_dtd_pattern(codec) for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


def _may_declare(data: bytes) -> bool:
    """Whether ``<!`` occurs in ``data``, found from its rare byte.

    ``b"<!" in data`` stops at every ``<`` of the XML (a third of a
    millisecond for a form's document part); ``!`` is rare, so each one is
    found at memchr speed and the byte before it checked. A part with many
    ``!`` (text full of exclamation marks) is searched the plain way.
    """
    at = data.find(b"!")
    for _ in range(64):
        if at == -1:
            return False
        if at and data[at - 1] == 0x3C:  # "<"
            return True
        at = data.find(b"!", at + 1)
    return b"<!" in data


def refuse_doctype(data: bytes, path: str, part: str) -> None:
    """Refuse a part that declares a DOCTYPE or entities anywhere in it, in UTF-8 or UTF-16/32.

    The whole part is searched, not its head: a parser that is not ours
    (openpyxl's) would expand internal entities declared after any prefix.
    A part in UTF-16/32 starts with a byte-order mark or a zero byte.
    """
    wide = data[:4].count(0) or data[:2] in (b"\xff\xfe", b"\xfe\xff")
    if not wide and not _may_declare(data):  # the usual case: no "<!" of any kind
        return
    if _DTD.search(data) or (wide and any(pattern.search(data) for pattern in _WIDE_DTD)):
        raise UnsafeInputError(path, f"part {part} declares a DOCTYPE/entities; refused (XXE or entity expansion)")


def check_parts(pkg: Package, *, skip_media: bool) -> None:
    """Read every part once: damaged members (bad CRC, corrupt deflate, encrypted, unknown method) and
    DOCTYPEs are refused here in our words, before any reader (ours or openpyxl's) meets them."""
    for info in pkg.zip.infolist():
        if info.is_dir() or (skip_media and "/media/" in info.filename):
            continue
        refuse_doctype(pkg.read(info.filename), pkg.path, info.filename)


def read_custom_properties(pkg: Package) -> dict[str, str]:
    """docProps/custom.xml as name -> text (empty when the part is absent)."""
    if not pkg.has("docProps/custom.xml"):
        return {}
    root = pkg.xml("docProps/custom.xml")
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = (prop[0].text or "").strip()
    return out


# --- writing

def write_package(parts: dict[str, bytes], target: str | Path | IO[bytes]) -> None:
    """Write a zip with fixed timestamps and a fixed part order, so output is byte-stable."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(zip_entry(name), blob)


def repack(data: bytes) -> bytes:
    """Rewrite a package with fixed timestamps, [Content_Types].xml first: byte-stable output."""
    with zipfile.ZipFile(io.BytesIO(data)) as written:
        names = sorted(written.namelist(), key=lambda n: n != "[Content_Types].xml")
        parts = {name: written.read(name) for name in names}
    out = io.BytesIO()
    write_package(parts, out)
    return out.getvalue()


def custom_properties_xml(props: dict[str, str]) -> bytes:
    """docProps/custom.xml with string properties, in the order given."""
    from xml.sax.saxutils import escape  # here: it imports urllib and email, which reading never needs

    body = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{body}</Properties>'
    ).encode()
