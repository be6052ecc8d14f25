"""A parsed return: the answers of one form, and what was unsure about them.

This is the JSON contract of ``docxform parse`` (documented by
schemas/response.schema.json). Names here are stable: validate, merge,
summarise and the plan prefill all read them. A form parsed in this run is
its record straight away; :meth:`Response.from_dict` reads a parsed return's
JSON back into the record where a ``.json`` file (or the round's store) is
read, after its shape was checked. Validation, merge and summary all take the
record; ``to_dict`` is called only where JSON is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docxform import __version__
from docxform.core.problems import Problem, problem_from_dict

FieldValue = str | list[dict[str, str]] | dict[str, str]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _objects(value: Any, kind: type) -> dict[str, Any]:
    """A JSON object's entries of the given kind (copied), by key as text; {} when it is not an object."""
    if not isinstance(value, dict):
        return {}
    return {str(k): (dict(v) if isinstance(v, dict) else v) for k, v in value.items() if isinstance(v, kind)}

#: Keys :meth:`ItemAnswer.to_dict` writes beside the text fields: a text field with one of these
#: keys would be overwritten by them, so ``check-framework`` refuses it (field-key-reserved).
RESERVED_ANSWER_KEYS = ("rating", "provenance", "cells")


@dataclass
class ItemAnswer:
    """One item's answers: ``rating`` (a level key or None) and free-text fields by key."""

    rating: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    cells: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Answers given per prompt (forms read by text anchors): prompt id -> field -> text, with
    #: ``provenance``, ``cells`` and ``score`` (the match's similarity) per field.
    prompts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Keys of ``texts`` whose value in a hand-edited file was not text (a number, a list): held as
    #: its text for the merge, as it always was, but no answer to a rule that asks for text (validation).
    not_text: frozenset[str] = frozenset()

    def item_text(self, key: str) -> str:
        """The field's own text, then its answers given per prompt one per line ("9a: Yes"), as the rules read it.

        A value that was not text in the file (``not_text``) is no answer here, as validation has always read it.
        """
        from docxform.records.prompts import texts_by_prompt

        own = self.texts.get(key, "").strip() if key not in self.not_text else ""
        lines = [own] if own else []
        lines += [f"{prompt}: {texts[key]}" for prompt, texts in texts_by_prompt(self.prompts).items() if key in texts]
        return "\n".join(lines)

    def to_dict(self, include_rating: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"rating": self.rating} if include_rating else {}
        out.update(self.texts)
        out["provenance"] = dict(self.provenance)
        out["cells"] = dict(self.cells)
        if self.prompts:
            out["prompts"] = {k: dict(v) for k, v in self.prompts.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemAnswer:
        """Read one item's answers back (the inverse of :meth:`to_dict`); every other key is a text field.

        A hand-edited file may hold something else than text there (a number): it is kept as its
        text ("5"), as the merge has always read it, never dropped without a word, and named in
        ``not_text``, so validation still finds no text there; null is no answer. Provenance, cells
        and prompts that are not objects are no location and no answers (what every reader skipped).
        """
        given = {k: v for k, v in data.items() if k not in (*RESERVED_ANSWER_KEYS, "prompts") and v is not None}
        return cls(rating=data.get("rating"), texts={k: _text(v) for k, v in given.items()},
                   provenance=_objects(data.get("provenance"), object), cells=_objects(data.get("cells"), dict),
                   prompts=_objects(data.get("prompts"), dict),
                   not_text=frozenset(k for k, v in given.items() if not isinstance(v, str)))


@dataclass
class Response:
    framework_id: str
    framework_version: str
    source_path: str
    source_sha256: str
    layout: str | None = None
    mapping: str | None = None
    form_id: str | None = None
    respondent: str | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    items: dict[str, ItemAnswer] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    has_rating: bool = True
    organisation: str | None = None  # of the person a personalised form was issued to (from the respondents list)
    role: str | None = None
    #: The round's signed token the form carries (docxform.survey.identity.make_token), when it has one.
    token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self._base_dict()
        # Only when known, so returns of forms made without a respondents list keep their shape.
        out.update({k: v for k, v in (("organisation", self.organisation), ("role", self.role),
                                      ("token", self.token)) if v})
        return out

    def _base_dict(self) -> dict[str, Any]:
        return {
            "kind": "form",
            "docxform_version": __version__,
            "framework": {"id": self.framework_id, "version": self.framework_version},
            "layout": self.layout,
            "mapping": self.mapping,
            "form_id": self.form_id,
            "respondent": self.respondent,
            "source": {"path": self.source_path, "sha256": self.source_sha256},
            "fields": self.fields,
            "items": {k: v.to_dict(self.has_rating) for k, v in self.items.items()},
            "problems": [p.to_dict() for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Response:
        """Read a parsed return (``docxform parse`` output, already shape-checked) back into the record.

        ``has_rating`` is recovered from the items: a framework without a rating scale writes no
        ``rating`` key at all.
        """
        items = data.get("items") or {}
        source = data.get("source") or {}
        framework = data.get("framework") or {}
        return cls(
            framework_id=framework["id"], framework_version=framework["version"],
            source_path=str(source.get("path") or ""), source_sha256=str(source.get("sha256") or ""),
            layout=data.get("layout"), mapping=data.get("mapping"), form_id=data.get("form_id"),
            respondent=data.get("respondent"), fields=dict(data.get("fields") or {}),
            items={k: ItemAnswer.from_dict(v) for k, v in items.items()},
            problems=[problem_from_dict(p) for p in data.get("problems") or []],
            has_rating=all("rating" in v for v in items.values()) if items else True,
            organisation=data.get("organisation") or None, role=data.get("role") or None,
            token=data.get("token") or None,
        )
