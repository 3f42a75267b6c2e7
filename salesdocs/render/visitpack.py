"""The visit pack: an internal brief and a client handout for one client.

The brief is the seed's pre-sales preparation printed (profile, needs at every
level, classification, key people, entry point, matching services, the stage
reached and what the next one asks, recent after-sales history, the materials
checklist).  The handout is what the client keeps (cover, company intro,
catalogue, relevant cases, the quote when a deal is given, an order form).
Both reuse the intro and quote sections of the other documents.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from salesdocs.engine.money import format_yuan
from salesdocs.errors import UsageError
from salesdocs.model import Client, Deal, DocLanguage, Workspace
from salesdocs.render import context as ctx
from salesdocs.render.inputs import Prepared, hash_inputs, inputs_of, midnight
from salesdocs.render.intro_en import cases_en, handout_en, handout_title_en


def find_client(ws: Workspace, client_id: str | None) -> Client:
    if client_id and (client := ws.client(client_id)) is not None:
        return client
    choices = ", ".join(sorted(ws.clients)) or "—"
    raise UsageError(f"找不到客户 {client_id}；可选：{choices}", f"unknown client {client_id}; choose one of: {choices}")


def deal_for(ws: Workspace, client: Client, deal_ref: str | None) -> Deal | None:
    """The deal named (it must belong to the client), else the client's latest deal, else None."""
    from salesdocs.api import find_deal

    if deal_ref:
        deal = find_deal(ws, deal_ref)
        if deal.client != client.id:
            raise UsageError(
                f"交易 {deal.id} 属于客户 {deal.client}，不是 {client.id}",
                f"deal {deal.id} belongs to client {deal.client}, not {client.id}",
            )
        return deal
    own = sorted((d for d in ws.deals.values() if d.client == client.id), key=lambda d: (d.date, d.id))
    return own[-1] if own else None


def brief_title(client: Client) -> str:
    return f"拜访准备 · {client.name}"


def handout_title(ws: Workspace) -> str:
    return f"{ws.policy.company.short_name} · 服务介绍"


def _pack_date(deal: Deal | None, ws: Workspace, client: Client) -> date:
    return deal.date if deal is not None else ws.policy.effective


def matching_services(ws: Workspace, client: Client) -> list[dict[str, Any]]:
    """The client's services of interest, with the tiers and prices to offer."""
    out = []
    for sid in client.interests:
        service = ws.policy.service(sid)
        if service is None:
            continue
        out.append(
            {
                "name": service.name,
                "tiers": [
                    {"name": t.name, "price": f"{format_yuan(t.price)}/{t.unit}", "delivery": ctx.tier_ctx(service, t)["delivery"]}
                    for t in service.tiers
                ],
                "ladder": "、".join(dict.fromkeys(t.ladder.short_name for t in service.tiers)),
            }
        )
    return out


def relevant_cases(ws: Workspace, client: Client) -> list[dict[str, Any]]:
    """Cases of the client's industry first, then cases sharing a service of interest."""
    policy = ws.policy
    interests = set(client.interests)
    scored = []
    for index, case in enumerate(policy.company.cases):
        score = (2 if case.industry == client.industry else 0) + len(interests & set(case.services))
        if score:
            scored.append((-score, index, case))
    return [
        {
            "title": c.title,
            "client": c.client,
            "industry": c.industry,
            "summary": c.summary,
            "services": policy.service_names(c.services),
        }
        for _, _, c in sorted(scored)
    ]


def _records_for(ws: Workspace, client: Client, until: date) -> tuple[dict[str, Any] | None, bytes]:
    """The client's tickets and projects recorded up to the pack's date, if any."""
    from salesdocs.records.history import client_history

    return client_history(ws, client.id, until=until)


