"""Whether a column holds the answer the mapping says it does: the header's word against the position's.

A mapping's position (table, row, grid column) is only a memory of the form
as generated. Once its controls are gone, a column inserted ("RAG status")
or deleted by the respondent moves every answer to its right, and the row
still starts with the right id. So a value found by position is taken only
when the column's header (or, where the header leaves it unnamed, its named
neighbours) agrees; otherwise the parser looks for the column the header
names, and reports the answer missing when there is none.
"""

from __future__ import annotations

from typing import Literal

from docxform.framework.mapping import ColumnAnchor
from docxform.oxml.model import Cell
from docxform.parse.anchors import AnchorIndex

Verdict = Literal["confirmed", "unconfirmed", "contradicted"]
TICK_KINDS = frozenset({"checkbox", "legacy-checkbox"})


def position_verdict(index: AnchorIndex, table: int, col: int, field: str, level: str | None) -> Verdict:
    """What the table's header says of the mapping's column for (field, level).

    ``unconfirmed``: the table has no header the mapping recognises (nor one
    inherited from the table before), so nothing can say; the value is read
    and reported. ``contradicted``: the header names another answer there, or
    nothing at all.
    """
    columns = index.columns.get(table)
    if not columns:
        return "unconfirmed"
    anchor = columns.get(col)
    if anchor is not None and anchor.field == field and anchor.level == level:
        return "confirmed"
    return "contradicted"


def merged_fields(columns: dict[int, ColumnAnchor], cell: Cell) -> list[str]:
    """The text answers whose header columns one cell covers, in order (more than one: cells were merged)."""
    found: list[str] = []
    for col in range(cell.col, cell.col + cell.span):
        anchor = columns.get(col)
        if anchor is not None and anchor.level is None and anchor.field not in found:
            found.append(anchor.field)
    return found


def text_controls(cell: Cell) -> int:
    """How many controls in the cell hold text (not ticks)."""
    return sum(1 for control in cell.controls if control.kind not in TICK_KINDS)
