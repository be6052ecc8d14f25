"""Read a form whose rows carry no item ids: each row is known by its wording.

Used for mappings with ``anchors: text`` (docs/mappings.md). In every table
the answer columns are found by their headers, as for any mapping; what is
left of the first answer column is the row's *issue*: requirements and
checklist questions, one paragraph each, under headings (hallmark or theme
names). Each paragraph is matched to the framework's prompt it repeats
(:mod:`docxform.parse.textmatch`); the answer cells' paragraphs are then paired
with the issue's paragraphs:

- as many answer paragraphs as issue paragraphs: in order, one each;
- one issue paragraph: all the answer's paragraphs are its answer;
- as many answer paragraphs as headed groups: one per group (a group of one
  question gets it; a bigger group is treated as below);
- as many answer paragraphs as *statements* (requirements, not questions),
  when a row holds both: one per statement (the Action column answers the
  statutory requirements, the checklist questions are answered elsewhere);
- one answer paragraph that is one phrase typed once per question
  ("Yes Yes"): split;
- more answers than questions over a row whose questions have none in that
  column, the counts adding up: the rest belong to the row below (typed on);
- anything else cannot be split: the answers go to the item, with
  ``answers-not-split``.

An answer paired with a paragraph whose match is weak or ambiguous is not
placed; the match is reported with its score (``text-match-weak``,
``text-match-ambiguous``). Nothing is placed on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from docxform.framework.mapping import ColumnAnchor, Mapping
from docxform.framework.model import Framework
from docxform.oxml.model import Cell, Document, Row
from docxform.parse.anchors import header_map
from docxform.parse.textmatch import MARGIN, THRESHOLD, Candidate, Match, PromptIndex, strip_marks
from docxform.records.response import ItemAnswer

Reporter = Callable[..., None]
#: A weak match at most this many points under the threshold, clear of every other prompt by the margin, is
#: placed when the nearest sure match before or after it is a prompt of its item (see _resolve_by_neighbours).
NEAR = 10.0
_TICK = re.compile(r"^\s*[✓✔☑√]")
_BULLET = re.compile(r"^\s*[•·▪◦○●\-–]\s")


@dataclass
class Unit:
    """One requirement or question of an issue cell (a lead-in line with its bullet lines is one unit)."""

    text: str
    group: int
    question: bool
    match: Match | None = None
    status: str = "weak"  # ok | weak | ambiguous
    note: str = ""
    also: Candidate | None = None  # a second prompt of the same item the unit asks together with the first
    by_neighbours: str = ""  # why a match that was not sure on its own was taken beside its item's prompts


@dataclass
class RowReading:
    table: int
    row: int
    units: list[Unit]
    answers: dict[str, tuple[list[str], Cell]] = field(default_factory=dict)
    spilled: set[str] = field(default_factory=set)  # fields whose answers were typed in the row above

    @property
    def where(self) -> dict[str, int]:
        return {"table": self.table + 1, "row": self.row + 1}

    def cell_of(self, fld: str, cell: Cell) -> dict[str, int]:
        """Where a field's answers are: this row's cell, or the row above's for answers typed on there."""
        return {"table": self.table + 1, "row": self.row + (0 if fld in self.spilled else 1), "cell": cell.col + 1}


@dataclass
class _Placed:
    """Answers found so far: per (item, prompt) and field, the texts with where each came from."""

    values: dict[tuple[str, str | None], dict[str, list[tuple[str, dict[str, int], float]]]] = field(
        default_factory=dict)
    unsplit: dict[tuple[str, str], list[tuple[str, dict[str, int]]]] = field(default_factory=dict)

    def add(self, key: tuple[str, str | None], fld: str, text: str, where: dict[str, int], score: float) -> None:
        self.values.setdefault(key, {}).setdefault(fld, []).append((text, where, score))


