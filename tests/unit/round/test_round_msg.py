"""Returns as Outlook saves them: a round ingests .msg like .eml, and every OLE file gets the right line.

The messages come from tests/support/msgwriter.py (checked against two
independent readers in tests/unit/io/test_msg.py).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from docxform.framework import load_framework
from tests.support.msgwriter import Attach, Message, Node, msg_bytes, write_cfb, write_msg
from tests.support.roundkit import (
    fill_return,
    in_round,
    known_ratings,
    run,
    stamp,
    start_generic_round,
    status_json,
    write_eml,
)

FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys
HASH = re.compile(r"[0-9a-f]{64}")
ROOT = Path(__file__).resolve().parents[3]


def _start(tmp_path: Path) -> Path:
    people = tmp_path / "people.csv"
    people.write_text("name,email\nAnn Hill,ann.hill@salford.gov.uk\nBen Bell,ben@example.org\n"
                      "Cat Cole,cat@example.org\nDee Dunn,dee@example.org\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    return rnd


def test_a_folder_mixing_msg_eml_and_docx_counts_every_return_once(tmp_path: Path) -> None:
    rnd = _start(tmp_path)
    forms = rnd / "forms"
    made = tmp_path / "made"
    made.mkdir()
    ann = fill_return(forms / "sa2003-ann-hill.docx", made / "ann.docx", known_ratings(ITEMS, LEVELS, 1))
    ben = fill_return(forms / "sa2003-ben-bell.docx", made / "ben.docx", known_ratings(ITEMS, LEVELS, 2))
    cat = fill_return(forms / "sa2003-cat-cole.docx", made / "cat.docx", known_ratings(ITEMS, LEVELS, 3))
    [generic] = [p for p in forms.glob("*.docx") if "dee" in p.name]  # Dee's form, filled and sent on by Eve
    eve = fill_return(generic, made / "eve.docx", known_ratings(ITEMS, LEVELS, 4), name="Dee Dunn")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_msg(inbox / "Re_ self-assessment.msg", "ann.hill@salford.gov.uk", in_round(2, 9, 30),
              ann, exchange=True, logo=True)
    write_eml(inbox / "ben.eml", "ben@example.org", in_round(3, 10, 0), ben)
    shutil.copy(cat, inbox / "cat.docx")
    write_eml(inbox / "zz-ann-again.eml", "ann.hill@salford.gov.uk", in_round(2, 9, 30), ann)
    inner = Message(subject="my return", sender_email="dee@example.org", sent=in_round(4, 8, 0),
                    attachments=[Attach("dee.docx", eve.read_bytes())])
    (inbox / "FW_ Dee.msg").write_bytes(msg_bytes(Message(subject="FW: my return", sender_email="boss@example.org",
                                                          sent=in_round(9),
                                                          attachments=[Attach(message=inner)])))
    (inbox / "damaged.msg").write_bytes((inbox / "Re_ self-assessment.msg").read_bytes()[:2000])
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 1  # the damaged message
    assert "Traceback" not in done.stderr
    assert [line.split(": ", 1)[0] for line in done.stderr.splitlines()] == [str(inbox / "damaged.msg")]
    assert "damaged.msg: unreadable (not a readable Outlook message (" in done.stderr
    lines = [line.split(";")[0] for line in done.stdout.splitlines()]
    assert lines == [
        f"{inbox / 'FW_ Dee.msg'} (dee.docx): Dee Dunn: new",
        f"{inbox / 'Re_ self-assessment.msg'} (image001.png): skipped (attachment is not a return)",
        f"{inbox / 'Re_ self-assessment.msg'} (ann.docx): Ann Hill: new",
        f"{inbox / 'ben.eml'} (ben.docx): Ben Bell: new",
        f"{inbox / 'cat.docx'}: Cat Cole: new",
        f"{inbox / 'zz-ann-again.eml'} (ann.docx): Ann Hill: same as before"], done.stdout
    state = status_json(rnd)
    people = {r["name"]: (r["state"], r["versions"], [h["when"] for h in r["history"]]) for r in state["respondents"]}
    assert people["Ann Hill"] == ("returned", 1, [stamp(2, 9, 30)])
    assert people["Ben Bell"] == ("returned", 1, [stamp(3, 10)])
    assert people["Dee Dunn"] == ("returned", 1, [stamp(4, 8)])  # the inner message's time, not the FW's
    assert people["Cat Cole"][:2] == ("returned", 1)
    assert len(state["respondents"]) == 4 and state["unreadable"] == []
    evidence = {r["name"]: [(h["sender"], h["sent_at"], h["subject"]) for h in r["history"]]
                for r in state["respondents"]}
    assert evidence == {"Ann Hill": [("ann.hill@salford.gov.uk", stamp(2, 9, 30), "My self-assessment return")],
                        "Ben Bell": [("ben@example.org", stamp(3, 10), "My self-assessment return")],
                        "Cat Cole": [(None, None, None)],
                        "Dee Dunn": [("dee@example.org", stamp(4, 8), "my return")]}
    jsonschema.validate(state, json.loads((ROOT / "docxform" / "schemas" / "round-status.schema.json").read_text()))
    text = run("round", "status", str(rnd)).stdout
    assert f"      ann.docx e-mailed by ann.hill@salford.gov.uk, sent {stamp(2, 9, 30)}: My self-assessment return" \
        in text.splitlines()
    assert "cat.docx e-mailed" not in text
    with sqlite3.connect(rnd / "round.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM receipt").fetchone() == (4,)  # Ann's return twice: one receipt
        senders = dict(conn.execute("SELECT name, sender || ' ' || sent_at FROM receipt WHERE sender IS NOT NULL"))
    conn.close()
    assert senders == {"ann.docx": f"ann.hill@salford.gov.uk {stamp(2, 9, 30)}",
                       "ben.docx": f"ben@example.org {stamp(3, 10)}",
                       "dee.docx": f"dee@example.org {stamp(4, 8)}"}


def test_a_round_made_before_subjects_were_kept_is_upgraded_and_keeps_them(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    with sqlite3.connect(rnd / "round.sqlite") as conn:
        conn.execute("ALTER TABLE receipt DROP COLUMN subject")
        for statement in ("DROP TABLE event", "DROP TABLE secret", "ALTER TABLE receipt DROP COLUMN evidence",
                          "ALTER TABLE version DROP COLUMN verdict", "ALTER TABLE version DROP COLUMN held",
                          "ALTER TABLE person DROP COLUMN added_by"):  # and what schema 3 added (issue 19)
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    mo = fill_return(blank, tmp_path / "mo.docx", known_ratings(ITEMS, LEVELS, 8), name="Mo Shah")
    write_msg(tmp_path / "mo.msg", "mo@example.org", in_round(2), mo)
    assert run("round", "ingest", str(rnd), str(tmp_path / "mo.msg")).returncode == 0
    [mo_row] = status_json(rnd)["respondents"]
    assert mo_row["history"][0]["subject"] == "My self-assessment return"


def _kim_lowe(tmp_path: Path, write: Any, suffix: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The identity cases of test_round_identity through one kind of mail: same name, same or no e-mail, dates."""
    rnd, blank = start_generic_round(tmp_path)
    first = fill_return(blank, tmp_path / "first.docx", known_ratings(ITEMS, LEVELS, 30), name="Kim Lowe",
                        organisation="Salford PCT")
    second = fill_return(blank, tmp_path / "second.docx", known_ratings(ITEMS, LEVELS, 31), name="Kim Lowe",
                         organisation="Salford Primary Care Trust")
    older = fill_return(blank, tmp_path / "older.docx", known_ratings(ITEMS, LEVELS, 33), name="Kim Lowe",
                        organisation="Salford PCT")
    namesake = fill_return(blank, tmp_path / "police.docx", known_ratings(ITEMS, LEVELS, 32), name="Kim Lowe",
                           organisation="Police")
    stranger = fill_return(blank, tmp_path / "anon.docx", known_ratings(ITEMS, LEVELS, 34))
    assert run("round", "ingest", str(rnd), str(namesake)).returncode == 0
    mails = [write(tmp_path / f"{n}{suffix}", sender, in_round(day), path)
             for n, sender, day, path in (("a", "kim.lowe@example.org", 1, first), ("b", "kim.lowe@example.org", 8, second),
                                           ("c", "kim.lowe@example.org", 4, older), ("d", "who@example.org", 5, stranger))]
    done = run("round", "ingest", str(rnd), *map(str, mails))
    assert done.returncode == 0, done.stderr
    lines = [line.replace(str(tmp_path), "").replace(suffix, ".MAIL") for line in done.stdout.splitlines()]
    state = status_json(rnd)
    people = [(r["name"], r["email"], r["organisation"], r["state"], r["versions"],
               [(h["file"], h["when"] if h["when_from"] == "e-mail Date" else "when received", h["current"], h["notices"])
                for h in r["history"]]) for r in state["respondents"]]
    return lines, people


