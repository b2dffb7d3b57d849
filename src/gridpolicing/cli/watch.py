"""``gridpolicing watch``: events as JSON lines in, alerts as JSON lines out.

Systems in any language embed the monitor through a pipe. A malformed line (too long, not UTF-8,
nested too deep, not JSON, a bad field, too far ahead of the clock) is reported on stderr with its
line number and skipped; the stream goes on (the exit code is then 1 at the end). A checkpoint
that cannot be read back is refused with its file and field (exit 1); a folder or a pipe that
cannot be written to is an error, not a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, final

import click

from gridpolicing.cli._common import encoding_option, lang_option, output_folder, registry
from gridpolicing.errors import GridPolicingError, UsageError
from gridpolicing.i18n import translator
from gridpolicing.io import load_dataset
from gridpolicing.monitor import ENGINES, Alert, CheckpointError, EventError, Monitor, load_pace
from gridpolicing.monitor.bounds import MAX_GRACE, MAX_LINE_BYTES, local
from gridpolicing.monitor.lines import decode_line, read_lines
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
    help="The dataset giving units, people and assignments (YAML/JSON file, workbook or directory)",
)
@encoding_option
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
    type=click.IntRange(min=0, max=MAX_GRACE.days * 24 * 60),
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
@click.option(
    "--policy-path",
    "policy_path",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A directory where extends may find a parent policy (repeatable)",
)
@lang_option
def command(
    policy_ref: str,
    data: str,
    encoding: str,
    policy_path: tuple[str, ...],
    events_path: str,
    engine: str,
    pace_path: str | None,
    start: str | None,
    grace: int,
    until: str | None,
    checkpoint_path: str | None,
    checkpoint_every: int,
    delivered: int | None,
    lang: str,
) -> int:
    """Watch a policy's rules live: read events, write alerts (at_risk, breached, violation).

    \b
    Example:
      gridpolicing watch --policy chengdu-xinjin-2022 --data deployment/ < events.jsonl
    """
    policy = load_policy(policy_ref, registry=registry(), policy_path=policy_path)
    dataset = load_dataset(data, vocabulary=policy.vocabulary, encoding=encoding)
    start_at, until_at = _when("--start", start), _when("--until", until)
    if checkpoint_path:
        _writable_folder(checkpoint_path)
    out = sys.stdout

    def write(alert: Alert) -> None:
        try:
            out.write(_json_text(alert.to_dict()) + "\n")
        except OSError as exc:  # a closed pipe, a full disk: the consumer has lost the stream
            raise _OutputError(f"cannot write alerts to standard output: {exc}") from None

    skip = 0
    state = _read_checkpoint(checkpoint_path)
    if state is not None:
        assert checkpoint_path is not None
        try:
            monitor = Monitor.restore(
                policy,
                dataset,
                state["monitor"],
                engine=engine,
                on_alert=write,
                delivered=delivered,
            )
        except CheckpointError as exc:
            raise exc.within(checkpoint_path, "monitor") from None
        skip = state["lines"]
    else:
        monitor = Monitor(
            policy,
            dataset,
            engine=engine,
            on_alert=write,
            start=start_at,
            grace=dt.timedelta(minutes=grace),
            pace=load_pace(pace_path) if pace_path else None,
            delivered=delivered or 0,
        )
    bad = 0
    number = 0
    with _open(events_path) as stream:
        for number, line in read_lines(stream):
            if number <= skip or (line is not None and not line.strip()):
                continue
            try:
                if line is None:
                    raise EventError(f"longer than {MAX_LINE_BYTES:,} bytes")
                monitor.post(decode_line(line))
            except EventError as exc:
                bad += 1
                _ = translator(lang)
                skipped = _("line {n}: {problem}; skipped", n=number, problem=exc)
                click.echo(f"gridpolicing watch: {skipped}", err=True)
            _flush(out)
            if checkpoint_path and number % checkpoint_every == 0:
                _save(checkpoint_path, monitor, number)
    if until_at is not None:
        try:
            monitor.advance(until_at)
        except UsageError as exc:  # refused before the clock moved: the lines read are consumed
            if checkpoint_path:
                _save(checkpoint_path, monitor, max(number, skip))
            raise UsageError(f"--until: {exc}") from None
        _flush(out)
    # Not saved after an alert failed to be written: that alert has left the monitor, and the
    # previous checkpoint (replayed from) raises it again.
    if checkpoint_path:
        _save(checkpoint_path, monitor, max(number, skip))
    if monitor.late:
        _ = translator(lang)
        late = _(
            "{n} events arrived more than --grace behind the clock (buckets already closed "
            "were not reopened)",
            n=monitor.late,
        )
        click.echo(f"gridpolicing watch: {late}", err=True)
    return 1 if bad else 0


@final
class _OutputError(GridPolicingError):
    """Alerts or a checkpoint cannot be written (exit 1)."""


def _json_text(data: Mapping[str, Any]) -> str:
    """One line of JSON, Chinese kept readable; escaped instead where a string is not valid
    Unicode (it can only come from a policy or an embedding program), so it can be written."""
    text = json.dumps(data, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data)
    return text


def _flush(out: Any) -> None:
    try:
        out.flush()
    except OSError as exc:
        raise _OutputError(f"cannot write alerts to standard output: {exc}") from None


def _open(path: str) -> BinaryIO:
    # bytes, not text: a line that is not UTF-8 is reported and skipped, not fatal
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UsageError(f"--events {path}: {exc.strerror}") from None


def _when(option: str, text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not an ISO date or date-time") from None
    try:
        return local(option, when)
    except EventError as exc:
        raise UsageError(str(exc)) from None


def _writable_folder(path: str) -> None:
    """Create the checkpoint's folder (or refuse it, exit 2) before reading any input."""
    output_folder(path, "--checkpoint")


def _read_checkpoint(path: str | None) -> dict[str, Any] | None:
    if not path or not Path(path).exists():
        return None
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except OSError as exc:
        raise CheckpointError("", f"cannot be read ({exc.strerror})", path) from None
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested beyond the parser
        raise CheckpointError("", f"not JSON ({type(exc).__name__}: {exc})", path) from None
    if not isinstance(data, dict) or set(data) != {"lines", "monitor"}:
        raise CheckpointError("", "not a checkpoint written by gridpolicing watch", path)
    lines = data["lines"]
    if isinstance(lines, bool) or not isinstance(lines, int) or lines < 0:
        raise CheckpointError("lines", "expected a whole number >= 0", path)
    return data


def _save(path: str, monitor: Monitor, lines: int) -> None:
    """Write atomically: a crash leaves the previous checkpoint whole."""
    tmp = f"{path}.tmp"
    text = _json_text({"lines": lines, "monitor": monitor.checkpoint()})
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise _OutputError(f"--checkpoint {path}: cannot be written ({exc.strerror})") from None
