"""Problems are data, not exceptions.

Every finding about a framework definition, a returned form or a plan is a
:class:`Problem` with a stable ``code`` (listed in :data:`CODES` and in
docs/problem-codes.md), a severity, a location and a message. Reports are
lists of problems and serialise to JSON. Exceptions are only for "cannot go
on" (see :mod:`docxform.core.errors`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Literal

#: "info": a notice that needs no action (e.g. tags lost on a re-save); never counted in headline numbers.
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Code:
    """A documented problem code: its default severity and what it means."""

    code: str
    severity: Severity
    summary: str


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


#: Every problem code docxform can report. Codes are stable: never rename one.
CODES: dict[str, Code] = _codes(
    # framework definitions
    Code("definition-syntax", "error", "The definition file is not valid YAML."),
    Code("definition-structure", "error", "A key is missing, misspelt, or has a value of the wrong kind."),
    Code("duplicate-key", "error", "The same key appears twice in one YAML mapping."),
    Code("duplicate-id", "error", "Two themes, items, fields, levels or layouts share an id."),
    Code("unknown-reference", "error", "A reference to a theme, field or level that does not exist."),
    Code("definition-inconsistent", "error", "Parts of the definition contradict each other."),
    # reading returned forms
    Code("rating-missing", "error", "No rating level is ticked for the item."),
    Code("rating-ambiguous", "error", "More than one rating level is ticked; none was chosen."),
    Code("rating-unclear", "error", "A rating cell holds a mark that is not clearly a tick; none was chosen."),
    Code("item-not-found", "error", "The item's row was not found in the form."),
    Code("item-duplicated", "warning", "The item appears in more than one row; the rows were combined."),
    Code("item-unexpected", "warning", "A row names an item id the framework does not have."),
    Code("row-not-read", "warning", "A row holds answers but names no item (e.g. a row added for notes); it was not read."),
    Code("column-missing", "warning",
         "No column of the item's table is headed for this answer (deleted, or its header changed); not read."),
    Code("value-unconfirmed", "warning",
         "The answer was read where the mapping puts it, but no column header confirms that column."),
    Code("cells-merged", "warning",
         "Several answers share one merged cell with nothing (no control) to tell them apart."),
    Code("row-continued", "warning",
         "A row continuing an item's answer (\"Comments (cont.): ...\") was appended to that answer."),
    Code("field-not-found", "warning", "A form-level field was not found in the form."),
    Code("tracked-changes", "warning", "The form has tracked changes; text was read as if they were accepted."),
    Code("tags-lost", "info",
         "The form's content-control tags are gone (re-saved by another program); answers were located otherwise."),
    Code("controls-lost", "warning", "The file was converted from another format; form controls may have been lost."),
    Code("framework-mismatch", "error", "The form belongs to another framework or version than the one expected."),
    Code("text-match-weak", "warning",
         "A requirement or question (form read by its wording) matches no prompt well enough; its answers were not read."),
    Code("text-match-ambiguous", "warning",
         "A requirement or question (form read by its wording) matches two prompts almost equally; its answers were not read."),
    Code("text-match-by-neighbours", "info",
         "A requirement or question (form read by its wording) matched its prompt only weakly or as closely as "
         "another item's, and was read there because the prompts around it are its item's."),
    Code("answer-shared", "info",
         "A question asking two prompts of one item at once (9a and 9b, form read by its wording) was answered "
         "once; the answer was given to both."),
    Code("answers-not-split", "warning",
         "A cell's answers could not be paired with its requirements or questions; they were given to the item as a whole."),
    Code("text-unclaimed", "warning",
         "Text in the return that the blank form does not print and no answer holds (typed beside an answer, "
         "below a table, after the form, in the page header or footer, a footnote, a comment); listed with where "
         "it is and the nearest item in the parse output's `unclaimed`."),
    Code("text-in-prompt", "warning",
         "An answer was typed inside a control still marked as showing its prompt; the prompt was dropped and the "
         "text read as the answer."),
    Code("cell-split", "warning",
         "An answer cell was split in two side by side; the second part's text was added to the answer."),
    Code("prompt-dropped", "info",
         "A line reading like the blank form's prompt, above or below a typed answer in a cell without its "
         "control, was taken for the prompt left behind and left out of the answer."),
    Code("prompt-in-answer", "info",
         "An answer begins or ends with the blank form's prompt beside the typed text (\"Comments typed after "
         "it\", or the prompt on a line of its own above it); it was read as it stands, prompt and all."),
    Code("feedback-comments", "info",
         "The return still holds comments by docxform (a feedback copy sent back) but does not list their "
         "fingerprints: taken as docxform's own by their author, they are not checked as the respondent's text."),
    Code("part-unreadable", "warning",
         "A page header or footer, the notes or the comments of the return are damaged XML; the answers were read, "
         "but any text in that part is not in the parse."),
    Code("symbol-not-read", "warning",
         "A text answer holds symbol-font characters (a Wingdings smiley) with no text equivalent; the answer was "
         "read without them."),
    Code("content-not-read", "warning",
         "An answer (or a paragraph outside the tables) holds a picture, chart, SmartArt diagram, drawn shape, "
         "embedded object (an Excel range pasted as an object) or content imported from another file (altChunk), "
         "which docxform does not read; the answer was read without it. A notice (info) outside the answers, unless "
         "it holds words (a diagram, imported text), and for a phonetic guide over words (the words were read, "
         "the guide was not)."),
    Code("equation-read", "warning",
         "An answer holds an equation with a fraction, power, root or other layout; its characters were read in a "
         "line as UnicodeMath writes them (\"a/b\", \"x^2\"). An equation of plain characters is read as it is."),
    Code("bound-value-differs", "warning",
         "An answer's control is bound to custom XML whose stored value differs from the text the document shows "
         "(Word shows the stored one when it opens the file); the document's text was read. Info where the stored "
         "value could not be checked."),
    Code("text-hidden", "warning",
         "An answer holds text formatted hidden, which Word does not show unless formatting marks are on; it was "
         "read as part of the answer."),
    # validation rules
    Code("evidence-missing", "error", "The rating needs supporting evidence and none is given."),
    Code("evidence-vague", "warning", "The evidence is too vague to check (no document, date, page or paragraph)."),
    Code("goal-missing", "error", "The rating needs an improvement goal and none is given."),
    Code("field-missing", "error", "A required form-level field is empty."),
    Code("signature-missing", "error", "A required signatory has not signed."),
    # merging
    Code("duplicate-return", "warning", "Two returns have the same form id or respondent; the latest was kept."),
    Code("respondent-mismatch", "warning",
         "A personalised form has another name typed as 'Form completed by'; it was counted as the return of the "
         "person it was issued to."),
    Code("rating-disputed", "warning",
         "Respondents' ratings do not reach consensus under the chosen rule (default iqr: interquartile range "
         "at most 1 level and 80% within one level of the median; see docs/consensus.md). The message names the rule."),
    # plans
    Code("plan-unknown-standard", "error", "A plan row names a standard the framework does not have."),
    Code("plan-no-lead", "error", "A plan row has an action but no lead officer."),
    Code("plan-no-target", "error", "A plan row has an action but no performance measure or target."),
    Code("plan-bad-date", "error", "A date column holds something that is not a date."),
    Code("plan-too-many-goals", "warning", "More priority goals than the guidance's 4-6."),
    Code("plan-row-outside-table", "warning", "A row was typed below the plan table."),
    Code("plan-formula", "warning", "A cell holds a formula where a value was expected; its cached value was read."),
    Code("plan-bad-value", "warning", "A priority that is not a whole number, or a status not in the plan's list."),
    # whole files (a docxform.core.errors.FileError: the file was not read at all; the others still were)
    Code("file-unreadable", "error",
         "The file could not be read: missing, damaged, of an unknown kind, or not a docxform return."),
    Code("file-refused", "error",
         "The file was refused as unsafe or absurd (zip bomb, entity tricks, nesting too deep, too large)."),
    Code("field-key-reserved", "error",
         "A text field's key is one every parsed answer already uses (rating, provenance, cells); it would be overwritten."),
    # batches
    Code("internal-error", "error",
         "docxform failed on this file (a bug, please report it); the other files were still processed."),
)


@dataclass(frozen=True)
class Problem:
    """One finding, with where it is and what to do about it."""

    code: str
    message: str
    severity: Severity = "error"
    file: str | None = None
    item: str | None = None
    field: str | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    line: int | None = None
    path: str | None = None
    hint: str | None = None
    extra: dict[str, Any] = dataclass_field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"undocumented problem code {self.code!r}")

    @property
    def location(self) -> dict[str, Any]:
        """Where the problem is, with only the parts that are known."""
        parts = {
            "file": self.file, "line": self.line, "path": self.path,
            "table": self.table, "row": self.row, "cell": self.cell,
        }
        return {k: v for k, v in parts.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of a problem (the ``problems`` entries of every report)."""
        out = {
            "code": self.code, "severity": self.severity,
            "item": self.item, "field": self.field,
            "location": self.location, "message": self.message,
        }
        if self.hint:
            out["hint"] = self.hint
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    def describe(self) -> str:
        """One line for people: where, what, and how to fix it."""
        where = []
        if self.file:
            where.append(self.file + (f":{self.line}" if self.line else ""))
        if self.path:
            where.append(self.path)
        if self.item:
            where.append(f"item {self.item}" + (f" {self.field}" if self.field else ""))
        elif self.field:
            where.append(f"field {self.field}")
        if self.table is not None:
            cellpart = f" cell {self.cell}" if self.cell is not None else ""
            rowpart = f" row {self.row}" if self.row is not None else ""
            where.append(f"table {self.table}{rowpart}{cellpart}")
        text = f"{': '.join(where)}: " if where else ""
        text += f"{self.severity} [{self.code}] {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def problem_from_dict(entry: dict[str, Any], default_file: str | None = None) -> Problem:
    """Re-create a :class:`Problem` from its JSON form (``Problem.to_dict``)."""
    raw_location = entry.get("location")
    location: dict[str, Any] = raw_location if isinstance(raw_location, dict) else {}
    extra = entry.get("extra")
    code = entry["code"]
    severity = entry.get("severity")
    return Problem(
        code=code, message=str(entry.get("message") or CODES[code].summary),
        severity=severity if severity in ("error", "warning", "info") else CODES[code].severity,
        file=location.get("file") or default_file, item=entry.get("item"), field=entry.get("field"),
        table=location.get("table"), row=location.get("row"), cell=location.get("cell"),
        line=location.get("line"), path=location.get("path"), hint=entry.get("hint"),
        extra=dict(extra) if isinstance(extra, dict) else {},
    )


def problem(code: str, message: str, **where: Any) -> Problem:
    """Make a problem with the code's default severity."""
    severity = where.pop("severity", None) or CODES[code].severity
    return Problem(code=code, message=message, severity=severity, **where)


def counted(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``: problem counts as people write them, in every report."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def severity_count(problems: Iterable[Problem], severity: str) -> int:
    """How many of ``problems`` have this severity (``error``, ``warning``, ``info``): one count for every report."""
    return sum(p.severity == severity for p in problems)


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error (drives exit status 1)."""
    return any(p.severity == "error" for p in problems)


def codes_markdown() -> str:
    """docs/problem-codes.md, generated from :data:`CODES` (a test keeps the file in step)."""
    lines = ["# Problem codes", "",
             "Every problem docxform reports has one of these codes. Codes are stable: they are never renamed.",
             "Each problem also has a severity, the item and field it concerns, a location (file; line and path for",
             "definitions; table, row and cell, counted from 1, for forms; sheet row for plans) and a message.",
             "", "| code | default severity | meaning |", "|---|---|---|"]
    lines += [f"| `{c.code}` | {c.severity} | {c.summary} |" for c in CODES.values()]
    return "\n".join(lines) + "\n"
