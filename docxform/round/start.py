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

import errno
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, Signer, form_layout, write_forms
from docxform.generate.respondents import Respondent, read_respondents
from docxform.io.files import fsync_folder, os_cause, owned, sweep_stale
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
    """Create the round in ``folder`` (which must not already hold one): the whole round, or nothing.

    ``recipients``: the people a generic form is sent to (name, organisation,
    role, email), so they can be counted and chased like personalised ones.

    Everything is made in a temporary folder beside ``folder`` and moved into
    place last (a rename), so a full disk or an interruption leaves no
    half-made round, and of two starts on one folder at once one wins and the
    other says the folder holds a round.
    """
    folder = Path(folder)
    if (folder / DB_NAME).exists():
        raise _already(folder)
    if due is not None and not _is_date(due):
        raise DocxformError(None, f"--due {due!r} is not a date (YYYY-MM-DD)")
    if respondents is not None and recipients is not None:
        raise DocxformError(None, "--respondents (a personalised form each) and --recipients (one generic form "
                            "for them all) exclude each other; give one")
    sent_to = read_respondents(Path(recipients)) if recipients is not None else []
    fw = load_framework(framework)
    form = form_layout(fw, layout)
    people = read_respondents(Path(respondents)) if respondents is not None else None
    info = RoundInfo(framework=framework, layout=form.id, partnership=partnership, due=due,
                     created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), round_id=secrets.token_hex(8),
                     recipients=bool(sent_to))
    staging = _staging(folder)
    try:
        forms = _make(staging, fw, FormOptions(layout=form.id), people, info, sent_to)
        _place(staging, folder)
    except DocxformError as exc:  # name the round's folder, not the temporary one
        exc.file = exc.file.replace(str(staging), str(folder)) if exc.file else exc.file
        exc.hint = exc.hint.replace(str(staging), str(folder)) if exc.hint else exc.hint
        raise
    except OSError as exc:
        raise DocxformError(folder, f"cannot create the round: {os_cause(exc)}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return StartResult(folder, info, [replace(f, path=folder / FORMS / f.path.name) for f in forms])


def _already(folder: Path) -> DocxformError:
    return DocxformError(folder, "already holds a survey round", hint="choose another folder")


def _staging(folder: Path) -> Path:
    """A new temporary folder beside ``folder`` (same file system, so moving it is a rename)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(folder.parent, f".{folder.name}.starting-")  # one a start killed outright left behind
        return Path(tempfile.mkdtemp(prefix=owned(f".{folder.name}.starting-"), dir=folder.parent))
    except OSError as exc:
        raise DocxformError(folder, f"cannot create the round: {os_cause(exc)}") from None


def _make(staging: Path, fw: Framework, options: FormOptions, people: list[Respondent] | None,
          info: RoundInfo, sent_to: list[Respondent]) -> list[GeneratedForm]:
    """The forms (each signed with the round's token) and the store, made in ``staging``."""
    forms_dir = staging / FORMS
    forms_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # The same forms and mapping ``docxform generate form`` writes: one generic form, or one per person.
    forms = write_forms(fw, forms_dir if people is not None else forms_dir / f"{fw.id}.docx", options,
                        people=people, partnership=info.partnership, mapping_folder=forms_dir,
                        sign=signer(info.round_id, key))
    if people is None:
        info.generic_form, info.generic_form_id = forms[0].path.name, forms[0].form_id
    _record(staging, info, forms, key, sent_to)
    for path in (*forms_dir.iterdir(), staging / DB_NAME):
        with path.open("rb") as f:
            os.fsync(f.fileno())
    fsync_folder(forms_dir)
    return forms


def _place(staging: Path, folder: Path) -> None:
    """Move the made round into ``folder``: one rename when the folder is absent or empty.

    A folder with other files in it gets ``forms/`` and then the store, the
    store last and by a link (which refuses to replace one that appeared
    meanwhile), so the store's presence always means a whole round.
    """
    try:
        os.rename(staging, folder)
        fsync_folder(folder.parent)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if (folder / DB_NAME).exists():
        raise _already(folder)
    if (folder / FORMS).exists():
        raise DocxformError(folder / FORMS, "already exists; the round's forms would go there",
                            hint="choose another folder, or move it away")
    os.rename(staging / FORMS, folder / FORMS)
    try:
        os.link(staging / DB_NAME, folder / DB_NAME)
    except FileExistsError:
        raise _already(folder) from None
    fsync_folder(folder)


def signer(round_id: str, key: bytes) -> Signer:
    """The property every form of the round carries: its token (docxform.survey.identity.make_token)."""
    def sign(form_id: str, respondent: Respondent | None) -> dict[str, str]:
        return {"docxform.token": make_token(round_id, key, form_id, respondent.name if respondent else None)}
    return sign


def _record(folder: Path, info: RoundInfo, forms: list[GeneratedForm], key: bytes,
            recipients: list[Respondent]) -> None:
    with open_store(folder, create=True) as store:
        with store.transaction():
            store.set_info(info)
            store.set_secret(info.round_id, key)
            for form in forms:
                person = form.respondent
                if person is None:
                    continue
                store.add_person(Person(id=0, name=person.name, organisation=person.organisation,
                                        role=person.role, email=person.email, form_id=form.form_id,
                                        form_file=form.path.name))
            for person in recipients:  # a generic form's recipients: invited, matched by address, then name
                store.add_person(Person(id=0, name=person.name, organisation=person.organisation, role=person.role,
                                        email=person.email, form_file=info.generic_form))
        store.checkpoint()  # everything in round.sqlite itself, no journal beside it: it is moved alone


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True
