"""Validating one row of after-sales records (a ticket or a project event) against the workspace.

Each row is checked by a :class:`RowChecker`, which collects every problem of the row as
``ROW: column: problem`` (in Chinese and English) instead of stopping at the first one.  A row
that passes becomes a :class:`Ticket` or an :class:`Event`, with its external id (the ``id``
column, or a stable hash of its content) and that content hash.  Whether a project's events
make a possible history is checked later, with the recorded ones
(:mod:`salesdocs.records.project_checks`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from salesdocs.engine.dates import nonexistent_date
from salesdocs.engine.money import MoneyError, parse_yuan, yuan_to_fen
from salesdocs.errors import RowProblem
from salesdocs.model import Service, Workspace
from salesdocs.records.events import EVENT_TYPES, event_type, parse_datetime, parse_event_stage, short
from salesdocs.records.reading import EVENT_FIELDS

__all__ = ["TICKET_COLUMNS", "Event", "Lookup", "RowChecker", "Ticket", "validate_event", "validate_ticket"]

_YES = {"是", "yes", "y", "true", "1", "上门", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", "", "不上门", "-", "—"}


@dataclass(frozen=True)
class Names:
    """Ids and names of one kind of thing (clients, services …) → its id, and how to list the ids."""

    zh: str
    en: str
    table: dict[str, str]
    choices: str

    def get(self, value: str) -> str | None:
        return self.table.get(value) or self.table.get(value.lower())


def _table(rows: Iterable[tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for row in rows:
        for name in row:
            if name:
                table.setdefault(name.strip(), row[0])
                table.setdefault(name.strip().lower(), row[0])
    return table


class Lookup:
    """Ids and names of the workspace's clients, services, categories and channels."""

    def __init__(self, ws: Workspace) -> None:
        policy = ws.policy
        categories = policy.aftersales.categories
        self.clients = Names("客户", "client", _table((c.id, c.name) for c in ws.clients.values()), ", ".join(sorted(ws.clients)) or "—")
        self.services = Names(
            "服务", "service", _table((s.id, s.name, s.name_en) for s in policy.services), ", ".join(s.id for s in policy.services)
        )
        self.categories = Names("问题类别", "category", _table((c.id, c.name) for c in categories), ", ".join(c.id for c in categories))
        self.channels = Names(
            "渠道",
            "channel",
            _table((c.id, c.name) for c in policy.aftersales.channels),
            ", ".join(c.id for c in policy.aftersales.channels),
        )
        self.category_services = {c.id: c.services for c in categories}
        self.category_ids_by_service = {s.id: ", ".join(c.id for c in categories if s.id in c.services) for s in policy.services}


class RowChecker:
    """Checks the cells of one row and collects its problems (``cell``: field → stripped text;
    ``col``: field → the column as messages name it)."""

    def __init__(self, cell: Callable[[str], str], col: Callable[[str], str], row: int | None, problems: list[RowProblem]) -> None:
        self.cell = cell
        self.col = col
        self.row = row
        self.problems = problems
        self._before = len(problems)

    @property
    def failed(self) -> bool:
        """True when this row has a problem."""
        return len(self.problems) > self._before

    def bad(self, name: str, zh: str, en: str) -> None:
        self.problems.append(RowProblem(self.row, self.col(name), zh, en))

    def required(self, name: str) -> str:
        value = self.cell(name)
        if not value:
            self.bad(name, "必须填写", "is required")
        return value

    def unknown(self, name: str, zh: str, en: str, value: str, choices: str) -> None:
        self.bad(name, f"未知的{zh}：“{value}”；可选：{choices}", f"unknown {en} '{value}'; known: {choices}")

    def find(self, name: str, names: Names, *, need: bool, choices: Callable[[], str] | None = None) -> str | None:
        """The id a cell names (None when empty or unknown; unknown is a problem, and so is empty when needed)."""
        value = self.required(name) if need else self.cell(name)
        if not value:
            return None
        found = names.get(value)
        if found is None:
            self.unknown(name, names.zh, names.en, value, choices() if choices else names.choices)
        return found

    def when(self, name: str, *, need: bool, date_only: bool = False) -> str | None:
        """A date and time (``YYYY-MM-DD HH:MM:SS``); a date alone only with ``date_only``."""
        value = self.required(name) if need else self.cell(name)
        if not value:
            return None
        parsed = parse_datetime(value, date_only=date_only)
        missing = nonexistent_date(value) if parsed is None else None
        if missing is not None:
            self.bad(name, missing[0], missing[1])
        elif parsed is None:
            or_zh, or_en = (" 或 2026-10-08", " or 2026-10-08") if date_only else ("", "")
            self.bad(
                name,
                f"不是有效的日期时间：“{value}”（应为 2026-10-08 14:30{or_zh}）",
                f"not a valid date and time: '{value}' (expected e.g. 2026-10-08 14:30{or_en})",
            )
        return parsed

    def amount(self, name: str) -> int | None:
        """An amount of money in fen (None when empty or not an amount; the latter is a problem)."""
        value = self.cell(name)
        if not value:
            return None
        try:
            return yuan_to_fen(parse_yuan(value))
        except MoneyError:
            self.bad(
                name, f"不是有效的金额：“{value}”（不小于 0，最多两位小数）", f"not a valid amount: '{value}' (≥ 0, at most two decimals)"
            )
            return None


