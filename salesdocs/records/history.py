"""A recorded project's history, and the refund it implies under the policy.

The stage of a dissatisfaction is the number of *counted* revisions delivered before it was
declared (small-detail changes and declined overhauls never count); the amount is what the
client paid (the latest amount recorded).  The refund then comes from the engine: for a
project of a deal, one piece of the deal's line with the project's service and tier, exactly
as ``salesdocs refund --deal D --line N --stage … --pieces 1 --paid …`` computes it; for a
project without a deal, as ``salesdocs refund SERVICE --stage … --amount …`` does.  Which events count,
and what a history adds up to, is the engine's one rule (:mod:`salesdocs.engine.revisions`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from salesdocs.engine.dates import parse_iso_date
from salesdocs.engine.money import fen_to_yuan, format_plain
from salesdocs.engine.refunds import RefundResult, refund_for
from salesdocs.engine.revisions import ProjectEvent, Tally, counts_as_revision, derive
from salesdocs.errors import RecordsError, UsageError
from salesdocs.model import Workspace, stage_id
from salesdocs.records import store
from salesdocs.records.events import EVENT_ZH, short

__all__ = ["Project", "ProjectRefund", "client_history", "list_records", "load_project", "project_history", "refund_for_project"]


@dataclass(frozen=True)
class ProjectRefund:
    """The refund a project's recorded history implies.

    ``result`` is None when the history gives a definite answer that no refund applies
    (no dissatisfaction, or one answered by a writer change or an acceptance); ``reason_zh``
    and ``reason_en`` then say why.  That is an answer, not an error.
    """

    project: str
    result: RefundResult | None
    history: list[dict[str, Any]]
    reason_zh: str = ""
    reason_en: str = ""

    @property
    def applies(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class Project:
    id: str
    deal: str | None
    client: str
    service: str
    tier: str | None
    start: str | None
    first_draft_at: str | None
    revisions_used: int
    minor_changes: int
    overhauls_declined: int
    writer_changes_used: int
    accepted: bool | None
    dissatisfied_at: str | None
    dissatisfied_stage: int | None
    paid: Decimal | None
    refund: Decimal | None
    finished_at: str | None


def load_project(conn: store.Database, project_id: str) -> Project:
    row = conn.execute(
        "SELECT id, deal, client, service, tier, start, first_draft_at, revisions_used, minor_changes, overhauls_declined, "
        "writer_changes_used, accepted, dissatisfied_at, dissatisfied_stage, paid_fen, refund_fen, finished_at "
        "FROM projects WHERE id = ?",
        (project_id,),
    ).fetchone()
    if row is None:
        near = [r[0] for r in conn.execute("SELECT id FROM projects WHERE id LIKE ? ORDER BY id LIMIT 5", (f"%{project_id}%",))]
        hint_zh = f"；是不是：{', '.join(near)}" if near else "；salesdocs records list --kind projects 可列出所有项目"
        hint_en = f"; did you mean: {', '.join(near)}" if near else "; salesdocs records list --kind projects lists them"
        raise UsageError(f"售后记录中没有项目 {project_id}{hint_zh}", f"no project {project_id} in the records{hint_en}")
    (
        pid,
        deal,
        client,
        service,
        tier,
        start,
        first,
        revisions,
        minor,
        overhauls,
        writers,
        accepted,
        dis_at,
        dis_stage,
        paid,
        refund,
        finished,
    ) = row
    return Project(
        pid,
        deal,
        client,
        service,
        tier,
        start,
        first,
        revisions,
        minor,
        overhauls,
        writers,
        None if accepted is None else bool(accepted),
        dis_at,
        dis_stage,
        fen_to_yuan(paid),
        fen_to_yuan(refund),
        finished,
    )


def project_history(conn: store.Database, project_id: str) -> list[dict[str, Any]]:
    """The project's events in order, as JSON-ready dicts; each carries the counted revisions so far."""
    history: list[dict[str, Any]] = []
    tally = Tally()
    for ext, etype, at, paid, refund, note in conn.execute(
        "SELECT external_id, type, at, paid_fen, refund_fen, note FROM project_events WHERE project_id = ? ORDER BY at, id",
        (project_id,),
    ):
        stage = tally.stage(etype)
        tally.apply(ProjectEvent(etype, at, paid, refund))
        item: dict[str, Any] = {
            "id": ext,
            "at": short(at),
            "event": etype,
            "event_zh": EVENT_ZH[etype],
            "counted_revisions": tally.revisions_used,
            "counted": counts_as_revision(etype),
        }
        if stage is not None:
            item["stage"] = stage_id(stage)
        if paid is not None:
            item["amount_paid"] = format_plain(fen_to_yuan(paid))
        if refund is not None:
            item["refund_amount"] = format_plain(fen_to_yuan(refund))
        if note:
            item["note"] = note
        history.append(item)
    return history


