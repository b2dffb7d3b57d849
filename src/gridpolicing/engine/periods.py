"""Evaluation ranges and the buckets (ISO weeks, months, quarters, halves, years, and an
assessment's own periods such as the 26th to the 25th) inside them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, final

from gridpolicing.errors import UsageError
from gridpolicing.io.dataset_schema import FIRST_DATE, LAST_DATE
from gridpolicing.policy.models import AnyPeriod, CustomPeriod, Period

__all__ = [
    "MAX_PERIOD_DAYS",
    "Bucket",
    "DateRange",
    "bucket_of",
    "buckets",
    "buckets_within",
    "history_start",
    "misaligned",
    "parse_range",
]

MAX_PERIOD_DAYS: Final = 3653
"""The longest evaluation period: ten years (3,653 days with three leap days). Evaluation builds
a calendar and buckets per day, so a longer period costs memory for no scheme anyone runs."""


@final
@dataclass(frozen=True, slots=True, order=True)
class DateRange:
    """Days from ``start`` to ``end``, both inclusive, with the label the user gave."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def days(self) -> int:
        """How many days the range holds."""
        return (self.end - self.start).days + 1


@final
@dataclass(frozen=True, slots=True, order=True)
class Bucket:
    """One period of a rule: its key (``2022-W05``, ``2022-03``, ``2022-Q1``) and its days."""

    start: dt.date
    end: dt.date
    key: str


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})$"), "day"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"), "range"),
)

PERIOD_FORMS = "2022, 2022-H1, 2022-Q3, 2022-03, 2022-W05, 2022-03-15 or 2022-03-01..2022-05-31"


def parse_range(text: str) -> DateRange:
    """Parse an explicit evaluation period; there is no default, so none is ever implied.

    The period lies within the dates a dataset may hold (1900-01-01..2200-12-31) and spans at
    most :data:`MAX_PERIOD_DAYS`; anything else is a :class:`UsageError`.
    """
    text = text.strip()
    for pattern, form in _PATTERNS:
        m = pattern.match(text)
        if m:
            # Every group of four or more characters starts with a year (2022, 2022-03-15).
            years = [int(g[:4]) for g in m.groups() if g is not None and len(g) >= 4]
            if any(not FIRST_DATE.year <= y <= LAST_DATE.year for y in years):
                raise UsageError(
                    f"period {text!r}: years from {FIRST_DATE.year} to {LAST_DATE.year} "
                    "are supported"
                )
            try:
                start, end = _bounds(form, m.groups())
            except ValueError as exc:
                raise UsageError(f"period {text!r}: {exc}") from None
            if end < start:
                raise UsageError(f"period {text!r}: the end comes before the start")
            if (end - start).days + 1 > MAX_PERIOD_DAYS:
                raise UsageError(
                    f"period {text!r}: {(end - start).days + 1} days is longer than the "
                    f"{MAX_PERIOD_DAYS} days (ten years) a period may span"
                )
            return DateRange(start, end, text)
    raise UsageError(f"period {text!r} is not understood; expected one of {PERIOD_FORMS}")


def _bounds(form: str, g: tuple[str | None, ...]) -> tuple[dt.date, dt.date]:
    a = str(g[0])
    if form == "year":
        y = int(a)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if form == "half":
        y, h = int(a), int(str(g[1]))
        return (
            (dt.date(y, 1, 1), dt.date(y, 6, 30))
            if h == 1
            else (dt.date(y, 7, 1), dt.date(y, 12, 31))
        )
    if form == "quarter":
        y, q = int(a), int(str(g[1]))
        start = dt.date(y, 3 * q - 2, 1)
        return start, _month_end(y, 3 * q)
    if form == "month":
        y, m = int(a), int(str(g[1]))
        return dt.date(y, m, 1), _month_end(y, m)
    if form == "week":
        y, w = int(a), int(str(g[1]))
        start = dt.date.fromisocalendar(y, w, 1)
        return start, start + dt.timedelta(days=6)
    if form == "day":
        d = dt.date.fromisoformat(a)
        return d, d
    return dt.date.fromisoformat(a), dt.date.fromisoformat(str(g[1]))


