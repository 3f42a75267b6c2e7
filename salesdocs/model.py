"""The validated policy as frozen dataclasses (Decimal money, real dates).

Built only from data that passed the schema and the meaning checks, so the
builders here may index freely.  Nothing in this module reads files.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
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
        return stages_zh(self.first, self.last)


def stages_zh(first: int, last: int | None) -> str:
    """The stages from ``first`` to ``last`` (None: and every later one), in words."""
    if last is None:
        return f"{stage_zh(first)}及以后" if first else "初稿及以后"
    if last == first:
        return stage_zh(first)
    if first == FIRST_DRAFT:
        return f"初稿至第 {last} 次修改后"
    return f"第 {first}~{last} 次修改后"


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

    @property
    def short_name(self) -> str:
        """ "设计类（LOGO / 宣传页 / 海报）" → "设计类": the name without its parenthesised services."""
        return self.name.split("（")[0].split("(")[0].strip()

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
    next_piece: int = 0  # working days added for each further piece of the same line
    source_formats: tuple[str, ...] = ()


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

    @property
    def worker_zh(self) -> str:
        """Who a writer/designer change replaces: 文案师 for copywriting, 设计师 otherwise."""
        return "文案师" if self.kind == "copywriting" else "设计师"


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
    id: str
    name: str
    percent: Decimal
    after: Literal["signing", "acceptance"]
    due_days: int

    @property
    def due(self) -> str:
        """When it falls due, in words (the quote prints this; the appendix cites the figures)."""
        start = "合同签订后" if self.after == "signing" else "每件均已验收合格、结算或者解除后"
        return f"{start} {self.due_days} 个工作日内支付"


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


ServiceDays = Literal["working-days", "every-day"]
#: how documents name the service days, and the next one
SERVICE_DAYS_ZH: dict[str, tuple[str, str]] = {"working-days": ("工作日", "下一个工作日"), "every-day": ("每天", "次日")}


@dataclass(frozen=True)
class ServiceHours:
    """When the agency answers within the response time (``aftersales.response``), and the rule outside.

    A message is *in hours* when it arrives on a service day at or after ``start`` and before
    ``end``.  Any other message is answered by ``reply_by`` on the next service day — or, when
    it arrives on a service day before ``start``, by ``reply_by`` that same day.
    """

    days: ServiceDays
    start: time  # ``from``
    end: time  # ``to``, after ``start``
    reply_by: time  # ``outside_hours.reply_by``


@dataclass(frozen=True)
class ResponseZh:
    """The response rule in the words documents print (see :func:`response_zh`)."""

    service_hours: str  # 工作日 9:00—18:30
    in_hours: str  # 服务时间内 30 分钟内首次回复
    reply_deadline: str  # 下一个工作日 10:00 前
    outside_hours: str  # 下一个工作日 10:00 前首次回复
    rule: str  # 服务时间内 30 分钟内首次回复；服务时间外下一个工作日 10:00 前首次回复


def clock_zh(t: time) -> str:
    """``09:00`` → ``9:00`` (the hour without a leading zero, as Chinese documents write it)."""
    return f"{t.hour}:{t.minute:02d}"


def response_zh(minutes: int, hours: ServiceHours) -> ResponseZh:
    """The one place the service hours and the response rule become words."""
    days, next_day = SERVICE_DAYS_ZH[hours.days]
    deadline = f"{next_day} {clock_zh(hours.reply_by)} 前"
    in_hours = f"服务时间内 {minutes} 分钟内首次回复"
    outside = f"{deadline}首次回复"
    return ResponseZh(
        service_hours=f"{days} {clock_zh(hours.start)}—{clock_zh(hours.end)}",
        in_hours=in_hours,
        reply_deadline=deadline,
        outside_hours=outside,
        rule=f"{in_hours}；服务时间外{outside}",
    )


def onsite_zh(rule: str, days: int | None, local_area: str) -> str:
    """``远程无法解决的问题，及时外出上门解决（2 个工作日内）；杭州市内上门不收取差旅费``"""
    text = rule + (f"（{days} 个工作日内）" if days else "")
    return text + (f"；{local_area}内上门不收取差旅费" if local_area else "")


def correction_zh(days: int | None) -> str:
    """``验收后 90 日内，因我方原因造成的错误免费更正`` ("" when the policy sets no period)."""
    return f"验收后 {days} 日内，因我方原因造成的错误免费更正" if days else ""


@dataclass(frozen=True)
class AfterSales:
    response_minutes: int
    service_hours: ServiceHours
    channels: tuple[Channel, ...]
    onsite_rule: str
    onsite_days: int | None
    onsite_local_area: str  # "" when the policy names no area without travel costs
    correction_days: int | None  # calendar days after acceptance; None when the policy sets none
    duties: tuple[tuple[str, str], ...]
    records_projects: str
    records_complaints: str
    categories: tuple[Category, ...]

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def response_zh(self) -> ResponseZh:
        return response_zh(self.response_minutes, self.service_hours)

    @property
    def onsite_zh(self) -> str:
        return onsite_zh(self.onsite_rule, self.onsite_days, self.onsite_local_area)

    @property
    def correction_zh(self) -> str:
        return correction_zh(self.correction_days)


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
    contract: Contract
    #: every rules file's values by file name ("terms" → its mapping): what clause placeholders cite
    data: Mapping[str, Any]
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
