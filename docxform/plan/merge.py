"""Several partners' plans -> one: every action attributed to the partner that owns it.

In a county the district partnerships (or the agencies of one partnership)
each return a plan; the coordinator needs one list saying who does what
towards which standard. Rows keep their partner (the plan's partnership
name, else its file name) and source file and row, and are ordered by
standard so that everyone working on the same standard sits together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem, problem
from docxform.plan.rules import standard_ids
from docxform.records.plan import (
    LEAD_KEYS,
    MergedPlanRow,
    MergedPlans,
    PlanOwner,
    PlanPartner,
    PlanResult,
    PlanRow,
    item_ref_key,
    role_key,
)


def merge_plans(results: list[PlanResult]) -> MergedPlans:
    """One plan of several: partners, rows (each with its partner and source), who does what per standard, problems."""
    kept, problems = _distinct(results)
    if not kept:
        return MergedPlans(framework=None, columns=[], partners=[], rows=[], by_standard={}, problems=problems)
    framework = _same_framework(kept)
    columns = kept[0].columns
    order = {item_id: index for index, item_id in enumerate(framework.item_ids)}
    ref_key = item_ref_key(columns)
    rows: list[tuple[tuple[Any, ...], MergedPlanRow]] = []
    for index, result in enumerate(kept):
        partner = partner_name(result)
        for row in result.rows:
            entry = MergedPlanRow(partner, result.source["path"], row.to_dict(columns))
            rows.append((_sort_key(row, ref_key, order, index), entry))
    rows.sort(key=lambda pair: pair[0])
    merged = [entry for _, entry in rows]
    problems += [p for result in kept for p in result.problems]
    return MergedPlans(
        framework=(framework.id, framework.version), columns=[(c.key, c.label) for c in columns],
        partners=[_partner(result) for result in kept], rows=merged,
        by_standard=_by_standard(merged, ref_key, role_key(columns, LEAD_KEYS), framework.item_ids),
        problems=problems,
    )


def merged_table(merged: MergedPlans) -> tuple[list[str], list[list[Any]]]:
    """The merged plan as a header and rows, for a summary workbook's plan sheet."""
    keys = [key for key, _ in merged.columns]
    header = ["Partner", *(label for _, label in merged.columns), "Source file", "Row"]
    rows = [[row.partner, *(row.get(k, None) for k in keys), row.source, row.get("row", None)] for row in merged.rows]
    return header, rows


def partner_name(result: PlanResult) -> str:
    """The plan's partnership name, else its file name without the extension."""
    for key, value in result.header.items():
        if "partnership" in key and value.strip():
            return value.strip()
    return Path(result.source.get("path", "plan")).stem


def _distinct(results: list[PlanResult]) -> tuple[list[PlanResult], list[Problem]]:
    """The same file given twice counts once (a duplicate-return warning says so)."""
    seen: dict[str, str] = {}
    kept: list[PlanResult] = []
    problems: list[Problem] = []
    for result in results:
        digest, path = result.source.get("sha256", ""), result.source.get("path", "")
        if digest and digest in seen:
            problems.append(problem("duplicate-return", f"the same plan as {seen[digest]}; counted once",
                                    file=path))
            continue
        seen[digest] = path
        kept.append(result)
    return kept, problems


def _same_framework(results: list[PlanResult]) -> Any:
    first = results[0].framework
    for result in results[1:]:
        if (result.framework.id, result.framework.version) != (first.id, first.version):
            raise DocxformError(result.source.get("path"), f"a plan for {result.framework.id} "
                                f"{result.framework.version} cannot be merged with plans for {first.id} {first.version}")
    return first


def _sort_key(row: PlanRow, ref_key: str | None, order: dict[str, int], index: int) -> tuple[Any, ...]:
    ids = standard_ids(str(row.get(ref_key) or "")) if ref_key else []
    position = min((order.get(i, len(order)) for i in ids), default=len(order) + 1)
    priority = row.priority if row.priority is not None else 10**9
    return (position, priority, index, row.sheet_row or 0)


def _partner(result: PlanResult) -> PlanPartner:
    return PlanPartner(partner=partner_name(result), source=dict(result.source), header=dict(result.header),
                       rows=len(result.rows), errors=sum(p.severity == "error" for p in result.problems),
                       warnings=sum(p.severity == "warning" for p in result.problems))


def _by_standard(rows: list[MergedPlanRow], ref_key: str | None, lead_key: str | None,
                 item_ids: tuple[str, ...]) -> dict[str, list[PlanOwner]]:
    """Standard id -> who is doing what towards it (framework order; unknown ids last)."""
    if ref_key is None:
        return {}
    out: dict[str, list[PlanOwner]] = {}
    for entry in rows:
        for sid in standard_ids(str(entry.get(ref_key) or "")):
            out.setdefault(sid, []).append(PlanOwner(
                partner=entry.partner, action=entry.get("action"),
                lead_officer=entry.get(lead_key) if lead_key else "", source=entry.source,
                row=entry.get("row", None)))
    known = [i for i in item_ids if i in out]
    return {sid: out[sid] for sid in known + [s for s in out if s not in item_ids]}
