"""Per-rule watchers: count events into tallies, and turn tallies into observations.

One watcher per watch plan. ``on_*`` methods and :meth:`Watcher.count` are the hot path (called
per event); they return observations only when something must be judged at once (a per-activity
visit, a prohibited record). Deadlines (bucket ends, pace checkpoints, feasibility, a day's
visits) are scheduled by the monitor, which calls back ``*_obs`` to build observations and
:func:`gridpolicing.monitor.verdicts.settle` with the judge's verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from gridpolicing.engine.periods import Bucket
from gridpolicing.engine.periods import bucket_of as _bucket_of
from gridpolicing.monitor.events import ActivityEvent, IncidentEvent, TaskEvent
from gridpolicing.monitor.pace import Checkpoint
from gridpolicing.monitor.plans import WatchPlan
from gridpolicing.monitor.roster import Roster, Scope
from gridpolicing.monitor.state import (
    DAY_US,
    FEASIBLE_ALERTED,
    PACE_ALERTED,
    BucketState,
    Obs,
    Tally,
)
from gridpolicing.policy.values import value_at

__all__ = ["Watcher", "bucket_of", "day_parts"]

_DAY: Final = dt.timedelta(days=1)
_UNITS: Final = {
    "hours": ("小时", "h"),
    "days": ("天", "days"),
    "working_days": ("个工作日", "working days"),
    "activity": ("条工作记录", "activity records"),
    "meeting": ("次会议", "meetings"),
    "report": ("份报告", "reports"),
}


def bucket_of(plan: WatchPlan, day: dt.date) -> Bucket:
    """The bucket of ``plan``'s period holding ``day``."""
    return _bucket_of(plan.period, day)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def day_parts(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, int, int]]:
    """``(day, start, end)`` for each day the interval touches, in microseconds since that
    day's midnight; a record ending exactly at midnight does not touch the next day, a record
    of no length touches its day (as engine/intervals.py counts them)."""
    day = start.date()
    s = (start - _midnight(day)) // dt.timedelta(microseconds=1)
    e = (end - _midnight(day)) // dt.timedelta(microseconds=1)
    parts = [(day, s, min(e, DAY_US))]
    while e > DAY_US:
        day, e = day + _DAY, e - DAY_US
        parts.append((day, 0, min(e, DAY_US)))
    return parts


Schedule = Callable[[dt.datetime, int, int, dt.date, str], None]


