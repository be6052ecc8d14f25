"""Open a returned file: convert other formats, read the package, hash the input.

The input file is only ever read. Formats other than .docx are converted by
headless LibreOffice into a temporary folder when it is installed; otherwise
they are refused with the command that converts them.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docxform import office
from docxform.errors import DocxformError
from docxform.files import read_input
from docxform.oxml.package import open_package, parse_xml, read_custom_properties
from docxform.oxml.reader import Document, read_document

CONVERT_TIMEOUT = 120
#: A returned form is a few hundred KB; this is far beyond any real one.
MAX_RETURN_BYTES = 256 * 1024 * 1024


@dataclass
class Source:
    path: str
    sha256: str
    document: Document
    properties: dict[str, str] = field(default_factory=dict)
    converted_from: str | None = None


def load_source(path: Path) -> Source:
    """Read a return into a :class:`Document`, or raise a one-line DocxformError."""
    data = read_input(path, limit=MAX_RETURN_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".docm":
        raise DocxformError(path, "a macro-enabled document (.docm); docxform never runs macros",
                            hint="save it in Word as a plain .docx and send that")
    if suffix in (".doc", ".odt", ".rtf") or (suffix != ".docx" and _needs_conversion(data)):
        data = convert_to_docx(path)
        converted = suffix or "unknown"
    else:
        converted = None
    with open_package(path, kind="docx", data=data) as pkg:
        xml = pkg.read("word/document.xml")
        document = read_document(parse_xml(xml, str(path), "word/document.xml"), str(path), xml)
        props = read_custom_properties(pkg)
    return Source(str(path), digest, document, props, converted)


def _needs_conversion(data: bytes) -> bool:
    return data[:5] == b"{\\rtf" or is_word2003_xml(data)


def is_word2003_xml(data: bytes) -> bool:
    """A Word 2003 XML document (LibreOffice converts it; its root is w:wordDocument)."""
    head = data[:2048]
    return head.lstrip().startswith(b"<?xml") and (b'progid="Word.Document"' in head or b"<w:wordDocument" in head)


def convert_to_docx(path: Path) -> bytes:
    """Convert with headless LibreOffice (its own profile, the input copied first so it is never touched)."""
    if office.soffice() is None:
        raise DocxformError(path, f"{path.suffix or 'this'} files need converting and LibreOffice is not installed",
                            hint=f"convert it: soffice --headless --convert-to docx {path.name}")
    with tempfile.TemporaryDirectory(prefix="docxform-lo-") as work:
        work_path = Path(work)
        copy = work_path / ("input" + path.suffix.lower())
        shutil.copyfile(path, copy)
        [result] = office.convert([copy], "docx:MS Word 2007 XML", work_path / "out", timeout=CONVERT_TIMEOUT)
        if result is None:
            raise DocxformError(path, "LibreOffice could not convert it (damaged, not a document, "
                                f"or not done within {CONVERT_TIMEOUT} s)")
        return result.read_bytes()
