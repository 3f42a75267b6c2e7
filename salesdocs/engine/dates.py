"""Dates as people type and read them: one parser for ISO dates, one Chinese range format."""

from __future__ import annotations

from datetime import date

from salesdocs.errors import UsageError
from salesdocs.model.datetext import iso_date_for, nonexistent_date

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
