"""Writing cells safely and saving workbooks byte for byte the same every time.

Text that came from a return (an improvement goal, an action) may start with
``=``, ``+``, ``-`` or ``@``. Written naively it becomes a formula that Excel
runs on open (``=HYPERLINK(...)``, DDE tricks), so such text is stored as a
string with Excel's quote prefix, which also keeps it text when edited.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from docxform.io.files import write_file
from docxform.io.safety import clean_text, looks_like_formula
from docxform.oxml.package import repack
from docxform.oxml.rawsheet import estimate_lines, row_height

#: Fixed workbook dates, so two runs give identical files (docx forms do the same).
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
PLAN_CHARS_PER_UNIT = 1.05


def put_text(cell: Cell, text: str) -> None:
    """Write text as text: never a formula, no characters XML cannot hold (see :mod:`docxform.io.safety`)."""
    clean = clean_text(text)
    cell.value = clean
    if looks_like_formula(clean):
        cell.data_type = "s"
        cell.quotePrefix = True


def add_properties(workbook: Workbook, properties: dict[str, str]) -> None:
    """Custom document properties: how a reader knows this plan and its framework."""
    workbook.properties.creator = "docxform"
    workbook.properties.lastModifiedBy = "docxform"
    for name, value in properties.items():
        workbook.custom_doc_props.append(StringProperty(name=name, value=value))


def save_workbook(workbook: Workbook, target: Path) -> None:
    """Save with fixed dates and zip timestamps ([Content_Types].xml first)."""
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    write_file(target, repack(buffer.getvalue()))


def fit_height(ws: Worksheet, row: int, texts: list[tuple[str, float]]) -> None:
    """Set a row tall enough for its wrapped texts (text, column width in characters).

    Neither openpyxl nor LibreOffice's import measures wrapped text, so rows of
    long text would print on top of each other without an explicit height.
    The plan's cells run about 1.05 characters to a width unit (see
    ``rawsheet.estimate_lines``, the estimator the summary uses too).
    """
    lines = max((estimate_lines(text, width, PLAN_CHARS_PER_UNIT) for text, width in texts if text), default=1)
    height = row_height(lines)
    if height is not None:
        ws.row_dimensions[row].height = height
