"""What a plan is, independent of any workbook: its columns, its rows, a parse result.

The columns are the framework's ``plan.columns`` (Annex C for sa2003) followed
by the tracker columns a plan needs once it is being delivered (milestone
date, status, last reviewed, priority). Generating and reading both work from
:func:`plan_columns`, so the two cannot disagree about what a plan holds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from typing import Any, Literal

from docxform.core.problems import Problem
from docxform.framework.model import FormField, Framework, PlanColumn, PlanSpec

ColumnKind = Literal["text", "item_ref", "date", "status", "priority"]

#: The Annex C statuses a tracker offers when the framework names none.
DEFAULT_STATUSES: tuple[str, ...] = PlanSpec(columns=()).statuses

#: Column keys that play a role the rules check (a framework may use any of them).
GOAL_KEYS = ("goal", "goals", "objective")
ACTION_KEYS = ("action", "actions")
LEAD_KEYS = ("lead_officer", "owner", "lead")
TARGET_KEYS = ("measure", "target", "performance_measure", "target_date")


@dataclass(frozen=True)
class Column:
    """One plan column as the workbook shows it; ``kind`` drives validation and parsing."""

    key: str
    label: str
    kind: ColumnKind = "text"
    note: str = ""
    tracker: bool = False


def _annex_c(item_name: str) -> tuple[PlanColumn, ...]:
    """Annex C's columns, for a framework that defines no plan of its own."""
    return (
        PlanColumn("standard", f"Related {item_name} no.", type="item_ref"),
        PlanColumn("goal", "Improvement objective/goal"),
        PlanColumn("action", "Action needed"),
        PlanColumn("milestones", "Key milestones"),
        PlanColumn("lead_officer", "Lead officer"),
        PlanColumn("resources", "Resource implications",
                   note="for undertaking the activity. If work can be undertaken within existing resources, enter nil."),
        PlanColumn("challenges", "Challenge issues, solutions"),
        PlanColumn("measure", "Performance measure/ target"),
    )


DEFAULT_HEADER_FIELDS = (
    FormField("partnership", "Partnership name"),
    FormField("lead_officer", "Lead officer"),
    FormField("period", "Period"),
)


def plan_spec(framework: Framework) -> PlanSpec:
    """The framework's plan, or Annex C's when it has none (a plan is still useful)."""
    if framework.plan is not None and framework.plan.columns:
        return framework.plan
    return PlanSpec(columns=_annex_c(framework.item_name), header_fields=DEFAULT_HEADER_FIELDS)


def header_fields(framework: Framework) -> tuple[FormField, ...]:
    return plan_spec(framework).header_fields or DEFAULT_HEADER_FIELDS


def statuses(framework: Framework) -> tuple[str, ...]:
    return plan_spec(framework).statuses or DEFAULT_STATUSES


def plan_columns(framework: Framework) -> tuple[Column, ...]:
    """The framework's plan columns, then the tracker columns it does not already have."""
    own = tuple(Column(c.key, c.label, c.type, c.note) for c in plan_spec(framework).columns)
    keys = {c.key for c in own}
    has_status = any(c.kind == "status" for c in own)
    trackers = (
        Column("milestone_date", "Milestone date", "date", tracker=True),
        Column("status", "Status", "status", tracker=True),
        Column("last_reviewed", "Last reviewed", "date", tracker=True),
        Column("priority", "Priority", "priority", tracker=True),
    )
    extra = tuple(t for t in trackers if t.key not in keys and not (t.kind == "status" and has_status))
    return own + extra


def role_key(columns: tuple[Column, ...], candidates: tuple[str, ...]) -> str | None:
    """The first column key that plays a role (lead officer, target ...), if the plan has one."""
    keys = [c.key for c in columns]
    return next((k for k in candidates if k in keys), None)


def item_ref_key(columns: tuple[Column, ...]) -> str | None:
    return next((c.key for c in columns if c.kind == "item_ref"), None)