class TextReader:
    """One document read by text anchors."""

    def __init__(self, doc: Document, mapping: Mapping, framework: Framework, clean: Callable[[str], str],
                 report: Reporter) -> None:
        self.doc, self.mapping, self.framework = doc, mapping, framework
        self.clean, self.report = clean, report
        self.index = _prompt_index(framework)
        self.threshold = mapping.text_threshold or THRESHOLD
        self.placed = _Placed()

    def read(self) -> dict[str, ItemAnswer]:
        rows = list(self._rows())
        units = [u for r in rows for u in r.units]
        _resolve_by_neighbours(units, self.threshold)
        _keep_best_of_duplicates(rows)
        _spill_over(rows)
        previous: str | None = None
        for reading in rows:
            self._report_matches(reading)
            previous = self._pair_row(reading, previous)
        return self._answers(units)

    # -- reading rows --------------------------------------------------------------------------
    def _rows(self) -> Any:
        inherited: dict[int, ColumnAnchor] = {}
        for table in self.doc.tables:
            columns, start = _table_columns(table.rows, self.mapping.columns)
            columns = columns or inherited
            inherited = columns
            if not columns:
                continue
            for r in range(start, len(table.rows)):
                reading = self._read_row(table.index, r, table.rows[r], columns)
                if reading is not None:
                    yield reading

    def _read_row(self, table: int, r: int, row: Row, columns: dict[int, ColumnAnchor]) -> RowReading | None:
        """One table row as question units and answer texts; None for a row with no text at all."""
        first = min(columns)
        lines = [ln for cell in row.cells if cell.col < first for ln in _lines(cell.text)]
        answers, spanned, questions = self._answer_cells(row, columns)
        lines += questions
        if not lines and not any(texts for texts, _ in answers.values()):
            return None
        reading = RowReading(table, r, self._units(lines), answers)
        if spanned and (reading.units or answers):  # not a heading row across the table
            self._report_spanned(reading, spanned)
        return reading

    def _answer_cells(self, row: Row, columns: dict[int, ColumnAnchor]
                      ) -> tuple[dict[str, tuple[list[str], Cell]], list[str], list[str]]:
        """The row's answer columns: texts by field, fields a merged cell runs over, and question lines.

        Checklist questions typed into an answer column belong to the issue's text, not to its answer,
        and a merged cell over an answer column cannot be told apart from the text beside it.
        """
        answers: dict[str, tuple[list[str], Cell]] = {}
        spanned: list[str] = []
        questions: list[str] = []
        for col, anchor in sorted(columns.items()):
            cell = row.at(col)
            if cell is None or cell.col != col:
                if cell is not None and cell.text.strip():
                    spanned.append(anchor.field)  # a merged cell runs over this answer column
                continue
            texts = [t for t in (self.clean(ln) for ln in _lines(cell.text)) if t]
            if texts and all(_is_question(t) for t in texts):
                questions += texts
                continue
            answers[anchor.field] = (texts, cell)
        return answers, spanned, questions

    def _report_spanned(self, reading: RowReading, fields: list[str]) -> None:
        ok = [u.match.candidate.item for u in reading.units if u.status == "ok" and u.match]
        for fld in fields:
            self.report("answers-not-split", f"a merged cell runs over the {fld} column, so its answers could not be "
                        "told from the text beside them; read them from the form", item=ok[0] if ok else None,
                        field=fld, severity="warning", **reading.where)

    def _units(self, lines: list[str]) -> list[Unit]:
        units: list[Unit] = []
        group = 0
        joining = False
        for line in lines:
            if _BULLET.match(line) and units and (joining or units[-1].text.endswith(":")):
                units[-1].text += "\n" + line
                joining = True
                continue
            joining = False
            if not _is_question(line) and self.index.is_heading(line, strict=True):
                group += 1  # a hallmark or theme name over the questions: a heading, whatever it resembles
                continue
            match = self.index.best(line)
            status = match.status(self.threshold, MARGIN) if match else "weak"
            if status != "ok" and not _is_question(line) and self.index.is_heading(line):
                group += 1
                continue
            units.append(Unit(line, group, _is_question(line), match, status))
        for unit in units:
            if "\n" in unit.text:  # a lead-in with its bullets: matched as a whole
                unit.match = self.index.best(unit.text.replace("\n", " "))
                unit.status = unit.match.status(self.threshold, MARGIN) if unit.match else "weak"
            self._as_pair(unit)
        return units

    def _as_pair(self, unit: Unit) -> None:
        """A question asking two prompts of one item at once (9a and 9b): matched to both (see PAIR_COVER)."""
        pair = self.index.best_pair(unit.text.replace("\n", " "), unit.match, self.threshold)
        if pair is not None:
            unit.match = Match(pair.first, pair.score, None, 0.0)
            unit.also, unit.status = pair.second, "ok"

    # -- reporting and pairing -------------------------------------------------------------------
    def _report_matches(self, reading: RowReading) -> None:
        if not any(texts for texts, _ in reading.answers.values()):
            return  # an unanswered question's match does not matter
        for unit in reading.units:
            if unit.status == "ok" or unit.match is None:
                continue
            m = unit.match
            extra = _match_extra(unit)
            if unit.status == "weak":
                self.report("text-match-weak", f"no prompt matches {_quote(unit.text)} well enough (best "
                            f"{m.candidate.prompt or m.candidate.item}, score {m.score:.0f} < {self.threshold:.0f}); "
                            "its answers were not read", item=m.candidate.item, severity="warning",
                            extra=extra, **reading.where)
            else:
                rival = unit.note or (f"{m.dissent.prompt or m.dissent.item} shares more of its words"
                                      if m.dissent else f"{m.runner_up.prompt or m.runner_up.item} scores "
                                      f"{m.runner_up_score:.0f}" if m.runner_up else "")
                self.report("text-match-ambiguous", f"{_quote(unit.text)} matches {m.candidate.prompt or m.candidate.item}"
                            f" (score {m.score:.0f}) but {rival}; its answers were not read",
                            item=m.candidate.item, severity="warning", extra=extra, **reading.where)

    def _pair_row(self, reading: RowReading, previous: str | None) -> str | None:
        ok = [u for u in reading.units if u.status == "ok" and u.match]
        item = ok[0].match.candidate.item if ok and ok[0].match else None
        for fld, (texts, cell) in reading.answers.items():
            if not texts:
                continue
            where = reading.cell_of(fld, cell)
            if not reading.units:
                self.report("row-not-read", "a row with answers but no requirement or question text"
                            + (f" follows item {previous}" if previous else "") + "; its answers were not read",
                            item=previous, field=fld, severity="warning", **reading.where)
                continue
            pairs = pair_answers(reading.units, texts)
            if pairs is None:
                self._not_split(item, fld, texts, reading, where)
                continue
            for unit, text in pairs:
                if unit.status == "ok" and unit.match is not None:
                    self.placed.add(unit.match.key, fld, text, where, unit.match.score)
                    if unit.by_neighbours:
                        self._by_neighbours(unit, fld, where)
                    if unit.also is not None:
                        self._shared(unit, fld, text, where)
        return item or previous

    def _by_neighbours(self, unit: Unit, fld: str, where: dict[str, int]) -> None:
        """An answer placed at a match that was sure only beside its item's other prompts: said, so a reader checks."""
        assert unit.match is not None
        m = unit.match
        self.report("text-match-by-neighbours", f"{_quote(unit.text)} was read as {m.candidate.prompt or m.candidate.item}"
                    f" because the prompts around it are {m.candidate.item}'s, though {unit.by_neighbours}; "
                    f"check its {fld}", item=m.candidate.item, field=fld, severity="info", extra=_match_extra(unit),
                    **where)

    def _shared(self, unit: Unit, fld: str, text: str, where: dict[str, int]) -> None:
        """One answer to a question asking two prompts: given to the second too, with a notice."""
        assert unit.match is not None and unit.also is not None
        first, second = unit.match.candidate, unit.also
        self.placed.add((second.item, second.prompt), fld, text, where, unit.match.score)
        self.report("answer-shared", f"{_quote(unit.text)} asks {first.prompt} and {second.prompt} together "
                    f"(score {unit.match.score:.0f}); its {fld} was given to both", item=first.item, field=fld,
                    severity="info", extra={"prompts": [first.prompt, second.prompt],
                                            "score": round(unit.match.score, 1)}, **where)

    def _not_split(self, item: str | None, fld: str, texts: list[str], reading: RowReading,
                   where: dict[str, int]) -> None:
        questions = len(reading.units)
        if item is None:
            return  # every paragraph of the issue is already reported as a weak or ambiguous match
        self.placed.unsplit.setdefault((item, fld), []).append(("\n".join(texts), where))
        self.report("answers-not-split", f"{len(texts)} {fld} paragraph(s) for {questions} requirements or "
                    "questions: they could not be paired, so they were given to the item as a whole",
                    item=item, field=fld, severity="warning",
                    extra={"questions": questions, "answers": len(texts)}, **where)

    # -- output ----------------------------------------------------------------------------------
    def _answers(self, units: list[Unit]) -> dict[str, ItemAnswer]:
        text_keys = [f.key for f in self.framework.text_fields if f.key in {a.field for a in self.mapping.columns}]
        out = {item.id: ItemAnswer(texts={k: "" for k in text_keys}) for item in self.framework.items}
        for (item, prompt), fields in self.placed.values.items():
            if prompt is None:  # an item without prompts, matched by its own text
                _set_item_fields(out[item], {f: [(t, w) for t, w, _ in found] for f, found in fields.items()})
            else:
                out[item].prompts[prompt] = _prompt_entry(fields)
        for (item, fld), unsplit in self.placed.unsplit.items():
            before = out[item].texts.get(fld, "")
            _set_item_fields(out[item], {fld: ([(before, unsplit[0][1])] if before else []) + unsplit})
        matched = {u.match.candidate.item for u in units if u.status == "ok" and u.match}
        for missing in (i.id for i in self.framework.items if i.id not in matched):
            self.report("item-not-found", f"no requirement or question of {self.framework.item_name} {missing} "
                        "was found in the form", item=missing)
        return out


