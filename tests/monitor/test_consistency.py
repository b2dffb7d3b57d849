"""Replaying a dataset's events gives, at each bucket's end, exactly batch evaluation's failures."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from gridpolicing import Finding, evaluate
from gridpolicing.monitor import AlertKind, events_from_dataset
from tests.monitor.world import (
    END,
    ENGINES,
    PERIOD,
    RULES,
    START,
    collecting,
    load_world,
    policy_of,
    worlds,
)

_POLICY_DIR = Path(tempfile.mkdtemp(prefix="gp-monitor-policy-"))
POLICY = policy_of(_POLICY_DIR, RULES)


def _when(event: dict[str, Any]) -> dt.datetime:
    when = event.get("start", event.get("date"))
    if isinstance(when, dt.datetime):
        return when
    assert isinstance(when, dt.date)
    return dt.datetime.combine(when, dt.time())


def _key(f: Finding) -> tuple[Any, ...]:
    return (
        f.rule,
        f.subject_type,
        f.subject_id,
        f.bucket,
        f.bucket_start,
        f.bucket_end,
        round(f.measured or 0.0, 9),
        f.required,
        f.evidence,
        f.detail,
    )


@pytest.mark.parametrize("engine", ENGINES)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=worlds())
def test_replay_gives_batch_failures(engine: str, tables: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = load_world(Path(tmp), tables)
        # A monitor watches the buckets that begin at or after its start; a batch run also judges
        # the bucket straddling the range's first day when the dataset holds its first days.
        expected = sorted(
            _key(f)
            for f in evaluate(POLICY, data, PERIOD).failures()
            if f.bucket_start >= START.date()
        )
        monitor, got = collecting(POLICY, data, engine, start=START)
        for event in events_from_dataset(data):
            if _when(event) < END:
                monitor.post(event)
        monitor.advance(END)
    breached = [a for a in got if a.kind is AlertKind.breached]
    assert sorted(_key(a.to_finding()) for a in breached) == expected
    for a in got:
        closes = dt.datetime.combine(a.bucket_end + dt.timedelta(days=1), dt.time())
        if a.kind is AlertKind.breached:
            assert a.at == closes
        elif a.kind is AlertKind.at_risk:
            assert a.at < closes, a
    assert [a.seq for a in got] == list(range(1, len(got) + 1))
