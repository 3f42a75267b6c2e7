"""Values YAML reads as syntax, where quoting the value (or an item) is the fix that works.

A value that starts with ``*`` ``&`` ``!`` ``%`` ``@`` `````` ``|`` ``>`` ``-`` ``?``, quotes that
enclose only part of a value, a quote left open that YAML closes lines later, and the same inside a
``[bracketed, list]``: each is said in words at the value, with the line as it should be written.
"""

from __future__ import annotations

import re

import yaml

from salesdocs.errors import Problem
from salesdocs.policy.reader.document import Document, Position

__all__ = [
    "comment_in_flow",
    "flow_item_text",
    "indicator_in_flow",
    "indicator_start",
    "open_quote_in_flow",
    "quote_text",
    "runaway_quote",
    "single_quoted",
]


def quote_text(text: str) -> str:
    """``text`` as a YAML value that reads back as exactly ``text``: in double quotes when nothing in it
    is special there, else in single quotes (where only ' is doubled and a backslash is a backslash)."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return single_quoted(text)


def single_quoted(text: str) -> str:
    """``text`` in YAML's single quotes, where a backslash is a backslash and ' is written ''."""
    return "'" + text.replace("'", "''") + "'"


def runaway_quote(doc: Document, pos: Position) -> Problem | None:
    """A quote left open on its line that YAML closed lines later (at a quote in a comment, say).

    YAML complains only where the runaway text ends; the mistake is the line that opened it.
    """
    last: yaml.ScalarToken | None = None
    try:
        for token in yaml.scan("\n".join(doc.lines), Loader=yaml.SafeLoader):
            if (token.start_mark.line + 1, token.start_mark.column + 1) >= pos:
                break  # the token YAML stumbled on, or later
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass  # the scan stops at the error: the tokens before it are what matter
    if last is None or last.style not in ("'", '"') or last.end_mark.line + 1 != pos[0] or last.start_mark.line == last.end_mark.line:
        return None
    opened, quote = last.start_mark, last.style
    line = doc.source(opened.line + 1)
    return doc.problem(
        (opened.line + 1, opened.column + 1),
        "yaml-syntax",
        f"这一行的引号 {quote} 没有闭合：YAML 一直读到第 {pos[0]} 行的 {quote} 才结束",
        f"the quote {quote} on this line is not closed: YAML reads on to the {quote} on line {pos[0]}",
        hint_zh=f"在这一行末尾补上 {quote}，写成 {line.strip()}{quote}；如果引号是文字的一部分，请改用中文引号“”",
        hint_en=f"close it at the end of this line: {line.strip()}{quote}; if the quote belongs to the text, use Chinese quotes “”",
    )


#: characters that YAML reads as syntax at the start of a plain value, and what they mean to YAML
_INDICATORS = {
    "@": ("保留符号", "a reserved character"),
    "`": ("保留符号", "a reserved character"),
    "%": ("指令符号", "a directive"),
    "*": ("别名符号", "an alias"),
    "&": ("锚点符号", "an anchor"),
    "|": ("多行文字的开头", "the start of a block of text"),
    ">": ("多行文字的开头", "the start of a block of text"),
    "-": ("列表项", "a list item"),
    "?": ("键的标记", "a key marker"),
    "!": ("类型标签", "a type tag"),
    "'": ("引号", "a quote"),
    '"': ("引号", "a quote"),
    "[": ("列表的括号", "a list bracket"),
    "{": ("键值对的括号", "a mapping bracket"),
}
_CLOSING = {"'": "'", '"': '"', "[": "]", "{": "}"}
#: a block header with a chomping or indentation indicator and then text: the text was meant for the next lines
_BLOCK_WITH_TEXT = re.compile(r"([|>](?:[-+][0-9]?|[0-9][-+]?))\s+(\S.*)")
_BRACKETED = {"[": ("列表", "a list"), "{": ("键值对", "a mapping")}
#: the part of a line before its value: indentation, list dashes and a key with its colon
_BEFORE_VALUE = re.compile(r"""\s*(?:-\s+)*(?:(?:"[^"]*"|'[^']*'|[^\s'"\[\]{}#:?*&|>@`%-][^:#]*?):\s+)?""")


def indicator_start(doc: Document, pos: Position) -> Problem | None:
    """A value on the error's line that starts with a character YAML reads as syntax ('*重要*', '"新品" 发布')."""
    line = doc.source(pos[0])
    before = line[: _BEFORE_VALUE.match(line).end()]  # type: ignore[union-attr]  # the pattern matches any line
    value = re.sub(r"\s+#.*$", "", line[len(before) :]).rstrip()
    first = value[:1]
    if first not in _INDICATORS:
        return None
    closing = _CLOSING.get(first)
    end = value.find(closing, 1) if closing else -1
    if closing and (end < 0 or not value[end + 1 :].strip()):
        return None  # not closed on this line, or nothing after it: another mistake
    if (first in "-?" and not value[1:2].isspace()) or (first in "|>" and len(value) == 1):
        return None  # '-5', '?x' are plain text; '|' and '>' alone open a block on the next lines
    quoted = quote_text(value)
    fixed = f"{before.strip()} {quoted}".lstrip()
    rest = value[end + 1 :].strip()
    if first in "'\"" and value.endswith(first) and len(value) > 2:  # 'Tom's 新品': the quote itself inside the quotes
        inner = value[1:-1]
        other = '"' if first == "'" else "'"
        wrapped = f"{other}{inner}{other}" if other not in inner and "\\" not in inner else quote_text(inner)
        fixed = f"{before.strip()} {wrapped}".lstrip()
        zh = f"引号 {first} 里又出现了 {first}：YAML 在那里就结束了这段文字，后面还有“{rest}”"
        en = f"the quote {first} appears again inside the {first} quotes: YAML ends the text there, and '{rest}' follows"
        hint_zh = f"外面改用另一种引号：{fixed}；或者文字里的引号改用中文引号“”"
        hint_en = f"use the other kind of quotes outside: {fixed}; or use Chinese quotes “” inside the text"
    elif first in "'\"":
        zh = f"引号只能把整个值括起来：{value[: end + 1]} 后面还有“{rest}”"
        en = f"quotes must enclose the whole value: {value[: end + 1]} is followed by '{rest}'"
        hint_zh = f"给整个值加引号，写成 {fixed}；文字里的引号也可以改用中文引号“”"
        hint_en = f"quote the whole value: {fixed}; or use Chinese quotes “” inside the text"
    elif closing:
        zh_kind, en_kind = _BRACKETED[first]
        zh = f"以“{first}”开头的值是{zh_kind}，“{closing}”后面不能再有文字“{rest}”"
        en = f"a value starting with '{first}' is {en_kind}; no text may follow its '{closing}'"
        hint_zh, hint_en = f"如果这是文字，给整个值加引号，写成 {fixed}", f"if this is text, quote the whole value: {fixed}"
    elif block := _BLOCK_WITH_TEXT.match(value):  # 'text: >- 各表…': a block of text begun on its own line
        head, words = block.group(1), block.group(2)
        key = before.strip()
        zh = f"“{head}”表示文字从下一行开始，同一行不能再写文字"
        en = f"'{head}' means the text starts on the next line; nothing may follow it on this line"
        hint_zh = f"“{key} {head}”单独一行，文字“{words[:12]}…”移到下一行，比 {key.rstrip(':')} 多缩进两个空格"
        hint_en = f"keep '{key} {head}' alone on its line and move the text to the next line, two spaces deeper than {key.rstrip(':')}"
    else:
        zh_meaning, en_meaning = _INDICATORS[first]
        zh = f"值不能以“{first}”开头：YAML 把它当作{zh_meaning}，而不是文字"
        en = f"a value cannot start with '{first}': YAML reads it as {en_meaning}, not as text"
        hint_zh, hint_en = f"给整个值加引号，写成 {fixed}", f"quote the whole value: {fixed}"
    return doc.problem((pos[0], len(before) + 1), "yaml-syntax", zh, en, hint_zh=hint_zh, hint_en=hint_en)


def indicator_in_flow(doc: Document, pos: Position) -> Problem | None:
    """``[*效果图*, 源文件]``, ``[- 效果图]``: an item of a bracketed list that starts with a character YAML reads as syntax."""
    line = doc.source(pos[0])
    at = min(pos[1] - 1, len(line))
    start = max(line.rfind(c, 0, at) for c in "[{,") + 1
    if start <= 0:
        return None
    start += len(line[start:]) - len(line[start:].lstrip())
    ends = [i for i in (line.find(",", start), line.find("]", start), line.find("}", start)) if i >= 0]
    end = min(ends) if ends else len(line)
    item = line[start:end].rstrip()
    first = item[:1]
    if first not in _INDICATORS or first in _CLOSING or (first in "-?" and not item[1:2].isspace()):
        return None
    if first == "-":  # '[- a, - b]': a list written both ways at once; the brackets need no dashes
        fixed = f"{line[:start]}{item[1:].lstrip()}{line[start + len(item) :]}".strip()
        return doc.problem(
            (pos[0], start + 1),
            "yaml-syntax",
            "方括号里的列表项不用“- ”：逗号已经把各项分开了",
            "items inside brackets take no '- ': the commas already separate them",
            hint_zh=f"去掉“- ”：{fixed}",
            hint_en=f"drop the '- ': {fixed}",
        )
    quoted = quote_text(item)
    fixed = f"{line[:start]}{quoted}{line[start + len(item) :]}".strip()
    zh_meaning, en_meaning = _INDICATORS[first]
    return doc.problem(
        (pos[0], start + 1),
        "yaml-syntax",
        f"列表里的一项不能以“{first}”开头：YAML 把它当作{zh_meaning}，而不是文字",
        f"an item of the list cannot start with '{first}': YAML reads it as {en_meaning}, not as text",
        hint_zh=f"给这一项加引号：{fixed}",
        hint_en=f"quote this item: {fixed}",
    )


def open_quote_in_flow(doc: Document, number: int, bracket: int, closing: str) -> Problem | None:
    """``["效果图, 源文件]``: an item's quote left open runs on past the closing bracket."""
    line = doc.source(number)
    for quote in ('"', "'"):
        starts = [i for i in range(bracket + 1, len(line)) if line[i] == quote and line[i - 1 : i] in ("[", "{", ",", " ")]
        if not starts or line.count(quote, bracket) % 2 == 0:
            continue
        at = starts[-1]
        ends = [i for i in (line.find(",", at), line.find(closing, at)) if i >= 0]
        end = min(ends) if ends else len(line.rstrip())
        fixed = f"{line[:end].rstrip()}{quote}{line[end:]}".strip()
        return doc.problem(
            (number, at + 1),
            "yaml-syntax",
            f"这一项的引号 {quote} 没有闭合，后面的“{closing}”也被当成了文字",
            f"this item's quote {quote} is not closed, so the '{closing}' after it is read as text",
            hint_zh=f"在这一项末尾补上 {quote}：{fixed}；如果引号是文字的一部分，请改用中文引号“”",
            hint_en=f"close it at the end of the item: {fixed}; if the quote belongs to the text, use Chinese quotes “”",
        )
    return None


def comment_in_flow(doc: Document, number: int, bracket: int, closing: str) -> Problem | None:
    """``[效果图 #1, 源文件]``: the `` #`` starts a comment that swallows the rest of the line, the closing bracket with it."""
    line = doc.source(number)
    hash_at = line.find(" #", bracket)
    if hash_at < 0 or closing not in line[hash_at:]:
        return None
    start = max(line.rfind(",", bracket, hash_at), bracket) + 1
    start += len(line[start:]) - len(line[start:].lstrip())
    ends = [i for i in (line.find(",", hash_at), line.find(closing, hash_at)) if i >= 0]
    end = min(ends)
    item = line[start:end].rstrip()
    fixed = f"{line[:start]}{quote_text(item)}{line[start + len(item) :]}".strip()
    return doc.problem(
        (number, hash_at + 2),
        "yaml-syntax",
        f"“ #”后面的内容被当作注释，连同后面的“{closing}”，括号就没有闭合了",
        f"' #' starts a comment that swallows the rest of the line, the closing '{closing}' with it",
        hint_zh=f"给含有 # 的这一项加引号：{fixed}",
        hint_en=f"quote the item with the #: {fixed}",
    )


def flow_item_text(doc: Document, pos: Position) -> Problem | None:
    """An item of a ``[bracketed, list]`` whose quotes enclose only part of it (``"配图"与素材``), or
    that holds a bracket (``配图{素材}``): YAML expected a comma or the closing bracket there."""
    line = doc.source(pos[0])
    at = min(pos[1] - 1, len(line))
    start = max(line.rfind(", ", 0, at) + 2, line.rfind("[", 0, at) + 1, 0)
    if start <= 0 or "[" not in line[:start]:
        return None
    ends = [i for i in (line.find(", ", at), line.rfind("]")) if i >= at]
    end = min(ends) if ends else len(line.rstrip())
    item = line[start:end].strip()
    if not item:
        return None
    quote = item[0] if item[0] in "'\"" else None
    if quote is None and not any(c in item for c in "[]{}"):
        return None
    wrapped = quote_text(item)
    fixed = f"{line[:start]}{wrapped}{line[start + len(item) :]}".strip()
    if quote is not None:
        zh = f"引号只能把这一项整个括起来：{item} 里引号后面还有文字"
        en = f"quotes must enclose the whole item: in {item} text follows the closing quote"
        tail_zh, tail_en = "；文字里的引号也可以改用中文引号“”", "; or use Chinese quotes “” inside the text"
    else:
        zh = f"方括号列表里的一项不能含有括号 [ ] {{ }}：{item}"
        en = f"an item of a bracketed list cannot contain the brackets [ ] {{ }}: {item}"
        tail_zh = tail_en = ""
    return doc.problem(
        (pos[0], start + 1),
        "yaml-syntax",
        zh,
        en,
        hint_zh=f"给这一项加引号：{fixed}{tail_zh}",
        hint_en=f"quote the item: {fixed}{tail_en}",
    )
