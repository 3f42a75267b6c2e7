"""English texts: what a deal in English or 中英对照 needs, and English clauses that cite other values.

* ``missing-english`` — a deal whose documents are in ``en`` or ``zh-en`` (its own ``language``, else
  its client's) needs the English of every text its quote and appendix print: the deal's and the
  client's names, the company's, each service and tier it sells (name, unit, scope, deliverables,
  revisions), its refund ladders, the tax and the instalments, and every contract title, clause and
  caption that applies to it, with the English of the policy values those clauses cite.  Each missing
  text is an error at the Chinese text it translates, naming the deals that need it.  Nothing is
  required of a workspace whose deals are all in Chinese.
* ``english-placeholders`` — a clause's ``text_en`` must cite the same placeholders as its ``text``
  (the English says what the Chinese says).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from salesdocs.errors import Problem
from salesdocs.model import Deal, Policy
from salesdocs.policy.checks.base import Context, workspace_check
from salesdocs.policy.checks.needs import Need, intro_needs, intro_problem, missing_problem, needs_in
from salesdocs.policy.contract import CJK, DEAL_NAMES, deal_facts, number_contract, placeholders, policy_value
from salesdocs.policy.reader import Document, PathKey

_in = needs_in


def _index(items: list[Any], key: str, value: str) -> int | None:
    return next((i for i, item in enumerate(items) if isinstance(item, dict) and item.get(key) == value), None)


TIER_TEXTS = (("name", "name_en"), ("unit", "unit_en"), ("scope", "scope_en"), ("deliverables", "deliverables_en"))
REVISION_TEXTS = (("not_counted", "not_counted_en"), ("not_accepted", "not_accepted_en"))


def _services(ctx: Context, deal: Deal) -> Iterator[Need]:
    services = ctx.rules["services"]
    ladders = ctx.rules["refunds"]
    used_ladders: set[str] = set()
    for line in deal.lines:
        si = _index(services.data["services"], "id", line.service)
        if si is None:
            continue
        service = services.data["services"][si]
        yield from _in(services, ("services", si), service, (("name", "name_en"),))
        ti = _index(service["tiers"], "id", line.tier)
        if ti is None:
            continue
        tier = service["tiers"][ti]
        base = ("services", si, "tiers", ti)
        yield from _in(services, base, tier, TIER_TEXTS)
        yield from _in(services, (*base, "revisions"), tier["revisions"], REVISION_TEXTS)
        if any(CJK.search(str(f)) for f in tier.get("source_formats") or ()) and not tier.get("source_formats_en"):
            yield Need(services, (*base, "source_formats"), "source_formats_en")
        used_ladders.add(tier["refund_ladder"])
    for li, ladder in enumerate(ladders.data["ladders"]):
        if ladder["id"] in used_ladders:
            yield from _in(ladders, ("ladders", li), ladder, (("name", "name_en"),))


def _policy_texts(ctx: Context) -> Iterator[Need]:
    terms, company = ctx.rules["terms"], ctx.rules["company"]
    yield from _in(terms, ("tax",), terms.data["tax"], (("name", "name_en"),))
    for pi, payment in enumerate(terms.data["payment"]):
        yield from _in(terms, ("payment", pi), payment, (("name", "name_en"),))
    yield from _in(company, (), company.data, (("name", "name_en"), ("address", "address_en")))


def _placeholder_needs(ctx: Context, policy: Policy, name: str, clause_path: PathKey) -> Iterator[Need]:
    """The English a clause placeholder prints is missing: at the Chinese value when it is a plain
    path in a rules file, at each staffed channel for the channels, else at the clause."""
    if name in DEAL_NAMES or name.startswith(("ref.", "contract.", "quote.")) or policy_value(policy.data, name, english=True):
        return
    namespace, *keys = name.split(".")
    if name == "aftersales.channels":
        doc = ctx.rules["aftersales"]
        for ci, channel in enumerate(doc.data["channels"]):
            if channel.get("staffed", True) and not channel.get("name_en"):
                yield Need(doc, ("channels", ci, "name"), "name_en")
    elif namespace in ctx.rules and all("[" not in k for k in keys):
        yield Need(ctx.rules[namespace], tuple(keys), f"{keys[-1]}_en")
    else:
        yield Need(ctx.rules["contract"], (*clause_path, "text_en"), f"{{{name}}}")


def _contract(ctx: Context, policy: Policy, deal: Deal) -> Iterator[Need]:
    doc = ctx.rules["contract"]
    yield from _in(doc, (), doc.data, (("title", "title_en"),))
    where: dict[str, PathKey] = {}
    for a, article in enumerate(doc.data["articles"]):
        where[article["id"]] = ("articles", a)
        for i, item in enumerate(article["items"]):
            where[item["id"]] = ("articles", a, "items", i)
    for numbered in number_contract(policy.contract, deal_facts(policy, deal, english=True)):
        path = where[numbered.article.id]
        yield from _in(doc, path, doc.data["articles"][path[1]], (("title", "title_en"),))
        for item in numbered.clauses:
            path = where[item.clause.id]
            data = doc.data["articles"][path[1]]["items"][path[3]]
            yield from _in(doc, path, data, (("text", "text_en"), ("caption", "caption_en")))
            for match in placeholders(str(data.get("text_en") or "")):
                yield from _placeholder_needs(ctx, policy, match.group(1).strip(), path)


def _deal_needs(ctx: Context, policy: Policy, doc: Document, deal: Deal, client: Document | None) -> Iterator[Need]:
    yield from _in(doc, (), doc.data, (("title", "title_en"),))
    for li, line in enumerate(doc.data["lines"]):
        yield from _in(doc, ("lines", li), line, (("price_reason", "price_reason_en"),))
    for side, contacts in (doc.data.get("contacts") or {}).items():
        for ci, contact in enumerate(contacts or ()):
            yield from _in(doc, ("contacts", side, ci), contact, (("title", "title_en"),))
    if client is not None:
        yield from _in(client, (), client.data, (("name", "name_en"), ("address", "address_en")))
    yield from _services(ctx, deal)
    yield from _policy_texts(ctx)
    yield from _contract(ctx, policy, deal)


def _language(deal: dict[str, Any], client: Document | None) -> str:
    return str(deal.get("language") or (client.data.get("language") if client else None) or "zh")


def _intro_users(ctx: Context) -> list[tuple[str, str]]:
    """The clients and deals whose documents are in en or zh-en, as (zh, en) labels."""
    users = []
    for cid, client in sorted(ctx.clients.items()):
        if (language := client.data.get("language") or "zh") != "zh":
            users.append((f"客户 {cid}（{language}）", f"client {cid} ({language})"))
    for doc in ctx.deals.values():
        language = _language(doc.data, ctx.clients.get(str(doc.data.get("client"))))
        if language != "zh":
            users.append((f"交易 {doc.data.get('id') or doc.rel}（{language}）", f"deal {doc.data.get('id') or doc.rel} ({language})"))
    return users


@workspace_check
def missing_english(ctx: Context) -> Iterator[Problem]:
    policy = ctx.policy
    if policy is None or not {"contract", "services", "refunds", "terms", "company", "aftersales"} <= set(ctx.rules):
        return
    from salesdocs.policy.assemble import build_deal

    needed: dict[tuple[str, PathKey, str], tuple[Need, list[str]]] = {}
    services = {s.id: s for s in policy.services}
    for doc in ctx.deals.values():
        client = ctx.clients.get(str(doc.data.get("client")))
        language = _language(doc.data, client)
        if language == "zh":
            continue
        deal = build_deal(doc.data, doc.rel)
        if any(line.service not in services or services[line.service].tier(line.tier) is None for line in deal.lines):
            continue  # the deals check reports the unknown service or tier
        for need in _deal_needs(ctx, policy, doc, deal, client):
            needed.setdefault((need.doc.rel, need.path, need.key), (need, []))[1].append(f"{deal.id}（{language}）")
    users = _intro_users(ctx)
    intro: dict[tuple[str, PathKey, str], Need] = {}
    if users:
        handout_clients = [c for c in ctx.clients.values() if (c.data.get("language") or "zh") != "zh"]
        client_needs = (n for c in handout_clients for n in _in(c, (), c.data, (("name", "name_en"),)))
        for need in (*intro_needs(ctx.rules), *client_needs):
            intro[(need.doc.rel, need.path, need.key)] = need
    why_zh, why_en = "、".join(u[0] for u in users), ", ".join(u[1] for u in users)
    for key, need in intro.items():
        if key not in needed:
            yield intro_problem(need, why_zh, why_en)
    for key, (need, deals) in needed.items():
        if key in intro:
            yield intro_problem(need, why_zh, why_en)
            continue
        listed = "、".join(dict.fromkeys(deals))
        listed_en = ", ".join(d.replace("（", " (").replace("）", ")") for d in dict.fromkeys(deals))
        yield missing_problem(
            need, f"英文或中英对照的交易 {listed}需要这段文字的英文", f"the deal {listed_en} in English or zh-en needs this text in English"
        )


@workspace_check
def english_placeholders(ctx: Context) -> Iterator[Problem]:
    doc = ctx.rules.get("contract")
    if doc is None:
        return
    for a, article in enumerate(doc.data.get("articles") or []):
        for i, item in enumerate(article.get("items") or []):
            if not item.get("text_en"):
                continue
            chinese = sorted({m.group(1).strip() for m in placeholders(str(item.get("text") or ""))})
            english = sorted({m.group(1).strip() for m in placeholders(str(item["text_en"]))})
            if chinese != english:
                only_zh = [f"{{{n}}}" for n in chinese if n not in english]
                only_en = [f"{{{n}}}" for n in english if n not in chinese]
                yield doc.problem(
                    doc.key_pos(("articles", a, "items", i, "text_en")),
                    "english-placeholders",
                    f"英文 text_en 与中文 text 引用的占位符不同：只在中文中 {'、'.join(only_zh) or '—'}；"
                    f"只在英文中 {'、'.join(only_en) or '—'}",
                    f"text_en cites other placeholders than text: only in the Chinese {', '.join(only_zh) or '—'}; "
                    f"only in the English {', '.join(only_en) or '—'}",
                    hint_zh="英文必须与中文说的一样：引用相同的占位符",
                    hint_en="the English must say what the Chinese says: cite the same placeholders",
                )
