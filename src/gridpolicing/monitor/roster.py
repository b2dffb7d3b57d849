"""Who a rule is about, from the dataset's units, people and assignments, and the calendar.

The monitor reads these tables once; they mirror :meth:`PlanContext.subjects` and
:meth:`PlanContext.assignments_sql` exactly, so a subject, its assigned units and whether it is
assigned for the whole bucket are the same as in batch evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.engine.calendar import calendar_days
from gridpolicing.engine.context import person_condition, unit_condition
from gridpolicing.monitor.bounds import FIRST_DAY, LAST_BUCKET_DAY
from gridpolicing.monitor.tables import rows

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset
    from gridpolicing.policy.models import Subject

__all__ = ["Roster", "Scope", "SubjectInfo"]

_FOREVER: Final = dt.date(9999, 12, 31)
_DAY: Final = dt.timedelta(days=1)


def _sensitive_days(periods: list[dict[str, Any]]) -> frozenset[dt.date]:
    """Every day of the sensitive periods that a bucket of the monitor can hold (days beyond
    are never read). Periods are clipped to those days and merged first, so overlapping
    centuries cost one walk, not one each."""
    spans = sorted(
        (max(p["start"], FIRST_DAY), min(p["end"], LAST_BUCKET_DAY))
        for p in periods
        if p["start"] <= LAST_BUCKET_DAY and p["end"] >= FIRST_DAY
    )
    days: set[dt.date] = set()
    done = FIRST_DAY - _DAY  # the last day already added
    for first, last in spans:
        d = max(first, done + _DAY)
        while d <= last:
            days.add(d)
            d += _DAY
        done = max(done, last)
    return frozenset(days)


@final
@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """A subject in one bucket: its assigned units and whether it is assigned for all of it."""

    units: frozenset[str]
    full: bool


@final
class Roster:
    """The dataset's units, people, assignments and sensitive days, and a workday cache."""

    __slots__ = ("_dataset", "_workdays", "assignments", "people", "sensitive", "units")

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        # rows(): a Parquet date past Python's year 9999 is clamped, not a crash
        self.units: dict[str, dict[str, Any]] = {r["id"]: r for r in rows(dataset.table("units"))}
        self.people: dict[str, dict[str, Any]] = {r["id"]: r for r in rows(dataset.table("people"))}
        self.assignments: list[dict[str, Any]] = rows(dataset.table("assignments"))
        self.sensitive = _sensitive_days(rows(dataset.table("sensitive_periods")))
        self._workdays: dict[dt.date, bool] = {}

    def unit_ids(self, condition: str) -> list[str]:
        """The ids of the units meeting an SQL ``condition`` on alias ``u``, sorted."""
        return self._ids(f"SELECT id FROM units u WHERE {condition} ORDER BY id")

    def person_ids(self, condition: str) -> frozenset[str]:
        """The ids of the people meeting an SQL ``condition`` on alias ``p``."""
        return frozenset(self._ids(f"SELECT id FROM people p WHERE {condition}"))

    def _ids(self, query: str) -> list[str]:
        con = self._dataset.cursor()
        try:
            return [r[0] for r in con.execute(query).fetchall()]
        finally:
            con.close()

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day of China's official calendar (调休 included)."""
        w = self._workdays.get(day)
        if w is None:
            start = dt.date(day.year, 1, 1)
            for c in calendar_days(start, dt.date(day.year, 12, 31)):
                self._workdays[c.day] = c.workday
            w = self._workdays[day]
        return w


@final
class Scope:
    """The subjects of one rule: matching units, or people through matching assignments."""

    __slots__ = ("_by_person", "_units", "units_subject")

    def __init__(self, roster: Roster, subject: Subject) -> None:
        self.units_subject = subject.units is not None
        self._units: list[str] = []
        self._by_person: dict[str, list[tuple[str, dt.date, dt.date]]] = defaultdict(list)
        if subject.units is not None:
            # The units a rule is about, by the batch engine's own condition (where: included).
            self._units = roster.unit_ids(unit_condition(subject, "u"))
            return
        people = subject.people
        assert people is not None
        roles = {r.value for r in people.roles}
        # The people a rule is about, by the batch engine's own condition (where: included).
        condition = person_condition(subject, "p")
        chosen = roster.person_ids(condition) if condition is not None else None
        for a in roster.assignments:
            if a["role"] not in roles:
                continue
            if people.employment is not None and a["employment"] != people.employment.value:
                continue
            if people.concurrent is not None and a["concurrent"] != people.concurrent:
                continue
            if chosen is not None and a["person"] not in chosen:
                continue
            if people.unit_area is not None:
                unit = roster.units.get(a["unit"])
                if unit is None or unit["area"] != people.unit_area.value:
                    continue
            self._by_person[a["person"]].append((a["unit"], a["start"], a["end"] or _FOREVER))
        self._by_person = dict(self._by_person)

    @property
    def ids(self) -> frozenset[str]:
        """Every unit or person that is ever a subject."""
        return frozenset(self._units if self.units_subject else self._by_person)

    def subjects(self, start: dt.date, end: dt.date) -> dict[str, SubjectInfo]:
        """Subjects of the bucket ``start..end``, by id, in id order."""
        if self.units_subject:
            return {u: SubjectInfo(frozenset((u,)), True) for u in self._units}
        out: dict[str, SubjectInfo] = {}
        for person in sorted(self._by_person):
            spans = [s for s in self._by_person[person] if s[1] <= end and s[2] >= start]
            if spans:
                full = min(s[1] for s in spans) <= start and max(s[2] for s in spans) >= end
                out[person] = SubjectInfo(frozenset(s[0] for s in spans), full)
        return out

    def assigned(self, person: str, unit: str, day: dt.date) -> bool:
        """Whether ``person`` holds a matching assignment to ``unit`` on ``day``."""
        return any(u == unit and s <= day <= e for u, s, e in self._by_person.get(person, ()))

    def held(self, person: str, day: dt.date) -> bool:
        """Whether ``person`` holds any matching assignment on ``day``."""
        return any(s <= day <= e for _, s, e in self._by_person.get(person, ()))
