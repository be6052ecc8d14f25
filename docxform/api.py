"""The library functions behind every CLI command, one per command, same names.

The CLI only parses options and prints; everything it does can be done from
Python through these functions (and the tests compare the two).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from docxform.core.errors import DocxformError, FileError
from docxform.core.jsontypes import JsonObject
from docxform.core.problems import Problem
from docxform.framework import BUILTIN_IDS, check_definition, load_framework
from docxform.framework.model import Framework
from docxform.io.files import write_file
from docxform.io.safety import shown
from docxform.parse.inputs import (
    ParseOutcome,
    batch_framework,
    expand_paths,
    load_inputs,
    parse_files,
    read_json,
    require_some,
    save_parsed,
    to_json,
)

if TYPE_CHECKING:  # imported by the commands that use them: a parse run never loads the writer, collate or validate
    from docxform.generate.output import GeneratedForm
    from docxform.pipeline.collate import CollateResult, SummaryResult
    from docxform.records.comparison import Comparison
    from docxform.records.merged import MergedDataset
    from docxform.reports.feedback import FeedbackOutcome
    from docxform.validate.rules import ValidationReport

__all__ = [
    "DefinitionCheck",
    "FrameworkInfo",
    "MergeResult",
    "ParseBatch",
    "ParseOutcome",
    "check_framework",
    "check_frameworks",
    "collate",
    "compare",
    "consolidate",
    "feedback",
    "framework",
    "frameworks",
    "generate_form",
    "generate_plan",
    "merge",
    "parse",
    "round_add",
    "round_agree",
    "round_assign",
    "round_drafts",
    "round_feedback",
    "round_ingest",
    "round_problems",
    "round_report",
    "round_start",
    "round_status",
    "round_undo",
    "round_verify",
    "round_withdraw",
    "show",
    "shown",
    "summarise",
    "to_json",
    "validate",
]

if TYPE_CHECKING:
    from docxform.round.corrections import Added, Correction
    from docxform.round.drafts import Draft
    from docxform.round.ingest import IngestLine, IngestResult
    from docxform.round.problems import RespondentProblems
    from docxform.round.report import ReportResult
    from docxform.round.start import StartResult
    from docxform.round.status import RoundStatus
    from docxform.round.verify import VerifyResult


class FrameworkInfo(TypedDict):
    """One row of ``docxform frameworks``."""

    id: str
    version: str
    title: str
    themes: int
    items: int
    item_name: str
    prompts: int
    rating_levels: int
    layouts: list[str]


def frameworks() -> list[FrameworkInfo]:
    """The built-in frameworks with their counts."""
    out: list[FrameworkInfo] = []
    for fid in BUILTIN_IDS:
        fw = load_framework(fid)
        out.append({"id": fw.id, "version": fw.version, "title": fw.title, "themes": len(fw.themes),
                    "items": len(fw.items), "item_name": fw.item_name,
                    "prompts": sum(len(i.prompts) for i in fw.items),
                    "rating_levels": len(fw.rating_scale.levels) if fw.rating_scale else 0,
                    "layouts": [f.id for f in fw.forms]})
    return out


def framework(framework: str) -> Framework:
    """The framework model (a built-in id or a definition file): its themes, items and rating scale."""
    return load_framework(framework)


def show(framework: str) -> str:
    """An outline of a framework: themes, items with their prompts, fields, layouts."""
    fw = load_framework(framework)
    lines = [f"{fw.title}", f"id {fw.id}, version {fw.version}; {len(fw.themes)} themes, {len(fw.items)} "
             f"{fw.item_name}s", ""]
    if fw.rating_scale:
        lines.append("Rating: " + " / ".join(f"{lv.name} ({lv.key})" for lv in fw.rating_scale.levels))
    lines.append("Fields: " + ", ".join(f"{f.label} ({f.key})" for f in fw.fields))
    lines.append("Layouts: " + ", ".join(f.id for f in fw.forms))
    for theme in fw.themes:
        lines += ["", f"{theme.heading}"]
        if theme.intro:
            lines.append(f"  {theme.intro}")
        for item in fw.items_in(theme.id):
            lines.append(f"  {item.id}  {item.text}")
            for prompt in item.prompts:
                lines.append(f"        - {'(' + prompt.id + ') ' if prompt.id else ''}{prompt.text}")
    return "\n".join(lines)


def check_framework(path: str | Path) -> tuple[Framework | None, list[Problem]]:
    """Check a user's definition file; the model when usable, and every problem found."""
    return check_definition(path)


