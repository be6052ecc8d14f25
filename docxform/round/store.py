"""The round's store: one SQLite database in the round folder (``round.sqlite``).

Why SQLite: one file beside the forms, in the standard library, and safe for
two ingests at once (WAL journal, a busy timeout, and every write in one
``BEGIN IMMEDIATE`` transaction, so the second ingest waits for the first
rather than failing). Foreign keys are on. The schema is versioned with
``PRAGMA user_version`` and a list of migrations, applied in order on open;
docs/round.md describes the tables.

Reading never takes the write lock: ``status``, ``report`` and ``compare``
open the store read-only (``mode=ro``, or ``immutable=1`` on a medium that
cannot be written at all) and read everything inside one read transaction,
which in WAL mode is one snapshot however many ingests commit meanwhile.
Every SQLite failure leaves this module as a :class:`StoreError`: one line
naming ``round.sqlite`` and what to do (a full disk, a store held too long
by another command, a read-only round, a damaged file: ``round verify``).
All the round's SQL lives here.
"""

from __future__ import annotations

import atexit
import json
import os
import shlex
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.records.round import Event, Person, Receipt, RoundInfo, Version

DB_NAME = "round.sqlite"
BUSY_TIMEOUT_MS = 120_000

#: Migration n takes the schema from user_version n to n + 1. Append only; never edit a released one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE person (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        organisation TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        form_id TEXT UNIQUE,
        form_file TEXT,
        issued INTEGER NOT NULL,
        identity TEXT UNIQUE
    );
    CREATE TABLE receipt (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        stored TEXT NOT NULL,
        name TEXT NOT NULL,
        origin TEXT NOT NULL,
        received_at TEXT NOT NULL,
        sender TEXT,
        sent_at TEXT,
        saved_at TEXT,
        error TEXT
    );
    CREATE TABLE version (
        receipt_id INTEGER PRIMARY KEY REFERENCES receipt(id),
        person_id INTEGER REFERENCES person(id),
        kind TEXT NOT NULL,
        parsed TEXT NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        notices TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX version_person ON version(person_id);
    """,
    "ALTER TABLE receipt ADD COLUMN subject TEXT",
    # 3: who said what, on evidence (issue 19): the evidence per receipt and the judgement on it, the
    # round's secret for its forms' tokens, and the coordinator's corrections as events.
    """
    ALTER TABLE receipt ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE version ADD COLUMN verdict TEXT NOT NULL DEFAULT 'probable';
    ALTER TABLE version ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE person ADD COLUMN added_by INTEGER;
    CREATE TABLE secret (id INTEGER PRIMARY KEY CHECK (id = 1), round_id TEXT NOT NULL, key BLOB NOT NULL);
    CREATE TABLE event (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        undoes INTEGER REFERENCES event(id)
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


#: The receipt table's columns, in the order :func:`_receipt` reads them (evidence, JSON, last).
RECEIPT_COLUMNS = ("id", "sha256", "stored", "name", "origin", "received_at", "sender", "sent_at", "saved_at", "error",
                   "subject", "evidence")


def _receipt(row: tuple[object, ...]) -> Receipt:
    evidence = row[-1]
    return Receipt.from_dict({**dict(zip(RECEIPT_COLUMNS, row, strict=True)),
                              "evidence": json.loads(evidence if isinstance(evidence, str) and evidence else "{}")})


class StoreError(DocxformError):
    """The round's store cannot be read or written: the command stops (it is not one file's problem)."""


def store_error(folder: Path, exc: sqlite3.Error) -> StoreError:
    """The one line for an SQLite failure, by its result code: what happened to ``round.sqlite`` and what to do."""
    db = folder / DB_NAME
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in text or (name.startswith("SQLITE_IOERR")
                                                                    and _nearly_full(folder)):
        return StoreError(db, "cannot write: no space left on device; nothing was recorded",
                          hint="free some space and run the command again")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(db, f"another docxform command held the round's store for more than "
                          f"{BUSY_TIMEOUT_MS // 1000} s", hint="run the command again when it has finished")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreError(db, "cannot write: the round is read-only here",
                          hint="status and report still work; ingest into a copy you can write")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return StoreError(db, f"the round's store is damaged ({text})",
                          hint=f"run: docxform round verify {shlex.quote(str(folder))}")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(db, f"cannot read or write the round's store ({text}: {name})",
                          hint=f"check the disk, then run: docxform round verify {shlex.quote(str(folder))}")
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return StoreError(db, f"cannot open the round's store ({text})", hint="check its permissions")
    return StoreError(db, f"the round's store cannot be used ({text})",
                      hint=f"run: docxform round verify {shlex.quote(str(folder))}")


def _nearly_full(folder: Path) -> bool:
    """Whether the disk under ``folder`` is (all but) full: SQLite reports a full disk while growing its
    journal or shared memory as an I/O error, not as SQLITE_FULL."""
    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


class Store:
    """An open round database. Use :func:`open_store`; close it when done.

    Leaving the ``with`` block on an SQLite failure raises the failure's
    :class:`StoreError` instead, so no command ever shows one as a bug.
    """

    def __init__(self, folder: Path, conn: sqlite3.Connection, *, readonly: bool = False) -> None:
        self.folder = folder
        self.conn = conn
        self.readonly = readonly

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error):
            raise store_error(self.folder, exc) from None

    def checkpoint(self) -> None:
        """Copy the journal into the database file and empty it."""
        with self.errors():
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def errors(self) -> Iterator[None]:
        """SQLite failures inside the block become this round's :class:`StoreError`."""
        try:
            yield
        except sqlite3.Error as exc:
            raise store_error(self.folder, exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so concurrent ingests queue, not fail.

        A failure anywhere (a full disk at COMMIT included) rolls back: the
        store is as it was before the block, and the caller gets a StoreError.
        """
        with self.errors():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction: every query in the block sees the same snapshot, whatever commits meanwhile.

        In WAL mode a reader takes no lock that a writer waits for. Nested
        blocks share the outer snapshot.
        """
        if self.conn.in_transaction:
            yield
            return
        with self.errors():
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT 1 FROM info LIMIT 1").fetchall()  # the snapshot starts at the first read
            try:
                yield
            finally:
                if self.conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")

    # --- the round itself
    def set_info(self, info: RoundInfo) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO info(key, value) VALUES (?, ?)",
                              [(k, json.dumps(v)) for k, v in info.to_dict().items()])

    def info(self) -> RoundInfo:
        rows = self.conn.execute("SELECT key, value FROM info").fetchall()
        values = {k: json.loads(v) for k, v in rows}
        if not values.get("framework") or "layout" not in values:
            raise DocxformError(self.folder, "not a survey round (no round store)",
                                hint="start one with: docxform round start FRAMEWORK DIR")
        return RoundInfo.from_dict(values)

    # --- people
    def add_person(self, person: Person) -> int:
        cur = self.conn.execute(
            "INSERT INTO person(name, organisation, role, email, form_id, form_file, issued, identity, added_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (person.name, person.organisation, person.role, person.email, person.form_id, person.form_file,
             int(person.issued), person.identity, person.added_by))
        return int(cur.lastrowid or 0)

    def people(self) -> list[Person]:
        return self._people_where("1", ())

    def _people_where(self, where: str, args: tuple[object, ...]) -> list[Person]:
        keys = ("id", "name", "organisation", "role", "email", "form_id", "form_file", "issued", "identity",
                "added_by")
        rows = self.conn.execute(f"SELECT {', '.join(keys)} FROM person WHERE {where} ORDER BY id", args).fetchall()
        return [Person.from_dict(dict(zip(keys, row, strict=True))) for row in rows]

    def last_person_id(self) -> int:
        """The highest person id (0 for none): a person added after this has a higher one (SQLite's rowid)."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM person").fetchone()[0])

    def issued_names(self) -> list[tuple[int, str]]:
        """(id, name) of the people issued a form: ids and names only, for a lookup per receipt.

        :meth:`people` builds every Person; called for each receipt of an
        ingest, that made a round of 1,000 respondents quadratic in time.
        """
        return [(int(i), str(n)) for i, n in self.conn.execute("SELECT id, name FROM person WHERE issued = 1 "
                                                                 "ORDER BY id")]

    def found_with_identity_prefix(self, prefix: str) -> list[Person]:
        """The people found on returns (not issued) whose who-is-who key starts with ``prefix``, in id order."""
        # A range, not substr(): the keys hold NUL separators, which SQLite's string functions stop at.
        return self._people_where("issued = 0 AND identity >= ? AND identity < ?", (prefix, prefix + "\U0010ffff"))

    def recipients(self) -> list[tuple[int, str]]:
        """(id, e-mail) of the people issued a generic form (``round start --recipients``)."""
        return [(int(i), str(e)) for i, e in self.conn.execute(
            "SELECT id, email FROM person WHERE issued = 1 AND form_id IS NULL AND email != '' ORDER BY id")]

    def person_where(self, column: str, value: str) -> int | None:
        assert column in ("form_id", "identity")
        row = self.conn.execute(f"SELECT id FROM person WHERE {column} = ?", (value,)).fetchone()
        return int(row[0]) if row else None

    # --- receipts and versions
    def add_receipt(self, receipt: Receipt) -> int | None:
        """Record a receipt; None when the same bytes were received before."""
        evidence = json.dumps(receipt.evidence.to_dict() if receipt.evidence else {}, ensure_ascii=False)
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO receipt(sha256, stored, name, origin, received_at, sender, sent_at, saved_at, "
            "error, subject, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt.sha256, receipt.stored, receipt.name, receipt.origin, receipt.received_at, receipt.sender,
             receipt.sent_at, receipt.saved_at, receipt.error, receipt.subject, evidence))
        return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid else None

    def receipts(self) -> list[Receipt]:
        return self._receipts_where("1", ())

    def add_version(self, version: Version) -> None:
        self.conn.execute(
            "INSERT INTO version(receipt_id, person_id, kind, parsed, errors, warnings, notices, verdict, held) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (version.receipt_id, version.person_id, version.kind, json.dumps(version.parsed, ensure_ascii=False),
             version.errors, version.warnings, json.dumps(version.notices), version.verdict, int(version.held)))

    def versions(self, *, parsed: bool = True) -> list[Version]:
        """Every version in order received; ``parsed=False`` leaves each ``parsed`` empty (see :meth:`parsed`).

        Decoding every stored parse is most of what a status of a big round
        would cost, and the status needs only those of people with two versions.
        """
        column = "parsed" if parsed else "NULL"
        rows = self.conn.execute(f"SELECT receipt_id, person_id, kind, {column}, errors, warnings, notices, verdict, "
                                 "held FROM version ORDER BY receipt_id").fetchall()
        return [Version(receipt_id=r[0], person_id=r[1], kind=r[2], parsed=json.loads(r[3]) if parsed else {},
                        errors=r[4], warnings=r[5], notices=json.loads(r[6]), verdict=r[7], held=bool(r[8]))
                for r in rows]

    def verdict(self, receipt_id: int) -> str | None:
        """The verdict ingest gave one receipt's version (one row read: ingest asks it per receipt), else None."""
        row = self.conn.execute("SELECT verdict FROM version WHERE receipt_id = ?", (receipt_id,)).fetchone()
        return str(row[0]) if row else None

    def parsed(self, receipt_id: int) -> dict:
        """One version's stored parse JSON, decoded."""
        row = self.conn.execute("SELECT parsed FROM version WHERE receipt_id = ?", (receipt_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def receipt_by_sha(self, sha: str) -> Receipt | None:
        """The receipt of these bytes, if they were received before."""
        found = self._receipts_where("sha256 = ?", (sha,))
        return found[0] if found else None

    def sender_name(self, sha: str) -> str:
        """The name of the person whose version these bytes are ("" for none)."""
        row = self.conn.execute("SELECT person.name FROM receipt JOIN version ON version.receipt_id = receipt.id "
                                "LEFT JOIN person ON person.id = version.person_id WHERE receipt.sha256 = ?",
                                (sha,)).fetchone()
        return str(row[0]) if row and row[0] else ""

    def _receipts_where(self, where: str, args: tuple[object, ...]) -> list[Receipt]:
        rows = self.conn.execute(f"SELECT {', '.join(RECEIPT_COLUMNS)} FROM receipt WHERE {where} ORDER BY id",
                                 args).fetchall()
        return [_receipt(row) for row in rows]

    def integrity(self) -> list[str]:
        """SQLite's own check of the file, then of the foreign keys: empty when the store is sound."""
        found = [str(row[0]) for row in self.conn.execute("PRAGMA integrity_check").fetchall()]
        found = [] if found == ["ok"] else found
        found += [f"{table} row {rowid} refers to a missing {parent} row"
                  for table, rowid, parent, _ in self.conn.execute("PRAGMA foreign_key_check").fetchall()]
        return found

    def counted_receipts(self, person_id: int) -> list[Receipt]:
        """The receipts of one person's versions as ingest stored them, held ones left out (for the ingest line)."""
        rows = self.conn.execute(f"SELECT {', '.join('r.' + c for c in RECEIPT_COLUMNS)} FROM version v JOIN receipt "
                                 "r ON r.id = v.receipt_id WHERE v.person_id = ? AND v.held = 0 ORDER BY r.id",
                                 (person_id,)).fetchall()
        return [_receipt(row) for row in rows]

    def drop_unused_person(self, person_id: int) -> None:
        """Remove a person with no version at all (one whose addition was undone, added again)."""
        self.conn.execute("DELETE FROM person WHERE id = ? AND NOT EXISTS (SELECT 1 FROM version WHERE "
                          "person_id = ?)", (person_id, person_id))

    def person(self, person_id: int) -> Person:
        """One person by id (one row read, not the table: it is called for each receipt)."""
        found = self._people_where("id = ?", (person_id,))
        if not found:
            raise KeyError(person_id)
        return found[0]

    # --- the round's secret (the key of its forms' tokens; never shown, never in a report)
    def set_secret(self, round_id: str, key: bytes) -> None:
        self.conn.execute("INSERT INTO secret(id, round_id, key) VALUES (1, ?, ?)", (round_id, key))

    def secret(self) -> tuple[str, bytes] | None:
        """(round id, key), or None for a round started before rounds had secrets."""
        row = self.conn.execute("SELECT round_id, key FROM secret WHERE id = 1").fetchone()
        return (str(row[0]), bytes(row[1])) if row else None

    # --- corrections (round assign, add, withdraw, agree, and the undoing of each)
    def add_event(self, event: Event) -> int:
        cur = self.conn.execute("INSERT INTO event(at, kind, data, reason, undoes) VALUES (?, ?, ?, ?, ?)",
                                (event.at, event.kind, json.dumps(event.data, ensure_ascii=False), event.reason,
                                 event.undoes))
        return int(cur.lastrowid or 0)

    def set_event_data(self, event_id: int, data: dict[str, object]) -> None:
        """Complete an event's data in the transaction that wrote it (the person an ``assign --new`` made)."""
        self.conn.execute("UPDATE event SET data = ? WHERE id = ?", (json.dumps(data, ensure_ascii=False), event_id))

    def events(self) -> list[Event]:
        rows = self.conn.execute("SELECT id, at, kind, data, reason, undoes FROM event ORDER BY id").fetchall()
        return [Event(id=r[0], at=r[1], kind=r[2], data=json.loads(r[3]), reason=r[4], undoes=r[5]) for r in rows]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # a commit is on the disk when it returns (power loss included)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _connect_readonly(db: Path) -> sqlite3.Connection:
    """A read-only connection: ``mode=ro`` (it sees ingests' commits), else ``immutable=1``.

    ``mode=ro`` on a WAL database needs the ``-shm`` file, which it makes
    beside the store; on a medium nobody can write (a CD, a read-only share)
    that fails, and the store is opened as immutable: nobody can be writing
    it there. The probe query makes the open fail here, not later.
    """
    uri = db.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        if os.access(db.parent, os.W_OK) and _writable_medium(db.parent):
            raise
        return _connect_unwritable(db)
    return conn


def _connect_unwritable(db: Path) -> sqlite3.Connection:
    """The store on a medium nobody can write: ``immutable=1``, or a private copy when a journal is beside it.

    ``immutable`` would ignore commits still in a ``-wal`` file (a copy taken
    while an ingest ran), so then the store and its journal are copied to a
    temporary folder and read there: what is read is everything committed.
    """
    wal = db.with_name(db.name + "-wal")
    if not (wal.is_file() and wal.stat().st_size):
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    private = Path(tempfile.mkdtemp(prefix="docxform-round-"))
    atexit.register(shutil.rmtree, private, True)
    shutil.copyfile(db, private / db.name)
    shutil.copyfile(wal, private / wal.name)
    conn = sqlite3.connect(private / db.name, isolation_level=None)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _writable_medium(folder: Path) -> bool:
    """False on a read-only mount (where even root cannot write)."""
    try:
        return not os.statvfs(folder).f_flag & os.ST_RDONLY
    except OSError:
        return False


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to :data:`SCHEMA_VERSION`, one migration at a time, each in its own transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(current)
        for number in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _refuse_newer(current: int) -> None:
    if current > SCHEMA_VERSION:
        raise DocxformError(None, f"the round was made by a newer docxform (schema {current}, this one "
                            f"knows {SCHEMA_VERSION})", hint="upgrade docxform")


def _check_is_round(folder: Path, conn: sqlite3.Connection) -> int:
    """Refuse, before any write, a round.sqlite that is not ours (empty, or another program's database).

    Checked on a read-only connection: migrating a stranger's database would
    write our tables into it. Returns the store's schema version.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    has_info = version and conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'info'").fetchone()
    if not version or not has_info:
        raise DocxformError(folder, "not a survey round (no round store)",
                            hint="start one with: docxform round start FRAMEWORK DIR")
    return version


def open_store(folder: str | Path, *, create: bool = False, readonly: bool = False) -> Store:
    """Open (or with ``create``, make) the round in ``folder``; a one-line error when it is not a round.

    ``readonly``: for the commands that only read (status, report, compare):
    no write lock is ever taken, and a round on a read-only medium is read.
    A store whose schema is older than this docxform's is migrated first
    when it can be written, else refused with one line.
    """
    folder = Path(folder)
    db = folder / DB_NAME
    if not create and not db.is_file():
        raise DocxformError(folder, "not a survey round (no round.sqlite)",
                            hint="start one with: docxform round start FRAMEWORK DIR")
    try:
        if create:
            conn = _connect(db)
            migrate(conn)
            return Store(folder, conn)
        reader = _connect_readonly(db)
        try:
            version = _check_is_round(folder, reader)
            _refuse_newer(version)
        except BaseException:
            reader.close()
            raise
        if readonly and version == SCHEMA_VERSION:
            return Store(folder, reader, readonly=True)
        reader.close()
        conn = _connect(db)
        migrate(conn)
    except sqlite3.Error as exc:
        raise store_error(folder, exc) from None
    if readonly:
        conn.close()
        return open_store(folder, readonly=True)
    return Store(folder, conn)
