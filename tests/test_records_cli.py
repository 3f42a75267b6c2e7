"""`salesdocs records import | add | list` on the command line (in-process, through salesdocs.cli.main),
with ``--db`` a SQLite file and a PostgreSQL URL (the ``db`` fixture)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest
from conftest import BACKENDS, fresh_db

from salesdocs.cli import main
from salesdocs.records import store

HEADER = "id,received_at,channel,client,project,service,category,description,first_response_at,resolved_at,resolution,onsite,satisfaction"
ROWS = [
    "T1,2026-10-08 14:30,wechat,yunfan-tech,,logo-design,source-file,缺源文件,2026-10-08 14:50,2026-10-09 10:00,已补发,否,5",
    "T2,2026-10-09 09:05,公众号后台,mingcha-tea,,公众号文章,originality,转载出处,2026-10-09 09:50,,,否,",
    "T3,2026-10-20 16:00,phone,jingyi-parts,,copywriting,content-accuracy,错别字,,,,否,",
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out, err = capsys.readouterr()
    assert isinstance(exit_.value.code, int), exit_.value.code
    return exit_.value.code, out, err


@pytest.fixture
def here(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder: tickets.csv, and the fixture agency workspace in ws/ (``workspace``)."""
    assert workspace == tmp_path / "ws"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESDOCS_RECORDS_DB", raising=False)
    Path("tickets.csv").write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    return tmp_path


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, here: Path) -> str:
    """``--db``: ``r.sqlite`` in the current folder, or a new database in the session's PostgreSQL cluster."""
    return "r.sqlite" if request.param == "sqlite" else str(fresh_db(request, "postgresql", here, "cli"))


def common(db: str, *more: str) -> list[str]:
    return ["-w", "ws", "--db", db, *more]


def test_import_summary_and_reimport(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["records", "import", "tickets.csv", "--kind", "tickets", *common(db, "--lang", "zh")], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        "已导入 tickets.csv（工单）：新增 3 条，跳过 0 条（已记录）",
        "  时间范围：2026-10-08 14:30 至 2026-10-20 16:00",
        "  按服务：LOGO 设计 1、公众号文章 1、文案撰写 1",
    ]
    if db == "r.sqlite":  # a file's place: SQLite only
        assert (here / "r.sqlite").is_file()  # a relative --db is relative to the current folder
        assert not (here / "ws" / "r.sqlite").exists()  # not relative to the workspace
    code, out, _ = run(["records", "import", "tickets.csv", "--kind", "tickets", *common(db, "--lang", "en")], capsys)
    assert code == 0 and out.startswith("imported tickets.csv (tickets): 0 added, 3 skipped (already recorded)")


def test_import_json(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["records", "import", "tickets.csv", "--kind", "tickets", *common(db, "--format", "json")], capsys)
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("kind", "source", "rows", "added", "skipped", "first", "last")} == {
        "kind": "tickets",
        "source": "tickets.csv",
        "rows": 3,
        "added": 3,
        "skipped": 0,
        "first": "2026-10-08 14:30",
        "last": "2026-10-20 16:00",
    }


