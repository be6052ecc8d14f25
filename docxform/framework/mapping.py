"""Mapping files: where each answer sits in a form layout.

A mapping ties answer cells to items and fields three ways, so a return can
be read even after a word processor has stripped the content-control tags:
by tag, by position (table, row, grid column) and by anchors (the item id
that starts a row, the header label over a column, the label beside a
form-level field). docxform writes one for every layout it generates; a
coordinator writes one by hand for a form docxform did not make (see
docs/mappings.md). Files are YAML (JSON is valid YAML too).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from docxform.core.errors import DocxformError
from docxform.framework.yamlsource import load_limited
from docxform.io.files import read_text_input

#: What a mapping id (and a framework id a file names) may look like: a file name without a folder,
#: never a path.
MAPPING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", re.ASCII)

FORMAT = 1
#: libyaml's loader where PyYAML was built with it, for the shipped mappings only: the same YAML read ten
#: times faster (mappings hold every answer cell; a parse process reads several before its first form).
#: Never for a user's file: it recurses in C, and a deeply nested file would crash the process.
SHIPPED_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: libyaml's emitter when present: the same text as the Python one (checked over every shipped
#: mapping), about 3x faster. Only our own data is written, so its unbounded recursion is no risk.
WRITER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MAX_MAPPING_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ColumnAnchor:
    """A column recognised by its header label: it holds a field (and level)."""

    header: str
    field: str
    level: str | None = None


@dataclass(frozen=True)
class AnswerCell:
    """One answer cell of an item: by tag, alias and position."""

    item: str
    field: str
    level: str | None
    tag: str
    alias: str
    table: int
    row: int
    col: int


@dataclass(frozen=True)
class FieldRef:
    """A form-level field: its label (anchor), and its tag and position when known.

    ``key`` may be dotted for extra tables (``process.preparation``).
    """

    key: str
    label: str
    tag: str = ""
    table: int | None = None
    row: int | None = None
    col: int | None = None
    where: str = "next-cell"  # next-cell | after-label (same paragraph) | next-paragraph


@dataclass(frozen=True)
class PeopleRef:
    header: str
    columns: tuple[ColumnAnchor, ...]
    tag_prefix: str = "dxf:people"


@dataclass(frozen=True)
class Mapping:
    id: str
    framework: str
    framework_version: str
    layout: str
    item_header: str
    columns: tuple[ColumnAnchor, ...]
    recognise: tuple[str, ...] = ()
    fields: tuple[FieldRef, ...] = ()
    cells: tuple[AnswerCell, ...] = ()
    people: PeopleRef | None = None
    placeholders: tuple[str, ...] = ()
    description: str = ""
    path: str | None = None
    anchors: str = "ids"  # how rows are known: "ids" (the item id starts the row) or "text" (by their wording)
    text_threshold: float | None = None  # for anchors: text, the similarity (0-100) a match needs
    #: The layout's own print that no column, field or ``recognise`` phrase holds (headings, a key to its
    #: symbols, a part for another office): the form's text, never unclaimed (parse/conserve.py).
    printed: tuple[str, ...] = ()

    @cached_property
    def cells_by_key(self) -> dict[tuple[str, str, str | None], AnswerCell]:
        """Answer cells by (item, field, level), worked out once for every return read with the mapping."""
        return {(c.item, c.field, c.level): c for c in self.cells}

    @cached_property
    def expected_columns(self) -> dict[tuple[str, str | None], int]:
        """The grid column each answer (field, level) has in most rows of the layout, where the cells say.

        What a column missing from a header is checked against: its neighbours' columns.
        """
        counts: dict[tuple[str, str | None], Counter[int]] = {}
        for c in self.cells:
            counts.setdefault((c.field, c.level), Counter())[c.col] += 1
        return {key: count.most_common(1)[0][0] for key, count in counts.items()}

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        for key, default in (("anchors", "ids"), ("text_threshold", None), ("printed", ())):
            if data[key] == default:
                data.pop(key)  # written only when set, so generated mappings stay as they were
        return {"format": FORMAT, **data}


def mapping_to_yaml(mapping: Mapping) -> str:
    """Deterministic YAML for a mapping (answer cells one per line, to stay readable)."""
    data = mapping.to_data()
    cells = data.pop("cells")
    head = yaml.dump(data, Dumper=WRITER, sort_keys=False, allow_unicode=True, width=120)
    lines = [head.rstrip("\n"), "cells:" if cells else "cells: []"]
    lines += ["- " + yaml.dump(c, Dumper=WRITER, default_flow_style=True, sort_keys=False, allow_unicode=True,
                               width=400).strip() for c in cells]
    return "\n".join(lines) + "\n"


def mapping_from_data(data: Any, path: str) -> Mapping:
    """Build a Mapping from loaded YAML, with a one-line error when it is malformed."""
    if not isinstance(data, dict) or "id" not in data or "framework" not in data:
        raise DocxformError(path, "not a docxform mapping (needs at least 'id' and 'framework'); see docs/mappings.md")
    try:
        people = data.get("people")
        return Mapping(
            id=str(data["id"]), framework=str(data["framework"]),
            framework_version=str(data.get("framework_version", "")), layout=str(data.get("layout", "")),
            item_header=str(data.get("item_header", "")),
            columns=tuple(ColumnAnchor(**c) for c in data.get("columns", ())),
            recognise=tuple(map(str, data.get("recognise", ()))),
            fields=tuple(FieldRef(**f) for f in data.get("fields", ())),
            cells=tuple(AnswerCell(**c) for c in data.get("cells", ())),
            people=PeopleRef(header=people["header"], columns=tuple(ColumnAnchor(**c) for c in people["columns"]),
                             tag_prefix=people.get("tag_prefix", "dxf:people")) if people else None,
            placeholders=tuple(map(str, data.get("placeholders", ()))),
            description=str(data.get("description", "")), path=path,
            anchors=_anchors(data, path), text_threshold=_threshold(data, path),
            printed=_printed(data, path),
        )
    except (TypeError, KeyError) as exc:
        raise DocxformError(path, f"malformed mapping: {exc}; see docs/mappings.md") from None


ANCHORS = ("ids", "text")


def _printed(data: dict[str, Any], path: str) -> tuple[str, ...]:
    """The layout's own printed text (a list of strings, each a paragraph, a cell or a line as printed)."""
    value = data.get("printed", ())
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise DocxformError(path, "malformed mapping: printed must be a list of texts as the layout prints them; "
                            "see docs/mappings.md")
    return tuple(value)


