"""The round's outputs from its current returns, in one go.

Everything is computed from the store (the parsed returns it holds), never
from the inbox, so emptying the inbox and reporting again gives the same
outputs. Feedback copies of the returns with problems (Word comments in the
cells concerned) come from :mod:`docxform.reports.feedback`: see :func:`feedback_hook`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxform.core.problems import Problem
from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.io.files import output_folder, write_file
from docxform.records.decisions import Decisions
from docxform.records.imprint import Imprint, imprint_of
from docxform.records.merged import MergedDataset
from docxform.records.round import Person, Version
from docxform.round.status import RoundStatus, build_status, current_versions
from docxform.round.store import Store, open_store

REPORT = "report"


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass
class ReportResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    returned: str = ""
    notes: list[str] = field(default_factory=list)  # what was not written, and why

    def lines(self) -> list[str]:
        return [self.returned] + [f"{name}: {path}" for name, path in self.outputs.items()] + self.notes


def current_merged(folder: str | Path) -> MergedDataset:
    """The merged dataset of the round's current returns (one per person, the latest version)."""
    with open_store(folder) as store:
        return _merged(store, load_framework(store.info().framework))[0]


CURRENT = "current-merged.json"


def write_current_merged(folder: str | Path) -> Path:
    """Write :func:`current_merged` to ``folder/current-merged.json`` (what ``docxform compare DIR`` reads)."""
    target = Path(folder) / CURRENT
    write_file(target, to_json(current_merged(folder).to_dict()))
    return target


def _merged(store: Store, framework: Framework) -> tuple[MergedDataset, list[Problem]]:
    """Merge the current returns; respondents carry their organisation and role from the round."""
    from docxform.records.response import Response
    from docxform.survey.merge import merge_returns
    from docxform.validate.rules import validate_return

    current = current_versions(store)
    returns = [Response.from_dict(v.parsed) for v in current]  # the store keeps each return's parse JSON
    merged = merge_returns(returns, framework)
    _add_organisations(merged, current, {p.id: p for p in store.people()})
    problems = [p for data in returns
                for p in validate_return(data, framework, expected=framework, stage="survey")]
    return merged, problems


def _add_organisations(merged: MergedDataset, current: list[Version], people: dict[int, Person]) -> None:
    by_sha = {str((v.parsed.get("source") or {}).get("sha256")): people.get(v.person_id or -1) for v in current}
    for entry in merged.respondents:
        person = by_sha.get(entry.source.sha256)
        entry.organisation = person.organisation if person else ""
        entry.role = person.role if person else ""


def report(folder: str | Path, output: str | Path | None = None, *, author: str = "docxform") -> ReportResult:
    """Summary workbook, HTML report, merged.json, consolidated form, draft plan and feedback copies (their
    comments by ``author``) into ``output``."""
    folder = Path(folder)
    out = Path(output) if output else folder / REPORT
    with open_store(folder) as store:
        info = store.info()
        framework = load_framework(info.framework)
        merged, problems = _merged(store, framework)
        state = build_status(store)
        result = ReportResult(returned=state.returned_line())
        output_folder(out, create=True)
        _write_all(out, merged, problems, framework, state, result, imprint=round_imprint(store, folder, merged, framework))
        copies = feedback_hook(store, out / "feedback", framework, author=author, notes=result.notes)
        if copies:
            of = f" of {len(copies) + len(result.notes)}" if result.notes else ""  # the others: a line each
            result.outputs[f"feedback copies ({len(copies)}{of} returns with problems)"] = out / "feedback"
    return result


def _write_all(out: Path, merged: MergedDataset, problems: list[Problem], framework: Framework,
               state: RoundStatus, result: ReportResult, decisions: Decisions | None = None,
               imprint: Imprint | None = None) -> None:
    from docxform.plan import generate_plan, prefill_rows
    from docxform.reports import render_html, write_summary
    from docxform.reports.consolidated import consolidate

    write_file(out / "merged.json", to_json(merged.to_dict()))
    result.outputs["merged dataset"] = out / "merged.json"
    write_summary(merged, framework, out / "summary.xlsx", problems=problems, plans=state_plans(state, framework),
                  decisions=decisions, imprint=imprint, returned=state.returned_line())
    result.outputs["summary workbook"] = out / "summary.xlsx"
    page = returned_banner(render_html(merged, framework, problems, decisions, imprint.dated() if imprint else None), state)
    write_file(out / "report.html", page)
    result.outputs["HTML report"] = out / "report.html"
    write_file(out / "status.json", to_json(state.to_dict()))
    result.outputs["round status"] = out / "status.json"
    if not merged.respondents:
        return  # nothing returned yet: no agreed form or plan to draft
    consolidate(merged, framework, out / "consolidated.docx", partnership=state.info.partnership,
                layout=state.info.layout, decisions=decisions, imprint=imprint)
    result.outputs["consolidated form"] = out / "consolidated.docx"
    generate_plan(framework, out / "plan.xlsx", prefill=prefill_rows(framework, merged, decisions),
                  partnership=state.info.partnership, imprint=imprint)
    result.outputs["draft plan"] = out / "plan.xlsx"


