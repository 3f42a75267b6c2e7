"""Import after-sales records from the CSV a spreadsheet or helpdesk exports.

* **Encodings**: UTF-8 with or without BOM, GBK/GB18030 (what Excel on Chinese Windows
  writes) and UTF-16 with BOM (Excel's "Unicode text"); comma- or tab-separated.
* **Headers**: clear English names (``received_at``) or the Chinese ones a Chinese
  spreadsheet has (``收到时间``), mapped to the same fields; unknown columns are ignored.
* **Every row is validated** against the workspace (known client, service, category that
  applies to the service, channel, tier, deal …) and, for project events, against the
  project's recorded history.  Any problem → :class:`ImportProblems` listing every one as
  ``FILE:ROW: column: problem`` (ROW is the spreadsheet row, the header being row 1) and
  **nothing** is imported.
* **One transaction** (``BEGIN IMMEDIATE`` … ``COMMIT``): a crash or a kill leaves the
  database as it was.  Rows carry an external id (the ``id`` column, or a stable hash of
  their content), ``UNIQUE`` in the table, so importing the same file twice adds nothing:
  the rows already recorded are counted as skipped.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from salesdocs.errors import ImportProblems, RecordsError, RowProblem
from salesdocs.model import Service, Tier, Workspace, parse_stage, stage_id
from salesdocs.records import store

__all__ = [
    "EVENT_FIELDS",
    "TICKET_FIELDS",
    "ImportProblems",
    "ImportSummary",
    "RowProblem",
    "add_event",
    "add_ticket",
    "import_csv",
    "parse_datetime",
]

MAX_LISTED = 200  # problems listed in one error; the rest are counted

# ------------------------------------------------------------------------------- fields

#: field → (Chinese header, other accepted headers …); the English header is the field name.
TICKET_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "工单号", "工单编号", "ticket_id", "external_id"),
    "received_at": ("收到时间", "接收时间", "登记时间", "received"),
    "channel": ("渠道", "来源渠道", "来源"),
    "client": ("客户", "客户名称", "client_id"),
    "project": ("项目", "项目编号", "project_id"),
    "service": ("服务", "服务项目", "service_id"),
    "category": ("问题类别", "类别", "问题分类", "category_id"),
    "description": ("描述", "问题描述"),
    "first_response_at": ("首次回复时间", "首次响应时间", "first_response"),
    "resolved_at": ("解决时间", "resolved"),
    "resolution": ("处理结果", "解决方案"),
    "onsite": ("是否上门", "上门", "on_site"),
    "satisfaction": ("满意度", "客户满意度"),
}
TICKET_REQUIRED = ("received_at", "channel", "client", "service", "category")

EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "事件编号", "event_id", "external_id"),
    "project": ("项目", "项目编号", "project_id"),
    "deal": ("交易", "交易编号", "deal_id"),
    "client": ("客户", "client_id"),
    "service": ("服务", "service_id"),
    "tier": ("档位", "tier_id"),
    "event": ("事件", "事件类型", "type", "event_type"),
    "at": ("时间", "日期", "发生时间", "timestamp", "date"),
    "stage": ("阶段",),
    "amount_paid": ("已付金额", "已付款", "paid"),
    "refund_amount": ("退款金额", "refund"),
    "note": ("备注", "说明"),
}
EVENT_REQUIRED = ("project", "service", "event", "at")

KINDS = {"tickets": (TICKET_FIELDS, TICKET_REQUIRED), "events": (EVENT_FIELDS, EVENT_REQUIRED)}
KIND_ZH = {"tickets": "工单", "events": "项目事件"}

EVENT_ALIASES: dict[str, str] = {
    **{t: t for t in store.EVENT_TYPES},
    "开始": "started",
    "项目开始": "started",
    "启动": "started",
    "初稿交付": "draft-delivered",
    "交付初稿": "draft-delivered",
    "申请修改": "revision-requested",
    "修改申请": "revision-requested",
    "提出修改": "revision-requested",
    "修改交付": "revision-delivered",
    "交付修改稿": "revision-delivered",
    "修改稿交付": "revision-delivered",
    "小细节修改": "minor-change",
    "小修改": "minor-change",
    "细节修改": "minor-change",
    "大改申请": "overhaul-requested",
    "方向性大改": "overhaul-requested",
    "要求大改": "overhaul-requested",
    "不满意": "dissatisfied",
    "更换文案师": "writer-changed",
    "更换设计师": "writer-changed",
    "更换文案师/设计师": "writer-changed",
    "验收": "accepted",
    "验收通过": "accepted",
    "退款": "refund-paid",
    "已退款": "refund-paid",
    "退款已付": "refund-paid",
}
EVENT_ZH = {
    "started": "项目开始",
    "draft-delivered": "初稿交付",
    "revision-requested": "申请修改",
    "revision-delivered": "修改交付",
    "minor-change": "小细节修改（不计次数）",
    "overhaul-requested": "大改申请（按政策不接受）",
    "dissatisfied": "不满意",
    "writer-changed": "更换文案师/设计师",
    "accepted": "验收通过",
    "refund-paid": "退款已付",
}
_NEEDS_DRAFT = {
    "revision-requested",
    "revision-delivered",
    "minor-change",
    "overhaul-requested",
    "dissatisfied",
    "writer-changed",
    "accepted",
}

_YES = {"是", "yes", "y", "true", "1", "上门", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", "", "不上门", "-", "—"}

# ------------------------------------------------------------------------------ problems


@dataclass
class ImportSummary:
    kind: str
    source: str
    rows: int = 0  # data rows read (blank rows not counted)
    added: int = 0
    skipped: int = 0  # already recorded, or repeated in the same file
    conflicts: list[tuple[int | None, str]] = field(default_factory=list)  # (row, id): recorded with other content
    first: str | None = None
    last: str | None = None
    by_service: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    projects_new: int = 0
    projects_updated: int = 0
    import_id: int | None = None
    db: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "database": self.db,
            "rows": self.rows,
            "added": self.added,
            "skipped": self.skipped,
            "conflicts": [{"row": r, "id": i} for r, i in self.conflicts],
            "first": self.first,
            "last": self.last,
            "by_service": self.by_service,
            "by_type": self.by_type,
            "projects_new": self.projects_new,
            "projects_updated": self.projects_updated,
            "import_id": self.import_id,
        }


# ------------------------------------------------------------------------------ reading


def decode(data: bytes, where: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordsError(
                f"{where}: 文件以 UTF-8 标记开头，但第 {exc.start} 字节不是有效的 UTF-8",
                f"{where}: the file starts with a UTF-8 BOM but byte {exc.start} is not valid UTF-8",
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RecordsError(f"{where}: 不是有效的 UTF-16 文件", f"{where}: not a valid UTF-16 file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RecordsError(
            f"{where}: 无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）；请在 Excel 中另存为“CSV UTF-8”",
            f"{where}: unknown text encoding (neither UTF-8 nor GBK/GB18030); save it from Excel as 'CSV UTF-8'",
        ) from None


def _header_key(text: str) -> str:
    key = text.strip().strip("\ufeff").strip("*＊").strip()
    key = re.sub(r"\s*[（(][^（()）]*[)）]\s*$", "", key)  # 满意度（1-5）→ 满意度
    return re.sub(r"[\s\-]+", "_", key.lower())


def _aliases(fields: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, others in fields.items():
        table[_header_key(name)] = name
        for other in others:
            table[_header_key(other)] = name
    return table


def read_rows(text: str, where: str, kind: str) -> tuple[dict[str, int], dict[str, str], list[tuple[int, list[str]]]]:
    """Header → (field → column index, field → header as written, [(row number, cells)])."""
    fields, required = KINDS[kind]
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise RecordsError(f"{where}: 文件是空的", f"{where}: the file is empty") from None
    except csv.Error as exc:
        raise RecordsError(f"{where}:1: 无法读取表头：{exc}", f"{where}:1: cannot read the header: {exc}") from None
    aliases = _aliases(fields)
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    problems: list[RowProblem] = []
    for i, cell in enumerate(header):
        name = aliases.get(_header_key(cell))
        if name is None:
            continue
        if name in index:
            problems.append(
                RowProblem(
                    1,
                    cell.strip(),
                    f"与列“{shown[name]}”含义相同（都是 {name}）",
                    f"means the same as column '{shown[name]}' (both are {name})",
                )
            )
            continue
        index[name] = i
        shown[name] = cell.strip().strip("\ufeff")
    for name in required:
        if name not in index:
            problems.append(RowProblem(None, "", f"缺少列：{name}（中文表头：{fields[name][0]}）", f"missing column: {name}"))
    if problems:
        raise ImportProblems(where, problems)
    rows: list[tuple[int, list[str]]] = []
    number = 1
    try:
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise ImportProblems(where, [RowProblem(number + 1, "", f"CSV 格式错误：{exc}", f"malformed CSV: {exc}")]) from None
    return index, shown, rows


# ------------------------------------------------------------------------------- values

_DT = re.compile(
    r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|\s*T\s*)(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?\s*\Z"
)


def parse_datetime(text: str, *, date_only: bool = False) -> str | None:
    """``2026-10-08 14:30`` / ``2026-10-08T14:30`` / ``2026/10/8 14:30[:05]`` → ``2026-10-08 14:30:00``.

    A date alone is accepted only with ``date_only`` (taken as 00:00).  None when not valid.
    """
    m = _DT.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = m.groups()
    if h is None and not date_only:
        return None
    year, month, day, hour, minute, second = int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)
    try:
        datetime(year, month, day, hour, minute, second)  # validates (February 30th, 25:00 …)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"


def _short(ts: str) -> str:
    """``2026-10-08 14:30:00`` → ``2026-10-08 14:30`` (how the records are shown)."""
    return ts[:16] if ts.endswith(":00") else ts


def _parse_fen(text: str) -> int | None:
    raw = text.strip().replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    if not re.fullmatch(r"\d+(?:\.\d{1,2})?", raw):
        return None
    try:
        return int(Decimal(raw) * 100)
    except InvalidOperation:
        return None


def parse_event_stage(text: str) -> int | None:
    """``first-draft`` / ``revision-2`` / ``初稿`` / ``第2次修改`` / ``2`` → 0, 2 …; None when not a stage."""
    raw = text.strip()
    stage = parse_stage(raw.lower())
    if stage is not None:
        return stage
    if raw in ("初稿", "初稿阶段"):
        return 0
    m = re.fullmatch(r"(?:第\s*)?(\d+)\s*(?:次修改(?:后)?|改)?", raw)
    return int(m.group(1)) if m else None


class _Lookup:
    """Ids and names of the workspace's clients, services, categories and channels."""

    def __init__(self, ws: Workspace) -> None:
        policy = ws.policy
        self.clients = self._table((c.id, c.name) for c in ws.clients.values())
        self.services = self._table((s.id, s.name, s.name_en) for s in policy.services)
        self.categories = self._table((c.id, c.name) for c in policy.aftersales.categories)
        self.channels = self._table((c.id, c.name) for c in policy.aftersales.channels)
        self.client_ids = ", ".join(sorted(ws.clients)) or "—"
        self.service_ids = ", ".join(s.id for s in policy.services)
        self.channel_ids = ", ".join(c.id for c in policy.aftersales.channels)
        self.category_services = {c.id: c.services for c in policy.aftersales.categories}
        self.category_ids_by_service = {
            s.id: ", ".join(c.id for c in policy.aftersales.categories if s.id in c.services) for s in policy.services
        }

    @staticmethod
    def _table(rows: Iterable[tuple[str, ...]]) -> dict[str, str]:
        table: dict[str, str] = {}
        for row in rows:
            for name in row:
                if name:
                    table.setdefault(name.strip(), row[0])
                    table.setdefault(name.strip().lower(), row[0])
        return table


