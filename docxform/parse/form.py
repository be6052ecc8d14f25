"""Parse one returned form into a :class:`~docxform.records.response.Response`.

Each answer is located by the most trusted strategy that finds it:
content-control tag, then control alias (kept by LibreOffice, which drops
tags), then the mapping's position (checked against the row's item id),
then anchors (item id at the row start, header label over the column).
Each value records in ``provenance`` how it was found. Ratings are never
guessed: no tick, several ticks or an unclear mark give ``rating: null``
and a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem, problem
from docxform.framework.choice import framework_for, mismatch
from docxform.framework.mapping import Mapping, load_mapping
from docxform.framework.model import Framework
from docxform.oxml.reader import Cell, Control, Document
from docxform.parse import fields as form_fields
from docxform.parse.anchors import AnchorIndex, build_index, row_item_id
from docxform.parse.bound import report_bindings
from docxform.parse.columns import merged_fields, position_verdict, text_controls
from docxform.parse.conserve import account, item_rows_of, without_placeholders
from docxform.parse.embedded import report_embedded
from docxform.parse.parts import account_parts
from docxform.parse.recognise import choose_mapping
from docxform.parse.source import Source, load_source
from docxform.parse.textanchors import read_text_anchored, text_columns
from docxform.parse.ticks import read_tick
from docxform.records.response import ItemAnswer, Response


@dataclass(slots=True)
class _Located:
    cell: Cell
    table: int
    row: int
    how: str
    control: Control | None = None  # the control the answer was found by (its own text, in a merged cell)


class _Context:
    """Everything one parse needs, built once per document."""

    def __init__(self, source: Source, mapping: Mapping, framework: Framework) -> None:
        self.source, self.mapping, self.framework = source, mapping, framework
        self.doc: Document = source.document
        self.by_tag: dict[str, Control] = {}
        self.by_alias: dict[str, list[Control]] = {}
        for control in self.doc.controls:
            if control.tag:
                self.by_tag.setdefault(control.tag, control)
            if control.alias:
                self.by_alias.setdefault(control.alias, []).append(control)
        self.cells_by_key = mapping.cells_by_key
        self.ids = framework.item_id_set
        self.index: AnchorIndex = build_index(self.doc, mapping, self.ids)
        # The mapping's, and the framework's own prompts in empty answers (a generated form read through
        # another layout's mapping, its controls gone, still shows "Comments" where nothing was typed).
        self.placeholders = set(mapping.placeholders) | {f.placeholder for f in framework.fields if f.placeholder}
        self.printed_prompts = _printed_prompts(source, mapping, self.placeholders)
        self.problems: list[Problem] = []
        self.unconfirmed: dict[tuple[str, str], tuple[int, int]] = {}  # (item, field) read by an unchecked position
        answered = {a.field for a in mapping.columns}
        scale, rating = framework.rating_scale, framework.rating_field
        self.rating: tuple[str, tuple[str, ...]] | None = (
            (rating.key, scale.keys) if rating and scale and rating.key in answered else None)
        self.text_keys = [f.key for f in framework.text_fields if f.key in answered]
        # Item -> its one row, where the anchors found the item in one row only (None: in several).
        self.only_row: dict[str, tuple[int, int] | None] = {
            item: (refs[0] if len(set(refs)) == 1 else None) for item, refs in self.index.rows.items()}

    def cell(self, table: int, row: int, col: int) -> Cell | None:
        if not (0 <= table < len(self.doc.tables)):
            return None
        rows = self.doc.tables[table].rows
        return rows[row].at(col) if 0 <= row < len(rows) else None

    def row_id(self, table: int, row: int) -> str | None:
        """The item id the row at a mapping position starts with (None if there is no such row)."""
        if not (0 <= table < len(self.doc.tables)) or not (0 <= row < len(self.doc.tables[table].rows)):
            return None
        return row_item_id(self.doc.tables[table].rows[row], self.ids)

    def clean(self, text: str, lines: bool = True) -> str:
        """The answer's text; a placeholder left in the cell is no answer, beside typed text too (``lines``)."""
        stripped = text.strip()
        if stripped in self.placeholders:
            return ""
        return without_placeholders(stripped, self.placeholders) if lines and self.placeholders and "\n" in stripped \
            else stripped

    def report(self, code: str, message: str, **where: object) -> None:
        self.problems.append(problem(code, message, file=self.source.path, **where))