def _set_item_fields(answer: ItemAnswer, fields: dict[str, list[tuple[str, dict[str, int]]]]) -> None:
    for fld, found in fields.items():
        answer.texts[fld] = "\n".join(t for t, _ in found)
        answer.provenance[fld], answer.cells[fld] = "text", found[0][1]


def _prompt_entry(fields: dict[str, list[tuple[str, dict[str, int], float]]]) -> dict[str, Any]:
    """One prompt's answers: the texts by field, with how, where and how well each was matched."""
    entry: dict[str, Any] = {"provenance": {}, "cells": {}, "score": {}}
    for fld, found in fields.items():
        entry[fld] = "\n".join(t for t, _, _ in found)
        entry["provenance"][fld] = "text"
        entry["cells"][fld] = found[0][1]
        entry["score"][fld] = round(min(s for _, _, s in found), 1)
    return entry


def read_text_anchored(doc: Document, mapping: Mapping, framework: Framework, clean: Callable[[str], str],
                       report: Reporter) -> dict[str, ItemAnswer]:
    """Items of a form read by text anchors (the mapping says ``anchors: text``)."""
    return TextReader(doc, mapping, framework, clean, report).read()


def text_share(doc: Document, framework: Framework, limit: int = 100) -> float:
    """Share of the lines opening table rows that match a prompt for sure (how much a form reads like one
    worded by ``framework``: recognition of forms with no ids). Only the first ``limit`` lines are tried."""
    index = _prompt_index(framework)
    lines = [ln for table in doc.tables for row in table.rows if row.cells
             for ln in _lines(row.cells[0].text)[:1]][:limit]
    tried = matched = 0
    for line in lines:
        match = index.best(line)
        if match is None or (match.status() != "ok" and index.is_heading(line)):
            continue
        tried += 1
        matched += match.status() == "ok"
    return matched / tried if tried else 0.0


