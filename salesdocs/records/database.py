"""One interface over the two records backends: SQLite (a file, the default) and PostgreSQL.

Every query in ``salesdocs.records`` is written once, in the SQL both engines speak, with
SQLite's parameter marks (``?`` and ``:name``); :class:`PgDatabase` rewrites the marks for
psycopg (``%s`` and ``%(name)s``).  What differs between the engines lives here and nowhere
else:

* the schema version (SQLite ``PRAGMA user_version``; PostgreSQL table ``salesdocs_schema``);
* key columns (``INTEGER PRIMARY KEY`` vs an identity column) and text order: PostgreSQL text
  columns are ``COLLATE "C"`` so that ``ORDER BY`` is byte order, as in SQLite (:meth:`ddl`);
* the write lock: ``BEGIN IMMEDIATE`` (SQLite) vs ``pg_advisory_lock`` (PostgreSQL), so
  writers — two imports of the same file at once — take turns and never interleave;
* ``NUMERIC`` results (PostgreSQL's ``SUM`` of a ``bigint``): whole values come back as ``int``,
  as SQLite gives them.

Derived values (response deadlines, project state) are computed in Python by the engine and
stored; no engine-specific SQL function is needed.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from salesdocs.errors import RecordsError

__all__ = ["Database", "PgDatabase", "SqliteDatabase", "db_errors", "denied", "is_url", "open_postgresql", "reason", "url_display"]

#: the advisory lock every PostgreSQL write transaction takes (an arbitrary constant: "salesdoc")
PG_WRITE_LOCK = 0x73616C6573646F63


def is_url(value: str | Path) -> bool:
    return isinstance(value, str) and value.startswith(("postgresql://", "postgres://"))


def db_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a database failure raises (psycopg's only once it is loaded)."""
    errors: tuple[type[BaseException], ...] = (sqlite3.DatabaseError,)
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        errors += (psycopg.Error,)
    return errors


