"""``salesdocs records …``: import, add, list, migrate.

(``salesdocs render aftersales`` is in :mod:`salesdocs.cli.render`; ``salesdocs refund
--project`` in :mod:`salesdocs.cli.engine`.)  Each command parses its arguments, calls one
library function and prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from salesdocs.cli.session import common, lang, load, print_json, records_db_option, say
from salesdocs.model import Workspace

db_option = records_db_option


@click.group()
def records() -> None:
    """售后记录：导入、登记、列出 / after-sales records: import, add, list."""


# ------------------------------------------------------------------------- import


@records.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind", type=click.Choice(["tickets", "events"]), required=True, help="工单 tickets 或项目事件 events / what the file holds"
)
@db_option
@common
def import_(file: Path, kind: str, db: Path | str | None, fmt: str) -> int:
    """从 CSV 导入（全部导入或全部不导入）/ import a CSV (all rows or none)."""
    from salesdocs.records.importer import import_csv

    ws = load()
    summary = import_csv(ws, file, kind, db=db)
    if fmt == "json":
        print_json(summary.to_json())
        return 0
    click.echo(_summary_text(summary, ws))
    return 0


def _names(ws: Workspace, kind: str, counts: dict[str, int]) -> tuple[str, str]:
    from salesdocs.records.events import EVENT_ZH

    if kind == "tickets":
        zh = "、".join(f"{(s.name if (s := ws.policy.service(k)) else k)} {v}" for k, v in counts.items())
    else:
        zh = "、".join(f"{EVENT_ZH.get(k, k)} {v}" for k, v in counts.items())
    en = ", ".join(f"{k} {v}" for k, v in counts.items())
    return zh, en


def _summary_text(s: Any, ws: Workspace) -> str:
    what_zh = "工单" if s.kind == "tickets" else "项目事件"
    source = s.source if s.source != "records add" else ""
    done_zh = f"已导入 {source}（{what_zh}）" if source else f"已登记{what_zh}"
    done_en = f"imported {source} ({s.kind})" if source else f"recorded {s.kind}"
    lines = [
        say(
            f"{done_zh}：新增 {s.added} 条，跳过 {s.skipped} 条（已记录）",
            f"{done_en}: {s.added} added, {s.skipped} skipped (already recorded)",
        )
    ]
    if s.added:
        lines.append(say(f"  时间范围：{s.first} 至 {s.last}", f"  from {s.first} to {s.last}"))
        zh, en = _names(ws, s.kind, s.by_service if s.kind == "tickets" else s.by_type)
        lines.append(
            say(f"  {'按服务' if s.kind == 'tickets' else '按事件'}：{zh}", f"  by {'service' if s.kind == 'tickets' else 'event'}: {en}")
        )
        if s.kind == "events":
            lines.append(
                say(
                    f"  项目：新建 {s.projects_new} 个，更新 {s.projects_updated} 个",
                    f"  projects: {s.projects_new} new, {s.projects_updated} updated",
                )
            )
    if s.erased:
        lines.append(say(f"  跳过 {s.erased} 条已按要求删除的记录", f"  skipped {s.erased} row(s) erased on request"))
    if s.conflicts:
        rows = "、".join(str(r) for r, _ in s.conflicts[:10] if r) + ("…" if len(s.conflicts) > 10 else "")
        ids = ", ".join(i for _, i in s.conflicts[:10]) + ("…" if len(s.conflicts) > 10 else "")
        lines.append(
            say(
                f"  注意：{len(s.conflicts)} 行的编号已有记录但内容不同，没有更改已有记录（{('第 ' + rows + ' 行') if rows else ids}）",
                f"  note: {len(s.conflicts)} row(s) have ids already recorded with other content; the records were not changed ({ids})",
            )
        )
    lines.append(say(f"  数据库：{s.db}", f"  database: {s.db}"))
    return "\n".join(lines)


# ---------------------------------------------------------------------------- add


@records.group()
def add() -> None:
    """登记一条工单或项目事件 / record one ticket or project event."""


@add.command("ticket")
@click.option("--id", "id_", default=None, help="工单编号（默认：按内容生成）/ ticket id (default: a hash of the content)")
@click.option("--received-at", default=None, help="收到时间，如 2026-10-08 14:30 / received at")
@click.option("--channel", default=None, help="渠道 / channel id or name")
@click.option("--client", default=None, help="客户 / client id or name")
@click.option("--project", default=None, help="项目 / project id")
@click.option("--service", default=None, help="服务 / service id or name")
@click.option("--category", default=None, help="问题类别 / problem category id or name")
@click.option("--description", default=None, help="描述 / description")
@click.option("--first-response-at", default=None, help="首次回复时间 / first response at")
@click.option("--resolved-at", default=None, help="解决时间 / resolved at")
@click.option("--resolution", default=None, help="处理结果 / resolution")
@click.option("--onsite", default=None, help="是否上门：是/否 / on-site visit: yes/no")
@click.option("--satisfaction", default=None, help="满意度 1-5 / satisfaction 1-5")
@db_option
@common
def add_ticket_cmd(id_: str | None, db: Path | str | None, fmt: str, **values: str | None) -> int:
    """登记一条工单 / record one ticket."""
    from salesdocs.records.importer import add_ticket

    ws = load()
    summary = add_ticket(ws, db=db, id=id_, **values)
    return _added(summary, ws, fmt)


@add.command("event")
@click.option("--id", "id_", default=None, help="事件编号（默认：按内容生成）/ event id (default: a hash of the content)")
@click.option("--project", default=None, help="项目 / project id")
@click.option("--deal", default=None, help="交易 / deal id")
@click.option("--client", default=None, help="客户（没有交易时必填）/ client (required without a deal)")
@click.option("--service", default=None, help="服务 / service id")
@click.option("--tier", default=None, help="档位 / tier id")
@click.option(
    "--event",
    default=None,
    help="事件：started, draft-delivered, revision-requested, revision-delivered, minor-change, "
    "overhaul-requested, dissatisfied, writer-changed, accepted, refund-paid",
)
@click.option("--at", default=None, help="时间，如 2026-10-08 14:30 / when")
@click.option("--stage", default=None, help="不满意时的阶段（可省略，按记录推算）/ stage of a dissatisfaction (derived from the records)")
@click.option("--amount-paid", default=None, help="已付金额 / amount paid")
@click.option("--refund-amount", default=None, help="退款金额（refund-paid）/ refund paid")
@click.option("--note", default=None, help="备注 / note")
@db_option
@common
def add_event_cmd(id_: str | None, db: Path | str | None, fmt: str, **values: str | None) -> int:
    """登记一个项目事件 / record one project event."""
    from salesdocs.records.importer import add_event

    ws = load()
    summary = add_event(ws, db=db, id=id_, **values)
    return _added(summary, ws, fmt)


def _added(summary: Any, ws: Workspace, fmt: str) -> int:
    if fmt == "json":
        print_json(summary.to_json())
    elif summary.added:
        click.echo(_summary_text(summary, ws))
    else:
        click.echo(say(f"已有相同的记录，未重复登记（{summary.db}）", f"already recorded; nothing added ({summary.db})"))
    return 0


# --------------------------------------------------------------------------- list


@records.command("list")
@click.option(
    "--kind", type=click.Choice(["tickets", "events", "projects"]), default="tickets", show_default=True, help="列出什么 / what to list"
)
@click.option("--open", "only_open", is_flag=True, help="只列出未解决的工单（或未结束的项目）/ only open tickets (or running projects)")
@click.option("--from", "date_from", default=None, help="开始日期 YYYY-MM-DD / from date")
@click.option("--to", "date_to", default=None, help="结束日期 YYYY-MM-DD（含）/ to date (inclusive)")
@click.option(
    "--limit", type=click.IntRange(min=0), default=100, show_default=True, help="最多列出几条（0 = 全部）/ at most this many (0 = all)"
)
@db_option
@common
def list_(kind: str, only_open: bool, date_from: str | None, date_to: str | None, limit: int, db: Path | str | None, fmt: str) -> int:
    """列出售后记录 / list the records."""
    from salesdocs.records.history import list_records

    ws = load()
    result = list_records(ws, kind, only_open=only_open, date_from=date_from, date_to=date_to, limit=limit or None, db=db)
    if fmt == "json":
        print_json(result)
        return 0
    rows = result["items"]
    if not rows:
        click.echo(say("没有符合条件的记录", "no matching records"))
        return 0
    headers = result["headers_zh"] if lang() != "en" else result["headers_en"]
    columns = [("status_zh" if c == "status" and lang() != "en" else c) for c in result["columns"]]
    click.echo(_table(headers, [[_cell(r[k]) for k in columns] for r in rows]))
    shown, total = len(rows), result["total"]
    click.echo(
        say(
            f"共 {total} 条" + (f"，显示前 {shown} 条（--limit 0 显示全部）" if shown < total else ""),
            f"{total} in all" + (f", first {shown} shown (--limit 0 shows all)" if shown < total else ""),
        )
    )
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 40) -> str:
    from rich.cells import cell_len  # lazy: only when there is something to lay out

    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        if cell_len(text) <= max_width:
            return text
        out = ""
        for ch in text:
            if cell_len(out + ch + "…") > max_width:
                break
            out += ch
        return out + "…"

    cells = [[clip(c) for c in row] for row in [list(headers), *rows]]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - cell_len(c)) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ------------------------------------------------------------------------- migrate


@records.command("migrate")
@db_option
@common
def migrate(db: Path | str | None, fmt: str) -> int:
    """建立或升级售后记录的表（PostgreSQL：由库的所有者运行）/ create or upgrade the records tables (PostgreSQL: as the owner)."""
    from salesdocs.records import store

    target = store.db_path(load().root, db)
    conn = store.connect(target)
    try:
        version, before = conn.schema_version(), conn.migrated_from or 0
    finally:
        conn.close()
    if fmt == "json":
        print_json({"db": store.display(target), "schema_version": version, "previous_version": before})
        return 0
    name = store.display(target)
    if before == 0:
        zh, en = f"已建立表（表结构版本 {version}）", f"created the tables (schema version {version})"
    elif before < version:
        zh, en = f"表结构已从版本 {before} 升级到 {version}", f"upgraded the schema from version {before} to {version}"
    else:
        zh, en = f"表结构版本 {version}（已是最新）", f"schema version {version} (up to date)"
    click.echo(say(f"售后记录数据库 {name}：{zh}", f"records database {name}: {en}"))
    return 0


COMMANDS = (records,)
