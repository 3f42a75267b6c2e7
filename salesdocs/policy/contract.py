"""Contract clauses as data: placeholders, conditions and numbering.

A clause's text cites policy values by placeholder, never by a typed figure:

* ``{terms.review_days}``, ``{company.forum_court}``, ``{terms.payment[deposit].percent}`` — any
  value of a rules file, by its path (``[id]`` picks a list item by its ``id``); percentages print
  as ``70%``, amounts as ``1,200.00``, dates as ``2026年1月1日``, as the file's schema types them;
* ``{refunds.ladders[copywriting].steps[revision-3].percent}`` — the ladder step that covers a
  stage, and ``….stages`` its stages in words;
* ``{aftersales.channels}`` — the staffed channels' names;
* ``{deal.…}``, ``{client.name}``, ``{quote.…}`` — the deal the appendix is for (see
  :data:`DEAL_NAMES`);
* ``{ref.<id>}`` — another article (第八条), item (第8.2条) or table (表5), numbered for this deal;
* ``{contract.limiting_clauses}`` — the numbers of every clause marked ``limits_client_rights``.

:func:`number_contract` keeps the clauses whose ``when:`` holds for a deal and numbers them;
:func:`resolve_text` fills a clause's placeholders.  ``check`` uses :func:`vocabulary` and
:func:`policy_figures` to catch unknown placeholders and figures typed where a placeholder belongs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salesdocs.engine.dates import date_zh
from salesdocs.engine.english import date_en, join_en
from salesdocs.engine.money import chinese_numeral, format_amount, format_percent_sign, parse_percent
from salesdocs.errors import RenderError
from salesdocs.model import Article, Clause, Condition, Contract, Deal, Policy, parse_stage, stages_en, stages_zh
from salesdocs.policy.schema import schema_document

__all__ = [
    "DEAL_NAMES",
    "PLACEHOLDER",
    "NumberedArticle",
    "NumberedClause",
    "applies",
    "deal_facts",
    "number_contract",
    "placeholders",
    "policy_figures",
    "policy_value",
    "policy_values",
    "resolve_slots",
    "resolve_text",
    "value_location",
    "vocabulary",
]

PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")
#: Chinese characters (and full-width punctuation): a text with any needs an English version in English documents
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?")

#: names bound to the deal an appendix is for (values come from the deal, its client and its quote)
DEAL_NAMES: frozenset[str] = frozenset(
    {
        "client.name",
        "deal.title",
        "deal.start",
        "deal.date",
        "deal.contacts.client",
        "deal.contacts.agency",
        "deal.main_contract.number",
        "deal.main_contract.date",
        "quote.number",
        "quote.total",
        "quote.total_in_words",
        "quote.net",
        "quote.tax",
        "contract.prevailing_language",
    }
)
LIMITING = "contract.limiting_clauses"
RULES_NAMESPACES = ("company", "services", "refunds", "terms", "aftersales", "calendar")
#: where a typed figure is most likely cited from, first: the contract's own terms, then the rest
FIGURE_ORDER = ("terms", "refunds", "aftersales", "company", "services", "calendar")


def placeholders(text: str) -> Iterator[re.Match[str]]:
    """Every ``{name}`` in a clause's text, as matches (``group(1)`` is the name)."""
    return PLACEHOLDER.finditer(text)


# ------------------------------------------------------------------------- policy values


def _segments(path: str) -> list[tuple[str, str | None]] | None:
    parts = path.split(".")
    out: list[tuple[str, str | None]] = []
    for part in parts:
        m = _SEGMENT.fullmatch(part)
        if m is None:
            return None
        out.append((m.group(1), m.group(2)))
    return out


def _step_for(steps: list[Any], selector: str) -> Any:
    stage = parse_stage(selector)
    if stage is None:
        return next((s for s in steps if isinstance(s, dict) and s.get("id") == selector), None)
    for step in steps:
        first = parse_stage(str(step.get("from", "")))
        last = parse_stage(str(step["to"])) if step.get("to") is not None else None
        if first is not None and first <= stage and (last is None or stage <= last):
            return step
    return None


def _walk(data: Any, segments: list[tuple[str, str | None]]) -> tuple[Any, list[str]] | None:
    """The value at ``segments`` and the schema path to it (list items as ``[]``)."""
    value, schema_path = data, []
    for key, selector in segments:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
        schema_path.append(key)
        if selector is not None:
            if not isinstance(value, list):
                return None
            if key == "steps":
                value = _step_for(value, selector)
            else:
                value = next((item for item in value if isinstance(item, dict) and item.get("id") == selector), None)
            if value is None:
                return None
            schema_path.append("[]")
    return value, schema_path


