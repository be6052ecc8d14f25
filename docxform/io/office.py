"""Headless LibreOffice: the one launcher, for the code and the tests.

docxform reads .doc, .odt, .rtf and Word 2003 XML returns by asking
LibreOffice to convert them; the tests also use it to re-save, convert and
render forms as a respondent's word processor would. Every call gets its own
user profile (``-env:UserInstallation``), so concurrent calls never collide,
and one call converts any number of files (one LibreOffice start for a batch).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

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
    limit = timeout if timeout is not None else TIMEOUT_PER_FILE * max(1, len(files))
    with tempfile.TemporaryDirectory(prefix="docxform-lo-profile-") as profile:
        command = [binary, profile_arg(Path(profile)), "--headless", "--norestore", "--convert-to", target,
                   "--outdir", str(outdir), *map(str, files)]
        # On a time-out, whatever was written in time is returned; the rest are None.
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(command, capture_output=True, timeout=limit, check=False, stdin=subprocess.DEVNULL)
    extension = target.split(":", 1)[0]
    outputs = [outdir / f"{Path(f).stem}.{extension}" for f in files]
    return [o if o.exists() else None for o in outputs]
