"""Human-readable terminal output of engine results (rich tables)."""

from __future__ import annotations

from typing import Any

from salesdocs.api import DueWindow
from salesdocs.engine.money import format_percent, format_yuan
from salesdocs.engine.pricing import Quote
from salesdocs.engine.refunds import TERMINATED, RefundResult, refund_stage_en, refund_stage_zh
from salesdocs.records.history import ProjectRefund


def quote_table(q: Quote, ws: Any, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    en = lang == "en"
    client = ws.client(q.client_id)
    import shutil

    # piped output gets a comfortable width instead of rich's 80 columns (CJK cells are 2 wide)
    console = Console(highlight=False, width=max(shutil.get_terminal_size((120, 24)).columns, 100))
    title = f"Quote {q.number}" if en else f"报价单 {q.number}"
    table = Table(title=title, caption=(client.name if client else q.client_id))
    for head in (("#", "#"), ("服务", "Service"), ("单价", "Unit price"), ("数量", "Qty"), ("金额", "Amount"), ("预计交付", "Due")):
        numeric = head[0] in ("#", "单价", "数量", "金额")
        table.add_column(
            head[1] if en else head[0], justify="right" if numeric else "left", no_wrap=numeric, min_width=len(head[1]) if numeric else None
        )
    for line in q.lines:
        due = f"{line.due_earliest.isoformat()} ~ {line.due_latest.isoformat()}" + (" *" if line.estimated else "")
        table.add_row(
            str(line.number),
            f"{line.service_name}·{line.tier_name}",
            format_yuan(line.unit_price),
            f"{line.quantity} {line.unit}",
            format_yuan(line.amount),
            due,
        )
    console.print(table)
    rows = [
        ("小计", "Subtotal", format_yuan(q.subtotal)),
        ("折扣", "Discount", "-" + format_yuan(q.discount)),
    ]
    if q.prices_include_tax:
        rows.append((f"其中{q.tax_name}（{format_percent(q.tax_rate)}%）", f"incl. tax {format_percent(q.tax_rate)}%", format_yuan(q.tax)))
    else:
        rows.append((f"{q.tax_name}（{format_percent(q.tax_rate)}%）", f"Tax {format_percent(q.tax_rate)}%", format_yuan(q.tax)))
    rows.append(("合计", "Total", format_yuan(q.total)))
    for zh, e, value in rows:
        console.print(f"{(e if en else zh):>12}  {value:>14}")
    console.print(f"{'':>12}  {q.total_in_words}")
    console.print(("Valid until " if en else "报价有效期至 ") + q.valid_until.isoformat())
    for p in q.payments:
        console.print(f"  {p.name} {format_percent(p.percent)}%: {format_yuan(p.amount)} — {p.due}")
    if q.estimated:
        console.print("* " + ("estimated: the year has no official holiday data yet" if en else "预计日期：该年份尚无官方节假日数据"))
    policy = ws.policy
    if en:
        console.print(f"Policy {policy.version}" + (" (DRAFT: the unreleased working copy rules/)" if policy.draft else ""))
    else:
        console.print(f"政策版本 {policy.version}" + ("（草稿：未发布的工作稿 rules/）" if policy.draft else ""))


def refund_text(r: RefundResult, lang: str, name: str = "") -> str:
    """A refund as a salesperson reads it out: the base, what was paid, what each side keeps.

    ``name`` is the service and tier as the quote prints them (the ids when not given).
    """
    en = lang == "en"
    stage = refund_stage_en(r.stage) if en else refund_stage_zh(r.stage)
    target = r.service + (f"/{r.tier}" if r.tier else "")
    if not r.covered:
        return f"{target}, {stage}: not covered — {r.rule_en or r.rule}" if en else f"{target}，{stage}：不在退款阶梯内 — {r.rule}"
    lines = _deal_refund_lines(r, en, name or target, stage) if r.deal is not None else _adhoc_refund_lines(r, en, target, stage)
    if en:
        where = f"ladder {r.ladder}, step {r.step} ({r.step_id})" if r.step is not None else "termination after the clock started"
        lines.append(f"  rule: {where}: {r.rule}")
    else:
        where = f"退款阶梯 {r.ladder} 第 {r.step} 步（{r.step_id}）" if r.step is not None else "解除合同的退款"
        lines.append(f"  依据：{where}：{r.rule}")
    lines += [f"  note: {e}" if en else f"  说明：{z}" for z, e in r.notes]
    if not r.within_allowance:
        lines.append("  note: this stage is beyond the revisions included in the tier" if en else "  注意：该阶段已超出档位包含的修改次数")
    return "\n".join(lines)


def _adhoc_refund_lines(r: RefundResult, en: bool, target: str, stage: str) -> list[str]:
    """Without a deal: p % of the amount (the base and what was paid)."""
    cap = ("at most " if en else "最多") if r.kind == "at_most" else ""
    pct = format_percent(r.percent)
    if en:
        return [f"{target}, unsatisfied {stage}: refund {cap}{pct}% of {format_yuan(r.base)} = {cap}{format_yuan(r.refund)}"]
    return [f"{target}，{stage}不满意：{cap}退还 {format_yuan(r.base)} 的 {pct}%，即{cap} {format_yuan(r.refund)}"]


def _deal_refund_lines(r: RefundResult, en: bool, name: str, stage: str) -> list[str]:
    """A deal's item: the refund base, what was paid, what the agency keeps, and the outcome."""
    at_most = r.kind == "at_most"
    least, most = ("at least ", "at most ") if at_most and en else ("至少", "最多") if at_most else ("", "")
    keep_pct = format_percent(100 - r.percent)
    unpaid = format_yuan(r.cancelled)
    whole = r.pieces == r.quantity
    if en:
        when = stage if r.stage == TERMINATED else "unsatisfied " + ("with the first draft" if r.stage == 0 else stage)
        count = (f"{r.quantity} piece" + "s" * (r.quantity != 1)) if whole else f"{r.pieces} of {r.quantity} pieces"
        price = "the item's price" if r.pieces == 1 else f"the price of these {r.pieces} pieces"
        price += " after its share of the discount, tax included"
        out = [
            f"deal {r.deal} line {r.line} {name} ({count}), {when}:",
            f"  refund base: {format_yuan(r.base)} ({price if r.base_kind == 'item-total' else 'the amount paid'})",
            f"  paid: {format_yuan(r.paid)}",
            f"  the agency keeps {least}{keep_pct}% of the base: {format_yuan(r.kept)}",
        ]
        if r.still_due:
            out.append(f"  the client still owes {least}{format_yuan(r.still_due)}; the other {unpaid} is cancelled")
        elif r.refund:
            out.append(
                f"  refund to the client: {most}{format_yuan(r.refund)}" + (f"; the unpaid {unpaid} is cancelled" if r.cancelled else "")
            )
        else:
            out.append("  nothing to refund and nothing more to pay" + (f"; the unpaid {unpaid} is cancelled" if r.cancelled else ""))
        return out
    when = stage if r.stage == TERMINATED else f"{stage}不满意"
    count = f"{r.quantity} {r.unit}" if whole else f"{r.quantity} {r.unit}中的 {r.pieces} {r.unit}"
    which = "该件" if r.pieces == 1 else f"这 {r.pieces} {r.unit}"
    out = [
        f"交易 {r.deal} 第 {r.line} 行 {name}（{count}），{when}：",
        f"  退款基数：{format_yuan(r.base)}（{which + '分摊折扣后、含税的价格' if r.base_kind == 'item-total' else '已付金额'}）",
        f"  已付：{format_yuan(r.paid)}",
        f"  乙方{least}保留退款基数的 {keep_pct}%：{format_yuan(r.kept)}",
    ]
    rest = f"；尚未支付的 {unpaid} 不再支付" if r.cancelled else ""
    if r.still_due:
        out.append(f"  甲方还需{least}支付 {format_yuan(r.still_due)}；其余 {unpaid} 不再支付")
    elif r.refund:
        out.append(f"  {most}退还甲方 {format_yuan(r.refund)}{rest}")
    else:
        out.append(f"  无需退款，甲方也无需再付{rest}")
    return out


def project_refund_text(answer: ProjectRefund, lang: str, name: str = "") -> str:
    """``refund --project``: the refund and the recorded history it follows from, or why none applies."""
    if answer.result is None:
        return answer.reason_en if lang == "en" else (f"{answer.reason_zh}\n{answer.reason_en}" if lang == "both" else answer.reason_zh)
    lines = [refund_text(answer.result, lang, name)]
    if answer.history:
        lines.append("  recorded history:" if lang == "en" else "  记录的历史：")
        for h in answer.history:
            event = h["event"] if lang == "en" else h["event_zh"]
            lines.append(f"    {h['at']}  {event}" + (f" ({h['stage']})" if "stage" in h else ""))
    return "\n".join(lines)


def due_text(window: DueWindow, lang: str) -> str:
    """``due``: the working-day window, marked when it is an estimate."""
    mark = ""
    if window.estimated:
        mark = " (estimate: no official holiday data for that year)" if lang == "en" else "（预计：该年份没有官方节假日数据）"
    where = f"{window.service}{'/' + window.tier if window.tier else ''}"
    zh = (
        f"{where}：{window.start.isoformat()} 开始，第 {window.min_days} 个工作日 {window.earliest.isoformat()} "
        f"至第 {window.max_days} 个工作日 {window.latest.isoformat()}{mark}"
    )
    en = (
        f"{where}: from {window.start.isoformat()}, working day {window.min_days} = {window.earliest.isoformat()} "
        f"to working day {window.max_days} = {window.latest.isoformat()}{mark}"
    )
    return en if lang == "en" else (f"{zh}\n{en}" if lang == "both" else zh)
