"""Reproducible sample after-sales records for the sample workspace.

    python -m salesdocs.records.sample [--tickets 360] [--seed 7] [--workspace DIR]

writes ``records/sample-tickets.csv`` (Chinese headers, as the after-sales team's spreadsheet
has them) and ``records/sample-events.csv`` (English headers) into the workspace: tickets from
2026-05-01 to 2026-10-31 across the workspace's clients and services, and the project
events of ~50 projects in the same months plus one project per item of every sample deal.

The same seed gives byte-identical files.  Both are UTF-8 with a BOM, so Excel opens them
with the Chinese intact.  Times follow the working-day calendar of the policy: most tickets
arrive in service hours on working days, a few in the evening or at the weekend.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from salesdocs.engine.refunds import RefundResult, deposit_share, line_item_total, refund_for
from salesdocs.engine.settlement import list_item_total
from salesdocs.model import Service, Tier, Workspace

START = date(2026, 5, 1)
END = date(2026, 10, 31)
TICKET_HEADER = [
    "编号",
    "收到时间",
    "渠道",
    "客户",
    "项目",
    "服务",
    "问题类别",
    "描述",
    "首次回复时间",
    "解决时间",
    "处理结果",
    "是否上门",
    "满意度",
]
EVENT_HEADER = ["id", "project", "deal", "client", "service", "tier", "event", "at", "stage", "amount_paid", "refund_amount", "note"]

CHANNEL_WEIGHTS = {"wechat": 40, "wechat-official": 25, "phone": 20, "website": 15}
CATEGORY_WEIGHTS = {
    "design-style": 30,
    "source-file": 14,
    "print-output": 18,
    "content-accuracy": 30,
    "originality": 10,
    "tone-direction": 22,
    "delivery-delay": 8,
    "platform-operation": 14,
}
DESCRIPTIONS = {
    "design-style": [
        "客户认为配色偏暗，与品牌调性不符",
        "希望风格更年轻化，参考竞品提供了三张图",
        "主视觉元素太多，想要更简洁",
        "字体显得太正式，希望更活泼",
    ],
    "source-file": ["需要 AI 格式源文件用于印刷", "源文件中字体缺失，打开后版式错乱", "要求补发 PSD 分层文件", "印厂要求提供 PDF/X 格式"],
    "print-output": ["印刷成品偏红，与屏幕效果差异大", "裁切后边缘出现白边（出血不足）", "图片印出来模糊", "专色与四色混用导致色差"],
    "content-accuracy": ["文中产品参数写错", "发现两处错别字", "活动日期写错", "公司名称少了一个字"],
    "originality": ["客户询问文章是否原创，要查重报告", "转载文章未注明出处被原作者投诉", "配图来源不明，担心版权"],
    "tone-direction": ["语气太硬，像说明书", "希望更口语化，面向年轻读者", "重点不突出，客户想强调售后服务", "标题不够吸引人"],
    "delivery-delay": ["约定交付日已过未收到初稿", "修改稿比约定晚了一天", "节假日前急需交付"],
    "platform-operation": ["不会在公众号后台设置定时群发", "图文排版在手机上错位", "菜单栏链接失效", "不知道如何开通留言功能"],
}
RESOLUTIONS = {
    "design-style": ["按需求确认单逐项核对后出修改稿，客户确认", "补充参考案例后由原设计师调整，客户满意"],
    "source-file": ["当日补发 AI/PDF 源文件并说明字体授权", "转曲后重新打包发送"],
    "print-output": ["核对 CMYK 与出血，出具印刷说明", "上门与印厂沟通后重新打样"],
    "content-accuracy": ["当日修正并重新发送", "已发布文章按平台规则修改"],
    "originality": ["提供查重结果", "补注出处并联系原作者取得授权"],
    "tone-direction": ["重新确认目标读者与语气后小范围修改", "调整标题与开头，客户确认"],
    "delivery-delay": ["说明原因并给出新交付日期，已按新日期交付"],
    "platform-operation": ["远程指导完成设置", "上门协助完成后台设置"],
}
EXTRA_PROJECTS = 60
ONSITE_CHANCE = {"print-output": 0.30, "platform-operation": 0.35, "design-style": 0.03}


@dataclass
class _Project:
    id: str
    deal: str
    client: str
    service: Service
    tier: Tier
    start: date
    paid: Decimal
    line: int = 0  # the deal's line this project is a piece of (0: no deal)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


class _Sampler:
    def __init__(self, ws: Workspace, seed: int) -> None:
        from salesdocs.engine.calendar import calendar_for

        self.ws = ws
        self.rng = random.Random(seed)
        self.cal = calendar_for(ws.policy)
        self.policy = ws.policy
        self.clients = sorted(ws.clients)
        # which services each client buys: its deals' services, else all
        self.client_services: dict[str, list[str]] = {}
        for client in self.clients:
            services = sorted({line.service for d in ws.deals.values() if d.client == client for line in d.lines})
            self.client_services[client] = services or [s.id for s in self.policy.services]
        self.working_days = [d for d in _days(START, END) if self.cal.is_working_day(d)]

    def next_working(self, d: date, n: int = 1) -> date:
        return self.cal.add_working_days(d, n).date

    def at(self, d: date, lo: int = 9 * 60 + 10, hi: int = 18 * 60 + 20) -> datetime:
        return datetime.combine(d, time()) + timedelta(minutes=self.rng.randint(lo, hi))

    # ---------------------------------------------------------------- projects

    def projects(self) -> list[_Project]:
        rng = self.rng
        found: list[_Project] = []
        starts = [d for d in _days(date(2026, 4, 13), date(2026, 10, 23)) if self.cal.is_working_day(d)]
        count = EXTRA_PROJECTS
        for n in range(1, count + 1):
            client = self.clients[(n * 7) % len(self.clients)]
            service = self.policy.service(rng.choice(self.client_services[client]))
            assert service is not None
            tier = rng.choice(service.tiers)
            # more projects in later months: position ~ sqrt of the index
            position = int(len(starts) * ((n - 1) / count) ** 0.8)
            start = starts[min(len(starts) - 1, position + rng.randint(0, 2))]
            # sold alone at the list price, paid in full (tax included) when work starts
            paid = list_item_total(tier.price, self.policy.terms.tax_rate, self.policy.terms.prices_include_tax)
            found.append(_Project(f"P-2026-{n:03d}", "", client, service, tier, start, paid))
        from salesdocs.engine.pricing import price_deal

        deposit = self.policy.terms.payment[0] if self.policy.terms.payment else None
        for deal in sorted(self.ws.deals.values(), key=lambda d: d.id):
            quote = price_deal(self.policy, deal, self.cal)
            k = 0
            for line in quote.lines:
                line_tier = self.policy.tier_of(line.service_id, line.tier_id)
                service = self.policy.service(line.service_id)
                assert service is not None
                # one project per piece, the deposit paid when work starts: the engine's default for one piece
                paid = deposit_share(line_item_total(quote, line.number, 1)[1], deposit)
                for _ in range(line.quantity):
                    k += 1
                    found.append(_Project(f"{deal.id}-{k}", deal.id, deal.client, service, line_tier, deal.start, paid, line.number))
        return found

    def events(self, project: _Project, open_after: date | None) -> list[list[str]]:
        rng = self.rng
        rows: list[list[str]] = []
        tier = project.tier
        n = 0

        def add(kind: str, when: datetime, *, stage: str = "", paid: str = "", refund: str = "", note: str = "") -> None:
            nonlocal n
            n += 1
            rows.append(
                [
                    f"{project.id}/{n}",
                    project.id,
                    project.deal,
                    project.client if not project.deal else "",
                    project.service.id,
                    tier.id,
                    kind,
                    _fmt(when),
                    stage,
                    paid,
                    refund,
                    note,
                ]
            )

        day = project.start
        add("started", self.at(day, 9 * 60, 11 * 60), paid=f"{project.paid:.2f}")
        day = self.next_working(day, rng.randint(tier.delivery_min, tier.delivery_max))
        add("draft-delivered", self.at(day, 14 * 60, 18 * 60))
        rounds = rng.choices([0, 1, 2, 3, 4, 5], weights=[24, 30, 24, 13, 6, 3])[0]
        outcome = rng.choices(["accepted", "refund", "writer"], weights=[80, 14, 6])[0]
        if outcome == "writer" and (tier.writer_change.times == 0 or not tier.writer_change.when):
            outcome = "accepted"
        revisions = 0
        changed = False
        while True:
            if outcome == "writer" and not changed and revisions in tier.writer_change.when and (revisions or rng.random() < 0.5):
                day = self.next_working(day, 1)
                add("dissatisfied", self.at(day), note="客户对初稿方向不满意，申请更换" if revisions == 0 else "二改后仍不满意，申请更换")
                add("writer-changed", self.at(day) + timedelta(hours=1), note="按合同更换文案师（1 次）")
                day = self.next_working(day, rng.randint(2, 3))
                add("draft-delivered", self.at(day, 14 * 60, 18 * 60), note="新文案师初稿")
                changed = True
                continue
            if revisions >= rounds:
                break
            day = self.next_working(day, rng.randint(1, 2))
            if open_after and day > open_after:
                return rows
            if rng.random() < 0.25:
                add("minor-change", self.at(day), note="小细节修改，不计修改次数")
            if rng.random() < 0.05:
                add("overhaul-requested", self.at(day), note="方向性大改，按合同不接受，已说明")
            add("revision-requested", self.at(day))
            day = self.next_working(day, rng.randint(1, 2))
            add("revision-delivered", self.at(day, 14 * 60, 18 * 60))
            revisions += 1
        day = self.next_working(day, rng.randint(1, 3))
        if open_after and day > open_after:
            return rows
        if outcome == "refund":
            from salesdocs.model import stage_id

            add("dissatisfied", self.at(day), stage=stage_id(revisions))
            result = self.refund(project, revisions)
            day = self.next_working(day, rng.randint(1, 3))
            add("refund-paid", self.at(day), refund=f"{result.refund:.2f}", note=_settlement_note(result))
        else:
            add("accepted", self.at(day))
        return rows

    def refund(self, project: _Project, stage: int) -> RefundResult:
        """The engine's refund, as ``refund_for_project`` computes it from these records."""
        if project.deal:
            from salesdocs import api

            return api.refund_line(self.ws, project.deal, project.line, stage, pieces=1, paid=project.paid)
        return refund_for(project.service.id, project.tier.id, project.tier, stage, project.paid, self.policy.refund_terms)

    # ----------------------------------------------------------------- tickets

    def ticket(self, number: int, day: date, projects: list[_Project]) -> list[str]:
        rng = self.rng
        in_hours = rng.random() < 0.86
        if in_hours:
            received = self.at(day)
        else:  # evening, or a weekend / holiday morning
            received = (
                self.at(day, 18 * 60 + 40, 22 * 60 + 30)
                if rng.random() < 0.6
                else self.at(day - timedelta(days=rng.randint(1, 2)), 10 * 60, 16 * 60)
            )
        if received.date() < START:
            received = self.at(day)
        client = self.clients[rng.choices(range(len(self.clients)), weights=[(3, 4, 3)[i % 3] for i in range(len(self.clients))])[0]]
        service_id = rng.choice(self.client_services[client])
        cats = {c.id: CATEGORY_WEIGHTS.get(c.id, 10) for c in self.policy.aftersales.categories if service_id in c.services}
        category = _weighted(rng, cats)
        channel = _weighted(rng, {c.id: CHANNEL_WEIGHTS.get(c.id, 10) for c in self.policy.aftersales.channels})
        candidates = [
            p for p in projects if p.client == client and p.service.id == service_id and p.start <= received.date() and not p.deal
        ]
        project = rng.choice(candidates).id if candidates and rng.random() < 0.6 else ""
        # first response
        if in_hours and self.cal.is_working_day(received.date()):
            minutes = rng.lognormvariate(2.3, 0.6)  # median ~10 min
            if rng.random() < 0.05:
                minutes = rng.uniform(35, 180)
            first = received + timedelta(minutes=max(1, round(minutes)))
        else:
            next_day = self.next_working(received.date(), 1)
            first = datetime.combine(next_day, time(9, 0)) + timedelta(
                minutes=rng.randint(2, 50) if rng.random() < 0.9 else rng.randint(60, 150)
            )
        recent = (END - received.date()).days
        open_ticket = (recent <= 9 and rng.random() < 0.35) or rng.random() < 0.01
        unanswered = open_ticket and rng.random() < 0.3
        onsite = rng.random() < ONSITE_CHANCE.get(category, 0.0)
        resolved = None
        if not open_ticket:
            hours = rng.uniform(0.3, 6) if rng.random() < 0.6 else rng.uniform(6, 60)
            if onsite:
                hours = rng.uniform(20, 56)
            resolved = first + timedelta(minutes=round(hours * 60))
        satisfaction = ""
        if resolved is not None and rng.random() < 0.85:
            late = (first - received) > timedelta(minutes=self.policy.aftersales.response_minutes)
            weights = [2, 3, 10, 30, 55] if not late else [6, 10, 24, 35, 25]
            satisfaction = str(rng.choices([1, 2, 3, 4, 5], weights=weights)[0])
        return [
            f"T2026-{number:04d}",
            _fmt(received),
            channel,
            client,
            project,
            service_id,
            category,
            rng.choice(DESCRIPTIONS.get(category, ["客户反馈问题"])),
            "" if unanswered else _fmt(first),
            _fmt(resolved) if resolved else "",
            rng.choice(RESOLUTIONS.get(category, ["已处理"])) if resolved else "",
            "是" if onsite and resolved else "否",
            satisfaction,
        ]


