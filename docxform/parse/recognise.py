"""Which mapping fits a return: named in its properties, or recognised by its content.

Recognising compares every shipped mapping with the document. Column
headers and item ids say which framework it is; two layouts of the same
framework (the generated stocktake form and the Salford return) have the
same headers and ids, so what tells them apart is where the form-level
fields are (a label cell in a table, or "LABEL: value" in a paragraph),
whether the controls still carry the mapping's tags or aliases, and the
mapping's ``recognise`` phrases.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.framework.mapping import MAPPING_ID, Mapping, load_mapping, shipped_mapping_ids
from docxform.framework.model import Framework
from docxform.oxml.reader import Document, Row
from docxform.parse.anchors import header_rows_map, norm, row_item_id
from docxform.parse.fields import LabelIndex, find_by_label
from docxform.parse.source import Source

MIN_SCORE = 1.2
#: The best mapping is taken only when it beats the best mapping of any *other framework* by this much
#: (documented in docs/mappings.md; measured: a form of one framework beats every other framework's
#: mappings by at least 1.09, a self-assessment form retyped with a two-row header against Salford's
#: stocktake layout, whose standards it shares word for word) ...
FRAMEWORK_MARGIN = 0.5
#: ... and the next layout of *its own* framework by this much (measured: at least 0.25, a generated
#: stocktake form without its controls against Salford's layout). Closer than either: "which form is this?".
LAYOUT_MARGIN = 0.2


def choose_mapping(source: Source, mapping_dir: str | Path | None = None) -> Mapping:
    named = source.properties.get("docxform.mapping")
    if named:
        return named_mapping(source.path, named, mapping_dir)
    labels = LabelIndex(source.document)
    scored = sorted(((score(source, m, labels), m.id, m) for m in form_mappings()), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] < MIN_SCORE:
        raise DocxformError(source.path, "not recognised as a form of any shipped framework",
                            hint="pass --mapping FILE (see docs/mappings.md)")
    best, runner_up = scored[0], _rival(scored)
    if runner_up is not None:
        raise DocxformError(source.path, f"which form is this? it reads almost as well as {best[1]} (score "
                            f"{best[0]:.2f}) as {runner_up[1]} (score {runner_up[0]:.2f}); docxform does not guess",
                            hint=f"pass --mapping {best[1]} or --mapping {runner_up[1]}")
    return best[2]


def _rival(scored: list[tuple[float, str, Mapping]]) -> tuple[float, str, Mapping] | None:
    """The runner-up too close to the best to tell them apart (see FRAMEWORK_MARGIN), or None."""
    top, framework = scored[0][0], scored[0][2].framework
    for entry in scored[1:]:
        margin = LAYOUT_MARGIN if entry[2].framework == framework else FRAMEWORK_MARGIN
        if top - entry[0] < margin and entry[0] >= MIN_SCORE:
            return entry
    return None


def named_mapping(form: str, named: str, mapping_dir: str | Path | None = None) -> Mapping:
    """The mapping a return names in its properties: looked up by id, never used as a path.

    A return's properties are the respondent's data. The id is looked up
    among the shipped mappings, then as ``<id>.yaml`` in the user's mapping
    folder (``--mapping-dir``) and beside the form (where docxform writes
    the mapping of a form made from the user's own framework), and nowhere else; anything that is not a plain id (an
    absolute path, ``../``) is refused in one line.
    """
    if not MAPPING_ID.fullmatch(named) or ".." in named:
        raise DocxformError(form, f"its docxform.mapping property ({_shown(named)}) is not a mapping id; "
                                  "docxform looks mappings up by id only", hint="pass --mapping FILE")
    if named in shipped_mapping_ids():
        return load_mapping(named)
    for folder in ([Path(mapping_dir)] if mapping_dir else []) + [Path(form).parent]:
        if (folder / f"{named}.yaml").is_file():  # the user's own: generated from their framework, or kept there
            return load_mapping(folder / f"{named}.yaml")
    raise DocxformError(form, f"made with mapping {named!r}, which is not shipped with docxform",
                        hint=f"pass --mapping {named}.yaml, or --mapping-dir with the folder that holds it "
                             "(written beside the form when it was generated)")


def _shown(text: str) -> str:
    return repr(text[:60] + ("..." if len(text) > 60 else ""))


def form_mappings() -> list[Mapping]:
    """The shipped mappings of form layouts (plan mappings, ``kind: plan``, live in the same folder)."""
    out = []
    for mapping_id in shipped_mapping_ids():
        try:
            out.append(load_mapping(mapping_id))
        except DocxformError:
            continue  # not a form mapping
    return out


def score(source: Source, mapping: Mapping, labels: LabelIndex | None = None) -> float:
    """How well the document fits the mapping (higher is better; below MIN_SCORE is no fit).

    2 x share of column headers found (over all the header rows of a table) +
    share of item ids found + share of items found with their own wording in
    their row (another framework may use the same ids for other standards) +
    share of fields found where the mapping puts them + 2 x share of answer
    controls found by tag or alias + 0.25 per ``recognise`` phrase in the
    paragraphs (+ 0.5 x share of rows worded like the framework's prompts, for
    a mapping with ``anchors: text``).
    """
    from docxform.framework import load_framework

    try:
        framework = load_framework(mapping.framework)
    except DocxformError:
        return 0.0
    item_ids = set(framework.item_ids)
    doc = source.document
    best_header = 0
    ids: dict[str, Row] = {}
    for table in doc.tables:
        best_header = max(best_header, len(header_rows_map(table.rows, mapping.columns, item_ids)[0]))
        for row in table.rows:
            found = row_item_id(row, item_ids)
            if found:
                ids.setdefault(found, row)
    text = norm(" ".join(doc.paragraphs))
    recognised = sum(1 for t in mapping.recognise if norm(t) and norm(t) in text)
    header_share = best_header / len(mapping.columns) if mapping.columns else 0
    fields = _fields_share(labels or LabelIndex(doc), mapping)
    return (2 * header_share + (len(ids) + _items_worded(ids, framework)) / max(1, len(item_ids)) + fields
            + 2 * _controls_share(doc, mapping) + 0.25 * recognised + 0.5 * _worded(source, mapping, header_share))


#: An item's row carries its wording when this share of the item's content words (rapidfuzz's token-set
#: score, 0-100) is in the row's text: the standard as printed, whatever answers stand beside it.
ITEM_WORDING = 80.0


def _items_worded(rows: dict[str, Row], framework: Framework) -> int:
    """How many of the items found by id carry the framework's own wording of that item in their row."""
    return sum(1 for item_id, row in rows.items() if _worded_like(framework.item(item_id).text, row.text))


