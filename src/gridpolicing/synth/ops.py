"""Changes injected into generated activity records, compiled to SQL on the generator's tables.

Three stages: :class:`RemoveDays` takes worked days away before records are placed (so the
records a bucket requires land on the days left); record changes (:class:`DropKinds`,
:class:`MoveKinds`, :class:`WeakVisit`, :class:`UnlogOne`, :class:`AddActivity`) act on the
placed records; :class:`ShortWeek` sets a person-week's hours below the threshold when the
hours are scaled. Each change reports whether it found something to change, so a change that
could not be made never reaches the truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, final

__all__ = [
    "ActivityOp",
    "AddActivity",
    "DropKinds",
    "MoveKinds",
    "RecordOp",
    "RemoveDays",
    "ShortWeek",
    "UnlogOne",
    "WeakVisit",
    "q",
]


def q(value: str | dt.date | int) -> str:
    """A SQL literal."""
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _kinds(kinds: Sequence[str]) -> str:
    return "(" + ", ".join(q(k) for k in kinds) + ")"


@final
@dataclass(frozen=True, slots=True)
class RemoveDays:
    """The person works no day in ``first..last`` but the first ``keep`` working days.

    With ``short_first`` the first day kept is also cut below the plan's daily hours (its
    records scaled to half to three quarters of the minimum), so one day fewer counts where a
    rule counts only days of enough hours; the change applies when that day was cut.
    """

    person: str
    first: dt.date
    last: dt.date
    keep: int = 0
    short_first: bool = False

    def sql(self) -> list[str]:
        """Statements on the worked-day table ``_wd0``."""
        kept = (
            f"SELECT DISTINCT day FROM _wd0 WHERE person = {q(self.person)} AND workday "
            f"AND day BETWEEN {q(self.first)} AND {q(self.last)} ORDER BY day LIMIT {self.keep}"
        )
        return [
            f"DELETE FROM _wd0 WHERE person = {q(self.person)} AND day BETWEEN {q(self.first)} "
            f"AND {q(self.last)} AND day NOT IN ({kept})"
        ]


@final
@dataclass(frozen=True, slots=True)
class DropKinds:
    """No record of ``kinds`` in ``first..last`` (of the person, or in the unit, or both)."""

    first: dt.date
    last: dt.date
    kinds: tuple[str, ...]
    person: str | None = None
    unit: str | None = None

    def sql(self) -> list[str]:
        """Statements on the record table ``_raw``."""
        who = ""
        if self.person is not None:
            who += f" AND person = {q(self.person)}"
        if self.unit is not None:
            who += f" AND unit = {q(self.unit)}"
        return [
            f"DELETE FROM _raw WHERE day BETWEEN {q(self.first)} AND {q(self.last)} "
            f"AND kind IN {_kinds(self.kinds)}{who}"
        ]


@final
@dataclass(frozen=True, slots=True)
class MoveKinds:
    """The person's records of ``kinds`` in ``first..last`` move to the first day they work
    in ``to_first..to_last`` in the same unit (dropped where there is none): totals are kept."""

    person: str
    first: dt.date
    last: dt.date
    kinds: tuple[str, ...]
    to_first: dt.date
    to_last: dt.date

    def sql(self) -> list[str]:
        """Statements on ``_raw``."""
        p = q(self.person)
        span = f"BETWEEN {q(self.first)} AND {q(self.last)}"
        return [
            f"""UPDATE _raw SET day = t.day2 FROM (
                  SELECT lid, min(day) AS day2 FROM _wd WHERE person = {p}
                  AND day BETWEEN {q(self.to_first)} AND {q(self.to_last)} GROUP BY lid) t
                WHERE _raw.lid = t.lid AND _raw.person = {p} AND _raw.day {span}
                  AND _raw.kind IN {_kinds(self.kinds)}""",
            f"DELETE FROM _raw WHERE person = {p} AND day {span} AND kind IN {_kinds(self.kinds)}",
        ]


@final
@dataclass(frozen=True, slots=True)
class WeakVisit:
    """On the person's first worked day in ``first..last`` the visit lacks ``what``."""

    person: str
    first: dt.date
    last: dt.date
    what: Literal["households", "services", "photo", "log"]

    def sql(self) -> list[str]:
        """Statements on ``_raw``."""
        day = (
            f"(SELECT min(day) FROM _raw WHERE person = {q(self.person)} "
            f"AND day BETWEEN {q(self.first)} AND {q(self.last)})"
        )
        change = {
            "households": "households = CASE WHEN src = 0 AND kind = 'household_visit' "
            "THEN 1 + CAST(seq % 4 AS BIGINT) ELSE 0 END",
            "services": "services = 0",
            "photo": "photo = FALSE",
            "log": "log = FALSE",
        }[self.what]
        return [f"UPDATE _raw SET {change} WHERE person = {q(self.person)} AND day = {day}"]


@final
@dataclass(frozen=True, slots=True)
class UnlogOne:
    """The first record of ``kinds`` in the unit in ``first..last`` has no work log."""

    unit: str
    first: dt.date
    last: dt.date
    kinds: tuple[str, ...]

    def sql(self) -> list[str]:
        """Statements on ``_raw``."""
        pick = (
            f"SELECT lid, oday, seq FROM _raw WHERE unit = {q(self.unit)} AND day BETWEEN "
            f"{q(self.first)} AND {q(self.last)} AND kind IN {_kinds(self.kinds)} "
            "ORDER BY day, person, lid, oday, seq LIMIT 1"
        )
        return [f"UPDATE _raw SET log = FALSE WHERE (lid, oday, seq) IN ({pick})"]


@final
@dataclass(frozen=True, slots=True)
class AddActivity:
    """One more record: ``kind`` by the person in the unit on ``day``."""

    person: str
    unit: str
    day: dt.date
    kind: str
    number: int

    def sql(self) -> list[str]:
        """Statements on ``_raw``."""
        return [
            f"""INSERT INTO _raw BY NAME SELECT -1 AS lid, {q(self.person)} AS person,
                  {q(self.unit)} AS unit, NULL AS plan, {q(self.day)} AS day,
                  {q(self.day)} AS oday, 9 AS src, {self.number} AS seq, {q(self.kind)} AS kind,
                  NULL AS subkind, 90 AS minutes, 0 AS households, 0 AS services,
                  0 AS quantity, 0 AS hz_found, 0 AS hz_rect, TRUE AS log, TRUE AS photo"""
        ]


@final
@dataclass(frozen=True, slots=True)
class ShortWeek:
    """The person's hours in the ISO week ``week`` (``2022-W05``) are cut below the minimum."""

    person: str
    week: str


RecordOp = DropKinds | MoveKinds | WeakVisit | UnlogOne | AddActivity
ActivityOp = RemoveDays | RecordOp | ShortWeek
