"""``gridpolicing watch``: events as JSON lines in, alerts as JSON lines out.

Systems in any language embed the monitor through a pipe. A malformed line is reported on stderr
with its line number and skipped; the stream goes on (the exit code is then 1 at the end).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

import click

from gridpolicing.cli._common import registry
from gridpolicing.errors import UsageError
from gridpolicing.io import load_dataset
from gridpolicing.monitor import ENGINES, Alert, EventError, Monitor, load_pace
from gridpolicing.policy.loader import load_policy

__all__ = ["command"]


@click.command("watch")
@click.option(
    "--policy",
    "policy_ref",
    required=True,
    metavar="ID|FILE",
    help="A bundled policy id (e.g. chengdu-xinjin-2022) or a policy file",
)
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True),
    help="The dataset giving units, people and assignments (YAML/JSON file or directory)",
)
@click.option(
    "--events",
    "events_path",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="Events as JSON lines; '-' reads standard input",
)
@click.option("--engine", type=click.Choice(ENGINES), default="native", show_default=True)
@click.option(
    "--pace",
    "pace_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Pace checkpoints per rule id (YAML or JSON), e.g. {rule: [{at: thursday 18:00, "
    "share: 0.6}]}",
)
@click.option(
    "--start",
    metavar="DATETIME",
    help="Watch buckets beginning at or after this (default: midnight of the first event's day)",
)
@click.option(
    "--grace",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="MINUTES",
    help="Judge every deadline this much later, so records logged late still count",
)
@click.option(
    "--until",
    metavar="DATETIME",
    help="When the events end, move the clock to this date-time (closing buckets up to it)",
)
@click.option(
    "--checkpoint",
    "checkpoint_path",
    type=click.Path(dir_okay=False),
    help="Resume from this file when it exists (skipping the input lines it has consumed; it "
    "keeps its own start, grace and pace); save the state to it every --checkpoint-every lines "
    "and at the end",
)
@click.option("--checkpoint-every", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option(
    "--delivered",
    type=click.IntRange(min=0),
    default=None,
    metavar="SEQ",
    help="The last alert seq your consumer received: alerts up to it are not written again",
)
def command(
    policy_ref: str,
    data: str,
    events_path: str,
    engine: str,
    pace_path: str | None,
    start: str | None,
    grace: int,
    until: str | None,
    checkpoint_path: str | None,
    checkpoint_every: int,
    delivered: int | None,
) -> int:
    """Watch a policy's rules live: read events, write alerts (at_risk, breached, violation).

    \b
    Example:
      gridpolicing watch --policy chengdu-xinjin-2022 --data deployment/ < events.jsonl
    """
    policy = load_policy(policy_ref, registry=registry())
    dataset = load_dataset(data, vocabulary=policy.vocabulary)
    out = sys.stdout

    def write(alert: Alert) -> None:
        out.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")

    skip = 0
    state = _read_checkpoint(checkpoint_path)
    if state is not None:
        monitor = Monitor.restore(
            policy, dataset, state["monitor"], engine=engine, on_alert=write, delivered=delivered
        )
        skip = int(state["lines"])
    else:
        monitor = Monitor(
            policy,
            dataset,
            engine=engine,
            on_alert=write,
            start=_when("--start", start),
            grace=dt.timedelta(minutes=grace),
            pace=load_pace(pace_path) if pace_path else None,
            delivered=delivered or 0,
        )
    bad = 0
    number = 0
    with _open(events_path) as stream:
        for number, line in enumerate(stream, start=1):
            if number <= skip or not line.strip():
                continue
            try:
                monitor.post(json.loads(line))
            except json.JSONDecodeError as exc:
                bad += 1
                click.echo(
                    f"gridpolicing watch: line {number}: not JSON ({exc}); skipped", err=True
                )
            except EventError as exc:
                bad += 1
                click.echo(f"gridpolicing watch: line {number}: {exc}; skipped", err=True)
            out.flush()
            if checkpoint_path and number % checkpoint_every == 0:
                _save(checkpoint_path, monitor, number)
    if until:
        monitor.advance(_when("--until", until) or dt.datetime.min)
        out.flush()
    if checkpoint_path:
        _save(checkpoint_path, monitor, max(number, skip))
    if monitor.late:
        click.echo(
            f"gridpolicing watch: {monitor.late} events arrived more than --grace behind the "
            "clock (buckets already closed were not reopened)",
            err=True,
        )
    return 1 if bad else 0


def _open(path: str) -> IO[str]:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--events {path}: {exc.strerror}") from None


def _when(option: str, text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not an ISO date or date-time") from None


def _read_checkpoint(path: str | None) -> dict[str, Any] | None:
    if not path or not Path(path).exists():
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--checkpoint {path}: {exc}") from None
    if not isinstance(data, dict) or "monitor" not in data or "lines" not in data:
        raise UsageError(f"--checkpoint {path}: not a checkpoint written by gridpolicing watch")
    return data


def _save(path: str, monitor: Monitor, lines: int) -> None:
    """Write atomically: a crash leaves the previous checkpoint whole."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"lines": lines, "monitor": monitor.checkpoint()}, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
