"""Corrections as events: round assign / add / withdraw / agree, each in the status history, each undone
to the earlier outputs byte for byte; and the rules of evidence and time on their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from docxform.framework import load_framework
from docxform.records.round import TOKEN_ABSENT, TOKEN_FAILED, TOKEN_VERIFIED, Evidence
from docxform.survey.identity import (
    CONFIRMED,
    CONFLICTING,
    PROBABLE,
    OnFile,
    check_token,
    defended_time,
    judge,
    make_token,
)
from tests.support.roundkit import fill_return, in_round, known_ratings, run, status_json, write_eml

FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys
PEOPLE = "name,email\nAnn Archer,ann@example.org\nBen Bell,ben@example.org\nCat Cole,cat@example.org\n"


def report(rnd: Path, out: Path) -> dict[str, bytes]:
    done = run("round", "report", str(rnd), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ann and Ben returned (by e-mail, from their addresses); Cat is outstanding."""
    root = tmp_path_factory.mktemp("corrections")
    (root / "people.csv").write_text(PEOPLE, "utf-8")
    rnd = root / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(root / "people.csv")).returncode == 0
    ratings = {n: known_ratings(ITEMS, LEVELS, i) for i, n in enumerate(("ann", "ben"))}
    for day, who in enumerate(("ann", "ben"), 1):
        form = next((rnd / "forms").glob(f"*{who}*.docx"))
        write_eml(root / f"{who}.eml", f"{who}@example.org", in_round(day),
                  fill_return(form, root / f"{who}.docx", ratings[who]))
    done = run("round", "ingest", str(rnd), str(root / "ann.eml"), str(root / "ben.eml"))
    assert done.returncode == 0, done.stderr
    return {"root": root, "round": rnd, "ratings": ratings}


@pytest.fixture
def rnd(base: dict[str, Any], tmp_path: Path) -> Path:
    copy = tmp_path / "r"
    shutil.copytree(base["round"], copy)
    return copy


def _history(rnd: Path) -> list[str]:
    return [line for line in run("round", "status", str(rnd)).stdout.splitlines() if line.startswith("  correction")]


def test_withdraw_a_return_then_undo_it(rnd: Path, tmp_path: Path) -> None:
    before = report(rnd, tmp_path / "0")
    done = run("round", "withdraw", str(rnd), "1", "--reason", "sent by mistake")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("correction 1: receipt 1 withdrawn")
    state = status_json(rnd)
    ann = next(p for p in state["respondents"] if p["name"] == "Ann Archer")
    assert ann["state"] == "outstanding" and ann["history"][0]["state"] == "withdrawn"
    assert state["counts"]["returned"] == 1
    assert json.loads(report(rnd, tmp_path / "1")["merged.json"])["respondents"][0]["name"] == "Ben Bell"
    assert _history(rnd) == [f"  correction 1 ({state['corrections'][0]['at'][:19]}): receipt 1 withdrawn; "
                             "reason: 'sent by mistake'"]
    assert run("round", "withdraw", str(rnd), "--undo", "1").returncode == 0
    assert report(rnd, tmp_path / "2") == before
    assert _history(rnd)[0].endswith(" [undone]: receipt 1 withdrawn; reason: 'sent by mistake'")


def test_withdraw_a_person_leaves_the_invited_count(rnd: Path, tmp_path: Path) -> None:
    before = report(rnd, tmp_path / "0")
    assert run("round", "withdraw", str(rnd), "--person", "Cat Cole", "--reason", "left").returncode == 0
    state = status_json(rnd)
    assert state["counts"]["invited"] == 2 and state["counts"]["outstanding"] == 0
    assert "2 of 2 returned" in run("round", "status", str(rnd)).stdout
    assert run("round", "undo", str(rnd), "1").returncode == 0
    assert status_json(rnd)["counts"]["invited"] == 3
    assert report(rnd, tmp_path / "1") == before


