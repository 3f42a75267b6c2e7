"""China's statutory days off for a year the State Council has not yet arranged.

《全国年节及纪念日放假办法》(as revised in 2024, in force from 2025) fixes the holidays every
citizen has (第二条) long before each year's arrangement is published:

* 元旦 1 day (1-1); 春节 4 days (农历除夕 and 正月初一 to 初三); 清明节 1 day (the day of the
  清明 solar term); 劳动节 2 days (5-1, 5-2); 端午节 1 day (lunar 5-5); 中秋节 1 day (lunar
  8-15); 国庆节 3 days (10-1 to 10-3).

Its 第六条: "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假". 补假 works like this
(the State Council's arrangements apply it so, e.g. 2023 春节: 除夕 1-21 Sat and 初一 1-22 Sun
gave 1-25 and 1-26 off):

* every statutory holiday day that falls on a Saturday or Sunday is owed one weekday off;
* a holiday day that falls on another holiday's day (中秋 on a 国庆 day, as in 2009, 2020 and
  2028) is owed one weekday off as well — the 2009 and 2020 arrangements gave 8 days for
  国庆 + 中秋 (4 statutory days, so 10-1 to 10-8 with two 调休 Saturdays/Sundays worked);
* the owed day is the first Monday–Friday after the holiday that is neither a statutory day
  nor already owed to an earlier holiday (so 2027 春节: 除夕 2-5 Fri, 初一 2-6 Sat, 初二 2-7 Sun,
  初三 2-8 Mon → 补假 2-9 and 2-10).

Lunar dates and the 清明 solar term come from the ``holidays`` package (its China calendar,
without its own "observed" guesses, which miss the overlap rule).  What stays unknown until the
State Council publishes the year is 调休: the weekend days made working days to bridge a
holiday, and where exactly it places 补假 when it bridges — so results stay *estimates*.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date, timedelta

__all__ = ["HOLIDAY_NAMES_EN", "is_day_off", "statutory_days", "statutory_names"]

#: the fixed-date statutory holidays, used alone for a year the lunar tables do not reach
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
_FIXED_NAMES = {1: "元旦", 5: "劳动节", 10: "国庆节"}

#: the statutory holidays' names (第二条), Chinese → English
HOLIDAY_NAMES_EN = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Qingming Festival",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-Autumn Festival",
    "国庆节": "National Day",
}


@functools.cache
def statutory_days(year: int) -> Counter[date]:
    """Each statutory holiday date of ``year`` → how many holidays fall on it (2 for 中秋 on 国庆)."""
    import holidays  # lazy: ~100 ms, needed only for a year without official data

    table = holidays.country_holidays("CN", years=year, observed=False, language="en_US")
    counts: Counter[date] = Counter({d: len(table.get_list(d)) for d in table})
    if not counts:  # beyond the package's lunar tables (after 2100): the fixed dates at least
        counts.update(date(year, m, d) for m, d in FIXED_HOLIDAYS)
    return counts


@functools.cache
def statutory_names(year: int) -> dict[date, str]:
    """Each statutory holiday date of ``year`` → its Chinese name (农历除夕 counts as 春节; two holidays on one day are joined by 、)."""
    import holidays  # lazy, as above

    table = holidays.country_holidays("CN", years=year, observed=False, language="zh_CN")
    names = {d: "、".join(dict.fromkeys("春节" if "除夕" in n else n for n in table.get_list(d))) for d in table}
    return names or {date(year, m, d): _FIXED_NAMES[m] for m, d in FIXED_HOLIDAYS}


@functools.cache
def _days_off_from(year: int) -> frozenset[date]:
    """``year``'s statutory days plus the 补假 they are owed (which may run into January)."""
    counts = statutory_days(year)
    off = set(counts)
    for day in sorted(counts):
        owed = counts[day] - (1 if day.weekday() < 5 else 0)
        candidate = day
        for _ in range(owed):
            candidate += timedelta(days=1)
            while candidate.weekday() >= 5 or candidate in off:
                candidate += timedelta(days=1)
            off.add(candidate)
    return frozenset(off)


def is_day_off(d: date) -> bool:
    """Whether ``d`` is a statutory holiday or a 补假 day (see the module docstring)."""
    return d in _days_off_from(d.year) or (d.month == 1 and d in _days_off_from(d.year - 1))
