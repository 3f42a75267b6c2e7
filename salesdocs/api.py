"""The public Python API: thin functions over the workspace and the engine.

Every CLI command calls exactly one function here, so scripts can do what the
command line does::

    ws = salesdocs.load_workspace(".")
    q = salesdocs.quote(ws, "2026-001-yunfan-launch")
    w = salesdocs.due_dates(ws, "logo-design", "standard", date(2026, 9, 28))
    r = salesdocs.refund(ws, "copywriting", None, "revision-2", Decimal("1500"))
    r = salesdocs.refund_line(ws, "2026-001-yunfan-launch", 3, "first-draft", pieces=1)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from salesdocs.engine.calendar import calendar_for
from salesdocs.engine.money import format_yuan
from salesdocs.engine.pricing import Quote, price_deal
from salesdocs.engine.refunds import TERMINATED, RefundResult, line_item_total, refund_for
from salesdocs.engine.refunds import refund_line as refund_line_of
from salesdocs.errors import UsageError
from salesdocs.model import Deal, Service, Tier, Workspace, stage_id, stage_zh
from salesdocs.policy import releases


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
    stem = path.stem if path.suffix == ".yaml" else None  # only .yaml files are read (deals/x.yml is not deals/x.yaml)
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


def _name_key(text: str) -> str:
    """A name as typed, for comparing: full-width folded (NFKC), no spaces, case ignored."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def find_service(ws: Workspace, service_id: str) -> Service:
    """The service with this id — or with this name (``LOGO设计`` for ``LOGO 设计``)."""
    service = ws.policy.service(service_id) or next((s for s in ws.policy.services if _name_key(s.name) == _name_key(service_id)), None)
    if service is None:
        choices_zh = ", ".join(f"{s.id}（{s.name}）" for s in ws.policy.services)
        choices = ", ".join(s.id for s in ws.policy.services)
        hint_zh, hint_en = _did_you_mean(service_id, [s.id for s in ws.policy.services])
        raise UsageError(
            f"找不到服务 {service_id}{hint_zh}；可选：{choices_zh}", f"unknown service {service_id}{hint_en}; choose one of: {choices}"
        )
    return service


