"""The round's outputs from its current returns, in one go.

Everything is computed from the store (the parsed returns it holds), never
from the inbox, so emptying the inbox and reporting again gives the same
outputs. Feedback copies of the returns with problems (Word comments in the
cells concerned) come from :mod:`docxform.reports.feedback`: see :func:`feedback_copies`.
"""

from __future__ import annotations

import atexit
import json
import os
import shlex
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem
from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.io.files import output_folder, write_file
from docxform.io.safety import shown
from docxform.records.decisions import Decisions
from docxform.records.imprint import Imprint, imprint_of
from docxform.records.merged import MergedDataset
from docxform.records.plan import MergedPlans
from docxform.records.response import Response
from docxform.records.round import Person, Receipt, Version
from docxform.round.status import RoundRecords, RoundStatus, current_of, read_round, status_of
from docxform.round.store import open_store
from docxform.survey.merge import merge_returns
from docxform.validate.rules import validate_return

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


@dataclass
class CurrentReturn:
    """One person's current return, read from the store and validated once per command."""

    version: Version
    record: Response
    #: The survey-stage findings (docxform.validate.rules): the summary's, the page's and the feedback's.
    problems: list[Problem]


def current_returns(records: RoundRecords, framework: Framework) -> list[CurrentReturn]:
    """The current return of every person (the latest version), each parsed from its stored JSON and validated once."""
    out = []
    for version in current_of(records):
        record = Response.from_dict(version.parsed)  # the store keeps each return's parse JSON
        _name_the_version(record, records.receipts[version.receipt_id])
        out.append(CurrentReturn(version, record,
                                 validate_return(record, framework, expected=framework, stage="survey")))
    return out


def _name_the_version(record: Response, receipt: Receipt) -> None:
    """The file a current return and its findings are named by in every output: the name it was received
    under, with its receipt number and date, so a sheet says which of a person's versions the answers and
    problems are from (two versions, or two people's returns, are often both "form.docx")."""
    label = f"{receipt.name} (receipt {receipt.id}, {receipt.when[:10]})"
    record.problems = [replace(p, file=label) if p.file == record.source_path else p for p in record.problems]
    record.source_path = label


def current_merged(folder: str | Path) -> MergedDataset:
    """The merged dataset of the round's current returns (one per person, the latest version)."""
    with open_store(folder, readonly=True) as store, store.reading():  # one snapshot
        records = read_round(store)
    framework = load_framework(records.info.framework)
    return _merged(records, current_returns(records, framework), framework)


CURRENT = "current-merged.json"


def write_current_merged(folder: str | Path) -> Path:
    """Write :func:`current_merged` to ``folder/current-merged.json`` (what ``docxform compare DIR`` reads).

    A round that cannot be written (a colleague's read-only copy) is still
    compared: the dataset then goes to a temporary file, removed at exit.
    """
    text = to_json(current_merged(folder).to_dict())
    target = Path(folder) / CURRENT
    if not writable(Path(folder)):
        private = Path(tempfile.mkdtemp(prefix="docxform-compare-"))
        atexit.register(shutil.rmtree, private, True)
        target = private / CURRENT
    write_file(target, text)
    return target


def writable(folder: Path) -> bool:
    """Whether files can be made in ``folder`` (its permissions and its medium)."""
    try:
        return os.access(folder, os.W_OK) and not os.statvfs(folder).f_flag & os.ST_RDONLY
    except OSError:
        return False


def _merged(records: RoundRecords, current: list[CurrentReturn], framework: Framework) -> MergedDataset:
    """Merge the current returns; respondents carry their organisation and role from the round.

    The returns were validated (:func:`current_returns`) and their findings go out beside the dataset,
    so the merge leaves the per-return findings to validation (``validated``): each is listed once.
    """
    people = {p.id: p for p in records.people}
    # One current return per person, as the round decided (evidence and corrections): labelled by the person,
    # two people of one name told apart (docxform.round.status.distinct_names).
    labels = records.labels()
    names = [labels.get(c.version.person_id or -1, "") for c in current]
    merged = merge_returns([c.record for c in current], framework, validated=True, names=names)
    _add_organisations(merged, current, people)
    return merged


def _add_organisations(merged: MergedDataset, current: list[CurrentReturn], people: dict[int, Person]) -> None:
    by_sha = {c.record.source_sha256: people.get(c.version.person_id or -1) for c in current}
    for entry in merged.respondents:
        person = by_sha.get(entry.source.sha256)
        entry.organisation = person.organisation if person else ""
        entry.role = person.role if person else ""


