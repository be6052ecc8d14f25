"""The consolidated form: the framework's form filled with the agreed answers.

After the survey, the partnership reviews one form: each standard carries the
agreed (modal) rating, or no rating and a note when the rating is disputed,
with every respondent's comments, evidence and goals collated. It is a normal
docxform form, so it parses back like any return.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docxform.framework.model import Framework
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, generate_form
from docxform.prompts import item_text

DISPUTED_NOTE = "DISPUTED: no rating agreed ({reason}); ratings given: {ratings}. To be resolved by the partnership."


def agreed_answers(merged: dict[str, Any], framework: Framework) -> dict[str, dict[str, str | None]]:
    """Item id -> answers: the modal rating unless disputed, and collated texts."""
    scale = framework.rating_scale
    answers: dict[str, dict[str, str | None]] = {}
    for item in framework.items:
        entry = merged.get("items", {}).get(item.id, {})
        responses: dict[str, dict[str, Any]] = entry.get("responses", {})
        answer: dict[str, str | None] = {}
        for f in framework.text_fields:
            lines = [f"{who}: {text}" for who, r in responses.items() if (text := item_text(r, f.key))]
            answer[f.key] = "\n".join(lines)  # per-prompt answers collated after the item's, "9a: ..."
        if scale is not None and framework.rating_field is not None:
            key = framework.rating_field.key
            if entry.get("disputed"):
                answer[key] = None
                given = ", ".join(f"{scale.level(k).name} {n}" for k, n in entry.get("counts", {}).items() if n)
                note = DISPUTED_NOTE.format(reason=entry.get("dispute_reason") or "disputed", ratings=given or "none")
                first = framework.text_fields[0].key if framework.text_fields else None
                if first:
                    collated = answer[first] or ""
                    answer[first] = note + ("\n" + collated if collated else "")
            else:
                answer[key] = entry.get("mode")
        answers[item.id] = answer
    return answers


def consolidate(merged: dict[str, Any], framework: Framework, target: Path, *, partnership: str = "",
                layout: str | None = None) -> GeneratedForm:
    """Write the consolidated form to ``target``."""
    options = FormOptions(layout=layout, answers=agreed_answers(merged, framework))
    return generate_form(framework, target, options, partnership=partnership)
