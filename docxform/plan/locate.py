"""Finding the plan in a workbook by what it says, not by where docxform put it.

A plan comes back renamed, re-saved by LibreOffice, or typed by hand from the
Annex C example. So the reader looks, in every sheet, for the row whose cells
best match the plan's column labels (compared without case, spacing or
punctuation; a label followed by its small print still matches), and for the
header fields above it. The labels are the framework's own plus the aliases of
a plan mapping (mappings/plan-annexc.yaml: the words people actually type).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from docxform.core.errors import DocxformError
from docxform.framework.model import Framework
from docxform.framework.yamlsource import load_limited
from docxform.io.files import read_text_input
from docxform.records.plan import header_fields, plan_columns

SCAN_ROWS = 60
SCAN_COLUMNS = 60
MAPPING_NAME = "plan-annexc.yaml"
MAX_PLAN_MAPPING_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PlanMapping:
    """Extra labels for a framework's plan columns and header fields."""

    id: str
    framework: str
    columns: dict[str, tuple[str, ...]]
    header_fields: dict[str, tuple[str, ...]]
    minimum_columns: int = 3


def norm(text: Any) -> str:
    """Lower case, ``&`` as "and", punctuation and runs of space as one space."""
    cleaned = re.sub(r"[^0-9a-z]+", " ", str(text or "").lower().replace("&", " and "))
    return cleaned.strip()


def default_mapping_path() -> Path | None:
    """The shipped Annex C mapping: in the package if installed so, else in the repository."""
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / "mappings", here.parents[2] / "mappings"):
        if (folder / MAPPING_NAME).is_file():
            return folder / MAPPING_NAME
    return None


def load_plan_mapping(path: Path | None = None) -> PlanMapping | None:
    """A plan mapping file (YAML), the shipped one when no path is given."""
    path = path or default_mapping_path()
    if path is None:
        return None
    data = load_limited(read_text_input(path, limit=MAX_PLAN_MAPPING_BYTES, what="plan mapping"), path,
                        "plan mapping")
    if not isinstance(data, dict) or data.get("kind") != "plan" or not isinstance(data.get("columns"), dict):
        raise DocxformError(path, "not a plan mapping (needs kind: plan and columns); see docs/plans.md")
    return PlanMapping(
        id=str(data.get("id", path.stem)), framework=str(data.get("framework", "")),
        columns=_aliases(data.get("columns")), header_fields=_aliases(data.get("header_fields")),
        minimum_columns=int(data.get("minimum_columns", 3)),
    )


def _aliases(data: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict):
        return {}
    return {str(key): tuple(str(a) for a in (value if isinstance(value, list) else [value]))
            for key, value in data.items()}


def labels_for(framework: Framework, mapping: PlanMapping | None) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(column key -> normalised labels, header field key -> normalised labels)."""
    use = mapping if mapping is not None and mapping.framework in ("", framework.id) else None
    columns = {c.key: _unique([c.label, *(use.columns.get(c.key, ()) if use else ())])
               for c in plan_columns(framework)}
    fields = {f.key: _unique([f.label, *(use.header_fields.get(f.key, ()) if use else ())])
              for f in header_fields(framework)}
    return columns, fields


def _unique(labels: list[str]) -> list[str]:
    out: list[str] = []
    for label in map(norm, labels):
        if label and label not in out:
            out.append(label)
    return out


class Grid:
    """A sheet's cell values, with every cell of a merged range reading its top-left value."""

    def __init__(self, ws: Worksheet, max_column: int = SCAN_COLUMNS) -> None:
        self.ws = ws
        self.max_row = ws.max_row
        self.max_column = min(ws.max_column, max_column)
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for row in range(rng.min_row, min(rng.max_row, self.max_row) + 1):
                for col in range(rng.min_col, min(rng.max_col, self.max_column) + 1):
                    self.merged[(row, col)] = (rng.min_row, rng.min_col)

    def origin(self, row: int, col: int) -> tuple[int, int]:
        """The cell that holds the value shown at (row, col)."""
        return self.merged.get((row, col), (row, col))

    def value(self, row: int, col: int) -> Any:
        top, left = self.origin(row, col)
        return self.ws.cell(top, left).value


@dataclass(frozen=True)
class Header:
    """Where the plan table's header row is, and which column holds which key."""

    sheet: str
    row: int
    columns: dict[str, int]


def match_score(cell: str, labels: list[str]) -> int:
    """How well a header cell matches a column: 0 none; prefix matches rank by label length."""
    best = 0
    for label in labels:
        if cell == label:
            return 10_000
        if cell.startswith(label + " "):
            best = max(best, len(label))
    return best


def header_in_row(grid: Grid, row: int, labels: dict[str, list[str]]) -> dict[str, int]:
    """Column key -> column number for the header cells of one row (each cell to its best match; first wins)."""
    found: dict[str, int] = {}
    for col in range(1, grid.max_column + 1):
        cell = norm(grid.value(row, col))
        if not cell:
            continue
        scores = [(match_score(cell, names), key) for key, names in labels.items()]
        score, key = max(scores, default=(0, ""), key=lambda pair: pair[0])
        if score and key not in found:  # a second column for the same key is an extra column
            found[key] = col
    return found


def find_header(sheets: list[Worksheet], labels: dict[str, list[str]], minimum: int) -> tuple[Header, Grid] | None:
    """The row, in any sheet, that names the most plan columns (at least ``minimum``)."""
    best: tuple[int, Header, Grid] | None = None
    for ws in sheets:
        grid = Grid(ws)
        for row in range(1, min(grid.max_row, SCAN_ROWS) + 1):
            found = header_in_row(grid, row, labels)
            if len(found) >= minimum and (best is None or len(found) > best[0]):
                best = (len(found), Header(ws.title, row, found), grid)
    return (best[1], best[2]) if best else None


def header_fields_above(grid: Grid, header_row: int, labels: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    """Header field key -> its label cell: the best match above the table (first on a tie)."""
    best: dict[str, tuple[int, tuple[int, int]]] = {}
    for row in range(1, header_row):
        for col in range(1, grid.max_column + 1):
            cell = norm(grid.value(row, col)) if grid.origin(row, col) == (row, col) else ""
            for key, names in labels.items():
                score = match_score(cell, names) if cell else 0
                if score and score > best.get(key, (0, (0, 0)))[0]:
                    best[key] = (score, (row, col))
    return {key: place for key, (_, place) in best.items()}


def field_value(grid: Grid, row: int, col: int, labels: list[str]) -> tuple[Any, tuple[int, int] | None]:
    """A header field's value and its cell: after the colon in the label cell, else to its right.

    The cell is None when the value shares the label's cell ("Period: 2004/05").
    """
    head, colon, tail = str(grid.value(row, col) or "").partition(":")
    if colon and tail.strip() and norm(head) in labels:
        return tail.strip(), None
    for right in range(col + 1, grid.max_column + 1):
        if grid.origin(row, right) == grid.origin(row, col):
            continue
        value = grid.value(row, right)
        if value not in (None, ""):
            return value, grid.origin(row, right)
    return None, None
