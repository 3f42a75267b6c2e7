"""The workspace's own ids as a JSON Schema (``schemas/ids.schema.json``), for editors.

The other schemas name ids through ``ids.schema.json#/$defs/…`` (a deal's ``client``, a line's
``service`` and ``tier``, a tier's ``refund_ladder``, the services of an after-sales category, a
client's ``classification`` and ``needs`` keys …).  Two versions of that file exist:

* :func:`ids_schema` with the workspace's ids — what ``salesdocs schemas`` and ``init`` write into
  the workspace's ``schemas/`` folder: each id is an ``enum`` with its name beside it, so
  yaml-language-server completes ``service:`` to the services that exist and marks a misspelt one.
* :func:`ids_schema` with None — the shape only (the id pattern), which ``check`` validates with.
  ``check`` finds unknown ids itself, with a "did you mean" and the list of choices, and must
  accept an id that was added since the editor's copy was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from salesdocs.model import Dimension

IDS_FILE = "ids.schema.json"
_ID = "common.schema.json#/$defs/id"
#: common.schema.json's id without its texts and example (tests/test_editor_schemas.py keeps them equal)
_ID_SHAPE: dict[str, Any] = {
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9-]*$",
    "maxLength": 64,
    "patternErrorMessage": "编号只能用小写字母、数字和 -，以字母或数字开头 · "
    "An id uses lower-case letters, digits and '-', starting with a letter or digit",
}
_REFRESH_ZH = "新加的编号请运行 salesdocs schemas 更新编辑器提示"
_REFRESH_EN = "after adding one, run `salesdocs schemas` to refresh the editor's help"


@dataclass(frozen=True)
class Named:
    """An id and what the editor shows beside it."""

    id: str
    name: str


@dataclass(frozen=True)
class WorkspaceIds:
    """Every id other files may name, in file order."""

    services: tuple[Named, ...] = ()
    tiers: tuple[Named, ...] = ()
    ladders: tuple[Named, ...] = ()
    clients: tuple[Named, ...] = ()
    categories: tuple[Named, ...] = ()
    classification: tuple[Dimension, ...] = ()
    needs: tuple[Named, ...] = ()
    #: (service id, its tier ids)
    service_tiers: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [item for item in value if isinstance(item, dict) and isinstance(item.get("id"), str)] if isinstance(value, list) else []


def _named(items: Iterable[dict[str, Any]]) -> tuple[Named, ...]:
    seen: dict[str, Named] = {}
    for item in items:
        seen.setdefault(item["id"], Named(item["id"], str(item.get("name", ""))))
    return tuple(seen.values())


def collect_ids(rules: Mapping[str, Any], clients: Iterable[Any]) -> WorkspaceIds:
    """The ids in the data of the rules files (by name: ``services`` …) and of the client files."""
    services = _items(rules.get("services"), "services")
    tiers: dict[str, list[str]] = {}
    for service in services:
        for tier in _items(service, "tiers"):
            tiers.setdefault(tier["id"], []).append(f"{service['id']}：{service.get('name', '')}·{tier.get('name', '')}")
    presales = rules.get("presales")
    return WorkspaceIds(
        services=_named(services),
        tiers=tuple(Named(tier_id, "；".join(where)) for tier_id, where in tiers.items()),
        ladders=_named(_items(rules.get("refunds"), "ladders")),
        clients=_named(c for c in clients if isinstance(c, dict) and isinstance(c.get("id"), str)),
        categories=_named(_items(rules.get("aftersales"), "categories")),
        classification=tuple(
            Dimension(d["id"], str(d.get("name", "")), tuple(str(level) for level in d.get("levels") or ()))
            for d in _items(presales, "classification")
        ),
        needs=_named(_items(presales, "need_levels")),
        service_tiers=tuple((s["id"], tuple(t["id"] for t in _items(s, "tiers"))) for s in services),
    )


#: $defs name → (what the ids are in zh, en; where they are defined)
#: an example of each kind of id (common's example, logo-design, is a service id: wrong beside a tier)
_EXAMPLES = {"service": "logo-design", "tier": "standard", "ladder": "design", "client": "yunfan-tech", "category": "design-style"}
_KINDS: dict[str, tuple[str, str, str]] = {
    "service": ("服务编号", "Service id", "rules/services.yaml"),
    "tier": ("档位编号", "Tier id", "rules/services.yaml"),
    "ladder": ("退款阶梯编号", "Refund ladder id", "rules/refunds.yaml"),
    "client": ("客户编号", "Client id", "clients/"),
    "category": ("售后问题类别编号", "After-sales problem category id", "rules/aftersales.yaml"),
}


def _texts(zh: str, en: str, more_zh: str = "", more_en: str = "") -> dict[str, str]:
    extra = f"\n\n{more_zh}\n\n{more_en}" if more_zh else ""
    return {"title": f"{zh} · {en}", "description": f"{zh}\n\n{en}{extra}", "markdownDescription": f"**{zh}**\n\n{en}{extra}"}


def _id_def(kind: str, named: tuple[Named, ...] | None) -> dict[str, Any]:
    if named is None:
        return {"$ref": _ID, "examples": [_EXAMPLES[kind]]}
    zh, en, where = _KINDS[kind]
    # the id's shape written out, not a $ref: yaml-language-server would show common's title and example instead
    node: dict[str, Any] = {**_texts(f"{zh}（{where}）", f"{en} ({where})"), **_ID_SHAPE}
    if named:
        node["enum"] = [n.id for n in named]
        node["markdownEnumDescriptions"] = [n.name for n in named]
        node["errorMessage"] = f"不是 {where} 里已有的{zh}；{_REFRESH_ZH} · Not a {en.lower()} in {where}; {_REFRESH_EN}"
    return node


def _classification_def(dims: tuple[Dimension, ...] | None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string"}}
    if dims is not None:
        node["properties"] = {
            d.id: {
                **_texts(d.name or d.id, d.id, "等级（rules/presales.yaml）：" + "、".join(d.levels), "Levels (rules/presales.yaml)"),
                "type": "string",
                **({"enum": list(d.levels)} if d.levels else {}),
            }
            for d in dims
        }
    return node


def _needs_def(needs: tuple[Named, ...] | None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
    if needs is not None:
        node["properties"] = {
            n.id: {
                **_texts(
                    f"{n.name or n.id}层面的需求", f"Needs at the {n.id} level", "层面见 rules/presales.yaml", "Levels: rules/presales.yaml"
                ),
                "type": "string",
                "minLength": 1,
            }
            for n in needs
        }
    return node


def _line_def(service_tiers: tuple[tuple[str, tuple[str, ...]], ...] | None) -> dict[str, Any]:
    """A deal line's tier among its service's tiers (the editor then lists those first, and marks another)."""
    if not service_tiers:
        return {}
    return {
        "allOf": [
            {
                "if": {"properties": {"service": {"const": service}}, "required": ["service"]},
                "then": {
                    "properties": {
                        "tier": {
                            "enum": list(tiers),
                            "errorMessage": f"{service} 没有这个档位，可选：{'、'.join(tiers)} · "
                            f"{service} has no such tier; choose one of: {', '.join(tiers)}",
                        }
                    }
                },
            }
            for service, tiers in service_tiers
        ]
    }


def ids_schema(ids: WorkspaceIds | None) -> dict[str, Any]:
    """``ids.schema.json``: the workspace's ids as enums, or (None) the shape ``check`` validates with."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://salesdocs.example/schemas/{IDS_FILE}",
        "title": "本工作区的编号 · This workspace's ids",
    }
    if ids is not None:
        schema["description"] = (
            "由 salesdocs schemas 按本工作区的文件生成，请勿手改；加了服务、档位、退款阶梯、客户或售后类别后重新运行。\n\n"
            "Written by `salesdocs schemas` from this workspace's files; do not edit. Run it again after adding a service, "
            "tier, refund ladder, client or problem category."
        )
    schema["$defs"] = {
        "service": _id_def("service", None if ids is None else ids.services),
        "tier": _id_def("tier", None if ids is None else ids.tiers),
        "ladder": _id_def("ladder", None if ids is None else ids.ladders),
        "client": _id_def("client", None if ids is None else ids.clients),
        "category": _id_def("category", None if ids is None else ids.categories),
        "classification": _classification_def(None if ids is None else ids.classification),
        "needs": _needs_def(None if ids is None else ids.needs),
        "line": _line_def(None if ids is None else ids.service_tiers),
    }
    return schema