@dataclass
class DefinitionCheck:
    """One definition file's verdict for ``check-framework``: its model when usable, or why not."""

    file: str
    framework: Framework | None
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.framework is not None and self.error is None

    def to_dict(self) -> JsonObject:
        out: JsonObject = {"file": self.file, "ok": self.ok, "problems": [p.to_dict() for p in self.problems]}
        if self.error is not None:
            out["error"] = self.error
        return out


def check_frameworks(files: Sequence[str | Path]) -> list[DefinitionCheck]:
    """Check many definition files; one that cannot be read at all is reported and the rest still checked."""
    out = []
    for file in files:
        try:
            fw, problems = check_definition(file)
        except DocxformError as exc:
            out.append(DefinitionCheck(str(file), None, error=exc.describe()))
            continue
        out.append(DefinitionCheck(str(file), fw, problems))
    return out


def generate_form(framework: str | Framework, output: str | Path, *, layout: str | None = None,
                  guidance: bool = False, protect: bool = False, partnership: str = "",
                  respondents: str | Path | None = None, mapping_dir: str | Path | None = None
                  ) -> list[GeneratedForm]:
    """One form to ``output`` (a .docx), or one per respondent into ``output`` (a folder)."""
    from docxform.generate.form import FormOptions
    from docxform.generate.output import form_layout, write_forms
    from docxform.generate.respondents import read_respondents

    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    form_layout(fw, layout)  # an unknown layout is refused before the respondents list is read
    people = read_respondents(Path(respondents)) if respondents is not None else None
    return write_forms(fw, Path(output), FormOptions(layout=layout, guidance_annex=guidance, protect=protect),
                       people=people, partnership=partnership,
                       mapping_folder=Path(mapping_dir) if mapping_dir else None)


def parse(paths: Sequence[str | Path], *, mapping: str | None = None, framework: str | None = None,
          jobs: int = 1, output: str | Path | None = None, mapping_dir: str | Path | None = None) -> ParseBatch:
    """Parse returns (forms or plans; folders give their forms); one outcome per file, in input order.

    ``output``, when given, is where the JSON goes: a folder (it ends in "/", already is one, or
    there are several inputs) gets ``<input name>.json`` per file; otherwise it is the one file
    to write. Each outcome's ``record`` is the parsed record (a ``Response``, or a ``PlanResult``
    for a plan workbook), ``result`` its JSON, and ``written`` says where that JSON went. A bad ``mapping`` or
    ``framework`` stops the batch at once (one line), rather than failing every file.
    ``mapping_dir`` is a folder of the user's mappings: a mapping id a return names is also looked
    for there (as ``<id>.yaml``), besides the shipped ones and the form's own folder.
    """
    from docxform.pipeline.collate import read_plan_workbook  # plans (openpyxl) only when a batch holds one

    files = expand_paths([str(p) for p in paths])
    if output is not None and not is_folder_target(output, len(files)):
        _refuse_overwriting_an_input(Path(output), files)
    outcomes: Iterator[ParseOutcome] = parse_files(files, mapping=mapping, framework=framework, jobs=jobs,
                                                   mapping_dir=mapping_dir, read_plan=read_plan_workbook)
    if output is not None and is_folder_target(output, len(files)):
        outcomes = save_parsed(outcomes, Path(output), files)
    elif output is not None:
        outcomes = _save_one(outcomes, Path(output))
    return ParseBatch(files, outcomes)


def _refuse_overwriting_an_input(target: Path, inputs: list[Path]) -> None:
    """Inputs are only ever read: ``parse x.docx -o x.docx`` would replace the return with its JSON."""
    resolved = target.resolve()
    for path in inputs:
        if path.resolve() == resolved:
            raise DocxformError(target, "is one of the inputs; write the JSON elsewhere (inputs are never changed)")


