"""``gridpolicing watch``: JSON lines in and out, malformed lines skipped, resumable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gridpolicing.cli.watch import command
from tests.helpers import make_dataset, make_policy

RULE = {
    "id": "weekly-24h",
    "kind": "time_commitment",
    "subject": {"people": {"roles": ["community_officer"]}},
    "period": "week",
    "min_hours": 24,
}
TABLES = {
    "units": [{"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"}],
    "people": [{"id": "p1"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c1",
            "role": "community_officer",
            "start": "2023-01-01",
        }
    ],
}


def _activity(i: int, day: int) -> str:
    return json.dumps(
        {
            "type": "activity",
            "id": f"x{i}",
            "person": "p1",
            "unit": "c1",
            "kind": "household_visit",
            "start": f"2023-09-{day:02d}T08:00",
            "end": f"2023-09-{day:02d}T12:00",
        }
    )


def _setup(tmp_path: Path) -> list[str]:
    make_policy(tmp_path, [RULE])  # writes tmp_path/policy.yaml
    make_dataset(tmp_path, TABLES)  # writes tmp_path/data.yaml
    (tmp_path / "pace.json").write_text(
        json.dumps({"weekly-24h": [{"at": "thursday 18:00", "share": 0.6}]}), "utf-8"
    )
    return ["--policy", str(tmp_path / "policy.yaml"), "--data", str(tmp_path / "data.yaml")]


def _run(args: list[str], stdin: str | None = None) -> tuple[Any, list[dict[str, Any]], str]:
    result = CliRunner().invoke(command, args, input=stdin, standalone_mode=False)
    if result.exception is not None:
        raise result.exception
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    return result.return_value, alerts, result.stderr


def test_alerts_stream_out_and_malformed_lines_are_skipped(tmp_path: Path) -> None:
    base = _setup(tmp_path)
    lines = [
        _activity(1, 4),
        "{not json",
        "",
        json.dumps({"type": "activity", "id": "x2"}),
        _activity(3, 5),
        json.dumps({"type": "clock", "now": "2023-09-11T00:00"}),
    ]
    args = [*base, "--pace", str(tmp_path / "pace.json"), "--start", "2023-09-01"]
    code, alerts, err = _run(args, "\n".join(lines) + "\n")
    assert code == 1
    assert "line 2: not JSON" in err
    assert "line 4: start: expected an ISO date-time" in err
    assert [(a["seq"], a["kind"], a["bucket"]["key"], a["measured"]) for a in alerts] == [
        (1, "at_risk", "2023-W36", 8.0),
        (2, "at_risk", "2023-W36", 8.0),
        (3, "breached", "2023-W36", 8.0),
    ]
    assert alerts[0]["reason"] == "pace: 60% by thursday 18:00"
    assert alerts[2]["message"]["en"].startswith("[fail] person p1, 2023-W36")
    assert alerts[2]["citation"] == {"source": "test-source", "quote": "测试条款"}


def test_resume_from_a_checkpoint_skips_consumed_lines(tmp_path: Path) -> None:
    base = _setup(tmp_path)
    lines = [_activity(i, d) for i, d in enumerate([4, 5, 12, 13, 19, 20, 26], start=1)]
    events = tmp_path / "events.jsonl"
    until = ["--until", "2023-10-02"]
    events.write_text("\n".join(lines) + "\n", "utf-8")
    _, whole, _ = _run([*base, "--events", str(events), "--start", "2023-09-01", *until])
    assert [a["kind"] for a in whole] == ["at_risk", "breached"] * 4

    checkpoint = tmp_path / "state.json"
    events.write_text("\n".join(lines[:4]) + "\n", "utf-8")
    args = [*base, "--events", str(events), "--checkpoint", str(checkpoint)]
    code, first, _ = _run([*args, "--start", "2023-09-01", "--checkpoint-every", "3"])
    assert code == 0
    assert json.loads(checkpoint.read_text("utf-8"))["lines"] == 4
    events.write_text("\n".join(lines) + "\n", "utf-8")  # the log grew; it is read again
    _, rest, _ = _run([*args, *until])
    assert first + rest == whole


def test_delivered_alerts_are_not_written_again(tmp_path: Path) -> None:
    base = _setup(tmp_path)
    events = tmp_path / "events.jsonl"
    events.write_text(_activity(1, 4) + "\n", "utf-8")
    args = [*base, "--events", str(events), "--start", "2023-09-01", "--until", "2023-09-25"]
    _, whole, _ = _run(args)
    _, rest, _ = _run([*args, "--delivered", "3"])
    assert rest == whole[3:]
