"""Importing after-sales records: encodings, headers, validation messages, all-or-nothing, idempotence."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import BACKENDS, fresh_db

from salesdocs.engine.response import response_rule
from salesdocs.errors import RecordsError
from salesdocs.model import Workspace
from salesdocs.records import store
from salesdocs.records.importer import ImportProblems, add_event, add_ticket, import_csv, parse_datetime
from salesdocs.workspace import load_workspace

HEADER = "id,received_at,channel,client,project,service,category,description,first_response_at,resolved_at,resolution,onsite,satisfaction"
HEADER_ZH = "编号,收到时间,渠道,客户,项目,服务,问题类别,描述,首次回复时间,解决时间,处理结果,是否上门,满意度"
EVENT_HEADER = "id,project,deal,client,service,tier,event,at,stage,amount_paid,refund_amount,note"


@pytest.fixture(scope="module")
def ws(pristine_workspace: Path) -> Workspace:
    return load_workspace(pristine_workspace)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a temporary folder so files are named as a user types them (``tickets.csv``)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def row(i: int, **changes: str) -> str:
    day = 8 + i % 20
    values = {
        "id": f"T{i:03d}",
        "received_at": f"2026-10-{day:02d} 10:{i % 60:02d}",
        "channel": "wechat",
        "client": "yunfan-tech",
        "project": "",
        "service": "logo-design",
        "category": "design-style",
        "description": f"第 {i} 个问题",
        "first_response_at": f"2026-10-{day:02d} 11:00",
        "resolved_at": f"2026-10-{day:02d} 16:00",
        "resolution": "已处理",
        "onsite": "no",
        "satisfaction": str(1 + i % 5),
    }
    values.update(changes)
    return ",".join(values[k] for k in HEADER.split(","))


def tickets_csv(n: int = 20, header: str = HEADER, bad: dict[str, dict[str, str]] | None = None) -> str:
    """``n`` good rows T001…; ``bad={"16": {...}}`` changes row T016 (spreadsheet row 17)."""
    lines = [header]
    for i in range(1, n + 1):
        lines.append(row(i, **(bad or {}).get(str(i), {})))
    return "\n".join(lines) + "\n"


def snapshot(db: Path | str) -> list[Any] | None:
    """Everything in the database (SQLite: schema and rows; PostgreSQL: every row), or None when there is no file."""
    if isinstance(db, str):
        pg = store.connect(db)
        try:
            return [
                pg.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("imports", "projects", "project_events", "tickets", "meta")
            ]
        finally:
            pg.close()
    if not db.exists():
        return None
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(params=BACKENDS)
def db(here: Path, ws: Workspace, request: pytest.FixtureRequest) -> Path | str:
    """A database that already holds some records, so 'unchanged' is meaningful (on each backend)."""
    path = fresh_db(request, request.param, here, "records.sqlite")
    (here / "base.csv").write_text(tickets_csv(3).replace("T00", "B00"), encoding="utf-8")
    assert import_csv(ws, "base.csv", "tickets", db=path).added == 3
    return path


def failing(ws: Workspace, name: str, text: str | bytes, db: Path | str, kind: str = "tickets") -> ImportProblems:
    path = Path(name)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = snapshot(db)
    with pytest.raises(ImportProblems) as err:
        import_csv(ws, path, kind, db=db)
    assert snapshot(db) == before, "a failed import changed the database"
    return err.value


# ------------------------------------------------------------------------------ the required cases


def test_bad_date_on_row_17(ws: Workspace, db: Path | str) -> None:
    # a day that does not exist is named so, not as a wrong format
    err = failing(ws, "tickets.csv", tickets_csv(20, bad={"16": {"received_at": "2026-10-32 10:00"}}), db)
    assert err.lines("en") == ["tickets.csv:17: received_at: 2026-10-32 does not exist: October 2026 has 31 days"]
    assert err.lines("zh") == ["tickets.csv:17: received_at: 2026-10-32 这一天不存在：2026 年 10 月只有 31 天"]
    assert err.en.splitlines()[-1] == "nothing imported: 1 problem(s) found; fix them and import again"
    assert err.zh.splitlines()[-1] == "未导入任何记录：发现 1 个问题，请修改后重新导入"
    err = failing(ws, "tickets.csv", tickets_csv(20, bad={"16": {"received_at": "yesterday 10:00"}}), db)
    assert err.lines("en") == ["tickets.csv:17: received_at: not a valid date and time: 'yesterday 10:00' (expected e.g. 2026-10-08 14:30)"]
    assert err.lines("zh") == ["tickets.csv:17: received_at: 不是有效的日期时间：“yesterday 10:00”（应为 2026-10-08 14:30）"]


def test_unknown_category(ws: Workspace, db: Path | str) -> None:
    err = failing(ws, "tickets.csv", tickets_csv(5, bad={"4": {"category": "colour"}}), db)
    assert err.lines("en") == ["tickets.csv:5: category: unknown category 'colour'; known: design-style, source-file, delivery-delay"]
    assert err.lines("zh") == ["tickets.csv:5: category: 未知的问题类别：“colour”；可选：design-style, source-file, delivery-delay"]


def test_category_of_another_service(ws: Workspace, db: Path | str) -> None:
    err = failing(ws, "tickets.csv", tickets_csv(5, bad={"2": {"category": "print-output"}}), db)
    assert err.lines("en") == [
        "tickets.csv:3: category: category print-output does not apply to service logo-design (it applies to: flyer-design, poster-design)"
    ]


def test_satisfaction_6(ws: Workspace, db: Path | str) -> None:
    err = failing(ws, "tickets.csv", tickets_csv(5, bad={"1": {"satisfaction": "6"}}), db)
    assert err.lines("en") == ["tickets.csv:2: satisfaction: satisfaction must be a whole number 1–5 or empty: '6'"]
    assert err.lines("zh") == ["tickets.csv:2: satisfaction: 满意度必须是 1–5 的整数或留空：“6”"]


@pytest.mark.parametrize("value", ["0", "4.5", "五", "-1"])
def test_satisfaction_must_be_1_to_5(ws: Workspace, db: Path | str, value: str) -> None:
    err = failing(ws, "tickets.csv", tickets_csv(2, bad={"1": {"satisfaction": value}}), db)
    assert err.lines("en") == [f"tickets.csv:2: satisfaction: satisfaction must be a whole number 1–5 or empty: '{value}'"]


def test_missing_column(ws: Workspace, db: Path | str) -> None:
    lines = tickets_csv(3).splitlines()
    without = "\n".join(",".join(c for j, c in enumerate(line.split(",")) if j != 1) for line in lines) + "\n"
    err = failing(ws, "tickets.csv", without, db)
    assert err.lines("en") == ["tickets.csv: missing column: received_at"]
    assert err.lines("zh") == ["tickets.csv: 缺少列：received_at（中文表头：收到时间）"]


def test_missing_columns_each_named(ws: Workspace, db: Path | str) -> None:
    err = failing(ws, "tickets.csv", "id,description\nX,y\n", db)
    assert err.lines("en") == [
        f"tickets.csv: missing column: {name}" for name in ("received_at", "channel", "client", "service", "category")
    ]


def test_duplicate_reimport_adds_nothing(ws: Workspace, db: Path | str) -> None:
    Path("tickets.csv").write_text(tickets_csv(20), encoding="utf-8")
    first = import_csv(ws, "tickets.csv", "tickets", db=db)
    assert (first.added, first.skipped, first.conflicts) == (20, 0, [])
    before = snapshot(db)
    again = import_csv(ws, "tickets.csv", "tickets", db=db)
    assert (again.added, again.skipped, again.conflicts, again.import_id) == (0, 20, [], None)
    assert snapshot(db) == before


def test_gbk_file(ws: Workspace, db: Path | str) -> None:
    """What Excel on Chinese Windows writes: GBK, Chinese headers, Chinese names for channels and services."""
    text = (
        "\n".join(
            [
                HEADER_ZH,
                "G1,2026/10/8 14:30,公众号后台,深圳云帆智能科技有限公司（示例）,,LOGO 设计,源文件格式或缺失,印厂要求提供 PDF/X 格式,2026/10/8 14:40,2026/10/9 9:00,补发源文件,否,5",
                "G2,2026-10-09T09:05,售后电话,mingcha-tea,,公众号文章,内容不准确或有错别字,“活动日期”写错,2026-10-09T09:15,,,是,",
            ]
        )
        + "\r\n"
    )
    Path("excel.csv").write_bytes(text.encode("gbk"))
    summary = import_csv(ws, "excel.csv", "tickets", db=db)
    assert (summary.added, summary.by_service) == (2, {"logo-design": 1, "wechat-article": 1})
    conn = store.connect(db)
    got = conn.execute(
        "SELECT external_id, received_at, channel, client, service, category, description, first_response_at, onsite, satisfaction "
        "FROM tickets WHERE external_id LIKE 'G%' ORDER BY external_id"
    ).fetchall()
    assert got == [
        (
            "G1",
            "2026-10-08 14:30:00",
            "wechat-official",
            "yunfan-tech",
            "logo-design",
            "source-file",
            "印厂要求提供 PDF/X 格式",
            "2026-10-08 14:40:00",
            0,
            5,
        ),
        (
            "G2",
            "2026-10-09 09:05:00",
            "phone",
            "mingcha-tea",
            "wechat-article",
            "content-accuracy",
            "“活动日期”写错",
            "2026-10-09 09:15:00",
            1,
            None,
        ),
    ]


def test_gb18030_beyond_gbk(ws: Workspace, db: Path | str) -> None:
    text = HEADER_ZH + "\n" + row(1, id="E1", description="客户名含生僻字 𠮷（GB18030）") + "\n"
    Path("gb.csv").write_bytes(text.encode("gb18030"))
    assert import_csv(ws, "gb.csv", "tickets", db=db).added == 1
    assert store.connect(db).execute("SELECT description FROM tickets WHERE external_id = 'E1'").fetchone() == (
        "客户名含生僻字 𠮷（GB18030）",
    )


def test_bom_file(ws: Workspace, db: Path | str) -> None:
    """UTF-8 with a BOM (Excel's "CSV UTF-8"): the BOM is not part of the first header."""
    Path("bom.csv").write_bytes(b"\xef\xbb\xbf" + tickets_csv(3).replace("T00", "M00").encode("utf-8"))
    summary = import_csv(ws, "bom.csv", "tickets", db=db)
    assert summary.added == 3
    ids = [r[0] for r in store.connect(db).execute("SELECT external_id FROM tickets WHERE external_id LIKE 'M%' ORDER BY 1")]
    assert ids == ["M001", "M002", "M003"]


def test_bom_with_chinese_headers(ws: Workspace, db: Path | str) -> None:
    Path("bom-zh.csv").write_bytes(b"\xef\xbb\xbf" + tickets_csv(2, header=HEADER_ZH).replace("T00", "Z00").encode("utf-8"))
    assert import_csv(ws, "bom-zh.csv", "tickets", db=db).added == 2


# --------------------------------------------------------------------------------- more of the CSV


def test_utf16_tab_separated(ws: Workspace, db: Path | str) -> None:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated."""
    text = tickets_csv(2).replace("T00", "U00").replace(",", "\t")
    Path("unicode.txt").write_bytes(text.encode("utf-16"))
    assert import_csv(ws, "unicode.txt", "tickets", db=db).added == 2


def test_unknown_encoding(ws: Workspace, db: Path | str) -> None:
    Path("bad.csv").write_bytes(HEADER.encode() + b"\n\x80\xff\x80,\n")
    before = snapshot(db)
    with pytest.raises(RecordsError) as err:
        import_csv(ws, "bad.csv", "tickets", db=db)
    assert err.value.en == "bad.csv: unknown text encoding (neither UTF-8 nor GBK/GB18030); save it from Excel as 'CSV UTF-8'"
    assert snapshot(db) == before


def test_empty_and_missing_files(ws: Workspace, db: Path | str) -> None:
    Path("empty.csv").write_bytes(b"")
    with pytest.raises(RecordsError) as err:
        import_csv(ws, "empty.csv", "tickets", db=db)
    assert err.value.en == "empty.csv: the file is empty"
    with pytest.raises(RecordsError) as err:
        import_csv(ws, "nope.csv", "tickets", db=db)
    assert err.value.en == "nope.csv: cannot be read: No such file or directory"


def test_row_numbers_are_spreadsheet_rows(ws: Workspace, db: Path | str) -> None:
    """A cell with line breaks is one spreadsheet row; blank rows are skipped but still counted."""
    lines = tickets_csv(4).splitlines()
    lines[1] = lines[1].replace("第 1 个问题", '"第一行\n第二行\n第三行"')
    lines.insert(3, ",,,,,,,,,,,,")  # a blank spreadsheet row (row 4)
    text = "\n".join(lines).replace(row(4), row(4, resolved_at="yesterday")) + "\n"
    err = failing(ws, "tickets.csv", text, db)
    assert err.lines("en") == ["tickets.csv:6: resolved_at: not a valid date and time: 'yesterday' (expected e.g. 2026-10-08 14:30)"]


def test_every_problem_at_once(ws: Workspace, db: Path | str) -> None:
    bad = {
        "3": {"received_at": "", "channel": "fax"},
        "7": {"client": "nobody", "onsite": "maybe"},
        "9": {"first_response_at": "2026-10-01 09:00"},
    }
    err = failing(ws, "tickets.csv", tickets_csv(10, bad=bad), db)
    assert err.lines("en") == [
        "tickets.csv:4: received_at: is required",
        "tickets.csv:4: channel: unknown channel 'fax'; known: wechat-official, website, phone, wechat",
        "tickets.csv:8: client: unknown client 'nobody'; known: jingyi-parts, mingcha-tea, yunfan-tech",
        "tickets.csv:8: onsite: expected yes or no: 'maybe'",
        "tickets.csv:10: first_response_at: is before received_at 2026-10-17 10:09",
    ]


def test_headers_as_written_name_the_column(ws: Workspace, db: Path | str) -> None:
    text = tickets_csv(2, header=HEADER_ZH, bad={"2": {"satisfaction": "10"}})
    err = failing(ws, "中文表头.csv", text, db)
    assert err.lines("zh") == ["中文表头.csv:3: 满意度: 满意度必须是 1–5 的整数或留空：“10”"]


def test_header_variants_and_extra_columns(ws: Workspace, db: Path | str) -> None:
    header = "工单号,Received At,来源渠道,客户名称,项目编号,Service,类别,问题描述,首次响应时间,解决时间,解决方案,上门,满意度（1-5）,负责人"
    text = tickets_csv(2, header=",".join(header.split(",")[:-1])).replace("T00", "V00")
    lines = text.splitlines()
    lines[0] = header
    lines[1:] = [line + ",张三" for line in lines[1:]]
    Path("variants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_csv(ws, "variants.csv", "tickets", db=db).added == 2


def test_two_headers_for_one_field(ws: Workspace, db: Path | str) -> None:
    err = failing(ws, "tickets.csv", "收到时间,received_at,channel,client,service,category\n", db)
    assert err.lines("en") == ["tickets.csv:1: received_at: means the same as column '收到时间' (both are received_at)"]


def test_same_id_twice_in_a_file(ws: Workspace, db: Path | str) -> None:
    text = tickets_csv(3) + row(2) + "\n" + row(3, description="changed") + "\n"
    err = failing(ws, "tickets.csv", text, db)
    assert err.lines("en") == ["tickets.csv:6: id: id T003 repeats row 4 with different content"]
    Path("ok.csv").write_text(tickets_csv(3) + row(2) + "\n", encoding="utf-8")
    summary = import_csv(ws, "ok.csv", "tickets", db=db)
    assert (summary.added, summary.skipped) == (3, 1)


def test_changed_rows_are_reported_not_applied(ws: Workspace, db: Path | str) -> None:
    Path("v1.csv").write_text(tickets_csv(3), encoding="utf-8")
    import_csv(ws, "v1.csv", "tickets", db=db)
    before = snapshot(db)
    Path("v2.csv").write_text(tickets_csv(3, bad={"2": {"resolved_at": "2026-10-10 18:00"}}), encoding="utf-8")
    summary = import_csv(ws, "v2.csv", "tickets", db=db)
    assert (summary.added, summary.skipped, summary.conflicts) == (0, 3, [(3, "T002")])
    assert snapshot(db) == before


def test_rows_without_ids_get_a_content_hash(ws: Workspace, db: Path | str) -> None:
    text = "\n".join(line.split(",", 1)[1] for line in tickets_csv(4).splitlines()) + "\n"
    Path("noid.csv").write_text(text, encoding="utf-8")
    first = import_csv(ws, "noid.csv", "tickets", db=db)
    assert first.added == 4
    # the same rows in another encoding, with another header language and order: the same tickets
    lines = text.splitlines()
    zh = ",".join(HEADER_ZH.split(",")[1:])
    Path("again.csv").write_bytes(("\n".join([zh, *reversed(lines[1:])]) + "\n").encode("gbk"))
    again = import_csv(ws, "again.csv", "tickets", db=db)
    assert (again.added, again.skipped) == (0, 4)
    ids = [r[0] for r in store.connect(db).execute("SELECT external_id FROM tickets WHERE external_id LIKE 'h:%'")]
    assert len(ids) == 4 and all(len(i) == 26 for i in ids)


def test_too_many_problems_are_counted(ws: Workspace, db: Path | str) -> None:
    text = tickets_csv(250, bad={str(i): {"channel": "fax"} for i in range(1, 251)})
    err = failing(ws, "tickets.csv", text, db)
    lines = err.en.splitlines()
    assert len(lines) == 202
    assert lines[-2:] == ["… and 50 more problem(s) not listed", "nothing imported: 250 problem(s) found; fix them and import again"]


def test_date_formats() -> None:
    assert parse_datetime("2026-10-08 14:30") == "2026-10-08 14:30:00"
    assert parse_datetime("2026-10-08T14:30") == "2026-10-08 14:30:00"
    assert parse_datetime("2026/10/08 14:30") == "2026-10-08 14:30:00"
    assert parse_datetime("2026/10/8 9:05:07") == "2026-10-08 09:05:07"
    assert parse_datetime("2026年10月8日 14:30") == "2026-10-08 14:30:00"
    assert parse_datetime("2026-10-08") is None
    assert parse_datetime("2026-10-08", date_only=True) == "2026-10-08 00:00:00"
    assert parse_datetime("2026-02-30 10:00") is None
    assert parse_datetime("10/08/2026 14:30") is None


def test_ticket_must_agree_with_its_recorded_project(ws: Workspace, db: Path | str) -> None:
    Path("events.csv").write_text(EVENT_HEADER + "\n,P1,,yunfan-tech,logo-design,standard,started,2026-10-01,,3000,,\n", encoding="utf-8")
    import_csv(ws, "events.csv", "events", db=db)
    err = failing(ws, "tickets.csv", tickets_csv(2, bad={"1": {"project": "P1", "client": "mingcha-tea", "service": "poster-design"}}), db)
    assert err.lines("en") == [
        "tickets.csv:2: client: project P1 is for client yunfan-tech, here mingcha-tea",
        "tickets.csv:2: service: project P1 is for service logo-design, here poster-design",
    ]


def test_a_failed_import_creates_no_database(ws: Workspace, here: Path) -> None:
    Path("tickets.csv").write_text(tickets_csv(3, bad={"1": {"satisfaction": "6"}}), encoding="utf-8")
    with pytest.raises(ImportProblems):
        import_csv(ws, "tickets.csv", "tickets", db=here / "new.sqlite")
    assert not (here / "new.sqlite").exists()


def test_imports_are_logged(ws: Workspace, db: Path | str) -> None:
    Path("tickets.csv").write_text(tickets_csv(4), encoding="utf-8")
    summary = import_csv(ws, "tickets.csv", "tickets", db=db)
    conn = store.connect(db)
    assert conn.execute("SELECT kind, source, added, skipped FROM imports WHERE id = ?", (summary.import_id,)).fetchone() == (
        "tickets",
        "tickets.csv",
        4,
        0,
    )
    assert conn.execute("SELECT COUNT(*) FROM tickets WHERE import_id = ?", (summary.import_id,)).fetchone() == (4,)


# ---------------------------------------------------------------------------------------- events


def events_csv(*rows: str) -> str:
    return EVENT_HEADER + "\n" + "\n".join(rows) + "\n"


def test_events_build_projects(ws: Workspace, db: Path | str) -> None:
    text = events_csv(
        ",P1,,yunfan-tech,logo-design,standard,started,2026-10-08 09:00,,3000,,",
        ",P1,,yunfan-tech,logo-design,standard,初稿交付,2026-10-12,,,,",
        ",P1,,yunfan-tech,logo-design,standard,申请修改,2026-10-13 10:00,,,,",
        ",P1,,yunfan-tech,logo-design,standard,小细节修改,2026-10-13 11:00,,,,",
        ",P1,,yunfan-tech,logo-design,standard,大改申请,2026-10-13 12:00,,,,",
        ",P1,,yunfan-tech,logo-design,standard,修改交付,2026-10-14 17:00,,,,",
        ",D1,2026-001-yunfan-launch,,poster-design,standard,started,2026-11-23,,950,,",
    )
    Path("events.csv").write_text(text, encoding="utf-8")
    summary = import_csv(ws, "events.csv", "events", db=db)
    assert (summary.added, summary.projects_new, summary.projects_updated) == (7, 2, 0)
    conn = store.connect(db)
    assert conn.execute(
        "SELECT id, deal, client, service, tier, start, first_draft_at, revisions_used, minor_changes, overhauls_declined, accepted, paid_fen "
        "FROM projects ORDER BY id"
    ).fetchall() == [
        ("D1", "2026-001-yunfan-launch", "yunfan-tech", "poster-design", "standard", "2026-11-23 00:00:00", None, 0, 0, 0, None, 95000),
        ("P1", None, "yunfan-tech", "logo-design", "standard", "2026-10-08 09:00:00", "2026-10-12 00:00:00", 1, 1, 1, None, 300000),
    ]
    # a later export with the same rows plus new ones: the old ones are skipped, the project updated
    Path("later.csv").write_text(text + ",P1,,yunfan-tech,logo-design,standard,验收,2026-10-16 10:00,,,,\n", encoding="utf-8")
    later = import_csv(ws, "later.csv", "events", db=db)
    assert (later.added, later.skipped, later.projects_new, later.projects_updated) == (1, 7, 0, 1)
    assert conn.execute("SELECT accepted, finished_at FROM projects WHERE id = 'P1'").fetchone() == (1, "2026-10-16 10:00:00")


def test_event_history_problems(ws: Workspace, db: Path | str) -> None:
    Path("base.csv").write_text(
        events_csv(
            ",A,,yunfan-tech,logo-design,standard,started,2026-10-01,,3000,,",
            ",A,,yunfan-tech,logo-design,standard,draft-delivered,2026-10-05,,,,",
            ",A,,yunfan-tech,logo-design,standard,accepted,2026-10-09,,,,",
        ),
        encoding="utf-8",
    )
    import_csv(ws, "base.csv", "events", db=db)
    err = failing(
        ws,
        "events.csv",
        events_csv(
            ",A,,yunfan-tech,logo-design,standard,minor-change,2026-10-20,,,,",  # 2: after acceptance
            ",B,,yunfan-tech,logo-design,standard,revision-delivered,2026-10-02,,,,",  # 3: before any draft
            ",C,,mingcha-tea,copywriting,standard,started,2026-10-01,,1500,,",
            ",C,,mingcha-tea,copywriting,standard,draft-delivered,2026-10-02,,,,",
            ",C,,mingcha-tea,copywriting,standard,dissatisfied,2026-10-03,revision-1,,,",  # 6: stage does not match
            ",D,,yunfan-tech,logo-design,standard,started,2026-10-01,,3000,,",
            ",D,,yunfan-tech,logo-design,standard,draft-delivered,2026-10-02,,,,",
            ",D,,yunfan-tech,logo-design,standard,writer-changed,2026-10-03,,,,",  # 9: no designer change
            ",E,,yunfan-tech,logo-design,standard,started,2026-10-01,,3000,,",
            ",E,,yunfan-tech,logo-design,standard,draft-delivered,2026-10-02,,,,",
            ",E,,yunfan-tech,logo-design,standard,refund-paid,2026-10-03,,,2100,",  # 12: no dissatisfaction
            ",F,,yunfan-tech,logo-design,standard,started,2026-10-01,,1000,,",
            ",F,,yunfan-tech,logo-design,standard,draft-delivered,2026-10-02,,,,",
            ",F,,yunfan-tech,logo-design,standard,dissatisfied,2026-10-03,,,,",
            ",F,,yunfan-tech,logo-design,standard,refund-paid,2026-10-04,,,1200,",  # 16: more than paid
            ",G,,,logo-design,standard,started,2026-10-01,,,,",  # 17: new project, no client
            ",H,,yunfan-tech,logo-design,,started,2026-10-01,,,,",  # 18: fine: both tiers share ladder and allowance
            ",A,,yunfan-tech,logo-design,standard,accepted,2026-10-08,,,,",  # 19: back-filled
        ),
        db,
        kind="events",
    )
    assert err.lines("en") == [
        "events.csv:2: event: project A was accepted at 2026-10-09 00:00; no event can follow",
        "events.csv:3: event: project B has no first draft delivered yet",
        "events.csv:6: stage: does not match the records: 0 counted revision(s) delivered before, so the stage is first-draft",
        "events.csv:9: event: no writer/designer change possible: this service offers no writer/designer change",
        "events.csv:12: event: a refund needs a dissatisfied event before it",
        "events.csv:16: refund_amount: refund ¥1,200.00 exceeds the amount paid ¥1,000.00",
        "events.csv:17: client: new project G has no deal, so the client is required",
        "events.csv:19: at: is before the last recorded event of project A (2026-10-09 00:00 accepted); recorded history cannot be back-filled",
    ]


def test_event_row_problems(ws: Workspace, db: Path | str) -> None:
    err = failing(
        ws,
        "events.csv",
        events_csv(
            ",P,nodeal,yunfan-tech,logo-design,standard,started,2026-10-01,,,,",
            ",P,2026-001-yunfan-launch,,copywriting,standard,started,2026-10-01,,,,",
            ",P,2026-001-yunfan-launch,mingcha-tea,logo-design,premium,started,2026-10-01,,,,",
            ",P,,yunfan-tech,logo-design,gold,started,2026-10-01,,,,",
            ",P,,yunfan-tech,logo-design,standard,shipped,2026-10-01,,,,",
            ",P,,yunfan-tech,logo-design,standard,started,tomorrow,,,,",
            ",P,,yunfan-tech,logo-design,standard,started,2026-10-01,revision-1,,,",
            ",P,,yunfan-tech,logo-design,standard,started,2026-10-01,,12.345,5,",
            ",P,,yunfan-tech,logo-design,standard,refund-paid,2026-10-01,,,,",
            ",,,yunfan-tech,,standard,started,2026-10-01,,,,",
        ),
        db,
        kind="events",
    )
    assert err.lines("en") == [
        "events.csv:2: deal: unknown deal 'nodeal'; known: 2026-001-yunfan-launch, 2026-002-mingcha-content, 2026-003-jingyi-expo",
        "events.csv:3: service: deal 2026-001-yunfan-launch has no line for copywriting/standard",
        "events.csv:4: client: deal 2026-001-yunfan-launch is for client yunfan-tech, not mingcha-tea",
        "events.csv:5: tier: service logo-design has no tier gold; choose one of: standard, premium",
        "events.csv:6: event: unknown event type 'shipped'; known: started, draft-delivered, revision-requested, revision-delivered, "
        "minor-change, overhaul-requested, dissatisfied, writer-changed, accepted, refund-paid",
        "events.csv:7: at: not a valid date and time: 'tomorrow' (expected e.g. 2026-10-08 14:30 or 2026-10-08)",
        "events.csv:8: stage: a stage is only given for dissatisfied events",
        "events.csv:9: amount_paid: not a valid amount: '12.345' (≥ 0, at most two decimals)",
        "events.csv:9: refund_amount: a refund amount is only given for refund-paid events",
        "events.csv:10: refund_amount: a refund-paid event needs the refund amount",
        "events.csv:11: project: is required",
        "events.csv:11: service: is required",
    ]


def test_amounts_as_people_type_them(ws: Workspace, db: Path | str) -> None:
    """Amounts go through engine.money.parse_yuan: separators, ¥/元, full-width digits; at most 16 integer digits."""
    Path("paid.csv").write_text(
        events_csv(
            ',M1,,yunfan-tech,logo-design,standard,started,2026-10-01,,"¥1,350.50",,',
            ",M2,,yunfan-tech,logo-design,standard,started,2026-10-01,,１５００元,,",
        ),
        encoding="utf-8",
    )
    assert import_csv(ws, "paid.csv", "events", db=db).added == 2
    conn = store.connect(db)
    assert conn.execute("SELECT id, paid_fen FROM projects ORDER BY id").fetchall() == [("M1", 135050), ("M2", 150000)]
    err = failing(
        ws, "huge.csv", events_csv(",M3,,yunfan-tech,logo-design,standard,started,2026-10-01,,99999999999999999,,"), db, kind="events"
    )
    assert err.lines("en") == ["huge.csv:2: amount_paid: not a valid amount: '99999999999999999' (≥ 0, at most two decimals)"]


def test_copywriting_writer_change(ws: Workspace, db: Path | str) -> None:
    """Copywriting allows one writer change, at the first draft or after revision 2."""
    base = [
        ",W,,mingcha-tea,copywriting,standard,started,2026-10-01,,1500,,",
        ",W,,mingcha-tea,copywriting,standard,draft-delivered,2026-10-02,,,,",
        ",W,,mingcha-tea,copywriting,standard,dissatisfied,2026-10-03,first-draft,,,",
        ",W,,mingcha-tea,copywriting,standard,更换文案师,2026-10-03 12:00,,,,",
        ",W,,mingcha-tea,copywriting,standard,draft-delivered,2026-10-06,,,,",
    ]
    Path("ok.csv").write_text(events_csv(*base), encoding="utf-8")
    assert import_csv(ws, "ok.csv", "events", db=db).added == 5
    err = failing(ws, "again.csv", events_csv(",W,,mingcha-tea,copywriting,standard,writer-changed,2026-10-07,,,,"), db, kind="events")
    assert err.lines("en") == ["again.csv:2: event: no writer/designer change possible: all 1 change(s) already used"]


# ------------------------------------------------------------------------------------ one entry


def test_add_ticket(ws: Workspace, here: Path) -> None:
    db = here / "add.sqlite"
    with pytest.raises(ImportProblems) as err:
        add_ticket(ws, db=db, received_at="2026-10-08 14:30", client="yunfan-tech", satisfaction="9")
    assert err.value.lines("en") == [
        "--channel: is required",
        "--service: is required",
        "--category: is required",
        "--satisfaction: satisfaction must be a whole number 1–5 or empty: '9'",
    ]
    assert err.value.en.splitlines()[-1] == "nothing recorded: 4 problem(s) found"
    assert not db.exists()
    values = dict(received_at="2026-10-08 14:30", channel="phone", client="yunfan-tech", service="logo-design", category="source-file")
    assert add_ticket(ws, db=db, **values).added == 1
    again = add_ticket(ws, db=db, **values)
    assert (again.added, again.skipped) == (0, 1)
    conn = store.connect(db)
    assert conn.execute("SELECT kind, source FROM imports").fetchall() == [("manual", "records add")]


def test_add_event(ws: Workspace, here: Path) -> None:
    db = here / "add.sqlite"
    add_event(ws, db=db, project="Q", client="yunfan-tech", service="poster-design", event="started", at="2026-10-01", amount_paid="1000")
    add_event(ws, db=db, project="Q", service="poster-design", event="draft-delivered", at="2026-10-02 17:00")
    with pytest.raises(ImportProblems) as err:
        add_event(ws, db=db, project="Q", service="poster-design", event="dissatisfied", at="2026-10-03", stage="revision-2")
    assert err.value.lines("en") == [
        "--stage: does not match the records: 0 counted revision(s) delivered before, so the stage is first-draft"
    ]
    add_event(ws, db=db, project="Q", service="poster-design", event="dissatisfied", at="2026-10-03")
    assert store.connect(db).execute("SELECT dissatisfied_stage FROM projects").fetchone() == (0,)


# ---------------------------------------------------------------------------------------- store


def test_store_schema(here: Path) -> None:
    conn = store.connect(here / "s.sqlite")
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (store.SCHEMA_VERSION,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO project_events (external_id, row_hash, project_id, type, at) VALUES ('x', 'h', 'nope', 'started', '2026')"
            )
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO tickets (external_id, row_hash, received_at, channel, client, service, category, satisfaction) "
                "VALUES ('x', 'h', '2026-10-08 10:00:00', 'c', 'c', 's', 'k', 6)"
            )
    finally:
        conn.close()


def test_store_refuses_newer_or_foreign_files(here: Path) -> None:
    newer = here / "newer.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RecordsError) as err:
        store.connect(newer)
    assert "newer than this salesdocs supports" in err.value.en
    junk = here / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RecordsError) as err:
        store.connect(junk)
    assert err.value.en.startswith(f"the records database {junk} cannot be opened:")


def test_db_path(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.ENV_DB, raising=False)
    assert store.db_path(here) == here / "records" / "salesdocs.sqlite"
    assert store.db_path(here, "elsewhere.sqlite") == here / "elsewhere.sqlite"
    monkeypatch.setenv(store.ENV_DB, "/tmp/x.sqlite")
    assert store.default_db_path(here) == Path("/tmp/x.sqlite")


def test_a_tier_is_needed_when_tiers_differ(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    services = workspace / "rules" / "services.yaml"
    text = services.read_text(encoding="utf-8")
    premium = text.index("      - id: premium")
    services.write_text(text[:premium] + text[premium:].replace("refund_ladder: design", "refund_ladder: copywriting", 1), encoding="utf-8")
    other = load_workspace(workspace)
    monkeypatch.chdir(tmp_path)
    Path("events.csv").write_text(events_csv(",H,,yunfan-tech,logo-design,,started,2026-10-01,,,,"), encoding="utf-8")
    with pytest.raises(ImportProblems) as err:
        import_csv(other, "events.csv", "events", db=tmp_path / "r.sqlite")
    assert err.value.lines("en") == ["events.csv:2: tier: service logo-design has several tiers; give the tier: standard, premium"]


def test_a_version_1_database_is_upgraded(here: Path, ws: Workspace) -> None:
    """Migrations run on open: a v1 file (before tickets.response_s) keeps its rows and gains the columns;
    the deadline columns are filled by the response rule on first use (and its fingerprint kept)."""
    path = here / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in store._statements(store.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO tickets (external_id, row_hash, received_at, channel, client, service, category, first_response_at) "
        "VALUES ('K1', 'h', '2026-10-08 10:00:00', 'wechat', 'yunfan-tech', 'logo-design', 'design-style', '2026-10-08 10:12:30')"
    )
    conn.close()
    conn = store.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (store.SCHEMA_VERSION,) == (4,)
        assert conn.execute("SELECT external_id, response_s, response_due FROM tickets").fetchall() == [("K1", 750, None)]
        rule = response_rule(ws.policy)
        store.ensure_derived(conn, rule)
        assert conn.execute("SELECT response_s, response_due, in_hours FROM tickets").fetchall() == [(750, "2026-10-08 10:30:00", 1)]
        assert conn.execute("SELECT value FROM meta WHERE key = 'response_rule'").fetchone() == (rule.fingerprint(),)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert {r[1] for r in conn.execute("PRAGMA index_list(tickets)")} >= {"tickets_received", "tickets_open"}
    finally:
        conn.close()