def _month_end(y: int, m: int) -> dt.date:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def buckets(period: AnyPeriod, rng: DateRange) -> list[Bucket]:
    """Every bucket of ``period`` that belongs to a run over ``rng``, in order.

    A bucket belongs to the run whose range holds its **last day**. Consecutive ranges (month
    after month, or any split of a year) therefore evaluate every bucket exactly once, and a
    bucket that starts before ``rng`` (the ISO week of 28 March to 3 April in an April run) is
    evaluated over all its days, reading the data before the range too.
    """
    return [b for b in _all_buckets(period, rng.start, rng.end) if rng.start <= b.end <= rng.end]


def buckets_within(period: AnyPeriod, rng: DateRange) -> list[Bucket]:
    """The buckets of ``period`` lying wholly inside ``rng`` (no day before or after it)."""
    return [b for b in buckets(period, rng) if b.start >= rng.start]


def history_start(periods: Iterable[AnyPeriod], rng: DateRange) -> dt.date:
    """The first day a run over ``rng`` reads: the earliest start of its buckets of ``periods``."""
    starts = [bs[0].start for p in periods if (bs := buckets(p, rng))]
    return min([rng.start, *starts])


def _all_buckets(period: AnyPeriod, start: dt.date, end: dt.date) -> Iterator[Bucket]:
    if isinstance(period, CustomPeriod):
        yield from _custom_buckets(period, start, end)
        return
    if period is Period.day:
        d = start
        while d <= end:
            yield Bucket(d, d, d.isoformat())
            d += dt.timedelta(days=1)
        return
    if period is Period.week:
        d = start - dt.timedelta(days=start.weekday())
        while d <= end:
            y, w, _ = d.isocalendar()
            yield Bucket(d, d + dt.timedelta(days=6), f"{y}-W{w:02d}")
            d += dt.timedelta(days=7)
        return
    months = {Period.month: 1, Period.quarter: 3, Period.half_year: 6, Period.year: 12}[period]
    y, m = start.year, ((start.month - 1) // months) * months + 1
    while dt.date(y, m, 1) <= end:
        last_m = m + months - 1
        b_start, b_end = dt.date(y, m, 1), _month_end(y, last_m)
        yield Bucket(b_start, b_end, _key(period, y, m))
        m += months
        if m > 12:
            y, m = y + 1, m - 12


def _key(period: Period, y: int, m: int) -> str:
    if period is Period.month:
        return f"{y}-{m:02d}"
    if period is Period.quarter:
        return f"{y}-Q{(m - 1) // 3 + 1}"
    if period is Period.half_year:
        return f"{y}-H{(m - 1) // 6 + 1}"
    return str(y)


def bucket_of(period: AnyPeriod, day: dt.date) -> Bucket:
    """The bucket of ``period`` that holds ``day``."""
    return next(_all_buckets(period, day, day))


def _custom_buckets(period: CustomPeriod, start: dt.date, end: dt.date) -> Iterator[Bucket]:
    """The buckets of an assessment's own period overlapping ``start..end``, keyed by range."""
    month, day = period.anchor
    # Months counted from year 0; a period starts on ``day`` of every ``months``-th month
    # from the anchor month, so the one holding ``start`` begins at or before it.
    index = start.year * 12 + start.month - 1
    first = index - (index - (month - 1)) % period.months
    if _month_day(first, day) > start:
        first -= period.months
    while (b_start := _month_day(first, day)) <= end:
        b_end = _month_day(first + period.months, day) - dt.timedelta(days=1)
        yield Bucket(b_start, b_end, f"{b_start.isoformat()}..{b_end.isoformat()}")
        first += period.months


def _month_day(index: int, day: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, day)


_REFERENCE = (dt.date(2023, 1, 1), dt.date(2026, 12, 31))  # four years, one with 29 February


def misaligned(inner: AnyPeriod, outer: AnyPeriod) -> Bucket | None:
    """A bucket of ``outer`` that does not hold whole buckets of ``inner`` (None: all do).

    Both repeat every year (weeks do not, and are found misaligned with any month), so four
    years of buckets show whether every ``outer`` bucket starts where an ``inner`` one starts
    and ends where one ends.
    """
    lo, hi = _REFERENCE
    inner_buckets = list(_all_buckets(inner, lo, hi))
    starts = {b.start for b in inner_buckets}
    ends = {b.end for b in inner_buckets}
    for b in _all_buckets(outer, lo, hi):
        if lo <= b.start and b.end <= hi and (b.start not in starts or b.end not in ends):
            return b
    return None
