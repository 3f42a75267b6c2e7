"""Checks of clients and deals against the built policy: references, dates, and pricing as a quote would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salesdocs.errors import DiscountTooLargeError, MoneyError, Problem
from salesdocs.model import Policy, Service
from salesdocs.policy.checks.base import Context, id_filename, money_precision, unknown_ref, workspace_check
from salesdocs.policy.reader import Document

if TYPE_CHECKING:
    from salesdocs.engine.pricing import Quote


@workspace_check
def clients(ctx: Context) -> Iterator[Problem]:
    policy = ctx.policy
    assert policy is not None
    dims = {d.id: d for d in policy.presales.classification}
    needs = [n for n, _ in policy.presales.need_levels]
    services = [s.id for s in policy.services]
    for stem, doc in ctx.clients.items():
        data = doc.data
        if data["id"] != stem:
            yield id_filename(doc, stem, data["id"], set(ctx.clients) | ctx.client_files)
        for key, level in (data.get("classification") or {}).items():
            if key not in dims:
                yield unknown_ref(doc, ("classification", key), "分类维度", "classification dimension", key, dims, at_key=True)
            elif level not in dims[key].levels:
                yield doc.problem(
                    doc.pos(("classification", key)),
                    "unknown-level",
                    f"{dims[key].name}的等级“{level}”不在 presales.yaml 定义的等级里：{'、'.join(dims[key].levels)}",
                    f"'{level}' is not a level of {key}; presales.yaml defines: {', '.join(dims[key].levels)}",
                )
        for key in data.get("needs") or {}:
            if key not in needs:
                yield unknown_ref(doc, ("needs", key), "需求层面", "need level", key, needs, at_key=True)
        for i, sid in enumerate(data.get("interests") or []):
            if sid not in services:
                yield unknown_ref(doc, ("interests", i), "服务", "service", sid, services)
        stage = data.get("presales_stage")
        if stage is not None and stage > len(policy.presales.stages):
            yield doc.problem(
                doc.pos(("presales_stage",)),
                "unknown-ref",
                f"售前阶段 {stage} 不存在（presales.yaml 只有 {len(policy.presales.stages)} 个阶段）",
                f"pre-sales stage {stage} does not exist (presales.yaml has {len(policy.presales.stages)})",
            )


@workspace_check
def deals(ctx: Context) -> Iterator[Problem]:
    policy = ctx.policy
    assert policy is not None
    services = {s.id: s for s in policy.services}
    client_ids = set(ctx.clients) | ctx.client_files
    for stem, doc in ctx.deals.items():
        data = doc.data
        if data["id"] != stem:
            yield id_filename(doc, stem, data["id"], set(ctx.deals) | ctx.deal_files)
        unknown = list(_deal_references(doc, data, services, client_ids))
        yield from unknown
        yield from _deal_money_precision(doc, data)
        yield from _deal_dates(doc, data, policy)
        if not unknown:
            yield from _deal_pricing(doc, data, policy, ctx.calendar)


def _deal_references(doc: Document, data: dict[str, Any], services: dict[str, Service], client_ids: set[str]) -> Iterator[Problem]:
    """A client, service or tier the deal names that does not exist (the deal cannot be priced then).

    A client whose file exists but has errors is not unknown: its own problems say what is wrong."""
    if data["client"] not in client_ids:
        yield unknown_ref(doc, ("client",), "客户", "client", data["client"], client_ids)
    for li, line in enumerate(data["lines"]):
        service = services.get(line["service"])
        if service is None:
            yield unknown_ref(doc, ("lines", li, "service"), "服务", "service", line["service"], services)
        elif service.tier(line["tier"]) is None:
            yield unknown_ref(
                doc,
                ("lines", li, "tier"),
                f"服务 {service.id} 的档位",
                f"tier of {service.id}",
                line["tier"],
                [t.id for t in service.tiers],
            )


def _deal_money_precision(doc: Document, data: dict[str, Any]) -> Iterator[Problem]:
    for li, line in enumerate(data["lines"]):
        if "unit_price" in line:
            yield from money_precision(doc, ("lines", li, "unit_price"), line["unit_price"])
    if "amount" in (data.get("discount") or {}):
        yield from money_precision(doc, ("discount", "amount"), data["discount"]["amount"])


def _deal_dates(doc: Document, data: dict[str, Any], policy: Policy) -> Iterator[Problem]:
    """A quote dated before the policy applies, or work starting before the quote."""
    if policy.effective > date.fromisoformat(data["date"]):
        yield doc.problem(
            doc.pos(("date",)),
            "policy-not-effective",
            f"报价日期 {data['date']} 早于政策生效日期 {policy.effective.isoformat()}",
            f"the quote date {data['date']} is before the policy's effective date {policy.effective.isoformat()}",
            severity="warning",
        )
    if data["start"] < data["date"]:  # ISO dates compare as text
        yield doc.problem(
            doc.pos(("start",)),
            "start-before-date",
            f"预计开始日期 {data['start']} 早于报价日期 {data['date']}",
            f"the expected start {data['start']} is before the quote date {data['date']}",
            severity="warning",
            hint_zh="交付日期从开始日期起算：请确认 start 是否写错",
            hint_en="due dates count from the start date: check that start is right",
        )


def _deal_pricing(doc: Document, data: dict[str, Any], policy: Policy, calendar: Any) -> Iterator[Problem]:
    """Price the deal as ``quote`` would: what cannot be priced, a discount that needs approval, estimated due dates.

    Only the errors that mean the deal's own numbers are impossible become problems; anything
    else is a bug and propagates (the command line turns it into exit 3 with a crash log).
    """
    from salesdocs.engine.pricing import price_deal
    from salesdocs.policy.assemble import build_deal

    try:
        quote = price_deal(policy, build_deal(data, doc.rel), calendar)
    except OverflowError:  # a due date beyond the year 9999
        yield doc.problem(
            doc.pos(("start",)),
            "date-out-of-range",
            f"交付日期超出了日历范围（开始日期 {data['start']} 太晚，或档位的交付时间太长）",
            f"the due date is beyond the calendar (the start date {data['start']} is too late, or the tier's delivery time too long)",
        )
        return
    except MoneyError as exc:  # an amount too large to compute
        yield doc.problem(doc.key_pos(("lines",)), "amount-too-large", exc.zh, exc.en)
        return
    except DiscountTooLargeError as exc:  # a discount above the subtotal
        yield doc.problem(doc.pos(("discount",)), "discount-too-large", exc.zh, exc.en)
        return
    yield from _discount_approval(doc, data, policy, quote)
    yield from _calendar_estimates(doc, quote)


def _discount_approval(doc: Document, data: dict[str, Any], policy: Policy, quote: Quote) -> Iterator[Problem]:
    """More off the list prices than a salesperson may give, and no approver named."""
    limit = policy.terms.max_discount
    if quote.effective_discount_percent <= limit or data.get("approver"):
        return
    shown = quote.effective_discount_percent.quantize(Decimal("0.01"), rounding="ROUND_UP")
    below_list = any(line.unit_price < line.list_price for line in quote.lines)
    what_zh = "折扣与特殊单价合计" if below_list else "折扣"
    what_en = "discount and special unit prices together" if below_list else "the discount"
    example = _approver_example(data)
    yield doc.problem(
        doc.key_pos(("discount",)) if "discount" in data else doc.key_pos(("lines",)),
        "discount-approval",
        f"相对价目表共优惠 {shown}%（{what_zh}），超过销售可自行给出的 {limit}%，需要写明审批人",
        f"{shown}% off the list prices ({what_en}) is above the {limit}% a salesperson may give; name an approver",
        hint_zh="在文件顶层加一行 approver（顶格写，不缩进，不要写在 discount 下面），写审批人、批准方式和日期，例如：\n" + example,
        hint_en="add a line approver at the top level of the file (not indented, not under discount): who approved, how and when, "
        "e.g.:\n" + example.replace("王经理（2026-11-20 邮件批准）", "Manager Wang (approved by e-mail, 2026-11-20)"),
    )


def _approver_example(data: dict[str, Any]) -> str:
    """Where ``approver:`` goes, as YAML: beside the deal's own discount lines, at the top level."""
    lines = ["discount:", *(f"  {k}: {v}" for k, v in (data.get("discount") or {}).items())] if data.get("discount") else []
    return "\n".join([*lines, "approver: 王经理（2026-11-20 邮件批准）"])


def _calendar_estimates(doc: Document, quote: Quote) -> Iterator[Problem]:
    """Due dates in a year without official holiday data."""
    for line in quote.lines:
        if not line.estimated:
            continue
        due = line.due_latest.isoformat()
        yield doc.problem(
            doc.pos(("lines", line.number - 1)),
            "calendar-estimate",
            f"第 {line.number} 行的交付日期 {due} 落在没有官方节假日数据的年份，只能估算"
            "（周一至周五，避开《全国年节及纪念日放假办法》的法定节假日及周末补假；调休上班日要等国务院公布）",
            f"line {line.number}'s due date {due} falls in a year without official holiday data; "
            "it is only an estimate (Monday–Friday, skipping the statutory holidays and the weekday off owed "
            "for one on a weekend; make-up working days are known only when the State Council publishes them)",
            severity="warning",
            hint_zh="国务院公布放假安排后，在 rules/calendar.yaml 中补充该年份",
            hint_en="once the State Council publishes the schedule, add that year to rules/calendar.yaml",
        )
