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

Who sent a receipt, on evidence (:func:`judge`, the one place that decides):
the form's token (an HMAC under the round's secret, :func:`make_token`), the
name typed, the sender's address, set against the person on file, give
*confirmed*, *probable* or *conflicting*; a conflicting return is held until the
coordinator decides. When it was sent (:func:`defended_time`): the e-mail Date
when plausible, else the last-saved time, else the time received.

The rules read a return's typed record (:class:`docxform.records.response.Response`);
only :func:`changes` reads the parse JSON, of two versions as the round's
store keeps them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from docxform.records.round import (
    FROM_DATE,
    FROM_INGEST,
    FROM_SAVED,
    TOKEN_ABSENT,
    TOKEN_FAILED,
    TOKEN_VERIFIED,
    Evidence,
)

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
    #: Its e-mail Date or last-saved time was not believed (docxform.survey.identity.defended_time): it
    #: cannot be shown to be later than anything, so it never replaces a version that can.
    doubtful: bool = False


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
    Doubtful versions (a time not believed) come first, in the order received.
    """
    doubtful = [i for i, t in enumerate(times) if t.doubtful]
    if doubtful:
        rest = [i for i, t in enumerate(times) if not t.doubtful]
        return doubtful + [rest[i] for i in version_order([times[i] for i in rest])]
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


# --- who sent it, on evidence ------------------------------------------------------------------------

CONFIRMED, PROBABLE, CONFLICTING = "confirmed", "probable", "conflicting"
TOKEN_SCHEME = "dxr1"


def make_token(round_id: str, key: bytes, form_id: str, person: str | None) -> str:
    """The token a round's form carries: names the round and (personalised) the person, signed with its secret.

    The form id alone is computed from facts anyone in the partnership knows;
    the token needs the round's key, kept in its store, so a form made
    outside the round cannot carry one that verifies.
    """
    return f"{TOKEN_SCHEME}.{round_id}.{_mac(key, round_id, form_id, person)}"


def _mac(key: bytes, round_id: str, form_id: str, person: str | None) -> str:
    message = "\0".join((round_id, form_id, fold(person or ""))).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def check_token(token: str | None, round_id: str, key: bytes, form_id: str | None, person: str | None) -> str:
    """TOKEN_VERIFIED, TOKEN_FAILED (present but not this round's signature for this form) or TOKEN_ABSENT."""
    if not token:
        return TOKEN_ABSENT
    expected = make_token(round_id, key, form_id or "", person)
    # As bytes: a hostile form's token may hold any text, and compare_digest refuses non-ASCII str.
    given = token.strip().encode("utf-8", "replace")
    return TOKEN_VERIFIED if hmac.compare_digest(given, expected.encode("ascii")) else TOKEN_FAILED


@dataclass(frozen=True)
class OnFile:
    """What the round knows of the person a return is matched to."""

    name: str
    email: str = ""
    new: bool = False  # made from this very return: nothing on file to compare it with


@dataclass(frozen=True)
class Judgement:
    """The verdict on a receipt's evidence, with the evidence for and against in words."""

    verdict: str
    support: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # evidence one would expect and did not find

    @property
    def held(self) -> bool:
        return self.verdict == CONFLICTING


def judge(evidence: Evidence, person: OnFile | None, *, signed: bool) -> Judgement:
    """Confirmed, probable or conflicting: the evidence of one receipt against the person it is matched to.

    Against: a token that does not verify (present, but not this round's
    signature for this form: computed, or another round's), a typed name that
    is not the person's, a sender that is not their address on file. A missing
    token is missing evidence, not evidence against (a form made by
    ``generate form``, or converted by a program that drops properties); in a
    round that signs its forms (``signed``) it is said. Conflicting when
    anything is against, except a sender alone on a form whose token verifies
    for that very person (a personal or shared mailbox): probable. Confirmed
    when nothing is against and at least two pieces agree; else probable.
    """
    support, against = _token_evidence(evidence, person, signed=signed)
    if person is not None and not person.new:
        _compare(evidence, person, support, against)
    missing = ["no token of this round on the form: not issued by it, or its properties were lost"] \
        if signed and evidence.token == TOKEN_ABSENT and evidence.form_person else []
    mailbox_only = against == [a for a in against if a.startswith("sent from")] and len(against) == 1
    if against and not (mailbox_only and evidence.token == TOKEN_VERIFIED and evidence.token_person):
        return Judgement(CONFLICTING, support, against, missing)
    verdict = CONFIRMED if len(support) >= 2 and not against and not missing else PROBABLE
    return Judgement(verdict, support, against, missing)


#: How strong each verdict is: a version judged weaker than the one it replaces is said (:func:`weaker_note`).
STRENGTH = {CONFLICTING: 0, PROBABLE: 1, CONFIRMED: 2}
#: The start of that note, so the status history can show it.
WEAKER = "the evidence is weaker than"


def weaker_note(new: Judgement, current: Judgement, current_receipt: int) -> str | None:
    """A note when ``new`` replaces a version whose evidence was stronger (probable after confirmed), else None.

    The weaker one still replaces it (a person may hand in a correction in
    person), but never silently: the note names the version it replaces and
    the evidence that one had and this one lacks. A conflicting one is held,
    not a replacement, so it gets no note here.
    """
    if new.held or STRENGTH[new.verdict] >= STRENGTH[current.verdict]:
        return None
    lacking = [s for s in current.support if s not in new.support] + new.missing
    return (f"{WEAKER} that of receipt {current_receipt}, the version it replaces ({new.verdict} after "
            f"{current.verdict})" + (f"; missing: {'; '.join(lacking)}" if lacking else ""))


def same_name(typed: str, on_file: str) -> bool:
    """The name typed is the person's: the same words (case, spacing and punctuation aside), or all of
    the name on file among more words ("Dr Ann Archer", "Ann Archer (Council)"); never a part of it."""
    words, wanted = re.findall(r"\w+", fold(typed)), re.findall(r"\w+", fold(on_file))
    return words == wanted or (len(wanted) >= 2 and set(wanted) <= set(words))


def _compare(evidence: Evidence, person: OnFile, support: list[str], against: list[str]) -> None:
    """The name typed and the sender, each for or against the person on file (neither when absent)."""
    typed = evidence.typed_name
    if typed and same_name(typed, person.name):
        support.append(f"the name typed is {person.name!r}")
    elif typed:
        against.append(f"the name typed is {_said(typed)}, not {person.name!r}")
    sender, email = evidence.sender or "", person.email
    if sender and email and fold(sender) == fold(email):
        support.append(f"sent from {email}, the address on file")
    elif sender and email:
        against.append(f"sent from {_said(sender)}, not {email} (on file)")


def _said(text: str, limit: int = 80) -> str:
    """Respondents' text quoted in a message: as a Python literal (no control character reaches a terminal),
    and cut short (a name typed a thousand times is not repeated in every line)."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _token_evidence(evidence: Evidence, person: OnFile | None, *, signed: bool) -> tuple[list[str], list[str]]:
    if evidence.token == TOKEN_FAILED:
        return [], ["the form's token does not verify: this round did not issue the form"]
    if evidence.token == TOKEN_VERIFIED and evidence.token_person:
        return [f"the form's token verifies: issued to {evidence.token_person!r}"], []
    return [], []


#: An e-mail Date this far after the moment of ingest is a wrong clock, not a time.
FUTURE_TOLERANCE = timedelta(hours=1)
#: An e-mail Date this far before the round began cannot be a return of it.
BEFORE_ROUND_TOLERANCE = timedelta(days=2)


def defended_time(evidence: Evidence, date: str | None, received_at: str, round_created: str) -> Evidence:
    """The evidence with its time set: the plausible Date, else last-saved time, else received; warnings said.

    A Date (or a last-saved time) after the moment of ingest beyond a small
    tolerance, or a Date long before the round began, is not believed: it
    orders nothing and dates nothing, and is a warning on the receipt.
    """
    now, began = _parse(received_at), _parse(round_created)
    evidence.date = None
    if date:
        when = _parse(date)
        if when is None or (now and when > now + FUTURE_TOLERANCE):
            evidence.warnings.append(f"the e-mail Date {date} is after the moment it was received: not believed")
        elif began and when < began - BEFORE_ROUND_TOLERANCE:
            evidence.warnings.append(f"the e-mail Date {date} is before the round began ({round_created}): "
                                     "not believed")
        else:
            evidence.date = date
    saved = evidence.saved_at
    if saved and (_parse(saved) is None or (now and (_parse(saved) or now) > now + FUTURE_TOLERANCE)):
        evidence.warnings.append(f"the document's last-saved time {saved} is in the future: not believed")
        evidence.saved_at = saved = None
    if evidence.date:
        evidence.received, evidence.received_from = evidence.date, FROM_DATE
    elif saved:
        evidence.received, evidence.received_from = saved, FROM_SAVED
    else:
        evidence.received, evidence.received_from = received_at, FROM_INGEST
    return evidence


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None
