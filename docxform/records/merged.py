"""The merged dataset as a typed record: what ``merge`` builds and summarise, consolidate, compare and plan read.

schemas/merged.schema.json documents the JSON; :meth:`MergedDataset.to_dict`
writes exactly it and :meth:`MergedDataset.from_dict` reads it back, so the
stages after the merge read attributes (``item.counts``, ``response.texts``)
(``response.texts`` of a :class:`MergedResponse`, not to be confused with a parsed return,
:class:`docxform.records.response.Response`) instead of chains of ``.get(`` that hide a misspelt key as an empty answer.
JSON stays at the edges: :func:`docxform.survey.merge.merge_returns` builds this
record directly and every consumer takes it; ``to_dict`` is called only where
the dataset is written (merged.json) or printed, and ``from_dict`` only where a
merged.json given by the user is read (then checked by :func:`check_against`).

Reading is lenient where the JSON of older versions differs (no ``consensus``,
a missing count), and a value of the wrong type is a one-line error naming the
file: a hand-edited dataset must not reach a chart as nonsense.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from docxform.core.errors import DocxformError
from docxform.core.problems import CODES, Problem, problem_from_dict
from docxform.framework.model import Framework
from docxform.records.consensus import RULE_NAMES, Rule, make_rule

T = TypeVar("T")

#: Keys of a response that are not one of the framework's text fields.
RESPONSE_KEYS = ("rating", "source", "prompts")
#: Where hand-made or foreign JSON nests a response's answers (read as if they were at the top).
NESTS = ("fields", "values")
#: Keys of a respondent the schema defines (any other text is kept in ``details``).
RESPONDENT_KEYS = ("id", "name", "form_id", "source", "partnership", "organisation", "role")


class _Reader:
    """Type checks for one dataset's values: the first wrong one is a DocxformError naming file and key."""

    def __init__(self, source: str | Path | None) -> None:
        self.source = source

    def fail(self, where: str, wanted: str) -> DocxformError:
        return DocxformError(self.source, f"not a merged dataset: {where} must be {wanted}")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        """An object; null or absent reads as empty."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "an object")
        return value

    def seq(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, "a list")
        return value

    def text(self, value: Any, where: str) -> str | None:
        if value is not None and not isinstance(value, str):
            raise self.fail(where, "text or null")
        return value

    def count(self, value: Any, where: str) -> int:
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != int(value):
            raise self.fail(where, "a whole number of at least 0")
        return int(value)

    def number(self, value: Any, where: str) -> float | None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise self.fail(where, "a number or null")
        return value

    def each(self, value: Any, where: str, make: Callable[[dict[str, Any], str], T]) -> dict[str, T]:
        """An object of objects, each read by ``make`` (which gets the entry and its place)."""
        return {str(k): make(self.obj(v, f"{where}.{k}"), f"{where}.{k}")
                for k, v in self.obj(value, where).items()}


@dataclass(frozen=True)
class Source:
    """A returned file: its SHA-256, and its path unless the dataset is anonymised."""

    sha256: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256} if self.path is None else {"path": self.path, "sha256": self.sha256}

    @classmethod
    def read(cls, data: dict[str, Any], where: str, r: _Reader) -> Source:
        return cls(sha256=r.text(data.get("sha256"), f"{where}.sha256") or "",
                   path=r.text(data.get("path"), f"{where}.path"))


@dataclass
class Respondent:
    """One kept return. ``name``/``form_id`` are None when anonymised; ``details`` holds any other strings.

    ``organisation`` (an agency) and ``role`` are None when the dataset does not know them.
    """

    id: str
    source: Source
    name: str | None = None
    form_id: str | None = None
    partnership: str | None = None
    organisation: str | None = None
    role: str | None = None
    details: dict[str, str] = field(default_factory=dict)

    def to_dict(self, anonymised: bool, by_partnership: bool) -> dict[str, Any]:
        """The schema's entry: form id left out when anonymised, partnership too for a region's pseudonyms."""
        out: dict[str, Any] = {"id": self.id}
        if self.name is not None:
            out["name"] = self.name
        if not anonymised:
            out["form_id"] = self.form_id
        out["source"] = self.source.to_dict()
        if not (anonymised and by_partnership):
            out["partnership"] = self.partnership
        known = {"organisation": self.organisation, "role": self.role}
        return out | {k: v for k, v in known.items() if v is not None} | self.details

    @classmethod
    def read(cls, data: dict[str, Any] | str, where: str, r: _Reader) -> Respondent:
        """One entry; a bare name, or an entry with a name but no id (hand-made datasets), is read as that id."""
        if isinstance(data, str):
            return cls(id=data, source=Source(""), name=data)
        data = r.obj(data, where)
        rid = r.text(data.get("id"), f"{where}.id") or r.text(data.get("name"), f"{where}.name")
        if rid is None:
            raise r.fail(f"{where}.id", "text")
        return cls(id=rid, source=Source.read(r.obj(data.get("source"), f"{where}.source"), f"{where}.source", r),
                   name=r.text(data.get("name"), f"{where}.name"),
                   form_id=r.text(data.get("form_id"), f"{where}.form_id"),
                   partnership=r.text(data.get("partnership"), f"{where}.partnership"),
                   organisation=r.text(data.get("organisation"), f"{where}.organisation"),
                   role=r.text(data.get("role"), f"{where}.role"),
                   details={k: v for k, v in data.items() if k not in RESPONDENT_KEYS and isinstance(v, str)})

    @property
    def affiliation(self) -> str:
        """The respondent's organisation, else role, where the dataset records one, else ''."""
        return self.organisation or self.role or ""


