"""Tests for salesdocs.engine.calendar: China working days and due dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesdocs.engine.calendar import CalendarOverrides, DueDate, WorkCalendar, official_years

CAL = WorkCalendar(None)


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


# --- official data, checked against the independent `holidays` package ------------------------

MAKE_UP_DAYS = {
    2025: [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)],
    2026: [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)],
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_matches_holidays_package(year: int) -> None:
    # holidays.China.is_working_day() honours its `weekend_workdays` (the make-up days 调休).
    cn = holidays.China(years=year)  # type: ignore[attr-defined]  # holidays loads its country classes lazily
    mismatches = [d for d in _days_of(year) if CAL.is_working_day(d) != cn.is_working_day(d)]
    assert mismatches == []
    assert sum(CAL.is_working_day(d) for d in _days_of(year)) == 248
    ours = [d for d in _days_of(year) if d.weekday() >= 5 and CAL.is_working_day(d)]
    # `weekend_workdays` also holds make-up days of other years (special cases), so filter by year
    theirs = sorted(d for d in cn.weekend_workdays if d.year == year)
    assert ours == theirs == MAKE_UP_DAYS[year]
    assert all(CAL.is_covered(d) for d in _days_of(year))


def test_weekday_holidays_per_year() -> None:
    # 2025: 248 = 261 weekdays - 18 holidays + 5 make-up days; 2026: 261 - 19 + 6
    for year, weekday_holidays in ((2025, 18), (2026, 19)):
        off = [d for d in _days_of(year) if d.weekday() < 5 and not CAL.is_working_day(d)]
        assert len(off) == weekday_holidays


def test_covered_years_come_from_chinesecalendar() -> None:
    years = official_years()
    assert years == list(range(min(years), max(years) + 1))
    assert {2025, 2026} <= set(years)
    assert CAL.covered_years() == years
    assert not CAL.is_covered(date(max(years) + 1, 1, 1))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(max(years) + 1, 1, 4))
    chinese_calendar.is_workday(date(max(years), 12, 31))  # last covered year works


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday make-up day
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2026, 9, 25), False),  # Mid-autumn (Friday)
        (date(2026, 9, 20), True),  # Sunday make-up day
        (date(2026, 2, 14), True),  # Saturday make-up day before Spring Festival
        (date(2026, 2, 16), False),
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        (date(2025, 1, 28), False),  # Spring Festival 2025
        (date(2025, 2, 4), False),
        (date(2025, 2, 8), True),
        (date(2027, 1, 1), False),  # not covered: an estimate, but New Year's Day is a statutory holiday
        (date(2027, 1, 4), True),  # not covered: Mon–Fri estimate
        (date(2027, 1, 2), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_datetime_is_accepted() -> None:
    assert CAL.is_working_day(datetime(2026, 10, 10, 9, 30)) is True
    assert CAL.add_working_days(datetime(2026, 9, 28, 18, 0), 3) == DueDate(date(2026, 10, 8), False)


# --- due dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # National Day 2026 (10-01..10-07 off, 10-10 Saturday make-up day)
        (date(2026, 9, 28), 1, date(2026, 9, 29)),
        (date(2026, 9, 28), 2, date(2026, 9, 30)),
        (date(2026, 9, 28), 3, date(2026, 10, 8)),
        (date(2026, 9, 28), 5, date(2026, 10, 10)),
        (date(2026, 9, 28), 6, date(2026, 10, 12)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # Mid-autumn Friday and the weekend skipped
        # Spring Festival 2026 (02-15..02-23 off, 02-14 and 02-28 Saturday make-up days)
        (date(2026, 2, 12), 2, date(2026, 2, 14)),
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 24), 3, date(2026, 2, 27)),
        (date(2026, 2, 24), 4, date(2026, 2, 28)),
        (date(2026, 2, 24), 5, date(2026, 3, 2)),
        # Spring Festival 2025 (01-28..02-04 off, 01-26 Sunday and 02-08 Saturday make-up days)
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 24), 3, date(2025, 2, 5)),
        (date(2025, 1, 27), 4, date(2025, 2, 8)),
        (date(2025, 1, 27), 5, date(2025, 2, 10)),
        # start on a Saturday / Sunday: day 1 is the next working day
        (date(2026, 3, 7), 1, date(2026, 3, 9)),
        (date(2026, 3, 8), 1, date(2026, 3, 9)),
        (date(2026, 3, 7), 5, date(2026, 3, 13)),
        # start on a holiday
        (date(2026, 10, 3), 1, date(2026, 10, 8)),
        (date(2026, 10, 1), 3, date(2026, 10, 10)),
        (date(2025, 1, 30), 1, date(2025, 2, 5)),
        # start on a make-up Saturday: it is not counted itself
        (date(2026, 10, 10), 1, date(2026, 10, 12)),
        # a long span inside covered years
        (date(2026, 1, 1), 248, date(2026, 12, 31)),
    ],
)
def test_add_working_days(start: date, n: int, due: date) -> None:
    assert CAL.add_working_days(start, n) == DueDate(due, estimated=False)


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_needs_positive_n(n: int) -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 9, 28), n)


def test_add_working_days_rejects_non_int() -> None:
    with pytest.raises(TypeError):
        CAL.add_working_days(date(2026, 9, 28), 1.5)  # type: ignore[arg-type]


# --- beyond the official data: 2027 -----------------------------------------------------------


def test_due_date_into_2027_is_estimated() -> None:
    # 12-29, 12-30, 12-31 (2026), then 2027-01-01 (Friday, New Year's Day: a fixed-date holiday), 01-04, 01-05
    assert CAL.add_working_days(date(2026, 12, 28), 5) == DueDate(date(2027, 1, 5), estimated=True)
    assert CAL.add_working_days(date(2026, 12, 28), 3) == DueDate(date(2026, 12, 31), estimated=False)
    # a start in an uncovered year is estimated even for a single day
    assert CAL.add_working_days(date(2026, 12, 31), 1) == DueDate(date(2027, 1, 4), estimated=True)
    assert CAL.add_working_days(date(2027, 3, 1), 1).estimated is True


def test_company_overrides_make_2027_covered() -> None:
    overrides = CalendarOverrides(
        covered_years={2027},  # type: ignore[arg-type]  # plain sets are accepted and frozen
        holidays={date(2027, 1, 1), date(2027, 1, 4)},  # type: ignore[arg-type]
        workdays={date(2027, 1, 9)},  # type: ignore[arg-type]  # a Saturday make-up day
    )
    assert isinstance(overrides.holidays, frozenset)
    cal = WorkCalendar(overrides)
    assert cal.is_covered(date(2027, 6, 1))
    assert not cal.is_covered(date(2028, 1, 3))
    assert 2027 in cal.covered_years() and 2028 not in cal.covered_years()
    assert cal.is_working_day(date(2027, 1, 1)) is False
    assert cal.is_working_day(date(2027, 1, 4)) is False
    assert cal.is_working_day(date(2027, 1, 5)) is True
    assert cal.is_working_day(date(2027, 1, 9)) is True
    assert cal.is_working_day(date(2027, 1, 10)) is False
    # 12-29, 12-30, 12-31, (01-01 off), (01-04 off), 01-05
    assert cal.add_working_days(date(2026, 12, 28), 4) == DueDate(date(2027, 1, 5), estimated=False)
    # 01-05 .. 01-08 are 4 days, the make-up Saturday 01-09 is the 5th
    assert cal.add_working_days(date(2027, 1, 4), 5) == DueDate(date(2027, 1, 9), estimated=False)
    # 2028 is not covered: 2028-01-01 (Saturday) is owed the 补假 01-03, so 12-31, then 01-04
    assert cal.add_working_days(date(2027, 12, 30), 2) == DueDate(date(2028, 1, 4), estimated=True)
    # the default calendar is unaffected
    assert CAL.add_working_days(date(2026, 12, 28), 4) == DueDate(date(2027, 1, 4), estimated=True)


def test_overrides_inside_an_official_year() -> None:
    cal = WorkCalendar(
        CalendarOverrides(
            holidays=frozenset({date(2026, 9, 29)}),  # company day off
            workdays=frozenset({date(2026, 10, 11)}),  # company works an official Sunday
        )
    )
    assert cal.is_working_day(date(2026, 9, 29)) is False
    assert cal.is_working_day(date(2026, 10, 11)) is True
    # 09-30, 10-08, 10-09, 10-10, 10-11
    assert cal.add_working_days(date(2026, 9, 28), 5) == DueDate(date(2026, 10, 11), estimated=False)


def test_override_workday_wins_over_override_holiday() -> None:
    day = date(2026, 10, 9)
    cal = WorkCalendar(CalendarOverrides(holidays=frozenset({day}), workdays=frozenset({day})))
    assert cal.is_working_day(day) is True


# --- working_days_between ---------------------------------------------------------------------


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2026, 9, 28), date(2026, 10, 10)) == 5
    assert CAL.working_days_between(date(2026, 9, 28), date(2026, 10, 7)) == 2
    assert CAL.working_days_between(date(2026, 9, 28), date(2026, 9, 28)) == 0
    assert CAL.working_days_between(date(2026, 10, 10), date(2026, 9, 28)) == 0
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
    assert CAL.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_add_and_between_agree(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due.date > start
    assert CAL.is_working_day(due.date)
    assert CAL.working_days_between(start, due.date) == n
    assert CAL.working_days_between(start, due.date - timedelta(days=1)) == n - 1
    assert due.estimated == (due.date.year > max(official_years()))
