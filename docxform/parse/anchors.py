"""Find answers by what the page says: header labels over columns, item ids at row starts.

This is the strategy that survives anything a word processor or a person
does to the table structure: added or deleted rows, a table split in two
(the second part inherits the first part's header), merged title rows,
retyped headers (labels are compared loosely).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from docxform.framework.mapping import ColumnAnchor, Mapping
from docxform.oxml.reader import Document, Row, Table

_NON_WORD = re.compile(r"[^a-z0-9]+")
_STRAY_ID = re.compile(r"^(\d+(?:\.\d+)*[a-z]?)\b")
# "Comments (cont.): the rest of the answer": a column's label, a colon, then text.
_CONTINUED = re.compile(r"\s*([^:\n]{1,60}):\s*(\S.*)", re.DOTALL)


def norm(text: str) -> str:
    """Loose form of a label: case, accents, punctuation and spacing ignored.

    Short texts are memoised (labels, headings and a form's own lines recur in every return of a
    batch); long ones are answers, which do not recur: kept, they only filled the memory (8 MB a
    few hundred returns in) and slowed every other lookup.
    """
    return _norm_short(text) if len(text) <= NORM_MEMO_TEXT else _norm(text)


#: The longest text :func:`norm` remembers (a label or a line of a form's prompt is shorter).
NORM_MEMO_TEXT = 160


def _norm(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


_norm_short = lru_cache(maxsize=1 << 15)(_norm)


def label_matches(cell_text: str, label: str) -> bool:
    return _normed_match(norm(cell_text), norm(label))


def _normed_match(a: str, b: str) -> bool:
    """Two labels in loose form match: equal, or one starts the other (a retyped or shortened header)."""
    return bool(a) and bool(b) and (a == b or a.startswith(b + " ") or (b.startswith(a + " ") and len(a) > 3))


class RowRef(NamedTuple):
    """A row of the document: table and row, counted from 0."""

    table: int
    row: int


@dataclass
class AnchorIndex:
    """For each table: which grid column holds what; for each item id: its rows."""

    columns: dict[int, dict[int, ColumnAnchor]] = field(default_factory=dict)
    rows: dict[str, list[RowRef]] = field(default_factory=dict)
    unanchored: list[tuple[RowRef, str]] = field(default_factory=list)  # answer rows with no id: (row, previous id)
    unknown_ids: list[tuple[RowRef, str]] = field(default_factory=list)
    continued: set[RowRef] = field(default_factory=set)  # rows under a vertically merged id cell
    by_answer: dict[int, dict[tuple[str, str | None], list[int]]] = field(default_factory=dict)
    inferred: dict[int, set[int]] = field(default_factory=dict)  # columns placed by their neighbours, not named
    # Rows continuing an item's answer ("Comments (cont.): ..."): item -> (row, field, text).
    continued_texts: dict[str, list[tuple[RowRef, str, str]]] = field(default_factory=dict)

    def answer_cells(self, item: str, field: str, level: str | None) -> list[tuple[RowRef, int]]:
        """Row and grid column of every cell the anchors say holds this answer of the item."""
        return [(ref, col) for ref in self.rows.get(item, ())
                for col in self.by_answer.get(ref.table, {}).get((field, level), ())]

    def separate_rows(self, item: str) -> int:
        """How many rows name the item themselves (a row continuing a merged id cell is the same row)."""
        return sum(1 for ref in self.rows.get(item, []) if ref not in self.continued)


def header_map(row: Row, anchors: tuple[ColumnAnchor, ...]) -> dict[int, ColumnAnchor]:
    """Grid column -> anchor for a row that reads like the mapping's header."""
    return _HeaderMatcher.of(anchors).header_map(row)


def normed_labels(anchors: tuple[ColumnAnchor, ...]) -> tuple[tuple[ColumnAnchor, str], ...]:
    """Each anchor with its header in loose form (worked out once, not for every row compared)."""
    return tuple((anchor, norm(anchor.header)) for anchor in anchors)


