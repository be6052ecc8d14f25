"""Writing outputs: whole files or nothing, and one-line errors naming the path.

Every output (forms, JSON, workbooks, reports) goes through these, so a
full disk, a missing or read-only folder never leaves a half-written file
and never ends in a traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from docxform.errors import DocxformError


def output_folder(folder: Path, create: bool = False) -> None:
    """Check (and with ``create``, make) a folder to write into."""
    folder = folder if str(folder) else Path(".")
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DocxformError(folder, f"cannot create output folder: {exc.strerror}") from None
    if not folder.is_dir():
        raise DocxformError(folder, "output folder does not exist")
    if not os.access(folder, os.W_OK):
        raise DocxformError(folder, "output folder is not writable")


def write_file(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside ``path``, then rename: the file is whole or absent."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        handle, temp = tempfile.mkstemp(prefix=".docxform-", suffix=".tmp", dir=path.parent or ".")
    except OSError as exc:
        raise DocxformError(path, f"cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DocxformError(path, f"cannot write: {exc.strerror}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