def parse_form(path: str | Path, *, mapping: str | Path | Mapping | None = None,
               framework: str | Framework | None = None, mapping_dir: str | Path | None = None) -> Response:
    """Read one return. Raises DocxformError only when the file cannot be read at all."""
    path = Path(path)
    source = load_source(path)
    chosen = mapping if isinstance(mapping, Mapping) else (load_mapping(mapping) if mapping else None)
    chosen = chosen or choose_mapping(source, mapping_dir)
    fw = framework_for([chosen.framework], path, given=framework, beside=chosen.path or None)
    if fw.id != chosen.framework:
        raise DocxformError(path, f"mapping {chosen.id} is for framework {chosen.framework}, not {fw.id}")
    ctx = _Context(source, chosen, fw)
    response = Response(
        framework_id=fw.id, framework_version=fw.version, source_path=str(path), source_sha256=source.sha256,
        layout=chosen.layout or None, mapping=chosen.id, form_id=source.properties.get("docxform.form_id") or None,
        respondent=source.properties.get("docxform.respondent") or None, has_rating=fw.rating_scale is not None,
        organisation=source.properties.get("docxform.organisation") or None,
        role=source.properties.get("docxform.role") or None, saved_at=source.saved_at,
        token=source.properties.get("docxform.token") or None,
    )
    _document_warnings(ctx)
    if chosen.anchors == "text":  # rows known by their wording, not by an id (parse/textanchors.py)
        response.items = read_text_anchored(ctx.doc, chosen, fw, ctx.clean, ctx.report)
    else:
        for item in fw.items:
            response.items[item.id] = _read_item(ctx, item.id)
        _extra_rows(ctx)
        _unconfirmed(ctx)
    response.fields = form_fields.read_fields(ctx.doc, chosen, ctx.by_tag, ctx.clean, ctx.report)
    response.problems = ctx.problems
    _account(ctx, response)
    return response


def _account(ctx: _Context, response: Response) -> None:
    """Every line of the return placed or reported (parse/conserve.py)."""
    if ctx.mapping.anchors == "text":
        columns, rows = text_columns(ctx.doc, ctx.mapping), None
    else:
        columns = ctx.index.columns
        rows = {item: [(r.table, r.row) for r in refs] for item, refs in ctx.index.rows.items()}
    item_rows = item_rows_of(response, rows)
    response.unclaimed = account(ctx.doc, response, ctx.framework, ctx.mapping, ctx.report, columns=columns,
                                 item_rows=item_rows, body=ctx.source.body, xml=ctx.source.xml)
    response.unclaimed += account_parts(ctx.source, ctx.framework, ctx.mapping, ctx.report, columns=columns,
                                        item_rows=item_rows)
    response.unclaimed += report_embedded(ctx.doc, ctx.mapping, ctx.framework.item_name, ctx.report, columns=columns,
                                          item_rows=item_rows)
    if ctx.source.bindings:
        placeholders = set(ctx.mapping.placeholders) | {f.placeholder for f in ctx.framework.fields if f.placeholder}
        report_bindings(ctx.source.bindings, ctx.mapping, placeholders, ctx.report)


def _unconfirmed(ctx: _Context) -> None:
    for (item, field), (table, row) in ctx.unconfirmed.items():
        ctx.report("value-unconfirmed", f"the {field} of {item} was read where the mapping puts it, but no column "
                   "header confirms that column", item=item, field=field, table=table + 1, row=row + 1)


def _document_warnings(ctx: _Context) -> None:
    props = ctx.source.properties
    if ctx.source.converted_from:
        ctx.report("controls-lost", f"converted from {ctx.source.converted_from} by LibreOffice; form controls may "
                   "have been lost, answers were located by position and anchors")
    elif props.get("docxform.mapping") and ctx.mapping.cells and not any(
            c.tag.startswith("dxf:") for c in ctx.doc.controls):
        ctx.report("tags-lost", "the content-control tags are gone (the form was re-saved by another program); "
                   "answers were located by alias, position and anchors")
    if ctx.doc.tracked_changes:
        ctx.report("tracked-changes", "the form has tracked changes; text was read as if all were accepted")
    version = props.get("docxform.framework_version")
    if version and props.get("docxform.framework") == ctx.framework.id:
        other = mismatch("the form was made", (ctx.framework.id, version), ctx.framework, file=ctx.source.path)
        if other is not None:
            ctx.problems.append(other)


