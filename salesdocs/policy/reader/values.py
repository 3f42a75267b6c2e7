"""Composed YAML nodes to plain values: scalars resolved as editors read YAML 1.2 (decimals as
:class:`~decimal.Decimal`, never float), duplicate keys and merge keys refused, positions recorded."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from salesdocs.errors import Problem
from salesdocs.policy.reader.document import Document, PathKey

_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
NULL = {"", "~", "null", "Null", "NULL"}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_DEC_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")


_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_FOLD_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])|(?<=[\u3000-\u303f\uff00-\uffef]) ")


def _unfold_cjk(value: str) -> str:
    """Folded (``>``) text joins lines with a space; Chinese joins them with nothing."""
    return _FOLD_SPACE.sub("", value)


class ValueBuilder:
    """Turns a composed node tree into plain values, recording positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.doc.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # composing yields nothing else
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            kpos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(self.doc.problem(kpos, "complex-key", "键必须是简单的文字", "a key must be plain text"))
                continue
            key = key_node.value
            if key == "<<" and not key_node.style:
                self.problems.append(
                    self.doc.problem(
                        kpos,
                        "yaml-merge-key",
                        "不支持合并键 <<",
                        "merge keys (<<) are not supported",
                        hint_zh="把要合并的内容直接写出来",
                        hint_en="write the merged content out in full",
                    )
                )
                continue
            if key in first_line:
                self.problems.append(
                    self.doc.problem(
                        kpos,
                        "duplicate-key",
                        f"重复的键 {key}：第 {first_line[key]} 行已经写过",
                        f"duplicate key {key}: already given on line {first_line[key]}",
                        hint_zh=f"删除其中一个，或合并第 {first_line[key]} 行和第 {kpos[0]} 行的内容",
                        hint_en=f"delete one of them or merge lines {first_line[key]} and {kpos[0]}",
                    )
                )
                continue
            first_line[key] = kpos[0]
            self.doc.key_positions[(*path, key)] = kpos
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        value: str = node.value
        if node.style == ">":
            return _unfold_cjk(value)
        if node.style:
            return value  # quoted or block scalars are always text
        value = value.strip("\u3000")  # an invisible full-width space around a plain value is not content
        self.doc.plain_text[path] = value
        if value in NULL:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value.lower() in _BOOL_WORDS:
            self.problems.append(
                self.doc.problem(
                    (node.start_mark.line + 1, node.start_mark.column + 1),
                    "yaml-bool-word",
                    f"“{value}”意思不明确：请写 true 或 false；如果是文字请加引号",
                    f"'{value}' is ambiguous: write true or false, or quote it if it is text",
                    hint_zh=f'是/否请写 true/false；文字请写成 "{value}"',
                    hint_en=f'write true/false for yes/no, or "{value}" for text',
                )
            )
            return value
        if _INT_RE.match(value):
            return int(value)
        if _DEC_RE.match(value):
            try:
                return Decimal(value)
            except InvalidOperation:  # pragma: no cover - regex admits only valid numbers
                return value
        return value
