"""Checking that new project events make a possible history, with the events already recorded.

Two checks, after every row has been validated on its own:

1. **One project, one offer**: every event of a project names the same service, tier, deal and
   client (as its other rows do, and as the recorded project does); a new project needs a tier
   when the service's tiers differ, and a client when it has no deal.
2. **The history, in time order**: each project's recorded events, then its new ones, go
   through the engine's :class:`~salesdocs.engine.revisions.Tally`; each new event must be
   possible where it falls (no event after acceptance or a refund, a first draft before any
   revision, a writer change the tier allows, a refund after a dissatisfaction and within
   what was paid …).  Recorded history cannot be back-filled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from salesdocs.engine.money import fen_to_yuan, format_yuan
from salesdocs.engine.refunds import writer_change_allowed
from salesdocs.engine.revisions import ProjectEvent, Tally
from salesdocs.errors import RowProblem
from salesdocs.model import Service, Tier, Workspace, stage_id
from salesdocs.records import store
from salesdocs.records.events import short
from salesdocs.records.validating import Event

__all__ = ["ProjectInfo", "check_histories"]

_NEEDS_DRAFT = {
    "revision-requested",
    "revision-delivered",
    "minor-change",
    "overhaul-requested",
    "dissatisfied",
    "writer-changed",
    "accepted",
}


@dataclass
class ProjectInfo:
    id: str
    deal: str | None
    client: str | None
    service: str
    tier: str | None
    where: str  # "已记录" or "第 N 行"
    where_en: str
    existing: bool


def _ambiguous_tier(svc: Service) -> bool:
    keys = {(t.ladder.id, t.revisions.included, t.writer_change) for t in svc.tiers}
    return len(keys) > 1


def _tier_of(svc: Service, tier_id: str | None) -> Tier:
    return (svc.tier(tier_id) if tier_id else None) or svc.tiers[0]


def _yuan(fen: int) -> str:
    return format_yuan(fen_to_yuan(fen))


class _Checks:
    """The problems found so far, and the projects that have one (their history is not checked)."""

    def __init__(self, problems: list[RowProblem], bad_projects: set[str]) -> None:
        self.problems = problems
        self.bad_projects = bad_projects

    def bad(self, e: Event, name: str, zh: str, en: str) -> None:
        self.problems.append(RowProblem(e.row, e.cols[name], zh, en))
        self.bad_projects.add(e.project)


def _recorded(conn: store.Database | None, ids: list[str]) -> tuple[dict[str, ProjectInfo], dict[str, list[ProjectEvent]]]:
    """The recorded projects among ``ids`` and their recorded events, in order."""
    projects: dict[str, ProjectInfo] = {}
    if conn is None or not ids:
        return projects, {}
    for chunk in store.chunks(ids):
        marks = ",".join("?" * len(chunk))
        for pid, deal, client, service, tier in conn.execute(
            f"SELECT id, deal, client, service, tier FROM projects WHERE id IN ({marks})", chunk
        ):
            projects[pid] = ProjectInfo(pid, deal, client, service, tier, "已记录", "recorded", True)
    return projects, store.project_events(conn, ids)


def _check_offers(ws: Workspace, events: list[Event], projects: dict[str, ProjectInfo], checks: _Checks) -> None:
    """One service / tier / deal / client per project; a new project's tier and client."""
    for e in sorted(events, key=lambda e: e.order):
        p = projects.get(e.project)
        if p is None:
            where = f"第 {e.row} 行" if e.row else "本次记录"
            where_en = f"row {e.row}" if e.row else "this entry"
            projects[e.project] = ProjectInfo(e.project, e.deal, e.client, e.service, e.tier, where, where_en, False)
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
                checks.bad(
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
            tiers = ", ".join(t.id for t in svc.tiers)
            checks.bad(
                first,
                "tier",
                f"服务 {svc.id} 有多个档位，请填写档位：{tiers}",
                f"service {svc.id} has several tiers; give the tier: {tiers}",
            )
        if p.client is None:
            checks.bad(
                first, "client", f"新项目 {p.id} 没有交易，必须填写客户", f"new project {p.id} has no deal, so the client is required"
            )


def _not_before(pid: str, new: list[Event], old: list[ProjectEvent], problems: list[RowProblem]) -> list[Event]:
    """The new events not before the last recorded one (the others are problems: no back-filling)."""
    if not old or new[0].at >= old[-1].at:
        return new
    last = old[-1]
    for e in new:
        if e.at < last.at:
            problems.append(
                RowProblem(
                    e.row,
                    e.cols["at"],
                    f"早于项目 {pid} 已记录的最后一个事件（{short(last.at)} {last.type}）；已记录的历史不能再插入更早的事件",
                    f"is before the last recorded event of project {pid} ({short(last.at)} {last.type}); "
                    "recorded history cannot be back-filled",
                )
            )
    return [e for e in new if e.at >= last.at]


def _refusal(tally: Tally, e: Event, tier: Tier) -> tuple[str, str, str] | None:
    """(column, zh, en) when ``e`` cannot follow the history so far."""
    closed = tally.closed
    if closed:
        how_zh, how_en = ("已验收", "accepted") if closed[0] == "accepted" else ("已退款", "refunded")
        return (
            "event",
            f"项目 {e.project} 已于 {short(closed[1])} {how_zh}，之后不能再有事件",
            f"project {e.project} was {how_en} at {short(closed[1])}; no event can follow",
        )
    if e.type == "started" and tally.first_draft_at is not None:
        return (
            "event",
            f"项目 {e.project} 已交付初稿，“项目开始”应在初稿之前",
            f"project {e.project} already has a first draft; 'started' must come before it",
        )
    if e.type == "draft-delivered" and tally.drafts_since_writer_change:
        return (
            "event",
            f"项目 {e.project} 已交付过初稿（更换文案师/设计师之后才会有新的初稿）",
            f"project {e.project} already has a first draft (a new one only follows a writer/designer change)",
        )
    if e.type in _NEEDS_DRAFT and tally.first_draft_at is None:
        return ("event", f"项目 {e.project} 还没有交付初稿", f"project {e.project} has no first draft delivered yet")
    revisions = tally.revisions_used
    if e.type == "dissatisfied" and e.stage is not None and e.stage != revisions:
        return (
            "stage",
            f"与记录不符：此前已交付 {revisions} 次计数的修改，阶段应为 {stage_id(revisions)}",
            f"does not match the records: {revisions} counted revision(s) delivered before, so the stage is {stage_id(revisions)}",
        )
    if e.type == "writer-changed":
        ok, zh, en = writer_change_allowed(tier, revisions, tally.writer_changes_used)
        if not ok:
            return ("event", f"不能更换文案师/设计师：{zh}", f"no writer/designer change possible: {en}")
    if e.type == "refund-paid":
        return _refund_refusal(tally, e)
    return None


def _refund_refusal(tally: Tally, e: Event) -> tuple[str, str, str] | None:
    if tally.dissatisfied_at is None:
        return ("event", "退款之前必须先记录“不满意”（dissatisfied）事件", "a refund needs a dissatisfied event before it")
    paid = e.paid_fen if e.paid_fen is not None else tally.paid_fen
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


def check_histories(
    ws: Workspace, events: list[Event], conn: store.Database | None, problems: list[RowProblem], bad_projects: set[str]
) -> tuple[dict[str, ProjectInfo], set[str]]:
    """Project consistency and the state of each project's history (recorded events + new ones).

    Sets each good new event's ``computed_stage``; returns the projects (recorded and new) and
    the ids of the recorded ones.
    """
    checks = _Checks(problems, bad_projects)
    projects, history = _recorded(conn, sorted({e.project for e in events}))
    existing_ids = set(projects)
    _check_offers(ws, events, projects, checks)
    by_project: dict[str, list[Event]] = defaultdict(list)
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
        tally = Tally()
        for event in old:
            tally.apply(event)
        for e in _not_before(pid, new, old, problems):
            problem = _refusal(tally, e, tier)
            if problem:
                checks.bad(e, *problem)
                break
            e.computed_stage = tally.stage(e.type)
            tally.apply(ProjectEvent(e.type, e.at, e.paid_fen, e.refund_fen))
    return projects, existing_ids