class ParseBatch:
    """The outcomes of :func:`parse` as they arrive, in input order; ``len()`` is the number of files."""

    def __init__(self, files: list[Path], outcomes: Iterator[ParseOutcome]) -> None:
        self.files = files
        self._outcomes = outcomes

    def __iter__(self) -> Iterator[ParseOutcome]:
        return self

    def __next__(self) -> ParseOutcome:
        return next(self._outcomes)

    def __len__(self) -> int:
        return len(self.files)


def is_folder_target(output: str | Path, count: int) -> bool:
    """Whether ``-o`` names a folder: it ends in a separator, exists as one, or several files go there."""
    text = str(output)
    return count > 1 or text.endswith(("/", os.sep)) or Path(output).is_dir()


def _save_one(outcomes: Iterator[ParseOutcome], target: Path) -> Iterator[ParseOutcome]:
    for outcome in outcomes:
        if outcome.result is not None:
            write_file(target, to_json(outcome.result))
            outcome.written = target
        yield outcome


def generate_plan(framework: str, output: str | Path, *, source: str | Path | None = None,
                  partnership: str = "") -> Path:
    """An improvement-plan workbook, prefilled from a parsed return or merged dataset when given."""
    from docxform.plan import generate_plan as write_plan
    from docxform.plan import prefill_rows

    fw = load_framework(framework)
    rows = prefill_rows(fw, read_json(Path(source))) if source else None
    write_plan(fw, Path(output), prefill=rows, partnership=partnership)
    return Path(output)


@dataclass
class MergeResult:
    """What ``docxform merge`` wrote (the dataset, with its counts) and the inputs that could not be read."""

    dataset: MergedDataset  # its to_dict() is what was written
    errors: list[FileError]
    respondents: int
    items: int


def merge(paths: list[str | Path], output: str | Path, *, framework: str | None = None,
          anonymise: bool = False, consensus: str | None = None, threshold: float | None = None
          ) -> MergeResult:
    """Merge returns (.docx or parse JSON) into ``output``; the dataset and the files that failed.

    ``consensus`` and ``threshold`` choose the rule for disputed ratings (see docs/consensus.md).
    """
    from docxform.survey.consensus import make_rule
    from docxform.survey.identity import in_later_order
    from docxform.survey.merge import merge_returns

    rule = make_rule(consensus, threshold)
    loaded = load_inputs(list(expand_paths([str(p) for p in paths])), framework=framework, kinds=("form",))
    returns, errors = loaded.returns, loaded.errors
    require_some(returns, errors)
    fw = batch_framework(returns, errors, framework)
    merged = merge_returns(in_later_order(returns), fw, anonymise=anonymise, consensus=rule)
    write_file(Path(output), to_json(merged.to_dict()))
    return MergeResult(merged, errors, len(merged.respondents), len(merged.items))


def consolidate(merged: str | Path, output: str | Path, *, partnership: str | None = None,
                consensus: str | None = None, threshold: float | None = None) -> GeneratedForm:
    """The form filled with a merged dataset's agreed answers (see :mod:`docxform.reports.consolidated`).

    With ``consensus`` or ``threshold`` the dataset is judged again under that rule first
    (the merged file is not changed); otherwise the rule it was merged with stands.
    """
    from docxform.records.merged import MergedDataset, check_against
    from docxform.reports.consolidated import consolidate as write
    from docxform.survey.consensus import make_rule
    from docxform.survey.merge import rejudge

    rule = make_rule(consensus, threshold) if (consensus or threshold is not None) else None
    data = read_json(Path(merged))
    if data.get("kind") != "merged":
        raise DocxformError(merged, "not a merged dataset (make one with docxform merge)")
    dataset = MergedDataset.from_dict(data, merged)
    fw = batch_framework([dataset], source=merged)
    check_against(dataset, fw, merged)  # a wrong value: one line naming the file
    if rule is not None:
        dataset = rejudge(dataset, fw, rule)
    names = {r.partnership for r in dataset.respondents if r.partnership}
    name = partnership if partnership is not None else (names.pop() if len(names) == 1 else "")
    return write(dataset, fw, Path(output), partnership=name)


