"""Check parsed returns against the framework's rules, which are data.

Chapter 3 of the 2003 guidance asks for evidence behind every rating,
specific enough to be checked ("references to 'meeting minutes' are not
considered sufficiently specific"), improvement goals where a gap is found,
and endorsement by the named signatories. A framework states these as
``rules`` (see :class:`docxform.framework.model.Rules`); this module applies
them to each return (its typed record, :class:`docxform.records.response.Response`:
a form parsed in this run, or a parse JSON read and shape-checked here by
:func:`load_return`) and reports problems, never raising for anything short
of an unreadable file. docs/validation.md lists every
code, what triggers it and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docxform.core.problems import Problem, counted, problem, problem_from_dict, severity_count
from docxform.framework.choice import framework_for, mismatch
from docxform.framework.model import FormField, Framework
from docxform.io.boundary import guarded
from docxform.io.files import read_json_input
from docxform.records.response import ItemAnswer, Response, check_return, respondent_label, text_value

#: A parse JSON bigger than this is not a return (a 20-standard form is ~50 kB).
MAX_RETURN_BYTES = 64 * 1024 * 1024
#: Parse codes that already say the rating is missing, so the rule does not say it again.
RATING_PARSE_CODES = frozenset({"rating-missing", "rating-ambiguous", "rating-unclear", "item-not-found"})

# Words that say what kind of document, not which one. Evidence made only of
# these (and the framework's vague terms) names nothing a reader could find.
_GENERIC_TEXT = """
a an and the of in on at for to from by with see per as our their its all various several
other others some any relevant related available file files held kept records record
partnership partnerships cdrp cdrps dat dats partner partners agency agencies member members
meeting meetings minute minutes note notes paper papers document documents documentation doc docs
report reports review reviews audit audits evidence plan plans strategy strategies action
group groups board boards committee committees steering sub subgroup sub-group management
internal external annual regular monthly quarterly previous recent latest current
best value district council
"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def load_return(path: str | Path) -> Response:
    """Read one parse JSON (``docxform parse`` output), check it is a docxform return, and give its record.

    Only the shape is checked (kinds and types the later stages rely on),
    so a hand-edited or foreign file fails here with one clear line rather
    than deep inside the merge. Raises :class:`DocxformError`.
    """
    path = Path(path)
    data = read_json_input(path, limit=MAX_RETURN_BYTES, what="parsed return")
    check_return(data, path)
    return Response.from_dict(data)


#: Validation stages: a survey response is one person's view; the partnership's return is the endorsed form.
#: "auto": a personalised form (issued to one person) is a survey response, any other form the partnership's.
STAGES = ("auto", "survey", "partnership")


def stage_of(data: Response, stage: str = "auto") -> str:
    """The stage a return is validated at: as asked, or for "auto" by whether the form was issued to a person."""
    if stage != "auto":
        return stage
    respondent = data.respondent
    return "survey" if isinstance(respondent, str) and respondent.strip() else "partnership"


def validate_return(data: Response, framework: Framework, *, expected: Framework | None = None,
                    stage: str = "auto") -> list[Problem]:
    """The return's own parse problems, then the framework's rules applied to it.

    ``stage`` "survey" leaves out the form-level rules (required form fields,
    signatories): a survey respondent is not meant to sign for the
    partnership or date its assessment; those apply to the partnership's
    return (the consolidated form).

    ``expected`` is the framework the caller asked for; without it the
    return must belong to ``framework`` itself. A return of another
    framework or version gets framework-mismatch and no rule checks, since
    its items are not the ones the rules talk about.
    """
    file = text_value(data.source_path) or None
    problems = [p if p.file else replace(p, file=file) for p in data.problems]
    target = expected or framework
    other = mismatch("the return is", (data.framework_id, data.framework_version), target,
                     outcome="its answers were not checked", file=file,
                     hint="validate it against its own framework, or send the respondent the right form")
    if other is not None:
        if not any(p.code == other.code for p in problems):  # the parse found it first
            problems.append(other)
    else:
        problems.extend(check_items(data, framework, file, problems))
        if stage_of(data, stage) != "survey":
            problems.extend(check_fields(data, framework, file))
    problems.sort(key=_order(framework))
    return problems


