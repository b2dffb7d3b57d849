"""Checkpoints: a monitor's whole state as JSON-ready data, and the monitor rebuilt from it.

A checkpoint holds the clock, the counters of every open bucket, the visits of days not yet
over, the prohibited records still in play, the alert numbering and the undelivered alerts.
Deadlines are not stored: they are recomputed from that state, which gives the same deadlines
the uninterrupted monitor has (every deadline up to the clock has already run).

:func:`load` checks every field before it builds anything: its type, and that its value is one
the monitor could have written (dates in the time window, buckets of the rule's period, a clock
not before the start). A checkpoint that fails is a :class:`CheckpointError` naming the field,
never a crash later.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, NoReturn, final

from gridpolicing.errors import GridPolicingError, UsageError
from gridpolicing.monitor.alerts import Alert
from gridpolicing.monitor.bounds import (
    EARLIEST,
    FIRST_DAY,
    LAST_BUCKET_DAY,
    LATEST,
    MAX_GRACE,
    WINDOW,
    show,
    valid_text,
)
from gridpolicing.monitor.pace import parse_pace
from gridpolicing.monitor.plans import compile_plans
from gridpolicing.monitor.state import DAY_US, BucketState
from gridpolicing.monitor.watchers import Watcher, bucket_of

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset
    from gridpolicing.monitor.monitor import Monitor, OnAlert
    from gridpolicing.policy.document import Policy

__all__ = ["CHECKPOINT_FORMAT", "CheckpointError", "dump", "load"]

CHECKPOINT_FORMAT: Final = "gridpolicing.monitor-checkpoint/2"
_KEYS: Final = (
    "format",
    "policy",
    "start",
    "clock",
    "grace_seconds",
    "pace",
    "seq",
    "posted",
    "late",
    "watchers",
    "outbox",
)
_WATCHER_KEYS: Final = (
    "rule",
    "next_open",
    "open",
    "pending",
    "closed_day",
    "active",
    "seen",
    "ahead",
)
_BUCKET_KEYS: Final = ("key", "start", "end", "tallies")
_BIG: Final = 2**63 - 1  # counters are int64 wherever else they are stored


@final
class CheckpointError(GridPolicingError):
    """A checkpoint is malformed or holds a value the monitor cannot have written; names the
    file and the field (``watchers[2].open[0].tallies[1][4]``)."""

    def __init__(self, field: str, problem: str, file: str = "checkpoint") -> None:
        self.file, self.field, self.problem = file, field, problem
        super().__init__(f"{file}: {field}: {problem}" if field else f"{file}: {problem}")

    def within(self, file: str, prefix: str = "") -> CheckpointError:
        """The same problem, found in ``file`` under the key ``prefix``."""
        field = ".".join(p for p in (prefix, self.field) if p)
        return CheckpointError(field, self.problem, file)


def _iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def dump(m: Monitor) -> dict[str, Any]:
    """The state of ``m``."""
    watchers = []
    for w in m._watchers:
        watchers.append(
            {
                "rule": w.plan.rule.id,
                "next_open": _iso(w.next_open),
                "open": [b.dump() for b in w.open],
                "pending": {
                    day.isoformat(): [[p, u, *acc[:4], acc[4]] for (p, u), acc in v.items()]
                    for day, v in w.pending.items()
                },
                "closed_day": _iso(w.closed_day) if w.closed_day != dt.date.min else None,
                "active": {k: [v[0], _iso(v[1]), _iso(v[2]), v[3]] for k, v in w.active.items()},
                "seen": {k: _iso(v) for k, v in w.seen.items()},
                "ahead": [[p, u, r, _iso(d), s, e] for p, u, r, d, s, e in w.ahead],
            }
        )
    return {
        "format": CHECKPOINT_FORMAT,
        "policy": m.policy.content_hash,
        "start": None if m.start is None else m.start.isoformat(),
        "clock": None if m.clock is None else m.clock.isoformat(),
        "grace_seconds": m.grace.total_seconds(),
        "pace": {
            rule: [{"at": c.at, "share": c.share} for c in cps] for rule, cps in m._pace.items()
        },
        "seq": m.seq,
        "posted": m.posted,
        "late": m.late,
        "watchers": watchers,
        "outbox": [a.to_dict() for a in m._outbox],
    }


def load(
    cls: type[Monitor],
    policy: Policy,
    dataset: Dataset,
    state: Mapping[str, Any],
    *,
    engine: str,
    on_alert: OnAlert | None,
    mute: int | None,
) -> Monitor:
    """A monitor continuing from ``state``; :class:`CheckpointError` when it is malformed."""
    s = _object(state, "", _KEYS)
    if s["format"] != CHECKPOINT_FORMAT:
        _fail("format", f"not a monitor checkpoint (expected {CHECKPOINT_FORMAT})")
    if s["policy"] != policy.content_hash:
        raise UsageError("the checkpoint was taken with another version of the policy")
    grace = dt.timedelta(
        seconds=_number(s["grace_seconds"], "grace_seconds", MAX_GRACE.days * 86400)
    )
    try:  # the pace as the monitor would take it, so a bad one is named here
        pace = parse_pace(_object(s["pace"], "pace"))
        compile_plans(policy, pace)
    except UsageError as exc:
        _fail("pace", str(exc))
    m = cls(
        policy,
        dataset,
        engine=engine,
        on_alert=on_alert,
        grace=grace,
        pace=pace,
        delivered=mute or 0,
    )
    watchers = _list(s["watchers"], "watchers")
    if len(watchers) != len(m._watchers):
        raise UsageError("the checkpoint does not match the policy's watched rules")
    m.seq, m.posted, m.late = (_count(s[k], k) for k in ("seq", "posted", "late"))
    outbox = [_alert(a, f"outbox[{i}]", m.seq) for i, a in enumerate(_list(s["outbox"], "outbox"))]
    m._outbox.extend(a for a in outbox if a.seq > m._mute)
    start = _instant(s["start"], "start", optional=True)
    clock = _instant(s["clock"], "clock", optional=True)
    if (start is None) != (clock is None):
        _fail("clock", "the start and the clock are both set or both null")
    if start is None or clock is None:
        return m
    if clock < start:
        _fail("clock", f"{clock.isoformat()} is before the start {start.isoformat()}")
    m.start, m.clock = start, clock
    from gridpolicing.monitor.monitor import OPEN, VISITS, _midnight

    for i, (w, data) in enumerate(zip(m._watchers, watchers, strict=True)):
        _restore_watcher(w, _object(data, f"watchers[{i}]", _WATCHER_KEYS), f"watchers[{i}]")
        p = w.plan.index
        if w.next_open is not None:
            m._push(_midnight(w.next_open), OPEN, p, w.next_open, "")
        for bs in w.open:
            m._schedule_bucket(w, bs, clock, opening=False)
        for day in w.pending:
            m._push(_midnight(day) + dt.timedelta(days=1) + grace, VISITS, p, day, "")
    return m


def _restore_watcher(w: Watcher, d: Mapping[str, Any], at: str) -> None:
    """Check one watcher's data field by field and put it into ``w``."""
    if d["rule"] != w.plan.rule.id:
        raise UsageError("the checkpoint does not match the policy's watched rules")
    w.next_open = _day(d["next_open"], f"{at}.next_open", optional=True)
    if w.next_open is not None and bucket_of(w.plan, w.next_open).start != w.next_open:
        _fail(f"{at}.next_open", f"{w.next_open} is not the first day of a bucket of the rule")
    w.open = [
        _bucket(b, f"{at}.open[{j}]", w) for j, b in enumerate(_list(d["open"], f"{at}.open"))
    ]
    w.pending = {
        _day(day, f"{at}.pending"): {
            (v[0], v[1]): [v[2], v[3], v[4], v[5], v[6]]
            for j, raw in enumerate(_list(visits, f"{at}.pending[{day}]"))
            for v in [_row(raw, f"{at}.pending[{day}][{j}]", _VISIT)]
        }
        for day, visits in _object(d["pending"], f"{at}.pending").items()
    }
    w.closed_day = _day(d["closed_day"], f"{at}.closed_day", optional=True) or dt.date.min
    w.active = {}
    for rid, raw in _object(d["active"], f"{at}.active").items():
        v = _row(raw, f"{at}.active[{rid}]", _ACTIVE)
        if v[2] < v[1]:
            _fail(f"{at}.active[{rid}]", "the record ends before it starts")
        w.active[_text(rid, f"{at}.active")] = (v[0], v[1], v[2], v[3])
    w.seen = {
        _text(k, f"{at}.seen"): _day(v, f"{at}.seen[{k}]")
        for k, v in _object(d["seen"], f"{at}.seen").items()
    }
    w.ahead = []
    for j, raw in enumerate(_list(d["ahead"], f"{at}.ahead")):
        v = _row(raw, f"{at}.ahead[{j}]", _AHEAD)
        if v[5] < v[4]:
            _fail(f"{at}.ahead[{j}]", "the part ends before it starts")
        w.ahead.append((v[0], v[1], v[2], v[3], v[4], v[5]))