def _locate(ctx: _Context, item: str, field: str, level: str | None) -> _Located | None:
    spec = ctx.cells_by_key.get((item, field, level))
    if spec is not None:
        control = ctx.by_tag.get(spec.tag)
        found = _at_control(ctx, control, "tag")
        if found:
            return found
        for control in ctx.by_alias.get(spec.alias, []):
            found = _at_control(ctx, control, "alias")
            if found:
                return found
        if ctx.row_id(spec.table, spec.row) == item:
            verdict = position_verdict(ctx.index, spec.table, spec.col, field, level)
            cell = ctx.cell(spec.table, spec.row, spec.col)
            if cell is not None and verdict != "contradicted":
                if verdict == "unconfirmed":
                    ctx.unconfirmed.setdefault((item, field), (spec.table, spec.row))
                return _Located(cell, spec.table, spec.row, "position")
    return None  # a position the header contradicts is left to the anchors: the column the header names


def _at_control(ctx: _Context, control: Control | None, how: str) -> _Located | None:
    if control is None or control.table is None or control.row is None or control.col is None:
        return None
    cell = ctx.cell(control.table, control.row, control.col)
    return _Located(cell, control.table, control.row, how, control) if cell is not None else None


def _anchored(ctx: _Context, item: str, field: str, level: str | None) -> list[_Located]:
    out = []
    for ref, col in ctx.index.answer_cells(item, field, level):
        cell = ctx.cell(ref.table, ref.row, col)
        if cell is not None:
            out.append(_Located(cell, ref.table, ref.row, "anchor"))
    return out


def _cells_for(ctx: _Context, item: str, field: str, level: str | None) -> list[_Located]:
    """The cell(s) holding one answer: the trusted strategy, plus rows added for the same item."""
    first = _locate(ctx, item, field, level)
    if first is not None and ctx.only_row.get(item, (first.table, first.row)) == (first.table, first.row):
        return [first]  # the usual case: the anchors know no other row for the item
    anchored = _anchored(ctx, item, field, level)
    if first is None:
        return anchored
    return [first] + [a for a in anchored if (a.table, a.row) != (first.table, first.row)]


def _read_item(ctx: _Context, item: str) -> ItemAnswer:
    answer = ItemAnswer()
    rows_seen: set[tuple[int, int]] = set()
    if ctx.rating:
        answer.rating, how, seen = _read_rating(ctx, item, *ctx.rating)
        rows_seen |= seen
        if how:
            answer.provenance["rating"] = how
        if seen:
            table, row = _own_row(ctx, item, seen)
            answer.cells["rating"] = {"table": table + 1, "row": row + 1}
    for key in ctx.text_keys:
        located = _cells_for(ctx, item, key, None)
        texts = [_text_of(ctx, item, key, loc) for loc in located] + _continued(ctx, item, key)
        texts = list(dict.fromkeys(t for t in texts if t))
        answer.texts[key] = "\n".join(texts)
        rows_seen |= {(loc.table, loc.row) for loc in located}
        if located:
            answer.provenance[key] = located[0].how
            first = located[0]
            answer.cells[key] = {"table": first.table + 1, "row": first.row + 1, "cell": first.cell.col + 1}
    _missing_columns(ctx, item, answer)
    if not rows_seen:
        ctx.report("item-not-found", f"no row for {ctx.framework.item_name} {item} was found", item=item)
    elif len(rows_seen) > 1 and ctx.index.separate_rows(item) > 1:
        ctx.report("item-duplicated", f"{ctx.framework.item_name} {item} appears in "
                   f"{ctx.index.separate_rows(item)} rows; their answers were combined", item=item)
    return answer


def _own_row(ctx: _Context, item: str, seen: set[tuple[int, int]]) -> tuple[int, int]:
    """The row an answer is said to be in: the first of the rows it was read from that names the item.

    A row inserted above it may carry copies of its controls (LibreOffice's Insert Rows copies the
    row below's), which would otherwise come first and take its findings and feedback comments.
    """
    named = {(ref.table, ref.row) for ref in ctx.index.rows.get(item, ())}
    return min(seen & named or seen)


