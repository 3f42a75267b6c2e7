"""China working days: official data from ``chinesecalendar`` plus company overrides.

A day is a working day when, in this order:

1. it is an override working day (company make-up day, 调休) → working;
2. it is an override holiday (company day off or newly published holiday) → not working;
3. its year has official data in ``chinesecalendar`` → the official answer (make-up days included);
4. a covered year without official data (the company's own schedule) → Monday–Friday;
5. otherwise an *estimate*: Monday–Friday except every statutory holiday of
   《全国年节及纪念日放假办法》 — lunar ones and 清明 included — and the weekday 补假 its 第六条
   gives for a holiday on a Saturday or Sunday (:mod:`salesdocs.engine.statutory`).  The
   State Council's 调休 (weekend days made working days) is published only with the year's
   arrangement, so the result stays marked as an estimate.

A year is *covered* when ``chinesecalendar`` has official data for it or the company lists it in
``covered_years`` (``rules/calendar.yaml``), declaring its overrides complete for that year.

Counting convention for :meth:`WorkCalendar.add_working_days`: the start date itself never counts.
Day 1 is the first working day strictly after the start date, so a start on a weekend or holiday
counts from the next working day.  The result is marked ``estimated`` when any day from start + 1
through the result date lies in a year that is not covered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesdocs.model import Policy

__all__ = ["CalendarOverrides", "DueDate", "WorkCalendar", "calendar_for", "official_years"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CalendarOverrides:
    """Company overrides from ``rules/calendar.yaml`` (sets are frozen on construction)."""

    holidays: frozenset[date] = frozenset()  # extra days off (company or newly published)
    workdays: frozenset[date] = frozenset()  # extra working days (make-up days 调休)
    covered_years: frozenset[int] = frozenset()  # years the company declares complete

    def __post_init__(self) -> None:
        for name in ("holidays", "workdays", "covered_years"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))


@dataclass(frozen=True)
class DueDate:
    """A computed due date; ``estimated`` when it depends on a year without official data."""

    date: date
    estimated: bool


@functools.cache
def _official() -> tuple[frozenset[int], Callable[[date], bool]]:
    """Load chinesecalendar lazily: (years with official data, is_workday)."""
    import chinese_calendar

    # chinesecalendar accepts exactly the years from the first to the last year of its holiday
    # table and raises NotImplementedError outside; mirror that instead of hard-coding years.
    years = [d.year for d in chinese_calendar.holidays]
    return frozenset(range(min(years), max(years) + 1)), chinese_calendar.is_workday


def official_years() -> list[int]:
    """Years for which ``chinesecalendar`` has official (State Council) data."""
    return sorted(_official()[0])


def _as_date(d: date) -> date:
    """Accept datetimes too, but compute (and cache) on plain dates."""
    return d.date() if isinstance(d, datetime) else d


class WorkCalendar:
    """Working-day arithmetic on official Chinese data plus :class:`CalendarOverrides`."""

    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self.overrides = overrides or CalendarOverrides()
        self._official_years, self._official_is_workday = _official()
        self._covered = self._official_years | self.overrides.covered_years
        self._cache: dict[date, bool] = {}

    def covered_years(self) -> list[int]:
        """Sorted years with official data or declared complete by the company."""
        return sorted(self._covered)

    def is_covered(self, d: date) -> bool:
        """True when ``d``'s year has official data or is in ``covered_years``."""
        return d.year in self._covered

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (see the module docstring for the precedence)."""
        d = _as_date(d)
        cached = self._cache.get(d)
        if cached is None:
            cached = self._cache[d] = self._lookup(d)
        return cached

    def _lookup(self, d: date) -> bool:
        if d in self.overrides.workdays:
            return True
        if d in self.overrides.holidays:
            return False
        if d.year in self._official_years:
            return bool(self._official_is_workday(d))
        if d.weekday() >= 5:
            return False
        if d.year in self._covered:
            return True
        from salesdocs.engine.statutory import is_day_off

        return not is_day_off(d)

    def add_working_days(self, start: date, n: int) -> DueDate:
        """The ``n``-th working day strictly after ``start`` (n ≥ 1, else ValueError)."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        start = _as_date(start)
        d, counted = start, 0
        while counted < n:
            d += _ONE_DAY
            if self.is_working_day(d):
                counted += 1
        estimated = any(y not in self._covered for y in range((start + _ONE_DAY).year, d.year + 1))
        return DueDate(d, estimated)

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in the half-open interval (a, b]; 0 when b ≤ a."""
        a, b = _as_date(a), _as_date(b)
        return sum(1 for i in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(days=i)))


def calendar_for(policy: Policy) -> WorkCalendar:
    """The working-day calendar of a policy: official data plus ``rules/calendar.yaml``."""
    return WorkCalendar(
        CalendarOverrides(
            holidays=policy.calendar_holidays,
            workdays=policy.calendar_workdays,
            covered_years=policy.calendar_years,
        )
    )