def refund_for_project(ws: Workspace, project_id: str, *, db: Path | str | None = None) -> ProjectRefund:
    """The refund the recorded history of ``project_id`` implies, with that history.

    "No refund applies" is an answer (``result`` None, with the reason).  Raises
    :class:`UsageError` for an unknown project and :class:`RecordsError` when the history gives
    no basis for computing one (no amount paid, a service or tier no longer in the policy).
    """
    path = store.db_path(ws.root, db)
    conn = store.open_existing(path)
    try:
        with store.reporting(conn):
            project = load_project(conn, project_id)
            history = project_history(conn, project_id)
    finally:
        conn.close()
    service = ws.policy.service(project.service)
    if service is None:
        raise RecordsError(
            f"项目 {project_id} 的服务 {project.service} 已不在服务目录中",
            f"project {project_id}'s service {project.service} is no longer in the service catalogue",
        )
    tier = service.tier(project.tier) if project.tier else service.tiers[0]
    if tier is None:
        raise RecordsError(
            f"项目 {project_id} 的档位 {project.tier} 已不在服务 {service.id} 中",
            f"project {project_id}'s tier {project.tier} is no longer offered for {service.id}",
        )
    # the stage of the last dissatisfaction is the project's (engine.revisions.derive); the history shows it
    stage = project.dissatisfied_stage
    last = max((i for i, h in enumerate(history) if h["event"] == "dissatisfied"), default=None)
    if stage is None or last is None:
        state_zh = "已验收" if project.accepted else "仍在进行中"
        state_en = "was accepted" if project.accepted else "is still running"
        return ProjectRefund(
            project_id,
            None,
            history,
            f"项目 {project_id} 没有记录“不满意”，不涉及退款（项目{state_zh}，已交付 {project.revisions_used} 次计数的修改）",
            f"project {project_id} has no recorded dissatisfaction, so no refund applies "
            f"(it {state_en}; {project.revisions_used} counted revision(s) delivered)",
        )
    answered = next((h for h in history[last + 1 :] if h["event"] in ("writer-changed", "accepted")), None)
    if answered is not None:
        how_zh = "更换了文案师/设计师" if answered["event"] == "writer-changed" else "客户已验收"
        how_en = "a writer/designer change" if answered["event"] == "writer-changed" else "the client's acceptance"
        return ProjectRefund(
            project_id,
            None,
            history,
            f"项目 {project_id} 在 {history[last]['at']} 的不满意之后于 {answered['at']} {how_zh}，不涉及退款",
            f"project {project_id}'s dissatisfaction of {history[last]['at']} was followed by {how_en} on {answered['at']}, "
            "so no refund applies",
        )
    if project.paid is None:
        raise RecordsError(
            f"项目 {project_id} 没有记录已付金额，无法计算退款；请补记一个带 amount_paid 的事件",
            f"project {project_id} has no amount paid recorded, so the refund cannot be computed; record an event with amount_paid",
        )
    if project.deal:
        result = _deal_refund(ws, project, stage, project.paid)
    else:
        result = refund_for(service.id, project.tier, tier, stage, project.paid, ws.policy.refund_terms)
    return ProjectRefund(project_id, result, history)


