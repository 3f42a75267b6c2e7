"""Build the frozen model from data that passed the schema and the checks."""

from __future__ import annotations

import hashlib
from datetime import date, time
from typing import Any

from salesdocs.engine.money import parse_decimal, parse_percent
from salesdocs.model import (
    Advantage,
    AfterSales,
    Article,
    AtMostProcedure,
    Case,
    Category,
    Channel,
    Clause,
    ClauseOverride,
    Client,
    Company,
    Condition,
    Contact,
    Contract,
    Deal,
    DealContact,
    DealLine,
    Department,
    Dimension,
    Instalment,
    KeyPerson,
    LadderStep,
    MainContract,
    Policy,
    PolicyFile,
    PreSales,
    PresalesStage,
    RefundLadder,
    RefundTerms,
    Revisions,
    Service,
    ServiceHours,
    Terms,
    Tier,
    WriterChange,
    parse_stage,
    text,
    texts,
)
from salesdocs.policy.reader import Document

ADVANTAGE_ORDER = ("product", "technology", "price", "service", "people", "capital")


def build_ladder(data: dict[str, Any]) -> RefundLadder:
    steps = []
    for number, step in enumerate(data["steps"], start=1):
        first = parse_stage(step["from"])
        last = parse_stage(step["to"]) if "to" in step else None
        assert first is not None
        steps.append(
            LadderStep(
                id=step["id"],
                number=number,
                first=first,
                last=last,
                percent=parse_percent(step["percent"]),
                kind=step.get("kind", "fixed"),
                text=step["text"],
                text_en=text(step, "text_en"),
            )
        )
    return RefundLadder(
        id=data["id"], name=data["name"], source=text(data, "source"), steps=tuple(steps), base=data["base"], name_en=text(data, "name_en")
    )


def build_refund_terms(data: dict[str, Any]) -> RefundTerms:
    """``refunds.yaml``'s procedure values: payment days, the at-most procedure, termination."""
    at_most = data.get("at_most")
    started = (data.get("termination") or {}).get("started")
    return RefundTerms(
        payment_days=data.get("payment_days"),
        at_most=AtMostProcedure(at_most["proposal_days"], at_most["objection_days"], at_most["negotiation_days"]) if at_most else None,
        termination_started=parse_percent(started["percent"]) if started else None,
    )


def build_policy(docs: dict[str, Document], raw: dict[str, bytes]) -> Policy:
    """``docs`` maps rules file name (``services``) to its validated document."""
    ladders = tuple(build_ladder(ld) for ld in docs["refunds"].data["ladders"])
    cal = docs["calendar"].data if "calendar" in docs else {}
    return Policy(
        company=build_company(docs["company"].data),
        services=build_services(docs["services"].data, {ld.id: ld for ld in ladders}),
        ladders=ladders,
        terms=build_terms(docs["terms"].data),
        aftersales=build_aftersales(docs["aftersales"].data),
        presales=build_presales(docs["presales"].data),
        calendar_holidays=frozenset(date.fromisoformat(h["date"]) for h in cal.get("holidays") or ()),
        calendar_workdays=frozenset(date.fromisoformat(w["date"]) for w in cal.get("workdays") or ()),
        calendar_years=frozenset(cal.get("covered_years") or ()),
        files=policy_files(docs, raw),
        contract=build_contract(docs["contract"].data),
        data={name: doc.data for name, doc in docs.items()},
        refund_terms=build_refund_terms(docs["refunds"].data),
    )


def build_contract(data: dict[str, Any]) -> Contract:
    """``rules/contract.yaml`` → the contract: articles of clauses, in the file's order."""
    return Contract(
        title=text(data, "title"),
        articles=tuple(
            Article(id=a["id"], title=text(a, "title"), clauses=tuple(_clause(item) for item in a["items"]), title_en=text(a, "title_en"))
            for a in data["articles"]
        ),
        title_en=text(data, "title_en"),
    )


def _clause(item: dict[str, Any]) -> Clause:
    when = item.get("when")
    return Clause(
        id=item["id"],
        text=text(item, "text"),
        table=item.get("table"),
        caption=text(item, "caption"),
        bold=bool(item.get("bold", False)),
        limits_client_rights=bool(item.get("limits_client_rights", False)),
        when=Condition(
            service_kind=when.get("service_kind"),
            service=when.get("service"),
            tier=when.get("tier"),
            main_contract=when.get("main_contract"),
            english=when.get("english"),
        )
        if when
        else None,
        text_en=text(item, "text_en"),
        caption_en=text(item, "caption_en"),
    )


