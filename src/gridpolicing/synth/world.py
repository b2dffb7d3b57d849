"""The structure of a synthetic deployment: units, people, assignments and the small tables.

Assignments are built as :class:`Stint` objects: a person's continuous post in a unit. Injected
changes are recorded on the stint (a day off the register, a day without a post) and turned
into assignment rows only at the end, so several changes on one stint compose. The activity
table is not held here: :mod:`gridpolicing.synth.activity` builds it in DuckDB from the
loggers (stints with an activity plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Final, final

import pyarrow as pa

from gridpolicing.io.dataset_schema import Column, columns
from gridpolicing.model.tables import TABLES
from gridpolicing.synth.calendar import ONE

__all__ = ["Logger", "Row", "Stint", "World", "arrow_table"]

Row = dict[str, Any]
_OVERRIDABLE: Final = frozenset({"posts", "employment", "registered", "reported", "filed"})


@final
@dataclass(frozen=True, slots=True)
class Logger:
    """Days a person logs activities in a unit under a plan (both ends inclusive)."""

    person: str
    unit: str
    plan: str
    start: dt.date
    end: dt.date


@dataclass(slots=True)
class Stint:
    """A person's continuous post in a unit, before injected changes split it into rows."""

    id: str
    person: str
    unit: str
    role: str
    start: dt.date
    end: dt.date | None = None
    employment: str = "full_time"
    concurrent: bool = False
    posts: tuple[str, ...] = ()
    registered: bool = True
    reported: bool = True
    filed: bool = True
    plan: str | None = None
    """The activity plan the person logs under in this unit, if any."""
    gaps: set[dt.date] = field(default_factory=set)
    """Days the assignment is interrupted (off the register that day)."""
    overrides: dict[dt.date, dict[str, Any]] = field(default_factory=dict)
    """Days on which some fields differ (a one-day record without the post ...)."""

    def active(self, day: dt.date) -> bool:
        """True when the stint holds on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end) and day not in self.gaps

    def override(self, day: dt.date, **values: Any) -> None:
        """Give some fields other values on ``day`` only."""
        unknown = set(values) - _OVERRIDABLE
        if unknown:
            raise ValueError(f"cannot override {sorted(unknown)}")
        self.overrides.setdefault(day, {}).update(values)

    def rows(self) -> list[Row]:
        """The assignment rows: one per run of days with the same fields."""
        specials = sorted(
            d
            for d in self.gaps | set(self.overrides)
            if d >= self.start and (self.end is None or d <= self.end)
        )
        spans: list[tuple[dt.date, dt.date | None, dict[str, Any]]] = []
        cur: dt.date | None = self.start
        for d in specials:
            assert cur is not None
            if cur <= d - ONE:
                spans.append((cur, d - ONE, {}))
            if d not in self.gaps:
                spans.append((d, d, self.overrides.get(d, {})))
            cur = d + ONE
        if cur is not None and (self.end is None or cur <= self.end):
            spans.append((cur, self.end, {}))
        out = []
        for k, (a, b, extra) in enumerate(spans, 1):
            row: Row = {
                "id": self.id if len(spans) == 1 else f"{self.id}-{k}",
                "person": self.person,
                "unit": self.unit,
                "role": self.role,
                "start": a,
                "end": b,
                "employment": self.employment,
                "concurrent": self.concurrent,
                "posts": list(self.posts),
                "registered": self.registered,
                "reported": self.reported,
                "filed": self.filed,
            }
            for key, value in extra.items():
                row[key] = list(value) if key == "posts" else value
            out.append(row)
        return out

    def logged_spans(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Runs of active days inside ``first..last``."""
        a = max(self.start, first)
        b = min(self.end or last, last)
        out: list[tuple[dt.date, dt.date]] = []
        cur = a
        for d in sorted(g for g in self.gaps if a <= g <= b):
            if cur <= d - ONE:
                out.append((cur, d - ONE))
            cur = d + ONE
        if cur <= b:
            out.append((cur, b))
        return out


