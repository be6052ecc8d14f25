"""Helpers for the survey-round tests: returns with known answers, last-saved times, e-mails."""

from __future__ import annotations

import io
import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from docxform.oxml.fill import fill
from tests.support.cli import Done, run_main

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def run(*args: str) -> Done:
    """``docxform ARGS`` through the entry point in this process (exit status, stdout, stderr).

    A Python start per call would cost more than the round's work; the tests
    that need real processes (two ingests at once, the README as written)
    start them themselves.
    """
    return run_main(*args)


def start_generic_round(tmp_path: Path, framework: str = "sa2003") -> tuple[Path, Path]:
    """A round started in ``tmp_path/r`` with no respondents list: the round folder and its one generic form."""
    rnd = tmp_path / "r"
    done = run("round", "start", framework, str(rnd))
    assert done.returncode == 0, done.stderr
    [blank] = sorted((rnd / "forms").glob("*.docx"))
    return rnd, blank


def status_json(folder: Path) -> dict[str, Any]:
    done = run("round", "status", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def known_ratings(item_ids: list[str], levels: tuple[str, ...], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    return {item: rng.choice(levels) for item in item_ids}


def fill_return(form: Path, target: Path, ratings: dict[str, str], name: str | None = None,
                comment: str = "", organisation: str | None = None) -> Path:
    """A return filled by script: the ratings, a comment on each standard, the name (and organisation) typed."""
    texts = {(item, "comments"): comment or f"view on {item}" for item in ratings}
    fields = {"completed_by": name} if name else {}
    if organisation:
        fields["completed_by_role"] = organisation
    fill(form, target, dict(ratings), texts, fields or None)
    return target


#: "Day 0" of the rounds the tests start: 40 hours before this test process began, to the second.
ROUND_DAY0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=40)


def in_round(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An e-mail time inside a round started in this test process: "day" of the round (1-20), in order.

    A Date before the round began or after the moment of ingest is not believed (docs/round.md),
    so tests that order returns by their Date use times a round started now can have: the last
    40 hours, 1.5 hours a "day". The same arguments give the same time all through the process.
    """
    return ROUND_DAY0 + timedelta(hours=day * 1.5, minutes=hour + minute / 60)


def stamp(day: int, hour: int = 0, minute: int = 0) -> str:
    """:func:`in_round` as the round writes it (ISO 8601 UTC, to the second)."""
    return in_round(day, hour, minute).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_last_saved(path: Path, when: str) -> None:
    """Give a .docx a dcterms:modified (as Word or LibreOffice would on saving)."""
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    core = parts["docProps/core.xml"].decode()
    core = core.replace("</cp:coreProperties>",
                        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>')
    parts["docProps/core.xml"] = core.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in parts.items():
            zout.writestr(name, blob)
    path.write_bytes(buffer.getvalue())


def write_eml(target: Path, sender: str, when: datetime, attachment: Path) -> Path:
    """An e-mail with one return attached, as a mail client exports it (.eml)."""
    msg = EmailMessage()
    msg["From"] = f"Someone <{sender}>"
    msg["To"] = "coordinator@example.org"
    msg["Subject"] = "My self-assessment return"
    msg["Date"] = format_datetime(when)
    msg.set_content("Please find my return attached.")
    msg.add_attachment(attachment.read_bytes(), maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                       filename=attachment.name)
    target.write_bytes(bytes(msg))
    return target
