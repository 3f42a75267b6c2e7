"""The schema's help for the field at the editor's cursor: description (zh and en), allowed values, examples.

The field is found from the text's indentation, not by parsing it, so help still comes while the
file is half-typed or broken.  The schemas are the packaged ones ``check`` validates with.
"""

from __future__ import annotations

import re
from typing import Any

from salesdocs.policy.schema import schema_document

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*:(?:\s|$)")
_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


def schema_kind(rel: str) -> str | None:
    """The schema of a workspace file: ``rules/terms.yaml`` → ``terms``, ``deals/x.yaml`` → ``deal``."""
    folder, _, name = rel.partition("/")
    if folder == "rules":
        return name.rsplit(".", 1)[0]
    return {"clients": "client", "deals": "deal"}.get(folder)


def key_path(text: str, line: int) -> list[str]:
    """The keys leading to ``line`` (1-based): ``["ladders", "[]", "steps", "[]", "percent"]``."""
    stack: list[tuple[int, str]] = []
    block_at: int | None = None  # indentation of the key whose block scalar we are inside
    for number, raw in enumerate(text.splitlines()[:line], start=1):
        content = raw.lstrip(" ")
        indent = len(raw) - len(content)
        if not content or content.startswith("#"):
            continue
        if block_at is not None:
            if indent > block_at:
                continue
            block_at = None
        while content.startswith("- ") or content == "-":
            while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and stack[-1][1] == "[]")):
                stack.pop()
            stack.append((indent, "[]"))
            rest = content[1:].lstrip(" ")
            indent += len(content) - len(rest)
            content = rest
        match = _KEY.match(content)
        if match:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, match.group(1)))
            if _BLOCK.search(content) and number < line:
                block_at = indent
    return [key for _, key in stack]


def _resolve(node: Any, current: str) -> tuple[dict[str, Any], str]:
    """Follow ``$ref``; annotations beside a ``$ref`` win over its target's."""
    notes: dict[str, Any] = {}
    while isinstance(node, dict) and "$ref" in node:
        notes = {**{k: v for k, v in node.items() if k != "$ref"}, **notes}
        file, _, pointer = node["$ref"].partition("#")
        current = file or current
        target: Any = schema_document(current.removesuffix(".schema.json")) or {}
        for part in pointer.strip("/").split("/"):
            if part:
                target = target.get(part, {})
        node = target
    return ({**node, **notes} if isinstance(node, dict) else notes), current


def _child(node: dict[str, Any], current: str, key: str) -> tuple[Any, str] | None:
    if key == "[]":
        return (node["items"], current) if isinstance(node.get("items"), dict) else None
    if key in node.get("properties", {}):
        return node["properties"][key], current
    for pattern, sub in node.get("patternProperties", {}).items():
        if re.search(pattern, key):
            return sub, current
    for branch in (*node.get("oneOf", []), *node.get("anyOf", []), *node.get("allOf", [])):
        resolved, where = _resolve(branch, current)
        found = _child(resolved, where, key)
        if found is not None:
            return found
    if isinstance(node.get("additionalProperties"), dict):
        return node["additionalProperties"], current
    return None


def _split(text: str) -> tuple[str, str]:
    zh, _, en = text.partition("\n\n")
    return zh.strip(), en.strip()


def field_help(rel: str, text: str, line: int) -> dict[str, Any]:
    """Help for the field at ``line`` of ``rel`` (whose current text is ``text``); empty fields when unknown."""
    kind = schema_kind(rel)
    path = key_path(text, line)
    shown = ".".join(path).replace(".[]", "[]")
    answer: dict[str, Any] = {"path": shown, "known": False, "zh": "", "en": "", "enum": [], "examples": [], "type": ""}
    document = schema_document(kind) if kind else None
    if document is None or not path:
        return answer
    node, current = _resolve(document, f"{kind}.schema.json")
    for key in path:
        found = _child(node, current, key)
        if found is None:
            return answer
        node, current = _resolve(*found)
    zh, en = _split(str(node.get("description", "")))
    enum = node.get("enum") or [c["const"] for c in node.get("oneOf", []) if isinstance(c, dict) and "const" in c]
    kinds = node.get("type", "")
    return {
        **answer,
        "known": True,
        "zh": zh,
        "en": en,
        "enum": [str(v) for v in enum],
        "examples": [str(v) for v in node.get("examples", [])],
        "type": "/".join(kinds) if isinstance(kinds, list) else str(kinds),
    }