def brief(ws: Workspace, client: Client, deal: Deal | None, inputs_hash: str, records: dict[str, Any] | None) -> dict[str, Any]:
    policy = ws.policy
    presales = policy.presales
    levels = dict(client.classification)
    needs = dict(client.needs)
    stage_no = client.presales_stage
    stages = list(presales.stages)
    current = next((s for s in stages if s.number == stage_no), None)
    following = next((s for s in stages if stage_no is not None and s.number == stage_no + 1), None)
    return {
        "doc": ctx.doc_ctx(brief_title(client), "brief", _pack_date(deal, ws, client)),
        "company": ctx.company_ctx(policy),
        "client": {
            **ctx.client_ctx(client, client.id, internal=True),
            "profile": client.profile,
            "entry_point": client.entry_point,
            "talking_points": list(client.talking_points),
        },
        "needs": [{"name": name, "text": needs.get(nid, "")} for nid, name in presales.need_levels],
        "classification": [
            {
                "name": d.name,
                "levels": [{"name": lv, "current": levels.get(d.id) == lv} for lv in d.levels],
                "value": levels.get(d.id, "未评估"),
            }
            for d in presales.classification
        ],
        "services": matching_services(ws, client),
        "stage": {
            "current": {"number": current.number, "name": current.name, "goal": current.goal} if current else None,
            "next": {"number": following.number, "name": following.name, "goal": following.goal, "checklist": list(following.checklist)}
            if following
            else None,
            "all": [{"number": s.number, "name": s.name, "done": stage_no is not None and s.number <= stage_no} for s in stages],
        },
        "deal": ({"id": deal.id, "title": deal.title} if deal else None),
        "records": records,
        "materials": list(presales.visit_materials),
        "provenance": ctx.provenance_ctx(ws, inputs_hash),
    }


def handout_language(client: Client) -> DocLanguage:
    """The handout is in the client's language (``zh`` unless the client says ``en`` or ``zh-en``)."""
    return client.language or "zh"


def handout(ws: Workspace, client: Client, deal: Deal | None, inputs_hash: str) -> dict[str, Any]:
    policy = ws.policy
    lang = handout_language(client)
    base = ctx.intro(ws, inputs_hash, lang)
    data: dict[str, Any] = {
        **base,
        "doc": ctx.doc_ctx(handout_title(ws), "handout", _pack_date(deal, ws, client), lang),
        "client": ctx.client_ctx(client, client.id),
        "cases": relevant_cases(ws, client) or base["cases"],
        "order_rows": [{"service": s.name, "tier": t.name, "price": t.price, "unit": t.unit} for s in policy.services for t in s.tiers],
        "has_quote": deal is not None,
    }
    if lang != "zh":
        cases_en(policy, data["cases"])
        handout_en(policy, client, data)
    if deal is not None:
        quote_context = ctx.quote(ws, deal, inputs_hash, lang)
        data.update(
            {key: quote_context[key] for key in ("quote", "deal", "tax_note", "contact")} | {"quote_ladders": quote_context["ladders"]}
        )
        data["client"].update({k: v for k, v in quote_context["client"].items() if k.endswith("_en")})
    return data


def _inputs(ws: Workspace, client: Client, deal: Deal | None, extra: list[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], str]:
    items = inputs_of(ws, deal, client_id=client.id, extra=extra)
    return items, hash_inputs(items)


def prepare_brief(ws: Workspace, target: str | None, *, deal: str | None = None, **_: Any) -> Prepared:
    client = find_client(ws, target)
    d = deal_for(ws, client, deal)
    records, digest = _records_for(ws, client, _pack_date(d, ws, client))
    items, h = _inputs(ws, client, d, [("records", digest)] if digest else [])
    return Prepared(
        template="brief.html",
        build_context=lambda: brief(ws, client, d, h, records),
        title=brief_title(client),
        subject=f"内部资料 · {client.name}",
        keywords=["拜访准备", "内部资料", client.id],
        created=midnight(_pack_date(d, ws, client)),
        inputs=items,
        inputs_hash=h,
        pdf_a=False,
    )


def prepare_handout(ws: Workspace, target: str | None, *, deal: str | None = None, **_: Any) -> Prepared:
    client = find_client(ws, target)
    d = deal_for(ws, client, deal)
    lang = handout_language(client)
    items, h = _inputs(ws, client, d, [("doc-lang", lang.encode())] if lang != "zh" else [])
    zh_title, en_title = handout_title(ws), handout_title_en(ws.policy)
    return Prepared(
        template="handout.html",
        build_context=lambda: handout(ws, client, d, h),
        title={"zh": zh_title, "en": en_title}.get(lang, f"{zh_title} · {en_title}"),
        subject=f"服务介绍 · {client.name}" if lang == "zh" else f"Our Services · {client.name_en or client.name}",
        keywords=["服务介绍", client.id],
        created=midnight(_pack_date(d, ws, client)),
        inputs=items,
        inputs_hash=h,
        pdf_a=False,
    )
