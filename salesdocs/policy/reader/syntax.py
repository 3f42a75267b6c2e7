"""YAML's syntax errors, translated into what a non-programmer got wrong and where."""

from __future__ import annotations

import re
from collections import Counter

import yaml

from salesdocs.errors import Problem
from salesdocs.policy.reader.document import Document, Position
from salesdocs.policy.reader.joins import BULLETS
from salesdocs.policy.reader.quoting import (
    comment_in_flow,
    flow_item_text,
    indicator_in_flow,
    indicator_start,
    open_quote_in_flow,
    runaway_quote,
    single_quoted,
)

_SYNTAX_TRANSLATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "mapping values are not allowed here",
        "这里不能出现“: ”（冒号后面是空格或行尾）",
        "': ' (a colon followed by a space or the line's end) is not allowed here",
        '如果冒号是文字的一部分，请给整个值加引号，例如 "时间: 9:00"；也可能是上一行缩进不对',
        'if the colon belongs to the text, quote the whole value, e.g. "time: 9:00"; or the line above is mis-indented',
    ),
    (
        "could not find expected ':'",
        "缺少冒号“:”，或缩进不一致",
        "a colon ':' is missing, or the indentation is inconsistent",
        "每个键后面写半角冒号和空格（key: value），同级的行缩进要对齐",
        "write an ASCII colon and a space after each key (key: value) and align lines of the same level",
    ),
    (
        "expected <block end>",
        "缩进不一致：这一行与同级的行没有对齐",
        "inconsistent indentation: this line does not line up with its siblings",
        "同一级的键必须从同一列开始，只用空格缩进",
        "keys of the same level must start in the same column; indent with spaces only",
    ),
    (
        "did not find expected key",
        "缩进不一致，或列表项“- ”放错了位置",
        "inconsistent indentation, or a list item '- ' in the wrong place",
        "检查这一行和上一行的缩进",
        "check the indentation of this line and the one above",
    ),
    (
        "did not find expected '-' indicator",
        "列表里缺少“- ”，或缩进不一致",
        "a '- ' is missing in the list, or the indentation is inconsistent",
        "列表的每一项以“- ”开头，并对齐",
        "start every list item with '- ' and line them up",
    ),
    (
        "found unexpected end of stream",
        "文件在引号或括号闭合之前就结束了",
        "the file ends before a quote or bracket is closed",
        "检查引号（\" 或 '）和括号（[ ] { }）是否成对",
        "check that quotes (\" or ') and brackets ([ ] { }) come in pairs",
    ),
    (
        "while scanning a quoted scalar",
        "引号没有闭合",
        "a quote is not closed",
        "检查引号（\" 或 '）是否成对；文字里的引号请用中文引号“”",
        "check that quotes come in pairs; inside text use Chinese quotes “”",
    ),
    (
        "found character '\\t' that cannot start any token",
        "这里有制表符（Tab），YAML 只能用空格",
        "a tab character here; YAML uses spaces only",
        "把 Tab 换成空格",
        "replace the tab with spaces",
    ),
    (
        "found unknown escape character",
        "双引号里有未知的转义字符“\\”",
        "an unknown escape character '\\' inside double quotes",
        "把反斜杠写成“\\\\”，或改用单引号",
        "write the backslash as '\\\\' or use single quotes",
    ),
    (
        "expected the node content, but found ','",
        "列表里有空的一项：两个逗号之间没有内容",
        "an empty item in the list: nothing between two commas",
        "删掉多余的逗号",
        "delete the extra comma",
    ),
    (
        "found character '@' that cannot start any token",
        "值不能以“@”开头",
        "a value cannot start with '@'",
        "给这个值加引号",
        "quote this value",
    ),
    (
        "found character '`' that cannot start any token",
        "值不能以“`”开头",
        "a value cannot start with '`'",
        "给这个值加引号",
        "quote this value",
    ),
]


