"""Clients, deals and the loaded workspace."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from salesdocs.model.policy import Policy


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

    def client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)