@dataclass
class PlanRow:
    """One row of an improvement plan: who does what, by when, towards which standard.

    Dates are ISO text: ``2004-03-31``, or ``2004-03`` when only a month was
    given; text that is not a date is kept as typed (and reported). Columns a
    framework has beyond the Annex C ones live in ``extra``. ``sheet_row`` says
    where the row was read from and takes no part in equality.
    """

    standard: str = ""
    goal: str = ""
    action: str = ""
    milestones: str = ""
    lead_officer: str = ""
    resources: str = ""
    challenges: str = ""
    measure: str = ""
    milestone_date: str = ""
    status: str = ""
    last_reviewed: str = ""
    priority: int | None = None
    extra: dict[str, str] = dataclass_field(default_factory=dict)
    sheet_row: int | None = dataclass_field(default=None, compare=False)

    def get(self, key: str) -> Any:
        """The value of a plan column by its key (a named field or an ``extra`` one)."""
        if key in _NAMED:
            return getattr(self, key)
        return self.extra.get(key, "")

    def set(self, key: str, value: Any) -> None:
        if key in _NAMED:
            setattr(self, key, value)
        else:
            self.extra[key] = value

    def is_empty(self) -> bool:
        named = any(getattr(self, k) not in ("", None) for k in _NAMED)
        return not named and not any(self.extra.values())

    def to_dict(self, columns: tuple[Column, ...]) -> dict[str, Any]:
        """The JSON form: one entry per plan column, in column order, and the sheet row."""
        out: dict[str, Any] = {c.key: self.get(c.key) for c in columns}
        if self.sheet_row is not None:
            out["row"] = self.sheet_row
        return out


_NAMED = tuple(f.name for f in fields(PlanRow) if f.name not in ("extra", "sheet_row"))


@dataclass
class PlanResult:
    """A plan read back from a workbook: its rows, header fields and problems."""

    framework: Framework
    rows: list[PlanRow]
    header: dict[str, str]
    problems: list[Problem]
    source: dict[str, str]
    sheet: str = ""

    @property
    def columns(self) -> tuple[Column, ...]:
        return plan_columns(self.framework)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "plan",
            "framework": {"id": self.framework.id, "version": self.framework.version},
            "source": dict(self.source),
            "header": dict(self.header),
            "rows": [row.to_dict(self.columns) for row in self.rows],
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class PlanPartner:
    """One partner's plan among the merged ones: who, which file, its header, how many rows and findings."""

    partner: str
    source: dict[str, str]
    header: dict[str, str]
    rows: int
    errors: int
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        return {"partner": self.partner, "source": dict(self.source), "header": dict(self.header), "rows": self.rows,
                "errors": self.errors, "warnings": self.warnings}


@dataclass(frozen=True)
class MergedPlanRow:
    """One action of the merged plans: the partner that owns it, its file, and its plan row's values by column key.

    ``values`` is :meth:`PlanRow.to_dict` (every plan column, and ``row``, the sheet row it was read from).
    """

    partner: str
    source: str
    values: dict[str, Any]

    def get(self, key: str, default: Any = "") -> Any:
        """A value by key, ``partner`` and ``source`` included (``default`` for a column the row lacks)."""
        return self.to_dict().get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {"partner": self.partner, "source": self.source, **self.values}


@dataclass(frozen=True)
class PlanOwner:
    """Who does what towards one standard: an entry of the merged plans' ``by_standard``."""

    partner: str
    action: Any
    lead_officer: Any
    source: str
    row: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"partner": self.partner, "action": self.action, "lead_officer": self.lead_officer,
                "source": self.source, "row": self.row}


@dataclass
class MergedPlans:
    """Several partners' plans as one (``docxform.plan.merge_plans``): every action with the partner that owns it.

    ``framework`` is (id, version), None when nothing was merged; ``columns`` the plans' (key, label).
    :meth:`to_dict` is the JSON form, a ``plan-merge``.
    """

    framework: tuple[str, str] | None
    columns: list[tuple[str, str]]
    partners: list[PlanPartner]
    rows: list[MergedPlanRow]
    by_standard: dict[str, list[PlanOwner]]
    problems: list[Problem]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "plan-merge",
            "framework": {"id": self.framework[0], "version": self.framework[1]} if self.framework else None,
            "columns": [{"key": key, "label": label} for key, label in self.columns],
            "partners": [p.to_dict() for p in self.partners],
            "rows": [r.to_dict() for r in self.rows],
            "by_standard": {sid: [o.to_dict() for o in owners] for sid, owners in self.by_standard.items()},
            "problems": [p.to_dict() for p in self.problems],
        }
