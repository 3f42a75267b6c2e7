"""``salesdocs quote``, ``due`` and ``refund``: the rules engine on the command line."""

from __future__ import annotations

from decimal import Decimal

import click

from salesdocs.cli.session import common, lang, load, print_json
from salesdocs.engine.dates import parse_iso_date
from salesdocs.engine.money import parse_yuan
from salesdocs.errors import MoneyError, UsageError


@click.command()
@click.argument("deal")
@common
def quote(deal: str, fmt: str) -> int:
    """报价：一个交易的价格、税、合计与交付日期 / price a deal."""
    from salesdocs import api
    from salesdocs.cli.serialize import quote_json

    ws = load()
    q = api.quote(ws, deal)
    if fmt == "json":
        print_json(quote_json(q))
        return 0
    from salesdocs.cli.textout import quote_table

    quote_table(q, ws, lang())
    return 0


@click.command()
@click.argument("service")
@click.option("--tier", default=None, help="档位 / tier id")
@click.option("--start", required=True, help="开始日期 YYYY-MM-DD / start date")
@common
def due(service: str, tier: str | None, start: str, fmt: str) -> int:
    """交付日期：按中国工作日计算 / due dates on China's working-day calendar."""
    from salesdocs import api
    from salesdocs.cli.serialize import due_json
    from salesdocs.cli.textout import due_text

    start_date = parse_iso_date(start, "--start")
    window = api.due_dates(load(), service, tier, start_date)
    if fmt == "json":
        print_json(due_json(window))
    else:
        click.echo(due_text(window, lang()))
    return 0


@click.command()
@click.argument("service", required=False)
@click.option("--tier", default=None, help="档位 / tier id")
@click.option("--stage", default=None, help="first-draft, revision-1, revision-2 …")
@click.option("--amount", default=None, help="已付金额 / amount paid")
@click.option("--project", default=None, help="按售后记录中的项目计算 / from a recorded project")
@common
def refund(service: str | None, tier: str | None, stage: str | None, amount: str | None, project: str | None, fmt: str) -> int:
    """退款：按退款阶梯计算 / the refund a ladder gives at a stage."""
    from salesdocs import api
    from salesdocs.cli.serialize import project_refund_json, refund_json
    from salesdocs.cli.textout import project_refund_text, refund_text

    ws = load()
    if project is not None:
        from salesdocs.records.history import refund_for_project

        answer = refund_for_project(ws, project)
        if fmt == "json":
            print_json(project_refund_json(answer))
        else:
            click.echo(project_refund_text(answer, lang()))
        return 0
    missing = [n for n, v in (("SERVICE", service), ("--stage", stage), ("--amount", amount)) if v is None]
    if service is None or stage is None or amount is None:
        raise UsageError(f"缺少参数：{', '.join(missing)}（或使用 --project）", f"missing: {', '.join(missing)} (or use --project)")
    result = api.refund(ws, service, tier, stage, parse_yuan_option(amount))
    if fmt == "json":
        print_json(refund_json(result))
    else:
        click.echo(refund_text(result, lang()))
    return 0


def parse_yuan_option(value: str, option: str = "--amount") -> Decimal:
    """An amount option; a malformed one is a usage error naming the option."""
    try:
        return parse_yuan(value)
    except MoneyError as exc:
        raise UsageError(f"{option} {exc.zh}", f"{option} {exc.en}") from None


COMMANDS = (quote, due, refund)
