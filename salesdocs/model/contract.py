"""``rules/contract.yaml`` as data: articles, clauses and when they apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key) or ())


@dataclass(frozen=True)
class Condition:
    """When a clause applies: every given part must hold for the deal (``when:`` in contract.yaml)."""

    service_kind: str | None = None  # the deal includes a service of this kind (design, copywriting …)
    service: str | None = None  # the deal includes this service …
    tier: str | None = None  # … in this tier
    main_contract: bool | None = None  # the deal names (true) or does not name (false) a main contract
    english: bool | None = None  # the document is (true) or is not (false) in English or 中英对照
    bilingual: bool | None = None  # the document is (true) or is not (false) 中英对照 (both texts in one document)


@dataclass(frozen=True)
class Clause:
    """One item of an article: wording with placeholders, or a table the engine computes."""

    id: str
    text: str  # "" for a table
    table: str | None  # scope-lines | price-lines | deal-lines | revision-allowances | refund-ladders
    caption: str
    bold: bool
    limits_client_rights: bool
    when: Condition | None
    text_en: str = ""
    caption_en: str = ""


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    clauses: tuple[Clause, ...]
    title_en: str = ""


@dataclass(frozen=True)
class Contract:
    """``rules/contract.yaml``: the appendix's wording, legal's to edit."""

    title: str
    articles: tuple[Article, ...]
    title_en: str = ""