def find_tier(service: Service, tier_id: str | None, *, same: str) -> tuple[Tier, str | None]:
    """The tier named, or — when none is named — the only one, or any when all agree on ``same``."""
    if tier_id is not None:
        tier = service.tier(tier_id) or next((t for t in service.tiers if _name_key(t.name) == _name_key(tier_id)), None)
        if tier is None:
            choices = ", ".join(t.id for t in service.tiers)
            choices_zh = ", ".join(f"{t.id}（{t.name}）" for t in service.tiers)
            raise UsageError(
                f"服务 {service.id} 没有档位 {tier_id}；可选：{choices_zh}",
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


def deal_workspace(ws: Workspace, deal: str | Deal, policy: str | None = None) -> Workspace:
    """The workspace under the policy a deal uses: ``policy`` when given (a released version, or
    ``rules`` for the working copy marked 草稿), else the deal's ``policy:`` pin, else the newest
    release effective on or before its date, else (nothing released) ``rules/`` as it is."""
    d = deal if isinstance(deal, Deal) else find_deal(ws, deal)
    return releases.deal_view(ws, d, policy)


def working_copy(ws: Workspace) -> Workspace:
    """The workspace under the working copy ``rules/``, every document marked 草稿 (what a live preview shows)."""
    return releases.view(ws, releases.WORKING)


def quote(ws: Workspace, deal: str | Deal, policy: str | None = None) -> Quote:
    """Price a deal (by id, path or object) under the policy it uses (see :func:`deal_workspace`)."""
    d = deal if isinstance(deal, Deal) else find_deal(ws, deal)
    seen = deal_workspace(ws, d, policy)
    return price_deal(seen.policy, d, calendar_for(seen.policy))


def due_dates(ws: Workspace, service: str, tier: str | None, start: date, policy: str | None = None) -> DueWindow:
    """Earliest and latest due dates of a tier's delivery window from ``start``, under ``policy``
    (a version or ``rules``; by default the release in effect on ``start``)."""
    ws = releases.dated_view(ws, start, policy)
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


STAGES_HINT = "first-draft, revision-1, revision-2, …"


def parse_refund_stage(ws: Workspace, stage: str | int) -> int:
    """``first-draft`` → 0, ``revision-N`` → N, ``terminated`` (when the policy sets a refund for it);
    also as people write them (初稿, 第二次修改, 二改, revision2, second revision: :func:`read_stage`)."""
    from salesdocs.engine.stages import read_stage, stage_suggestion

    terminable = ws.policy.refund_terms.termination_started is not None
    if stage == "terminated" and terminable:
        return TERMINATED
    number = stage if isinstance(stage, int) else read_stage(stage)
    if number is not None and number >= 0:
        return number
    choices = STAGES_HINT + (", terminated" if terminable else "")
    guess = stage_suggestion(stage) if isinstance(stage, str) else None
    if guess is not None:
        raise UsageError(
            f"阶段 {stage} 不明确：是{stage_zh(guess)}（--stage {stage_id(guess)}）吗？初稿写 first-draft",
            f"stage {stage} is ambiguous: do you mean after revision {guess} (--stage {stage_id(guess)})? The first draft is first-draft",
        )
    raise UsageError(
        f"未知的阶段 {stage}；可选：{choices}（也可写 初稿、第 2 次修改后、二改）",
        f"unknown stage {stage}; choose one of: {choices} (or e.g. revision2, second revision)",
    )


def _check_amount(amount: Decimal, name_zh: str, name_en: str) -> None:
    if not isinstance(amount, Decimal) or amount < 0:  # a float would carry binary rounding into money
        raise UsageError(f"{name_zh}必须是不小于 0 的数：{amount}", f"{name_en} must be a number ≥ 0: {amount}")


def refund(
    ws: Workspace, service: str, tier: str | None, stage: str | int, amount: Decimal, policy: str | None = None, on: date | None = None
) -> RefundResult:
    """The refund owed when the client declares dissatisfaction at ``stage``, having paid ``amount``.

    No deal: for an ``item-total`` ladder the amount also stands for the item's price (the
    result's ``notes`` say so); :func:`refund_line` computes it from a deal's line.  The policy is
    ``policy`` (a version or ``rules``), else the release in effect on ``on`` (default today).
    """
    _check_amount(amount, "金额", "the amount")
    ws = releases.dated_view(ws, on or date.today(), policy)
    svc = find_service(ws, service)
    t, tier_id = find_tier(svc, tier, same="ladder")
    number = parse_refund_stage(ws, stage)
    return refund_for(svc.id, tier_id, t, number, amount, ws.policy.refund_terms)


def refund_line(
    ws: Workspace,
    deal: str | Deal,
    line: int | str,
    stage: str | int,
    *,
    pieces: int | str | None = None,
    paid: Decimal | None = None,
    policy: str | None = None,
) -> RefundResult:
    """The refund of a deal's line (1-based, as the quote numbers it) at ``stage``.

    ``pieces``: how many of the line's pieces (default all); ``paid``: what the client paid for
    them (default: the first payment instalment's share of their price).  ``line`` and ``pieces``
    may be given as the command line's text; anything but a valid number is a usage error.
    """
    d = deal if isinstance(deal, Deal) else find_deal(ws, deal)
    ws = deal_workspace(ws, d, policy)
    q = quote(ws, d, policy)
    given, line = line, _whole(line)
    if not 1 <= line <= len(q.lines):
        choices_zh = "、".join(f"{x.number}（{x.service_name}·{x.tier_name}）" for x in q.lines)
        choices_en = ", ".join(f"{x.number} ({x.service_id}/{x.tier_id})" for x in q.lines)
        raise UsageError(
            f"交易 {d.id} 没有第 {given} 行；可选：{choices_zh}", f"deal {d.id} has no line {given}; choose one of: {choices_en}"
        )
    item = q.lines[line - 1]
    count = None if pieces is None else _whole(pieces)
    if count is not None and not 1 <= count <= item.quantity:
        name = f"{item.service_name}·{item.tier_name}"
        raise UsageError(
            f"交易 {d.id} 第 {line} 行（{name}）共 {item.quantity} {item.unit}：--pieces 可选 1~{item.quantity}，不能是 {pieces}",
            f"deal {d.id} line {line} ({item.service_id}/{item.tier_id}) has {item.quantity} piece(s): "
            f"--pieces must be 1 to {item.quantity}, not {pieces}",
        )
    if paid is not None:
        _check_amount(paid, "--paid ", "--paid")
        count, price = line_item_total(q, line, count)
        if paid > price:
            raise UsageError(
                f"--paid {format_yuan(paid)} 超过这 {count} {item.unit}的价款 {format_yuan(price)}（分摊折扣后、含税）；"
                "额外修改等价款以外的费用不计入",
                f"--paid {format_yuan(paid)} exceeds the price of these {count} piece(s), {format_yuan(price)} "
                "(after the discount, tax included); fees outside the price, such as extra revisions, do not count",
            )
    number = parse_refund_stage(ws, stage)
    rules = ws.policy
    deposit = rules.terms.payment[0] if rules.terms.payment else None
    tier = rules.tier_of(item.service_id, item.tier_id)
    return refund_line_of(q, line, tier, number, pieces=count, paid=paid, deposit=deposit, terms=rules.refund_terms)


def _whole(value: int | str) -> int:
    """A line or piece count as given; 0 (never valid) when it is not a whole number."""
    if isinstance(value, int):
        return value
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() else 0
