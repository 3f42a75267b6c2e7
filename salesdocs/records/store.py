"""The after-sales records store: one SQLite file per workspace.

* Default path ``records/salesdocs.sqlite`` inside the workspace; another path can be given
  (``--db`` on the command line, ``SALESDOCS_RECORDS_DB`` in the environment, ``db=`` in the
  API).  A relative path is taken relative to the workspace root.
* The schema is versioned with ``PRAGMA user_version`` and upgraded by :data:`MIGRATIONS`
  (each one runs in its own ``BEGIN IMMEDIATE`` transaction, so two processes opening an old
  file at once cannot both migrate it).
* Every connection turns foreign keys on; the file is in WAL mode (readers never block the
  importer and a killed importer leaves nothing behind: an uncommitted transaction in the WAL
  is discarded on the next open).
* Connections are in autocommit mode (``isolation_level=None``): every write transaction in
  salesdocs is opened explicitly with :func:`write_transaction`.

Times are stored as text ``YYYY-MM-DD HH:MM:SS`` (local time, as the records give it) so that
text order is time order and SQLite's ``julianday()`` reads them.  Money is stored as integer
fen (1 yuan = 100 fen) so ``SUM`` stays exact; :func:`salesdocs.engine.money.fen_to_yuan` turns it
back into Decimal.

The derived columns of ``projects`` follow from each project's events by the engine's one rule
(:func:`salesdocs.engine.revisions.derive`); :func:`refresh_projects` writes them.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from salesdocs.engine.revisions import EVENT_TYPES, ProjectEvent, derive
from salesdocs.errors import RecordsError

__all__ = [
    "DEFAULT_DB",
    "ENV_DB",
    "EVENT_TYPES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "chunks",
    "connect",
    "db_path",
    "default_db_path",
    "open_existing",
    "project_events",
    "refresh_projects",
    "reporting",
    "write_transaction",
]

DEFAULT_DB = "records/salesdocs.sqlite"
ENV_DB = "SALESDOCS_RECORDS_DB"

_EVENT_CHECK = ", ".join(f"'{t}'" for t in EVENT_TYPES)

#: MIGRATIONS[i] brings a database from user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
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
    # 2: tickets.response_s, the first response time in whole seconds, computed by SQLite once
    # when a row is written (a STORED column cannot be added with ALTER TABLE: rebuild the table)
    """
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
)

SCHEMA_VERSION = len(MIGRATIONS)


def db_path(root: Path, db: Path | str | None = None) -> Path:
    """The records database of the workspace at ``root``.

    ``db`` (or ``$SALESDOCS_RECORDS_DB`` when ``db`` is None) overrides the default
    ``records/salesdocs.sqlite``; relative paths are relative to ``root``.
    """
    chosen = db if db is not None else (os.environ.get(ENV_DB) or DEFAULT_DB)
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        path = root / path
    return path


def default_db_path(root: Path) -> Path:
    """The database ``salesdocs`` commands use for the workspace at ``root`` (no ``--db`` given)."""
    return db_path(root, None)


def _error(path: Path, exc: BaseException) -> RecordsError:
    return RecordsError(
        f"售后记录数据库 {path} 无法打开：{exc}",
        f"the records database {path} cannot be opened: {exc}",
    )


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and create or upgrade) the records database at ``path``.

    Raises :class:`RecordsError` when the file is not a salesdocs database, is newer than
    this version of salesdocs, or cannot be opened.
    """
    if not create and not path.is_file():
        raise RecordsError(
            f"还没有售后记录（找不到 {path}）；请先用 salesdocs records import 导入",
            f"no after-sales records yet ({path} does not exist); import some with salesdocs records import",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except (OSError, sqlite3.Error) as exc:
        raise _error(path, exc) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a read-only folder
            raise sqlite3.OperationalError(f"cannot switch to WAL mode (journal_mode={mode})")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _error(path, exc) from None
    except RecordsError:
        conn.close()
        raise
    return conn


def open_existing(path: Path) -> sqlite3.Connection:
    """Open a database that must already exist (reports, refunds, listings); never creates one,
    not even inside an empty file."""
    if path.is_file() and path.stat().st_size == 0:
        raise RecordsError(
            f"{path} 是空文件，不是售后记录数据库；请先用 salesdocs records import 导入",
            f"{path} is an empty file, not a records database; import some records with salesdocs records import",
        )
    return connect(path, create=False)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RecordsError(
            f"售后记录数据库 {path} 的版本（{version}）比本程序支持的（{SCHEMA_VERSION}）新；请升级 salesdocs",
            f"the records database {path} has schema version {version}, "
            f"newer than this salesdocs supports ({SCHEMA_VERSION}); upgrade salesdocs",
        )
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the lock
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


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
def reporting(path: Path) -> Iterator[None]:
    """Turn SQLite failures (disk full, locked, damaged file …) into a :class:`RecordsError`."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise RecordsError(
            f"售后记录数据库 {path} 出错：{exc}",
            f"the records database {path} failed: {exc}",
        ) from None


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; ``ROLLBACK`` on any exception (KeyboardInterrupt too)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise RecordsError(
            f"售后记录数据库正被另一个程序写入，请稍后再试（{exc}）",
            f"the records database is being written by another program; try again later ({exc})",
        ) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int = 500) -> Iterable[Sequence[_T]]:
    """``items`` in slices of ``size`` (SQLite limits the parameters of one statement)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def project_events(conn: sqlite3.Connection, project_ids: Sequence[str]) -> dict[str, list[ProjectEvent]]:
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


def refresh_projects(conn: sqlite3.Connection, project_ids: Sequence[str] | None = None) -> None:
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
