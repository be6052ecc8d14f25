"""The console's pages and its security, through Flask's test client (the real app, no browser).

Each page is checked against what the CLI says for the same round: the lines
of ``round ingest``, the status, the report's files byte for byte.
"""

from __future__ import annotations

import email
import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from docxform import api
from docxform.framework import load_framework
from tests.support.console import ConsoleClient
from tests.support.roundkit import fill_return, known_ratings, run

SAMPLES = Path(__file__).parents[3] / "samples"
PEOPLE = SAMPLES / "people.csv"
RETURNS = sorted((SAMPLES / "returns").glob("*.docx"))


@pytest.fixture
def rounds(tmp_path: Path) -> Path:
    """A folder holding one round, ``r1``: the samples' eight people, nothing received yet."""
    api.round_start("sa2003", tmp_path / "rounds" / "r1", respondents=PEOPLE, partnership="Salford CDRP",
                    due="2004-03-31")
    return tmp_path / "rounds"


@pytest.fixture
def con(rounds: Path) -> Iterator[ConsoleClient]:
    client = ConsoleClient(rounds)
    yield client
    client.close()


# --- security


def test_without_the_token_every_page_is_refused(rounds: Path) -> None:
    client = ConsoleClient(rounds, sign_in=False)
    for path in ("/", "/r/r1/", "/r/r1/returns", "/static/console.js", "/r/r1/report/files/summary.xlsx"):
        done = client.get(path)
        assert done.status_code == 403, path
        assert b"Salford" not in done.data
    assert client.get("/?token=not-the-token").status_code == 403
    client.close()


def test_the_token_sets_a_strict_cookie_and_leaves_the_address(rounds: Path) -> None:
    client = ConsoleClient(rounds, sign_in=False)
    done = client.get(f"/r/r1/?token={client.guard.token}")
    assert done.status_code == 302 and done.headers["Location"] == "/r/r1/"
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/r/r1/").status_code == 200
    client.close()