def build_services(data: dict[str, Any], ladders: dict[str, RefundLadder]) -> tuple[Service, ...]:
    return tuple(
        Service(
            s["id"], s["name"], text(s, "name_en"), s["kind"], text(s, "description"), tuple(build_tier(t, ladders) for t in s["tiers"])
        )
        for s in data["services"]
    )


def build_tier(t: dict[str, Any], ladders: dict[str, RefundLadder]) -> Tier:
    rev = t["revisions"]
    wc = t["writer_change"]
    return Tier(
        id=t["id"],
        name=t["name"],
        price=parse_decimal(t["price"]),
        unit=t["unit"],
        delivery_min=t["delivery"]["min"],
        delivery_max=t["delivery"]["max"],
        scope=texts(t, "scope"),
        deliverables=texts(t, "deliverables"),
        revisions=Revisions(
            rev["included"],
            texts(rev, "not_counted"),
            texts(rev, "not_accepted"),
            parse_decimal(rev["extra_price"]) if "extra_price" in rev else None,
            texts(rev, "not_counted_en"),
            texts(rev, "not_accepted_en"),
        ),
        ladder=ladders[t["refund_ladder"]],
        writer_change=WriterChange(wc["times"], tuple(parse_stage(w) or 0 for w in wc.get("when") or ())),
        next_piece=t["delivery"].get("next_piece", 0),
        source_formats=texts(t, "source_formats"),
        name_en=text(t, "name_en"),
        unit_en=text(t, "unit_en"),
        scope_en=texts(t, "scope_en"),
        deliverables_en=texts(t, "deliverables_en"),
        source_formats_en=texts(t, "source_formats_en"),
    )


def build_company(c: dict[str, Any]) -> Company:
    return Company(
        sample=bool(c.get("sample", False)),
        name=c["name"],
        short_name=text(c, "short_name") or c["name"],
        name_en=text(c, "name_en"),
        slogan=text(c, "slogan"),
        profile=c["profile"],
        founded=text(c, "founded"),
        address=text(c, "address"),
        contacts=tuple(
            Contact(x["role"], x["name"], text(x, "phone"), text(x, "email"), text(x, "wechat"), text(x, "role_en"), text(x, "name_en"))
            for x in c["contacts"]
        ),
        organisation=tuple(
            Department(x["department"], x["duty"], x.get("people"), text(x, "department_en"), text(x, "duty_en")) for x in c["organisation"]
        ),
        advantages=tuple(_advantage(k, c["advantages"][k]) for k in ADVANTAGE_ORDER),
        cases=tuple(_case(x) for x in c.get("cases") or ()),
        address_en=text(c, "address_en"),
        short_name_en=text(c, "short_name_en") or text(c, "name_en"),
        slogan_en=text(c, "slogan_en"),
        profile_en=text(c, "profile_en"),
    )


def _advantage(key: str, a: dict[str, Any]) -> Advantage:
    return Advantage(key, a["title"], a["text"], text(a, "title_en"), text(a, "text_en"))


def _case(x: dict[str, Any]) -> Case:
    english = (text(x, "title_en"), text(x, "client_en"), text(x, "industry_en"), text(x, "summary_en"))
    return Case(x["id"], x["title"], text(x, "client"), x["industry"], tuple(x["services"]), x["summary"], *english)


def build_terms(t: dict[str, Any]) -> Terms:
    return Terms(
        currency=t["currency"],
        tax_name=t["tax"]["name"],
        tax_rate=parse_percent(t["tax"]["rate"]),
        prices_include_tax=t["tax"]["prices_include_tax"],
        max_discount=parse_percent(t["discount"]["max_percent"]),
        payment=tuple(
            Instalment(
                id=p["id"],
                name=p["name"],
                percent=parse_percent(p["percent"]),
                after=p["after"],
                due_days=p["due_days"],
                name_en=text(p, "name_en"),
            )
            for p in t["payment"]
        ),
        number_prefix=t["quote"]["number_prefix"],
        valid_days=t["quote"]["valid_days"],
        tax_name_en=text(t["tax"], "name_en"),
    )


def build_service_hours(response: dict[str, Any]) -> ServiceHours:
    """``aftersales.response`` → its service hours and outside-hours rule (times as ``HH:MM``)."""
    hours = response["service_hours"]
    return ServiceHours(
        days=hours["days"],
        start=time.fromisoformat(hours["from"]),
        end=time.fromisoformat(hours["to"]),
        reply_by=time.fromisoformat(response["outside_hours"]["reply_by"]),
    )


