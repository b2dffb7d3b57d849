"""Routing: which watchers an event of a given type and kind goes to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import final

from gridpolicing.model.vocabulary import ActivityKind
from gridpolicing.monitor.events import ActivityEvent
from gridpolicing.monitor.plans import TIME_MEASURES
from gridpolicing.monitor.state import Obs
from gridpolicing.monitor.watchers import Watcher

__all__ = ["ActivityHandler", "Routes"]

ActivityHandler = Callable[[ActivityEvent], list[Obs] | None]


@final
class Routes:
    """The watchers by record type and kind.

    ``activity[kind]`` holds ``(by_unit, ids, handler)``: the handler is called only when the
    activity's unit (``by_unit``) or person is one of the plan's subjects ``ids``.
    """

    __slots__ = ("activity", "incident", "meeting", "report", "task")

    def __init__(self, watchers: Sequence[Watcher]) -> None:
        self.activity: dict[str, list[tuple[bool, frozenset[str], ActivityHandler]]] = {}
        self.meeting: dict[str, list[Watcher]] = {}
        self.report: dict[str, list[Watcher]] = {}
        self.task: dict[str, list[Watcher]] = {}
        self.incident: dict[str, list[Watcher]] = {}
        every = [k.value for k in ActivityKind]
        for w in watchers:
            p = w.plan
            kinds = sorted(p.kinds) if p.kinds is not None else every
            if p.source == "activity":
                # time matches the person, as batch evaluation does, whatever the subject; the
                # other measures match the unit when the subject is a unit
                by_unit = w.scope.units_subject and p.measure not in TIME_MEASURES
                route = (by_unit, w.scope.ids, _activity_handler(w))
                for k in kinds:
                    self.activity.setdefault(k, []).append(route)
            else:
                table = {
                    "meeting": self.meeting,
                    "report": self.report,
                    "task": self.task,
                    "incident": self.incident,
                }[p.source]
                for k in kinds:
                    table.setdefault(k, []).append(w)


def _activity_handler(w: Watcher) -> ActivityHandler:
    """The handler of the plan's measure (not of its rule kind: a ``measure`` rule of hours is
    watched as a time commitment is)."""
    p = w.plan
    if p.measure in TIME_MEASURES:
        return w.on_time
    if p.measure == "count":
        count = w.count
        if w.scope.units_subject:

            def by_unit(ev: ActivityEvent) -> None:
                count(ev.unit, ev.id, ev.day, None)

            return by_unit

        def by_person(ev: ActivityEvent) -> None:
            count(ev.person, ev.id, ev.day, ev.unit)

        return by_person
    if p.measure == "visits":
        return w.on_visit
    return w.on_record
