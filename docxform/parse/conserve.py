"""Conservation of text: every line of a return is the form's own text, an answer, or reported.

docxform knows the blank form's text: every string of the framework (title,
theme introductions, items, prompts, levels, field labels, signatories) and
of the mapping (column headers, field labels, placeholders, ``recognise``
phrases). Everything else in a return is the respondent's. After the answers
and fields are read, each line of every table cell and of every paragraph
outside the tables is checked against what the parse output holds; a line
that is neither the form's text nor found in an answer or field is
*unclaimed*: it goes to ``Response.unclaimed`` with where it was found (the
standard's cell, a row without an id, below table N, after the form) and
the nearest item, and a ``text-unclaimed`` problem names it, unless another
problem already names that row (``row-not-read``, ``text-match-weak`` ...).

Symbol-font characters with no text equivalent (a Wingdings smiley) in a
text answer are reported too (``symbol-not-read``): the answer's text cannot hold them.

One case is read, not only reported: a cell the respondent split side by side
(Word then spans the header cell over both halves). Its second half lies
under the same header as the answer, so its text is appended to that answer
with a ``cell-split`` notice.

The check compares the *output* with the document, whatever strategy read
the answers, so a value dropped by any of them is caught here. It costs one
set lookup per non-empty cell in the usual case (the cell's text is an
answer, or the form's own text, as it stands).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

from docxform.framework.mapping import ColumnAnchor, Mapping
from docxform.framework.model import Framework
from docxform.oxml.model import Cell, Document, Table
from docxform.oxml.ns import qn
from docxform.oxml.textparts import box_lines
from docxform.parse.anchors import header_map, norm
from docxform.parse.textanchors import is_question
from docxform.parse.ticks import EMPTY_TEXT, TICK_TEXT
from docxform.records.response import Response, UnclaimedText

Reporter = Callable[..., None]
#: Problems that already report a row's text as not read: its unclaimed lines are listed, not raised again.
COVERED = frozenset({"row-not-read", "item-unexpected", "column-missing", "item-duplicated", "text-match-weak",
                     "text-match-ambiguous", "answers-not-split"})
#: A bullet, tick or numbering and a printed id before a prompt's text ("• (1a) ", "3. ").
_LEAD = re.compile(r"^[\s•·▪◦○●\-–—*✓✔☑√]*(?:\(?[0-9]+(?:\.[0-9]+)*[a-z]?[).:]?\s+)?")
#: Places where a layout docxform did not make (its mapping lists no cells, so its blank text is not known
#: whole) may print text of its own: unclaimed text there is a notice (info), not a warning, unless the
#: mapping lists the layout's own print (``printed``): then what else is there is the respondent's.
UNSURE = frozenset({"table", "before-form", "after-form", "below-table", "paragraph"})
#: Problems that already report one cell's text (a mark that is no tick): that cell's text is listed only.
COVERED_CELL = frozenset({"rating-unclear", "cells-merged"})
_W_T, _W_P, _W_TBL = qn("w:t"), qn("w:p"), qn("w:tbl")
_M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_BLOCKS = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:ins"), qn("w:moveTo"), qn("w:customXml")})


@dataclass
class _Layout:
    """What the parse found of the tables: answer columns per table, item per row."""

    columns: dict[int, dict[int, ColumnAnchor]]
    item_rows: dict[tuple[int, int], str]
    issue_is_form_text: bool  # forms read by wording: the issue cells are the partnership's own form text


class _Claims:
    """Every value the parse output holds: as raw texts at once, as loose lines only when a line needs them."""

    def __init__(self) -> None:
        self.raw: set[str] = set()
        self._lines: set[str] | None = None
        self._normed: list[str] = []

    def add(self, value: str) -> None:
        value = value.strip()
        if value and value not in self.raw:
            self.raw.add(value)
            self._lines = None

    @property
    def normed(self) -> list[str]:
        self._loose()
        return self._normed

    def _loose(self) -> set[str]:
        if self._lines is None:
            self._normed = [norm(value) for value in self.raw]
            self._lines = {norm(line) for value in self.raw for line in value.split("\n")}
        return self._lines

    def holds(self, line: str, normed: str) -> bool:
        """The line is (part of) a value: whole, as one of its lines, or inside one (words whole)."""
        if line in self.raw or normed in self._loose():
            return True
        padded = f" {normed} "
        return any(padded in f" {value} " for value in self._normed)


_FORM_TEXT: dict[tuple[str, str, int, str, str], frozenset[str]] = {}
_KNOWN_RAW: dict[tuple[str, str, int, str, str], set[str]] = {}
#: How many cell texts found to be the form's own are remembered per form (a batch repeats them).
MEMO_SIZE = 20_000


def form_text(framework: Framework, mapping: Mapping) -> frozenset[str]:
    """The blank form's own text, as loose lines: every string of the framework and the mapping.

    Worked out once per framework and mapping (a batch reads many returns of one form).
    """
    key = (framework.id, framework.version, len(framework.items), mapping.id, str(mapping.path or ""))
    if key not in _FORM_TEXT:
        if len(_FORM_TEXT) > 32:
            _FORM_TEXT.clear()
        _FORM_TEXT[key] = _form_text(framework, mapping)
    return _FORM_TEXT[key]


@lru_cache(maxsize=32)
def _known_index(known: frozenset[str]) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Each form text's place in the set's order, and the texts longer than two characters by first word.

    Loose texts (``norm``) are words joined by single spaces, so a text is inside a line, words
    whole, only where the line has its first word.
    """
    rank = {k: i for i, k in enumerate(known)}
    by_first: dict[str, list[str]] = {}
    for k in known:
        if len(k) > 2:
            by_first.setdefault(k.split(" ", 1)[0], []).append(k)
    return rank, {word: tuple(texts) for word, texts in by_first.items()}