def _schema_leaf(kind: str, path: list[str]) -> str:
    """How the schema types the value at ``path``: percent, money, date, integer or text."""
    node: Any = schema_document(kind) or {}
    for key in path:
        node = node.get("items", {}) if key == "[]" else node.get("properties", {}).get(key, {})
    ref = str(node.get("$ref", ""))
    for name in ("percent", "money", "date"):
        if ref.endswith(f"/{name}"):
            return name
    if ref.endswith("/positiveInt") or node.get("type") == "integer":
        return "integer"
    return "text"


def _format(value: Any, leaf: str, english: bool = False) -> tuple[str, Decimal | None]:
    if leaf == "percent" and isinstance(value, (str, int, Decimal)):
        percent = parse_percent(value)
        return format_percent_sign(percent), percent
    if leaf == "money" and isinstance(value, (int, Decimal)):
        amount = Decimal(value)
        return format_amount(amount), amount
    if leaf == "date" and isinstance(value, str):
        return (date_en if english else date_zh)(date.fromisoformat(value)), None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value), Decimal(value)
    if isinstance(value, str):
        return value, None
    raise LookupError("not a single value")


def _channels(data: Mapping[str, Any], english: bool) -> str | None:
    channels = [c for c in data.get("aftersales", {}).get("channels", []) if c.get("staffed", True)]
    if not english:
        return "、".join(str(c["name"]) for c in channels)
    names = [str(c.get("name_en") or "") for c in channels]
    return join_en(names) if all(names) else None


def _computed(data: Mapping[str, Any], segments: list[tuple[str, str | None]], english: bool = False) -> str | None:
    """Names that stand for a value made from several (channels, a step's stages in words)."""
    names = [key for key, _ in segments]
    if names == ["aftersales", "channels"]:
        return _channels(data, english)
    if names in (["aftersales", "response", "service_hours"], ["aftersales", "response", "outside_hours"]):
        # the service hours are data (days, from, to; reply_by): printed in the words of model.response_zh
        from salesdocs.model import response_en, response_zh
        from salesdocs.policy.assemble import build_service_hours

        try:
            response = data["aftersales"]["response"]
            words = (response_en if english else response_zh)(int(response["first_response_minutes"]), build_service_hours(response))
        except (KeyError, TypeError, ValueError):
            return None
        return words.service_hours if names[-1] == "service_hours" else words.outside_hours
    if names[:3] == ["refunds", "ladders", "steps"] and names[-1] == "stages" and len(names) == 4:
        found = _walk(data, segments[:-1])
        if found is None or not isinstance(found[0], dict):
            return None
        first = parse_stage(str(found[0].get("from", "")))
        to = found[0].get("to")
        last = parse_stage(str(to)) if to is not None else None
        if first is None:
            return None
        return stages_en(first, last) if english else stages_zh(first, last)
    return None


def policy_value(data: Mapping[str, Any], name: str, *, english: bool = False) -> tuple[str, Decimal | None] | None:
    """The text a policy placeholder prints, and its number when it is one (None: no such value).

    ``english``: as an English text prints it — dates as "29 November 2026", and a text value with
    Chinese in it from its English sibling (``company.forum_court`` → ``forum_court_en``; None when missing).
    """
    segments = _segments(name)
    if segments is None or segments[0][0] not in RULES_NAMESPACES:
        return None
    computed = _computed(data, segments, english)
    if computed is not None:
        return computed, None
    found = _walk(data, segments)
    if found is None:
        return None
    value, path = found
    try:
        leaf = _schema_leaf(segments[0][0], path[1:])
        if english and leaf == "text" and isinstance(value, str) and CJK.search(value):
            translated = _walk(data, [*segments[:-1], (f"{segments[-1][0]}_en", segments[-1][1])])
            return (str(translated[0]), None) if translated is not None and translated[0] else None
        return _format(value, leaf, english)
    except (LookupError, ValueError, ArithmeticError):
        return None


