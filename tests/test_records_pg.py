"""Records in PostgreSQL: the schema, two importers at once, an unreachable database, and every
command that reads or writes records taking ``--db postgresql://…``.

(The records suites run on both backends — ``records_backend``, ``new_records_db`` or their own
``db`` fixture — and test_records_kill.py has the SIGKILL during COPY; this module is about what
only PostgreSQL has.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult
from pgserver import PgServer, free_port
from test_records_kill import big_csv, import_process

from salesdocs.engine.response import response_rule
from salesdocs.errors import RecordsError
from salesdocs.records import store
from salesdocs.records.importer import import_csv
from salesdocs.workspace import load_workspace


def test_schema_and_migrations(pg_server: PgServer, pristine_workspace: Path) -> None:
    url = pg_server.database("schema")
    conn = store.connect(url)
    try:
        assert conn.dialect == "postgresql" and conn.schema_version() == store.SCHEMA_VERSION == 4
        collations = {
            c
            for (c,) in conn.execute(
                "SELECT DISTINCT collation_name FROM information_schema.columns WHERE table_name = 'tickets' AND data_type = 'text'"
            )
        }
        assert collations == {"C"}  # ORDER BY is byte order, as in SQLite
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(
                "INSERT INTO tickets (external_id, row_hash, received_at, channel, client, service, category, satisfaction) "
                "VALUES ('X', 'h', '2026-10-08 10:00:00', 'phone', 'c', 's', 'k', 6)"
            )
        store.ensure_derived(conn, response_rule(load_workspace(pristine_workspace).policy))
        assert conn.execute("SELECT COUNT(*) FROM meta").fetchone() == (1,)
    finally:
        conn.close()
    again = store.connect(url)  # opening an up-to-date database migrates nothing
    try:
        assert again.schema_version() == store.SCHEMA_VERSION
    finally:
        again.close()


def test_two_processes_import_the_same_file_at_once(pg_server: PgServer, workspace: Path, tmp_path: Path) -> None:
    """Both succeed; the rows are there once: one process added them all, the other skipped them all."""
    csv = tmp_path / "tickets.csv"
    big_csv(csv, 20_000, "C")
    url = pg_server.database("concurrent")
    procs = [import_process(workspace, csv, url) for _ in range(2)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert (p.returncode, err) == (0, "")
        results.append(json.loads(out))
    assert sorted((r["added"], r["skipped"]) for r in results) == [(0, 20_000), (20_000, 0)]
    conn = store.connect(url)
    try:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT external_id) FROM tickets").fetchone() == (20_000, 20_000)
        assert conn.execute("SELECT COUNT(*) FROM imports").fetchone() == (1,)
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE response_due IS NULL").fetchone() == (0,)
    finally:
        conn.close()


def test_an_unreachable_database_is_named_with_what_to_check(run_cli: Callable[..., CliResult], workspace: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://someone:secret@127.0.0.1:{port}/records"
    (tmp_path / "t.csv").write_text(
        "id,received_at,channel,client,service,category\nU1,2026-10-08 10:00,phone,yunfan-tech,logo-design,design-style\n",
        encoding="utf-8",
    )
    r = run_cli("-w", workspace, "records", "import", tmp_path / "t.csv", "--kind", "tickets", "--db", url, "--lang", "en")
    assert r.exit_code == 1 and r.out == "" and "Traceback" not in r.err
    assert r.err.startswith(f"cannot connect to the records database postgresql://someone@127.0.0.1:{port}/records (")
    assert f"check that PostgreSQL is running on 127.0.0.1:{port} and accepting connections" in r.err
    reason = f'connection to server at "127.0.0.1", port {port} failed: Connection refused'  # libpq's reason, one clean line
    assert r.err.startswith(f"cannot connect to the records database postgresql://someone@127.0.0.1:{port}/records ({reason}); check")
    assert "\t" not in r.err and "Is the server running" not in r.err
    assert "secret" not in r.err
    r = run_cli("-w", workspace, "records", "list", "--db", url, "--lang", "zh")
    assert r.exit_code == 1 and r.err.startswith(
        f"无法连接售后记录数据库 postgresql://someone@127.0.0.1:{port}/records（{reason}）；请检查"
    )
    assert "请检查：PostgreSQL 是否在" in r.err and "secret" not in r.err


def test_a_refusing_database_is_named(pg_server: PgServer, pristine_workspace: Path) -> None:
    ws = load_workspace(pristine_workspace)
    missing = pg_server.url("no_such_database")
    with pytest.raises(RecordsError) as err:
        import_csv(ws, Path(__file__).parent / "fixtures" / "none.csv", "tickets", db=missing)
    assert "none.csv" in err.value.en  # the file is read first: nothing reaches the database
    with pytest.raises(RecordsError) as err:
        store.connect(missing)
    assert err.value.en.startswith(f"cannot connect to the records database {missing} (")
    assert 'database "no_such_database" does not exist' in err.value.en


def test_no_records_yet_in_an_empty_database(pg_server: PgServer) -> None:
    url = pg_server.database("empty")
    with pytest.raises(RecordsError) as err:
        store.open_existing(url)
    assert err.value.en == f"no after-sales records yet ({url} does not exist); import some with salesdocs records import"
    assert not store.records_exist(Path("/nonexistent"), url)


def test_every_records_command_takes_the_url(
    pg_server: PgServer, run_cli: Callable[..., CliResult], workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(store.ENV_DB, raising=False)
    url = pg_server.database("commands")
    events = tmp_path / "events.csv"
    events.write_text(
        "id,project,client,service,tier,event,at,amount_paid,refund_amount,note\n"
        "E1,P1,yunfan-tech,logo-design,standard,started,2026-09-01 10:00,,,\n"
        "E2,P1,yunfan-tech,logo-design,standard,初稿交付,2026-09-02 10:00,,,\n"
        "E3,P1,yunfan-tech,logo-design,standard,dissatisfied,2026-09-03 10:00,3000,,\n",
        encoding="utf-8",
    )
    w = ("-w", workspace, "--db", url, "--lang", "en")
    assert run_cli("records", "import", events, "--kind", "events", *w).exit_code == 0
    r = run_cli(
        "records", "add", "ticket", "--received-at", "2026-10-08 10:00", "--channel", "phone", "--client", "yunfan-tech",
        "--service", "logo-design", "--category", "design-style", *w,
    )  # fmt: skip
    assert r.exit_code == 0, r.err
    r = run_cli("records", "list", "--kind", "projects", *w, "--format", "json")
    assert [i["id"] for i in json.loads(r.out)["items"]] == ["P1"]
    r = run_cli("refund", "--project", "P1", *w)
    assert r.exit_code == 0 and r.out.startswith("logo-design/standard, unsatisfied first draft: refund 70% of ¥3,000.00 = ¥2,100.00")
    out = tmp_path / "a.pdf"
    r = run_cli("render", "aftersales", "2026-10", "-o", out, *w)
    assert r.exit_code == 0 and out.is_file(), r.err
    assert os.environ.get(store.ENV_DB) is None  # --db is this invocation's only
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "commands_" in text.replace("\n", "")  # the report names the database it read


def test_one_query_text_for_both_engines() -> None:
    """SQLite's marks become psycopg's; quoted text keeps its colons and its percent signs stay literal."""
    from salesdocs.records.database import _pg_sql

    sql = "SELECT a FROM t WHERE x = ? AND y LIKE '50%' AND z < :hi AND w = '00:00:00'"
    assert _pg_sql(sql) == "SELECT a FROM t WHERE x = %s AND y LIKE '50%%' AND z < %(hi)s AND w = '00:00:00'"


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


TICKETS = (
    "id,received_at,channel,client,service,category,description,first_response_at,resolved_at,satisfaction\n"
    "V1,2026-09-08 10:00,phone,acme,logo-design,design-style,配色不满意,2026-09-08 10:20,2026-09-09 12:00,4\n"
    "V2,2026-10-12 11:00,phone,acme,logo-design,design-style,字体太细,2026-10-12 15:00,,\n"
    "V3,2026-10-20 09:30,phone,acme,logo-design,design-style,要源文件,,,\n"
)


def test_visit_pack_and_build_read_the_same_records_from_postgresql(
    pg_server: PgServer,
    run_cli: Callable[..., CliResult],
    make_workspace: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`render visit-pack --db URL` and `build --db URL`: the brief and the after-sales report show, word for
    word, what they show from the same records in SQLite (only the database's name differs)."""
    monkeypatch.delenv(store.ENV_DB, raising=False)
    root = make_workspace("minimal")
    (tmp_path / "t.csv").write_text(TICKETS, encoding="utf-8")
    sqlite, url = tmp_path / "r.sqlite", pg_server.database("same")
    texts: dict[str, dict[str, str]] = {}
    for name, db in (("sqlite", str(sqlite)), ("postgresql", url)):
        w = ("-w", root, "--db", db, "--lang", "en")
        assert run_cli("records", "import", tmp_path / "t.csv", "--kind", "tickets", *w).exit_code == 0
        pack = tmp_path / f"pack-{name}"
        r = run_cli("render", "visit-pack", "acme", "-o", pack, *w)
        assert r.exit_code == 0, r.err
        out = tmp_path / f"out-{name}"
        r = run_cli("build", "-o", out, *w)
        assert r.exit_code == 0 and "done: 6 written, 0 skipped (unchanged), 0 failed" in r.out, r.out + r.err
        [report] = out.glob("aftersales-*.pdf")
        report_text = "".join(_text(report).split())  # the line breaks move with the database's name
        texts[name] = {
            "pack brief": _text(pack / "brief.pdf"),
            "build brief": _text(out / "visit-packs" / "acme" / "brief.pdf"),
            "report": re.sub("售后记录[^（]*（共", "售后记录 DB（共", report_text),
            "database": re.findall("售后记录([^（]*)（共", report_text)[0],
        }
    assert "字体太细" in texts["postgresql"]["pack brief"] and "要源文件" in texts["postgresql"]["build brief"]  # the records are there
    assert texts["postgresql"].pop("database") == url.rsplit("/", 1)[1]  # the report names the database it read
    assert texts["sqlite"].pop("database") == "r.sqlite"
    assert "售后记录 DB（共3条工单，2026-09-08至2026-10-20；0个项目）" in texts["postgresql"]["report"]
    assert texts["postgresql"] == texts["sqlite"]
