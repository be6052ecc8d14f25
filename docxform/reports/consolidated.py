"""The consolidated form: the framework's form filled with the agreed answers, for the partnership to endorse.

After the survey, the partnership reviews and signs one form. Each standard
carries its one agreed level (:func:`docxform.plan.priorities.agreed_level`: the
meeting's decision, else the consensus rule's); a disputed standard not yet
decided has no rating, a printed note in the meeting's words ("Views differ: 4
doing well, 2 gap identified; to agree.") and a box "Agreed at the meeting" to
tick once the meeting settles it (the note is
never text someone must delete). The comments, evidence and goals of every
respondent are collated in the standard's own cells, each comment beside the
respondent's rating ("Jane Smith, Some success: ..."), identical texts once
with all their authors. The process table and the signatories are left empty
for the meeting, and empty cells print empty (no placeholder text).

It is a normal docxform form, so it parses back like any return: the
agreed ratings, the collated texts; the notes and boxes are outside the
answer cells and never reach the parsed answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from docxform.framework.model import Framework, RatingScale
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, generate_form
from docxform.oxml.textparts import CONSOLIDATED_FOOTER
from docxform.plan.priorities import agreed_level
from docxform.records.decisions import Decisions
from docxform.records.imprint import Imprint, imprint_of
from docxform.records.merged import MergedDataset, MergedItem, MergedResponse

#: The printed note of a disputed standard, in the meeting's words (the rule that found the dispute is in
#: the summary and the merged dataset): "Views differ: 4 doing well, 2 gap identified; to agree."
DISPUTED_NOTE = "Views differ: {ratings}; to agree."


def respondent_names(merged: MergedDataset) -> dict[str, str]:
    """Respondent id -> how the form names them: "Name (Organisation)" when the dataset knows the organisation."""
    return {r.id: f"{r.id} ({r.affiliation})" if r.affiliation else r.id for r in merged.respondents}


def collate_text(responses: Mapping[str, MergedResponse], key: str, names: dict[str, str],
                 scale: RatingScale | None = None) -> str:
    """One field's texts, one line per distinct text, each with who wrote it (and their rating when ``scale``).

    Answers given per prompt (forms read by their wording) follow the
    item's own, one line each ("9a: Yes"). Identical texts (ignoring spacing
    and case) are written once with all their authors, grouped by the
    rating they gave: "Jane Smith, Val Armstrong (Gap identified); Tom
    Healey (Working towards): text". Ten copies of one agreed goal are one line.
    """
    everyone = [names.get(rid, rid) for rid in responses]
    lines = []
    for text, by_level in _text_groups(responses, key, names, scale).values():
        if scale is None:
            authors = _who_of(by_level[""], everyone)
        else:
            authors = "; ".join(", ".join(who) + f" ({level})" for level, who in by_level.items())
        lines.append(f"{authors}: {text}")
    return "\n".join(lines)


def _text_groups(responses: Mapping[str, MergedResponse], key: str, names: dict[str, str],
                 scale: RatingScale | None) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Distinct texts (spacing and case ignored) -> (the first spelling, level name -> authors)."""
    groups: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for rid, response in responses.items():
        # The item's own answer, then any given per prompt on lines of their own ("9a: Yes").
        text = "\n".join(" ".join(line.split()) for line in response.item_text(key).split("\n") if line.strip())
        if not text:
            continue
        rating = response.rating
        level = "" if scale is None else (scale.level(rating).name if rating in scale.keys else "not rated")
        groups.setdefault(text.casefold(), (text, {}))[1].setdefault(level, []).append(names.get(rid, rid))
    return groups


def _who_of(authors: list[str], everyone: list[str]) -> str:
    """Authors of a text: "All 12", "All but Mark Owen" when most wrote it, else their names."""
    if len(everyone) > 3 and len(authors) == len(everyone):
        return f"All {len(everyone)}"
    if len(everyone) > 3 and len(authors) >= len(everyone) - 2:
        return "All but " + ", ".join(n for n in everyone if n not in authors)
    return ", ".join(authors)


