"""``salesdocs new client|deal``: a new file drafted from its schema, every field named.

Each field of the schema becomes a comment with its title (Chinese · English).  The fields a
newcomer must fill are written as keys with nothing after them (``name:``), marked ★ (:data:`MARK`): ``check``
reports exactly those, at their lines, until they are filled.  Optional fields are written as
comments (``# region:``) to uncomment; where the policy knows the choices (service and tier ids,
classification levels, need levels) the comment lists them.  Nothing else is invented, so a filled
scaffold passes ``check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from salesdocs.model import Policy
from salesdocs.policy.schema import schema_document

__all__ = ["ORIGIN_CLI", "ORIGIN_PREVIEW", "client_yaml", "deal_yaml", "id_refusal"]

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
#: who made the file, as its first comment says (zh, en); ``{kind}`` is client or deal
ORIGIN_CLI = ("由 salesdocs new {kind} 生成", "made by `salesdocs new {kind}`")
ORIGIN_PREVIEW = ("由预览页的“新建文件”生成", "made by the preview's New file")


def id_refusal(value: str, zh: str, en: str, example: str) -> tuple[str, str] | None:
    """Why ``value`` cannot be a client or deal id (it is also the file name), or None when it can."""
    if _ID.match(value):
        return None
    return (
        f"{zh} {value} 不合规：只能用小写字母、数字和 -（例如 {example}），它也是文件名",
        f"{en} {value} is not valid: lower-case letters, digits and - only (e.g. {example}); it is also the file name",
    )


MARK = "★ 必填 / required"
#: a required field of an optional part written as comments: needed only once that part is uncommented
#: (not counted as a field to fill; it does not contain :data:`MARK`)
MARK_WHEN_USED = "★ 启用这一项时必填 / required once uncommented"
#: optional in the schema, but a deal needs them: a client contact reachable in writing (the appendix
#: counts e-mail and WeChat messages as written; check asks for one of the two)
_DEAL_TO_FILL = {("contacts",), ("contacts", "client"), ("contacts", "client", "email")}


def client_yaml(client_id: str, policy: Policy | None, origin: tuple[str, str] = ORIGIN_CLI) -> str:
    """The text of ``clients/<client_id>.yaml``."""
    zh, en = (o.format(kind="client") for o in origin)
    head = [
        "# yaml-language-server: $schema=../schemas/client.schema.json",
        f"# 新客户 {client_id}：{zh}。填好标 ★ 的字段（空着时 salesdocs check 会报错），",
        "# 其余字段按需去掉行首的 # 再填写，不需要的可以删除。",
        f"# New client {client_id}, {en}: fill in the fields marked ★ (check reports them",
        "# while empty); uncomment and fill the others as needed, or delete them.",
    ]
    return _document("client", head, {("id",): client_id}, set(), policy)


def deal_yaml(deal_id: str, client_id: str, today: date, policy: Policy | None, origin: tuple[str, str] = ORIGIN_CLI) -> str:
    """The text of ``deals/<deal_id>.yaml`` for client ``client_id``, quoted ``today``."""
    zh, en = (o.format(kind="deal") for o in origin)
    head = [
        "# yaml-language-server: $schema=../schemas/deal.schema.json",
        f"# 新交易 {deal_id}：{zh}。填好标 ★ 的字段（空着时 salesdocs check 会报错），",
        "# 其余字段按需去掉行首的 # 再填写。报价日期默认是今天。",
        f"# New deal {deal_id}, {en}: fill in the fields marked ★ (check reports them while",
        "# empty); uncomment the others as needed. The quote date is today.",
    ]
    given: dict[tuple[str, ...], str] = {
        ("id",): deal_id,
        ("client",): client_id,
        ("date",): today.isoformat(),
        ("lines", "quantity"): "1",
    }
    return _document("deal", head, given, _DEAL_TO_FILL, policy)


def _document(kind: str, head: list[str], given: dict[tuple[str, ...], str], to_fill: set[tuple[str, ...]], policy: Policy | None) -> str:
    schema = schema_document(kind) or {}
    lines = [*head, *_fields(schema, (), "", given, to_fill, policy, commented=False)]
    return "\n".join(lines) + "\n"


def _fields(
    schema: dict[str, Any],
    path: tuple[str, ...],
    indent: str,
    given: dict[tuple[str, ...], str],
    to_fill: set[tuple[str, ...]],
    policy: Policy | None,
    *,
    commented: bool,
) -> Iterator[str]:
    """The lines of an object's properties, in the schema's order."""
    required = set(schema.get("required", ()))
    first = True
    for key, prop in (schema.get("properties") or {}).items():
        here = (*path, key)
        pad = " " * len(indent)  # the first key of a list item carries the "- " of the indent
        needed = not commented and (key in required or here in to_fill) and here not in given
        hash_ = "" if needed or (not commented and here in given) else "# "
        title = str(prop.get("title", key))
        note = _choices(here, policy)
        leaf = not (prop.get("properties") or (prop.get("items") or {}).get("properties"))
        mark = MARK if needed else MARK_WHEN_USED if commented and key in required else ""
        yield f"{pad}# {title}" + (f"  {mark}" if mark and leaf else "") + (f"；{note}" if note else "")
        prefix = indent if first else pad
        first = False
        yield from _value(prop, here, prefix, hash_, given, to_fill, policy, commented=commented or bool(hash_))


def _value(
    prop: dict[str, Any],
    here: tuple[str, ...],
    prefix: str,
    hash_: str,
    given: dict[tuple[str, ...], str],
    to_fill: set[tuple[str, ...]],
    policy: Policy | None,
    *,
    commented: bool,
) -> Iterator[str]:
    """One field: ``key: value``, ``key:`` to fill, or a nested object or list of objects."""
    key = here[-1]
    line = f"{_comment(prefix, hash_)}{key}:"
    if here in given:
        yield f"{line} {given[here]}"
        return
    kind = prop.get("type")
    items = prop.get("items") if kind == "array" else None
    if kind == "object" and prop.get("properties"):
        yield line
        yield from _fields(prop, here, " " * len(prefix) + "  ", given, to_fill, policy, commented=commented)
    elif isinstance(items, dict) and items.get("type") == "object":
        yield line
        yield from _fields(items, here, " " * len(prefix) + "  - ", given, to_fill, policy, commented=commented)
    else:
        yield line


def _comment(prefix: str, hash_: str) -> str:
    """``- `` stays in front of a commented first key of a list item: ``# - name:`` reads as YAML once uncommented."""
    stripped = prefix.rstrip(" -")
    if not hash_:
        return prefix
    return f"{stripped}{hash_}{prefix[len(stripped) :]}"


def _choices(here: tuple[str, ...], policy: Policy | None) -> str:
    """What the policy allows for a field, when it knows (ids written as they must be typed)."""
    if here == ("contacts", "client", "email"):
        return "或改写成 wechat: 微信号 / or write wechat: instead"
    if policy is None:
        return ""
    if here == ("lines", "service") or here == ("interests",):
        return "可选 / one of: " + ", ".join(f"{s.id}（{s.name}）" for s in policy.services)
    if here == ("lines", "tier"):
        return "按服务 / by service: " + "; ".join(f"{s.id}: {', '.join(t.id for t in s.tiers)}" for s in policy.services)
    if here == ("classification",):
        return "维度 / dimensions: " + "; ".join(f"{d.id}（{d.name}）: {'、'.join(d.levels)}" for d in policy.presales.classification)
    if here == ("needs",):
        return "层面 / levels: " + ", ".join(f"{i}（{n}）" for i, n in policy.presales.need_levels)
    return ""
