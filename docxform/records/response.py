"""A parsed return: the answers of one form, and what was unsure about them.

This is the JSON contract of ``docxform parse`` (documented by
schemas/response.schema.json). Names here are stable: validate, merge,
summarise and the plan prefill all read them. A form parsed in this run is
its record straight away; :meth:`Response.from_dict` reads a parsed return's
JSON back into the record where a ``.json`` file (or the round's store) is
read, after its shape was checked (:func:`check_return`, here beside the record it
guards). Validation, merge and summary all take the record; ``to_dict`` is called
only where JSON is written. The facts several stages read off a return (who the
respondent is, a free text as text: :func:`respondent_name`, :func:`respondent_label`,
:func:`text_value`) are here too, so those stages need not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from docxform import __version__
from docxform.core.errors import DocxformError
from docxform.core.problems import CODES, Problem, problem_from_dict
from docxform.framework.model import RESERVED_ANSWER_KEYS  # the keys ItemAnswer.to_dict writes beside the texts

FieldValue = str | list[dict[str, str]] | dict[str, str]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _objects(value: Any, kind: type) -> dict[str, Any]:
    """A JSON object's entries of the given kind (copied), by key as text; {} when it is not an object."""
    if not isinstance(value, dict):
        return {}
    return {str(k): (dict(v) if isinstance(v, dict) else v) for k, v in value.items() if isinstance(v, kind)}



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


# Facts read off one return that several stages need (validation, merging, the pipeline): they
# name respondents and read free text the same way, so those stages need not import each other.

def text_value(value: Any) -> str:
    """A free-text answer as a string ("" for missing), whatever the JSON held."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def respondent_name(data: Response) -> str | None:
    """The respondent's real name: ``respondent``, else ``fields.completed_by``; None if neither.

    The file stem is not a name (two folders can both hold ``return.docx``),
    so it labels a respondent but never makes two returns duplicates.
    """
    for value in (data.respondent, data.fields.get("completed_by")):
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def respondent_label(data: Response) -> str:
    """What to call a respondent: the name, else the stem of the source file."""
    name = respondent_name(data)
    if name:
        return name
    return PurePath(data.source_path).stem or "unnamed return"


@dataclass(frozen=True)
class UnclaimedText:
    """Text of a return that is neither the blank form's own nor in any answer: where it is, and the nearest item.

    ``where`` is a stable word: ``standard-cell`` (the item's own cell, beside its answers),
    ``answer-cell`` (an answer cell whose text was not read as its answer), ``split-cell``,
    ``row`` (a row without an id, or the item's row outside its answer columns), ``table`` (a table
    with no answers), ``below-table``, ``before-form``, ``after-form``, ``paragraph`` (outside the
    tables, place unknown), ``unmatched`` (answers of a requirement matched to no prompt); outside the
    body (parse/parts.py): ``header``, ``footer`` (the page's, a text box in it too), ``footnote``,
    ``endnote``, ``comment`` (the table, row and cell, and the item, of where its mark or range is).
    Table, row and cell are counted from 1.
    """

    text: str
    where: str
    description: str
    item: str | None = None
    field: str | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    def to_dict(self) -> dict[str, Any]:
        location = {k: v for k, v in (("table", self.table), ("row", self.row), ("cell", self.cell)) if v is not None}
        return {"text": self.text, "where": self.where, "description": self.description, "item": self.item,
                "field": self.field, "location": location}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UnclaimedText:
        raw = data.get("location")
        location: dict[str, Any] = raw if isinstance(raw, dict) else {}
        return cls(text=_text(data.get("text", "")), where=_text(data.get("where", "")),
                   description=_text(data.get("description", "")), item=data.get("item"), field=data.get("field"),
                   table=location.get("table"), row=location.get("row"), cell=location.get("cell"))


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
    #: The document's own last-saved time, from the parse (who-is-who orders one person's versions by it).
    #: Not part of the JSON contract: a return read back from JSON has none, and its order received decides.
    saved_at: str | None = None
    #: Text of the return no answer holds and the blank form does not print (parse/conserve.py).
    unclaimed: list[UnclaimedText] = field(default_factory=list)
    #: The round's signed token the form carries (docxform.survey.identity.make_token), when it has one.
    token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self._base_dict()
        # Only when known, so returns of forms made without a respondents list keep their shape.
        out.update({k: v for k, v in (("organisation", self.organisation), ("role", self.role),
                                      ("token", self.token)) if v})
        if self.unclaimed:  # only when there is some: a return read whole keeps its shape
            out["unclaimed"] = [u.to_dict() for u in self.unclaimed]
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
            unclaimed=[UnclaimedText.from_dict(u) for u in data.get("unclaimed") or [] if isinstance(u, dict)],
            token=data.get("token") or None,
        )


def check_return(data: Any, path: str | Path | None = None) -> None:
    """Raise :class:`DocxformError` unless ``data`` has the shape of a parsed return."""
    cause = _shape_problem(data)
    if cause is not None:
        raise DocxformError(path, f"not a docxform return: {cause}",
                            hint="give the JSON written by docxform parse")


def _shape_problem(data: Any) -> str | None:
    """The first thing that makes ``data`` not a parsed return, or None; checked from the outside in."""
    if not isinstance(data, dict):
        return "the JSON is not an object"
    return _header_problem(data) or _items_problem(data.get("items") or {}) \
        or _problems_problem(data.get("problems") or [])


def _header_problem(data: dict[str, Any]) -> str | None:
    """Kind, framework, source, and the types of the three containers the later stages iterate."""
    if data.get("kind") != "form":
        return f'"kind" is {data.get("kind")!r}, not "form"'
    fw = data.get("framework")
    if not (isinstance(fw, dict) and isinstance(fw.get("id"), str) and isinstance(fw.get("version"), str)):
        return '"framework" must be {"id": ..., "version": ...}'
    source = data.get("source")
    if not (isinstance(source, dict) and isinstance(source.get("path", ""), str)):
        return '"source" must be {"path": ..., "sha256": ...}'
    for key, kind in (("fields", dict), ("items", dict), ("problems", list)):
        if not isinstance(data.get(key, kind()), kind):
            return f'"{key}" must be a JSON {"object" if kind is dict else "array"}'
    return None


def _items_problem(items: dict[str, Any]) -> str | None:
    """Each answer an object whose rating is a level key or null and whose prompts are an object."""
    for item_id, answer in items.items():
        if not isinstance(answer, dict):
            return f"item {item_id} is not an object"
        rating = answer.get("rating")
        if rating is not None and not isinstance(rating, str):
            return f"item {item_id}: rating must be a level key or null"
        if not isinstance(answer.get("prompts", {}), dict):
            return f"item {item_id}: prompts must be an object of prompt id -> answers"
    return None


def _problems_problem(entries: list[Any]) -> str | None:
    """Each recorded problem carries a code this version knows, so it can be read back as a Problem."""
    for entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("code"), str)):
            return "a problem is not an object with a code"
        if entry["code"] not in CODES:
            return f"unknown problem code {entry['code']!r}"
    return None
