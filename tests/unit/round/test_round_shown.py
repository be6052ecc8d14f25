"""Control characters from returns and e-mails are shown escaped on the terminal and in the HTML, never acted on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from docxform.framework import load_framework
from docxform.io.safety import shown
from tests.support.roundkit import fill_return, known_ratings, run, start_generic_round

FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys
ESC = "\x1b[2J\x1b[31m"
RLO = "\u202e"


def test_shown_escapes_what_acts_and_keeps_what_is_asked() -> None:
    assert shown(f"a{ESC}b") == "a\\x1b[2J\\x1b[31mb"
    assert shown(f"x{RLO}cod.exe") == "x\\u202ecod.exe"
    assert shown("one\ntwo\tthree\x07", keep="\n\t") == "one\ntwo\tthree\\x07"
    assert shown("line\nbreak") == "line\\x0abreak"
    assert shown("\x9b31m C1") == "\\x9b31m C1"
    assert shown("Zoë Ørsted – fine") == "Zoë Ørsted – fine"


def test_an_attachment_name_and_a_typed_name_are_escaped_on_the_terminal_and_in_the_page(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    filled = fill_return(blank, tmp_path / "f.docx", known_ratings(ITEMS, LEVELS, 5), name=f"Eve{RLO}evil")
    msg = EmailMessage()
    msg["From"] = "eve@example.org"
    msg["Date"] = format_datetime(datetime(2004, 3, 1, tzinfo=UTC))
    msg["Subject"] = "return"
    msg.set_content("attached")
    msg.add_attachment(filled.read_bytes(), maintype="application", subtype="octet-stream",
                       filename=f"re{ESC}turn.docx")
    eml = tmp_path / "m.eml"
    eml.write_bytes(bytes(msg))
    done = run("round", "ingest", str(rnd), str(eml))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and RLO not in done.stdout
    assert "re\\x1b[2J\\x1b[31mturn.docx" in done.stdout and "Eve\\u202eevil" in done.stdout
    status = run("round", "status", str(rnd))
    assert RLO not in status.stdout and "Eve\\u202eevil" in status.stdout


def test_a_name_in_the_respondents_list_is_escaped_in_the_report_page(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(f"name,organisation,role,email\nEve{RLO}evil,Council,Member,eve@example.org\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    out = tmp_path / "out"
    assert run("round", "report", str(rnd), "-o", str(out)).returncode == 0
    page = (out / "report.html").read_text("utf-8")
    assert RLO not in page and "outstanding: Eve\\u202eevil" in page


def test_every_value_the_report_page_prints_goes_through_shown() -> None:
    from docxform.reports.html import template

    env = template("report.html.j2").environment
    assert env.from_string("<p>{{ v }}</p>").render(v=f"a{ESC}<b>\nc") == "<p>a\\x1b[2J\\x1b[31m&lt;b&gt;\nc</p>"


def test_json_printed_on_the_terminal_escapes_a_c1_control_and_an_override_and_reads_the_same(tmp_path: Path) -> None:
    """round status --json and parse to stdout: JSON leaves C1 controls and overrides as they are; printed, escaped."""
    rnd, blank = start_generic_round(tmp_path)
    name = f"Zed \x9b31mRed{RLO} Zoë"
    filled = fill_return(blank, tmp_path / "f.docx", known_ratings(ITEMS, LEVELS, 5), name=name)
    assert run("round", "ingest", str(rnd), str(filled)).returncode == 0
    status = run("round", "status", str(rnd), "--json")
    assert status.returncode == 0, status.stderr
    assert "\x9b" not in status.stdout and RLO not in status.stdout and "Zoë" in status.stdout
    assert name in [p["name"] for p in json.loads(status.stdout)["respondents"]]
    parsed = run("parse", str(filled))
    assert parsed.returncode == 0, parsed.stderr
    assert "\x9b" not in parsed.stdout and RLO not in parsed.stdout
    assert json.loads(parsed.stdout)["fields"]["completed_by"] == name


def test_the_reports_notes_print_a_typed_name_escaped(tmp_path: Path) -> None:
    """A feedback copy that cannot be made is a note naming its respondent: escaped like every other line."""
    rnd, blank = start_generic_round(tmp_path)
    name = f"Zed \x9b31mRed{RLO}"
    filled = fill_return(blank, tmp_path / "f.docx", dict(list(known_ratings(ITEMS, LEVELS, 5).items())[:3]),
                         name=name)
    assert run("round", "ingest", str(rnd), str(filled)).returncode == 0
    for copy in (rnd / "received").iterdir():
        copy.unlink()  # the report then cannot make the feedback copy, and says so
    done = run("round", "report", str(rnd), "-o", str(tmp_path / "out"))
    assert "no feedback copy for Zed \\x9b31mRed\\u202e" in done.stdout, done.stdout
    assert "\x9b" not in done.stdout and RLO not in done.stdout
