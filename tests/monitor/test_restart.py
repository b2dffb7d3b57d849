"""After a restart the monitor neither loses nor repeats an alert."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest

from gridpolicing import Policy
from gridpolicing.errors import UsageError
from gridpolicing.monitor import Alert, Monitor
from tests.monitor.world import END, ENGINES, PEOPLE, RULES, START, UNITS, load_world, policy_of

PACE = {"tc-hours": [{"at": "wednesday 12:00", "share": 0.5}]}
ROLES = [
    "community_officer",
    "village_contact_officer",
    "community_officer",
    "village_contact_officer",
]


def _stream(seed: int) -> list[dict[str, Any]]:
    """Two months of activities, meetings, reports, tasks and incidents, in time order."""
    rng = random.Random(seed)
    events: list[tuple[dt.datetime, dict[str, Any]]] = []
    day = START.date()
    n = 0
    while day < END.date():
        for person, unit in zip(PEOPLE, ["c1", "v1", "c1", "v2"], strict=True):
            for _ in range(rng.choice((0, 1, 1, 2))):
                n += 1
                start = dt.datetime.combine(day, dt.time(rng.randint(7, 18)))
                kind = rng.choice(
                    ["household_visit", "dispute_screening", "patrol", "case_assistance"]
                )
                events.append(
                    (
                        start,
                        {
                            "type": "activity",
                            "id": f"x{n}",
                            "person": person,
                            "unit": unit,
                            "kind": kind,
                            "start": start.isoformat(),
                            "end": (
                                start + dt.timedelta(minutes=30 * rng.randint(1, 8))
                            ).isoformat(),
                            "households_visited": rng.randint(0, 5),
                            "services_done": rng.randint(0, 1),
                            "has_work_log": rng.random() < 0.8,
                            "has_photo": rng.random() < 0.8,
                        },
                    )
                )
            midnight = dt.datetime.combine(day, dt.time())
            roll = rng.random()
            n += 1
            if roll < 0.04:
                events.append(
                    (
                        midnight,
                        {
                            "type": "task",
                            "id": f"t{n}",
                            "person": person,
                            "kind": "crime_fighting_quota",
                            "start": day.isoformat(),
                            "end": (day + dt.timedelta(days=rng.randint(0, 30))).isoformat(),
                        },
                    )
                )
            elif roll < 0.06:
                events.append(
                    (
                        midnight,
                        {
                            "type": "incident",
                            "id": f"i{n}",
                            "person": person,
                            "kind": "accepted_hospitality",
                            "date": day.isoformat(),
                        },
                    )
                )
            elif roll < 0.12:
                events.append(
                    (
                        midnight,
                        {
                            "type": "meeting",
                            "id": f"m{n}",
                            "kind": "village_council",
                            "unit": unit,
                            "date": day.isoformat(),
                            "attendees": [person],
                        },
                    )
                )
            elif roll < 0.16:
                events.append(
                    (
                        midnight,
                        {
                            "type": "report",
                            "id": f"r{n}",
                            "kind": "work_report",
                            "author": person,
                            "recipient": unit,
                            "date": day.isoformat(),
                        },
                    )
                )
        day += dt.timedelta(days=1)
    events.sort(key=lambda e: e[0])
    return [e for _, e in events]


EVENTS = _stream(11)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Policy, Any]:
    tmp = tmp_path_factory.mktemp("restart")
    tables = {
        "units": UNITS,
        "people": [{"id": p} for p in PEOPLE],
        "assignments": [
            {"id": f"a{i}", "person": p, "unit": u, "role": r, "start": "2021-06-01"}
            for i, (p, u, r) in enumerate(zip(PEOPLE, ["c1", "v1", "c1", "v2"], ROLES, strict=True))
        ],
        "sensitive_periods": [{"id": "s1", "start": "2022-01-31", "end": "2022-02-02"}],
    }
    return policy_of(tmp, RULES), load_world(tmp, tables)


def _monitor(world: tuple[Policy, Any], engine: str, got: list[Alert], **kw: Any) -> Monitor:
    policy, data = world
    return Monitor(policy, data, engine=engine, on_alert=got.append, start=START, pace=PACE, **kw)


def _restore(
    world: tuple[Policy, Any], engine: str, state: dict[str, Any], got: list[Alert], **kw: Any
) -> Monitor:
    policy, data = world
    roundtrip = json.loads(json.dumps(state))  # a checkpoint survives being written as JSON
    return Monitor.restore(policy, data, roundtrip, engine=engine, on_alert=got.append, **kw)


def _finish(m: Monitor, events: list[dict[str, Any]]) -> None:
    for e in events:
        m.post(e)
    m.advance(END)


def _dicts(alerts: list[Alert]) -> list[dict[str, Any]]:
    return [a.to_dict() for a in alerts]


@pytest.fixture(scope="module")
def uninterrupted(world: tuple[Policy, Any]) -> list[dict[str, Any]]:
    got: list[Alert] = []
    _finish(_monitor(world, "native", got), EVENTS)
    kinds = {a.kind.value for a in got}
    assert kinds == {"at_risk", "breached", "violation"}, kinds
    return _dicts(got)


CUTS = [0, 1, 37, 120, 233, len(EVENTS) // 2, len(EVENTS) - 1, len(EVENTS)]


@pytest.mark.parametrize("engine", ENGINES)
def test_checkpoint_and_restore_at_any_event(
    engine: str, world: tuple[Policy, Any], uninterrupted: list[dict[str, Any]]
) -> None:
    for cut in CUTS:
        got: list[Alert] = []
        first = _monitor(world, engine, got)
        for e in EVENTS[:cut]:
            first.post(e)
        state = first.checkpoint()
        _finish(_restore(world, engine, state, got), EVENTS[cut:])
        assert _dicts(got) == uninterrupted, f"restart after event {cut}"


@pytest.mark.parametrize("engine", ENGINES)
def test_restart_from_an_older_checkpoint_skips_what_was_delivered(
    engine: str, world: tuple[Policy, Any], uninterrupted: list[dict[str, Any]]
) -> None:
    """Crash after delivering alerts the last checkpoint does not know about."""
    saved_at, crashed_at = 150, 400
    delivered: list[Alert] = []
    m = _monitor(world, engine, delivered)
    for e in EVENTS[:saved_at]:
        m.post(e)
    state = m.checkpoint()
    for e in EVENTS[saved_at:crashed_at]:
        m.post(e)
    last = delivered[-1].seq
    assert last > state["seq"]
    _finish(_restore(world, engine, state, delivered, delivered=last), EVENTS[saved_at:])
    assert _dicts(delivered) == uninterrupted


def test_rebuild_by_replaying_the_event_log(
    world: tuple[Policy, Any], uninterrupted: list[dict[str, Any]]
) -> None:
    got: list[Alert] = []
    _finish(_monitor(world, "native", got, delivered=10), EVENTS)
    assert _dicts(got) == uninterrupted[10:]


def test_undelivered_alerts_travel_in_the_checkpoint(
    world: tuple[Policy, Any], uninterrupted: list[dict[str, Any]]
) -> None:
    policy, data = world
    m = Monitor(policy, data, start=START, pace=PACE)  # no callback: alerts wait in the queue
    for e in EVENTS[:300]:
        m.post(e)
    pending = m.alerts()
    taken = [next(pending) for _ in range(5)]  # the rest stays queued
    state = m.checkpoint()
    restored = Monitor.restore(policy, data, json.loads(json.dumps(state)))
    _finish(restored, EVENTS[300:])
    assert _dicts(taken + list(restored.alerts())) == uninterrupted


def test_a_checkpoint_of_another_policy_is_refused(
    world: tuple[Policy, Any], tmp_path: Path
) -> None:
    policy, data = world
    state = Monitor(policy, data, start=START).checkpoint()
    other = policy_of(tmp_path, RULES[:3])
    with pytest.raises(UsageError, match="another version of the policy"):
        Monitor.restore(other, data, state)
