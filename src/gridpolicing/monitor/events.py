"""Events the monitor takes: activity logs, check-ins, meetings, reports, tasks, incidents, clock.

An event is a mapping with a ``type`` and the fields of the dataset table it belongs to
(``docs/monitor.md`` lists them). Parsing is hand-written rather than a pydantic model because
the native engine must take more than 100,000 events a second; every error names the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.errors import GridPolicingError
from gridpolicing.model.vocabulary import (
    ActivityKind,
    IncidentKind,
    MeetingKind,
    ReportKind,
    TaskKind,
    TaskReason,
)

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset

__all__ = [
    "EVENT_TYPES",
    "ActivityEvent",
    "ClockEvent",
    "Event",
    "EventError",
    "IncidentEvent",
    "MeetingEvent",
    "ReportEvent",
    "TaskEvent",
    "events_from_dataset",
    "fast_activity",
    "parse_event",
]

CHINA: Final = dt.timezone(dt.timedelta(hours=8))
EVENT_TYPES: Final = ("activity", "check_in", "meeting", "report", "task", "incident", "clock")

_ACTIVITY_KINDS: Final = frozenset(k.value for k in ActivityKind)
_MEETING_KINDS: Final = frozenset(k.value for k in MeetingKind)
_REPORT_KINDS: Final = frozenset(k.value for k in ReportKind)
_TASK_KINDS: Final = frozenset(k.value for k in TaskKind)
_TASK_REASONS: Final = frozenset(k.value for k in TaskReason)
_INCIDENT_KINDS: Final = frozenset(k.value for k in IncidentKind)


@final
class EventError(GridPolicingError):
    """An event is malformed: a missing or wrongly typed field, an unknown kind."""


@final
class ActivityEvent:
    """An activity log (or a check-in); it happens at ``start`` and counts on its start day."""

    __slots__ = (
        "day",
        "end",
        "households",
        "id",
        "kind",
        "log",
        "person",
        "photo",
        "seconds",
        "services",
        "start",
        "time",
        "unit",
    )

    def __init__(
        self,
        id: str,
        person: str,
        unit: str,
        kind: str,
        start: dt.datetime,
        end: dt.datetime,
        households: int = 0,
        services: int = 0,
        log: bool = False,
        photo: bool = False,
    ) -> None:
        self.id, self.person, self.unit, self.kind = id, person, unit, kind
        self.start, self.end, self.time, self.day = start, end, start, start.date()
        # DuckDB's date_diff('second', ...) counts whole-second boundaries: truncate both ends.
        d = end - start
        if start.microsecond or end.microsecond:
            d = end.replace(microsecond=0) - start.replace(microsecond=0)
        self.seconds = d.days * 86400 + d.seconds
        self.households, self.services, self.log, self.photo = households, services, log, photo


@final
class MeetingEvent:
    """A meeting held by ``unit`` on ``day``."""

    __slots__ = ("attendees", "day", "id", "kind", "time", "unit")

    def __init__(
        self, id: str, kind: str, unit: str, day: dt.date, attendees: tuple[str, ...]
    ) -> None:
        self.id, self.kind, self.unit, self.day, self.attendees = id, kind, unit, day, attendees
        self.time = _midnight(day)


@final
class ReportEvent:
    """A report from ``author`` to ``recipient`` on ``day``."""

    __slots__ = ("author", "day", "id", "kind", "recipient", "time")

    def __init__(self, id: str, kind: str, author: str, recipient: str, day: dt.date) -> None:
        self.id, self.kind, self.author, self.recipient, self.day = id, kind, author, recipient, day
        self.time = _midnight(day)


@final
class TaskEvent:
    """A task handed to ``person`` from ``start`` to ``end`` (dates, inclusive)."""

    __slots__ = ("end", "id", "kind", "person", "reason", "start", "time")

    def __init__(
        self, id: str, person: str, kind: str, start: dt.date, end: dt.date, reason: str
    ) -> None:
        self.id, self.person, self.kind, self.reason = id, person, kind, reason
        self.start, self.end = start, end
        self.time = _midnight(start)


@final
class IncidentEvent:
    """A discipline incident of ``person`` on ``day``."""

    __slots__ = ("day", "id", "kind", "person", "time")

    def __init__(self, id: str, person: str, kind: str, day: dt.date) -> None:
        self.id, self.person, self.kind, self.day = id, person, kind, day
        self.time = _midnight(day)


@final
class ClockEvent:
    """Moves the monitor's clock to ``time`` (for streams that are quiet for a while)."""

    __slots__ = ("time",)

    def __init__(self, time: dt.datetime) -> None:
        self.time = time


Event = ActivityEvent | MeetingEvent | ReportEvent | TaskEvent | IncidentEvent | ClockEvent


