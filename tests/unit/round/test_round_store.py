"""The round's store under faults, in the test process: snapshots, read-only opening, damage, full disks, verify.

The real-world versions of these faults (a tmpfs filled up, a read-only
mount, SIGKILL, processes racing) are in tests/robust/test_round_faults.py
(slow); here each fault is made directly (an ``os`` patch, a second
connection holding the write lock), so the fast subset checks the logic.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from docxform.framework import load_framework
from docxform.round.store import DB_NAME, StoreError, open_store
from tests.support.roundkit import fill_return, known_ratings, run, start_generic_round, status_json

FW = load_framework("sa2003")
ITEMS = [i.id for i in FW.items]
LEVELS = FW.rating_scale.keys


def _returns(blank: Path, folder: Path, count: int, first: int = 0) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [fill_return(blank, folder / f"r{n}.docx", known_ratings(ITEMS, LEVELS, n), name=f"Person {n}")
            for n in range(first, first + count)]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A generic round with three returns ingested, copied afresh by each test that changes it."""
    root = tmp_path_factory.mktemp("base")
    rnd, blank = start_generic_round(root)
    files = _returns(blank, root / "inbox", 3)
    done = run("round", "ingest", str(rnd), *map(str, files))
    assert done.returncode == 0, done.stderr
    return {"round": rnd, "blank": blank, "files": files, "root": root}


@pytest.fixture()
def rnd(base: dict, tmp_path: Path) -> Path:
    copy = tmp_path / "r"
    shutil.copytree(base["round"], copy)
    return copy


