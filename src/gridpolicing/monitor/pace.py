"""Pace checkpoints: "by Thursday 18:00, 60% of the weekly hours".

Policies carry no pace field (rule models reject unknown keys), so checkpoints are the monitor's
own configuration: ``{rule_id: [{"at": "thursday 18:00", "share": 0.6}, ...]}``, given to
:class:`~gridpolicing.monitor.Monitor` as ``pace=`` or to ``gridpolicing watch --pace FILE``
(YAML or JSON, optionally under a top-level ``pace:`` key). ``at`` is one of:

* ``<weekday> [HH:MM]`` (``thursday 18:00``, ``thu``): weekly rules only;
* ``day N [HH:MM]``: the N-th day of the bucket (1-based);
* ``working day N [HH:MM]``: the start (or the time given) of the N-th working day of the bucket
  on China's official calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

import yaml

from gridpolicing.errors import UsageError
from gridpolicing.monitor.bounds import show

__all__ = ["Checkpoint", "load_pace", "parse_pace"]

_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MAX_DAY: Final = 366
_AT: Final = re.compile(
    r"^\s*(?:(?P<wd>[a-z]+)|day\s+(?P<day>\d{1,9})|working\s+day\s+(?P<wday>\d{1,9}))"
    r"(?:\s+(?P<h>\d{1,2}):(?P<m>\d{2}))?\s*$",
    re.IGNORECASE,
)


@final
@dataclass(frozen=True, slots=True)
class Checkpoint:
    """By ``at`` in a bucket, a subject should have ``share`` of the bucket's requirement."""

    at: str
    share: float
    weekday: int | None
    day: int | None
    working_day: int | None
    time: dt.time

    def instant(
        self, start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]
    ) -> dt.datetime | None:
        """When this checkpoint falls in the bucket ``start..end`` (None when it does not)."""
        day: dt.date | None
        if self.weekday is not None:
            day = start + dt.timedelta(days=self.weekday)
        elif self.day is not None:
            day = start + dt.timedelta(days=self.day - 1)
        else:
            day, n = start, 0
            while day <= end:
                n += is_workday(day)
                if n == self.working_day:
                    break
                day += dt.timedelta(days=1)
        if day is None or day > end:
            return None
        return dt.datetime.combine(day, self.time)


def parse_pace(config: Mapping[str, Any]) -> dict[str, tuple[Checkpoint, ...]]:
    """Checkpoints per rule id from ``{rule_id: [{"at": ..., "share": ...}]}``."""
    if "pace" in config and isinstance(config["pace"], Mapping):
        config = config["pace"]
    out: dict[str, tuple[Checkpoint, ...]] = {}
    for rule_id, items in config.items():
        if not isinstance(items, list) or not items:
            raise UsageError(f"pace[{rule_id}]: expected a list of {{at, share}} checkpoints")
        cps = []
        for i, item in enumerate(items):
            where = f"pace[{rule_id}][{i}]"
            if not isinstance(item, Mapping) or set(item) != {"at", "share"}:
                raise UsageError(f"{where}: expected exactly the keys 'at' and 'share'")
            cps.append(_checkpoint(where, item["at"], item["share"]))
        out[str(rule_id)] = tuple(cps)
    return out


def load_pace(path: str | Path) -> dict[str, tuple[Checkpoint, ...]]:
    """Checkpoints from a YAML or JSON file (JSON is YAML)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"pace file {path}: {exc}") from None
    if not isinstance(data, Mapping):
        raise UsageError(f"pace file {path}: expected a mapping of rule ids to checkpoints")
    return parse_pace(data)


def _checkpoint(where: str, at: Any, share: Any) -> Checkpoint:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise UsageError(f"{where}.share: expected a number in (0, 1], got {show(share)}")
    m = _AT.match(str(at)) if isinstance(at, str) else None
    if m is None:
        raise UsageError(
            f"{where}.at: {show(at)} is not '<weekday> [HH:MM]', 'day N [HH:MM]' "
            "or 'working day N [HH:MM]'"
        )
    weekday = day = working = None
    if m["wd"]:
        names = [w for w in _WEEKDAYS if w.startswith(m["wd"].lower())]
        if len(m["wd"]) < 3 or len(names) != 1:
            raise UsageError(f"{where}.at: {m['wd']!r} is not a weekday")
        weekday = _WEEKDAYS.index(names[0])
    elif m["day"]:
        day = int(m["day"])
    else:
        working = int(m["wday"])
    if (day is not None and day < 1) or (working is not None and working < 1):
        raise UsageError(f"{where}.at: days are counted from 1")
    if (day or 0) > _MAX_DAY or (working or 0) > _MAX_DAY:  # no bucket is longer than a year
        raise UsageError(f"{where}.at: a bucket has at most {_MAX_DAY} days")
    hour, minute = int(m["h"] or 0), int(m["m"] or 0)
    if hour > 23 or minute > 59:
        raise UsageError(f"{where}.at: {m['h']}:{m['m']} is not a time of day")
    return Checkpoint(str(at), float(share), weekday, day, working, dt.time(hour, minute))
