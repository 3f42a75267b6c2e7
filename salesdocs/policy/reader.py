"""Strict YAML reader: values plus the line:column of every key and value.

Reads YAML the way a non-programmer means it and reports every mistake as a
located :class:`~salesdocs.errors.Problem` instead of raising:

* UTF-8 only (a UTF-8 BOM is accepted); GBK/GB18030 and UTF-16 files are named;
* no anchors, aliases, tags, merge keys, directives or several documents;
* duplicate keys are errors citing both lines;
* ``yes/no/on/off/y/n`` are errors (write ``true``/``false`` or quote the text);
* tabs and full-width spaces in indentation, full-width colons and commas where
  YAML syntax needs ASCII get their own message;
* plain scalars resolve as editors read YAML 1.2: ``true``/``false``, ``null``,
  integers, decimals (as :class:`~decimal.Decimal`, never float); dates and
  ``1:30`` stay text.

The reader never raises for bad input: whatever the bytes, it returns a
document (or ``None``) and a list of problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from salesdocs.errors import Problem

PathKey = tuple[str | int, ...]
Position = tuple[int, int]

_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_DEC_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_FW_COLON_KEY_RE = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_][A-Za-z0-9_\-]*)\s*(：)")
_FW_SPACE_AFTER_COLON_RE = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_][A-Za-z0-9_\-]*):(\u3000)")
_BLOCK_SCALAR_RE = re.compile(r"(?::|^\s*-|^)\s*[|>][+-]?[0-9]?\s*(?:#.*)?$")


@dataclass
class Document:
    """One parsed YAML file: its data and where every value came from."""

    rel: str
    data: Any
    lines: list[str]
    positions: dict[PathKey, Position] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    plain_text: dict[PathKey, str] = field(default_factory=dict)

    def pos(self, path: PathKey) -> Position:
        """Position of the value at ``path`` or of its nearest located ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def key_pos(self, path: PathKey) -> Position:
        """Position of the key that holds ``path`` (falls back to the value)."""
        path = tuple(path)
        return self.key_positions.get(path) or self.pos(path)

    def source(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def problem(
        self,
        pos: Position,
        code: str,
        zh: str,
        en: str,
        *,
        hint_zh: str = "",
        hint_en: str = "",
        severity: str = "error",
    ) -> Problem:
        line, col = pos
        return Problem(
            file=self.rel,
            line=line,
            column=col,
            code=code,
            zh=zh,
            en=en,
            severity=severity,  # type: ignore[arg-type]
            hint_zh=hint_zh,
            hint_en=hint_en,
            source_line=self.source(line),
        )


class _Composer(yaml.SafeLoader):
    """SafeLoader's composer without implicit tag resolution: we resolve scalars ourselves
    (:meth:`_Builder._scalar`), so the resolver's regular expressions are wasted work."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:  # type: ignore[override]
        return "tag:yaml.org,2002:str"


class _FastComposer(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's composer (10-15× faster); same nodes and marks, plain style '' instead of None."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:  # type: ignore[override]
        return "tag:yaml.org,2002:str"


def _compose(text: str) -> list[yaml.Node]:
    """Compose with libyaml; on any error compose again in Python, whose messages and
    positions the error translations are written for."""
    try:
        return list(yaml.compose_all(text, Loader=_FastComposer))
    except yaml.YAMLError:
        return list(yaml.compose_all(text, Loader=_Composer))


#: anchors (&), aliases (*), tags (!) and directives (% at a line start) cannot occur without these
_MAY_HAVE_FORBIDDEN_TOKENS = re.compile(r"[&*!]|^%", re.MULTILINE)


class _Reject(Exception):
    """Internal: stop reading this file, the problems say why."""


def read_yaml(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file; never raises for bad content."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Problem(rel, 0, 0, "read-error", f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}")
        ]
    return read_yaml_bytes(raw, rel)


def read_yaml_bytes(raw: bytes, rel: str) -> tuple[Document | None, list[Problem]]:
    """Read YAML from bytes; ``rel`` is the name used in messages."""
    text, problems = _decode(raw, rel)
    if text is None:
        return None, problems
    doc = Document(rel=rel, data=None, lines=text.splitlines())
    problems = _prescan(doc)
    if problems:
        return None, problems
    try:
        if _MAY_HAVE_FORBIDDEN_TOKENS.search(text):
            problems.extend(_scan_forbidden_tokens(doc, text))
        nodes = _compose(text)
    except yaml.MarkedYAMLError as exc:
        syntax = _syntax_problem(doc, exc)
        if any((p.line, p.column) == (syntax.line, syntax.column) for p in problems):
            return None, problems  # e.g. an alias already reported as unsupported
        return None, [*problems, syntax]
    except yaml.YAMLError as exc:  # unmarked: rare, still located at the top
        return None, [*problems, doc.problem((1, 1), "yaml-syntax", f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}")]
    except RecursionError:
        return None, [*problems, doc.problem((1, 1), "yaml-too-deep", "嵌套层次太深", "nesting is too deep")]
    if len(nodes) > 1:
        line = nodes[1].start_mark.line + 1
        while line > 1 and not doc.source(line).startswith("---"):
            line -= 1
        problems.append(
            doc.problem(
                (line, 1),
                "multiple-documents",
                "一个文件只能有一个 YAML 文档（发现了 '---' 分隔的第二个文档）",
                "a file may hold only one YAML document (found a second one after '---')",
                hint_zh="删除 '---' 这一行，或把第二部分移到另一个文件",
                hint_en="remove the '---' line or move the second part into its own file",
            )
        )
    if problems:
        return None, problems
    if not nodes or _is_empty(nodes[0]):
        return None, [
            doc.problem(
                (1, 1),
                "empty-file",
                "文件是空的（或只有注释）",
                "the file is empty (or holds only comments)",
                hint_zh="填写内容，或删除这个文件",
                hint_en="fill it in or delete the file",
            )
        ]
    builder = _Builder(doc)
    doc.data = builder.build(nodes[0], ())
    return (None if builder.problems else doc), builder.problems


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in _NULL


def _decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    def fail(code: str, zh: str, en: str, hz: str = "", he: str = "", line: int = 1, col: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(rel, line, col, code, zh, en, hint_zh=hz, hint_en=he)]

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw[:8192]):
        return fail(
            "encoding-utf16",
            "文件是 UTF-16 编码保存的，只接受 UTF-8",
            "the file is saved as UTF-16; only UTF-8 is accepted",
            "用编辑器另存为 UTF-8 编码",
            "save it again as UTF-8 in your editor",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:8192]:
        return fail(
            "binary-file",
            "这不是文本文件（含有二进制数据）",
            "this is not a text file (it contains binary data)",
            "规则文件必须是 YAML 文本；请检查是否放错了文件",
            "rules files must be YAML text; check that the right file is here",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            return fail(
                "encoding",
                "文件不是 UTF-8 编码（无法识别的字节）",
                "the file is not UTF-8 (undecodable bytes)",
                "用编辑器另存为 UTF-8 编码",
                "save it again as UTF-8 in your editor",
                line,
                col,
            )
        return fail(
            "encoding-gbk",
            "文件是 GBK/GB18030 编码保存的，只接受 UTF-8",
            "the file is saved as GBK/GB18030; only UTF-8 is accepted",
            "记事本：文件 → 另存为 → 编码选择 UTF-8；VS Code：点右下角的编码 → 通过编码保存 → UTF-8",
            "Notepad: File → Save As → Encoding: UTF-8; VS Code: click the encoding in the status bar → Save with Encoding → UTF-8",
            line,
            col,
        )
    match = _FORBIDDEN_CONTROL.search(text)
    bad = match.start() if match else None
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        return fail(
            "control-character",
            f"文件含有不可见的控制字符 U+{ord(text[bad]):04X}",
            f"the file contains an invisible control character U+{ord(text[bad]):04X}",
            "删除这个字符（常见于从其他软件复制粘贴的文字）",
            "delete it (it often comes with text pasted from other programs)",
            line,
            col,
        )
    return text, []


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 without a byte-order mark: many zero bytes, and it reads as text in UTF-16."""
    if sample.count(0) * 8 < len(sample):
        return False
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample[: len(sample) // 2 * 2].decode(encoding, errors="replace")
        if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            return True
    return False


#: control characters except tab/newline/CR, C1 controls, non-characters, lone surrogates, and
#: U+2028/U+2029 (they end a line for YAML but not in editors: line numbers would not match)
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029\ud800-\udfff]")


def _prescan(doc: Document) -> list[Problem]:
    """Line-based checks for mistakes YAML's own messages explain badly."""
    problems: list[Problem] = []
    block_indent: int | None = None  # inside a block scalar deeper than this indent
    for number, line in enumerate(doc.lines, start=1):
        stripped = line.lstrip(" \t\u3000")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        lead = line[:indent]
        if "\t" in lead and stripped:
            problems.append(
                doc.problem(
                    (number, lead.index("\t") + 1),
                    "tab-indent",
                    "缩进里有制表符（Tab），YAML 只能用空格缩进",
                    "a tab in the indentation; YAML indents with spaces only",
                    hint_zh="把 Tab 换成空格（每级两个空格）",
                    hint_en="replace the tab with spaces (two per level)",
                )
            )
            continue
        if "\u3000" in lead and stripped:
            problems.append(
                doc.problem(
                    (number, lead.index("\u3000") + 1),
                    "fullwidth-space",
                    "缩进里有全角空格（U+3000），YAML 只能用半角空格缩进",
                    "a full-width space (U+3000) in the indentation; YAML indents with ASCII spaces only",
                    hint_zh="切换到英文输入法，用半角空格重新缩进",
                    hint_en="switch to an English input mode and indent with ordinary spaces",
                )
            )
            continue
        if stripped.startswith("#"):
            continue
        match = _FW_COLON_KEY_RE.match(line)
        if match:
            problems.append(
                doc.problem(
                    (number, match.start(3) + 1),
                    "fullwidth-colon",
                    f"键 {match.group(2)} 后面是全角冒号“：”，YAML 需要半角冒号“:”",
                    f"the key {match.group(2)} is followed by a full-width colon '：'; YAML needs an ASCII colon ':'",
                    hint_zh=f"改成 {match.group(2)}: （半角冒号后加一个空格）",
                    hint_en=f"write {match.group(2)}: (ASCII colon followed by a space)",
                )
            )
            continue
        match = _FW_SPACE_AFTER_COLON_RE.match(line)
        if match:
            problems.append(
                doc.problem(
                    (number, match.start(3) + 1),
                    "fullwidth-space",
                    f"键 {match.group(2)} 的冒号后面是全角空格（U+3000），YAML 需要半角空格",
                    f"the colon after {match.group(2)} is followed by a full-width space (U+3000); YAML needs an ASCII space",
                    hint_zh=f"切换到英文输入法，改成 {match.group(2)}: （半角冒号后加一个半角空格）",
                    hint_en=f"switch to an English input mode and write {match.group(2)}: (colon and an ordinary space)",
                )
            )
            continue
        flow = _flow_part(line)
        if flow is not None and "，" in flow[1]:
            problems.append(
                doc.problem(
                    (number, flow[0] + flow[1].index("，") + 1),
                    "fullwidth-comma",
                    "方括号列表里用了全角逗号“，”，YAML 列表需要半角逗号“,”",
                    "a full-width comma '，' inside a [ ] list; YAML lists need ASCII commas ','",
                    hint_zh="把“，”改成“, ”；如果逗号是文字的一部分，请给这一项加引号",
                    hint_en="replace '，' with ', '; if the comma belongs to the text, quote that item",
                )
            )
            continue
        if _BLOCK_SCALAR_RE.search(line):
            block_indent = indent
    return problems


def _flow_part(line: str) -> tuple[int, str] | None:
    """The ``[...]`` flow sequence that a line's value starts with, if any."""
    match = re.match(r"^(\s*(?:-\s+)*(?:[^\s#:'\"][^:#]*:\s+)?)\[", line)
    if not match:
        return None
    start = match.end() - 1
    end = line.rfind("]")
    if end <= start:
        return None
    segment = line[start : end + 1]
    if "'" in segment or '"' in segment:
        return None  # quoted items may legitimately hold '，'
    # a '，' inside （…） or (…) is part of an item's text, not a separator
    masked = re.sub(r"（[^）]*）|\([^)]*\)", lambda m: " " * len(m.group(0)), segment)
    return start, masked


def _scan_forbidden_tokens(doc: Document, text: str) -> list[Problem]:
    problems: list[Problem] = []
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
                    f"不支持锚点 &{token.value}",
                    f"anchors (&{token.value}) are not supported",
                    hint_zh="把内容直接写出来；重复的内容请分别填写",
                    hint_en="write the content out in full where it is needed",
                )
            )
        elif isinstance(token, yaml.AliasToken):
            problems.append(
                doc.problem(
                    pos,
                    "yaml-alias",
                    f"不支持引用 *{token.value}",
                    f"aliases (*{token.value}) are not supported",
                    hint_zh="把被引用的内容直接写在这里",
                    hint_en="write the referenced content out here",
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


_SYNTAX_TRANSLATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "mapping values are not allowed here",
        "这里不能出现“: ”（冒号加空格）",
        "': ' (colon and space) is not allowed here",
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


def _syntax_problem(doc: Document, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    text = f"{exc.context or ''} {exc.problem or ''}"
    opened = exc.context_mark
    if opened and "while scanning a quoted scalar" in text and "end of stream" in text:
        # the quote runs to the end of the file: point at the quote that was opened
        return doc.problem(
            (opened.line + 1, opened.column + 1),
            "yaml-syntax",
            "引号没有闭合",
            "a quote is not closed",
            hint_zh="在这段文字的末尾补上同样的引号；文字里的引号请用中文引号“”",
            hint_en="add the same quote at the end of the text; inside text use Chinese quotes “”",
        )
    if opened and "while parsing a flow" in text and mark and mark.line != opened.line:
        # a [ or { still open on a later line: point at the bracket that was opened
        bracket = doc.source(opened.line + 1)[opened.column : opened.column + 1] or "["
        closing = "]" if bracket == "[" else "}"
        return doc.problem(
            (opened.line + 1, opened.column + 1),
            "yaml-syntax",
            f"括号 {bracket} 没有闭合",
            f"the bracket {bracket} is not closed",
            hint_zh=f"在这一行末尾补上 {closing}",
            hint_en=f"add {closing} at the end of this line",
        )
    if opened and "while scanning a simple key" in text:
        # a line without 'key: ' that YAML tried to read as a key: point at that line
        pos = (opened.line + 1, opened.column + 1)
        return _dash_problem(doc, pos[0]) or _missing_colon(doc, pos)
    if "mapping values are not allowed here" in text:
        before = _previous_content_line(doc, pos[0])
        if before is not None:
            prev = doc.source(before)
            indent = len(re.match(r"\s*(?:-\s+)*", prev).group(0))  # where the text after '- ' starts
            here = doc.source(pos[0])
            if indent == len(here) - len(here.lstrip(" ")) and not _KEY_RE.match(prev[indent:]) and not _dash_problem(doc, before):
                # 'name 增值税' or 'name:增值税' on the line before: YAML read it as text
                return _missing_colon(doc, (before, indent + 1))
    if any(needle in text for needle in ("expected <block end>", "mapping values are not allowed here")):
        culprit = _indent_culprit(doc, pos[0])
        if culprit is not None:
            dash = _dash_problem(doc, culprit[0])
            if dash is not None:
                return dash
            return doc.problem(
                culprit,
                "yaml-syntax",
                "缩进不一致：这一行的缩进与上面的行对不上",
                "inconsistent indentation: this line does not line up with the lines above",
                hint_zh="同一级的键必须从同一列开始；下一级比上一级多缩进两个空格",
                hint_en="keys of the same level start in the same column; a nested level is indented two more spaces",
            )
    if "found unknown escape character" in text and doc.source(pos[0])[pos[1] - 2 : pos[1] - 1] == "\\":
        pos = (pos[0], pos[1] - 1)  # the caret goes under the backslash, not the character after it
    line = doc.source(pos[0])
    if ("：" in line or "，" in line) and line[pos[1] - 1 : pos[1]] != ":":
        return doc.problem(
            pos,
            "fullwidth-punctuation",
            "这一行有全角标点（“：”或“，”），YAML 的语法符号需要半角（英文）标点",
            "this line has full-width punctuation ('：' or '，'); YAML syntax needs ASCII punctuation",
            hint_zh="键后面用半角冒号“: ”，列表里用半角逗号“, ”；文字里的全角标点请加引号",
            hint_en="use ': ' after keys and ', ' in lists; quote text that contains full-width punctuation",
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
    needs the line they got wrong.
    """
    levels = [0]  # columns of the open block collections
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
        if indent > levels[-1]:
            if not opener:
                if stripped.startswith("- ") or stripped == "-" or _KEY_RE.match(stripped):
                    return number, indent + 1
                continue  # continuation of a plain value
            levels.append(indent)
        else:
            while levels[-1] > indent:
                levels.pop()
            if levels[-1] != indent:
                return number, indent + 1
        rest, column = stripped, indent
        while rest.startswith("- ") or rest == "-":
            after = rest[1:].lstrip(" ")
            column += len(rest) - len(after)
            rest = after
            if rest:
                levels.append(column)
        body = re.sub(r"\s+#.*$", "", rest).rstrip()
        opener = rest == "" or body.endswith(":")
        if re.search(r"(?:^|:\s)[|>][+-]?[0-9]?$", body):
            block = indent
        depth = max(0, _bracket_balance(body))
    return None


def _missing_colon(doc: Document, pos: Position) -> Problem:
    fullwidth = "：" in doc.source(pos[0])
    return doc.problem(
        pos,
        "yaml-syntax",
        "这一行缺少半角冒号“: ”" + ("（“：”是全角冒号）" if fullwidth else "（冒号后要有一个空格）"),
        "this line is missing a colon ': '" + (" ('：' is a full-width colon)" if fullwidth else " (with a space after it)"),
        hint_zh="写成 键: 值（英文输入法的冒号，后面加一个空格）",
        hint_en="write key: value (an ASCII colon followed by a space)",
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


_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_FOLD_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])|(?<=[\u3000-\u303f\uff00-\uffef]) ")


def _unfold_cjk(value: str) -> str:
    """Folded (``>``) text joins lines with a space; Chinese joins them with nothing."""
    return _FOLD_SPACE.sub("", value)


class _Builder:
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
        if value in _NULL:
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