def pair_answers(units: list[Unit], texts: list[str]) -> list[tuple[Unit, str]] | None:
    """Which answer paragraph answers which issue paragraph, or None when they cannot be paired for sure."""
    if len(units) == 1:
        return [(units[0], "\n".join(texts))]
    if len(texts) == len(units):
        return list(zip(units, texts, strict=True))
    groups = _groups(units)
    if len(groups) > 1 and len(texts) == len(groups):
        return _pair_groups(groups, texts)
    statements = [u for u in units if not u.question]
    if statements and len(statements) < len(units) and len(texts) == len(statements):
        return list(zip(statements, texts, strict=True))
    if len(texts) == 1:
        parts = split_repeated(texts[0], len(units))
        if parts:
            return list(zip(units, parts, strict=True))
    return None


def _pair_groups(groups: list[list[Unit]], texts: list[str]) -> list[tuple[Unit, str]] | None:
    """One answer paragraph per headed group; a group of several questions only when the answer splits.

    Partly pairable is not pairable: the not-split report then covers the whole cell, never a part guessed.
    """
    out: list[tuple[Unit, str]] = []
    for group, text in zip(groups, texts, strict=True):
        parts = [text] if len(group) == 1 else split_repeated(text, len(group))
        if parts is None:
            return None
        out += zip(group, parts, strict=True)
    return out


