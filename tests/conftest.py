"""Shared fixtures."""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.ooxml import check_ooxml


@pytest.fixture
def ooxml_check():
    """Run the ECMA-376 schema check on files; returns the problems printed (empty when all pass)."""
    return check_ooxml


#: Document parts (by hash) both readers have already read the same; see :func:`both_readers_agree`.
_COMPARED: set[bytes] = set()


@pytest.fixture(autouse=True)
def both_readers_agree(monkeypatch):
    """Every form any test parses is read by both readers, which must agree.

    Plain documents go through the C fast path (docxform/oxml/fastread.py);
    the Python walk is the reference. Comparing them on every document the
    suite builds (LibreOffice re-saves, edited tables, hostile files...) is
    what lets the fast path stand in for the walk. Each distinct document is
    compared once per session: the samples are parsed by hundreds of tests,
    and walking them again each time only repeats the same comparison.
    """
    from docxform.oxml import reader
    from docxform.parse import source

    def read_both(root, path, xml=None):
        doc = reader.read_document(root, path, xml)
        key = hashlib.blake2b(xml).digest() if xml is not None else None
        if key is None or key not in _COMPARED:
            assert doc == reader.read_document(root, path), f"the fast and Python readers differ on {path}"
            if key is not None:
                _COMPARED.add(key)
        return doc

    monkeypatch.setattr(source, "read_document", read_both)


# --- what a test needs, said by its markers: LibreOffice and Chromium only for tests marked so

_NEEDS = {
    "libreoffice": ("LibreOffice", ("soffice", "libreoffice")),
    "browser": ("Chromium", ("chromium", "chromium-browser", "google-chrome")),
}
_TRACE = "DOCXFORM_TEST_UNMARKED_TRACE"


def _stand_ins(root: Path) -> dict[str, Path]:
    """Per need, a folder of stand-in binaries that record being started (for subprocesses: python -m docxform)."""
    folders = {}
    for mark, (_, names) in _NEEDS.items():
        folder = root / f"no-{mark}"
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            script = folder / name
            script.write_text(f'#!/bin/sh\necho {mark} >> "${_TRACE}"\nexit 3\n', "utf-8")
            script.chmod(0o755)
        folders[mark] = folder
    return folders


def _refuse(mark: str, what: str):
    def started(*args, **kwargs):
        pytest.fail(f"mark this test @pytest.mark.{mark}: it starts {what}", pytrace=False)
    return started


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """An unmarked test that starts LibreOffice (docxform.io.office) or Chromium (tests.support.browser) fails.

    Set around the whole test, fixtures included (a module fixture runs in its first test's setup):
    in this process the launchers are replaced; child processes find stand-ins first on PATH,
    which leave a trace that :func:`needs_are_marked` reads when the test ends. So
    ``-m "not libreoffice and not browser"`` really runs without either.
    """
    from docxform.io import office
    from tests.support import browser

    marks = {m.name for m in item.iter_markers()}
    missing = [mark for mark in _NEEDS if mark not in marks]
    patch = pytest.MonkeyPatch()
    if "libreoffice" in missing:
        patch.setattr(office, "soffice", _refuse("libreoffice", "LibreOffice"))
    if "browser" in missing:
        patch.setattr(browser, "binary", _refuse("browser", "Chromium"))
    folders = _shared_stand_ins()
    trace = Path(tempfile.mkstemp(prefix="started-", dir=folders["root"])[1])
    trace.unlink()  # exists only once a stand-in has been started
    patch.setenv(_TRACE, str(trace))
    patch.setenv("PATH", os.pathsep.join([*(str(folders[m]) for m in missing), os.environ.get("PATH", "")]))
    try:
        yield
    finally:
        patch.undo()
        trace.unlink(missing_ok=True)


@functools.cache
def _shared_stand_ins() -> dict[str, Path]:
    """The stand-ins, made once per test process (each test gets its own trace file; they read its name
    from the environment when started), and removed when the process ends."""
    root = Path(tempfile.mkdtemp(prefix="docxform-needs-"))
    atexit.register(shutil.rmtree, root, True)
    return {**_stand_ins(root), "root": root}


@pytest.fixture(autouse=True)
def needs_are_marked():
    """Fails the test when a stand-in LibreOffice or Chromium was started by a child process."""
    trace = Path(os.environ[_TRACE])
    yield
    if trace.exists():
        started = sorted(set(trace.read_text("utf-8").split()))
        trace.unlink()
        pytest.fail("; ".join(f"mark this test @pytest.mark.{m}: it starts {_NEEDS[m][0]} (in a subprocess)"
                              for m in started), pytrace=False)