def round_imprint(store: Store, folder: Path, merged: MergedDataset, framework: Framework) -> Imprint:
    """What the round's outputs say they are: its partnership, framework, name (the folder's) and the
    time the latest current return was received."""
    received = {r.id: r.received_at for r in store.receipts()}
    latest = max((received.get(v.receipt_id, "") for v in current_versions(store)), default="")
    return imprint_of(merged, framework, partnership=store.info().partnership, round_name=folder.resolve().name,
                      data_date=latest)


def state_plans(state: RoundStatus, framework: Framework) -> dict[str, Any] | None:
    """The improvement-plan workbooks received, merged (read again from the round's own copies)."""
    from docxform.core.errors import DocxformError
    from docxform.plan import merge_plans, parse_plan

    results = []
    for stored in state.plans:
        try:
            results.append(parse_plan(stored, framework))
        except DocxformError:
            continue  # it was read when received; a copy that no longer reads is left out, not fatal
    return merge_plans(results) if results else None


def returned_banner(page: str, state: RoundStatus) -> str:
    """The report page with "11 of 12 returned" (and who is outstanding) under its heading."""
    outstanding = [r.name for r in state.respondents if r.state == "outstanding"]
    text = state.returned_line() + (f"; outstanding: {', '.join(outstanding)}" if outstanding else "")
    banner = f'\n<p id="returned"><b>{html.escape(text)}</b></p>'
    marker = "</h1>"
    return page.replace(marker, marker + banner, 1) if marker in page else banner + page


def feedback_hook(store: Store, folder: Path, framework: Framework | None = None, *, author: str = "docxform",
                  notes: list[str] | None = None) -> dict[str, Path]:
    """Feedback copies (docxform.reports.feedback) of the current returns with problems a respondent can put right.

    Each is the round's own copy of the person's current version (never a
    superseded one) with a Word comment in each cell concerned, by ``author``,
    written to ``folder/<name>-<id>.<the format they sent>``: an .odt or .doc
    return is commented through LibreOffice and written back as .odt or .doc.
    A return with problems that gets no copy gets a line in ``notes`` saying
    why. A copy an earlier report wrote for someone
    whose current return has nothing left to put right is removed, so the
    folder never holds feedback that no longer applies (only files of this
    round's own naming are touched). Output name -> path, for the report's list.
    """
    from docxform.core.errors import DocxformError
    from docxform.generate.respondents import slugify
    from docxform.records.response import Response
    from docxform.reports.feedback import RESPONDENT_CODES, WRITTEN_BACK, feedback_copy
    from docxform.validate.rules import validate_return

    fw = framework or load_framework(store.info().framework)
    receipts = {r.id: r for r in store.receipts()}
    people = {p.id: p for p in store.people()}
    written: dict[str, Path] = {}
    for version in current_versions(store):
        source = store.folder / receipts[version.receipt_id].stored
        data = Response.from_dict(version.parsed)
        problems = [p for p in validate_return(data, fw, expected=fw, stage="survey") if p.code in RESPONDENT_CODES]
        person = people.get(version.person_id or -1)
        if not problems or person is None:
            continue
        dest = folder / f"{slugify(person.name)}-{person.id}{source.suffix.lower()}"
        try:
            feedback_copy(source, problems, dest, framework=fw, author=author, response=data)
        except DocxformError as error:
            # the return's problems are still in the summary; the coordinator is told why there is no copy
            sent = receipts[version.receipt_id].name
            (notes if notes is not None else []).append(f"no feedback copy for {person.name} ({sent}): {error.cause}")
            continue
        written[f"feedback for {person.name}"] = dest
    for person in people.values():
        for suffix in (".docx", ".docm", *WRITTEN_BACK):
            stale = folder / f"{slugify(person.name)}-{person.id}{suffix}"
            if stale not in written.values():
                stale.unlink(missing_ok=True)
    return written
