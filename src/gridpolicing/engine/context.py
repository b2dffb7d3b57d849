"""What a rule kind sees while planning: buckets, subjects, the calendar and shared aggregates.

A rule kind's ``plan`` returns one SQL query (DuckDB dialect, plain relational SQL) producing the
**outcome relation**, one row per (subject, bucket):

====================  ============  =====================================================
column                type          meaning
====================  ============  =====================================================
subject_type          VARCHAR       ``unit`` or ``person``
subject_id            VARCHAR       the unit's or person's id
bucket                VARCHAR       bucket key: ``2022-W05``, ``2022-03``, ``2022``, ...
bucket_start          DATE          first day of the bucket
bucket_end            DATE          last day of the bucket
status                VARCHAR       ``pass``, ``fail``, ``not_applicable``, ``insufficient_data``
measured              DOUBLE        what the data shows (hours, people, count ...) or NULL
required              DOUBLE        what the clause demands, or NULL
evidence              VARCHAR[]     ids of the records the measure was computed from
detail                VARCHAR       extra words for the message (may be NULL)
====================  ============  =====================================================

The engine adds the rule id, severity and citation. Tables of the dataset are visible by name
(``units``, ``people``, ``assignments``, ``activities``, ``meetings`` ...); the context adds:

* :meth:`PlanContext.buckets`: ``bucket, bstart, bend, days, working_days`` for a period;
* :meth:`PlanContext.subjects`: the rule's subjects per bucket, with ``units`` (assigned units);
* :attr:`PlanContext.calendar`: ``day, workday, holiday, sensitive``;
* :attr:`PlanContext.activity_daily`: activities summed per person, unit, kind and day, shared by
  every rule that reads activities so the large table is scanned once per evaluation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, final

from gridpolicing.engine.calendar import calendar_days
from gridpolicing.engine.periods import DateRange, buckets
from gridpolicing.policy.models import Period, RuleSpec, Subject
from gridpolicing.policy.values import Dated, ParamRef

if TYPE_CHECKING:
    import duckdb

__all__ = ["EngineState", "PlanContext", "sql_literal"]


def sql_literal(value: Any) -> str:
    """A SQL literal for a Python value (strings quoted, dates typed, lists as lists)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return (
            "[" + ", ".join(sql_literal(v) for v in items) + "]::VARCHAR[]"
            if items
            else "[]::VARCHAR[]"
        )
    text = str(value).replace("'", "''")
    return f"'{text}'"


@final
class EngineState:
    """Per-evaluation state on one cursor: temporary tables built once and shared by rules."""

    __slots__ = ("_activity_daily", "_buckets", "con", "official_calendar", "range")

    def __init__(self, con: duckdb.DuckDBPyConnection, rng: DateRange) -> None:
        self.con = con
        self.range = rng
        self._buckets: set[Period] = set()
        self._activity_daily = False
        # A library must not draw progress bars on its caller's terminal.
        con.execute("SET enable_progress_bar = false")
        # Every result the engine returns is ordered explicitly (findings by rule, subject and
        # bucket; evidence lists sorted), so DuckDB need not preserve insertion order.
        con.execute("SET preserve_insertion_order = false")
        days = calendar_days(rng.start, rng.end)
        self.official_calendar = all(d.official for d in days)
        con.execute("CREATE TEMP TABLE _cal_days (day DATE, workday BOOLEAN, holiday BOOLEAN)")
        con.executemany(
            "INSERT INTO _cal_days VALUES (?, ?, ?)", [(d.day, d.workday, d.holiday) for d in days]
        )
        con.execute(
            """CREATE TEMP TABLE _cal AS
               SELECT c.day, c.workday, c.holiday,
                      EXISTS (SELECT 1 FROM sensitive_periods s
                              WHERE c.day BETWEEN s.start AND s."end") AS sensitive
               FROM _cal_days c ORDER BY c.day"""
        )

    def buckets_table(self, period: Period) -> str:
        """Name of the temporary table of ``period``'s buckets inside the range."""
        name = f"_buckets_{period.value}"
        if period not in self._buckets:
            self.con.execute(f"CREATE TEMP TABLE {name} (bucket VARCHAR, bstart DATE, bend DATE)")
            rows = [(b.key, b.start, b.end) for b in buckets(period, self.range)]
            if rows:
                self.con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?)", rows)
            self.con.execute(
                f"""CREATE TEMP TABLE {name}_cal AS
                    SELECT b.bucket, b.bstart, b.bend,
                           count(*)::INTEGER AS days,
                           count(*) FILTER (WHERE c.workday)::INTEGER AS working_days
                    FROM {name} b JOIN _cal c ON c.day BETWEEN b.bstart AND b.bend
                    GROUP BY ALL ORDER BY b.bstart"""
            )
            self._buckets.add(period)
        return f"{name}_cal"

    def activity_daily(self) -> str:
        """Name of the shared per-(person, unit, kind, day) activity aggregate within the range."""
        if not self._activity_daily:
            self.con.execute(
                f"""CREATE TEMP TABLE _activity_daily AS
                    SELECT person, unit, kind, CAST(start AS DATE) AS day,
                           count(*) AS n,
                           sum(date_diff('second', start, "end")) / 3600.0 AS hours,
                           sum(households_visited) AS households,
                           sum(services_done) AS services,
                           sum(quantity) AS quantity,
                           count(*) FILTER (WHERE has_work_log) AS with_log,
                           count(*) FILTER (WHERE has_photo) AS with_photo,
                           list(id) AS ids
                    FROM activities
                    WHERE CAST(start AS DATE) BETWEEN {sql_literal(self.range.start)}
                                                  AND {sql_literal(self.range.end)}
                    GROUP BY ALL"""
            )
            self._activity_daily = True
        return "_activity_daily"


