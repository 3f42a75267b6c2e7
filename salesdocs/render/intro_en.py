"""The English beside the Chinese in the company intro and the visit-pack handout (documents in ``en`` or ``zh-en``).

The Chinese context is made first (:func:`salesdocs.render.context.intro`); these functions add an ``*_en``
key beside each Chinese text the documents print: from the policy's ``*_en`` fields, or, for sentences the
Chinese also builds from figures (delivery windows, the response rule, the refund summary), from the same
figures in English.
"""

from __future__ import annotations

from typing import Any

from salesdocs.engine.english import join_en, plural_en, working_days_en
from salesdocs.engine.money import format_percent_sign
from salesdocs.model import Client, Policy, Service, Tier, response_en
from salesdocs.render.appendix import stage_phrase_en


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def tax_note_en(policy: Policy) -> str:
    return "Prices include tax" if policy.terms.prices_include_tax else "Prices exclude tax; tax is added"


def _company_en(policy: Policy, company: dict[str, Any]) -> None:
    c = policy.company
    company.update(short_name_en=c.short_name_en, slogan_en=c.slogan_en, profile_en=c.profile_en, address_en=c.address_en)
    for department, model in zip(company["organisation"], c.organisation, strict=True):
        department.update(name_en=model.name_en, duty_en=model.duty_en)
    for advantage, found in zip(company["advantages"], c.advantages, strict=True):
        advantage.update(title_en=found.title_en, text_en=found.text_en)


def _tier_en(service: Service, tier: Tier) -> dict[str, Any]:
    return {
        "service_name_en": service.name_en,
        "name_en": tier.name_en,
        "unit_en": tier.unit_en,
        "delivery_en": working_days_en(tier.delivery_min, tier.delivery_max),
        "scope_en": list(tier.scope_en),
        "not_counted_en": list(tier.revisions.not_counted_en),
        "revisions_en": plural_en(tier.revisions.included, "round"),
        "ladder_short_en": tier.ladder.short_name_en,
    }


def _catalogue_en(policy: Policy, catalogue: list[dict[str, Any]]) -> None:
    for entry, service in zip(catalogue, policy.services, strict=True):
        entry["name_en"] = service.name_en
        for tier_ctx, tier in zip(entry["tiers"], service.tiers, strict=True):
            tier_ctx.update(_tier_en(service, tier))


def ladders_en(policy: Policy, ladders: list[dict[str, Any]]) -> None:
    """Name, refund base and summary in English of each refund ladder in a context."""
    for ladder in ladders:
        found = policy.ladder(ladder["id"])
        assert found is not None
        ladder.update(
            name_en=found.short_name_en,
            base_en=found.base_en,
            summary_en=join_en(
                [f"{'up to ' if s.kind == 'at_most' else ''}{format_percent_sign(s.percent)} {stage_phrase_en(s)}" for s in found.steps]
            ),
        )


def _aftersales_en(policy: Policy, aftersales: dict[str, Any]) -> None:
    a = policy.aftersales
    response = response_en(a.response_minutes, a.service_hours)
    rule = _capital(a.onsite_rule_en)
    onsite = rule + (f" (within {working_days_en(a.onsite_days)})" if a.onsite_days else "")
    if a.onsite_local_area:
        onsite += f"; no travel charges for visits within {a.onsite_local_area_en}"
    aftersales.update(
        service_hours_en=_capital(response.service_hours),
        response_rule_en=_capital(response.rule),
        channels_en=[c.name_en for c in a.channels if c.staffed],
        channels_line_en=_capital(join_en([c.name_en for c in a.channels if c.staffed])),
        onsite_en=onsite,
        correction_en=(
            f"Errors on our side are corrected free of charge within {a.correction_days} days of acceptance" if a.correction_days else ""
        ),
        duties_en=list(a.duties_en),
    )


def cases_en(policy: Policy, cases: list[dict[str, Any]]) -> None:
    """The English of each case a context shows (matched by title, the cases' order may differ)."""
    by_title = {c.title: c for c in policy.company.cases}
    names = {s.id: s.name_en for s in policy.services}
    for case in cases:
        model = by_title[case["title"]]
        case.update(
            title_en=model.title_en,
            client_en=model.client_en,
            industry_en=model.industry_en,
            summary_en=model.summary_en,
            services_en=[names[s] for s in model.services if s in names],
        )


def intro_en(policy: Policy, context: dict[str, Any]) -> None:
    """Add the English to an intro (or handout) context made in Chinese."""
    context["doc"]["title_en"] = intro_title_en(policy)
    _company_en(policy, context["company"])
    _catalogue_en(policy, context["catalogue"])
    ladders_en(policy, context["ladders"])
    _aftersales_en(policy, context["aftersales"])
    cases_en(policy, context["cases"])
    context["tax_note_en"] = tax_note_en(policy)


def intro_title_en(policy: Policy) -> str:
    return f"{policy.company.short_name_en} · Company Profile"


def handout_title_en(policy: Policy) -> str:
    return f"{policy.company.short_name_en} · Our Services"


def handout_en(policy: Policy, client: Client, context: dict[str, Any]) -> None:
    """The handout's own English: its title, the client's name and the order form's rows."""
    context["doc"]["title_en"] = handout_title_en(policy)
    context["client"].update(name_en=client.name_en, address_en=client.address_en)
    rows = [(s, t) for s in policy.services for t in s.tiers]
    for row, (service, tier) in zip(context["order_rows"], rows, strict=True):
        row.update(service_en=service.name_en, tier_en=tier.name_en, unit_en=tier.unit_en)