def test_add_people_mid_round_with_their_forms_then_undo(rnd: Path, tmp_path: Path) -> None:
    before = report(rnd, tmp_path / "0")
    more = tmp_path / "more.csv"
    more.write_text("name,email\nDee Dunn,dee@example.org\n", "utf-8")
    done = run("round", "add", str(rnd), "--respondents", str(more), "--reason", "joined the group")
    assert done.returncode == 0, done.stderr
    form = rnd / "forms" / "sa2003-dee-dunn.docx"
    assert form.is_file() and str(form) in done.stdout
    state = status_json(rnd)
    assert state["counts"]["invited"] == 4 and "Dee Dunn" in [p["name"] for p in state["respondents"]]
    assert "added Dee Dunn; reason: 'joined the group'" in _history(rnd)[0]
    again = run("round", "add", str(rnd), "--respondents", str(more))
    assert again.returncode == 1 and "already in the round: Dee Dunn" in again.stderr
    assert run("round", "add", str(rnd), "--undo", "1").returncode == 0
    assert status_json(rnd)["counts"]["invited"] == 3
    assert report(rnd, tmp_path / "1") == before
    # Added again; her return, filled on the form she was sent, is hers; now the addition stays.
    assert run("round", "add", str(rnd), "--respondents", str(more)).returncode == 0
    write_eml(tmp_path / "dee.eml", "dee@example.org", in_round(5),
              fill_return(form, tmp_path / "dee.docx", known_ratings(ITEMS, LEVELS, 9)))
    assert "Dee Dunn: new" in run("round", "ingest", str(rnd), str(tmp_path / "dee.eml")).stdout
    dee = next(p for p in status_json(rnd)["respondents"] if p["name"] == "Dee Dunn")
    assert dee["history"][0]["verdict"] == "confirmed" and dee["history"][0]["evidence"]["token"] == "verified"
    refused = run("round", "add", str(rnd), "--undo", "3")  # 2 was the undoing
    assert refused.returncode == 1 and "added people who have returns now" in refused.stderr


def test_the_meetings_decision_goes_into_the_consolidated_form_and_plan_and_undoes(rnd: Path, tmp_path: Path,
                                                                                   base: dict[str, Any]) -> None:
    before = report(rnd, tmp_path / "0")
    item = ITEMS[0]
    level = next(lv for lv in LEVELS if lv not in {base["ratings"]["ann"][item], base["ratings"]["ben"][item]})
    name = next(lv.name for lv in FW.rating_scale.levels if lv.key == level)
    done = run("round", "agree", str(rnd), item, name, "--note", "the police figures decide it")
    assert done.returncode == 0, done.stderr
    assert f"the meeting agreed {item} at {level}" in done.stdout
    after = report(rnd, tmp_path / "1")
    text = "\n".join(p.text for p in Document(str(tmp_path / "1" / "consolidated.docx")).paragraphs) + "\n".join(
        c.text for t in Document(str(tmp_path / "1" / "consolidated.docx")).tables for r in t.rows for c in r.cells)
    assert f"Agreed at the meeting on {status_json(rnd)['corrections'][0]['at'][:10]}: {name}: the police " \
           "figures decide it" in text
    assert after["consolidated.docx"] != before["consolidated.docx"]
    assert json.loads(after["status.json"])["decisions"][item]["level"] == level
    bad = run("round", "agree", str(rnd), item, "excellent")
    assert bad.returncode == 1 and "'excellent' is not a level of sa2003" in bad.stderr
    assert run("round", "agree", str(rnd), "--undo", "1").returncode == 0
    assert report(rnd, tmp_path / "2") == before


def test_undo_refuses_what_is_not_there_or_of_another_kind(rnd: Path) -> None:
    assert run("round", "withdraw", str(rnd), "2").returncode == 0
    wrong = run("round", "assign", str(rnd), "--undo", "1")
    assert wrong.returncode == 1 and "correction 1 is a withdraw, not a assign" in wrong.stderr
    assert run("round", "undo", str(rnd), "9").returncode == 1
    assert run("round", "undo", str(rnd), "1").returncode == 0
    again = run("round", "undo", str(rnd), "1")
    assert again.returncode == 1 and "already undone" in again.stderr
    nobody = run("round", "assign", str(rnd), "1", "--to", "Zed")
    assert nobody.returncode == 1 and "no person called 'Zed'" in nobody.stderr


