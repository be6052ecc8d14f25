"""Feedback copies: the respondent's own return, with Word comments on what to put right.

The guidance (Chapter 3) says a rating without evidence is to be questioned;
rather than retyping each problem into an e-mail, the coordinator sends each
respondent their own file back with a comment in the cell concerned saying,
in plain words, what is wrong and how to fix it. Nothing else in the file
changes (see :mod:`docxform.oxml.comments`), so the respondent edits the
same form and returns it, and it parses exactly as before.

:func:`feedback_copy` is the building block (the survey round calls it for
returns with problems); :func:`feedback` parses and validates a batch first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem
from docxform.framework.choice import framework_for
from docxform.framework.model import Framework
from docxform.generate import tags
from docxform.io.boundary import guarded
from docxform.oxml.comments import Anchor, Note, add_comments

#: Problems a respondent can put right in their own form; the others are about docxform's reading
#: (tags-lost, controls-lost), the merge (duplicate-return, rating-disputed) or the wrong file.
RESPONDENT_CODES = frozenset({
    "rating-missing", "rating-ambiguous", "rating-unclear", "evidence-missing", "evidence-vague",
    "goal-missing", "field-missing", "signature-missing", "row-not-read", "item-unexpected", "item-not-found",
})

#: How to put each problem right, where the problem carries no hint of its own.
FIXES = {
    "rating-missing": "tick one rating box for this standard",
    "rating-ambiguous": "leave only one rating box ticked",
    "rating-unclear": "click the box of the level you choose rather than typing a mark, and clear the other marks",
    "row-not-read": "put these answers in the row of the standard they belong to",
    "item-unexpected": "use the standards as printed on the form; this row's number is not one of them",
    "item-not-found": "keep the standard's row in the form (it was deleted or changed)",
}


@dataclass(frozen=True)
class FeedbackOutcome:
    """One return: where its copy went and how many comments it has, or why there is none."""

    source: str
    copy: Path | None = None
    comments: int = 0
    error: str | None = None

    def line(self) -> str:
        if self.error:
            return f"{self.source}: {self.error}"
        if self.copy is None:
            return f"{self.source}: no problems to comment on; no copy written"
        return f"{self.copy}: {self.comments} comment{'s' if self.comments != 1 else ''}"


def comment_text(p: Problem, framework: Framework | None = None) -> str:
    """What is wrong and how to fix it, in plain words, naming the standard or field."""
    what = p.message[:1].upper() + p.message[1:]
    if p.item and framework is not None and p.item not in what:
        what = f"{framework.item_name.capitalize()} {p.item}: {what[:1].lower() + what[1:]}"
    fix = p.hint or FIXES.get(p.code) or "please check this answer and correct it"
    return f"{what.rstrip('.')}.\nTo put it right: {fix[:1].lower() + fix[1:].rstrip('.')}."


def anchor_for(p: Problem, framework: Framework | None = None) -> Anchor:
    """Where the comment goes: the cell the problem names, else the control of its item or field."""
    tag_list: list[str] = []
    aliases: list[str] = []
    if p.item and p.field:
        tag_list.append(tags.item_tag(p.item, p.field))
        if framework is not None and framework.rating_scale and p.field == "rating":
            tag_list += [tags.item_tag(p.item, p.field, k) for k in framework.rating_scale.keys]
    elif p.field:
        tag_list.append(tags.form_tag(p.field))
        if framework is not None:
            aliases += [f.label for form in framework.forms for f in form.form_fields if f.key == p.field]
    return Anchor(table=p.table, row=p.row, cell=p.cell, tags=tuple(tag_list), aliases=tuple(aliases))


def feedback_copy(source: Path, problems: Sequence[Problem], dest: Path, *, framework: Framework | None = None,
                  author: str = "docxform") -> int:
    """Write ``source`` to ``dest`` with one comment per problem (the caller chooses which); the count.

    Positions (table, row, cell) in the problems must be those of ``source``
    as the parser reported them. The folder of ``dest`` is made if need be.
    Raises DocxformError naming ``source`` when it cannot be read or is not
    a .docx (or ``dest`` when it cannot be written).
    """
    if source.suffix.lower() not in (".docx", ".docm"):
        raise DocxformError(source, "feedback copies can only be written for .docx returns")
    from docxform.io.files import output_folder

    notes = [Note(anchor_for(p, framework), comment_text(p, framework)) for p in problems]
    output_folder(dest.parent, create=True)
    return add_comments(source, notes, dest, author=author, initials="".join(w[:1] for w in author.split()).upper()[:4])


def _feedback_one(path: Path, chosen: Framework | None, folder: Path, taken: set[str], author: str
                  ) -> FeedbackOutcome:
    """One return's commented copy (none when it has no problem for the respondent)."""
    from docxform.parse.inputs import json_name
    from docxform.validate.rules import read_return, validate_return

    data = read_return(path)
    fw = framework_for([data.framework_id], path, given=chosen)
    problems = [p for p in validate_return(data, fw, expected=fw) if p.code in RESPONDENT_CODES]
    if not problems:
        return FeedbackOutcome(str(path))
    dest = folder / (Path(json_name(path, taken)).stem + path.suffix)
    count = feedback_copy(path, problems, dest, framework=fw, author=author)
    return FeedbackOutcome(str(path), dest, count)


def feedback(paths: Iterable[Path], folder: Path, *, framework: str | None = None,
             author: str = "docxform") -> list[FeedbackOutcome]:
    """Parse and validate each return; write a commented copy of each with problems into ``folder``.

    A return that cannot be read gets its one-line reason and the rest are still written.
    """
    from docxform.framework import load_framework
    from docxform.io.files import output_folder

    chosen = load_framework(framework) if framework else None
    output_folder(folder, create=True)
    taken: set[str] = set()
    out = []
    for path in paths:
        done, error = guarded(path, lambda: _feedback_one(Path(path), chosen, folder, taken, author))  # noqa: B023
        out.append(done if done is not None else FeedbackOutcome(str(path), error=error.message if error else None))
    return out