@dataclass
class MergedResponse:
    """One respondent's answer to one item: rating, text fields by key, per-prompt answers, source path."""

    rating: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    prompts: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str | None = None

    def text(self, key: str) -> str:
        """The text of one field ('' when blank or not a field of this framework)."""
        return self.texts.get(key, "")

    def prompt_texts(self) -> dict[str, dict[str, str]]:
        """Prompt id -> field -> non-empty text (forms read by text anchors), as the reports list them."""
        from docxform.records.prompts import texts_by_prompt

        return texts_by_prompt(self.prompts)

    def item_text(self, key: str) -> str:
        """The field's own text, then its answers given per prompt one per line ("9a: Yes")."""
        own = self.text(key).strip()
        lines = [own] if own else []
        lines += [f"{prompt}: {texts[key]}" for prompt, texts in self.prompt_texts().items() if key in texts]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rating": self.rating, **self.texts}
        if self.prompts:
            out["prompts"] = {k: dict(v) for k, v in self.prompts.items()}
        if self.source is not None:
            out["source"] = self.source
        return out

    @classmethod
    def read(cls, data: dict[str, Any], where: str, r: _Reader) -> MergedResponse:
        prompts = r.each(data.get("prompts"), f"{where}.prompts",
                         lambda d, w: {str(k): v for k, v in d.items() if isinstance(v, str)})
        texts = {k: v for k, v in data.items() if k not in RESPONSE_KEYS and isinstance(v, str)}
        for nest in (data.get(n) for n in NESTS):  # answers nested under "fields"/"values": the top level wins
            if isinstance(nest, dict):
                texts |= {k: v for k, v in nest.items() if isinstance(v, str) and k not in texts}
        return cls(rating=r.text(data.get("rating"), f"{where}.rating"), texts=texts,
                   prompts=prompts, source=r.text(data.get("source"), f"{where}.source"))


@dataclass
class ItemConsensus:
    """The consensus rule's measure for one item (see docxform.survey.consensus); ``within_one`` only for iqr."""

    rule: str
    measure: str
    value: float | None
    threshold: float | None
    agreed_level: str | None
    within_one: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "measure": self.measure, "value": self.value,
                               "threshold": self.threshold, "agreed_level": self.agreed_level}
        if self.within_one is not None:
            out["within_one"] = self.within_one
        return out

    @classmethod
    def read(cls, data: dict[str, Any], where: str, r: _Reader) -> ItemConsensus:
        return cls(rule=r.text(data.get("rule"), f"{where}.rule") or "strict",
                   measure=r.text(data.get("measure"), f"{where}.measure") or "",
                   value=r.number(data.get("value"), f"{where}.value"),
                   threshold=r.number(data.get("threshold"), f"{where}.threshold"),
                   agreed_level=r.text(data.get("agreed_level"), f"{where}.agreed_level"),
                   within_one=r.number(data.get("within_one"), f"{where}.within_one"))