class Watcher:
    """Counts one plan's records per subject and open bucket."""

    __slots__ = (
        "active",
        "ahead",
        "closed_day",
        "grace",
        "next_open",
        "open",
        "pending",
        "plan",
        "roster",
        "schedule",
        "scope",
        "seen",
    )

    def __init__(self, plan: WatchPlan, roster: Roster, grace: dt.timedelta) -> None:
        self.plan, self.roster, self.grace = plan, roster, grace
        self.scope = Scope(roster, plan.rule.subject)
        self.open: list[BucketState] = []
        self.next_open: dt.date | None = None
        self.schedule: Schedule = lambda at, cls, plan, day, key: None
        # visit quality: visits of days not yet over; the last day whose visits were judged
        self.pending: dict[dt.date, dict[tuple[str, str], list[Any]]] = {}
        self.closed_day = dt.date.min
        # prohibition: violating records still overlapping a bucket; record ids already judged
        self.active: dict[str, tuple[str, dt.date, dt.date, str]] = {}
        self.seen: dict[str, dt.date] = {}
        # time commitment: parts of records running into buckets not open yet
        # (person, unit, record id, day, start, end in microseconds since the day's midnight)
        self.ahead: list[tuple[str, str, str, dt.date, int, int]] = []

    # --- buckets -------------------------------------------------------------------------------

    def start_at(self, start: dt.datetime) -> None:
        """Watch buckets beginning at or after ``start``."""
        b = bucket_of(self.plan, start.date())
        self.next_open = b.start if _midnight(b.start) >= start else b.end + _DAY

    def open_next(self) -> BucketState | None:
        """Open the next bucket (None when it is not in force); advance ``next_open``."""
        assert self.next_open is not None
        b = bucket_of(self.plan, self.next_open)
        rule = self.plan.rule
        self.next_open = b.end + _DAY
        if rule.effective_to is not None and self.next_open > rule.effective_to:
            self.next_open = None
        if (rule.effective_from and b.start < rule.effective_from) or (
            rule.effective_to and b.end > rule.effective_to
        ):
            return None
        req = self.plan.required(b.start) if self.plan.threshold is not None else None
        tallies = {
            sid: Tally(sid, info, req) for sid, info in self.scope.subjects(b.start, b.end).items()
        }
        bs = BucketState(b.key, b.start, b.end, self.grace, tallies)
        self.open.append(bs)
        if self.active:
            self._carry(bs)
        if self.ahead:
            later = []
            for person, unit, rid, day, start, end in self.ahead:
                if bs.start <= day <= bs.end:
                    self._add_time(bs, person, unit, rid, day, start, end)
                elif day > bs.end:
                    later.append((person, unit, rid, day, start, end))
            self.ahead = later
        return bs

    def bucket_for(self, day: dt.date) -> BucketState | None:
        """The open bucket holding ``day``."""
        for b in self.open:
            if b.start <= day <= b.end:
                return b
        return None

    def retire(self, bs: BucketState) -> None:
        """Forget a closed bucket, and prohibited records that end before every open bucket."""
        self.open.remove(bs)
        horizon = self.open[0].start if self.open else bs.end + _DAY
        if self.active or self.seen:
            self.active = {k: v for k, v in self.active.items() if v[2] >= horizon}
            self.seen = {k: v for k, v in self.seen.items() if v >= horizon}

    # --- the hot path ------------------------------------------------------------------------

    def on_time(self, ev: ActivityEvent) -> None:
        """time_commitment: the record's time on each day it spans, merged with the rest."""
        for day, start, end in day_parts(ev.start, ev.end):
            b = self.bucket_for(day)
            if b is not None:
                self._add_time(b, ev.person, ev.unit, ev.id, day, start, end)
            elif self.next_open is not None and day >= self.next_open:
                # runs past midnight into a bucket not open yet: credited when it opens
                self.ahead.append((ev.person, ev.unit, ev.id, day, start, end))

    def _add_time(
        self, b: BucketState, person: str, unit: str, rid: str, day: dt.date, start: int, end: int
    ) -> None:
        t = b.tallies.get(person)
        if t is None or unit not in t.units:
            return
        t.ids.add(rid)
        t.seconds += t.add_span(day, start, end) / 1e6
        per_day = getattr(self.plan.rule, "min_hours_per_day", None)
        minimum = None if per_day is None else value_at(per_day, day)
        if minimum is None or t.day_micros(day) >= float(minimum) * 3.6e9:
            t.days.add(day)

    def count(self, who: str, rid: str, day: dt.date, unit: str | None) -> None:
        """cadence: one record of ``who`` (in ``unit`` when people count activities)."""
        for b in self.open:
            if b.start <= day <= b.end:
                t = b.tallies.get(who)
                if t is not None and (unit is None or unit in t.units) and rid not in t.ids:
                    t.ids.add(rid)
                    if self.plan.sensitive_daily:
                        t.days.add(day)
                return

    def on_visit(self, ev: ActivityEvent) -> list[Obs] | None:
        """visit_quality: add to the day's visit, or judge a per-activity visit at once."""
        day = ev.day
        if day <= self.closed_day or self.bucket_for(day) is None:
            return None
        if self.plan.per_activity:
            obs = self._visit_obs(
                ev.person, ev.unit, day, [ev.households, ev.services, ev.log, ev.photo, [ev.id]]
            )
            return [obs] if obs is not None else None
        visits = self.pending.get(day)
        if visits is None:
            visits = self.pending[day] = {}
            self.schedule(_midnight(day) + _DAY + self.grace, 0, self.plan.index, day, "")
        acc = visits.get((ev.person, ev.unit))
        if acc is None:
            visits[(ev.person, ev.unit)] = [ev.households, ev.services, ev.log, ev.photo, [ev.id]]
        elif ev.id not in acc[4]:
            acc[0] += ev.households
            acc[1] += ev.services
            acc[2] = acc[2] or ev.log
            acc[3] = acc[3] or ev.photo
            acc[4].append(ev.id)
        return None

    def on_record(self, ev: TaskEvent | IncidentEvent | ActivityEvent) -> list[Obs] | None:
        """prohibition: a record of a forbidden kind, to be judged."""
        if ev.id in self.seen:
            return None
        if isinstance(ev, TaskEvent):
            first, last, reason = ev.start, ev.end, ev.reason
            what = f"{ev.id} {ev.kind}/{ev.reason}"
        else:
            first = last = ev.day
            reason, what = "", f"{ev.id} {ev.kind}"
        fact = {
            "t": "record",
            "p": self.plan.index,
            "kind": ev.kind,
            "reason": reason,
            "held": int(self.scope.held(ev.person, first)),
        }
        return [Obs(fact, None, None, (ev.id, ev.person, first, last, what))]

    # --- observations at deadlines -----------------------------------------------------------

    def visits_obs(self, day: dt.date) -> list[Obs]:
        """The visits of ``day``, now that it is over."""
        self.closed_day = max(self.closed_day, day)
        visits = self.pending.pop(day, {})
        out = []
        for (person, unit), acc in sorted(visits.items()):
            obs = self._visit_obs(person, unit, day, acc)
            if obs is not None:
                out.append(obs)
        return out

    def _visit_obs(self, person: str, unit: str, day: dt.date, acc: list[Any]) -> Obs | None:
        b = self.bucket_for(day)
        if b is None:
            return None
        if self.scope.units_subject:
            sid, who = unit, person
        elif self.scope.assigned(person, unit, day):
            sid, who = person, unit
        else:
            return None
        t = b.tallies.get(sid)
        if t is None:
            return None
        p = self.plan
        if p.per_activity:  # a record posted twice is one visit
            if acc[4][0] in t.ids:
                return None
            t.ids.add(acc[4][0])
        mh, ms = p.minimum(p.min_households, b.start), p.minimum(p.min_services, b.start)
        if mh is None and ms is None and not p.require_log and not p.require_photo:
            return None
        fact = {
            "t": "visit",
            "p": p.index,
            "households": acc[0],
            "services": acc[1],
            "log": int(acc[2]),
            "photo": int(acc[3]),
            "min_households": -1 if mh is None else mh,
            "min_services": -1 if ms is None else ms,
        }
        return Obs(fact, b, t, (day, f"{day.isoformat()} {who}", tuple(sorted(acc[4]))))

    def close_obs(self, bs: BucketState) -> list[Obs]:
        """One observation per subject to whom the rule applies, at the bucket's end."""
        p, out = self.plan, []
        for t in bs.tallies.values():
            fact: dict[str, Any] = {"t": "close", "p": p.index}
            if p.measure == "visits":
                if not t.visits:
                    continue
                fact["measured"] = len(t.bad)
            elif p.measure == "records":
                fact["measured"] = len(t.records)
            else:
                if not t.applicable:
                    continue
                fact["measured"], fact["required"] = self.measured(t), t.required
                if p.measure == "count":
                    fact["missing"] = len(self.missing_days(bs, t, bs.end))
            out.append(Obs(fact, bs, t))
        return out

    def check_obs(
        self, bs: BucketState, now: dt.datetime, cp: Checkpoint | None, t: Tally
    ) -> Obs | None:
        """A pace (``cp``) or feasibility check of one subject, unless already alerted."""
        flag = PACE_ALERTED if cp else FEASIBLE_ALERTED
        if not t.applicable or t.risk & flag:
            return None
        assert t.required is not None
        fact: dict[str, Any] = {
            "t": "check",
            "p": self.plan.index,
            "why": "pace" if cp else "feasible",
            "measured": self.measured(t),
            "required": t.required,
            "missing": 0,
        }
        if cp:
            fact["pace"] = cp.share * t.required
        elif self.plan.measure == "count":
            last = (now - self.grace).date() - _DAY
            fact["missing"] = len(self.missing_days(bs, t, last))
        else:
            fact["reach"] = self._reach(bs, t, now)
        return Obs(fact, bs, t, cp)

    def feasible_at(self, bs: BucketState, t: Tally) -> dt.datetime | None:
        """The first instant at which the subject can no longer meet the bucket (None: never
        before it closes), given what it has done so far."""
        p = self.plan
        if not t.applicable or t.risk & FEASIBLE_ALERTED or p.measure == "visits":
            return None
        assert t.required is not None
        at: dt.datetime | None = None
        if p.measure == "hours":
            need = t.required * 3600 - t.seconds
            if need > 0:
                at = bs.end_at - dt.timedelta(seconds=need - 1) + self.grace
        elif p.measure == "count":
            if p.sensitive_daily:
                for day in sorted(self.roster.sensitive):
                    if bs.start <= day <= bs.end and day not in t.days:
                        at = _midnight(day) + _DAY + self.grace
                        break
        else:
            need = t.required - self.measured(t)
            left = sum(self._eligible(t, d) for d in _days(bs.start, bs.end))
            for day in _days(bs.start, bs.end):
                if left < need:
                    at = _midnight(day) + self.grace
                    break
                left -= self._eligible(t, day)
        return at if at is not None and at < bs.close_at else None

    def _carry(self, bs: BucketState) -> None:
        for rid, (person, first, last, what) in self.active.items():
            t = bs.tallies.get(person)
            if t is not None and first <= bs.end and last >= bs.start:
                t.records[rid] = what

    # --- measures ----------------------------------------------------------------------------

    def measured(self, t: Tally) -> float:
        """The tally's measure: hours, days, working days or records."""
        m = self.plan.measure
        if m == "hours":
            return t.seconds / 3600
        if m == "days":
            return float(len(t.days))
        if m == "working_days":
            return float(sum(1 for d in t.days if self.roster.is_workday(d)))
        return float(len(t.ids))

    def unit_words(self) -> tuple[str, str]:
        """How the measure is written, in zh and en."""
        m = self.plan.measure
        return _UNITS[self.plan.source if m == "count" else m]

    def _eligible(self, t: Tally, day: dt.date) -> bool:
        if day in t.days:
            return False
        return self.plan.measure == "days" or self.roster.is_workday(day)

    def _reach(self, bs: BucketState, t: Tally, now: dt.datetime) -> float:
        horizon = now - self.grace
        if self.plan.measure == "hours":
            left = max(0.0, (bs.end_at - horizon).total_seconds())
            return (t.seconds + left) / 3600
        first = max(horizon.date(), bs.start)
        return self.measured(t) + sum(self._eligible(t, d) for d in _days(first, bs.end))

    def missing_days(self, bs: BucketState, t: Tally, last: dt.date) -> list[dt.date]:
        if not self.plan.sensitive_daily:
            return []
        return sorted(
            d
            for d in self.roster.sensitive
            if bs.start <= d <= min(last, bs.end) and d not in t.days
        )


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
