"""Faults made on purpose against a real round, with real processes (issue 21). Slow: left out of the fast subset.

- a full disk: a small tmpfs filled up (as root; skipped where mounting is
  not allowed: tests/unit/round/test_round_store.py makes the same fault with
  an ``os`` patch);
- a status during a long ingest, and while another process holds the write lock;
- a read-only copy of a round (a tmpfs remounted read-only): status, report,
  compare and verify work;
- reports taken while two ingests run: every report agrees with itself;
- SIGKILL during ingest, again and again: nothing lost, nothing half-written,
  no temporary files left; and during a LibreOffice conversion: no profile left.

A deleted and an altered received copy, and a damaged store, are made in
tests/unit/round/test_round_store.py (fast: no process of their own is needed).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docxform import api
from docxform.framework import load_framework
from docxform.round.store import DB_NAME
from tests.support.roundkit import fill_return, known_ratings, run, start_generic_round, status_json

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys


def returns(blank: Path, folder: Path, count: int, first: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [fill_return(blank, folder / f"return-{n:03d}.docx", known_ratings(ITEMS, LEVELS, n), name=f"Person {n}")
            for n in range(first, first + count)]


def docxform(*args: str) -> subprocess.Popen[str]:
    """``docxform ARGS`` as its own process (to be killed, or run beside another)."""
    return subprocess.Popen([sys.executable, "-m", "docxform", *args], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where``; the test is skipped where mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); the os-patch test covers ENOSPC")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_up(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    free = shutil.disk_usage(folder).free
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as f:
        f.write(b"\0" * max(free - leave, 0))


def no_internal_error(stderr: str) -> None:
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr


def test_a_full_disk_is_the_users_message_and_nothing_is_half_written(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "1m") as disk:
        # round start on a disk too small for it: nothing left, and a second start is not refused
        fill_up(disk, 60_000)
        done = run("round", "start", "sa2003", str(disk / "r"))
        assert done.returncode == 1 and "no space left on device" in done.stderr, done.stderr
        no_internal_error(done.stderr)
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
        (disk / "filler").unlink()
        assert run("round", "start", "sa2003", str(disk / "r")).returncode == 0
        # returns filled from this round's own form (another round's form carries that round's token: held)
        files = returns(disk / "r" / "forms" / "sa2003.docx", tmp_path / "inbox", 12)
        # an ingest that fills the disk part-way
        fill_up(disk, 80_000)
        ingest = run("round", "ingest", str(disk / "r"), *map(str, files))
        assert ingest.returncode == 1
        no_internal_error(ingest.stderr)
        assert "no space left on device" in ingest.stderr and "docxform: stopped:" in ingest.stderr
        landed = status_json(disk / "r")["counts"]["receipts"]  # the returns are another round's forms: held
        assert landed == len(ingest.stdout.splitlines()) < len(files)
        assert not [p for p in (disk / "r" / "received").iterdir() if p.name.startswith(".in-")]
        assert run("round", "verify", str(disk / "r")).returncode == 0
        (disk / "filler").unlink()
        again = run("round", "ingest", str(disk / "r"), *map(str, files))
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("same as before") == landed
        assert status_json(disk / "r")["counts"]["receipts"] == len(files)


def test_status_returns_within_2_s_during_a_long_ingest_and_while_the_lock_is_held(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    files = returns(blank, tmp_path / "inbox", 40)
    ingest = docxform("round", "ingest", str(rnd), *map(str, files))
    took = []
    try:
        while ingest.poll() is None and len(took) < 20:
            began = time.monotonic()
            api.round_status(rnd)
            took.append(time.monotonic() - began)
            time.sleep(0.2)
    finally:
        ingest.communicate(timeout=600)
    assert ingest.returncode == 0
    assert took and max(took) < 2, took
    holder = docxform("round", "status", str(rnd))  # a process start's worth of time to measure against
    holder.communicate(timeout=120)
    writer = sqlite3.connect(rnd / DB_NAME, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        began = time.monotonic()
        state = api.round_status(rnd)
        assert time.monotonic() - began < 2
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert state.counts()["receipts"] == 40


def test_a_read_only_copy_of_a_round_is_read(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    files = returns(blank, tmp_path / "inbox", 3)
    assert run("round", "ingest", str(rnd), *map(str, files)).returncode == 0
    expected = status_json(rnd)
    with tmpfs(tmp_path / "cd", "20m") as medium:
        shutil.copytree(rnd, medium / "r")
        subprocess.run(["mount", "-o", "remount,ro", str(medium)], check=True)
        copy = medium / "r"
        assert status_json(copy)["counts"] == expected["counts"]
        out = tmp_path / "out"
        report = run("round", "report", str(copy), "-o", str(out))
        assert report.returncode == 0, report.stderr
        assert len(json.loads((out / "merged.json").read_text("utf-8"))["respondents"]) == 3
        default = run("round", "report", str(copy))
        assert default.returncode == 1 and "read-only" in default.stderr and "-o OUT" in default.stderr
        compared = run("compare", str(copy), str(out / "merged.json"), "--json")
        assert compared.returncode == 0, compared.stderr
        assert run("round", "verify", str(copy)).returncode == 0
        more = returns(blank, tmp_path / "more", 1, first=50)
        refused = run("round", "ingest", str(copy), str(more[0]))
        assert refused.returncode == 1
        no_internal_error(refused.stderr)
        assert "read-only" in refused.stderr


def test_reports_taken_during_two_ingests_each_agree_with_themselves(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    first = returns(blank, tmp_path / "a", 20)
    second = returns(blank, tmp_path / "b", 20, first=100)
    ingests = [docxform("round", "ingest", str(rnd), *map(str, batch)) for batch in (first, second)]
    reports = 0
    try:
        while any(i.poll() is None for i in ingests) and reports < 12:
            out = tmp_path / f"report-{reports}"
            api.round_report(rnd, out)
            merged = json.loads((out / "merged.json").read_text("utf-8"))
            state = json.loads((out / "status.json").read_text("utf-8"))
            returned = sum(1 for r in state["respondents"] if r["versions"])
            assert len(merged["respondents"]) == returned, (reports, len(merged["respondents"]), returned)
            assert state["counts"]["receipts"] == returned
            reports += 1
    finally:
        for ingest in ingests:
            ingest.communicate(timeout=600)
    assert all(i.returncode == 0 for i in ingests)
    assert reports >= 1
    assert status_json(rnd)["counts"]["receipts"] == 40


def test_sigkill_during_ingest_loses_nothing_and_leaves_nothing(tmp_path: Path) -> None:
    rnd, blank = start_generic_round(tmp_path)
    files = returns(blank, tmp_path / "inbox", 30)
    rng = random.Random(21)
    for _ in range(6):
        ingest = docxform("round", "ingest", str(rnd), str(tmp_path / "inbox"))
        time.sleep(rng.uniform(0.5, 4.0))
        ingest.send_signal(signal.SIGKILL)
        ingest.communicate(timeout=60)
        assert run("round", "verify", str(rnd)).returncode == 0  # whatever was recorded is whole
    final = run("round", "ingest", str(rnd), str(tmp_path / "inbox"))
    assert final.returncode == 0, final.stderr
    state = status_json(rnd)
    assert state["counts"]["receipts"] == len(files)
    assert sorted(r["name"] for r in state["respondents"]) == sorted(f"Person {n}" for n in range(30))
    verified = run("round", "verify", str(rnd))
    assert verified.returncode == 0 and "note:" not in verified.stdout.replace("a copy no receipt", ""), \
        verified.stdout
    assert not [p for p in (rnd / "received").iterdir() if p.name.startswith(".")]


@pytest.mark.libreoffice
def test_sigkill_during_a_libreoffice_conversion_leaves_no_profile(tmp_path: Path) -> None:
    from docxform.io import office

    if office.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    rnd, blank = start_generic_round(tmp_path)
    docx = returns(blank, tmp_path / "docx", 3)
    odt = [p for p in office.convert(docx, "odt", tmp_path / "odt") if p is not None]
    assert len(odt) == 3
    ingest = docxform("round", "ingest", str(rnd), *map(str, odt))
    temp = Path(tempfile.gettempdir())
    mark = f"{ingest.pid}@"
    deadline = time.monotonic() + 120
    while not any(mark in p.name for p in temp.glob("docxform-lo-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any(mark in p.name for p in temp.glob("docxform-lo-*")), "no conversion started"
    time.sleep(1)
    ingest.send_signal(signal.SIGKILL)
    ingest.communicate(timeout=60)
    final = run("round", "ingest", str(rnd), *map(str, odt))  # its conversions sweep what the killed one left
    assert final.returncode == 0, final.stderr
    assert not [p for p in temp.glob("docxform-*") if mark in p.name]
    assert not running_with(f"docxform-lo-profile-{mark}"), "the killed ingest's LibreOffice still runs"
    assert status_json(rnd)["counts"]["receipts"] == 3


def running_with(text: str) -> list[int]:
    """The processes whose command line holds ``text``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
    return found