def _bucket(data: Any, at: str, w: Watcher) -> BucketState:
    b = _object(data, at, _BUCKET_KEYS)
    start, end = _day(b["start"], f"{at}.start"), _day(b["end"], f"{at}.end")
    true = bucket_of(w.plan, start)
    if (true.key, true.start, true.end) != (b["key"], start, end):
        _fail(at, f"not a bucket of rule {w.plan.rule.id}'s period ({true.key} is)")
    for j, t in enumerate(_list(b["tallies"], f"{at}.tallies")):
        v = _row(t, f"{at}.tallies[{j}]", _TALLY)
        days = [*v[5], *(bad[0] for bad in v[8]), *v[11]]
        if any(not start <= d <= end for d in days):
            _fail(f"{at}.tallies[{j}]", "a day outside its bucket")
    return BucketState.load(dict(b), w.grace)


def _alert(data: Any, at: str, seq: int) -> Alert:
    """An undelivered alert: it must read back to exactly what was written."""
    try:
        alert = Alert.from_dict(data)
        same = alert.to_dict() == data
    except (KeyError, TypeError, ValueError, AttributeError):  # pydantic's errors are ValueErrors
        same = False
    if not same:
        _fail(at, "not an alert as gridpolicing writes it")
    # from_dict keeps these as they are: check them, or a list could pass for an id
    for name in ("rule", "rule_kind", "subject_type", "subject_id", "bucket"):
        _text(getattr(alert, name), f"{at}.{name}")
    _texts(list(alert.evidence), f"{at}.evidence")
    for name in ("detail", "reason"):
        if getattr(alert, name) is not None:
            _text(getattr(alert, name), f"{at}.{name}")
    _maybe_number(alert.measured, f"{at}.measured")
    _maybe_number(alert.required, f"{at}.required")
    if not 1 <= alert.seq <= seq:
        _fail(f"{at}.seq", f"{alert.seq} is not between 1 and the checkpoint's seq {seq}")
    return alert


