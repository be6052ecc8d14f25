"""Answers given per prompt: reading them out of a parsed return or a merged response.

A form read by text anchors answers each requirement or question on its own
(``items[ITEM]["prompts"][PROMPT][FIELD]``, see schemas/response.schema.json);
the item's own fields then hold only what could not be split. Rules that ask
"did the item get an answer" (validate), the merge, the summary and the
consolidated form all need the two together, read defensively since a JSON
file may hold anything.
"""

from __future__ import annotations

from typing import Any

#: Keys of a prompt entry that are about the answer, not answers.
META = ("provenance", "cells", "score")


def texts_by_prompt(prompts: Any) -> dict[str, dict[str, str]]:
    """Prompt id -> field -> non-empty text, from an answer's ``prompts`` (JSON or a typed record's)."""
    if not isinstance(prompts, dict):
        return {}
    out: dict[str, dict[str, str]] = {}
    for prompt, entry in prompts.items():
        if not isinstance(entry, dict):
            continue
        texts = {k: v.strip() for k, v in entry.items() if k not in META and isinstance(v, str) and v.strip()}
        if texts:
            out[str(prompt)] = texts
    return out


def prompt_answers(prompts: Any, fields: list[str]) -> dict[str, dict[str, str]]:
    """Prompt id -> answers in the given fields, for prompts with at least one (what a merge keeps).

    ``prompts`` is an item answer's ``prompts`` (:attr:`docxform.records.response.ItemAnswer.prompts`).
    """
    out = {prompt: {k: t for k, t in texts.items() if k in fields}
           for prompt, texts in texts_by_prompt(prompts).items()}
    return {prompt: texts for prompt, texts in out.items() if texts}
