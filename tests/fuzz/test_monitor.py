"""Fuzz targets of the real-time monitor: the event decoder, posting, and the checkpoint loader.

Each target feeds hostile input (JSON values of every shape, lone surrogates, deep nesting,
huge numbers, dates near year 1 and 9999 with odd offsets, raw bytes, corrupted checkpoints)
and passes when the entry point succeeds or raises the library's own error. One small monitor
is built per module and kept: examples post into it, so its clock wanders as hostile input
would move it.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import event, given
from hypothesis import strategies as st

from gridpolicing import Policy
from gridpolicing.errors import GridPolicingError
from gridpolicing.io.dataset import Dataset
from gridpolicing.monitor import EVENT_TYPES, Monitor, decode_line, parse_event
from gridpolicing.monitor.bounds import HORIZON, MAX_DEPTH
from tests.fuzz.budget import FUZZ
from tests.helpers import make_dataset, make_policy

T = TypeVar("T")

RULES: list[dict[str, Any]] = [
    {
        "id": "hours",
        "kind": "time_commitment",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "week",
        "min_hours": 6,
    },
    {
        "id": "visits",
        "kind": "visit_quality",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "month",
        "min_households": 2,
    },
    {
        "id": "meetings",
        "kind": "cadence",
        "subject": {"units": {"type": "locality"}},
        "period": "month",
        "count": {"meetings": ["village_council"]},
        "min_count": 1,
        "sensitive_daily": True,
    },
    {
        "id": "tasks",
        "kind": "prohibition",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "month",
        "forbidden": {"tasks": ["crime_fighting_quota"]},
    },
    {
        "id": "incidents",
        "kind": "prohibition",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "week",
        "forbidden": {"incidents": ["accepted_hospitality"]},
    },
]
TABLES = {
    "units": [{"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"}],
    "people": [{"id": "p1"}],
    "assignments": [
        {"id": "a1", "person": "p1", "unit": "c1", "role": "community_officer"}
        | {"start": "2022-01-01"}
    ],
    "sensitive_periods": [{"id": "s1", "start": "2022-03-01", "end": "2022-03-02"}],
}


@functools.cache
def _world() -> tuple[Policy, Dataset]:
    """The policy and dataset, loaded once (both live in memory, the files are not kept)."""
    with tempfile.TemporaryDirectory() as tmp:
        return make_policy(Path(tmp), RULES), make_dataset(Path(tmp), TABLES)


@functools.cache
def _monitor() -> Monitor:
    policy, data = _world()
    return Monitor(policy, data, start=dt.date(2022, 1, 1), grace=dt.timedelta(hours=1))


@functools.cache
def _checkpoint() -> dict[str, Any]:
    """A checkpoint with open buckets, tallies, pending visits, a task in play and an outbox."""
    policy, data = _world()
    m = Monitor(policy, data, start=dt.date(2022, 3, 1))
    for sample in SAMPLES:
        m.post(sample)
    state: dict[str, Any] = json.loads(json.dumps(m.checkpoint()))
    return state


def _ours(fn: Callable[..., T], *args: Any) -> T | None:
    """``fn(*args)``, or None when it raised the library's own error; anything else escapes
    and fails the target."""
    try:
        out = fn(*args)
    except GridPolicingError as exc:
        event(f"{fn.__name__}: {type(exc).__name__}")  # --hypothesis-show-statistics
        return None
    event(f"{fn.__name__}: ok")
    return out


SAMPLES: list[dict[str, Any]] = [
    {"type": "activity", "id": "x1", "person": "p1", "unit": "c1", "kind": "household_visit"}
    | {"start": "2022-03-02T08:00", "end": "2022-03-02T11:00", "households_visited": 1},
    {"type": "task", "id": "t1", "person": "p1", "kind": "crime_fighting_quota"}
    | {"start": "2022-03-02", "end": "2022-03-20"},
    {"type": "meeting", "id": "m1", "kind": "village_council", "unit": "c1"}
    | {"date": "2022-03-03", "attendees": ["p1"]},
    {"type": "activity", "id": "x2", "person": "p1", "unit": "c1", "kind": "household_visit"}
    | {"start": "2022-03-03T08:00", "end": "2022-03-03T09:00"},
]

# --- hostile values --------------------------------------------------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.text(st.characters(codec=None) | SURROGATES, max_size=12) | st.sampled_from(
    ["", " ", "p1", "c1", "\ud800", "张三", "x" * 1001, "household_visit", "routine"]
)
NUMBERS = (
    st.integers(-(2**70), 2**70)
    | st.sampled_from([0, 1, -1, 10**18, 2**63, 10**300])
    | st.floats(allow_nan=True, allow_infinity=True)
)
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
MOMENTS = (
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30))
    | st.datetimes(min_value=dt.datetime(2021, 12, 1), max_value=dt.datetime(2023, 6, 1))
    | st.sampled_from([dt.datetime.min, dt.datetime.max, dt.datetime(2199, 12, 31, 23, 59)])
)
TIMES = st.one_of(
    MOMENTS.map(dt.datetime.isoformat),
    st.tuples(MOMENTS, OFFSETS).map(lambda p: p[0].replace(tzinfo=p[1]).isoformat()),
    MOMENTS.map(lambda d: d.date().isoformat()),
    st.sampled_from(["2022-03-02", "2022-13-01", "9999-12-31T23:59:59-05:00", "0001-01-01+08:00"]),
)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT | TIMES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "id",
    "person",
    "unit",
    "kind",
    "start",
    "end",
    "date",
    "now",
    "author",
    "recipient",
    "reason",
    "attendees",
    "households_visited",
    "services_done",
    "has_work_log",
    "has_photo",
]
KINDS = st.sampled_from(
    [
        "household_visit",
        "patrol",
        "village_council",
        "work_report",
        "crime_fighting_quota",
        "accepted_hospitality",
        "disaster_relief",
    ]
)


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    """An event-shaped object: a real sample with some fields replaced by hostile values."""
    out = dict(draw(st.sampled_from(SAMPLES)))
    if draw(st.booleans()):
        out["type"] = draw(st.sampled_from([*EVENT_TYPES, "check_in"]) | JSON)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=5)):
        out[name] = draw(JSON | TIMES | KINDS)
    if draw(st.booleans()):
        out.pop(draw(st.sampled_from(FIELDS)), None)
    return out


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- targets ---------------------------------------------------------------------------------


def _post(event: Any) -> None:
    """Post into the module's monitor: the clock never jumps past the horizon, and whatever it
    took can be written as valid UTF-8."""
    m = _monitor()
    before = m.clock
    _ours(m.post, event)
    if before is not None and m.clock is not None:
        assert m.clock - before <= HORIZON
    for alert in m.alerts():
        json.dumps(alert.to_dict(), ensure_ascii=False).encode("utf-8")


@FUZZ
@given(events())
def test_fuzz_decode_event_lines(hostile: dict[str, Any]) -> None:
    line = json.dumps(hostile, allow_nan=True)  # ensure_ascii: a lone surrogate stays an escape
    decoded = _ours(decode_line, line)
    if decoded is not None:
        for v in vars_of(decoded):
            if isinstance(v, str):
                v.encode("utf-8")  # a decoded event holds only valid Unicode
        _post(decoded)
    _post(hostile)  # the same mapping through Monitor.post's own parsing


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.tuples(st.sampled_from(SAMPLES), st.binary(max_size=8), st.integers(0, 200)).map(
            lambda p: _splice(json.dumps(p[0]).encode(), p[1], p[2])
        ),
        st.integers(MAX_DEPTH - 2, 3000).map(lambda d: f'{{"type": "clock", "x": {_deep(d)}}}'),
        st.integers(4000, 6000).map(lambda n: '{"type": "clock", "x": ' + "9" * n + "}"),
    )
)
def test_fuzz_decode_raw_lines(line: bytes | str) -> None:
    decoded = _ours(decode_line, line)
    if decoded is not None:
        _post(decoded)


@FUZZ
@given(events(), st.sampled_from(["start", "end", "date", "now"]), MOMENTS, st.none() | OFFSETS)
def test_fuzz_parse_python_values(
    hostile: dict[str, Any], name: str, when: dt.datetime, offset: dt.timezone | None
) -> None:
    """Python callers pass datetime objects, aware or not, at Python's extremes."""
    hostile[name] = when.replace(tzinfo=offset)
    parsed = _ours(parse_event, hostile)
    if parsed is not None:
        _post(parsed)