# --- one check per kind of value -------------------------------------------------------------


def _fail(at: str, problem: str) -> NoReturn:
    raise CheckpointError(at, problem)


def _object(v: Any, at: str, keys: tuple[str, ...] | None = None) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        _fail(at, f"expected an object, got {show(v)}")
    if keys is not None:
        for k in keys:
            if k not in v:
                _fail(f"{at}.{k}" if at else k, "missing")
        for k in v:
            if k not in keys:
                _fail(at, f"unknown key {show(k)}")
    return v


def _list(v: Any, at: str) -> list[Any]:
    if not isinstance(v, list):
        _fail(at, f"expected a list, got {show(v)}")
    return v


def _count(v: Any, at: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= _BIG:
        _fail(at, f"expected a whole number >= 0, got {show(v)}")
    return v


def _number(v: Any, at: str, top: float = math.inf) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= top:
        span = ">= 0" if top == math.inf else f"from 0 to {top:,}"
        _fail(at, f"expected a number {span}, got {show(v)}")
    if not math.isfinite(v):
        _fail(at, f"expected a finite number, got {show(v)}")
    return float(v)


def _maybe_number(v: Any, at: str) -> float | None:
    return None if v is None else _number(v, at)


def _flag(v: Any, at: str) -> bool:
    if not isinstance(v, bool):
        _fail(at, f"expected true or false, got {show(v)}")
    return v


def _text(v: Any, at: str) -> str:
    if not isinstance(v, str):
        _fail(at, f"expected a string, got {show(v)}")
    if not valid_text(v):
        _fail(at, "not valid Unicode (a lone surrogate)")
    return v


def _texts(v: Any, at: str) -> list[str]:
    return [_text(x, f"{at}[{i}]") for i, x in enumerate(_list(v, at))]


def _text_map(v: Any, at: str) -> dict[str, str]:
    return {_text(k, at): _text(x, f"{at}[{k}]") for k, x in _object(v, at).items()}


def _day(v: Any, at: str, optional: bool = False) -> Any:
    if v is None and optional:
        return None
    try:
        day = dt.date.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        day = None
    if day is None:
        _fail(at, f"expected an ISO date, got {show(v)}")
    if not FIRST_DAY <= day <= LAST_BUCKET_DAY:  # a week bucket can run past the window
        _fail(at, f"{day.isoformat()} is outside {FIRST_DAY} to {LAST_BUCKET_DAY}")
    return day


def _days(v: Any, at: str) -> list[dt.date]:
    return [_day(x, f"{at}[{i}]") for i, x in enumerate(_list(v, at))]


def _instant(v: Any, at: str, optional: bool = False) -> dt.datetime | None:
    if v is None and optional:
        return None
    try:
        when = dt.datetime.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is not None:
        _fail(at, f"expected an ISO date-time without an offset, got {show(v)}")
    if not EARLIEST <= when < LATEST:
        _fail(at, f"{when.isoformat()} is outside {WINDOW}")
    return when


def _micros(v: Any, at: str) -> int:
    """Microseconds since a day's midnight: 0 to 24 h."""
    if _count(v, at) > DAY_US:
        _fail(at, f"expected 0 to {DAY_US:,} microseconds, got {v}")
    return int(v)


def _spans(v: Any, at: str) -> dict[dt.date, list[list[int]]]:
    """A tally's merged intervals: ISO day -> sorted, disjoint [start, end] pairs."""
    out: dict[dt.date, list[list[int]]] = {}
    for day, raw in _object(v, at).items():
        pairs = [
            _row(x, f"{at}[{day}][{i}]", (_micros, _micros))
            for i, x in enumerate(_list(raw, f"{at}[{day}]"))
        ]
        flat = [m for pair in pairs for m in pair]
        if flat != sorted(flat):
            _fail(f"{at}[{day}]", "intervals out of order or overlapping")
        out[_day(day, at)] = pairs
    return out


def _risk(v: Any, at: str) -> int:
    if _count(v, at) > 3:  # two flags: pace alerted, infeasibility alerted
        _fail(at, f"expected 0 to 3, got {v}")
    return int(v)


def _bad_visits(v: Any, at: str) -> list[Any]:
    return [_row(x, f"{at}[{i}]", _BAD) for i, x in enumerate(_list(v, at))]


Check = Callable[[Any, str], Any]
# The positional rows of the format, one check per position (see Tally.dump and dump()).
_TALLY: Final[tuple[Check, ...]] = (
    _text,  # subject id
    _texts,  # assigned units
    _flag,  # assigned for the whole bucket
    _maybe_number,  # requirement
    _number,  # seconds (merged)
    _days,  # days with a record
    _texts,  # record ids counted
    _count,  # visits
    _bad_visits,  # visits that missed a minimum
    _text_map,  # prohibited records
    _risk,  # at-risk alerts raised
    _spans,  # merged intervals of each day
)
_BAD: Final[tuple[Check, ...]] = (_day, _text, _text, _texts)
_VISIT: Final[tuple[Check, ...]] = (_text, _text, _count, _count, _flag, _flag, _texts)
_ACTIVE: Final[tuple[Check, ...]] = (_text, _day, _day, _text)
_AHEAD: Final[tuple[Check, ...]] = (_text, _text, _text, _day, _micros, _micros)


def _row(v: Any, at: str, checks: tuple[Check, ...]) -> list[Any]:
    """A positional row, each item checked by its position's check."""
    row = _list(v, at)
    if len(row) != len(checks):
        _fail(at, f"expected {len(checks)} items, got {len(row)}")
    return [check(x, f"{at}[{i}]") for i, (check, x) in enumerate(zip(checks, row, strict=True))]
