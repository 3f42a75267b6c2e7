"""Compare two policies rule by rule: what legal's 修订对照表 (amendment table) lists.

Each rules file is cut into *rules*: every item of a list keyed by a stable ``id`` (a service's
tier, a ladder step, a payment instalment, an after-sales duty, a contract clause …) and every
other top-level entry (``terms.review_days``, ``aftersales.response``).  A rule's values are its
leaves, named by their schema titles.  Two policies are compared rule by rule, keyed by the id
path, so moving or renumbering never reads as a change; a changed wording is compared token by
token (each Chinese character is a token, a run of Latin letters or digits is one).

The character diff is :class:`difflib.SequenceMatcher` from the standard library with ``autojunk``
off: deterministic (the same two texts always give the same segments, which the reproducible PDF
needs), no dependency, and for clause-sized texts fast enough (the whole sample diffs in
milliseconds).  The pre-sales method (internal, cited by no deal) is not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from salesdocs.engine.money import chinese_numeral, format_amount
from salesdocs.model import Deal, Policy
from salesdocs.policy.contract import NumberedArticle, NumberedClause, applies, deal_facts, placeholders, references
from salesdocs.policy.diffwords import STEP_COLUMNS, Segment, readable, step_cells, step_row, word_diff, wording_note
from salesdocs.policy.schema import schema_document

#: files compared, in the order the table lists them
FILES = ("services", "refunds", "terms", "contract", "aftersales", "company", "calendar")
SKIPPED_KEYS = frozenset({"version", "effective"})
#: the appendix table that shows a tier's field (services.yaml), by the field's first key
TIER_TABLES = {
    "price": "price-lines",
    "unit": "price-lines",
    "delivery": "deal-lines",
    "revisions": "revision-allowances",
    "writer_change": "revision-allowances",
    "refund_ladder": "refund-ladders",
}


@dataclass
class Rule:
    """One rule of a policy: a stable path, a plain-Chinese label and its values by field."""

    path: str
    file: str
    label: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (title, shown value)
    services: frozenset[str] | None = None  # the services whose deals it concerns; None: every deal
    clause: tuple[str, str] | None = None  # (article id, clause id) of a contract clause
    internal: bool = False  # marked "x-audience": "internal" (the discount limit): never in the client's table
    raw: Mapping[str, Any] | None = None  # the item as written (a ladder step's from, to, percent …)
    display: dict[str, str] = field(default_factory=dict)  # key → the value as readers see it (a clause's filled text)
    wording: dict[str, str] = field(default_factory=dict)  # key → a clause's text filled by the newer policy (its edits alone)


@dataclass(frozen=True)
class Change:
    status: str  # added | removed | changed
    path: str
    article: str
    label: str
    before: str | None
    after: str | None
    summary: str
    segments: tuple[Segment, ...]
    services: frozenset[str] | None
    clause: tuple[str, str] | None
    internal: bool = False
    #: a clause's text as written, with its placeholders (before / after show them filled)
    source_before: str | None = None
    source_after: str | None = None


# ------------------------------------------------------------------ cutting a policy into rules


def _short(title: str) -> str:
    """A schema title's Chinese head: "退款比例：退款基数…的百分比 · Share …" → "退款比例"."""
    head = title.split(" · ")[0]
    for stop in ("：", "（", "(", ":"):
        head = head.split(stop)[0]
    return head.strip()


def _title(node: Any, root: Any, fallback: str) -> str:
    if isinstance(node, dict):
        if "title" in node:
            return _short(str(node["title"]))
        ref = node.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _title(root.get("$defs", {}).get(ref.rsplit("/", 1)[1]), root, fallback)
    return fallback


def _sub(node: Any, key: str) -> Any:
    return node.get("properties", {}).get(key, {}) if isinstance(node, dict) else {}


