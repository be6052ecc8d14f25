"""Conservation of text outside the body: page headers and footers, footnotes, endnotes, comments.

:mod:`docxform.parse.conserve` accounts for every line of the document's body
(text boxes in the body included: the reader reads them as lines of their
paragraph or cell). People also write elsewhere: a note in the page header, a
footnote to an answer, a Word comment ("see comment"), a text box in the header.
Each such piece of text is the blank form's own (a generated form's footer,
page numbers, a layout's printed header as its mapping lists it) or it is
reported as unclaimed text, with where it is: "in the page header", "in
footnote 2, whose mark is in the evidence cell of 1.3", "in a comment by Jane
Smith on the comments cell of 4.2". A comment or note is placed where its
anchor lies in the body, so it names the item (and the answer) it is about.

The usual return costs nothing measurable here: it has no comments and no
notes (a notes part with only Word's separators holds no text and is never
parsed), and its footer is the generated form's own, whose bytes are
remembered once found to be all form text, so the next return's identical
footer is one dictionary lookup. docxform's own comments (feedback copies)
are its text, not the respondent's: known by their text, which the copy's
custom properties list by fingerprint, and not only by the author's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingType
from functools import lru_cache

from docxform.core.errors import DocxformError, UnsafeInputError
from docxform.framework.mapping import ColumnAnchor, Mapping
from docxform.framework.model import Framework
from docxform.oxml.model import Cell, Row
from docxform.oxml.textparts import (
    CONSOLIDATED_FOOTER,
    FOOTER_WORDS,
    Piece,
    Place,
    TextPart,
    anchor_places,
    comment_fingerprint,
    form_footer,
    own_comment_fingerprints,
    read_pieces,
)
from docxform.parse.anchors import norm, row_item_id
from docxform.parse.conserve import _LEAD, Reporter, _form_residue, form_text, report_unclaimed
from docxform.parse.source import Source
from docxform.records.response import UnclaimedText

#: The author docxform's own comments carry (docxform/oxml/comments.py: feedback copies).
OWN_AUTHOR = "docxform"
#: A page number as a word processor prints it with its field results kept as text ("3", "Page 3 of 7", "3/7").
_PAGE_NUMBER = re.compile(r"(?:page )?\d+(?: (?:of|/) \d+)?")
#: Parts found to hold only the form's own text, by form and bytes (a batch's returns repeat them).
_OWN: dict[tuple[tuple[str, ...], str, bytes], bool] = {}
#: Only parts up to this size are remembered (a form's footer is a few KB; a huge one is not kept in memory).
MEMO_PART_BYTES = 64 * 1024
#: Lines of one part checked against the form's text; any beyond are reported unclaimed unchecked (no real
#: header or note has so many, and each check costs a pass over the form's texts).
MAX_PART_LINES = 2_000
_KNOWN: dict[tuple[str, ...], frozenset[str]] = {}
MEMO_SIZE = 256
_NAMES = {"header": "the page header", "footer": "the page footer"}
_PART_NAMES = {**_NAMES, "footnote": "the footnotes", "endnote": "the endnotes", "comment": "the comments"}

Columns = MappingType[int, MappingType[int, ColumnAnchor]]
ItemRows = MappingType[tuple[int, int], str]


def account_parts(source: Source, framework: Framework, mapping: Mapping, report: Reporter, *, columns: Columns,
                  item_rows: ItemRows) -> list[UnclaimedText]:
    """Every piece of text in the headers, footers, notes and comments: the form's own, or reported.

    ``columns`` and ``item_rows`` are what the parse found of the body's tables (as for conserve.py's
    ``account``): they say which item and answer a comment's or note's anchor lies in.
    """
    # No answer is checked: no reader reads these parts, so their text is never an answer's.
    if not source.parts:
        return []
    key = _form_key(framework, mapping)
    known = known_text(framework, mapping, key)
    found: list[UnclaimedText] = []
    feedback = 0
    listed = own_comment_fingerprints(source.properties)
    for part in source.parts:
        if _OWN.get((key, part.kind, part.data)):
            continue
        try:
            pieces, own = _unclaimed_pieces(part, source.path, known, listed)
        except UnsafeInputError:
            raise  # hostile (nested past any real document): the whole return is refused, as for the body
        except DocxformError as exc:  # damaged: the answers are in the body, so the return is still read
            report("part-unreadable", f"{_PART_NAMES.get(part.kind, part.kind)} ({part.name}) is damaged and could "
                   f"not be read ({exc.cause}); any text in it is not in this parse")
            continue
        feedback += own
        if pieces:
            found.extend(_placed(pieces, source, columns, item_rows, framework.item_name,
                                 ids=frozenset(framework.item_id_set), listing=bool(listed)))
        elif part.kind != "comment" and len(_OWN) < MEMO_SIZE and len(part.data) <= MEMO_PART_BYTES and part.has_text:
            # A textless part is as quickly seen again: not kept. Comments are never the form's own: whether a
            # comment is docxform's depends on the return's properties too, not on the part's bytes alone.
            _OWN[(key, part.kind, part.data)] = True
    # A header or footer typed once shows on every page, yet may be stored twice (the first page's and the
    # others'): the same text in the same kind of part is one piece of unclaimed text.
    found = _once(found) if len(found) > 1 else found
    if feedback:  # taken on the author's word: said, so a person can look if it matters
        report("feedback-comments", f"{feedback} comment(s) by {OWN_AUTHOR} (a feedback copy sent back) were taken as "
               "docxform's own by their author, the copy listing no fingerprints of its comments (written before "
               "docxform listed them, or lost in a conversion), and not checked as the respondent's text; a reply "
               "by anyone else is checked", severity="info")
    if found:
        report_unclaimed(found, framework.item_name, report, unsure="" if mapping.cells or mapping.printed else mapping.id)
    return found


def _once(found: list[UnclaimedText]) -> list[UnclaimedText]:
    """Headers' and footers' pieces without repeats (each note and comment is its own, repeated or not)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for piece in found:
        key = (piece.where, piece.text, piece.description)
        if piece.where not in _NAMES or key not in seen:
            seen.add(key)
            out.append(piece)
    return out


