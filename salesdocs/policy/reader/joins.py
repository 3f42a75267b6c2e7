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
from salesdocs.policy.reader.quoting import quote_text, single_quoted

__all__ = ["BULLETS", "double_quoted_escapes", "folded_text", "invisible_characters", "joined_lines", "split_flow_items"]

#: what people type for a list item instead of YAML's '- ' (from Word, WeChat, a keyboard's full-width mode)
BULLETS = "•·・－–—*、●◦▪"

_NUMBERED = re.compile(r"(?:[0-9]{1,2}[.、．)）]|[（(][0-9一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}、)\s*\S")
#: a backslash escape of double quotes other than \\\\ and \\" (which write what they show): it changes the text
_ESCAPE = re.compile(r"\\(?:[xuU][0-9A-Fa-f]*|[^\"])")
_ESCAPE_NAMES = {"n": "换行", "t": "制表符", "r": "回车", "b": "退格", "f": "换页", "v": "垂直制表符", "0": "空字符",
                 "a": "响铃符", "e": "转义符", " ": "空格", "/": "/", "N": "看不见的换行符", "_": "不换行空格",
                 "L": "看不见的行分隔符", "P": "看不见的段分隔符"}  # fmt: skip


def _escape_name(escape: str) -> str:
    if escape[1] in "xuU":
        return f"{escape} 变成编号对应的字符"
    return f"{escape} 变成{_ESCAPE_NAMES.get(escape[1], '别的字符')}"


def joined_lines(doc: Document, node: yaml.ScalarNode, value: str) -> list[Problem]:
    """A plain value over several lines whose later lines look like list items or numbered points."""
    first, last = node.start_mark.line, node.end_mark.line
    if first == last:
        return []
    if value[:1] in BULLETS:  # '• 图文…' then '- 转载…': the bullet is the slip, on the first line
        return [
            doc.problem(
                (first + 1, node.start_mark.column + 1),
                "yaml-syntax",
                f"列表项要用半角的“- ”开头，“{value[0]}”不是 YAML 的列表符号，几行被连成了一段文字",
                f"list items start with an ASCII '- '; '{value[0]}' is not YAML's list mark, so the lines run together as one text",
                hint_zh=f"把“{value[0]}”换成“- ”，与下面各项的“-”对齐",
                hint_en=f"replace '{value[0]}' by '- ', lined up with the '-' of the items below",
            )
        ]
    before = doc.source(first + 1)[: node.start_mark.column].rstrip()
    for number in range(first + 2, last + 2):  # 1-based numbers of the continuation lines
        line = doc.source(number)
        text = line.lstrip(" ")
        column = len(line) - len(text) + 1
        if (text.startswith("- ") or text == "-") and not before.endswith("-"):  # 'scope: 图文…' then '  - 转载…'
            return [
                doc.problem(
                    (first + 1, node.start_mark.column + 1),
                    "list-item-joined",
                    f"这一行的文字前面没有“- ”，第 {number} 行的列表项被并进了它：“{value}”",
                    f"this line's text has no '- ' before it, so the list item on line {number} is joined to it: '{value}'",
                    hint_zh=f"在这一行的文字前加“- ”，“-”与第 {number} 行的“-”对齐（第 {column} 列）",
                    hint_en=f"put '- ' before this line's text, the '-' under the '-' of line {number} (column {column})",
                )
            ]
        if text.startswith("- ") or text == "-":  # a list item whose next item is indented past it
            return [
                doc.problem(
                    (number, column),
                    "list-item-joined",
                    f"这一行的“- ”缩进多了，YAML 把它并进了上一项的文字，两项变成了一项：“{value}”",
                    f"this line's '- ' is indented too far, so YAML joins it to the text above: the two items become one: '{value}'",
                    hint_zh=f"把这一行的“-”与第 {first + 1} 行的“-”对齐（第 {len(before)} 列）",
                    hint_en=f"move this line's '-' under the '-' of line {first + 1} (column {len(before)})",
                )
            ]
        if _NUMBERED.match(text) and before.endswith(":"):  # only where 'key: |' is the fix (not a list item)
            key = before
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
            fixed = f"{line[:start]}{quote_text(joined)}{line[end:]}".strip()
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
    names = "、".join(dict.fromkeys(_escape_name(e) for e in found))
    inner = source[1:-1]
    single = (line[: node.start_mark.column] + single_quoted(inner) + line[node.end_mark.column :]).strip()
    return [
        doc.problem(
            (node.start_mark.line + 1, node.start_mark.column + 1),
            "escape-in-quotes",
            f"双引号里的反斜杠是转义符：{names}，读出来不是你写的样子",
            f"in double quotes a backslash starts an escape: {', '.join(dict.fromkeys(found))} turn into other characters, "
            "so the text is not what you wrote",
            severity="warning",
            hint_zh=f"改用单引号（单引号里反斜杠就是反斜杠）：{single}",
            hint_en=f"use single quotes (a backslash is just a backslash there): {single}",
        )
    ]


