"""Dates as people type and read them: one parser for ISO dates, one Chinese range format."""

from __future__ import annotations

import calendar
import re
from datetime import date

from salesdocs.errors import UsageError

__all__ = ["date_range_zh", "date_zh", "iso_date_for", "nonexistent_date", "parse_iso_date"]


def parse_iso_date(value: date | str, option: str) -> date:
    """``2026-09-28`` → a date; anything else is a :class:`UsageError` naming ``option``."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        missing = nonexistent_date(value)
        if missing is not None:
            raise UsageError(f"{option}：{missing[0]}", f"{option}: {missing[1]}") from None
        meant = iso_date_for(value)
        raise UsageError(
            f"{option} 的日期格式不对：{value}（应为 YYYY-MM-DD，" + (f"写成 {meant}）" if meant else "例如 2026-09-28）"),
            f"{option}: not a date: {value} (expected YYYY-MM-DD, " + (f"write {meant})" if meant else "e.g. 2026-09-28)"),
        ) from None


_DATE_SHAPE = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?=[\sT]|$)")


def nonexistent_date(text: str) -> tuple[str, str] | None:
    """(zh, en) naming why a well-formed ``YYYY-MM-DD`` is no day of the calendar (2026-02-30);
    None when ``text`` is not of that shape or the day exists."""
    m = _DATE_SHAPE.match(text)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return f"{m.group(0).strip()} 这一天不存在：没有 {month} 月", f"{m.group(0).strip()} does not exist: there is no month {month}"
    last = calendar.monthrange(year, month)[1] if year else 31
    if not 1 <= day <= last:
        return (
            f"{m.group(0).strip()} 这一天不存在：{year} 年 {month} 月只有 {last} 天",
            f"{m.group(0).strip()} does not exist: {calendar.month_name[month]} {year} has {last} days",
        )
    return None


_OTHER_SHAPES = re.compile(r"\s*([0-9]{4})\s*(?:[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?|([0-9]{2})([0-9]{2}))\s*\Z")


def iso_date_for(text: str) -> str | None:
    """The ISO form of a date typed another common way (2026/11/20, 2026.11.20, 2026年11月20日,
    2026-1-5, 20261120) when that day exists; None otherwise.  Used for hints only: a file keeps
    the one form, written by the person."""
    m = _OTHER_SHAPES.match(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or m.group(4)), int(m.group(3) or m.group(5))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_zh(day: date) -> str:
    """ "2026年11月26日": a date as Chinese documents write it (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def date_range_zh(first: date, last: date) -> str:
    """ "2026年11月26日 至 11月30日": the year once when both dates share it, one date when equal."""
    start = date_zh(first)
    if first == last:
        return start
    if first.year == last.year:
        return f"{start} 至 {last.month}月{last.day}日"
    return f"{start} 至 {last.year}年{last.month}月{last.day}日"
