"""The command line: parses arguments, calls one library function, prints.

Exit codes: 0 ok · 1 problems in the user's files · 2 bad command line ·
3 internal bug (the traceback goes to a log file, never to the screen).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from salesdocs import __version__
from salesdocs.errors import PolicyError, SalesdocsError, UsageError

_STATE = {"lang": "zh"}


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value:
        _STATE["lang"] = value
    return _STATE["lang"]


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command takes: --workspace, --lang, --format."""
    func = click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式 / output format"
    )(func)
    func = click.option(
        "--lang",
        type=click.Choice(["zh", "en", "both"]),
        default=None,
        callback=_set_lang,
        expose_value=False,
        is_eager=True,
        help="消息语言 / message language (default zh)",
    )(func)
    func = click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="工作区目录（默认：当前目录或最近的含 rules/ 的上级目录）/ workspace folder",
    )(func)
    return func


def _lang() -> str:
    return _STATE["lang"]


def _say(zh: str, en: str) -> str:
    lang = _lang()
    return en if lang == "en" else (f"{zh}\n{en}" if lang == "both" else zh)


def _workspace(path: Path | None):  # -> Workspace
    from salesdocs.workspace import load_workspace

    return load_workspace(path)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="salesdocs")
@click.option(
    "--lang", type=click.Choice(["zh", "en", "both"]), default=None, callback=_set_lang, expose_value=False, is_eager=True
)
def cli() -> None:
    """salesdocs：由服务政策生成销售文档 / policy-driven sales documents."""


# ----------------------------------------------------------------------- check


@cli.command()
@common
@click.option("--strict", is_flag=True, help="警告也算错误 / treat warnings as errors")
def check(workspace: Path | None, fmt: str, strict: bool) -> int:
    """检查工作区的所有文件 / check every file of the workspace."""
    from salesdocs.report import format_problem, summary
    from salesdocs.workspace import check_workspace, find_root

    root = find_root(workspace)
    result = check_workspace(root)
    problems = [p.as_error() for p in result.problems] if strict else result.problems
    if fmt == "json":
        _print_json([p.to_json(_lang()) for p in problems])
    else:
        for p in problems:
            click.echo(format_problem(p, _lang()))
            click.echo()
        click.echo(summary(problems, result.files, _lang()))
        if result.workspace is not None and not problems:
            click.echo(_contents(result.workspace))
    return 1 if any(p.severity == "error" for p in problems) else 0


def _contents(ws: Any) -> str:
    policy = ws.policy
    tiers = sum(len(s.tiers) for s in policy.services)
    lines = [
        _say(
            f"工作区 {ws.root}：{policy.company.name}，政策版本 {policy.version}（生效 {policy.effective.isoformat()}）",
            f"workspace {ws.root}: {policy.company.name}, policy version {policy.version} (effective {policy.effective.isoformat()})",
        ),
        _say(
            f"  {len(policy.services)} 项服务 / {tiers} 个档位，{len(policy.ladders)} 个退款阶梯，{len(policy.aftersales.categories)} 个售后问题类别",
            f"  {len(policy.services)} services / {tiers} tiers, {len(policy.ladders)} refund ladders, {len(policy.aftersales.categories)} problem categories",
        ),
        _say(f"  {len(ws.clients)} 个客户，{len(ws.deals)} 个交易", f"  {len(ws.clients)} clients, {len(ws.deals)} deals"),
    ]
    for service in policy.services:
        for tier in service.tiers:
            lines.append(
                _say(
                    f"    {service.id}/{tier.id}：{service.name}·{tier.name} ¥{tier.price:,.2f}/{tier.unit}，"
                    f"{tier.delivery_min}~{tier.delivery_max} 个工作日，修改 {tier.revisions.included} 次，退款阶梯 {tier.ladder.id}",
                    f"    {service.id}/{tier.id}: ¥{tier.price:,.2f} per {tier.unit}, "
                    f"{tier.delivery_min}-{tier.delivery_max} working days, {tier.revisions.included} revisions, refund ladder {tier.ladder.id}",
                )
            )
    for deal in ws.deals.values():
        lines.append(
            _say(
                f"    交易 {deal.id}：客户 {deal.client}，{deal.date.isoformat()}，{len(deal.lines)} 行",
                f"    deal {deal.id}: client {deal.client}, {deal.date.isoformat()}, {len(deal.lines)} line(s)",
            )
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------ init


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default=None, callback=_set_lang, expose_value=False, is_eager=True)
def init(directory: Path) -> int:
    """新建工作区 / create a new workspace from the packaged defaults."""
    from salesdocs.init import init_workspace

    written = init_workspace(directory)
    click.echo(_say(f"已新建工作区 {directory}（{len(written)} 个文件）", f"created workspace {directory} ({len(written)} files)"))
    for path in written:
        click.echo(f"  {path}")
    click.echo(_say(f"下一步：cd {directory} && salesdocs check", f"next: cd {directory} && salesdocs check"))
    return 0