def feedback(paths: list[str | Path], output: str | Path, *, framework: str | None = None,
             author: str = "docxform") -> list[FeedbackOutcome]:
    """Each return with problems written to ``output`` with Word comments on them (see :mod:`docxform.reports.feedback`).

    One outcome per return, in order; unreadable ones carry the reason.
    """
    from docxform.reports.feedback import feedback as write

    return write(expand_paths([str(p) for p in paths]), Path(output), framework=framework, author=author)


def validate(paths: list[str | Path], *, framework: str | None = None,
             xlsx: str | Path | None = None, stage: str = "auto") -> ValidationReport:
    """Check returns against their framework's rules; with ``xlsx``, also write the report as a workbook.

    ``stage``: "survey" leaves out the form-level rules (signatories, the
    partnership's date), "partnership" applies them; "auto" treats a form
    issued to one person as a survey response. No inputs at all is an error.
    """
    from docxform.validate.rules import validate_files

    files = expand_paths([str(p) for p in paths])
    if not files:
        raise DocxformError(None, f"no returns found in {', '.join(map(str, paths))}")
    report = validate_files(files, framework, stage=stage)
    if xlsx:
        from docxform.reports.validation import write_validation_workbook  # here: plain validation needs no openpyxl

        write_validation_workbook(report, Path(xlsx))
    return report


def summarise(inputs: list[str], output: str | Path, *, html: str | Path | None = None,
              plans: list[str | Path] | None = None, framework: str | None = None,
              consensus: str | None = None, threshold: float | None = None) -> SummaryResult:
    """Returns or a merged dataset -> the summary workbook (and HTML report).

    ``consensus``/``threshold``: the rule for disputed ratings; a merged dataset given
    as input is judged again only when one of them is given.
    """
    from docxform.pipeline.collate import summarise_inputs
    from docxform.survey.consensus import make_rule

    rule = make_rule(consensus, threshold) if (consensus or threshold is not None) else None
    return summarise_inputs(inputs, Path(output), html=Path(html) if html else None,
                            plans=[Path(p) for p in plans or []], framework=framework, rule=rule)


def collate(inputs: list[str | Path], output: str | Path, *, framework: str | None = None, jobs: int = 1,
            consensus: str | None = None, threshold: float | None = None) -> CollateResult:
    """The whole survey: parse, validate, merge and summarise into a folder."""
    from docxform.pipeline.collate import collate as run
    from docxform.survey.consensus import make_rule

    return run([Path(i) for i in inputs], Path(output), framework=framework, jobs=jobs,
               rule=make_rule(consensus, threshold))


def compare(inputs: Sequence[str | Path], output: str | Path | None = None, *, html: str | Path | None = None,
            labels: Sequence[str] | None = None, arrangement: str = "auto") -> Comparison:
    """Merged datasets (or folders holding one) -> per-standard movement (a :class:`docxform.records.comparison.Comparison`).

    Writes the trend workbook to ``output`` and the page to ``html`` when given.
    ``arrangement``: ``rounds``, ``region`` or ``auto`` (see :mod:`docxform.pipeline.compare`).
    """
    from docxform.pipeline.compare import compare as run
    from docxform.reports.trend import render_trend_html, write_trend_workbook

    comparison = run([Path(i) for i in inputs], labels, arrangement=arrangement)
    if output is not None:
        write_trend_workbook(comparison, Path(output))
    if html is not None:
        write_file(Path(html), render_trend_html(comparison))
    return comparison


def round_start(framework: str, folder: str | Path, *, respondents: str | Path | None = None,
                partnership: str = "", layout: str | None = None, due: str | None = None,
                recipients: str | Path | None = None) -> StartResult:
    """Start a survey round in ``folder``: forms to send and the round's store (:mod:`docxform.round`).

    ``respondents``: a personalised form each; ``recipients``: who the one generic form goes to.
    """
    from docxform.round.start import start

    return start(framework, folder, respondents=respondents, partnership=partnership, layout=layout, due=due,
                 recipients=recipients)


