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
from docxform.records.response import Response

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
    superseded_by: str | None = None  # a later version of the same person's return, which was commented instead

    def line(self) -> str:
        if self.error:
            return f"{self.source}: {self.error}"
        if self.superseded_by:
            return f"{self.source}: replaced by a later version ({self.superseded_by}); no copy written"
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


def anchor_for(p: Problem, framework: Framework | None = None, response: Response | None = None) -> Anchor:
    """Where the comment goes: the cell the problem names, else the control of its item or field, else
    (``response``: the parsed return) the row its item's other answers were read from."""
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
    return Anchor(table=p.table, row=p.row, cell=p.cell, tags=tuple(tag_list), aliases=tuple(aliases),
                  item_row=item_row(response, p.item) if response is not None and p.item else None)


def item_row(response: Response, item_id: str) -> tuple[int, int] | None:
    """(table, row) the parser read an item's answers from (its rating first), or None."""
    answer = response.items.get(item_id)
    cells = answer.cells if answer is not None else {}
    for key in ("rating", *sorted(k for k in cells if k != "rating")):
        where = cells.get(key) or {}
        if isinstance(where.get("table"), int) and isinstance(where.get("row"), int):
            return where["table"], where["row"]
    return None


#: Formats a feedback copy is written back in, through LibreOffice (suffix -> its --convert-to filter):
#: a respondent who sent .odt or .doc gets their feedback in the format they work in.
WRITTEN_BACK = {".odt": "odt", ".doc": "doc:MS Word 97", ".rtf": "rtf"}


def feedback_copy(source: Path, problems: Sequence[Problem], dest: Path, *, framework: Framework | None = None,
                  author: str = "docxform", response: Response | None = None) -> int:
    """Write ``source`` to ``dest`` with one comment per problem (the caller chooses which); the count.

    Positions (table, row, cell) in the problems must be those of ``source``
    as the parser reported them (for an .odt, .doc or .rtf: of its .docx
    conversion, which is what the parser read). Such a return is converted to
    .docx by LibreOffice, commented, and converted back to its own format, so
    ``dest`` should carry the source's suffix. ``response`` (the parsed
    return) lets a problem whose own cell is gone be anchored in its item's
    row. The folder of ``dest`` is made
    if need be. Raises DocxformError naming ``source`` when it cannot be
    read, converted or commented (or ``dest`` when it cannot be written).
    """
    from docxform.io.files import output_folder

    suffix = source.suffix.lower()
    notes = [Note(anchor_for(p, framework, response), comment_text(p, framework)) for p in problems]
    initials = "".join(w[:1] for w in author.split()).upper()[:4]
    output_folder(dest.parent, create=True)
    if suffix in (".docx", ".docm"):
        return add_comments(source, notes, dest, author=author, initials=initials)
    if suffix not in WRITTEN_BACK:
        raise DocxformError(source, f"feedback copies are written for .docx, .odt, .doc and .rtf returns, not "
                                    f"{suffix or 'a file without an extension'}")
    return _through_libreoffice(source, notes, dest, author, initials)


def _through_libreoffice(source: Path, notes: list[Note], dest: Path, author: str, initials: str) -> int:
    """Convert to .docx, comment, convert back to the source's format (two LibreOffice starts)."""
    import shutil
    import tempfile

    from docxform.io import office
    from docxform.parse.source import convert_to_docx

    suffix = source.suffix.lower()
    with tempfile.TemporaryDirectory(prefix="docxform-feedback-") as work:
        converted = Path(work) / "return.docx"
        converted.write_bytes(convert_to_docx(source))
        commented = Path(work) / "feedback.docx"
        count = add_comments(converted, notes, commented, author=author, initials=initials)
        [back] = office.convert([commented], WRITTEN_BACK[suffix], Path(work) / "back")
        if back is None:
            raise DocxformError(source, f"LibreOffice could not write the commented copy back as {suffix}")
        shutil.copyfile(back, dest)
    return count


def _feedback_one(path: Path, data: Response, chosen: Framework | None, folder: Path, taken: set[str],
                  author: str) -> FeedbackOutcome:
    """One return's commented copy (none when it has no problem for the respondent), named after its person."""
    from docxform.parse.inputs import json_name
    from docxform.validate.rules import validate_return

    fw = framework_for([data.framework_id], path, given=chosen)
    problems = [p for p in validate_return(data, fw, expected=fw) if p.code in RESPONDENT_CODES]
    if not problems:
        return FeedbackOutcome(str(path))
    dest = folder / (Path(json_name(copy_name(path, data), taken)).stem + path.suffix.lower())
    count = feedback_copy(path, problems, dest, framework=fw, author=author, response=data)
    return FeedbackOutcome(str(path), dest, count)


def copy_name(path: Path, data: Response) -> str:
    """The copy's name: the person's (the form's respondent, else the name typed on it), else the file's.

    A round's received/ folder holds returns under their content hash; a copy
    called after its hash tells the coordinator nothing.
    """
    from docxform.generate.respondents import slugify
    from docxform.survey.identity import identify

    name = identify(data).name
    return f"feedback-{slugify(name)}{path.suffix}" if name and slugify(name) else path.name


def current_versions(returns: list[tuple[Path, Response]]) -> dict[int, Path]:
    """Index -> the later version, for each return superseded by another of the same person in the batch.

    Feedback is made from a person's current version only: commenting on the
    one they already replaced would send them back to answers they changed.
    Versions are ordered as the merge orders them (:func:`docxform.survey.identity.in_later_order`).
    """
    from docxform.survey.identity import identify, in_later_order

    datas = [d for _, d in returns]
    latest: dict[str, int] = {}
    for data in in_later_order(datas):
        key = identify(data).key
        if key:
            latest[key] = next(i for i, d in enumerate(datas) if d is data)
    superseded: dict[int, Path] = {}
    for index, data in enumerate(datas):
        key = identify(data).key
        if key and latest[key] != index:
            superseded[index] = returns[latest[key]][0]
    return superseded


def feedback(paths: Iterable[Path], folder: Path, *, framework: str | None = None,
             author: str = "docxform") -> list[FeedbackOutcome]:
    """Parse and validate each return; write a commented copy of each with problems into ``folder``.

    A return that cannot be read gets its one-line reason and the rest are
    still written. Of several versions of one person's return, only the
    current one is commented; the others get a line naming it. Copies are
    named after the person (``feedback-jane-smith.docx``) when the return says who.
    """
    from docxform.framework import load_framework
    from docxform.io.files import output_folder
    from docxform.validate.rules import read_return

    chosen = load_framework(framework) if framework else None
    output_folder(folder, create=True)
    out: list[FeedbackOutcome | None] = []
    readable: list[tuple[Path, Response]] = []
    places: list[int] = []
    for path in paths:
        data, error = guarded(path, lambda: read_return(Path(path)))  # noqa: B023
        if data is None:
            out.append(FeedbackOutcome(str(path), error=error.message if error else None))
            continue
        places.append(len(out))
        out.append(None)
        readable.append((Path(path), data))
    superseded = current_versions(readable)
    taken: set[str] = set()
    for index, ((path, data), place) in enumerate(zip(readable, places, strict=True)):
        if index in superseded:
            out[place] = FeedbackOutcome(str(path), superseded_by=str(superseded[index]))
            continue
        done, error = guarded(path, lambda: _feedback_one(path, data, chosen, folder, taken, author))  # noqa: B023
        out[place] = done if done is not None else FeedbackOutcome(str(path), error=error.message if error else None)
    return [o for o in out if o is not None]