def _text_of(ctx: _Context, item: str, key: str, loc: _Located) -> str:
    """A text answer: its own control's text where the cell holds several answers, else the cell's.

    A cell covering the header columns of several answers (cells merged) with
    no control to tell them apart is reported: its whole text goes to the
    answer whose column it starts in, none to the others.
    """
    if loc.cell.span == 1 and len(loc.cell.controls) < 2:
        return _answer_text(ctx, item, key, loc)  # the usual cell: one answer, at most one control
    if loc.control is not None and text_controls(loc.cell) > 1:
        return ctx.clean(loc.control.text)
    columns = ctx.index.columns.get(loc.table, {})
    fields = merged_fields(columns, loc.cell)
    if len(fields) > 1 and (loc.control is None or text_controls(loc.cell) == 0):
        first = columns[loc.cell.col].field if loc.cell.col in columns else fields[0]
        given = "its whole text was read as this answer" if key == first else f"its text was read as {first}"
        ctx.report("cells-merged", f"the answers {', '.join(fields)} share one merged cell with nothing to tell "
                   f"them apart; {given}", item=item, field=key, table=loc.table + 1, row=loc.row + 1,
                   cell=loc.cell.col + 1)
        return ctx.clean(loc.cell.text) if key == first else ""
    if loc.control is not None and len(fields) > 1:
        return ctx.clean(loc.control.text)
    return ctx.clean(loc.cell.text)


def _answer_text(ctx: _Context, item: str, key: str, loc: _Located) -> str:
    """An answer cell's text, without a prompt of the blank form left beside what was typed.

    Found by its tag, the control is intact and the reader already left out a prompt it still shows, so
    every typed line is kept (a heading that reads "Date" or "Name" too). Otherwise a line reading like a
    prompt above or below the answer is taken for the blank form's leftover: dropped, with a notice. A
    prompt still beside the typed text after that (on its line, or on a line of its own in a tagged cell)
    is kept, with a notice: which words were typed is not for the parser to guess.
    """
    where = {"item": item, "field": key, "severity": "info", "table": loc.table + 1, "row": loc.row + 1,
             "cell": loc.cell.col + 1}
    if loc.how == "tag":
        kept = ctx.clean(loc.cell.text, lines=False)
    else:
        kept = ctx.clean(loc.cell.text)
        if kept and kept != ctx.clean(loc.cell.text, lines=False):
            ctx.report("prompt-dropped", f"a line of the {key} of {item} reads like the blank form's prompt, left "
                       "above or below the answer; it was left out", **where)
    prompt = _prompt_beside(kept, ctx.printed_prompts)
    if prompt is not None:
        ctx.report("prompt-in-answer", f"the {key} of {item} begins or ends with the blank form's prompt "
                   f"\"{prompt}\" beside the typed text; it was read as it stands (remove the prompt if it was not "
                   "typed)", **where)
    return kept


class _Prompts(NamedTuple):
    """The prompts a return's form printed in its answer cells, longest first, and the same as the ends of a
    line they can start or end (so that most answers are cleared by two calls in C)."""

    longest_first: tuple[str, ...]
    starts: tuple[str, ...]
    ends: tuple[str, ...]
    whole: frozenset[str]


def _printed_prompts(source: Source, mapping: Mapping, placeholders: set[str]) -> _Prompts:
    """The prompts the return's form printed in its answer cells: its mapping's, and the framework's on a form
    docxform made (a layout docxform did not make never printed them: "Comments on 2.1" there is all typed)."""
    chosen = placeholders if source.properties.get("docxform.mapping") else set(mapping.placeholders)
    prompts = tuple(sorted((p for p in chosen if p), key=len, reverse=True))
    return _Prompts(prompts, tuple(p + " " for p in prompts), tuple(" " + p for p in prompts), frozenset(prompts))


def _prompt_beside(text: str, prompts: _Prompts) -> str | None:
    """The prompt at the start or end of the answer, typed text beside it, or None.

    A control lost in a re-save leaves its prompt as plain text, and typing next to it joins the two on one
    line ("Comments the partnership met twice"); a control whose placeholder mark was removed keeps its
    prompt as a line above the typed one. Either way the prompt is the first or last line's start or end.
    """
    if not text or not prompts.whole:
        return None
    first, _, rest = text.partition("\n")
    last = rest.rpartition("\n")[2] if rest else first
    on_its_line = bool(rest) and (first.strip() in prompts.whole or last.strip() in prompts.whole)
    if not (on_its_line or first.startswith(prompts.starts) or last.endswith(prompts.ends)):
        return None  # the usual answer
    for prompt in prompts.longest_first:
        if first.startswith(prompt + " ") or last.endswith(" " + prompt) or \
                (rest and prompt in (first.strip(), last.strip())):
            return prompt
    return None


