"""A returned plan workbook -> rows, header fields and problems.

Works for plans docxform generated and for the Annex C layout typed by hand:
the table is found by its header labels (:mod:`docxform.plan.locate`), values
are normalised (:mod:`docxform.plan.values`), and what a person would want
to know is reported as problems rather than refused: formulas where values
belong, rows typed below the table, statuses off the list, then the plan
rules (:mod:`docxform.plan.rules`). Only a workbook that cannot be read at all
raises (:mod:`docxform.plan.workbook`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem, problem
from docxform.framework import BUILTIN_IDS, load_framework
from docxform.framework.choice import framework_for, mismatch
from docxform.framework.model import Framework
from docxform.plan import locate
from docxform.plan.locate import Grid, Header
from docxform.plan.rules import check_plan
from docxform.plan.values import date_of, item_id_of, text_of, whole_number_of
from docxform.plan.workbook import Loaded, open_workbook
from docxform.records.plan import Column, PlanResult, PlanRow, plan_columns, statuses


def parse_plan(path: Path, framework: Framework | None = None, *, mapping: Path | None = None) -> PlanResult:
    """Read a plan workbook; ``framework`` defaults to the one the workbook names (else sa2003)."""
    path = Path(path)
    loaded = open_workbook(path)
    plan_mapping = locate.load_plan_mapping(mapping)
    framework, problems = _framework(loaded, framework, plan_mapping)
    columns = plan_columns(framework)
    column_labels, field_labels = locate.labels_for(framework, plan_mapping)
    minimum = min(plan_mapping.minimum_columns if plan_mapping else 3, len(columns))
    found = locate.find_header(loaded.values.worksheets, column_labels, minimum)
    if found is None:
        raise DocxformError(path, "no improvement plan found: no sheet has a row of the plan's column labels",
                            hint="the header row must name at least "
                                 f"{minimum} of: {', '.join(c.label for c in columns)}")
    header, grid = found
    reader = _SheetReader(loaded, framework, columns, header, grid)
    head = reader.header_fields(field_labels)
    rows = reader.rows()
    found_problems = reader.problems + check_plan(rows, framework, reader.where)
    problems += sorted(found_problems, key=lambda p: (p.row is None, p.row or 0, p.cell or 0))
    return PlanResult(framework=framework, rows=rows, header=head, problems=problems,
                      source={"path": str(path), "sha256": loaded.sha256}, sheet=header.sheet)


def _framework(loaded: Loaded, given: Framework | None,
               mapping: locate.PlanMapping | None) -> tuple[Framework, list[Problem]]:
    """The framework given, else the one named in the workbook, else the mapping's."""
    declared = loaded.properties.get("docxform.framework", "")
    if given is not None:
        other = mismatch("the plan was generated", (declared, None), given, file=str(loaded.path)) if declared else None
        return given, [other] if other is not None else []
    if declared:
        return framework_for([declared], loaded.path), []
    return load_framework(mapping.framework if mapping and mapping.framework in BUILTIN_IDS else "sa2003"), []