@dataclass
class MergedItem:
    """One standard across respondents: counts per level, statistics, dispute and every response."""

    counts: dict[str, int] = field(default_factory=dict)
    rated: int = 0
    unrated: int = 0
    mode: str | None = None
    median: str | None = None
    spread: int = 0
    disputed: bool = False
    dispute_reason: str | None = None
    responses: dict[str, MergedResponse] = field(default_factory=dict)
    consensus: ItemConsensus | None = None

    def count(self, level: str) -> int:
        """Respondents who gave ``level`` (0 for a level the dataset does not count)."""
        return self.counts.get(level, 0)

    @property
    def agreed_level(self) -> str | None:
        """The consensus rule's agreed level; for datasets merged before rules, the mode of an undisputed item."""
        if self.consensus is not None:
            return self.consensus.agreed_level
        return None if self.disputed else self.mode

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "counts": dict(self.counts), "rated": self.rated, "unrated": self.unrated, "mode": self.mode,
            "median": self.median, "spread": self.spread, "disputed": self.disputed,
            "dispute_reason": self.dispute_reason,
        }
        if self.consensus is not None:  # before the responses, where the merge has always written it
            out["consensus"] = self.consensus.to_dict()
        out["responses"] = {k: v.to_dict() for k, v in self.responses.items()}
        return out

    @classmethod
    def read(cls, data: dict[str, Any], where: str, r: _Reader) -> MergedItem:
        counts = r.obj(data.get("counts"), f"{where}.counts")
        consensus = data.get("consensus")
        return cls(
            counts={str(k): r.count(v, f"{where}.counts.{k}") for k, v in counts.items()},
            rated=r.count(data.get("rated"), f"{where}.rated"),
            unrated=r.count(data.get("unrated"), f"{where}.unrated"),
            mode=r.text(data.get("mode"), f"{where}.mode"), median=r.text(data.get("median"), f"{where}.median"),
            spread=r.count(data.get("spread"), f"{where}.spread"), disputed=bool(data.get("disputed")),
            dispute_reason=r.text(data.get("dispute_reason"), f"{where}.dispute_reason"),
            responses=r.each(data.get("responses"), f"{where}.responses", lambda d, w: MergedResponse.read(d, w, r)),
            consensus=(ItemConsensus.read(r.obj(consensus, f"{where}.consensus"), f"{where}.consensus", r)
                       if consensus is not None else None),
        )


@dataclass(frozen=True)
class Duplicate:
    """A return left out because a later one is the same respondent's (same form id or name)."""

    respondent: str
    reason: str
    kept: Source
    dropped: Source

    def to_dict(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "reason": self.reason, "kept": self.kept.to_dict(),
                "dropped": self.dropped.to_dict()}

    @classmethod
    def read(cls, data: dict[str, Any], where: str, r: _Reader) -> Duplicate:
        return cls(respondent=r.text(data.get("respondent"), f"{where}.respondent") or "",
                   reason=r.text(data.get("reason"), f"{where}.reason") or "",
                   kept=Source.read(r.obj(data.get("kept"), f"{where}.kept"), f"{where}.kept", r),
                   dropped=Source.read(r.obj(data.get("dropped"), f"{where}.dropped"), f"{where}.dropped", r))


@dataclass(frozen=True)
class FrameworkRef:
    """Which framework (id, version, title) every merged return belongs to."""

    id: str
    version: str
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "version": self.version}
        return out if self.title is None else out | {"title": self.title}


@dataclass(frozen=True)
class RuleRef:
    """The consensus rule the dataset was judged by, as it records it."""

    rule: str
    threshold: float | None
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "threshold": self.threshold, "description": self.description}

    def as_rule(self) -> Rule:
        """The rule itself, to quote in words (the default rule for a name this version does not know)."""
        return Rule(self.rule, self.threshold) if self.rule in RULE_NAMES else Rule()


