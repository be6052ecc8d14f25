"""Safety checks on a returned workbook's parts, before openpyxl sees them.

openpyxl reads the package itself, with its own XML parser, and builds an
object for every cell a sheet names, every cell a merged range covers and
every row up to the last one referred to. So everything is checked here
first, on the bytes: every part is read once (a damaged member is refused in
our words), DOCTYPEs are refused wherever they stand, and a sheet is
streamed (never loaded) to refuse row numbers, cell references, merged
ranges and cell counts beyond any plan's, which would otherwise take
openpyxl minutes and gigabytes. Numbers are ASCII digits only.
"""

from __future__ import annotations

import io
import re
from typing import NoReturn

from lxml import etree

from docxform.core.errors import DocxformError, UnsafeInputError
from docxform.oxml.package import Package, check_parts

MAX_ROWS = 20_000
MAX_COLUMNS = 1_000
MAX_CELLS = 25_000  # openpyxl, loading a plan twice, takes about 7 KB and 0.4 ms a cell; a plan has a few thousand
#: Cells covered by merged ranges, summed over a sheet (openpyxl makes an object for each).
MAX_MERGED_CELLS = 25_000
MAX_MERGED_RANGES = 10_000
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})", re.ASCII)
_ROW = re.compile(r"[0-9]{1,7}", re.ASCII)
_SHEET_MARKERS = (b"sheetData", b"mergeCell")


def check_workbook_parts(package: Package) -> None:
    """Refuse damaged members, DOCTYPEs in any part and sheets beyond any plan's size."""
    check_parts(package, skip_media=False)
    for name in package.zip.namelist():
        if name.endswith("/"):
            continue
        data = package.read(name)
        # openpyxl finds sheets through relationships, so any part that holds sheet content is checked.
        if any(marker in data for marker in _SHEET_MARKERS):
            _check_sheet_size(data, package.path, name)


def _check_sheet_size(data: bytes, path: str, part: str) -> None:
    """Refuse a sheet whose rows, cell references, merged ranges or cells are beyond any plan's."""
    limits = _SheetLimits(path, part)
    parser = etree.iterparse(io.BytesIO(data), events=("end",), tag=(f"{{{SML}}}row", f"{{{SML}}}mergeCell",
                                                                      f"{{{SML}}}dimension"),
                             resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        for _, element in parser:
            limits.check(element)
            element.clear()
    except etree.XMLSyntaxError as exc:
        raise DocxformError(path, f"damaged XML in {part}: {str(exc).splitlines()[0][:120]}") from None


class _SheetLimits:
    """Running counts over one sheet, refusing the first element beyond a plan's size."""

    def __init__(self, path: str, part: str) -> None:
        self.path, self.part = path, part
        self.rows = self.cells = self.merged = self.ranges = 0

    def check(self, element: etree._Element) -> None:
        name = etree.QName(element).localname
        if name == "row":
            self._row(element)
        elif name == "mergeCell":
            self._merge(element.get("ref", ""))
        else:
            for ref in element.get("ref", "").split(":")[:2]:
                self._cell(ref, "dimension")

    def _row(self, row: etree._Element) -> None:
        self.rows += 1
        number = row.get("r")
        if number is not None:
            if not _ROW.fullmatch(number):
                self.refuse(f"has a row number {number[:20]!r} that is not a plain number")
            self._extent(1, int(number), "row")
        self.cells += len(row)
        if len(row) > MAX_COLUMNS or self.rows > MAX_ROWS or self.cells > MAX_CELLS:
            self.refuse(f"has more than {MAX_ROWS:,} rows, {MAX_COLUMNS:,} cells in a row or {MAX_CELLS:,} cells; "
                        "not a plan")
        for cell in row:
            ref = cell.get("r")
            if ref is not None:
                self._cell(ref, "cell reference")

    def _merge(self, ref: str) -> None:
        self.ranges += 1
        corners = [self._cell(corner, "merged range") for corner in ref.split(":")]
        if len(corners) not in (1, 2):
            self.refuse(f"has a merged range {ref[:40]!r} that is not a range")
        (c1, r1), (c2, r2) = corners[0], corners[-1]
        self.merged += (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)
        if self.merged > MAX_MERGED_CELLS or self.ranges > MAX_MERGED_RANGES:
            self.refuse(f"merges more than {MAX_MERGED_CELLS:,} cells (or {MAX_MERGED_RANGES:,} ranges); not a plan")

    def _cell(self, ref: str, what: str) -> tuple[int, int]:
        match = _REF.fullmatch(ref)
        if match is None:
            self.refuse(f"has a {what} {ref[:40]!r} that is not a cell reference")
        width = 0
        for char in match[1].upper():
            width = width * 26 + ord(char) - 64
        self._extent(width, int(match[2]), what, ref)
        return width, int(match[2])

    def _extent(self, column: int, row: int, what: str, ref: str = "") -> None:
        if row > MAX_ROWS or column > MAX_COLUMNS or row < 1:
            shown = f" {ref}" if ref else f" {row:,}"
            self.refuse(f"{what}{shown} is beyond {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns; not a plan")

    def refuse(self, cause: str) -> NoReturn:
        raise UnsafeInputError(self.path, f"sheet {self.part} {cause} (refused)")
