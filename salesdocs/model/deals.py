"""Clients, deals and the loaded workspace."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from salesdocs.model.policy import Policy, PolicyRelease

#: a document's language: Chinese, English, or 中英对照 (each text in Chinese, then in English)
DocLanguage = Literal["zh", "en", "zh-en"]
DOC_LANGUAGES: tuple[DocLanguage, ...] = ("zh", "en", "zh-en")


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
    name_en: str = ""
    address_en: str = ""
    language: DocLanguage | None = None  # the language of documents for this client (None: zh)


@dataclass(frozen=True)
class DealLine:
    service: str
    tier: str
    quantity: int
    unit_price: Decimal | None
    price_reason: str
    note: str
    price_reason_en: str = ""


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
    #: the release this deal is pinned to (``policy:``); None: chosen by the deal's date
    policy: str | None = None
    title_en: str = ""
    language: DocLanguage | None = None  # None: the client's language, else zh
    prevailing_language: Literal["zh", "en"] = "zh"  # which version prevails in a bilingual appendix

    def doc_language(self, client: Client | None) -> DocLanguage:
        """The language of this deal's documents: the deal's own, else its client's, else zh."""
        return self.language or (client.language if client else None) or "zh"

    #: clauses whose wording was negotiated for this deal only (``clauses:``), each with its approver
    clause_overrides: tuple[ClauseOverride, ...] = ()

    def clause_text(self, clause_id: str, standard: str) -> str:
        """The wording of a clause in this deal's appendix: its override, else the standard text."""
        return next((o.text for o in self.clause_overrides if o.id == clause_id), standard)


@dataclass(frozen=True)
class DealContact:
    name: str
    title: str = ""
    email: str = ""
    wechat: str = ""
    title_en: str = ""


@dataclass(frozen=True)
class ClauseOverride:
    """A deviation from the standard wording of one clause, negotiated for one deal."""

    id: str
    text: str
    approver: str


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
    #: the released policies under ``policies/``, oldest effective date first
    releases: tuple[PolicyRelease, ...] = field(default=(), hash=False)
    #: the workspace as seen under each release or ``rules`` already loaded (see ``salesdocs.api.deal_workspace``)
    views: dict[str, Workspace] = field(default_factory=dict, hash=False, repr=False, compare=False)

    def client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)
