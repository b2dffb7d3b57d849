"""Event parsing and pace checkpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridpolicing.errors import UsageError
from gridpolicing.monitor import EventError, parse_event, parse_pace
from gridpolicing.monitor.events import ActivityEvent, ClockEvent, MeetingEvent, TaskEvent

ACTIVITY: dict[str, Any] = {
    "type": "activity",
    "id": "x1",
    "person": "p1",
    "unit": "c1",
    "kind": "household_visit",
    "start": "2022-03-07T08:00:00",
    "end": "2022-03-07 11:30",
    "households_visited": 4,
    "has_photo": True,
}


def test_an_activity_parses_with_its_duration_and_day() -> None:
    ev = parse_event(ACTIVITY)
    assert isinstance(ev, ActivityEvent)
    assert (ev.seconds, ev.day, ev.households, ev.services, ev.log, ev.photo) == (
        12600,
        dt.date(2022, 3, 7),
        4,
        0,
        False,
        True,
    )


def test_the_careful_path_agrees_with_the_fast_one() -> None:
    from collections import OrderedDict

    fast = parse_event(ACTIVITY)
    slow = parse_event(OrderedDict(ACTIVITY))  # not a plain dict: the careful path
    assert isinstance(fast, ActivityEvent)
    assert isinstance(slow, ActivityEvent)
    assert {s: getattr(fast, s) for s in ActivityEvent.__slots__} == {
        s: getattr(slow, s) for s in ActivityEvent.__slots__
    }


def test_offsets_are_converted_to_china_time() -> None:
    ev = parse_event({**ACTIVITY, "start": "2022-03-07T00:00:00+00:00", "end": "2022-03-07T09:00"})
    assert isinstance(ev, ActivityEvent)
    assert ev.start == dt.datetime(2022, 3, 7, 8)


def test_a_check_in_is_an_activity_of_kind_check_in() -> None:
    ev = parse_event(
        {"type": "check_in", "id": "k", "person": "p", "unit": "u", "start": "2022-03-07T08:00"}
    )
    assert isinstance(ev, ActivityEvent)
    assert (ev.kind, ev.seconds) == ("check_in", 0)


def test_other_event_types() -> None:
    m = parse_event(
        {
            "type": "meeting",
            "id": "m",
            "kind": "village_council",
            "unit": "v1",
            "date": "2022-03-08",
            "attendees": ["p1"],
        }
    )
    assert isinstance(m, MeetingEvent)
    assert m.time == dt.datetime(2022, 3, 8)
    t = parse_event(
        {
            "type": "task",
            "id": "t",
            "person": "p",
            "kind": "surprise_operation",
            "start": "2022-03-01",
            "end": "2022-03-09",
        }
    )
    assert isinstance(t, TaskEvent)
    assert t.reason == "routine"
    c = parse_event({"type": "clock", "now": "2022-03-10T18:00"})
    assert isinstance(c, ClockEvent)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "visit"}, "type: 'visit' is not one of"),
        ({"kind": "teleport"}, "kind: 'teleport' is not one of"),
        ({"person": ""}, "person: expected a non-empty string"),
        ({"start": "yesterday"}, "start: 'yesterday' is not an ISO date-time"),
        ({"end": "2022-03-07T07:00"}, "is before start"),
        (
            {"households_visited": -1},
            "households_visited: expected a whole number from 0 to 1,000,000",
        ),
        (
            {"households_visited": True},
            "households_visited: expected a whole number from 0 to 1,000,000",
        ),
        ({"has_photo": "yes"}, "has_photo: expected true or false"),
    ],
)
def test_malformed_events_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_event({**ACTIVITY, **change})


def test_an_event_is_an_object() -> None:
    with pytest.raises(EventError, match="JSON object"):
        parse_event([1, 2])  # type: ignore[arg-type]


def test_pace_checkpoints() -> None:
    pace = parse_pace(
        {
            "pace": {
                "weekly": [{"at": "Thu 18:00", "share": 0.6}],
                "monthly": [
                    {"at": "day 20", "share": 0.5},
                    {"at": "working day 15 12:00", "share": 0.7},
                ],
            }
        }
    )
    [thu] = pace["weekly"]
    assert thu.instant(dt.date(2023, 9, 4), dt.date(2023, 9, 10), lambda d: True) == dt.datetime(
        2023, 9, 7, 18
    )
    day20, wd15 = pace["monthly"]
    workday = lambda d: d.weekday() < 5  # noqa: E731
    assert day20.instant(dt.date(2023, 2, 1), dt.date(2023, 2, 28), workday) == dt.datetime(
        2023, 2, 20
    )
    assert wd15.instant(dt.date(2023, 2, 1), dt.date(2023, 2, 28), workday) == dt.datetime(
        2023, 2, 21, 12
    )
    assert day20.instant(dt.date(2023, 2, 1), dt.date(2023, 2, 10), workday) is None


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"r": [{"at": "some day", "share": 0.5}]}, "is not '<weekday>"),
        ({"r": [{"at": "th", "share": 0.5}]}, "is not a weekday"),
        ({"r": [{"at": "day 3", "share": 1.5}]}, r"expected a number in \(0, 1\]"),
        ({"r": [{"at": "day 0", "share": 0.5}]}, "counted from 1"),
        ({"r": [{"at": "day 3 25:00", "share": 0.5}]}, "not a time of day"),
        ({"r": [{"at": "day 3"}]}, "exactly the keys"),
        ({"r": []}, "expected a list"),
    ],
)
def test_bad_pace_checkpoints(config: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_pace(config)
