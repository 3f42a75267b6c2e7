"""Redlines back into the sources: explain a redlined appendix against the workspace, and write its
agreed wording into ``rules/contract.yaml`` (``policy``: every future appendix) or into the deal's
``clauses:`` with an approver (``deal``: this deal only).

Edits are exact text-range replacements at the positions the YAML composer gives, so comments,
order and layout elsewhere in the file stay as they were.  The edited workspace is checked in a
temporary copy first; nothing is written unless ``check`` passes, and then atomically.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from salesdocs.api import deal_workspace
from salesdocs.errors import SalesdocsError, UsageError
from salesdocs.model import Deal, Workspace
from salesdocs.policy.contract import RULES_NAMESPACES, value_location
from salesdocs.policy.reader import read_yaml_bytes
from salesdocs.render.docx.document import write_atomic
from salesdocs.render.docx.redline import ClauseEdit, Figure, Redline, read_redline
from salesdocs.render.inputs import appendix_inputs, hash_inputs
from salesdocs.workspace import CheckResult, check_workspace

__all__ = ["Applied", "Review", "apply_redline", "review"]

CONTRACT = "rules/contract.yaml"


@dataclass(frozen=True)
class Review:
    redline: Redline
    clauses: tuple[ClauseEdit, ...]
    current_hash: str

    @property
    def matches(self) -> bool:
        return self.current_hash == self.redline.inputs_hash

    def mismatch(self, ws: Workspace) -> tuple[str, str]:
        r = self.redline
        return (
            f"{r.path} 是交易 {r.deal} 的另一版本（政策版本 {r.policy_version}，校验码 {r.inputs_hash[:10]}）；"
            f"当前工作区的合同附件为政策版本 {ws.policy.version}，校验码 {self.current_hash[:10]}",
            f"{r.path} is another version of deal {r.deal}'s appendix (policy version {r.policy_version}, "
            f"checksum {r.inputs_hash[:10]}); this workspace's is policy version {ws.policy.version}, checksum {self.current_hash[:10]}",
        )

    def to_json(self, ws: Workspace) -> dict[str, Any]:
        out = {**self.redline.to_json(), "clauses": [c.to_json() for c in self.clauses], "current_hash": self.current_hash}
        out["hash_matches"] = self.matches
        return out


def _figure(ws: Workspace, deal: Deal, edit: ClauseEdit, start: int, end: int, name: str) -> Figure:
    printed = edit.before[start:end]
    where = value_location(ws.policy.data, name)
    if where is not None:
        namespace, path, item_id = where
        rel = next((f.rel for f in ws.policy.files if f.name == namespace), f"rules/{namespace}.yaml")
        doc, _ = read_yaml_bytes(ws.sources.get(rel, b""), rel)
        line, col = doc.pos(path) if doc is not None else (0, 0)
        step = (f"，步骤 {item_id}", f", step {item_id}") if item_id else ("", "")
        return Figure(
            name,
            printed,
            rel,
            line,
            col,
            f"{edit.label}中的“{printed}”来自 {rel}:{line}:{col}（{{{name}}}{step[0]}）：请在那里修改，而不是改合同文字",
            f"“{printed}” in {edit.label} comes from {rel}:{line}:{col} ({{{name}}}{step[1]}): change it there, not in the clause",
        )
    if name.startswith(("ref.", "contract.")):
        return Figure(
            name,
            printed,
            zh=f"{edit.label}中的“{printed}”是按本交易自动编排的条款编号（{{{name}}}），不能直接修改",
            en=f"“{printed}” in {edit.label} is a clause number computed for this deal ({{{name}}}); it cannot be edited",
        )
    if name.split(".")[0] in RULES_NAMESPACES:
        return Figure(
            name,
            printed,
            zh=f"{edit.label}中的“{printed}”来自政策（{{{name}}}）",
            en=f"“{printed}” in {edit.label} comes from the policy ({{{name}}})",
        )
    return Figure(
        name,
        printed,
        deal.rel,
        0,
        0,
        f"{edit.label}中的“{printed}”来自交易文件 {deal.rel}（{{{name}}}，或由它算出的报价）：请在那里修改",
        f"“{printed}” in {edit.label} comes from the deal file {deal.rel} ({{{name}}}, or the quote made from it): change it there",
    )


def review(ws: Workspace, path: Path, author: str | None = None) -> Review:
    """The redline of ``path`` explained against ``ws``: each edited figure names where it is written."""
    redline, edits = read_redline(path, author)
    deal = ws.deals.get(redline.deal)
    if deal is None:
        raise SalesdocsError(
            f"{path} 是交易 {redline.deal} 的合同附件，但本工作区没有这个交易",
            f"{path} is the appendix of deal {redline.deal}, which this workspace does not have",
        )
    clauses = []
    for edit, touched in edits:
        figures = tuple(_figure(ws, deal, edit, start, end, name) for start, end, name in touched)
        clauses.append(replace(edit, figures=figures))
    # what the appendix is made from today: the policy this deal uses, in Chinese (Word files are Chinese only)
    current = hash_inputs(appendix_inputs(deal_workspace(ws, deal, None), deal, "zh"))
    return Review(redline, tuple(clauses), current)


# ----------------------------------------------------------------------------- exact YAML edits


def _node_at(text: str, path: tuple[str | int, ...]) -> tuple[Any, yaml.Node | None]:
    """The composed node at ``path`` and the key node holding it (character positions)."""
    node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    key: yaml.Node | None = None
    for step in path:
        if isinstance(step, int):
            assert isinstance(node, yaml.SequenceNode)
            node, key = node.value[step], None
        else:
            assert isinstance(node, yaml.MappingNode)
            key, node = next((k, v) for k, v in node.value if k.value == step)
    return node, key


def block(value: str, indent: int) -> str:
    """``value`` as a YAML block scalar indented by ``indent`` (folded when it is one line)."""
    pad = " " * indent
    lines = value.strip().split("\n")
    return (">-" if len(lines) == 1 else "|-") + "".join(f"\n{pad}{line}" if line else "\n" for line in lines)


def replace_scalar(text: str, path: tuple[str | int, ...], value: str, *, literal: bool = False) -> str:
    """``text`` with the scalar at ``path`` replaced by ``value`` (a block scalar, or ``literal``
    YAML), everything else byte for byte."""
    node, key = _node_at(text, path)
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in (">", "|"):
        end = start + len(text[start:end].rstrip())
    indent = (key.start_mark.column if key is not None else node.start_mark.column) + 2
    return text[:start] + (value if literal else block(value, indent)) + text[end:]


def _line_end(text: str, index: int) -> int:
    if index > 0 and text[index - 1] == "\n":
        return index
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def set_override(text: str, data: dict[str, Any], clause_id: str, wording: str, approver: str) -> str:
    """The deal file's text with ``clauses:`` giving ``clause_id`` the wording ``wording``."""
    entries = data.get("clauses") or []
    index = next((i for i, c in enumerate(entries) if isinstance(c, dict) and c.get("id") == clause_id), None)
    if index is not None:
        text = replace_scalar(text, ("clauses", index, "approver"), json.dumps(approver, ensure_ascii=False), literal=True)
        return replace_scalar(text, ("clauses", index, "text"), wording)
    item = f"  - id: {clause_id}\n    text: {block(wording, 6)}\n    approver: {json.dumps(approver, ensure_ascii=False)}\n"
    if entries:
        node, _ = _node_at(text, ("clauses", len(entries) - 1))
        at = _line_end(text, node.end_mark.index)
        return text[:at] + item + text[at:]
    lead = "" if text.endswith("\n") else "\n"
    return f"{text}{lead}# 本交易单独商定的条款文字（偏离标准文字，须写明审批人）\nclauses:\n{item}"


