"""How to write what the schema expected, given what was written: the hints of ``wrong-type`` and
``empty-value`` problems (digits for 七, quotes for text YAML read as a list, true/false for 是)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from salesdocs.policy.reader.quoting import quote_text

__all__ = ["VALUE_THAT_IS_A_COMMENT", "describe", "format_hint", "text_that_reads_as_structure", "type_hint"]

_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")
_YES = {"是", "对", "有", "要", "需要", "开", "真"}
_NO = {"否", "不", "无", "没有", "不要", "不需要", "关", "假"}


#: a key or a list dash followed directly by a comment: ``title: #1 新品``, ``- #3 上市前``
#: (``start:  # 待定``, a # and a space, is an ordinary comment)
VALUE_THAT_IS_A_COMMENT = re.compile(r"""(\s*(?:-\s+)*(?:(?:[^\s#'"][^#:]*|"[^"]*"|'[^']*'):\s+)?)(#\S.*)$""")


def text_that_reads_as_structure(line: str, column: int) -> tuple[str, str]:
    """``- 上市: 资料规范化`` or ``title: [新品发布]`` where text is expected: quoting the value keeps it text."""
    value = re.sub(r"\s+#.*$", "", line[column - 1 :]).rstrip()
    before = line[: column - 1]
    if before.count("[") > before.count("]"):  # an item of a [bracketed, list]: quote the item, up to its comma or ]
        ends = [i for i in (value.find(", "), value.rfind("]")) if i >= 0]
        end = min(ends) if ends else len(value)
        value, after = value[:end], value[end:]
    else:
        after = ""
    if not value:
        return "", ""
    quoted = quote_text(value)
    fixed = (f"{before.rstrip()} {quoted}{after}" if not after else f"{before}{quoted}{after}").strip()
    what_zh, what_en = ("这一项", "the item") if after else ("整个值", "the whole value")
    return (
        f"这里要写文字；“: ”或括号让 YAML 把它读成了别的结构。给{what_zh}加引号：{fixed}",
        f"text is expected here; the ': ' or the brackets make YAML read a structure. Quote {what_en}: {fixed}",
    )


def type_hint(inst: Any, expected: list[str]) -> tuple[str, str]:
    """How to write the value the schema expects, given what was written (zh, en)."""
    if isinstance(inst, str) and {"number", "integer"} & set(expected) and _CN_NUMERAL.search(inst):
        digits = _cn_digits(inst)
        if digits is not None:
            return f"请用阿拉伯数字书写：把“{inst}”写成 {digits}", f"write the number in digits: {digits} instead of {inst}"
        return "请用阿拉伯数字书写，例如把“七”写成 7", "write the number in digits, e.g. 7 instead of 七"
    if isinstance(inst, str) and {"number", "integer"} & set(expected) and re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", inst.strip()):
        return f"去掉引号，写成 {inst.strip()}（加了引号就成了文字）", f"drop the quotes: {inst.strip()} (quoted, it is text)"
    if isinstance(inst, str) and {"number", "integer"} & set(expected):
        return "只写数字，不要带单位或其他文字", "write only the number, without units or words"
    if "boolean" in expected and isinstance(inst, str | int | Decimal):
        word = str(inst).strip()
        if word in _YES or word == "1":
            return f"是/否要写成 true 或 false：“{word}”写成 true", f"yes/no is written true or false: true for '{word}'"
        if word in _NO or word == "0":
            return f"是/否要写成 true 或 false：“{word}”写成 false", f"yes/no is written true or false: false for '{word}'"
        return "是/否要写成 true 或 false", "yes/no is written true or false"
    if "integer" in expected and isinstance(inst, Decimal):
        return "这里只能写整数", "only whole numbers are allowed here"
    if "array" in expected and isinstance(inst, str) and inst.startswith(("【", "［")):
        return (
            f"“{inst[0]}”是全角（中文）括号，YAML 列表要用半角方括号 [ ]：切换到英文输入法，写成 [{inst[1:].rstrip('】］')}]",
            f"'{inst[0]}' is a full-width bracket; a YAML list needs ASCII brackets: [{inst[1:].rstrip('】］')}]",
        )
    if "array" in expected:
        return "写成列表：每项单独一行，以“- ”开头", "write a list: one item per line, starting with '- '"
    if "object" in expected:
        return "写成“键: 值”的形式，并向下一级缩进", "write key: value pairs, indented one level"
    if "string" in expected and isinstance(inst, bool):
        return "如果是文字，请加引号", "quote it if it is text"
    return "", ""


def _cn_digits(text: str) -> str | None:
    """ "三" → "3", "十二" → "12" (what a Chinese typist most often writes), else None."""
    try:
        import cn2an  # only on this error path: it costs ~0.1 s to import

        value = cn2an.cn2an(text.strip(), "strict")
    except Exception:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def describe(value: Any) -> tuple[str, str]:
    if value is None:
        return "空值", "nothing (empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()}", f"{str(value).lower()}"
    if isinstance(value, (int, Decimal)):
        return f"数字 {value}", f"the number {value}"
    if isinstance(value, str):
        return f"文字“{value}”", f"the text '{value}'"
    if isinstance(value, list):
        return "列表", "a list"
    if isinstance(value, dict):
        return "键值对", "a mapping"
    return type(value).__name__, type(value).__name__


def format_hint(written: str) -> tuple[str, str] | None:
    """A text of the wrong format (an e-mail, a phone number): full-width characters typed by a Chinese
    input method (``wang＠yunfan.example``), or several values where one goes; None when neither."""
    ascii_form = unicodedata.normalize("NFKC", written)
    if ascii_form != written and ascii_form.isascii():
        wide = next(c for c in written if unicodedata.normalize("NFKC", c) != c)
        return (
            f"“{wide}”是全角字符：切换到英文输入法，写成 {ascii_form}",
            f"'{wide}' is a full-width character: switch to an English input mode and write {ascii_form}",
        )
    if re.search(r"[,，、;；]|\S\s+\S", written.strip()):
        return "这里只能写一个；另一个请另写一项（例如再加一位联系人）", "only one goes here; put another one in an item of its own"
    return None
