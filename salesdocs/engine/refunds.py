"""Refund ladders: what the client gets back at the stage it declared dissatisfaction.

A stage is the number of counted revisions delivered when the client said it was
unsatisfied: 0 = the first draft (``first-draft``), N = after the N-th revision
(``revision-N``).  Small-detail changes are not revisions (the policy lists them
under ``revisions.not_counted``); directional overhauls and rewrites are not
accepted at all (``revisions.not_accepted``) and are therefore never a stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesdocs.engine.money import to_fen
from salesdocs.model import LadderStep, RefundLadder, Tier, stage_id, stage_zh

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RefundResult:
    service: str
    tier: str | None
    stage: int
    amount: Decimal  # what the client paid
    covered: bool
    percent: Decimal  # 0 when not covered
    refund: Decimal  # to the fen; for "at_most" the maximum
    kind: str  # "fixed" | "at_most" | "none"
    ladder: str
    step: int | None
    rule: str  # the policy text of the step, or why nothing applies
    source: str  # the ladder's source text
    within_allowance: bool  # stage ≤ revisions included

    @property
    def stage_id(self) -> str:
        return stage_id(self.stage)


def refund_for(service_id: str, tier_id: str | None, tier: Tier, stage: int, amount: Decimal) -> RefundResult:
    """Apply ``tier``'s ladder to ``amount`` paid, at ``stage``."""
    ladder: RefundLadder = tier.ladder
    step: LadderStep | None = ladder.step_for(stage)
    within = stage <= tier.revisions.included
    if step is None:
        return RefundResult(
            service=service_id,
            tier=tier_id,
            stage=stage,
            amount=amount,
            covered=False,
            percent=Decimal(0),
            refund=Decimal("0.00"),
            kind="none",
            ladder=ladder.id,
            step=None,
            rule=f"退款阶梯 {ladder.id} 没有规定{stage_zh(stage)}的退款 / ladder {ladder.id} has no step for {stage_id(stage)}",
            source=ladder.source,
            within_allowance=within,
        )
    return RefundResult(
        service=service_id,
        tier=tier_id,
        stage=stage,
        amount=amount,
        covered=True,
        percent=step.percent,
        refund=to_fen(amount * step.percent / HUNDRED),
        kind=step.kind,
        ladder=ladder.id,
        step=step.number,
        rule=step.text,
        source=ladder.source,
        within_allowance=within,
    )


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