def test_a_wrong_host_header_is_refused_even_signed_in(con: ConsoleClient) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 sends its own Host."""
    assert con.get("/r/r1/").status_code == 200
    for host in ("evil.example:8765", "127.0.0.1:9999", "127.0.0.1", "localhost.evil.example:8765"):
        assert con.get("/r/r1/", Host=host).status_code == 400, host


def test_a_post_without_the_csrf_token_does_nothing(con: ConsoleClient, rounds: Path) -> None:
    assert con.post("/r/r1/report", csrf=False).status_code == 400
    assert con.post("/r/r1/report", {"csrf": "guessed"}, csrf=False).status_code == 400
    assert not (rounds / "r1" / "report").exists()
    done = con.client.post("/r/r1/upload", data=b"x", headers={"Host": "127.0.0.1:8765", "X-File-Name": "a.docx"})
    assert done.status_code == 400
    assert list(con.staging.folder.iterdir()) == []


def test_a_post_from_another_site_is_refused_even_with_the_token(con: ConsoleClient, rounds: Path) -> None:
    done = con.post("/r/r1/report", headers={"Origin": "http://evil.example"})
    assert done.status_code == 400 and not (rounds / "r1" / "report").exists()


def test_every_response_forbids_inline_script_and_other_sites(con: ConsoleClient) -> None:
    for path in ("/", "/r/r1/", "/r/r1/returns", "/static/console.js"):
        policy = con.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "default-src 'none'" in policy
    page = con.get("/r/r1/returns").get_data(as_text=True)
    assert "<script>" not in page and " on" + "click=" not in page  # the one script is a file of its own


def test_an_upload_over_the_cap_is_refused_and_nothing_is_kept(rounds: Path) -> None:
    client = ConsoleClient(rounds, cap=1000)
    done = client.upload("r1", "big.docx", b"x" * 1001)
    assert done.status_code == 413 and "refused" in done.get_json()["text"]
    assert list(client.staging.folder.iterdir()) == []
    form = client.post("/r/r1/returns", {"files": (io.BytesIO(b"y" * 5000), "big.docx")},
                       content_type="multipart/form-data")
    assert form.status_code == 200 and "big.docx: refused" in form.get_data(as_text=True)
    whole = client.post("/r/r1/returns", {"files": (io.BytesIO(b"y" * (2 * 1024 * 1024)), "bigger.docx")},
                        content_type="multipart/form-data")
    assert whole.status_code == 413 and "larger than the console takes" in whole.get_data(as_text=True)
    assert not (rounds / "r1" / "received").exists()
    assert list(client.staging.folder.iterdir()) == []
    client.close()


def test_a_streamed_upload_without_a_length_stops_at_the_cap(tmp_path: Path) -> None:
    from docxform.serve.uploads import Staging, TooLarge

    staging = Staging(cap=100)
    with pytest.raises(TooLarge):
        staging.receive(io.BytesIO(b"z" * 101), "a.docx")
    assert list(staging.folder.iterdir()) == []
    staging.close()


def test_a_file_name_with_dot_dot_goes_nowhere(con: ConsoleClient, rounds: Path, tmp_path: Path) -> None:
    before = set(tmp_path.rglob("*"))
    done = con.upload("r1", "../../../../evil.docx", RETURNS[0].read_bytes())
    assert done.status_code == 200 and done.get_json()["name"] == "evil.docx"
    [line] = con.process("r1", [done.get_json()["id"]])
    assert line["text"].startswith("evil.docx: Brian Wroe: new")
    new = set(tmp_path.rglob("*")) - before
    assert not any(p.name.startswith("evil") for p in new)
    [received] = (rounds / "r1" / "received").iterdir()
    assert re.fullmatch(r"[0-9a-f]{64}\.docx", received.name)
    for bad in ("/r/r1/report/files/..%2Fround.sqlite", "/r/r1/report/files/../round.sqlite", "/r/..%2Fr1/",
                "/r/r1/people/999", "/r/nosuch/"):
        assert con.get(bad).status_code == 404, bad


def test_a_return_holding_markup_and_script_is_shown_as_text(tmp_path: Path) -> None:
    """A generic form: the person's name and every answer come from what they typed."""
    api.round_start("sa2003", tmp_path / "rounds" / "g")
    [blank] = sorted((tmp_path / "rounds" / "g" / "forms").glob("*.docx"))
    fw = load_framework("sa2003")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    ret = fill_return(blank, tmp_path / "hostile.docx", {fw.items[0].id: fw.rating_scale.levels[0].key},
                      name=f"Eve {hostile}", comment=hostile)
    client = ConsoleClient(tmp_path / "rounds")
    [line] = client.drop("g", [ret])
    assert hostile in line["text"]  # the line is JSON text; the page's script shows it with textContent
    pid = api.round_status(tmp_path / "rounds" / "g").respondents[0].id
    for path in ("/r/g/", f"/r/g/people/{pid}", "/r/g/problems", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, path
    assert "Eve &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get("/r/g/").get_data(as_text=True)
    client.close()


def test_a_name_typed_with_an_override_or_a_c1_control_is_shown_escaped_on_the_pages(tmp_path: Path) -> None:
    """As in the report page (docxform.io.safety.shown): a right-to-left override would reverse what follows it."""
    api.round_start("sa2003", tmp_path / "rounds" / "g")
    [blank] = sorted((tmp_path / "rounds" / "g" / "forms").glob("*.docx"))
    fw = load_framework("sa2003")
    ret = fill_return(blank, tmp_path / "rlo.docx", {fw.items[0].id: fw.rating_scale.levels[0].key},
                      name="Eve \u202eevil \x9b31m", comment="fine\u202e")
    client = ConsoleClient(tmp_path / "rounds")
    client.drop("g", [ret])
    pid = api.round_status(tmp_path / "rounds" / "g").respondents[0].id
    for path in ("/r/g/", f"/r/g/people/{pid}", "/r/g/problems"):
        page = client.get(path).get_data(as_text=True)
        assert "\u202e" not in page and "\x9b" not in page, path
    assert "Eve \\u202eevil \\x9b31m" in client.get("/r/g/").get_data(as_text=True)
    client.close()


def test_with_a_password_the_token_is_not_enough(rounds: Path) -> None:
    client = ConsoleClient(rounds, password="correct horse", sign_in=False)
    assert client.get(f"/?token={client.guard.token}").status_code == 302
    assert client.get("/r/r1/").headers["Location"] == "/login"
    assert client.post("/login", {"password": "wrong"}).status_code == 403
    done = client.post("/login", {"password": "correct horse"})
    assert done.status_code == 302
    assert client.get("/r/r1/").status_code == 200
    client.close()


def test_listening_beyond_this_machine_needs_a_password(rounds: Path) -> None:
    from docxform.core.errors import DocxformError
    from docxform.serve import start_server

    with pytest.raises(DocxformError, match="give a --password"):
        start_server(rounds, host="192.0.2.1")
    with pytest.raises(DocxformError, match="every address"):
        start_server(rounds, host="0.0.0.0", password="x")
    done = run("round", "serve", str(rounds / "r1"), "--host", "192.0.2.1", "--port", "0")
    assert done.returncode == 1 and "give a --password" in done.stderr and "Traceback" not in done.stderr
    done = run("round", "serve", str(rounds), "--port", "0")
    assert done.returncode == 1 and "not a survey round" in done.stderr


# --- the pages against the CLI


def test_dropped_returns_give_the_cli_s_lines_and_store(con: ConsoleClient, rounds: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(rounds / "r1", twin)
    files = [*RETURNS, RETURNS[0]]  # the last is the same bytes again: "same as before"
    lines = con.drop("r1", files)
    cli = run("round", "ingest", str(twin), *map(str, files))
    assert cli.returncode == 0, cli.stderr
    expected = [line.replace(str(SAMPLES / "returns") + "/", "") for line in cli.stdout.splitlines()]
    assert [line["text"] for line in lines] == expected
    assert [line["outcome"] for line in lines] == ["new"] * len(RETURNS) + ["same as before"]
    web, term = api.round_status(rounds / "r1").to_dict(), api.round_status(twin).to_dict()
    assert _without_clock(web) == _without_clock(term)
    assert sorted(p.name for p in (rounds / "r1" / "received").iterdir()) == \
        sorted(p.name for p in (twin / "received").iterdir())
    assert list(con.staging.folder.iterdir()) == []  # the staged copies are gone once received


def _without_clock(data: object) -> object:
    """The status with the times of receipt (ingest's clock, to the microsecond) replaced by a word."""
    if isinstance(data, dict):
        return {k: _without_clock(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_clock(v) for v in data]
    if isinstance(data, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", data):
        return "(the time received)"
    return data


def test_the_returns_page_works_without_its_script(con: ConsoleClient, rounds: Path) -> None:
    files = [(io.BytesIO(p.read_bytes()), p.name) for p in RETURNS[:2]]
    done = con.post("/r/r1/returns", {"files": files}, content_type="multipart/form-data")
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert f"{RETURNS[0].name}: Brian Wroe: new" in page and f"{RETURNS[1].name}: Chris Wells: new" in page
    assert "2 of 8 returned" in con.get("/r/r1/").get_data(as_text=True)


def test_status_page_shows_the_cli_s_states(con: ConsoleClient, rounds: Path) -> None:
    con.drop("r1", RETURNS[:3])
    page = con.get("/r/r1/").get_data(as_text=True)
    state = api.round_status(rounds / "r1", today="2026-01-01")
    assert "3 of 8 returned" in page and state.returned_line() == "3 of 8 returned"
    for r in state.respondents:
        shown = "overdue" if state.is_overdue(r) else r.state
        assert re.search(rf'>{re.escape(r.name)}</a>.*?state-{shown}">{shown}<', page, re.S), r.name
    assert page.count("state-overdue") == 5 and "<b>5</b> overdue" in page


def test_a_person_page_shows_versions_and_what_changed(con: ConsoleClient, rounds: Path, tmp_path: Path) -> None:
    fw = load_framework("sa2003")
    items, levels = [i.id for i in fw.items], tuple(lv.key for lv in fw.rating_scale.levels)
    form = rounds / "r1" / "forms" / api.round_status(rounds / "r1").respondents[0].form  # type: ignore[operator]
    first = fill_return(form, tmp_path / "v1.docx", known_ratings(items, levels, 1), comment="first view")
    second = fill_return(form, tmp_path / "v2.docx", known_ratings(items, levels, 1), comment="second view")
    lines = con.drop("r1", [first, second])
    assert [line["outcome"] for line in lines] == ["new", "resubmission"]
    row = api.round_status(rounds / "r1").respondents[0]
    page = con.get(f"/r/r1/people/{row.id}").get_data(as_text=True)
    assert "v1.docx" in page and "v2.docx" in page and "What changed from the version before" in page
    change = row.history[1].changes[0]
    assert change["before"] == "first view" and "first view" in page and "second view" in page


def test_the_report_equals_the_cli_s_byte_for_byte(con: ConsoleClient, rounds: Path, tmp_path: Path) -> None:
    con.drop("r1", RETURNS)
    assert con.post("/r/r1/report").status_code == 302
    cli = run("round", "report", str(rounds / "r1"), "-o", str(tmp_path / "cli-report"))
    assert cli.returncode == 0, cli.stderr
    page = con.get("/r/r1/report").get_data(as_text=True)
    keys = re.findall(r'href="/r/r1/report/files/([^"]+)"', page)
    assert sorted(keys) == sorted(["summary.xlsx", "consolidated.docx", "plan.xlsx", "report.html", "merged.json",
                                   "status.json"])
    for key in keys:
        done = con.get(f"/r/r1/report/files/{key}")
        assert done.status_code == 200 and done.data == (tmp_path / "cli-report" / key).read_bytes(), key
    framed = con.get("/r/r1/report/page")
    assert framed.data == (tmp_path / "cli-report" / "report.html").read_bytes()
    assert "sandbox" in framed.headers["Content-Security-Policy"] and "script" not in \
        framed.headers["Content-Security-Policy"]
    assert "8 of 8 returned" in framed.get_data(as_text=True)


def test_problems_and_the_feedback_copy(con: ConsoleClient, rounds: Path, tmp_path: Path) -> None:
    con.drop("r1", RETURNS)
    found = api.round_problems(rounds / "r1")
    with_copy = [p for p in found if p.can_feedback]
    assert with_copy, "the samples have returns with vague or missing evidence on purpose"
    page = con.get("/r/r1/problems").get_data(as_text=True)
    for p in with_copy:
        assert f"/r/r1/problems/{p.person.id}/feedback.docx" in page
        for problem in p.problems:
            assert problem.message.replace("'", "&#39;").replace('"', "&#34;") in page
    con.post("/r/r1/report")
    first = with_copy[0]
    done = con.get(f"/r/r1/problems/{first.person.id}/feedback.docx")
    written = sorted((rounds / "r1" / "report" / "feedback").glob(f"*-{first.person.id}.docx"))
    assert done.status_code == 200 and len(written) == 1 and done.data == written[0].read_bytes()
    without = [p for p in found if not p.can_feedback]
    for p in without:
        assert con.get(f"/r/r1/problems/{p.person.id}/feedback.docx").status_code == 404


def test_forms_zip_and_email_drafts(con: ConsoleClient, rounds: Path) -> None:
    state = api.round_status(rounds / "r1")
    done = con.get("/r/r1/forms.zip")
    with zipfile.ZipFile(io.BytesIO(done.data)) as z:
        assert sorted(z.namelist()) == sorted(r.form for r in state.respondents if r.form)
        first = state.respondents[0]
        assert z.read(first.form) == (rounds / "r1" / "forms" / first.form).read_bytes()  # type: ignore[operator]
    one = con.get(f"/r/r1/forms/{first.id}.docx")
    assert one.data == (rounds / "r1" / "forms" / first.form).read_bytes()  # type: ignore[operator]
    draft = email.message_from_bytes(con.get(f"/r/r1/drafts/{first.id}.eml").data)
    assert draft["X-Unsent"] == "1" and first.email in draft["To"] and "2004-03-31" in draft.get_payload()[0].get_payload()
    [attached] = [part for part in draft.walk() if part.get_filename()]
    assert attached.get_filename() == first.form and attached.get_payload(decode=True) == one.data
    with zipfile.ZipFile(io.BytesIO(con.get("/r/r1/drafts.zip").data)) as z:
        assert len(z.namelist()) == 8


def test_start_a_round_with_people_typed(con: ConsoleClient, rounds: Path) -> None:
    people = "Jane Smith, Salford City Council, Manager, jane@example.org\nBob Jones, GMP, Inspector, bob@example.org\n"
    done = con.post("/new", {"framework": "sa2003", "partnership": "Anytown CDRP", "due": "2030-01-31",
                             "people": people}, content_type="multipart/form-data")
    assert done.status_code == 302
    [new] = [p for p in rounds.iterdir() if p.name != "r1"]
    assert re.fullmatch(r"sa2003-\d{4}-\d{2}-\d{2}", new.name) and done.headers["Location"] == f"/r/{new.name}/forms"
    state = api.round_status(new)
    assert [(r.name, r.organisation, r.email) for r in state.respondents] == [
        ("Jane Smith", "Salford City Council", "jane@example.org"), ("Bob Jones", "GMP", "bob@example.org")]
    assert state.info.partnership == "Anytown CDRP" and state.info.due == "2030-01-31"
    assert "Round started" in con.get(done.headers["Location"]).get_data(as_text=True)


def test_start_a_round_with_the_csv_uploaded_and_a_bad_date(con: ConsoleClient, rounds: Path) -> None:
    bad = con.post("/new", {"framework": "sa2003", "due": "31/01/2030",
                            "respondents": (io.BytesIO(PEOPLE.read_bytes()), "people.csv")},
                   content_type="multipart/form-data")
    assert bad.status_code == 400 and "is not a date" in bad.get_data(as_text=True)
    assert sorted(p.name for p in rounds.iterdir()) == ["r1"]
    good = con.post("/new", {"framework": "sa2003", "respondents": (io.BytesIO(PEOPLE.read_bytes()), "../people.csv")},
                    content_type="multipart/form-data")
    assert good.status_code == 302
    [new] = [p for p in rounds.iterdir() if p.name != "r1"]
    assert len(api.round_status(new).respondents) == 8
    assert con.post("/new", {"framework": "../../etc"}, content_type="multipart/form-data").status_code == 400


def test_the_start_page_lists_the_frameworks_with_their_counts(con: ConsoleClient) -> None:
    page = con.get("/new").get_data(as_text=True)
    for f in api.frameworks():
        assert f'<option value="{f["id"]}"' in page and f'({f["id"]}, {f["items"]} {f["item_name"]}s)' in page


def test_one_round_console_lists_no_other_and_starts_none(rounds: Path) -> None:
    client = ConsoleClient(rounds / "r1", only=True)
    assert client.get("/").headers["Location"] == "/r/r1/"
    assert client.get("/new").status_code == 404
    client.close()


def test_a_held_return_settled_and_a_level_agreed_on_the_pages(con: ConsoleClient, rounds: Path,
                                                               tmp_path: Path) -> None:
    """What ``round assign`` and ``round agree`` do, from the pages (the identity issue's library functions)."""
    fw = load_framework("sa2003")
    items, levels = [i.id for i in fw.items], [lv.key for lv in fw.rating_scale.levels]
    form = rounds / "r1" / "forms" / "sa2003-jane-smith.docx"
    other = fill_return(form, tmp_path / "colin.docx", known_ratings(items, tuple(levels), 3), name="Colin Cross",
                        organisation="Fire and Rescue")
    [line] = con.drop("r1", [other])
    assert line["outcome"] == "held", line
    state = api.round_status(rounds / "r1")
    [held] = state.held
    page = con.get("/r/r1/").get_data(as_text=True)
    assert f'name="receipt" value="{held["receipt"]}"' in page and "Colin Cross" in page
    done = con.post("/r/r1/assign", {"receipt": str(held["receipt"]), "to": "new respondent",
                                     "reason": "Colin filled in Jane's form"})
    assert done.status_code == 302
    after = api.round_status(rounds / "r1")
    assert after.held == [] and [r.name for r in after.respondents if r.state == "returned"] == ["Colin Cross"]
    assert con.post("/r/r1/assign", {"receipt": "1", "to": "Nobody Of That Name"}).status_code == 400
    [event] = after.events
    page = con.get("/r/r1/").get_data(as_text=True)
    assert f'name="event" value="{event["event"]}"' in page and "Colin filled in Jane&#39;s form" in page
    assert con.post("/r/r1/undo", {"event": str(event["event"]), "reason": "a mistake"}).status_code == 302
    undone = api.round_status(rounds / "r1")
    assert len(undone.held) == 1 and "Colin Cross" not in [r.name for r in undone.respondents if r.state == "returned"]
    undo = undone.events[-1]  # listed, numbered like the rest, with no Undo button of its own
    page = con.get("/r/r1/").get_data(as_text=True)
    assert undo["kind"] == "undo" and f"undid correction {event['event']}" in page
    assert f'name="event" value="{undo["event"]}"' not in page and "(an undo)" in page
    note = "Agreed <b>at</b> the steering group"
    done = con.post("/r/r1/agree", {"item": items[0], "level": levels[-1], "note": note})
    assert done.status_code == 302
    decided = api.round_status(rounds / "r1").decisions[items[0]]
    assert (decided.level, decided.note) == (levels[-1], note)
    page = con.get("/r/r1/report").get_data(as_text=True)
    assert "Agreed &lt;b&gt;at&lt;/b&gt; the steering group" in page and "<b>at</b>" not in page


def test_round_serve_prints_its_address_answers_and_stops_on_ctrl_c(rounds: Path) -> None:
    """The real command in its own process: the address printed works once, the token then leaves it."""
    import os
    import signal
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])}
    proc = subprocess.Popen([sys.executable, "-m", "docxform", "round", "serve", str(rounds / "r1"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.search(r"open (http://127\.0\.0\.1:(\d+)/\?token=\S+)", first)
        assert found, first
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{found.group(2)}/r/r1/", timeout=30)
        assert refused.value.code == 403
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(found.group(1), timeout=30) as page:
            assert page.url.endswith("/r/r1/") and "0 of 8 returned" in page.read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err


def test_the_console_uses_the_library_only_through_the_api() -> None:
    """A face like the CLI: docxform.api (and the records and one-line errors below it), nothing else of docxform."""
    import ast

    import docxform.serve

    allowed = ("docxform.api", "docxform.records", "docxform.core.errors", "docxform.serve")
    for path in Path(docxform.serve.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "docxform":
                names = [f"docxform.{a.name}" for a in node.names]  # from docxform import api
            else:
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                if name.startswith("docxform"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"


def test_e_mails_dropped_eml_and_msg_give_the_cli_s_lines(con: ConsoleClient, rounds: Path, tmp_path: Path) -> None:
    """An .eml and an Outlook .msg each carrying a return: the attachment is the return, the sender kept."""
    from datetime import UTC, datetime, timedelta

    from tests.support.msgwriter import write_msg
    from tests.support.roundkit import write_eml

    when = datetime.now(UTC) - timedelta(minutes=5)
    mail = tmp_path / "mail"
    mail.mkdir()
    files = [write_eml(mail / "from brian.eml", "brian.wroe@example.org", when, RETURNS[0]),
             write_msg(mail / "from chris.msg", "chris.wells@example.org", when, RETURNS[1])]
    twin = tmp_path / "twin"
    shutil.copytree(rounds / "r1", twin)
    lines = con.drop("r1", files)
    cli = run("round", "ingest", str(twin), *map(str, files))
    assert cli.returncode == 0, cli.stderr
    assert [line["text"] for line in lines] == [t.replace(f"{mail}/", "") for t in cli.stdout.splitlines()]
    assert lines[0]["text"].startswith(f"from brian.eml ({RETURNS[0].name}): Brian Wroe: new")
    assert lines[1]["text"].startswith(f"from chris.msg ({RETURNS[1].name}): Chris Wells: new")
    assert _without_clock(api.round_status(rounds / "r1").to_dict()) == _without_clock(api.round_status(twin).to_dict())
