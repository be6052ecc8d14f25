"""The framework model: what every other stage works with.

These objects speak the user's words (themes, items, rating levels, form
layouts); they know nothing of YAML or OOXML. They are built only by
:mod:`docxform.framework.loader`, which has already checked them.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from typing import Literal

FieldType = Literal["rating", "text"]
FormFieldType = Literal["text", "multiline", "date", "month", "year", "signature"]

#: Keys a parsed answer writes beside an item's text fields (rating, where it was read, its cells):
#: a text field with one of these keys would be overwritten by them, so a definition may not use
#: one (field-key-reserved). Here, in the model, because both the loader that refuses such a
#: definition and the response record that writes the keys read it.
RESERVED_ANSWER_KEYS = ("rating", "provenance", "cells")


@dataclass(frozen=True)
class Level:
    """One rating level, e.g. key ``some_success``, label ``SOME SUCCESS``."""

    key: str
    label: str
    name: str
    definition: str = ""


@dataclass(frozen=True)
class RatingScale:
    """An ordered scale, lowest achievement first."""

    label: str
    levels: tuple[Level, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(level.key for level in self.levels)

    def index(self, key: str) -> int:
        """Position of a level on the scale (0 = lowest)."""
        return self.keys.index(key)

    def level(self, key: str) -> Level:
        return self.levels[self.index(key)]


@dataclass(frozen=True)
class ItemField:
    """A response field every item has: the rating or a named free-text field."""

    key: str
    type: FieldType
    label: str
    placeholder: str = ""
    width: float = 0.0


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    heading: str
    intro: str = ""


@dataclass(frozen=True)
class Prompt:
    text: str
    id: str | None = None


@dataclass(frozen=True)
class Item:
    """A standard (or guideline, or numbered item) with its id as printed."""

    id: str
    theme_id: str
    text: str
    guidance_text: str = ""
    title: str = ""
    prompts: tuple[Prompt, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()

    def tag(self, name: str) -> str | None:
        return dict(self.tags).get(name)


@dataclass(frozen=True)
class FormField:
    """A form-level field (partnership name, date, a signatory's name ...)."""

    key: str
    label: str
    type: FormFieldType = "text"
    prefill: str | None = None
    required: bool = False


@dataclass(frozen=True)
class FieldsBlock:
    fields: tuple[FormField, ...]
    heading: str = ""
    kind: Literal["fields"] = "fields"


@dataclass(frozen=True)
class ItemsBlock:
    """The item tables. ``columns`` are keys of item fields."""

    columns: tuple[str, ...]
    item_header: str = ""
    id_column: bool = True
    show_prompts: bool = False
    theme_rows: bool = False
    one_table: bool = False
    kind: Literal["items"] = "items"


@dataclass(frozen=True)
class TableRow:
    key: str
    label: str


@dataclass(frozen=True)
class TableBlock:
    """An extra table with fixed rows (the 2003 "Process of self-assessment")."""

    key: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    heading: str = ""
    intro: str = ""
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class PeopleColumn:
    key: str
    label: str


@dataclass(frozen=True)
class PeopleBlock:
    """The list of people who took part."""

    columns: tuple[PeopleColumn, ...]
    rows: int = 12
    heading: str = ""
    note: str = ""
    kind: Literal["people"] = "people"


@dataclass(frozen=True)
class SignatoriesBlock:
    fields: tuple[FormField, ...]
    heading: str = ""
    declaration: str = ""
    note: str = ""
    kind: Literal["signatories"] = "signatories"


@dataclass(frozen=True)
class TextBlock:
    text: str
    heading: str = ""
    kind: Literal["text"] = "text"


Block = FieldsBlock | ItemsBlock | TableBlock | PeopleBlock | SignatoriesBlock | TextBlock


@dataclass(frozen=True)
class FormLayout:
    """One printed form of the framework: its blocks, in order."""

    id: str
    blocks: tuple[Block, ...]
    title: str = ""
    subtitle: str = ""
    description: str = ""
    orientation: Literal["landscape", "portrait"] = "landscape"

    @property
    def form_fields(self) -> tuple[FormField, ...]:
        """Every form-level field of the layout, in order."""
        out: list[FormField] = []
        for block in self.blocks:
            if isinstance(block, FieldsBlock | SignatoriesBlock):
                out.extend(block.fields)
        return tuple(out)

    @property
    def items_block(self) -> ItemsBlock | None:
        for block in self.blocks:
            if isinstance(block, ItemsBlock):
                return block
        return None


@dataclass(frozen=True)
class PlanColumn:
    key: str
    label: str
    note: str = ""
    type: Literal["text", "item_ref", "date", "status"] = "text"
    width: float = 0.0


@dataclass(frozen=True)
class PlanSpec:
    """The improvement plan (Annex C of the 2003 guidance)."""

    columns: tuple[PlanColumn, ...]
    title: str = "Improvement plan"
    header_fields: tuple[FormField, ...] = ()
    statuses: tuple[str, ...] = ("Not started", "On track", "At risk", "Delayed", "Completed")
    guidance: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuidanceSection:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Validation rules for returns; data, so a user's framework sets its own."""

    rating_required: bool = True
    evidence_field: str | None = None
    evidence_required_for: tuple[str, ...] = ()
    goal_field: str | None = None
    goal_required_for: tuple[str, ...] = ()
    vague_evidence_terms: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()
    signatures_required: tuple[str, ...] = ()
    priority_goals_min: int = 4
    priority_goals_max: int = 6


@dataclass(frozen=True)
class Framework:
    """A whole framework definition, checked and ready to use."""

    id: str
    version: str
    title: str
    fields: tuple[ItemField, ...]
    themes: tuple[Theme, ...]
    items: tuple[Item, ...]
    forms: tuple[FormLayout, ...]
    source: str = ""
    description: str = ""
    notes: str = ""
    item_name: str = "item"
    rating_scale: RatingScale | None = None
    plan: PlanSpec | None = None
    guidance: tuple[GuidanceSection, ...] = ()
    rules: Rules = dataclass_field(default_factory=Rules)
    path: str | None = None

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def theme(self, theme_id: str) -> Theme:
        for th in self.themes:
            if th.id == theme_id:
                return th
        raise KeyError(theme_id)

    def items_in(self, theme_id: str) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.theme_id == theme_id)

    def form(self, layout_id: str | None = None) -> FormLayout:
        """The layout with this id, or the default (first) layout."""
        if layout_id is None:
            return self.forms[0]
        for layout in self.forms:
            if layout.id == layout_id:
                return layout
        known = ", ".join(f.id for f in self.forms)
        raise KeyError(f"framework {self.id} has no form layout {layout_id!r} (it has: {known})")

    @property
    def rating_field(self) -> ItemField | None:
        for f in self.fields:
            if f.type == "rating":
                return f
        return None

    @property
    def text_fields(self) -> tuple[ItemField, ...]:
        return tuple(f for f in self.fields if f.type == "text")

    def field(self, key: str) -> ItemField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(it.id for it in self.items)

    @cached_property
    def item_id_set(self) -> frozenset[str]:
        """The item ids, for membership tests (worked out once: every return parsed asks)."""
        return frozenset(self.item_ids)
