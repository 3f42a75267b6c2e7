"""Due dates past the official data: every statutory holiday and 补假 of 2027 and 2028 is skipped.

The table below is written by hand, not taken from the library the code uses (``holidays``):
lunar dates (除夕 = the day before 正月初一, 端午 = 五月初五, 中秋 = 八月十五) were read from the
``lunardate`` package and the 清明 solar term from ``lunar-python`` (6tail's 寿星万年历), two
independent implementations, and checked against the weekday of each date.  补假 follows
第六条 of 《全国年节及纪念日放假办法》 as ``salesdocs.engine.statutory`` documents it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdocs.engine.calendar import WorkCalendar

STATUTORY = {
    2027: {
        date(2027, 1, 1): "元旦（周五）",
        date(2027, 2, 5): "除夕（周五）",
        date(2027, 2, 6): "春节 初一（周六）",
        date(2027, 2, 7): "春节 初二（周日）",
        date(2027, 2, 8): "春节 初三（周一）",
        date(2027, 4, 5): "清明（周一）",
        date(2027, 5, 1): "劳动节（周六）",
        date(2027, 5, 2): "劳动节（周日）",
        date(2027, 6, 9): "端午（周三）",
        date(2027, 9, 15): "中秋（周三）",
        date(2027, 10, 1): "国庆节（周五）",
        date(2027, 10, 2): "国庆节（周六）",
        date(2027, 10, 3): "国庆节（周日）",
    },
    2028: {
        date(2028, 1, 1): "元旦（周六）",
        date(2028, 1, 25): "除夕（周二）",
        date(2028, 1, 26): "春节 初一（周三）",
        date(2028, 1, 27): "春节 初二（周四）",
        date(2028, 1, 28): "春节 初三（周五）",
        date(2028, 4, 4): "清明（周二）",
        date(2028, 5, 1): "劳动节（周一）",
        date(2028, 5, 2): "劳动节（周二）",
        date(2028, 5, 28): "端午（周日）",
        date(2028, 10, 1): "国庆节（周日）",
        date(2028, 10, 2): "国庆节（周一）",
        date(2028, 10, 3): "国庆节与中秋（周二，两个假日同一天）",
    },
}
#: 补假: the first weekday after the holiday not already off, one per holiday day on a weekend
#: (or on another holiday's day)
BUJIA = {
    date(2027, 2, 9): "初一（周六）的补假",
    date(2027, 2, 10): "初二（周日）的补假",
    date(2027, 5, 3): "5-1（周六）的补假",
    date(2027, 5, 4): "5-2（周日）的补假",
    date(2027, 10, 4): "10-2（周六）的补假",
    date(2027, 10, 5): "10-3（周日）的补假",
    date(2028, 1, 3): "元旦（周六）的补假",
    date(2028, 5, 29): "端午（周日）的补假",
    date(2028, 10, 4): "10-1（周日）的补假",
    date(2028, 10, 5): "中秋与国庆重叠的补假",
}
OFF = set(BUJIA) | {d for year in STATUTORY.values() for d in year}
CAL = WorkCalendar()


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", [2027, 2028])
def test_every_day_of_the_year_against_the_table(year: int) -> None:
    wrong = [d for d in _days(year) if CAL.is_working_day(d) != (d.weekday() < 5 and d not in OFF)]
    assert wrong == []
    # 261 and 260 weekdays, 13 of them off in each year (counted by hand from the tables)
    assert sum(1 for d in _days(year) if CAL.is_working_day(d)) == {2027: 248, 2028: 247}[year]


@pytest.mark.parametrize("year", [2027, 2028])
def test_due_dates_for_every_start_day_skip_holidays_and_are_estimated(year: int) -> None:
    for start in _days(year):
        for n in (1, 3, 5, 10, 15):
            due = CAL.add_working_days(start, n)
            assert due.date not in OFF, (start, n, due.date)
            assert due.date.weekday() < 5, (start, n, due.date)
            assert due.estimated, (start, n)


def test_spring_festival_2027_example_from_the_issue() -> None:
    # start Thursday 2-4: 除夕 2-5, weekend, 初三 2-8, 补假 2-9 and 2-10 → 2-11, 2-12, 2-15 …
    assert CAL.add_working_days(date(2027, 2, 4), 3).date == date(2027, 2, 15)
    assert CAL.add_working_days(date(2027, 2, 4), 5).date == date(2027, 2, 17)
