"""Opening a returned workbook: refuse what is unsafe or absurd, then load it twice.

Every check runs on bytes read once into memory, so the file on disk is never
opened for writing and cannot change between checking and loading. The zip
checks (not a workbook, legacy .xls, encrypted, macros, zip bombs) are
:func:`docxform.oxml.package.open_package`'s; here come the spreadsheet
ones: DOCTYPEs in any part (openpyxl's XML parser is not ours) and sheets
too big to be a plan, which would otherwise take openpyxl minutes and
gigabytes to load.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from docxform.errors import DocxformError, UnsafeInputError
from docxform.oxml.package import Package, open_package, read_custom_properties

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


@dataclass
class Loaded:
    """A workbook as values (cached results of formulas) and as formulas."""

    path: Path
    sha256: str
    values: Workbook
    formulas: Workbook
    properties: dict[str, str]


def open_workbook(path: Path) -> Loaded:
    """Check and load a workbook, or raise a one-line DocxformError naming the file."""
    data = _read_bytes(path)
    with open_package(path, kind="xlsx", data=data) as package:
        _check_parts(package)
        properties = read_custom_properties(package)
    return Loaded(path=path, sha256=hashlib.sha256(data).hexdigest(), values=_load(path, data, True),
                  formulas=_load(path, data, False), properties=properties)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DocxformError(path, "no such file") from None
    except IsADirectoryError:
        raise DocxformError(path, "is a directory") from None
    except OSError as exc:
        raise DocxformError(path, f"cannot read: {exc.strerror or exc}") from None


def _check_parts(package: Package) -> None:
    for name in package.zip.namelist():
        if name.endswith((".xml", ".rels")):
            with package.zip.open(name) as stream:
                head = stream.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnsafeInputError(package.path, f"part {name} declares a DOCTYPE/entities; refused")
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            _check_sheet_size(package.read(name), package.path, name)


def _check_sheet_size(data: bytes, path: str, part: str) -> None:
    """Refuse a sheet whose dimension, rows or cells are beyond any plan's."""
    match = re.search(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?([A-Z]{1,3})(\d+)"', data[:4096])
    if match:
        _check_extent(path, part, match[1].decode(), int(match[2]), "dimension")
    rows = cells = 0
    parser = etree.iterparse(io.BytesIO(data), events=("end",), tag=f"{{{SML}}}row",
                             resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        for _, row in parser:
            rows += 1
            cells += len(row)
            last = row[-1].get("r", "") if len(row) else ""
            ref = _REF.match(last)
            number = int(row.get("r", "")) if row.get("r", "").isdigit() else rows
            _check_extent(path, part, ref[1] if ref else "A", number, "row")
            if rows > MAX_ROWS or cells > MAX_CELLS:
                raise UnsafeInputError(path, f"sheet {part} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells; "
                                             "not a plan (refused)")
            row.clear()
    except etree.XMLSyntaxError as exc:
        raise DocxformError(path, f"damaged XML in {part}: {str(exc).splitlines()[0][:120]}") from None


def _check_extent(path: str, part: str, column: str, row: int, what: str) -> None:
    width = 0
    for char in column:
        width = width * 26 + ord(char) - 64
    if row > MAX_ROWS or width > MAX_COLUMNS:
        raise UnsafeInputError(path, f"sheet {part} {what} reaches {column}{row} (limit {MAX_ROWS:,} rows, "
                                     f"{MAX_COLUMNS:,} columns); not a plan (refused)")


def _load(path: Path, data: bytes, data_only: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=data_only, keep_links=False)
    except DocxformError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        cause = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise DocxformError(path, f"cannot read the workbook: {cause}") from None