def check_items(data: Response, framework: Framework, file: str | None,
                parse_problems: Sequence[Problem] = ()) -> list[Problem]:
    """The per-standard rules: rating, evidence (present and specific), goals."""
    already = {p.item for p in parse_problems if p.code in RATING_PARSE_CODES}
    out: list[Problem] = []
    for item in framework.items:
        answer = data.items.get(item.id) or ItemAnswer()
        rating, found = _rating_problems(item.id, answer, framework, file, already)
        out.extend(found)
        out.extend(_evidence_problems(item.id, answer, rating, framework, file))
        out.extend(_goal_problems(item.id, answer, rating, framework, file))
    return out


def _rating_problems(item_id: str, answer: ItemAnswer, framework: Framework, file: str | None,
                     already: set[str | None]) -> tuple[str | None, list[Problem]]:
    """The rating the other rules go by (None when not a level of the scale), and its problems.

    A rating that is not a level is reported once as rating-unclear and then
    counts as no rating, without a second rating-missing; so does an item
    whose rating the parser already reported (``already``, updated here).
    """
    scale = framework.rating_scale
    rating = answer.rating
    out: list[Problem] = []
    unclear = off_scale(rating, framework, item=item_id, file=file) if scale is not None else None
    if unclear is not None:
        out.append(unclear)
        rating = None
        already.add(item_id)
    if rating is None and framework.rules.rating_required and scale is not None and item_id not in already:
        name = framework.item_name
        out.append(problem(
            "rating-missing", f"{name} {item_id} has no rating",
            file=file, item=item_id, field="rating", **_where(answer, "rating"),
            hint="tick one rating level for every " + name))
    return rating, out


def off_scale(rating: object, framework: Framework, *, item: str, file: str | None, who: str = "",
              outcome: str = "") -> Problem | None:
    """rating-unclear when a rating read from a parse JSON is not a level of the scale (None when it is, or absent).

    The one rule for it: validation asks it for each return, and the merge of returns nobody
    validated asks it too (``who`` names the respondent there, ``outcome`` what the merge did).
    """
    scale = framework.rating_scale
    if rating is None or (scale is not None and isinstance(rating, str) and rating in scale.keys):
        return None
    return problem("rating-unclear", f"{who + ': ' if who else ''}rating {rating!r} is not a level of the scale"
                   + (f"; {outcome}" if outcome else ""), file=file, item=item, field="rating",
                   hint=f"use one of: {', '.join(scale.keys)}" if scale is not None else None)


def _level_name(framework: Framework, rating: str | None) -> str:
    """The rating's level as the messages say it ("partial"), or "" when there is none."""
    scale = framework.rating_scale
    return scale.level(rating).name.lower() if scale is not None and rating is not None else ""


def _evidence_problems(item_id: str, answer: ItemAnswer, rating: str | None, framework: Framework,
                       file: str | None) -> list[Problem]:
    """Evidence missing where the rating needs it, and evidence too vague to find (the item's and prompts' text)."""
    rules = framework.rules
    if not rules.evidence_field:
        return []
    evidence = answer.item_text(rules.evidence_field)
    out: list[Problem] = []
    if rating in rules.evidence_required_for and not evidence:
        out.append(problem(
            "evidence-missing", f"rated {_level_name(framework, rating)!r} but no supporting evidence is given",
            file=file, item=item_id, field=rules.evidence_field, **_where(answer, rules.evidence_field),
            hint="name the document, with its date and page or paragraph, or lower the rating"))
    if evidence and rules.vague_evidence_terms and is_vague_evidence(evidence, rules.vague_evidence_terms):
        out.append(problem(
            "evidence-vague", f"the evidence {_quote(evidence)} does not say which document, date or page",
            file=file, item=item_id, field=rules.evidence_field, **_where(answer, rules.evidence_field),
            hint="reference the specific document: title, date, and page, paragraph or item "
                 "(e.g. 'Partnership board minutes 12 March 2004, item 4')"))
    return out


def _goal_problems(item_id: str, answer: ItemAnswer, rating: str | None, framework: Framework,
                   file: str | None) -> list[Problem]:
    """An improvement goal missing where the rating admits a gap."""
    rules = framework.rules
    if not (rules.goal_field and rating in rules.goal_required_for and not answer.item_text(rules.goal_field)):
        return []
    return [problem(
        "goal-missing", f"rated {_level_name(framework, rating)!r} but no improvement goal is given",
        file=file, item=item_id, field=rules.goal_field, **_where(answer, rules.goal_field),
        hint="write at least one improvement goal for a gap or partial achievement")]


