"""The public Python API: thin functions over the workspace and the engine.

Every CLI command calls exactly one function here, so scripts can do what the
command line does::

    ws = salesdocs.load_workspace(".")
    q = salesdocs.quote(ws, "2026-001-yunfan-launch")
    w = salesdocs.due_dates(ws, "logo-design", "standard", date(2026, 9, 28))
    r = salesdocs.refund(ws, "copywriting", None, "revision-2", Decimal("1500"))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from salesdocs.engine.calendar import calendar_for
from salesdocs.engine.pricing import Quote, price_deal
from salesdocs.engine.refunds import RefundResult, refund_for
from salesdocs.errors import UsageError
from salesdocs.model import Deal, Service, Tier, Workspace, parse_stage


@dataclass(frozen=True)
class DueWindow:
    service: str
    tier: str | None
    start: date
    earliest: date
    latest: date
    estimated: bool
    min_days: int
    max_days: int


def find_deal(ws: Workspace, ref: str) -> Deal:
    """A deal by id, or by the path of its file."""
    if ref in ws.deals:
        return ws.deals[ref]
    path = Path(ref)
    stem = path.stem if path.suffix in (".yaml", ".yml") else None
    if stem and stem in ws.deals:
        candidate = (ws.root / "deals" / path.name).resolve()
        if path.resolve() == candidate:
            return ws.deals[stem]
    choices = ", ".join(sorted(ws.deals)) or "—"
    hint_zh, hint_en = _did_you_mean(ref, ws.deals)
    raise UsageError(f"找不到交易 {ref}{hint_zh}；可选：{choices}", f"unknown deal {ref}{hint_en}; choose one of: {choices}")


def _did_you_mean(value: str, known: object) -> tuple[str, str]:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)  # type: ignore[call-overload]
    if not close:
        prefixed = [k for k in known if str(k).startswith(value)]  # type: ignore[attr-defined]
        close = prefixed[:1] if len(prefixed) == 1 else []
    return (f"（是不是 {close[0]}？）", f" (did you mean {close[0]}?)") if close else ("", "")


def find_service(ws: Workspace, service_id: str) -> Service:
    service = ws.policy.service(service_id)
    if service is None:
        choices = ", ".join(s.id for s in ws.policy.services)
        hint_zh, hint_en = _did_you_mean(service_id, [s.id for s in ws.policy.services])
        raise UsageError(
            f"找不到服务 {service_id}{hint_zh}；可选：{choices}", f"unknown service {service_id}{hint_en}; choose one of: {choices}"
        )
    return service


def find_tier(service: Service, tier_id: str | None, *, same: str) -> tuple[Tier, str | None]:
    """The tier named, or — when none is named — the only one, or any when all agree on ``same``."""
    if tier_id is not None:
        tier = service.tier(tier_id)
        if tier is None:
            choices = ", ".join(t.id for t in service.tiers)
            raise UsageError(
                f"服务 {service.id} 没有档位 {tier_id}；可选：{choices}",
                f"service {service.id} has no tier {tier_id}; choose one of: {choices}",
            )
        return tier, tier.id
    if len(service.tiers) == 1:
        return service.tiers[0], service.tiers[0].id
    keys = {_same_key(t, same) for t in service.tiers}
    if len(keys) == 1:
        return service.tiers[0], None
    choices = ", ".join(t.id for t in service.tiers)
    raise UsageError(
        f"服务 {service.id} 有多个档位，请用 --tier 指定：{choices}",
        f"service {service.id} has several tiers; pick one with --tier: {choices}",
    )


def _same_key(tier: Tier, same: str) -> object:
    if same == "delivery":
        return (tier.delivery_min, tier.delivery_max)
    return (tier.ladder.id, tier.revisions.included)


def quote(ws: Workspace, deal: str | Deal) -> Quote:
    """Price a deal (by id, path or object) under the workspace's policy."""
    d = deal if isinstance(deal, Deal) else find_deal(ws, deal)
    return price_deal(ws.policy, d, calendar_for(ws.policy))


def due_dates(ws: Workspace, service: str, tier: str | None, start: date) -> DueWindow:
    """Earliest and latest due dates of a tier's delivery window from ``start``."""
    svc = find_service(ws, service)
    t, tier_id = find_tier(svc, tier, same="delivery")
    cal = calendar_for(ws.policy)
    earliest = cal.add_working_days(start, t.delivery_min)
    latest = cal.add_working_days(start, t.delivery_max)
    return DueWindow(
        service=svc.id,
        tier=tier_id,
        start=start,
        earliest=earliest.date,
        latest=latest.date,
        estimated=earliest.estimated or latest.estimated,
        min_days=t.delivery_min,
        max_days=t.delivery_max,
    )


def refund(ws: Workspace, service: str, tier: str | None, stage: str | int, amount: Decimal) -> RefundResult:
    """The refund owed when the client declares dissatisfaction at ``stage``."""
    if not isinstance(amount, Decimal) or amount < 0:  # a float would carry binary rounding into money
        raise UsageError(f"金额必须是不小于 0 的数：{amount}", f"the amount must be a number ≥ 0: {amount}")
    svc = find_service(ws, service)
    t, tier_id = find_tier(svc, tier, same="ladder")
    number = stage if isinstance(stage, int) else parse_stage(stage)
    if number is None or number < 0:
        raise UsageError(
            f"未知的阶段 {stage}；可选：first-draft, revision-1, revision-2, …",
            f"unknown stage {stage}; choose one of: first-draft, revision-1, revision-2, …",
        )
    return refund_for(svc.id, tier_id, t, number, amount)
