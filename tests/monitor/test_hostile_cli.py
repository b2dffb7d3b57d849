"""``gridpolicing watch`` under hostile input: bad lines are reported and skipped, the stream
goes on, the checkpoint always reads back, and nothing is a crash (exit 3)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gridpolicing.cli.main import main
from gridpolicing.io import load_dataset
from gridpolicing.monitor import events_from_dataset
from tests.helpers import make_dataset, make_policy
from tests.monitor.test_cli import RULE, TABLES, _activity

GOOD = [_activity(1, 4), _activity(2, 5)]
UNTIL = ["--start", "2023-09-01", "--until", "2023-09-11"]
HOSTILE = {
    "lone surrogate id": json.dumps({**json.loads(_activity(9, 6)), "id": "\ud800"}).encode(),
    "kind as a list": json.dumps({**json.loads(_activity(9, 6)), "kind": ["patrol"]}).encode(),
    "reason as an object": json.dumps(
        {"type": "task", "id": "t", "person": "p1", "kind": "surprise_operation"}
        | {"start": "2023-09-06", "end": "2023-09-06", "reason": {"x": 1}}
    ).encode(),
    "offset past 9999": json.dumps({"type": "clock", "now": "9999-12-31T23:00-05:00"}).encode(),
    "far future clock": b'{"type": "clock", "now": "2999-01-01"}',
    "far future event": json.dumps(
        {**json.loads(_activity(9, 6)), "start": "9999-01-01T08:00", "end": "9999-01-01T09:00"}
    ).encode(),
    "beyond the horizon": b'{"type": "clock", "now": "2199-06-01"}',
    "nested 1,000 deep": b'{"type": "clock", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}",
    "invalid UTF-8": b'{"type": "clock", "now": "2023-09-06", "x": "\xff\xfe"}',
    "huge integer": b'{"type": "clock", "now": "2023-09-06", "x": ' + b"9" * 5000 + b"}",
    "a 1 MB line": b'{"type": "clock", "x": "' + b"a" * 1_000_000 + b'"}',
}


def _base(tmp_path: Path) -> list[str]:
    make_policy(tmp_path, [RULE])
    make_dataset(tmp_path, TABLES)
    return [
        "watch",
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--data",
        str(tmp_path / "data.yaml"),
    ]


def _watch(
    capsys: pytest.CaptureFixture[str], args: list[str], events: Path, lines: list[bytes]
) -> tuple[int, list[dict[str, Any]], str]:
    events.write_bytes(b"".join(line + b"\n" for line in lines))
    code = main([*args, "--events", str(events)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_line_is_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    base = _base(tmp_path)
    events, state = tmp_path / "events.jsonl", tmp_path / "state.json"
    good = [line.encode() for line in GOOD]
    _, clean, _ = _watch(capsys, [*base, *UNTIL], events, good)
    args = [*base, *UNTIL, "--checkpoint", str(state)]
    code, alerts, err = _watch(capsys, args, events, [good[0], HOSTILE[name], good[1]])
    assert code == 1, err
    assert err.startswith("gridpolicing watch: line 2: ")
    assert "; skipped" in err
    assert alerts == clean  # the stream went on: the line after it counted
    json.loads(state.read_text("utf-8"))  # the checkpoint was written, and reads back
    # a restart resumes after the bad line instead of crashing on it again
    code, again, err = _watch(capsys, args, events, [good[0], HOSTILE[name], good[1]])
    assert (code, again, err) == (0, [], "")


def test_until_outside_the_window_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(tmp_path)
    events = tmp_path / "events.jsonl"
    code, alerts, err = _watch(
        capsys, [*base, "--until", "9999-12-31T23:59:59"], events, [GOOD[0].encode()]
    )
    assert (code, alerts) == (2, [])
    assert "--until: 9999-12-31T23:59:59 is outside 1900-01-01T00:00 to 2199-12-31" in err


def test_until_beyond_the_horizon_keeps_the_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(tmp_path)
    events, state = tmp_path / "events.jsonl", tmp_path / "state.json"
    args = [*base, "--until", "2030-01-01", "--checkpoint", str(state)]
    code, _, err = _watch(capsys, args, events, [GOOD[0].encode()])
    assert code == 2
    assert "--until: 2030-01-01T00:00:00 is more than 366 days ahead of the monitor's clock" in err
    assert json.loads(state.read_text("utf-8"))["lines"] == 1


def test_start_and_until_with_an_offset_are_china_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An aware --until used to be compared with the naive clock: TypeError, exit 3."""
    base = _base(tmp_path)
    events = tmp_path / "events.jsonl"
    args = [*base, "--start", "2023-08-31T16:00Z", "--until", "2023-09-10T16:00+00:00"]
    code, alerts, err = _watch(capsys, args, events, [line.encode() for line in GOOD])
    assert code == 0, err
    assert [(a["kind"], a["at"]) for a in alerts][-1] == ("breached", "2023-09-11T00:00:00")


def test_a_checkpoint_folder_that_cannot_be_made_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(tmp_path)
    (tmp_path / "no").write_text("a file, not a folder", encoding="utf-8")
    missing = tmp_path / "no" / "state.json"
    code, alerts, err = _watch(
        capsys, [*base, "--checkpoint", str(missing)], tmp_path / "e.jsonl", [GOOD[0].encode()]
    )
    assert (code, alerts) == (2, [])
    assert f"--checkpoint {missing}: {missing.parent} is a file, not a folder" in err


