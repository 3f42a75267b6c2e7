"""Meaning checks beyond the schema: one small registered function per rule.

Each check has a stable code (used in messages, JSON output and docs) and
yields :class:`~salesdocs.errors.Problem` records located in the YAML.  Policy
checks run on the rules files that passed the schema; workspace checks run
once the policy model is built and look at clients and deals.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from salesdocs.errors import Problem
from salesdocs.model import Policy, parse_stage, stage_id, stage_zh
from salesdocs.policy.reader import Document, PathKey

PolicyCheck = Callable[["Context"], Iterable[Problem]]
POLICY_CHECKS: list[PolicyCheck] = []
WORKSPACE_CHECKS: list[PolicyCheck] = []
_AT_MOST_WORDS = re.compile(r"最多|至多|不超过|封顶|at most", re.IGNORECASE)


@dataclass
class Context:
    rules: dict[str, Document]
    clients: dict[str, Document] = field(default_factory=dict)  # file stem → doc
    deals: dict[str, Document] = field(default_factory=dict)
    policy: Policy | None = None
    calendar: Any = None  # WorkCalendar, once the policy is built


def policy_check(func: PolicyCheck) -> PolicyCheck:
    POLICY_CHECKS.append(func)
    return func


def workspace_check(func: PolicyCheck) -> PolicyCheck:
    WORKSPACE_CHECKS.append(func)
    return func


def run(checks: list[PolicyCheck], ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for check in checks:
        problems.extend(check(ctx))
    return problems


def _percent(value: Any) -> Decimal:
    from salesdocs.engine.money import parse_percent

    return parse_percent(value if not isinstance(value, bool) else str(value))


def _unknown(
    doc: Document, path: PathKey, what_zh: str, what_en: str, value: str, known: Iterable[str], *, at_key: bool = False
) -> Problem:
    known = sorted(set(known))
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    return doc.problem(
        doc.key_pos(path) if at_key else doc.pos(path),
        "unknown-ref",
        f"找不到{what_zh} {value}",
        f"unknown {what_en} {value}",
        hint_zh=(f"是不是想写 {close[0]}？" if close else f"可用的有：{'、'.join(known)}"),
        hint_en=(f"did you mean `{close[0]}`?" if close else f"known: {', '.join(known)}"),
    )


def _duplicates(doc: Document, items: list[Any], base: PathKey, key: str, what_zh: str, what_en: str) -> Iterator[Problem]:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or key not in item:
            continue
        value = item[key]
        if value in seen:
            first_line = doc.pos((*base, seen[value], key))[0]
            yield doc.problem(
                doc.pos((*base, i, key)),
                "duplicate-id",
                f"{what_zh} {value} 重复：第 {first_line} 行已经用过",
                f"duplicate {what_en} {value}: already used on line {first_line}",
                hint_zh="每个编号只能用一次，请改成不同的编号",
                hint_en="every id must be unique; rename one of them",
            )
        else:
            seen[value] = i


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
            yield from _duplicates(doc, doc.data.get(path[0]) or [], path, key, zh, en)
    doc = ctx.rules.get("services")
    if doc:
        for si, service in enumerate(doc.data["services"]):
            yield from _duplicates(doc, service["tiers"], ("services", si, "tiers"), "id", "档位编号", "tier id")


# ---------------------------------------------------------------- refund ladders


@policy_check
def refund_ladders(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("refunds")
    if doc is None:
        return
    for li, ladder in enumerate(doc.data["ladders"]):
        yield from _ladder_problems(doc, li, ladder)


def _ladder_problems(doc: Document, li: int, ladder: dict[str, Any]) -> Iterator[Problem]:
    base: PathKey = ("ladders", li, "steps")
    expected = 0  # next stage that must be covered
    previous_percent: Decimal | None = None
    previous_line = 0
    open_ended_line = 0
    lid = ladder["id"]
    for si, step in enumerate(ladder["steps"]):
        path = (*base, si)
        first = parse_stage(step["from"])
        last = parse_stage(step["to"]) if "to" in step else None
        line = doc.pos(path)[0]
        if first is None or ("to" in step and last is None):
            continue  # the schema already reported the malformed stage
        if last is not None and last < first:
            yield doc.problem(
                doc.pos((*path, "to")),
                "refund-order",
                f"退款阶梯 {lid}：结束阶段 {step['to']} 早于起始阶段 {step['from']}",
                f"ladder {lid}: 'to' {step['to']} comes before 'from' {step['from']}",
                hint_zh="交换 from 和 to",
                hint_en="swap from and to",
            )
            continue
        if open_ended_line:
            yield doc.problem(
                doc.pos((*path, "from")),
                "refund-overlap",
                f"退款阶梯 {lid}：第 {open_ended_line} 行的一步没有写 to（已覆盖以后所有阶段），这一步与它重叠",
                f"ladder {lid}: the step on line {open_ended_line} has no 'to' (it covers every later stage), so this step overlaps it",
                hint_zh=f"给第 {open_ended_line} 行那一步加上 to，或删除这一步",
                hint_en=f"give the step on line {open_ended_line} a 'to', or delete this step",
            )
        elif first > expected:
            gap_last = first - 1
            gap = stage_id(expected) if gap_last == expected else f"{stage_id(expected)} … {stage_id(gap_last)}"
            gap_zh = stage_zh(expected) if gap_last == expected else f"{stage_zh(expected)}至{stage_zh(gap_last)}"
            yield doc.problem(
                doc.pos((*path, "from")),
                "refund-gap",
                f"退款阶梯 {lid} 有空缺：没有规定{gap_zh}（{gap}）的退款",
                f"ladder {lid} has a gap: no refund is defined for {gap}",
                hint_zh=f"把这一步的 from 改成 {stage_id(expected)}，或为 {gap} 加一步",
                hint_en=f"start this step at {stage_id(expected)}, or add a step for {gap}",
            )
        elif first < expected:
            yield doc.problem(
                doc.pos((*path, "from")),
                "refund-overlap",
                f"退款阶梯 {lid}：{step['from']} 已经包含在上一步（第 {previous_line} 行）里",
                f"ladder {lid}: {step['from']} is already covered by the step on line {previous_line}",
                hint_zh=f"把 from 改成 {stage_id(expected)}",
                hint_en=f"start this step at {stage_id(expected)}",
            )
        try:
            percent = _percent(step["percent"])
        except Exception:
            percent = None
        if percent is not None and previous_percent is not None and percent > previous_percent:
            yield doc.problem(
                doc.pos((*path, "percent")),
                "refund-rises",
                f"退款阶梯 {lid}：越往后退款比例不能越高（{percent}% 高于上一步的 {previous_percent}%）",
                f"ladder {lid}: refunds must not rise at later stages ({percent}% is above the previous step's {previous_percent}%)",
                hint_zh="检查是不是把两步的比例写反了",
                hint_en="check whether two steps' percentages are swapped",
            )
        if _AT_MOST_WORDS.search(step.get("text", "")) and step.get("kind", "fixed") != "at_most":
            yield doc.problem(
                doc.pos((*path, "text")),
                "refund-at-most-unmarked",
                f"退款阶梯 {lid}：条款写的是“最多退”，但没有标记 kind: at_most",
                f"ladder {lid}: the clause says 'at most' but the step is not marked kind: at_most",
                hint_zh="在这一步加上 kind: at_most",
                hint_en="add kind: at_most to this step",
            )
        if percent is not None:
            previous_percent = percent
        previous_line = line
        if last is None:
            open_ended_line = open_ended_line or line
        else:
            expected = max(expected, last + 1)


# ------------------------------------------------------------------ services


@policy_check
def tiers(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("services")
    if doc is None:
        return
    ladders_doc = ctx.rules.get("refunds")
    ladders = {ld["id"]: ld for ld in ladders_doc.data["ladders"]} if ladders_doc else None
    # a ladder with its own errors (a gap, steps out of order) is reported once, in refunds.yaml
    broken = {
        ld["id"]
        for li, ld in enumerate(ladders_doc.data["ladders"] if ladders_doc else ())
        if any(p.severity == "error" for p in _ladder_problems(ladders_doc, li, ld))
    }
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
            yield from _money_precision(doc, (*base, "price"), tier["price"])
            ladder_id = tier["refund_ladder"]
            if ladders is not None and ladder_id not in ladders:
                yield _unknown(doc, (*base, "refund_ladder"), "退款阶梯", "refund ladder", ladder_id, ladders)
            elif ladders is not None and ladder_id not in broken:
                yield from _coverage(doc, base, f"{service['id']}/{tier['id']}", tier, ladders[ladder_id])
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


def _coverage(doc: Document, base: PathKey, name: str, tier: dict[str, Any], ladder: dict[str, Any]) -> Iterator[Problem]:
    """Every stage from the first draft through the revisions included must have a step."""
    covered: list[tuple[int, int | None]] = []
    for step in ladder["steps"]:
        first = parse_stage(step["from"])
        last = parse_stage(step["to"]) if "to" in step else None
        if first is None:
            return
        covered.append((first, last))
    # the first uncovered stage is 0 or just after a step's last stage: test only those
    # (a typo such as included: 99999999999 must not make the check loop for hours)
    candidates = sorted({0} | {la + 1 for _, la in covered if la is not None})
    for stage in (c for c in candidates if c <= tier["revisions"]["included"]):
        if not any(f <= stage and (la is None or stage <= la) for f, la in covered):
            yield doc.problem(
                doc.pos((*base, "refund_ladder")),
                "refund-uncovered",
                f"档位 {name} 包含 {tier['revisions']['included']} 次修改，但退款阶梯 {ladder['id']} 没有规定{stage_zh(stage)}（{stage_id(stage)}）的退款",
                f"tier {name} includes {tier['revisions']['included']} revisions but ladder {ladder['id']} has no step for {stage_id(stage)}",
                hint_zh=f"在 refunds.yaml 的 {ladder['id']} 里补上 {stage_id(stage)}，或让最后一步不写 to",
                hint_en=f"add {stage_id(stage)} to ladder {ladder['id']} in refunds.yaml, or leave the last step without 'to'",
            )
            return


def _money_precision(doc: Document, path: PathKey, value: Any) -> Iterator[Problem]:
    if isinstance(value, Decimal) and value.as_tuple().exponent < -2:  # type: ignore[operator]
        yield doc.problem(
            doc.pos(path),
            "money-precision",
            f"金额 {value} 超过两位小数（精确到分）",
            f"the amount {value} has more than two decimals (yuan and fen only)",
            hint_zh="最多写到分，例如 1350.50",
            hint_en="write at most two decimals, e.g. 1350.50",
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
                    yield _unknown(after, ("categories", ci, "services", i), "服务", "service", sid, known)
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
                    yield _unknown(company, ("cases", ci, "services", i), "服务", "service", sid, known)


@policy_check
def payment_schedule(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("terms")
    if doc is None:
        return
    try:
        total = sum((_percent(p["percent"]) for p in doc.data["payment"]), Decimal(0))
    except Exception:
        return
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


# ----------------------------------------------------------- clients and deals


@workspace_check
def clients(ctx: Context) -> Iterator[Problem]:
    policy = ctx.policy
    assert policy is not None
    dims = {d.id: d for d in policy.presales.classification}
    needs = [n for n, _ in policy.presales.need_levels]
    services = [s.id for s in policy.services]
    for stem, doc in ctx.clients.items():
        data = doc.data
        if data["id"] != stem:
            yield _id_filename(doc, stem, data["id"])
        for key, level in (data.get("classification") or {}).items():
            if key not in dims:
                yield _unknown(doc, ("classification", key), "分类维度", "classification dimension", key, dims, at_key=True)
            elif level not in dims[key].levels:
                yield doc.problem(
                    doc.pos(("classification", key)),
                    "unknown-level",
                    f"{dims[key].name}的等级“{level}”不在 presales.yaml 定义的等级里：{'、'.join(dims[key].levels)}",
                    f"'{level}' is not a level of {key}; presales.yaml defines: {', '.join(dims[key].levels)}",
                )
        for key in data.get("needs") or {}:
            if key not in needs:
                yield _unknown(doc, ("needs", key), "需求层面", "need level", key, needs, at_key=True)
        for i, sid in enumerate(data.get("interests") or []):
            if sid not in services:
                yield _unknown(doc, ("interests", i), "服务", "service", sid, services)
        stage = data.get("presales_stage")
        if stage is not None and stage > len(policy.presales.stages):
            yield doc.problem(
                doc.pos(("presales_stage",)),
                "unknown-ref",
                f"售前阶段 {stage} 不存在（presales.yaml 只有 {len(policy.presales.stages)} 个阶段）",
                f"pre-sales stage {stage} does not exist (presales.yaml has {len(policy.presales.stages)})",
            )


def _id_filename(doc: Document, stem: str, value: str) -> Problem:
    return doc.problem(
        doc.pos(("id",)),
        "id-filename",
        f"id {value} 与文件名 {stem}.yaml 不一致",
        f"id {value} does not match the file name {stem}.yaml",
        hint_zh=f"把 id 改成 {stem}，或把文件改名为 {value}.yaml",
        hint_en=f"set id to {stem} or rename the file to {value}.yaml",
    )


@workspace_check
def deals(ctx: Context) -> Iterator[Problem]:
    from salesdocs.engine.money import MoneyError
    from salesdocs.engine.pricing import price_deal
    from salesdocs.policy.assemble import build_deal

    policy = ctx.policy
    assert policy is not None
    services = {s.id: s for s in policy.services}
    client_ids = set(ctx.clients)
    for stem, doc in ctx.deals.items():
        data = doc.data
        ok = True
        if data["id"] != stem:
            yield _id_filename(doc, stem, data["id"])
        if data["client"] not in client_ids:
            ok = False
            yield _unknown(doc, ("client",), "客户", "client", data["client"], client_ids)
        for li, line in enumerate(data["lines"]):
            service = services.get(line["service"])
            if service is None:
                ok = False
                yield _unknown(doc, ("lines", li, "service"), "服务", "service", line["service"], services)
            elif service.tier(line["tier"]) is None:
                ok = False
                yield _unknown(
                    doc,
                    ("lines", li, "tier"),
                    f"服务 {service.id} 的档位",
                    f"tier of {service.id}",
                    line["tier"],
                    [t.id for t in service.tiers],
                )
            if "unit_price" in line:
                yield from _money_precision(doc, ("lines", li, "unit_price"), line["unit_price"])
        if "amount" in (data.get("discount") or {}):
            yield from _money_precision(doc, ("discount", "amount"), data["discount"]["amount"])
        if policy.effective > _date(data["date"]):
            yield doc.problem(
                doc.pos(("date",)),
                "policy-not-effective",
                f"报价日期 {data['date']} 早于政策生效日期 {policy.effective.isoformat()}",
                f"the quote date {data['date']} is before the policy's effective date {policy.effective.isoformat()}",
                severity="warning",
            )
        if data["start"] < data["date"]:  # ISO dates compare as text
            yield doc.problem(
                doc.pos(("start",)),
                "start-before-date",
                f"预计开始日期 {data['start']} 早于报价日期 {data['date']}",
                f"the expected start {data['start']} is before the quote date {data['date']}",
                severity="warning",
                hint_zh="交付日期从开始日期起算：请确认 start 是否写错",
                hint_en="due dates count from the start date: check that start is right",
            )
        if not ok:
            continue
        deal = build_deal(data, doc.rel)
        try:
            quote = price_deal(policy, deal, ctx.calendar)
        except OverflowError:  # a due date beyond the year 9999
            yield doc.problem(
                doc.pos(("start",)),
                "date-out-of-range",
                f"交付日期超出了日历范围（开始日期 {data['start']} 太晚，或档位的交付时间太长）",
                f"the due date is beyond the calendar (the start date {data['start']} is too late, or the tier's delivery time too long)",
            )
            continue
        except MoneyError as exc:  # an amount too large to compute
            yield doc.problem(doc.key_pos(("lines",)), "amount-too-large", exc.zh, exc.en)
            continue
        except Exception as exc:  # SalesdocsError: discount above subtotal and similar
            yield doc.problem(
                doc.pos(("discount",)),
                "discount-too-large",
                getattr(exc, "zh", str(exc)),
                getattr(exc, "en", str(exc)),
            )
            continue
        if quote.effective_discount_percent > policy.terms.max_discount and not data.get("approver"):
            shown = quote.effective_discount_percent.quantize(Decimal("0.01"), rounding="ROUND_UP")
            below_list = any(line.unit_price < line.list_price for line in quote.lines)
            yield doc.problem(
                doc.key_pos(("discount",)) if "discount" in data else doc.key_pos(("lines",)),
                "discount-approval",
                f"相对价目表共优惠 {shown}%（{'折扣与特殊单价合计' if below_list else '折扣'}），超过销售可自行给出的 {policy.terms.max_discount}%，需要写明审批人",
                f"{shown}% off the list prices ({'discount and special unit prices together' if below_list else 'the discount'}) is above the {policy.terms.max_discount}% a salesperson may give; name an approver",
                hint_zh="加上一行 approver: 审批人姓名（以及批准方式和日期）",
                hint_en="add a line approver: the approver's name (and how/when approved)",
            )
        for line in quote.lines:
            if line.estimated:
                yield doc.problem(
                    doc.pos(("lines", line.number - 1)),
                    "calendar-estimate",
                    f"第 {line.number} 行的交付日期 {line.due_latest.isoformat()} 落在没有官方节假日数据的年份，只能估算（周一至周五，并避开元旦、劳动节、国庆节等固定日期的假日）",
                    f"line {line.number}'s due date {line.due_latest.isoformat()} falls in a year without official holiday data; it is only an estimate (Monday–Friday, skipping the fixed-date holidays)",
                    severity="warning",
                    hint_zh="国务院公布放假安排后，在 rules/calendar.yaml 中补充该年份",
                    hint_en="once the State Council publishes the schedule, add that year to rules/calendar.yaml",
                )


def _date(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)
