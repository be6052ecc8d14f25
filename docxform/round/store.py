"""The round's store: one SQLite database in the round folder (``round.sqlite``).

Why SQLite: one file beside the forms, in the standard library, and safe for
two ingests at once (WAL journal, a busy timeout, and every write in one
``BEGIN IMMEDIATE`` transaction, so the second ingest waits for the first
rather than failing). Foreign keys are on. The schema is versioned with
``PRAGMA user_version`` and a list of migrations, applied in order on open;
docs/round.md describes the tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docxform.core.errors import DocxformError
from docxform.records.round import Person, Receipt, RoundInfo, Version

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
]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """An open round database. Use :func:`open_store`; close it when done."""

    def __init__(self, folder: Path, conn: sqlite3.Connection) -> None:
        self.folder = folder
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so concurrent ingests queue, not fail."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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
            "INSERT INTO person(name, organisation, role, email, form_id, form_file, issued, identity) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (person.name, person.organisation, person.role, person.email, person.form_id, person.form_file,
             int(person.issued), person.identity))
        return int(cur.lastrowid or 0)

    def people(self) -> list[Person]:
        rows = self.conn.execute("SELECT id, name, organisation, role, email, form_id, form_file, issued, identity "
                                 "FROM person ORDER BY id").fetchall()
        keys = ("id", "name", "organisation", "role", "email", "form_id", "form_file", "issued", "identity")
        return [Person.from_dict(dict(zip(keys, row, strict=True))) for row in rows]

    def person_where(self, column: str, value: str) -> int | None:
        assert column in ("form_id", "identity")
        row = self.conn.execute(f"SELECT id FROM person WHERE {column} = ?", (value,)).fetchone()
        return int(row[0]) if row else None

    # --- receipts and versions
    def add_receipt(self, receipt: Receipt) -> int | None:
        """Record a receipt; None when the same bytes were received before."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO receipt(sha256, stored, name, origin, received_at, sender, sent_at, saved_at, "
            "error, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt.sha256, receipt.stored, receipt.name, receipt.origin, receipt.received_at, receipt.sender,
             receipt.sent_at, receipt.saved_at, receipt.error, receipt.subject))
        return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid else None

    def receipts(self) -> list[Receipt]:
        cols = ("id", "sha256", "stored", "name", "origin", "received_at", "sender", "sent_at", "saved_at", "error",
                "subject")
        rows = self.conn.execute(f"SELECT {', '.join(cols)} FROM receipt ORDER BY id").fetchall()
        return [Receipt.from_dict(dict(zip(cols, row, strict=True))) for row in rows]

    def add_version(self, version: Version) -> None:
        self.conn.execute(
            "INSERT INTO version(receipt_id, person_id, kind, parsed, errors, warnings, notices) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (version.receipt_id, version.person_id, version.kind, json.dumps(version.parsed, ensure_ascii=False),
             version.errors, version.warnings, json.dumps(version.notices)))

    def versions(self, *, parsed: bool = True) -> list[Version]:
        """Every version; with ``parsed=False`` each one's parse JSON is left unread (``{}``).

        Reading a return's parse JSON is most of the cost of reading the store (about a
        millisecond each): the status of a round of 1,000 needs only who, what kind and the
        counts, and the JSON of the few versions it compares (:meth:`parsed`).
        """
        column = "parsed" if parsed else "'{}'"
        rows = self.conn.execute(f"SELECT receipt_id, person_id, kind, {column}, errors, warnings, notices "
                                 "FROM version ORDER BY receipt_id").fetchall()
        return [Version(receipt_id=r[0], person_id=r[1], kind=r[2], parsed=json.loads(r[3]), errors=r[4],
                        warnings=r[5], notices=json.loads(r[6])) for r in rows]

    def parsed(self, receipt_id: int) -> dict[str, Any]:
        """One version's parse JSON (for a version read with ``versions(parsed=False)``)."""
        row = self.conn.execute("SELECT parsed FROM version WHERE receipt_id = ?", (receipt_id,)).fetchone()
        return dict(json.loads(row[0])) if row else {}


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to :data:`SCHEMA_VERSION`, one migration at a time, each in its own transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise DocxformError(None, f"the round was made by a newer docxform (schema {current}, this one "
                                f"knows {SCHEMA_VERSION})", hint="upgrade docxform")
        for number in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_is_round(folder: Path, db: Path) -> None:
    """Refuse, before any write, a round.sqlite that is not ours (empty, or another program's database).

    Opened read-only: migrating a stranger's database would write our tables into it.
    """
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_info = version and conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'info'").fetchone()
    finally:
        conn.close()
    if not version or not has_info:
        raise DocxformError(folder, "not a survey round (no round store)",
                            hint="start one with: docxform round start FRAMEWORK DIR")


def open_store(folder: str | Path, *, create: bool = False) -> Store:
    """Open (or with ``create``, make) the round in ``folder``; a one-line error when it is not a round."""
    folder = Path(folder)
    db = folder / DB_NAME
    if not create and not db.is_file():
        raise DocxformError(folder, "not a survey round (no round.sqlite)",
                            hint="start one with: docxform round start FRAMEWORK DIR")
    try:
        if not create:
            _check_is_round(folder, db)
        conn = _connect(db)
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise DocxformError(db, f"the round's database cannot be used ({exc})") from None
    return Store(folder, conn)
