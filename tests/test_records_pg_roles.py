"""The database roles of docs/deployment.md, applied as the page gives them: a reader may only read,
and its reports are right even when the stored response deadlines follow an older policy."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import CliResult, edit_file
from pgserver import PgServer

from salesdocs.engine.response import response_rule
from salesdocs.records import store
from salesdocs.records.importer import import_csv
from salesdocs.records.period import resolve_period
from salesdocs.records.stats import aftersales_stats
from salesdocs.workspace import load_workspace

PAGE = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"
HEADER = "id,received_at,channel,client,project,service,category,description,first_response_at,resolved_at,resolution,onsite,satisfaction"


def page_roles_sql() -> str:
    """The SQL block of the page's section on roles."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("### Roles") :]
    return section[section.index("```sql\n") + 7 : section.index("```", section.index("```sql\n") + 7)]


def roles(pg_server: PgServer, url: str, suffix: str) -> tuple[str, str]:
    """Create the page's roles (named with ``suffix``: roles are per cluster) on the database of ``url``;
    the URLs of the writer and the reader."""
    dbname = url.rsplit("/", 1)[1]
    sql = page_roles_sql().replace("salesdocs_writer", f"writer_{suffix}").replace("salesdocs_reader", f"reader_{suffix}")
    sql = sql.replace("ON DATABASE salesdocs ", f"ON DATABASE {dbname} ")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)
    base = url.replace("//salesdocs@", "//{}@")
    return base.format(f"writer_{suffix}"), base.format(f"reader_{suffix}")