@dataclass
class _SheetReader:
    loaded: Loaded
    framework: Framework
    columns: tuple[Column, ...]
    header: Header
    grid: Grid
    problems: list[Problem] = field(default_factory=list)
    _formula_cells: set[tuple[int, int]] = field(default_factory=set)

    @property
    def formulas(self) -> Worksheet:
        return self.loaded.formulas[self.header.sheet]

    def where(self, row: PlanRow, key: str | None) -> dict[str, Any]:
        """A problem's location: file, sheet!cell, sheet row and column number."""
        out: dict[str, Any] = {"file": str(self.loaded.path)}
        col = self.header.columns.get(key) if key else None
        if row.sheet_row is not None:
            out["row"] = row.sheet_row
            ref = f"{get_column_letter(col)}{row.sheet_row}" if col else f"{row.sheet_row}:{row.sheet_row}"
            out["path"] = f"{self.header.sheet}!{ref}"
        if col:
            out["cell"] = col
        return out

    def _at(self, row: int, col: int) -> dict[str, Any]:
        return {"file": str(self.loaded.path), "path": f"{self.header.sheet}!{get_column_letter(col)}{row}",
                "row": row, "cell": col}

    def cell(self, row: int, col: int, key: str) -> Any:
        """A cell's value (a merged cell's top-left value), noting a formula behind it."""
        top, left = self.grid.origin(row, col)
        value = self.grid.ws.cell(top, left).value
        if self.formulas.cell(top, left).data_type == "f" and (top, left) not in self._formula_cells:
            self._formula_cells.add((top, left))
            cached = "its cached value was read" if value is not None else "it has no cached value (read as empty)"
            self.problems.append(problem("plan-formula", f"a formula where a value was expected; {cached}",
                                         field=key, **self._at(top, left),
                                         hint="replace the formula by its value"))
        return value

    def header_fields(self, labels: dict[str, list[str]]) -> dict[str, str]:
        places = locate.header_fields_above(self.grid, self.header.row, labels)
        label_cells = set(places.values())
        out = {key: "" for key in labels}
        for key, (row, col) in places.items():
            value, where = locate.field_value(self.grid, row, col, labels[key])
            if where is not None and where not in label_cells:
                out[key] = text_of(self.cell(where[0], where[1], key))
            elif where is None and value is not None:
                out[key] = text_of(value)
        return out

    def rows(self) -> list[PlanRow]:
        """The plan rows, below the header row, to the end of the sheet."""
        end = _table_end(self.grid.ws, self.header)
        out: list[PlanRow] = []
        gap = False
        for number in range(self.header.row + 1, self.grid.max_row + 1):
            raw = {key: self._below_header(number, col) for key, col in self.header.columns.items()}
            if all(text_of(v) == "" for v in raw.values()) and not self._has_formula(number):
                gap = gap or bool(out)
                continue
            if not out and number == self.header.row + 1 and self._is_note_row(raw):
                continue
            row = self._row(number)
            out.append(row)
            if (end is not None and number > end) or (end is None and gap):
                self.problems.append(problem("plan-row-outside-table", "a row typed below the plan table; "
                                             "it was read, but check it belongs to the plan",
                                             **self.where(row, None), hint="move it into the table"))
        return out

    def _has_formula(self, row: int) -> bool:
        """A formula with no cached value still makes a row worth reading (and reporting)."""
        return any(self.formulas.cell(*self.grid.origin(row, col)).data_type == "f"
                   for col in self.header.columns.values() if self.grid.origin(row, col)[0] > self.header.row)

    def _below_header(self, row: int, col: int) -> Any:
        """A cell's value, unless it is a header label merged down into this row."""
        return self.grid.value(row, col) if self.grid.origin(row, col)[0] > self.header.row else None

    def _is_note_row(self, raw: dict[str, Any]) -> bool:
        """The small print under the labels (Annex C's note on resources), not a plan row."""
        notes = [locate.norm(c.note) for c in self.columns if c.note]
        texts = [locate.norm(v) for v in raw.values() if text_of(v)]
        return bool(notes) and all(any(n.startswith(t) or t.startswith(n) for n in notes) for t in texts)

    def _row(self, number: int) -> PlanRow:
        row = PlanRow(sheet_row=number)
        for column in self.columns:
            col = self.header.columns.get(column.key)
            if col is not None:
                below = self.grid.origin(number, col)[0] > self.header.row
                value = self.cell(number, col, column.key) if below else None
                row.set(column.key, self._convert(column, value, row))
        return row

    def _convert(self, column: Column, value: Any, row: PlanRow) -> Any:
        if column.kind == "item_ref":
            return item_id_of(value)
        if column.kind == "date":
            return date_of(value)[0]
        if column.kind == "priority":
            return self._priority(value, row, column.key)
        if column.kind == "status":
            return self._status(text_of(value), row, column.key)
        return text_of(value)

    def _priority(self, value: Any, row: PlanRow, key: str) -> int | None:
        number = whole_number_of(value)
        if number is None and text_of(value):
            self.problems.append(problem("plan-bad-value", f"priority {text_of(value)!r} is not a whole number "
                                         "from 1; it was not read", field=key, **self.where(row, key)))
        return number

    def _status(self, text: str, row: PlanRow, key: str) -> str:
        known = {s.casefold(): s for s in statuses(self.framework)}
        if text and text.casefold() not in known:
            self.problems.append(problem("plan-bad-value", f"status {text!r} is not one of: {', '.join(known.values())}",
                                         field=key, **self.where(row, key)))
        return known.get(text.casefold(), text)


def _table_end(ws: Worksheet, header: Header) -> int | None:
    """The last row of the plan table: its Excel table, else its validated rows, else unknown."""
    for table in ws.tables.values():
        _, top, _, bottom = range_boundaries(table.ref)
        if top == header.row and bottom is not None:
            return int(bottom)
    ends = [rng.max_row for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges
            if rng.min_row in (header.row + 1, header.row + 2)]
    return max(ends) if ends else None
