"""Checks of the rules files, registered in the order they run; each file has passed the schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from salesdocs.engine.statutory import HOLIDAY_NAMES_EN, statutory_names
from salesdocs.errors import MoneyError, Problem
from salesdocs.model import parse_stage
from salesdocs.policy.checks.base import Context, duplicates, money_precision, percent_value, policy_check, unknown_ref
from salesdocs.policy.checks.ladders import ladder_problems, ladders_by_id, tier_coverage
from salesdocs.policy.reader import PathKey

# --------------------------------------------------------------------------- ids


@policy_check
def unique_ids(ctx: Context) -> Iterator[Problem]:
    lists = {
        "services": [(("services",), "id", "服务编号", "service id")],
        "refunds": [(("ladders",), "id", "退款阶梯编号", "ladder id")],
        "aftersales": [
            (("categories",), "id", "问题类别编号", "category id"),
            (("channels",), "id", "渠道编号", "channel id"),
            (("duties",), "id", "职责编号", "duty id"),
        ],
        "company": [(("cases",), "id", "案例编号", "case id")],
        "presales": [
            (("stages",), "id", "阶段序号", "stage number"),
            (("classification",), "id", "分类维度", "dimension id"),
            (("need_levels",), "id", "需求层面", "need level id"),
        ],
    }
    for name, specs in lists.items():
        doc = ctx.rules.get(name)
        if doc is None:
            continue
        for path, key, zh, en in specs:
            yield from duplicates(doc, doc.data.get(path[0]) or [], path, key, zh, en)
    doc = ctx.rules.get("services")
    if doc:
        for si, service in enumerate(doc.data["services"]):
            yield from duplicates(doc, service["tiers"], ("services", si, "tiers"), "id", "档位编号", "tier id")
    doc = ctx.rules.get("refunds")
    if doc:
        for li, ladder in enumerate(doc.data["ladders"]):
            yield from duplicates(doc, ladder["steps"], ("ladders", li, "steps"), "id", "阶梯步骤编号", "ladder step id")


# ---------------------------------------------------------------- refund ladders


@policy_check
def refund_ladders(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("refunds")
    if doc is None:
        return
    for li, ladder in enumerate(doc.data["ladders"]):
        yield from ladder_problems(doc, li, ladder)


# ------------------------------------------------------------------ services


@policy_check
def tiers(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("services")
    if doc is None:
        return
    ladders, broken = ladders_by_id(ctx.rules.get("refunds"))
    for si, service in enumerate(doc.data["services"]):
        for ti, tier in enumerate(service["tiers"]):
            base: PathKey = ("services", si, "tiers", ti)
            delivery = tier["delivery"]
            if delivery["min"] > delivery["max"]:
                yield doc.problem(
                    doc.pos((*base, "delivery", "min")),
                    "delivery-range",
                    f"交付时间：最少 {delivery['min']} 个工作日大于最多 {delivery['max']} 个工作日",
                    f"delivery window: min {delivery['min']} working days is above max {delivery['max']}",
                    hint_zh="交换 min 和 max",
                    hint_en="swap min and max",
                )
            yield from money_precision(doc, (*base, "price"), tier["price"])
            ladder_id = tier["refund_ladder"]
            if ladders is not None and ladder_id not in ladders:
                yield unknown_ref(doc, (*base, "refund_ladder"), "退款阶梯", "refund ladder", ladder_id, ladders)
            elif ladders is not None and ladder_id not in broken:
                yield from tier_coverage(doc, base, f"{service['id']}/{tier['id']}", tier, ladders[ladder_id])
            wc = tier["writer_change"]
            for wi, when in enumerate(wc.get("when") or []):
                stage = parse_stage(when)
                if stage is not None and stage > tier["revisions"]["included"]:
                    yield doc.problem(
                        doc.pos((*base, "writer_change", "when", wi)),
                        "writer-change-stage",
                        f"更换文案师/设计师的阶段 {when} 超出了包含的修改次数（{tier['revisions']['included']} 次）",
                        f"the change stage {when} is beyond the revisions included ({tier['revisions']['included']})",
                    )
            if wc["times"] == 0 and wc.get("when"):
                yield doc.problem(
                    doc.pos((*base, "writer_change", "when")),
                    "writer-change-unused",
                    "times 为 0（不提供更换），when 不会生效",
                    "times is 0 (no change offered), so 'when' has no effect",
                    severity="warning",
                    hint_zh="删除 when，或把 times 改成允许的次数",
                    hint_en="remove 'when' or set times",
                )


@policy_check
def service_references(ctx: Context) -> Iterator[Problem]:
    services_doc = ctx.rules.get("services")
    if services_doc is None:
        return
    known = [s["id"] for s in services_doc.data["services"]]
    after = ctx.rules.get("aftersales")
    if after:
        used: set[str] = set()
        for ci, cat in enumerate(after.data["categories"]):
            for i, sid in enumerate(cat["services"]):
                used.add(sid)
                if sid not in known:
                    yield unknown_ref(after, ("categories", ci, "services", i), "服务", "service", sid, known)
        for si, sid in enumerate(known):
            if sid not in used:
                yield services_doc.problem(
                    services_doc.pos(("services", si, "id")),
                    "category-missing",
                    f"服务 {sid} 没有任何售后问题类别（aftersales.yaml 的 categories）",
                    f"service {sid} has no after-sales problem category (categories in aftersales.yaml)",
                    severity="warning",
                    hint_zh="在 aftersales.yaml 的某个类别的 services 里加上它",
                    hint_en="list it under the services of a category in aftersales.yaml",
                )
    company = ctx.rules.get("company")
    if company:
        for ci, case in enumerate(company.data.get("cases") or []):
            for i, sid in enumerate(case["services"]):
                if sid not in known:
                    yield unknown_ref(company, ("cases", ci, "services", i), "服务", "service", sid, known)


@policy_check
def payment_schedule(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("terms")
    if doc is None:
        return
    try:
        total = sum((percent_value(p["percent"]) for p in doc.data["payment"]), Decimal(0))
    except MoneyError:
        return  # a malformed percentage: the schema reports it
    if total != 100:
        yield doc.problem(
            doc.pos(("payment",)),
            "payment-sum",
            f"付款安排各期比例之和是 {total}%，应为 100%",
            f"the payment instalments add up to {total}%, not 100%",
            hint_zh="调整各期的 percent，使总和为 100%",
            hint_en="adjust the instalments' percent so they add up to 100%",
        )


@policy_check
def calendar_days(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("calendar")
    if doc is None:
        return
    holidays = {h["date"]: i for i, h in enumerate(doc.data.get("holidays") or [])}
    for i, w in enumerate(doc.data.get("workdays") or []):
        if w["date"] in holidays:
            other = doc.pos(("holidays", holidays[w["date"]], "date"))[0]
            yield doc.problem(
                doc.pos(("workdays", i, "date")),
                "calendar-conflict",
                f"{w['date']} 同时写在放假日（第 {other} 行）和调休上班日里",
                f"{w['date']} is both a day off (line {other}) and a working day",
                hint_zh="删除其中一个",
                hint_en="delete one of them",
            )


@policy_check
def calendar_complete(ctx: Context) -> Iterator[Problem]:
    """A year in ``covered_years`` whose ``holidays`` leave out statutory days: they would count as working days."""
    doc = ctx.rules.get("calendar")
    if doc is None:
        return
    listed = {str(d["date"]) for key in ("holidays", "workdays") for d in doc.data.get(key) or []}
    for i, year in enumerate(doc.data.get("covered_years") or []):
        names = statutory_names(int(year))
        runs = _runs(sorted(d for d in names if d.isoformat() not in listed), names)
        if not runs:
            continue
        zh = "、".join(f"{name} {when}" for name, when in runs)
        en = ", ".join(f"{'/'.join(HOLIDAY_NAMES_EN.get(n, n) for n in name.split('、'))} {when}" for name, when in runs)
        yield doc.problem(
            doc.pos(("covered_years", i)),
            "calendar-incomplete",
            f"{year} 年的{zh} 未列为假日：写进 covered_years 的年份按 holidays 计算，这些法定节假日会被当作工作日",
            f"{year}: {en} not listed as holidays: a year in covered_years follows holidays only, so these statutory holidays "
            "would count as working days",
            severity="warning",
            hint_zh=f"按国务院办公厅公布的 {year} 年放假安排，把全部放假日期写进 holidays、调休上班日写进 workdays；"
            f"还没有公布时，先从 covered_years 里删除 {year}（交付日期会按估算的节假日计算并标注“预计”）",
            hint_en=f"list every day off of the State Council's {year} arrangement under holidays and its make-up working days "
            f"under workdays; until it is published, remove {year} from covered_years (due dates are then estimated)",
        )


def _runs(days: list[date], names: dict[date, str]) -> list[tuple[str, str]]:
    """Consecutive days of one holiday as (name, "2027-02-05…02-08")."""
    runs: list[list[date]] = []
    for day in days:
        if runs and names[runs[-1][-1]] == names[day] and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [(names[run[0]], run[0].isoformat() + (f"…{run[-1]:%m-%d}" if len(run) > 1 else "")) for run in runs]


# ---------------------------------------------------------------- service hours


@policy_check
def service_hours(ctx: Context) -> Iterator[Problem]:
    """Opening before closing, and the outside-hours reply due within the service hours.

    The schema has checked that every time is ``HH:MM`` (24-hour, zero-padded), so the texts
    compare as times.
    """
    doc = ctx.rules.get("aftersales")
    if doc is None:
        return
    response = doc.data["response"]
    hours = response["service_hours"]
    opens, closes = hours["from"], hours["to"]
    if opens >= closes:
        yield doc.problem(
            doc.pos(("response", "service_hours", "to")),
            "service-hours-range",
            f"服务时间：结束时刻 {closes} 不晚于开始时刻 {opens}",
            f"service hours: the closing time {closes} is not after the opening time {opens}",
            hint_zh='服务时间不能跨过午夜：to 要晚于 from（24 小时制，例如 from: "09:00"、to: "18:30"）',
            hint_en='service hours cannot run past midnight: `to` must be later than `from` (24-hour, e.g. from: "09:00", to: "18:30")',
        )
        return
    reply_by = response["outside_hours"]["reply_by"]
    if not opens <= reply_by <= closes:
        yield doc.problem(
            doc.pos(("response", "outside_hours", "reply_by")),
            "reply-outside-hours",
            f"服务时间外的首次回复期限 {reply_by} 不在服务时间 {opens}—{closes} 内，那时没有人值班回复",
            f"the outside-hours reply deadline {reply_by} is not within the service hours {opens}–{closes}, when no one is on duty",
            severity="warning",
            hint_zh=f"把 reply_by 改成 {opens} 到 {closes} 之间的时刻",
            hint_en=f"set reply_by to a time from {opens} to {closes}",
        )
