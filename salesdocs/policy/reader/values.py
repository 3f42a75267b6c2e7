"""Composed YAML nodes to plain values: scalars resolved as editors read YAML 1.2 (decimals as
:class:`~decimal.Decimal`, never float), duplicate keys and merge keys refused, positions recorded."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from salesdocs.errors import Problem
from salesdocs.policy.reader.document import Document, PathKey
from salesdocs.policy.reader.joins import double_quoted_escapes, folded_text, invisible_characters, joined_lines, split_flow_items

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
            if node.flow_style:
                self.problems.extend(split_flow_items(self.doc, node))
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # composing yields nothing else
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        copied_item = False
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
                if not copied_item:  # after a copied item's first key, its other keys are the same mistake
                    copied_item = bool(path) and isinstance(path[-1], int) and key == node.value[0][0].value
                    self.problems.append(self._duplicate(key, kpos, first_line[key], is_item_start=copied_item))
                continue
            first_line[key] = kpos[0]
            self.doc.key_positions[(*path, key)] = kpos
            result[key] = self.build(value_node, (*path, key))
        return result

    def _duplicate(self, key: str, kpos: tuple[int, int], first: int, *, is_item_start: bool) -> Problem:
        """A key given twice; when it is the first key of a list item, most likely a copied item missing its '- '."""
        if is_item_start:
            dash = self.doc.source(first)[: kpos[1] - 1].rstrip()
            return self.doc.problem(
                kpos,
                "duplicate-key",
                f"重复的键 {key}：第 {first} 行已经写过；这像是复制的新一项，但前面少了“- ”",
                f"duplicate key {key}: already given on line {first}; this looks like a copied new item missing its '- '",
                hint_zh=f"如果这是新的一项，在 {key} 前加“- ”，与第 {first} 行的“-”对齐（第 {len(dash)} 列），这一项其余的行与 {key} 对齐；"
                f"否则删除其中一个",
                hint_en=f"if this is a new item, put '- ' before {key}, under the '-' of line {first} (column {len(dash)}), "
                f"and line the item's other keys up with {key}; otherwise delete one of them",
            )
        return self.doc.problem(
            kpos,
            "duplicate-key",
            f"重复的键 {key}：第 {first} 行已经写过",
            f"duplicate key {key}: already given on line {first}",
            hint_zh=f"删除其中一个，或合并第 {first} 行和第 {kpos[0]} 行的内容",
            hint_en=f"delete one of them or merge lines {first} and {kpos[0]}",
        )

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        value: str = node.value
        self.problems.extend(invisible_characters(self.doc, node, value))
        if node.style == ">":
            self.problems.extend(folded_text(self.doc, node))
            return _unfold_cjk(value)
        if node.style:
            self.problems.extend(double_quoted_escapes(self.doc, node))
            return value  # quoted or block scalars are always text
        value = value.strip("\u3000")  # an invisible full-width space around a plain value is not content
        self.doc.plain_text[path] = value
        typographic = None if value.isascii() else _typographic(value)
        if typographic is not None:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            offset, code, zh, en, hint_zh, hint_en = typographic
            self.problems.append(self.doc.problem((line, column + offset), code, zh, en, hint_zh=hint_zh, hint_en=hint_en))
            return value
        self._comment_cut(node, value)
        self.problems.extend(joined_lines(self.doc, node, value))
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

    def _comment_cut(self, node: yaml.ScalarNode, value: str) -> None:
        """``name: 品牌版 #1 推荐``: YAML ends the text at `` #``; warn when the rest was evidently meant as text."""
        line = self.doc.source(node.end_mark.line + 1)
        if "#" not in line:
            return
        comment = _TRAILING_COMMENT.match(line, node.end_mark.column)
        if comment is None or not value or _INT_RE.match(value) or _DEC_RE.match(value):
            return
        rest = comment.group(1)
        if not (rest[:1].strip() or value[-1] in _MID_PHRASE):
            return  # 'key: value  # note' is an ordinary comment
        one_line = node.start_mark.line == node.end_mark.line
        full = line[node.start_mark.column :].rstrip() if one_line else f"{value} #{rest}".rstrip()
        self.problems.append(
            self.doc.problem(
                (node.end_mark.line + 1, comment.start(1)),
                "comment-cuts-text",
                f"“#{rest.rstrip()}”被当作注释，值只剩下“{value}”",
                f"'#{rest.rstrip()}' is read as a comment, so the value is only '{value}'",
                severity="warning",
                hint_zh=f'如果 # 是文字的一部分，请给整个值加引号："{full}"；如果是注释，把它移到单独的一行',
                hint_en=f'if the # belongs to the text, quote the whole value: "{full}"; if it is a comment, move it to a line of its own',
            )
        )


_TRAILING_COMMENT = re.compile(r"[ \t]+#(.*)$")
#: a text that ends with one of these stops mid-phrase: what follows the # was meant to continue it
_MID_PHRASE = set("，、：；（(“‘《【-—+/&·第和与及")

_FULLWIDTH = re.compile("[\uff01-\uff5e]")
_NUMBER_LIKE = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?\s*%?\Z|[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_CURLY = {"“": "”", "‘": "’"}


def _typographic(value: str) -> tuple[int, str, str, str, str, str] | None:
    """A number typed with full-width digits or ％, or a value wrapped in curly quotes, which YAML
    takes as text: (offset of the character, code, zh, en, hint zh, hint en), else None."""
    if value[:1] in _CURLY and value[-1:] == _CURLY[value[0]] and len(value) > 2 and value[1:-1].isascii() and " " not in value:
        inner, opening, closing = value[1:-1], value[0], value[-1]
        return (
            0,
            "typographic-quote",
            f"值两边是中文（弯）引号 {opening}{closing}：YAML 不把它们当引号，它们会成为值的一部分",
            f"the value is wrapped in typographic quotes {opening}{closing}: "
            "YAML does not take them as quotes, so they become part of the value",
            f'改成半角引号 "{inner}"，或去掉引号写 {inner}',
            f'use ASCII quotes "{inner}", or no quotes: {inner}',
        )
    found = _FULLWIDTH.search(value)
    if found is None:
        return None
    ascii_value = unicodedata.normalize("NFKC", value)
    if not _NUMBER_LIKE.match(ascii_value):
        return None
    char = found.group(0)
    return (
        found.start(),
        "fullwidth-digit",
        f"“{value}”里有全角字符“{char}”：数字、百分号和日期要用半角（英文）字符，否则不会被当作数字",
        f"'{value}' contains the full-width character '{char}': numbers, percent signs and dates need ASCII characters",
        f"切换到英文输入法，写成 {ascii_value}",
        f"switch to an English input mode and write {ascii_value}",
    )
