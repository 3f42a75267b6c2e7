"""Line-based checks before YAML sees the text: tabs and full-width characters where YAML syntax
needs ASCII, and the YAML features we refuse (anchors, aliases, tags, directives)."""

from __future__ import annotations

import re

import yaml

from salesdocs.errors import Problem
from salesdocs.policy.reader.document import Document

_FW_COLON_KEY_RE = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_][A-Za-z0-9_\-]*)\s*(：)")
_FW_SPACE_AFTER_COLON_RE = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_][A-Za-z0-9_\-]*):(\u3000)")
_BLOCK_SCALAR_RE = re.compile(r"(?::|^\s*-|^)\s*[|>][+-]?[0-9]?\s*(?:#.*)?$")


def prescan(doc: Document) -> list[Problem]:
    """Line-based checks for mistakes YAML's own messages explain badly."""
    problems: list[Problem] = []
    block_indent: int | None = None  # inside a block scalar deeper than this indent
    for number, line in enumerate(doc.lines, start=1):
        stripped = line.lstrip(" \t\u3000\u00a0")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        problem = _indentation(doc, number, line[:indent]) if stripped else None
        if problem is None and not stripped.startswith("#"):
            problem = _punctuation(doc, number, line)
            if problem is None and _BLOCK_SCALAR_RE.search(line):
                block_indent = indent
        if problem is not None:
            problems.append(problem)
    return problems


def _indentation(doc: Document, number: int, lead: str) -> Problem | None:
    """A tab or a full-width space among the spaces that indent a line."""
    if "\t" in lead:
        return doc.problem(
            (number, lead.index("\t") + 1),
            "tab-indent",
            "缩进里有制表符（Tab），YAML 只能用空格缩进",
            "a tab in the indentation; YAML indents with spaces only",
            hint_zh="把 Tab 换成空格（每级两个空格）",
            hint_en="replace the tab with spaces (two per level)",
        )
    if "\u3000" in lead:
        return doc.problem(
            (number, lead.index("\u3000") + 1),
            "fullwidth-space",
            "缩进里有全角空格（U+3000），YAML 只能用半角空格缩进",
            "a full-width space (U+3000) in the indentation; YAML indents with ASCII spaces only",
            hint_zh="切换到英文输入法，用半角空格重新缩进",
            hint_en="switch to an English input mode and indent with ordinary spaces",
        )
    if "\u00a0" in lead:  # copied from a web page or Word: looks like a space, is not one
        return doc.problem(
            (number, lead.index("\u00a0") + 1),
            "fullwidth-space",
            "缩进里有不换行空格（U+00A0，从网页或 Word 复制来的“空格”），YAML 只能用普通空格缩进",
            "a no-break space (U+00A0, copied from a web page or Word) in the indentation; YAML indents with ordinary spaces only",
            hint_zh="删掉这一行开头的空白，再用空格键重新缩进",
            hint_en="delete the blanks at the start of this line and indent it again with the space bar",
        )
    return None


