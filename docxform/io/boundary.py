"""The per-file error boundary: whatever goes wrong with one input is that input's problem.

A batch (parse, validate, merge, summarise, collate; in worker processes
too) must never stop at one bad file, and every failure must be a line
naming the file. Known refusals are :class:`DocxformError`s and keep their
own words; anything else is a bug in docxform, reported against the file
that caused it as ``internal-error`` (its traceback kept for a bug report
when DOCXFORM_DEBUG=1 or ``--debug`` is set), and the other files go on.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from docxform.core.errors import DocxformError, FileError

T = TypeVar("T")
INTERNAL_ERROR = "internal-error"


def debugging() -> bool:
    """True when the user asked for details of internal errors (``--debug`` or DOCXFORM_DEBUG=1)."""
    return os.environ.get("DOCXFORM_DEBUG", "") not in ("", "0")


def file_error(path: str | Path, exc: BaseException) -> FileError:
    """The record of whatever stopped ``path``: a refusal in its own words, or an internal error.

    The message of an internal error is one line; with DOCXFORM_DEBUG=1 (or
    ``--debug``) the traceback follows it, for a bug report.
    """
    if isinstance(exc, DocxformError):
        return FileError.of(path, exc)
    if isinstance(exc, RecursionError):
        return FileError.refused(path, "nested too deeply to read; refused")
    if isinstance(exc, MemoryError):
        return FileError.refused(path, "too large to read (out of memory); refused")
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    message = (f"{INTERNAL_ERROR}: docxform failed on this file ({type(exc).__name__}{': ' + text if text else ''}); "
               "the other files were still processed. This is a bug: please report it with the output of "
               "DOCXFORM_DEBUG=1")
    if debugging():
        message += "\n" + "".join(traceback.format_exception(exc)).rstrip("\n")
    return FileError(str(path), INTERNAL_ERROR, message)


def guarded(path: str | Path, work: Callable[[], T]) -> tuple[T | None, FileError | None]:
    """Run one file's work: its result and no error, or no result and the file's error record.

    Only ``KeyboardInterrupt`` and ``SystemExit`` pass through: they are the
    user's or the process's, not the file's.
    """
    try:
        return work(), None
    except Exception as exc:  # the boundary: every failure becomes the file's record
        return None, file_error(path, exc)
