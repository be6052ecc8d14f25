"""Which mapping fits a return: named in its properties, or recognised by its content."""

from __future__ import annotations

from docxform.errors import DocxformError
from docxform.mapping import Mapping, load_mapping, shipped_mapping_ids, shipped_mappings
from docxform.parse.anchors import header_map, norm, row_item_id
from docxform.parse.source import Source

MIN_SCORE = 1.2


def choose_mapping(source: Source) -> Mapping:
    named = source.properties.get("docxform.mapping")
    if named:
        if named in shipped_mapping_ids():
            return load_mapping(named)
        raise DocxformError(source.path, f"made with mapping {named!r}, which is not shipped with docxform",
                            hint=f"pass --mapping {named}.yaml (written beside the form when it was generated)")
    scored = sorted(((score(source, m), m.id, m) for m in shipped_mappings()), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] < MIN_SCORE:
        raise DocxformError(source.path, "not recognised as a form of any shipped framework",
                            hint="pass --mapping FILE (see docs/mappings.md)")
    return scored[0][2]


def score(source: Source, mapping: Mapping) -> float:
    """Share of the mapping's column headers found + share of item ids found + recognise texts."""
    doc = source.document
    best_header = 0
    ids: set[str] = set()
    from docxform.framework import load_framework

    try:
        item_ids = set(load_framework(mapping.framework).item_ids)
    except DocxformError:
        return 0.0
    for table in doc.tables:
        for row in table.rows[:3]:
            best_header = max(best_header, len(header_map(row, mapping.columns)))
        for row in table.rows:
            found = row_item_id(row, item_ids)
            if found:
                ids.add(found)
    text = norm(" ".join(doc.paragraphs))
    recognised = sum(1 for t in mapping.recognise if norm(t) and norm(t) in text)
    header_share = best_header / len(mapping.columns) if mapping.columns else 0
    return 2 * header_share + len(ids) / max(1, len(item_ids)) + 0.25 * recognised
