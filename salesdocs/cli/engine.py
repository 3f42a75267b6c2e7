"""``salesdocs quote``, ``due`` and ``refund``: the rules engine on the command line."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import click

from salesdocs.cli.session import common, lang, load, policy_choice, print_json, records_db_used
from salesdocs.engine.dates import parse_iso_date
from salesdocs.engine.money import parse_yuan
from salesdocs.errors import MoneyError, UsageError

if TYPE_CHECKING:
    from salesdocs.model import Workspace


@click.command()
@click.argument("deal")
@policy_choice
@common
def quote(deal: str, policy: str | None, fmt: str) -> int:
    """报价：一个交易的价格、税、合计与交付日期 / price a deal."""
    from salesdocs import api
    from salesdocs.cli.serialize import quote_json

    ws = api.deal_workspace(load(), deal, policy)
    q = api.quote(ws, deal, policy)
    if fmt == "json":
        print_json({**quote_json(q), "policy": {"version": ws.policy.version, "release": ws.policy.release, "draft": ws.policy.draft}})
        return 0
    from salesdocs.cli.textout import quote_table

    quote_table(q, ws, lang())
    return 0


@click.command()
@click.argument("service")
@click.option("--tier", default=None, help="档位 / tier id")
@click.option("--start", required=True, help="开始日期 YYYY-MM-DD / start date")
@policy_choice
@common
def due(service: str, tier: str | None, start: str, policy: str | None, fmt: str) -> int:
    """交付日期：按中国工作日计算 / due dates on China's working-day calendar."""
    from salesdocs import api
    from salesdocs.cli.serialize import due_json
    from salesdocs.cli.textout import due_text

    start_date = parse_iso_date(start, "--start")
    window = api.due_dates(load(), service, tier, start_date, policy)
    if fmt == "json":
        print_json(due_json(window))
    else:
        click.echo(due_text(window, lang()))
    return 0


@click.command()
@click.argument("service", required=False)
@click.option("--tier", default=None, help="档位 / tier id")
@click.option(
    "--stage",
    default=None,
    help="阶段：first-draft、revision-1、revision-2 …、terminated；也可写 初稿、第2次修改后、二改 / "
    "stage (revision2 and second revision work too)",
)
@click.option("--amount", default=None, help="已付金额（不按交易计算时）/ amount paid, without a deal")
@click.option("--deal", default=None, help="按交易计算：交易编号或文件 / from a deal: its id or file")
@click.option("--line", "line_no", default=None, help="交易的第几行（同报价单，从 1 开始）/ the deal's line, as the quote numbers it")
@click.option("--pieces", default=None, help="退款的件数（默认整行）/ pieces of the line refunded (default: all)")
@click.option("--paid", default=None, help="这几件已付的金额（默认按预付款比例）/ paid for them (default: the deposit share)")
@click.option("--project", default=None, help="按售后记录中的项目计算 / from a recorded project")
@policy_choice
@records_db_used
@common
def refund(
    service: str | None,
    tier: str | None,
    stage: str | None,
    amount: str | None,
    deal: str | None,
    line_no: str | None,
    pieces: str | None,
    paid: str | None,
    project: str | None,
    policy: str | None,
    fmt: str,
) -> int:
    """退款：按退款阶梯计算并结算 / the refund a ladder gives at a stage, and how it settles."""
    from salesdocs import api
    from salesdocs.cli.serialize import refund_json
    from salesdocs.cli.textout import refund_text

    ws = load()
    if project is not None:
        return _project_refund(ws, project, fmt)
    deal_only = [n for n, v in (("--line", line_no), ("--pieces", pieces), ("--paid", paid)) if v is not None]
    if deal is not None:
        extra = [n for n, v in (("SERVICE", service), ("--tier", tier), ("--amount", amount)) if v is not None]
        if extra:
            raise UsageError(f"--deal 不能与 {', '.join(extra)} 同时使用", f"--deal cannot be combined with {', '.join(extra)}")
        missing = [n for n, v in (("--line", line_no), ("--stage", stage)) if v is None]
        if line_no is None or stage is None:
            raise UsageError(f"缺少参数：{', '.join(missing)}", f"missing: {', '.join(missing)}")
        result = api.refund_line(
            ws, deal, line_no, stage, pieces=pieces, paid=parse_yuan_option(paid, "--paid") if paid is not None else None, policy=policy
        )
    else:
        if deal_only:
            raise UsageError(f"{', '.join(deal_only)} 只能与 --deal 一起使用", f"{', '.join(deal_only)} can only be used with --deal")
        missing = [n for n, v in (("SERVICE", service), ("--stage", stage), ("--amount", amount)) if v is None]
        if service is None or stage is None or amount is None:
            raise UsageError(
                f"缺少参数：{', '.join(missing)}（或使用 --deal 或 --project）",
                f"missing: {', '.join(missing)} (or use --deal or --project)",
            )
        result = api.refund(ws, service, tier, stage, parse_yuan_option(amount), policy)
    if fmt == "json":
        print_json(refund_json(result))
    else:
        click.echo(refund_text(result, lang(), _item_name(ws, result.service, result.tier)))
    return 0


def _item_name(ws: Workspace, service_id: str, tier_id: str | None) -> str:
    """The service and tier as the quote prints them ("海报设计·标准海报"), the ids in English."""
    service = ws.policy.service(service_id)
    tier = service.tier(tier_id) if service is not None and tier_id else None
    if lang() == "en" or service is None or tier is None:
        return service_id + (f"/{tier_id}" if tier_id else "")
    return f"{service.name}·{tier.name}"


def _project_refund(ws: Workspace, project: str, fmt: str) -> int:
    """``refund --project``: the refund a recorded history implies."""
    from salesdocs.cli.serialize import project_refund_json
    from salesdocs.cli.textout import project_refund_text
    from salesdocs.records.history import refund_for_project

    answer = refund_for_project(ws, project)
    if fmt == "json":
        print_json(project_refund_json(answer))
    else:
        result = answer.result
        name = _item_name(ws, result.service, result.tier) if result is not None else ""
        click.echo(project_refund_text(answer, lang(), name))
    return 0


def parse_yuan_option(value: str, option: str = "--amount") -> Decimal:
    """An amount option; a malformed one is a usage error naming the option."""
    try:
        return parse_yuan(value)
    except MoneyError as exc:
        raise UsageError(f"{option} {exc.zh}", f"{option} {exc.en}") from None


COMMANDS = (quote, due, refund)
