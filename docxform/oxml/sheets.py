"""Safety checks on a returned workbook's parts, before openpyxl sees them.

openpyxl's own XML parser is not ours, so DOCTYPEs are refused here, and a
sheet too big to be a plan is refused by streaming its rows (never loading
it), which would otherwise take openpyxl minutes and gigabytes.
"""

from __future__ import annotations

import io
import re

from lxml import etree

from docxform.errors import DocxformError, UnsafeInputError
from docxform.oxml.package import Package

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


def check_workbook_parts(package: Package) -> None:
    """Refuse DOCTYPEs in any part and sheets beyond any plan's size."""
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
