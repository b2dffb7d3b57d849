"""Events the monitor takes: activity logs, check-ins, meetings, reports, tasks, incidents, clock.

An event is a mapping with a ``type`` and the fields of the dataset table it belongs to
(``docs/monitor.md`` lists them). Parsing is hand-written rather than a pydantic model because
the native engine must take more than 100,000 events a second; every error names the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.model.vocabulary import (
    ActivityKind,
    IncidentKind,
    MeetingKind,
    ReportKind,
    TaskKind,
    TaskReason,
)
from gridpolicing.monitor.bounds import (
    EARLIEST,
    LATEST,
    MAX_COUNT,
    MAX_TEXT,
    EventError,
    choice,
    count,
    date_field,
    flag,
    moment,
    show,
    text,
    text_list,
)
from gridpolicing.monitor.tables import outside_window

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

EVENT_TYPES: Final = ("activity", "check_in", "meeting", "report", "task", "incident", "clock")

_ACTIVITY_KINDS: Final = frozenset(k.value for k in ActivityKind)
_MEETING_KINDS: Final = frozenset(k.value for k in MeetingKind)
_REPORT_KINDS: Final = frozenset(k.value for k in ReportKind)
_TASK_KINDS: Final = frozenset(k.value for k in TaskKind)
_TASK_REASONS: Final = frozenset(k.value for k in TaskReason)
_INCIDENT_KINDS: Final = frozenset(k.value for k in IncidentKind)


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
        raise EventError(f"an event is a JSON object, not {show(data)}")
    kind = data.get("type")
    if kind == "activity" or kind == "check_in":
        start = moment(data, "start")
        end = moment(data, "end") if kind == "activity" or "end" in data else start
        if end < start:
            raise EventError(f"end {end.isoformat()} is before start {start.isoformat()}")
        return ActivityEvent(
            text(data, "id"),
            text(data, "person"),
            text(data, "unit"),
            choice(data, "kind", _ACTIVITY_KINDS) if kind == "activity" else "check_in",
            start,
            end,
            count(data, "households_visited"),
            count(data, "services_done"),
            flag(data, "has_work_log"),
            flag(data, "has_photo"),
        )
    if kind == "meeting":
        return MeetingEvent(
            text(data, "id"),
            choice(data, "kind", _MEETING_KINDS),
            text(data, "unit"),
            date_field(data, "date"),
            text_list(data, "attendees"),
        )
    if kind == "report":
        return ReportEvent(
            text(data, "id"),
            choice(data, "kind", _REPORT_KINDS),
            text(data, "author"),
            text(data, "recipient"),
            date_field(data, "date"),
        )
    if kind == "task":
        first, last = date_field(data, "start"), date_field(data, "end")
        if last < first:
            raise EventError(f"end {last.isoformat()} is before start {first.isoformat()}")
        return TaskEvent(
            text(data, "id"),
            text(data, "person"),
            choice(data, "kind", _TASK_KINDS),
            first,
            last,
            choice(data, "reason", _TASK_REASONS, "routine"),
        )
    if kind == "incident":
        return IncidentEvent(
            text(data, "id"),
            text(data, "person"),
            choice(data, "kind", _INCIDENT_KINDS),
            date_field(data, "date"),
        )
    if kind == "clock":
        return ClockEvent(moment(data, "now"))
    raise EventError(f"type: {show(kind)} is not one of {', '.join(EVENT_TYPES)}")


def fast_activity(d: dict[str, Any]) -> ActivityEvent | None:
    """A well-formed activity, checked with cheap type tests (the native engine's hot path).

    Anything unusual (a missing field, an offset, a bad value, non-ASCII or long text, a time
    outside the window) returns None, and the careful path parses it again and names what is
    wrong.
    """
    g = d.get
    rid, person, unit, kind, s, e = g("id"), g("person"), g("unit"), g("kind"), g("start"), g("end")
    hh, sv = g("households_visited", 0), g("services_done", 0)
    log, photo = g("has_work_log", False), g("has_photo", False)
    if not (
        type(rid) is str
        and type(person) is str
        and type(unit) is str
        and type(kind) is str  # before the set lookup: a list is not hashable
        and type(s) is str
        and type(e) is str
        and type(hh) is int
        and type(sv) is int
        and type(log) is bool
        and type(photo) is bool
        and kind in _ACTIVITY_KINDS
        and 0 <= hh <= MAX_COUNT
        and 0 <= sv <= MAX_COUNT
        # ASCII text is valid Unicode; anything else is checked on the careful path
        and rid.isascii()
        and person.isascii()
        and unit.isascii()
        and len(rid) + len(person) + len(unit) <= MAX_TEXT
    ):
        return None
    rid, person, unit = rid.strip(), person.strip(), unit.strip()
    if not (rid and person and unit):
        return None
    try:
        start, end = _fromiso(s), _fromiso(e)
    except ValueError:
        return None
    if start.tzinfo is not None or end.tzinfo is not None:
        return None
    if not (EARLIEST <= start <= end < LATEST):
        return None
    return ActivityEvent(rid, person, unit, kind, start, end, hh, sv, log, photo)


_fromiso: Final = dt.datetime.fromisoformat


def events_from_dataset(dataset: Dataset) -> Iterator[dict[str, Any]]:
    """The activities, meetings, reports, tasks and incidents of ``dataset`` as events, in time
    order (ties by type, then id), ready to replay into a monitor.

    Raises :class:`EventError` naming every record dated outside the monitor's time window
    (a Parquet file can hold dates the monitor cannot place on its clock), before yielding any.
    """
    sources = (
        ("tasks", "task", "start"),
        ("incidents", "incident", "date"),
        ("meetings", "meeting", "date"),
        ("reports", "report", "date"),
        ("activities", "activity", "start"),
    )
    tables = {name: dataset.table(name) for name, _, _ in sources}
    problems = [p for name, table in tables.items() for p in outside_window(table, name)]
    if problems:
        more = f"\n  ... and {len(problems) - 20:,} more" if len(problems) > 20 else ""
        raise EventError(
            f"{len(problems):,} records cannot be replayed:\n  " + "\n  ".join(problems[:20]) + more
        )
    rows: list[tuple[dt.datetime, int, str, dict[str, Any]]] = []
    for order, (table, etype, when) in enumerate(sources):
        for row in tables[table].to_pylist():
            if table == "incidents" and row["person"] is None:
                continue  # a unit's incident (a case in its area) is no person's prohibition
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
