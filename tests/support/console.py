"""The console (docxform.serve) driven in this process through Flask's test client: signed in, with its CSRF token.

What a browser would send, without a browser: the security checks, pages and
uploads are the same code the real server runs (tests/e2e/test_console_browser.py
drives that one in Chromium).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from docxform.serve.app import create_app
from docxform.serve.security import Guard
from docxform.serve.uploads import Staging

PORT = 8765
HOST = f"127.0.0.1:{PORT}"


class ConsoleClient:
    """A signed-in browser, as far as the console can tell."""

    def __init__(self, folder: Path, *, only: bool = False, cap: int | None = None, password: str | None = None,
                 sign_in: bool = True) -> None:
        self.guard = Guard(port=PORT, password=password)
        self.staging = Staging(cap) if cap is not None else Staging()
        self.app = create_app(folder, self.guard, only=only, staging=self.staging)
        self.client: FlaskClient = self.app.test_client()
        if sign_in and password is None:
            done = self.client.get(f"/?token={self.guard.token}", headers={"Host": HOST})
            assert done.status_code == 302, done.status_code

    def get(self, path: str, **headers: str) -> TestResponse:
        return self.client.get(path, headers={"Host": HOST, **headers})

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any) -> TestResponse:
        form = dict(data or {})
        if csrf:
            form["csrf"] = self.guard.csrf
        headers = {"Host": HOST, **kwargs.pop("headers", {})}
        return self.client.post(path, data=form, headers=headers, **kwargs)

    def upload(self, rid: str, name: str, data: bytes) -> TestResponse:
        """One file as the page's script sends it: the raw body, its name in a header."""
        return self.client.post(f"/r/{rid}/upload", data=data, headers={
            "Host": HOST, "X-CSRF-Token": self.guard.csrf, "X-File-Name": quote(name),
            "Content-Type": "application/octet-stream"})

    def process(self, rid: str, ids: list[str]) -> list[dict[str, str]]:
        """Ingest staged files; the streamed lines, parsed."""
        done = self.client.post(f"/r/{rid}/process", json={"ids": ids},
                                headers={"Host": HOST, "X-CSRF-Token": self.guard.csrf})
        assert done.status_code == 200, done.status_code
        return [json.loads(line) for line in done.get_data(as_text=True).splitlines() if line]

    def drop(self, rid: str, files: list[Path]) -> list[dict[str, str]]:
        """What dropping these files on the returns page does: each uploaded, then all processed in one batch."""
        ids = []
        for file in files:
            done = self.upload(rid, file.name, file.read_bytes())
            assert done.status_code == 200, done.get_data(as_text=True)
            ids.append(done.get_json()["id"])
        return self.process(rid, ids)

    def close(self) -> None:
        self.staging.close()