def syntax_problem(doc: Document, exc: yaml.MarkedYAMLError) -> Problem:
    """The problem for a YAML syntax error, located where the person went wrong and said in their words."""
    mark = exc.problem_mark or exc.context_mark
    pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    text = f"{exc.context or ''} {exc.problem or ''}"
    return (
        _unclosed(doc, exc, text)
        or runaway_quote(doc, pos)
        or indicator_start(doc, pos)
        or indicator_in_flow(doc, pos)
        or (flow_item_text(doc, pos) if "expected ',' or" in text else None)
        or _block_text_misaligned(doc, pos)
        or _misread_line(doc, text, pos)
        or _translated(doc, exc, text, pos)
    )


_BLOCK_HEADER = re.compile(r"[^#]*:\s+[|>][-+]?[0-9]?\s*(?:#.*)?$")


def _block_text_misaligned(doc: Document, pos: Position) -> Problem | None:
    """A line of ``text: >-`` indented less than the block's first line: YAML ends the text one line early."""
    line = doc.source(pos[0])
    indent = len(line) - len(line.lstrip(" "))
    number = pos[0] - 1
    while number > 0 and doc.source(number).strip() and not _BLOCK_HEADER.match(doc.source(number)):
        number -= 1
    header = doc.source(number)
    if number <= 0 or not _BLOCK_HEADER.match(header) or number + 1 >= pos[0]:
        return None
    first = doc.source(number + 1)
    first_indent = len(first) - len(first.lstrip(" "))
    key_indent = len(header) - len(header.lstrip(" "))
    if not key_indent < indent < first_indent:
        return None
    return doc.problem(
        (pos[0], indent + 1),
        "yaml-syntax",
        f"多行文字的这一行缩进了 {indent} 个空格，比第一行（第 {number + 1} 行，{first_indent} 个空格）少，YAML 认为文字在上一行就结束了",
        f"this line of the text is indented {indent} spaces, less than its first line (line {number + 1}, {first_indent} spaces), "
        "so YAML ends the text on the line above",
        hint_zh=f"同一段文字的每一行缩进要相同：把第 {number + 1} 行改成 {indent} 个空格，或把这一行改成 {first_indent} 个空格",
        hint_en=f"every line of one text is indented alike: indent line {number + 1} by {indent} spaces, or this line by {first_indent}",
    )


def _unclosed(doc: Document, exc: yaml.MarkedYAMLError, text: str) -> Problem | None:
    """A quote, bracket or key that YAML opened on an earlier line: point at where it was opened."""
    opened = exc.context_mark
    if not opened:
        return None
    mark = exc.problem_mark or opened
    if "while scanning a quoted scalar" in text and "end of stream" in text:
        # the quote runs to the end of the file: point at the quote that was opened
        return doc.problem(
            (opened.line + 1, opened.column + 1),
            "yaml-syntax",
            "引号没有闭合",
            "a quote is not closed",
            hint_zh="在这段文字的末尾补上同样的引号；文字里的引号请用中文引号“”",
            hint_en="add the same quote at the end of the text; inside text use Chinese quotes “”",
        )
    if "while parsing a flow" in text and mark.line != opened.line:
        # a [ or { still open on a later line: point at the bracket that was opened
        bracket = doc.source(opened.line + 1)[opened.column : opened.column + 1] or "["
        closing = "]" if bracket == "[" else "}"
        found = open_quote_in_flow(doc, opened.line + 1, opened.column, closing) or comment_in_flow(
            doc, opened.line + 1, opened.column, closing
        )
        if found is not None:
            return found
        line = doc.source(opened.line + 1)
        wide = {"]": "］", "}": "｝"}[closing]
        if wide in line[opened.column :]:  # '[效果图, 源文件］': the closing bracket typed full-width
            at = line.index(wide, opened.column)
            return doc.problem(
                (opened.line + 1, at + 1),
                "yaml-syntax",
                f"“{wide}”是全角括号，YAML 不把它当作括号，所以 {bracket} 没有闭合",
                f"'{wide}' is a full-width bracket, which YAML does not take as one, so the {bracket} is not closed",
                hint_zh=f"改成半角的 {closing}：{line.replace(wide, closing).strip()}",
                hint_en=f"type it as an ASCII {closing}: {line.replace(wide, closing).strip()}",
            )
        return doc.problem(
            (opened.line + 1, opened.column + 1),
            "yaml-syntax",
            f"括号 {bracket} 没有闭合",
            f"the bracket {bracket} is not closed",
            hint_zh=f"在这一行末尾补上 {closing}",
            hint_en=f"add {closing} at the end of this line",
        )
    if "while scanning a simple key" in text:
        # a line without 'key: ' that YAML tried to read as a key: point at that line
        pos = (opened.line + 1, opened.column + 1)
        return _dash_problem(doc, pos[0]) or _missing_colon(doc, pos)
    return None


