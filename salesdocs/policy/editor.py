"""The workspace's ``schemas/`` folder: the copies of the schemas that editors read.

Every workspace file names its schema in its first line (``# yaml-language-server:
$schema=../schemas/deal.schema.json``), so VS Code's YAML extension (yaml-language-server) reads
the workspace's own ``schemas/`` folder, never the packaged one.  That folder holds a copy of
each packaged schema plus ``ids.schema.json``, made from the workspace's files (:mod:`.ids`).
``salesdocs check`` always validates with the packaged schemas; it only reports (as a warning)
when the folder no longer matches, and ``salesdocs schemas`` rewrites what differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesdocs.atomic import write_atomically
from salesdocs.errors import Problem
from salesdocs.policy.ids import IDS_FILE, WorkspaceIds, collect_ids, ids_schema
from salesdocs.policy.reader import read_yaml
from salesdocs.policy.schema import packaged_schemas, validate

SCHEMAS = "schemas"
#: the rules files ids come from
_ID_RULES = ("services", "refunds", "aftersales", "presales")
#: $defs of ids.schema.json → what their ids are (zh, en)
_ID_NAMES = {
    "service": ("服务", "service"),
    "tier": ("档位", "tier"),
    "ladder": ("退款阶梯", "refund ladder"),
    "client": ("客户", "client"),
    "category": ("售后问题类别", "problem category"),
}


def ids_text(ids: WorkspaceIds) -> str:
    """``ids.schema.json`` as written: the same layout as the packaged schemas."""
    return json.dumps(ids_schema(ids), ensure_ascii=False, indent=2) + "\n"


def editor_schemas(ids: WorkspaceIds) -> dict[str, str]:
    """File name → text of everything a workspace's ``schemas/`` folder should hold."""
    return {**packaged_schemas(), IDS_FILE: ids_text(ids)}


@dataclass(frozen=True)
class IdsRead:
    """The ids of a workspace, and the files they could not be taken from (their errors)."""

    ids: WorkspaceIds
    left_out: tuple[str, ...]


def read_ids(root: Path) -> IdsRead:
    """The ids in the files of ``root`` that pass their schema."""
    rules: dict[str, Any] = {}
    left_out: list[str] = []

    def valid(path: Path, kind: str) -> Any:
        rel = path.relative_to(root).as_posix()
        doc, problems = read_yaml(path, rel)
        if doc is None or any(p.severity == "error" for p in (*problems, *validate(doc, kind))):
            left_out.append(rel)
            return None
        return doc.data

    for name in _ID_RULES:
        path = root / "rules" / f"{name}.yaml"
        if path.is_file() and (data := valid(path, name)) is not None:
            rules[name] = data
    folder = root / "clients"
    clients = [valid(p, "client") for p in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []
    return IdsRead(collect_ids(rules, [c for c in clients if c is not None]), tuple(left_out))


def _parsed(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _enum_changes(current: Any, expected: dict[str, Any]) -> tuple[str, str]:
    """What differs between the ids an existing ``ids.schema.json`` lists and the workspace's (zh, en)."""
    defs = current.get("$defs") if isinstance(current, dict) else None
    zh: list[str] = []
    en: list[str] = []
    for key, (name_zh, name_en) in _ID_NAMES.items():
        old_def = defs.get(key) if isinstance(defs, dict) else None
        old = old_def.get("enum", []) if isinstance(old_def, dict) else []
        new = expected["$defs"][key].get("enum", [])
        added = [i for i in new if i not in old]
        removed = [i for i in old if i not in new]
        if added:
            zh.append(f"新增{name_zh} {', '.join(added)}")
            en.append(f"new {name_en} {', '.join(added)}")
        if removed:
            zh.append(f"已没有{name_zh} {', '.join(map(str, removed))}")
            en.append(f"no longer a {name_en}: {', '.join(map(str, removed))}")
    return "；".join(zh), "; ".join(en)


def _stale(rel: str, zh: str, en: str) -> Problem:
    return Problem(
        rel,
        0,
        0,
        "stale-schema",
        f"{zh}：编辑器的补全、提示和检查会与 salesdocs check 不一致",
        f"{en}: the editor's completion, help and checks will disagree with salesdocs check",
        severity="warning",
        hint_zh="运行 salesdocs schemas 更新 schemas/ 文件夹（check 从不改动文件）",
        hint_en="run `salesdocs schemas` to refresh the schemas/ folder (check never changes files)",
    )


def stale_schemas(root: Path, ids: WorkspaceIds) -> list[Problem]:
    """Warnings when ``root/schemas/`` differs from what ``salesdocs schemas`` writes: one about the
    ids, one naming every old copy of a packaged schema.  Nothing when there is no ``schemas/`` folder
    (the editor then has no schemas at all)."""
    folder = root / SCHEMAS
    if not folder.is_dir():
        return []
    found = []
    old_copies = []
    for name, text in editor_schemas(ids).items():
        expected, current = json.loads(text), _parsed(folder / name)
        if current == expected:
            continue
        rel = f"{SCHEMAS}/{name}"
        if name != IDS_FILE:
            old_copies.append(name)
        elif current is None:
            found.append(_stale(rel, f"编辑器用的 {rel} 不存在或无法读取", f"{rel}, which the editor reads, is missing or unreadable"))
        else:
            zh, en = f"编辑器用的 {rel} 已过期", f"{rel}, which the editor reads, is out of date"
            changes_zh, changes_en = _enum_changes(current, expected)
            if changes_zh:
                zh, en = f"{zh}（{changes_zh}）", f"{en} ({changes_en})"
            found.append(_stale(rel, zh, en))
    if old_copies:
        found.append(
            _stale(
                f"{SCHEMAS}/{old_copies[0]}",
                f"编辑器用的 schemas/ 里有 {len(old_copies)} 个文件与 salesdocs 自带的版本不同（{'、'.join(old_copies)}）",
                f"{len(old_copies)} file(s) in schemas/, which the editor reads, differ from salesdocs' own ({', '.join(old_copies)})",
            )
        )
    return found


def write_schemas(root: Path, ids: WorkspaceIds) -> list[Path]:
    """Write every file of ``root/schemas/`` whose content differs; returns the files written."""
    folder = root / SCHEMAS
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in editor_schemas(ids).items():
        path = folder / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        write_atomically(path, text.encode("utf-8"))
        written.append(path)
    return written
