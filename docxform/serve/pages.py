"""The console's pages: each a thin layer over the library function the CLI calls (docxform.api).

Start a round, its forms and e-mail drafts; returns dropped on the page (the
lines ``round ingest`` prints, as each file is done); who has returned; each
respondent's problems and feedback copy; the report. Every name in a URL is
looked up among the round's own (folder names, person ids, a fixed list of
report files), never joined to a path. jinja2 escapes every respondent's text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import queue
import secrets
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from docxform import api
from docxform.core.errors import DocxformError
from docxform.serve.context import console
from docxform.serve.uploads import Staged, Staging, TooLarge, display_name

pages = Blueprint("pages", __name__, static_folder="static", template_folder="templates")

#: The report's files offered for download: key in the URL -> (file in the report folder, what it is).
REPORT_FILES = {
    "summary.xlsx": "Summary workbook",
    "consolidated.docx": "Consolidated form (for the meeting)",
    "plan.xlsx": "Draft improvement plan",
    "report.html": "HTML report",
    "merged.json": "Merged dataset (JSON)",
    "status.json": "Round status (JSON)",
}
MAX_BATCH = 10_000
NEW = "new respondent"  # the held-return form's choice of a new respondent (never a person's name: it has a space
#                        and no person is called so in a listing; checked against the names anyway)
_DONE = object()


def _today() -> str:
    return dt.date.today().isoformat()


@pages.app_context_processor
def _globals() -> dict[str, Any]:
    con = console()
    return {"csrf": con.guard.csrf, "single": con.only is not None}


# --- the rounds in the folder, and starting one


@pages.get("/")
def index() -> BaseResponse | str:
    con = console()
    if con.only is not None:
        return redirect(url_for("pages.status", rid=con.only.name))
    rounds = []
    for rid, folder in con.rounds().items():
        try:
            rounds.append({"rid": rid, "state": api.round_status(folder, today=_today()), "error": ""})
        except DocxformError as exc:
            rounds.append({"rid": rid, "state": None, "error": exc.describe()})
    return render_template("index.html.j2", rounds=rounds, folder=str(con.folder))


@pages.route("/new", methods=["GET", "POST"])
def new_round() -> BaseResponse | tuple[str, int] | str:
    if console().only is not None:
        abort(404)
    frameworks = api.frameworks()
    if request.method == "GET":
        return render_template("start.html.j2", frameworks=frameworks, values={}, error="")
    values = {k: request.form.get(k, "") for k in ("framework", "partnership", "due", "people")}
    try:
        folder = _start(values, [f["id"] for f in frameworks])
    except DocxformError as exc:
        return render_template("start.html.j2", frameworks=frameworks, values=values, error=_said(exc)), 400
    flash(f"Round started in {folder.name}: the forms are ready to send.")
    return redirect(url_for("pages.forms", rid=folder.name))


def _said(exc: DocxformError) -> str:
    """An error in words for the page: the cause and hint, never the server's own file names."""
    return f"{exc.cause} ({exc.hint})" if exc.hint else exc.cause


def _start(values: dict[str, str], known: list[str]) -> Path:
    """Start the round in a new folder the server names (``FRAMEWORK-DATE``, then ``-2``...)."""
    con = console()
    if values["framework"] not in known:
        raise DocxformError(None, "choose one of the frameworks listed")
    respondents = _respondents_file(values["people"])
    target = _new_folder(con.folder, values["framework"])
    try:
        api.round_start(values["framework"], target, respondents=respondents, partnership=values["partnership"].strip(),
                        due=values["due"].strip() or None)
    except DocxformError:
        if target.exists() and not any(target.iterdir()):
            target.rmdir()
        raise
    finally:
        if respondents is not None:
            respondents.unlink(missing_ok=True)
    return target


def _respondents_file(typed: str) -> Path | None:
    """The respondents list: the CSV uploaded, else the people typed (one a line), else None (a generic form)."""
    upload = request.files.get("respondents")
    staging = console().staging
    if upload is not None and upload.filename:
        try:
            staged = staging.receive(upload.stream, "respondents.csv")
        except TooLarge:
            raise DocxformError(None, "the respondents list is too large") from None
        staging.take([staged.id])
        return staged.path
    rows = [row for row in csv.reader(io.StringIO(typed)) if any(c.strip() for c in row)]
    if not rows:
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "organisation", "role", "email"])
    writer.writerows([c.strip() for c in [*row, "", "", "", ""][:4]] for row in rows)
    staged = staging.receive(io.BytesIO(out.getvalue().encode("utf-8")), "people.csv")
    staging.take([staged.id])
    return staged.path