_LIST_DASHES = re.compile(r"\s*(?:-\s+)*")


def _misread_line(doc: Document, text: str, pos: Position) -> Problem | None:
    """A line YAML read as something else (text without a colon, a mis-indented key), found above ``pos``."""
    if "mapping values are not allowed here" in text:
        before = _previous_content_line(doc, pos[0])
        if before is not None:
            prev = doc.source(before)
            dashes = _LIST_DASHES.match(prev)
            indent = dashes.end() if dashes else 0  # where the text after '- ' starts
            here = doc.source(pos[0])
            if indent == len(here) - len(here.lstrip(" ")) and not _KEY_RE.match(prev[indent:]) and not _dash_problem(doc, before):
                # 'name 增值税' or 'name:增值税' on the line before: YAML read it as text
                return _missing_colon(doc, (before, indent + 1))
    if not any(needle in text for needle in ("expected <block end>", "mapping values are not allowed here")):
        return None
    culprit = _indent_culprit(doc, pos[0])
    if culprit is None:
        return None
    return _dash_problem(doc, culprit[0]) or doc.problem(
        culprit,
        "yaml-syntax",
        "缩进不一致：这一行的缩进与上面的行对不上",
        "inconsistent indentation: this line does not line up with the lines above",
        hint_zh="同一级的键必须从同一列开始；下一级比上一级多缩进两个空格",
        hint_en="keys of the same level start in the same column; a nested level is indented two more spaces",
    )


def _translated(doc: Document, exc: yaml.MarkedYAMLError, text: str, pos: Position) -> Problem:
    """YAML's own message at YAML's own place, translated."""
    if "found unknown escape character" in text and doc.source(pos[0])[pos[1] - 2 : pos[1] - 1] == "\\":
        pos = (pos[0], pos[1] - 1)  # the caret goes under the backslash, not the character after it
    line = doc.source(pos[0])
    body = line.lstrip(" -")
    key_with_wide_colon = re.match(r"[^\s：:，,]+：", body) is not None  # 'name：LOGO', not a sentence with a ：
    wide_comma_in_list = "，" in line[line.find("[") :] if "[" in line else False
    if (key_with_wide_colon or wide_comma_in_list) and line[pos[1] - 1 : pos[1]] != ":":
        return doc.problem(
            pos,
            "fullwidth-punctuation",
            "这一行有全角标点（“：”或“，”），YAML 的语法符号需要半角（英文）标点",
            "this line has full-width punctuation ('：' or '，'); YAML syntax needs ASCII punctuation",
            hint_zh="键后面用半角冒号“: ”，列表里用半角逗号“, ”；文字里的全角标点请加引号",
            hint_en="use ': ' after keys and ', ' in lists; quote text that contains full-width punctuation",
        )
    if "found unknown escape character" in text or "expected escape sequence" in text:
        opened, closed = line.rfind('"', 0, pos[1] - 1), line.find('"', pos[1] - 1)
        if 0 <= opened < closed:  # the whole value in single quotes, where a backslash is a backslash
            single = single_quoted(line[opened + 1 : closed])
            return doc.problem(
                pos,
                "yaml-syntax",
                "双引号里的反斜杠“\\”是转义符，这里的写法不认识",
                "in double quotes a backslash '\\' starts an escape, and this one is unknown",
                hint_zh=f"改用单引号（单引号里反斜杠就是反斜杠）：{line[:opened]}{single}{line[closed + 1 :]}".strip(),
                hint_en=f"use single quotes (a backslash is just a backslash there): {line[:opened]}{single}{line[closed + 1 :]}".strip(),
            )
    for needle, zh, en, hint_zh, hint_en in _SYNTAX_TRANSLATIONS:
        if needle in text:
            return doc.problem(pos, "yaml-syntax", zh, en, hint_zh=hint_zh, hint_en=hint_en)
    detail = (exc.problem or exc.context or "").strip()
    return doc.problem(
        pos,
        "yaml-syntax",
        f"YAML 语法错误：{detail}",
        f"YAML syntax error: {detail}",
        hint_zh="检查这一行的冒号、引号和缩进",
        hint_en="check the colons, quotes and indentation of this line",
    )


