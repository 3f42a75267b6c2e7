"""Document contexts: the plain data each template receives.

Every number and date here comes from the engine (pricing, refunds, calendar);
templates only lay it out and format it with filters.  Contexts are plain
dicts of strings, Decimals, dates, lists and dicts — nothing a template could
call to compute.
"""

from __future__ import annotations

import hashlib
from typing import Any

from salesdocs.engine.calendar import calendar_for
from salesdocs.engine.dates import date_range_zh
from salesdocs.engine.english import date_range_en, in_words_en, plural_en
from salesdocs.engine.money import format_percent_sign
from salesdocs.engine.pricing import Quote, price_deal, quote_number
from salesdocs.model import (
    Client,
    Deal,
    DocLanguage,
    Policy,
    RefundLadder,
    Service,
    Tier,
    Workspace,
    stage_zh,
)
from salesdocs.policy.audience import client_facing_yaml, internal_file
from salesdocs.render.appendix import appendix_context
from salesdocs.render.intro_en import intro_en, ladders_en, tax_note_en


def company_ctx(policy: Policy) -> dict[str, Any]:
    c = policy.company
    return {
        "sample": c.sample,
        "name": c.name,
        "short_name": c.short_name,
        "name_en": c.name_en,
        "slogan": c.slogan,
        "profile": c.profile,
        "founded": c.founded,
        "address": c.address,
        "contacts": [vars(x) for x in c.contacts],
        "organisation": [{"name": d.name, "duty": d.duty, "people": d.people} for d in c.organisation],
        "advantages": [{"key": a.key, "title": a.title, "text": a.text} for a in c.advantages],
    }


def ladder_ctx(ladder: RefundLadder) -> dict[str, Any]:
    return {
        "id": ladder.id,
        "name": ladder.name,
        "short_name": ladder.short_name,
        "source": ladder.source,
        "steps": [
            {
                "stages": s.stages_zh,
                "percent": s.percent,
                "at_most": s.kind == "at_most",
                "text": s.text,
            }
            for s in ladder.steps
        ],
        "base": ladder.base_zh,
        "summary": "；".join(f"{s.stages_zh}{'最多' if s.kind == 'at_most' else ''}退 {_pct(s.percent)}" for s in ladder.steps),
    }


_pct = format_percent_sign


def tier_ctx(service: Service, tier: Tier) -> dict[str, Any]:
    wc = tier.writer_change
    return {
        "service_id": service.id,
        "service_name": service.name,
        "id": tier.id,
        "name": tier.name,
        "price": tier.price,
        "unit": tier.unit,
        "delivery": f"{tier.delivery_min}~{tier.delivery_max} 个工作日"
        if tier.delivery_min != tier.delivery_max
        else f"{tier.delivery_min} 个工作日",
        "scope": list(tier.scope),
        "deliverables": list(tier.deliverables),
        "revisions": tier.revisions.included,
        "not_counted": list(tier.revisions.not_counted),
        "not_accepted": list(tier.revisions.not_accepted),
        "ladder": tier.ladder.id,
        "ladder_name": tier.ladder.name,
        "ladder_short": tier.ladder.short_name,
        "writer_change": wc.times,
        "writer_change_when": "、".join(stage_zh(s) for s in wc.when),
        "worker": service.worker_zh,
    }


def catalogue_ctx(policy: Policy) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "name": s.name,
            "description": s.description,
            "tiers": [tier_ctx(s, t) for t in s.tiers],
        }
        for s in policy.services
    ]


def aftersales_ctx(policy: Policy) -> dict[str, Any]:
    """The after-sales policy as documents print it: every sentence made from the data (model's ``*_zh``)."""
    a = policy.aftersales
    response = a.response_zh
    return {
        "response_minutes": a.response_minutes,
        "service_hours": response.service_hours,
        "in_hours": response.in_hours,
        "outside_hours": response.outside_hours,
        "response_rule": response.rule,
        "channels": [c.name for c in a.channels if c.staffed],
        "onsite": a.onsite_zh,
        "onsite_rule": a.onsite_rule,
        "onsite_days": a.onsite_days,
        "correction": a.correction_zh,
        "duties": [text for _, text in a.duties],
        "records_projects": a.records_projects,
        "records_complaints": a.records_complaints,
    }


def tax_note(policy: Policy) -> str:
    """Whether the prices include tax, in the words the intro, the handout and the quote print."""
    return "价格已含税" if policy.terms.prices_include_tax else "价格不含税，税额另计"


def provenance_ctx(ws: Workspace, inputs_hash: str, *, client_facing: bool = False) -> dict[str, Any]:
    """Policy version, inputs hash and the policy files.

    A client-facing document lists only the files it may cite, each with the hash of its
    client-facing projection — what is embedded in the PDF — never of the file itself, whose hash
    would let anyone who knows its layout test guesses at an internal value (the discount limit).
    """
    files = []
    for f in ws.policy.files:
        if client_facing and internal_file(f.rel):
            continue
        shown = client_facing_yaml(f.rel, ws.sources[f.rel]) if client_facing else None
        sha = hashlib.sha256(shown).hexdigest() if shown is not None else f.sha256
        files.append({"rel": f.rel, "version": f.version, "effective": f.effective, "sha": sha[:12]})
    return {
        "policy_version": ws.policy.version,
        "release": ws.policy.release,
        "draft": ws.policy.draft,
        "hash": inputs_hash,
        "short_hash": inputs_hash[:10],
        "files": files,
    }