def _new_folder(parent: Path, framework: str) -> Path:
    base = f"{framework}-{_today()}"
    for n in range(1, 1000):
        target = parent / (base if n == 1 else f"{base}-{n}")
        if not target.exists():
            return target
    raise DocxformError(None, "too many rounds started today in this folder")


# --- one round: who has returned


@pages.get("/r/<rid>/")
def status(rid: str) -> str:
    folder = console().round(rid)
    state = api.round_status(folder, today=_today())
    return render_template("status.html.j2", rid=rid, state=state, page="status")


@pages.get("/r/<rid>/people/<int:pid>")
def person(rid: str, pid: int) -> str:
    folder = console().round(rid)
    state = api.round_status(folder, today=_today())
    row = next((r for r in state.respondents if r.id == pid), None)
    if row is None:
        abort(404)
    return render_template("person.html.j2", rid=rid, state=state, row=row, page="status")


# --- the forms to send


@pages.get("/r/<rid>/forms")
def forms(rid: str) -> str:
    folder = console().round(rid)
    state = api.round_status(folder, today=_today())
    people = [r for r in state.respondents if r.issued and r.form]
    return render_template("forms.html.j2", rid=rid, state=state, people=people, page="forms")


def _form_path(folder: Path, pid: int) -> Path:
    state = api.round_status(folder)
    row = next((r for r in state.respondents if r.id == pid and r.form), None)
    if row is None or row.form is None:
        abort(404)
    return folder / "forms" / Path(row.form).name  # the name the store holds, made by round start


@pages.get("/r/<rid>/forms/<int:pid>.docx")
def form_file(rid: str, pid: int) -> BaseResponse:
    path = _form_path(console().round(rid), pid)
    return send_file(path, as_attachment=True, download_name=path.name)


@pages.get("/r/<rid>/forms/generic.docx")
def generic_form(rid: str) -> BaseResponse:
    folder = console().round(rid)
    state = api.round_status(folder)
    if not state.info.generic_form:
        abort(404)
    path = folder / "forms" / Path(state.info.generic_form).name
    return send_file(path, as_attachment=True, download_name=path.name)


@pages.get("/r/<rid>/forms.zip")
def forms_zip(rid: str) -> BaseResponse:
    folder = console().round(rid)
    state = api.round_status(folder)
    names = [r.form for r in state.respondents if r.issued and r.form]
    if state.info.generic_form:
        names.append(state.info.generic_form)
    files = [(Path(n).name, (folder / "forms" / Path(n).name).read_bytes()) for n in names]
    return _zip(files, f"{rid}-forms.zip")


@pages.get("/r/<rid>/drafts.zip")
def drafts_zip(rid: str) -> BaseResponse:
    drafts = [d for d in api.round_drafts(console().round(rid)) if not d.error]
    return _zip([(d.file, d.data) for d in drafts], f"{rid}-email-drafts.zip")


@pages.get("/r/<rid>/drafts/<int:pid>.eml")
def draft_file(rid: str, pid: int) -> BaseResponse:
    draft = next((d for d in api.round_drafts(console().round(rid)) if d.person.id == pid and not d.error), None)
    if draft is None:
        abort(404)
    return send_file(io.BytesIO(draft.data), mimetype="message/rfc822", as_attachment=True, download_name=draft.file)


def _zip(files: list[tuple[str, bytes]], name: str) -> BaseResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for file, data in files:
            out.writestr(file, data)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=name)


# --- returns


@pages.get("/r/<rid>/returns")
def returns(rid: str) -> str:
    state = api.round_status(console().round(rid), today=_today())
    return render_template("returns.html.j2", rid=rid, state=state, lines=None, page="returns",
                           cap=console().staging.cap)