def _form_key(framework: Framework, mapping: Mapping) -> tuple[str, ...]:
    return (framework.id, framework.version, str(len(framework.items)), mapping.id, str(mapping.path or ""))


def known_text(framework: Framework, mapping: Mapping, key: tuple[str, ...] | None = None) -> frozenset[str]:
    """The form's own text (conserve.py's) and what a generated form prints in its footer, in loose form."""
    key = key or _form_key(framework, mapping)
    if key not in _KNOWN:
        if len(_KNOWN) > 32:
            _KNOWN.clear()
        footer = form_footer(framework.title, framework.id, framework.version, mapping.layout)
        _KNOWN[key] = form_text(framework, mapping) | {norm(text) for text in (footer, *FOOTER_WORDS)}
    return _KNOWN[key]


def _unclaimed_pieces(part: TextPart, path: str, known: frozenset[str], listed: frozenset[str]
                      ) -> tuple[list[tuple[Piece, tuple[str, ...]]], int]:
    """Each piece of the part with its lines that are not the form's own (pieces with none left out), and how
    many comments were left out as docxform's own on their author's word alone (said in a notice, see
    account_parts).

    A comment is docxform's own when its text is one the copy's custom property lists (``listed``:
    fingerprints of the comments docxform wrote into it, under whatever author name the coordinator chose). A
    comment whose text is not listed there was edited, or typed, by the respondent, whatever name it bears.
    Only a copy that lists none (older, or its properties lost in a conversion) is taken on the author's
    word (``OWN_AUTHOR``).
    """
    out = []
    own = 0
    for piece in read_pieces(part, path):
        if piece.kind == "comment":
            if listed and comment_fingerprint(piece.lines) in listed:
                continue  # docxform's, under whatever author the coordinator wrote it
            if piece.author == OWN_AUTHOR and not listed:
                own += 1
                continue
            lines = piece.lines  # a blank form has no comments: all of a comment's text is the respondent's
        else:
            page = piece.kind in _NAMES  # a bare number is a page number only in a header or footer
            checked, rest = piece.lines[:MAX_PART_LINES], piece.lines[MAX_PART_LINES:]
            lines = tuple(line for line in checked if not form_line(known, line, page=page)
                          and not (piece.kind == "footer" and line.startswith(CONSOLIDATED_FOOTER))) + rest
        if lines:
            out.append((piece, lines))
    return out, own


def form_line(known: frozenset[str], line: str, *, page: bool = True) -> bool:
    """The line is the form's own text: whole, without its bullet or number, or made only of the form's texts.

    ``page``: a header's or footer's line, where a bare number ("3", "Page 3 of 7") is a page number; in a
    note it is what the respondent wrote ("2005").
    """
    normed = norm(line)
    if not normed or normed in known or (page and _PAGE_NUMBER.fullmatch(normed)):
        return True
    bare = norm(_LEAD.sub("", line, count=1))
    if not bare or bare in known:
        return True
    return not _form_residue(known, normed) or (len(normed) <= _GLUED_LENGTH and _glued(known, normed))


#: The longest line tried as the form's texts run together (a footer's line; an answer-length line is not one).
_GLUED_LENGTH = 300


def _glued(known: frozenset[str], normed: str) -> bool:
    """The line is the form's texts run together: a conversion that lost a tab between them ("annexbPage").

    Compared without spaces, the form's texts (of four letters or more, longest first) taken out one by
    one, nothing may be left. Only tried for a line outside the body that nothing else accounts for.
    """
    rest = normed.replace(" ", "")
    for text in _squeezed(known):
        if text in rest:
            rest = rest.replace(text, "")
            if not rest:
                return True
    return False


@lru_cache(maxsize=8)
def _squeezed(known: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({k.replace(" ", "") for k in known if len(k.replace(" ", "")) >= 4}, key=len, reverse=True))


