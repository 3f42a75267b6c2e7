"""The contract appendix (服务协议): clauses from ``rules/contract.yaml``, filled for one deal.

Every word of the agreement comes from the contract data; this module only decides which
clauses apply to the deal, numbers them, fills their placeholders and computes the five
tables (scope, prices and refund bases, binding dates per piece, revisions, refund ladders).
The template lays the result out and computes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesdocs.engine.calendar import calendar_for
from salesdocs.engine.dates import date_zh
from salesdocs.engine.money import format_amount, format_percent_sign, in_words
from salesdocs.engine.pricing import Quote, price_deal
from salesdocs.engine.schedule import piece_deadlines
from salesdocs.engine.settlement import line_shares
from salesdocs.model import Deal, DealContact, Policy, Service, Tier, Workspace, stage_zh
from salesdocs.policy.contract import deal_facts, number_contract, policy_value, references, resolve_slots

__all__ = ["appendix_context", "deal_values"]

HUNDRED = Decimal(100)


_money = format_amount
_pct = format_percent_sign
_date = date_zh


def _contact(c: DealContact) -> str:
    ways = [f"电子邮箱：{c.email}" if c.email else "", f"微信：{c.wechat}" if c.wechat else ""]
    detail = "；".join(w for w in ways if w)
    title = f"，{c.title}" if c.title else ""
    return f"{c.name}{title}（{detail}）" if detail else f"{c.name}{title}"


def _agency_contacts(policy: Policy, deal: Deal) -> tuple[DealContact, ...]:
    """The deal's own agency contacts, else the salesperson's company contact, else the first
    company contact with an e-mail or WeChat (so "书面" always names someone)."""
    if deal.agency_contacts:
        return deal.agency_contacts
    reachable = [c for c in policy.company.contacts if c.email or c.wechat]
    chosen = [c for c in reachable if c.name == deal.sales] or reachable[:1]
    return tuple(DealContact(name=c.name, email=c.email, wechat=c.wechat) for c in chosen)


def deal_values(ws: Workspace, deal: Deal, q: Quote) -> dict[str, str]:
    """The text of every deal placeholder (``client.name``, ``deal.…``, ``quote.…``)."""
    client = ws.client(deal.client)
    values = {
        "client.name": client.name if client else deal.client,
        "deal.title": deal.title,
        "deal.start": _date(deal.start),
        "deal.date": _date(deal.date),
        "deal.contacts.client": "；".join(_contact(c) for c in deal.client_contacts),
        "deal.contacts.agency": "；".join(_contact(c) for c in _agency_contacts(ws.policy, deal)),
        "quote.number": q.number,
        "quote.total": _money(q.total),
        "quote.total_in_words": in_words(q.total),
        "quote.net": _money(q.net),
        "quote.tax": _money(q.tax),
    }
    if deal.main_contract is not None:
        values["deal.main_contract.number"] = deal.main_contract.number
        values["deal.main_contract.date"] = _date(deal.main_contract.date)
    for instalment, payment in zip(ws.policy.terms.payment, q.payments, strict=True):
        values[f"quote.payments[{instalment.id}].amount"] = _money(payment.amount)
    return {k: v for k, v in values.items() if v}


def _line_tiers(policy: Policy, q: Quote) -> list[tuple[Service, Tier]]:
    pairs = []
    for line in q.lines:
        service = policy.service(line.service_id)
        if service is None:
            raise LookupError(f"{line.service_id} is not in the checked policy")
        pairs.append((service, policy.tier_of(line.service_id, line.tier_id)))
    return pairs


#: the column headings of the five tables, by row field (the PDF template and the DOCX both print these)
COLUMNS: dict[str, dict[str, str]] = {
    "scope-lines": {"service": "服务项目", "quantity": "数量", "scope": "服务内容", "deliverables": "交付物", "formats": "源文件格式"},
    "price-lines": {
        "service": "服务项目",
        "unit_price": "单价",
        "quantity": "数量",
        "amount": "金额",
        "discount": "分摊折扣",
        "tax": "税额",  # the tax's own name (增值税) replaces this label for each deal
        "total": "含税折后金额",
        "piece_base": "每件退款基数",
    },
    "deal-lines": {"service": "服务项目", "window": "交付期限", "next_piece": "每增一件"},
    "revision-allowances": {
        "service": "服务项目",
        "included": "包含修改",
        "not_counted": "不计入次数",
        "not_accepted": "不接受",
        "extra_price": "额外修改（不含税）",
        "change": "更换文案师/设计师",
    },
    "refund-ladders": {"percent": "退款比例", "kept": "乙方保留", "stage_suffix": "不满意"},
}
ESTIMATE_NOTE = "* 该年份尚无官方节假日安排，日期按法定节假日估算，安排公布后以实际工作日为准。"


def _tables(ws: Workspace, deal: Deal, q: Quote) -> dict[str, dict[str, Any]]:
    """The five computed tables: rows of display text and amounts (the template formats nothing)."""
    policy = ws.policy
    pairs = _line_tiers(policy, q)
    shares = line_shares([line.amount for line in q.lines], [line.quantity for line in q.lines], q.discount, q.tax, q.prices_include_tax)
    calendar = calendar_for(policy)
    scope, prices, dates = [], [], []
    estimated = False
    for line, (service, tier), share in zip(q.lines, pairs, shares, strict=True):
        name = f"{service.name}（{tier.name}）"
        scope.append(
            {
                "service": name,
                "quantity": f"{line.quantity} {line.unit}",
                "scope": "；".join(tier.scope),
                "deliverables": "、".join(tier.deliverables),
                "formats": "、".join(tier.source_formats) or "—",
            }
        )
        pieces = share.pieces
        prices.append(
            {
                "service": name,
                "unit_price": _money(line.unit_price),
                "quantity": f"{line.quantity} {line.unit}",
                "amount": _money(line.amount),
                "discount": _money(-share.discount) if share.discount else "0.00",
                "tax": _money(share.tax),
                "total": _money(share.total),
                "piece_base": _money(pieces[0])
                + (f"（第 {len(pieces)} {line.unit} {_money(pieces[-1])}）" if pieces[-1] != pieces[0] else ""),
            }
        )
        deadlines = piece_deadlines(calendar, deal.start, tier.delivery_max, tier.next_piece, line.quantity)
        estimated = estimated or any(d.estimated for d in deadlines)
        dates.append(
            {
                "service": name,
                "window": f"{tier.delivery_min}~{tier.delivery_max} 个工作日"
                if tier.delivery_min != tier.delivery_max
                else f"{tier.delivery_max} 个工作日",
                "next_piece": f"+{tier.next_piece} 个工作日" if line.quantity > 1 else "—",
                "deadlines": [
                    (f"第 {i} {line.unit}：" if line.quantity > 1 else "") + _date(d.date) + ("（预计*）" if d.estimated else "")
                    for i, d in enumerate(deadlines, start=1)
                ],
            }
        )
    price_columns = {**COLUMNS["price-lines"], "tax": q.tax_name}
    return {
        "scope-lines": {"rows": scope, "columns": COLUMNS["scope-lines"]},
        "price-lines": {
            "rows": prices,
            "columns": price_columns,
            "totals": {"amount": _money(q.subtotal), "discount": _money(-q.discount), "tax": _money(q.tax), "total": _money(q.total)},
            "tax_name": q.tax_name,
            "total_label": "合计（元）",
        },
        "deal-lines": {
            "rows": dates,
            "columns": {**COLUMNS["deal-lines"], "deadlines": f"各件最迟交付日（起算日 {_date(deal.start)}）"},
            "estimated": estimated,
            "note": ESTIMATE_NOTE if estimated else "",
            "start": _date(deal.start),
        },
        "revision-allowances": {"rows": _revision_rows(pairs), "columns": COLUMNS["revision-allowances"]},
        "refund-ladders": {"ladders": _ladder_rows(pairs), "columns": COLUMNS["refund-ladders"]},
    }


def _revision_rows(pairs: list[tuple[Service, Tier]]) -> list[dict[str, str]]:
    rows, seen = [], set()
    for service, tier in pairs:
        if (service.id, tier.id) in seen:
            continue
        seen.add((service.id, tier.id))
        wc = tier.writer_change
        worker = service.worker_zh
        if wc.times:
            when = "、".join(stage_zh(s) for s in wc.when) or "任一阶段"
            change = f"{when}的评审期内可申请更换{worker} {wc.times} 次"
        else:
            change = f"不提供更换{worker}"
        rows.append(
            {
                "service": f"{service.name}（{tier.name}）",
                "included": f"{tier.revisions.included} 次",
                "not_counted": "；".join(tier.revisions.not_counted) or "—",
                "not_accepted": "；".join(tier.revisions.not_accepted) or "—",
                "extra_price": f"{_money(tier.revisions.extra_price)} 元/次" if tier.revisions.extra_price is not None else "—",
                "change": change,
            }
        )
    return rows


def _ladder_rows(pairs: list[tuple[Service, Tier]]) -> list[dict[str, Any]]:
    ladders: dict[str, dict[str, Any]] = {}
    for _, tier in pairs:
        ladder = tier.ladder
        if ladder.id in ladders:
            continue
        services = "、".join(dict.fromkeys(f"{s.name}（{t.name}）" for s, t in pairs if t.ladder.id == ladder.id))
        ladders[ladder.id] = {
            "name": ladder.short_name,
            "services": services,
            "rows": [
                {
                    "stages": step.stages_zh,
                    "percent": ("最多 " if step.kind == "at_most" else "") + _pct(step.percent),
                    "kept": ("至少 " if step.kind == "at_most" else "") + _pct(HUNDRED - step.percent),
                }
                for step in ladder.steps
            ],
        }
    return list(ladders.values())


def appendix_context(ws: Workspace, deal: Deal) -> dict[str, Any]:
    """Title, parties, the numbered articles with filled text, the tables and the acknowledgement."""
    policy = ws.policy
    q = price_deal(policy, deal, calendar_for(policy))
    articles = number_contract(policy.contract, deal_facts(policy, deal))
    refs = references(articles)
    values = deal_values(ws, deal, q)

    def lookup(name: str) -> str | None:
        if name in refs:
            return refs[name]
        if name in values:
            return values[name]
        bound = policy_value(policy.data, name)
        return bound[0] if bound is not None else None

    tables = _tables(ws, deal, q)
    out_articles = []
    for article in articles:
        items = []
        for item in article.clauses:
            clause = item.clause
            entry: dict[str, Any] = {"id": clause.id, "number": item.number, "bold": clause.bold, "table": clause.table}
            if clause.table:
                entry.update(caption=clause.caption, data=tables[clause.table])
            else:
                # the wording with its placeholders, and where each value landed (the DOCX carries both)
                source = deal.clause_text(clause.id, clause.text)
                text, slots = resolve_slots(source, lookup, f"rules/contract.yaml {clause.id}")
                entry.update(text=text, source=source, slots=[{"start": a, "end": b, "name": n} for a, b, n in slots])
                entry["deviation"] = source != clause.text
            items.append(entry)
        out_articles.append(
            {"id": article.article.id, "number": article.number, "label": article.label, "title": article.article.title, "clauses": items}
        )
    return {
        "title": policy.contract.title,
        "articles": out_articles,
        "total": {"amount": _money(q.total), "words": in_words(q.total)},
    }