def test_the_library_functions_have_the_commands_names_and_typed_results(rnd: Path) -> None:
    from docxform import api

    done = api.round_withdraw(rnd, 1, reason="test")
    assert (done.event, done.text) == (1, "receipt 1 withdrawn; reason: 'test'")
    assert api.round_undo(rnd, done.event).text == "undid correction 1"
    assert api.round_agree(rnd, ITEMS[0], LEVELS[0]).event == 3


# --- the rules on their own

KEY = b"k" * 32


def test_a_token_verifies_only_for_its_round_form_and_person() -> None:
    token = make_token("r1", KEY, "form-1", "Ann Archer")
    assert check_token(token, "r1", KEY, "form-1", "ann  archer") == TOKEN_VERIFIED
    assert check_token(token, "r1", KEY, "form-1", "Ben Bell") == TOKEN_FAILED
    assert check_token(token, "r1", KEY, "form-2", "Ann Archer") == TOKEN_FAILED
    assert check_token(token, "r1", b"x" * 32, "form-1", "Ann Archer") == TOKEN_FAILED
    assert check_token(None, "r1", KEY, "form-1", "Ann Archer") == TOKEN_ABSENT
    assert check_token("dxr1.r1.\u00e9\u0000" + "x" * 10_000, "r1", KEY, "form-1", "Ann Archer") == TOKEN_FAILED


