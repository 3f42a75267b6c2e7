"""The contract appendix (服务协议): clauses from ``rules/contract.yaml``, filled for one deal.

Every word of the agreement comes from the contract data; this module only decides which
clauses apply to the deal, numbers them, fills their placeholders and computes the five
tables (scope, prices and refund bases, binding dates per piece, revisions, refund ladders).
The template lays the result out and computes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from salesdocs.engine.calendar import calendar_for
from salesdocs.engine.dates import date_zh
from salesdocs.engine.english import date_en, in_words_en, plural_en, rmb_en, working_days_en
from salesdocs.engine.money import format_amount, format_percent_sign, in_words
from salesdocs.engine.pricing import Quote, price_deal
from salesdocs.engine.schedule import piece_deadlines
from salesdocs.engine.settlement import line_shares
from salesdocs.errors import SalesdocsError
from salesdocs.model import Deal, DealContact, LadderStep, Policy, Service, Tier, Workspace, stage_en, stage_zh
from salesdocs.policy.contract import (
    NumberedArticle,
    deal_facts,
    english_plurals,
    number_contract,
    policy_value,
    references,
    resolve_slots,
    resolve_text,
)

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


def _contact_en(c: DealContact) -> str:
    ways = [f"e-mail: {c.email}" if c.email else "", f"WeChat: {c.wechat}" if c.wechat else ""]
    detail = "; ".join(w for w in ways if w)
    title = f", {c.title_en}" if c.title_en else ""
    return f"{c.name}{title} ({detail})" if detail else f"{c.name}{title}"


def _agency_contacts(policy: Policy, deal: Deal) -> tuple[DealContact, ...]:
    """The deal's own agency contacts, else the salesperson's company contact, else the first
    company contact with an e-mail or WeChat (so "书面" always names someone)."""
    if deal.agency_contacts:
        return deal.agency_contacts
    reachable = [c for c in policy.company.contacts if c.email or c.wechat]
    chosen = [c for c in reachable if c.name == deal.sales] or reachable[:1]
    return tuple(DealContact(name=c.name, email=c.email, wechat=c.wechat) for c in chosen)


PREVAILING = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}


def deal_values(ws: Workspace, deal: Deal, q: Quote, *, english: bool = False) -> dict[str, str]:
    """The text of every deal placeholder (``client.name``, ``deal.…``, ``quote.…``);
    ``english``: as the English text prints them (a missing English name leaves its name out)."""
    if english:
        return _deal_values_en(ws, deal, q)
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
        "contract.prevailing_language": PREVAILING[deal.prevailing_language][0],
    }
    if deal.main_contract is not None:
        values["deal.main_contract.number"] = deal.main_contract.number
        values["deal.main_contract.date"] = _date(deal.main_contract.date)
    return _with_payments(ws, q, values)


def _with_payments(ws: Workspace, q: Quote, values: dict[str, str]) -> dict[str, str]:
    for instalment, payment in zip(ws.policy.terms.payment, q.payments, strict=True):
        values[f"quote.payments[{instalment.id}].amount"] = _money(payment.amount)
    return {k: v for k, v in values.items() if v}


def _deal_values_en(ws: Workspace, deal: Deal, q: Quote) -> dict[str, str]:
    client = ws.client(deal.client)
    values = {
        "client.name": client.name_en if client else "",
        "deal.title": deal.title_en,
        "deal.start": date_en(deal.start),
        "deal.date": date_en(deal.date),
        "deal.contacts.client": "; ".join(_contact_en(c) for c in deal.client_contacts),
        "deal.contacts.agency": "; ".join(_contact_en(c) for c in _agency_contacts(ws.policy, deal)),
        "quote.number": q.number,
        "quote.total": _money(q.total),
        "quote.total_in_words": in_words_en(q.total),
        "quote.net": _money(q.net),
        "quote.tax": _money(q.tax),
        "contract.prevailing_language": PREVAILING[deal.prevailing_language][1],
    }
    if deal.main_contract is not None:
        values["deal.main_contract.number"] = deal.main_contract.number
        values["deal.main_contract.date"] = date_en(deal.main_contract.date)
    return _with_payments(ws, q, values)


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
#: the same headings in English (documents in en and zh-en print both)
COLUMNS_EN: dict[str, dict[str, str]] = {
    "scope-lines": {
        "service": "Service",
        "quantity": "Quantity",
        "scope": "Scope",
        "deliverables": "Deliverables",
        "formats": "Source files",
    },
    "price-lines": {
        "service": "Service",
        "unit_price": "Unit price",
        "quantity": "Quantity",
        "amount": "Amount",
        "discount": "Discount share",
        "tax": "Tax",  # the tax's English name replaces this label for each deal
        "total": "Total incl. tax",
        "piece_base": "Refund base per item",
    },
    "deal-lines": {"service": "Service", "window": "Delivery time", "next_piece": "Each further item"},
    "revision-allowances": {
        "service": "Service",
        "included": "Included",
        "not_counted": "Not counted",
        "not_accepted": "Not accepted",
        "extra_price": "Extra revision (excl. tax)",
        "change": "Change of copywriter / designer",
    },
    "refund-ladders": {"percent": "Refund", "kept": "Party B keeps", "stage_suffix": ""},
}
ESTIMATE_NOTE = "* 该年份尚无官方节假日安排，日期按法定节假日估算，安排公布后以实际工作日为准。"
ESTIMATE_NOTE_EN = (
    "* No official holiday schedule has been published for that year yet; the date is estimated from the statutory holidays"
    " and will follow the official working days once they are published."
)


def line_name_en(service: Service, tier: Tier) -> str:
    """``Logo design (Standard)``: a quote line's service and tier in English."""
    return f"{service.name_en} ({tier.name_en})"


