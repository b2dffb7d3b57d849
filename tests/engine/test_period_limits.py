"""Periods outside the supported window, or too long to evaluate, are usage errors (exit 2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import UsageError
from gridpolicing.engine.periods import MAX_PERIOD_DAYS, parse_range


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9999", "years from 1900 to 2200 are supported"),
        ("0000-01-01", "years from 1900 to 2200 are supported"),
        ("1899-W52", "years from 1900 to 2200 are supported"),
        ("2201-Q1", "years from 1900 to 2200 are supported"),
        ("2022-01-01..9999-12-31", "years from 1900 to 2200 are supported"),
        ("1900-01-01..1999-12-31", "36524 days is longer than the 3653 days"),
        ("2000-01-01..2010-01-01", "3654 days is longer than the 3653 days"),
    ],
)
def test_out_of_window_and_too_long_periods_are_refused(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_range(text)


def test_the_window_edges_and_ten_years_are_accepted() -> None:
    assert parse_range("1900").start.isoformat() == "1900-01-01"
    assert parse_range("2200-12-31").end.isoformat() == "2200-12-31"
    assert parse_range("2000-01-01..2009-12-31").days == MAX_PERIOD_DAYS


@given(st.text(alphabet="0123456789-WQH.", max_size=24))
def test_any_period_text_parses_or_is_a_usage_error(text: str) -> None:
    try:
        rng = parse_range(text)
    except UsageError as exc:
        message = str(exc)
    else:
        message = ""
        assert rng.days <= MAX_PERIOD_DAYS
        assert 1900 <= rng.start.year <= rng.end.year <= 2200
    assert message == "" or message.startswith("period ")
