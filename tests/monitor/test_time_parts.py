"""The monitor counts time as the batch engine does: split at midnight, overlaps merged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.monitor.roster import SubjectInfo
from gridpolicing.monitor.state import Tally
from gridpolicing.monitor.watchers import day_parts

DAY = dt.date(2022, 3, 13)
MIDNIGHT = dt.datetime(2022, 3, 13)
H = 3_600_000_000  # an hour in microseconds


def test_an_overnight_record_is_two_parts() -> None:
    start, end = MIDNIGHT.replace(hour=22), MIDNIGHT + dt.timedelta(days=1, hours=2)
    assert day_parts(start, end) == [(DAY, 22 * H, 24 * H), (dt.date(2022, 3, 14), 0, 2 * H)]


def test_a_record_ending_at_midnight_does_not_touch_the_next_day() -> None:
    start, end = MIDNIGHT.replace(hour=20), MIDNIGHT + dt.timedelta(days=1)
    assert day_parts(start, end) == [(DAY, 20 * H, 24 * H)]
    assert day_parts(start, start) == [(DAY, 20 * H, 20 * H)]


@given(st.lists(st.tuples(st.integers(0, 24 * 60), st.integers(0, 600)), max_size=12))
def test_merged_time_is_the_union_of_the_intervals(spans: list[tuple[int, int]]) -> None:
    t = Tally("p1", SubjectInfo(frozenset({"c1"}), True), 1.0)
    added = 0
    for start, length in spans:
        end = min(start + length, 24 * 60)
        added += t.add_span(DAY, start, end)
    covered = {m for start, length in spans for m in range(start, min(start + length, 24 * 60))}
    assert added == t.day_micros(DAY) == len(covered)
    assert Tally.load(t.dump()).spans == t.spans


def test_the_monitor_watches_the_units_a_where_condition_selects(tmp_path: Path) -> None:
    from gridpolicing import evaluate
    from gridpolicing.monitor.roster import Roster, Scope
    from tests.helpers import make_dataset, make_policy

    rule = {
        "id": "r",
        "kind": "cadence",
        "subject": {"units": {"type": "locality", "where": "population >= 3000"}},
        "period": "month",
        "count": {"activities": ["household_visit"]},
        "min_count": 1,
    }
    units = [
        {"id": f"c{n}", "type": "locality", "category": "village", "area": "rural", **pop}
        for n, pop in enumerate([{"population": 2999}, {"population": 3000}, {}])
    ]
    policy = make_policy(tmp_path, [rule])
    data = make_dataset(tmp_path, {"units": units})
    batch = sorted({f.subject_id for f in evaluate(policy, data, "2022-03").findings})
    scope = Scope(Roster(data), policy.rules[0].subject)
    watched = sorted(scope.subjects(dt.date(2022, 3, 1), dt.date(2022, 3, 31)))
    assert batch == watched == ["c1", "c2"]  # a unit the condition cannot decide is judged