_KEY_RE = re.compile(r"""(?:[^\s#'"\[\]{}:,-]|-(?!\s))[^#]*?:(?:\s|$)|(?:"[^"]*"|'[^']*')\s*:(?:\s|$)""")


def _indent_culprit(doc: Document, upto: int) -> Position | None:
    """The first line up to ``upto`` whose indentation fits no open block, if any.

    YAML often notices a mis-indented line only on a later line; a non-programmer
    needs the line they got wrong.  When a line falls between two open levels and the
    deeper level was opened with an unusual step (three spaces where the file indents by
    two), the line that opened that level is the one that went wrong.
    """
    levels: list[tuple[int, int]] = [(0, 0)]  # (column, line that opened it) of the open block collections
    steps: Counter[int] = Counter()  # how far each level is indented from its parent
    opener = True  # the previous line opened a nested block ("key:" or "-")
    block: int | None = None  # inside a block scalar indented deeper than this
    depth = 0  # open [ and { of a flow collection spanning lines
    for number, line in enumerate(doc.lines[:upto], start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if block is not None:
            if indent > block:
                continue
            block = None
        if depth > 0:
            depth = max(0, depth + _bracket_balance(stripped))
            continue
        if re.match(r"-[^\s\-0-9.]", stripped):
            return number, indent + 1  # '-name:' (see _dash_problem)
        if indent > levels[-1][0]:
            if not opener:
                if stripped.startswith("- ") or stripped == "-" or _KEY_RE.match(stripped):
                    parent = levels[-2][0] if len(levels) > 1 else 0
                    return _odd_level(levels[-1], parent, indent, steps) or (number, indent + 1)
                continue  # continuation of a plain value
            steps[indent - levels[-1][0]] += 1
            levels.append((indent, number))
        else:
            popped = None
            while levels[-1][0] > indent:
                popped = levels.pop()
            if levels[-1][0] != indent:
                return _odd_level(popped, levels[-1][0], indent, steps) or (number, indent + 1)
        rest, column = stripped, indent
        while rest.startswith("- ") or rest == "-":
            after = rest[1:].lstrip(" ")
            column += len(rest) - len(after)
            rest = after
            if rest:
                levels.append((column, number))
        body = re.sub(r"\s+#.*$", "", rest).rstrip()
        opener = rest == "" or body.endswith(":")
        if re.search(r"(?:^|:\s)[|>][+-]?[0-9]?$", body):
            block = indent
        depth = max(0, _bracket_balance(body))
    return None


def _odd_level(popped: tuple[int, int] | None, parent: int, indent: int, steps: Counter[int]) -> Position | None:
    """The line that opened ``popped`` when it, not the line at ``indent``, broke the file's usual step."""
    if popped is None or popped[1] == 0:
        return None
    others = steps - Counter({popped[0] - parent: 1})  # the file's usual step, not counting the level in question
    usual = others.most_common(1)[0][0] if others else 2
    if indent - parent == usual and popped[0] - parent != usual:
        return popped[1], popped[0] + 1
    return None


_EMPTY_KEY = re.compile(r"(\s*(?:-\s+)*)([^\s#'\"][^#]*?):\s*(?:#.*)?$")


def _missing_colon(doc: Document, pos: Position) -> Problem:
    fullwidth = "：" in doc.source(pos[0])
    if not fullwidth:
        belongs = _value_not_indented(doc, pos)
        if belongs is not None:
            return belongs
    return doc.problem(
        pos,
        "yaml-syntax",
        "这一行缺少半角冒号“: ”" + ("（“：”是全角冒号）" if fullwidth else "（冒号后要有一个空格）"),
        "this line is missing a colon ': '" + (" ('：' is a full-width colon)" if fullwidth else " (with a space after it)"),
        hint_zh="写成 键: 值（英文输入法的冒号，后面加一个空格）",
        hint_en="write key: value (an ASCII colon followed by a space)",
    )


def _value_not_indented(doc: Document, pos: Position) -> Problem | None:
    """``note:`` with its text on the next line at the key's own indentation (or a list written with
    bullets such as •): the text belongs to the key above and needs indenting, not a colon."""
    before = _previous_content_line(doc, pos[0])
    key = _EMPTY_KEY.match(doc.source(before)) if before is not None else None
    if key is None:
        return None
    line = doc.source(pos[0])
    text = line.strip()
    key_column = len(key.group(1))
    if text[:1] in BULLETS:
        item = text[1:].strip()
        return doc.problem(
            pos,
            "yaml-syntax",
            f"列表项要用半角的“- ”开头，“{text[0]}”不是 YAML 的列表符号",
            f"list items start with an ASCII '- '; '{text[0]}' is not YAML's list mark",
            hint_zh=f"每一项写成“- {item}”这样，“-”比 {key.group(2)} 多缩进两个空格（从第 {key_column + 3} 列开始）",
            hint_en=f"write every item like '- {item}', the '-' two spaces deeper than {key.group(2)} (from column {key_column + 3})",
        )
    if len(line) - len(line.lstrip(" ")) > key_column:
        return None
    return doc.problem(
        pos,
        "yaml-syntax",
        f"这一行像是上一行 {key.group(2)} 的内容，但它没有缩进，YAML 把它当成了一个缺少冒号的新键",
        f"this line looks like the value of {key.group(2)} above, but it is not indented, so YAML reads it as a key without a colon",
        hint_zh=f"把它写在冒号后面同一行：{key.group(2)}: {text}；或者比 {key.group(2)} 多缩进两个空格（从第 {key_column + 3} 列开始）",
        hint_en=f"write it after the colon: {key.group(2)}: {text}; or indent it two spaces deeper than {key.group(2)} "
        f"(from column {key_column + 3})",
    )


def _previous_content_line(doc: Document, number: int) -> int | None:
    for before in range(number - 1, 0, -1):
        stripped = doc.source(before).strip()
        if stripped and not stripped.startswith("#"):
            return before
    return None


def _dash_problem(doc: Document, number: int) -> Problem | None:
    """'-name: x' instead of '- name: x': the list dash needs a space after it."""
    line = doc.source(number)
    stripped = line.lstrip(" ")
    if not re.match(r"-[^\s\-0-9.]", stripped):
        return None
    return doc.problem(
        (number, len(line) - len(stripped) + 1),
        "yaml-syntax",
        "列表项的“-”后面要有一个空格",
        "a list item's '-' must be followed by a space",
        hint_zh=f"写成 - {stripped[1:]}",
        hint_en=f"write - {stripped[1:]}",
    )


def _bracket_balance(text: str) -> int:
    text = re.sub(r'"[^"]*"|\'[^\']*\'', "", text)
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")