def tickets_csv(path: Path) -> Path:
    """Tickets answered after 10 to 80 minutes, in and out of service hours (so the response rule matters)."""
    lines = [HEADER]
    for i in range(60):
        day, hour, wait = 8 + i % 20, (8, 10, 14, 19)[i % 4], 10 + (i * 7) % 71
        received = f"2026-10-{day:02d} {hour:02d}:05"
        h, m = divmod(hour * 60 + 5 + wait, 60)
        lines.append(
            f"R{i:03d},{received},wechat,yunfan-tech,,logo-design,design-style,问题 {i},2026-10-{day:02d} {h:02d}:{m:02d},,,否,{1 + i % 5}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stats(url: str, ws_root: Path) -> dict[str, Any]:
    conn = store.open_existing(url)
    try:
        return aftersales_stats(conn, load_workspace(ws_root).policy, resolve_period("2026-10"))
    finally:
        conn.close()


def stored(url: str) -> tuple[Any, ...]:
    with psycopg.connect(url) as conn:
        fingerprint = conn.execute("SELECT value FROM meta WHERE key = 'response_rule'").fetchone()
        derived = conn.execute("SELECT response_s, response_due, in_hours FROM tickets ORDER BY id").fetchall()
    return fingerprint, derived


def test_a_reader_cannot_change_the_records(pg_server: PgServer, workspace: Path, tmp_path: Path) -> None:
    url = pg_server.database("roles_write")
    store.connect(url).close()  # records migrate, as the owner
    writer, reader = roles(pg_server, url, "w")
    import_csv(load_workspace(workspace), tickets_csv(tmp_path / "t.csv"), "tickets", db=writer)
    with psycopg.connect(reader, autocommit=True) as conn:
        for sql in (
            "UPDATE tickets SET response_s = 60, in_hours = 1",
            "UPDATE meta SET value = 'x'",
            "INSERT INTO meta (key, value) VALUES ('k', 'v')",
            "DELETE FROM tickets",
            "INSERT INTO imports (kind, source, sha256, imported_at, added, skipped) VALUES ('manual', 's', 'h', 't', 0, 0)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone() == (60,)


def test_a_readers_report_follows_a_changed_policy_without_writing(pg_server: PgServer, workspace: Path, tmp_path: Path) -> None:
    url = pg_server.database("roles_report")
    store.connect(url).close()
    writer, reader = roles(pg_server, url, "r")
    import_csv(load_workspace(workspace), tickets_csv(tmp_path / "t.csv"), "tickets", db=writer)
    before = stored(url)
    old = stats(reader, workspace)  # the stored deadlines follow this policy: read as they are
    edit_file(workspace, "rules/aftersales.yaml", "first_response_minutes: 30", "first_response_minutes: 45")
    edit_file(workspace, "rules/aftersales.yaml", 'from: "09:00"', 'from: "09:30"')
    by_reader = stats(reader, workspace)  # stale fingerprint: computed for this connection only
    assert stored(url) == before  # nothing shared was written
    by_writer = stats(writer, workspace)  # the writer stores the new deadlines
    after = stored(url)
    assert after != before and after[0] == (response_rule(load_workspace(workspace).policy).fingerprint(),)
    assert by_reader == by_writer
    assert by_reader["headline"] != old["headline"]  # the policy change moves the figures
    assert stats(reader, workspace) == by_writer  # now current: the stored columns, read as they are


def test_the_page_gives_readers_select_only() -> None:
    sql = page_roles_sql()
    granted_to_reader = [line for line in sql.splitlines() if re.search(r"\bTO\b.*salesdocs_reader", line)]
    assert granted_to_reader == [
        "GRANT CONNECT, TEMPORARY ON DATABASE salesdocs TO salesdocs_writer, salesdocs_reader;  -- reports use TEMP tables",
        "GRANT USAGE ON SCHEMA public TO salesdocs_writer, salesdocs_reader;",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO salesdocs_reader;",
    ]


def test_only_the_owner_marks_ids_erased(pg_server: PgServer, workspace: Path, tmp_path: Path) -> None:
    url = pg_server.database("roles_erased")
    store.connect(url).close()
    writer, _ = roles(pg_server, url, "e")
    with psycopg.connect(url, autocommit=True) as owner:  # the owner erased R001 on a person's request
        owner.execute("INSERT INTO erased (kind, external_id) VALUES ('tickets', 'R001')")
    summary = import_csv(load_workspace(workspace), tickets_csv(tmp_path / "t.csv"), "tickets", db=writer)
    assert (summary.added, summary.erased) == (59, 1)  # the writer's import reads the table and skips the id
    with psycopg.connect(writer, autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO erased (kind, external_id) VALUES ('tickets', 'R002')")  # but may not add to it


def test_a_readers_write_attempt_says_the_role_is_read_only(
    pg_server: PgServer, run_cli: Callable[..., CliResult], workspace: Path, tmp_path: Path
) -> None:
    url = pg_server.database("roles_denied")
    store.connect(url).close()
    _, reader = roles(pg_server, url, "d")
    csv = tickets_csv(tmp_path / "t.csv")
    shown = store.display(reader)
    r = run_cli("-w", workspace, "records", "import", csv, "--kind", "tickets", "--db", reader, "--lang", "en")
    assert (r.exit_code, r.out) == (1, "")
    assert r.err == (
        f"the records database {shown} failed: permission denied for table meta; this database role is read-only "
        "(importing and adding records need a role that may write)\n"
    )
    r = run_cli("-w", workspace, "records", "import", csv, "--kind", "tickets", "--db", reader, "--lang", "zh")
    assert (
        r.err
        == f"售后记录数据库 {shown} 出错：permission denied for table meta；当前数据库角色只能读取（导入和录入记录需要有写入权限的角色）\n"
    )


def test_a_writer_on_an_unmigrated_database_is_told_to_migrate_as_the_owner(
    pg_server: PgServer, run_cli: Callable[..., CliResult], workspace: Path, tmp_path: Path
) -> None:
    url = pg_server.database("roles_unmigrated")
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:  # the roles exist, the tables not yet
        conn.execute(f"CREATE ROLE early_writer LOGIN; GRANT CONNECT, TEMPORARY ON DATABASE {dbname} TO early_writer")
        conn.execute("GRANT USAGE ON SCHEMA public TO early_writer")
    writer = url.replace("//salesdocs@", "//early_writer@")
    shown = store.display(writer)
    csv = tickets_csv(tmp_path / "t.csv")
    r = run_cli("-w", workspace, "records", "import", csv, "--kind", "tickets", "--db", writer, "--lang", "en")
    assert (r.exit_code, r.out) == (1, "")
    assert r.err == (
        f"the records database {shown} has no tables yet or needs an upgrade, and this role may not change its schema "
        "(permission denied for schema public); run salesdocs records migrate as the database's owner\n"
    )
    r = run_cli("-w", workspace, "records", "import", csv, "--kind", "tickets", "--db", writer, "--lang", "zh")
    assert r.err == (
        f"售后记录数据库 {shown} 还没有建表或需要升级，而当前角色无权修改表结构（permission denied for schema public）；"
        "请以数据库所有者的身份运行 salesdocs records migrate\n"
    )
