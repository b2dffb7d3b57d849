"""Verdicts: what the judge's decision on an observation does to the tallies, and the alert."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

from gridpolicing.monitor.pace import Checkpoint
from gridpolicing.monitor.plans import WatchPlan
from gridpolicing.monitor.state import (
    FEASIBLE_ALERTED,
    PACE_ALERTED,
    BucketState,
    Draft,
    Obs,
    Tally,
)
from gridpolicing.monitor.watchers import Watcher, bucket_of
from gridpolicing.report.messages import fmt

__all__ = ["settle"]

_SHOWN: Final = 3  # visits named in a visit-quality detail, as in batch evaluation


def settle(w: Watcher, obs: Obs, verdict: str | None) -> Draft | None:
    """Record the judge's verdict on ``obs``; the alert to raise, if any."""
    fact, bs, t = obs.fact, obs.bucket, obs.tally
    kind = fact["t"]
    if kind == "record":
        return _settle_record(w, obs, verdict)
    assert bs is not None
    assert t is not None
    bucket = (bs.key, bs.start, bs.end)
    if kind == "visit":
        t.visits += 1
        if verdict != "violation":
            return None
        day, label, ids = obs.extra
        lacks = _lacks(w.plan, fact)
        t.bad.append((day, label, lacks, ids))
        return Draft("violation", t.sid, bucket, None, None, ids, f"{label}: {lacks}")
    if verdict is None:
        return None
    if kind == "check":
        return _risk_draft(obs, t, bucket)
    return _breach_draft(w, bs, t, bucket)


def _settle_record(w: Watcher, obs: Obs, verdict: str | None) -> Draft | None:
    rid, person, first, last, what = obs.extra
    w.seen[rid] = last
    if verdict != "violation":
        return None
    w.active[rid] = (person, first, last, what)
    bucket = None
    for b in w.open:
        if first <= b.end and last >= b.start and person in b.tallies:
            b.tallies[person].records[rid] = what
            bucket = bucket or (b.key, b.start, b.end)
    if bucket is None:
        b0 = bucket_of(w.plan, first)
        bucket = (b0.key, b0.start, b0.end)
    return Draft("violation", person, bucket, None, None, (rid,), what)


def _risk_draft(obs: Obs, t: Tally, bucket: tuple[str, dt.date, dt.date]) -> Draft:
    cp: Checkpoint | None = obs.extra
    fact = obs.fact
    t.risk |= PACE_ALERTED if cp else FEASIBLE_ALERTED
    reason = f"pace: {fmt(cp.share * 100)}% by {cp.at}" if cp else "infeasible"
    if cp:
        detail = f"{fmt(fact['measured'])} by {cp.at}; pace {fmt(fact['pace'])}"
    elif "reach" in fact:
        more = fact["required"] - fact["measured"]
        left = math.floor((fact["reach"] - fact["measured"]) * 100) / 100
        detail = f"{fmt(fact['measured'])} so far; {fmt(more)} more needed, {fmt(left)} possible"
    else:
        detail = f"sensitive days without a record: {fact['missing']}"
    measured, required = fact["measured"], fact["required"]
    ids = tuple(sorted(t.ids))
    return Draft("at_risk", t.sid, bucket, measured, required, ids, detail, reason)


def _breach_draft(
    w: Watcher, bs: BucketState, t: Tally, bucket: tuple[str, dt.date, dt.date]
) -> Draft:
    p = w.plan
    if p.measure == "visits":
        bad = sorted(t.bad, key=lambda v: (v[0], v[1]))
        shown = "; ".join(f"{label}: {lacks}" for _, label, lacks, _ in bad[:_SHOWN])
        if len(bad) > _SHOWN:
            shown += f"; …+{len(bad) - _SHOWN}"
        ids = tuple(sorted(i for v in bad for i in v[3]))
        return Draft("breached", t.sid, bucket, float(len(bad)), 0.0, ids, shown or None)
    if p.measure == "records":
        ids = tuple(sorted(t.records))
        detail = ", ".join(t.records[i] for i in ids)
        return Draft("breached", t.sid, bucket, float(len(ids)), 0.0, ids, detail)
    missing = w.missing_days(bs, t, bs.end) if p.measure == "count" else []
    days = ", ".join(d.isoformat() for d in missing) or None
    return Draft("breached", t.sid, bucket, w.measured(t), t.required, tuple(sorted(t.ids)), days)


def _lacks(plan: WatchPlan, fact: dict[str, Any]) -> str:
    """What a visit lacks, worded as batch evaluation's detail (``households 4<5, no_photo``)."""
    parts = []
    if fact["min_households"] >= 0 and fact["households"] < fact["min_households"]:
        parts.append(f"households {fact['households']}<{fact['min_households']}")
    if fact["min_services"] >= 0 and fact["services"] < fact["min_services"]:
        parts.append(f"services {fact['services']}<{fact['min_services']}")
    if plan.require_log and not fact["log"]:
        parts.append("no_log")
    if plan.require_photo and not fact["photo"]:
        parts.append("no_photo")
    return ", ".join(parts)