def _deal_refund(ws: Workspace, project: Project, stage: int, paid: Decimal) -> RefundResult:
    """A deal's project is one piece of the deal's line with its service and tier: the engine's refund of it."""
    from salesdocs import api

    deal = ws.deals.get(project.deal or "")
    if deal is None:
        raise RecordsError(
            f"项目 {project.id} 的交易 {project.deal} 不在工作区中，无法计算退款基数",
            f"project {project.id}'s deal {project.deal} is not in the workspace, so its refund base is unknown",
        )
    lines = [n for n, line in enumerate(deal.lines, start=1) if line.service == project.service and line.tier == project.tier]
    if len(lines) != 1:
        found_zh = f"有 {len(lines)} 行" if lines else "没有一行"
        found_en = f"{len(lines)} lines" if lines else "no line"
        raise RecordsError(
            f"交易 {deal.id} {found_zh}是项目 {project.id} 的服务 {project.service}/{project.tier}；"
            f"请用 salesdocs refund --deal {deal.id} --line N 计算",
            f"deal {deal.id} has {found_en} for project {project.id}'s {project.service}/{project.tier}; "
            f"use salesdocs refund --deal {deal.id} --line N",
        )
    return api.refund_line(ws, deal, lines[0], stage, pieces=1, paid=paid)


# --------------------------------------------------------------------------- listings

_LISTS: dict[str, dict[str, Any]] = {
    "tickets": {
        "columns": ["id", "received_at", "client", "service", "category", "first_response_minutes", "status", "satisfaction", "project"],
        "zh": ["编号", "收到时间", "客户", "服务", "问题类别", "首次回复(分钟)", "状态", "满意度", "项目"],
        "sql": """
            SELECT external_id, substr(received_at, 1, 16), client, service, category,
                   CAST(ROUND(response_s / 60.0) AS INTEGER),
                   CASE WHEN resolved_at IS NULL THEN 'open' ELSE 'resolved' END, satisfaction, project_id
            FROM tickets WHERE {where} ORDER BY received_at, external_id""",
        "time": "received_at",
        "open": "resolved_at IS NULL",
    },
    "events": {
        "columns": ["at", "project", "event", "stage", "amount_paid", "refund_amount", "note", "id"],
        "zh": ["时间", "项目", "事件", "阶段", "已付金额", "退款金额", "备注", "编号"],
        "sql": """
            SELECT substr(at, 1, 16), project_id, type, stage, paid_fen, refund_fen, note, external_id
            FROM project_events WHERE {where} ORDER BY at, id""",
        "time": "at",
        "open": "project_id IN (SELECT id FROM projects WHERE finished_at IS NULL)",
    },
    "projects": {
        "columns": ["id", "deal", "client", "service", "tier", "start", "first_draft", "revisions", "writer_changes", "status", "finished"],
        "zh": ["项目", "交易", "客户", "服务", "档位", "开始", "初稿交付", "修改次数", "更换次数", "状态", "结束"],
        "sql": """
            SELECT id, deal, client, service, tier, substr(start, 1, 10), substr(first_draft_at, 1, 10), revisions_used,
                   writer_changes_used,
                   CASE accepted WHEN 1 THEN 'accepted' WHEN 0 THEN 'refunded' ELSE 'running' END, substr(finished_at, 1, 10)
            FROM projects WHERE {where} ORDER BY start, id""",
        "time": "start",
        "open": "finished_at IS NULL",
    },
}
_STATUS_ZH = {"open": "未解决", "resolved": "已解决", "accepted": "已验收", "refunded": "已退款", "running": "进行中"}


def list_records(
    ws: Workspace,
    kind: str,
    *,
    only_open: bool = False,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int | None = 100,
    db: Path | str | None = None,
) -> dict[str, Any]:
    """Recorded tickets / events / projects as JSON-ready rows (``total`` counts all matches)."""
    spec = _LISTS[kind]
    where = ["1 = 1"]
    params: list[Any] = []
    for value, option, op in ((date_from, "--from", ">="), (date_to, "--to", "<")):
        if value is None:
            continue
        day = parse_iso_date(value, option)
        if op == "<":
            day += timedelta(days=1)
        where.append(f"{spec['time']} {op} ?")
        params.append(f"{day.isoformat()} 00:00:00")
    if only_open:
        where.append(spec["open"])
    path = store.db_path(ws.root, db)
    conn = store.open_existing(path)
    try:
        with store.reporting(conn):
            sql = spec["sql"].format(where=" AND ".join(where))
            total = conn.execute(f"SELECT COUNT(*) FROM ({sql}) AS q", params).fetchone()[0]
            rows = conn.execute(sql + (f" LIMIT {int(limit)}" if limit else ""), params).fetchall()
    finally:
        conn.close()
    items = []
    for row in rows:
        item = dict(zip(spec["columns"], row, strict=False))
        for money in ("amount_paid", "refund_amount"):
            if item.get(money) is not None:
                item[money] = format_plain(fen_to_yuan(item[money]))
        if kind == "events" and item["stage"] is not None:
            item["stage"] = stage_id(item["stage"])
        if "status" in item:
            item["status_zh"] = _STATUS_ZH[item["status"]]
        items.append(item)
    return {
        "kind": kind,
        "total": total,
        "columns": list(spec["columns"]),
        "headers_zh": spec["zh"],
        "headers_en": spec["columns"],
        "items": items,
    }


