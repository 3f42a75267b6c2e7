"""Refund ladders, revision allowances and writer changes: the stages a piece goes through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

FIRST_DRAFT = 0
_STAGE_RE = re.compile(r"(first-draft|revision-([1-9][0-9]*))\Z")


def parse_stage(text: str) -> int | None:
    """``first-draft`` → 0, ``revision-N`` → N; None when not a stage."""
    match = _STAGE_RE.match(text.strip())
    if not match:
        return None
    return int(match.group(2)) if match.group(2) else FIRST_DRAFT


def stage_id(stage: int) -> str:
    return "first-draft" if stage == FIRST_DRAFT else f"revision-{stage}"


def stage_zh(stage: int) -> str:
    return "初稿" if stage == FIRST_DRAFT else f"第 {stage} 次修改后"


def stage_en(stage: int) -> str:
    return "first draft" if stage == FIRST_DRAFT else f"after revision {stage}"


@dataclass(frozen=True)
class LadderStep:
    id: str  # stable: stays the same when steps are added or moved
    number: int  # 1-based position in the ladder
    first: int  # first stage covered
    last: int | None  # last stage covered, inclusive; None = and every later stage
    percent: Decimal
    kind: Literal["fixed", "at_most"]
    text: str
    text_en: str = ""

    def covers(self, stage: int) -> bool:
        return self.first <= stage and (self.last is None or stage <= self.last)

    @property
    def stages_zh(self) -> str:
        return stages_zh(self.first, self.last)

    @property
    def stages_en(self) -> str:
        return stages_en(self.first, self.last)


def stages_zh(first: int, last: int | None) -> str:
    """The stages from ``first`` to ``last`` (None: and every later one), in words."""
    if last is None:
        return f"{stage_zh(first)}及以后" if first else "初稿及以后"
    if last == first:
        return stage_zh(first)
    if first == FIRST_DRAFT:
        return f"初稿至第 {last} 次修改后"
    return f"第 {first}~{last} 次修改后"


def stages_en(first: int, last: int | None) -> str:
    """The stages in English words: ``first draft``, ``after revisions 1–3``, ``after revision 4 and later``."""
    if last is None:
        return "first draft and later" if first == FIRST_DRAFT else f"after revision {first} and later"
    if last == first:
        return stage_en(first)
    if first == FIRST_DRAFT:
        return f"first draft to revision {last}"
    return f"after revisions {first}–{last}"


#: what a ladder's percentages apply to: the item's price after its share of the discount, tax
#: included (``item-total``), or what the client has paid (``paid``)
RefundBase = Literal["item-total", "paid"]


@dataclass(frozen=True)
class RefundLadder:
    id: str
    name: str
    source: str
    steps: tuple[LadderStep, ...]
    base: RefundBase = "item-total"
    name_en: str = ""

    def step_for(self, stage: int) -> LadderStep | None:
        return next((s for s in self.steps if s.covers(stage)), None)

    @property
    def short_name(self) -> str:
        """ "设计类（LOGO / 宣传页 / 海报）" → "设计类": the name without its parenthesised services."""
        return self.name.split("（")[0].split("(")[0].strip()

    @property
    def short_name_en(self) -> str:
        """ "Design (logo / flyer / poster)" → "Design"."""
        return self.name_en.split("(")[0].strip()

    @property
    def base_en(self) -> str:
        return (
            "the item's price after discount, tax included (refund base)" if self.base == "item-total" else "the amount paid for the item"
        )

    @property
    def base_zh(self) -> str:
        """What the percentages apply to, in words."""
        return "该件折后含税价款（退款基数）" if self.base == "item-total" else "该件已付款项"


@dataclass(frozen=True)
class AtMostProcedure:
    """The working days behind an ``at_most`` step: the agency proposes, the client may object,
    the parties negotiate; failing that, the cap applies."""

    proposal_days: int
    objection_days: int
    negotiation_days: int


@dataclass(frozen=True)
class RefundTerms:
    """The procedure values of ``refunds.yaml`` beside the ladders (None when the policy sets none)."""

    payment_days: int | None = None  # working days to pay a refund once it is settled
    at_most: AtMostProcedure | None = None
    #: refund % of the base when the client terminates after the clock started, before a first draft
    termination_started: Decimal | None = None


@dataclass(frozen=True)
class Revisions:
    included: int
    not_counted: tuple[str, ...]
    not_accepted: tuple[str, ...]
    extra_price: Decimal | None = None  # one extra revision beyond those included, excluding tax
    not_counted_en: tuple[str, ...] = ()
    not_accepted_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class WriterChange:
    times: int
    when: tuple[int, ...]  # stages at which a change may be requested