def folded_text(doc: Document, node: yaml.ScalarNode) -> list[Problem]:
    """``text: >-`` whose later line is indented deeper than the first (YAML keeps that line's break
    and spaces: the document prints a line break and blanks), or whose lines are numbered points
    (folding joins them into one line)."""
    if node.style != ">":
        return []
    numbers = [n for n in range(node.start_mark.line + 2, node.end_mark.line + 2) if doc.source(n).strip()]
    if len(numbers) < 2:
        return []
    header = doc.source(node.start_mark.line + 1)
    indicator = header[node.start_mark.column :].split("#")[0].strip()
    first = doc.source(numbers[0])
    indent = len(first) - len(first.lstrip(" "))
    for number in numbers[1:]:
        line = doc.source(number)
        deeper = len(line) - len(line.lstrip(" ")) - indent
        if deeper > 0:
            return [
                doc.problem(
                    (number, indent + 1),
                    "block-indent",
                    f"这一行比第一行（第 {numbers[0]} 行）多缩进了 {deeper} 个空格：在“{indicator}”文字里，这样的行会另起一行并保留空格",
                    f"this line is indented {deeper} space(s) deeper than the first (line {numbers[0]}): in '{indicator}' text "
                    "such a line starts a new line and keeps the spaces",
                    severity="warning",
                    hint_zh=f"与第 {numbers[0]} 行对齐（{indent} 个空格）；要分段就在两段之间空一行",
                    hint_en=f"line it up with line {numbers[0]} ({indent} spaces); to start a paragraph, leave an empty line before it",
                )
            ]
    numbered = [n for n in numbers[1:] if _NUMBERED.match(doc.source(n).strip()) and doc.source(n - 1).strip()]
    if numbered and _NUMBERED.match(first.strip()):
        return [
            doc.problem(
                (numbered[0], indent + 1),
                "lines-joined",
                f"“{indicator}”会把这几行连成一行：编号的各点不会分行",
                f"'{indicator}' joins these lines into one: the numbered points do not stay on lines of their own",
                severity="warning",
                hint_zh=f"要每点一行，把第 {node.start_mark.line + 1} 行的“{indicator}”改成“|”",
                hint_en=f"for one point per line, change '{indicator}' on line {node.start_mark.line + 1} to '|'",
            )
        ]
    return []


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INVISIBLE_NAMES = {"\u200b": "零宽空格", "\u200c": "零宽非连接符", "\u200d": "零宽连接符", "\u2060": "零宽不换行符",
                    "\ufeff": "零宽不换行空格（BOM）", "\u00ad": "软连字符"}  # fmt: skip


def invisible_characters(doc: Document, node: yaml.ScalarNode, value: str) -> list[Problem]:
    """A zero-width character inside a text (pasted from WeChat or a web page): invisible here, it still
    splits words for search and copying, and may print as a box or a gap."""
    found = _INVISIBLE.search(value)
    if found is None:
        return []
    char = found.group(0)
    number = node.start_mark.line + 1
    for n in range(node.start_mark.line + 1, node.end_mark.line + 2):
        if char in doc.source(n):
            number = n
            break
    column = doc.source(number).find(char) + 1 or node.start_mark.column + 1
    return [
        doc.problem(
            (number, column),
            "invisible-char",
            f"这段文字里有看不见的字符：{_INVISIBLE_NAMES[char]}（U+{ord(char):04X}），多半是从微信或网页复制来的",
            f"this text holds an invisible character: U+{ord(char):04X}, most likely copied from WeChat or a web page",
            severity="warning",
            hint_zh=f"删掉第 {column} 列前后的这个字符：把光标两边的字删掉再重新输入",
            hint_en=f"delete it near column {column}: delete the characters around it and type them again",
        )
    ]
