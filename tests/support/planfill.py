"""Fill a plan workbook in the tests as a person would, with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def fill_plan(path: Path, target: Path, rows: list[dict[str, Any]], header: dict[str, str]) -> None:
    """Fill a generated plan as a person would: type into the cells (dates as dates)."""
    wb = load_workbook(path)
    ws = wb["Plan"]
    for ref, value in zip(("B2", "B3", "B4"), (header["partnership"], header["lead_officer"], header["period"]),
                          strict=True):
        ws[ref] = value
    keys = ["standard", "goal", "action", "milestones", "lead_officer", "resources", "challenges", "measure",
            "milestone_date", "status", "last_reviewed", "priority"]
    for offset, row in enumerate(rows):
        for col, key in enumerate(keys, start=1):
            value = row.get(key)
            if key in ("milestone_date", "last_reviewed") and len(value) == 10:
                value = dt.date.fromisoformat(value)
            cell = ws.cell(8 + offset, col)
            cell.value = value if value != "" else None
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    wb.save(target)