@dataclass
class MergedDataset:
    """Many parsed returns of one framework collated per standard (schemas/merged.schema.json)."""

    framework: FrameworkRef
    respondents: list[Respondent] = field(default_factory=list)
    items: dict[str, MergedItem] = field(default_factory=dict)
    anonymised: bool = False
    respondent_label: str = "respondent"
    duplicates: list[Duplicate] = field(default_factory=list)
    #: The merge's own findings (duplicate-return, rating-disputed, ...), as records.
    problems: list[Problem] = field(default_factory=list)
    consensus: RuleRef | None = None
    docxform_version: str | None = None

    @property
    def by_partnership(self) -> bool:
        """True when respondents are a region's partnerships rather than one partnership's members."""
        return self.respondent_label == "partnership"

    def item(self, item_id: str) -> MergedItem:
        """The item's record; an empty one for an item the dataset lacks (nobody answered it)."""
        return self.items.get(item_id) or MergedItem()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "merged"}
        if self.docxform_version is not None:
            out["docxform_version"] = self.docxform_version
        out |= {"framework": self.framework.to_dict(), "anonymised": self.anonymised}
        if self.consensus is not None:
            out["consensus"] = self.consensus.to_dict()
        out |= {
            "respondent_label": self.respondent_label,
            "respondents": [p.to_dict(self.anonymised, self.by_partnership) for p in self.respondents],
            "items": {k: v.to_dict() for k, v in self.items.items()},
            "duplicates": [d.to_dict() for d in self.duplicates],
            "problems": [p.to_dict() for p in self.problems],
        }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | Path | None = None) -> MergedDataset:
        """Read a merged dataset's JSON; a value of the wrong type is a DocxformError naming ``source``."""
        r = _Reader(source)
        fw = r.obj(data.get("framework"), "framework")
        rule = data.get("consensus")
        return cls(
            framework=FrameworkRef(id=r.text(fw.get("id"), "framework.id") or "",
                                   version=r.text(fw.get("version"), "framework.version") or "",
                                   title=r.text(fw.get("title"), "framework.title")),
            respondents=[Respondent.read(p, f"respondents[{i}]", r)
                         for i, p in enumerate(r.seq(data.get("respondents"), "respondents"))],
            items=r.each(data.get("items"), "items", lambda d, w: MergedItem.read(d, w, r)),
            anonymised=bool(data.get("anonymised")),
            respondent_label=r.text(data.get("respondent_label"), "respondent_label") or "respondent",
            duplicates=[Duplicate.read(r.obj(d, f"duplicates[{i}]"), f"duplicates[{i}]", r)
                        for i, d in enumerate(r.seq(data.get("duplicates"), "duplicates"))],
            problems=[_problem(r.obj(p, f"problems[{i}]"), f"problems[{i}]", r)
                      for i, p in enumerate(r.seq(data.get("problems"), "problems"))],
            consensus=_rule_ref(rule, r) if rule is not None else None,
            docxform_version=r.text(data.get("docxform_version"), "docxform_version"),
        )


def check_against(dataset: MergedDataset, framework: Framework, source: str | Path | None) -> None:
    """Refuse, naming the file, item and field, a dataset whose ids or levels its framework does not have.

    A hand-edited merged.json is data like any return: a misspelt standard or a
    level off the scale would otherwise be dropped from a report, or crash a
    count, without a word.
    """
    if dataset.framework.id != framework.id:
        raise DocxformError(source, f"merged for framework {dataset.framework.id!r}, not {framework.id!r}")
    known = set(framework.item_ids)
    levels = set(framework.rating_scale.keys) if framework.rating_scale else None
    for item_id, item in dataset.items.items():
        if item_id not in known:
            raise DocxformError(source, f"item {item_id!r} is not a {framework.id} {framework.item_name}")
        if levels is not None:
            _check_levels(item_id, item, levels, source)
    if dataset.consensus is not None:
        try:
            make_rule(dataset.consensus.rule, dataset.consensus.threshold if dataset.consensus.rule != "strict"
                      else None)
        except DocxformError as exc:
            raise DocxformError(source, f"its consensus rule: {exc.cause}") from None


def _check_levels(item_id: str, item: MergedItem, levels: set[str], source: str | Path | None) -> None:
    """Every level a merged item names (counts, mode, median, agreed level, each rating) is on the scale."""
    named = [*((f"counts.{k}", k) for k in item.counts), ("mode", item.mode), ("median", item.median),
             ("consensus.agreed_level", item.consensus.agreed_level if item.consensus else None),
             *((f"responses.{who}.rating", r.rating) for who, r in item.responses.items())]
    for where, level in named:
        if level is not None and level not in levels:
            raise DocxformError(source, f"item {item_id} {where}: {level!r} is not a level of the rating scale")


def _problem(data: dict[str, Any], where: str, r: _Reader) -> Problem:
    """One of the dataset's problems as its record; a code this version does not know is refused, as in a return."""
    code = data.get("code")
    if not isinstance(code, str) or code not in CODES:
        raise r.fail(f"{where}.code", "a problem code docxform knows (docs/problem-codes.md)")
    return problem_from_dict(data)


def _rule_ref(value: Any, r: _Reader) -> RuleRef:
    data = r.obj(value, "consensus")
    return RuleRef(rule=r.text(data.get("rule"), "consensus.rule") or "",
                   threshold=r.number(data.get("threshold"), "consensus.threshold"),
                   description=r.text(data.get("description"), "consensus.description") or "")