def report(folder: str | Path, output: str | Path | None = None, *, author: str = "docxform") -> ReportResult:
    """Summary workbook, HTML report, merged.json, consolidated form, draft plan and feedback copies (their
    comments by ``author``) into ``output``.

    The store is read once, and each current return parsed from its JSON and validated once;
    every output is made from those records.
    """
    folder = Path(folder)
    out = Path(output) if output else folder / REPORT
    with open_store(folder, readonly=True) as store, store.reading():  # one snapshot for every output
        if output is None and not writable(out if out.is_dir() else folder):
            raise DocxformError(out, "cannot write the report into a round that is read-only here",
                                hint=f"give another folder: docxform round report {shlex.quote(str(folder))} -o OUT")
        records = read_round(store)
    framework = load_framework(records.info.framework)
    current = current_returns(records, framework)
    merged = _merged(records, current, framework)
    problems = [p for c in current for p in c.problems]
    state = status_of(records)
    result = ReportResult(returned=state.returned_line())
    output_folder(out, create=True)
    _write_all(out, merged, problems, framework, state, result, decisions=state.decisions,
               imprint=round_imprint(records, current, folder, merged, framework))
    copies = feedback_copies(records, current, out / "feedback", framework, author=author, notes=result.notes)
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
    page = render_html(merged, framework, problems, decisions, imprint.dated() if imprint else None,
                       returned=returned_text(state))
    write_file(out / "report.html", page)
    result.outputs["HTML report"] = out / "report.html"
    write_file(out / "status.json", to_json(state.to_dict(undone=False)))
    result.outputs["round status"] = out / "status.json"
    if not merged.respondents:
        return  # nothing returned yet: no agreed form or plan to draft
    consolidate(merged, framework, out / "consolidated.docx", partnership=state.info.partnership,
                layout=state.info.layout, decisions=decisions, imprint=imprint)
    result.outputs["consolidated form"] = out / "consolidated.docx"
    generate_plan(framework, out / "plan.xlsx", prefill=prefill_rows(framework, merged, decisions),
                  partnership=state.info.partnership, imprint=imprint)
    result.outputs["draft plan"] = out / "plan.xlsx"


def round_imprint(records: RoundRecords, current: list[CurrentReturn], folder: Path, merged: MergedDataset,
                  framework: Framework) -> Imprint:
    """What the round's outputs say they are: its partnership, framework, name (the folder's) and the
    date of the latest current return, by the time the round dates it (``Receipt.when``: the plausible
    e-mail Date, else the last-saved time, else the time received; one owner, as for the status)."""
    latest = max((records.receipts[c.version.receipt_id].when for c in current), default="")
    return imprint_of(merged, framework, partnership=records.info.partnership, round_name=folder.resolve().name,
                      data_date=latest)


def state_plans(state: RoundStatus, framework: Framework) -> MergedPlans | None:
    """The improvement-plan workbooks received, merged (read again from the round's own copies)."""
    from docxform.plan import merge_plans, parse_plan

    results = []
    for stored in state.plans:
        try:
            results.append(parse_plan(stored, framework))
        except DocxformError:
            continue  # it was read when received; a copy that no longer reads is left out, not fatal
    return merge_plans(results) if results else None


def returned_text(state: RoundStatus) -> str:
    """ "11 of 12 returned" (and who is outstanding, and how many returns are held), as the report page shows
    it under its heading."""
    outstanding = [r.name for r in state.respondents if r.state == "outstanding" and r.issued]
    held = len(state.held)
    return shown(state.returned_line() + (f"; outstanding: {', '.join(outstanding)}" if outstanding else "") + (
        f"; {held} return{'s' if held != 1 else ''} held for the coordinator's decision (conflicting evidence "
        "of who sent it), not counted" if held else ""))


def feedback_copies(records: RoundRecords, current: list[CurrentReturn], folder: Path, framework: Framework, *,
                    author: str = "docxform", notes: list[str] | None = None) -> dict[str, Path]:
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
    The problems are the ones :func:`current_returns` found: nothing is read or validated again.
    """
    from docxform.generate.respondents import slugify
    from docxform.reports.feedback import RESPONDENT_CODES, WRITTEN_BACK, feedback_copy

    people = {p.id: p for p in records.people}
    labels = records.labels()  # two people of one name: two entries, not one overwriting the other
    written: dict[str, Path] = {}
    for entry in current:
        source = records.folder / records.receipts[entry.version.receipt_id].stored
        problems = [p for p in entry.problems if p.code in RESPONDENT_CODES]
        person = people.get(entry.version.person_id or -1)
        if not problems or person is None:
            continue
        dest = folder / f"{slugify(person.name)}-{person.id}{source.suffix.lower()}"
        try:
            feedback_copy(source, problems, dest, framework=framework, author=author, response=entry.record)
        except DocxformError as error:
            # the return's problems are still in the summary; the coordinator is told why there is no copy
            sent = records.receipts[entry.version.receipt_id].name
            (notes if notes is not None else []).append(
                f"no feedback copy for {labels[person.id]} ({sent}): {error.cause}")
            continue
        written[f"feedback for {labels[person.id]}"] = dest
    for person in people.values():
        for suffix in (".docx", ".docm", *WRITTEN_BACK):
            stale = folder / f"{slugify(person.name)}-{person.id}{suffix}"
            if stale not in written.values():
                stale.unlink(missing_ok=True)
    return written