def client_ctx(client: Client | None, fallback_id: str, deal: Deal | None = None, *, internal: bool = False) -> dict[str, Any]:
    """The client as a document shows it.  Client-facing documents get the deal's contacts (or,
    without a deal, the key people's names and titles) and nothing marked internal; only the
    internal brief (``internal=True``) gets the key people's roles and notes."""
    if client is None:
        return {"id": fallback_id, "name": fallback_id, "industry": "", "address": "", "region": "", "key_people": []}
    if internal:
        people = [vars(p) for p in client.key_people]
    elif deal is not None and deal.client_contacts:
        people = [{"name": c.name, "title": c.title} for c in deal.client_contacts]
    else:
        people = [{"name": p.name, "title": p.title} for p in client.key_people]
    return {
        "id": client.id,
        "name": client.name,
        "industry": client.industry,
        "region": client.region,
        "address": client.address,
        "website": client.website,
        "key_people": people,
    }


def quote_lines_ctx(q: Quote) -> list[dict[str, Any]]:
    return [
        {
            "number": line.number,
            "service": line.service_name,
            "tier": line.tier_name,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "list_price": line.list_price,
            "overridden": line.unit_price != line.list_price,
            "price_reason": line.price_reason,
            "amount": line.amount,
            "due_earliest": line.due_earliest,
            "due_latest": line.due_latest,
            "due_range": date_range_zh(line.due_earliest, line.due_latest),
            "estimated": line.estimated,
            "delivery": f"{line.delivery_min}~{line.delivery_max}",
        }
        for line in q.lines
    ]


def quote_ctx(q: Quote) -> dict[str, Any]:
    return {
        "number": q.number,
        "date": q.date,
        "start": q.start,
        "valid_until": q.valid_until,
        "lines": quote_lines_ctx(q),
        "subtotal": q.subtotal,
        "discount": q.discount,
        "discount_label": (f"折扣（{_pct(q.discount_percent)}）" if q.discount_percent is not None else "折扣"),
        "has_discount": q.discount > 0,
        "net": q.net,
        "tax_label": (f"其中{q.tax_name}（{_pct(q.tax_rate)}）" if q.prices_include_tax else f"{q.tax_name}（{_pct(q.tax_rate)}）"),
        "tax_included": q.prices_include_tax,
        "tax": q.tax,
        "total": q.total,
        "total_in_words": q.total_in_words,
        "payments": [{"name": p.name, "percent": p.percent, "amount": p.amount, "due": p.due} for p in q.payments],
        "estimated": q.estimated,
    }


def _deal_tiers(policy: Policy, deal: Deal) -> list[tuple[Service, Tier]]:
    """Distinct (service, tier) pairs of a deal, in deal order."""
    seen: list[tuple[Service, Tier]] = []
    for line in deal.lines:
        service = policy.service(line.service)
        tier = service.tier(line.tier) if service else None
        if service and tier and (service, tier) not in seen:
            seen.append((service, tier))
    return seen


def intro_title(policy: Policy) -> str:
    return f"{policy.company.short_name} · 公司介绍"


def quote_title(policy: Policy, deal: Deal) -> str:
    return f"报价单 {quote_number(policy, deal)}"


def appendix_title(policy: Policy, deal: Deal) -> str:
    return f"{policy.contract.title}（{quote_number(policy, deal)}）"


def intro(ws: Workspace, inputs_hash: str, lang: DocLanguage = "zh") -> dict[str, Any]:
    policy = ws.policy
    context = {
        "doc": doc_ctx(intro_title(policy), "intro", policy.effective, lang),
        "company": company_ctx(policy),
        "catalogue": catalogue_ctx(policy),
        "ladders": [ladder_ctx(ld) for ld in policy.ladders],
        "aftersales": aftersales_ctx(policy),
        "tax_note": tax_note(policy),
        "cases": [
            {
                "title": c.title,
                "client": c.client,
                "industry": c.industry,
                "summary": c.summary,
                "services": policy.service_names(c.services),
            }
            for c in policy.company.cases
        ],
        "provenance": provenance_ctx(ws, inputs_hash),
    }
    if lang != "zh":
        intro_en(policy, context)
    return context


def sales_contact(policy: Policy, deal: Deal) -> dict[str, Any] | None:
    """The company contact who sells this deal (by name), else the first contact."""
    contacts = policy.company.contacts
    chosen = next((c for c in contacts if c.name == deal.sales), contacts[0] if contacts else None)
    return vars(chosen) if chosen else None