def dispute_note(entry: MergedItem, scale: RatingScale) -> str:
    """The printed note of a disputed standard: how many gave each level, most first (ties: scale order).

    The meeting's language, not the tool's: the consensus rule and its reason
    are in the merged dataset and the summary; the form says what to talk about.
    """
    given = sorted(((n, scale.index(k), scale.level(k).name) for k, n in entry.counts.items()
                    if n and k in scale.keys), key=lambda t: (-t[0], t[1]))
    ratings = ", ".join(f"{n} {_lower(name)}" for n, _, name in given)
    return DISPUTED_NOTE.format(ratings=ratings or "no ratings given")


def _lower(name: str) -> str:
    """A level's name inside a sentence ("Doing well" -> "doing well"; an all-capitals name is kept)."""
    return name if name.isupper() else name[:1].lower() + name[1:]


def agreed_answers(merged: MergedDataset, framework: Framework,
                   decisions: Decisions | None = None) -> dict[str, dict[str, str | None]]:
    """Item id -> answers: the agreed level (the meeting's when decided; None when disputed and not yet
    decided), and the collated texts."""
    scale = framework.rating_scale
    names = respondent_names(merged)
    answers: dict[str, dict[str, str | None]] = {}
    for item in framework.items:
        entry = merged.item(item.id)
        answer: dict[str, str | None] = {}
        for n, f in enumerate(framework.text_fields):
            answer[f.key] = collate_text(entry.responses, f.key, names, scale if n == 0 else None)
        if scale is not None and framework.rating_field is not None:
            answer[framework.rating_field.key] = agreed_level(item.id, entry, decisions).level
        answers[item.id] = answer
    return answers


def disputes(merged: MergedDataset, framework: Framework, decisions: Decisions | None = None) -> dict[str, str]:
    """Item id -> printed note, for every disputed standard the meeting has not yet decided."""
    scale = framework.rating_scale
    if scale is None:
        return {}
    return {item.id: dispute_note(merged.items[item.id], scale) for item in framework.items
            if item.id in merged.items and merged.items[item.id].disputed and item.id not in (decisions or {})}


def meeting_notes(merged: MergedDataset, framework: Framework, decisions: Decisions | None) -> dict[str, str]:
    """Item id -> the printed note of each level the meeting agreed (rather than computed from the ratings)."""
    scale = framework.rating_scale
    names = {lv.key: lv.name for lv in scale.levels} if scale is not None else {}
    out = {}
    for item_id, decision in sorted((decisions or {}).items()):
        if item_id in merged.items:
            when = f" on {decision.decided_at[:10]}" if decision.decided_at else ""
            note = f": {decision.note}" if decision.note else ""
            out[item_id] = f"Agreed at the meeting{when}: {names.get(decision.level, decision.level)}{note}"
    return out


def consolidate(merged: MergedDataset, framework: Framework, target: Path, *,
                partnership: str = "", layout: str | None = None,
                decisions: Decisions | None = None, imprint: Imprint | None = None) -> GeneratedForm:
    """Write the consolidated form to ``target``; ``decisions`` (the meeting's) fill their standards' ratings.

    Every printed page's footer says what it is: "Consolidated form", the
    ``imprint`` (partnership, framework, round, date of the returns), the date
    of printing and page X of Y.
    """
    imprint = imprint or imprint_of(merged, framework, partnership=partnership)
    options = FormOptions(layout=layout, answers=agreed_answers(merged, framework, decisions), for_print=True,
                          disputes=disputes(merged, framework, decisions),
                          notes=meeting_notes(merged, framework, decisions),
                          footer=f"{CONSOLIDATED_FOOTER}{imprint.line()}", footer_date=True)
    return generate_form(framework, target, options, partnership=partnership or imprint.partnership)