def row_item_id(row: Row, ids: Set[str]) -> str | None:
    """The item id a row starts with: alone in a cell, or as the first word of the text."""
    for cell in row.cells[:2]:
        text = cell.text.strip()
        if not text:
            continue
        # The first line is not blank (the text is stripped); its first word, split as str.split does.
        first = text.split("\n", 1)[0].split(None, 1)[0].rstrip(".):").lstrip("(")
        if first in ids:
            return first
        for line in islice((ln for ln in map(str.strip, text.split("\n")) if ln), 4):
            token = line.rstrip(".):").lstrip("(").strip()
            if token in ids:
                return token
        if len(text) > 12:
            return None
    return None


def _looks_like_id(row: Row) -> str | None:
    first = row.cells[0].text.strip().split("\n")[0] if row.cells else ""
    match = _STRAY_ID.match(first)
    return match.group(1) if match else None


class _HeaderMatcher:
    """Which of the mapping's column labels a cell's text matches.

    One per mapping, memoised: the same header row repeats over every table
    of a form and over every return of a batch. Only short texts are kept
    (headers are short), and only so many, so answers do not pile up.
    """

    MEMO_TEXT, MEMO_SIZE = 120, 20_000

    def __init__(self, anchors: tuple[ColumnAnchor, ...]) -> None:
        self.labels = normed_labels(anchors)
        self.memo: dict[str, tuple[int, ...]] = {}

    @staticmethod
    @lru_cache(maxsize=64)
    def of(anchors: tuple[ColumnAnchor, ...]) -> _HeaderMatcher:
        return _HeaderMatcher(anchors)

    def matching(self, text: str) -> tuple[int, ...]:
        """Indexes of the labels the text matches, in the mapping's order."""
        found = self.memo.get(text)
        if found is None:
            normed = norm(text)
            found = tuple(i for i, (_, label) in enumerate(self.labels) if _normed_match(normed, label))
            if len(text) <= self.MEMO_TEXT and len(self.memo) < self.MEMO_SIZE:
                self.memo[text] = found
        return found

    def header_map(self, row: Row) -> dict[int, ColumnAnchor]:
        """Grid column -> anchor: exact labels first, then loose ones that only one cell claims.

        A column a respondent inserted ("Comments on rating") loosely matches a
        label ("Comments") that another cell holds exactly; taking the first loose
        match in the row would read the inserted column's text as the comments.
        A label claimed loosely by two cells and exactly by none is left unplaced,
        so its answers are flagged rather than read from either column.
        """
        found: dict[int, ColumnAnchor] = {}
        used: set[ColumnAnchor] = set()
        loose: dict[ColumnAnchor, list[int]] = {}
        for cell in row.cells:
            normed = norm(cell.text) if cell.text else ""
            for i in self.matching(cell.text) if cell.text else ():
                anchor, label = self.labels[i]
                if normed == label and anchor not in used and cell.col not in found:
                    found[cell.col] = anchor
                    used.add(anchor)
                elif normed != label:
                    loose.setdefault(anchor, []).append(cell.col)
        for anchor, cols in loose.items():
            free = [col for col in dict.fromkeys(cols) if col not in found]
            if anchor not in used and len(free) == 1:
                found[free[0]] = anchor
                used.add(anchor)
        return found

    def reads_like_header(self, row: Row, allowed: set[int]) -> bool:
        """Whether any cell matches one of the ``allowed`` labels (a repeated header row)."""
        return any(i in allowed for cell in row.cells if cell.text for i in self.matching(cell.text))


