"""One error root for everything salesdocs reports to a user, and the Problem record.

A :class:`Problem` is one located finding (file, line, column, code, messages in
Chinese and English, an optional hint).  Errors that carry problems are raised as
:class:`PolicyError`; every other user-facing failure derives from
:class:`SalesdocsError`, so the CLI can map them to exit codes and never show a
traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding in one of the user's files.

    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    file: str
    line: int
    column: int
    code: str
    zh: str
    en: str
    severity: Severity = "error"
    hint_zh: str = ""
    hint_en: str = ""
    source_line: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def hint(self, lang: str = "zh") -> str:
        return self.hint_en if lang == "en" else self.hint_zh

    def as_error(self) -> Problem:
        return replace(self, severity="error")

    def to_json(self, lang: str = "zh") -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(lang) if lang in ("zh", "en") else f"{self.zh} / {self.en}",
            "message_zh": self.zh,
            "message_en": self.en,
            "hint": self.hint(lang) if lang in ("zh", "en") else " / ".join(h for h in (self.hint_zh, self.hint_en) if h),
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
        }


class SalesdocsError(Exception):
    """Root of every error salesdocs reports to a user (never shown as a traceback)."""

    exit_code = 1

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(en or zh)
        self.zh = zh
        self.en = en or zh

    def message(self, lang: str = "zh") -> str:
        if lang == "en":
            return self.en
        if lang == "both":
            return f"{self.zh}\n{self.en}"
        return self.zh


class PolicyError(SalesdocsError):
    """The workspace's files have problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        n = sum(1 for p in self.problems if p.severity == "error")
        first = self.problems[0] if self.problems else None
        where = f" ({first.file}:{first.line}:{first.column}: {first.code})" if first else ""
        super().__init__(f"工作区有 {n} 个错误{where}", f"the workspace has {n} error(s){where}")


class UsageError(SalesdocsError):
    """A bad command-line argument (exit 2): names the valid choices."""

    exit_code = 2


class RenderError(SalesdocsError):
    """A document could not be rendered; nothing was written."""


class RecordsError(SalesdocsError):
    """The after-sales records could not be read or written."""


class MoneyError(SalesdocsError):
    """An amount or percentage that is not a valid number or is out of range."""


class DiscountTooLargeError(SalesdocsError):
    """A deal's discount is larger than its subtotal."""


class ImportProblems(RecordsError):
    """Rows that did not pass validation; nothing was imported.

    ``problems`` are the row problems (each with ``row``, ``column`` and ``text(where, lang)``),
    sorted by row; at most ``listed`` of them are spelled out in the message.
    """

    def __init__(self, where: str, problems: Sequence[RowProblem], listed: int = 200) -> None:
        self.where = where
        self.problems = sorted(problems, key=lambda p: (p.row or 0,))
        shown = self.problems[:listed]
        more = len(self.problems) - len(shown)
        zh = [p.text(where, "zh") for p in shown]
        en = [p.text(where, "en") for p in shown]
        if more:
            zh.append(f"……还有 {more} 个问题未列出")
            en.append(f"… and {more} more problem(s) not listed")
        n = len(self.problems)
        zh.append(f"未导入任何记录：发现 {n} 个问题，请修改后重新导入" if where else f"未记录：发现 {n} 个问题")
        en.append(
            f"nothing imported: {n} problem(s) found; fix them and import again" if where else f"nothing recorded: {n} problem(s) found"
        )
        super().__init__("\n".join(zh), "\n".join(en))

    def lines(self, lang: str = "en") -> list[str]:
        return [p.text(self.where, lang) for p in self.problems]


@dataclass(frozen=True)
class RowProblem:
    """One problem in one row of an import (``row`` None: the whole file / the command line)."""

    row: int | None
    column: str
    zh: str
    en: str

    def text(self, where: str, lang: str) -> str:
        msg = self.en if lang == "en" else self.zh
        prefix = where if self.row is None else f"{where}:{self.row}"
        if self.column:
            return f"{prefix}: {self.column}: {msg}" if prefix else f"{self.column}: {msg}"
        return f"{prefix}: {msg}" if prefix else msg
