"""Who said what, on evidence (issue 19), through the CLI, with returns filled inside LibreOffice.

A personalised round of three (Ann, Ben, Cat) and a generic round sent to four
(--recipients). Every return is ticked and typed in LibreOffice through UNO
(one start for all of them), then e-mailed (.eml) or dropped in as a file.
Expected counts come from the ratings this test ticked, never from docxform.

- Ann forwards her form to Colin, who fills it in as himself and sends it from
  his own address: held, counted nowhere, until `round assign` settles it
  either way; undoing the assignment gives the earlier outputs byte for byte.
- A form for Cat computed outside the round (the public form id, a token made
  without the round's key) is not accepted as Cat's, even from her address.
- A stranger who types Ann's name on the generic form does not replace Ann.
- An e-mail dated in the year 9999, and one whose Date overflows, are read,
  warned about, and do not become current.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import sqlite3
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_forms
from docxform.generate.respondents import Respondent
from docxform.round.start import signer
from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip
from tests.support.roundkit import DOCX_TYPE, in_round, known_ratings, run, status_json, write_eml

pytestmark = pytest.mark.libreoffice

FW = load_framework("sa2003")
LEVELS = FW.rating_scale.keys
ITEMS = [i.id for i in FW.items]
NAMES = {lv.key: lv.name for lv in FW.rating_scale.levels}
PEOPLE = "name,organisation,role,email\nAnn Archer,Council,Member,ann@example.org\n" \
         "Ben Bell,Police,Member,ben@example.org\nCat Cole,PCT,Member,cat@example.org\n"
RECIPIENTS = PEOPLE + "Dee Dunn,Fire,Member,\n"


def actions(ratings: dict[str, str], name: str | None = None, organisation: str | None = None) -> list[dict]:
    """Tick one level per standard, as a person does; type a name (and organisation) when given."""
    out: list[dict] = [{"op": "tick", "alias": f"{item} {NAMES[level]}"} for item, level in ratings.items()]
    if name is not None:
        out.append({"op": "type", "alias": "Form completed by", "text": name})
    if organisation is not None:
        out.append({"op": "type", "alias": "Organisation/role", "text": organisation})
    return out


def mail(target: Path, sender: str, date: str, attachment: Path) -> Path:
    """An .eml with a Date header written as given (so it can be one no clock gives)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "coordinator@example.org"
    msg["Subject"] = "return"
    msg["Date"] = date
    msg.set_content("attached")
    msg.add_attachment(attachment.read_bytes(), maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                       filename=attachment.name)
    target.write_bytes(bytes(msg))
    return target


def counts_of(merged: dict[str, Any], item: str) -> dict[str, int]:
    return {k: v for k, v in merged["items"][item]["counts"].items() if v}