@FUZZ
@given(st.data())
def test_fuzz_checkpoint_loader(data: st.DataObject) -> None:
    state = copy.deepcopy(_checkpoint())
    for _ in range(data.draw(st.integers(1, 4))):
        _mutate(state, data)
    policy, dataset = _world()
    m = _ours(Monitor.restore, policy, dataset, state)
    if m is None:
        return
    # a monitor restored from whatever passed the checks keeps working, and checkpoints again
    _ours(m.post, data.draw(events()))
    _ours(m.advance, dt.datetime(2022, 4, 1))
    again = json.loads(json.dumps(m.checkpoint()))
    assert _ours(Monitor.restore, policy, dataset, again) is not None


def _mutate(state: Any, data: st.DataObject) -> None:
    """Replace, or delete, one item somewhere in ``state``."""
    node, key = state, None
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or not child or data.draw(st.booleans()):
            break
        node = child
    if key is None:
        return
    if isinstance(node, dict) and data.draw(st.integers(0, 9)) == 0:
        del node[key]
    elif isinstance(node[key], str | int) and data.draw(st.booleans()):
        node[key] = data.draw(_alike(node[key]))  # a value of the right type, maybe impossible
    else:
        node[key] = data.draw(JSON | TIMES | st.sampled_from(["2999-01-01", "9999-12-31T23:59"]))


def _alike(v: str | int) -> st.SearchStrategy[Any]:
    if isinstance(v, bool):
        return st.booleans()
    if isinstance(v, int):
        return st.integers(-3, 2**64)
    if len(v) == 10 and v[4:5] == "-":
        return MOMENTS.map(lambda d: d.date().isoformat())
    if len(v) == 19 and v[10:11] == "T":
        return MOMENTS.map(dt.datetime.isoformat)
    return TEXT


def _splice(line: bytes, insert: bytes, at: int) -> bytes:
    at = min(at, len(line))
    return line[:at] + insert + line[at:]


def vars_of(event: Any) -> list[Any]:
    """The values an event object holds."""
    values = [getattr(event, s) for s in type(event).__slots__]
    return [x for v in values for x in (v if isinstance(v, tuple) else (v,))]
