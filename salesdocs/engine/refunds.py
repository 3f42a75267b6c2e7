"""Refund ladders: what the client gets back at the stage it declared dissatisfaction.

A stage is the number of counted revisions delivered when the client said it was
unsatisfied: 0 = the first draft (``first-draft``), N = after the N-th revision
(``revision-N``).  Small-detail changes are not revisions (the policy lists them
under ``revisions.not_counted``); directional overhauls and rewrites are not
accepted at all (``revisions.not_accepted``) and are therefore never a stage.
One more stage is not a ladder's: :data:`TERMINATED` (``terminated``), the client ending
the agreement after the delivery clock started but before a first draft, refunded at
``refunds.yaml``'s ``termination.started.percent``.

A step's percentage applies to the ladder's *base* (``refunds.yaml`` ``base:``):

* ``item-total`` — the item's price after its share of the discount, tax included
  (:func:`salesdocs.engine.settlement.line_shares`; for ``K`` of a line's pieces, the first
  ``K`` of :func:`salesdocs.engine.settlement.piece_totals`, the rounding remainder sitting on
  the last piece);
* ``paid`` — what the client has paid for the item.

:func:`salesdocs.engine.settlement.settle` then says what each side keeps: the agency keeps
``(100 − p) %`` of the base; the client gets back what it paid above that, or owes what is
missing, and the rest of the item's price is cancelled.

:func:`refund_line` computes this for a deal's line from its priced quote.  :func:`refund_for`
answers the ad-hoc question "how much of this amount?" without a deal: the amount is what was
paid, and for an ``item-total`` ladder it also stands for the item's price (the result says so).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from salesdocs.engine.money import format_percent, format_yuan, to_fen
from salesdocs.engine.pricing import Quote
from salesdocs.engine.settlement import line_shares, settle
from salesdocs.model import Instalment, RefundTerms, Tier, stage_en, stage_id, stage_zh

__all__ = [
    "TERMINATED",
    "RefundResult",
    "deposit_share",
    "line_item_total",
    "refund_for",
    "refund_line",
    "refund_stage_en",
    "refund_stage_id",
    "refund_stage_zh",
    "writer_change_allowed",
]

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
#: the stage of a termination after the delivery clock started, before a first draft
TERMINATED = -1


def refund_stage_id(stage: int) -> str:
    return "terminated" if stage == TERMINATED else stage_id(stage)


def refund_stage_zh(stage: int) -> str:
    return "初稿交付前解除合同" if stage == TERMINATED else stage_zh(stage)


def refund_stage_en(stage: int) -> str:
    return "terminated before a first draft" if stage == TERMINATED else stage_en(stage)


@dataclass(frozen=True)
class RefundResult:
    """The refund at one stage, and how it settles the item (money to the fen).

    ``refund`` is what the agency pays back, ``still_due`` what the client still owes for the
    item, ``cancelled`` the part of the item's price it no longer owes.  For an ``at_most`` step
    ``percent`` and ``refund`` are the most, ``kept`` the least the agency keeps.
    """

    service: str
    tier: str | None
    stage: int  # 0 first draft, N after the N-th revision, TERMINATED
    covered: bool
    percent: Decimal  # 0 when not covered
    kind: str  # "fixed" | "at_most" | "none"
    ladder: str
    step: int | None  # the step's position in its ladder
    step_id: str | None  # the step's stable id
    rule: str  # the policy text of the step, or why nothing applies (in Chinese)
    source: str  # the ladder's source text
    within_allowance: bool  # stage ≤ revisions included
    base_kind: str  # "item-total" | "paid"
    base: Decimal  # what the percentage applies to
    item_total: Decimal  # the price of the pieces refunded (after discount, tax included)
    paid: Decimal
    kept: Decimal
    refund: Decimal
    still_due: Decimal
    cancelled: Decimal
    deal: str | None = None
    line: int | None = None
    pieces: int | None = None  # pieces of the line refunded
    quantity: int | None = None  # pieces on the line
    unit: str = ""  # what a piece is called (款, 篇 …)
    paid_assumed: bool = False  # ``paid`` is the deposit share, not a given amount
    notes: tuple[tuple[str, str], ...] = ()  # (zh, en): how the figures were taken
    rule_en: str = ""  # why nothing applies, in English ("" when covered: the step's text is the policy's)

    @property
    def amount(self) -> Decimal:
        """What the client paid (the ad-hoc ``--amount``)."""
        return self.paid

    @property
    def stage_id(self) -> str:
        return refund_stage_id(self.stage)


@dataclass(frozen=True)
class _Step:
    percent: Decimal
    kind: str
    ladder: str
    number: int | None
    id: str | None
    text: str
    source: str


def _step(tier: Tier, stage: int, terms: RefundTerms | None) -> _Step | tuple[str, str]:
    """The ladder step (or the termination rule) for ``stage``; (zh, en) say why none applies."""
    ladder = tier.ladder
    if stage == TERMINATED:
        percent = terms.termination_started if terms is not None else None
        if percent is None:
            return "政策没有规定初稿交付前解除合同的退款", "the policy sets no refund for a termination before a first draft"
        text = f"交付期限起算后、初稿交付前甲方解除合同的，退还该件退款基数的 {format_percent(percent)}%"
        return _Step(percent, "fixed", "termination", None, "started", text, "")
    step = ladder.step_for(stage)
    if step is None:
        return f"退款阶梯 {ladder.id} 没有规定{stage_zh(stage)}的退款", f"ladder {ladder.id} has no step for {stage_en(stage)}"
    return _Step(step.percent, step.kind, ladder.id, step.number, step.id, step.text, ladder.source)


def _settled(
    service_id: str,
    tier_id: str | None,
    tier: Tier,
    stage: int,
    item_total: Decimal,
    paid: Decimal,
    terms: RefundTerms | None,
) -> RefundResult:
    """The refund of an item priced ``item_total`` of which ``paid`` was paid, at ``stage``."""
    found = _step(tier, stage, terms)
    within = stage <= tier.revisions.included
    if isinstance(found, tuple):
        return RefundResult(
            service=service_id,
            tier=tier_id,
            stage=stage,
            covered=False,
            percent=Decimal(0),
            kind="none",
            ladder=tier.ladder.id,
            step=None,
            step_id=None,
            rule=found[0],
            rule_en=found[1],
            source=tier.ladder.source,
            within_allowance=within,
            base_kind=tier.ladder.base,
            base=item_total if tier.ladder.base == "item-total" else paid,
            item_total=item_total,
            paid=paid,
            kept=paid,
            refund=ZERO,
            still_due=ZERO,
            cancelled=ZERO,
        )
    s = settle(tier.ladder.base, item_total, paid, found.percent, found.kind)
    return RefundResult(
        service=service_id,
        tier=tier_id,
        stage=stage,
        covered=True,
        percent=found.percent,
        kind=found.kind,
        ladder=found.ladder,
        step=found.number,
        step_id=found.id,
        rule=found.text,
        source=found.source,
        within_allowance=within,
        base_kind=s.base_kind,
        base=s.base,
        item_total=item_total,
        paid=paid,
        kept=s.kept,
        refund=s.refund,
        still_due=s.still_due,
        cancelled=s.cancelled,
    )


def refund_for(
    service_id: str, tier_id: str | None, tier: Tier, stage: int, amount: Decimal, terms: RefundTerms | None = None
) -> RefundResult:
    """Apply ``tier``'s ladder at ``stage`` to ``amount`` paid, without a deal.

    For a ``paid`` ladder the amount is the base; for an ``item-total`` ladder there is no item
    price to go by, so the amount stands for both the item's price and what was paid.
    """
    amount = to_fen(amount)
    notes: tuple[tuple[str, str], ...] = ()
    if tier.ladder.base == "item-total":
        notes = (
            (
                f"未指定交易：{format_yuan(amount)} 同时作为退款基数（该件折后含税价）和已付金额；按交易计算请用 --deal 和 --line",
                f"no deal given: {format_yuan(amount)} is taken as both the refund base (the item's price after discount, "
                "tax included) and the amount paid; use --deal and --line for a deal's item",
            ),
        )
    return replace(_settled(service_id, tier_id, tier, stage, amount, amount, terms), notes=notes)


def refund_line(
    quote: Quote,
    line: int,
    tier: Tier,
    stage: int,
    *,
    pieces: int | None = None,
    paid: Decimal | None = None,
    deposit: Instalment | None = None,
    terms: RefundTerms | None = None,
) -> RefundResult:
    """The refund of ``pieces`` pieces (default: all) of the quote's line ``line`` (1-based) at ``stage``.

    The item's price is the line's share of the quote after discount, tax included (for fewer
    pieces than the line has, the first ``pieces`` of its piece totals).  ``paid`` defaults to the
    ``deposit`` instalment's share of that price (the whole price when there is no instalment).
    The caller checks ``line`` and ``pieces`` (``1 ≤ pieces ≤ quantity``).
    """
    count, item_total = line_item_total(quote, line, pieces)
    notes: list[tuple[str, str]] = []
    assumed = paid is None
    if paid is None:
        paid = deposit_share(item_total, deposit)
        if deposit is None:
            notes.append(("已付金额按全部价款计算；实际不同时用 --paid 指定", "amount paid taken as the whole price; give --paid if not"))
        else:
            pct = format_percent(deposit.percent)
            notes.append(
                (
                    f"已付金额按{deposit.name}计算，即价款的 {pct}%：{format_yuan(paid)}；实际不同时用 --paid 指定",
                    f"amount paid taken as the first instalment, {pct}% of the price: {format_yuan(paid)}; give --paid when it differs",
                )
            )
    q = quote.lines[line - 1]
    return replace(
        _settled(q.service_id, q.tier_id, tier, stage, item_total, to_fen(paid), terms),
        deal=quote.deal_id,
        line=line,
        pieces=count,
        quantity=q.quantity,
        unit=q.unit,
        paid_assumed=assumed,
        notes=tuple(notes),
    )


def line_item_total(quote: Quote, line: int, pieces: int | None = None) -> tuple[int, Decimal]:
    """(pieces, their price): the line's share of the quote after discount, tax included, for
    ``pieces`` of its pieces (default all: the line's total; fewer: the first ``pieces`` piece totals)."""
    shares = line_shares(
        [q.amount for q in quote.lines], [q.quantity for q in quote.lines], quote.discount, quote.tax, quote.prices_include_tax
    )
    share = shares[line - 1]
    count = share.quantity if pieces is None else pieces
    return count, share.total if count == share.quantity else sum(share.pieces[:count], ZERO)


def deposit_share(item_total: Decimal, deposit: Instalment | None) -> Decimal:
    """What the client has paid for an item when only the first instalment is in: its percent of
    the item's price (the whole price when the terms have no instalments)."""
    return item_total if deposit is None else to_fen(item_total * deposit.percent / HUNDRED)


def writer_change_allowed(tier: Tier, stage: int, used: int) -> tuple[bool, str, str]:
    """May the client ask for another writer/designer at ``stage``, having used ``used`` changes?"""
    wc = tier.writer_change
    if wc.times == 0:
        return False, "该服务不提供更换文案师/设计师", "this service offers no writer/designer change"
    if used >= wc.times:
        return False, f"已用完 {wc.times} 次更换机会", f"all {wc.times} change(s) already used"
    if wc.when and stage not in wc.when:
        allowed_zh = "、".join(stage_zh(s) for s in wc.when)
        allowed_en = ", ".join(stage_id(s) for s in wc.when)
        return False, f"只有在{allowed_zh}不满意时可以申请", f"only at: {allowed_en}"
    return True, f"可以申请更换（还剩 {wc.times - used} 次）", f"may be requested ({wc.times - used} left)"
