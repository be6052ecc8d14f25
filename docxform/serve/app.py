"""The console's Flask application: the security checks around every request, and the round folders it serves.

Flask because the console is one person's page on their own machine: a
synchronous framework fits the library it calls (parsing is CPU work, not
waiting), it is small and well kept, and it comes from the makers of click
and jinja2, which docxform already uses. The pages are in :mod:`docxform.serve.pages`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, redirect, render_template, request
from werkzeug.wrappers.response import Response as BaseResponse

from docxform.api import shown
from docxform.serve.context import FORM_SLACK, Console, console
from docxform.serve.pages import pages
from docxform.serve.security import CSP, Guard
from docxform.serve.uploads import Staging


def create_app(folder: str | Path, guard: Guard, *, only: bool = False, staging: Staging | None = None) -> Flask:
    """The console over ``folder`` (a folder of rounds; with ``only``, the round itself)."""
    folder = Path(folder).resolve()
    app = Flask("docxform.serve", static_folder=None)
    stage = staging or Staging()
    # A whole request at most one file's cap (and a little for the form's fields): a form posted over it
    # is refused before it is read. The page's script sends one file a request.
    app.config.update(MAX_CONTENT_LENGTH=stage.cap + FORM_SLACK, SECRET_KEY=guard.secret.hex(),
                      TEMPLATES_AUTO_RELOAD=False,
                      SESSION_COOKIE_NAME=f"{guard.cookie_name}_flash", SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_HTTPONLY=True)
    app.config["MAX_FORM_MEMORY_SIZE"] = 1024 * 1024
    app.extensions["docxform"] = Console(folder.parent if only else folder, guard, stage, folder if only else None)
    app.jinja_env.autoescape = True
    app.jinja_env.finalize = _shown  # as the report page: an override or a C1 control typed on a return is text
    app.before_request(_start_clock)
    app.before_request(_check_request)
    app.register_error_handler(413, _too_large)
    app.after_request(_headers)
    app.register_blueprint(pages)
    return app


def _shown(value: Any) -> Any:
    """Every value a page prints, its acting characters as escapes (docxform.api.shown); layout kept."""
    return shown(value, keep="\n\t\r") if isinstance(value, str) else value


def _start_clock() -> None:
    g.clock = (time.perf_counter(), time.thread_time())


def _check_request() -> BaseResponse | None:
    """Host, then sign-in (token or password), then on a POST the CSRF token and Origin: else refused."""
    guard = console().guard
    if request.host not in guard.hosts:
        return _refuse(400, "This console does not answer to that address (the Host header is not its own).")
    if not guard.session_ok(request.cookies.get(guard.cookie_name)):
        return _sign_in(guard)
    if request.method == "POST":
        given = request.headers.get("X-CSRF-Token") or request.args.get("csrf") or _form_csrf()
        if not guard.csrf_ok(given) or not guard.origin_ok(request.headers.get("Origin")):
            return _refuse(400, "The form's security token is missing or wrong: reload the page and try again.")
    return None


def _form_csrf() -> str | None:
    """The CSRF field of a posted form (the form is read only once the session is known good)."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.get("csrf")
    return None


def _sign_in(guard: Guard) -> BaseResponse | None:
    """The start token in the address sets the cookie and is dropped from the address; with a password, the login page."""
    if guard.token_ok(request.args.get("token")) and request.method == "GET":
        response = redirect(request.path)
        response.set_cookie(guard.cookie_name, guard.session, httponly=True, samesite="Strict", path="/")
        return response
    if guard.password is not None and request.endpoint in ("pages.login", "pages.static"):
        return None
    if guard.password is not None:
        return redirect("/login")
    return _refuse(403, "Open the console with the address printed when it started (it holds the console's token).")


def _too_large(_error: Exception) -> BaseResponse:
    cap = console().staging.cap // (1024 * 1024)
    return _refuse(413, f"The files sent together are larger than the console takes ({cap} MB at once): send fewer "
                   "at a time, or drop them on the page, which sends one file at a time.")


def _refuse(status: int, message: str) -> BaseResponse:
    return Response(render_template("refused.html.j2", message=message, status=status), status=status)


def _headers(response: BaseResponse) -> BaseResponse:
    """No inline script, nothing from another site, no framing by others, no caching, no address sent elsewhere."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make form posts send Origin: null
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if "clock" in g:  # what the page cost the server (wall and this thread's CPU), for the benchmark
        wall, cpu = time.perf_counter() - g.clock[0], time.thread_time() - g.clock[1]
        response.headers["Server-Timing"] = f"app;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}"
    return response