def _anchors(data: dict[str, Any], path: str) -> str:
    """How the mapping's rows are known: by the item id that starts them, or by their wording."""
    value = data.get("anchors", "ids")
    if value not in ANCHORS:
        raise DocxformError(path, f"malformed mapping: anchors must be one of {', '.join(ANCHORS)}, not {value!r}; "
                            "see docs/mappings.md")
    return str(value)


def _threshold(data: dict[str, Any], path: str) -> float | None:
    """The similarity a text anchor needs (0-100); only meaningful with ``anchors: text``."""
    value = data.get("text_threshold")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise DocxformError(path, f"malformed mapping: text_threshold must be a number from 1 to 100, not {value!r}; "
                            "see docs/mappings.md")
    if data.get("anchors") != "text":
        raise DocxformError(path, "malformed mapping: text_threshold is only used with anchors: text; "
                            "see docs/mappings.md")
    return float(value)


def load_mapping(ref: str | Path) -> Mapping:
    """A mapping file, or the id of a shipped mapping (``sa2003-annexb``)."""
    text_ref = str(ref)
    if text_ref in shipped_mapping_ids():
        return _shipped(text_ref)
    path = Path(text_ref)
    if not path.exists():
        raise DocxformError(path, "no such mapping file or shipped mapping id")
    text = read_text_input(path, limit=MAX_MAPPING_BYTES, what="mapping file")
    data = load_limited(text, path, "mapping")
    return mapping_from_data(data, str(path))


def mappings_dir() -> Path:
    return Path(str(resources.files("docxform").joinpath("mappings")))


@cache
def shipped_mapping_ids() -> tuple[str, ...]:
    """Ids of the shipped form mappings (plan mappings, ``kind: plan``, live beside them)."""
    folder = mappings_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml") if _kind_of(p) == "form"))


def _kind_of(path: Path) -> str:
    for line in path.read_text("utf-8").splitlines()[:40]:
        if line.startswith("kind:"):
            return line.split(":", 1)[1].strip()
    return "form"


@cache
def _shipped(mapping_id: str) -> Mapping:
    path = mappings_dir() / f"{mapping_id}.yaml"
    return mapping_from_data(yaml.load(path.read_text("utf-8"), Loader=SHIPPED_LOADER), str(path))