def deal_ladders(pairs: list[tuple[Service, Tier]]) -> list[dict[str, Any]]:
    """The refund ladders a deal's tiers use, once each, with the services each one governs."""
    ladders: dict[str, dict[str, Any]] = {}
    for _, tier in pairs:
        if tier.ladder.id not in ladders:
            ladder = ladder_ctx(tier.ladder)
            ladder["services"] = "、".join(f"{s.name}（{t.name}）" for s, t in pairs if t.ladder.id == tier.ladder.id)
            ladders[tier.ladder.id] = ladder
    return list(ladders.values())


def doc_ctx(title: str, kind: str, day: Any, lang: DocLanguage = "zh") -> dict[str, Any]:
    """What every template knows about its document: title, kind, date and language (``zh``, ``en``, ``zh-en``)."""
    return {"title": title, "kind": kind, "date": day, "lang": lang, "html_lang": "en" if lang == "en" else "zh-CN"}


def _quote_en(ws: Workspace, deal: Deal, q: Quote, context: dict[str, Any]) -> None:
    """The English beside the Chinese in a quote's context (documents in en or zh-en)."""
    policy, client = ws.policy, ws.client(deal.client)
    context["doc"]["title_en"] = f"Quotation {q.number}"
    context["company"].update(address_en=policy.company.address_en)
    context["client"].update(name_en=client.name_en if client else deal.client, address_en=client.address_en if client else "")
    context["client"]["key_people_en"] = [{"name": c.name, "title": c.title_en} for c in deal.client_contacts] or [
        {"name": p["name"], "title": ""} for p in context["client"]["key_people"]
    ]
    context["deal"]["title_en"] = deal.title_en
    seller = next((c for c in policy.company.contacts if c.name == deal.sales), None)
    context["deal"]["sales_en"] = seller.name_en if seller is not None and seller.name_en else deal.sales
    pairs = _deal_tiers(policy, deal)
    for line, ctx_line, deal_line in zip(q.lines, context["quote"]["lines"], deal.lines, strict=True):
        service, tier = next((s, t) for s, t in pairs if s.id == line.service_id and t.id == line.tier_id)
        ctx_line.update(
            service_en=service.name_en,
            tier_en=tier.name_en,
            quantity_en=plural_en(line.quantity, tier.unit_en),
            price_reason_en=deal_line.price_reason_en,
            due_range_en=date_range_en(line.due_earliest, line.due_latest),
        )
    quote = context["quote"]
    rate = _pct(q.tax_rate)
    quote.update(
        discount_label_en=f"Discount ({_pct(q.discount_percent)})" if q.discount_percent is not None else "Discount",
        tax_label_en=f"incl. {policy.terms.tax_name_en} ({rate})" if q.prices_include_tax else f"{policy.terms.tax_name_en} ({rate})",
        total_in_words_en=in_words_en(q.total),
    )
    for payment, instalment in zip(quote["payments"], policy.terms.payment, strict=True):
        payment.update(name_en=instalment.name_en, due_en=instalment.due_en.capitalize())
    ladders_en(policy, context["ladders"])
    context["tax_note_en"] = tax_note_en(policy)


def quote(ws: Workspace, deal: Deal, inputs_hash: str, lang: DocLanguage = "zh") -> dict[str, Any]:
    policy = ws.policy
    q = price_deal(policy, deal, calendar_for(policy))
    ladders = deal_ladders(_deal_tiers(policy, deal))
    context = {
        "doc": doc_ctx(quote_title(policy, deal), "quote", deal.date, lang),
        "company": company_ctx(policy),
        "client": client_ctx(ws.client(deal.client), deal.client, deal),
        "deal": {"id": deal.id, "title": deal.title, "sales": deal.sales},
        "quote": quote_ctx(q),
        "contact": sales_contact(policy, deal),
        "ladders": ladders,
        "tax_note": tax_note(policy),
        "provenance": provenance_ctx(ws, inputs_hash),
    }
    if lang != "zh":
        _quote_en(ws, deal, q, context)
    return context


def appendix(ws: Workspace, deal: Deal, inputs_hash: str, lang: DocLanguage = "zh") -> dict[str, Any]:
    """The appendix: parties and dates here, the clauses and tables from the contract data."""
    policy = ws.policy
    english = lang != "zh"
    context = {
        "doc": doc_ctx(appendix_title(policy, deal), "appendix", deal.date, lang),
        "company": company_ctx(policy),
        "client": client_ctx(ws.client(deal.client), deal.client),
        "deal": {"id": deal.id, "title": deal.title, "number": quote_number(policy, deal)},
        "contract": appendix_context(ws, deal, english=english),
        "provenance": provenance_ctx(ws, inputs_hash, client_facing=True),
    }
    if english:
        client = ws.client(deal.client)
        context["doc"]["title_en"] = f"{policy.contract.title_en} ({quote_number(policy, deal)})"
        context["company"].update(address_en=policy.company.address_en)
        context["client"].update(name_en=client.name_en if client else deal.client, address_en=client.address_en if client else "")
        context["deal"]["title_en"] = deal.title_en
    return context
