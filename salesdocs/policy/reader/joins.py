"""Text that YAML reads differently from how it looks: lines joined, an item split, escapes turned
into control characters.  Each is valid YAML, so nothing else would say a word, yet the document
would print something the person did not write.

* a line starting with ``- `` indented past its list: YAML continues the item above with it (the
  two items print as one);
* lines of a plain value that start ``2.`` or ``（2）``: YAML joins them with a space (one line);
* ``[效果图（PNG, JPG）, 源文件]``: the comma inside the brackets ends an item (three items);
* ``"D:\\new\\temp"``: in double quotes ``\\n`` is a line break and ``\\t`` a tab.
"""

from __future__ import annotations

import itertools
import re

import yaml

from salesdocs.errors import Problem
from salesdocs.policy.reader.document import Document

__all__ = ["double_quoted_escapes", "joined_lines", "split_flow_items"]

_NUMBERED = re.compile(r"(?:[0-9]{1,2}[.、．)）]|[（(][0-9一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}、)\s*\S")
_ESCAPE = re.compile(r"\\[0abtnvfre]")
_ESCAPE_NAMES = {"\\n": "换行", "\\t": "制表符", "\\r": "回车", "\\b": "退格", "\\f": "换页", "\\v": "垂直制表符",
                 "\\0": "空字符", "\\a": "响铃符", "\\e": "转义符"}  # fmt: skip


def joined_lines(doc: Document, node: yaml.ScalarNode, value: str) -> list[Problem]:
    """A plain value over several lines whose later lines look like list items or numbered points."""
    first, last = node.start_mark.line, node.end_mark.line
    if first == last:
        return []
    for number in range(first + 2, last + 2):  # 1-based numbers of the continuation lines
        line = doc.source(number)
        text = line.lstrip(" ")
        column = len(line) - len(text) + 1
        if text.startswith("- ") or text == "-":
            above = doc.source(first + 1)
            dash = above[: node.start_mark.column].rstrip().endswith("-")
            where_zh = f"与第 {first + 1} 行的“-”对齐（第 {len(above[: node.start_mark.column].rstrip())} 列）" if dash else ""
            where_en = f"under the '-' of line {first + 1} (column {len(above[: node.start_mark.column].rstrip())})" if dash else ""
            return [
                doc.problem(
                    (number, column),
                    "list-item-joined",
                    f"这一行的“- ”缩进多了，YAML 把它并进了上一项的文字，两项变成了一项：“{value}”",
                    f"this line's '- ' is indented too far, so YAML joins it to the text above: the two items become one: '{value}'",
                    hint_zh=f"把这一行的“-”{where_zh or '与上一项的“-”对齐'}",
                    hint_en=f"move this line's '-' {where_en or 'under the - of the item above'}",
                )
            ]
        if _NUMBERED.match(text):
            key = doc.source(first + 1)[: node.start_mark.column].rstrip()
            return [
                doc.problem(
                    (number, column),
                    "lines-joined",
                    f"这几行会被合成一行（YAML 用空格连接）：“{value}”",
                    f"these lines are joined into one (YAML joins them with a space): '{value}'",
                    severity="warning",
                    hint_zh=f"要保留分行，在第 {first + 1} 行写 {key} |，把每一行都写在下面、缩进两个空格",
                    hint_en=f"to keep the lines, write {key} | on line {first + 1} and every line below it, indented two spaces",
                )
            ]
    return []


def split_flow_items(doc: Document, node: yaml.SequenceNode) -> list[Problem]:
    """``[效果图（PNG, JPG）, 源文件]``: an item with an open bracket that the next item closes."""
    for here, after in itertools.pairwise(node.value):
        if not (isinstance(here, yaml.ScalarNode) and isinstance(after, yaml.ScalarNode)) or here.style or after.style:
            continue
        if _open_brackets(here.value) > 0 > _open_brackets(after.value) and here.start_mark.line == after.end_mark.line:
            line = doc.source(here.start_mark.line + 1)
            start, end = here.start_mark.column, after.end_mark.column
            joined = line[start:end]
            fixed = f'{line[:start]}"{joined}"{line[end:]}'.strip()
            return [
                doc.problem(
                    (here.start_mark.line + 1, start + 1),
                    "comma-splits-item",
                    f"括号里的逗号把“{joined}”分成了两项：“{here.value}”和“{after.value}”",
                    f"the comma inside the brackets splits '{joined}' into two items: '{here.value}' and '{after.value}'",
                    hint_zh=f"给这一项加引号：{fixed}",
                    hint_en=f"quote this item: {fixed}",
                )
            ]
    return []


def _open_brackets(text: str) -> int:
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def double_quoted_escapes(doc: Document, node: yaml.ScalarNode) -> list[Problem]:
    """``"D:\\new\\temp"``: escapes in double quotes that turn into line breaks, tabs and the like."""
    if node.style != '"' or node.start_mark.line != node.end_mark.line:
        return []
    line = doc.source(node.start_mark.line + 1)
    source = line[node.start_mark.column : node.end_mark.column]
    found = [m.group(0) for m in _ESCAPE.finditer(source.replace("\\\\", ""))]
    if not found:
        return []
    names = "、".join(dict.fromkeys(f"{e} 变成{_ESCAPE_NAMES[e]}" for e in found))
    inner = source[1:-1]
    single = (line[: node.start_mark.column] + "'" + inner.replace("'", "''") + "'" + line[node.end_mark.column :]).strip()
    return [
        doc.problem(
            (node.start_mark.line + 1, node.start_mark.column + 1),
            "escape-in-quotes",
            f"双引号里的反斜杠是转义符：{names}，读出来不是你写的样子",
            f"in double quotes a backslash starts an escape: {', '.join(dict.fromkeys(found))} become control characters, "
            "so the text is not what you wrote",
            severity="warning",
            hint_zh=f"改用单引号（单引号里反斜杠就是反斜杠）：{single}",
            hint_en=f"use single quotes (a backslash is just a backslash there): {single}",
        )
    ]
