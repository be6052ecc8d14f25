"""Streaming the rows of big sheets as raw XML into a package openpyxl wrote.

openpyxl's write-only mode streams, but it builds a cell object and an
element per value, which costs about thirteen times what writing the same
cells as sheet XML costs (400,000 text cells: 3.4 s against 0.27 s on the
2-core development machine; the target is 2.5x, see
benchmarks/bench_summarise.py). The
summary's big sheets (Matrix, Comments, Problems: up to one row per
respondent and answer) are plain tables of text and numbers, so openpyxl
writes everything else (styles, sheet views, filters, print set-up, charts,
conditional formatting) with an empty ``<sheetData/>``, and this module
streams the rows into that part while copying the package. Only strings
(``t="inlineStr"``) and numbers are written here, never a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO

from openpyxl.utils import get_column_letter

from docxform.io.files import atomic_output
from docxform.io.safety import clean_text, looks_like_formula, xml_escape
from docxform.oxml.zipout import zip_entry

Value = str | int | float | None

#: The document's modified date, fixed so two runs on the same input give the same bytes.
FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_FLUSH_ROWS = 2000


@dataclass
class RawTable:
    """The rows of one sheet: a header and uniformly styled body columns.

    Style ids are cellXfs indices the workbook registered (see
    ``workbook._Book.style_id``); ``quoted`` maps a text style to its quote-prefix
    twin, used for text that looks like a formula.
    """

    header: Sequence[str]
    header_style: int
    column_styles: Sequence[int]
    rows: Iterable[Sequence[Value]]
    quoted: dict[int, int] = field(default_factory=dict)
    #: Per column: its width when its text wraps (row heights are estimated from it), else None.
    wrap_widths: Sequence[float | None] = ()
    #: Rows (header included) the sheet's filter and dimension were set for; checked after writing.
    expected_rows: int | None = None


#: Points per line of 11 pt text, and Excel's largest row height.
LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0


def estimate_lines(text: str, width: float, chars_per_unit: float = 1.2) -> int:
    """How many lines wrapped text takes in a column ``width`` characters wide.

    Neither Excel nor LibreOffice reliably sizes rows to wrapped text when
    opening a generated file (LibreOffice 7.4 does not at all), so heights
    are written. Column widths count the digit 0; average text runs about
    1.2 characters to that unit (``chars_per_unit``: less for bold or
    capitals), and the estimate rounds lines up. The one estimator for every
    workbook we write (summary, plan).
    """
    per_line = max(1.0, width * chars_per_unit)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(lines: int) -> float | None:
    """A row height for ``lines`` lines, or None when the default single line will do."""
    return None if lines <= 1 else min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)


def write_rows(out: IO[bytes], table: RawTable) -> int:
    """Stream ``<row>`` elements for the header and every body row; return the row count.

    Strings are cleaned (XML-illegal characters, the cell limit) and always
    written as inline strings; a string that looks like a formula gets the
    quote-prefix style so it stays text when edited in Excel. Short strings
    repeat (respondents, standards, level names), so their prepared form is
    remembered.
    """
    letters = [get_column_letter(i + 1) for i in range(max(len(table.header), len(table.column_styles)))]
    buf: list[str] = [_header_row(table, letters)]
    styles = table.column_styles
    quoted = table.quoted
    wraps = list(table.wrap_widths) + [None] * (len(styles) - len(table.wrap_widths))
    memo: dict[str, _Prepared] = {}
    n = 1
    for row in table.rows:
        n += 1
        parts = [""]
        lines = 1
        for i, value in enumerate(row):
            if value is None or value == "":
                continue
            style = styles[i]
            if isinstance(value, str):
                prepared = memo.get(value)
                if prepared is None:
                    prepared = _prepare(value)
                    if len(value) <= _MEMO_LENGTH and len(memo) < _MEMO_ENTRIES:
                        memo[value] = prepared
                body, formula, text = prepared
                if formula:
                    style = quoted.get(style, style)
                width = wraps[i]
                if width is not None and (len(text) > width or "\n" in text):
                    lines = max(lines, estimate_lines(text, width))
                parts.append(f'<c r="{letters[i]}{n}" s="{style}" t="inlineStr"><is>{body}</is></c>')
            else:
                parts.append(f'<c r="{letters[i]}{n}" s="{style}"><v>{value!r}</v></c>')
        height = row_height(lines)
        parts[0] = f'<row r="{n}" ht="{height}" customHeight="1">' if height else f'<row r="{n}">'
        parts.append("</row>")
        buf.append("".join(parts))
        if len(buf) >= _FLUSH_ROWS:
            out.write("".join(buf).encode("utf-8"))
            buf.clear()
    out.write("".join(buf).encode("utf-8"))
    return n


_Prepared = tuple[str, bool, str]
_MEMO_LENGTH = 64
_MEMO_ENTRIES = 100_000


def _prepare(value: str) -> _Prepared:
    """A string's ``<t>`` element, whether it looks like a formula, and its cleaned text."""
    text = clean_text(value)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<t{space}>{xml_escape(text)}</t>", looks_like_formula(text), text