@final
class World:
    """Every table but activities, for one dataset over ``start..end``."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self.units: list[Row] = []
        self.people: list[Row] = []
        self.stints: list[Stint] = []
        self.meetings: list[Row] = []
        self.reports: list[Row] = []
        self.tasks: list[Row] = []
        self.incidents: list[Row] = []
        self.surveys: list[Row] = []
        self.funding: list[Row] = []
        self.checklists: list[Row] = []
        self.sensitive_periods: list[Row] = []
        self._unit_index: dict[str, Row] = {}
        self._counters: dict[str, int] = {}

    # -- building ------------------------------------------------------------------------

    def next_id(self, prefix: str, width: int = 6) -> str:
        """``prefix`` followed by the next number for that prefix, zero-padded."""
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def unit(self, uid: str, type: str, name: str, **fields: Any) -> str:
        """Add a unit; returns its id."""
        row: Row = {"id": uid, "type": type, "name": name, **fields}
        self.units.append(row)
        self._unit_index[uid] = row
        return uid

    def unit_row(self, uid: str) -> Row:
        """The unit ``uid`` as added."""
        return self._unit_index[uid]

    def person(self, pid: str, name: str, **fields: Any) -> str:
        """Add a person; returns their id."""
        self.people.append({"id": pid, "name": name, **fields})
        return pid

    def stint(self, person: str, unit: str, role: str, start: dt.date, **fields: Any) -> Stint:
        """Add an assignment (as a stint) with an id ``as-<person>-<n>``."""
        sid = self.next_id(f"as-{person}-", 2)
        s = Stint(sid, person, unit, role, start, **fields)
        self.stints.append(s)
        return s

    def copy_stint(self, s: Stint, **changes: Any) -> Stint:
        """A new stint like ``s`` (new id, no gaps or overrides) with some fields changed."""
        person = str(changes.get("person", s.person))
        new = replace(s, id=self.next_id(f"as-{person}-", 2), gaps=set(), overrides={}, **changes)
        self.stints.append(new)
        return new

    def stints_of(self, person: str) -> list[Stint]:
        """The person's stints, in the order added."""
        return [s for s in self.stints if s.person == person]

    def covering(self, unit: str, day: dt.date, roles: Iterable[str]) -> list[Stint]:
        """Stints of ``roles`` holding ``unit`` on ``day``."""
        wanted = set(roles)
        return [s for s in self.stints if s.unit == unit and s.role in wanted and s.active(day)]

    def drop(self, table: str, where: Callable[[Row], bool]) -> int:
        """Remove the rows of a small table matching ``where``; returns how many."""
        rows: list[Row] = getattr(self, table)
        keep = [r for r in rows if not where(r)]
        setattr(self, table, keep)
        return len(rows) - len(keep)

    # -- output --------------------------------------------------------------------------

    def assignments(self) -> list[Row]:
        """Assignment rows of every stint."""
        return [row for s in self.stints for row in s.rows()]

    def loggers(self) -> list[Logger]:
        """Logging spans inside the range, merged per person, unit and plan, in a fixed order."""
        out: list[Logger] = []
        for s in self.stints:
            if s.plan is None:
                continue
            for a, b in s.logged_spans(self.start, self.end):
                out.append(Logger(s.person, s.unit, s.plan, a, b))
        out.sort(key=lambda x: (x.person, x.unit, x.plan, x.start))
        merged: list[Logger] = []
        for lg in out:
            last = merged[-1] if merged else None
            if (
                last is not None
                and (last.person, last.unit, last.plan) == (lg.person, lg.unit, lg.plan)
                and lg.start <= last.end + ONE
            ):
                merged[-1] = replace(last, end=max(last.end, lg.end))
            else:
                merged.append(lg)
        return merged

    def tables(self) -> dict[str, pa.Table]:
        """Every table but activities as Arrow tables (empty where nothing was built), by id."""
        rows: dict[str, list[Row]] = {
            "units": self.units,
            "people": self.people,
            "assignments": self.assignments(),
            "meetings": self.meetings,
            "reports": self.reports,
            "tasks": self.tasks,
            "incidents": self.incidents,
            "surveys": self.surveys,
            "funding": self.funding,
            "checklists": self.checklists,
            "sensitive_periods": self.sensitive_periods,
        }
        return {
            name: arrow_table(name, sorted(rows.get(name, []), key=_by_id))
            for name in TABLES
            if name != "activities"
        }


def _by_id(row: Row) -> str:
    return str(row["id"])


_ARROW: Final[dict[str, pa.DataType]] = {
    "str": pa.string(),
    "enum": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s"),
}


def _arrow_type(c: Column) -> pa.DataType:
    base = _ARROW[c.kind]
    return pa.list_(base) if c.is_list else base


def arrow_table(name: str, rows: list[Row]) -> pa.Table:
    """Rows of table ``name`` as an Arrow table with every column of its model, in order."""
    cols = columns(TABLES[name].model)
    known = {c.name for c in cols}
    for r in rows[:1]:
        extra = set(r) - known
        if extra:
            raise ValueError(f"{name}: unknown fields {sorted(extra)}")
    data = {}
    for c in cols:
        default = list(c.default) if isinstance(c.default, tuple) else c.default
        data[c.name] = pa.array([r.get(c.name, default) for r in rows], _arrow_type(c))
    return pa.table(data)
