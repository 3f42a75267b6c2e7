"""Slips of someone new to the workspace: a start on a day off, a client file copied and not rewritten.

Both are warnings: the documents are still computed, but probably not as meant.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from salesdocs.errors import Problem
from salesdocs.policy.checks.base import Context, workspace_check
from salesdocs.policy.reader import Document, PathKey

_WEEKDAYS_ZH = "一二三四五六日"


@workspace_check
def start_on_a_working_day(ctx: Context) -> Iterator[Problem]:
    """A deal's start that is a weekend or a holiday: due dates count the working days after it (the next
    working day is day 1), so the dates are as from the working day before; the hint says no edit is needed."""
    calendar = ctx.calendar
    if calendar is None:
        return
    for doc in ctx.deals.values():
        try:
            start = date.fromisoformat(str(doc.data["start"]))
        except (KeyError, ValueError):
            continue
        if calendar.is_working_day(start):
            continue
        try:
            following = calendar.add_working_days(start, 1)
        except OverflowError:
            continue
        day_zh, day_en = (
            (f"星期{_WEEKDAYS_ZH[start.weekday()]}", start.strftime("%A")) if start.weekday() >= 5 else ("节假日", "a public holiday")
        )
        estimate_zh, estimate_en = ("（按估算的节假日）", " (by the estimated holidays)") if following.estimated else ("", "")
        nxt = following.date.isoformat()
        yield doc.problem(
            doc.pos(("start",)),
            "start-not-working-day",
            f"开始日期 {start.isoformat()} 是{day_zh}，不是工作日；下一个工作日是 {nxt}{estimate_zh}",
            f"the start date {start.isoformat()} is {day_en}, not a working day; the next working day is {nxt}{estimate_en}",
            severity="warning",
            hint_zh=f"交付日期数的是开始日期之后的工作日：{nxt} 已经算作第 1 个工作日，日期不受影响，不需要修改。"
            f"不要改成 start: {nxt}（那样 {nxt} 当天不计入，每个交付日期都会晚一个工作日）；只有实际开始的不是这一天时才改",
            hint_en=f"due dates count the working days after the start: {nxt} is already working day 1, so the dates are right "
            f"and nothing needs changing. Do not write start: {nxt} (that day would not count and every due date would move a "
            "working day later); change the start only if work really starts on another date",
        )


#: client fields that describe one client only: the same text in two clients is a copy not yet rewritten
_OWN_TEXT = ("profile", "address", "website", "entry_point", "talking_points")


@workspace_check
def copied_client_text(ctx: Context) -> Iterator[Problem]:
    """Profile, needs, key people … identical to another client's: a file copied (from the sample) and
    not rewritten.  One warning per copy, at the first such field, naming them all.

    When exactly one of the two files is marked ``sample: true`` only the other one is warned;
    otherwise both are, each naming the other.
    """
    owners: dict[tuple[PathKey, str], list[str]] = {}
    for stem, doc in ctx.clients.items():
        for path, text in _own_texts(doc.data):
            owners.setdefault((path, text), []).append(stem)
    shared: dict[tuple[str, str], list[PathKey]] = {}
    for (path, _), stems in owners.items():
        samples = [s for s in stems if ctx.clients[s].data.get("sample") is True]
        for stem in stems:
            if len(samples) == 1 and stem in samples:
                continue
            for other in stems:
                if other != stem:
                    shared.setdefault((stem, other), []).append(path)
    for (stem, other), paths in sorted(shared.items()):
        doc = ctx.clients[stem]
        paths.sort(key=lambda p: doc.pos(p))
        yield _copied(doc, paths, other)


def _own_texts(data: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    for key in _OWN_TEXT:
        value = data.get(key)
        if value:
            yield (key,), repr(value)
    for level, text in (data.get("needs") or {}).items():
        if text:
            yield ("needs", level), str(text)
    for i, person in enumerate(data.get("key_people") or []):
        if isinstance(person, dict) and person.get("name"):
            yield ("key_people", i), f"{person.get('name')}\x1f{person.get('title', '')}"


def _copied(doc: Document, paths: list[PathKey], other: str) -> Problem:
    names_zh, names_en = [], []
    for path in paths:
        if path[0] == "key_people":
            person = doc.data["key_people"][path[1]]["name"]
            names_zh.append(f"关键人 {person}")
            names_en.append(f"key person {person}")
        else:
            names_zh.append(".".join(str(p) for p in path))
            names_en.append(".".join(str(p) for p in path))
    return doc.problem(
        doc.pos(paths[0]),
        "copied-client-text",
        f"{'、'.join(names_zh)} 与 clients/{other}.yaml 中的完全相同：像是复制客户文件后还没改成这个客户自己的情况",
        f"{', '.join(names_en)}: the same as in clients/{other}.yaml; it looks copied from that client and not yet rewritten",
        severity="warning",
        hint_zh="改写成这个客户自己的情况；还不知道的项可以先删除",
        hint_en="rewrite them for this client; leave out what you do not know yet",
    )


__all__ = ["copied_client_text", "start_on_a_working_day"]
