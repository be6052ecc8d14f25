"""Pictures, objects, equations and hidden text in a return: said, with the item and field they are in.

The reader notes what a person sees in an answer but the answer's text does
not hold as they see it (:class:`~docxform.oxml.model.Embedded`, made by
:mod:`docxform.oxml.objects`). An answer that is a pasted photo of the signed
minutes reads as empty; to the person who pasted it, it is not. So each is
reported here, naming the item and field of the cell (or where it is among
the tables):

- ``content-not-read`` (warning): a picture, chart, SmartArt diagram, drawn
  shape, embedded object (an Excel range pasted as an object), or content
  imported from another file (``w:altChunk``): the answer was read without it.
  A phonetic guide (ruby) over words is a notice (info): the words were read,
  the guide above them was not.
- ``equation-read`` (warning): an equation with structure (a fraction, a power,
  a root) was read as its characters in a line ("a/b", "x^2"). An equation of
  plain characters is read exactly and not reported.
- ``text-hidden`` (warning): text formatted hidden, which Word does not show,
  was read as part of the answer.

Documents holding none of these cost one attribute test per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from docxform.framework.mapping import ColumnAnchor, Mapping
from docxform.oxml.model import Document, Embedded
from docxform.records.response import UnclaimedText

Reporter = Callable[..., None]
#: What a kind is called in a message.
NAMES = {"picture": "a picture", "chart": "a chart", "diagram": "a SmartArt diagram", "drawing": "a drawn shape",
         "object": "an embedded object", "imported": "content imported from another file"}
#: An embedded object's program, by the start of its ProgID.
PROGRAMS = (("Excel.", "an Excel worksheet"), ("Word.", "a Word document"), ("PowerPoint.", "a PowerPoint slide"),
            ("Equation.", "an old Equation Editor equation"), ("Package", "a packaged file"),
            ("AcroExch.", "a PDF document"), ("Visio.", "a Visio drawing"),
            ("ActiveX ", "an ActiveX form control, whose value docxform cannot read"))


def report_embedded(doc: Document, mapping: Mapping, item_name: str, report: Reporter, *,
                    columns: dict[int, dict[int, ColumnAnchor]],
                    item_rows: dict[tuple[int, int], str]) -> list[UnclaimedText]:
    """Report every noted picture, object, equation and hidden text (see the module's docstring).

    Returns the words of diagrams and imported content outside the tables, for the parse output's
    ``unclaimed`` (reported here as ``content-not-read``, not again as ``text-unclaimed``); the words of
    one in an answer are reported with that answer's item and field.
    """
    unclaimed: list[UnclaimedText] = []
    for table in doc.tables:
        anchors = columns.get(table.index, {})
        for r, row in enumerate(table.rows):
            for cell in row.cells:
                if cell.embedded:
                    item = item_rows.get((table.index, r))
                    anchor = anchors.get(cell.col)
                    fld = anchor.field if anchor is not None and item is not None else None
                    if fld is None and item is None:
                        fld = _field_at(doc, mapping, table.index, r, cell.col)
                    what = _cell_words(item, fld, table.index, r, cell.col)
                    if anchor is not None and anchor.level is not None and item is not None:
                        what = f"the {anchor.level} cell of {item}'s rating"  # a picture of a tick, say
                    _report(cell.embedded, what, report, item=item, field=fld, table=table.index + 1, row=r + 1,
                            cell=cell.col + 1)
    for before, found in doc.embedded:
        if found.kind in ("equation", "hidden"):
            continue  # its text is a body paragraph's, checked as any other (parse/conserve.py: text-unclaimed)
        near = _item_before(item_rows, before)
        where = f"a paragraph below table {before}" if before else "a paragraph before the first table"
        tail = f" (the nearest {item_name} is {near})" if near else ""
        _report([found], f"{where}{tail}", report, item=near, field=None, table=before or None, row=None, cell=None)
        if found.words:
            unclaimed.append(UnclaimedText(text=found.words, where="below-table" if before else "before-form",
                                           description=f"in {NAMES[found.kind]} in {where}", item=near,
                                           table=before or None))
    return unclaimed


def _report(found: list[Embedded], what: str, report: Reporter, **where: object) -> None:
    """One problem per code for one cell: its pictures and objects together, its equations, its hidden text."""
    unread = [e for e in found if e.kind in NAMES]
    if unread:
        _unread(unread, what, report, where)
    guides = [e.detail for e in found if e.kind == "ruby"]
    if guides:
        report("content-not-read", f"{what} has a phonetic guide ({_listed(guides)}); the words under it were read, "
               "the guide was not", severity="info", **where)
    built = [e.detail for e in found if e.kind == "equation" and not e.flat]
    if built:
        report("equation-read", f"{what} holds an equation with a fraction, power, root or other layout; it was "
               f"read as its characters in a line: {_listed(_quoted(t) for t in built)}", **where)
    hidden = [e.detail for e in found if e.kind == "hidden"]
    if hidden:
        report("text-hidden", f"{what} holds text formatted hidden, which Word does not show "
               f"({_quoted(' '.join(hidden))}); it was read as part of the text", **where)


def _unread(unread: list[Embedded], what: str, report: Reporter, where: dict[str, object]) -> None:
    """Pictures, objects, diagrams...: a warning in an answer; outside the answers a notice, unless words are lost."""
    things = _listed([describe(e) for e in unread])
    words = "\n".join(e.words for e in unread if e.words)
    it = "it" if len(unread) == 1 else "them"
    if where.get("field") is not None:  # in an answer: the answer was read without it
        tail, severity = f"which docxform does not read as an answer; it was read without {it}", None
    else:  # in no answer (a logo above the form, a picture below a table)
        tail, severity = f"which docxform does not read; no answer holds {it}", None if words else "info"
    report("content-not-read", f"{what} holds {things}, {tail}: look at the return", severity=severity,
           **where, **({"extra": {"text": words[:2000]}} if words else {}))


def describe(found: Embedded) -> str:
    """"a picture (alt text "Signed minutes")", "an embedded object (an Excel worksheet)"."""
    name = NAMES[found.kind]
    if found.kind == "object":
        program = next((words for start, words in PROGRAMS if found.detail.startswith(start)), None)
        named = f"{program}: {found.detail.removeprefix('ActiveX ')}" if found.detail.startswith("ActiveX ") \
            else program
        return f"{name} ({named or found.detail or 'of an unknown program'})"
    said = [f"alt text {_quoted(found.detail)}"] if found.kind in ("picture", "chart", "diagram", "drawing") \
        and found.detail else ["w:altChunk"] if found.kind == "imported" else []
    if found.part:
        said.append(f"in {found.part}")
    if found.words:
        said.append(f"its words: {_quoted(found.words)}")
    return f"{name} ({'; '.join(said)})" if said else name


def _cell_words(item: str | None, fld: str | None, table: int, row: int, col: int) -> str:
    if item is not None and fld is not None:
        return f"the {fld} answer of {item}"
    if fld is not None:
        return f"the field {fld!r}"
    if item is not None:
        return f"a cell of {item}'s row (table {table + 1}, row {row + 1}, cell {col + 1})"
    return f"table {table + 1}, row {row + 1}, cell {col + 1}"


def _field_at(doc: Document, mapping: Mapping, table: int, row: int, col: int) -> str | None:
    """The form-level field in this cell, if any: by its control's tag, else where the mapping puts it."""
    tags = {ref.tag: ref.key for ref in mapping.fields if ref.tag}
    by_tag = next((tags[c.tag] for c in doc.controls if c.tag in tags and (c.table, c.row, c.col) == (table, row, col)),
                  None)
    return by_tag or next((ref.key for ref in mapping.fields if (ref.table, ref.row, ref.col) == (table, row, col)),
                          None)


def _item_before(item_rows: dict[tuple[int, int], str], tables: int) -> str | None:
    """The item of the last item row in the tables before a paragraph."""
    rows = [(place, item) for place, item in item_rows.items() if place[0] < tables]
    return max(rows)[1] if rows else None


def _quoted(text: str) -> str:
    first = " ".join(text.split())
    return f"\"{first[:60]}{'...' if len(first) > 60 else ''}\""


def _listed(words: Iterable[str]) -> str:
    items = list(words)
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


__all__ = ["describe", "report_embedded"]
