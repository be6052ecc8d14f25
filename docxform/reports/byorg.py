"""Ratings by organisation: does the police see a standard differently from the council?

The partnership is made of agencies; a standard the council rates "doing
well" and the police "gap identified" is worth discussing even when the
overall mode hides it. One row per standard, one column per organisation
(its median rating, the cautious reading the merge uses, and how many of its
members rated), and the distance between the organisations' medians.
"""

from __future__ import annotations

from typing import Any

from docxform.framework.model import Framework
from docxform.records.merged import MergedDataset
from docxform.survey.merge import item_stats

UNKNOWN = "(organisation not given)"


def organisations(merged: MergedDataset) -> dict[str, str]:
    """Respondent id -> organisation, for a merged dataset whose respondents carry one (else empty)."""
    out = {r.id: (r.organisation or "").strip() for r in merged.respondents}
    return {rid: org or UNKNOWN for rid, org in out.items()} if any(out.values()) else {}


def by_organisation(merged: MergedDataset, framework: Framework
                    ) -> tuple[list[str], list[dict[str, Any]]]:
    """The organisations (in order of first appearance) and per standard each one's median and count."""
    orgs = organisations(merged)
    names = list(dict.fromkeys(orgs.values()))
    scale = framework.rating_scale
    rows = []
    for item in framework.items:
        responses = merged.item(item.id).responses
        cells = {}
        for org in names:
            ratings = [r.rating for rid, r in responses.items() if orgs.get(rid) == org]
            stats = item_stats(ratings, scale)
            cells[org] = {"median": stats.median, "rated": stats.rated, "members": len(ratings)}
        medians = [scale.keys.index(c["median"]) for c in cells.values() if scale and c["median"]]
        rows.append({"id": item.id, "text": item.text, "cells": cells,
                     "apart": (max(medians) - min(medians)) if medians else 0})
    return names, rows
