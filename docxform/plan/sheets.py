"""The plan's companion sheets: instructions (rating levels, plan guidance) and standards.

The "Standards" sheet is both a reference for people and the source of the
Plan sheet's drop-downs (through workbook-level names, which Excel and
LibreOffice both keep when they re-save). Both sheets are protected: they
are read, not filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from docxform.framework.model import Framework
from docxform.io.pagefit import MIN_SCALE, fits_page
from docxform.plan.cells import fit_height, put_text
from docxform.records.plan import plan_spec, statuses

INSTRUCTIONS_SHEET = "Instructions"
STANDARDS_SHEET = "Standards"
ITEMS_NAME = "docxform_items"
STATUSES_NAME = "docxform_statuses"
#: Guidance sections about planning: their headings mention one of these.
PLAN_GUIDANCE = re.compile(r"improvement|priorit|plan", re.IGNORECASE)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Lists:
    """Formulas for the drop-down sources (workbook names)."""

    items: str
    statuses: str


def plan_title(framework: Framework, partnership: str) -> str:
    """The plan's title: the partnership's own ("Anytown CDRP: improvement plan"), not Annex C's
    "Example of an Improvement plan"."""
    title = re.sub(r"^example of an? ", "", plan_spec(framework).title.strip(), flags=re.IGNORECASE)
    title = title[:1].upper() + title[1:].lower() if title else "Improvement plan"
    return f"{partnership.strip()}: {title[:1].lower() + title[1:]}" if partnership.strip() else title


def add_reference_sheets(workbook: Workbook, framework: Framework) -> Lists:
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), framework)
    return _standards(workbook, framework)


def print_setup(ws: Worksheet, title_cols: str | None = None) -> None:
    """A4 landscape, the first row (a sheet's heading or header) on every page; one page wide when that
    keeps the text at 8 pt or more, else at that size with the columns running on to further pages and
    ``title_cols`` repeated on each (:mod:`docxform.io.pagefit`).

    The Plan sheet sets its own title rows (note and header) after this.
    """
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    fitted = fits_page(_widths(ws))
    ws.page_setup.fitToWidth = 1 if fitted else 0
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = fitted
    if not fitted:
        ws.page_setup.scale = MIN_SCALE
        if title_cols:
            ws.print_title_cols = title_cols
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.8  # room for the print header and footer
    ws.page_margins.header = ws.page_margins.footer = 0.3


def _widths(ws: Worksheet) -> list[float]:
    """The printed columns' widths (Excel's default 8.43 where none is set: openpyxl says 13 for those)."""
    letters = [get_column_letter(c) for c in range(1, ws.max_column + 1)]
    return [ws.column_dimensions[x].width if x in ws.column_dimensions else 8.43 for x in letters]


def _instructions(ws: Worksheet, framework: Framework) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 110
    lines: list[tuple[str, str]] = [(f"{plan_title(framework, '')}: how to fill it in", "")]
    lines += [("", text) for text in _how_to(framework)]
    if framework.rating_scale is not None:
        lines += [("", ""), (f"{framework.rating_scale.label} levels", "")]
        lines += [(level.name or level.label, level.definition) for level in framework.rating_scale.levels]
    sections = [s for s in framework.guidance if PLAN_GUIDANCE.search(s.heading)]
    for section in sections:
        lines += [("", ""), (section.heading, "")]
        lines += [("", text) for text in section.paragraphs]
    if plan_spec(framework).guidance:
        lines += [("", ""), ("Plan guidance", "")] + [("", text) for text in plan_spec(framework).guidance]
    for row, (heading, text) in enumerate(lines, start=1):
        _line(ws, row, heading, text)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment()
    ws.protection.sheet = True
    print_setup(ws)


def _how_to(framework: Framework) -> list[str]:
    name = framework.item_name
    return [
        "Fill in the header fields (partnership name, lead officer, period) at the top of the Plan sheet.",
        f"Use one row of the plan table per action. Choose the related {name} from the drop-down; "
        f"the {STANDARDS_SHEET} sheet lists them all.",
        "Type dates as dates (e.g. 31/03/2004); choose the status from its drop-down; "
        "give each row a priority, 1 being the most urgent.",
        "Every action needs a lead officer and a performance measure or target.",
        "Type only inside the table: rows below it are not part of the plan.",
    ]


def _line(ws: Worksheet, row: int, heading: str, text: str) -> None:
    fit_height(ws, row, [(heading, 24 * 0.9), (text, 110)])
    if heading:
        put_text(ws.cell(row, 1), heading)
        ws.cell(row, 1).font = BOLD
        ws.cell(row, 1).alignment = WRAP
    if text:
        put_text(ws.cell(row, 2), text)
        ws.cell(row, 2).alignment = WRAP


def _standards(workbook: Workbook, framework: Framework) -> Lists:
    ws = workbook.create_sheet(STANDARDS_SHEET)
    heads = (framework.item_name.capitalize(), "Theme", "Text")
    for col, (head, width) in enumerate(zip(heads, (11, 24, 76), strict=True), start=1):
        put_text(ws.cell(1, col), head)
        ws.cell(1, col).font = BOLD
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    for row, item in enumerate(framework.items, start=2):
        put_text(ws.cell(row, 1), item.id)
        put_text(ws.cell(row, 2), framework.theme(item.theme_id).title)
        put_text(ws.cell(row, 3), item.text)
        for col in (1, 2, 3):
            ws.cell(row, col).alignment = WRAP
        fit_height(ws, row, [(framework.theme(item.theme_id).title, 24), (item.text, 76)])
    names = statuses(framework)
    put_text(ws.cell(1, 5), "Status values")
    ws.cell(1, 5).font = BOLD
    ws.column_dimensions["E"].width = 16
    for row, status in enumerate(names, start=2):
        put_text(ws.cell(row, 5), status)
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    print_setup(ws)
    last_item = len(framework.items) + 1
    _name(workbook, ITEMS_NAME, f"'{STANDARDS_SHEET}'!$A$2:$A${last_item}")
    _name(workbook, STATUSES_NAME, f"'{STANDARDS_SHEET}'!$E$2:$E${len(names) + 1}")
    return Lists(items=ITEMS_NAME, statuses=STATUSES_NAME)


def _name(workbook: Workbook, name: str, ref: str) -> None:
    workbook.defined_names[name] = DefinedName(name, attr_text=ref)