def _known_in(known: frozenset[str], normed: str) -> list[str]:
    """The form's texts (longer than two characters) found inside the line, words whole.

    Only the form's texts that start with one of the line's words are tried (an index worked
    out once per form text), not all of them for every line: a form's text has hundreds.
    """
    padded = f" {normed} "
    rank, by_first = _known_index(known)
    found = {k for word in set(normed.split(" ")) for k in by_first.get(word, ()) if f" {k} " in padded}
    return sorted(found, key=rank.__getitem__)  # in the set's own order, as a scan of it gives them


@lru_cache(maxsize=MEMO_SIZE)
def _form_residue(known: frozenset[str], normed: str) -> str:
    """What is left of a line once the form's own texts are taken out ("": the line is all the form's).

    It does not depend on the return's answers, so it is worked out once per line a batch repeats
    (a standard's text with its prompts, printed on one line), and a line that is all the form's
    text is the form's whatever answer overlaps it.
    """
    padded = f" {normed} "
    for part in sorted(_known_in(known, normed), key=len, reverse=True):
        while f" {part} " in padded:
            padded = padded.replace(f" {part} ", " ")
    return padded.strip()


def _known_raw(framework: Framework, mapping: Mapping) -> set[str]:
    """Cell texts, exactly as read, already found to be the form's own (filled as returns are read)."""
    key = (framework.id, framework.version, len(framework.items), mapping.id, str(mapping.path or ""))
    if key not in _KNOWN_RAW:
        if len(_KNOWN_RAW) > 32:
            _KNOWN_RAW.clear()
        _KNOWN_RAW[key] = set()
    return _KNOWN_RAW[key]


#: The generator's own headings and labels, which no framework or mapping holds (docxform/generate/form.py:
#: the guidance annex, the consolidated form's box, the prompts an empty control shows). A test generates
#: every form with its guidance and checks that a blank one leaves nothing unclaimed.
GENERATOR_TEXT = ("Guidance", "Rating levels", "Level", "Definition", "Agreed at the meeting",
                  "Type your name to sign", "Date", "Month", "Year")


