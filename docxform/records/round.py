"""Typed records of a survey round: what the store keeps, with to_dict/from_dict.

JSON only at the edges (``round status --json``, the parsed return a version
holds); inside, the round works with these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")


def _from(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        return _from(cls, {**data, "issued": bool(data.get("issued", True))})


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

    @property
    def when(self) -> str:
        """The best time known for display: e-mail Date, else last-saved time, else time received.

        Which of two versions is the later is decided by docxform.survey.identity.version_order.
        """
        return self.sent_at or self.saved_at or self.received_at

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        return _from(cls, data)


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Version:
        return _from(cls, data)
