"""The English texts a document in ``en`` or ``zh-en`` needs, located at the Chinese they translate.

Shared by the ``missing-english`` check (:mod:`.english`) and by ``render intro --doc-lang en`` in a
workspace that uses no English otherwise (then nothing is required by ``check``, and the render
reports what the English intro lacks).

The company intro and the visit-pack handout print: the company's profile, slogan, address,
departments, six advantages, cases and contacts; every service and tier (name, unit, scope, what does
not count as a revision); the refund ladders; the after-sales promises (staffed channels, the on-site
rule and area) and duties.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from salesdocs.errors import Problem
from salesdocs.policy.contract import CJK
from salesdocs.policy.reader import Document, PathKey


@dataclass(frozen=True)
class Need:
    """One English text a document needs: where its Chinese is, and the key the English goes in."""

    doc: Document
    path: PathKey  # the Chinese value it translates
    key: str  # the missing key, e.g. text_en


def missing(item: dict[str, Any], chinese: str, english: str) -> bool:
    value = item.get(chinese)
    has_chinese = bool(value) and (not isinstance(value, str) or bool(CJK.search(value)))
    return has_chinese and not item.get(english)


def needs_in(doc: Document, base: PathKey, item: dict[str, Any], pairs: tuple[tuple[str, str], ...]) -> Iterator[Need]:
    for chinese, english in pairs:
        if missing(item, chinese, english):
            yield Need(doc, (*base, chinese), english)


COMPANY_TEXTS = (
    ("name", "name_en"),
    ("short_name", "short_name_en"),
    ("slogan", "slogan_en"),
    ("profile", "profile_en"),
    ("address", "address_en"),
)
CASE_TEXTS = (("title", "title_en"), ("client", "client_en"), ("industry", "industry_en"), ("summary", "summary_en"))
TIER_TEXTS = (("name", "name_en"), ("unit", "unit_en"), ("scope", "scope_en"))


def _company(doc: Document) -> Iterator[Need]:
    data = doc.data
    pairs = COMPANY_TEXTS if data.get("short_name") else tuple(p for p in COMPANY_TEXTS if p[0] != "short_name")
    yield from needs_in(doc, (), data, pairs)
    for i, contact in enumerate(data["contacts"]):
        yield from needs_in(doc, ("contacts", i), contact, (("role", "role_en"), ("name", "name_en")))
    for i, department in enumerate(data["organisation"]):
        yield from needs_in(doc, ("organisation", i), department, (("department", "department_en"), ("duty", "duty_en")))
    for key, advantage in data["advantages"].items():
        yield from needs_in(doc, ("advantages", key), advantage, (("title", "title_en"), ("text", "text_en")))
    for i, case in enumerate(data.get("cases") or ()):
        yield from needs_in(doc, ("cases", i), case, CASE_TEXTS)


def _services(services: Document, refunds: Document) -> Iterator[Need]:
    for si, service in enumerate(services.data["services"]):
        yield from needs_in(services, ("services", si), service, (("name", "name_en"),))
        for ti, tier in enumerate(service["tiers"]):
            yield from needs_in(services, ("services", si, "tiers", ti), tier, TIER_TEXTS)
            revisions = tier["revisions"]
            yield from needs_in(services, ("services", si, "tiers", ti, "revisions"), revisions, (("not_counted", "not_counted_en"),))
    for li, ladder in enumerate(refunds.data["ladders"]):
        yield from needs_in(refunds, ("ladders", li), ladder, (("name", "name_en"),))


def _aftersales(doc: Document) -> Iterator[Need]:
    for ci, channel in enumerate(doc.data["channels"]):
        if channel.get("staffed", False):
            yield from needs_in(doc, ("channels", ci), channel, (("name", "name_en"),))
    yield from needs_in(doc, ("onsite",), doc.data["onsite"], (("rule", "rule_en"), ("local_area", "local_area_en")))
    for di, duty in enumerate(doc.data.get("duties") or ()):
        yield from needs_in(doc, ("duties", di), duty, (("text", "text_en"),))


INTRO_RULES = ("company", "services", "refunds", "aftersales")


def intro_needs(rules: dict[str, Document]) -> Iterator[Need]:
    """Every English text the company intro (and a handout) in en or zh-en prints and the rules lack."""
    if not set(INTRO_RULES) <= set(rules):
        return
    yield from _company(rules["company"])
    yield from _services(rules["services"], rules["refunds"])
    yield from _aftersales(rules["aftersales"])


def missing_problem(need: Need, needed_by_zh: str, needed_by_en: str) -> Problem:
    """``missing-english`` at the Chinese text: ``缺少英文 KEY：<needed_by_zh>`` / ``missing English KEY: <needed_by_en>``."""
    return need.doc.problem(
        need.doc.key_pos(need.path),
        "missing-english",
        f"缺少英文 {need.key}：{needed_by_zh}",
        f"missing English {need.key}: {needed_by_en}",
        hint_zh=f"在这一项加上 {need.key}（中文为准，英文须与中文一致）",
        hint_en=f"add {need.key} to this item (the Chinese is authoritative; the English must say the same)",
    )


def intro_problem(need: Need, why_zh: str, why_en: str) -> Problem:
    """``missing-english`` for a text the intro or a handout needs; ``why`` says who uses English."""
    return missing_problem(
        need,
        f"英文或中英对照的公司介绍与服务介绍需要这段文字的英文（{why_zh}）",
        f"the company intro and handouts in English or zh-en need this text in English ({why_en})",
    )
