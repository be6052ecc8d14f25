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
            "INSERT INTO person(name, organisation, role, email, form_id, form_file, issued, identity, added_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (person.name, person.organisation, person.role, person.email, person.form_id, person.form_file,
             int(person.issued), person.identity, person.added_by))
        return int(cur.lastrowid or 0)

    def people(self) -> list[Person]:
        keys = ("id", "name", "organisation", "role", "email", "form_id", "form_file", "issued", "identity",
                "added_by")
        rows = self.conn.execute(f"SELECT {', '.join(keys)} FROM person ORDER BY id").fetchall()
        return [Person.from_dict(dict(zip(keys, row, strict=True))) for row in rows]

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
        cols = ("id", "sha256", "stored", "name", "origin", "received_at", "sender", "sent_at", "saved_at", "error",
                "subject", "evidence")
        rows = self.conn.execute(f"SELECT {', '.join(cols)} FROM receipt ORDER BY id").fetchall()
        return [Receipt.from_dict({**dict(zip(cols, row, strict=True)), "evidence": json.loads(row[-1] or "{}")})
                for row in rows]

    def add_version(self, version: Version) -> None:
        self.conn.execute(
            "INSERT INTO version(receipt_id, person_id, kind, parsed, errors, warnings, notices, verdict, held) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (version.receipt_id, version.person_id, version.kind, json.dumps(version.parsed, ensure_ascii=False),
             version.errors, version.warnings, json.dumps(version.notices), version.verdict, int(version.held)))

    def versions(self) -> list[Version]:
        rows = self.conn.execute("SELECT receipt_id, person_id, kind, parsed, errors, warnings, notices, verdict, "
                                 "held FROM version ORDER BY receipt_id").fetchall()
        return [Version(receipt_id=r[0], person_id=r[1], kind=r[2], parsed=json.loads(r[3]), errors=r[4],
                        warnings=r[5], notices=json.loads(r[6]), verdict=r[7], held=bool(r[8])) for r in rows]

    def counted_receipts(self, person_id: int) -> list[Receipt]:
        """The receipts of one person's versions as ingest stored them, held ones left out (for the ingest line)."""
        cols = ("id", "sha256", "stored", "name", "origin", "received_at", "sender", "sent_at", "saved_at", "error",
                "subject", "evidence")
        rows = self.conn.execute(f"SELECT {', '.join('r.' + c for c in cols)} FROM version v JOIN receipt r ON "
                                 "r.id = v.receipt_id WHERE v.person_id = ? AND v.held = 0 ORDER BY r.id",
                                 (person_id,)).fetchall()
        return [Receipt.from_dict({**dict(zip(cols, row, strict=True)), "evidence": json.loads(row[-1] or "{}")})
                for row in rows]

    def drop_unused_person(self, person_id: int) -> None:
        """Remove a person with no version at all (one whose addition was undone, added again)."""
        self.conn.execute("DELETE FROM person WHERE id = ? AND NOT EXISTS (SELECT 1 FROM version WHERE "
                          "person_id = ?)", (person_id, person_id))

    def person(self, person_id: int) -> Person:
        return next(p for p in self.people() if p.id == person_id)

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
