"""The consolidated form: the framework's form filled with the agreed answers, for the partnership to endorse.

After the survey, the partnership reviews and signs one form. Each standard
carries the level agreed under the consensus rule (:mod:`docxform.survey.consensus`);
a disputed standard has no rating, a printed note saying what was given and a
box "Agreed at the meeting" to tick once the meeting settles it (the note is
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
from docxform.records.decisions import Decisions, MeetingDecision
from docxform.records.merged import MergedDataset, MergedItem, MergedResponse

DISPUTED_NOTE = "DISPUTED under the {rule} rule, no rating agreed. Given: {ratings}."


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
    """The printed note of a disputed standard: the rule and the ratings given (the rule's reason
    in full is in the merged dataset and the summary; the form keeps the note short)."""
    given = ", ".join(f"{scale.level(k).name} {n}" for k, n in entry.counts.items() if n and k in scale.keys)
    rule = (entry.consensus.rule if entry.consensus else "") or "strict"
    return DISPUTED_NOTE.format(rule=rule, ratings=given or "none")


def agreed_answers(merged: MergedDataset, framework: Framework) -> dict[str, dict[str, str | None]]:
    """Item id -> answers: the agreed level (None when disputed), and the collated texts."""
    scale = framework.rating_scale
    names = respondent_names(merged)
    answers: dict[str, dict[str, str | None]] = {}
    for item in framework.items:
        entry = merged.item(item.id)
        answer: dict[str, str | None] = {}
        for n, f in enumerate(framework.text_fields):
            answer[f.key] = collate_text(entry.responses, f.key, names, scale if n == 0 else None)
        if scale is not None and framework.rating_field is not None:
            answer[framework.rating_field.key] = entry.agreed_level
        answers[item.id] = answer
    return answers


def disputes(merged: MergedDataset, framework: Framework) -> dict[str, str]:
    """Item id -> printed note, for every disputed standard."""
    scale = framework.rating_scale
    if scale is None:
        return {}
    return {item.id: dispute_note(merged.items[item.id], scale) for item in framework.items
            if item.id in merged.items and merged.items[item.id].disputed}


def consolidate(merged: MergedDataset, framework: Framework, target: Path, *,
                partnership: str = "", layout: str | None = None,
                decisions: Decisions | None = None) -> GeneratedForm:
    """Write the consolidated form to ``target``.

    ``decisions``: the meeting's agreed levels (a survey round's ``round
    agree``): each replaces the computed level, with a printed note saying it
    was agreed at the meeting, not computed.
    """
    answers, notes = agreed_answers(merged, framework), disputes(merged, framework)
    for item_id, decision in sorted((decisions or {}).items()):
        if item_id in answers and framework.rating_field is not None:
            answers[item_id][framework.rating_field.key] = decision.level
            notes[item_id] = meeting_note(decision, framework.rating_scale)
    options = FormOptions(layout=layout, answers=answers, for_print=True, disputes=notes)
    return generate_form(framework, target, options, partnership=partnership)


def meeting_note(decision: MeetingDecision, scale: RatingScale | None) -> str:
    """The printed note of a level the meeting agreed (rather than computed from the ratings)."""
    names = {lv.key: lv.name for lv in scale.levels} if scale is not None else {}
    when = f" on {decision.decided_at[:10]}" if decision.decided_at else ""
    note = f": {decision.note}" if decision.note else ""
    return f"Agreed at the meeting{when}: {names.get(decision.level, decision.level)}{note}"
