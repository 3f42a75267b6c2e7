"""Who may see what: the client-facing projection of the workspace's files.

Every field is client-facing unless its schema marks it ``"x-audience": "internal"`` (a whole
file, such as ``presales.schema.json``, can be internal).  Client-facing documents (intro,
quote, appendix, handout) embed only :func:`client_facing_yaml` projections of the files they
cite, never the files as they are; the internal brief keeps everything.

The marks live in the packaged schemas, once, so editors see them when they hover a field.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml

from salesdocs.policy.reader import read_yaml_bytes
from salesdocs.policy.schema import schema_document

__all__ = ["INTERNAL", "client_facing", "client_facing_yaml", "dump_yaml", "internal_file", "internal_paths", "schema_kind"]

INTERNAL = "internal"


def schema_kind(rel: str) -> str | None:
    """The schema a workspace file follows: ``rules/terms.yaml`` → ``terms``, ``deals/x.yaml`` → ``deal``."""
    folder, _, name = rel.partition("/")
    stem = name.rsplit(".", 1)[0]
    if folder == "rules":
        return stem
    return {"clients": "client", "deals": "deal"}.get(folder)


def _is_internal(node: Any) -> bool:
    return isinstance(node, dict) and node.get("x-audience") == INTERNAL


def internal_file(rel: str) -> bool:
    """Whether a whole workspace file is internal (``rules/presales.yaml``)."""
    kind = schema_kind(rel)
    return _is_internal(schema_document(kind)) if kind else False


def client_facing(value: Any, schema: Any) -> Any:
    """``value`` without the parts its ``schema`` marks internal (None when all of it is)."""
    if _is_internal(schema):
        return None
    if isinstance(value, dict) and isinstance(schema, dict):
        properties = schema.get("properties", {})
        kept = {}
        for key, item in value.items():
            sub = properties.get(key, {})
            if _is_internal(sub):
                continue
            kept[key] = client_facing(item, sub)
        return kept
    if isinstance(value, list) and isinstance(schema, dict):
        return [client_facing(item, schema.get("items", {})) for item in value]
    return value


def internal_paths(kind: str) -> list[str]:
    """The dotted paths a schema marks internal (``key_people[].notes``), for docs and tests."""
    found: list[str] = []

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        if _is_internal(node):
            found.append(path or "(whole file)")
            return
        for key, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{key}" if path else key)
        if "items" in node:
            walk(node["items"], f"{path}[]")

    schema = schema_document(kind)
    if schema is not None:
        walk(schema, "")
    return found


def dump_yaml(data: Any) -> str:
    """Safe YAML text of ``data`` (Decimals as the numbers they are), keys in their order."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


class _Dumper(yaml.SafeDumper):
    """Safe YAML with Decimal written as the number it is (never through float)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))


@lru_cache(maxsize=64)
def client_facing_yaml(rel: str, raw: bytes) -> bytes | None:
    """The client-facing projection of one workspace file as UTF-8 YAML, or None when the whole
    file is internal (or not a file salesdocs knows).  Comments are dropped: they are for editors."""
    kind = schema_kind(rel)
    schema = schema_document(kind) if kind else None
    if schema is None or _is_internal(schema):
        return None
    doc, _ = read_yaml_bytes(raw, rel)
    if doc is None:
        return None
    projected = client_facing(doc.data, schema)
    text = dump_yaml(projected)
    return f"# {rel}（客户可见部分 / client-facing part）\n{text}".encode()
