"""The coordinator's corrections: who a receipt belongs to, who else takes part, what no longer counts,
what the meeting agreed; each an event in the store (what, when, a reason), each reversible.

Nothing a correction touches is overwritten: the versions stay as ingest
stored them, and :func:`effective` replays the events in effect over them
whenever the round is read. Undoing an event (``round undo``) takes it out of
effect, so every output is again what it was before, byte for byte (the
report lists only the corrections in effect; ``round status`` shows them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from docxform.core.errors import DocxformError
from docxform.records.decisions import Decisions, MeetingDecision
from docxform.records.round import Event, Person, RoundInfo, Version
from docxform.round.store import Store, open_store

if TYPE_CHECKING:
    from docxform.generate.respondents import Respondent

ASSIGN, ADD, WITHDRAW, AGREE, UNDO = "assign", "add", "withdraw", "agree", "undo"
#: What a version counts as once the corrections are applied.
COUNTED, HELD, WITHDRAWN = "counted", "held", "withdrawn"


@dataclass
class Effective:
    """The round as the corrections in effect make it: whose each version is, and whether it counts."""

    versions: list[Version]  # person_id as corrected
    states: dict[int, str]  # receipt id -> COUNTED | HELD | WITHDRAWN
    assigned: dict[int, int]  # receipt id -> the event that assigned it
    hidden: set[int]  # people added by an event no longer in effect
    withdrawn: dict[int, int]  # person id -> the event that withdrew them
    decisions: Decisions
    events: list[Event]  # all of them, in order
    active: set[int] = field(default_factory=set)  # ids of the events in effect
    uninvited: set[int] = field(default_factory=set)  # added by an undone correction, but with returns

    def counted(self) -> list[Version]:
        return [v for v in self.versions if self.states.get(v.receipt_id) == COUNTED]


def effective(store: Store) -> Effective:
    """The corrections in effect over the round in ``store`` (read here; see :func:`effective_of`)."""
    return effective_of(store.versions(), store.people(), store.events())


def effective_of(stored: list[Version], people: list[Person], events: list[Event]) -> Effective:
    """Replay the events in effect (not undone, not undos) over the versions as ingest stored them.

    The versions given are not changed (copies carry the corrected person), so the records a
    command read once can be replayed more than once.
    """
    undone = {e.undoes for e in events if e.kind == UNDO}
    active = {e.id for e in events if e.kind != UNDO and e.id not in undone}
    versions = [replace(v) for v in stored]
    state = Effective(versions, {v.receipt_id: HELD if v.held else COUNTED for v in versions}, {}, set(), {}, {},
                      events, active)
    by_receipt = {v.receipt_id: v for v in versions}
    for event in (e for e in events if e.id in active):
        _apply(state, event, by_receipt)
    # People added by a correction no longer in effect are gone, unless a return came for them since
    # (then they stay, as someone the round did not invite, so that nothing received is hidden).
    having = {v.person_id for v in versions}
    undone_people = {p.id for p in people if p.added_by is not None and p.added_by not in active}
    state.hidden = undone_people - having
    state.uninvited = undone_people & having
    for v in versions:  # a return of someone withdrawn does not count
        if v.person_id in state.withdrawn and state.states[v.receipt_id] == COUNTED:
            state.states[v.receipt_id] = WITHDRAWN
    return state


def _apply(state: Effective, event: Event, by_receipt: dict[int, Version]) -> None:
    """One correction in effect, applied to the round as the earlier ones left it."""
    data = event.data
    receipt = data.get("receipt")
    if event.kind == ASSIGN and receipt in by_receipt:
        by_receipt[int(receipt)].person_id = int(data["person"])
        state.states[int(receipt)], state.assigned[int(receipt)] = COUNTED, event.id
    elif event.kind == WITHDRAW and receipt in by_receipt:
        state.states[int(receipt)] = WITHDRAWN
    elif event.kind == WITHDRAW and "person" in data:
        state.withdrawn[int(data["person"])] = event.id
    elif event.kind == AGREE:
        state.decisions[str(data["item"])] = MeetingDecision(item=str(data["item"]), level=str(data["level"]),
                                                             note=str(data.get("note") or ""), decided_at=event.at)


def describe(event: Event, people: dict[int, Person]) -> str:
    """One line for the status history: what the event did, in words (names as the round knows them)."""
    data = event.data

    def who(key: str) -> str:
        person = people.get(int(data.get(key, 0) or 0))
        return person.name if person else f"person {data.get(key)}"

    if event.kind == ASSIGN:
        text = f"receipt {data['receipt']} assigned to {who('person')}" + (" (a new respondent)"
                                                                           if data.get("new") else "")
    elif event.kind == ADD:
        text = f"added {', '.join(str(n) for n in data.get('names', []))}"
    elif event.kind == WITHDRAW:
        text = f"receipt {data['receipt']} withdrawn" if "receipt" in data else f"{who('person')} withdrawn"
    elif event.kind == AGREE:
        text = f"the meeting agreed {data['item']} at {data['level']}" + (f" ({data['note']!r})"
                                                                          if data.get("note") else "")
    else:
        text = f"undid correction {event.undoes}"
    return text + (f"; reason: {event.reason!r}" if event.reason else "")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Correction:
    """What a correction command did: its event (number, for ``round undo``) and the line to show."""

    event: int
    text: str


def record(folder: str | Path, kind: str, data: dict[str, object], reason: str = "",
           undoes: int | None = None) -> Correction:
    """Write one event (in one transaction) and say what it did."""
    with open_store(folder) as store, store.transaction():
        event = Event(id=0, at=now(), kind=kind, data=dict(data), reason=reason, undoes=undoes)
        event.id = store.add_event(event)
        return Correction(event.id, describe(event, {p.id: p for p in store.people()}))


def find_person(store: Store, name: str) -> Person:
    """The person of that name or e-mail address (case and spacing aside), or a one-line error listing who there is.

    The e-mail address is how to pick one of two people of the same name (``round assign --new`` names a
    stranger by the name typed, which may be a listed person's).
    """
    from docxform.survey.identity import fold

    hidden = effective(store).hidden
    people = [p for p in store.people() if p.id not in hidden]
    found = [p for p in people if fold(p.name) == fold(name)] or \
        [p for p in people if p.email and fold(p.email) == fold(name)]
    if len(found) > 1:
        who = ", ".join(f"{p.name} <{p.email}>" if p.email else p.name for p in found)
        raise DocxformError(store.folder, f"{len(found)} people called {name!r} in this round ({who})",
                            hint="give the person's e-mail address instead of the name")
    if not found:
        known = ", ".join(p.name for p in people) or "nobody yet"
        raise DocxformError(store.folder, f"no person called {name!r} in this round (people: {known})")
    return found[0]


def check_receipt(store: Store, receipt: int) -> Version:
    for version in store.versions():
        if version.receipt_id == receipt:
            return version
    raise DocxformError(store.folder, f"no readable receipt {receipt} in this round",
                        hint="round status lists every receipt's number")


# --- the commands (docxform.api.round_assign, round_add, round_withdraw, round_agree, round_undo)

def assign(folder: str | Path, receipt: int, *, to: str | None = None, new: bool = False,
           reason: str = "") -> Correction:
    """Receipt ``receipt`` is ``to``'s return (a person of the round), or with ``new`` a new respondent's.

    Settles a held receipt either way; also moves a counted one (a return
    filed under the wrong person).
    """
    if (to is None) == (not new):
        raise DocxformError(None, "give either --to PERSON or --new")
    with open_store(folder) as store, store.transaction():
        if check_receipt(store, receipt).kind != "form":
            raise DocxformError(store.folder, f"receipt {receipt} is an improvement plan workbook, not a "
                                "person's return", hint="plans are merged as they are; round withdraw takes one out")
        event = Event(id=0, at=now(), kind=ASSIGN, data={"receipt": receipt}, reason=reason)
        if to is not None:
            event.data["person"] = find_person(store, to).id
            event.id = store.add_event(event)
        else:
            event.id = store.add_event(event)
            person = _new_respondent(store, receipt, event.id)
            event.data |= {"person": store.add_person(person), "new": True}
            store.set_event_data(event.id, event.data)
        return Correction(event.id, describe(event, {p.id: p for p in store.people()}))


def _new_respondent(store: Store, receipt: int, event_id: int) -> Person:
    """A new respondent for a receipt: named by the name typed on it, else its sender, else "respondent N"."""
    found = next(r for r in store.receipts() if r.id == receipt)
    evidence = found.evidence
    typed = evidence.typed_name if evidence else ""
    taken = {p.name for p in store.people()}
    name = typed or found.sender or next(f"respondent {n}" for n in range(1, len(taken) + 2)
                                         if f"respondent {n}" not in taken)
    return Person(id=0, name=name, organisation=evidence.typed_organisation if evidence else "",
                  email=found.sender or "", issued=False, identity=f"assigned\0{receipt}\0{event_id}",
                  added_by=event_id)


def withdraw(folder: str | Path, receipt: int | None = None, *, person: str | None = None,
             reason: str = "") -> Correction:
    """A receipt, or a person (all their returns, and they are no longer invited), no longer counts."""
    if (receipt is None) == (person is None):
        raise DocxformError(None, "give either a RECEIPT number or --person NAME")
    with open_store(folder) as store:
        if receipt is not None:
            check_receipt(store, receipt)
            data: dict[str, object] = {"receipt": receipt}
        else:
            data = {"person": find_person(store, person or "").id}
    return record(folder, WITHDRAW, data, reason)


def agree(folder: str | Path, item: str, level: str, *, note: str = "", reason: str = "") -> Correction:
    """The meeting's agreed level for a standard: used by the consolidated form and the plan, marked as agreed."""
    from docxform.framework import load_framework

    with open_store(folder) as store:
        framework = load_framework(store.info().framework)
    if item not in framework.item_ids:
        raise DocxformError(None, f"{item!r} is not a standard of {framework.id}",
                            hint=f"one of: {', '.join(framework.item_ids[:8])}, ...")
    scale = framework.rating_scale
    keys = {lv.key: lv.key for lv in scale.levels} | {lv.name.casefold(): lv.key for lv in scale.levels} \
        if scale is not None else {}
    if level.casefold() not in keys and level not in keys:
        raise DocxformError(None, f"{level!r} is not a level of {framework.id}",
                            hint=f"one of: {', '.join(dict.fromkeys(keys.values())) if keys else '(no rating scale)'}")
    return record(folder, AGREE, {"item": item, "level": keys.get(level) or keys[level.casefold()], "note": note},
                  reason)


def undo(folder: str | Path, event: int, *, reason: str = "", kind: str | None = None) -> Correction:
    """Take event ``event`` out of effect (recorded as an event of its own): the round is as before it.

    ``kind``: the correction must be of this kind (``round assign --undo N`` undoes an assignment only).
    """
    with open_store(folder) as store:
        state = effective(store)
        target = next((e for e in state.events if e.id == event), None)
        if target is None:
            raise DocxformError(store.folder, f"no correction {event} to undo",
                                hint="round status lists the corrections with their numbers")
        if target.kind == UNDO:
            raise DocxformError(store.folder, f"correction {event} is itself an undo of correction {target.undoes}: "
                                "an undo is not undone", hint=f"to have correction {target.undoes} in effect again, "
                                "make it again with the command that made it")
        if kind is not None and target.kind != kind:
            raise DocxformError(store.folder, f"correction {event} is a {target.kind}, not a {kind}",
                                hint=f"undo it with: docxform round {target.kind} DIR --undo {event}")
        if event not in state.active:
            raise DocxformError(store.folder, f"correction {event} is already undone")
        added = {p.id for p in store.people() if p.added_by == event and target.kind == ADD}
        if any(v.person_id in added and state.states[v.receipt_id] == COUNTED for v in state.versions):
            raise DocxformError(store.folder, f"correction {event} added people who have returns now",
                                hint="assign or withdraw their returns first")
    return record(folder, UNDO, {"event": event}, reason, undoes=event)


@dataclass
class Added:
    """What ``round add`` did: its event, and the forms written for the new people."""

    event: int
    text: str
    forms: list[Path] = field(default_factory=list)


def add(folder: str | Path, respondents: str | Path, *, reason: str = "") -> Added:
    """More respondents mid-round: a personalised form each (signed like the others), recorded as one event.

    In a round of one generic form the people are added as its recipients
    (it is the form they are sent). Refused for a name the round already has.
    """
    from docxform.generate.respondents import read_respondents
    from docxform.round.start import FORMS
    from docxform.survey.identity import fold

    people = read_respondents(Path(respondents))
    with open_store(folder) as store, store.transaction():
        info, secret = store.info(), store.secret()
        hidden = effective(store).hidden
        visible = [p for p in store.people() if p.id not in hidden]
        known = {fold(p.name) for p in visible} | {p.form_file for p in visible}
        clash = [p.name for p in people if fold(p.name) in known or f"{info.framework}-{p.slug}.docx" in known]
        if clash:
            raise DocxformError(respondents, f"already in the round: {', '.join(clash)}")
        for gone in hidden:  # added before, and that addition undone: no version, so nothing is lost
            store.drop_unused_person(gone)
        event = Event(id=0, at=now(), kind=ADD, data={"names": [p.name for p in people]}, reason=reason)
        event.id = store.add_event(event)
        if info.generic_form:  # more recipients of the one generic form: nothing new to write
            for who in people:
                store.add_person(Person(id=0, name=who.name, organisation=who.organisation, role=who.role,
                                        email=who.email, form_file=info.generic_form, added_by=event.id))
            return Added(event.id, describe(event, {}), [store.folder / FORMS / info.generic_form])
        if secret is None:
            raise DocxformError(folder, "this round was started before rounds signed their forms; start a new "
                                "round to add people with forms of their own")
        return Added(event.id, describe(event, {}), _forms_for(store, info, people, secret, event.id))


def _forms_for(store: Store, info: RoundInfo, people: list[Respondent], secret: tuple[str, bytes],
               event_id: int) -> list[Path]:
    """A signed personalised form for each person added, and their place in the store."""
    from docxform.framework import load_framework
    from docxform.generate.form import FormOptions
    from docxform.generate.output import generate_forms
    from docxform.round.start import FORMS, signer

    forms = generate_forms(load_framework(info.framework), store.folder / FORMS, people,
                           FormOptions(layout=info.layout), partnership=info.partnership, sign=signer(*secret))
    for form in forms:
        person = form.respondent
        assert person is not None
        store.add_person(Person(id=0, name=person.name, organisation=person.organisation, role=person.role,
                                email=person.email, form_id=form.form_id, form_file=form.path.name,
                                added_by=event_id))
    return [f.path for f in forms]