def parse_event(data: Mapping[str, Any]) -> Event:
    """The event a mapping describes; raises :class:`EventError` naming the faulty field."""
    if type(data) is dict and data.get("type") == "activity":
        fast = fast_activity(data)
        if fast is not None:
            return fast
    if not isinstance(data, Mapping):
        raise EventError(f"an event is a JSON object, not {type(data).__name__}")
    kind = data.get("type")
    if kind == "activity" or kind == "check_in":
        start = _datetime(data, "start")
        end = _datetime(data, "end") if kind == "activity" or "end" in data else start
        if end < start:
            raise EventError(f"end {end.isoformat()} is before start {start.isoformat()}")
        return ActivityEvent(
            _text(data, "id"),
            _text(data, "person"),
            _text(data, "unit"),
            _choice(data, "kind", _ACTIVITY_KINDS) if kind == "activity" else "check_in",
            start,
            end,
            _count(data, "households_visited"),
            _count(data, "services_done"),
            _flag(data, "has_work_log"),
            _flag(data, "has_photo"),
        )
    if kind == "meeting":
        attendees = data.get("attendees", [])
        if not isinstance(attendees, list | tuple) or not all(
            isinstance(a, str) and a for a in attendees
        ):
            raise EventError("attendees: expected a list of person ids")
        return MeetingEvent(
            _text(data, "id"),
            _choice(data, "kind", _MEETING_KINDS),
            _text(data, "unit"),
            _date(data, "date"),
            tuple(attendees),
        )
    if kind == "report":
        return ReportEvent(
            _text(data, "id"),
            _choice(data, "kind", _REPORT_KINDS),
            _text(data, "author"),
            _text(data, "recipient"),
            _date(data, "date"),
        )
    if kind == "task":
        first, last = _date(data, "start"), _date(data, "end")
        if last < first:
            raise EventError(f"end {last.isoformat()} is before start {first.isoformat()}")
        reason = data.get("reason", "routine")
        if reason not in _TASK_REASONS:
            raise EventError(f"reason: {reason!r} is not one of {', '.join(sorted(_TASK_REASONS))}")
        return TaskEvent(
            _text(data, "id"),
            _text(data, "person"),
            _choice(data, "kind", _TASK_KINDS),
            first,
            last,
            str(reason),
        )
    if kind == "incident":
        return IncidentEvent(
            _text(data, "id"),
            _text(data, "person"),
            _choice(data, "kind", _INCIDENT_KINDS),
            _date(data, "date"),
        )
    if kind == "clock":
        return ClockEvent(_datetime(data, "now"))
    raise EventError(f"type: {kind!r} is not one of {', '.join(EVENT_TYPES)}")


def fast_activity(d: dict[str, Any]) -> ActivityEvent | None:
    """A well-formed activity, checked with cheap type tests (the native engine's hot path).

    Anything unusual (a missing field, an offset, a bad value) returns None, and the careful
    path parses it again and names what is wrong.
    """
    g = d.get
    rid, person, unit, kind, s, e = g("id"), g("person"), g("unit"), g("kind"), g("start"), g("end")
    hh, sv = g("households_visited", 0), g("services_done", 0)
    log, photo = g("has_work_log", False), g("has_photo", False)
    if not (
        type(rid) is str
        and type(person) is str
        and type(unit) is str
        and type(s) is str
        and type(e) is str
        and type(hh) is int
        and type(sv) is int
        and type(log) is bool
        and type(photo) is bool
        and kind in _ACTIVITY_KINDS
        and hh >= 0
        and sv >= 0
    ):
        return None
    rid, person, unit = rid.strip(), person.strip(), unit.strip()
    if not (rid and person and unit):
        return None
    try:
        start, end = _fromiso(s), _fromiso(e)
    except ValueError:
        return None
    if start.tzinfo is not None or end.tzinfo is not None or end < start:
        return None
    return ActivityEvent(rid, person, unit, kind, start, end, hh, sv, log, photo)


_fromiso: Final = dt.datetime.fromisoformat


def events_from_dataset(dataset: Dataset) -> Iterator[dict[str, Any]]:
    """The activities, meetings, reports, tasks and incidents of ``dataset`` as events, in time
    order (ties by type, then id), ready to replay into a monitor."""
    rows: list[tuple[dt.datetime, int, str, dict[str, Any]]] = []
    for order, (table, etype, when) in enumerate(
        (
            ("tasks", "task", "start"),
            ("incidents", "incident", "date"),
            ("meetings", "meeting", "date"),
            ("reports", "report", "date"),
            ("activities", "activity", "start"),
        )
    ):
        for row in dataset.table(table).to_pylist():
            event = {"type": etype, **{k: v for k, v in row.items() if v is not None}}
            at = row[when]
            rows.append(
                (at if isinstance(at, dt.datetime) else _midnight(at), order, row["id"], event)
            )
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    for _, _, _, event in rows:
        yield event


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _text(data: Mapping[str, Any], name: str) -> str:
    v = data.get(name)
    if not isinstance(v, str) or not v.strip():
        raise EventError(f"{name}: expected a non-empty string, got {v!r}")
    return v.strip()


def _choice(data: Mapping[str, Any], name: str, allowed: frozenset[str]) -> str:
    v = data.get(name)
    if v not in allowed:
        raise EventError(f"{name}: {v!r} is not one of {', '.join(sorted(allowed))}")
    return str(v)


def _count(data: Mapping[str, Any], name: str) -> int:
    v = data.get(name, 0)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise EventError(f"{name}: expected a whole number >= 0, got {v!r}")
    return v


def _flag(data: Mapping[str, Any], name: str) -> bool:
    v = data.get(name, False)
    if not isinstance(v, bool):
        raise EventError(f"{name}: expected true or false, got {v!r}")
    return v


def _datetime(data: Mapping[str, Any], name: str) -> dt.datetime:
    raw = data.get(name)
    if isinstance(raw, dt.datetime):
        v = raw
    elif isinstance(raw, dt.date):
        v = _midnight(raw)
    elif isinstance(raw, str):
        try:
            v = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise EventError(f"{name}: {raw!r} is not an ISO date-time") from None
    else:
        raise EventError(f"{name}: expected an ISO date-time, got {raw!r}")
    if v.tzinfo is not None:  # local time is China's (UTC+8)
        v = v.astimezone(CHINA).replace(tzinfo=None)
    return v


def _date(data: Mapping[str, Any], name: str) -> dt.date:
    v = data.get(name)
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            raise EventError(f"{name}: {v!r} is not an ISO date (YYYY-MM-DD)") from None
    raise EventError(f"{name}: expected an ISO date, got {v!r}")