def _leaves(value: Any, prefix: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "id" in item:
                yield from _leaves(item, f"{prefix}[{item['id']}]")
    else:
        yield prefix


def _step_names(data: Mapping[str, Any]) -> Iterator[str]:
    """A step by the stage it starts at or by its id: ``steps[revision-3]``, ``steps[rev-3-and-later]``."""
    for ladder in data.get("refunds", {}).get("ladders", []):
        for step in ladder.get("steps", []):
            for selector in (step.get("from"), step.get("id")):
                for key in ("percent", "stages"):
                    if selector:
                        yield f"refunds.ladders[{ladder.get('id')}].steps[{selector}].{key}"


def policy_values(data: Mapping[str, Any]) -> dict[str, tuple[str, Decimal | None]]:
    """Every single value of the rules files a placeholder can print, by name, in
    :data:`FIGURE_ORDER` (computed once per check: both the vocabulary and the figures use it)."""
    values: dict[str, tuple[str, Decimal | None]] = {}
    for namespace in FIGURE_ORDER:
        for name in _leaves(data.get(namespace, {}), namespace):
            bound = policy_value(data, name)
            if bound is not None:
                values[name] = bound
    return values


def vocabulary(
    data: Mapping[str, Any], contract: Contract, payment_ids: list[str], values: Mapping[str, object] | None = None
) -> list[str]:
    """Every placeholder name a clause may use (for unknown-name checks and did-you-mean)."""
    names = set(DEAL_NAMES) | {LIMITING, "aftersales.channels", "aftersales.response.service_hours", "aftersales.response.outside_hours"}
    names |= {f"quote.payments[{pid}].amount" for pid in payment_ids}
    names |= set(values if values is not None else policy_values(data))
    names |= set(_step_names(data))
    names |= {f"ref.{article.id}" for article in contract.articles}
    names |= {f"ref.{clause.id}" for article in contract.articles for clause in article.clauses}
    return sorted(names)


def policy_figures(values: Mapping[str, tuple[str, Decimal | None]]) -> dict[tuple[Decimal, bool], list[str]]:
    """Numeric policy values and the placeholders that print them (for the literal-figure check),
    keyed by (value, is a percentage): a typed "5%" is compared with percentages only, "5" with the rest."""
    figures: dict[tuple[Decimal, bool], list[str]] = {}
    for name, (shown, number) in values.items():
        if number is not None and not name.endswith((".version", ".effective")):
            figures.setdefault((number, shown.endswith("%")), []).append(name)
    return figures


# ------------------------------------------------------------------------- conditions, numbers


@dataclass(frozen=True)
class DealFacts:
    """What a clause's ``when:`` can ask about a deal."""

    services: frozenset[str]
    kinds: frozenset[str]
    tiers: frozenset[tuple[str, str]]
    main_contract: bool
    english: bool = False  # the document is in English or 中英对照


def deal_facts(policy: Policy, deal: Deal, *, english: bool = False) -> DealFacts:
    services = {line.service for line in deal.lines}
    kinds = {s.kind for s in policy.services if s.id in services}
    return DealFacts(
        frozenset(services),
        frozenset(kinds),
        frozenset((line.service, line.tier) for line in deal.lines),
        deal.main_contract is not None,
        english,
    )


def applies(when: Condition | None, facts: DealFacts) -> bool:
    if when is None:
        return True
    if when.service_kind is not None and when.service_kind not in facts.kinds:
        return False
    if when.service is not None:
        if when.tier is not None:
            if (when.service, when.tier) not in facts.tiers:
                return False
        elif when.service not in facts.services:
            return False
    if when.english is not None and when.english != facts.english:
        return False
    return when.main_contract is None or when.main_contract == facts.main_contract


@dataclass(frozen=True)
class NumberedClause:
    clause: Clause
    number: str  # "8.2" for an item, "表5" for a table

    @property
    def label(self) -> str:
        return self.number if self.clause.table else f"第{self.number}条"

    @property
    def label_en(self) -> str:
        return self.number.replace("表", "Table ") if self.clause.table else f"Clause {self.number}"


@dataclass(frozen=True)
class NumberedArticle:
    article: Article
    number: int
    clauses: tuple[NumberedClause, ...]

    @property
    def label(self) -> str:
        return f"第{chinese_numeral(self.number)}条"

    @property
    def label_en(self) -> str:
        return f"Article {self.number}"


def number_contract(contract: Contract, facts: DealFacts) -> list[NumberedArticle]:
    """The articles and clauses that apply to a deal, numbered: 第一条 …, items 1.1 …, tables 表1 …"""
    out: list[NumberedArticle] = []
    tables = 0
    for article in contract.articles:
        kept = [c for c in article.clauses if applies(c.when, facts)]
        if not kept:
            continue
        number = len(out) + 1
        items = 0
        numbered: list[NumberedClause] = []
        for clause in kept:
            if clause.table:
                tables += 1
                numbered.append(NumberedClause(clause, f"表{tables}"))
            else:
                items += 1
                numbered.append(NumberedClause(clause, f"{number}.{items}"))
        out.append(NumberedArticle(article, number, tuple(numbered)))
    return out


def references(articles: list[NumberedArticle], *, english: bool = False) -> dict[str, str]:
    """``ref.<id>`` → its label in this deal's appendix, and the limiting clauses' list
    (``english``: Article 8, Clause 8.2, Table 5; Clauses 2.4, 5.2 and 6.1)."""
    refs: dict[str, str] = {}
    limiting: list[str] = []
    for article in articles:
        refs[f"ref.{article.article.id}"] = article.label_en if english else article.label
        for item in article.clauses:
            refs[f"ref.{item.clause.id}"] = item.label_en if english else item.label
            if item.clause.limits_client_rights and not item.clause.table:
                limiting.append(item.number)
    if english:
        refs[LIMITING] = (f"Clause {limiting[0]}" if len(limiting) == 1 else f"Clauses {join_en(limiting)}") if limiting else "none"
    else:
        refs[LIMITING] = f"第{'、'.join(limiting)}条" if limiting else "无"
    return refs


_PLURAL = re.compile(r"\b([0-9]+) ((?:working |calendar )?(?:day|year|minute))\(s\)")


def english_plurals(text: str) -> str:
    """``1 working day(s)`` → ``1 working day``, ``5 working day(s)`` → ``5 working days``: English clause
    texts write ``day(s)`` after a placeholder, and the filled-in number decides."""
    return _PLURAL.sub(lambda m: f"{m.group(1)} {m.group(2)}{'' if m.group(1) == '1' else 's'}", text)


def resolve_text(text: str, lookup: Callable[[str], str | None], where: str) -> str:
    """``text`` with every placeholder filled by ``lookup``; an unknown name is a RenderError
    (``check`` reports it first, at its line)."""
    return resolve_slots(text, lookup, where)[0]


def resolve_slots(text: str, lookup: Callable[[str], str | None], where: str) -> tuple[str, list[tuple[int, int, str]]]:
    """:func:`resolve_text`, and where each placeholder's value landed: ``(start, end, name)`` in the
    filled text (the DOCX carries them, so a redline can tell an edited figure from edited wording)."""
    out: list[str] = []
    slots: list[tuple[int, int, str]] = []
    length, last = 0, 0
    for m in PLACEHOLDER.finditer(text):
        name = m.group(1).strip()
        value = lookup(name)
        if value is None:
            raise RenderError(
                f"{where}：占位符 {{{m.group(1)}}} 没有对应的值（请运行 salesdocs check）",
                f"{where}: placeholder {{{m.group(1)}}} has no value (run salesdocs check)",
            )
        literal = text[last : m.start()]
        out += [literal, value]
        length += len(literal)
        slots.append((length, length + len(value), name))
        length += len(value)
        last = m.end()
    out.append(text[last:])
    return "".join(out), slots


def value_location(data: Mapping[str, Any], name: str) -> tuple[str, tuple[str | int, ...], str] | None:
    """Where a policy placeholder's value is written: the rules file's namespace, the path of keys
    and list indexes inside it, and the id of the list item it sits in (a ladder step's id), or None."""
    segments = _segments(name)
    if segments is None or segments[0][0] not in RULES_NAMESPACES:
        return None
    value: Any = data.get(segments[0][0])
    path: list[str | int] = []
    item_id = ""
    for key, selector in segments[1:]:
        if not isinstance(value, dict) or key not in value:
            break  # a computed name (channels' names, a step's stages): point at what it is made from
        value = value[key]
        path.append(key)
        if selector is None:
            continue
        if not isinstance(value, list):
            return None
        chosen = _step_for(value, selector) if key == "steps" else None
        chosen = chosen or next((x for x in value if isinstance(x, dict) and x.get("id") == selector), None)
        if chosen is None:
            return None
        path.append(value.index(chosen))
        item_id = str(chosen.get("id", item_id))
        value = chosen
    return segments[0][0], tuple(path), item_id
