"""Start a round: the forms to send, and the store that will remember who was sent what.

With a respondents list, one personalised form per person (its form id ties a
return to that person); without, one generic form for everyone (its returns
are told apart by the names typed on them), sent to the ``--recipients`` list
when there is one. The forms go to ``DIR/forms``.

The round has a secret, made here and kept only in its store: each form
carries a token signed with it (docxform.survey.identity.make_token) naming
the round and, on a personalised form, the person, so a form made outside the
round cannot pass for one of its own.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, Signer, form_layout, write_forms
from docxform.generate.respondents import Respondent, read_respondents
from docxform.records.round import Person, RoundInfo
from docxform.round.store import DB_NAME, open_store
from docxform.survey.identity import make_token

FORMS = "forms"


@dataclass
class StartResult:
    folder: Path
    info: RoundInfo
    forms: list[GeneratedForm]


def start(framework: str, folder: str | Path, *, respondents: str | Path | None = None, partnership: str = "",
          layout: str | None = None, due: str | None = None, recipients: str | Path | None = None) -> StartResult:
    """Create the round in ``folder`` (which must not already hold one).

    ``recipients``: the people a generic form is sent to (name, organisation,
    role, email), so they can be counted and chased like personalised ones.
    """
    folder = Path(folder)
    if (folder / DB_NAME).exists():
        raise DocxformError(folder, "already holds a survey round", hint="choose another folder")
    if due is not None and not _is_date(due):
        raise DocxformError(None, f"--due {due!r} is not a date (YYYY-MM-DD)")
    if respondents is not None and recipients is not None:
        raise DocxformError(None, "--respondents (a personalised form each) and --recipients (one generic form "
                            "for them all) exclude each other; give one")
    sent_to = read_respondents(Path(recipients)) if recipients is not None else []
    fw = load_framework(framework)
    form = form_layout(fw, layout)
    people = read_respondents(Path(respondents)) if respondents is not None else None
    forms_dir = folder / FORMS
    forms_dir.mkdir(parents=True, exist_ok=True)
    round_id, key = secrets.token_hex(8), secrets.token_bytes(32)
    # The same forms and mapping ``docxform generate form`` writes (one generic form, or one per person),
    # each signed with the round's token.
    forms = write_forms(fw, forms_dir if people is not None else forms_dir / f"{fw.id}.docx",
                        FormOptions(layout=form.id), people=people, partnership=partnership,
                        mapping_folder=forms_dir, sign=signer(round_id, key))
    info = RoundInfo(framework=framework, layout=form.id, partnership=partnership, due=due,
                     created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), round_id=round_id,
                     recipients=bool(sent_to))
    if people is None:
        info.generic_form, info.generic_form_id = forms[0].path.name, forms[0].form_id
    _record(folder, info, forms, key, sent_to)
    return StartResult(folder, info, forms)


def signer(round_id: str, key: bytes) -> Signer:
    """The property every form of the round carries: its token (docxform.survey.identity.make_token)."""
    def sign(form_id: str, respondent: Respondent | None) -> dict[str, str]:
        return {"docxform.token": make_token(round_id, key, form_id, respondent.name if respondent else None)}
    return sign


def _record(folder: Path, info: RoundInfo, forms: list[GeneratedForm], key: bytes,
            recipients: list[Respondent]) -> None:
    with open_store(folder, create=True) as store, store.transaction():
        store.set_info(info)
        store.set_secret(info.round_id, key)
        for form in forms:
            person = form.respondent
            if person is None:
                continue
            store.add_person(Person(id=0, name=person.name, organisation=person.organisation, role=person.role,
                                    email=person.email, form_id=form.form_id, form_file=form.path.name))
        for person in recipients:  # a generic form's recipients: invited, matched by address, then name
            store.add_person(Person(id=0, name=person.name, organisation=person.organisation, role=person.role,
                                    email=person.email, form_file=info.generic_form))


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True
