"""Typed records of a survey round: what the store keeps, with to_dict/from_dict.

JSON only at the edges (``round status --json``, the parsed return a version
holds); inside, the round works with these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def _from(cls: type[T], data: dict[str, Any]) -> T:
    names = _field_names(cls)  # type: ignore[arg-type]  # a class is hashable; mypy's type[T] is not known to be
    return cls(**{k: v for k, v in data.items() if k in names})


@cache
def _field_names(cls: type) -> frozenset[str]:
    """A record's field names, found once per class: the store reads a record per person and per receipt,
    and asking ``dataclasses.fields`` each time was a third of the status of a round of 1,000."""
    return frozenset(f.name for f in fields(cls))


@dataclass
class RoundInfo:
    """What the round was started with."""

    framework: str
    layout: str
    partnership: str = ""
    due: str | None = None
    created: str = ""
    generic_form: str | None = None  # file name of the one generic form, when no respondents list
    generic_form_id: str | None = None
    #: The round's public name in its forms' tokens (the secret that signs them stays in the store).
    round_id: str = ""
    #: A generic form sent to a list of people (``round start --recipients``): they are the invited.
    recipients: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoundInfo:
        return _from(cls, data)


@dataclass
class Person:
    """A respondent: issued a form from the respondents list, or found on a generic return."""

    id: int
    name: str
    organisation: str = ""
    role: str = ""
    email: str = ""
    form_id: str | None = None
    form_file: str | None = None
    issued: bool = True
    identity: str | None = None  # docxform.survey.identity key, for respondents found on returns
    added_by: int | None = None  # the event (round assign --new, round add) that added them, else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        return _from(cls, {**data, "issued": bool(data.get("issued", True))})


#: How a receipt's form token stood: signed by this round (for the person it names), signed by nobody
#: (present but not this round's: made elsewhere or computed), or absent.
TOKEN_VERIFIED, TOKEN_FAILED, TOKEN_ABSENT = "verified", "does not verify", "absent"
#: Where the time a receipt is dated by came from (docs/round.md, "Time you can defend").
FROM_DATE, FROM_SAVED, FROM_INGEST = "e-mail Date", "last saved", "received"


@dataclass
class Evidence:
    """What a receipt says about who sent it and when, as found: judged by docxform.survey.identity.judge."""

    token: str = TOKEN_ABSENT
    token_person: str | None = None  # the person the (verified) token names; None for a generic form
    form_person: str | None = None  # the person the form's properties name (personalised form)
    typed_name: str = ""
    typed_organisation: str = ""
    sender: str | None = None
    date: str | None = None  # the e-mail Date when it was plausible (ISO 8601 UTC)
    saved_at: str | None = None
    received: str = ""  # the time the receipt is dated by
    received_from: str = FROM_INGEST
    warnings: list[str] = field(default_factory=list)  # an implausible or unreadable Date, ...

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict: flat, so a shallow copy (``asdict``'s deep walk was a third of a big status)."""
        data = dict(self.__dict__)
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return _from(cls, data)


@dataclass
class Receipt:
    """One file received (by content hash: the same bytes twice are one receipt)."""

    id: int
    sha256: str
    stored: str  # path inside the round folder
    name: str  # the file name as received (display only; never a path to follow)
    origin: str  # where it came from: a path, or "mail: <file>"
    received_at: str
    sender: str | None = None
    sent_at: str | None = None  # the e-mail's Date
    subject: str | None = None  # the e-mail's subject (kept as evidence, with the sender and the Date)
    saved_at: str | None = None  # the document's own last-saved time
    error: str | None = None  # why it could not be read, else None
    evidence: Evidence | None = None  # None for a receipt stored before evidence was kept

    @property
    def when(self) -> str:
        """The time the receipt is dated by: the plausible e-mail Date, else last-saved time, else time received.

        Which of two versions is the later is decided by docxform.survey.identity.version_order.
        """
        if self.evidence is not None and self.evidence.received:
            return self.evidence.received
        return self.sent_at or self.saved_at or self.received_at

    @property
    def plausible_date(self) -> str | None:
        """The e-mail Date when it can be believed (an implausible one orders nothing)."""
        return self.evidence.date if self.evidence is not None else self.sent_at

    @property
    def doubtful(self) -> bool:
        """Its e-mail Date or last-saved time was not believed: it cannot be shown to be the later version."""
        return bool(self.evidence is not None and self.evidence.warnings)

    @property
    def plausible_saved(self) -> str | None:
        """The document's last-saved time when it can be believed (not in the future)."""
        return self.evidence.saved_at if self.evidence is not None else self.saved_at

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        evidence = data.get("evidence")
        return _from(cls, {**data, "evidence": Evidence.from_dict(evidence) if isinstance(evidence, dict) and
                           evidence else None})


@dataclass
class Event:
    """A correction the coordinator made (round assign, add, withdraw, agree) or the undoing of one."""

    id: int
    at: str  # ISO 8601 UTC
    kind: str  # assign | add | withdraw | agree | undo
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    undoes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Version:
    """A readable return received: whose it is, its parsed data and its problem counts."""

    receipt_id: int
    person_id: int | None
    kind: str  # "form" or "plan"
    parsed: dict[str, Any] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    notices: list[str] = field(default_factory=list)  # identity notices (a different name typed, ...)
    verdict: str = "probable"  # confirmed | probable | conflicting (docxform.survey.identity.judge)
    held: bool = False  # conflicting: stored, counted nowhere until the coordinator decides (round assign)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Version:
        return _from(cls, data)
