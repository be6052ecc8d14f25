"""The survey as one job: parse -> validate -> merge -> summarise (``docxform collate``).

Named stages, each a library function of its own; this module only chains
them and records where every output went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docxform.core.errors import DocxformError, FileError
from docxform.core.problems import Problem, counted
from docxform.framework.model import Framework
from docxform.io.boundary import guarded
from docxform.io.files import output_folder, write_file
from docxform.parse.inputs import (
    batch_framework,
    expand_paths,
    load_inputs,
    parse_files,
    plan_refused,
    require_some,
    save_parsed,
    to_json,
)
from docxform.records.response import Response
from docxform.survey.identity import in_later_order, merge_summary

if TYPE_CHECKING:
    from docxform.records.plan import MergedPlans, PlanResult
    from docxform.survey.consensus import Rule
    from docxform.validate.rules import ValidationReport


def read_plan_workbook(path: Path, framework: Framework | None) -> PlanResult:
    """A plan workbook's record, for the parse of a batch that may hold plans (``parse``, ``collate``).

    :mod:`docxform.plan` (and openpyxl) is loaded only when a workbook is among the inputs; the parse
    stage below the plans is given this reader rather than importing them.
    """
    from docxform.plan import parse_plan

    return parse_plan(path, framework)


@dataclass
class SummaryResult:
    workbook: Path
    html: Path | None
    errors: list[FileError] = field(default_factory=list)


@dataclass
class CollateResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    errors: list[FileError] = field(default_factory=list)
    returns: int = 0
    error_count: int = 0
    warning_count: int = 0
    merge_line: str = ""
    #: Why collate stopped after parsing (the returns belong to several frameworks), or None.
    stopped: str | None = None

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def lines(self) -> list[str]:
        if self.stopped:
            return [f"{counted(self.returns, 'return')} read; not validated, merged or summarised: {self.stopped}",
                    *(f"{name}: {path}" for name, path in self.outputs.items())]
        out = [f"{counted(self.returns, 'return')} read; {counted(self.error_count, 'error')} and "
               f"{counted(self.warning_count, 'warning')} "
               "found by validation"]
        out += [self.merge_line] if self.merge_line else []
        out += [f"{name}: {path}" for name, path in self.outputs.items()]
        return out


def _problems_of(returns: list[Response], framework: Framework) -> list[Problem]:
    return _report_of(returns, framework, []).problems


def _report_of(returns: list[Response], framework: Framework, unreadable: list[FileError]) -> ValidationReport:
    """The validation report of returns already parsed (the same report ``docxform validate`` gives)."""
    from docxform.records.response import respondent_label
    from docxform.validate.rules import FileReport, ValidationReport, validate_return

    report = ValidationReport(item_name=framework.item_name)
    for data in returns:
        report.files.append(FileReport(path=data.source_path, respondent=respondent_label(data),
                                       problems=validate_return(data, framework, expected=framework)))
    report.files += [FileReport(path=e.path, respondent="", error=e.message, error_code=e.code) for e in unreadable]
    return report


def summarise_inputs(inputs: list[str], workbook: Path, *, html: Path | None = None, plans: list[Path] | None = None,
                     framework: str | None = None, rule: Rule | None = None) -> SummaryResult:
    """Returns (.docx or parse JSON) or one merged dataset -> summary workbook (+ HTML).

    ``rule`` decides disputes; a merged dataset keeps its own rule unless one is given.
    """
    from docxform.records.merged import MergedDataset, check_against
    from docxform.reports import render_html, write_summary
    from docxform.survey.merge import merge_returns, rejudge

    loaded = load_inputs(list(expand_paths(inputs)), kinds=("form", "merged"))
    errors, returns = loaded.errors, loaded.returns
    require_some([*returns, *loaded.merged], errors)
    if len(loaded.merged) > 1 or (loaded.merged and returns):
        raise DocxformError(None, "summarise takes returns, or one merged dataset: not several datasets, nor "
                            "a dataset with returns (merge them all with docxform merge first)")
    fw = batch_framework([*returns, *loaded.datasets], errors, framework,
                         source=loaded.merged[0][0] if loaded.merged else None)
    problems = _problems_of(returns, fw)
    merged: MergedDataset
    if loaded.merged:
        path, given = loaded.merged[0]
        check_against(given, fw, path)  # a wrong id or level: one line naming the file
        merged = rejudge(given, fw, rule) if rule else given
    else:
        merged = merge_returns(in_later_order(returns), fw, validated=True, consensus=rule)
    plan_data = _plans(plans or [], fw, errors)
    write_summary(merged, fw, workbook, problems=problems, plans=plan_data)
    if html:
        write_file(html, render_html(merged, fw, problems))
    return SummaryResult(workbook, html, errors)


def _plans(paths: list[Path], fw: Framework, errors: list[FileError]) -> MergedPlans | None:
    if not paths:
        return None
    from docxform.plan import merge_plans, parse_plan

    results = []
    for path in paths:
        result, error = guarded(path, lambda: parse_plan(path, fw))  # noqa: B023 - called at once
        if result is not None:
            results.append(result)
        elif error is not None:
            errors.append(error)
    return merge_plans(results) if results else None


def latest_saved(returns: list[Response]) -> str:
    """The latest last-saved time among the returns (the date of the data, without a round); "" if none says."""
    from docxform.oxml.coreprops import last_saved

    times = [last_saved(r.source_path) for r in returns if r.source_path.lower().endswith(".docx")]
    return max((t for t in times if t), default="")


def collate(inputs: list[Path], out: Path, *, framework: str | None = None, jobs: int = 1,
            rule: Rule | None = None) -> CollateResult:
    """Parse every return, validate, merge and summarise into ``out``."""
    from docxform.records.imprint import imprint_of
    from docxform.reports import render_html, write_summary
    from docxform.survey.merge import merge_returns

    result = CollateResult()
    output_folder(out, create=True)
    parsed_dir = out / "parsed"
    returns: list[Response] = []
    paths = list(expand_paths([str(i) for i in inputs]))
    parsed = parse_files(paths, framework=framework, jobs=jobs, read_plan=read_plan_workbook)
    for outcome in save_parsed(parsed, parsed_dir, paths):
        if outcome.error is not None:
            result.errors.append(outcome.error)
        elif isinstance(outcome.record, Response):
            returns.append(outcome.record)
        elif outcome.record is not None:  # a plan workbook: its JSON is written, but it is nobody's return
            result.errors.append(plan_refused(outcome.path))
    result.returns = len(returns)
    result.outputs["parsed returns"] = parsed_dir
    require_some(returns, result.errors)
    try:
        fw = batch_framework(returns, given=framework)
    except DocxformError as exc:  # each unreadable file's own line is kept, then why the rest cannot go on
        result.stopped = exc.describe()
        return result
    validation_report = _report_of(returns, fw, result.errors)
    problems = validation_report.problems
    result.error_count, result.warning_count = validation_report.errors, validation_report.warnings
    validation = out / "validation.json"
    write_file(validation, to_json(validation_report.to_dict()))
    write_file(out / "validation.txt", validation_report.to_text() + "\n")
    result.outputs["validation report"] = validation
    result.outputs["validation report (text)"] = out / "validation.txt"
    merged = merge_returns(in_later_order(returns), fw, validated=True, consensus=rule)
    result.merge_line = merge_summary(merged)
    merged_path = out / "merged.json"
    write_file(merged_path, to_json(merged.to_dict()))
    result.outputs["merged dataset"] = merged_path
    workbook = out / "summary.xlsx"
    imprint = imprint_of(merged, fw, data_date=latest_saved(returns))
    write_summary(merged, fw, workbook, problems=problems, imprint=imprint)
    result.outputs["summary workbook"] = workbook
    report = out / "report.html"
    write_file(report, render_html(merged, fw, problems, imprint=imprint))
    result.outputs["HTML report"] = report
    return result
