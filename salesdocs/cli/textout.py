"""Human-readable terminal output of engine results (rich tables)."""

from __future__ import annotations

from typing import Any

from salesdocs.api import DueWindow
from salesdocs.engine.money import format_percent, format_yuan
from salesdocs.engine.pricing import Quote
from salesdocs.engine.refunds import RefundResult
from salesdocs.model import stage_en, stage_zh
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


def refund_text(r: RefundResult, lang: str) -> str:
    stage = stage_en(r.stage) if lang == "en" else stage_zh(r.stage)
    target = r.service + (f"/{r.tier}" if r.tier else "")
    if not r.covered:
        return f"{target}, {stage}: not covered — {r.rule}" if lang == "en" else f"{target}，{stage}：不在退款阶梯内 — {r.rule}"
    cap = ("at most " if lang == "en" else "最多") if r.kind == "at_most" else ""
    if lang == "en":
        text = (
            f"{target}, unsatisfied {stage}: refund {cap}{format_percent(r.percent)}% of {format_yuan(r.amount)} = "
            f"{cap}{format_yuan(r.refund)}\n  rule: ladder {r.ladder}, step {r.step}: {r.rule}"
        )
    else:
        text = (
            f"{target}，{stage}不满意：{cap}退还已付 {format_yuan(r.amount)} 的 {format_percent(r.percent)}%，"
            f"即{cap} {format_yuan(r.refund)}\n"
            f"  依据：退款阶梯 {r.ladder} 第 {r.step} 步：{r.rule}"
        )
    if not r.within_allowance:
        text += (
            "\n  note: this stage is beyond the revisions included in the tier"
            if lang == "en"
            else "\n  注意：该阶段已超出档位包含的修改次数"
        )
    return text


def project_refund_text(answer: ProjectRefund, lang: str) -> str:
    """``refund --project``: the refund and the recorded history it follows from, or why none applies."""
    if answer.result is None:
        return answer.reason_en if lang == "en" else (f"{answer.reason_zh}\n{answer.reason_en}" if lang == "both" else answer.reason_zh)
    lines = [refund_text(answer.result, lang)]
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
