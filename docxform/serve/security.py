"""Who may use the console, and what every response says to the browser.

The console writes into a round, so a page any other site could make the
browser call (a form posted from elsewhere, a DNS name rebound to 127.0.0.1)
must do nothing. Every request is checked, static files too:

- ``Host`` must be one this server answers to (DNS rebinding gives another name);
- the session cookie, got once from the random token in the address printed at
  start (as Jupyter does), or, when listening beyond this machine, by password;
- on every POST, the CSRF token (a hidden field, or the ``X-CSRF-Token`` header
  the console's script sends), and an ``Origin``, when sent, of this server.

Every response carries a Content-Security-Policy that allows no inline script
and nothing from another site, and is never cached.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

#: The console's own pages: scripts and styles from this server only, nothing inline, no frames but its own.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'")
#: The round's HTML report, shown in a frame on the report page: its own inline CSS and SVG, no script at all.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
              "base-uri 'none'; form-action 'none'; sandbox")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


@dataclass
class Guard:
    """The secrets of one console run: the start token, the optional password, the hosts it answers to."""

    port: int
    host: str = "127.0.0.1"
    password: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def hosts(self) -> frozenset[str]:
        """The ``Host`` header values accepted: this port on the loopback names, and on ``--host`` when given."""
        names = {*LOOPBACK, self.host if ":" not in self.host else f"[{self.host}]"}
        return frozenset(f"{name}:{self.port}" for name in names)

    @property
    def cookie_name(self) -> str:
        """Per port: cookies are not kept apart by port, and two consoles may run at once."""
        return f"docxform_console_{self.port}"

    def _mac(self, purpose: str) -> str:
        return hmac.new(self.secret, purpose.encode(), hashlib.sha256).hexdigest()

    @property
    def session(self) -> str:
        """The cookie's value once signed in (one person's console: one session per run)."""
        return self._mac("session")

    @property
    def csrf(self) -> str:
        return self._mac("csrf")

    def token_ok(self, given: str | None) -> bool:
        """The start token (never when a password is required: then only the password signs in)."""
        return self.password is None and bool(given) and hmac.compare_digest(str(given), self.token)

    def password_ok(self, given: str | None) -> bool:
        """The password, compared in constant time; a wrong one costs a second (guessing is slow)."""
        ok = self.password is not None and bool(given) and hmac.compare_digest(
            hashlib.sha256(str(given).encode()).digest(), hashlib.sha256(self.password.encode()).digest())
        if not ok:
            time.sleep(1)
        return ok

    def session_ok(self, cookie: str | None) -> bool:
        return bool(cookie) and hmac.compare_digest(str(cookie), self.session)

    def csrf_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given), self.csrf)

    def origin_ok(self, origin: str | None) -> bool:
        """An ``Origin`` header, when the browser sends one, must be this server."""
        return origin is None or origin in {f"http://{h}" for h in self.hosts}

    def address(self) -> str:
        """The address to open, printed at start: with the token unless a password is required."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        base = f"http://{host}:{self.port}/"
        return base if self.password is not None else f"{base}?token={self.token}"