def expected_counts(returns: list[dict[str, str]], item: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for ratings in returns:
        out[ratings[item]] = out.get(ratings[item], 0) + 1
    return out


def report(rnd: Path, out: Path) -> dict[str, bytes]:
    done = run("round", "report", str(rnd), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    uno_or_skip()
    root = tmp_path_factory.mktemp("evidence")
    (root / "people.csv").write_text(PEOPLE, "utf-8")
    (root / "recipients.csv").write_text(RECIPIENTS, "utf-8")
    personal, generic = root / "p", root / "g"
    assert run("round", "start", "sa2003", str(personal), "--respondents", str(root / "people.csv"),
               "--partnership", "Test CDRP").returncode == 0
    done = run("round", "start", "sa2003", str(generic), "--recipients", str(root / "recipients.csv"))
    assert done.returncode == 0, done.stderr
    forms = personal / "forms"
    # A form for Cat made outside the round: its id is computed from public facts; its token is made by
    # the published scheme, with the round's id read off a genuine form, but without the round's key.
    round_id = json.loads(sqlite3.connect(personal / "round.sqlite").execute(
        "SELECT value FROM info WHERE key = 'round_id'").fetchone()[0])
    [forged_blank] = generate_forms(FW, root / "forged", [Respondent("Cat Cole", "PCT", "Member", "cat@example.org")],
                                    FormOptions(layout=FW.form(None).id), partnership="Test CDRP",
                                    sign=signer(round_id, b"a guess at the round's key"))
    [blank] = sorted((generic / "forms").glob("*.docx"))
    r = {name: known_ratings(ITEMS, LEVELS, seed) for seed, name in enumerate(
        ["ann", "colin", "ben", "cat_forged", "ann_9999", "ann_overflow", "g_ann", "g_ben", "g_stranger",
         "g_anon", "g_who"])}
    out = root / "filled"
    out.mkdir()
    jobs = [
        (forms / "sa2003-ann-archer.docx", out / "ann.docx", actions(r["ann"]), "docx"),
        (forms / "sa2003-ann-archer.docx", out / "colin.docx",
         actions(r["colin"], "Colin Cross", "Fire and Rescue"), "docx"),
        (forms / "sa2003-ben-bell.docx", out / "ben.docx", actions(r["ben"]), "docx"),
        (forged_blank.path, out / "cat.docx", actions(r["cat_forged"]), "docx"),
        (forms / "sa2003-ann-archer.docx", out / "ann-9999.docx", actions(r["ann_9999"]), "docx"),
        (forms / "sa2003-ann-archer.docx", out / "ann-overflow.docx", actions(r["ann_overflow"]), "docx"),
        (blank, out / "g-ann.docx", actions(r["g_ann"], "Ann Archer"), "docx"),
        (blank, out / "g-ben.docx", actions(r["g_ben"]), "docx"),
        (blank, out / "g-stranger.docx", actions(r["g_stranger"], "Ann Archer"), "docx"),
        (blank, out / "g-anon.docx", actions(r["g_anon"]), "docx"),
        (blank, out / "g-who.docx", actions(r["g_who"]), "docx"),
    ]
    fill_many_in_libreoffice(jobs)
    inbox = root / "inbox"
    inbox.mkdir()
    write_eml(inbox / "1-ann.eml", "ann@example.org", in_round(2), out / "ann.docx")
    write_eml(inbox / "2-ben.eml", "ben@example.org", in_round(3), out / "ben.docx")
    first = run("round", "ingest", str(personal), str(inbox))
    assert first.returncode == 0, first.stderr
    before = report(personal, root / "before")
    forwarded = write_eml(root / "colin.eml", "colin.cross@fire.example.org", in_round(5), out / "colin.docx")
    held = run("round", "ingest", str(personal), str(forwarded))
    ginbox = root / "ginbox"
    ginbox.mkdir()
    write_eml(ginbox / "1.eml", "ann@example.org", in_round(2), out / "g-ann.docx")
    write_eml(ginbox / "2.eml", "ben@example.org", in_round(3), out / "g-ben.docx")
    write_eml(ginbox / "3.eml", "someone@elsewhere.example", in_round(6), out / "g-stranger.docx")
    write_eml(ginbox / "4.eml", "who@elsewhere.example", in_round(7), out / "g-who.docx")
    shutil.copy(out / "g-anon.docx", ginbox / "5-anon.docx")
    gdone = run("round", "ingest", str(generic), str(ginbox))
    return {"root": root, "p": personal, "g": generic, "r": r, "out": out, "held": held, "before": before,
            "gingest": gdone}


def test_a_forwarded_form_is_held_and_counts_stay_as_they_were(rounds: dict[str, Any]) -> None:
    held = rounds["held"]
    assert held.returncode == 0, held.stderr
    line = held.stdout.strip()
    assert "Ann Archer: HELD, receipt 3" in line
    assert "the name typed is 'Colin Cross', not 'Ann Archer'" in line
    assert "sent from 'colin.cross@fire.example.org', not ann@example.org (on file)" in line
    assert f"settle with: docxform round assign {rounds['p']} 3 --to 'Ann Archer'" in line
    state = status_json(rounds["p"])
    assert state["counts"]["held"] == 1 and state["counts"]["returned"] == 2
    assert state["held"][0]["receipt"] == 3 and state["held"][0]["claimed"] == "Ann Archer"
    ann = next(p for p in state["respondents"] if p["name"] == "Ann Archer")
    assert ann["state"] == "returned" and ann["versions"] == 1
    assert [h["state"] for h in ann["history"]] == ["counted", "held"]
    assert ann["history"][0]["verdict"] == "confirmed"  # token, her name and her address agree
    text = run("round", "status", str(rounds["p"])).stdout.splitlines()
    assert text[1].startswith("  HELD        receipt 3 'colin.docx', claimed by Ann Archer")
    assert text[2].startswith(f"      settle with: docxform round assign {rounds['p']} 3 --to 'Ann Archer'")
    now = report(rounds["p"], rounds["root"] / "held-report")
    merged = json.loads(now["merged.json"])
    for item in ITEMS[:5]:
        assert counts_of(merged, item) == expected_counts([rounds["r"]["ann"], rounds["r"]["ben"]], item)
    # Only the status and the page's banner say that a return is held; every other output is as before.
    assert now == {**rounds["before"], "status.json": now["status.json"], "report.html": now["report.html"]}
    assert "2 of 3 returned; outstanding: Cat Cole; 1 return held for the coordinator's decision" in \
        html.unescape(now["report.html"].decode("utf-8"))


def test_assign_settles_it_either_way_and_undo_restores_the_outputs_byte_for_byte(
        rounds: dict[str, Any], tmp_path: Path) -> None:
    rnd = tmp_path / "p"
    shutil.copytree(rounds["p"], rnd)
    before = report(rnd, tmp_path / "0")
    done = run("round", "assign", str(rnd), "3", "--new", "--reason", "forwarded to a colleague")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("correction 1: receipt 3 assigned to Colin Cross (a new respondent)")
    state = status_json(rnd)
    assert state["counts"]["held"] == 0 and state["counts"]["returned"] == 2 and state["counts"]["unmatched"] == 1
    colin = next(p for p in state["respondents"] if p["name"] == "Colin Cross")
    assert colin["history"][0]["verdict"] == "assigned" and colin["email"] == "colin.cross@fire.example.org"
    merged = json.loads(report(rnd, tmp_path / "1")["merged.json"])
    r = rounds["r"]
    assert sorted(x["name"] for x in merged["respondents"]) == ["Ann Archer", "Ben Bell", "Colin Cross"]
    for item in ITEMS[:5]:
        assert counts_of(merged, item) == expected_counts([r["ann"], r["ben"], r["colin"]], item)
    text = run("round", "status", str(rnd)).stdout
    assert "correction 1 (" in text and "receipt 3 assigned to Colin Cross (a new respondent); reason: " \
        "'forwarded to a colleague'" in text
    undone = run("round", "assign", str(rnd), "--undo", "1")
    assert undone.returncode == 0, undone.stderr
    assert report(rnd, tmp_path / "2") == before  # byte for byte, the status.json too
    assert "correction 1 (" in run("round", "status", str(rnd)).stdout  # still in the history, marked undone
    assert "[undone]" in run("round", "status", str(rnd)).stdout
    # The other way: it was Ann's after all (a later return of hers, by its Date).
    assert run("round", "assign", str(rnd), "3", "--to", "ann archer").returncode == 0
    state = status_json(rnd)
    ann = next(p for p in state["respondents"] if p["name"] == "Ann Archer")
    assert ann["state"] == "resubmitted" and ann["history"][-1]["current"] and ann["history"][-1]["receipt"] == 3
    merged = json.loads(report(rnd, tmp_path / "3")["merged.json"])
    for item in ITEMS[:5]:
        assert counts_of(merged, item) == expected_counts([r["colin"], r["ben"]], item)


def test_a_form_with_a_computed_token_is_not_accepted_as_that_persons(rounds: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    rnd = tmp_path / "p"
    shutil.copytree(rounds["p"], rnd)
    sent = write_eml(tmp_path / "cat.eml", "cat@example.org", in_round(8), rounds["out"] / "cat.docx")
    done = run("round", "ingest", str(rnd), str(sent))
    assert "Cat Cole: HELD" in done.stdout and "the form's token does not verify" in done.stdout
    state = status_json(rnd)
    cat = next(p for p in state["respondents"] if p["name"] == "Cat Cole")
    assert cat["state"] == "outstanding" and state["counts"]["returned"] == 2
    assert cat["history"][0]["evidence"]["token"] == "does not verify"
    # The round's own forms verify (the token survived LibreOffice's save).
    ann = next(p for p in state["respondents"] if p["name"] == "Ann Archer")
    assert ann["history"][0]["evidence"]["token"] == "verified"


@pytest.mark.parametrize("date, warning", [
    ("Fri, 31 Dec 9999 23:59:59 +0000", "is after the moment it was received: not believed"),
    ("Fri, 31 Dec 9999 23:59:59 -2359", "cannot be read as a time"),
])
def test_a_date_far_in_the_future_or_overflowing_is_read_warned_and_not_current(
        rounds: dict[str, Any], tmp_path: Path, date: str, warning: str) -> None:
    rnd = tmp_path / "p"
    shutil.copytree(rounds["p"], rnd)
    name = "ann-9999.docx" if "+0000" in date else "ann-overflow.docx"
    done = run("round", "ingest", str(rnd), str(mail(tmp_path / "x.eml", "ann@example.org", date,
                                                      rounds["out"] / name)))
    assert done.returncode == 0, done.stderr
    assert "Ann Archer: kept, not current" in done.stdout and warning in done.stdout
    ann = next(p for p in status_json(rnd)["respondents"] if p["name"] == "Ann Archer")
    current = next(h for h in ann["history"] if h["current"])
    assert current["file"] == "ann.docx" and current["when_from"] == "e-mail Date"
    late = next(h for h in ann["history"] if h["file"] == name)
    assert any(warning in a for a in late["alerts"]) and late["when_from"] != "e-mail Date"
    merged = json.loads(report(rnd, tmp_path / "out")["merged.json"])
    assert merged["items"][ITEMS[0]]["responses"]["Ann Archer"]["rating"] == rounds["r"]["ann"][ITEMS[0]]


def test_a_generic_round_with_recipients_counts_and_chases_like_a_personalised_one(rounds: dict[str, Any]) -> None:
    done = rounds["gingest"]
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Ann Archer: new" in lines[0] and "Ben Bell: new" in lines[1]
    assert "Ann Archer: HELD" in lines[2] and "sent from 'someone@elsewhere.example', not ann@example.org" in lines[2]
    state = status_json(rounds["g"])
    assert {k: state["counts"][k] for k in ("invited", "returned", "outstanding", "held", "unmatched")} == {
        "invited": 4, "returned": 2, "outstanding": 2, "held": 1, "unmatched": 2}
    by_name = {p["name"]: p for p in state["respondents"]}
    assert by_name["Ann Archer"]["history"][0]["verdict"] == "confirmed"  # her name and her address
    assert by_name["Ben Bell"]["history"][0]["verdict"] == "probable"  # his address, no name typed
    assert {n for n, p in by_name.items() if p["state"] == "outstanding"} == {"Cat Cole", "Dee Dunn"}
    # Respondents with no name typed: by their e-mail, else "respondent N"; never the framework's id.
    assert "who@elsewhere.example" in by_name and "respondent 1" in by_name
    text = run("round", "status", str(rounds["g"])).stdout
    assert text.splitlines()[0].endswith(": 2 of 4 returned")
    out = rounds["root"] / "g-report"
    merged = json.loads(report(rounds["g"], out)["merged.json"])
    assert sorted(r["name"] for r in merged["respondents"]) == sorted(
        ["Ann Archer", "Ben Bell", "who@elsewhere.example", "respondent 1"])
    assert merged["items"][ITEMS[0]]["responses"]["Ann Archer"]["rating"] == rounds["r"]["g_ann"][ITEMS[0]]
    assert not any("sa2003" in r["name"] for r in merged["respondents"])
    chase = rounds["root"] / "chase.csv"
    assert run("round", "status", str(rounds["g"]), "--chase", str(chase)).returncode == 0
    drafts = sorted((rounds["root"] / "chase-drafts").iterdir())
    assert [d.name for d in drafts] == ["cat-cole.eml", "dee-dunn.eml"]
    cat = message_from_bytes(drafts[0].read_bytes(), policy=default)
    assert cat["X-Unsent"] == "1" and cat["To"].addresses[0].addr_spec == "cat@example.org"
    [form] = list(cat.iter_attachments())
    blank = next((rounds["g"] / "forms").glob("*.docx"))
    assert hashlib.sha256(form.get_content()).digest() == hashlib.sha256(blank.read_bytes()).digest()
    assert "Dear Cat Cole" in cat.get_body(("plain",)).get_content()
