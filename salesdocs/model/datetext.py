"""Dates as text: why a well-formed ISO date is no day of the calendar, and the ISO form of a date
typed another common way.  Pure functions of the text, shared by the schema's messages (which never
call the engine) and the command line's date options (:mod:`salesdocs.engine.dates`)."""

from __future__ import annotations

import calendar
import re
from datetime import date

__all__ = ["iso_date_for", "nonexistent_date"]

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
