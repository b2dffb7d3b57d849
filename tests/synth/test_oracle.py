"""Oracle tests: each profile's data fails exactly the injected (rule, subject, bucket)s.

Short periods at small scale with seeds and rates chosen by hypothesis, plus one year per
profile for the yearly and half-yearly rules; the whole module runs in well under a minute.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing import load_policy
from gridpolicing.synth import PROFILES, generate
from tests.synth.oracle import check

# (scale, short periods): small deployments, one or two months each.
SHORT = {
    "xindu-2022": (0.1, ["2022-02-01..2022-03-31", "2022-10", "2022-05-10..2022-06-20"]),
    "xinjin-2022": (0.2, ["2022-01-01..2022-02-28", "2022-06", "2022-03-15..2022-04-30"]),
    "xinxiang-2016": (0.5, ["2017-01-01..2017-02-28", "2017-09", "2016-07-01..2016-08-31"]),
    "nanjing-2016": (0.2, ["2017-09-01..2017-10-31", "2017-02", "2017-03-10..2017-04-20"]),
}
YEAR = {"xindu-2022": 0.2, "xinjin-2022": 0.1, "xinxiang-2016": 1.0, "nanjing-2016": 0.2}


def test_every_profile_is_covered() -> None:
    assert set(SHORT) == set(PROFILES) == set(YEAR)


@pytest.mark.parametrize("profile", sorted(SHORT))
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    rate=st.sampled_from([0.03, 0.1, 0.25]),
    which=st.integers(min_value=0, max_value=2),
)
def test_short_periods(profile: str, seed: int, rate: float, which: int) -> None:
    scale, periods = SHORT[profile]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        truth = generate(profile, scale, seed, out, violation_rate=rate, period=periods[which])
        check(out, truth)


# Rules with few candidates (one bureau-year, a handful of officer-years): a year at a modest
# rate may not pick them, so test_rare_rules breaks each of them on purpose.
RARE = {
    "two-model-offices-a-year",
    "satisfaction-90",
    "contact-officer-tenure",
    "community-officer-tenure",
    "half-year-summary",
    "district-funding-per-officer",
    "city-funding-per-officer",
}


@pytest.mark.parametrize("profile", sorted(YEAR))
def test_a_year_breaks_every_rule(profile: str, tmp_path: Path) -> None:
    """Over two seeds of a year every rule is broken at least once, and found exactly."""
    broken: set[str] = set()
    for seed in (1, 2):
        out = tmp_path / str(seed)
        truth = generate(profile, YEAR[profile], seed, out, violation_rate=0.1)
        check(out, truth)
        broken |= {v.rule for v in truth.violations}
    rules = {r.id for r in load_policy(truth.policy).rules}
    assert rules - broken - set(truth.not_injected) - RARE == set()


@pytest.mark.parametrize(
    ("profile", "rule"),
    [
        ("xinxiang-2016", "two-model-offices-a-year"),
        ("xinxiang-2016", "satisfaction-90"),
        ("xinxiang-2016", "contact-officer-tenure"),
        ("xinxiang-2016", "community-officer-tenure"),
        ("xinjin-2022", "half-year-summary"),
        ("nanjing-2016", "district-funding-per-officer"),
        ("nanjing-2016", "city-funding-per-officer"),
    ],
)
def test_rare_rules(profile: str, rule: str, tmp_path: Path) -> None:
    # The model-office goal is 2016's alone (effective_to 2016-12-31): its one bucket is 2016-H2.
    period = "2016-H2" if rule == "two-model-offices-a-year" else None
    truth = generate(profile, YEAR[profile], 5, tmp_path, violation_rate={rule: 1.0}, period=period)
    assert {v.rule for v in truth.violations} == {rule}
    check(tmp_path, truth)


def test_clean_data_passes(tmp_path: Path) -> None:
    truth = generate("nanjing-2016", 0.2, 9, tmp_path, violation_rate=0.0, period="2017-10")
    assert truth.violations == ()
    check(tmp_path, truth)


def test_csv_tables(tmp_path: Path) -> None:
    truth = generate(
        "xinjin-2022", 0.2, 4, tmp_path, violation_rate=0.2, period="2022-05", table_format="csv"
    )
    assert (tmp_path / "activities.csv").exists()
    assert not (tmp_path / "activities.parquet").exists()
    check(tmp_path, truth)
