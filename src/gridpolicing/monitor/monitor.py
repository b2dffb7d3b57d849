"""The Monitor: events in, alerts out, on the monitor's own clock."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.errors import UsageError
from gridpolicing.monitor.alerts import Alert, AlertKind
from gridpolicing.monitor.bounds import HORIZON, MAX_GRACE, WINDOW, EventError, in_window, local
from gridpolicing.monitor.events import (
    ActivityEvent,
    ClockEvent,
    Event,
    IncidentEvent,
    MeetingEvent,
    ReportEvent,
    TaskEvent,
    fast_activity,
    parse_event,
)
from gridpolicing.monitor.judges import make_judge
from gridpolicing.monitor.messages import message
from gridpolicing.monitor.pace import Checkpoint, parse_pace
from gridpolicing.monitor.plans import compile_plans
from gridpolicing.monitor.roster import Roster
from gridpolicing.monitor.routes import Routes
from gridpolicing.monitor.state import Obs
from gridpolicing.monitor.verdicts import settle
from gridpolicing.monitor.watchers import Watcher

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset
    from gridpolicing.monitor.state import BucketState, Draft
    from gridpolicing.policy.document import Policy

__all__ = ["Monitor"]

# Deadline classes, in the order they run at the same instant.
VISITS: Final = 0  # a day is over: judge its visits
CLOSE: Final = 1  # a bucket ends
OPEN: Final = 2  # a bucket begins
PACE: Final = 3  # a pace checkpoint
FEASIBLE: Final = 4  # a subject can no longer meet its bucket

Deadline = tuple[dt.datetime, int, int, dt.date, str]
OnAlert = Callable[[Alert], object]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


@final
class Monitor:
    """Watches a policy's time_commitment, cadence, visit_quality and prohibition rules live.

    ``dataset`` supplies units, people, assignments and sensitive periods (its other tables are
    not read: replay them with :func:`~gridpolicing.monitor.events_from_dataset`). Buckets that
    begin at or after ``start`` (default: midnight of the first event's or ``advance``'s day)
    are watched. ``grace`` delays every deadline, so records logged that much late still count.
    ``pace`` maps rule ids to checkpoints (see :mod:`gridpolicing.monitor.pace`). Alerts go to
    ``on_alert`` when given, otherwise they wait in :meth:`alerts`. To rebuild a monitor by
    replaying its event log after a crash, pass ``delivered``, the last alert ``seq`` your
    consumer received: alerts up to it are numbered but not raised again.
    """

    def __init__(
        self,
        policy: Policy,
        dataset: Dataset,
        *,
        engine: str = "native",
        on_alert: OnAlert | None = None,
        start: dt.datetime | dt.date | None = None,
        grace: dt.timedelta = dt.timedelta(0),
        pace: Mapping[str, Any] | None = None,
        delivered: int = 0,
    ) -> None:
        if not dt.timedelta(0) <= grace <= MAX_GRACE:
            raise UsageError(f"grace: {grace} is not between 0 and {MAX_GRACE.days} days")
        self.policy = policy
        self._pace: dict[str, tuple[Checkpoint, ...]] = _pace(pace)
        self.plans, self.unwatched = compile_plans(policy, self._pace)
        self.engine = engine
        self._judge = make_judge(engine, self.plans)
        self.on_alert = on_alert
        self.grace = grace
        self.roster = Roster(dataset)
        self._watchers = [Watcher(p, self.roster, grace) for p in self.plans]
        for w in self._watchers:
            w.schedule = self._push
        self._heap: list[Deadline] = []
        self._outbox: deque[Alert] = deque()
        self.seq = 0
        self.posted = 0
        self.late = 0
        self._mute = max(delivered, 0)
        self.start: dt.datetime | None = None
        self.clock: dt.datetime | None = None
        self._routes = Routes(self._watchers)
        if start is not None:
            self._begin(_instant("start", start))

    # --- the API -------------------------------------------------------------------------------

    def post(self, event: Mapping[str, Any] | Event) -> None:
        """Take one event (a mapping as in docs/monitor.md, or a parsed event).

        A malformed event, or one more than :data:`HORIZON` ahead of the clock, raises
        :class:`EventError` and leaves the monitor as it was.
        """
        ev: Event | None
        if type(event) is dict:
            ev = fast_activity(event) if event.get("type") == "activity" else None
            if ev is None:
                ev = parse_event(event)
        elif isinstance(event, _EVENT_CLASSES):
            ev = event
            if not in_window(ev.time):  # built by the caller, not checked by parse_event
                raise EventError(f"time {ev.time.isoformat()} is outside {WINDOW}")
        else:
            ev = parse_event(event)
        time = ev.time
        if self.clock is None:
            self._begin(_midnight(time.date()))
        clock = self.clock
        assert clock is not None
        if time >= clock:
            if time - clock > HORIZON:  # checked before anything changes: the event is refused
                raise EventError(_too_far(time, clock))
            heap = self._heap
            if heap and heap[0][0] <= time:
                self._advance(time)
            else:
                self.clock = time
        elif self.start is not None and self.start <= time < clock - self.grace:
            self.late += 1
        self.posted += 1
        if isinstance(ev, ActivityEvent):
            for by_unit, ids, fn in self._routes.activity.get(ev.kind, ()):
                if (ev.unit if by_unit else ev.person) in ids:
                    obs = fn(ev)
                    if obs:
                        self._decide(obs)
        elif isinstance(ev, MeetingEvent):
            for w in self._routes.meeting.get(ev.kind, ()):
                if w.scope.units_subject:
                    w.count(ev.unit, ev.id, ev.day, None)
                else:
                    for person in set(ev.attendees):
                        w.count(person, ev.id, ev.day, None)
        elif isinstance(ev, ReportEvent):
            for w in self._routes.report.get(ev.kind, ()):
                who = ev.recipient if w.scope.units_subject else ev.author
                w.count(who, ev.id, ev.day, None)
        elif isinstance(ev, TaskEvent | IncidentEvent):
            routes = self._routes.task if isinstance(ev, TaskEvent) else self._routes.incident
            for w in routes.get(ev.kind, ()):
                obs = w.on_record(ev)
                if obs:
                    self._decide(obs)
        if self._outbox and self.on_alert is not None:
            self._deliver()

    def advance(self, now: dt.datetime | dt.date) -> None:
        """Move the clock to ``now``: close buckets, pass checkpoints and deadlines up to it.

        ``now`` must lie in the time window and at most :data:`HORIZON` ahead of the clock
        (else :class:`UsageError`): move further in steps.
        """
        now = _instant("now", now)
        if self.clock is None:
            self._begin(_midnight(now.date()))
        assert self.clock is not None
        if now - self.clock > HORIZON:
            raise UsageError(_too_far(now, self.clock))
        if now >= self.clock:
            self._advance(now)
        if self._outbox and self.on_alert is not None:
            self._deliver()

    def alerts(self) -> Iterator[Alert]:
        """Alerts raised and not yet delivered, oldest first (each is yielded once)."""
        while self._outbox:
            yield self._outbox.popleft()

    def checkpoint(self) -> dict[str, Any]:
        """The monitor's state as JSON-ready data; :meth:`restore` continues from it."""
        from gridpolicing.monitor.checkpoint import dump

        return dump(self)

    @classmethod
    def restore(
        cls,
        policy: Policy,
        dataset: Dataset,
        state: Mapping[str, Any],
        *,
        engine: str = "native",
        on_alert: OnAlert | None = None,
        delivered: int | None = None,
    ) -> Monitor:
        """A monitor continuing from ``state`` (a :meth:`checkpoint`).

        Post the events that came after the checkpoint. Alerts numbered up to ``delivered``
        (the last ``seq`` your consumer received) are not raised again, so a restart neither
        loses nor repeats an alert even when the checkpoint is older than the last delivery.
        """
        from gridpolicing.monitor.checkpoint import load

        return load(cls, policy, dataset, state, engine=engine, on_alert=on_alert, mute=delivered)

    # --- clock and deadlines -------------------------------------------------------------------

    def _begin(self, start: dt.datetime) -> None:
        self.start = self.clock = start
        for w in self._watchers:
            w.start_at(start)
            if w.next_open is not None:
                self._push(_midnight(w.next_open), OPEN, w.plan.index, w.next_open, "")

    def _push(self, at: dt.datetime, cls: int, plan: int, day: dt.date, key: str) -> None:
        heapq.heappush(self._heap, (at, cls, plan, day, key))

    def _advance(self, now: dt.datetime) -> None:
        heap = self._heap
        while heap and heap[0][0] <= now:
            at, cls, plan, day, key = heapq.heappop(heap)
            self.clock = at
            w = self._watchers[plan]
            if cls == VISITS:
                self._decide(w.visits_obs(day))
            elif cls == OPEN:
                if w.next_open == day:
                    self._open(w, at)
            else:
                bs = next((b for b in w.open if b.start == day), None)
                if bs is None:
                    continue
                if cls == CLOSE:
                    self._decide(w.close_obs(bs))
                    w.retire(bs)
                elif cls == PACE:
                    cp = w.plan.pace[int(key)]
                    obs = [w.check_obs(bs, at, cp, t) for t in bs.tallies.values()]
                    self._decide([o for o in obs if o is not None])
                else:
                    self._feasible(w, bs, key, at)
        self.clock = now

    def _open(self, w: Watcher, now: dt.datetime) -> None:
        bs = w.open_next()
        if w.next_open is not None:
            self._push(_midnight(w.next_open), OPEN, w.plan.index, w.next_open, "")
        if bs is not None:
            self._schedule_bucket(w, bs, now, opening=True)

    def _schedule_bucket(
        self, w: Watcher, bs: BucketState, now: dt.datetime, *, opening: bool
    ) -> None:
        """Close, pace and feasibility deadlines of an open bucket: those from ``now`` on when
        it opens, those after ``now`` when a checkpoint is restored (the rest have run)."""
        p = w.plan.index
        self._push(bs.close_at, CLOSE, p, bs.start, "")
        for i, cp in enumerate(w.plan.pace):
            at = cp.instant(bs.start, bs.end, self.roster.is_workday)
            if at is None or at + self.grace >= bs.close_at:
                continue
            if at + self.grace > now or (opening and at + self.grace == now):
                self._push(at + self.grace, PACE, p, bs.start, f"{i:04d}")
        for t in bs.tallies.values():
            at = w.feasible_at(bs, t)
            if at is not None:
                t.check_at = max(at, now)
                self._push(t.check_at, FEASIBLE, p, bs.start, t.sid)

    def _feasible(self, w: Watcher, bs: BucketState, sid: str, at: dt.datetime) -> None:
        t = bs.tallies.get(sid)
        if t is None or t.check_at != at:
            return  # stale
        t.check_at = None
        obs = w.check_obs(bs, at, None, t)
        if obs is None or self._decide([obs]):
            return
        nxt = w.feasible_at(bs, t)  # records came in since it was scheduled
        if nxt is not None and nxt > at:
            t.check_at = nxt
            self._push(nxt, FEASIBLE, w.plan.index, bs.start, sid)

    # --- verdicts and alerts -------------------------------------------------------------------

    def _decide(self, obs: list[Obs]) -> int:
        """Judge ``obs``, settle each with its verdict, raise the alerts; how many were raised."""
        if not obs:
            return 0
        verdicts: dict[int, str] = dict(self._judge.decide([o.fact for o in obs]))
        raised = 0
        for i, o in enumerate(obs):
            w = self._watchers[o.fact["p"]]
            draft = settle(w, o, verdicts.get(i))
            if draft is not None:
                self._raise(w, draft)
                raised += 1
        return raised

    def _raise(self, w: Watcher, d: Draft) -> None:
        self.seq += 1
        if self.seq <= self._mute:
            return  # delivered before a restart
        rule = w.plan.rule
        assert self.clock is not None
        alert = Alert(
            seq=self.seq,
            kind=AlertKind(d.kind),
            at=self.clock,
            rule=rule.id,
            rule_kind=rule.kind,
            severity=rule.severity,
            subject_type="unit" if w.scope.units_subject else "person",
            subject_id=d.subject_id,
            bucket=d.bucket,
            bucket_start=d.bucket_start,
            bucket_end=d.bucket_end,
            measured=d.measured,
            required=d.required,
            evidence=d.evidence,
            detail=d.detail,
            reason=d.reason,
            message=message(self.policy, w, d),
            citation=rule.citation,
        )
        self._outbox.append(alert)

    def _deliver(self) -> None:
        on_alert = self.on_alert
        assert on_alert is not None
        while self._outbox:
            on_alert(self._outbox.popleft())


_EVENT_CLASSES: Final = (
    ActivityEvent,
    MeetingEvent,
    ReportEvent,
    TaskEvent,
    IncidentEvent,
    ClockEvent,
)


def _instant(name: str, when: dt.datetime | dt.date) -> dt.datetime:
    """``when`` as naive China time in the window (a date is its midnight); UsageError if not."""
    if not isinstance(when, dt.datetime):
        when = _midnight(when)
    try:
        return local(name, when)
    except EventError as exc:
        raise UsageError(str(exc)) from None


def _too_far(time: dt.datetime, clock: dt.datetime) -> str:
    return (
        f"{time.isoformat()} is more than {HORIZON.days} days ahead of the monitor's clock "
        f"({clock.isoformat()}); move the clock in steps (clock events) to go further"
    )


def _pace(pace: Mapping[str, Any] | None) -> dict[str, tuple[Checkpoint, ...]]:
    if not pace:
        return {}
    if all(
        isinstance(v, tuple) and all(isinstance(c, Checkpoint) for c in v) for v in pace.values()
    ):
        return dict(pace)
    return parse_pace(pace)
