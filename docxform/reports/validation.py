"""The validation report as a workbook (``docxform validate --xlsx``): one filterable row per problem.

A report, so it lives with the other writers; validation itself only finds the
problems (:class:`docxform.validate.rules.ValidationReport`) and the api writes them here.
Its Problems sheet is the summary workbook's (:func:`docxform.reports.summary.problems_sheet`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docxform.oxml.rawsheet import Value
from docxform.reports.printing import widen
from docxform.reports.summary import Book, problems_sheet
from docxform.validate.rules import ValidationReport


def write_validation_workbook(report: ValidationReport, target: Path) -> None:
    """Sheets Problems (one row per problem) and Files (each file's counts, or why it could not be read)."""
    files = report.files
    book = Book()

    def rows() -> Iterator[list[Value]]:
        for file in files:
            for p in file.problems:
                yield [p.file or file.path, file.respondent, p.item or "", p.field or "", p.code,
                       p.severity, p.message, p.hint or ""]

    problems_sheet(book, rows, sum(len(f.problems) for f in files))
    summary = book.sheet("Files", widen([40, 24, 9, 9, 50], {0: [f.path for f in files],
                                                             1: [f.respondent for f in files]}), freeze="A2")
    book.header(summary, ["File", "Respondent", "Errors", "Warnings", "Could not be read"])
    for file in files:
        errors = sum(p.severity == "error" for p in file.problems)
        book.append(summary, [book.cell(summary, file.path), book.cell(summary, file.respondent, "plain"),
                              book.cell(summary, errors, "number"),
                              book.cell(summary, len(file.problems) - errors, "number"),
                              book.cell(summary, file.error) if file.error else None])
    summary.auto_filter.ref = f"A1:E{len(files) + 1}"
    book.save(target)