# ----------------------------------------------------------------------------- apply


@dataclass
class Applied:
    target: str  # the file written (or that would have been)
    written: bool = False
    clauses: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (clause id, zh, en)
    check: CheckResult | None = None


def _contract_path(ws: Workspace, clause_id: str) -> tuple[str | int, ...]:
    doc, _ = read_yaml_bytes(ws.sources[CONTRACT], CONTRACT)
    assert doc is not None  # the workspace passed check
    for a, article in enumerate(doc.data.get("articles") or []):
        for i, item in enumerate(article.get("items") or []):
            if item.get("id") == clause_id:
                return ("articles", a, "items", i, "text")
    raise SalesdocsError(f"{CONTRACT} 中没有条款 {clause_id}", f"{CONTRACT} has no clause {clause_id}")


def _skip_reason(ws: Workspace, deal: Deal, edit: ClauseEdit, mode: str) -> tuple[str, str] | None:
    if edit.figures:
        return "；".join(f.zh for f in edit.figures), "; ".join(f.en for f in edit.figures)
    if not edit.after.strip() or edit.new_source is None:
        return (
            f"{edit.label}整款被删除：请在 {CONTRACT} 中处理（删除或加 when:）",
            f"{edit.label} was deleted entirely: handle it in {CONTRACT} (remove it or add a when:)",
        )
    if mode == "policy" and any(o.id == edit.id for o in deal.clause_overrides):
        return (
            f"{edit.label}在本交易中是单独商定的文字（{deal.rel}），请用 --apply deal",
            f"{edit.label} has deal-specific wording in {deal.rel}; use --apply deal",
        )
    return None


def _check_copy(ws: Workspace, rel: str, new_text: str) -> CheckResult:
    with tempfile.TemporaryDirectory(prefix="salesdocs-redline-") as tmp:
        root = Path(tmp)
        for folder in ("rules", "clients", "deals"):
            if (ws.root / folder).is_dir():
                shutil.copytree(ws.root / folder, root / folder)
        (root / rel).write_text(new_text, encoding="utf-8")
        result = check_workspace(root)
        result.root = ws.root
        return result


def apply_redline(ws: Workspace, found: Review, mode: str, approver: str | None = None) -> Applied:
    """Write the redline's wording into the policy (``mode="policy"``) or the deal (``"deal"``)."""
    if not found.matches:
        zh, en = found.mismatch(ws)
        raise SalesdocsError(f"{zh}；未写入任何文件", f"{en}; nothing was written")
    deal = ws.deals[found.redline.deal]
    if mode == "deal" and not (approver or "").strip():
        raise UsageError(
            "--apply deal 需要 --approver 审批人（偏离标准文字须经批准）",
            "--apply deal needs --approver NAME (a deviation from the standard wording needs an approver)",
        )
    rel = CONTRACT if mode == "policy" else deal.rel
    result = Applied(rel)
    text = ws.sources[rel].decode("utf-8")
    data: dict[str, Any] = yaml.safe_load(text) if mode == "deal" else {}
    for edit in found.clauses:
        reason = _skip_reason(ws, deal, edit, mode)
        if reason is not None:
            result.skipped.append((edit.id, *reason))
            continue
        assert edit.new_source is not None
        if mode == "policy":
            text = replace_scalar(text, _contract_path(ws, edit.id), edit.new_source)
        else:
            text = set_override(text, data, edit.id, edit.new_source, str(approver).strip())
            data = yaml.safe_load(text)
        result.clauses.append(edit.id)
    if not result.clauses:
        return result
    result.check = _check_copy(ws, rel, text)
    if not result.check.errors:
        write_atomic(text.encode("utf-8"), ws.root / rel)
        result.written = True
    return result
