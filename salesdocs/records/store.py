"""The after-sales records store: one SQLite file per workspace, or a PostgreSQL database.

* Default path ``records/salesdocs.sqlite`` inside the workspace; another path, or a
  ``postgresql://…`` URL, can be given (``--db`` on the command line, ``SALESDOCS_RECORDS_DB``
  in the environment, ``db=`` in the API).  A relative path is taken relative to the workspace
  root.  What differs between the two engines is in :mod:`salesdocs.records.database`.
* The schema is versioned (``PRAGMA user_version``; table ``salesdocs_schema`` in PostgreSQL)
  and upgraded by :data:`MIGRATIONS` (each one runs in its own write transaction, so two
  processes opening an old database at once cannot both migrate it).
* Every connection turns foreign keys on; the file is in WAL mode (readers never block the
  importer and a killed importer leaves nothing behind: an uncommitted transaction in the WAL
  is discarded on the next open).
* Connections are in autocommit mode (``isolation_level=None``): every write transaction in
  salesdocs is opened explicitly with :func:`write_transaction`.

Times are stored as text ``YYYY-MM-DD HH:MM:SS`` (local time, as the records give it) so that
text order is time order.  Money is stored as integer
fen (1 yuan = 100 fen) so ``SUM`` stays exact; :func:`salesdocs.engine.money.fen_to_yuan` turns it
back into Decimal.

The derived columns of ``projects`` follow from each project's events by the engine's one rule
(:func:`salesdocs.engine.revisions.derive`); :func:`refresh_projects` writes them.  The derived
columns of ``tickets`` (``response_s``, ``response_due``, ``in_hours``) follow from each ticket
by the engine's response rule (:meth:`salesdocs.engine.response.ResponseRule.deadline`): written
at import, and rewritten for every ticket by :func:`ensure_derived` when the rule changes (its
fingerprint is kept in table ``meta``); a connection that may not write them (a read-only role)
computes them into a TEMP copy of ``tickets`` instead.  Both engines then aggregate them with plain SQL.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from salesdocs.engine.response import ResponseRule
from salesdocs.engine.revisions import EVENT_TYPES, ProjectEvent, derive
from salesdocs.errors import RecordsError
from salesdocs.records.database import Database, SqliteDatabase, db_errors, denied, is_url, open_postgresql, reason, url_display

__all__ = [
    "DEFAULT_DB",
    "DERIVED_COLUMNS",
    "ENV_DB",
    "EVENT_TYPES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Database",
    "chunks",
    "connect",
    "db_path",
    "default_db_path",
    "ensure_derived",
    "open_existing",
    "project_events",
    "records_exist",
    "refresh_projects",
    "reporting",
    "ticket_deriver",
    "write_transaction",
]

DEFAULT_DB = "records/salesdocs.sqlite"
ENV_DB = "SALESDOCS_RECORDS_DB"

_EVENT_CHECK = ", ".join(f"'{t}'" for t in EVENT_TYPES)

#: MIGRATIONS[i] brings a database from schema version i to i + 1: one script for both engines, or
#: one per engine (``{"sqlite": …, "postgresql": …}``) where SQLite needs a table rebuilt.
MIGRATIONS: tuple[str | Mapping[str, str], ...] = (
    f"""
    CREATE TABLE imports (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('tickets', 'events', 'manual')),
        source        TEXT NOT NULL,            -- the file as named on the command line, or 'records add'
        sha256        TEXT NOT NULL,            -- of the file's bytes
        imported_at   TEXT NOT NULL,            -- wall-clock time of the import (not used by reports)
        added         INTEGER NOT NULL,
        skipped       INTEGER NOT NULL
    );

    CREATE TABLE projects (
        id                  TEXT PRIMARY KEY,
        deal                TEXT,               -- deals/<id>.yaml, or NULL for a project without a deal file
        client              TEXT NOT NULL,
        service             TEXT NOT NULL,
        tier                TEXT,               -- NULL when the service's tiers share ladder and allowance
        -- everything below is derived from project_events by store.refresh_projects() (engine.revisions.derive)
        start               TEXT,
        first_draft_at      TEXT,
        revisions_used      INTEGER NOT NULL DEFAULT 0,   -- counted revisions delivered
        minor_changes       INTEGER NOT NULL DEFAULT 0,   -- small-detail changes (not counted)
        overhauls_declined  INTEGER NOT NULL DEFAULT 0,   -- overhaul requests (not accepted by policy)
        writer_changes_used INTEGER NOT NULL DEFAULT 0,
        accepted            INTEGER CHECK (accepted IN (0, 1)),  -- 1 accepted, 0 refunded, NULL open
        accepted_at         TEXT,
        dissatisfied_at     TEXT,
        dissatisfied_stage  INTEGER,            -- counted revisions delivered before the last dissatisfaction
        paid_fen            INTEGER,            -- the latest amount paid recorded
        refund_fen          INTEGER,            -- refunds paid, total
        refund_at           TEXT,
        finished_at         TEXT                -- accepted_at or refund_at
    );

    CREATE TABLE project_events (
        id            INTEGER PRIMARY KEY,
        external_id   TEXT NOT NULL UNIQUE,
        row_hash      TEXT NOT NULL,
        project_id    TEXT NOT NULL REFERENCES projects(id),
        type          TEXT NOT NULL CHECK (type IN ({_EVENT_CHECK})),
        at            TEXT NOT NULL,
        stage         INTEGER,                  -- dissatisfied / writer-changed: counted revisions delivered before it
        paid_fen      INTEGER CHECK (paid_fen >= 0),
        refund_fen    INTEGER CHECK (refund_fen >= 0),
        note          TEXT NOT NULL DEFAULT '',
        import_id     INTEGER REFERENCES imports(id)
    );
    CREATE INDEX project_events_project ON project_events(project_id, at, id);
    CREATE INDEX project_events_at ON project_events(at);

    CREATE TABLE tickets (
        id                 INTEGER PRIMARY KEY,
        external_id        TEXT NOT NULL UNIQUE,
        row_hash           TEXT NOT NULL,
        received_at        TEXT NOT NULL,
        channel            TEXT NOT NULL,
        client             TEXT NOT NULL,
        project_id         TEXT,                -- free text: the project may be recorded later, or never
        service            TEXT NOT NULL,
        category           TEXT NOT NULL,
        description        TEXT NOT NULL DEFAULT '',
        first_response_at  TEXT CHECK (first_response_at IS NULL OR first_response_at >= received_at),
        resolved_at        TEXT CHECK (resolved_at IS NULL OR resolved_at >= received_at),
        resolution         TEXT NOT NULL DEFAULT '',
        onsite             INTEGER NOT NULL DEFAULT 0 CHECK (onsite IN (0, 1)),
        satisfaction       INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        import_id          INTEGER REFERENCES imports(id)
    );
    CREATE INDEX tickets_received ON tickets(received_at);
    CREATE INDEX tickets_open ON tickets(received_at) WHERE resolved_at IS NULL;
    """,
    # 2: tickets.response_s, the first response time in whole seconds (version 2 of SQLite files
    # computed it with julianday() in a STORED column, which ALTER TABLE cannot add: rebuild the table)
    {
        "postgresql": "ALTER TABLE tickets ADD COLUMN response_s INTEGER;",
        "sqlite": """
    CREATE TABLE tickets_new (
        id                 INTEGER PRIMARY KEY,
        external_id        TEXT NOT NULL UNIQUE,
        row_hash           TEXT NOT NULL,
        received_at        TEXT NOT NULL,
        channel            TEXT NOT NULL,
        client             TEXT NOT NULL,
        project_id         TEXT,
        service            TEXT NOT NULL,
        category           TEXT NOT NULL,
        description        TEXT NOT NULL DEFAULT '',
        first_response_at  TEXT CHECK (first_response_at IS NULL OR first_response_at >= received_at),
        response_s         INTEGER GENERATED ALWAYS AS
                             (CAST(ROUND((julianday(first_response_at) - julianday(received_at)) * 86400) AS INTEGER)) STORED,
        resolved_at        TEXT CHECK (resolved_at IS NULL OR resolved_at >= received_at),
        resolution         TEXT NOT NULL DEFAULT '',
        onsite             INTEGER NOT NULL DEFAULT 0 CHECK (onsite IN (0, 1)),
        satisfaction       INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        import_id          INTEGER REFERENCES imports(id)
    );
    INSERT INTO tickets_new (id, external_id, row_hash, received_at, channel, client, project_id, service, category, description,
                             first_response_at, resolved_at, resolution, onsite, satisfaction, import_id)
        SELECT id, external_id, row_hash, received_at, channel, client, project_id, service, category, description,
               first_response_at, resolved_at, resolution, onsite, satisfaction, import_id
        FROM tickets;
    DROP TABLE tickets;
    ALTER TABLE tickets_new RENAME TO tickets;
    CREATE INDEX tickets_received ON tickets(received_at);
    CREATE INDEX tickets_open ON tickets(received_at) WHERE resolved_at IS NULL;
    """,
    },
    # 3: the derived ticket columns, computed in Python (ensure_derived) for both engines:
    # response_s becomes a plain column; response_due and in_hours follow the policy's response rule
    {
        "postgresql": """
    ALTER TABLE tickets ADD COLUMN response_due TEXT, ADD COLUMN in_hours INTEGER;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
        "sqlite": """
    CREATE TABLE tickets_new (
        id                 INTEGER PRIMARY KEY,
        external_id        TEXT NOT NULL UNIQUE,
        row_hash           TEXT NOT NULL,
        received_at        TEXT NOT NULL,
        channel            TEXT NOT NULL,
        client             TEXT NOT NULL,
        project_id         TEXT,
        service            TEXT NOT NULL,
        category           TEXT NOT NULL,
        description        TEXT NOT NULL DEFAULT '',
        first_response_at  TEXT CHECK (first_response_at IS NULL OR first_response_at >= received_at),
        resolved_at        TEXT CHECK (resolved_at IS NULL OR resolved_at >= received_at),
        resolution         TEXT NOT NULL DEFAULT '',
        onsite             INTEGER NOT NULL DEFAULT 0 CHECK (onsite IN (0, 1)),
        satisfaction       INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        import_id          INTEGER REFERENCES imports(id),
        response_s         INTEGER,
        response_due       TEXT,
        in_hours           INTEGER
    );
    INSERT INTO tickets_new (id, external_id, row_hash, received_at, channel, client, project_id, service, category, description,
                             first_response_at, resolved_at, resolution, onsite, satisfaction, import_id, response_s)
        SELECT id, external_id, row_hash, received_at, channel, client, project_id, service, category, description,
               first_response_at, resolved_at, resolution, onsite, satisfaction, import_id, response_s
        FROM tickets;
    DROP TABLE tickets;
    ALTER TABLE tickets_new RENAME TO tickets;
    CREATE INDEX tickets_received ON tickets(received_at);
    CREATE INDEX tickets_open ON tickets(received_at) WHERE resolved_at IS NULL;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    },
    # 4: the ids of rows deleted on a person's request (docs/deployment.md), which imports skip from then on
    """
    CREATE TABLE erased (
        kind          TEXT NOT NULL CHECK (kind IN ('tickets', 'events')),
        external_id   TEXT NOT NULL,
        erased_at     TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
        PRIMARY KEY (kind, external_id)
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def db_path(root: Path, db: Path | str | None = None) -> Path | str:
    """The records database of the workspace at ``root``: a file path, or a ``postgresql://`` URL.

    ``db`` (or ``$SALESDOCS_RECORDS_DB`` when ``db`` is None) overrides the default
    ``records/salesdocs.sqlite``; relative paths are relative to ``root``.
    """
    chosen = db if db is not None else (os.environ.get(ENV_DB) or DEFAULT_DB)
    if is_url(chosen):
        return str(chosen)
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        path = root / path
    return path


def default_db_path(root: Path) -> Path | str:
    """The database ``salesdocs`` commands use for the workspace at ``root`` (no ``--db`` given)."""
    return db_path(root, None)


def display(target: Path | str) -> str:
    """How a database is named in messages and summaries (never with a password)."""
    return url_display(target) if isinstance(target, str) else str(target)


def _error(name: str, exc: BaseException) -> RecordsError:
    return RecordsError(
        f"售后记录数据库 {name} 无法打开：{exc}",
        f"the records database {name} cannot be opened: {exc}",
    )


def _no_records(name: str) -> RecordsError:
    return RecordsError(
        f"还没有售后记录（找不到 {name}）；请先用 salesdocs records import 导入",
        f"no after-sales records yet ({name} does not exist); import some with salesdocs records import",
    )


def connect(target: Path | str, *, create: bool = True) -> Database:
    """Open (and create or upgrade) the records database ``target`` (a path or a PostgreSQL URL).

    Raises :class:`RecordsError` when it cannot be reached or opened, is not a salesdocs
    database, or is newer than this version of salesdocs.
    """
    if isinstance(target, str):
        db: Database = open_postgresql(target)
        if not create and db.schema_version() == 0:
            db.close()
            raise _no_records(db.name)
    else:
        db = _open_sqlite(target, create)
    try:
        db.migrated_from = _migrate(db)
    except db_errors() as exc:
        db.close()
        if denied(exc):
            raise RecordsError(
                f"售后记录数据库 {db.name} 还没有建表或需要升级，而当前角色无权修改表结构（{reason(exc)}）；"
                "请以数据库所有者的身份运行 salesdocs records migrate",
                f"the records database {db.name} has no tables yet or needs an upgrade, and this role may not change "
                f"its schema ({reason(exc)}); run salesdocs records migrate as the database's owner",
            ) from None
        raise _error(db.name, exc) from None
    except BaseException:
        db.close()
        raise
    return db


def _open_sqlite(path: Path, create: bool) -> SqliteDatabase:
    if not create and not path.is_file():
        raise _no_records(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except (OSError, sqlite3.Error) as exc:
        raise _error(str(path), exc) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a read-only folder
            raise sqlite3.OperationalError(f"cannot switch to WAL mode (journal_mode={mode})")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: never corrupt; a power cut may lose the last commit
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _error(str(path), exc) from None
    return SqliteDatabase(conn, path)


def open_existing(target: Path | str) -> Database:
    """Open a database that must already exist (reports, refunds, listings); never creates one,
    not even inside an empty file."""
    if isinstance(target, Path) and target.is_file() and target.stat().st_size == 0:
        raise RecordsError(
            f"{target} 是空文件，不是售后记录数据库；请先用 salesdocs records import 导入",
            f"{target} is an empty file, not a records database; import some records with salesdocs records import",
        )
    return connect(target, create=False)


def records_exist(root: Path, db: Path | str | None = None) -> bool:
    """Whether the workspace has records (the file exists, or the PostgreSQL database has the schema).

    A PostgreSQL database that cannot be reached raises :class:`RecordsError`.
    """
    target = db_path(root, db)
    if isinstance(target, Path):
        return target.is_file()
    conn = open_postgresql(target)
    try:
        return conn.schema_version() > 0
    finally:
        conn.close()


def _migrate(db: Database) -> int:
    """Bring ``db`` to :data:`SCHEMA_VERSION`; the version it had."""
    version = before = db.schema_version()
    if version > SCHEMA_VERSION:
        raise RecordsError(
            f"售后记录数据库 {db.name} 的版本（{version}）比本程序支持的（{SCHEMA_VERSION}）新；请升级 salesdocs",
            f"the records database {db.name} has schema version {version}, "
            f"newer than this salesdocs supports ({SCHEMA_VERSION}); upgrade salesdocs",
        )
    while version < SCHEMA_VERSION:
        with db.transaction():
            # another process may have migrated while we waited for the lock
            version = db.schema_version()
            if version < SCHEMA_VERSION:
                script = MIGRATIONS[version]
                text = script if isinstance(script, str) else script[db.dialect]
                for statement in _statements(db.ddl(text)):
                    db.execute(statement)
                version += 1
                db.set_schema_version(version)
    return before


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would COMMIT on its own)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


@contextmanager
def reporting(db: Database | Path | str) -> Iterator[None]:
    """Turn database failures (disk full, locked, damaged file, connection lost …) into a :class:`RecordsError`."""
    name = db.name if isinstance(db, Database) else display(db)
    try:
        yield
    except db_errors() as exc:
        if denied(exc):
            raise RecordsError(
                f"售后记录数据库 {name} 出错：{reason(exc)}；当前数据库角色只能读取（导入和录入记录需要有写入权限的角色）",
                f"the records database {name} failed: {reason(exc)}; this database role is read-only "
                "(importing and adding records need a role that may write)",
            ) from None
        raise RecordsError(
            f"售后记录数据库 {name} 出错：{exc}",
            f"the records database {name} failed: {exc}",
        ) from None


def write_transaction(db: Database) -> AbstractContextManager[Database]:
    """A write transaction (``BEGIN IMMEDIATE``, or PostgreSQL's advisory write lock): writers wait for
    each other; ``ROLLBACK`` on any exception (KeyboardInterrupt too)."""
    return db.transaction()


_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int = 500) -> Iterable[Sequence[_T]]:
    """``items`` in slices of ``size`` (SQLite limits the parameters of one statement)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ------------------------------------------------------------------ derived ticket columns


def _seconds(received_at: str, first_response_at: str | None) -> int | None:
    if first_response_at is None:
        return None
    return round((datetime.fromisoformat(first_response_at) - datetime.fromisoformat(received_at)).total_seconds())


def _due(rule: ResponseRule, received_at: str) -> tuple[str, int]:
    received = datetime.fromisoformat(received_at)
    return rule.deadline(received).isoformat(" ", "seconds"), int(rule.in_hours(received))


def ticket_deriver(rule: ResponseRule) -> Callable[[str, str | None], tuple[int | None, str, int]]:
    """``derived(received_at, first_response_at)`` → (first response in whole seconds, response deadline
    as text, 1 if received in service hours): the columns ``response_s``, ``response_due``, ``in_hours``.
    The deadline is computed once per distinct received time."""
    memo: dict[str, tuple[str, int]] = {}

    def derived(received_at: str, first_response_at: str | None) -> tuple[int | None, str, int]:
        due = memo.get(received_at)
        if due is None:
            due = memo[received_at] = _due(rule, received_at)
        return (_seconds(received_at, first_response_at), *due)

    return derived


def _stored_fingerprint(db: Database) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'response_rule'").fetchone()
    return None if row is None else str(row[0])


DERIVED_COLUMNS = ("response_s", "response_due", "in_hours")


def _may_store_derived(db: Database) -> bool:
    return db.may("INSERT", "meta") and db.may("UPDATE", "meta") and all(db.may("UPDATE", "tickets", column) for column in DERIVED_COLUMNS)


def ensure_derived(db: Database, rule: ResponseRule, *, in_transaction: bool = False) -> None:
    """Make the derived ticket columns this connection reads follow ``rule``.

    When the stored rule fingerprint differs, every ticket's derived columns are recomputed: stored
    (one write transaction, and the new fingerprint) by a connection that may write them; for a
    read-only role (a manager's report) in a TEMP copy of ``tickets`` that this connection reads
    instead of the shared table, so that nothing shared is written.  The same rule either way.
    """
    fingerprint = rule.fingerprint()
    if db.derived_in_temp is not None:
        if db.derived_in_temp == fingerprint:
            return
        db.execute(f"DROP TABLE {db.temp_schema}.tickets")
        db.derived_in_temp = None
    if _stored_fingerprint(db) == fingerprint:
        return
    if not in_transaction:
        if not _may_store_derived(db):
            _derive_in_temp(db, rule)
            return
        with db.transaction():
            ensure_derived(db, rule, in_transaction=True)
        return
    if _stored_fingerprint(db) == fingerprint:  # another process did it while we waited
        return
    derived = ticket_deriver(rule)
    rows = [
        (*derived(received, first), tid) for tid, received, first in db.execute("SELECT id, received_at, first_response_at FROM tickets")
    ]
    if rows:
        db.executemany("UPDATE tickets SET response_s = ?, response_due = ?, in_hours = ? WHERE id = ?", rows)
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('response_rule', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (fingerprint,)
    )


def _derive_in_temp(db: Database, rule: ResponseRule) -> None:
    """A TEMP table ``tickets`` (it hides the shared one from this connection's queries) holding every
    ticket with its derived columns computed by ``rule``."""
    cursor = db.execute("SELECT * FROM tickets")
    columns = [d[0] for d in cursor.description]
    received, first = columns.index("received_at"), columns.index("first_response_at")
    at = [columns.index(c) for c in DERIVED_COLUMNS]
    derived = ticket_deriver(rule)
    rows = []
    for row in cursor.fetchall():
        values = list(row)
        for i, value in zip(at, derived(row[received], row[first]), strict=True):
            values[i] = value
        rows.append(values)
    db.execute("CREATE TEMP TABLE tickets AS SELECT * FROM tickets WHERE 1 = 0")
    db.derived_in_temp = rule.fingerprint()
    db.insert_rows("tickets", columns, rows)
    db.execute("CREATE INDEX tickets_received_derived ON tickets(received_at)")


# ------------------------------------------------------------------ derived project columns


def project_events(conn: Database, project_ids: Sequence[str]) -> dict[str, list[ProjectEvent]]:
    """The recorded events of these projects, each project's in order (time, then recording order)."""
    found: dict[str, list[ProjectEvent]] = defaultdict(list)
    for chunk in chunks(sorted(set(project_ids))):
        marks = ",".join("?" * len(chunk))
        for pid, etype, at, paid, refund in conn.execute(
            f"SELECT project_id, type, at, paid_fen, refund_fen FROM project_events WHERE project_id IN ({marks}) "
            "ORDER BY project_id, at, id",
            chunk,
        ):
            found[pid].append(ProjectEvent(etype, at, paid, refund))
    return found


def refresh_projects(conn: Database, project_ids: Sequence[str] | None = None) -> None:
    """Recompute the derived columns of ``projects`` from their events (all projects when None).

    Each project's events, in order, go through the engine's rule
    (:func:`salesdocs.engine.revisions.derive`); the result is written as it is.
    """
    ids = sorted({row[0] for row in conn.execute("SELECT id FROM projects")} if project_ids is None else set(project_ids))
    if not ids:
        return
    events = project_events(conn, ids)
    rows = []
    for pid in ids:
        s = derive(events.get(pid, ()))
        accepted = None if s.accepted is None else int(s.accepted)
        rows.append(
            (
                s.start,
                s.first_draft_at,
                s.revisions_used,
                s.minor_changes,
                s.overhauls_declined,
                s.writer_changes_used,
                accepted,
                s.accepted_at,
                s.dissatisfied_at,
                s.dissatisfied_stage,
                s.paid_fen,
                s.refund_fen,
                s.refund_at,
                s.finished_at,
                pid,
            )
        )
    conn.executemany(
        """
        UPDATE projects SET
          start = ?, first_draft_at = ?, revisions_used = ?, minor_changes = ?, overhauls_declined = ?,
          writer_changes_used = ?, accepted = ?, accepted_at = ?, dissatisfied_at = ?, dissatisfied_stage = ?,
          paid_fen = ?, refund_fen = ?, refund_at = ?, finished_at = ?
        WHERE id = ?
        """,
        rows,
    )
