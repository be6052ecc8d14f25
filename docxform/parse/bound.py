"""Answers in controls bound to custom XML: the shown text checked against the stored value.

A bound control (``w:dataBinding``) shows a copy of a value kept in a custom
XML part, and Word refreshes the copy from the part when it opens the file.
Where a program changed one and not the other, the parse would read one
value while the respondent, opening the return in Word, sees the other. The
parse reads the body's text (what the file shows without Word) and says,
naming the item and field, when the stored value differs
(``bound-value-differs``, a warning quoting both), or could not be checked
(the same code as a notice, info). Nothing is chosen between the two.
"""

from __future__ import annotations

from collections.abc import Callable

from docxform.framework.mapping import Mapping
from docxform.oxml.bindings import Binding

Reporter = Callable[..., None]


def report_bindings(found: tuple[Binding, ...], mapping: Mapping, placeholders: set[str], report: Reporter) -> None:
    """Report each bound control whose stored value differs from the text read, or could not be found."""
    for binding in found:
        item, fld = _answer_of(binding, mapping)
        what = f"the {fld} answer of {item}" if item and fld else (f"the field {fld!r}" if fld else
                                                                    f"the control {binding.alias or binding.tag!r}")
        if binding.stored is None:
            report("bound-value-differs", f"{what} is bound to custom XML ({binding.xpath[:80]}), but the value "
                   f"stored there could not be checked: {binding.why}; the document's text was read",
                   item=item, field=fld, severity="info")
            continue
        shown = "" if binding.showing_prompt or binding.shown.strip() in placeholders else binding.shown
        if " ".join(shown.split()) != " ".join(binding.stored.split()):
            report("bound-value-differs", f"{what} shows {_quoted(shown)} but is bound to custom XML holding "
                   f"{_quoted(binding.stored)}, which Word shows when it opens the file; the document's text was "
                   "read: check which the respondent meant", item=item, field=fld)


def _answer_of(binding: Binding, mapping: Mapping) -> tuple[str | None, str | None]:
    """The item and field of a bound control by its tag (else its alias); a form-level field has no item."""
    for spec in mapping.cells:
        if (binding.tag and spec.tag == binding.tag) or (not binding.tag and binding.alias and
                                                         spec.alias == binding.alias):
            return spec.item, spec.field if spec.level is None else "rating"
    for ref in mapping.fields:
        if binding.tag and ref.tag == binding.tag:
            return None, ref.key
    return None, None


def _quoted(text: str) -> str:
    first = " ".join(text.split())
    return f"\"{first[:60]}{'...' if len(first) > 60 else ''}\""


__all__ = ["report_bindings"]