def test_the_same_returns_by_msg_and_by_eml_get_the_same_identity_decisions(tmp_path: Path) -> None:
    (tmp_path / "eml").mkdir()
    (tmp_path / "msg").mkdir()
    by_eml = _kim_lowe(tmp_path / "eml", write_eml, ".eml")
    by_msg = _kim_lowe(tmp_path / "msg", write_msg, ".msg")
    assert by_msg == by_eml
    lines, people = by_msg
    assert lines[2].startswith("/c.MAIL (older.docx): Kim Lowe: an earlier version")  # by the time sent
    assert people[-1][:2] == ("who@example.org", "who@example.org")  # a generic form named by its sender
    assert [p[4] for p in people] == [1, 3, 1]


def _ole(*streams: str, fill: bytes = b"\0") -> bytes:
    return write_cfb([Node(name, fill * 600) for name in streams])


def test_a_doc_an_xls_and_a_msg_each_get_the_right_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docxform.io import office

    monkeypatch.setattr(office, "soffice", lambda: None)  # the .doc's line without LibreOffice, named as given
    rnd, blank = start_generic_round(tmp_path)
    ret = fill_return(blank, tmp_path / "mine.docx", known_ratings(ITEMS, LEVELS, 5), name="Mo Shah")
    files = {"old.doc": _ole("WordDocument", "1Table"), "reply.docx": _ole("WordDocument", "1Table", fill=b"r"),
             "plan.xls": _ole("Workbook"), "slides.ppt": _ole("PowerPoint Document"),
             "Outlook.pst": b"!BDN" + bytes(1000), "notes.doc": _ole("Workbook", fill=b"n")}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    write_msg(tmp_path / "Re_ self-assessment.msg", "mo@example.org", in_round(2), ret, logo=True)
    (tmp_path / "renamed.doc").write_bytes((tmp_path / "Re_ self-assessment.msg").read_bytes())  # a .msg named .doc
    names = [*files, "Re_ self-assessment.msg", "renamed.doc"]
    done = run("round", "ingest", str(rnd), *(str(tmp_path / n) for n in names))
    out = {line.split(": ", 1)[0].removeprefix(str(tmp_path) + "/"): line.split(": ", 1)[1].split(";")[0]
           for line in (done.stderr + done.stdout).splitlines()}
    assert out == {
        "old.doc": "unreadable (.doc files need converting and LibreOffice is not installed "
                   "(convert it: soffice --headless --convert-to docx old.doc))",
        # the content decides (docxform.io.sniff): a Word 97 file named .docx is read as the .doc it is
        "reply.docx": "unreadable (.doc files need converting and LibreOffice is not installed "
                      "(convert it: soffice --headless --convert-to docx reply.docx))",
        "plan.xls": "unreadable (an Excel 97-2003 workbook (.xls), not a Word document: not a return "
                    "(if it is the improvement plan, save it in Excel as .xlsx))",
        "slides.ppt": "unreadable (an OLE file of type PowerPoint 97-2003 presentation (.ppt): not a return)",
        "Outlook.pst": "unreadable (an Outlook data file (.pst/.ost): a whole mailbox, not one message, and docxform "
                       "does not read mailboxes (select the messages in Outlook and drag them to a folder, then "
                       "ingest that folder))",
        "notes.doc": "unreadable (an Excel 97-2003 workbook (.xls), not a Word document: not a return "
                     "(if it is the improvement plan, save it in Excel as .xlsx))",
        "Re_ self-assessment.msg (image001.png)": "skipped (attachment is not a return)",
        "Re_ self-assessment.msg (mine.docx)": "Mo Shah: new",
        "renamed.doc (image001.png)": "skipped (attachment is not a return)",
        "renamed.doc (mine.docx)": "Mo Shah: same as before",
    }, done.stdout + done.stderr
    assert not HASH.search(done.stdout + done.stderr)  # never the name of the round's hashed copy
    assert all("unreadable" in line for line in done.stderr.splitlines())