@lru_cache(maxsize=1 << 12)
def _worded_like(item_text: str, row_text: str) -> bool:
    from rapidfuzz import fuzz

    from docxform.parse.textmatch import content_words

    want = content_words(item_text[:600])
    return bool(want) and fuzz.token_set_ratio(want, content_words(row_text[:3000])) >= ITEM_WORDING


def _worded(source: Source, mapping: Mapping, header_share: float) -> float:
    """For a mapping reading rows by their wording: the share of row texts that match the framework's prompts."""
    if mapping.anchors != "text" or not header_share:
        return 0.0
    from docxform.framework import load_framework
    from docxform.parse.textanchors import text_share

    return text_share(source.document, load_framework(mapping.framework))


def _fields_share(index: LabelIndex, mapping: Mapping) -> float:
    """Share of the mapping's fields whose label is where the mapping says (by label only)."""
    if not mapping.fields:
        return 0.0
    labels = tuple(ref.label for ref in mapping.fields)
    found = sum(1 for ref in mapping.fields
                if find_by_label(index, ref.label, ref.where, labels=labels, strict=True) is not None)
    return found / len(mapping.fields)


def _controls_share(doc: Document, mapping: Mapping) -> float:
    """Share of the mapping's answer cells whose control is still there, by tag or alias."""
    if not mapping.cells:
        return 0.0
    tags = {c.tag for c in doc.controls if c.tag}
    aliases = {c.alias for c in doc.controls if c.alias}
    found = sum(1 for cell in mapping.cells if cell.tag in tags or (cell.alias and cell.alias in aliases))
    return found / len(mapping.cells)
