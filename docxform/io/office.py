"""Headless LibreOffice: the one launcher, for the code and the tests.

docxform reads .doc, .odt, .rtf and Word 2003 XML returns by asking
LibreOffice to convert them; the tests also use it to re-save, convert and
render forms as a respondent's word processor would. Every call gets its own
user profile (``-env:UserInstallation``), so concurrent calls never collide,
and one call converts any number of files (one LibreOffice start for a batch).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from docxform.io.files import owned, sweep_stale

#: Seconds one LibreOffice start may take for its whole batch, per file.
TIMEOUT_PER_FILE = 120


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class OfficeMissing(RuntimeError):
    """LibreOffice is not installed."""


def profile_arg(profile: Path) -> str:
    """The option that gives one LibreOffice start a profile of its own."""
    return f"-env:UserInstallation={profile.resolve().as_uri()}"


PROFILE_PREFIX = "docxform-lo-profile-"
#: Every temporary folder made around a conversion (here and in docxform.parse.source).
TEMP_PREFIXES = (PROFILE_PREFIX, "docxform-lo-", "docxform-batch-")
_GROUP_FILE = "docxform-process-group"


@contextlib.contextmanager
def temporary(prefix: str) -> Iterator[Path]:
    """A temporary folder marked with this process (docxform.io.files.owned), removed at the end.

    One left by a process killed outright is removed by the next conversion
    (:func:`sweep`), with any LibreOffice still running in it.
    """
    with tempfile.TemporaryDirectory(prefix=owned(prefix)) as folder:
        yield Path(folder)


def sweep() -> None:
    """Remove the temporary folders (and stop the LibreOffice) of docxform processes that were killed."""
    for prefix in TEMP_PREFIXES:
        sweep_stale(Path(tempfile.gettempdir()), prefix, _stop_group)


def _stop_group(folder: Path) -> None:
    """Kill the LibreOffice process group recorded in a dead process's profile folder."""
    with contextlib.suppress(OSError, ValueError):
        os.killpg(int((folder / _GROUP_FILE).read_text()), signal.SIGKILL)


def convert(files: Sequence[Path], target: str, outdir: Path, *, timeout: float | None = None) -> list[Path | None]:
    """Convert ``files`` with one LibreOffice start; the output path of each, or None where none was written.

    ``target`` is LibreOffice's ``--convert-to`` argument (``docx:MS Word 2007 XML``,
    ``pdf``, ``doc``, ...). Inputs that share a stem must be given in separate calls,
    since LibreOffice names outputs after the input's stem.
    """
    binary = soffice()
    if binary is None:
        raise OfficeMissing("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    sweep()
    limit = timeout if timeout is not None else TIMEOUT_PER_FILE * max(1, len(files))
    with temporary(PROFILE_PREFIX) as profile:
        command = [binary, profile_arg(profile), "--headless", "--norestore", "--convert-to", target,
                   "--outdir", str(outdir), *map(str, files)]
        _run(command, profile, limit)
    extension = target.split(":", 1)[0]
    outputs = [outdir / f"{Path(f).stem}.{extension}" for f in files]
    return [o if o.exists() else None for o in outputs]


def _run(command: list[str], profile: Path, limit: float) -> None:
    """Run one LibreOffice start in a process group of its own, recorded in its profile folder.

    On a time-out the whole group is killed (LibreOffice's launcher starts
    soffice.bin as a child); whatever was written in time is returned by the
    caller. Were this process killed, the next :func:`sweep` kills the group.
    """
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          start_new_session=True) as process:
        with contextlib.suppress(OSError):
            (profile / _GROUP_FILE).write_text(str(process.pid))
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