def _punctuation(doc: Document, number: int, line: str) -> Problem | None:
    """A full-width colon or space after a key, or a full-width comma between the items of a [ ] list."""
    match = _FW_COLON_KEY_RE.match(line)
    if match:
        return _fullwidth_colon(doc, (number, match.start(3) + 1), match.group(2))
    match = _FW_SPACE_AFTER_COLON_RE.match(line)
    if match:
        return doc.problem(
            (number, match.start(3) + 1),
            "fullwidth-space",
            f"键 {match.group(2)} 的冒号后面是全角空格（U+3000），YAML 需要半角空格",
            f"the colon after {match.group(2)} is followed by a full-width space (U+3000); YAML needs an ASCII space",
            hint_zh=f"切换到英文输入法，改成 {match.group(2)}: （半角冒号后加一个半角空格）",
            hint_en=f"switch to an English input mode and write {match.group(2)}: (colon and an ordinary space)",
        )
    match = _FW_BRACKET_RE.match(line)
    if match:
        bracket = match.group(2)
        ascii_bracket = _FW_BRACKETS[bracket]
        return doc.problem(
            (number, match.start(2) + 1),
            "fullwidth-bracket",
            f"值以全角括号“{bracket}”开头，YAML 需要半角括号“{ascii_bracket}”",
            f"the value starts with a full-width bracket '{bracket}'; YAML needs an ASCII bracket '{ascii_bracket}'",
            hint_zh=f"切换到英文输入法，把“{bracket}”改成“{ascii_bracket}”，结尾的“{_FW_CLOSING[bracket]}”改成“{_FW_BRACKETS[_FW_CLOSING[bracket]]}”",
            hint_en=f"switch to an English input mode and replace '{bracket}' by '{ascii_bracket}' and the closing "
            f"'{_FW_CLOSING[bracket]}' by '{_FW_BRACKETS[_FW_CLOSING[bracket]]}'",
        )
    flow = _flow_part(line)
    return _flow_punctuation(doc, number, *flow) if flow is not None else None


_FW_BRACKETS = {"［": "[", "］": "]", "｛": "{", "｝": "}"}
_FW_CLOSING = {"［": "］", "｛": "｝"}
_FW_BRACKET_RE = re.compile(r"^(\s*(?:-\s+)*(?:[A-Za-z_][A-Za-z0-9_\-]*:\s+)?)([［｛])")
#: inside { }: a full-width comma before the next key, or a full-width colon after a key
_FLOW_FW_COMMA = re.compile(r"，(?=\s*[A-Za-z_][A-Za-z0-9_\-]*\s*[:：])")
_FLOW_FW_COLON = re.compile(r"(?<=[{,，])\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*(：)")


def _flow_punctuation(doc: Document, number: int, start: int, flow: str) -> Problem | None:
    """A full-width comma between the items of a [ ] list or the fields of a { } mapping, or a
    full-width colon after a key inside { }."""
    mapping = flow.startswith("{")
    comma = _FLOW_FW_COMMA.search(flow) if mapping else re.search("，", flow)
    colon = _FLOW_FW_COLON.search(flow) if mapping else None
    if colon is not None and (comma is None or colon.start(2) < comma.start()):
        return _fullwidth_colon(doc, (number, start + colon.start(2) + 1), colon.group(1), in_braces=True)
    if comma is None:
        return None
    where_zh, where_en = ("花括号 { } 里", "inside { }") if mapping else ("方括号列表里", "inside a [ ] list")
    return doc.problem(
        (number, start + comma.start() + 1),
        "fullwidth-comma",
        f"{where_zh}用了全角逗号“，”，YAML 需要半角逗号“,”",
        f"a full-width comma '，' {where_en}; YAML needs ASCII commas ','",
        hint_zh="把“，”改成“, ”（半角逗号加一个空格）；如果逗号是文字的一部分，请给这一项加引号",
        hint_en="replace '，' with ', ' (ASCII comma and a space); if the comma belongs to the text, quote that item",
    )


def _fullwidth_colon(doc: Document, pos: tuple[int, int], key: str, *, in_braces: bool = False) -> Problem:
    where_zh, where_en = ("花括号里的", " inside { }") if in_braces else ("", "")
    return doc.problem(
        pos,
        "fullwidth-colon",
        f"{where_zh}键 {key} 后面是全角冒号“：”，YAML 需要半角冒号“:”",
        f"the key {key}{where_en} is followed by a full-width colon '：'; YAML needs an ASCII colon ':'",
        hint_zh=f"改成 {key}: （半角冒号后加一个空格）",
        hint_en=f"write {key}: (ASCII colon followed by a space)",
    )