def split_repeated(text: str, times: int) -> list[str] | None:
    """``"Yes Yes"`` for two questions: one phrase typed ``times`` times, separated by spaces; else None."""
    words = text.split()
    if times < 2 or len(words) % times:
        return None
    size = len(words) // times
    phrase = words[:size]
    if all(words[i * size:(i + 1) * size] == phrase for i in range(times)):
        return [" ".join(phrase)] * times
    return None


def _groups(units: list[Unit]) -> list[list[Unit]]:
    out: dict[int, list[Unit]] = {}
    for unit in units:
        out.setdefault(unit.group, []).append(unit)
    return list(out.values())


def _resolve_by_neighbours(units: list[Unit], threshold: float) -> None:
    """An ambiguous match is kept when its nearest sure neighbours belong to its item and not the rival's;
    a weak one just under the threshold when one of them belongs to its item and it is clear of any rival.

    Ambiguous: the best is over the threshold; only its margin over a rival of *another item* was short,
    and the rows around it say which item this part of the form is about. Weak (at most ``NEAR`` points
    under the threshold, the margin over every other prompt held): the sure match just before *or* just
    after it is a prompt of its item, so it sits beside its item's own prompts (a form lists an item's
    requirements and questions together; requiring both sides placed one prompt fewer on each form and
    no wrong one less, docs/mappings.md). The runner-up is never taken in place of the best (it scored
    lower: that would be a guess). Resolved in document order, so a resolved match is a sure neighbour for
    the next one.
    """
    following = _next_sure(units)
    previous: str | None = None
    for i, unit in enumerate(units):
        m = unit.match
        if unit.status == "ambiguous" and m is not None and m.rivals():
            near = {previous, following[i]} - {None}
            if m.candidate.item in near and not near & m.rivals():
                unit.status = "ok"
                unit.by_neighbours = _rival(m)
        elif (unit.status == "weak" and m is not None and m.score >= threshold - NEAR
              and m.status(m.score, MARGIN) == "ok" and m.candidate.item in (previous, following[i])):
            unit.status = "ok"
            unit.by_neighbours = f"its score {m.score:.0f} is under the threshold {threshold:.0f}"
        if unit.status == "ok" and unit.match is not None:
            previous = unit.match.candidate.item


def _rival(m: Match) -> str:
    """What stood against an ambiguous match, in words: the prompt sharing more of its words, or the one as close."""
    if m.dissent is not None:
        return f"{m.dissent.prompt or m.dissent.item} shares more of its words"
    rival = m.runner_up.prompt or m.runner_up.item if m.runner_up is not None else "another prompt"
    return f"{rival} scores {m.runner_up_score:.0f} against its {m.score:.0f}"


def _match_extra(unit: Unit) -> dict[str, object]:
    """A match's figures for a problem's ``extra``: score, prompt, the paragraph, the runner-up and the dissent."""
    assert unit.match is not None
    m = unit.match
    extra: dict[str, object] = {"score": round(m.score, 1), "prompt": m.candidate.prompt, "text": unit.text[:120]}
    if m.runner_up is not None:
        extra.update(runner_up=m.runner_up.prompt or m.runner_up.item, runner_up_score=round(m.runner_up_score, 1))
    if m.dissent is not None:
        extra["dissent"] = m.dissent.prompt or m.dissent.item
    return extra