def test_import_problems_exit_1_without_traceback(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    Path("bad.csv").write_text(HEADER + "\n" + ROWS[0].replace(",5", ",6") + "\n", encoding="utf-8")
    code, out, err = run(["records", "import", "bad.csv", "--kind", "tickets", *common(db, "--lang", "both")], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "bad.csv:2: satisfaction: 满意度必须是 1–5 的整数或留空：“6”",
        "未导入任何记录：发现 1 个问题，请修改后重新导入",
        "bad.csv:2: satisfaction: satisfaction must be a whole number 1–5 or empty: '6'",
        "nothing imported: 1 problem(s) found; fix them and import again",
    ]
    assert "Traceback" not in err


def test_import_needs_a_kind(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        [
            "records",
            "import",
            "tickets.csv",
            *common(
                db,
            ),
        ],
        capsys,
    )
    assert code == 2 and "--kind" in err


def test_add_and_list(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(
        [
            "records",
            "import",
            "tickets.csv",
            "--kind",
            "tickets",
            *common(
                db,
            ),
        ],
        capsys,
    )
    code, out, _ = run(
        [
            "records",
            "add",
            "ticket",
            "--received-at",
            "2026-10-21 10:00",
            "--channel",
            "website",
            "--client",
            "yunfan-tech",
            "--service",
            "poster-design",
            "--category",
            "print-output",
            "--onsite",
            "是",
            *common(db, "--lang", "en"),
        ],
        capsys,
    )
    assert code == 0 and out.startswith("recorded tickets: 1 added, 0 skipped")
    code, out, err = run(["records", "add", "ticket", "--received-at", "2026-10-21", *common(db, "--lang", "en")], capsys)
    assert code == 1 and err.splitlines()[0] == "--received-at: not a valid date and time: '2026-10-21' (expected e.g. 2026-10-08 14:30)"
    code, out, _ = run(["records", "list", "--open", *common(db, "--lang", "en")], capsys)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "id",
        "received_at",
        "client",
        "service",
        "category",
        "first_response_minutes",
        "status",
        "satisfaction",
        "project",
    ]
    assert [line.split()[0] for line in lines[2:-1]] == ["T2", "T3", lines[4].split()[0]]
    assert lines[2].split()[6:8] == ["45", "open"] and lines[3].split()[6] == "—"  # received_at takes two words
    assert lines[-1] == "3 in all"
    code, out, _ = run(
        ["records", "list", "--from", "2026-10-09", "--to", "2026-10-09", *common(db, "--lang", "zh", "--format", "json")], capsys
    )
    data = json.loads(out)
    assert [t["id"] for t in data["items"]] == ["T2"] and data["items"][0]["status"] == "open"
    code, out, _ = run(["records", "list", "--limit", "1", *common(db, "--lang", "zh")], capsys)
    assert out.splitlines()[-1] == "共 4 条，显示前 1 条（--limit 0 显示全部）"
    assert "已解决" in out.splitlines()[2]


def test_add_event_and_list_projects(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "records",
            "add",
            "event",
            "--project",
            "P9",
            "--client",
            "yunfan-tech",
            "--service",
            "logo-design",
            "--tier",
            "premium",
            "--event",
            "started",
            "--at",
            "2026-10-01",
            "--amount-paid",
            "6800",
            *common(db, "--lang", "en"),
        ],
        capsys,
    )
    assert code == 0 and "projects: 1 new, 0 updated" in out
    code, out, _ = run(["records", "list", "--kind", "projects", *common(db, "--lang", "zh")], capsys)
    assert out.splitlines()[2].split()[:6] == ["P9", "—", "yunfan-tech", "logo-design", "premium", "2026-10-01"]
    assert "进行中" in out
    conn = store.connect(here / db if db == "r.sqlite" else db)
    try:
        assert conn.execute("SELECT paid_fen FROM projects").fetchone() == (680000,)
    finally:
        conn.close()


def test_no_database_yet(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["records", "list", *common(db, "--lang", "en")], capsys)
    shown = here / db if db == "r.sqlite" else db
    assert (code, err) == (1, f"no after-sales records yet ({shown} does not exist); import some with salesdocs records import\n")
    assert not (here / "r.sqlite").exists()  # nothing created by a reader (SQLite: no file; PostgreSQL: no tables, below)
    if db != "r.sqlite":
        assert not store.records_exist(here, db)