def test_a_folder_walk_takes_msg_files_and_a_msg_attached_to_an_eml(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    mo = fill_return(blank, tmp_path / "mo.docx", known_ratings(ITEMS, LEVELS, 6), name="Mo Shah")
    write_msg(inbox / "sub" / "mo.msg", "mo@example.org", in_round(2), mo)
    jo = fill_return(blank, tmp_path / "jo.docx", known_ratings(ITEMS, LEVELS, 7), name="Jo Tait")
    inner = msg_bytes(Message(sender_email="jo@example.org", sent=in_round(5),
                              attachments=[Attach("jo.docx", jo.read_bytes())]))
    mail = EmailMessage()
    mail["From"] = "Boss <boss@example.org>"
    mail["Date"] = format_datetime(in_round(20))
    mail.set_content("Jo's reply, as Outlook attached it")
    mail.add_attachment(inner, maintype="application", subtype="vnd.ms-outlook", filename="RE_ return.msg")
    (inbox / "fwd.eml").write_bytes(bytes(mail))
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 0, done.stderr
    assert [line.split(";")[0] for line in done.stdout.splitlines()] == [
        f"{inbox / 'fwd.eml'} (jo.docx): Jo Tait: new", f"{inbox / 'sub' / 'mo.msg'} (mo.docx): Mo Shah: new"]
    emails = {r["name"]: (r["email"], r["history"][0]["when"]) for r in status_json(rnd)["respondents"]}
    assert emails == {"Jo Tait": ("jo@example.org", stamp(5)),
                      "Mo Shah": ("mo@example.org", stamp(2))}