@pages.post("/r/<rid>/returns")
def returns_posted(rid: str) -> tuple[str, int] | str:
    """Without the page's script: the files of the form, ingested in one call, the lines shown."""
    folder = console().round(rid)
    staging = console().staging
    staged: list[Staged] = []
    refused = []
    for upload in request.files.getlist("files"):
        if not upload.filename:
            continue
        try:
            staged.append(staging.receive(upload.stream, upload.filename))
        except TooLarge:
            refused.append(_too_large_line(upload.filename))
    staging.take([s.id for s in staged])
    try:
        result = api.round_ingest(folder, [s.path for s in staged], names={s.path: s.name for s in staged})
    finally:
        staging.discard(staged)
    lines = refused + [_line(line) for line in result.lines]
    state = api.round_status(folder, today=_today())
    return render_template("returns.html.j2", rid=rid, state=state, lines=lines, page="returns", cap=staging.cap)


def _too_large_line(name: str | None) -> dict[str, str]:
    cap = console().staging.cap
    return {"text": f"{display_name(name)}: refused (larger than the console takes, {cap // (1024 * 1024)} MB)",
            "outcome": "refused"}


def _line(line: Any) -> dict[str, str]:
    """An ingest line as the page shows it: the CLI's text, and its outcome for the page's styling."""
    outcome = "held" if line.outcome.startswith("HELD") else line.outcome if line.outcome in (
        "new", "resubmission", "same as before", "unreadable", "skipped") else "other"
    return {"text": line.text(), "outcome": outcome}


@pages.post("/r/<rid>/upload")
def upload(rid: str) -> tuple[BaseResponse, int] | BaseResponse:
    """One file from the page's script, as the request's body (streamed to disk); its staging id."""
    console().round(rid)
    name = request.headers.get("X-File-Name", "")
    try:
        staged = console().staging.receive(request.stream, unquote(name), request.content_length)
    except TooLarge:
        return _json(_too_large_line(unquote(name))), 413
    return _json({"id": staged.id, "name": staged.name})


@pages.post("/r/<rid>/process")
def process(rid: str) -> BaseResponse:
    """Ingest the staged files in one call of ``round ingest``'s function, streaming each line as it is done."""
    folder = console().round(rid)
    ids = (request.get_json(silent=True) or {}).get("ids") if request.is_json else None
    if not isinstance(ids, list) or len(ids) > MAX_BATCH:
        abort(400)
    staged = console().staging.take(ids)
    lines: queue.Queue[object] = queue.Queue()
    worker = threading.Thread(target=_ingest_into, args=(folder, staged, lines), name="docxform-ingest")
    worker.start()

    def stream() -> Iterator[str]:
        while (item := lines.get()) is not _DONE:
            yield json.dumps(item, ensure_ascii=False) + "\n"

    return Response(stream(), mimetype="application/x-ndjson")


def _ingest_into(folder: Path, staged: list[Staged], lines: queue.Queue[object]) -> None:
    """The ingest, in its own thread: it finishes even if the page is closed mid-way (nothing half-received)."""
    try:
        api.round_ingest(folder, [s.path for s in staged], names={s.path: s.name for s in staged},
                         on_line=lambda line: lines.put(_line(line)))
    except DocxformError as exc:
        lines.put({"text": _said(exc), "outcome": "unreadable"})
    except Exception as exc:  # the page must hear of it; the terminal has the traceback under --debug
        lines.put({"text": f"internal error: {type(exc).__name__} (a bug; see the console's terminal)",
                   "outcome": "unreadable"})
        raise
    finally:
        Staging.discard(staged)
        lines.put(_DONE)


def _json(data: object) -> BaseResponse:
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")


# --- problems and feedback copies


@pages.get("/r/<rid>/problems")
def problems(rid: str) -> str:
    folder = console().round(rid)
    state = api.round_status(folder, today=_today())
    return render_template("problems.html.j2", rid=rid, state=state, rows=api.round_problems(folder),
                           page="problems")


@pages.get("/r/<rid>/problems/<int:pid>/feedback.docx")
def feedback(rid: str, pid: int) -> BaseResponse:
    folder = console().round(rid)
    row = next((r for r in api.round_status(folder).respondents if r.id == pid), None)
    if row is None:
        abort(404)
    staging = console().staging
    target = staging.folder / f"feedback-{secrets.token_hex(16)}.docx"  # two downloads at once never share a file
    made = api.round_feedback(folder, pid, target)
    if made is None:
        abort(404)
    data = made.read_bytes()
    made.unlink(missing_ok=True)
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in row.name.lower()).strip("-") or "respondent"
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"feedback-{slug[:60]}.docx",
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# --- the report