def test_respondents_text_in_the_evidence_is_quoted_and_cut_short() -> None:
    typed = "\x1b[31mMallory" + "y" * 500
    [against] = judge(Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", typed), ANN, signed=True).against
    assert "\x1b" not in against and "\\x1b[31mMallory" in against and len(against) < 140


ANN = OnFile("Ann Archer", "ann@example.org")


@pytest.mark.parametrize("evidence, verdict", [
    (Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", "Ann Archer", sender="ann@example.org"), CONFIRMED),
    (Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", "Ann Archer"), CONFIRMED),
    (Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer"), PROBABLE),
    (Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", "Ann Archer", sender="ann.home@example.net"), PROBABLE),
    (Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", "Colin Cross", sender="colin@example.org"), CONFLICTING),
    (Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", "Colin Cross"), CONFLICTING),
    (Evidence(TOKEN_FAILED, None, "Ann Archer", "Ann Archer", sender="ann@example.org"), CONFLICTING),
    (Evidence(TOKEN_ABSENT, None, "Ann Archer", "Ann Archer", sender="ann@example.org"), PROBABLE),
    (Evidence(TOKEN_ABSENT, None, None, "Ann Archer", sender="stranger@example.org"), CONFLICTING),
    (Evidence(TOKEN_ABSENT, None, None, "Ann Archer", sender="ann@example.org"), CONFIRMED),
])
def test_the_verdict_on_the_evidence(evidence: Evidence, verdict: str) -> None:
    assert judge(evidence, ANN, signed=True).verdict == verdict


@pytest.mark.parametrize("typed, same", [("ann archer", True), ("Dr. Ann Archer", True), ("Ann Archer (Council)", True),
                                         ("Ann", False), ("A. Archer", False), ("Anne Archer", False)])
def test_the_name_typed_is_the_persons_when_all_its_words_are_there(typed: str, same: bool) -> None:
    found = Evidence(TOKEN_VERIFIED, "Ann Archer", "Ann Archer", typed)
    assert (judge(found, ANN, signed=True).verdict != CONFLICTING) is same


def test_a_new_respondent_has_nothing_on_file_to_confirm_them() -> None:
    found = Evidence(TOKEN_VERIFIED, None, None, "Zoe Hart", sender="zoe@example.org")
    assert judge(found, OnFile("Zoe Hart", "zoe@example.org", new=True), signed=True).verdict == PROBABLE


@pytest.mark.parametrize("date, saved, when_from, warned", [
    ("2026-03-02T10:00:00Z", "2026-03-01T10:00:00Z", "e-mail Date", False),
    ("9999-12-31T23:59:59Z", "2026-03-01T10:00:00Z", "last saved", True),
    ("2026-03-05T12:00:00Z", None, "received", True),  # after the moment received (+1 h)
    ("2003-01-01T00:00:00Z", None, "received", True),  # long before the round began
    (None, "9999-01-01T00:00:00Z", "received", True),
    (None, None, "received", False),
])
def test_the_time_a_receipt_is_dated_by(date: str | None, saved: str | None, when_from: str, warned: bool) -> None:
    found = defended_time(Evidence(saved_at=saved), date, "2026-03-05T10:00:00.000000Z", "2026-03-01T00:00:00Z")
    assert found.received_from == when_from and bool(found.warnings) is warned
    assert found.received == {"e-mail Date": date, "last saved": saved}.get(when_from, "2026-03-05T10:00:00.000000Z")


def test_status_json_with_held_returns_corrections_and_decisions_follows_its_schema(rnd: Path,
                                                                                    tmp_path: Path) -> None:
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("docxform.schemas").joinpath("round-status.schema.json").read_text("utf-8"))
    form = rnd / "forms" / "sa2003-cat-cole.docx"
    write_eml(tmp_path / "x.eml", "someone@elsewhere.example", in_round(4),
              fill_return(form, tmp_path / "x.docx", known_ratings(ITEMS, LEVELS, 3), name="Someone Else"))
    assert "HELD" in run("round", "ingest", str(rnd), str(tmp_path / "x.eml")).stdout
    assert run("round", "agree", str(rnd), ITEMS[0], LEVELS[0]).returncode == 0
    assert run("round", "withdraw", str(rnd), "--person", "Ben Bell").returncode == 0
    assert run("round", "withdraw", str(rnd), "--undo", "2").returncode == 0
    state = status_json(rnd)
    jsonschema.validate(state, schema)
    assert state["counts"]["held"] == 1 and [(c["kind"], c["in_effect"]) for c in state["corrections"]] == [
        ("agree", True), ("withdraw", False), ("undo", True)]
    report(rnd, tmp_path / "out")
    jsonschema.validate(json.loads((tmp_path / "out" / "status.json").read_text("utf-8")), schema)


def test_a_return_for_someone_whose_addition_was_undone_is_not_hidden(rnd: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.csv"
    more.write_text("name,email\nDee Dunn,dee@example.org\n", "utf-8")
    assert run("round", "add", str(rnd), "--respondents", str(more)).returncode == 0
    assert run("round", "add", str(rnd), "--undo", "1").returncode == 0
    form = rnd / "forms" / "sa2003-dee-dunn.docx"
    write_eml(tmp_path / "dee.eml", "dee@example.org", in_round(5),
              fill_return(form, tmp_path / "dee.docx", known_ratings(ITEMS, LEVELS, 9)))
    assert "Dee Dunn: new" in run("round", "ingest", str(rnd), str(tmp_path / "dee.eml")).stdout
    state = status_json(rnd)
    dee = next(p for p in state["respondents"] if p["name"] == "Dee Dunn")
    assert dee["state"] == "returned" and dee["issued"] is False
    assert state["counts"]["invited"] == 3 and state["counts"]["unmatched"] == 1


def test_a_round_made_before_evidence_was_kept_is_migrated_and_still_reads(base: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    """A schema-1 round (no evidence, no secret, no events): opened, migrated, its returns still counted."""
    import sqlite3

    from docxform.round.store import MIGRATIONS

    old = tmp_path / "old"
    (old / "received").mkdir(parents=True)
    conn = sqlite3.connect(old / "round.sqlite")
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    info = {"framework": "sa2003", "layout": "annexb", "partnership": "", "due": None, "created": "2004-01-01T00:00:00Z",
            "generic_form": None, "generic_form_id": None}
    conn.executemany("INSERT INTO info VALUES (?, ?)", [(k, json.dumps(v)) for k, v in info.items()])
    conn.execute("INSERT INTO person(name, email, form_id, form_file, issued) VALUES ('Ann Archer', "
                 "'ann@example.org', 'f1', 'x.docx', 1)")
    source = next((base["round"] / "received").glob("*.docx"))
    from docxform.parse import parse_form

    parsed = parse_form(source).to_dict()
    shutil.copy(source, old / "received" / source.name)
    conn.execute("INSERT INTO receipt(sha256, stored, name, origin, received_at, sent_at) VALUES "
                 "(?, ?, 'ann.docx', 'inbox', '2004-03-02T00:00:00Z', '2004-03-01T00:00:00Z')",
                 (source.stem, f"received/{source.name}"))
    conn.execute("INSERT INTO version(receipt_id, person_id, kind, parsed, errors, warnings) VALUES "
                 "(1, 1, 'form', ?, 0, 0)", (json.dumps(parsed),))
    conn.commit()
    conn.close()
    state = status_json(old)
    [ann] = state["respondents"]
    assert ann["state"] == "returned" and ann["history"][0]["when"] == "2004-03-01T00:00:00Z"
    assert state["counts"]["returned"] == 1 and state["held"] == [] and state["corrections"] == []
    with sqlite3.connect(old / "round.sqlite") as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    check.close()
    assert run("round", "report", str(old), "-o", str(tmp_path / "out")).returncode == 0


def test_add_to_a_generic_round_adds_recipients_of_its_form(tmp_path: Path) -> None:
    (tmp_path / "to.csv").write_text("name,email\nAnn Archer,ann@example.org\n", "utf-8")
    (tmp_path / "more.csv").write_text("name,email\nBen Bell,ben@example.org\n", "utf-8")
    rnd = tmp_path / "g"
    assert run("round", "start", "sa2003", str(rnd), "--recipients", str(tmp_path / "to.csv")).returncode == 0
    done = run("round", "add", str(rnd), "--respondents", str(tmp_path / "more.csv"))
    assert done.returncode == 0, done.stderr
    [blank] = sorted((rnd / "forms").glob("*.docx"))
    assert str(blank) in done.stdout
    write_eml(tmp_path / "ben.eml", "ben@example.org", in_round(3),
              fill_return(blank, tmp_path / "ben.docx", known_ratings(ITEMS, LEVELS, 4)))
    assert "Ben Bell: new" in run("round", "ingest", str(rnd), str(tmp_path / "ben.eml")).stdout
    state = status_json(rnd)
    assert (state["counts"]["invited"], state["counts"]["returned"]) == (2, 1)


def test_another_rounds_form_is_held_and_nobody_is_outstanding_for_it(tmp_path: Path) -> None:
    assert run("round", "start", "sa2003", str(tmp_path / "a")).returncode == 0
    assert run("round", "start", "sa2003", str(tmp_path / "b")).returncode == 0
    other = next((tmp_path / "a" / "forms").glob("*.docx"))
    write_eml(tmp_path / "x.eml", "zoe@example.org", in_round(2),
              fill_return(other, tmp_path / "x.docx", known_ratings(ITEMS, LEVELS, 1), name="Zoe Hart"))
    done = run("round", "ingest", str(tmp_path / "b"), str(tmp_path / "x.eml"))
    assert "Zoe Hart: HELD" in done.stdout and "the form's token does not verify" in done.stdout
    state = status_json(tmp_path / "b")
    assert {k: state["counts"][k] for k in ("outstanding", "held", "returned")} == {
        "outstanding": 0, "held": 1, "returned": 0}
    assert run("round", "assign", str(tmp_path / "b"), "1", "--to", "Zoe Hart").returncode == 0
    assert status_json(tmp_path / "b")["counts"]["held"] == 0


def test_a_receipt_assigned_to_someone_shows_what_it_changed_in_their_history(rnd: Path, tmp_path: Path,
                                                                             base: dict[str, Any]) -> None:
    later = known_ratings(ITEMS, LEVELS, 77)
    form = rnd / "forms" / "sa2003-cat-cole.docx"
    write_eml(tmp_path / "x.eml", "someone@elsewhere.example", in_round(6),
              fill_return(form, tmp_path / "x.docx", later, name="Someone Else"))
    assert "HELD, receipt 3" in run("round", "ingest", str(rnd), str(tmp_path / "x.eml")).stdout
    assert run("round", "assign", str(rnd), "3", "--to", "Ann Archer").returncode == 0
    ann = next(p for p in status_json(rnd)["respondents"] if p["name"] == "Ann Archer")
    assert ann["state"] == "resubmitted" and [h["receipt"] for h in ann["history"]] == [1, 3]
    changed = {c["item"] for c in ann["history"][1]["changes"] if c["field"] == "rating"}
    assert changed == {i for i in ITEMS if later[i] != base["ratings"]["ann"][i]} and changed


def test_agree_keeps_its_reason_apart_from_the_note_and_lists_each_level_once(rnd: Path) -> None:
    done = run("round", "agree", str(rnd), ITEMS[0], LEVELS[0], "--note", "police figures", "--reason", "minuted")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"correction 1: the meeting agreed {ITEMS[0]} at {LEVELS[0]} ('police figures'); "
                                  "reason: 'minuted'")
    assert status_json(rnd)["corrections"][0]["reason"] == "minuted"
    bad = run("round", "agree", str(rnd), ITEMS[0], "excellent")
    assert bad.returncode == 1 and f"one of: {', '.join(LEVELS)}" in bad.stderr
    assert bad.stderr.count(LEVELS[0]) == 1


def test_two_people_of_one_name_are_told_apart_by_their_e_mail_address(rnd: Path, base: dict[str, Any]) -> None:
    """A stranger who typed a listed person's name, settled with --new, shares that name: the address picks."""
    form = next((rnd / "forms").glob("*cat*.docx"))
    root = base["root"]
    write_eml(root / "stranger.eml", "stranger@elsewhere.example", in_round(3),
              fill_return(form, root / "stranger.docx", known_ratings(ITEMS, LEVELS, 2), name="Ann Archer"))
    held = run("round", "ingest", str(rnd), str(root / "stranger.eml"))
    assert held.returncode == 0 and "HELD, receipt 3" in held.stdout, held.stdout
    assert run("round", "assign", str(rnd), "3", "--new").returncode == 0
    both = run("round", "withdraw", str(rnd), "--person", "Ann Archer")
    assert both.returncode == 1
    assert "2 people called 'Ann Archer' in this round (Ann Archer <ann@example.org>, " \
           "Ann Archer <stranger@elsewhere.example>)" in both.stderr
    assert "e-mail address" in both.stderr
    done = run("round", "withdraw", str(rnd), "--person", "stranger@elsewhere.example")
    assert done.returncode == 0, done.stderr
    people = {(p["name"], p["email"]): p["state"] for p in status_json(rnd)["respondents"]}
    assert people[("Ann Archer", "stranger@elsewhere.example")] == "withdrawn"
    assert people[("Ann Archer", "ann@example.org")] == "returned"


def test_the_same_bytes_again_name_the_person_a_correction_gave_them_to(rnd: Path, base: dict[str, Any]) -> None:
    assert run("round", "assign", str(rnd), "1", "--to", "Cat Cole").returncode == 0
    again = run("round", "ingest", str(rnd), str(base["root"] / "ann.eml"))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{base['root'] / 'ann.eml'} (ann.docx): Cat Cole: same as before"
    assert run("round", "undo", str(rnd), "1").returncode == 0
    assert ": Ann Archer: same as before" in run("round", "ingest", str(rnd), str(base["root"] / "ann.eml")).stdout


def test_a_correction_prints_a_name_typed_on_a_return_escaped(rnd: Path, base: dict[str, Any]) -> None:
    """assign --new names the new respondent by the name typed: a terminal escape in it is printed as text."""
    form = next((rnd / "forms").glob("*cat*.docx"))
    root = base["root"]
    write_eml(root / "zed.eml", "zed@elsewhere.example", in_round(4),
              fill_return(form, root / "zed.docx", known_ratings(ITEMS, LEVELS, 3), name="Zed \u009b31mRed\u202e"))
    assert "HELD, receipt 3" in run("round", "ingest", str(rnd), str(root / "zed.eml")).stdout
    done = run("round", "assign", str(rnd), "3", "--new")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "correction 1: receipt 3 assigned to Zed \\x9b31mRed\\u202e (a new respondent) " \
                          "(undo: --undo 1)\n"
    undone = run("round", "undo", str(rnd), "1")
    assert undone.stdout == "correction 2: undid correction 1\n"


def test_the_settle_command_gives_the_address_of_a_person_whose_name_prints_escaped() -> None:
    from docxform.round.ingest import settle_command

    assert settle_command(Path("r"), 3, "Eve\u202eEvans", "eve@example.org") == \
        "docxform round assign r 3 --to eve@example.org  (or: docxform round assign r 3 --new)"
    assert settle_command(Path("r"), 3, "Ann Archer", "ann@example.org") == \
        "docxform round assign r 3 --to 'Ann Archer'  (or: docxform round assign r 3 --new)"


def _generic_with_ann(tmp_path: Path) -> tuple[Path, Path]:
    """A generic round sent to Ann (by --recipients); her return came by e-mail from her address: confirmed."""
    (tmp_path / "to.csv").write_text("name,email\nAnn Archer,ann@example.org\n", "utf-8")
    rnd = tmp_path / "g"
    assert run("round", "start", "sa2003", str(rnd), "--recipients", str(tmp_path / "to.csv")).returncode == 0
    [blank] = sorted((rnd / "forms").glob("*.docx"))
    write_eml(tmp_path / "ann.eml", "ann@example.org", in_round(2),
              fill_return(blank, tmp_path / "ann.docx", known_ratings(ITEMS, LEVELS, 1), name="Ann Archer"))
    assert "Ann Archer: new" in run("round", "ingest", str(rnd), str(tmp_path / "ann.eml")).stdout
    return rnd, blank


def test_a_weaker_return_replacing_a_confirmed_one_says_so_on_its_line_and_in_the_history(tmp_path: Path) -> None:
    rnd, blank = _generic_with_ann(tmp_path)
    typed = fill_return(blank, tmp_path / "typed.docx", known_ratings(ITEMS, LEVELS, 2), name="Ann Archer")
    done = run("round", "ingest", str(rnd), str(typed))
    assert done.returncode == 0, done.stderr
    note = ("the evidence is weaker than that of receipt 1, the version it replaces (probable after confirmed); "
            "missing: sent from ann@example.org, the address on file")
    assert ": Ann Archer: resubmission;" in done.stdout and f"NOTE {note}" in done.stdout, done.stdout
    [ann] = status_json(rnd)["respondents"]
    assert [(h["receipt"], h["verdict"], h["current"]) for h in ann["history"]] == [
        (1, "confirmed", False), (2, "probable", True)]
    assert note in ann["history"][1]["notices"] and not any("weaker" in n for n in ann["history"][0]["notices"])
    assert f"      NOTE {note}" in run("round", "status", str(rnd)).stdout.splitlines()


def test_a_return_as_strong_as_the_current_one_gets_no_weaker_note_and_one_against_is_still_held(
        tmp_path: Path) -> None:
    rnd, blank = _generic_with_ann(tmp_path)
    write_eml(tmp_path / "again.eml", "ann@example.org", in_round(3),
              fill_return(blank, tmp_path / "again.docx", known_ratings(ITEMS, LEVELS, 3), name="Ann Archer"))
    again = run("round", "ingest", str(rnd), str(tmp_path / "again.eml")).stdout
    assert ": Ann Archer: resubmission;" in again and "weaker" not in again, again
    write_eml(tmp_path / "other.eml", "someone@elsewhere.example", in_round(4),
              fill_return(blank, tmp_path / "other.docx", known_ratings(ITEMS, LEVELS, 4), name="Ann Archer"))
    held = run("round", "ingest", str(rnd), str(tmp_path / "other.eml")).stdout
    assert "Ann Archer: HELD, receipt 3" in held and "weaker" not in held, held
    [ann] = status_json(rnd)["respondents"]
    assert [h["receipt"] for h in ann["history"] if h["current"]] == [2]


def test_a_stranger_of_a_listed_persons_name_settled_as_new_is_told_apart_in_the_outputs(tmp_path: Path) -> None:
    rnd, blank = _generic_with_ann(tmp_path)
    write_eml(tmp_path / "stranger.eml", "stranger@elsewhere.example", in_round(3),
              fill_return(blank, tmp_path / "stranger.docx", known_ratings(ITEMS, LEVELS, 5), name="Ann Archer"))
    assert "Ann Archer: HELD, receipt 2" in run("round", "ingest", str(rnd), str(tmp_path / "stranger.eml")).stdout
    assert run("round", "assign", str(rnd), "2", "--new").returncode == 0
    out = tmp_path / "out"
    done = run("round", "report", str(rnd), "-o", str(out))
    assert done.returncode == 0, done.stderr
    merged = json.loads((out / "merged.json").read_text("utf-8"))
    names = [r["name"] for r in merged["respondents"]]
    assert names == ["Ann Archer", "Ann Archer (stranger@elsewhere.example)"], names
    from openpyxl import load_workbook

    cells = {str(c.value) for ws in load_workbook(out / "summary.xlsx") for row in ws.iter_rows() for c in row}
    assert "Ann Archer (stranger@elsewhere.example)" in cells


def test_people_of_one_name_get_distinct_labels_by_address_else_by_number() -> None:
    from docxform.records.round import Person
    from docxform.round.status import distinct_names

    people = [Person(id=1, name="Ann Archer", organisation="", email="ann@example.org"),
              Person(id=2, name="ann  archer", organisation="", email="x@elsewhere.example"),
              Person(id=3, name="Ann Archer", organisation="", email=""),
              Person(id=4, name="Ann Archer", organisation="", email=""),
              Person(id=5, name="Ben Bell", organisation="")]
    assert distinct_names(people) == {1: "Ann Archer", 2: "ann  archer (x@elsewhere.example)",
                                      3: "Ann Archer (2)", 4: "Ann Archer (3)", 5: "Ben Bell"}


def test_undos_are_listed_with_their_numbers_and_an_undo_is_not_undone(rnd: Path, tmp_path: Path) -> None:
    before = report(rnd, tmp_path / "0")
    assert run("round", "withdraw", str(rnd), "1").returncode == 0
    assert run("round", "undo", str(rnd), "1", "--reason", "a slip").returncode == 0
    assert run("round", "agree", str(rnd), ITEMS[0], LEVELS[0]).returncode == 0
    history = _history(rnd)
    assert [line.split(" (")[0] for line in history] == ["  correction 1", "  correction 2", "  correction 3"]
    assert history[0].endswith(" [undone]: receipt 1 withdrawn")
    assert history[1].endswith("): undid correction 1; reason: 'a slip'")
    assert [(c["event"], c["kind"], c["in_effect"]) for c in status_json(rnd)["corrections"]] == [
        (1, "withdraw", False), (2, "undo", True), (3, "agree", True)]
    again = run("round", "undo", str(rnd), "2")
    assert again.returncode == 1 and "correction 2 is itself an undo of correction 1" in again.stderr
    assert "no correction" not in again.stderr
    assert run("round", "undo", str(rnd), "3").returncode == 0
    after = report(rnd, tmp_path / "1")
    assert after == before and json.loads(after["status.json"])["corrections"] == []
