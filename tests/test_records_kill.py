"""A process killed (SIGKILL) in the middle of an import leaves the database consistent and without its rows,
on both backends.

SQLite: the importer writes 200,000 tickets in one ``BEGIN IMMEDIATE`` transaction.  The test waits
until that transaction holds the write lock *and* has already pushed rows into the WAL file
(more than the page cache holds), kills the process with SIGKILL, then opens the database:
``PRAGMA integrity_check`` is ``ok`` and not one row of the killed import is there, while the
records that were there before are intact.  (Its watch is the WAL file and SQLite's write lock:
SQLite only.)

PostgreSQL: the import is killed while its COPY runs, inside the import's transaction; the server
rolls it back, and the session advisory lock that serializes imports is free again.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pgserver import PgServer

import salesdocs
from salesdocs.records import store
from salesdocs.records.importer import import_csv
from salesdocs.workspace import load_workspace

SOURCE = Path(salesdocs.__file__).resolve().parent.parent  # put on PYTHONPATH for the child processes
ROWS = 200_000
HEADER = "id,received_at,channel,client,project,service,category,description,first_response_at,resolved_at,resolution,onsite,satisfaction"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def big_csv(path: Path, n: int, prefix: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for i in range(n):
            day, minute = 1 + i % 28, i % 600
            f.write(
                f"{prefix}{i:07d},2026-09-{day:02d} {9 + minute // 60:02d}:{minute % 60:02d},wechat,yunfan-tech,,logo-design,"
                f"design-style,第 {i} 个问题：配色与品牌调性不符，需要调整,2026-09-{day:02d} {9 + minute // 60:02d}:{minute % 60:02d},,,否,{1 + i % 5}\n"
            )


def import_process(ws: Path, csv: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    argv = [sys.executable, "-m", "salesdocs", "-w", str(ws), "records", "import", str(csv), "--kind", "tickets"]
    return subprocess.Popen([*argv, "--db", url, "--format", "json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_when(proc: subprocess.Popen[Any], ready: Callable[[], bool], *, within: float, pause: float) -> tuple[bool, Any, Any]:
    """SIGKILL ``proc`` as soon as ``ready()`` (polled every ``pause`` s for ``within`` s): (killed, stdout, stderr)."""
    killed = False
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if ready():
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(pause)
    finally:
        if proc.poll() is None and not killed:
            proc.kill()
        out, err = proc.communicate(timeout=60)
    return killed, out, err


def writer_active(db: Path) -> bool:
    """True while another connection holds the write lock (BEGIN IMMEDIATE cannot start)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    else:
        conn.execute("ROLLBACK")
        return False
    finally:
        conn.close()


def test_sigkill_mid_import_leaves_nothing_behind_in_sqlite(pristine_workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite"
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    big_csv(small, 50, "OLD")
    big_csv(big, ROWS, "NEW")
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    command = [sys.executable, "-m", "salesdocs", "--lang", "en", "records", "import"]
    done = subprocess.run(
        [*command, str(small), "--kind", "tickets", "--db", str(db), "-w", str(pristine_workspace)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT COUNT(*), MAX(id) FROM tickets").fetchone()
    imports_before = conn.execute("SELECT COUNT(*) FROM imports").fetchone()
    conn.close()
    assert before[0] == 50

    proc = subprocess.Popen(
        [*command, str(big), "--kind", "tickets", "--db", str(db), "-w", str(pristine_workspace)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wal = Path(f"{db}-wal")
    # in the transaction, with rows already spilled from the page cache into the WAL
    killed_in_transaction, out, err = kill_when(
        proc, lambda: wal.exists() and wal.stat().st_size > 4_000_000 and writer_active(db), within=180, pause=0.005
    )
    assert killed_in_transaction, f"the import was not caught mid-transaction (rc={proc.returncode}): {out!r} {err!r}"
    assert proc.returncode == -signal.SIGKILL
    assert b"added" not in out  # it never got to its summary

    conn = store.connect(db)  # opening recovers: the uncommitted WAL frames are discarded
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*), MAX(id) FROM tickets").fetchone() == before
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE external_id LIKE 'NEW%'").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM imports").fetchone() == imports_before
    finally:
        conn.close()


def test_sigkill_mid_copy_leaves_nothing_behind_in_postgresql(pg_server: PgServer, pristine_workspace: Path, tmp_path: Path) -> None:
    """Killed while its COPY runs (inside the import's transaction): not one row is there, and the
    write lock is free again (the next import succeeds)."""
    url = pg_server.database("kill")
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    big_csv(small, 50, "OLD")
    big_csv(big, 100_000, "NEW")
    ws = load_workspace(pristine_workspace)
    assert import_csv(ws, small, "tickets", db=url).added == 50
    proc = import_process(pristine_workspace, big, url)
    watch = psycopg.connect(url, autocommit=True)
    copying = "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'COPY tickets%' AND state = 'active'"
    try:
        killed, out, err = kill_when(proc, lambda: watch.execute(copying).fetchone() == (1,), within=240, pause=0.01)
    finally:
        watch.close()
    assert killed, f"the import was not caught mid-COPY (rc={proc.returncode}): {out!r} {err!r}"
    conn = store.connect(url)
    try:
        deadline = time.monotonic() + 30  # the server notices the closed socket and rolls back
        while conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'COPY tickets%'").fetchone() != (0,):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone() == (50,)
        assert conn.execute("SELECT COUNT(*) FROM imports").fetchone() == (1,)
    finally:
        conn.close()
    big_csv(small, 60, "OLD")
    assert import_csv(ws, small, "tickets", db=url).added == 10
