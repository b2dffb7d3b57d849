"""At-risk alerts fire while there is still time: a Thursday-evening and a month-end shortfall."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gridpolicing.monitor import Alert, AlertKind
from tests.monitor.world import ENGINES, collecting, load_world, policy_of

UNITS = [
    {"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"},
    {"id": "v1", "type": "locality", "category": "village", "area": "rural"},
]


def _assign(person: str, unit: str, role: str) -> dict[str, Any]:
    return {
        "id": f"a-{person}",
        "person": person,
        "unit": unit,
        "role": role,
        "start": "2023-01-01",
    }


def _activity(aid: str, person: str, unit: str, start: str, hours: float) -> dict[str, Any]:
    t = dt.datetime.fromisoformat(start)
    return {
        "type": "activity",
        "id": aid,
        "person": person,
        "unit": unit,
        "kind": "household_visit",
        "start": start,
        "end": (t + dt.timedelta(hours=hours)).isoformat(),
    }


def _risk(alerts: list[Alert], subject: str) -> list[Alert]:
    return [a for a in alerts if a.kind is AlertKind.at_risk and a.subject_id == subject]


@pytest.mark.parametrize("engine", ENGINES)
def test_thursday_evening_shortfall_of_weekly_hours(engine: str, tmp_path: Path) -> None:
    """社区民警每周不少于24小时: 10 h by Thursday 18:00 is behind a 60% pace; 15 h is not."""
    rule = {
        "id": "weekly-24h",
        "kind": "time_commitment",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "week",
        "min_hours": 24,
    }
    data = load_world(
        tmp_path,
        {
            "units": UNITS,
            "people": [{"id": "slow"}, {"id": "steady"}],
            "assignments": [
                _assign("slow", "c1", "community_officer"),
                _assign("steady", "c1", "community_officer"),
            ],
        },
    )
    pace = {"weekly-24h": [{"at": "thursday 18:00", "share": 0.6}]}
    monitor, got = collecting(policy_of(tmp_path, [rule]), data, engine, pace=pace)
    # ISO week 2023-W36: Monday 4 September to Sunday 10 September 2023.
    monitor.post(_activity("s1", "slow", "c1", "2023-09-04T08:00", 6))
    monitor.post(_activity("s2", "slow", "c1", "2023-09-06T08:00", 4))
    monitor.post(_activity("t1", "steady", "c1", "2023-09-04T08:00", 8))
    monitor.post(_activity("t2", "steady", "c1", "2023-09-06T08:00", 7))
    monitor.advance(dt.datetime(2023, 9, 7, 17, 59))
    assert got == []
    monitor.advance(dt.datetime(2023, 9, 7, 19))
    [alert] = got
    assert alert.kind is AlertKind.at_risk
    assert (alert.subject_id, alert.bucket, alert.measured, alert.required) == (
        "slow",
        "2023-W36",
        10.0,
        24.0,
    )
    assert alert.at == dt.datetime(2023, 9, 7, 18)
    assert alert.reason == "pace: 60% by thursday 18:00"
    assert alert.evidence == ("s1", "s2")
    assert "thursday 18:00" in alert.message.en
    # Closing the week: both are breached, and each at-risk alert came first.
    monitor.advance(dt.datetime(2023, 9, 11))
    closes = dt.datetime(2023, 9, 11)
    assert {a.subject_id for a in got if a.kind is AlertKind.breached} == {"slow", "steady"}
    assert all(a.at < closes for a in got if a.kind is AlertKind.at_risk)
    assert _risk(got, "steady") == [
        a for a in got if a.subject_id == "steady" and a.reason == "infeasible"
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_month_end_shortfall_on_the_official_calendar(engine: str, tmp_path: Path) -> None:
    """包村民警每月2个工作日. In September 2023, 29-30 September were holidays (中秋、国庆):
    with no village day by the end of Wednesday 27th, only Thursday 28th is left."""
    rule = {
        "id": "village-days",
        "kind": "time_commitment",
        "subject": {"people": {"roles": ["village_contact_officer"]}},
        "period": "month",
        "min_working_days": 2,
    }
    people = ["none", "one", "two"]
    data = load_world(
        tmp_path,
        {
            "units": UNITS,
            "people": [{"id": p} for p in people],
            "assignments": [_assign(p, "v1", "village_contact_officer") for p in people],
        },
    )
    monitor, got = collecting(
        policy_of(tmp_path, [rule]), data, engine, start=dt.datetime(2023, 9, 1)
    )
    monitor.post(_activity("o1", "one", "v1", "2023-09-04T09:00", 3))
    monitor.post(_activity("w1", "two", "v1", "2023-09-05T09:00", 3))
    monitor.post(_activity("w2", "two", "v1", "2023-09-06T09:00", 3))
    monitor.advance(dt.datetime(2023, 9, 27, 23, 59))
    assert got == []
    monitor.advance(dt.datetime(2023, 9, 28, 12))
    [alert] = got
    assert (alert.kind, alert.subject_id, alert.bucket) == (AlertKind.at_risk, "none", "2023-09")
    assert alert.at == dt.datetime(2023, 9, 28)
    assert alert.reason == "infeasible"
    # "one" still has Thursday 28th; Friday 29th is a holiday, not a working day left.
    monitor.advance(dt.datetime(2023, 9, 29))
    assert [(a.subject_id, a.at) for a in got[1:]] == [("one", dt.datetime(2023, 9, 29))]
    monitor.advance(dt.datetime(2023, 10, 1))
    breached = [a.subject_id for a in got if a.kind is AlertKind.breached]
    assert breached == ["none", "one"]
    assert not [a for a in got if a.subject_id == "two"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_late_record_clears_a_pending_risk(engine: str, tmp_path: Path) -> None:
    """A record arriving within the grace period counts, and no at-risk alert follows."""
    rule = {
        "id": "village-days",
        "kind": "time_commitment",
        "subject": {"people": {"roles": ["village_contact_officer"]}},
        "period": "month",
        "min_working_days": 1,
    }
    data = load_world(
        tmp_path,
        {
            "units": UNITS,
            "people": [{"id": "p"}],
            "assignments": [_assign("p", "v1", "village_contact_officer")],
        },
    )
    monitor, got = collecting(
        policy_of(tmp_path, [rule]),
        data,
        engine,
        start=dt.datetime(2023, 9, 1),
        grace=dt.timedelta(hours=6),
    )
    monitor.advance(dt.datetime(2023, 9, 29, 3))  # Thursday 28th is over, plus 3 h of grace
    monitor.post(_activity("late", "p", "v1", "2023-09-28T22:00", 2))
    monitor.advance(dt.datetime(2023, 10, 2))
    assert got == []
    assert monitor.late == 0
