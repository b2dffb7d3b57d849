"""The event decoder's bounds, and the clock's horizon (issue 16: hostile events)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from gridpolicing.errors import UsageError
from gridpolicing.monitor import EventError, Monitor, decode_line, parse_event
from gridpolicing.monitor.bounds import HORIZON, MAX_DEPTH, MAX_LINE_BYTES
from gridpolicing.monitor.events import ActivityEvent, ClockEvent
from tests.monitor.test_events import ACTIVITY
from tests.monitor.world import RULES, START, UNITS, load_world, policy_of

TASK: dict[str, Any] = {
    "type": "task",
    "id": "t1",
    "person": "p1",
    "kind": "surprise_operation",
    "start": "2022-03-01",
    "end": "2022-03-02",
}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        # a lone surrogate is valid JSON but cannot be written to an alert or a checkpoint
        ({**ACTIVITY, "id": "\ud800"}, r"id: not valid Unicode"),
        ({**ACTIVITY, "person": "张\udfff"}, r"person: not valid Unicode"),
        (
            {"type": "meeting", "id": "m", "kind": "village_council", "unit": "v1"}
            | {"date": "2022-03-01", "attendees": ["p1", "\ud83d"]},
            r"attendees\[1\]: not valid Unicode",
        ),
        ({**ACTIVITY, "unit": "u" * 1001}, r"unit: longer than 1,000 characters"),
        # kinds and reasons of the wrong type used to be looked up in a set: TypeError
        ({**ACTIVITY, "kind": ["household_visit"]}, r"kind: a list of 1 item is not one of"),
        ({**ACTIVITY, "kind": {"a": 1}}, r"kind: an object is not one of"),
        ({**TASK, "reason": ["routine"]}, r"reason: a list of 1 item is not one of"),
        ({**TASK, "reason": {}}, r"reason: an object is not one of"),
        ({**TASK, "kind": [1]}, r"kind: a list of 1 item is not one of"),
        ({"type": ["clock"]}, r"type: a list of 1 item is not one of"),
        # an offset that pushed a time past year 9999 or before year 1: OverflowError
        (
            {**ACTIVITY, "start": "9999-12-31T23:00-05:00", "end": "9999-12-31T23:30-05:00"},
            r"start: 9999-12-31T23:00:00-05:00 is outside 1900-01-01T00:00 to 2199-12-31",
        ),
        ({"type": "clock", "now": "0001-01-01T00:00+08:01"}, r"now: 0001-01-01T00:00:00\+08:01"),
        # inside Python's range but outside the window
        ({"type": "clock", "now": "2999-01-01"}, r"now: 2999-01-01T00:00:00 is outside"),
        ({**TASK, "end": "9999-12-31"}, r"end: 9999-12-31 is outside"),
        ({**ACTIVITY, "start": "1899-12-31T23:59"}, r"start: 1899-12-31T23:59:00 is outside"),
        ({**ACTIVITY, "households_visited": 10**30}, r"households_visited: expected a whole"),
    ],
)
def test_hostile_fields_are_named(event: dict[str, Any], message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_event(event)
    with pytest.raises(EventError, match=message):  # the same through the line decoder
        decode_line(json.dumps(event))


def test_an_error_shows_a_short_form_of_a_huge_value() -> None:
    with pytest.raises(EventError) as info:
        parse_event({**ACTIVITY, "households_visited": 10**5000})
    assert "a whole number of 16,610 bits" in str(info.value)
    with pytest.raises(EventError) as info:
        parse_event({**ACTIVITY, "kind": "x" * 50_000})
    assert len(str(info.value)) < 600


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"type": "clock", "now": "2022-03-01", "x": "\xff"}', r"not valid UTF-8 \(byte 0xff"),
        (b'{"type": "clock", "now": "2022-03-01", "x": "\xed\xa0\x80"}', r"not valid UTF-8"),
        (b'{"x": ' + b"[" * 1000 + b"]" * 1000 + b"}", r"nested 1,001 deep \(at most 16\)"),
        (b"[" * 100_000, r"longer than 65,536 bytes|nested"),
        (b'{"type": "clock", "x": ' + b"9" * 5000 + b"}", r"not JSON \(Exceeds the limit"),
        (b'{"type": "clock", "now": NaN}', r"now: expected an ISO date-time, got nan"),
        (b'"just a string"', r"an event is a JSON object, not 'just a string'"),
        (b"{not json", r"not JSON"),
        (b" " * (MAX_LINE_BYTES + 1), r"longer than 65,536 bytes"),
        ("\ud800".encode("utf-8", "surrogatepass"), r"not valid UTF-8"),
    ],
)
def test_hostile_lines_are_errors(line: bytes, message: str) -> None:
    with pytest.raises(EventError, match=message):
        decode_line(line)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    note = "[" * (MAX_DEPTH * 4) + '\\"{{{'
    ev = decode_line(json.dumps({"type": "clock", "now": "2022-03-01", "note": note}))
    assert isinstance(ev, ClockEvent)
    nested = {"type": "clock", "now": "2022-03-01", "x": [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}
    assert isinstance(decode_line(json.dumps(nested)), ClockEvent)  # 16 deep: allowed


def test_a_chinese_id_takes_the_careful_path_and_is_kept() -> None:
    ev = decode_line(json.dumps({**ACTIVITY, "person": "张三"}, ensure_ascii=False))
    assert isinstance(ev, ActivityEvent)
    assert ev.person == "张三"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("bounds")
    tables = {
        "units": UNITS,
        "people": [{"id": "p1"}],
        "assignments": [
            {"id": "a1", "person": "p1", "unit": "c1", "role": "community_officer"}
            | {"start": "2021-06-01"}
        ],
    }
    return policy_of(tmp, RULES), load_world(tmp, tables)


def _state(m: Monitor) -> str:
    return json.dumps(m.checkpoint(), sort_keys=True)


def test_an_event_beyond_the_horizon_is_refused_and_changes_nothing(world: Any) -> None:
    """A line dated 2999 walked every bucket of a thousand years (minutes, gigabytes)."""
    policy, data = world
    m = Monitor(policy, data, start=START)
    m.post({**ACTIVITY, "start": "2022-01-03T08:00", "end": "2022-01-03T09:00"})
    before = _state(m)
    assert m.clock == dt.datetime(2022, 1, 3, 8)
    far = (m.clock + HORIZON + dt.timedelta(seconds=1)).isoformat()
    day = (m.clock + HORIZON + dt.timedelta(days=1)).date().isoformat()
    for event in (
        {"type": "clock", "now": far},
        {**ACTIVITY, "id": "x2", "start": far, "end": far},
        {**TASK, "start": day, "end": day},
        {"type": "clock", "now": "2199-12-31T23:59"},  # inside the window, far beyond the clock
    ):
        with pytest.raises(EventError, match=r"more than 366 days ahead of the monitor's clock"):
            m.post(event)
    assert _state(m) == before
    near = dt.datetime(2022, 1, 3, 8) + HORIZON  # exactly the horizon is allowed
    m.post({"type": "clock", "now": near.isoformat()})
    assert m.clock == near


def test_advance_beyond_the_horizon_or_the_window_is_a_usage_error(world: Any) -> None:
    policy, data = world
    m = Monitor(policy, data, start=START)
    before = _state(m)
    with pytest.raises(UsageError, match="more than 366 days ahead"):
        m.advance(dt.datetime(2199, 12, 31, 23, 59))
    with pytest.raises(UsageError, match="9999-12-31T23:59:59 is outside"):
        m.advance(dt.datetime(9999, 12, 31, 23, 59, 59))
    assert _state(m) == before
    m.advance(dt.datetime(2022, 1, 1, 8, tzinfo=dt.UTC))  # an offset is China time, as events
    assert m.clock == dt.datetime(2022, 1, 1, 16)


def test_a_parsed_event_from_the_caller_is_bounded_too(world: Any) -> None:
    policy, data = world
    m = Monitor(policy, data)
    with pytest.raises(EventError, match="9999-12-31T00:00:00 is outside"):
        m.post(ClockEvent(dt.datetime(9999, 12, 31)))
    assert m.clock is None


_MINUS_5 = dt.timezone(dt.timedelta(hours=-5))  # China time is then past year 9999


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": dt.date(9999, 12, 31)}, "start: 9999-12-31T00:00:00 is outside"),
        ({"start": dt.datetime(9999, 12, 31, 23, tzinfo=_MINUS_5)}, "start: 9999-12-31T23:00"),
        ({"grace": dt.timedelta(days=32)}, "grace: 32 days, 0:00:00 is not between 0 and 31"),
        ({"grace": dt.timedelta(seconds=-1)}, "grace: -1 day"),
    ],
)
def test_monitor_arguments_are_bounded(world: Any, kwargs: dict[str, Any], message: str) -> None:
    policy, data = world
    with pytest.raises(UsageError, match=message):
        Monitor(policy, data, **kwargs)


def test_a_bucket_next_to_the_window_end_opens_and_closes(tmp_path: Path, world: Any) -> None:
    """The window's edge is far enough from year 9999 that bucket arithmetic never overflows."""
    policy, data = world
    m = Monitor(policy, data, start=dt.date(2199, 12, 1))
    m.post({**ACTIVITY, "start": "2199-12-31T22:00", "end": "2199-12-31T23:59:59"})
    assert m.clock == dt.datetime(2199, 12, 31, 22)
    Monitor.restore(policy, data, json.loads(json.dumps(m.checkpoint())))