def _placed(pieces: list[tuple[Piece, tuple[str, ...]]], source: Source, columns: Columns, item_rows: ItemRows,
            item_name: str, *, ids: frozenset[str] = frozenset(), listing: bool = False) -> list[UnclaimedText]:
    """Each piece as unclaimed text, with where it is; a note or comment where its anchor lies in the body.

    ``listing``: the return lists docxform's own comments, so one under docxform's name that is not listed
    is said to be so (edited by the respondent, or left from a copy made before docxform listed them)."""
    places: dict[str, dict[str, Place]] = {}
    out = []
    for piece, lines in pieces:
        text = "\n".join(lines)
        box = "in a text box in " if piece.in_box else "in "
        if piece.kind in _NAMES:
            out.append(UnclaimedText(text, piece.kind, box + _NAMES[piece.kind]))
            continue
        if piece.kind not in places:
            places[piece.kind] = anchor_places(source.body, piece.kind)
        place = places[piece.kind].get(piece.ident)
        on, item, fld, at = _where(place, columns, item_rows, item_name, ids)
        if piece.kind == "comment":
            by = f" by {piece.author}" if piece.author else ""
            if listing and piece.author == OWN_AUTHOR:
                by += " not among the comments docxform wrote into this copy (edited, or from an older copy)"
            description = f"in a comment{by} on {on}" if place else f"in a comment{by}, anchored nowhere in the text"
        else:
            description = (f"in {piece.kind} {piece.number}, whose mark is in {on}" if place
                           else f"in {piece.kind} {piece.number}, whose mark is not in the text")
        out.append(UnclaimedText(text, piece.kind, description, item, fld, *at))
    return out


def _where(place: Place | None, columns: Columns, item_rows: ItemRows, item_name: str,
           ids: frozenset[str] = frozenset()) -> tuple[str, str | None, str | None, tuple[int | None, int | None, int | None]]:
    """What an anchor is on, in words; its item and answer; its table, row and cell (from 1)."""
    if place is None:
        return "", None, None, (None, None, None)
    if place.rows_above is not None and place.table is not None:
        return (*_deleted_row(place, item_rows, ids), (place.table + 1, None, None))
    if place.table is None or place.row is None or place.col is None:
        return (*_between_tables(place.tables_before, item_rows), (None, None, None))
    table, row, col = place.table, place.row, place.col
    at = (table + 1, row + 1, col + 1)
    item = item_rows.get((table, row))
    answers = columns.get(table, {})
    anchor = answers.get(col)
    if item is not None and anchor is not None:
        return f"the {anchor.field} cell of {item}", item, anchor.field, at
    if item is not None:
        own = bool(answers) and col < min(answers)
        return (f"the {item_name}'s own cell of {item}" if own else f"the row of {item}"), item, None, at
    above = [(r, i) for (t, r), i in item_rows.items() if t == table and r < row]
    if above:
        near = max(above)[1]
        return f"a row of table {table + 1} below {near}", near, anchor.field if anchor else None, at
    return f"table {table + 1}", None, None, at


def _deleted_row(place: Place, item_rows: ItemRows, ids: frozenset[str]) -> tuple[str, str | None, str | None]:
    """A row deleted with tracked changes (the reader leaves it out): the item it names, else the item above it,
    else the item below it."""
    assert place.table is not None and place.rows_above is not None
    table, above = place.table, place.rows_above
    where = f"a row of table {table + 1} deleted with tracked changes"
    own = row_item_id(Row([Cell(n, 1, text) for n, text in enumerate(place.deleted_row_cells)]), ids)
    if own is not None:
        return f"{where}, the row of {own}", own, None
    before = [(r, i) for (t, r), i in item_rows.items() if t == table and r < above]
    if before:
        return f"{where}, below {max(before)[1]}", max(before)[1], None
    after = [(r, i) for (t, r), i in item_rows.items() if t == table and r >= above]
    return (f"{where}, above {min(after)[1]}", min(after)[1], None) if after else (where, None, None)


def _between_tables(before: int, item_rows: ItemRows) -> tuple[str, str | None, str | None]:
    """A paragraph's place among the tables, and the nearest item (as conserve.py places a paragraph)."""
    with_items = sorted({t for t, _ in item_rows})
    if before == 0:
        return "a paragraph before the first table", None, None
    if with_items and before > with_items[-1]:
        return f"a paragraph after the form (below table {before})", _last_item(item_rows, with_items[-1]), None
    near = _last_item(item_rows, before - 1)
    if near is None:
        rows = [(k, i) for k, i in item_rows.items() if k[0] <= before - 1]
        near = max(rows)[1] if rows else None
    return f"a paragraph below table {before}", near, None


def _last_item(item_rows: ItemRows, table: int) -> str | None:
    rows = [(r, i) for (t, r), i in item_rows.items() if t == table]
    return max(rows)[1] if rows else None


__all__ = ["OWN_AUTHOR", "account_parts", "form_line", "known_text"]
