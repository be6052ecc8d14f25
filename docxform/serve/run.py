"""Starting and stopping the console's web server (Werkzeug's threaded server, the one Flask runs on).

Listens on 127.0.0.1 unless told otherwise; any other address needs a
password (the token in the printed address alone would then be a secret sent
in the clear to anyone on the network who sees it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from docxform.core.errors import DocxformError
from docxform.serve.app import create_app
from docxform.serve.security import LOOPBACK, Guard
from docxform.serve.uploads import MAX_UPLOAD, Staging

WILDCARDS = ("0.0.0.0", "::", "")


class QuietHandler(WSGIRequestHandler):
    """No line per request in the terminal (the first holds the token); errors are still printed."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class Server:
    """A console listening: its address (with the token), guard and the Werkzeug server."""

    guard: Guard
    server: BaseWSGIServer
    staging: Staging
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.guard.address()

    def stop(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)
        self.staging.close()


def start_server(folder: str | Path, *, only: bool = False, host: str = "127.0.0.1", port: int = 0,
                 password: str | None = None, cap: int = MAX_UPLOAD, background: bool = False) -> Server:
    """Bind the console (``port`` 0: any free one); with ``background``, serve from a thread (for tests)."""
    _check_host(host, password)
    folder = Path(folder)
    if not folder.is_dir():
        raise DocxformError(folder, "is not a folder")
    guard = Guard(port=port, host=host, password=password)
    staging = Staging(cap)
    app = create_app(folder, guard, only=only, staging=staging)
    try:
        server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    except OSError as exc:
        staging.close()
        raise DocxformError(None, f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    guard.port = server.server_port
    running = Server(guard, server, staging)
    if background:
        running.thread = threading.Thread(target=server.serve_forever, name="docxform-serve", daemon=True)
        running.thread.start()
    return running


def _check_host(host: str, password: str | None) -> None:
    if host in WILDCARDS:
        raise DocxformError(None, f"--host {host!r} would answer on every address; give the name or address "
                            "the other computers will use (its Host header is checked)")
    if host.strip("[]") not in (*LOOPBACK, "::1") and not password:
        raise DocxformError(None, f"--host {host} opens the console to other computers: give a --password")


def serve(folder: str | Path, *, only: bool = False, host: str = "127.0.0.1", port: int = 8765,
          password: str | None = None, echo: Callable[[str], None] = print) -> None:
    """Run the console until Ctrl+C, printing the address to open."""
    running = start_server(folder, only=only, host=host, port=port, password=password)
    echo(f"docxform console: open {running.url}")
    echo("(Ctrl+C stops it; the address holds the console's token: keep it to yourself)"
         if password is None else "(Ctrl+C stops it; sign in with the password)")
    try:
        running.server.serve_forever()  # returns on Ctrl+C (Werkzeug's server takes the KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    echo("stopped")
