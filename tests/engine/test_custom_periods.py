"""Periods of a policy's own ({months, starts}): every day in one bucket, keys, runs, alignment."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gridpolicing.engine.periods import (
    DateRange,
    _all_buckets,
    bucket_of,
    buckets,
    misaligned,
    parse_range,
)
from gridpolicing.policy.models import CustomPeriod, Period

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
starts = st.one_of(
    st.integers(1, 28),
    st.builds(lambda m, d: f"{m:02d}-{d:02d}", st.integers(1, 12), st.integers(1, 28)),
)
custom = st.builds(CustomPeriod, months=st.sampled_from([1, 2, 3, 4, 6, 12]), starts=starts)


@settings(max_examples=200)
@given(custom, days, st.integers(0, 1200))
def test_every_day_of_a_range_lies_in_exactly_one_contiguous_bucket(
    period: CustomPeriod, start: dt.date, length: int
) -> None:
    end = start + dt.timedelta(days=length)
    found = list(_all_buckets(period, start, end))
    assert found[0].start <= start
    assert found[-1].end >= end
    for a, b in itertools.pairwise(found):
        assert a.end + dt.timedelta(days=1) == b.start  # no gap, no overlap
    for b in found:
        month, day = period.anchor
        assert b.start.day == day  # every bucket starts on the day written
        assert (b.start.month - month) % period.months == 0
        assert parse_range(b.key) == DateRange(b.start, b.end, b.key)  # a key names its days
    d = start
    while d <= end:
        assert sum(b.start <= d <= b.end for b in found) == 1
        assert bucket_of(period, d).start <= d <= bucket_of(period, d).end
        d += dt.timedelta(days=max(1, length // 40))


@settings(max_examples=200)
@given(custom, days, st.integers(0, 800), st.integers(0, 800))
def test_consecutive_runs_evaluate_each_bucket_once(
    period: CustomPeriod, start: dt.date, first: int, second: int
) -> None:
    middle = start + dt.timedelta(days=first)
    end = middle + dt.timedelta(days=second + 1)
    one = buckets(period, DateRange(start, middle, "a"))
    two = buckets(period, DateRange(middle + dt.timedelta(days=1), end, "b"))
    assert one + two == buckets(period, DateRange(start, end, "a+b"))


@pytest.mark.parametrize(
    ("period", "day", "key"),
    [
        (CustomPeriod(months=1, starts=26), dt.date(2022, 1, 25), "2021-12-26..2022-01-25"),
        (CustomPeriod(months=1, starts=26), dt.date(2022, 1, 26), "2022-01-26..2022-02-25"),
        (CustomPeriod(months=12, starts=26), dt.date(2022, 12, 25), "2021-12-26..2022-12-25"),
        (CustomPeriod(months=12, starts="12-26"), dt.date(2021, 12, 26), "2021-12-26..2022-12-25"),
        (CustomPeriod(months=2), dt.date(2022, 4, 30), "2022-03-01..2022-04-30"),
        (CustomPeriod(months=12, starts="03-01"), dt.date(2024, 2, 29), "2023-03-01..2024-02-29"),
        (CustomPeriod(months=3, starts=26), dt.date(2022, 3, 25), "2021-12-26..2022-03-25"),
    ],
)
def test_the_documented_periods(period: CustomPeriod, day: dt.date, key: str) -> None:
    assert bucket_of(period, day).key == key


@pytest.mark.parametrize(
    ("inner", "outer", "aligned"),
    [
        (CustomPeriod(months=1, starts=26), CustomPeriod(months=12, starts=26), True),
        (CustomPeriod(months=1, starts=26), CustomPeriod(months=2, starts=26), True),
        (CustomPeriod(months=1, starts=26), Period.year, False),
        (Period.month, CustomPeriod(months=2), True),
        (Period.quarter, CustomPeriod(months=12, starts="03-01"), False),
        (Period.month, CustomPeriod(months=12, starts="03-01"), True),
        (Period.week, Period.month, False),
        (Period.day, CustomPeriod(months=1, starts=26), True),
        (Period.year, Period.month, False),
    ],
)
def test_a_rollup_must_hold_whole_scheme_periods(
    inner: Period | CustomPeriod, outer: Period | CustomPeriod, aligned: bool
) -> None:
    assert (misaligned(inner, outer) is None) is aligned


@pytest.mark.parametrize("starts", [0, 29, 31, "13-01", "02-30", "3-1", "march"])
def test_a_start_that_not_every_month_has_is_refused(starts: int | str) -> None:
    with pytest.raises(ValidationError, match="starts"):
        CustomPeriod(months=1, starts=starts)


def test_equal_periods_are_equal_and_hashable() -> None:
    a, b = CustomPeriod(months=1, starts=26), CustomPeriod(months=1, starts=26)
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, Period.month}) == 2
    assert a.value.isidentifier()  # it names a temporary table