def row_hash(kind: str, values: Sequence[Any]) -> str:
    text = "\x1f".join("" if v is None else str(v) for v in (kind, *values))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def external_id(given: str, content_hash: str) -> str:
    return given if given else f"h:{content_hash[:24]}"


# ------------------------------------------------------------------------------ tickets

TICKET_COLUMNS = (
    "received_at",
    "channel",
    "client",
    "project_id",
    "service",
    "category",
    "description",
    "first_response_at",
    "resolved_at",
    "resolution",
    "onsite",
    "satisfaction",
)


@dataclass
class Ticket:
    row: int | None
    external_id: str
    row_hash: str
    values: tuple[Any, ...]  # in TICKET_COLUMNS order
    service: str
    client: str
    project: str | None
    received_at: str


def _category(chk: RowChecker, lk: Lookup, service: str | None) -> str | None:
    category = chk.find(
        "category", lk.categories, need=True, choices=lambda: lk.category_ids_by_service.get(service or "", "") or lk.categories.choices
    )
    if category is not None and service is not None and service not in lk.category_services[category]:
        applies = ", ".join(lk.category_services[category])
        chk.bad(
            "category",
            f"问题类别 {category} 不适用于服务 {service}（只适用于：{applies}）",
            f"category {category} does not apply to service {service} (it applies to: {applies})",
        )
    return category


def _ticket_extras(chk: RowChecker) -> tuple[int, int | None]:
    """(onsite 0/1, satisfaction 1–5 or None)."""
    onsite_text = chk.cell("onsite").lower()
    onsite = 1 if onsite_text in _YES else 0
    if onsite_text not in _YES and onsite_text not in _NO:
        chk.bad("onsite", f"应填 是 或 否：“{chk.cell('onsite')}”", f"expected yes or no: '{chk.cell('onsite')}'")
    sat_text = chk.cell("satisfaction")
    satisfaction = None
    if sat_text:
        if re.fullmatch(r"[1-5]", sat_text):
            satisfaction = int(sat_text)
        else:
            chk.bad(
                "satisfaction",
                f"满意度必须是 1–5 的整数或留空：“{sat_text}”",
                f"satisfaction must be a whole number 1–5 or empty: '{sat_text}'",
            )
    return onsite, satisfaction


def validate_ticket(
    cell: Callable[[str], str], col: Callable[[str], str], row: int | None, lk: Lookup, problems: list[RowProblem]
) -> Ticket | None:
    chk = RowChecker(cell, col, row, problems)
    received = chk.when("received_at", need=True)
    channel = chk.find("channel", lk.channels, need=True)
    client = chk.find("client", lk.clients, need=True)
    service = chk.find("service", lk.services, need=True)
    category = _category(chk, lk, service)
    first = chk.when("first_response_at", need=False)
    resolved = chk.when("resolved_at", need=False)
    if received and first and first < received:
        chk.bad("first_response_at", f"早于收到时间 {short(received)}", f"is before received_at {short(received)}")
    if received and resolved and resolved < received:
        chk.bad("resolved_at", f"早于收到时间 {short(received)}", f"is before received_at {short(received)}")
    onsite, satisfaction = _ticket_extras(chk)
    project = cell("project") or None
    if chk.failed:
        return None
    assert received and channel and client and service and category
    values = (
        received,
        channel,
        client,
        project,
        service,
        category,
        cell("description"),
        first,
        resolved,
        cell("resolution"),
        onsite,
        satisfaction,
    )
    h = row_hash("ticket", values)
    return Ticket(row, external_id(cell("id"), h), h, values, service, client, project, received)


# ------------------------------------------------------------------------------- events


