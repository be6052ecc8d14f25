"""Form-level fields: partnership, dates, signatories, extra tables and the people list.

Found by tag, then by the mapping's position (checked against the label in
the cell to the left), then by label anchors: a table row whose first cell
reads the label, or a paragraph "LABEL: value".
"""

from __future__ import annotations

from collections.abc import Callable

from docxform.mapping import FieldRef, Mapping
from docxform.oxml.reader import Control, Document
from docxform.parse.anchors import header_map, label_matches, norm

Report = Callable[..., None]


def read_fields(doc: Document, mapping: Mapping, by_tag: dict[str, Control], clean: Callable[[str], str],
                report: Report) -> dict:
    out: dict = {}
    ordinal: dict[str, int] = {}
    for ref in mapping.fields:
        nth = ordinal.get(norm(ref.label), 0)
        ordinal[norm(ref.label)] = nth + 1
        value = _read_field(doc, ref, by_tag, nth)
        if value is None:
            report("field-not-found", f"field {ref.key!r} ({ref.label}) was not found", field=ref.key)
            value = ""
        _store(out, ref.key, clean(value))
    if mapping.people is not None:
        out["people"] = _read_people(doc, mapping, by_tag, clean)
    return out


def _store(out: dict, key: str, value: str) -> None:
    if "." not in key:
        out[key] = value
        return
    table, rest = key.split(".", 1)
    out.setdefault(table, {})[rest] = value


def _read_field(doc: Document, ref: FieldRef, by_tag: dict[str, Control], nth: int) -> str | None:
    control = by_tag.get(ref.tag) if ref.tag else None
    if control is not None:
        return control.text
    if ref.table is not None and ref.row is not None and ref.col is not None and ref.table < len(doc.tables):
        rows = doc.tables[ref.table].rows
        if ref.row < len(rows):
            row = rows[ref.row]
            label_cell, value_cell = row.at(ref.col - 1), row.at(ref.col)
            if label_cell is not None and value_cell is not None and label_matches(label_cell.text, ref.label):
                return value_cell.text
    return _by_label(doc, ref.label, nth)


def _by_label(doc: Document, label: str, nth: int) -> str | None:
    """The n-th place the label appears: a label cell with its value to the right, or 'LABEL: value'."""
    found: list[str] = []
    for table in doc.tables:
        for row in table.rows:
            for i, cell in enumerate(row.cells[:-1]):
                if label_matches(cell.text.split("\n")[0], label) and norm(cell.text) == norm(label):
                    found.append(row.cells[i + 1].text)
                    break
    for paragraph in doc.paragraphs:
        head, sep, tail = paragraph.partition(":")
        if sep and norm(head) == norm(label):
            found.append(tail.strip())
    return found[nth] if nth < len(found) else None


def _read_people(doc: Document, mapping: Mapping, by_tag: dict[str, Control],
                 clean: Callable[[str], str]) -> list[dict[str, str]]:
    people_ref = mapping.people
    assert people_ref is not None
    for table in doc.tables:
        for r, row in enumerate(table.rows[:2]):
            columns = header_map(row, people_ref.columns)
            if len(columns) < len(people_ref.columns):
                continue
            people = []
            for body in table.rows[r + 1:]:
                person = {}
                for col, anchor in columns.items():
                    cell = body.at(col)
                    person[anchor.field] = clean(cell.text) if cell is not None else ""
                if any(person.values()):
                    people.append(person)
            return people
    return _people_from_paragraphs(doc, people_ref.header, [c.field for c in people_ref.columns])


def _people_from_paragraphs(doc: Document, heading: str, keys: list[str]) -> list[dict[str, str]]:
    """People typed as paragraphs under a heading, one line per column (the Salford return)."""
    lines: list[str] | None = None
    for paragraph in doc.paragraphs:
        if lines is None:
            if norm(heading) and norm(paragraph).startswith(norm(heading)):
                lines = []
            continue
        if paragraph.isupper() or paragraph.rstrip().endswith((":", ".")) and len(paragraph) > 60:
            break
        lines.append(paragraph.strip())
    if not lines:
        return []
    width = len(keys)
    return [dict(zip(keys, lines[i:i + width], strict=False)) for i in range(0, len(lines) - width + 1, width)]