# ------------------------------------------------------------------- the engine


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} 的日期格式不对：{value}（应为 YYYY-MM-DD，例如 2026-09-28）",
            f"{option}: not a date: {value} (expected YYYY-MM-DD, e.g. 2026-09-28)",
        ) from None


def _parse_amount(value: str) -> Decimal:
    import re

    text = value.strip().replace(",", "").lstrip("¥")
    if text.startswith("-"):
        raise UsageError(f"--amount 必须是不小于 0 的金额：{value}", f"--amount must be an amount ≥ 0: {value}")
    if not re.fullmatch(r"[0-9]{1,16}(\.[0-9]{1,2})?", text):
        raise UsageError(
            f"--amount 应为金额（元，最多两位小数，例如 1500 或 1350.50）：{value}",
            f"--amount must be an amount in yuan with at most two decimals (e.g. 1500 or 1350.50): {value}",
        )
    return Decimal(text)


@cli.command()
@click.argument("deal")
@common
def quote(deal: str, workspace: Path | None, fmt: str) -> int:
    """报价：一个交易的价格、税、合计与交付日期 / price a deal."""
    from salesdocs import api
    from salesdocs.serialize import quote_json

    ws = _workspace(workspace)
    q = api.quote(ws, deal)
    if fmt == "json":
        _print_json(quote_json(q))
        return 0
    from salesdocs.textout import quote_table

    quote_table(q, ws, _lang())
    return 0


@cli.command()
@click.argument("service")
@click.option("--tier", default=None, help="档位 / tier id")
@click.option("--start", required=True, help="开始日期 YYYY-MM-DD / start date")
@common
def due(service: str, tier: str | None, start: str, workspace: Path | None, fmt: str) -> int:
    """交付日期：按中国工作日计算 / due dates on China's working-day calendar."""
    from salesdocs import api
    from salesdocs.serialize import due_json

    start_date = _parse_date(start, "--start")
    ws = _workspace(workspace)
    window = api.due_dates(ws, service, tier, start_date)
    if fmt == "json":
        _print_json(due_json(window))
        return 0
    mark = _say("（预计：该年份没有官方节假日数据）", " (estimate: no official holiday data for that year)") if window.estimated else ""
    click.echo(
        _say(
            f"{window.service}{'/' + window.tier if window.tier else ''}：{window.start.isoformat()} 开始，"
            f"第 {window.min_days} 个工作日 {window.earliest.isoformat()} 至第 {window.max_days} 个工作日 {window.latest.isoformat()}{mark}",
            f"{window.service}{'/' + window.tier if window.tier else ''}: from {window.start.isoformat()}, "
            f"working day {window.min_days} = {window.earliest.isoformat()} to working day {window.max_days} = {window.latest.isoformat()}{mark}",
        )
    )
    return 0


