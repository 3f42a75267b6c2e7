"""The company profile and the commercial terms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    phone: str = ""
    email: str = ""
    wechat: str = ""
    role_en: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Department:
    name: str
    duty: str
    people: int | None
    name_en: str = ""
    duty_en: str = ""


@dataclass(frozen=True)
class Advantage:
    key: str
    title: str
    text: str
    title_en: str = ""
    text_en: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    client: str
    industry: str
    services: tuple[str, ...]
    summary: str
    title_en: str = ""
    client_en: str = ""
    industry_en: str = ""
    summary_en: str = ""


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
    address_en: str = ""
    short_name_en: str = ""
    slogan_en: str = ""
    profile_en: str = ""


@dataclass(frozen=True)
class Instalment:
    id: str
    name: str
    percent: Decimal
    after: Literal["signing", "acceptance"]
    due_days: int
    name_en: str = ""

    @property
    def due(self) -> str:
        """When it falls due, in words (the quote prints this; the appendix cites the figures)."""
        start = "合同签订后" if self.after == "signing" else "每件均已验收合格、结算或者解除后"
        return f"{start} {self.due_days} 个工作日内支付"

    @property
    def due_en(self) -> str:
        start = "signing" if self.after == "signing" else "every item has been accepted, settled or terminated"
        days = "working day" if self.due_days == 1 else "working days"
        return f"within {self.due_days} {days} after {start}"


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
    tax_name_en: str = ""