def _projects_as_of(conn: store.Database, client_id: str, cutoff: str) -> list[tuple[str, str, str | None, str, int, int | None]]:
    """A client's projects as they stood at ``cutoff`` (events after it are not history yet), latest first:
    (id, service, tier, first event, counted revisions, 1 accepted / 0 refunded / None running)."""
    offers: dict[str, tuple[str, str | None]] = {}
    events: dict[str, list[ProjectEvent]] = defaultdict(list)
    for pid, service, tier, etype, at, paid, refund in conn.execute(
        """SELECT p.id, p.service, p.tier, e.type, e.at, e.paid_fen, e.refund_fen
           FROM projects p JOIN project_events e ON e.project_id = p.id
           WHERE p.client = ? AND e.at <= ? ORDER BY p.id, e.at, e.id""",
        (client_id, cutoff),
    ):
        offers[pid] = (service, tier)
        events[pid].append(ProjectEvent(etype, at, paid, refund))
    rows = []
    for pid, (service, tier) in offers.items():
        state = derive(events[pid])
        accepted = None if state.accepted is None else int(state.accepted)
        rows.append((pid, service, tier, events[pid][0].at, state.revisions_used, accepted))
    rows.sort(key=lambda r: (r[3], r[0]), reverse=True)
    return rows


def client_history(
    ws: Workspace, client_id: str, *, until: date | None = None, db: Path | str | None = None, limit: int = 8
) -> tuple[dict[str, Any] | None, bytes]:
    """A client's most recent projects and tickets (up to ``until``, inclusive) for the visit-pack brief.

    Returns the rows as display data and a digest of them (part of the brief's inputs
    hash, so the brief is rebuilt when the records change).  ``(None, b"")`` when the
    workspace has no records database.
    """
    if not store.records_exist(ws.root, db):
        return None, b""
    conn = store.open_existing(store.db_path(ws.root, db))
    try:
        cutoff = f"{until.isoformat()} 23:59:59" if until is not None else "9999-12-31"
        projects = _projects_as_of(conn, client_id, cutoff)[:limit]
        tickets = conn.execute(
            "SELECT received_at, service, category, description, CASE WHEN resolved_at <= ? THEN resolved_at END "
            "FROM tickets WHERE client = ? AND received_at <= ? ORDER BY received_at DESC, id DESC LIMIT ?",
            (cutoff, client_id, cutoff, limit),
        ).fetchall()
    finally:
        conn.close()
    policy = ws.policy

    def service_name(sid: str, tier_id: str | None = None) -> str:
        service = policy.service(sid)
        if service is None:
            return sid
        tier = service.tier(tier_id) if tier_id else None
        return f"{service.name}（{tier.name}）" if tier else service.name

    def category_name(cid: str) -> str:
        category = policy.aftersales.category(cid)
        return category.name if category else cid

    data = {
        "projects": [
            {
                "id": pid,
                "service": service_name(sid, tier),
                "start": (start or "")[:10],
                "revisions": revisions or 0,
                "status": {1: "已验收", 0: "已退款", None: "进行中"}[accepted],
            }
            for pid, sid, tier, start, revisions, accepted in projects
        ],
        "tickets": [
            {
                "received": received[:16],
                "service": service_name(sid),
                "category": category_name(cid),
                "description": description,
                "status": "已解决" if resolved else "未解决",
            }
            for received, sid, cid, description, resolved in tickets
        ],
    }
    digest = hashlib.sha256(repr((projects, tickets)).encode("utf-8")).digest()
    return data, digest
