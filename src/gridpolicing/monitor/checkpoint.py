"""Checkpoints: a monitor's whole state as JSON-ready data, and the monitor rebuilt from it.

A checkpoint holds the clock, the counters of every open bucket, the visits of days not yet
over, the prohibited records still in play, the alert numbering and the undelivered alerts.
Deadlines are not stored: they are recomputed from that state, which gives the same deadlines
the uninterrupted monitor has (every deadline up to the clock has already run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from gridpolicing.errors import UsageError
from gridpolicing.monitor.alerts import Alert
from gridpolicing.monitor.state import BucketState

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset
    from gridpolicing.monitor.monitor import Monitor, OnAlert
    from gridpolicing.policy.document import Policy

__all__ = ["CHECKPOINT_FORMAT", "dump", "load"]

CHECKPOINT_FORMAT: Final = "gridpolicing.monitor-checkpoint/1"


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
    """A monitor continuing from ``state``."""
    if state.get("format") != CHECKPOINT_FORMAT:
        raise UsageError(f"not a monitor checkpoint (expected format {CHECKPOINT_FORMAT})")
    if state["policy"] != policy.content_hash:
        raise UsageError("the checkpoint was taken with another version of the policy")
    grace = dt.timedelta(seconds=state["grace_seconds"])
    m = cls(
        policy,
        dataset,
        engine=engine,
        on_alert=on_alert,
        grace=grace,
        pace=state["pace"],
        delivered=mute or 0,
    )
    if len(state["watchers"]) != len(m._watchers):
        raise UsageError("the checkpoint does not match the policy's watched rules")
    m.seq, m.posted, m.late = int(state["seq"]), int(state["posted"]), int(state["late"])
    m._outbox.extend(a for a in map(Alert.from_dict, state["outbox"]) if a.seq > m._mute)
    if state["clock"] is None:
        return m
    m.start = dt.datetime.fromisoformat(state["start"])
    m.clock = clock = dt.datetime.fromisoformat(state["clock"])
    from gridpolicing.monitor.monitor import OPEN, VISITS, _midnight

    for w, data in zip(m._watchers, state["watchers"], strict=True):
        if data["rule"] != w.plan.rule.id:
            raise UsageError("the checkpoint does not match the policy's watched rules")
        w.next_open = _date(data["next_open"])
        w.open = [BucketState.load(b, grace) for b in data["open"]]
        w.pending = {
            dt.date.fromisoformat(day): {
                (v[0], v[1]): [v[2], v[3], v[4], v[5], list(v[6])] for v in visits
            }
            for day, visits in data["pending"].items()
        }
        w.closed_day = _date(data["closed_day"]) or dt.date.min
        w.active = {
            k: (v[0], dt.date.fromisoformat(v[1]), dt.date.fromisoformat(v[2]), v[3])
            for k, v in data["active"].items()
        }
        w.seen = {k: dt.date.fromisoformat(v) for k, v in data["seen"].items()}
        w.ahead = [
            (p, u, r, dt.date.fromisoformat(d), int(s), int(e))
            for p, u, r, d, s, e in data.get("ahead", [])
        ]
        p = w.plan.index
        if w.next_open is not None:
            m._push(_midnight(w.next_open), OPEN, p, w.next_open, "")
        for bs in w.open:
            m._schedule_bucket(w, bs, clock, opening=False)
        for day in w.pending:
            m._push(_midnight(day) + dt.timedelta(days=1) + grace, VISITS, p, day, "")
    return m


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)