def _where(answer: ItemAnswer, field: str) -> dict[str, int]:
    """Where the parser read this answer (table, row, cell), so a problem points at the cell."""
    found = answer.cells.get(field) or {}
    return {k: v for k, v in found.items() if k in ("table", "row", "cell") and isinstance(v, int)}


def check_fields(data: Response, framework: Framework, file: str | None) -> list[Problem]:
    """Form-level rules: required fields filled in, required signatories signed."""
    rules = framework.rules
    fields: dict[str, Any] = data.fields
    known = _form_fields(framework, data.layout)
    required = list(rules.required_fields)
    required += [f.key for f in known.values() if f.required and f.type != "signature" and f.key not in required]
    out: list[Problem] = []
    for key in required:
        if not _filled(fields.get(key)):
            label = known[key].label if key in known else key
            out.append(problem(
                "field-missing", f"{label!r} is empty", file=file, field=key,
                hint="fill it in on the form and return it again"))
    for key in rules.signatures_required:
        if not _filled(fields.get(key)):
            out.append(problem(
                "signature-missing", f"no signature for {_signatory(known, fields, key)}", file=file, field=key,
                hint="the signatory signs the form (a typed name counts) before it is returned"))
    return out


def is_vague_evidence(text: str, vague_terms: Iterable[str]) -> bool:
    """True when evidence names no particular document: only vague terms and generic words.

    Any digit (a date, year, page, paragraph, section or item number) makes
    it specific, and so does any word that is not generic (a title such as
    "Crime and Disorder Audit"). "minutes" and "steering group minutes" are
    vague; "Crime Audit 2003, p.12" and "Partnership board minutes 12 March
    2004, item 4" are not.
    """
    if any(ch.isdigit() for ch in text):
        return False
    rest = text.casefold()
    for term in sorted((t.casefold() for t in vague_terms), key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", rest)
    return all(word in GENERIC_WORDS for word in _WORD.findall(rest))


def _quote(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def _filled(value: Any) -> bool:
    """A field counts as filled when it holds any non-blank text (lists/tables: any cell)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return value is not None and value is not False


def _form_fields(framework: Framework, layout: Any) -> dict[str, FormField]:
    try:
        form = framework.form(layout if isinstance(layout, str) else None)
    except KeyError:
        form = framework.form()
    return {f.key: f for f in form.form_fields}


def _signatory(known: dict[str, FormField], fields: dict[str, Any], key: str) -> str:
    """Who should have signed: the signatory's name field's label, and the name when filled in.

    Signature fields are labelled "* Signature" on the form, which says
    nothing; ``chair_signature`` belongs to ``chair_name``,
    ``completed_by_signature`` to ``completed_by``.
    """
    base = key.removesuffix("_signature")
    keys = list(known)
    candidates = [base, f"{base}_name"]
    if key in known:
        candidates += [k for k in reversed(keys[: keys.index(key)])
                       if k.startswith(base + "_") and known[k].type != "signature"]
    for candidate in candidates:
        if candidate in known and known[candidate].type != "signature":
            who = known[candidate].label
            name = fields.get(candidate)
            return f"{who} ({name.strip()})" if isinstance(name, str) and name.strip() else who
    return key


@dataclass
class FileReport:
    """The problems of one return file, or why it could not be read at all."""

    path: str
    respondent: str
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    #: The code of ``error`` (a docxform.core.errors.FileError code: file-unreadable, file-refused).
    error_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "respondent": self.respondent,
                               "problems": [p.to_dict() for p in self.problems]}
        if self.error is not None:
            out["error"] = self.error
            out["error_code"] = self.error_code or "file-unreadable"
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileReport:
        """Read one file's entry of validation.json back (the inverse of :meth:`to_dict`)."""
        error = data.get("error")
        return cls(path=str(data.get("path") or ""), respondent=str(data.get("respondent") or ""),
                   problems=[problem_from_dict(p) for p in data.get("problems") or []],
                   error=error if isinstance(error, str) else None,
                   error_code=data.get("error_code") if isinstance(error, str) else None)


@dataclass
class ValidationReport:
    """Problems per file: what ``docxform validate`` prints, writes and exits on."""

    files: list[FileReport] = field(default_factory=list)
    item_name: str = "item"

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def errors(self) -> int:
        return severity_count(self.problems, "error")

    @property
    def warnings(self) -> int:
        return severity_count(self.problems, "warning")

    @property
    def unreadable(self) -> int:
        return sum(f.error is not None for f in self.files)

    @property
    def has_errors(self) -> bool:
        """True when any return has an error or could not be read (the CLI exits 1)."""
        return self.errors > 0 or self.unreadable > 0

    def to_dict(self) -> dict[str, Any]:
        summary = {"errors": self.errors, "warnings": self.warnings}
        if self.unreadable:
            summary["unreadable"] = self.unreadable
        return {"files": [f.to_dict() for f in self.files], "summary": summary}

    @classmethod
    def from_dict(cls, data: dict[str, Any], item_name: str = "item") -> ValidationReport:
        """Read validation.json back; its summary is recomputed from the files, so it cannot disagree."""
        return cls(files=[FileReport.from_dict(f) for f in data.get("files") or []], item_name=item_name)

    def to_text(self) -> str:
        """For people: each file, its form-level problems, then its problems by item."""
        lines: list[str] = []
        for report in self.files:
            if report.error is not None:
                lines.append(f"{report.path}: cannot be read: {report.error}")
                continue
            counts = _counts(report.problems)
            lines.append(f"{report.path} ({report.respondent}): {counts}")
            form = [p for p in report.problems if p.item is None]
            if form:
                lines.append("  form")
                lines.extend(f"    {_line(p)}" for p in form)
            by_item: dict[str, list[Problem]] = {}
            for p in report.problems:
                if p.item is not None:
                    by_item.setdefault(p.item, []).append(p)
            for item_id, found in by_item.items():
                lines.append(f"  {self.item_name} {item_id}")
                lines.extend(f"    {_line(p)}" for p in found)
        unreadable = f", {self.unreadable} could not be read" if self.unreadable else ""
        lines.append(f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}: {_counts(self.problems)}{unreadable}")
        return "\n".join(lines) + "\n"


def _counts(problems: Sequence[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    notices = len(problems) - errors - warnings
    if not problems:
        return "no problems"
    text = f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
    return text + (f" ({counted(notices, 'notice')} needing no action)" if notices else "")


def _line(p: Problem) -> str:
    where = f"{p.field}: " if p.field else ""
    text = f"{p.severity} [{p.code}] {where}{p.message}"
    return text + (f" ({p.hint})" if p.hint else "")


def validate_files(paths: Iterable[str | Path], framework_ref: str | Path | None = None, *,
                   stage: str = "auto") -> ValidationReport:
    """Validate returns, each a parse JSON or a form to parse first; problems per file, in the order given.

    With ``framework_ref`` every return must belong to that framework
    (and version). Without it each return is checked against the built-in
    framework it names, whose current version it must match. A file that
    cannot be read is reported as such and the others are still checked;
    only an unusable ``framework_ref`` stops the run.
    """
    from docxform.framework import load_framework

    chosen = load_framework(framework_ref) if framework_ref is not None else None
    report = ValidationReport(item_name=chosen.item_name if chosen else "item")
    for path in paths:
        checked, unread = guarded(path, lambda: _check_file(path, chosen, stage))  # noqa: B023 - called at once
        if checked is None:
            assert unread is not None
            report.files.append(FileReport(path=str(path), respondent="", error=unread.message, error_code=unread.code))
            continue
        file_report, framework = checked
        if chosen is None:
            report.item_name = framework.item_name
        report.files.append(file_report)
    return report


def _check_file(path: str | Path, chosen: Framework | None, stage: str) -> tuple[FileReport, Framework]:
    data = read_return(path)
    framework = framework_for([data.framework_id], path, given=chosen)
    problems = validate_return(data, framework, expected=framework, stage=stage)
    return FileReport(path=str(path), respondent=respondent_label(data), problems=problems), framework


def read_return(path: str | Path) -> Response:
    """A return's record: a ``.json`` file is read (:func:`load_return`), a form is parsed.

    Forms are parsed with the mapping they match, not a chosen framework,
    so a form of the wrong framework is reported as framework-mismatch.
    """
    if Path(path).suffix.lower() == ".json":
        return load_return(path)
    from docxform.parse import parse_form

    return parse_form(path)


def _order(framework: Framework) -> Any:
    """Sort key: form-level problems first, then items in framework order; stable within."""
    position = {item_id: i for i, item_id in enumerate(framework.item_ids)}

    def key(p: Problem) -> tuple[int, int]:
        if p.item is None:
            return (0, 0)
        return (1, position.get(p.item, len(position)))

    return key