def _english_lines(
    pairs: list[tuple[Service, Tier]],
    q: Quote,
    scope: list[dict[str, Any]],
    prices: list[dict[str, Any]],
    dates: list[dict[str, Any]],
    *,
    english: bool,
) -> None:
    """Add the English of every row of the scope, price and date tables beside its Chinese."""
    if not english:  # only the Chinese: drop the English kept aside while the rows were built
        for p, d in zip(prices, dates, strict=True):
            del p["_piece_base_en"], d["_deadlines_en"]
        return
    calendar_rows = zip(q.lines, pairs, scope, prices, dates, strict=True)
    for line, (service, tier), s, p, d in calendar_rows:
        name, quantity = line_name_en(service, tier), plural_en(line.quantity, tier.unit_en)
        s.update(
            service_en=name,
            quantity_en=quantity,
            scope_en="; ".join(tier.scope_en),
            deliverables_en=", ".join(tier.deliverables_en),
            formats_en=", ".join(tier.source_formats_en or tier.source_formats) or "—",
        )
        p.update(service_en=name, quantity_en=quantity, piece_base_en=p.pop("_piece_base_en"))
        d.update(
            service_en=name,
            window_en=working_days_en(tier.delivery_min, tier.delivery_max),
            next_piece_en=f"+{working_days_en(tier.next_piece)}" if line.quantity > 1 else "—",
            deadlines_en=d.pop("_deadlines_en"),
        )


