"""The period an after-sales report covers: a month or a range of whole days."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from salesdocs.engine.dates import date_range_zh, parse_iso_date
from salesdocs.errors import UsageError

__all__ = ["Period", "month_end", "resolve_period"]


@dataclass(frozen=True)
class Period:
    """A range of whole days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UsageError(
                f"结束日期 {self.end.isoformat()} 早于开始日期 {self.start.isoformat()}",
                f"the end date {self.end.isoformat()} is before the start date {self.start.isoformat()}",
            )

    @property
    def lo(self) -> str:
        return f"{self.start.isoformat()} 00:00:00"

    @property
    def hi(self) -> str:
        """The first moment after the period (exclusive bound)."""
        return f"{(self.end + timedelta(days=1)).isoformat()} 00:00:00"

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.start)

    @property
    def slug(self) -> str:
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.is_month:
            return f"{self.start.year}年{self.start.month}月"
        return date_range_zh(self.start, self.end)

    @classmethod
    def last_full_month(cls, today: date) -> Period:
        end = today.replace(day=1) - timedelta(days=1)
        return cls(end.replace(day=1), end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(start, month_end(start))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` (a month) or ``2026-10-01..2026-10-15``."""
        raw = text.strip()
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw):
                return cls.month(int(m.group(1)), int(m.group(2)))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|至|_)\s*(\d{4}-\d{2}-\d{2})", raw):
                return cls(date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)))
        except ValueError:
            pass
        raise UsageError(
            f"不是有效的期间：{text}（应为 2026-10 或 2026-10-01..2026-10-15）",
            f"not a period: {text} (expected 2026-10 or 2026-10-01..2026-10-15)",
        )


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def resolve_period(
    target: str | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    today: date | None = None,
) -> Period:
    """The report's period: ``--from``/``--to``, else ``target`` (``2026-10``), else the last full month."""
    start = parse_iso_date(date_from, "--from") if date_from is not None else None
    end = parse_iso_date(date_to, "--to") if date_to is not None else None
    if start is not None or end is not None:
        if start is None or end is None:
            raise UsageError(
                "请同时给出 --from 和 --to（或都不给：默认为上一个完整的月份）",
                "give both --from and --to (or neither: the last full month)",
            )
        return Period(start, end)
    if target:
        return Period.parse(target)
    return Period.last_full_month(today or date.today())