def build_aftersales(a: dict[str, Any]) -> AfterSales:
    return AfterSales(
        response_minutes=a["response"]["first_response_minutes"],
        service_hours=build_service_hours(a["response"]),
        channels=tuple(Channel(x["id"], x["name"], bool(x.get("staffed", False)), text(x, "name_en")) for x in a["channels"]),
        onsite_rule=a["onsite"]["rule"],
        onsite_days=a["onsite"].get("within_working_days"),
        onsite_local_area=text(a["onsite"], "local_area"),
        correction_days=a.get("correction_days"),
        duties=tuple((x["id"], x["text"]) for x in a.get("duties") or ()),
        records_projects=a["records"]["projects"],
        records_complaints=a["records"]["complaints"],
        categories=tuple(
            Category(x["id"], x["name"], tuple(x["services"]), text(x, "solution"), text(x, "name_en")) for x in a["categories"]
        ),
        duties_en=tuple(text(x, "text_en") for x in a.get("duties") or ()),
        onsite_local_area_en=text(a["onsite"], "local_area_en"),
        onsite_rule_en=text(a["onsite"], "rule_en"),
    )


def build_presales(p: dict[str, Any]) -> PreSales:
    return PreSales(
        stages=tuple(PresalesStage(x["id"], x["name"], text(x, "goal"), texts(x, "checklist")) for x in p["stages"]),
        visit_materials=texts(p, "visit_materials"),
        classification=tuple(Dimension(x["id"], x["name"], texts(x, "levels")) for x in p["classification"]),
        need_levels=tuple((x["id"], x["name"]) for x in p["need_levels"]),
    )


def policy_files(docs: dict[str, Document], raw: dict[str, bytes]) -> tuple[PolicyFile, ...]:
    """Name, version, effective date and content hash of every rules file, by name."""
    return tuple(
        PolicyFile(
            name=name,
            rel=doc.rel,
            version=str(doc.data["version"]),
            effective=date.fromisoformat(doc.data["effective"]),
            sha256=hashlib.sha256(raw[doc.rel]).hexdigest(),
        )
        for name, doc in sorted(docs.items())
    )


def build_client(data: dict[str, Any], rel: str) -> Client:
    return Client(
        id=data["id"],
        name=data["name"],
        sample=bool(data.get("sample", False)),
        industry=data["industry"],
        region=text(data, "region"),
        address=text(data, "address"),
        website=text(data, "website"),
        profile=text(data, "profile"),
        classification=tuple((k, str(v)) for k, v in (data.get("classification") or {}).items()),
        needs=tuple((k, str(v)) for k, v in (data.get("needs") or {}).items()),
        key_people=tuple(KeyPerson(x["name"], text(x, "title"), x["role"], text(x, "notes")) for x in data.get("key_people") or ()),
        entry_point=text(data, "entry_point"),
        talking_points=texts(data, "talking_points"),
        interests=texts(data, "interests"),
        presales_stage=data.get("presales_stage"),
        rel=rel,
        name_en=text(data, "name_en"),
        address_en=text(data, "address_en"),
        language=data.get("language"),
    )


def build_deal(data: dict[str, Any], rel: str) -> Deal:
    discount = data.get("discount") or {}
    return Deal(
        id=data["id"],
        client=data["client"],
        title=text(data, "title"),
        date=date.fromisoformat(data["date"]),
        start=date.fromisoformat(data["start"]),
        sales=text(data, "sales"),
        lines=tuple(
            DealLine(
                service=x["service"],
                tier=x["tier"],
                quantity=x["quantity"],
                unit_price=parse_decimal(x["unit_price"]) if "unit_price" in x else None,
                price_reason=text(x, "price_reason"),
                note=text(x, "note"),
                price_reason_en=text(x, "price_reason_en"),
            )
            for x in data["lines"]
        ),
        discount_percent=parse_percent(discount["percent"]) if "percent" in discount else None,
        discount_amount=parse_decimal(discount["amount"]) if "amount" in discount else None,
        approver=text(data, "approver"),
        note=text(data, "note"),
        rel=rel,
        client_contacts=_contacts(data, "client"),
        agency_contacts=_contacts(data, "agency"),
        main_contract=MainContract(number=str(mc["number"]), date=date.fromisoformat(mc["date"]))
        if (mc := data.get("main_contract"))
        else None,
        title_en=text(data, "title_en"),
        language=data.get("language"),
        prevailing_language=data.get("prevailing_language", "zh"),
        policy=str(data["policy"]) if "policy" in data else None,
        clause_overrides=tuple(
            ClauseOverride(id=str(c["id"]), text=str(c["text"]), approver=text(c, "approver")) for c in data.get("clauses") or ()
        ),
    )


def _contacts(data: dict[str, Any], side: str) -> tuple[DealContact, ...]:
    return tuple(
        DealContact(
            name=text(c, "name"), title=text(c, "title"), email=text(c, "email"), wechat=text(c, "wechat"), title_en=text(c, "title_en")
        )
        for c in (data.get("contacts") or {}).get(side) or ()
    )