@final
class PlanContext:
    """The context one rule plans in; buckets are limited to the days the rule is in force."""

    __slots__ = ("_state", "rule")

    def __init__(self, state: EngineState, rule: RuleSpec | None) -> None:
        self._state = state
        self.rule = rule  # None when planning for an assessment scheme

    @property
    def range(self) -> DateRange:
        """The evaluation range."""
        return self._state.range

    @property
    def calendar(self) -> str:
        """Relation ``day, workday, holiday, sensitive`` over the evaluation range."""
        return "_cal"

    @property
    def activity_daily(self) -> str:
        """Relation ``person, unit, kind, day, n, hours, households, services, quantity,
        with_log, with_photo, ids`` (activities within the range, by start day)."""
        return self._state.activity_daily()

    def buckets(self, period: Period) -> str:
        """Relation ``bucket, bstart, bend, days, working_days`` for buckets in force."""
        table = self._state.buckets_table(period)
        conds = []
        if self.rule is not None and self.rule.effective_from:
            conds.append(f"bstart >= {sql_literal(self.rule.effective_from)}")
        if self.rule is not None and self.rule.effective_to:
            conds.append(f"bend <= {sql_literal(self.rule.effective_to)}")
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"(SELECT * FROM {table}{where})"

    def subjects(self, period: Period, subject: Subject | None = None) -> str:
        """Relation of the rule's subjects in each bucket in force.

        Columns: ``subject_type, subject_id, bucket, bstart, bend, days, working_days, units,
        full``. For units, ``units`` is ``[id]`` and ``full`` is true. For people, one row per
        person holding a selected role at any time in the bucket; ``units`` are the units of
        those assignments, and ``full`` says whether the assignments cover the whole bucket.
        """
        if subject is None:
            if self.rule is None:
                raise ValueError("subjects() needs a subject outside a rule")
            subject = self.rule.subject
        b = self.buckets(period)
        if subject.units is not None:
            return f"""(SELECT 'unit' AS subject_type, u.id AS subject_id, b.*,
                               [u.id] AS units, TRUE AS "full"
                        FROM units u CROSS JOIN {b} b
                        WHERE {self.unit_filter(subject, "u")})"""
        return f"""(SELECT 'person' AS subject_type, a.person AS subject_id, b.bucket, b.bstart,
                           b.bend, b.days, b.working_days,
                           list(DISTINCT a.unit ORDER BY a.unit) AS units,
                           (min(a.start) <= b.bstart AND
                            max(coalesce(a."end", DATE '9999-12-31')) >= b.bend) AS "full"
                    FROM ({self.assignments_sql(subject)}) a JOIN {b} b
                      ON a.start <= b.bend AND coalesce(a."end", DATE '9999-12-31') >= b.bstart
                    GROUP BY a.person, b.bucket, b.bstart, b.bend, b.days, b.working_days)"""

    def unit_filter(self, subject: Subject, alias: str) -> str:
        """A SQL condition selecting the subject's units in table alias ``alias``."""
        sel = subject.units
        if sel is None:
            raise ValueError("unit_filter needs a units subject")
        conds = [f"{alias}.type = {sql_literal(sel.type.value)}"]
        if sel.area is not None:
            conds.append(f"{alias}.area = {sql_literal(sel.area.value)}")
        if sel.category is not None:
            conds.append(
                f"{alias}.category IN ({', '.join(sql_literal(c.value) for c in sel.category)})"
            )
        if sel.ids is not None:
            conds.append(f"{alias}.id IN ({', '.join(sql_literal(i) for i in sel.ids)})")
        return " AND ".join(conds)

    def assignments_sql(self, subject: Subject) -> str:
        """Assignments matching a people subject (all columns of ``assignments``)."""
        sel = subject.people
        if sel is None:
            raise ValueError("assignments_sql needs a people subject")
        conds = [f"a.role IN ({', '.join(sql_literal(r.value) for r in sel.roles)})"]
        if sel.employment is not None:
            conds.append(f"a.employment = {sql_literal(sel.employment.value)}")
        if sel.concurrent is not None:
            conds.append(f"a.concurrent = {sql_literal(sel.concurrent)}")
        if sel.party_member is not None:
            conds.append(
                "a.person IN (SELECT id FROM people WHERE party_member = "
                f"{sql_literal(sel.party_member)})"
            )
        if sel.unit_area is not None:
            conds.append(
                f"a.unit IN (SELECT id FROM units WHERE area = {sql_literal(sel.unit_area.value)})"
            )
        return f"SELECT a.* FROM assignments a WHERE {' AND '.join(conds)}"

    def value(self, value: Any, day_sql: str) -> str:
        """SQL expression of a policy value on the day ``day_sql`` (NULL when not in force)."""
        if isinstance(value, ParamRef):
            raise ValueError(f"parameter {value.param!r} was not substituted")
        if isinstance(value, Dated):
            branches = []
            for start, v in sorted(value.values.items(), reverse=True):
                branches.append(f"WHEN {day_sql} >= {sql_literal(start)} THEN {sql_literal(v)}")
            return f"(CASE {' '.join(branches)} ELSE NULL END)"
        if hasattr(value, "value") and not isinstance(value, str | int | float):
            return sql_literal(value.value)  # an enum
        return sql_literal(value)

    @staticmethod
    def lit(value: Any) -> str:
        """A SQL literal (see :func:`sql_literal`)."""
        return sql_literal(value)