def _next_sure(units: list[Unit]) -> list[str | None]:
    """For each unit, the item of the nearest sure match after it (one pass from the end)."""
    out: list[str | None] = [None] * len(units)
    following: str | None = None
    for i in range(len(units) - 1, -1, -1):
        out[i] = following
        if units[i].status == "ok" and units[i].match is not None:
            following = units[i].match.candidate.item  # type: ignore[union-attr]
    return out


def _spill_over(rows: list[RowReading]) -> None:
    """Answers typed on in the row above: a row with more answer paragraphs than questions, over a row
    whose questions have no answer in that column, where the counts add up exactly, shares them out.

    (Seed 003: 16 developments beside 9 requirements, the 7 checklist questions below left blank.)
    """
    for above, below in pairwise(rows):
        if above.table != below.table or not above.units or not below.units:
            continue
        for fld, (texts, cell) in above.answers.items():
            if below.answers.get(fld, ([], cell))[0] or len(texts) != len(above.units) + len(below.units):
                continue
            above.answers[fld] = (texts[:len(above.units)], cell)
            below.answers[fld] = (texts[len(above.units):], cell)
            below.spilled.add(fld)


def _keep_best_of_duplicates(rows: list[RowReading]) -> None:
    """Two paragraphs matching the same prompt line: the better keeps it, the other becomes ambiguous."""
    best: dict[tuple[str, str | None, int], tuple[Unit, RowReading]] = {}
    for reading in rows:
        for unit in reading.units:
            if unit.status != "ok" or unit.match is None:
                continue
            c = unit.match.candidate
            key = (c.item, c.prompt, c.line)
            held = best.get(key)
            if held is None:
                best[key] = (unit, reading)
                continue
            loser, winner_row = (unit, held[1]) if held[0].match and held[0].match.score >= unit.match.score \
                else (held[0], reading)
            if loser is held[0]:
                best[key] = (unit, reading)
            loser.status = "ambiguous"
            loser.note = f"table {winner_row.table + 1} row {winner_row.row + 1} matches it better"


def _table_columns(rows: list[Row], anchors: tuple[ColumnAnchor, ...]) -> tuple[dict[int, ColumnAnchor], int]:
    """The header among the first rows naming the most answer columns, and the first row below it."""
    best: dict[int, ColumnAnchor] = {}
    start = 0
    for r, row in enumerate(rows[:3]):
        found = header_map(row, anchors)
        if len(found) > len(best):
            best, start = found, r + 1
    if len(best) >= min(2, len(anchors)):
        return best, start
    return {}, 0


def text_columns(doc: Document, mapping: Mapping) -> dict[int, dict[int, ColumnAnchor]]:
    """Each table's answer columns as :class:`TextReader` reads them (a table without a header: the one before's)."""
    out: dict[int, dict[int, ColumnAnchor]] = {}
    inherited: dict[int, ColumnAnchor] = {}
    for table in doc.tables:
        inherited = _table_columns(table.rows, mapping.columns)[0] or inherited
        if inherited:
            out[table.index] = inherited
    return out


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _is_question(text: str) -> bool:
    return bool(_TICK.match(text)) or strip_marks(text).rstrip().endswith("?")


#: A checklist question (ticked, or ending in "?"): in a form read by wording, the form's text wherever it is typed.
is_question = _is_question


def _quote(text: str) -> str:
    first = text.split("\n", 1)[0]
    return f"\"{first[:60]}{'...' if len(first) > 60 else ''}\""


_INDEX: dict[tuple[str, str, int], PromptIndex] = {}


def _prompt_index(framework: Framework) -> PromptIndex:
    """One index per framework (a batch reads many returns of the same framework)."""
    key = (framework.id, framework.version, len(framework.items))
    if key not in _INDEX:
        _INDEX[key] = PromptIndex(framework)
    return _INDEX[key]
