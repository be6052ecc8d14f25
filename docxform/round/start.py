"""Start a round: the forms to send, and the store that will remember who was sent what.

With a respondents list, one personalised form per person (its form id ties a
return to that person); without, one generic form for everyone (its returns
are told apart by the names typed on them). The forms go to ``DIR/forms``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, form_layout, write_forms
from docxform.generate.respondents import read_respondents
from docxform.records.round import Person, RoundInfo
from docxform.round.store import DB_NAME, open_store

FORMS = "forms"


@dataclass
class StartResult:
    folder: Path
    info: RoundInfo
    forms: list[GeneratedForm]


def start(framework: str, folder: str | Path, *, respondents: str | Path | None = None, partnership: str = "",
          layout: str | None = None, due: str | None = None) -> StartResult:
    """Create the round in ``folder`` (which must not already hold one)."""
    folder = Path(folder)
    if (folder / DB_NAME).exists():
        raise DocxformError(folder, "already holds a survey round", hint="choose another folder")
    if due is not None and not _is_date(due):
        raise DocxformError(None, f"--due {due!r} is not a date (YYYY-MM-DD)")
    fw = load_framework(framework)
    form = form_layout(fw, layout)
    people = read_respondents(Path(respondents)) if respondents is not None else None
    forms_dir = folder / FORMS
    forms_dir.mkdir(parents=True, exist_ok=True)
    # The same forms and mapping ``docxform generate form`` writes: one generic form, or one per person.
    forms = write_forms(fw, forms_dir if people is not None else forms_dir / f"{fw.id}.docx",
                        FormOptions(layout=form.id), people=people, partnership=partnership,
                        mapping_folder=forms_dir)
    info = RoundInfo(framework=framework, layout=form.id, partnership=partnership, due=due,
                     created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if people is None:
        info.generic_form, info.generic_form_id = forms[0].path.name, forms[0].form_id
    _record(folder, info, forms)
    return StartResult(folder, info, forms)


def _record(folder: Path, info: RoundInfo, forms: list[GeneratedForm]) -> None:
    with open_store(folder, create=True) as store, store.transaction():
        store.set_info(info)
        for form in forms:
            person = form.respondent
            if person is None:
                continue
            store.add_person(Person(id=0, name=person.name, organisation=person.organisation, role=person.role,
                                    email=person.email, form_id=form.form_id, form_file=form.path.name))


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True