def shown(value: Any) -> str:
    """A value as the table prints it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "、".join(shown(v) for v in value) or "—"
    if isinstance(value, dict):
        return "，".join(f"{k} {shown(v)}" for k, v in value.items())
    return str(value)


def _item_name(item: Mapping[str, Any], list_key: str) -> str:
    if list_key == "steps":
        return str(item.get("text", item["id"])).split("，")[0]
    if list_key == "items":
        return str(item["id"])
    name = item.get("name") or item.get("title")
    if name:
        return str(name).split("（")[0]
    words = str(item.get("text") or item["id"]).split("，")[0]
    return words if len(words) <= 16 else words[:15] + "…"


def _internal(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("x-audience") == "internal"


def _named(item: Mapping[str, Any], list_key: str) -> bool:
    return list_key in ("steps", "items") or bool(item.get("name") or item.get("title"))


def _is_keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "id" in v for v in value)


class _Cutter:
    def __init__(self, file: str, root_schema: Any, out: dict[str, Rule], ladder_services: Mapping[str, frozenset[str]]) -> None:
        self.file, self.root, self.out, self.ladder_services = file, root_schema, out, ladder_services

    def rule(self, path: str, label: str, value: Any, schema: Any, services: frozenset[str] | None, clause: tuple[str, str] | None) -> None:
        rule = Rule(path, self.file, label, services=services, clause=clause, raw=value if isinstance(value, dict) else None)
        self.out[path] = rule
        if isinstance(value, dict):
            self.leaves(rule, value, schema, "", label)
        else:
            rule.fields[""] = (_title(schema, self.root, path), shown(value))

    def leaves(self, rule: Rule, data: Mapping[str, Any], schema: Any, prefix: str, label: str) -> None:
        for key, value in data.items():
            if key == "id" or (not prefix and key in SKIPPED_KEYS):
                continue
            sub = _sub(schema, key)
            if _is_keyed(value):
                items_schema = sub.get("items", {}) if isinstance(sub, dict) else {}
                for item in value:
                    services, clause = self.scope(rule, key, item)
                    self.rule(
                        f"{rule.path}.{prefix}{key}[{item['id']}]",
                        f"{label} · {_item_name(item, key)}",
                        item,
                        items_schema,
                        services,
                        clause,
                    )
            elif isinstance(value, dict):
                self.leaves(rule, value, sub, f"{prefix}{key}.", label)
            else:
                rule.internal = rule.internal or _internal(sub)
                money = isinstance(sub, dict) and str(sub.get("$ref", "")).endswith("/money") and isinstance(value, Decimal | int)
                rule.fields[f"{prefix}{key}"] = (
                    _title(sub, self.root, key),
                    format_amount(Decimal(value)) + " 元" if money else shown(value),
                )

    def scope(self, parent: Rule, key: str, item: Mapping[str, Any]) -> tuple[frozenset[str] | None, tuple[str, str] | None]:
        if self.file == "services" and key == "services":
            return frozenset({str(item["id"])}), None
        if self.file == "refunds" and key == "ladders":
            return self.ladder_services.get(str(item["id"]), frozenset()), None
        if self.file == "contract" and key == "items":
            return None, (parent.path.rsplit("[", 1)[1].rstrip("]"), str(item["id"]))
        return parent.services, parent.clause


def _file_label(name: str, schema: Any) -> str:
    return _title(schema, schema, name)


def rules_of(policy: Policy) -> dict[str, Rule]:
    """Every rule of a policy by its stable path (``refunds.ladders[copywriting].steps[rev-2]``)."""
    ladder_services: dict[str, set[str]] = {}
    for service in policy.services:
        for tier in service.tiers:
            ladder_services.setdefault(tier.ladder.id, set()).add(service.id)
    frozen = {k: frozenset(v) for k, v in ladder_services.items()}
    out: dict[str, Rule] = {}
    for name in FILES:
        data = policy.data.get(name)
        if not isinstance(data, dict):
            continue
        schema = schema_document(name) or {}
        cutter = _Cutter(name, schema, out, frozen)
        for key, value in data.items():
            if key in SKIPPED_KEYS:
                continue
            sub = _sub(schema, key)
            if _is_keyed(value):
                items_schema = sub.get("items", {})
                for item in value:
                    holder = Rule(f"{name}.{key}", name, "", services=None)
                    services, clause = cutter.scope(holder, key, item)
                    path = f"{name}[{item['id']}]" if key == name else f"{name}.{key}[{item['id']}]"
                    label = _item_name(item, key) if _named(item, key) else f"{_title(sub, schema, key)} · {_item_name(item, key)}"
                    cutter.rule(path, label, item, items_schema, services, clause)
            else:
                cutter.rule(f"{name}.{key}", _title(sub, schema, key), value, sub, None, None)
                out[f"{name}.{key}"].internal |= _internal(sub)
    return out


# ------------------------------------------------------------------ where a rule shows in the appendix


@dataclass(frozen=True)
class ArticleMap:
    """The appendix article that shows each table and cites each policy value (full text numbering)."""

    labels: dict[str, str]  # article id → "第八条 退款"
    numbers: dict[str, str]  # clause id → "第8.2条" / "表5"
    tables: dict[str, str]  # table name → article id
    cites: list[tuple[str, str]]  # (placeholder path without selectors, article id)
    refs: dict[str, str] = field(default_factory=dict)  # ref.<id> and the limiting clauses, numbered so


def _plain(path: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", path)


def article_map(policy: Policy) -> ArticleMap:
    labels: dict[str, str] = {}
    numbers: dict[str, str] = {}
    tables: dict[str, str] = {}
    cites: list[tuple[str, str]] = []
    numbered: list[NumberedArticle] = []
    table_count = 0
    for index, article in enumerate(policy.contract.articles, start=1):
        labels[article.id] = f"第{chinese_numeral(index)}条 {article.title}"
        items = 0
        clauses: list[NumberedClause] = []
        for clause in article.clauses:
            if clause.table:
                table_count += 1
                numbers[clause.id] = f"表{table_count}"
                tables[clause.table] = article.id
                clauses.append(NumberedClause(clause, f"表{table_count}"))
                continue
            items += 1
            numbers[clause.id] = f"第{index}.{items}条"
            clauses.append(NumberedClause(clause, f"{index}.{items}"))
            cites.extend((_plain(m.group(1).strip()), article.id) for m in placeholders(clause.text))
        numbered.append(NumberedArticle(article, index, tuple(clauses)))
    return ArticleMap(labels, numbers, tables, cites, references(numbered))


def _articles(rule: Rule, keys: list[str], amap: ArticleMap) -> list[str]:
    if rule.clause is not None:
        return [rule.clause[0]]
    found: list[str] = []
    plain = _plain(rule.path)
    for key in keys or [""]:
        if rule.file == "services" and ".tiers[" in rule.path:
            table = TIER_TABLES.get(key.split(".")[0], "scope-lines")
            found.append(amap.tables.get(table, ""))
            continue
        if rule.file == "refunds" and plain.startswith("refunds.ladders"):
            found.append(amap.tables.get("refund-ladders", ""))
        full = f"{plain}.{key}" if key else plain
        found.extend(a for cited, a in amap.cites if cited.startswith(full) or full.startswith(cited))
    return list(dict.fromkeys(a for a in found if a))


# ------------------------------------------------------------------ comparing


def _text_of(rule: Rule, keys: list[str]) -> str:
    parts = []
    for key in keys:
        title, value = rule.fields[key]
        parts.append(value if key in ("text", "") else f"{title}：{value}")
    return "；".join(parts)


def _english_only(keys: list[str]) -> bool:
    return all(k.endswith("_en") for k in keys)


def _shown_rule(rule: Rule, other: Rule, keys: list[str]) -> Rule:
    """The changed fields of ``rule`` as readers see them (a missing one as "—"); English texts titled 英文文本."""
    fields = {}
    for key in keys:
        title, value = rule.fields.get(key, (other.fields[key][0], "—"))
        fields[key] = ("英文文本" if key.endswith("_en") else title, rule.display.get(key, value))
    return Rule(rule.path, rule.file, rule.label, fields, wording={k: v for k, v in rule.wording.items() if k in keys})


def _source(rule: Rule, keys: list[str]) -> str | None:
    """The changed clause text as written, when filling its placeholders changed it."""
    raw = [rule.fields[k][1] for k in keys if k in rule.display and rule.fields.get(k, ("", ""))[1] != rule.display[k]]
    return "；".join(raw) if raw else None


def _step_notes(old: Rule, new: Rule, keys: list[str]) -> tuple[str, str, list[str]] | None:
    """A ladder step's change as its refund-table row: 阶段 · 退款比例 · 乙方保留, and its wording when
    the Chinese text says more than the figures (None: not a step, or only its English changed)."""
    cells = (step_cells(old.raw or {}), step_cells(new.raw or {}))
    if ".steps[" not in new.path or cells[0] is None or cells[1] is None or _english_only(keys):
        return None
    before, after = step_row(cells[0]), step_row(cells[1])
    notes = [f"{title} {a} → {b}" for title, a, b in zip(STEP_COLUMNS, cells[0], cells[1], strict=True) if a != b]
    if "text" in keys:
        figures = [k for k in keys if k not in ("text",) and not k.endswith("_en")]
        restated = ({old.fields[k][1] for k in figures if k in old.fields}, {new.fields[k][1] for k in figures if k in new.fields})
        old_text, new_text = old.fields.get("text", ("", ""))[1], new.fields.get("text", ("", ""))[1]
        note = wording_note(word_diff(old_text, new_text), restated)
        if note is not None:
            notes.append(note)
            before, after = f"{before}；{old_text}", f"{after}；{new_text}"
    return before, after, notes


def _changed(old: Rule, new: Rule, amap: ArticleMap) -> Change | None:
    keys = [k for k in dict.fromkeys([*old.fields, *new.fields]) if old.fields.get(k, ("", "—"))[1] != new.fields.get(k, ("", "—"))[1]]
    if not keys:
        return None
    if not _english_only(keys):
        keys = [k for k in keys if not k.endswith("_en")]  # the English follows the Chinese: not listed again
    before_rule, after_rule = _shown_rule(old, new, keys), _shown_rule(new, old, keys)
    step = _step_notes(old, new, keys)
    if step is not None:
        before, after, notes = step
    elif _english_only(keys):
        before, after, notes = _text_of(before_rule, keys), _text_of(after_rule, keys), ["英文文本修改"]
    else:
        before, after = _text_of(before_rule, keys), _text_of(after_rule, keys)
        notes = _notes(before_rule, after_rule, keys, new.label, old.clause is not None)
    summary = f"{_where(new, amap)}：{'；'.join(_value_first(notes))}"
    article = "、".join(amap.labels[a] for a in _articles(new, keys, amap) if a in amap.labels)
    services = old.services | new.services if old.services is not None and new.services is not None else None
    internal = old.internal or new.internal
    segments = tuple(word_diff(before, after))
    where = _where(new, amap)
    return Change(
        "changed",
        new.path,
        article,
        where,
        before,
        after,
        summary,
        segments,
        services,
        new.clause,
        internal,
        _source(old, keys),
        _source(new, keys),
    )


def _notes(before: Rule, after: Rule, keys: list[str], label: str, clause: bool) -> list[str]:
    notes = []
    figures = [k for k in keys if k not in ("text", "")]
    restated = ({before.fields[k][1] for k in figures}, {after.fields[k][1] for k in figures})
    for key in keys:
        title = after.fields[key][0]
        if key in ("text", "") and (clause or key == "text"):
            old, new = before.wording.get(key, before.fields[key][1]), after.wording.get(key, after.fields[key][1])
            note = wording_note(word_diff(old, new), restated) if old != new else None
            notes.extend([note] if note else [])
            if clause and old != before.fields[key][1]:
                notes.append("所引政策值随之改变（见该值的修订）")
        else:
            named = "" if title == label else f"{title} "
            notes.append(f"{named}{before.fields[key][1]} → {after.fields[key][1]}")
    return notes


def _value_first(notes: list[str]) -> list[str]:
    """A changed figure first, the wording that restates it after ("退款比例 30% → 25%；文字修改…")."""
    return sorted(notes, key=lambda n: n.startswith(("文字修改", "所引")))


def _where(rule: Rule, amap: ArticleMap) -> str:
    if rule.clause is not None:
        return amap.numbers.get(rule.clause[1], rule.clause[1])
    return rule.label


def _one_sided(status: str, rule: Rule, amap: ArticleMap) -> Change:
    keys = [k for k in rule.fields if not k.endswith("_en")] or list(rule.fields)
    cells = step_cells(rule.raw or {}) if ".steps[" in rule.path else None
    text = step_row(cells) if cells is not None else _text_of(_shown_rule(rule, rule, keys), keys)
    verb = "新增" if status == "added" else "删除"
    article = "、".join(amap.labels[a] for a in _articles(rule, [], amap) if a in amap.labels)
    segments = (Segment("insert" if status == "added" else "delete", text),)
    before, after = (None, text) if status == "added" else (text, None)
    source = _source(rule, keys)
    return Change(
        status,
        rule.path,
        article,
        rule.label,
        before,
        after,
        f"{verb}：{_where(rule, amap)}",
        segments,
        rule.services,
        rule.clause,
        source_before=source if status == "removed" else None,
        source_after=source if status == "added" else None,
    )


def _filled(rules: dict[str, Rule], policy: Policy, amap: ArticleMap, newer: Policy, newer_map: ArticleMap) -> dict[str, Rule]:
    """Each clause's texts with their placeholders filled by this policy (see :func:`readable`), and
    by the newer one (so that a note on the wording names only the words edited)."""
    for rule in rules.values():
        if rule.clause is None:
            continue
        for key in ("text", "text_en"):
            if key in rule.fields:
                english = key == "text_en"
                rule.display[key] = readable(rule.fields[key][1], policy.data, amap.refs, english=english)
                rule.wording[key] = readable(rule.fields[key][1], newer.data, newer_map.refs, english=english)
    return rules


def compare(old: Policy, new: Policy) -> list[Change]:
    """Every rule added, removed or changed from ``old`` to ``new``, in the new policy's order
    (removed rules where they stood in the old one)."""
    amap_new, amap_old = article_map(new), article_map(old)
    before = _filled(rules_of(old), old, amap_old, new, amap_new)
    after = _filled(rules_of(new), new, amap_new, new, amap_new)
    changes: list[Change] = []
    order = list(dict.fromkeys([*after, *before]))
    for path in order:
        if path not in before:
            changes.append(_one_sided("added", after[path], amap_new))
        elif path not in after:
            changes.append(_one_sided("removed", before[path], amap_old))
        elif (change := _changed(before[path], after[path], amap_new)) is not None:
            changes.append(change)
    return changes


def affected(changes: list[Change], deals: Mapping[str, Deal], new: Policy) -> dict[str, list[int]]:
    """Deal id → the numbers (1-based) of the changes its documents would show if re-issued under ``new``."""
    clauses = {(a.id, c.id): c for a in new.contract.articles for c in a.clauses}
    out: dict[str, list[int]] = {}
    for deal_id, deal in sorted(deals.items()):
        used = {line.service for line in deal.lines}
        facts = deal_facts(new, deal)
        hits = []
        for number, change in enumerate(changes, start=1):
            if change.path.startswith("company.cases") or change.path.startswith("company.advantages"):
                continue  # the intro's, not a deal's
            if change.clause is not None:
                clause = clauses.get(change.clause)
                if clause is None or applies(clause.when, facts):
                    hits.append(number)
            elif change.services is None or change.services & used:
                hits.append(number)
        if hits:
            out[deal_id] = hits
    return out


def iter_lines(changes: list[Change]) -> Iterator[str]:
    """One line per change: where in the appendix, the summary and the policy path."""
    for number, change in enumerate(changes, start=1):
        where = f"{change.article} · " if change.article else ""
        internal = "〔内部〕" if change.internal else ""
        yield f"{number}. {internal}{where}{change.summary}  ({change.path})"
