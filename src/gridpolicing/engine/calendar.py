"""China's official working-day calendar (holidays and adjusted working days, 调休).

Backed by the maintained ``chinese-calendar`` package. For a year that package does not know yet,
days fall back to Monday-Friday and the report says so, rather than guessing silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import final

import chinese_calendar

__all__ = ["CalendarDay", "calendar_days"]


@final
@dataclass(frozen=True, slots=True)
class CalendarDay:
    """A day, whether it is a working day, and whether the official calendar knew its year."""

    day: dt.date
    workday: bool
    holiday: bool
    official: bool


def calendar_days(start: dt.date, end: dt.date) -> list[CalendarDay]:
    """Every day from ``start`` to ``end`` inclusive."""
    out: list[CalendarDay] = []
    d = start
    while d <= end:
        try:
            workday = bool(chinese_calendar.is_workday(d))
            holiday = bool(chinese_calendar.is_holiday(d)) and d.weekday() < 5
            official = True
        except NotImplementedError:  # the package covers 2004 up to its release year
            workday, holiday, official = d.weekday() < 5, False, False
        out.append(CalendarDay(d, workday, holiday, official))
        d += dt.timedelta(days=1)
    return out
