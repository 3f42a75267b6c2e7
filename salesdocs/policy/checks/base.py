"""What every check shares: the context it reads, the two registries, and located messages."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from salesdocs.errors import Problem
from salesdocs.model import Policy
from salesdocs.policy.reader import Document, PathKey, Position

PolicyCheck = Callable[["Context"], Iterable[Problem]]
POLICY_CHECKS: list[PolicyCheck] = []
WORKSPACE_CHECKS: list[PolicyCheck] = []


@dataclass
class Context:
    rules: dict[str, Document]
    clients: dict[str, Document] = field(default_factory=dict)  # file stem → doc
    deals: dict[str, Document] = field(default_factory=dict)
    #: stems of every client file, including those with errors of their own (a deal naming one is not told it is unknown)
    client_files: set[str] = field(default_factory=set)
    #: stems of every deal file, likewise (a hint never suggests a file name that is taken)
    deal_files: set[str] = field(default_factory=set)
    policy: Policy | None = None
    calendar: Any = None  # WorkCalendar, once the policy is built


def policy_check(func: PolicyCheck) -> PolicyCheck:
    POLICY_CHECKS.append(func)
    return func


def workspace_check(func: PolicyCheck) -> PolicyCheck:
    WORKSPACE_CHECKS.append(func)
    return func


def run(checks: list[PolicyCheck], ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for check in checks:
        problems.extend(check(ctx))
    return problems


def percent_value(value: Any) -> Decimal:
    """A percentage as written in a rules file (``70%``, ``70``); raises MoneyError when malformed."""
    from salesdocs.engine.money import parse_percent

    return parse_percent(value if not isinstance(value, bool) else str(value))


def text_position(doc: Document, path: PathKey, needle: str, nth: int) -> Position:
    """Line and column of the ``nth`` occurrence of ``needle`` in the text value at ``path``
    (a folded ``>-`` value spans several source lines)."""
    line, col = doc.pos(path)
    seen = 0
    for number in range(line, line + 200):
        source = doc.source(number)
        if not source and number > line:
            break
        start = col - 1 if number == line else 0
        found = source.find(needle, start)
        while found >= 0:
            if seen == nth:
                return number, found + 1
            seen += 1
            found = source.find(needle, found + len(needle))
    return line, col


def unknown_ref(
    doc: Document, path: PathKey, what_zh: str, what_en: str, value: str, known: Iterable[str], *, at_key: bool = False
) -> Problem:
    known = sorted(set(known))
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    return doc.problem(
        doc.key_pos(path) if at_key else doc.pos(path),
        "unknown-ref",
        f"找不到{what_zh} {value}",
        f"unknown {what_en} {value}",
        hint_zh=(f"是不是想写 {close[0]}？" if close else f"可用的有：{'、'.join(known)}"),
        hint_en=(f"did you mean `{close[0]}`?" if close else f"known: {', '.join(known)}"),
    )


def duplicates(doc: Document, items: list[Any], base: PathKey, key: str, what_zh: str, what_en: str) -> Iterator[Problem]:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or key not in item:
            continue
        value = item[key]
        if value in seen:
            first_line = doc.pos((*base, seen[value], key))[0]
            yield doc.problem(
                doc.pos((*base, i, key)),
                "duplicate-id",
                f"{what_zh} {value} 重复：第 {first_line} 行已经用过",
                f"duplicate {what_en} {value}: already used on line {first_line}",
                hint_zh="每个编号只能用一次，请改成不同的编号",
                hint_en="every id must be unique; rename one of them",
            )
        else:
            seen[value] = i


def money_precision(doc: Document, path: PathKey, value: Any) -> Iterator[Problem]:
    if isinstance(value, Decimal) and value.as_tuple().exponent < -2:  # type: ignore[operator]
        yield doc.problem(
            doc.pos(path),
            "money-precision",
            f"金额 {value} 超过两位小数（精确到分）",
            f"the amount {value} has more than two decimals (yuan and fen only)",
            hint_zh="最多写到分，例如 1350.50",
            hint_en="write at most two decimals, e.g. 1350.50",
        )


def id_filename(doc: Document, stem: str, value: str, taken: Collection[str] = ()) -> Problem:
    """The id and the file name disagree; renaming the file is suggested only when ``value``.yaml is not ``taken``."""
    if value in taken:  # a copy whose id was not changed: the other name is another file's
        hint_zh = f"把 id 改成 {stem}（{value}.yaml 是另一个已有的文件：复制来的文件要用新的编号）"
        hint_en = f"set id to {stem} ({value}.yaml is another file already: a copied file needs an id of its own)"
    else:
        hint_zh, hint_en = f"把 id 改成 {stem}，或把文件改名为 {value}.yaml", f"set id to {stem} or rename the file to {value}.yaml"
    return doc.problem(
        doc.pos(("id",)),
        "id-filename",
        f"id {value} 与文件名 {stem}.yaml 不一致",
        f"id {value} does not match the file name {stem}.yaml",
        hint_zh=hint_zh,
        hint_en=hint_en,
    )