def _report_folder(folder: Path) -> Path:
    return folder / "report"  # where ``docxform round report DIR`` writes


@pages.get("/r/<rid>/report")
def report(rid: str) -> str:
    folder = console().round(rid)
    state = api.round_status(folder, today=_today())
    out = _report_folder(folder)
    files = [(key, what) for key, what in REPORT_FILES.items() if (out / key).is_file()]
    framework = api.framework(state.info.framework)
    return render_template("report.html.j2", rid=rid, state=state, files=files, page="report",
                           made=(out / "report.html").is_file(), framework=framework)


@pages.post("/r/<rid>/report")
def make_report(rid: str) -> BaseResponse:
    folder = console().round(rid)
    result = api.round_report(folder)
    flash(f"Report made: {result.returned}.")
    return redirect(url_for("pages.report", rid=rid))


@pages.get("/r/<rid>/report/page")
def report_page(rid: str) -> BaseResponse:
    """The HTML report ``round report`` wrote, in a sandboxed frame: its own inline style, no script."""
    from docxform.serve.security import REPORT_CSP

    page = _report_folder(console().round(rid)) / "report.html"
    if not page.is_file():
        abort(404)
    response = send_file(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


@pages.get("/r/<rid>/report/files/<key>")
def report_file(rid: str, key: str) -> BaseResponse:
    if key not in REPORT_FILES:
        abort(404)
    path = _report_folder(console().round(rid)) / key  # key is one of REPORT_FILES' own names
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"{rid}-{key}")


# --- held returns and the meeting's decisions (the identity issue's library functions, when present)


@pages.post("/r/<rid>/assign")
def assign(rid: str) -> BaseResponse:
    """What ``round assign`` does: a held return given to a person of the round (by name), or to a new respondent."""
    folder = console().round(rid)
    receipt, to = _int(request.form.get("receipt")), request.form.get("to", "")
    known = {r.name for r in api.round_status(folder).respondents}
    if receipt is None or (to != NEW and to not in known):
        abort(400)
    reason = request.form.get("reason", "").strip()
    try:
        done = api.round_assign(folder, receipt, new=True, reason=reason) if to == NEW else \
            api.round_assign(folder, receipt, to=to, reason=reason)
    except DocxformError as exc:
        flash(f"Not assigned: {_said(exc)}")
    else:
        flash(f"Done: {done.text}.")
    return redirect(url_for("pages.status", rid=rid) + "#held")


@pages.post("/r/<rid>/agree")
def agree(rid: str) -> BaseResponse:
    """What ``round agree`` does: the meeting's agreed level for a standard, with a note."""
    folder = console().round(rid)
    item, level = request.form.get("item", ""), request.form.get("level", "")
    try:
        done = api.round_agree(folder, item, level, note=request.form.get("note", "").strip())
    except DocxformError as exc:
        flash(f"Not recorded: {_said(exc)}")
    else:
        flash(f"Recorded: {done.text}. Make the report again to see it in the outputs.")
    return redirect(url_for("pages.report", rid=rid) + "#decisions")


@pages.post("/r/<rid>/undo")
def undo(rid: str) -> BaseResponse:
    """What ``round undo`` does: a correction taken out of effect (itself recorded, with its reason)."""
    folder = console().round(rid)
    event = _int(request.form.get("event"))
    if event is None:
        abort(400)
    try:
        done = api.round_undo(folder, event, reason=request.form.get("reason", "").strip())
    except DocxformError as exc:
        flash(f"Not undone: {_said(exc)}")
    else:
        flash(f"Done: {done.text}.")
    return redirect(url_for("pages.status", rid=rid) + "#corrections")


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 12 else None


# --- sign-in by password (only when the console listens beyond this machine)


@pages.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int] | str:
    guard = console().guard
    if guard.password is None:
        abort(404)
    if request.method == "GET":
        return render_template("login.html.j2", error="")
    if not guard.csrf_ok(request.form.get("csrf")) or not guard.password_ok(request.form.get("password")):
        return render_template("login.html.j2", error="That password is not the console's."), 403
    response = redirect(url_for("pages.index"))
    response.set_cookie(guard.cookie_name, guard.session, httponly=True, samesite="Strict", path="/")
    return response
