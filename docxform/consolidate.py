"""The consolidated form: the framework's form filled with the agreed answers, for the partnership to endorse.

After the survey, the partnership reviews and signs one form. Each standard
carries the level agreed under the consensus rule (:mod:`docxform.consensus`);
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

from pathlib import Path
from typing import Any

from docxform.framework.model import Framework, RatingScale
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, generate_form
from docxform.prompts import item_text

DISPUTED_NOTE = "DISPUTED under the {rule} rule, no rating agreed. Given: {ratings}."


def agreed_level(entry: dict[str, Any]) -> str | None:
    """The agreed level of a merged item: the consensus rule's, or the mode of an undisputed item
    in a dataset merged before consensus rules were kept."""
    consensus = entry.get("consensus")
    if isinstance(consensus, dict):
        level = consensus.get("agreed_level")
        return level if isinstance(level, str) else None
    return None if entry.get("disputed") else entry.get("mode")


def respondent_names(merged: dict[str, Any]) -> dict[str, str]:
    """Respondent id -> how the form names them: "Name (Organisation)" when the dataset knows the organisation."""
    out = {}
    for entry in merged.get("respondents", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        org = next((entry[k] for k in ("organisation", "role") if isinstance(entry.get(k), str) and entry[k]), "")
        out[entry["id"]] = f"{entry['id']} ({org})" if org else entry["id"]
    return out


def collate_text(responses: dict[str, dict[str, Any]], key: str, names: dict[str, str],
                 scale: RatingScale | None = None) -> str:
    """One field's texts, one line per distinct text, each with who wrote it (and their rating when ``scale``).

    Answers given per prompt (forms read by their wording) follow the
    item's own, one line each ("9a: Yes"). Identical texts (ignoring spacing
    and case) are written once with all their authors, grouped by the
    rating they gave: "Jane Smith, Val Armstrong (Gap identified); Tom
    Healey (Working towards): text". Ten copies of one agreed goal are one line.
    """
    groups: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for rid, response in responses.items():
        # The item's own answer, then any given per prompt on lines of their own ("9a: Yes").
        text = "\n".join(" ".join(line.split()) for line in item_text(response, key).split("\n") if line.strip())
        if not text:
            continue
        rating = response.get("rating")
        level = "" if scale is None else (scale.level(rating).name if rating in scale.keys else "not rated")
        groups.setdefault(text.casefold(), (text, {}))[1].setdefault(level, []).append(names.get(rid, rid))
    everyone = [names.get(rid, rid) for rid in responses]
    lines = []
    for text, by_level in groups.values():
        if scale is None:
            authors = _who_of(by_level[""], everyone)
        else:
            authors = "; ".join(", ".join(who) + f" ({level})" for level, who in by_level.items())
        lines.append(f"{authors}: {text}")
    return "\n".join(lines)


def _who_of(authors: list[str], everyone: list[str]) -> str:
    """Authors of a text: "All 12", "All but Mark Owen" when most wrote it, else their names."""
    if len(everyone) > 3 and len(authors) == len(everyone):
        return f"All {len(everyone)}"
    if len(everyone) > 3 and len(authors) >= len(everyone) - 2:
        return "All but " + ", ".join(n for n in everyone if n not in authors)
    return ", ".join(authors)


def dispute_note(entry: dict[str, Any], scale: RatingScale) -> str:
    """The printed note of a disputed standard: the rule and the ratings given (the rule's reason
    in full is in the merged dataset and the summary; the form keeps the note short)."""
    given = ", ".join(f"{scale.level(k).name} {n}" for k, n in (entry.get("counts") or {}).items()
                      if n and k in scale.keys)
    rule = (entry.get("consensus") or {}).get("rule") or "strict"
    return DISPUTED_NOTE.format(rule=rule, ratings=given or "none")


def agreed_answers(merged: dict[str, Any], framework: Framework) -> dict[str, dict[str, str | None]]:
    """Item id -> answers: the agreed level (None when disputed), and the collated texts."""
    scale = framework.rating_scale
    names = respondent_names(merged)
    answers: dict[str, dict[str, str | None]] = {}
    for item in framework.items:
        entry = (merged.get("items") or {}).get(item.id) or {}
        responses: dict[str, dict[str, Any]] = entry.get("responses") or {}
        answer: dict[str, str | None] = {}
        for n, f in enumerate(framework.text_fields):
            answer[f.key] = collate_text(responses, f.key, names, scale if n == 0 else None)
        if scale is not None and framework.rating_field is not None:
            answer[framework.rating_field.key] = agreed_level(entry)
        answers[item.id] = answer
    return answers


def disputes(merged: dict[str, Any], framework: Framework) -> dict[str, str]:
    """Item id -> printed note, for every disputed standard."""
    scale = framework.rating_scale
    if scale is None:
        return {}
    items = merged.get("items") or {}
    return {item.id: dispute_note(items[item.id], scale) for item in framework.items
            if isinstance(items.get(item.id), dict) and items[item.id].get("disputed")}


def consolidate(merged: dict[str, Any], framework: Framework, target: Path, *, partnership: str = "",
                layout: str | None = None) -> GeneratedForm:
    """Write the consolidated form to ``target``."""
    options = FormOptions(layout=layout, answers=agreed_answers(merged, framework), for_print=True,
                          disputes=disputes(merged, framework))
    return generate_form(framework, target, options, partnership=partnership)
