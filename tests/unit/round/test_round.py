"""The survey round through the CLI: 12 people, one never returns, one by e-mail, one corrects.

Nine forms are filled inside LibreOffice through its UNO API, as a person
would (ticking the boxes, typing in the controls; one LibreOffice start for
all), two by script (the e-mailed one, and the person who corrects).

Expected numbers are computed here from the ratings the test filled in, then
compared with what the round says (status JSON, merged.json); nothing is
taken from docxform's own data to check docxform.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections import Counter
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from docxform.framework import load_framework
from tests.support.respondent import fill_many_in_libreoffice
from tests.support.roundkit import fill_return, in_round, known_ratings, run, set_last_saved, status_json, write_eml

pytestmark = pytest.mark.libreoffice  # the cycle's forms are filled inside LibreOffice

FW = load_framework("sa2003")
LEVELS = FW.rating_scale.keys
ITEMS = [i.id for i in FW.items]
ORGS = ["Salford City Council", "Greater Manchester Police", "Salford PCT"]
NAMES = ["Ann Archer", "Ben Bell", "Cara Cole", "Dev Dutta", "Eve Evans", "Fay Ford", "Gus Gray", "Hal Hunt",
         "Ivy Iles", "Jon Jay", "Kim Kerr", "Lee Lowe"]
NEVER = "Lee Lowe"
BY_MAIL = "Ben Bell"
CORRECTS = "Cara Cole"


def person_actions(ratings: dict[str, str], name: str) -> list[dict[str, str]]:
    """What a respondent does in LibreOffice: tick one level per standard, type a comment."""
    names = {lv.key: lv.name for lv in FW.rating_scale.levels}
    actions = [{"op": "tick", "alias": f"{item} {names[level]}"} for item, level in ratings.items()]
    return actions + [{"op": "type", "alias": f"{item} Comments", "text": f"{name} on {item}"} for item in ratings]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("round")
    people = root / "people.csv"
    people.write_text("name,organisation,role,email\n" + "".join(
        f"{n},{ORGS[i % 3]},Member,{n.split()[0].lower()}@example.org\n" for i, n in enumerate(NAMES)), "utf-8")
    rnd = root / "r"
    started = run("round", "start", "sa2003", str(rnd), "--respondents", str(people), "--partnership", "Test CDRP",
                  "--due", "2004-03-31")
    assert started.returncode == 0, started.stderr
    inbox = root / "inbox"
    inbox.mkdir()
    current: dict[str, dict[str, str]] = {}
    in_libreoffice = []
    for n, name in enumerate(NAMES):
        if name == NEVER:
            continue
        form = rnd / "forms" / f"sa2003-{name.lower().replace(' ', '-')}.docx"
        ratings = known_ratings(ITEMS, LEVELS, n)
        current[name] = ratings
        if name == BY_MAIL:
            attached = fill_return(form, root / "ben.docx", ratings)
            ben_sent = in_round(2, 9, 30)
            write_eml(inbox / "message.eml", "ben@example.org", ben_sent, attached)
        elif name == CORRECTS:
            first = fill_return(form, inbox / "Cara Cole.docx", ratings)
            set_last_saved(first, "2004-03-01T10:00:00Z")
            corrected = dict(ratings, **{"1.1": "doing_well" if ratings["1.1"] != "doing_well" else "gap_identified",
                                         "2.1": "working_towards" if ratings["2.1"] != "working_towards"
                                         else "some_success"})
            second = fill_return(form, inbox / "Cara Cole (corrected).docx", corrected)
            set_last_saved(second, "2004-03-05T16:00:00Z")
            current[name] = corrected
        else:
            in_libreoffice.append((form, inbox / f"{name}.docx", person_actions(ratings, name), "docx"))
    assert len(in_libreoffice) == 9
    fill_many_in_libreoffice(in_libreoffice)
    ingested = run("round", "ingest", str(rnd), str(inbox))
    return {"root": root, "round": rnd, "inbox": inbox, "current": current, "ingest": ingested,
            "ben_sent": ben_sent.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "first_ratings": known_ratings(ITEMS, LEVELS, NAMES.index(CORRECTS))}


def test_ingest_says_one_line_per_file(cycle: dict[str, Any]) -> None:
    done = cycle["ingest"]
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 12  # 9 returns, a first version and its correction, one e-mail
    assert sum(": new;" in line for line in lines) == 11
    # the correction's name sorts first, so it is received first; the first version, saved earlier, is not current
    assert [line.split(";")[0] for line in lines if "Cara Cole" in line] == [
        f"{cycle['inbox'] / 'Cara Cole (corrected).docx'}: Cara Cole: new",
        f"{cycle['inbox'] / 'Cara Cole.docx'}: Cara Cole: an earlier version (kept, the one received before is "
        "later and stays current)"]
    assert any("message.eml (ben.docx): Ben Bell: new" in line for line in lines)


def test_status_lists_exactly_the_outstanding_person(cycle: dict[str, Any]) -> None:
    state = status_json(cycle["round"])
    outstanding = [r["name"] for r in state["respondents"] if r["state"] == "outstanding"]
    assert outstanding == [NEVER]
    assert state["counts"]["invited"] == 12 and state["counts"]["returned"] == 11
    chase = cycle["root"] / "chase.csv"
    assert run("round", "status", str(cycle["round"]), "--chase", str(chase)).returncode == 0
    assert chase.read_text("utf-8").splitlines() == [
        "name,email,organisation,role,form", f"{NEVER},lee@example.org,{ORGS[11 % 3]},Member,sa2003-lee-lowe.docx"]
    ben = next(r for r in state["respondents"] if r["name"] == BY_MAIL)
    assert ben["history"][0]["when"] == cycle["ben_sent"]  # the e-mail's Date
    assert ben["history"][0]["when_from"] == "e-mail Date" and ben["history"][0]["verdict"] == "confirmed"
    [draft] = sorted((cycle["root"] / "chase-drafts").iterdir())
    msg = message_from_bytes(draft.read_bytes(), policy=default)
    assert msg["X-Unsent"] == "1" and msg["To"].addresses[0].addr_spec == "lee@example.org"
    [form] = [p for p in msg.iter_attachments()]
    assert form.get_filename() == "sa2003-lee-lowe.docx"
    assert form.get_content() == (cycle["round"] / "forms" / "sa2003-lee-lowe.docx").read_bytes()


def test_the_correction_replaced_the_first_version(cycle: dict[str, Any]) -> None:
    state = status_json(cycle["round"])
    cara = next(r for r in state["respondents"] if r["name"] == CORRECTS)
    assert cara["state"] == "resubmitted" and cara["versions"] == 2
    assert [v["file"] for v in cara["history"]] == ["Cara Cole.docx", "Cara Cole (corrected).docx"]
    assert [v["current"] for v in cara["history"]] == [False, True]
    first, now = cycle["first_ratings"], cycle["current"][CORRECTS]
    expected = [{"item": i, "field": "rating", "before": first[i], "after": now[i]} for i in ITEMS if first[i] != now[i]]
    assert cara["history"][1]["changes"] == expected
    assert len(expected) == 2
    text = run("round", "status", str(cycle["round"])).stdout
    assert f"changed 1.1 rating: {first['1.1']} -> {now['1.1']}" in text


def test_merged_counts_equal_the_known_ratings(cycle: dict[str, Any]) -> None:
    out = cycle["root"] / "report1"
    done = run("round", "report", str(cycle["round"]), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "11 of 12 returned" in done.stdout
    import json

    merged = json.loads((out / "merged.json").read_text("utf-8"))
    assert sorted(r["name"] for r in merged["respondents"]) == sorted(cycle["current"])
    for item in ITEMS:
        counts = Counter(r[item] for r in cycle["current"].values())
        assert merged["items"][item]["counts"] == {lv: counts.get(lv, 0) for lv in LEVELS}, item
    orgs = {r["name"]: r["organisation"] for r in merged["respondents"]}
    assert orgs[BY_MAIL] == ORGS[NAMES.index(BY_MAIL) % 3]
    assert "11 of 12 returned; outstanding: Lee Lowe" in (out / "report.html").read_text("utf-8")
    for name in ("summary.xlsx", "consolidated.docx", "plan.xlsx"):
        assert (out / name).is_file()


def test_ingesting_again_changes_nothing(cycle: dict[str, Any]) -> None:
    before = status_json(cycle["round"])
    db = cycle["round"] / "round.sqlite"
    again = run("round", "ingest", str(cycle["round"]), str(cycle["inbox"]))
    assert again.returncode == 0, again.stderr
    assert all("same as before" in line for line in again.stdout.splitlines())
    assert status_json(cycle["round"]) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM receipt").fetchone()[0] == 12
        assert conn.execute("SELECT COUNT(*) FROM version").fetchone()[0] == 12
        # LibreOffice stamps its saves (9 returns), the test stamped Cara's two; Ben's script-filled copy has none
        assert conn.execute("SELECT COUNT(*) FROM receipt WHERE saved_at IS NOT NULL").fetchone()[0] == 11


def test_emptying_the_inbox_and_reporting_again_gives_the_same_outputs(cycle: dict[str, Any]) -> None:
    first = cycle["root"] / "report-a"
    assert run("round", "report", str(cycle["round"]), "-o", str(first)).returncode == 0
    shutil.rmtree(cycle["inbox"])
    second = cycle["root"] / "report-b"
    assert run("round", "report", str(cycle["round"]), "-o", str(second)).returncode == 0
    for name in ("merged.json", "report.html", "status.json", "summary.xlsx", "plan.xlsx", "consolidated.docx"):
        assert _digest(first / name) == _digest(second / name), name
    cycle["inbox"].mkdir()  # later tests in this module may look at it


def test_generated_outputs_pass_the_ooxml_check(cycle: dict[str, Any], ooxml_check: Any) -> None:
    out = cycle["root"] / "report-check"
    assert run("round", "report", str(cycle["round"]), "-o", str(out)).returncode == 0
    assert ooxml_check(out / "summary.xlsx", out / "consolidated.docx", out / "plan.xlsx") == ""


def test_status_json_follows_its_schema(cycle: dict[str, Any]) -> None:
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("docxform.schemas").joinpath("round-status.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    state = status_json(cycle["round"])
    jsonschema.validate(state, schema)
    broken = dict(state, respondents=[dict(state["respondents"][0], state="lost")])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_organisations_flow_from_the_list_to_the_forms_the_parsed_data_and_the_summary(cycle: dict[str, Any]) -> None:
    import openpyxl

    from docxform.parse import parse_form

    parsed = parse_form(cycle["round"] / "forms" / "sa2003-ann-archer.docx").to_dict()
    assert (parsed["organisation"], parsed["role"]) == (ORGS[0], "Member")
    out = cycle["root"] / "report1"
    if not (out / "summary.xlsx").exists():
        assert run("round", "report", str(cycle["round"]), "-o", str(out)).returncode == 0
    sheet = openpyxl.load_workbook(out / "summary.xlsx", read_only=True)["By organisation"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][2:-1] == ORGS
    names = {lv.key: lv.name for lv in FW.rating_scale.levels}
    for row in rows[1:]:
        item = row[0]
        for col, org in enumerate(ORGS, 2):
            ratings = sorted((r[item] for n, r in cycle["current"].items() if ORGS[NAMES.index(n) % 3] == org),
                             key=LEVELS.index)
            assert row[col] == f"{names[ratings[(len(ratings) - 1) // 2]]} ({len(ratings)} of {len(ratings)})", item