def test_a_checkpoint_that_cannot_be_written_is_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(tmp_path)
    state = tmp_path / "state.json"
    (tmp_path / "state.json.tmp").mkdir()  # the atomic write's temporary file cannot be made
    code, _, err = _watch(
        capsys, [*base, "--checkpoint", str(state)], tmp_path / "e.jsonl", [GOOD[0].encode()]
    )
    assert code == 1
    assert f"--checkpoint {state}: cannot be written (Is a directory)" in err


def test_a_closed_standard_output_is_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Closed:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

    base = _base(tmp_path)
    events = tmp_path / "e.jsonl"
    events.write_text("\n".join(GOOD) + "\n", "utf-8")
    monkeypatch.setattr("sys.stdout", Closed())
    code = main([*base, *UNTIL, "--events", str(events)])
    assert code == 1
    assert (
        "cannot write alerts to standard output: [Errno 32] Broken pipe" in capsys.readouterr().err
    )


def test_an_alert_lost_to_a_closed_output_is_not_checkpointed_away(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alert that failed to be written has left the monitor: a checkpoint saved after it
    would lose it for good, so the previous checkpoint stays (a restart raises it again)."""

    class Closed:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

    base = _base(tmp_path)
    events, state = tmp_path / "e.jsonl", tmp_path / "state.json"
    events.write_text(GOOD[0] + "\n", "utf-8")
    args = [*base, *UNTIL, "--events", str(events), "--checkpoint", str(state)]
    with monkeypatch.context() as patch:
        patch.setattr("sys.stdout", Closed())
        assert main(args) == 1  # the first alert is raised while --until moves the clock
    assert not state.exists()
    capsys.readouterr()
    assert main(args) == 0
    assert [json.loads(line)["seq"] for line in capsys.readouterr().out.splitlines()] == [1, 2]


def _far_parquet(folder: Path) -> Path:
    """A Parquet dataset whose dates Python cannot hold (Arrow's date32 spans millions of years)."""
    folder.mkdir()
    far_day = pa.array([3_000_000], pa.int32()).cast(pa.date32())  # year 10183
    far_time = pa.array([800_000_000_000_000_000], pa.int64()).cast(pa.timestamp("us"))
    unit = {"id": ["c1"], "type": ["locality"], "category": ["urban_community"]}
    pq.write_table(
        pa.table({**unit, "area": ["urban"], "model_since": far_day}), folder / "units.parquet"
    )
    pq.write_table(pa.table({"id": ["p1"]}), folder / "people.parquet")
    assignment = {"id": ["a1"], "person": ["p1"], "unit": ["c1"], "role": ["community_officer"]}
    start = pa.array([dt.date(2023, 1, 1)])
    pq.write_table(
        pa.table({**assignment, "start": start, "end": far_day}), folder / "assignments.parquet"
    )
    pq.write_table(
        pa.table({"id": ["s1"], "start": start, "end": far_day}),
        folder / "sensitive_periods.parquet",
    )
    activity = {"id": ["x1"], "person": ["p1"], "unit": ["c1"], "kind": ["household_visit"]}
    pq.write_table(
        pa.table({**activity, "start": far_time, "end": far_time}), folder / "activities.parquet"
    )
    return folder


def test_far_out_parquet_dates_are_named_in_a_replay(tmp_path: Path) -> None:
    # The dataset's date window (docs/limits.md) rejects them at load, naming each record, so a
    # replay never meets them.
    data = load_dataset(_far_parquet(tmp_path / "pq"))
    rejected = {(r.table, r.record_id, r.field) for r in data.rejected}
    assert {("activities", "x1", "start"), ("assignments", "a1", "end")} <= rejected
    assert list(events_from_dataset(data)) == []


def test_far_out_parquet_dates_do_not_crash_watch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An assignment, a sensitive period and a unit date past year 9999 are rejected at load;
    the monitor runs on what is left."""
    folder = _far_parquet(tmp_path / "pq")
    make_policy(tmp_path, [RULE])
    args = ["watch", "--policy", str(tmp_path / "policy.yaml"), "--data", str(folder), *UNTIL]
    code, alerts, err = _watch(capsys, args, tmp_path / "e.jsonl", [GOOD[0].encode()])
    assert code == 0, err
    assert alerts == []  # the officer's assignment was rejected: nobody to watch


def test_a_byte_order_mark_on_the_first_line_is_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(tmp_path)
    lines = [b"\xef\xbb\xbf" + GOOD[0].encode(), GOOD[1].encode()]
    code, alerts, err = _watch(capsys, [*base, *UNTIL], tmp_path / "e.jsonl", lines)
    assert (code, err) == (0, "")
    assert alerts


def test_text_that_is_not_valid_unicode_is_escaped_so_it_can_be_written() -> None:
    """Only a policy or an embedding program can put a lone surrogate into an alert; the line
    must still be writable as UTF-8 (it used to raise UnicodeEncodeError)."""
    from gridpolicing.cli.watch import _json_text

    assert _json_text({"zh": "张三"}) == '{"zh": "张三"}'
    text = _json_text({"zh": "张三", "id": "\ud800"})
    text.encode("utf-8")
    assert json.loads(text) == {"zh": "张三", "id": "\ud800"}