def test_status_does_not_wait_for_a_writer_holding_the_lock(rnd: Path) -> None:
    writer = sqlite3.connect(rnd / DB_NAME, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE person SET name = 'Changed' WHERE id = 1")
    try:
        began = time.monotonic()
        done = run("round", "status", str(rnd), "--json")
        took = time.monotonic() - began
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done.returncode == 0, done.stderr
    assert took < 2, took
    assert "Changed" not in done.stdout  # uncommitted work is not seen
    assert json.loads(done.stdout)["counts"]["receipts"] == 3


def test_a_read_transaction_is_one_snapshot_while_another_connection_commits(rnd: Path) -> None:
    with open_store(rnd, readonly=True) as store, store.reading():
        before = len(store.receipts())
        other = sqlite3.connect(rnd / DB_NAME, isolation_level=None)
        other.execute("INSERT INTO receipt(sha256, stored, name, origin, received_at) "
                      "VALUES ('x', 'received/x.bin', 'x', 'x', '2026-01-01T00:00:00Z')")
        other.close()
        assert len(store.receipts()) == before
    with open_store(rnd, readonly=True) as store, store.reading():
        assert len(store.receipts()) == before + 1


def test_a_readonly_store_refuses_to_write(rnd: Path) -> None:
    with pytest.raises(StoreError, match="read-only"), open_store(rnd, readonly=True) as store:
        store.conn.execute("DELETE FROM person")


def test_an_unwritable_medium_is_read_whole_even_with_commits_still_in_the_journal(rnd: Path, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    """A copy taken while a connection was open: the last commit is only in round.sqlite-wal."""
    from docxform.round import store as store_module

    holder = sqlite3.connect(rnd / DB_NAME, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE person SET name = 'Only in the journal' WHERE id = 1")
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in (DB_NAME, DB_NAME + "-wal"):
        shutil.copyfile(rnd / name, copy / name)
    holder.close()
    assert (copy / (DB_NAME + "-wal")).stat().st_size > 0
    conn = store_module._connect_unwritable(copy / DB_NAME)
    assert conn.execute("SELECT name FROM person WHERE id = 1").fetchone()[0] == "Only in the journal"
    conn.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped"])
def test_a_damaged_store_is_one_line_naming_it_and_round_verify_in_every_command(rnd: Path, damage: str,
                                                                                 base: dict) -> None:
    db = rnd / DB_NAME
    for extra in rnd.glob(DB_NAME + "-*"):
        extra.unlink()
    data = bytearray(db.read_bytes())
    if damage == "garbage":
        data = bytearray(b"x" * len(data))
    elif damage == "truncated":
        data = data[: len(data) // 2 + 100]
    else:
        for i in range(8192, len(data), 37):
            data[i] ^= 0x55
    db.write_bytes(bytes(data))
    commands = [("round", "status", str(rnd)), ("round", "report", str(rnd), "-o", str(rnd.parent / "out")),
                ("round", "ingest", str(rnd), str(base["files"][0])), ("compare", str(rnd), "--json")]
    for command in commands:
        done = run(*command)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
        assert f"{db}" in done.stderr and f"round verify {rnd}" in done.stderr, (command, done.stderr)
    verified = run("round", "verify", str(rnd))
    assert verified.returncode == 1
    assert f"{db}: " in verified.stdout and "damaged" in verified.stdout


def test_verify_finds_a_deleted_and_an_altered_copy_and_ingesting_the_originals_restores_them(rnd: Path,
                                                                                           base: dict) -> None:
    assert run("round", "verify", str(rnd)).returncode == 0
    with open_store(rnd, readonly=True) as store:
        receipts = store.receipts()
    deleted, altered = rnd / receipts[0].stored, rnd / receipts[1].stored
    deleted.unlink()
    altered.write_bytes(altered.read_bytes() + b"tampered")
    done = run("round", "verify", str(rnd))
    assert done.returncode == 1
    problems = done.stdout.splitlines()[1:]
    assert any(line.startswith(f"{deleted}: missing") and receipts[0].origin in line for line in problems), problems
    assert any(line.startswith(f"{altered}: altered") and receipts[1].origin in line for line in problems), problems
    again = run("round", "ingest", str(rnd), receipts[0].origin, receipts[1].origin)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("restored") == 2 and again.stdout.count("same as before") == 2
    assert run("round", "verify", str(rnd)).returncode == 0
    assert status_json(rnd)["counts"]["receipts"] == 3


def test_verify_gives_a_restore_command_the_shell_can_run_for_a_name_with_spaces(rnd: Path, base: dict) -> None:
    [made] = _returns(base["blank"], rnd.parent / "my returns", 1, first=50)
    saved = made.with_name("Person 50's return (2).docx")
    made.rename(saved)
    assert run("round", "ingest", str(rnd), str(saved)).returncode == 0
    with open_store(rnd, readonly=True) as store:
        receipt = next(r for r in store.receipts() if r.origin == str(saved))
    (rnd / receipt.stored).unlink()
    done = run("round", "verify", str(rnd))
    assert done.returncode == 1
    restore = next(line for line in done.stdout.splitlines() if "Restore it: " in line).split("Restore it: ")[1]
    assert shlex.split(restore) == ["docxform", "round", "ingest", str(rnd), str(saved)]
    assert f"it is '{saved.name}' received" in done.stdout


def test_verify_of_a_copy_uploaded_through_the_console_names_the_file_as_uploaded(rnd: Path, base: dict) -> None:
    """An upload's path was the server's temporary copy, gone once received: the advice names the file by the
    name it was uploaded under and says how to send it again, never a path that does not exist."""
    from docxform import api

    [made] = _returns(base["blank"], rnd.parent / "staged", 1, first=60)
    staged = made.with_name("upload-1")  # the server keeps an upload under a name of its own (docxform.serve)
    made.rename(staged)
    [line] = api.round_ingest(rnd, [staged], names={staged: "Person 60 final.docx"}).lines
    assert line.outcome == "new" and line.text().startswith("Person 60 final.docx: ")  # shown by its name alone
    staged.unlink()
    with open_store(rnd, readonly=True) as store:
        receipt = next(r for r in store.receipts() if r.name == "Person 60 final.docx")
    assert receipt.origin == "uploaded through the console: Person 60 final.docx"
    (rnd / receipt.stored).unlink()
    done = run("round", "verify", str(rnd))
    assert done.returncode == 1
    [said] = [line for line in done.stdout.splitlines() if "Restore it: " in line]
    assert "uploaded through the console as 'Person 60 final.docx'" in said and "upload-1" not in said
    assert said.endswith(f"Restore it: upload that file again under 'Receive returns' (docxform round serve), or: "
                         f"docxform round ingest {shlex.quote(str(rnd))} followed by that file's path")


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_stops_the_ingest_with_one_line_and_leaves_nothing_half_written(rnd: Path, base: dict,
                                                                                   monkeypatch) -> None:
    new = _returns(base["blank"], rnd.parent / "more", 2, first=10)
    monkeypatch.setattr("docxform.io.files.os.fsync", _enospc)
    done = run("round", "ingest", str(rnd), *map(str, new))
    assert done.returncode == 1
    assert "internal error" not in done.stderr
    assert f"{new[0]}: not received (cannot write: no space left on device" in done.stderr
    assert "docxform: stopped: " in done.stderr and str(new[1]) not in done.stdout + done.stderr.split("stopped")[0]
    assert not list((rnd / "received").glob(".in-*"))
    monkeypatch.undo()
    assert status_json(rnd)["counts"]["receipts"] == 3
    assert run("round", "verify", str(rnd)).returncode == 0
    assert run("round", "ingest", str(rnd), *map(str, new)).stdout.count(": new") == 2


def test_an_unreadable_folder_is_said_and_the_rest_received(rnd: Path, base: dict, tmp_path: Path,
                                                             monkeypatch) -> None:
    inbox = tmp_path / "inbox"
    _returns(base["blank"], inbox, 1, first=20)
    locked = inbox / "locked"
    _returns(base["blank"], locked, 1, first=21)
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 1
    assert f"{locked}: unreadable (folder cannot be read: permission denied" in done.stderr
    assert done.stdout.count(": new") == 1


def test_an_unreadable_file_named_on_the_command_line_is_its_line_and_the_rest_received(rnd: Path, base: dict,
                                                                                       monkeypatch) -> None:
    [good, bad] = _returns(base["blank"], rnd.parent / "two", 2, first=30)
    real = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == bad:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("docxform.io.files.os.open", refuse)
    done = run("round", "ingest", str(rnd), str(bad), str(good))
    assert done.returncode == 1
    assert f"{bad}: unreadable (permission denied)" in done.stderr
    assert f"{good}: Person 30: new" in done.stdout


def test_a_fifo_or_a_broken_link_in_a_folder_is_said_not_passed_over(rnd: Path, base: dict) -> None:
    inbox = rnd.parent / "specials"
    [good] = _returns(base["blank"], inbox, 1, first=41)
    os.mkfifo(inbox / "pipe.docx")
    (inbox / "gone.docx").symlink_to(inbox / "nowhere.docx")
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 1
    assert f"{inbox / 'pipe.docx'}: unreadable (not a regular file (a FIFO (named pipe)); not read)" in done.stderr
    assert f"{inbox / 'gone.docx'}: unreadable (no such return)" in done.stderr
    assert f"{good}: Person 41: new" in done.stdout


def test_round_start_on_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("docxform.io.files.os.replace", _enospc)
    done = run("round", "start", "sa2003", str(tmp_path / "r"))
    assert done.returncode == 1
    assert "no space left on device" in done.stderr and "internal error" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_two_round_starts_at_once_one_wins_the_other_says_the_round_exists(tmp_path: Path) -> None:
    target = tmp_path / "r"
    results: list = []
    barrier = threading.Barrier(2)

    def start() -> None:
        from docxform import api
        from docxform.core.errors import DocxformError

        barrier.wait()
        try:
            results.append(api.round_start("sa2003", target))
        except DocxformError as exc:
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(results) == 2 and len(errors) == 1, results
    assert "already holds a survey round" in str(errors[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    assert status_json(target)["counts"]["invited"] == 0


def test_round_start_into_a_folder_with_other_files_keeps_them(tmp_path: Path) -> None:
    target = tmp_path / "r"
    target.mkdir()
    (target / "people.csv").write_text("name\n", "utf-8")
    assert run("round", "start", "sa2003", str(target)).returncode == 0
    assert sorted(p.name for p in target.iterdir()) == ["forms", "people.csv", DB_NAME]
    again = run("round", "start", "sa2003", str(target))
    assert again.returncode == 1 and "already holds a survey round" in again.stderr


def test_status_loads_neither_the_report_nor_openpyxl(rnd: Path) -> None:
    """They cost more than the status itself; a status reads the store and prints."""
    import subprocess
    import sys

    probe = ("import sys; from docxform import api; api.round_status(sys.argv[1]); "
             "print(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'docxform.round.report', "
             "'docxform.reports', 'docxform.generate.output'))))")
    done = subprocess.run([sys.executable, "-c", probe, str(rnd)], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


def test_a_name_too_long_and_a_vanished_file_are_their_lines(rnd: Path, base: dict, tmp_path: Path) -> None:
    long_name = tmp_path / ("x" * 300 + ".docx")
    vanished = tmp_path / "gone.docx"
    done = run("round", "ingest", str(rnd), str(long_name), str(vanished), str(base["files"][0]))
    assert done.returncode == 1
    no_bug = done.stderr + done.stdout
    assert "internal error" not in no_bug
    assert f"{long_name}: unreadable (cannot read: file name too long (use a shorter path))" in done.stderr
    assert f"{vanished}: unreadable (no such return)" in done.stderr
    assert "same as before" in done.stdout
    started = run("round", "start", "sa2003", str(tmp_path / ("y" * 300)))
    assert started.returncode == 1 and "file name too long" in started.stderr and "internal error" not in started.stderr


def test_ingest_does_not_read_every_person_for_each_return(tmp_path: Path, monkeypatch) -> None:
    """Reading the whole person table per receipt made a round of 1,000 respondents quadratic (120 s to ingest)."""
    from docxform.round.store import Store

    people = tmp_path / "people.csv"
    people.write_text("name,organisation,role,email\n" + "".join(
        f"Person {n},Org,Member,p{n}@example.org\n" for n in range(6)), "utf-8")
    rnd = tmp_path / "r"
    assert run("round", "start", "sa2003", str(rnd), "--respondents", str(people)).returncode == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n, form in enumerate(sorted((rnd / "forms").glob("*.docx"))):
        fill_return(form, inbox / form.name, known_ratings(ITEMS, LEVELS, n))
    typed = start_generic_round(tmp_path / "g")
    _returns(typed[1], inbox / "generic", 3, first=40)
    calls = []
    real = Store.people

    def counted(self: Store) -> list:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(Store, "people", counted)
    done = run("round", "ingest", str(rnd), str(inbox))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 9
    assert len(calls) <= 1, f"{len(calls)} reads of every person for 9 returns"


def test_the_advice_quotes_a_folder_with_spaces_so_it_can_be_pasted(tmp_path: Path) -> None:
    import sqlite3

    from docxform.round.store import store_error

    folder = tmp_path / "Round 2 (autumn)"
    error = store_error(folder, sqlite3.DatabaseError("file is not a database"))
    assert error.hint == f"run: docxform round verify '{folder}'"