def _flow_part(line: str) -> tuple[int, str] | None:
    """The ``[...]`` or ``{...}`` flow collection that a line's value starts with, if any."""
    match = re.match(r"^(\s*(?:-\s+)*(?:[^\s#:'\"\[{][^:#]*:\s+)?)([\[{])", line)
    if not match:
        return None
    start = match.end() - 1
    end = line.rfind("]" if match.group(2) == "[" else "}")
    if end <= start:
        return None
    segment = line[start : end + 1]
    if "'" in segment or '"' in segment:
        return None  # quoted items may legitimately hold '，'
    # a '，' inside （…） or (…) is part of an item's text, not a separator
    masked = re.sub(r"（[^）]*）|\([^)]*\)", lambda m: " " * len(m.group(0)), segment)
    return start, masked


#: anchors (&), aliases (*), tags (!) and directives (% at a line start) cannot occur without these
_MAY_HAVE_FORBIDDEN_TOKENS = re.compile(r"[&*!]|^%", re.MULTILINE)


def scan_forbidden_tokens(doc: Document, text: str) -> list[Problem]:
    """Anchors, aliases, tags and directives, each located; YAML errors are left to the composer."""
    problems: list[Problem] = []
    if not _MAY_HAVE_FORBIDDEN_TOKENS.search(text):
        return problems  # the common case: skip the (slow, pure-Python) scan
    tokens = yaml.scan(text, Loader=yaml.SafeLoader)
    while True:
        # a scanner error ends the scan; composing reports it, or an earlier parser error
        try:
            token = next(tokens)
        except (StopIteration, yaml.YAMLError):
            break
        pos = (token.start_mark.line + 1, token.start_mark.column + 1)
        if isinstance(token, yaml.AnchorToken):
            problems.append(
                doc.problem(
                    pos,
                    "yaml-anchor",
                    f"“&{token.value}”：值以“&”开头，YAML 把它当作锚点（给内容起名字，salesdocs 不支持）",
                    f"'&{token.value}': a value starting with '&' is an anchor to YAML (naming content; not supported)",
                    hint_zh=f"如果 & 是文字的一部分，给整个值加引号：{_quoted_line(doc, pos)}；否则去掉“&{token.value}”",
                    hint_en=f"if the & belongs to the text, quote the whole value: {_quoted_line(doc, pos)}; "
                    f"otherwise delete '&{token.value}'",
                )
            )
        elif isinstance(token, yaml.AliasToken):
            problems.append(
                doc.problem(
                    pos,
                    "yaml-alias",
                    f"“*{token.value}”：值以“*”开头，YAML 把它当作引用别处内容的别名（salesdocs 不支持）",
                    f"'*{token.value}': a value starting with '*' is an alias to YAML (a reference to other content; not supported)",
                    hint_zh=f"如果 * 是文字的一部分，给整个值加引号：{_quoted_line(doc, pos)}；否则去掉“*”",
                    hint_en=f"if the * belongs to the text, quote the whole value: {_quoted_line(doc, pos)}; otherwise delete the '*'",
                )
            )
        elif isinstance(token, yaml.TagToken):
            handle, suffix = token.value
            tag = f"{handle or ''}{suffix}"
            problems.append(
                doc.problem(
                    pos,
                    "yaml-tag",
                    f"不支持类型标签 {tag}",
                    f"type tags ({tag}) are not supported",
                    hint_zh="删除标签；如果要写文字，请加引号",
                    hint_en="remove the tag; quote the value if it is text",
                )
            )
        elif isinstance(token, yaml.DirectiveToken):
            problems.append(
                doc.problem(
                    pos,
                    "yaml-directive",
                    f"不支持 YAML 指令 %{token.name}",
                    f"YAML directives (%{token.name}) are not supported",
                    hint_zh="删除这一行",
                    hint_en="delete this line",
                )
            )
    return problems


def _quoted_line(doc: Document, pos: tuple[int, int]) -> str:
    """The line with its value from ``pos`` on written in quotes (a comment after it left out)."""
    from salesdocs.policy.reader.quoting import quote_text

    line = doc.source(pos[0])
    value = re.sub(r"\s+#.*$", "", line[pos[1] - 1 :]).rstrip()
    return f"{line[: pos[1] - 1].strip()} {quote_text(value)}".strip()
