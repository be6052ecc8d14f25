"""Opening a returned workbook: refuse what is unsafe or absurd, then load it (twice when it holds formulas).

Every check runs on bytes read once into memory, so the file on disk is never
opened for writing and cannot change between checking and loading. The zip
checks (not a workbook, legacy .xls, encrypted, macros, zip bombs) are
:func:`docxform.oxml.package.open_package`'s, the spreadsheet ones (DOCTYPEs,
sheets too big to be a plan) :func:`docxform.oxml.sheets.check_workbook_parts`'s.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from docxform.core.errors import DocxformError
from docxform.io.files import read_input
from docxform.oxml.package import open_package, read_custom_properties
from docxform.oxml.sheets import check_workbook_parts

#: A plan workbook is tens of KB; this is far beyond any real one.
MAX_WORKBOOK_BYTES = 256 * 1024 * 1024


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
    data = read_input(path, limit=MAX_WORKBOOK_BYTES)
    with open_package(path, kind="xlsx", data=data) as package:
        check_workbook_parts(package)
        properties = read_custom_properties(package)
    formulas = _load(path, data, False)
    values = _load(path, data, True) if _has_formula(formulas) else formulas
    return Loaded(path=path, sha256=hashlib.sha256(data).hexdigest(), values=values, formulas=formulas,
                  properties=properties)


def _has_formula(workbook: Workbook) -> bool:
    """Whether any cell holds a formula: only then do the values (cached results) differ from the formulas.

    openpyxl's ``data_only`` changes nothing else, so a workbook without
    formulas (nearly every returned plan) is loaded once, not twice. Only the
    cells the file holds are looked at (openpyxl's own ``_cells``):
    ``iter_rows`` would make every cell of the rectangle they span, 20
    million for two cells at the corners of the largest sheet we accept.
    """
    return any(cell.data_type == "f" for ws in workbook.worksheets for cell in ws._cells.values())


def _load(path: Path, data: bytes, data_only: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=data_only, keep_links=False)
    except DocxformError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise DocxformError(path, f"damaged workbook: {openpyxl_cause(exc)}") from None


#: openpyxl's stages of reading ("could not read strings from None.") and what each reads, in our words.
_STAGES = {"read manifest": "its content types ([Content_Types].xml)", "read strings": "its shared strings",
           "read workbook": "its workbook part or relationships", "read properties": "its document properties",
           "read custom properties": "its custom properties", "read theme": "its theme",
           "read stylesheet": "its styles", "read worksheets": "a worksheet", "assign names": "its defined names"}
_MISSING = re.compile(r"There is no item named '([^']*)' in the archive")


def openpyxl_cause(exc: BaseException) -> str:
    """What went wrong, in docxform's words, from an exception openpyxl raised while loading."""
    stage = re.search(r"could not (.+?) from ", str(exc))
    inner = exc.__cause__ if stage and exc.__cause__ is not None else exc
    detail = str(inner).splitlines()[0][:100] if str(inner) else type(inner).__name__
    missing = _MISSING.search(str(inner))
    if missing:
        detail = f"part {missing[1][:100]} is missing"
    if stage:
        return f"{_STAGES.get(stage[1], stage[1])} cannot be read ({detail})"
    return detail if missing else f"cannot be read ({detail})"
