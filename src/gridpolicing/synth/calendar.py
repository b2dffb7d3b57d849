"""Days, buckets and sensitive periods of a synthetic dataset's range.

Buckets come from the engine (:func:`gridpolicing.engine.periods.buckets`), so the generator
and the evaluation agree on every bucket key. Working days follow China's official calendar
(``chinese_calendar``, 调休 included); sensitive periods (重大节日 / 敏感时期) are the Spring
Festival and National Day breaks of that calendar plus the fixed political dates of the year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, final

import chinese_calendar

from gridpolicing.engine.periods import Bucket, DateRange, buckets_within
from gridpolicing.policy.models import Period

__all__ = [
    "ONE",
    "Day",
    "bucket_key",
    "days",
    "in_range_buckets",
    "month_end",
    "month_start",
    "sensitive_periods",
    "week_start",
]

ONE: Final = dt.timedelta(days=1)

# 全国两会 and national events that the texts' 敏感时期 would cover, by year (start, end, name).
_EVENTS: Final[dict[int, list[tuple[str, str, str]]]] = {
    2016: [("03-03", "03-16", "全国两会"), ("09-04", "09-05", "G20杭州峰会")],
    2017: [("03-03", "03-15", "全国两会"), ("10-18", "10-24", "党的十九大")],
    2018: [("03-03", "03-20", "全国两会")],
    2019: [("03-03", "03-15", "全国两会"), ("09-25", "10-07", "新中国成立70周年")],
    2020: [("05-21", "05-28", "全国两会")],
    2021: [("03-04", "03-11", "全国两会"), ("06-25", "07-01", "建党100周年")],
    2022: [("02-04", "02-20", "北京冬奥会"), ("03-04", "03-11", "全国两会")],
    2023: [("03-04", "03-13", "全国两会")],
}
_DEFAULT_EVENTS: Final = [("03-03", "03-15", "全国两会")]
_CONGRESS: Final = {2017: ("10-18", "10-24", "党的十九大"), 2022: ("10-16", "10-22", "党的二十大")}
_BREAKS: Final = {"Spring Festival": "春节假期", "National Day": "国庆假期"}


@final
@dataclass(frozen=True, slots=True)
class Day:
    """A day of the range: working day, official holiday, sensitive day."""

    day: dt.date
    workday: bool
    holiday: bool
    sensitive: bool


def month_start(d: dt.date) -> dt.date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def month_end(d: dt.date) -> dt.date:
    """The last day of ``d``'s month."""
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - ONE


def week_start(d: dt.date) -> dt.date:
    """The Monday of ``d``'s ISO week."""
    return d - dt.timedelta(days=d.weekday())


def _workday(d: dt.date) -> tuple[bool, bool]:
    try:
        return bool(chinese_calendar.is_workday(d)), bool(chinese_calendar.is_holiday(d))
    except NotImplementedError:  # a year the package does not know: Monday-Friday
        return d.weekday() < 5, d.weekday() >= 5


def sensitive_periods(start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """``(id, name, first day, last day)`` of the sensitive periods touching the range."""
    out: list[tuple[str, str, dt.date, dt.date]] = []
    for year in range(start.year, end.year + 1):
        events = list(_EVENTS.get(year, _DEFAULT_EVENTS))
        if year in _CONGRESS and _CONGRESS[year] not in events:
            events.append(_CONGRESS[year])
        for a, b, name in events:
            out.append(
                (
                    "",
                    name,
                    dt.date.fromisoformat(f"{year}-{a}"),
                    dt.date.fromisoformat(f"{year}-{b}"),
                )
            )
        out.extend(_breaks(year))
    out = [p for p in out if p[3] >= start and p[2] <= end]
    out.sort(key=lambda p: (p[2], p[3], p[1]))
    return [(f"sp-{p[2].isoformat()}", p[1], p[2], p[3]) for p in out]


def _breaks(year: int) -> list[tuple[str, str, dt.date, dt.date]]:
    """Spring Festival and National Day breaks of the official calendar (runs of rest days)."""
    found: list[tuple[str, str, dt.date, dt.date]] = []
    for first, last in (
        (dt.date(year, 1, 10), dt.date(year, 3, 1)),
        (dt.date(year, 9, 25), dt.date(year, 10, 12)),
    ):
        run: list[dt.date] = []
        d = first
        while d <= last:
            try:
                on, name = chinese_calendar.get_holiday_detail(d)
            except NotImplementedError:
                return found
            if on and name in _BREAKS:
                run.append(d)
                label = _BREAKS[name]
            elif run:
                found.append(("", label, run[0], run[-1]))
                run = []
            d += ONE
        if run:
            found.append(("", label, run[0], run[-1]))
    return found


def days(start: dt.date, end: dt.date) -> list[Day]:
    """Every day of the range with its calendar flags."""
    sensitive = sensitive_periods(start, end)
    out = []
    d = start
    while d <= end:
        work, holiday = _workday(d)
        hot = any(a <= d <= b for _, _, a, b in sensitive)
        out.append(Day(d, work, holiday, hot))
        d += ONE
    return out


def in_range_buckets(
    period: Period,
    start: dt.date,
    end: dt.date,
    effective_from: dt.date | None = None,
    effective_to: dt.date | None = None,
) -> list[Bucket]:
    """The buckets an evaluation of ``start..end`` judges for a rule in force in the window.

    Synthetic data covers exactly ``start..end``, so a bucket that starts before it (the ISO week
    straddling 1 January) has no data for its first days: the engine lists it as not evaluated
    (data missing before the range) and the truth has nothing to say about it.
    """
    rng = DateRange(start, end, "synth")
    return [
        b
        for b in buckets_within(period, rng)
        if (effective_from is None or b.start >= effective_from)
        and (effective_to is None or b.end <= effective_to)
    ]


def bucket_key(period: str, d: dt.date) -> str:
    """The key of the ``period`` bucket holding ``d`` (as the engine names it)."""
    if period == "day":
        return d.isoformat()
    if period == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if period == "month":
        return f"{d.year}-{d.month:02d}"
    if period == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    if period == "half_year":
        return f"{d.year}-H{(d.month - 1) // 6 + 1}"
    return str(d.year)
