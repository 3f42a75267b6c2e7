"""Bytes to text: UTF-8 only (a BOM is accepted); other encodings and control characters are named."""

from __future__ import annotations

import re

from salesdocs.errors import Problem

#: control characters except tab/newline/CR, C1 controls, non-characters, lone surrogates, and
#: U+2028/U+2029 (they end a line for YAML but not in editors: line numbers would not match)
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029\ud800-\udfff]")


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
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
