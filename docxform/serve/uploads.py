"""Files dropped on the console: streamed to a private folder under names the server makes, with a size cap.

A browser sends a file's name, but that name is display text only (as an
e-mail attachment's is): the file is written as ``<random id><suffix>`` in a
folder of the server's own, the suffix one of a fixed list (it tells the
reader what the file is), and handed to ``round ingest``'s own function with
its name as received, which then keeps it by content hash as the CLI does.
Nothing from the request is ever part of a path.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO

#: The suffixes kept on a staged file (lower case), each as itself; any other becomes no suffix.
SUFFIXES = {s: s for s in (".docx", ".doc", ".odt", ".rtf", ".xml", ".xlsx", ".xlsm", ".eml", ".mbox", ".mbx",
                           ".msg", ".csv")}
CHUNK = 64 * 1024
#: The default cap on one file: an mbox export of a round's replies can be large; ingest caps a return at 256 MB.
MAX_UPLOAD = 512 * 1024 * 1024
MAX_NAME = 200
_ID = re.compile(r"[0-9a-f]{32}")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class TooLarge(Exception):
    """The upload is over the cap; nothing of it is kept."""


def display_name(raw: str | None) -> str:
    """A received file name as text to show: its last part, with no control or direction characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = PureWindowsPath(PurePosixPath(text).name).name  # "../../x.docx" and "C:\\a\\x.docx" -> "x.docx"
    text = _UNSAFE.sub("", text).strip()
    if text in ("", ".", ".."):
        return "unnamed file"
    return text[:MAX_NAME]


@dataclass(frozen=True)
class Staged:
    """One file written to the staging folder: its id (what the browser is told), path and name as received."""

    id: str
    path: Path
    name: str


class Staging:
    """The server's private folder of files received and not yet ingested (removed when the server stops)."""

    def __init__(self, cap: int = MAX_UPLOAD) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="docxform-serve-"))
        self.cap = cap
        self._files: dict[str, Staged] = {}
        self._lock = threading.Lock()

    def receive(self, stream: IO[bytes], name: str | None, length: int | None = None) -> Staged:
        """Write ``stream`` to a new file, chunk by chunk; :class:`TooLarge` (and nothing kept) past the cap."""
        if length is not None and length > self.cap:
            raise TooLarge
        shown = display_name(name)
        ident = secrets.token_hex(16)
        path = self.folder / f"{ident}{SUFFIXES.get(PurePosixPath(shown).suffix.lower(), '')}"
        written = 0
        try:
            with path.open("xb") as out:
                while chunk := stream.read(CHUNK):
                    written += len(chunk)
                    if written > self.cap:
                        raise TooLarge
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        staged = Staged(ident, path, shown)
        with self._lock:
            self._files[ident] = staged
        return staged

    def take(self, ids: Iterable[str]) -> list[Staged]:
        """The staged files of these ids (each given out once; an unknown or malformed id is left out)."""
        out = []
        with self._lock:
            for ident in ids:
                if isinstance(ident, str) and _ID.fullmatch(ident) and ident in self._files:
                    out.append(self._files.pop(ident))
        return out

    @staticmethod
    def discard(files: Iterable[Staged]) -> None:
        """Remove staged copies once ingested: the round keeps its own copy under the content hash."""
        for staged in files:
            staged.path.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
