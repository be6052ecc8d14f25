"""Who is who: the one set of rules that ties a return to a person.

Used by the survey round (``docxform.round``), ``merge`` and ``collate``, so
the three never disagree about whether two returns are one person's:

- a personalised form (one issued to a named person: its properties carry
  ``docxform.respondent``) is that person's, whatever name is typed on it; a
  different typed name is reported (:func:`name_mismatch`), never accepted
  silently;
- copies of a generic form share the blank's form id, so the id says nothing
  about who filled them in: they are told apart by the name (and partnership)
  typed on them, else by the e-mail sender, else kept as separate respondents;
- of two returns of one person the later replaces the earlier: "later" is
  decided by the e-mail Dates when both have one, else by the documents'
  last-saved times (docProps/core.xml) when both have one, else by the order
  received (:func:`compare_versions`); never the file name
  (``name (corrected).docx`` sorts before ``name.docx``).

The rules read a return's typed record (:class:`docxform.records.response.Response`);
only :func:`changes` reads the parse JSON, of two versions as the round's
store keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docxform.records.merged import MergedDataset
    from docxform.records.response import Response

#: How an identity was established (stable strings: stored by the round, shown in reports).
BY_FORM = "form_id"
BY_NAME = "respondent"
BY_SENDER = "sender"


@dataclass(frozen=True)
class Identity:
    """Who a return is from: ``key`` is equal for two returns of one person; None means "nobody known"."""

    how: str | None
    key: str | None
    name: str | None


def fold(text: str) -> str:
    """Case and spacing do not make two names different people."""
    return " ".join(text.split()).casefold()


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def issued_to(data: Response) -> str | None:
    """The person a personalised form was issued to (its ``respondent``), else None."""
    return _text(data.respondent) or None


def typed_name(data: Response) -> str | None:
    """The name typed on the form ("Form completed by"), else None."""
    return _text(data.fields.get("completed_by")) or None


def partnership_of(data: Response) -> str:
    return _text(data.fields.get("partnership"))


def personalised_form_id(data: Response) -> str | None:
    """The form id when it identifies a person (a personalised form), else None.

    A generic form's id is the blank's: every copy has it, so it must never
    make two returns one respondent's.
    """
    form_id = data.form_id
    return form_id if isinstance(form_id, str) and form_id and issued_to(data) else None


def identify(data: Response, sender: str | None = None) -> Identity:
    """The identity of one parsed return, by the rules above (most trusted first)."""
    form_id = personalised_form_id(data)
    if form_id:
        return Identity(BY_FORM, f"form\0{form_id}", issued_to(data))
    name = typed_name(data)
    if name:
        return Identity(BY_NAME, "name\0" + name_key(data, name), name)
    if sender:
        return Identity(BY_SENDER, f"sender\0{fold(sender)}", None)
    return Identity(None, None, None)


def typed_organisation(data: Response) -> str:
    """The organisation typed on a generic form ("Organisation/role"); "" on a personalised one.

    On a personalised form it is prefilled from the respondents list, so it
    tells nobody apart there.
    """
    if issued_to(data):
        return ""
    return _text(data.fields.get("completed_by_role"))


def name_key(data: Response, name: str) -> str:
    """Partnership, name and typed organisation, ignoring case and spacing: equal for one person's returns.

    The partnership keeps two partnerships' officers who share a name apart;
    the organisation keeps apart two people of one name in different agencies
    who filled in copies of a generic form.
    """
    return f"{fold(partnership_of(data))}\0{fold(name)}\0{fold(typed_organisation(data))}"


def name_mismatch(data: Response) -> str | None:
    """A message when the name typed on a personalised form is not the person it was issued to."""
    issued, typed = issued_to(data), typed_name(data)
    if issued and typed and fold(issued) != fold(typed):
        return f"form issued to {issued} but {typed!r} is typed as 'Form completed by'; counted as {issued}'s return"
    return None


@dataclass(frozen=True)
class Times:
    """What is known of when a version was made: e-mail Date, last-saved time, order received."""

    sent: str | None
    saved: str | None
    received: int


def compare_versions(a: Times, b: Times) -> int:
    """-1 when ``a`` is the earlier version of the two, 1 when the later (never 0 for two receipts).

    The two-version case of :func:`version_order`: the e-mail Dates when both
    have one, else the last-saved times when both have one, else the order
    received. Never the file name.
    """
    return -1 if version_order([a, b]) == [0, 1] else 1


def version_order(times: Sequence[Times]) -> list[int]:
    """Indices of one person's versions, earliest first; the last is the current one.

    The key is chosen ONCE for all the person's versions: the e-mail Date if
    every version has one, else the last-saved time if every version has one,
    else the order received (ties by the order received). Choosing per pair
    instead can make three versions a cycle, with no consistent latest.
    """
    if times and all(t.sent for t in times):
        return sorted(range(len(times)), key=lambda i: (times[i].sent or "", times[i].received))
    if times and all(t.saved for t in times):
        return sorted(range(len(times)), key=lambda i: (times[i].saved or "", times[i].received))
    return sorted(range(len(times)), key=lambda i: times[i].received)


def is_latest(this: Times, earlier: Sequence[Times]) -> bool:
    """True when ``this`` comes out last among itself and ``earlier`` by :func:`version_order`."""
    everything = [*earlier, this]
    return version_order(everything)[-1] == len(earlier)


def later_order(times: Sequence[str | None]) -> list[int]:
    """Indices in the order to apply returns so that a later one replaces an earlier one.

    ``times`` are ISO 8601 UTC times (e-mail Date or last-saved time), None
    where unknown; the given order is the order received. Returns whose
    times are known are put in time order among the places they occupy, so
    between two timed returns the time decides, and otherwise the order
    received does. Equal times keep the order received.
    """
    timed = [i for i, t in enumerate(times) if t]
    by_time = sorted(timed, key=lambda i: (times[i] or "", i))
    order = list(range(len(times)))
    for place, index in zip(timed, by_time, strict=True):
        order[place] = index
    return order


def in_later_order(returns: list[Response]) -> list[Response]:
    """Returns in the order that lets a later version replace an earlier one of the same person.

    "Later" is the document's own last-saved time (read by the parse, never by
    reopening the file) where both versions have one, else the order given; never the file name. Only versions of one
    person swap places, so returns of different people keep their order.
    """
    times = [r.saved_at for r in returns]
    groups: dict[str, list[int]] = {}
    for index, data in enumerate(returns):
        key = identify(data).key
        if key:
            groups.setdefault(key, []).append(index)
    order = list(range(len(returns)))
    for members in groups.values():
        for place, index in zip(members, (members[i] for i in later_order([times[m] for m in members])),
                                strict=True):
            order[place] = index
    return [returns[i] for i in order]


def merge_summary(merged: MergedDataset) -> str:
    """One line for the terminal: how many returns were merged, how many replaced, and why."""
    duplicates = merged.duplicates
    left_out = sum(p.code == "framework-mismatch" for p in merged.problems)
    given = len(merged.respondents) + len(duplicates) + left_out
    reasons: dict[str, int] = {}
    for dup in duplicates:
        reasons[dup.reason] = reasons.get(dup.reason, 0) + 1
    why = {BY_FORM: "same personalised form", BY_NAME: "same typed name and partnership",
           BY_SENDER: "same e-mail sender"}
    line = f"{given} returns read, {len(merged.respondents)} respondents merged"
    if duplicates:
        parts = [f"{n} by {why.get(reason, reason)}" for reason, n in sorted(reasons.items())]
        line += f"; {len(duplicates)} replaced by a later version ({', '.join(parts)})"
    else:
        line += "; none replaced"
    return line + (f"; {left_out} of another framework left out" if left_out else "")


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two versions of one person's return: per item, rating and texts.

    Each entry is ``{"item", "field", "before", "after"}``; provenance and
    cell positions are where a value was read, not what was answered, and
    are left out.
    """
    out: list[dict[str, Any]] = []
    old_items = _dict(old.get("items"))
    new_items = _dict(new.get("items"))
    for item_id in sorted(set(old_items) | set(new_items), key=_item_order):
        before, after = _dict(old_items.get(item_id)), _dict(new_items.get(item_id))
        for key in sorted(set(before) | set(after), key=lambda k: (k != "rating", k)):
            if key in ("provenance", "cells"):
                continue
            if before.get(key) != after.get(key):
                out.append({"item": item_id, "field": key, "before": before.get(key), "after": after.get(key)})
    return out


def _item_order(item_id: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in item_id.split("."))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