@dataclass
class Event:
    row: int | None
    external_id: str
    row_hash: str
    project: str
    deal: str | None
    client: str | None
    service: str
    tier: str | None
    type: str
    at: str
    stage: int | None  # as declared
    paid_fen: int | None
    refund_fen: int | None
    note: str
    cols: dict[str, str]  # field → column name shown in messages
    order: int = 0
    computed_stage: int | None = None


def _event_offer(chk: RowChecker, ws: Workspace, lk: Lookup) -> tuple[str | None, str | None, str | None]:
    """(service, tier, deal) of an event row."""
    service = chk.find("service", lk.services, need=True)
    svc: Service | None = ws.policy.service(service) if service else None
    tier = deal = None
    if (v := chk.cell("tier")) and svc is not None:
        if svc.tier(v) is None:
            choices = ", ".join(t.id for t in svc.tiers)
            chk.bad("tier", f"服务 {svc.id} 没有档位 {v}；可选：{choices}", f"service {svc.id} has no tier {v}; choose one of: {choices}")
        else:
            tier = v
    if v := chk.cell("deal"):
        if v not in ws.deals:
            chk.unknown("deal", "交易", "deal", v, ", ".join(sorted(ws.deals)) or "—")
        else:
            deal = v
            lines = ws.deals[v].lines
            if service and not any(line.service == service and (tier is None or line.tier == tier) for line in lines):
                what = f"{service}/{tier}" if tier else service
                chk.bad("service", f"交易 {deal} 中没有 {what}", f"deal {deal} has no line for {what}")
    return service, tier, deal


def _event_client(chk: RowChecker, ws: Workspace, lk: Lookup, deal: str | None) -> str | None:
    client = chk.find("client", lk.clients, need=False)
    if client is not None and deal and ws.deals[deal].client != client:
        chk.bad(
            "client",
            f"交易 {deal} 的客户是 {ws.deals[deal].client}，不是 {client}",
            f"deal {deal} is for client {ws.deals[deal].client}, not {client}",
        )
    if deal and client is None:
        client = ws.deals[deal].client
    return client


def _event_type(chk: RowChecker) -> str | None:
    etype = None
    if v := chk.required("event"):
        etype = event_type(v)
        if etype is None:
            chk.unknown("event", "事件类型", "event type", v, ", ".join(EVENT_TYPES))
    return etype


def _event_stage(chk: RowChecker, etype: str | None) -> int | None:
    stage = None
    if v := chk.cell("stage"):
        stage = parse_event_stage(v)
        if stage is None:
            chk.bad(
                "stage",
                f"不是有效的阶段：“{v}”（应为 first-draft、revision-1、revision-2 …）",
                f"not a stage: '{v}' (expected first-draft, revision-1, revision-2 …)",
            )
        elif etype is not None and etype != "dissatisfied":
            chk.bad("stage", "阶段只用于“不满意”（dissatisfied）事件", "a stage is only given for dissatisfied events")
    return stage


def _event_refund(chk: RowChecker, etype: str | None) -> int | None:
    refund = None
    if chk.cell("refund_amount"):
        refund = chk.amount("refund_amount")
        if refund is not None and etype is not None and etype != "refund-paid":
            chk.bad("refund_amount", "退款金额只用于“退款已付”（refund-paid）事件", "a refund amount is only given for refund-paid events")
    elif etype == "refund-paid":
        chk.bad("refund_amount", "“退款已付”事件必须填写退款金额", "a refund-paid event needs the refund amount")
    return refund


def validate_event(
    cell: Callable[[str], str], col: Callable[[str], str], row: int | None, ws: Workspace, lk: Lookup, problems: list[RowProblem]
) -> Event | None:
    chk = RowChecker(cell, col, row, problems)
    project = chk.required("project")
    service, tier, deal = _event_offer(chk, ws, lk)
    client = _event_client(chk, ws, lk, deal)
    etype = _event_type(chk)
    at = chk.when("at", need=True, date_only=True)
    stage = _event_stage(chk, etype)
    paid = chk.amount("amount_paid")
    refund = _event_refund(chk, etype)
    if chk.failed:
        return None
    assert project and service and etype and at
    note = cell("note")
    values = (project, deal, client, service, tier, etype, at, stage, paid, refund, note)
    h = row_hash("event", values)
    cols = {name: col(name) for name in EVENT_FIELDS}
    return Event(row, external_id(cell("id"), h), h, project, deal, client, service, tier, etype, at, stage, paid, refund, note, cols)
