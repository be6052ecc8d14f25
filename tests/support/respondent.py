"""Fill forms inside LibreOffice, as a respondent does: the tests' word processor.

``fill_in_libreoffice(src, dst, actions, fmt)`` loads ``src`` in a headless
LibreOffice, applies the actions through its UNO API and saves ``dst`` as
docx, doc or odt; ``fill_many_in_libreoffice`` does many such jobs with one
LibreOffice start (a start costs seconds; a job well under one). The work is
done by ``tests/support/uno_driver.py`` under Debian's ``/usr/bin/python3``,
the interpreter that has python3-uno; this module only writes the job file
and runs it. Inputs are never changed.

Actions (1-based table/row/cell, counted as docxform's Problem locations are):

- ``{"op": "tick"|"untick", "alias": "1.1 Doing well"}``: a checkbox content control.
- ``{"op": "type", "alias": "1.1 Comments", "text": "..."}``: fill a rich-text control
  (in LibreOffice 7.4 a placeholder control is an Input field, filled as "Edit
  Fields" does; 7.4's .docx export drops a line break inside it, so type one line).
- ``{"op": "type_cell", "table": T, "row": R, "cell": C, "text": "...", "append": False}``:
  newlines become paragraphs.
- ``{"op": "delete_control", "alias": "..."}``: remove the control, keep its text.
- ``{"op": "insert_column", "table": T, "after": C, "header": "...", "texts": {"3": "Green"}}``,
  ``{"op": "delete_column", "table": T, "cell": C}``.
- ``{"op": "merge_cells", "table": T, "row": R, "from": C1, "to": C2}``.
- ``{"op": "insert_row", "table": T, "after": R, "texts": ["", "Comments (cont.): ..."]}``.
- ``{"op": "type_symbol", "table": T, "row": R, "cell": C, "font": "Symbol", "char": "\\uf0b3"}``
  (appended to the cell, in the symbol font).
- ``{"op": "split_cell", "table": T, "row": R, "cell": C, "text": "..."}``: Split Cells into two side by
  side; ``text`` goes into the new right half (cell C+1 of that row).
- ``{"op": "paragraph_after_table", "table": T, "text": "..."}``: a new paragraph right below table T.
- ``{"op": "paragraph_at_end", "text": "..."}``: a paragraph typed after everything else.
- ``{"op": "nested_table", "table": T, "row": R, "cell": C, "rows": [["a", "b"], ...]}``: a table
  inserted at the end of the cell, its cells filled.
- ``{"op": "bullets", "table": T, "row": R, "cell": C, "items": ["...", ...]}``: a bulleted list
  ("List Bullet" paragraphs) typed at the end of the cell.
- ``{"op": "line_breaks", "table": T, "row": R, "cell": C, "text": "a\\nb"}``: typed at the end of the
  cell, each newline a line break (Shift+Enter).
- ``{"op": "type_header", "text": "..."}``: the page header switched on and ``text`` typed in it.
- ``{"op": "comment", "table": T, "row": R, "cell": C, "author": "...", "text": "..."}``: a comment at the
  end of the cell's text.

- ``{"op": "picture", "table": T, "row": R, "cell": C, "alt": "..."}``: Insert > Image (a small PNG) at the
  end of the cell, ``alt`` its description.
- ``{"op": "hidden_text", "table": T, "row": R, "cell": C, "text": "..."}``: words typed at the end of the
  cell and formatted hidden.
- ``{"op": "tracked_text", "table": T, "row": R, "cell": C, "text": "..."}``: Track Changes on, words typed
  at the end of the cell, the change left unaccepted.

An action that cannot be done fails the call with the driver's one-line reason.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("uno_driver.py")
#: Debian's interpreter: the one python3-uno is built for.
UNO_PYTHON = "/usr/bin/python3"
#: Seconds for one LibreOffice start: the start, then this much per job.
START_SECONDS, JOB_SECONDS = 90, 30

Job = tuple[Path, Path, list[dict], str]


class RespondentError(RuntimeError):
    """LibreOffice could not make the edits asked for (the driver's reason)."""


@functools.cache
def uno_available() -> str:
    """Empty when LibreOffice and /usr/bin/python3's uno are present, else why not."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice (soffice) is not installed"
    if not os.access(UNO_PYTHON, os.X_OK):
        return f"{UNO_PYTHON} is missing"
    probe = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return "" if probe.returncode == 0 else f"{UNO_PYTHON} has no uno module (install python3-uno)"


def uno_or_skip() -> None:
    """Skip the test when the UNO respondent cannot run; under CI (env CI set) fail instead."""
    reason = uno_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the LibreOffice respondent is needed under CI: {reason}")
        pytest.skip(reason)


def driver_jobs(jobs: Sequence[Job]) -> list[dict]:
    """The driver's job list: jobs that differ only in destination share one load (saved once per output)."""
    out: list[dict] = []
    for src, dst, actions, fmt in jobs:
        target = {"dst": str(Path(dst).resolve()), "format": fmt}
        if out and out[-1]["src"] == str(Path(src).resolve()) and out[-1]["actions"] == list(actions):
            out[-1]["outputs"].append(target)
        else:
            out.append({"src": str(Path(src).resolve()), "actions": list(actions), "outputs": [target]})
    return out


def fill_many_in_libreoffice(jobs: Sequence[Job]) -> list[Path]:
    """Run every (src, dst, actions, fmt) job with one LibreOffice start; the dst paths, in order.

    Consecutive jobs with the same source and actions are edited once and saved
    in each of their formats.
    """
    uno_or_skip()
    spec = {"jobs": driver_jobs(jobs)}
    limit = START_SECONDS + JOB_SECONDS * len(jobs)
    with tempfile.TemporaryDirectory(prefix="docxform-respondent-") as tmp:
        job_file = Path(tmp) / "job.json"
        job_file.write_text(json.dumps(spec), "utf-8")
        env = {**os.environ, "UNO_DRIVER_TIMEOUT": str(limit)}
        env.pop("PYTHONPATH", None)  # the project's path means nothing to Debian's python
        done = subprocess.run([UNO_PYTHON, str(DRIVER), str(job_file)], capture_output=True, text=True,
                              timeout=limit + 30, check=False, stdin=subprocess.DEVNULL, env=env)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RespondentError(lines[-1] if lines else f"uno_driver exited with status {done.returncode}")
    return [Path(dst) for _src, dst, _actions, _fmt in jobs]


def fill_in_libreoffice(src: Path, dst: Path, actions: list[dict], fmt: str = "docx") -> Path:
    """Load src in LibreOffice, apply the actions as a person would, save dst in fmt (docx, doc, odt)."""
    (out,) = fill_many_in_libreoffice([(src, dst, actions, fmt)])
    return out