@cli.command()
@click.argument("service", required=False)
@click.option("--tier", default=None, help="档位 / tier id")
@click.option("--stage", default=None, help="first-draft, revision-1, revision-2 …")
@click.option("--amount", default=None, help="已付金额 / amount paid")
@click.option("--project", default=None, help="按售后记录中的项目计算 / from a recorded project")
@common
def refund(
    service: str | None, tier: str | None, stage: str | None, amount: str | None, project: str | None, workspace: Path | None, fmt: str
) -> int:
    """退款：按退款阶梯计算 / the refund a ladder gives at a stage."""
    from salesdocs import api
    from salesdocs.serialize import refund_json

    ws = _workspace(workspace)
    if project is not None:
        from salesdocs.records.history import NoRefundApplies, refund_for_project

        try:
            result, history = refund_for_project(ws, project)
        except NoRefundApplies as answer:
            if fmt == "json":
                _print_json({"project": project, "applies": False, "refund": "0.00", "reason_zh": answer.zh, "reason_en": answer.en})
            else:
                click.echo(answer.message(_lang()))
            return 0
    else:
        missing = [n for n, v in (("SERVICE", service), ("--stage", stage), ("--amount", amount)) if v is None]
        if missing:
            raise UsageError(f"缺少参数：{', '.join(missing)}（或使用 --project）", f"missing: {', '.join(missing)} (or use --project)")
        assert service is not None and stage is not None and amount is not None
        result = api.refund(ws, service, tier, stage, _parse_amount(amount))
        history = None
    if fmt == "json":
        data = refund_json(result)
        if history is not None:
            data["project"] = project
            data["history"] = history
        _print_json(data)
        return 0
    from salesdocs.textout import refund_text

    click.echo(refund_text(result, _lang()))
    if history:
        click.echo(_say("  记录的历史：", "  recorded history:"))
        for h in history:
            event = h["event"] if _lang() == "en" else h["event_zh"]
            click.echo(f"    {h['at']}  {event}" + (f" ({h['stage']})" if "stage" in h else ""))
    return 0


def _register_optional() -> None:
    """Commands that live in their own modules (rendering, records)."""
    from salesdocs import cli_render
    from salesdocs.records import cli as records_cli

    cli_render.register(cli)
    records_cli.register(cli)


# ------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> None:
    """Entry point: never shows a traceback to the user."""
    _STATE["lang"] = "zh"  # each invocation starts from the default (matters for in-process calls)
    _register_optional()
    try:
        rv = cli.main(args=argv, prog_name="salesdocs", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo(_say("已中断", "aborted"), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except PolicyError as exc:
        from salesdocs.report import format_problem, summary

        for p in exc.problems:
            click.echo(format_problem(p, _lang()), err=True)
            click.echo(err=True)
        click.echo(summary(exc.problems, len({p.file for p in exc.problems}), _lang()), err=True)
        click.echo(_say("请先修正以上问题（salesdocs check 可查看全部）", "fix the problems above first (salesdocs check lists them all)"), err=True)
        sys.exit(1)
    except SalesdocsError as exc:
        click.echo(exc.message(_lang()), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(_say("已中断", "interrupted"), err=True)
        sys.exit(130)
    except Exception:
        log = _write_crash_log()
        click.echo(
            _say(
                f"salesdocs 内部错误（这是程序的问题，不是你的文件的问题）。详情已写入 {log}，请把这个文件发给开发人员。",
                f"salesdocs internal error (a bug in the program, not in your files). Details were written to {log}; please send it to the developers.",
            ),
            err=True,
        )
        sys.exit(3)
    sys.exit(rv if isinstance(rv, int) else 0)


def _write_crash_log() -> str:
    """Write the traceback to a log file; returns its path (or says why it could not be written)."""
    # not /tmp/salesdocs: a folder named like the package would shadow it for `python -m` run from /tmp
    folder = Path(tempfile.gettempdir()) / "salesdocs-crash-logs"
    path = folder / f"crash-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(f"salesdocs {__version__}\nargv: {sys.argv}\n\n{traceback.format_exc()}", encoding="utf-8")
    except OSError as exc:
        return f"（无法写入日志 / log not written: {exc}）"
    return str(path)