def build_index(doc: Document, mapping: Mapping, ids: Set[str]) -> AnchorIndex:
    index = AnchorIndex()
    inherited: tuple[dict[int, ColumnAnchor], set[int]] = ({}, set())
    headers = _HeaderMatcher.of(mapping.columns)
    for table in doc.tables:
        columns, inferred = _table_columns(table, headers, inherited, ids, mapping.expected_columns)
        if columns:
            index.columns[table.index] = columns
            index.by_answer[table.index] = _by_answer(columns)
            index.inferred[table.index] = inferred
            inherited = (columns, inferred)
        _index_rows(table, ids, columns, headers, index)
    return index


def header_rows_map(rows: list[Row], headers: _HeaderMatcher | tuple[ColumnAnchor, ...], ids: Set[str]
                    ) -> tuple[dict[int, ColumnAnchor], Row | None]:
    """Grid column -> anchor over a table's header rows (the first three, up to the first item row).

    The row naming the most columns first; then what the other header rows
    name, in columns and answers not placed yet: a header over two rows
    ("RATING" merged over the four levels, the levels in the row below; the
    text columns' labels in the row above) names every column only together.
    The second value is the row naming the most (None: no row names any).
    """
    matcher = headers if isinstance(headers, _HeaderMatcher) else _HeaderMatcher.of(headers)
    maps: list[tuple[dict[int, ColumnAnchor], Row]] = []
    for row in rows[:3]:
        if row_item_id(row, ids):
            break
        maps.append((matcher.header_map(row), row))
    named = [m for m in maps if m[0]]
    if not named:
        return {}, None
    best, best_row = max(named, key=lambda m: len(m[0]))  # the first of the longest, as a single row was chosen
    out = dict(best)
    for found, row in named:
        if row is best_row:
            continue
        for col, anchor in found.items():
            if col not in out and anchor not in out.values():
                out[col] = anchor
    return out, best_row


def _by_answer(columns: dict[int, ColumnAnchor]) -> dict[tuple[str, str | None], list[int]]:
    out: dict[tuple[str, str | None], list[int]] = {}
    for col, anchor in columns.items():
        out.setdefault((anchor.field, anchor.level), []).append(col)
    return out


def _table_columns(table: Table, headers: _HeaderMatcher, inherited: tuple[dict[int, ColumnAnchor], set[int]],
                   ids: Set[str], expected: dict[tuple[str, str | None], int]
                   ) -> tuple[dict[int, ColumnAnchor], set[int]]:
    """The header among the first rows that names the most columns, else the previous table's.

    A row that starts with an item id is never a header, even when its answers
    read like labels (a placeholder "Comments" left in a cell, say). Columns
    the header does not name are placed by their neighbours where they agree
    (:func:`_infer_columns`); the second value says which those are.
    """
    best, best_row = header_rows_map(table.rows, headers, ids)
    if best_row is not None and len(best) >= min(2, len(headers.labels)):
        if len(best) == len(headers.labels):
            return best, set()
        # Where answers usually sit: the mapping's cells, else the header of the table before (forms
        # with one table per item repeat one header: anchor-only mappings have no cells).
        before = {(a.field, a.level): col for col, a in inherited[0].items()}
        inferred = _infer_columns(best, best_row, headers.labels, {**before, **expected})
        return {**best, **inferred}, set(inferred)
    return inherited  # a table split across pages: its header did not repeat


