"""The validated policy as frozen dataclasses (Decimal money, real dates).

Built only from data that passed the schema and the meaning checks, so the
builders here may index freely.  Nothing in this module reads files.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

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

    def covers(self, stage: int) -> bool:
        return self.first <= stage and (self.last is None or stage <= self.last)

    @property
    def stages_zh(self) -> str:
        if self.last is None:
            return f"{stage_zh(self.first)}及以后" if self.first else "初稿及以后"
        if self.last == self.first:
            return stage_zh(self.first)
        if self.first == FIRST_DRAFT:
            return f"初稿至第 {self.last} 次修改后"
        return f"第 {self.first}~{self.last} 次修改后"


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

    def step_for(self, stage: int) -> LadderStep | None:
        return next((s for s in self.steps if s.covers(stage)), None)


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


@dataclass(frozen=True)
class WriterChange:
    times: int
    when: tuple[int, ...]  # stages at which a change may be requested


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    price: Decimal
    unit: str
    delivery_min: int
    delivery_max: int
    scope: tuple[str, ...]
    deliverables: tuple[str, ...]
    revisions: Revisions
    ladder: RefundLadder
    writer_change: WriterChange


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    name_en: str
    kind: str
    description: str
    tiers: tuple[Tier, ...]

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    phone: str = ""
    email: str = ""
    wechat: str = ""


@dataclass(frozen=True)
class Department:
    name: str
    duty: str
    people: int | None


@dataclass(frozen=True)
class Advantage:
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    client: str
    industry: str
    services: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Company:
    sample: bool
    name: str
    short_name: str
    name_en: str
    slogan: str
    profile: str
    founded: str
    address: str
    contacts: tuple[Contact, ...]
    organisation: tuple[Department, ...]
    advantages: tuple[Advantage, ...]
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class Instalment:
    name: str
    percent: Decimal
    due: str


@dataclass(frozen=True)
class Terms:
    currency: str
    tax_name: str
    tax_rate: Decimal  # percent, e.g. 6
    prices_include_tax: bool
    max_discount: Decimal  # percent
    payment: tuple[Instalment, ...]
    number_prefix: str
    valid_days: int


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    services: tuple[str, ...]
    solution: str  # "" when the policy gives none


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    staffed: bool


@dataclass(frozen=True)
class AfterSales:
    response_minutes: int
    service_hours: str
    outside_hours: str
    channels: tuple[Channel, ...]
    onsite_rule: str
    onsite_days: int | None
    duties: tuple[tuple[str, str], ...]
    records_projects: str
    records_complaints: str
    categories: tuple[Category, ...]

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


@dataclass(frozen=True)
class PresalesStage:
    number: int
    name: str
    goal: str
    checklist: tuple[str, ...]


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class PreSales:
    stages: tuple[PresalesStage, ...]
    visit_materials: tuple[str, ...]
    classification: tuple[Dimension, ...]
    need_levels: tuple[tuple[str, str], ...]  # (id, name)


@dataclass(frozen=True)
class PolicyFile:
    """One rules file as read: what documents cite and hash."""

    name: str  # e.g. "services"
    rel: str  # e.g. "rules/services.yaml"
    version: str
    effective: date
    sha256: str


@dataclass(frozen=True)
class Policy:
    company: Company
    services: tuple[Service, ...]
    ladders: tuple[RefundLadder, ...]
    terms: Terms
    aftersales: AfterSales
    presales: PreSales
    calendar_holidays: frozenset[date]
    calendar_workdays: frozenset[date]
    calendar_years: frozenset[int]
    files: tuple[PolicyFile, ...]
    refund_terms: RefundTerms = RefundTerms()

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def ladder(self, ladder_id: str) -> RefundLadder | None:
        return next((ld for ld in self.ladders if ld.id == ladder_id), None)

    def tier_of(self, service_id: str, tier_id: str) -> Tier:
        """The tier of a checked deal line (a missing one is a bug: ``check`` rejects unknown ids)."""
        service = self.service(service_id)
        tier = service.tier(tier_id) if service is not None else None
        if tier is None:
            raise LookupError(f"{service_id}/{tier_id} is not in the checked policy")
        return tier

    def service_names(self, service_ids: tuple[str, ...] | list[str]) -> list[str]:
        """The names of the services listed, skipping ids the catalogue does not have."""
        return [s.name for sid in service_ids if (s := self.service(sid)) is not None]

    @property
    def version(self) -> str:
        """The policy version documents cite: one label when all files agree."""
        versions = sorted({f.version for f in self.files})
        if len(versions) == 1:
            return versions[0]
        return " · ".join(f"{f.name} {f.version}" for f in self.files)

    @property
    def effective(self) -> date:
        return max(f.effective for f in self.files)


@dataclass(frozen=True)
class KeyPerson:
    name: str
    title: str
    role: str
    notes: str


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    sample: bool
    industry: str
    region: str
    address: str
    website: str
    profile: str
    classification: tuple[tuple[str, str], ...]  # (dimension id, level)
    needs: tuple[tuple[str, str], ...]  # (need level id, text)
    key_people: tuple[KeyPerson, ...]
    entry_point: str
    talking_points: tuple[str, ...]
    interests: tuple[str, ...]
    presales_stage: int | None
    rel: str = ""


@dataclass(frozen=True)
class DealLine:
    service: str
    tier: str
    quantity: int
    unit_price: Decimal | None
    price_reason: str
    note: str


@dataclass(frozen=True)
class Deal:
    id: str
    client: str
    title: str
    date: datetime.date
    start: datetime.date
    sales: str
    lines: tuple[DealLine, ...]
    discount_percent: Decimal | None
    discount_amount: Decimal | None
    approver: str
    note: str
    rel: str = ""
    #: the people whose email or WeChat makes a message "书面" (written), per side
    client_contacts: tuple[DealContact, ...] = ()
    agency_contacts: tuple[DealContact, ...] = ()
    #: the main contract this appendix is an annex to; None: the appendix stands alone
    main_contract: MainContract | None = None


@dataclass(frozen=True)
class DealContact:
    name: str
    title: str = ""
    email: str = ""
    wechat: str = ""


@dataclass(frozen=True)
class MainContract:
    number: str
    date: datetime.date


@dataclass(frozen=True)
class Workspace:
    """A loaded, validated workspace: the policy plus clients and deals."""

    root: Path
    policy: Policy
    clients: dict[str, Client] = field(hash=False)
    deals: dict[str, Deal] = field(hash=False)
    sources: dict[str, bytes] = field(hash=False, repr=False)  # rel path → exact bytes read

    def client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)


def text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key) or ())


# --------------------------------------------------------------------------- the contract


@dataclass(frozen=True)
class Condition:
    """When a clause applies: every given part must hold for the deal (``when:`` in contract.yaml)."""

    service_kind: str | None = None  # the deal includes a service of this kind (design, copywriting …)
    service: str | None = None  # the deal includes this service …
    tier: str | None = None  # … in this tier
    main_contract: bool | None = None  # the deal names (true) or does not name (false) a main contract


@dataclass(frozen=True)
class Clause:
    """One item of an article: wording with placeholders, or a table the engine computes."""

    id: str
    text: str  # "" for a table
    table: str | None  # scope-lines | price-lines | deal-lines | revision-allowances | refund-ladders
    caption: str
    bold: bool
    limits_client_rights: bool
    when: Condition | None


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Contract:
    """``rules/contract.yaml``: the appendix's wording, legal's to edit."""

    title: str
    articles: tuple[Article, ...]
