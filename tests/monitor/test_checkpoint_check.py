"""A corrupted checkpoint is a clear error naming the field, never a crash or a wrong verdict."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from gridpolicing.cli.main import main
from gridpolicing.errors import UsageError
from gridpolicing.monitor import CheckpointError, Monitor
from tests.monitor.test_hostile_cli import GOOD, _base
from tests.monitor.world import PEOPLE, RULES, UNITS, load_world, policy_of

EVENTS: list[dict[str, Any]] = [
    {"type": "activity", "id": "x1", "person": "p2", "unit": "v1", "kind": "household_visit"}
    | {"start": "2022-01-04T08:00", "end": "2022-01-04T09:00"},
    {"type": "task", "id": "t1", "person": "p1", "kind": "surprise_operation"}
    | {"start": "2022-01-04", "end": "2022-01-20"},
    {"type": "activity", "id": "x2", "person": "p1", "unit": "c1", "kind": "household_visit"}
    | {"start": "2022-01-10T08:00", "end": "2022-01-10T09:00"},
    {"type": "activity", "id": "x3", "person": "p2", "unit": "v1", "kind": "household_visit"}
    | {"start": "2022-01-10T10:00", "end": "2022-01-10T11:00"},
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("checkpoints")
    tables = {
        "units": UNITS,
        "people": [{"id": p} for p in PEOPLE],
        "assignments": [
            {"id": "a1", "person": "p1", "unit": "c1", "role": "community_officer"}
            | {"start": "2021-06-01"},
            {"id": "a2", "person": "p2", "unit": "v1", "role": "village_contact_officer"}
            | {"start": "2021-06-01"},
        ],
    }
    return policy_of(tmp, RULES), load_world(tmp, tables)


@pytest.fixture(scope="module")
def state(world: Any) -> dict[str, Any]:
    """A checkpoint with open buckets, tallies, a day's pending visits, a prohibited task still
    in play and undelivered alerts (no callback)."""
    policy, data = world
    m = Monitor(policy, data, start=dt.date(2022, 1, 1))
    for e in EVENTS:
        m.post(e)
    s: dict[str, Any] = json.loads(json.dumps(m.checkpoint()))
    assert s["outbox"]
    return s


def _rule(state: dict[str, Any], rule: str) -> int:
    return next(i for i, w in enumerate(state["watchers"]) if w["rule"] == rule)


def _set(state: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    """A deep copy of ``state`` with the item at ``path`` set (or deleted when ``value`` is
    ``DELETE``)."""
    out = copy.deepcopy(state)
    node: Any = out
    for key in path[:-1]:
        node = node[_index(out, key)]
    last = _index(out, path[-1])
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return out


def _index(state: dict[str, Any], key: Any) -> Any:
    return _rule(state, key[1:]) if isinstance(key, str) and key.startswith("@") else key


DELETE = object()
HOURS = ["watchers", "@tc-hours"]  # the weekly 6 h rule: one open bucket, p1's tally
TALLY = [*HOURS, "open", 0, "tallies", 0]
TASKS = ["watchers", "@pr-tasks"]
VISITS = ["watchers", "@vq-day"]

CASES: list[tuple[list[Any], Any, str]] = [
    (["seq"], DELETE, r"checkpoint: seq: missing"),
    (["seq"], "15", r"checkpoint: seq: expected a whole number >= 0, got '15'"),
    (["posted"], -1, r"posted: expected a whole number >= 0, got -1"),
    (["late"], True, r"late: expected a whole number >= 0, got True"),
    (["extra"], 1, r"checkpoint: unknown key 'extra'"),
    (["format"], "gridpolicing.monitor-checkpoint/0", r"format: not a monitor checkpoint"),
    # impossible values: a clock at year 9999 used to be accepted
    (["clock"], "9999-12-31T00:00:00", r"clock: 9999-12-31T00:00:00 is outside 1900-01-01"),
    (["clock"], "2021-12-31T00:00:00", r"clock: 2021-12-31T00:00:00 is before the start"),
    (["clock"], None, r"clock: the start and the clock are both set or both null"),
    (["clock"], 20220110, r"clock: expected an ISO date-time without an offset, got 20220110"),
    (["clock"], "2022-01-10T10:00+08:00", r"clock: expected an ISO date-time without an offset"),
    (["start"], "yesterday", r"start: expected an ISO date-time"),
    (["grace_seconds"], -5, r"grace_seconds: expected a number from 0 to 2,678,400, got -5"),
    (["grace_seconds"], 1e300, r"grace_seconds: expected a number from 0"),
    (["grace_seconds"], "0", r"grace_seconds: expected a number from 0"),
    (["pace"], [], r"pace: expected an object, got a list of 0 items"),
    (["pace"], {"tc-hours": [{"at": "day 99999999", "share": 0.5}]}, r"pace: .* at most 366"),
    (["pace"], {"nope": [{"at": "day 2", "share": 0.5}]}, r"pace: .* does not watch: nope"),
    (["watchers"], {}, r"watchers: expected a list, got an object"),
    ([*HOURS, "open"], DELETE, r"watchers\[0\]\.open: missing"),
    ([*HOURS, "open"], "none", r"watchers\[0\]\.open: expected a list, got 'none'"),
    ([*HOURS, "next_open"], "9999-01-01", r"watchers\[0\]\.next_open: 9999-01-01 is outside"),
    ([*HOURS, "next_open"], "2022-01-18", r"next_open: 2022-01-18 is not the first day of a"),
    ([*HOURS, "open", 0], [], r"watchers\[0\]\.open\[0\]: expected an object"),
    ([*HOURS, "open", 0, "start"], "2022-01-11", r"open\[0\]: not a bucket of rule tc-hours"),
    ([*HOURS, "open", 0, "key"], "2022-W03", r"open\[0\]: not a bucket of rule tc-hours"),
    ([*HOURS, "open", 0, "tallies"], {}, r"open\[0\]\.tallies: expected a list"),
    (TALLY, ["p1"], r"tallies\[0\]: expected 12 items, got 1"),
    ([*TALLY, 0], "\ud800", r"tallies\[0\]\[0\]: not valid Unicode"),
    ([*TALLY, 2], "yes", r"tallies\[0\]\[2\]: expected true or false, got 'yes'"),
    ([*TALLY, 3], "6", r"tallies\[0\]\[3\]: expected a number >= 0"),
    ([*TALLY, 4], "3600", r"tallies\[0\]\[4\]: expected a number >= 0, got '3600'"),
    ([*TALLY, 4], -1, r"tallies\[0\]\[4\]: expected a number >= 0, got -1"),
    (
        [*TALLY, 11],
        {"2022-03-07": [[5, 1], [0, 2]]},
        r"tallies\[0\]\[11\]\[2022-03-07\]: "
        "intervals out of order or overlapping",
    ),
    ([*TALLY, 11], {"2022-03-07": [[0, 86_400_000_001]]}, r"expected 0 to 86,400,000,000"),
    ([*TALLY, 5], ["2021-01-01"], r"tallies\[0\]: a day outside its bucket"),
    ([*TALLY, 5], [3], r"tallies\[0\]\[5\]\[0\]: expected an ISO date, got 3"),
    ([*TALLY, 6], [["x2"]], r"tallies\[0\]\[6\]\[0\]: expected a string, got a list"),
    ([*TALLY, 8], [["2022-01-10", "l"]], r"tallies\[0\]\[8\]\[0\]: expected 4 items, got 2"),
    ([*TALLY, 9], {"r": 1}, r"tallies\[0\]\[9\]\[r\]: expected a string, got 1"),
    ([*TALLY, 10], 4, r"tallies\[0\]\[10\]: expected 0 to 3, got 4"),
    ([*VISITS, "pending"], {"soon": []}, r"pending: expected an ISO date, got 'soon'"),
    ([*VISITS, "pending", "2022-01-10", 0, 2], -3, r"pending\[2022-01-10\]\[0\]\[2\]: expected"),
    ([*VISITS, "closed_day"], "0001-01-01", r"closed_day: 0001-01-01 is outside"),
    ([*TASKS, "active", "t1", 2], "2022-01-01", r"active\[t1\]: the record ends before it starts"),
    ([*TASKS, "active", "t1"], "t1", r"active\[t1\]: expected a list, got 't1'"),
    ([*TASKS, "seen", "t1"], 20220120, r"seen\[t1\]: expected an ISO date, got 20220120"),
    (["outbox", 0], [], r"outbox\[0\]: not an alert as gridpolicing writes it"),
    (["outbox", 0, "seq"], "1", r"outbox\[0\]: not an alert as gridpolicing writes it"),
    (["outbox", 0, "citation"], ["x"], r"outbox\[0\]: not an alert as gridpolicing writes it"),
    (["outbox", 0, "at"], 5, r"outbox\[0\]: not an alert as gridpolicing writes it"),
    (["outbox", 0, "seq"], 10**6, r"outbox\[0\]\.seq: 1000000 is not between 1 and"),
    (["outbox", 0, "evidence"], [["x1"]], r"outbox\[0\]\.evidence\[0\]: expected a string"),
    (["outbox", 0, "measured"], "8", r"outbox\[0\]\.measured: expected a number >= 0"),
    (["outbox", 0, "subject", "id"], {"a": 1}, r"outbox\[0\]\.subject_id: expected a string"),
    (["outbox", 0, "detail"], 3, r"outbox\[0\]\.detail: expected a string, got 3"),
    ([*TALLY, 3], float("inf"), r"tallies\[0\]\[3\]: expected a finite number, got inf"),
]


@pytest.mark.parametrize(("path", "value", "message"), CASES)
def test_a_bad_checkpoint_names_the_field(
    world: Any, state: dict[str, Any], path: list[Any], value: Any, message: str
) -> None:
    policy, data = world
    with pytest.raises(CheckpointError, match=message):
        Monitor.restore(policy, data, _set(state, path, value))


def test_the_checkpoint_under_test_is_itself_valid(world: Any, state: dict[str, Any]) -> None:
    policy, data = world
    m = Monitor.restore(policy, data, state)
    assert m.clock == dt.datetime(2022, 1, 10, 10)
    assert json.loads(json.dumps(m.checkpoint())) == state


def test_another_policy_is_still_a_usage_error(
    tmp_path: Path, world: Any, state: dict[str, Any]
) -> None:
    _, data = world
    with pytest.raises(UsageError, match="another version of the policy"):
        Monitor.restore(policy_of(tmp_path, RULES[:3]), data, state)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"{not json", r"state\.json: not JSON"),
        (b"\xff\xfe", r"state\.json: not JSON \(UnicodeDecodeError"),
        (b"[" * 100_000 + b"]" * 100_000, r"state\.json: not JSON \(RecursionError"),
        (b'{"lines": 3}', r"state\.json: not a checkpoint written by gridpolicing watch"),
        (b'{"lines": "3", "monitor": {}}', r"state\.json: lines: expected a whole number"),
        (b'{"lines": 3, "monitor": {"seq": 1}}', r"state\.json: monitor\.format: missing"),
    ],
)
def test_watch_names_the_checkpoint_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: bytes, message: str
) -> None:
    """Wrong types or missing keys used to be exit 3 (a KeyError or TypeError)."""
    base = _base(tmp_path)
    state = tmp_path / "state.json"
    state.write_bytes(text)
    events = tmp_path / "e.jsonl"
    events.write_text(GOOD[0] + "\n", "utf-8")
    code = main([*base, "--events", str(events), "--checkpoint", str(state)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(str(state))
    assert re.search(message, err), err


def test_watch_names_a_field_deep_in_the_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(tmp_path)
    state, events = tmp_path / "state.json", tmp_path / "e.jsonl"
    events.write_text(GOOD[0] + "\n", "utf-8")
    assert main([*base, "--events", str(events), "--checkpoint", str(state)]) == 0
    saved = json.loads(state.read_text("utf-8"))
    saved["monitor"]["clock"] = "9999-12-31T23:59:59"
    state.write_text(json.dumps(saved), "utf-8")
    capsys.readouterr()
    assert main([*base, "--events", str(events), "--checkpoint", str(state)]) == 1
    assert capsys.readouterr().err == (
        f"{state}: monitor.clock: 9999-12-31T23:59:59 is outside "
        "1900-01-01T00:00 to 2199-12-31T23:59:59\n"
    )
