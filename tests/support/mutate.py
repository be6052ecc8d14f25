"""A seeded mutator of .docx/.xlsx files: damaged and hostile variants of good inputs.

Each mutant is made by one family of damage, chosen and driven by a
``random.Random`` seeded per mutant, so a failing mutant is reproduced from
its seed alone (``mutant(seeds, seed)``). Families:

- ``bytes``: flipped, overwritten, inserted or cut bytes anywhere;
- ``zip``: CRCs, compression methods, flags (encrypted, UTF-8 names),
  member names (non-UTF-8, paths), "version needed", sizes, in the local
  headers and the central directory;
- ``xml``: the main part's elements and attributes (deleted, duplicated,
  hostile numbers, ``w:sym`` codes, cell references, merged ranges, deep
  nesting, DOCTYPEs anywhere);
- ``text``: respondents' text replaced by formulas, markup, control
  characters, huge strings;
- ``props``: custom properties naming mappings by path (``/etc/passwd``,
  ``../../x``), unknown ids, odd frameworks;
- ``parts``: other parts of the package (workbook, relationships, content
  types, shared strings, styles) damaged or made hostile.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from dataclasses import dataclass

FAMILIES = ("bytes", "zip", "xml", "text", "props", "parts")

HOSTILE_NUMBERS = ("-1", "0", "99999999", "99999999999999999999", "\u00b2", "\u2460", "\u0663", "1e9", " 7 ", "1_0",
                   "0x10", "", "NaN", "16384", "1048577")
SYM_CODES = ("-1", "-F0FC", "110000", "FFFFFFFF", "7FFFFFFFFFFFFFFF", "F0FC", "zz", "", "D800", "F0FE", "\u0663")
CELL_REFS = ("A99999999999", "XFD1048576", "A\u00b2", "A\u0663", "ZZZZ1", "A0", "a1", "$A$1", "A-1", "", "1A",
             "XFD1", "A1048577", "A100001", "AAAA9")
MERGES = ("A1:XFD1048576", "A1:A1048576", "A1:XFD1", "A1:ZZ99999", "B2:A1", "A1", "A1:B2:C3", "A\u00b2:B2", ":",
          "A1:A99999999999")
TEXTS = ("=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-1+1", "@IMPORTXML(\"http://x\")", "<script>alert(1)</script>",
         "&lt;b&gt;", "\u202eevil", "\U0001f600" * 50, "x" * 100_000, "\t\n\r", "]]>", "{{7*7}}", "'; DROP TABLE x;--",
         "\u00a0\u2003", "Yes", "X", "\u2713", "\u2612", "1.1", "Standard 1.1")
MAPPING_NAMES = ("/etc/passwd", "../../x", "../../../../../../etc/passwd", "unknown-id", "..", ".", "sa2003-annexb",
                 "stocktake2003-salford", "C:\\Windows\\win.ini", "x" * 5000, "\u0000", "a/b", "~/.ssh/id_rsa",
                 "sa2003-default.yaml", "file:///etc/passwd", "")
FRAMEWORK_NAMES = ("/etc/passwd", "../x", "nosuch", "sa2003", "hallmarks2007", "beacon2003", "")
DOCTYPES = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b'<!DOCTYPE x SYSTEM "file:///etc/passwd">', b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
            b"<!ENTITY e 'x'>", b"<!doctype html>")


@dataclass
class Mutant:
    """One mutant: its bytes, the family that made it and what was done (for a failure report)."""

    data: bytes
    family: str
    what: str


def mutant(seeds: dict[str, bytes], seed: int) -> Mutant:
    """The mutant of ``seed``: a seed file chosen and damaged by the seeded random generator."""
    rng = random.Random(seed)
    workbooks = sorted(n for n in seeds if n.endswith(".xlsx"))
    # A third of the mutants are workbooks: openpyxl reads them, so they need the most checking before it.
    name = rng.choice(workbooks if workbooks and rng.random() < 1 / 3 else sorted(seeds))
    family = FAMILIES[seed % len(FAMILIES)]
    data, what = MUTATORS[family](rng, seeds[name])
    return Mutant(data, family, f"{name}: {what}")


# --- raw bytes

def _bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    buf = bytearray(data)
    kind = rng.choice(("flip", "overwrite", "insert", "truncate", "zero"))
    at = rng.randrange(len(buf))
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    elif kind == "overwrite":
        buf[at:at + 16] = rng.randbytes(16)
    elif kind == "insert":
        buf[at:at] = rng.randbytes(rng.randint(1, 64))
    elif kind == "truncate":
        del buf[at:]
    else:
        buf[at:at + rng.randint(1, 4096)] = bytes(min(4096, len(buf) - at))
    return bytes(buf), f"bytes {kind} at {at}"


# --- zip structure

_LOCAL, _CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
#: Field offsets (from the signature) in a local header and a central directory entry.
_FIELDS = {"version": (4, 6), "flags": (6, 8), "method": (8, 10), "crc": (14, 16), "csize": (18, 20),
           "usize": (22, 24)}


def _zip(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    buf = bytearray(data)
    field = rng.choice(("version", "flags", "method", "crc", "csize", "usize", "name"))
    where = rng.choice(("local", "central", "both"))
    spots = [m.start() for m in re.finditer(re.escape(_LOCAL if where == "local" else _CENTRAL), buf)]
    if where == "both":
        spots += [m.start() for m in re.finditer(re.escape(_LOCAL), buf)]
    if not spots:
        return _bytes(rng, data)
    chosen = rng.sample(spots, k=min(len(spots), rng.randint(1, 3)))
    for spot in chosen:
        central = buf[spot:spot + 4] == _CENTRAL
        if field == "name":
            _zip_name(rng, buf, spot, central)
            continue
        offset = _FIELDS[field][1 if central else 0]
        _zip_field(rng, buf, spot + offset, field)
    return bytes(buf), f"zip {field} in {where} ({len(chosen)} entries)"


def _zip_field(rng: random.Random, buf: bytearray, at: int, field: str) -> None:
    if field in ("crc", "csize", "usize"):
        value = rng.choice((0, 1, 0xFFFFFFFF, rng.getrandbits(32), 0x7FFFFFFF))
        buf[at:at + 4] = struct.pack("<I", value)
    elif field == "version":
        buf[at:at + 2] = struct.pack("<H", rng.choice((0xFFFF, 63, 64, 99, 0x3F00, 200)))
    elif field == "flags":
        old = struct.unpack_from("<H", buf, at)[0]
        buf[at:at + 2] = struct.pack("<H", old | rng.choice((0x1, 0x800, 0x40, 0x2000, 0x8, 0xFFFF)))
    else:
        buf[at:at + 2] = struct.pack("<H", rng.choice((1, 6, 9, 12, 14, 19, 93, 95, 97, 98, 99, 0xFFFF)))


def _zip_name(rng: random.Random, buf: bytearray, spot: int, central: bool) -> None:
    """Overwrite a member name in place (same length, so offsets hold)."""
    length_at = spot + (28 if central else 26)
    name_at = spot + (46 if central else 30)
    length = struct.unpack_from("<H", buf, length_at)[0]
    if length == 0:
        return
    choice = rng.choice(("bad-utf8", "slash", "dots", "nul"))
    if choice == "bad-utf8":
        new = bytes(rng.choice((0xFF, 0xC3, 0x80, 0xFE)) for _ in range(length))
        flags_at = spot + (8 if central else 6)
        flags = struct.unpack_from("<H", buf, flags_at)[0]
        buf[flags_at:flags_at + 2] = struct.pack("<H", flags | 0x800)
    elif choice == "slash":
        new = (b"/" + bytes(buf[name_at + 1:name_at + length]))[:length]
    elif choice == "dots":
        new = (b"../" * length)[:length]
    else:
        new = bytes(buf[name_at:name_at + length - 1]) + b"\x00"
    buf[name_at:name_at + length] = new


# --- parts (rewritten through zipfile)

def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _pack(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return out.getvalue()


def _main_part(parts: dict[str, bytes], rng: random.Random) -> str:
    if "word/document.xml" in parts:
        return "word/document.xml"
    sheets = sorted(n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return rng.choice(sheets) if sheets else rng.choice(sorted(parts))


def _xml(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    parts = _members(data)
    name = _main_part(parts, rng)
    xml = parts[name]
    kinds = ["delete", "duplicate", "number", "sym", "ref", "merge", "doctype", "deep", "truncate"]
    if name.startswith("xl/"):  # what made openpyxl hang or take gigabytes: weighted up for sheets
        kinds += ["ref", "merge", "number"]
    kind = rng.choice(kinds)
    xml, what = XML_MUTATIONS[kind](rng, xml)
    parts[name] = xml
    return _pack(parts), f"xml {name}: {what}"


def _spans(rng: random.Random, xml: bytes, pattern: bytes) -> list[re.Match[bytes]]:
    found = list(re.finditer(pattern, xml))
    return rng.sample(found, k=min(len(found), rng.randint(1, 5))) if found else []


def _x_delete(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    tag = rng.choice((b"w:tc", b"w:tr", b"w:sdt", b"w:tcPr", b"w:r", b"w:p", b"row", b"c", b"sheetData", b"w:tbl"))
    for match in sorted(_spans(rng, xml, rb"<" + tag + rb"[ >/][^<]*"), key=lambda m: -m.start()):
        xml = xml[:match.start()] + xml[match.end():]
    return xml, f"opening tags <{tag.decode()}> removed"


def _x_duplicate(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    start = rng.randrange(len(xml))
    end = min(len(xml), start + rng.randint(10, 5000))
    copies = rng.choice((2, 10, 200))
    return xml[:end] + xml[start:end] * copies + xml[end:], f"span {start}:{end} repeated {copies}x"


def _x_number(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    value = rng.choice(HOSTILE_NUMBERS).encode()
    attr = rng.choice((rb'w:val="\d+"', rb'r="\d+"', rb'w:w="\d+"', rb'w:gridSpan w:val="\d+"', rb'pid="\d+"',
                       rb's="\d+"', rb'w:id="-?\d+"', rb'count="\d+"'))
    name = attr.split(b"=")[0]
    for match in _spans(rng, xml, attr):
        xml = xml[:match.start()] + name + b'="' + value + b'"' + xml[match.end():]
        break
    else:
        xml = xml.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="' + value + b'"/>', 1)
    return xml, f"{name.decode()} = {value.decode('utf-8', 'replace')!r}"


def _x_sym(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    code = rng.choice(SYM_CODES)
    font = rng.choice(("Wingdings", "Unknown Font", "Symbol", "", "Wingdings 2"))
    sym = f'<w:r><w:sym w:font="{font}" w:char="{code}"/></w:r>'.encode()
    spots = [m.end() for m in re.finditer(rb"<w:p>|<w:p [^>]*>", xml)]
    if not spots:
        return xml, "no paragraph for w:sym"
    at = rng.choice(spots)
    return xml[:at] + sym + xml[at:], f"w:sym {font!r} {code!r}"


def _x_ref(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    ref = rng.choice(CELL_REFS).encode()
    matches = _spans(rng, xml, rb'<c r="[A-Z]+\d+"')
    if matches:
        m = matches[0]
        return xml[:m.start()] + b'<c r="' + ref + b'"' + xml[m.end():], f"cell r={ref.decode()!r}"
    return xml.replace(b"<w:tc>", b'<w:tc r="' + ref + b'">', 1), f"stray r={ref.decode()!r}"


def _x_merge(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    ref = rng.choice(MERGES).encode()
    merge = b'<mergeCells count="1"><mergeCell ref="' + ref + b'"/></mergeCells>'
    if b"<mergeCells" in xml:
        xml = re.sub(rb'<mergeCell ref="[^"]*"', b'<mergeCell ref="' + ref + b'"', xml, count=1)
    elif b"</sheetData>" in xml:
        xml = xml.replace(b"</sheetData>", b"</sheetData>" + merge, 1)
    else:
        xml = xml.replace(b"<w:tcPr>", b'<w:tcPr><w:vMerge w:val="restart"/><w:gridSpan w:val="999999"/>', 1)
    return xml, f"merge {ref.decode()!r}"


def _x_doctype(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    doctype = rng.choice(DOCTYPES)
    where = rng.choice(("start", "after-decl", "late", "end"))
    decl_end = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    if where == "start":
        return doctype + xml[decl_end:], f"{doctype[:20]!r} at the start"
    if where == "after-decl":
        return xml[:decl_end] + doctype + xml[decl_end:], f"{doctype[:20]!r} after the declaration"
    if where == "late":
        padding = b"<!--" + b"x" * 6000 + b"-->"
        return xml[:decl_end] + padding + doctype + xml[decl_end:], f"{doctype[:20]!r} after 6 KB"
    return xml + doctype, f"{doctype[:20]!r} at the end"


def _x_deep(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    levels = rng.choice((100, 300, 3000))
    tag = rng.choice((b"w:sdt", b"w:customXml", b"x"))
    blob = (b"<" + tag + b">") * levels + (b"</" + tag + b">") * levels
    spot = xml.find(b"<w:body>")
    spot = spot + 8 if spot >= 0 else max(0, xml.find(b"<sheetData>") + 11)
    return xml[:spot] + blob + xml[spot:], f"{levels} nested <{tag.decode()}>"


def _x_truncate(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(xml))
    return xml[:at], f"cut at {at}"


XML_MUTATIONS = {"delete": _x_delete, "duplicate": _x_duplicate, "number": _x_number, "sym": _x_sym, "ref": _x_ref,
                 "merge": _x_merge, "doctype": _x_doctype, "deep": _x_deep, "truncate": _x_truncate}


def _text(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    parts = _members(data)
    name = _main_part(parts, rng)
    if "xl/sharedStrings.xml" in parts and rng.random() < 0.5:
        name = "xl/sharedStrings.xml"
    xml = parts[name]
    text = rng.choice(TEXTS)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    if rng.random() < 0.2:
        escaped = b"&#x1;&#xFFFE;" + escaped  # characters XML does not allow
    matches = _spans(rng, xml, rb"<(w:t|t|vt:lpwstr)( [^>]*)?>[^<]*</(w:t|t|vt:lpwstr)>")
    for m in sorted(matches, key=lambda m: -m.start()):
        tag = m.group(1)
        xml = xml[:m.start()] + b"<" + tag + b' xml:space="preserve">' + escaped + b"</" + tag + b">" + xml[m.end():]
    parts[name] = xml
    return _pack(parts), f"text {text[:30]!r} in {len(matches)} runs of {name}"


def _props(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    parts = _members(data)
    props = {"docxform.mapping": rng.choice(MAPPING_NAMES)}
    if rng.random() < 0.4:
        props["docxform.framework"] = rng.choice(FRAMEWORK_NAMES)
    if rng.random() < 0.3:
        props["docxform.framework_version"] = rng.choice(("", "1999", "x" * 1000))
    if rng.random() < 0.2:
        props["docxform.form_id"] = rng.choice(("", "=1+1", "x" * 10000))
    body = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{k}">'
        f"<vt:lpwstr>{v.replace('&', '&amp;').replace('<', '&lt;').replace(chr(0), '')}</vt:lpwstr></property>"
        for i, (k, v) in enumerate(props.items(), start=2))
    parts["docProps/custom.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{body}</Properties>'
    ).encode()
    return _pack(parts), f"props {props!r}"[:300]


def _parts(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    parts = _members(data)
    name = rng.choice(sorted(parts))
    kind = rng.choice(("drop", "empty", "garbage", "doctype", "rels", "huge-count", "rename"))
    if kind == "drop":
        del parts[name]
    elif kind == "empty":
        parts[name] = b""
    elif kind == "garbage":
        parts[name] = rng.randbytes(rng.randint(1, 2000))
    elif kind == "doctype":
        parts[name], _ = _x_doctype(rng, parts[name])
    elif kind == "rels":
        rels = sorted(n for n in parts if n.endswith(".rels")) or [name]
        name = rng.choice(rels)
        target = rng.choice((b"/etc/passwd", b"../../../../etc/passwd", b"file:///etc/passwd", b"", b"x" * 3000,
                             b"http://example.invalid/x", b"worksheets/sheet1.xml", b"/"))
        parts[name] = re.sub(rb'Target="[^"]*"', b'Target="' + target + b'"', parts[name], count=rng.randint(1, 3))
    elif kind == "huge-count":
        parts[name] = re.sub(rb'(count|uniqueCount|numFmtId|xfId|fontId|fillId|borderId|sheetId|r:id)="[^"]*"',
                             lambda m: m.group(1) + b'="' + rng.choice(HOSTILE_NUMBERS).encode() + b'"', parts[name])
    else:
        parts[rng.choice(("../evil.xml", "/abs.xml", name + "/", name.upper()))] = parts.pop(name)
    return _pack(parts), f"part {name}: {kind}"


MUTATORS = {"bytes": _bytes, "zip": _zip, "xml": _xml, "text": _text, "props": _props, "parts": _parts}
