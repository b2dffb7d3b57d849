"""Periods and buckets."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import UsageError
from gridpolicing.engine.periods import buckets, buckets_within, parse_range
from gridpolicing.policy.models import Period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022", "2022-01-01", "2022-12-31"),
        ("2022-H2", "2022-07-01", "2022-12-31"),
        ("2022-Q1", "2022-01-01", "2022-03-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2022-W01", "2022-01-03", "2022-01-09"),
        ("2022-03-15", "2022-03-15", "2022-03-15"),
        ("2022-03-01..2022-05-31", "2022-03-01", "2022-05-31"),
    ],
)
def test_parse_range(text: str, start: str, end: str) -> None:
    r = parse_range(text)
    assert (r.start.isoformat(), r.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    "text", ["", "last month", "2022-13", "2022-W54", "2022-05-01..2022-04-01"]
)
def test_bad_periods_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_range(text)


def test_a_bucket_belongs_to_the_run_holding_its_last_day() -> None:
    # W09 (28 Feb .. 6 Mar) ends in March: March's run judges it, reading 28 February too.
    # W13 (28 Mar .. 3 Apr) ends in April: April's run judges it, never March's.
    weeks = buckets(Period.week, parse_range("2022-03"))
    assert [b.key for b in weeks] == ["2022-W09", "2022-W10", "2022-W11", "2022-W12"]
    assert weeks[0].start == dt.date(2022, 2, 28)
    assert buckets(Period.week, parse_range("2022-04"))[0].key == "2022-W13"
    assert buckets(Period.year, parse_range("2022-03")) == []
    assert [b.key for b in buckets(Period.year, parse_range("2022-12"))] == ["2022"]
    assert [b.key for b in buckets(Period.quarter, parse_range("2022"))] == [
        "2022-Q1",
        "2022-Q2",
        "2022-Q3",
        "2022-Q4",
    ]
    assert [b.key for b in buckets_within(Period.week, parse_range("2022-03"))] == [
        "2022-W10",
        "2022-W11",
        "2022-W12",
    ]


@given(
    st.dates(dt.date(2005, 1, 1), dt.date(2030, 1, 1)),
    st.integers(0, 800),
    st.sampled_from(list(Period)),
)
def test_buckets_tile_without_overlap(start: dt.date, days: int, period: Period) -> None:
    rng = parse_range(f"{start}..{start + dt.timedelta(days=days)}")
    bs = buckets(period, rng)
    for a, b in itertools.pairwise(bs):
        assert a.end + dt.timedelta(days=1) == b.start
    for b in bs:
        assert rng.start <= b.end <= rng.end


@given(
    st.dates(dt.date(2005, 1, 1), dt.date(2030, 1, 1)),
    st.lists(st.integers(1, 120), min_size=1, max_size=6),
    st.sampled_from(list(Period)),
)
def test_consecutive_ranges_hold_every_bucket_exactly_once(
    start: dt.date, lengths: list[int], period: Period
) -> None:
    whole_end = start + dt.timedelta(days=sum(lengths) - 1)
    whole = buckets(period, parse_range(f"{start}..{whole_end}"))
    parts, a = [], start
    for n in lengths:
        b = a + dt.timedelta(days=n - 1)
        parts.extend(buckets(period, parse_range(f"{a}..{b}")))
        a = b + dt.timedelta(days=1)
    assert parts == whole