def _form_text(framework: Framework, mapping: Mapping) -> frozenset[str]:
    strings: list[str] = [*GENERATOR_TEXT, f"Prompts for each {framework.item_name}"]
    _strings(framework, strings, set())
    _strings(mapping, strings, set())
    out: set[str] = set()
    for text in strings:
        out.add(norm(text))
        out.update(norm(line) for line in text.split("\n"))
    out.discard("")
    return frozenset(out)


def _strings(value: Any, out: list[str], seen: set[int]) -> None:
    """Every string held in a (frozen) model object, its lists and mappings, each object visited once."""
    if isinstance(value, str):
        out.append(value)
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _strings(getattr(value, f.name), out, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(key, out, seen)
            _strings(item, out, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _strings(item, out, seen)


def claims_of(response: Response) -> _Claims:
    """Every text the parse output holds: answers (item fields, per prompt) and form-level fields.

    Values are taken as they stand (the readers strip them); one set update per item.
    """
    claims = _Claims()
    raw = claims.raw
    for answer in response.items.values():
        raw.update(answer.texts.values())
        for entry in answer.prompts.values():
            raw.update(t for k, t in entry.items() if isinstance(t, str) and k not in ("provenance", "cells", "score"))
    for value in response.fields.values():
        if isinstance(value, str):
            raw.add(value)
        elif isinstance(value, dict):
            raw.update(value.values())
        else:
            raw.update(text for person in value for text in person.values())
    raw.discard("")
    return claims


class Accountant:
    """One return's text checked line by line against its form and its parse output."""

    def __init__(self, doc: Document, response: Response, framework: Framework, mapping: Mapping,
                 layout: _Layout, report: Reporter, body: etree._Element | None, xml: bytes | None = None) -> None:
        self.doc, self.response, self.framework, self.mapping = doc, response, framework, mapping
        self.layout, self.report, self.body, self.xml = layout, report, body, xml
        self.known = form_text(framework, mapping)
        self.known_raw = _known_raw(framework, mapping)
        self.claims = claims_of(response)
        self.placeholders = set(mapping.placeholders) | {f.placeholder for f in framework.fields if f.placeholder}
        self.found: list[UnclaimedText] = []
        self._boxes: frozenset[str] | None = None  # the body's text boxes' lines, read when a line may be one
        #: Rows read as a continuation of the item above ("Comments (cont.): ..."; 1-based): their answer
        #: cells' text was appended to that item's answers, label and all, so it is not unclaimed.
        self.continued = {(p.table, p.row) for p in response.problems if p.code == "row-continued"}

    # -- what a line is ---------------------------------------------------------------------------
    def accounted(self, line: str) -> bool:
        """The form's own text, or a value the output holds (a label and its value on one line too)."""
        normed = norm(line)
        if not normed or normed in self.known or self.claims.holds(line, normed):
            return True
        bare = norm(_LEAD.sub("", line, count=1))  # "• (1a) The 5 ...": the prompt as the form prints it
        if bare != normed and (not bare or bare in self.known):
            return True
        return not _form_residue(self.known, normed) or not self._residue(normed)

    def _residue(self, normed: str) -> str:
        """What is left of a line once the form's texts and the values it contains are taken out."""
        padded = f" {normed} "
        for part in sorted((*self.claims.normed, *self._known_in(normed)), key=len, reverse=True):
            while part and f" {part} " in padded:  # every occurrence ("Yes Yes": one answer per question)
                padded = padded.replace(f" {part} ", " ")
        return padded.strip()

    def _known_in(self, normed: str) -> list[str]:
        return _known_in(self.known, normed)

    # -- the tables -------------------------------------------------------------------------------
    def tables(self) -> None:
        known_raw, claimed = self.known_raw, self.claims.raw
        for table in self.doc.tables:
            columns = self.layout.columns.get(table.index, {})
            for r, row in enumerate(table.rows):
                for cell in row.cells:
                    text = cell.text
                    if text and text not in known_raw and text not in claimed and not cell.merged_continue:
                        self._cell(table, r, cell, columns)
                    if cell.marks:
                        self._marks(table, r, cell, columns)

    def _marks(self, table: Table, r: int, cell: Cell, columns: dict[int, ColumnAnchor]) -> None:
        """Symbol-font characters in a text answer (a Wingdings smiley): no text holds them, so they are reported.

        A rating cell's marks are the tick reader's; marks elsewhere may be the form's own print.
        """
        anchor = columns.get(cell.col)
        if anchor is not None and anchor.level is not None:
            return  # a rating cell: its marks are the tick reader's (read, or reported as unclear)
        item = self.layout.item_rows.get((table.index, r))
        if anchor is not None and item is not None:
            fld, what = anchor.field, f"the {anchor.field} answer of {item}"
        elif (key := self._field_cell(table.index, r, cell.col)) is not None:
            item, fld, what = None, key, f"the field {key!r}"
        else:
            return
        signs = ", ".join(f"{m.font.title()} U+{m.code:04X}" for m in cell.marks[:5])
        self.report("symbol-not-read", f"{what} holds {len(cell.marks)} symbol-font character(s) with no text "
                    f"equivalent ({signs}); it was read without them", item=item, field=fld, table=table.index + 1,
                    row=r + 1, cell=cell.col + 1)

    def _field_cell(self, table: int, row: int, col: int) -> str | None:
        """The form-level field in this cell, if any: by its control's tag, else where the mapping puts it."""
        tags = {ref.tag: ref.key for ref in self.mapping.fields if ref.tag}
        by_tag = next((tags[c.tag] for c in self.doc.controls
                       if c.tag in tags and (c.table, c.row, c.col) == (table, row, col)), None)
        return by_tag or next((ref.key for ref in self.mapping.fields if (ref.table, ref.row, ref.col) == (table, row, col)),
                              None)

    def _cell(self, table: Table, r: int, cell: Cell, columns: dict[int, ColumnAnchor]) -> None:
        if (table.index + 1, r + 1) in self.continued and any(c in columns for c in range(cell.col, cell.col + cell.span)):
            return  # read by the continuation (parse/anchors.py: _continuation), reported as row-continued
        lines = self._unaccounted(cell, columns)
        if not lines:
            return
        if r < 3 and columns and (table.index, r) not in self.layout.item_rows and not self.mapping.cells and \
                header_map(table.rows[r], self.mapping.columns):
            return  # a header row of a layout docxform did not make: its labels may be worded beyond the mapping's
        self._place(lines, table, r, cell, columns)

    def _unaccounted(self, cell: Cell, columns: dict[int, ColumnAnchor]) -> list[str]:
        """The cell's lines that are neither the form's text nor in any value ([] for the usual cell)."""
        text = cell.text.strip()
        if not text or text in self.claims.raw:
            return []
        anchor = columns.get(cell.col)
        if anchor is not None and anchor.level is not None and _tick_like(text):
            return []  # a rating cell's mark: read (or reported) by the rating
        by_wording = self.layout.issue_is_form_text
        if by_wording and (not columns or cell.col < min(columns)):
            return []  # the partnership's own requirements and headings: its form, not its answers
        if "\n" in text and self.accounted(text):
            lines = []  # a label and its value over two lines ("Name of ...\nRepresentative: Dr Brown")
        else:
            lines = [line for line in (ln.strip() for ln in text.split("\n"))
                     if line and not self.accounted(line) and not (by_wording and is_question(line))]
        if not lines and len(self.known_raw) < MEMO_SIZE and self._form_own(text):
            self.known_raw.add(cell.text)  # the form's own text: the same cell of the next return is one lookup
        return lines

    def _form_own(self, text: str) -> bool:
        """Every line of the text is the form's own (whatever the return's answers): safe to remember.

        A line counts only when it is accounted for by the form's text alone, as :meth:`accounted`
        finds it first (whole, or once its bullet and printed id are taken off), so a cell of
        several such lines (a standard's text above its prompts) is one lookup in the next return.
        """
        if norm(text) in self.known:
            return True
        for line in text.split("\n"):
            normed = norm(line)
            if normed and normed not in self.known:
                bare = norm(_LEAD.sub("", line, count=1))
                if (bare == normed or (bare and bare not in self.known)) and _form_residue(self.known, normed):
                    return False
        return True

    def _place(self, lines: list[str], table: Table, r: int, cell: Cell, columns: dict[int, ColumnAnchor]) -> None:
        """Where unaccounted lines are: beside an item's answers, in an answer cell, or in a row of no item."""
        item = self.layout.item_rows.get((table.index, r))
        anchor = columns.get(cell.col)
        at = (table.index, r, cell.col)
        if item is None:
            self._stray_row(lines, table, r, cell, anchor, columns)
        elif anchor is not None:
            self._add(lines, "answer-cell", f"in the {anchor.field} cell of {item}, not read as its answer",
                      item, anchor.field, *at)
        elif columns and cell.col < min(columns):
            self._add(lines, "standard-cell", f"in the {self.framework.item_name}'s own cell of {item}, "
                      "beside its answers", item, None, *at)
        elif (split := _split_of(table, cell, columns)) is not None:
            self._split(lines, item, split, *at)
        else:
            self._add(lines, "row", f"in the row of {item}, in a column no header names", item, None, *at)

    def _stray_row(self, lines: list[str], table: Table, r: int, cell: Cell, anchor: ColumnAnchor | None,
                   columns: dict[int, ColumnAnchor]) -> None:
        near = self._item_above(table.index, r)
        at = (table.index, r, cell.col)
        if columns and near:
            what = (f"in a row whose requirement or question matches no prompt, below {near}"
                    if self.layout.issue_is_form_text else f"in a row without an id below {near}")
            self._add(lines, "row", what, near,
                      anchor.field if anchor else None, *at)
        elif columns:
            self._add(lines, "table", f"in a row of table {table.index + 1} above its first "
                      f"{self.framework.item_name}", None, None, *at)
        else:
            self._add(lines, "table", f"in table {table.index + 1}, which holds no answers", None, None, *at)

    def _item_above(self, table: int, row: int) -> str | None:
        above = [(r, item) for (t, r), item in self.layout.item_rows.items() if t == table and r < row]
        return max(above)[1] if above else None

    def _split(self, lines: list[str], item: str, fld: str, table: int, row: int, col: int) -> None:
        """The second half of a split answer cell: appended to the answer, with a notice."""
        answer = self.response.items.get(item)
        if answer is None or fld not in answer.texts:
            self._add(lines, "split-cell", f"in a split {fld} cell of {item}", item, fld, table, row, col)
            return
        added = "\n".join(lines)
        answer.texts[fld] = "\n".join(t for t in (answer.texts[fld], added) if t)
        self.claims.add(added)
        self.report("cell-split", f"the {fld} cell of {item} was split in two; the text of its second part "
                    f"({_quote(added)}) was added to the answer", item=item, field=fld, severity="warning",
                    table=table + 1, row=row + 1, cell=col + 1)

    # -- controls still marked as showing their prompt ------------------------------------------------
    def prompt_controls(self) -> None:
        """Text typed inside a control still marked as showing its prompt (the readers read it as empty).

        The prompt's lines are dropped; what else was typed is the answer when the control is an answer
        cell of the mapping whose answer is empty (``text-in-prompt``), else it is unclaimed.
        """
        if not self.xml or not any(c.placeholder_showing for c in self.doc.controls):
            return  # the readers mark such controls: no scan of the part where there are none
        for tag, alias, lines in _prompt_controls(self.xml):
            typed = [ln for ln in lines if ln not in self.placeholders and not self.accounted(ln)]
            if typed:
                self._typed_in_prompt(tag, alias, typed)

    def _typed_in_prompt(self, tag: str, alias: str, typed: list[str]) -> None:
        spec = next((c for c in self.mapping.cells if (tag and c.tag == tag) or (alias and c.alias == alias)), None)
        answer = self.response.items.get(spec.item) if spec is not None else None
        text = "\n".join(typed)
        if spec is None or answer is None or spec.level is not None or answer.texts.get(spec.field, "x"):
            self._add(typed, "answer-cell", f"inside the control {alias or tag!r}, still marked as showing its "
                      "prompt", spec.item if spec else None, spec.field if spec else None, None, None, None)
            return
        answer.texts[spec.field] = text
        self.claims.add(text)
        self.report("text-in-prompt", f"the {spec.field} of {spec.item} was typed inside its control while it was "
                    f"still marked as showing its prompt; the prompt was dropped and {_quote(text)} read as the "
                    "answer", item=spec.item, field=spec.field, table=spec.table + 1, row=spec.row + 1,
                    cell=spec.col + 1)

    # -- the paragraphs ---------------------------------------------------------------------------
    def paragraphs(self) -> None:
        places: list[tuple[str, int]] | None = None
        known_raw, claimed = self.known_raw, self.claims.raw
        for paragraph in self.doc.paragraphs:
            if paragraph in known_raw or paragraph in claimed or ("\n" in paragraph and self.accounted(paragraph)):
                continue
            lines = [ln for ln in (x.strip() for x in paragraph.split("\n")) if ln and not self.accounted(ln)]
            if not lines:
                if len(known_raw) < MEMO_SIZE and self._form_own(paragraph):
                    known_raw.add(paragraph)
                continue
            if places is None:
                places = _paragraph_places(self.body)
            before = _tables_before(places, norm(paragraph))
            self._paragraph(lines, before, "text box" if self._in_text_boxes(lines) else "paragraph")

    def _in_text_boxes(self, lines: list[str]) -> bool:
        """Every line is a text box's (the reader reads a box as lines of the paragraph holding it)."""
        if self.body is None or not self.xml or b"txbxContent" not in self.xml:
            return False  # a byte scan: the usual return has no text box
        if self._boxes is None:
            self._boxes = box_lines(self.body)
        return all(line in self._boxes for line in lines)

    def _paragraph(self, lines: list[str], before: int | None, holder: str) -> None:
        """Unclaimed lines of a paragraph outside the tables (or of a text box in one), placed by the tables
        before it: "in a paragraph below table 2", "in a text box after the form"."""
        items = self.layout.item_rows
        tables_with_items = sorted({t for t, _ in items})
        if before is None:
            self._add(lines, "paragraph", f"in a {holder} outside the tables", None, None, None, None, None)
        elif before == 0:
            self._add(lines, "before-form", f"in a {holder} before the first table", None, None, None, None, None)
        elif tables_with_items and before > tables_with_items[-1]:
            last = self._last_item(tables_with_items[-1])
            self._add(lines, "after-form", f"in a {holder} after the form (below table {before})", last, None,
                      None, None, None)
        else:
            near = self._last_item(before - 1) or self._item_above_table(before - 1)
            self._add(lines, "below-table", f"in a {holder} below table {before}", near, None, before - 1, None,
                      None)

    def _last_item(self, table: int) -> str | None:
        rows = [(r, item) for (t, r), item in self.layout.item_rows.items() if t == table]
        return max(rows)[1] if rows else None

    def _item_above_table(self, table: int) -> str | None:
        rows = [((t, r), item) for (t, r), item in self.layout.item_rows.items() if t <= table]
        return max(rows)[1] if rows else None

    # -- recording --------------------------------------------------------------------------------
    def _add(self, lines: list[str], where: str, description: str, item: str | None, fld: str | None,
             table: int | None, row: int | None, col: int | None) -> None:
        text = "\n".join(lines)
        at = {"table": None if table is None else table + 1, "row": None if row is None else row + 1,
              "cell": None if col is None else col + 1}
        covering = self._covering(at)
        if covering in ("text-match-weak", "text-match-ambiguous"):  # answers of a question matched to no prompt
            where, description = "unmatched", f"{description} (its question matches no prompt surely: {covering})"
        piece = UnclaimedText(text=text, where=where, description=description, item=item, field=fld, **at)
        self.found.append(piece)
        if covering:
            return  # that problem already says the text was not read
        near = f"; the nearest {self.framework.item_name} is {item}" if item else ""
        unsure = not self.mapping.cells and not self.mapping.printed and where in UNSURE
        note = f" (it may be this layout's own print: {self.mapping.id} does not list it)" if unsure else ""
        self.report("text-unclaimed", f"text no answer holds, {description}: {_quote(text)}{near}{note}",
                    item=item, field=fld, table=piece.table, row=piece.row, cell=piece.cell,
                    severity="info" if unsure else "warning", extra={"where": where, "text": text[:200]})

    def _covering(self, at: dict[str, int | None]) -> str | None:
        """The code of a problem that already reports this row's (or cell's) text as not read, if any."""
        if at["row"] is None:
            return None
        for p in self.response.problems:
            if p.table == at["table"] and p.row == at["row"] and (
                    p.code in COVERED or (p.code in COVERED_CELL and p.cell == at["cell"])):
                return p.code
        return None


_FLAG, _CONTENT, _CONTENT_END, _PROPERTIES = b"<w:showingPlcHdr/>", b"<w:sdtContent>", b"</w:sdtContent>", b"<w:sdtPr>"
_T = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_VALUE = {b"tag": re.compile(rb'<w:tag w:val="([^"]*)"'), b"alias": re.compile(rb'<w:alias w:val="([^"]*)"')}
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def _prompt_controls(xml: bytes) -> list[tuple[str, str, list[str]]]:
    """(tag, alias, lines) of every content control marked as showing its placeholder.

    Found in the part's bytes (a scan in C for the flag, then only each flagged control's few bytes), not
    by walking the tree: a return has hundreds of controls and this runs for every one read. A document
    written with another prefix than ``w:`` is not scanned (nothing is found, nothing is changed).
    """
    out = []
    at = xml.find(_FLAG)
    while at >= 0:
        start, end = xml.find(_CONTENT, at), -1
        if start >= 0:
            end = xml.find(_CONTENT_END, start)
        if end < 0:
            break
        properties = xml[max(xml.rfind(_PROPERTIES, 0, at), 0):at]
        lines = [_unescape(b"".join(_T.findall(p)).decode("utf-8", "replace")).strip()
                 for p in xml[start:end].split(b"</w:p>")]
        out.append((_value(properties, b"tag"), _value(properties, b"alias"), [ln for ln in lines if ln]))
        at = xml.find(_FLAG, end)
    return out


def _value(properties: bytes, name: bytes) -> str:
    found = _VALUE[name].search(properties)
    return _unescape(found.group(1).decode("utf-8", "replace")) if found else ""


def _unescape(text: str) -> str:
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    return text


def _tick_like(text: str) -> bool:
    lowered = " ".join(text.lower().split())
    return lowered in TICK_TEXT or lowered in EMPTY_TEXT or len(lowered) <= 1


def _split_of(table: Table, cell: Cell, columns: dict[int, ColumnAnchor]) -> str | None:
    """The text answer whose header cell spans over this cell's column (the cell was split), if any."""
    left = [c for c, a in columns.items() if c < cell.col and a.level is None]
    if not left:
        return None
    start = max(left)
    for row in table.rows[:3]:
        header = row.at(start)
        if header is not None and header.col == start and header.col + header.span > cell.col and header.text:
            return columns[start].field
    return None


def _paragraph_places(body: etree._Element | None) -> list[tuple[str, int]]:
    """Each non-empty body paragraph's loose text with the number of tables before it, in document order."""
    out: list[tuple[str, int]] = []
    if body is None:
        return out
    tables = 0

    def walk(parent: etree._Element) -> None:
        nonlocal tables
        for child in parent:
            if child.tag == _W_TBL:
                tables += 1
            elif child.tag == _W_P:
                text = norm("".join(t.text or "" for t in child.iter(_W_T, _M_T)))  # an equation's too
                if text:
                    out.append((text, tables))
            elif child.tag in _BLOCKS:
                walk(child)

    walk(body)
    return out


def _tables_before(places: list[tuple[str, int]], normed: str) -> int | None:
    """How many tables come before the paragraph (the first one reading the same); None if not found."""
    for i, (text, tables) in enumerate(places):
        if text == normed or (normed and normed in text):
            places.pop(i)
            return tables
    return None


def without_placeholders(text: str, placeholders: set[str]) -> str:
    """A cell's text without a placeholder left beside typed text ("Comments" above or below an answer).

    Only the first and last lines can be such a leftover (the control's prompt sits above or below what
    was typed); a line between typed lines that reads like a prompt ("Date" heading a pasted table) is
    the respondent's.
    """
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or lines[start].strip() in placeholders):
        start += 1
    while end > start and (not lines[end - 1].strip() or lines[end - 1].strip() in placeholders):
        end -= 1
    return "\n".join(lines[start:end]).strip() if (start, end) != (0, len(lines)) else text


def _quote(text: str) -> str:
    first = " ".join(text.split())
    return f"\"{first[:60]}{'...' if len(first) > 60 else ''}\""


def report_unclaimed(pieces: list[UnclaimedText], item_name: str, report: Reporter, *, unsure: str = "") -> None:
    """Text found outside the body (headers, footers, notes, comments: parse/parts.py), each reported here.

    ``unsure`` (a layout docxform did not make, whose own print its mapping may not list) makes a header's,
    footer's or note's text a notice (info) saying so; a comment is never a layout's print.
    """
    for piece in pieces:
        near = f"; the nearest {item_name} is {piece.item}" if piece.item else ""
        note = f" (it may be this layout's own print: {unsure} does not list it)" \
            if unsure and piece.where != "comment" else ""
        report("text-unclaimed", f"text no answer holds, {piece.description}: {_quote(piece.text)}{near}{note}",
               item=piece.item, field=piece.field, table=piece.table, row=piece.row, cell=piece.cell,
               severity="info" if note else "warning", extra={"where": piece.where, "text": piece.text[:200]})


def account(doc: Document, response: Response, framework: Framework, mapping: Mapping, report: Reporter, *,
            columns: dict[int, dict[int, ColumnAnchor]], item_rows: dict[tuple[int, int], str],
            body: etree._Element | None = None, xml: bytes | None = None) -> list[UnclaimedText]:
    """Check every line of the return; the unclaimed ones, each reported (see the module's docstring).

    ``xml`` (word/document.xml's bytes) lets text typed inside a control still marked as showing its
    prompt be found: the readers read such a control as empty, as Word displays it.
    """
    layout = _Layout(columns, item_rows, mapping.anchors == "text")
    accountant = Accountant(doc, response, framework, mapping, layout, report, body, xml)
    accountant.prompt_controls()
    accountant.tables()
    accountant.paragraphs()
    return accountant.found


def item_rows_of(response: Response, rows: dict[str, list[tuple[int, int]]] | None = None) -> dict[tuple[int, int], str]:
    """(table, row), counted from 0, -> item: the rows the anchors found, and every cell an answer was read from."""
    out: dict[tuple[int, int], str] = {}
    for item, refs in (rows or {}).items():
        for table, row in refs:
            out.setdefault((table, row), item)
    for item, answer in response.items.items():
        places = list(answer.cells.values())
        for entry in answer.prompts.values():
            places += [c for c in (entry.get("cells") or {}).values() if isinstance(c, dict)]
        for where in places:
            if "table" in where and "row" in where:
                out.setdefault((where["table"] - 1, where["row"] - 1), item)
    return out


__all__ = ["COVERED", "account", "form_text", "item_rows_of", "report_unclaimed", "without_placeholders"]