def _infer_columns(found: dict[int, ColumnAnchor], row: Row, labels: tuple[tuple[ColumnAnchor, str], ...],
                   expected: dict[tuple[str, str | None], int]) -> dict[int, ColumnAnchor]:
    """Columns a header leaves unnamed (a stray text in its cell), placed by the named columns around them.

    ``expected`` says in which grid column each answer usually sits. A column
    the header does not name is taken to be where its nearest named
    neighbours on both sides (or on its one side, at the table's edge) put
    it, when they are shifted alike from where the mapping has them, and a
    header cell of its own starts there that names nothing else. A column
    deleted (its neighbours then disagree) or merged away is not inferred:
    its answers are reported missing instead.
    """
    shifts = sorted((expected[(a.field, a.level)], col - expected[(a.field, a.level)])
                    for col, a in found.items() if (a.field, a.level) in expected)
    named = set(found.values())
    taken = set(found)
    out: dict[int, ColumnAnchor] = {}
    for anchor, _ in labels:
        home = expected.get((anchor.field, anchor.level))
        if anchor in named or home is None:
            continue
        left = [d for x, d in shifts if x < home][-1:]
        right = [d for x, d in shifts if x > home][:1]
        agreed = set(left + right)
        if len(agreed) != 1:
            continue
        col = home + agreed.pop()
        cell = row.at(col)
        if cell is not None and cell.col == col and cell.span == 1 and col not in taken:
            out[col] = anchor
            taken.add(col)
    return out


def _index_rows(table: Table, ids: Set[str], columns: dict[int, ColumnAnchor], headers: _HeaderMatcher,
                index: AnchorIndex) -> None:
    previous: str | None = None
    anchors = set(columns.values())
    in_table = {i for i, (anchor, _) in enumerate(headers.labels) if anchor in anchors}
    for r, row in enumerate(table.rows):
        if all(not c.text.strip() and not c.controls and not c.marks for c in row.cells):
            continue
        item = row_item_id(row, ids)
        ref = RowRef(table.index, r)
        if item:
            index.rows.setdefault(item, []).append(ref)
            previous = item
        elif columns:
            _row_without_id(_RowContext(row, ref, previous, columns, headers, in_table), ids, index)


class _RowContext(NamedTuple):
    """A row with no id, and what it is read against: the item above, the table's columns and labels."""

    row: Row
    ref: RowRef
    previous: str | None
    columns: dict[int, ColumnAnchor]
    headers: _HeaderMatcher
    in_table: set[int]


def _row_without_id(at: _RowContext, ids: Set[str], index: AnchorIndex) -> None:
    """What a row that names no item is: more of the item above, a header, a stray id, or unread answers."""
    row, ref, previous = at.row, at.ref, at.previous
    if previous and row.cells and row.cells[0].merged_continue:
        index.rows[previous].append(ref)  # the id cell is merged down: still the same item
        index.continued.add(ref)
        return
    continued = _continuation(row, at.columns, at.headers, at.in_table) if previous else []
    if previous and continued:
        index.continued_texts.setdefault(previous, []).extend((ref, f, text) for f, text in continued)
        return
    if at.headers.reads_like_header(row, at.in_table):
        return
    stray = _looks_like_id(row)
    if stray and stray not in ids and len(row.cells) > 2:
        index.unknown_ids.append((ref, stray))
        return
    has_answer = any(
        (c.text.strip() or c.marks or any(k.checked for k in c.controls))
        for c in row.cells if c.col in at.columns)
    if has_answer and previous and len(row.cells) > 1:
        index.unanchored.append((ref, previous))


def _continuation(row: Row, columns: dict[int, ColumnAnchor], headers: _HeaderMatcher,
                  in_table: set[int]) -> list[tuple[str, str]]:
    """(field, text) of each answer in a row that continues the item above, or [] if it does not read so.

    Such a row has no id and at least one cell whose text starts with a
    column's label and a colon ("Comments (cont.): ..."), which is not how a
    repeated header reads. That text (after the colon) goes to the label's
    field, wherever the cell is; other texts in answer columns go to their
    column's field.
    """
    labelled: list[tuple[str, str]] = []
    plain: list[tuple[str, str]] = []
    for cell in row.cells:
        text = cell.text.strip()
        if not text:
            continue
        match = _CONTINUED.match(text)
        named = [i for i in headers.matching(match.group(1)) if i in in_table] if match else []
        if match and named:
            labelled.append((headers.labels[named[0]][0].field, match.group(2).strip()))
        elif cell.col in columns:
            plain.append((columns[cell.col].field, text))
    return labelled + plain if labelled else []