def _tables(ws: Workspace, deal: Deal, q: Quote, *, english: bool = False) -> dict[str, dict[str, Any]]:
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
                "_piece_base_en": _money(pieces[0]) + (f" (item {len(pieces)}: {_money(pieces[-1])})" if pieces[-1] != pieces[0] else ""),
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
                "_deadlines_en": [
                    (f"Item {i}: " if line.quantity > 1 else "") + date_en(d.date) + (" (estimated*)" if d.estimated else "")
                    for i, d in enumerate(deadlines, start=1)
                ],
            }
        )
    _english_lines(pairs, q, scope, prices, dates, english=english)
    price_totals = {"amount": _money(q.subtotal), "discount": _money(-q.discount), "tax": _money(q.tax), "total": _money(q.total)}
    tables: dict[str, dict[str, Any]] = {
        "scope-lines": {"rows": scope, "columns": COLUMNS["scope-lines"]},
        "price-lines": {
            "rows": prices,
            "columns": {**COLUMNS["price-lines"], "tax": q.tax_name},
            "totals": price_totals,
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
        "revision-allowances": {"rows": _revision_rows(pairs, english=english), "columns": COLUMNS["revision-allowances"]},
        "refund-ladders": {"ladders": _ladder_rows(pairs, english=english), "columns": COLUMNS["refund-ladders"]},
    }
    if english:
        _english_headings(tables, ws.policy.terms.tax_name_en, deal.start, estimated)
    return tables


def _english_headings(tables: dict[str, dict[str, Any]], tax_en: str, start: datetime.date, estimated: bool) -> None:
    """Each table's headings, total label and note in English, beside the Chinese."""
    tables["price-lines"].update(tax_name_en=tax_en, total_label_en="Total (RMB)")
    tables["deal-lines"].update(start_en=date_en(start), note_en=ESTIMATE_NOTE_EN if estimated else "")
    for key, table in tables.items():
        table["columns_en"] = dict(COLUMNS_EN[key])
    tables["price-lines"]["columns_en"]["tax"] = tax_en
    tables["deal-lines"]["columns_en"]["deadlines"] = f"Latest delivery date of each item (start date {date_en(start)})"


TIMES_EN = {1: "once", 2: "twice"}


def _revision_en(service: Service, tier: Tier) -> dict[str, str]:
    wc, worker = tier.writer_change, service.worker_en
    if wc.times:
        when = " or ".join(stage_en(s) for s in wc.when) or "any stage"
        change = f"The {worker} may be changed {TIMES_EN.get(wc.times, f'{wc.times} times')}, within the review period of the {when}"
    else:
        change = f"No change of {worker}"
    extra = tier.revisions.extra_price
    return {
        "service_en": line_name_en(service, tier),
        "included_en": plural_en(tier.revisions.included, "revision"),
        "not_counted_en": "; ".join(tier.revisions.not_counted_en) or "—",
        "not_accepted_en": "; ".join(tier.revisions.not_accepted_en) or "—",
        "extra_price_en": f"{_money(extra)} per revision" if extra is not None else "—",
        "change_en": change,
    }


def _revision_rows(pairs: list[tuple[Service, Tier]], *, english: bool = False) -> list[dict[str, str]]:
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
            | (_revision_en(service, tier) if english else {})
        )
    return rows


def stage_phrase_en(step: LadderStep) -> str:
    """``for the first draft``, ``after revisions 1–3``: when a refund step applies."""
    return "for the first draft" if step.first == 0 and step.last == 0 else step.stages_en


def unsatisfied_en(step: LadderStep) -> str:
    """``Not satisfied with the first draft``, ``Not satisfied after revisions 1–3``."""
    if step.first == 0 and step.last == 0:
        return "Not satisfied with the first draft"
    if step.first == 0:
        return f"Not satisfied with the first draft or {step.stages_en.removeprefix('first draft to ')}"
    return f"Not satisfied {step.stages_en}"


def _ladder_en(pairs: list[tuple[Service, Tier]], ladder_id: str) -> dict[str, Any]:
    ladder = next(t.ladder for _, t in pairs if t.ladder.id == ladder_id)
    return {
        "name_en": ladder.short_name_en,
        "services_en": ", ".join(dict.fromkeys(line_name_en(s, t) for s, t in pairs if t.ladder.id == ladder_id)),
        "rows_en": [
            {
                "stages": unsatisfied_en(step),
                "percent": ("up to " if step.kind == "at_most" else "") + _pct(step.percent),
                "kept": ("at least " if step.kind == "at_most" else "") + _pct(HUNDRED - step.percent),
            }
            for step in ladder.steps
        ],
    }