def _header_row(table: RawTable, letters: list[str]) -> str:
    cells = "".join(
        f'<c r="{letters[i]}1" s="{table.header_style}" t="inlineStr"><is><t>{xml_escape(clean_text(h))}</t></is></c>'
        for i, h in enumerate(table.header)
    )
    return f'<row r="1">{cells}</row>'


def splice_package(package: bytes, target: Path, raw: dict[str, RawTable],
                   dimensions: dict[str, str] | None = None) -> None:
    """Copy the package openpyxl wrote to ``target``, streaming ``raw`` rows into their parts.

    ``raw`` maps part names (``xl/worksheets/sheet2.xml``) to tables;
    ``dimensions`` maps parts to their used range (``A1:E259``), which
    openpyxl's write-only sheets leave out and read-only readers rely on. The
    file is written under a temporary name and renamed, so a failure never
    leaves half a workbook where the summary should be. Zip dates and the
    document's modified date are fixed so the output is reproducible.
    """
    with atomic_output(Path(target)) as temp, zipfile.ZipFile(BytesIO(package)) as src, \
            zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zip_entry(info.filename)
            data = src.read(info.filename)
            if info.filename in (dimensions or {}):
                data = _with_dimension(data.decode("utf-8"), (dimensions or {})[info.filename]).encode("utf-8")
            if info.filename in raw:
                _write_spliced(dst, entry, data.decode("utf-8"), raw[info.filename])
                continue
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rf"\g<1>{FIXED_TIMESTAMP}\g<2>", data.decode("utf-8")).encode("utf-8")
            dst.writestr(entry, data)


def _write_spliced(dst: zipfile.ZipFile, entry: zipfile.ZipInfo, xml: str, table: RawTable) -> None:
    match = _SHEET_DATA.search(xml)
    if match is None:  # openpyxl always writes sheetData; anything else is a bug here
        raise ValueError(f"{entry.filename}: no empty sheetData to fill")
    with dst.open(entry, "w", force_zip64=True) as out:
        out.write(xml[: match.start()].encode("utf-8") + b"<sheetData>")
        written = write_rows(out, table)
        out.write(b"</sheetData>" + xml[match.end():].encode("utf-8"))
    if table.expected_rows is not None and written != table.expected_rows:
        raise ValueError(f"{entry.filename}: {written} rows written, {table.expected_rows} announced")


def _with_dimension(xml: str, ref: str) -> str:
    """Insert ``<dimension>`` where the schema wants it: after sheetPr, before sheetViews."""
    element = f'<dimension ref="{ref}"/>'
    if "</sheetPr>" in xml:
        return xml.replace("</sheetPr>", "</sheetPr>" + element, 1)
    match = re.search(r"<sheetPr\b[^>]*/>|<worksheet\b[^>]*>", xml)
    if match is None:
        return xml
    return xml[: match.end()] + element + xml[match.end():]


def fixed_created() -> dt.datetime:
    """The creation date written into summaries (fixed, for reproducible files)."""
    return dt.datetime(2000, 1, 1)
