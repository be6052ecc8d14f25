"""docxform's entry point run in this process, as a subprocess would see it (exit status, stdout, stderr).

A Python start per call costs more than most of what the tests check; ``main()``
is the same code ``python -m docxform`` runs (one-line errors, exit codes). A few
tests still start the real process, so the entry point itself stays covered.
"""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def run_main(*args: str) -> Done:
    """``docxform ARGS...`` through :func:`docxform.cli.main.main`, never raising (like a child process)."""
    from docxform.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["docxform", *args]
    code: int = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return Done(code, out.getvalue(), err.getvalue())