def _ladder_rows(pairs: list[tuple[Service, Tier]], *, english: bool = False) -> list[dict[str, Any]]:
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
        } | (_ladder_en(pairs, ladder.id) if english else {})
    return list(ladders.values())


def _lookup(policy: Policy, refs: dict[str, str], values: dict[str, str], *, english: bool) -> Callable[[str], str | None]:
    def lookup(name: str) -> str | None:
        if name in refs:
            return refs[name]
        if name in values:
            return values[name]
        bound = policy_value(policy.data, name, english=english)
        return bound[0] if bound is not None else None

    return lookup


def _articles(
    deal: Deal,
    articles: list[NumberedArticle],
    tables: dict[str, dict[str, Any]],
    lookup: Callable[[str], str | None],
    lookup_en: Callable[[str], str | None] | None,
) -> list[dict[str, Any]]:
    out = []
    for article in articles:
        items = []
        for item in article.clauses:
            clause = item.clause
            entry: dict[str, Any] = {"id": clause.id, "number": item.number, "bold": clause.bold, "table": clause.table}
            if clause.table:
                entry.update(caption=clause.caption, data=tables[clause.table])
                if lookup_en is not None:
                    entry.update(caption_en=clause.caption_en, label_en=item.label_en)
            else:
                # the wording with its placeholders, and where each value landed (the DOCX carries both)
                source = deal.clause_text(clause.id, clause.text)
                text, slots = resolve_slots(source, lookup, f"rules/contract.yaml {clause.id}")
                entry.update(text=text, source=source, slots=[{"start": a, "end": b, "name": n} for a, b, n in slots])
                entry["deviation"] = source != clause.text
                if lookup_en is not None:
                    if entry["deviation"]:
                        raise SalesdocsError(
                            f"交易 {deal.id} 单独商定了第 {item.number} 款（{clause.id}）的文字，但没有英文："
                            "英文或中英对照的合同附件暂不支持单独商定的条款",
                            f"deal {deal.id} has its own wording for clause {item.number} ({clause.id}) but no English: English and"
                            " bilingual appendices do not support negotiated clauses yet",
                        )
                    entry["text_en"] = english_plurals(resolve_text(clause.text_en, lookup_en, f"rules/contract.yaml {clause.id} text_en"))
            items.append(entry)
        entry_article = {
            "id": article.article.id,
            "number": article.number,
            "label": article.label,
            "title": article.article.title,
            "clauses": items,
        }
        if lookup_en is not None:
            entry_article.update(label_en=article.label_en, title_en=article.article.title_en)
        out.append(entry_article)
    return out


def appendix_context(ws: Workspace, deal: Deal, *, english: bool = False) -> dict[str, Any]:
    """Title, parties, the numbered articles with filled text, the tables and the acknowledgement.

    ``english`` (a document in en or zh-en): every clause, title, caption and table row also in
    English, beside its Chinese (``text_en``, ``title_en`` …), and the clauses that apply only to
    documents with English (the prevailing language).
    """
    policy = ws.policy
    q = price_deal(policy, deal, calendar_for(policy))
    articles = number_contract(policy.contract, deal_facts(policy, deal, english=english))
    lookup = _lookup(policy, references(articles), deal_values(ws, deal, q), english=False)
    lookup_en = (
        _lookup(policy, references(articles, english=True), deal_values(ws, deal, q, english=True), english=True) if english else None
    )
    context: dict[str, Any] = {
        "title": policy.contract.title,
        "articles": _articles(deal, articles, _tables(ws, deal, q, english=english), lookup, lookup_en),
        "total": {"amount": _money(q.total), "words": in_words(q.total)},
    }
    if english:
        context["title_en"] = policy.contract.title_en
        context["total"].update(amount_en=rmb_en(q.total), words_en=in_words_en(q.total))
    return context