def test_migrate_creates_the_tables_and_nothing_else(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`records migrate`: what the owner of a PostgreSQL database runs before granting the other roles (deployment.md)."""
    code, out, err = run(["records", "migrate", *common(db, "--lang", "en")], capsys)
    shown = here / db if db == "r.sqlite" else db
    assert (code, out, err) == (0, f"records database {shown}: created the tables (schema version {store.SCHEMA_VERSION})\n", "")
    code, out, _ = run(["records", "list", *common(db, "--lang", "zh")], capsys)
    assert (code, out) == (0, "没有符合条件的记录\n")  # the tables are there, empty
    code, out, err = run(["records", "migrate", *common(db, "--lang", "zh")], capsys)
    assert (code, out, err) == (0, f"售后记录数据库 {shown}：表结构版本 {store.SCHEMA_VERSION}（已是最新）\n", "")
    code, out, _ = run(["records", "migrate", *common(db, "--format", "json")], capsys)
    assert (code, json.loads(out)) == (0, {"db": str(shown), "schema_version": store.SCHEMA_VERSION, "previous_version": 4})


def test_migrate_says_what_it_did(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = here / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in store._statements(store.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    code, out, err = run(["records", "migrate", *common(str(path), "--lang", "zh")], capsys)
    assert (code, out, err) == (0, f"售后记录数据库 {path}：表结构已从版本 1 升级到 {store.SCHEMA_VERSION}\n", "")
    fresh = here / "new.sqlite"
    code, out, err = run(["records", "migrate", *common(str(fresh), "--lang", "zh")], capsys)
    assert (code, out, err) == (0, f"售后记录数据库 {fresh}：已建立表（表结构版本 {store.SCHEMA_VERSION}）\n", "")


def deletion_sql(client: str) -> str:
    """The deletion procedure of docs/deployment.md for ``client``, without the final VACUUM."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text[text.index("### Deleting a person's data") :]
    start = section.index("```sql\n") + 7
    block = section[start : section.index("```", start)]
    return block[: block.index("COMMIT;") + 7].replace("'CLIENT'", f"'{client}'")


def test_rows_erased_on_request_are_not_imported_again(here: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    Path("events.csv").write_text(
        "id,project,client,service,tier,event,at,amount_paid,refund_amount,note\n"
        "E1,P1,yunfan-tech,logo-design,standard,started,2026-09-01 10:00,,,\n"
        "E2,P1,yunfan-tech,logo-design,standard,初稿交付,2026-09-02 10:00,,,\n",
        encoding="utf-8",
    )
    assert run(["records", "import", "events.csv", "--kind", "events", *common(db)], capsys)[0] == 0
    assert run(["records", "import", "tickets.csv", "--kind", "tickets", *common(db)], capsys)[0] == 0
    sql = deletion_sql("yunfan-tech")
    if db == "r.sqlite":
        conn = sqlite3.connect(here / db, isolation_level=None)
        conn.executescript(sql)
        conn.close()
    else:
        with psycopg.connect(db, autocommit=True) as pg:
            pg.execute(sql)
    shown = here / db if db == "r.sqlite" else db
    code, out, err = run(["records", "import", "tickets.csv", "--kind", "tickets", *common(db, "--lang", "en")], capsys)
    assert (code, err) == (0, "")
    assert out == (
        "imported tickets.csv (tickets): 0 added, 2 skipped (already recorded)\n"
        "  skipped 1 row(s) erased on request\n"
        f"  database: {shown}\n"
    )
    code, out, _ = run(["records", "import", "events.csv", "--kind", "events", *common(db, "--lang", "zh")], capsys)
    assert (code, out) == (
        0,
        f"已导入 events.csv（项目事件）：新增 0 条，跳过 0 条（已记录）\n  跳过 2 条已按要求删除的记录\n  数据库：{shown}\n",
    )
    code, out, _ = run(["records", "import", "tickets.csv", "--kind", "tickets", *common(db, "--format", "json")], capsys)
    assert {k: json.loads(out)[k] for k in ("added", "skipped", "erased")} == {"added": 0, "skipped": 2, "erased": 1}
    code, out, _ = run(["records", "list", "--kind", "projects", *common(db, "--format", "json")], capsys)
    assert json.loads(out)["items"] == []  # the project is gone and stays gone
    code, out, _ = run(["records", "list", "--kind", "tickets", *common(db, "--format", "json")], capsys)
    assert sorted(i["id"] for i in json.loads(out)["items"]) == ["T2", "T3"]