# ------------------------------------------------------------------------------ tickets


@dataclass
class _Ticket:
    row: int | None
    external_id: str
    row_hash: str
    values: tuple[Any, ...]  # in _TICKET_COLUMNS order
    service: str
    client: str
    project: str | None
    received_at: str


_TICKET_COLUMNS = (
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


def _row_hash(kind: str, values: Sequence[Any]) -> str:
    text = "\x1f".join("" if v is None else str(v) for v in (kind, *values))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _external_id(given: str, row_hash: str) -> str:
    return given if given else f"h:{row_hash[:24]}"


def _validate_ticket(
    cell: Callable[[str], str], col: Callable[[str], str], row: int | None, lk: _Lookup, problems: list[RowProblem]
) -> _Ticket | None:
    before = len(problems)

    def bad(name: str, zh: str, en: str) -> None:
        problems.append(RowProblem(row, col(name), zh, en))

    def required(name: str) -> str:
        value = cell(name)
        if not value:
            bad(name, "必须填写", "is required")
        return value

    def when(name: str, *, need: bool) -> str | None:
        value = required(name) if need else cell(name)
        if not value:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            bad(
                name,
                f"不是有效的日期时间：“{value}”（应为 2026-10-08 14:30）",
                f"not a valid date and time: '{value}' (expected e.g. 2026-10-08 14:30)",
            )
        return parsed

    received = when("received_at", need=True)
    channel = client = service = category = None
    if v := required("channel"):
        channel = lk.channels.get(v) or lk.channels.get(v.lower())
        if channel is None:
            bad("channel", f"未知的渠道：“{v}”；可选：{lk.channel_ids}", f"unknown channel '{v}'; known: {lk.channel_ids}")
    if v := required("client"):
        client = lk.clients.get(v) or lk.clients.get(v.lower())
        if client is None:
            bad("client", f"未知的客户：“{v}”；可选：{lk.client_ids}", f"unknown client '{v}'; known: {lk.client_ids}")
    if v := required("service"):
        service = lk.services.get(v) or lk.services.get(v.lower())
        if service is None:
            bad("service", f"未知的服务：“{v}”；可选：{lk.service_ids}", f"unknown service '{v}'; known: {lk.service_ids}")
    if v := required("category"):
        category = lk.categories.get(v) or lk.categories.get(v.lower())
        if category is None:
            known = lk.category_ids_by_service.get(service or "", "") or ", ".join(lk.category_services)
            bad("category", f"未知的问题类别：“{v}”；可选：{known}", f"unknown category '{v}'; known: {known}")
        elif service is not None and service not in lk.category_services[category]:
            applies = ", ".join(lk.category_services[category])
            bad(
                "category",
                f"问题类别 {category} 不适用于服务 {service}（只适用于：{applies}）",
                f"category {category} does not apply to service {service} (it applies to: {applies})",
            )
    first = when("first_response_at", need=False)
    resolved = when("resolved_at", need=False)
    if received and first and first < received:
        bad("first_response_at", f"早于收到时间 {_short(received)}", f"is before received_at {_short(received)}")
    if received and resolved and resolved < received:
        bad("resolved_at", f"早于收到时间 {_short(received)}", f"is before received_at {_short(received)}")
    onsite_text = cell("onsite").lower()
    onsite = 1 if onsite_text in _YES else 0
    if onsite_text not in _YES and onsite_text not in _NO:
        bad("onsite", f"应填 是 或 否：“{cell('onsite')}”", f"expected yes or no: '{cell('onsite')}'")
    sat_text = cell("satisfaction")
    satisfaction = None
    if sat_text:
        if re.fullmatch(r"[1-5]", sat_text):
            satisfaction = int(sat_text)
        else:
            bad(
                "satisfaction",
                f"满意度必须是 1–5 的整数或留空：“{sat_text}”",
                f"satisfaction must be a whole number 1–5 or empty: '{sat_text}'",
            )
    project = cell("project") or None
    if len(problems) > before:
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
    h = _row_hash("ticket", values)
    return _Ticket(row, _external_id(cell("id"), h), h, values, service, client, project, received)


# ------------------------------------------------------------------------------- events


@dataclass
class _Event:
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


def _validate_event(
    cell: Callable[[str], str], col: Callable[[str], str], row: int | None, ws: Workspace, lk: _Lookup, problems: list[RowProblem]
) -> _Event | None:
    before = len(problems)

    def bad(name: str, zh: str, en: str) -> None:
        problems.append(RowProblem(row, col(name), zh, en))

    def required(name: str) -> str:
        value = cell(name)
        if not value:
            bad(name, "必须填写", "is required")
        return value

    project = required("project")
    service = tier = deal = client = etype = None
    svc: Service | None = None
    if v := required("service"):
        service = lk.services.get(v) or lk.services.get(v.lower())
        if service is None:
            bad("service", f"未知的服务：“{v}”；可选：{lk.service_ids}", f"unknown service '{v}'; known: {lk.service_ids}")
        else:
            svc = ws.policy.service(service)
    if (v := cell("tier")) and svc is not None:
        if svc.tier(v) is None:
            choices = ", ".join(t.id for t in svc.tiers)
            bad("tier", f"服务 {svc.id} 没有档位 {v}；可选：{choices}", f"service {svc.id} has no tier {v}; choose one of: {choices}")
        else:
            tier = v
    if v := cell("deal"):
        if v not in ws.deals:
            choices = ", ".join(sorted(ws.deals)) or "—"
            bad("deal", f"未知的交易：“{v}”；可选：{choices}", f"unknown deal '{v}'; known: {choices}")
        else:
            deal = v
            d = ws.deals[v]
            if service and not any(line.service == service and (tier is None or line.tier == tier) for line in d.lines):
                what = f"{service}/{tier}" if tier else service
                bad("service", f"交易 {deal} 中没有 {what}", f"deal {deal} has no line for {what}")
    if v := cell("client"):
        client = lk.clients.get(v) or lk.clients.get(v.lower())
        if client is None:
            bad("client", f"未知的客户：“{v}”；可选：{lk.client_ids}", f"unknown client '{v}'; known: {lk.client_ids}")
        elif deal and ws.deals[deal].client != client:
            bad(
                "client",
                f"交易 {deal} 的客户是 {ws.deals[deal].client}，不是 {client}",
                f"deal {deal} is for client {ws.deals[deal].client}, not {client}",
            )
    if deal and client is None:
        client = ws.deals[deal].client
    if v := required("event"):
        etype = EVENT_ALIASES.get(v) or EVENT_ALIASES.get(v.strip().lower().replace("_", "-"))
        if etype is None:
            bad(
                "event",
                f"未知的事件类型：“{v}”；可选：{', '.join(store.EVENT_TYPES)}",
                f"unknown event type '{v}'; known: {', '.join(store.EVENT_TYPES)}",
            )
    at = None
    if v := required("at"):
        at = parse_datetime(v, date_only=True)
        if at is None:
            bad(
                "at",
                f"不是有效的日期时间：“{v}”（应为 2026-10-08 14:30 或 2026-10-08）",
                f"not a valid date and time: '{v}' (expected e.g. 2026-10-08 14:30 or 2026-10-08)",
            )
    stage = None
    if v := cell("stage"):
        stage = parse_event_stage(v)
        if stage is None:
            bad(
                "stage",
                f"不是有效的阶段：“{v}”（应为 first-draft、revision-1、revision-2 …）",
                f"not a stage: '{v}' (expected first-draft, revision-1, revision-2 …)",
            )
        elif etype is not None and etype != "dissatisfied":
            bad("stage", "阶段只用于“不满意”（dissatisfied）事件", "a stage is only given for dissatisfied events")
    paid = refund = None
    if v := cell("amount_paid"):
        paid = _parse_fen(v)
        if paid is None:
            bad("amount_paid", f"不是有效的金额：“{v}”（不小于 0，最多两位小数）", f"not a valid amount: '{v}' (≥ 0, at most two decimals)")
    if v := cell("refund_amount"):
        refund = _parse_fen(v)
        if refund is None:
            bad(
                "refund_amount",
                f"不是有效的金额：“{v}”（不小于 0，最多两位小数）",
                f"not a valid amount: '{v}' (≥ 0, at most two decimals)",
            )
        elif etype is not None and etype != "refund-paid":
            bad("refund_amount", "退款金额只用于“退款已付”（refund-paid）事件", "a refund amount is only given for refund-paid events")
    elif etype == "refund-paid":
        bad("refund_amount", "“退款已付”事件必须填写退款金额", "a refund-paid event needs the refund amount")
    if len(problems) > before:
        return None
    assert project and service and etype and at
    note = cell("note")
    values = (project, deal, client, service, tier, etype, at, stage, paid, refund, note)
    h = _row_hash("event", values)
    cols = {name: col(name) for name in EVENT_FIELDS}
    return _Event(row, _external_id(cell("id"), h), h, project, deal, client, service, tier, etype, at, stage, paid, refund, note, cols)


def _ambiguous_tier(svc: Service) -> bool:
    keys = {(t.ladder.id, t.revisions.included, t.writer_change) for t in svc.tiers}
    return len(keys) > 1


def _tier_of(svc: Service, tier_id: str | None) -> Tier:
    return (svc.tier(tier_id) if tier_id else None) or svc.tiers[0]


@dataclass
class _Project:
    id: str
    deal: str | None
    client: str | None
    service: str
    tier: str | None
    where: str  # "已记录" or "第 N 行"
    where_en: str
    existing: bool


def _yuan(fen: int) -> str:
    return f"¥{Decimal(fen) / 100:,.2f}"


def _check_histories(
    ws: Workspace, events: list[_Event], conn: sqlite3.Connection | None, problems: list[RowProblem], bad_projects: set[str]
) -> tuple[dict[str, _Project], set[str]]:
    """Project consistency and the state of each project's history (existing events + new ones)."""
    from salesdocs.engine.refunds import writer_change_allowed

    projects: dict[str, _Project] = {}
    existing_ids: set[str] = set()
    ids = sorted({e.project for e in events})
    history: dict[str, list[tuple[str, str, int | None, int | None]]] = defaultdict(list)
    if conn is not None and ids:
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for pid, deal, client, service, tier in conn.execute(
                f"SELECT id, deal, client, service, tier FROM projects WHERE id IN ({marks})", chunk
            ):
                projects[pid] = _Project(pid, deal, client, service, tier, "已记录", "recorded", True)
                existing_ids.add(pid)
            for pid, etype, at, paid, refund in conn.execute(
                f"SELECT project_id, type, at, paid_fen, refund_fen FROM project_events WHERE project_id IN ({marks}) ORDER BY project_id, at, id",
                chunk,
            ):
                history[pid].append((etype, at, paid, refund))

    def bad(e: _Event, name: str, zh: str, en: str) -> None:
        problems.append(RowProblem(e.row, e.cols[name], zh, en))
        bad_projects.add(e.project)

    # 1. one service / tier / deal / client per project
    for e in sorted(events, key=lambda e: e.order):
        p = projects.get(e.project)
        if p is None:
            where = f"第 {e.row} 行" if e.row else "本次记录"
            where_en = f"row {e.row}" if e.row else "this entry"
            projects[e.project] = _Project(e.project, e.deal, e.client, e.service, e.tier, where, where_en, False)
            continue
        for name, mine, theirs in (
            ("service", e.service, p.service),
            ("tier", e.tier, p.tier),
            ("deal", e.deal, p.deal),
            ("client", e.client, p.client),
        ):
            if mine is None:
                continue
            if theirs is None and not p.existing:
                setattr(p, name, mine)
            elif mine != theirs:
                bad(
                    e,
                    name,
                    f"项目 {e.project} 的 {name} 是 {theirs or '（空）'}（{p.where}），这里是 {mine}",
                    f"project {e.project} has {name} {theirs or '(empty)'} ({p.where_en}), here {mine}",
                )
    for p in projects.values():
        if p.existing:
            continue
        first = next(e for e in events if e.project == p.id)
        svc = ws.policy.service(p.service)
        assert svc is not None
        if p.tier is None and _ambiguous_tier(svc):
            bad(
                first,
                "tier",
                f"服务 {svc.id} 有多个档位，请填写档位：{', '.join(t.id for t in svc.tiers)}",
                f"service {svc.id} has several tiers; give the tier: {', '.join(t.id for t in svc.tiers)}",
            )
        if p.client is None:
            bad(first, "client", f"新项目 {p.id} 没有交易，必须填写客户", f"new project {p.id} has no deal, so the client is required")

    # 2. the history, in time order
    by_project: dict[str, list[_Event]] = defaultdict(list)
    for e in events:
        by_project[e.project].append(e)
    for pid, new in by_project.items():
        if pid in bad_projects:
            continue
        new.sort(key=lambda e: (e.at, e.order))
        p = projects[pid]
        svc = ws.policy.service(p.service)
        assert svc is not None
        tier = _tier_of(svc, p.tier)
        old = history.get(pid, [])
        if old and new[0].at < old[-1][1]:
            for e in new:
                if e.at < old[-1][1]:
                    problems.append(
                        RowProblem(
                            e.row,
                            e.cols["at"],
                            f"早于项目 {pid} 已记录的最后一个事件（{_short(old[-1][1])} {old[-1][0]}）；已记录的历史不能再插入更早的事件",
                            f"is before the last recorded event of project {pid} ({_short(old[-1][1])} {old[-1][0]}); recorded history cannot be back-filled",
                        )
                    )
            new = [e for e in new if e.at >= old[-1][1]]
        state = _State()
        for etype, at, paid, refund in old:
            state.apply(etype, at, paid)
        for e in new:
            problem = state.check(e, tier, writer_change_allowed)
            if problem:
                bad(e, *problem)
                break
            e.computed_stage = state.revisions if e.type in ("dissatisfied", "writer-changed") else None
            state.apply(e.type, e.at, e.paid_fen)
    return projects, existing_ids


class _State:
    """Where a project stands, event after event."""

    def __init__(self) -> None:
        self.draft = False
        self.drafts_since_change = 0
        self.revisions = 0
        self.writer_changes = 0
        self.dissatisfied = False
        self.closed: tuple[str, str] | None = None
        self.paid: int | None = None

    def apply(self, etype: str, at: str, paid: int | None) -> None:
        if paid is not None:
            self.paid = paid
        if etype == "draft-delivered":
            self.draft = True
            self.drafts_since_change += 1
        elif etype == "revision-delivered":
            self.revisions += 1
        elif etype == "writer-changed":
            self.writer_changes += 1
            self.drafts_since_change = 0
        elif etype == "dissatisfied":
            self.dissatisfied = True
        elif etype == "accepted":
            self.closed = ("accepted", at)
        elif etype == "refund-paid":
            self.closed = ("refund-paid", at)

    def check(self, e: _Event, tier: Tier, writer_change_allowed: Callable[..., tuple[bool, str, str]]) -> tuple[str, str, str] | None:
        """(column, zh, en) when ``e`` cannot follow the history so far."""
        if self.closed:
            how_zh = "已验收" if self.closed[0] == "accepted" else "已退款"
            how_en = "accepted" if self.closed[0] == "accepted" else "refunded"
            return (
                "event",
                f"项目 {e.project} 已于 {_short(self.closed[1])} {how_zh}，之后不能再有事件",
                f"project {e.project} was {how_en} at {_short(self.closed[1])}; no event can follow",
            )
        if e.type == "started" and self.draft:
            return (
                "event",
                f"项目 {e.project} 已交付初稿，“项目开始”应在初稿之前",
                f"project {e.project} already has a first draft; 'started' must come before it",
            )
        if e.type == "draft-delivered" and self.drafts_since_change:
            return (
                "event",
                f"项目 {e.project} 已交付过初稿（更换文案师/设计师之后才会有新的初稿）",
                f"project {e.project} already has a first draft (a new one only follows a writer/designer change)",
            )
        if e.type in _NEEDS_DRAFT and not self.draft:
            return ("event", f"项目 {e.project} 还没有交付初稿", f"project {e.project} has no first draft delivered yet")
        if e.type == "dissatisfied" and e.stage is not None and e.stage != self.revisions:
            return (
                "stage",
                f"与记录不符：此前已交付 {self.revisions} 次计数的修改，阶段应为 {stage_id(self.revisions)}",
                f"does not match the records: {self.revisions} counted revision(s) delivered before, so the stage is {stage_id(self.revisions)}",
            )
        if e.type == "writer-changed":
            ok, zh, en = writer_change_allowed(tier, self.revisions, self.writer_changes)
            if not ok:
                return ("event", f"不能更换文案师/设计师：{zh}", f"no writer/designer change possible: {en}")
        if e.type == "refund-paid":
            if not self.dissatisfied:
                return ("event", "退款之前必须先记录“不满意”（dissatisfied）事件", "a refund needs a dissatisfied event before it")
            paid = e.paid_fen if e.paid_fen is not None else self.paid
            if paid is None:
                return (
                    "amount_paid",
                    "退款需要已付金额：请在本行或之前的事件中填写",
                    "a refund needs the amount paid, on this row or an earlier event",
                )
            if e.refund_fen is not None and e.refund_fen > paid:
                return (
                    "refund_amount",
                    f"退款 {_yuan(e.refund_fen)} 超过已付金额 {_yuan(paid)}",
                    f"refund {_yuan(e.refund_fen)} exceeds the amount paid {_yuan(paid)}",
                )
        return None


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ------------------------------------------------------------------------------ import


def _existing(conn: sqlite3.Connection | None, table: str, ids: Sequence[str]) -> dict[str, str]:
    """external id → row hash for the ids already recorded."""
    found: dict[str, str] = {}
    if conn is None:
        return found
    for chunk in _chunks(list(ids), 900):
        marks = ",".join("?" * len(chunk))
        found.update(conn.execute(f"SELECT external_id, row_hash FROM {table} WHERE external_id IN ({marks})", chunk))
    return found


def _dedupe(items: list[Any], problems: list[RowProblem], id_column: str) -> tuple[list[Any], int]:
    """Drop rows repeated in the file (same id and content); a repeated id with other content is a problem."""
    seen: dict[str, Any] = {}
    kept = []
    repeats = 0
    for item in items:
        other = seen.get(item.external_id)
        if other is None:
            seen[item.external_id] = item
            kept.append(item)
        elif other.row_hash == item.row_hash:
            repeats += 1
        else:
            problems.append(
                RowProblem(
                    item.row,
                    id_column,
                    f"编号 {item.external_id} 与第 {other.row} 行重复，但内容不同",
                    f"id {item.external_id} repeats row {other.row} with different content",
                )
            )
    return kept, repeats


def _file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_csv(
    ws: Workspace,
    path: Path | str,
    kind: str,
    *,
    db: Path | str | None = None,
    where: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Validate every row of ``path`` and import them all in one transaction, or none.

    ``where`` is how the file is named in messages (default: the path as given).
    Raises :class:`ImportProblems` (nothing imported) or :class:`RecordsError`.
    """
    if kind not in KINDS:
        from salesdocs.errors import UsageError

        raise UsageError(f"未知的记录类型 {kind}；可选：tickets, events", f"unknown kind {kind}; choose one of: tickets, events")
    path = Path(path)
    where = where if where is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordsError(f"{where}: 无法读取：{exc.strerror or exc}", f"{where}: cannot be read: {exc.strerror or exc}") from None
    text = decode(data, where)
    index, shown, rows = read_rows(text, where, kind)

    def getter(cells: list[str]) -> Callable[[str], str]:
        n = len(cells)
        values = {name: cells[i].strip() for name, i in index.items() if i < n}
        return lambda name: values.get(name, "")

    def col(name: str) -> str:
        return shown.get(name, name)

    lookup = _Lookup(ws)
    problems: list[RowProblem] = []
    dbfile = store.db_path(ws.root, db)
    summary = ImportSummary(kind=kind, source=where, rows=len(rows), db=str(dbfile))
    broken: set[str] = set()  # projects with a row that failed validation: their history is not checked
    if kind == "tickets":
        items: list[Any] = [t for n, cells in rows if (t := _validate_ticket(getter(cells), col, n, lookup, problems)) is not None]
    else:
        items = []
        for order, (n, cells) in enumerate(rows):
            cell = getter(cells)
            e = _validate_event(cell, col, n, ws, lookup, problems)
            if e is not None:
                e.order = order
                items.append(e)
            else:
                broken.add(cell("project"))
    items, repeats = _dedupe(items, problems, col("id"))
    summary.skipped += repeats
    if progress:
        progress(f"validated {len(rows)} rows")
    if problems and not dbfile.is_file():
        if kind == "events":
            _check_histories(ws, items, None, problems, broken)
        raise ImportProblems(where, problems)
    conn = store.connect(dbfile)
    try:
        with store.reporting(dbfile):
            return _write(ws, conn, kind, items, problems, summary, _file_sha(data), where, col, broken=broken)
    finally:
        conn.close()


def _write(
    ws: Workspace,
    conn: sqlite3.Connection,
    kind: str,
    items: list[Any],
    problems: list[RowProblem],
    summary: ImportSummary,
    sha: str,
    where: str,
    col: Callable[[str], str],
    source_kind: str | None = None,
    broken: set[str] | None = None,
) -> ImportSummary:
    table = "tickets" if kind == "tickets" else "project_events"
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: never corrupt; a power cut may lose the last commit
    with store.write_transaction(conn):
        recorded = _existing(conn, table, [i.external_id for i in items])
        new = []
        for item in items:
            h = recorded.get(item.external_id)
            if h is None:
                new.append(item)
            else:
                summary.skipped += 1
                if h != item.row_hash:
                    summary.conflicts.append((item.row, item.external_id))
        if kind == "tickets":
            _check_ticket_projects(conn, new, problems, col)
        else:
            projects, existing_projects = _check_histories(ws, new, conn, problems, set(broken or ()))
        if problems:
            raise ImportProblems(where, problems)
        if not new:
            return summary
        cur = conn.execute(
            "INSERT INTO imports (kind, source, sha256, imported_at, added, skipped) VALUES (?, ?, ?, ?, 0, 0)",
            (source_kind or kind, where or "records add", sha, datetime.now().isoformat(timespec="seconds")),
        )
        import_id = cur.lastrowid
        before = conn.total_changes
        if kind == "tickets":
            conn.executemany(
                f"INSERT OR IGNORE INTO tickets (external_id, row_hash, {', '.join(_TICKET_COLUMNS)}, import_id) "
                f"VALUES (?, ?, {', '.join('?' * len(_TICKET_COLUMNS))}, ?)",
                ((t.external_id, t.row_hash, *t.values, import_id) for t in new),
            )
            summary.by_service = dict(Counter(t.service for t in new).most_common())
            times = [t.received_at for t in new]
        else:
            fresh = [p for pid, p in projects.items() if pid not in existing_projects]
            conn.executemany(
                "INSERT INTO projects (id, deal, client, service, tier) VALUES (?, ?, ?, ?, ?)",
                ((p.id, p.deal, p.client, p.service, p.tier) for p in fresh),
            )
            new.sort(key=lambda e: (e.project, e.at, e.order))
            conn.executemany(
                "INSERT OR IGNORE INTO project_events (external_id, row_hash, project_id, type, at, stage, paid_fen, refund_fen, note, import_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (e.external_id, e.row_hash, e.project, e.type, e.at, e.computed_stage, e.paid_fen, e.refund_fen, e.note, import_id)
                    for e in new
                ),
            )
            touched = sorted({e.project for e in new})
            store.refresh_projects(conn, touched)
            summary.projects_new = len(fresh)
            summary.projects_updated = len(touched) - len(fresh)
            summary.by_type = dict(Counter(e.type for e in new).most_common())
            times = [e.at for e in new]
            before += len(fresh)  # the projects inserted above are not events
        summary.added = len(new)
        inserted = conn.total_changes - before
        if kind == "tickets" and inserted != len(new):  # cannot happen while we hold the write lock
            raise RecordsError(
                f"导入时数据库被并发修改（{inserted} ≠ {len(new)}）", f"the database changed during the import ({inserted} ≠ {len(new)})"
            )
        summary.import_id = import_id
        summary.first, summary.last = _short(min(times)), _short(max(times))
        conn.execute("UPDATE imports SET added = ?, skipped = ? WHERE id = ?", (summary.added, summary.skipped, import_id))
    return summary


def _check_ticket_projects(conn: sqlite3.Connection, tickets: list[_Ticket], problems: list[RowProblem], col: Callable[[str], str]) -> None:
    """A ticket naming a recorded project must agree with it on client and service."""
    ids = sorted({t.project for t in tickets if t.project})
    if not ids:
        return
    known: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        for pid, client, service in conn.execute(f"SELECT id, client, service FROM projects WHERE id IN ({marks})", chunk):
            known[pid] = (client, service)
    for t in tickets:
        if t.project in known:
            client, service = known[t.project]
            if client != t.client:
                problems.append(
                    RowProblem(
                        t.row,
                        col("client"),
                        f"项目 {t.project} 的客户是 {client}，这里是 {t.client}",
                        f"project {t.project} is for client {client}, here {t.client}",
                    )
                )
            if service != t.service:
                problems.append(
                    RowProblem(
                        t.row,
                        col("service"),
                        f"项目 {t.project} 的服务是 {service}，这里是 {t.service}",
                        f"project {t.project} is for service {service}, here {t.service}",
                    )
                )


# --------------------------------------------------------------------------- one entry


def _add(ws: Workspace, kind: str, values: dict[str, str | None], db: Path | str | None) -> ImportSummary:
    fields = TICKET_FIELDS if kind == "tickets" else EVENT_FIELDS
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")

    def cell(name: str) -> str:
        return (values.get(name) or "").strip()

    def col(name: str) -> str:
        return "--" + name.replace("_", "-")

    problems: list[RowProblem] = []
    if kind == "tickets":
        item: Any = _validate_ticket(cell, col, None, _Lookup(ws), problems)
    else:
        item = _validate_event(cell, col, None, ws, _Lookup(ws), problems)
    summary = ImportSummary(kind=kind, source="records add", rows=1)
    dbfile = store.db_path(ws.root, db)
    summary.db = str(dbfile)
    if problems and not dbfile.is_file():
        raise ImportProblems("", problems)
    conn = store.connect(dbfile)
    try:
        items = [item] if item is not None else []
        sha = item.row_hash if item is not None else ""
        with store.reporting(dbfile):
            return _write(ws, conn, kind, items, problems, summary, sha, "", col, source_kind="manual")
    finally:
        conn.close()


def add_ticket(ws: Workspace, db: Path | str | None = None, **values: str | None) -> ImportSummary:
    """Record one ticket (fields as in :data:`TICKET_FIELDS`); a ticket already recorded is skipped."""
    return _add(ws, "tickets", values, db)


def add_event(ws: Workspace, db: Path | str | None = None, **values: str | None) -> ImportSummary:
    """Record one project event (fields as in :data:`EVENT_FIELDS`)."""
    return _add(ws, "events", values, db)
