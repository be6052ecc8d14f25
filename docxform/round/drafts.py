"""E-mail drafts of the forms to send: one ``.eml`` per person, the form attached, marked unsent.

A coordinator opens each in Outlook (``X-Unsent: 1`` makes it open as a draft
to send, not a received message), checks it and presses Send; nothing is sent
by docxform. Names and addresses come from the respondents list; one that
cannot be an e-mail header (a line break in it) gets no draft, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from docxform.records.round import Person, RoundInfo
from docxform.round.start import FORMS
from docxform.round.store import open_store

DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Draft:
    """One person's draft (``data``: the .eml bytes), or why there is none (``error``)."""

    person: Person
    file: str  # the draft's file name: the form's, with .eml
    data: bytes = b""
    error: str = ""


def drafts(folder: str | Path) -> list[Draft]:
    """A draft for everyone issued a personalised form, in the order of the people."""
    with open_store(folder) as store:
        info = store.info()
        forms = store.folder / FORMS
        return [_draft(person, forms / person.form_file, info) for person in store.people()
                if person.issued and person.form_file]


def _draft(person: Person, form: Path, info: RoundInfo) -> Draft:
    name = Path(form.name).with_suffix(".eml").name
    if _CONTROL.search(person.name + person.email):
        return Draft(person, name, error="the name or e-mail holds a control character; write this one by hand")
    message = EmailMessage(policy=SMTP)
    try:
        if person.email:
            message["To"] = Address(display_name=person.name, addr_spec=person.email)
    except (ValueError, IndexError) as exc:
        return Draft(person, name, error=f"the e-mail address {person.email!r} cannot be used ({exc})")
    message["Subject"] = _subject(info)
    message["X-Unsent"] = "1"
    message.set_content(_body(person, info))
    message.add_attachment(form.read_bytes(), maintype=DOCX[0], subtype=DOCX[1], filename=form.name)
    return Draft(person, name, bytes(message))


def _subject(info: RoundInfo) -> str:
    who = f" for {info.partnership}" if info.partnership else ""
    return f"Self-assessment form{who}"


def _body(person: Person, info: RoundInfo) -> str:
    due = f" by {info.due}" if info.due else ""
    who = f" of {info.partnership}" if info.partnership else ""
    return (f"Dear {person.name},\n\n"
            f"Please find attached your self-assessment form for the partnership's survey{who}. "
            "Tick one rating for each standard, give your evidence, save the form and send it back to me"
            f"{due}, as an attachment to a reply to this e-mail.\n\n"
            "Please keep the form's name and do not copy the answers into another document: "
            "the form is read back as it is.\n")
