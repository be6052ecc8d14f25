"""Open a returned file: convert other formats, read the package, hash the input.

The input file is only ever read. Formats other than .docx (.doc, .odt,
.rtf, Word 2003 XML) are converted by headless LibreOffice into a temporary
folder when it is installed; otherwise they are refused with the command
that converts them. A batch converts all its files up front in one
LibreOffice start (:func:`batch_conversions`), since a start costs seconds.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from docxform.core.errors import DocxformError
from docxform.io import office, ole
from docxform.io.files import read_head, read_input
from docxform.oxml.bindings import Binding, bindings
from docxform.oxml.coreprops import saved_time
from docxform.oxml.ns import qn
from docxform.oxml.objects import resolve_parts
from docxform.oxml.package import DOCUMENT, Package, check_parts, main_document, open_package, parse_xml, read_custom_properties
from docxform.oxml.reader import Document, read_document
from docxform.oxml.textparts import TextPart, text_parts

CONVERT_TIMEOUT = 120
#: A returned form is a few hundred KB; this is far beyond any real one.
MAX_RETURN_BYTES = 256 * 1024 * 1024
CONVERTED_SUFFIXES = (".doc", ".odt", ".rtf")
#: How a Word 2003 XML document ("Word XML Document", .xml) shows itself in its first bytes.
WORD_2003_NAMESPACE = b"http://schemas.microsoft.com/office/word/2003/wordml"
_SNIFF_BYTES = 4096

#: Elements whose content is kept in another part: an imported file, a SmartArt diagram's data.
_REFERRING = (qn("w:altChunk"), "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds")
# Conversions made for the batch under way (see batch_conversions): input path -> its .docx (None: failed).
_BATCH: dict[Path, Path | None] = {}


@dataclass
class Source:
    path: str
    sha256: str
    document: Document
    properties: dict[str, str] = field(default_factory=dict)
    converted_from: str | None = None
    #: The document's own last-saved time (docProps/core.xml), read while the package is open; only
    #: for a .docx read as it is (a converted file's time is LibreOffice's, not the respondent's).
    saved_at: str | None = None
    body: etree._Element | None = None  # w:body, for where a paragraph sits among the tables (parse/conserve.py)
    xml: bytes | None = None  # word/document.xml as read: controls still marked as showing their prompt (conserve.py)
    parts: tuple[TextPart, ...] = ()  # headers, footers, notes, comments: their text checked too (parse/parts.py)
    bindings: tuple[Binding, ...] = ()  # controls bound to custom XML, with their stored values (parse/bound.py)


def load_source(path: Path) -> Source:
    """Read a return into a :class:`Document`, or raise a one-line DocxformError."""
    data = read_input(path, limit=MAX_RETURN_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".docm":
        raise DocxformError(path, "a macro-enabled document (.docm); docxform never runs macros",
                            hint="save it in Word as a plain .docx and send that")
    if suffix == ".doc" and ole.is_ole(data) and ole.classify(data).kind != ole.WORD:
        return _not_word(path, data)  # an .xls or .msg named .doc: said, not sent to LibreOffice
    if suffix in CONVERTED_SUFFIXES or (suffix != ".docx" and _needs_conversion(data)):
        converted = "Word 2003 XML" if _is_word_2003_xml(data) else (suffix or "unknown")
        data = _converted(path)
    elif suffix == ".xml":
        raise DocxformError(path, "an XML file that is not a Word 2003 XML document (no w:wordDocument)",
                            hint="save the return as .docx")
    else:
        converted = None
    with open_package(path, kind="docx", data=data) as pkg:
        check_parts(pkg, skip_media=True)
        main = main_document(pkg)  # the part Word opens, by the package's relationship
        xml = pkg.read(main)
        root = parse_xml(xml, str(path), main)
        if main != DOCUMENT and root.tag != qn("w:document"):
            raise DocxformError(path, f"not a Word document: its main part {main!r} is not a Word document's body")
        document = read_document(root, str(path), xml)
        _look_up_parts(pkg, main, root.find(qn("w:body")), document)
        props = read_custom_properties(pkg)
        saved = saved_time(pkg) if converted is None and suffix == ".docx" else None
        parts = text_parts(pkg, main)
        body = root.find(qn("w:body"))
        bound = bindings(pkg, body) if body is not None else ()  # lxml skips the walk when no binding was parsed
    return Source(str(path), digest, document, props, converted, saved, body, xml, parts, bound)


def _look_up_parts(pkg: Package, main: str, body: etree._Element | None, document: Document) -> None:
    """The words of diagrams and imported content, kept in parts of their own, for the parse to quote.

    The usual return holds neither: lxml answers that without walking the tree when no element of
    those names was ever parsed (a byte search of the part costs a hundred times more).
    """
    if body is None or next(body.iter(*_REFERRING), None) is None:
        return
    found = [e for _, e in document.embedded if e.ref]
    found += [e for t in document.tables for r in t.rows for c in r.cells for e in c.embedded if e.ref]
    if found:
        resolve_parts(pkg, main, found)


def _not_word(path: Path, data: bytes) -> Source:
    """An OLE file that is not a Word document: open_package names what it is (docxform.io.ole) and refuses it."""
    with open_package(path, kind="docx", data=data):
        pass
    raise DocxformError(path, "not a Word document")  # open_package always refuses an OLE file


def _needs_conversion(data: bytes) -> bool:
    return data[:5] == b"{\\rtf" or _is_word_2003_xml(data)


def _is_word_2003_xml(data: bytes) -> bool:
    """Whether the file is Word 2003 XML: its root ``w:wordDocument`` in the 2003 namespace, near the start."""
    head = data[:_SNIFF_BYTES]
    return b"wordDocument" in head and WORD_2003_NAMESPACE in head


def needs_conversion(path: Path) -> bool:
    """Whether a return must go through LibreOffice first (by its suffix, or by its first bytes)."""
    suffix = path.suffix.lower()
    if suffix in CONVERTED_SUFFIXES:
        return True
    if suffix in (".docx", ".docm", ".xlsx", ".xlsm", ".xls", ".json"):
        return False
    try:
        head = read_head(path, _SNIFF_BYTES)
    except DocxformError:
        return False  # not readable (a FIFO, a device, missing): refused in its own line when it is read
    return _needs_conversion(head)


@contextmanager
def batch_conversions(paths: Iterable[str | Path]) -> Iterator[None]:
    """Convert every file of a batch that needs it in one LibreOffice start, kept while the batch is read.

    Each input is copied under a name of its own (inputs in different
    folders may share a stem, and LibreOffice names outputs by stem), so the
    inputs are never touched. With fewer than two such files, or no
    LibreOffice, nothing is done here: each file is then converted (or
    refused) when it is read. Worker processes forked for the batch inherit
    the conversions.
    """
    todo = [Path(p) for p in paths if needs_conversion(Path(p))]
    if len(todo) < 2 or office.soffice() is None:
        yield
        return
    with office.temporary("docxform-batch-") as work:
        copies: dict[Path, Path] = {}
        for n, path in enumerate(todo):
            try:
                copy = Path(work) / f"input{n}{path.suffix.lower()}"
                copy.write_bytes(read_input(path, limit=MAX_RETURN_BYTES))
                copies[path] = copy
            except DocxformError:
                continue  # unreadable: reported when the file itself is read
        results = office.convert(list(copies.values()), "docx:MS Word 2007 XML", Path(work) / "out",
                                 timeout=CONVERT_TIMEOUT * max(1, len(copies)))
        _BATCH.update(zip(copies, results, strict=True))
        try:
            yield
        finally:
            for path in copies:
                _BATCH.pop(path, None)


def _converted(path: Path) -> bytes:
    """The .docx bytes of a file that needs converting: the batch's conversion, else one of its own."""
    result = _BATCH.get(path)
    if result is not None:
        return result.read_bytes()
    # Not in the batch, or the batch's start did not convert it (this file damaged, or another file
    # stalled the shared start past its time limit): one start of its own says which.
    return convert_to_docx(path)


def convert_to_docx(path: Path) -> bytes:
    """Convert with headless LibreOffice (its own profile, the input copied first so it is never touched)."""
    if office.soffice() is None:
        raise DocxformError(path, f"{path.suffix or 'this'} files need converting and LibreOffice is not installed",
                            hint=f"convert it: soffice --headless --convert-to docx {path.name}")
    with office.temporary("docxform-lo-") as work:
        work_path = work
        copy = work_path / ("input" + path.suffix.lower())
        shutil.copyfile(path, copy)
        [result] = office.convert([copy], "docx:MS Word 2007 XML", work_path / "out", timeout=CONVERT_TIMEOUT)
        if result is None:
            raise DocxformError(path, "LibreOffice could not convert it (damaged, not a document, "
                                f"or not done within {CONVERT_TIMEOUT} s)")
        return result.read_bytes()