def _settlement_note(result: RefundResult) -> str:
    """The rule applied, and what the client still owes when what it paid is less than the agency keeps."""
    if result.still_due:
        return f"{result.rule}；甲方还需支付 {result.still_due:.2f} 元，其余价款不再支付"
    if not result.refund:
        return f"{result.rule}；已付款等于乙方保留的部分，无需退款，其余价款不再支付"
    return result.rule


def _days(a: date, b: date) -> list[date]:
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def generate(ws: Workspace, tickets: int = 360, seed: int = 7) -> tuple[list[list[str]], list[list[str]]]:
    """(ticket rows, event rows), each with its header first."""
    s = _Sampler(ws, seed)
    projects = s.projects()
    event_rows: list[list[str]] = []
    for p in projects:
        open_after = END - timedelta(days=6) if not p.deal and p.start > END - timedelta(days=21) else None
        event_rows.extend(s.events(p, open_after))
    # more tickets in later months: the business is growing
    days = s.working_days
    weights = [1.0 + 0.8 * i / len(days) for i in range(len(days))]
    chosen = sorted(s.rng.choices(days, weights=weights, k=tickets))
    ticket_rows = [s.ticket(i + 1, d, projects) for i, d in enumerate(chosen)]
    ticket_rows.sort(key=lambda r: (r[1], r[0]))
    for number, row in enumerate(ticket_rows, start=1):  # numbered in the order received
        row[0] = f"T2026-{number:04d}"
    return [TICKET_HEADER, *ticket_rows], [EVENT_HEADER, *event_rows]


def to_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def write_sample(ws: Workspace, tickets: int = 360, seed: int = 7, out: Path | None = None) -> tuple[Path, Path]:
    folder = out or ws.root / "records"
    folder.mkdir(parents=True, exist_ok=True)
    ticket_rows, event_rows = generate(ws, tickets, seed)
    paths = (folder / "sample-tickets.csv", folder / "sample-events.csv")
    for path, rows in zip(paths, (ticket_rows, event_rows), strict=False):
        path.write_bytes(to_csv(rows))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m salesdocs.records.sample", description="write reproducible sample after-sales records")
    parser.add_argument("--tickets", type=int, default=360, help="number of tickets (default 360)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--workspace", "-w", type=Path, default=None, help="workspace folder (default: the current one)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: WORKSPACE/records)")
    args = parser.parse_args(argv)
    if args.tickets < 1:
        parser.error("--tickets must be at least 1")
    from salesdocs.errors import SalesdocsError
    from salesdocs.workspace import load_workspace

    try:
        ws = load_workspace(args.workspace)
        for path in write_sample(ws, args.tickets, args.seed, args.out):
            print(f"wrote {path}")
    except SalesdocsError as exc:
        print(exc.message("both"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