def denied(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL's "permission denied" (the role lacks a privilege)."""
    return getattr(exc, "sqlstate", None) == "42501"


def reason(exc: BaseException) -> str:
    """A database error as one clean line: libpq's lines joined, spaces and tabs collapsed, its own
    "Is the server running …" hint left out (the messages say what to check); the server's own message
    alone when it sent one (without the statement's text)."""
    primary = getattr(getattr(exc, "diag", None), "message_primary", None)
    if primary:
        return str(primary)
    lines = [" ".join(line.split()) for line in str(exc).splitlines()]
    kept = [line.removeprefix("connection failed: ") for line in lines if line and not line.startswith("Is the server running")]
    return "; ".join(kept) or type(exc).__name__


class Database:
    """An open records database.  ``name`` names it in messages (a path, or a URL without password)."""

    dialect: str = ""
    name: str = ""
    #: the schema of this connection's TEMP tables
    temp_schema: str = "temp"
    #: the response rule fingerprint of this connection's TEMP copy of ``tickets``, if it has one
    #: (:func:`salesdocs.records.store.ensure_derived`)
    derived_in_temp: str | None = None
    #: the schema version the database had when this connection opened it (before migrating)
    migrated_from: int | None = None

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def script(self, sql: str) -> None:
        """Several statements without parameters."""
        raise NotImplementedError

    def select_in(self, sql: str, values: Sequence[Any]) -> list[Any]:
        """The rows of ``sql`` whose ``IN ({ids})`` list is ``values`` (any number of them)."""
        rows: list[Any] = []
        for i in range(0, len(values), 900):  # SQLite limits the parameters of one statement
            chunk = values[i : i + 900]
            rows += self.execute(sql.format(ids=",".join("?" * len(chunk))), chunk).fetchall()
        return rows

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert many new rows (inside a write transaction: a duplicate key fails the whole transaction)."""
        marks = ", ".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def close(self) -> None:
        raise NotImplementedError

    def begin(self) -> None:
        """Open a write transaction, waiting for any other writer."""
        raise NotImplementedError

    def ddl(self, sql: str) -> str:
        """A CREATE script written for SQLite, in this engine's terms."""
        return sql

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """``begin`` … ``COMMIT``; ``ROLLBACK`` on any exception (KeyboardInterrupt too)."""
        self.begin()
        try:
            yield self
        except BaseException:
            self.execute("ROLLBACK")
            raise
        else:
            self.execute("COMMIT")

    def schema_version(self) -> int:
        raise NotImplementedError

    def set_schema_version(self, version: int) -> None:
        raise NotImplementedError

    def may(self, privilege: str, table: str, column: str | None = None) -> bool:
        """Whether this connection may ``privilege`` (INSERT, UPDATE …) on ``table`` (or on its ``column``).
        A SQLite file opened for writing may everything."""
        return True


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.name = str(path)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def script(self, sql: str) -> None:
        self.conn.executescript(sql)

    def close(self) -> None:
        self.conn.close()

    def begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise RecordsError(
                f"售后记录数据库正被另一个程序写入，请稍后再试（{exc}）",
                f"the records database is being written by another program; try again later ({exc})",
            ) from None

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")


# ---------------------------------------------------------------------------- PostgreSQL

_MARKS = re.compile(r"'(?:[^']|'')*'|\?|(?<!:):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    """SQLite's parameter marks as psycopg's (``?`` → ``%s``, ``:x`` → ``%(x)s``, ``%`` → ``%%``)."""

    def mark(m: re.Match[str]) -> str:
        text = m.group(0)
        if text.startswith("'"):
            return text.replace("%", "%%")
        if text == "?":
            return "%s"
        if text == "%":
            return "%%"
        return f"%({m.group(1)})s"

    return _MARKS.sub(mark, sql)


_DDL = (
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)


def url_display(url: str) -> str:
    """``postgresql://user@host:port/db`` without the password (for messages)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # a malformed URL is named as given, without what precedes '@'
        return re.sub(r"//[^@/]*@", "//", url)
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host') or 'localhost'}{port}/{info.get('dbname') or ''}"


class PgDatabase(Database):
    dialect = "postgresql"
    temp_schema = "pg_temp"

    def __init__(self, conn: Any, name: str) -> None:
        self.conn = conn
        self.name = name

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        if not params:  # psycopg reads no marks (and no %%) in a query without parameters
            return self.conn.execute(sql)
        return self.conn.execute(_pg_sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_pg_sql(sql), list(rows))

    def script(self, sql: str) -> None:
        self.conn.execute(sql)

    def select_in(self, sql: str, values: Sequence[Any]) -> list[Any]:
        """One query, the values as one array parameter (``IN ({ids})`` → ``= ANY(%s)``)."""
        if not values:
            return []
        return list(self.conn.execute(_pg_sql(sql.replace(" IN ({ids})", " = ANY(?)")), (list(values),)).fetchall())

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """``COPY … FROM STDIN``: ten times faster than one INSERT per row."""
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        self.conn.close()

    def begin(self) -> None:
        self.conn.execute("BEGIN")

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """The write lock is taken *before* the transaction starts (a session advisory lock), so that the
        transaction sees everything the previous writer committed, its new tables too."""
        self.conn.execute("SELECT pg_advisory_lock(%s)", (PG_WRITE_LOCK,))
        try:
            with super().transaction():
                yield self
        finally:
            if not self.conn.closed:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (PG_WRITE_LOCK,))

    def ddl(self, sql: str) -> str:
        for pattern, replacement in _DDL:
            sql = pattern.sub(replacement, sql)
        return sql

    def schema_version(self) -> int:
        if self.conn.execute("SELECT to_regclass('salesdocs_schema')").fetchone()[0] is None:
            return 0
        row = self.conn.execute("SELECT version FROM salesdocs_schema").fetchone()
        return int(row[0]) if row else 0

    def may(self, privilege: str, table: str, column: str | None = None) -> bool:
        if column is None:
            row = self.conn.execute("SELECT has_table_privilege(%s, %s)", (table, privilege)).fetchone()
        else:
            row = self.conn.execute("SELECT has_column_privilege(%s, %s, %s)", (table, column, privilege)).fetchone()
        return bool(row[0])

    def set_schema_version(self, version: int) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS salesdocs_schema (version INTEGER NOT NULL)")
        self.conn.execute("DELETE FROM salesdocs_schema")
        self.conn.execute("INSERT INTO salesdocs_schema VALUES (%s)", (version,))


def _numeric_loader() -> Any:
    from psycopg.types.numeric import NumericLoader

    class WholeAsInt(NumericLoader):
        """``SUM(bigint)`` is NUMERIC in PostgreSQL: a whole value is an int (as SQLite gives it)."""

        def load(self, data: Any) -> Any:
            value = super().load(data)
            if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
                return int(value)
            return value

    return WholeAsInt


def open_postgresql(url: str) -> PgDatabase:
    """Connect (autocommit: every write transaction is opened by :meth:`Database.transaction`)."""
    import psycopg

    name = url_display(url)
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="salesdocs")
    except psycopg.Error as exc:
        host = name.split("//", 1)[1].split("/", 1)[0].split("@")[-1]
        why = reason(exc)
        raise RecordsError(
            f"无法连接售后记录数据库 {name}（{why}）；请检查：PostgreSQL 是否在 {host} 上运行并接受连接，"
            "主机名和端口、数据库名、用户名和密码是否正确，pg_hba.conf 是否允许本机连接，防火墙是否放行",
            f"cannot connect to the records database {name} ({why}); check that PostgreSQL is running on {host} "
            "and accepting connections, that the host, port, database name, user and password are right, "
            "that pg_hba.conf allows this machine, and that no firewall is in the way",
        ) from None
    conn.adapters.register_loader("numeric", _numeric_loader())
    return PgDatabase(conn, name)