def round_ingest(folder: str | Path, paths: Sequence[str | Path], *, names: Mapping[Path, str] | None = None,
                 on_line: Callable[[IngestLine], None] | None = None) -> IngestResult:
    """Receive returns (files, folders, .eml, Outlook .msg, mbox) into a round; one outcome line per file.

    ``names``: the name a file was received under, where its path is not it (an upload through
    the console, kept under a name the server made; the name is display text only).
    ``on_line`` is called with each line as soon as its file is done.
    """
    from docxform.round.ingest import ingest

    return ingest(folder, list(paths), names=names, on_line=on_line)


def round_status(folder: str | Path, today: str | None = None, chase: str | Path | None = None) -> RoundStatus:
    """Who returned, who is outstanding, versions and problem counts (a :class:`docxform.round.RoundStatus`).

    ``today`` (YYYY-MM-DD): once the round's due date is before it, outstanding people are overdue.
    ``chase``: write the outstanding people to this CSV, and one e-mail draft each (their form attached)
    to the folder beside it named ``<CSV stem>-drafts`` (``RoundStatus.drafts`` lists them).
    """
    from docxform.round.status import status, write_chase

    state = status(folder, today)
    if chase is not None:
        write_chase(state, Path(folder), Path(chase))
    return state


def round_assign(folder: str | Path, receipt: int, *, to: str | None = None, new: bool = False,
                 reason: str = "") -> Correction:
    """Receipt number ``receipt`` is ``to``'s return, or (``new``) a new respondent's; settles a held return."""
    from docxform.round.corrections import assign

    return assign(folder, receipt, to=to, new=new, reason=reason)


def round_add(folder: str | Path, respondents: str | Path, *, reason: str = "") -> Added:
    """More respondents mid-round (a CSV like --respondents): a personalised form each, in ``forms/``."""
    from docxform.round.corrections import add

    return add(folder, respondents, reason=reason)


def round_withdraw(folder: str | Path, receipt: int | None = None, *, person: str | None = None,
                   reason: str = "") -> Correction:
    """A return (receipt number), or a person, no longer counts."""
    from docxform.round.corrections import withdraw

    return withdraw(folder, receipt, person=person, reason=reason)


def round_agree(folder: str | Path, item: str, level: str, *, note: str = "", reason: str = "") -> Correction:
    """The meeting's agreed level for standard ``item`` (a level key or name), used by the consolidated form
    and the plan, marked as agreed at the meeting."""
    from docxform.round.corrections import agree

    return agree(folder, item, level, note=note, reason=reason)


def round_undo(folder: str | Path, event: int, *, reason: str = "", kind: str | None = None) -> Correction:
    """Undo correction number ``event`` (of ``kind``, when given): the outputs are again as before it."""
    from docxform.round.corrections import undo

    return undo(folder, event, reason=reason, kind=kind)


def round_report(folder: str | Path, output: str | Path | None = None, *, author: str = "docxform") -> ReportResult:
    """The round's outputs from its current returns (summary, HTML, merged.json, consolidated form, plan,
    feedback copies whose comments are by ``author``)."""
    from docxform.round.report import report

    return report(folder, output, author=author)


def round_verify(folder: str | Path) -> VerifyResult:
    """Check a round: its store (SQLite's integrity check) and every received copy against its hash.

    Says what is missing or altered and how to restore it (a :class:`docxform.round.verify.VerifyResult`).
    """
    from docxform.round.verify import verify

    return verify(folder)


def round_problems(folder: str | Path) -> list[RespondentProblems]:
    """Each respondent with a current return, and the problems found in it (survey-stage validation)."""
    from docxform.round.problems import problems

    return problems(folder)


def round_feedback(folder: str | Path, person: int, output: str | Path) -> Path | None:
    """The feedback copy of one person's current return (by person id) to ``output``; None when it has nothing to put right."""
    from docxform.round.problems import feedback_for

    return feedback_for(folder, person, Path(output))


def round_drafts(folder: str | Path) -> list[Draft]:
    """An e-mail draft (.eml, marked unsent, the form attached) for each person issued a personalised form."""
    from docxform.round.drafts import drafts

    return drafts(folder)