def _continued(ctx: _Context, item: str, key: str) -> list[str]:
    """Text of rows continuing the item's answer ("Comments (cont.): ..."), appended and reported."""
    out = []
    for ref, field, text in ctx.index.continued_texts.get(item, ()):
        if field == key and ctx.clean(text):
            out.append(ctx.clean(text))
            ctx.report("row-continued", f"a row below {item} continues its {key}; its text was appended",
                       item=item, field=key, table=ref.table + 1, row=ref.row + 1)
    return out


def _missing_columns(ctx: _Context, item: str, answer: ItemAnswer) -> None:
    """Answers whose column the item's table lacks (deleted, or its header unrecognised), reported.

    For the rating, that is no cell for any of its levels: a rating left
    blank is a different finding (rating-missing), made where the levels are read.
    """
    refs = ctx.index.rows.get(item)
    if not refs:
        return
    if ctx.rating and "rating" not in answer.cells:
        table = refs[0].table
        ctx.report("column-missing", f"no column of table {table + 1} is headed with a rating level (deleted, or "
                   "their headers were changed); the rating was not read", item=item, field=ctx.rating[0],
                   table=table + 1, row=refs[0].row + 1)
    for key in ctx.text_keys:
        if key in answer.provenance or answer.texts.get(key):
            continue
        table = refs[0].table
        ctx.report("column-missing", f"no column of table {table + 1} is headed {key} (deleted, or its header "
                   "was changed); this answer was not read", item=item, field=key, table=table + 1,
                   row=refs[0].row + 1)


def _read_rating(ctx: _Context, item: str, field: str,
                 levels: tuple[str, ...]) -> tuple[str | None, str, set[tuple[int, int]]]:
    ticked: list[tuple[str, _Located]] = []
    unclear: list[tuple[str, _Located, str]] = []
    found_any = False
    how = ""
    rows: set[tuple[int, int]] = set()
    for level in levels:
        for loc in _cells_for(ctx, item, field, level):
            found_any = True
            how = how or loc.how
            rows.add((loc.table, loc.row))
            reading = read_tick(loc.cell)
            if reading.state == "ticked":
                ticked.append((level, loc))
            elif reading.state == "unclear":
                unclear.append((level, loc, reading.detail))
    if not found_any:
        return None, "", rows
    where = lambda loc: {"table": loc.table + 1, "row": loc.row + 1, "cell": loc.cell.col + 1}  # noqa: E731
    if unclear:
        level, loc, detail = unclear[0]
        ctx.report("rating-unclear", f"the {level} cell holds a mark that is not clearly a tick ({detail}); "
                   "no rating was chosen", item=item, field=field, **where(loc))
        return None, how, rows
    chosen = sorted({lv for lv, _ in ticked}, key=levels.index)
    if len(chosen) > 1:
        ctx.report("rating-ambiguous", f"{len(chosen)} levels are ticked ({', '.join(chosen)}); none was chosen",
                   item=item, field=field, **where(ticked[0][1]))
        return None, how, rows
    if not chosen:
        places = [loc for loc in (_locate(ctx, item, field, levels[0]), *_anchored(ctx, item, field, levels[0])) if loc]
        own = _own_row(ctx, item, {(loc.table, loc.row) for loc in places}) if places else None
        loc_any = next((loc for loc in places if (loc.table, loc.row) == own), None)
        extra = where(loc_any) if loc_any else {}
        ctx.report("rating-missing", "no rating level is ticked", item=item, field=field, **extra)
        return None, how, rows
    return chosen[0], ticked[0][1].how, rows


def _extra_rows(ctx: _Context) -> None:
    for ref, stray in ctx.index.unknown_ids:
        ctx.report("item-unexpected", f"a row names {ctx.framework.item_name} {stray!r}, which the framework "
                   "does not have; it was not read", table=ref.table + 1, row=ref.row + 1)
    for ref, previous in ctx.index.unanchored:
        ctx.report("row-not-read", f"a row with answers but no {ctx.framework.item_name} id follows "
                   f"{previous}; its answers were not read", item=previous, severity="warning",
                   table=ref.table + 1, row=ref.row + 1)


__all__ = ["parse_form"]
