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

A plan never measures from record ids: the shared activity relations carry an ``ids`` column
only while evidence is being resolved (:attr:`PlanContext.evidence`), and a plan reads it
through :meth:`PlanContext.ids`, which is an empty list otherwise (engine/evidence.py).

The engine adds the rule id, severity and citation. Tables of the dataset are visible by name
(``units``, ``people``, ``assignments``, ``activities``, ``meetings`` ...); the context adds:

* :meth:`PlanContext.buckets`: ``bucket, bstart, bend, days, working_days`` of the buckets the
  rule is judged for (engine/window.py says which: a bucket belongs to the run holding its last
  day, and is measured over all its days, even those before the range);
* :meth:`PlanContext.subjects`: the rule's subjects per bucket, with ``units`` (assigned units),
  one table shared by the rules of the same subjects and period;
* :attr:`PlanContext.calendar`: ``day, workday, holiday, sensitive``;
* :attr:`PlanContext.activity_daily`: activities counted per person, unit, kind and the day they
  start, shared by every rule that counts activities so the large table is scanned once per
  evaluation (its ``ids`` through :meth:`PlanContext.ids`);
* :meth:`PlanContext.daily_time`: merged time per subject and day (engine/intervals.py), the one
  place hours and days present are counted;
* :attr:`PlanContext.attendance`: attendance records derived from the duty roster and the
  sign-ins (late, absent ...: engine/attendance.py), with :attr:`PlanContext.roster_days`.

A rule kind must read dated data through the buckets' days (``day BETWEEN bstart AND bend``),
never through the range: a bucket may start before the range.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.engine.attendance import build_attendance
from gridpolicing.engine.calendar import calendar_days
from gridpolicing.engine.intervals import (
    build_activity_daily,
    build_activity_time,
    daily_time_sql,
)
from gridpolicing.engine.periods import Bucket, DateRange
from gridpolicing.engine.rows import insert_rows
from gridpolicing.engine.window import Unevaluated, Window
from gridpolicing.model.terms import BUILTIN, Vocabulary
from gridpolicing.policy.models import AnyPeriod, RuleSpec, Subject, UnitSelector
from gridpolicing.policy.values import Dated, ParamRef

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "EngineState",
    "PlanContext",
    "person_condition",
    "plan_context",
    "selector_condition",
    "sql_literal",
    "unit_condition",
]


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


def unit_condition(subject: Subject, alias: str) -> str:
    """A SQL condition selecting a units subject's units in table alias ``alias``; the one
    statement of which units a rule is about (the batch plans and the monitor both use it)."""
    if subject.units is None:
        raise ValueError("unit_condition needs a units subject")
    return selector_condition(subject.units, alias)


def selector_condition(sel: UnitSelector, alias: str) -> str:
    """A SQL condition: the unit in table alias ``alias`` is one ``sel`` selects (a rule's
    subject, or the units a measure reaches)."""
    conds = [f"{alias}.type = {sql_literal(sel.type.value)}"]
    if sel.area is not None:
        conds.append(f"{alias}.area = {sql_literal(sel.area.value)}")
    if sel.category is not None:
        conds.append(
            f"{alias}.category IN ({', '.join(sql_literal(c.value) for c in sel.category)})"
        )
    if sel.ids is not None:
        conds.append(f"{alias}.id IN ({', '.join(sql_literal(i) for i in sel.ids)})")
    conds += _tag_conditions(sel.tags, sel.without_tags, alias)
    if sel.where is not None:  # NULL (undecidable) keeps the unit: judged, never skipped
        conds.append(sel.where.sql(alias=alias, null_as=True))
    return " AND ".join(conds)


def person_condition(subject: Subject, alias: str) -> str | None:
    """A SQL condition selecting a people subject's people in table alias ``alias`` of
    ``people``, or None when the subject does not narrow people by their own columns; with
    :func:`unit_condition`, the one statement of who a rule is about (batch and monitor)."""
    sel = subject.people
    if sel is None:
        raise ValueError("person_condition needs a people subject")
    conds = []
    if sel.party_member is not None:
        conds.append(f"{alias}.party_member = {sql_literal(sel.party_member)}")
    conds += _tag_conditions(sel.tags, sel.without_tags, alias)
    if sel.rank_at_least is not None:  # a rank not given keeps the person, as where: does
        ranks = ", ".join(sql_literal(r.value) for r in sel.rank_at_least.at_least())
        conds.append(f"({alias}.rank IS NULL OR {alias}.rank IN ({ranks}))")
    if sel.where is not None:  # NULL (undecidable) keeps the person: judged, never skipped
        conds.append(sel.where.sql(alias=alias, null_as=True))
    return " AND ".join(conds) if conds else None


def _tag_conditions(
    tags: Sequence[StrEnum] | None, without: Sequence[StrEnum] | None, alias: str
) -> list[str]:
    """The record holds every tag of ``tags`` and none of ``without`` (``tags`` is never NULL)."""
    conds = []
    if tags is not None:
        conds.append(f"list_has_all({alias}.tags, {sql_literal([t.value for t in tags])})")
    if without is not None:
        conds.append(f"NOT list_has_any({alias}.tags, {sql_literal([t.value for t in without])})")
    return conds


@final
class EngineState:
    """Per-evaluation state on one cursor: temporary tables built once and shared by rules."""

    __slots__ = (
        "_activity_daily",
        "_buckets",
        "_built",
        "_data_from",
        "_prefix",
        "_shared",
        "_time_tables",
        "con",
        "ids",
        "official_calendar",
        "source",
        "time_roles",
        "vocabulary",
        "window",
    )

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        window: Window,
        *,
        time_roles: frozenset[str] | None = None,
        ids: bool = False,
        vocabulary: Vocabulary = BUILTIN,
        data_from: tuple[dt.date | None] | None = None,
    ) -> None:
        self.con = con
        self.window = window
        self.vocabulary = vocabulary  # the terms in force (built-in and the policy's)
        # Whether the shared activity tables carry record ids (evidence), and the table of
        # activities they are built from.
        self.ids = ids
        self.source = "activities"
        self._prefix = ""
        # Whose time the rules and scores measure: the holders of these roles (None: everyone).
        # The time table covers only their records.
        self.time_roles = time_roles
        self._time_tables: dict[str, bool] = {}  # name -> whether some day needs merging
        self._buckets: set[AnyPeriod] = set()
        self._activity_daily = False
        self._built: set[str] = set()  # shared tables built once, shared with evidence states
        self._shared: dict[str, str] = {}  # relation SQL -> its table (shared_relation)
        # The first day of data, when the caller knows it for a larger dataset than this one
        # (a partition of a province: gridpolicing.spark); found on first use otherwise.
        self._data_from: tuple[dt.date | None] | None = data_from
        # A library must not draw progress bars on its caller's terminal.
        con.execute("SET enable_progress_bar = false")
        # Every result the engine returns is ordered explicitly (findings by rule, subject and
        # bucket; evidence lists sorted), so DuckDB need not preserve insertion order.
        con.execute("SET preserve_insertion_order = false")
        days = calendar_days(window.reads_from, window.range.end)
        self.official_calendar = all(d.official for d in days)
        con.execute("CREATE TEMP TABLE _cal_days (day DATE, workday BOOLEAN, holiday BOOLEAN)")
        insert_rows(
            con,
            "_cal_days",
            ("DATE", "BOOLEAN", "BOOLEAN"),
            [(d.day, d.workday, d.holiday) for d in days],
        )
        con.execute(
            """CREATE TEMP TABLE _cal AS
               SELECT c.day, c.workday, c.holiday,
                      EXISTS (SELECT 1 FROM sensitive_periods s
                              WHERE c.day BETWEEN s.start AND s."end") AS sensitive
               FROM _cal_days c ORDER BY c.day"""
        )

    @property
    def range(self) -> DateRange:
        """The range asked for."""
        return self.window.range

    def with_evidence(self, source: str) -> EngineState:
        """A state on the same cursor, buckets and calendar whose shared activity tables carry
        record ids, built from the activities of ``source`` only (engine/evidence.py)."""
        other = copy.copy(self)  # shares the bucket tables already made (the same set)
        other.ids, other.source, other._prefix = True, source, "_ev"
        other._activity_daily, other._time_tables = False, {}
        return other

    def shared_relation(self, prefix: str, sql: str) -> str:
        """A temporary table holding the relation ``sql``, made the first time it is asked for:
        rules of the same subjects and period share one table of subjects instead of each
        joining assignments to buckets again (and a plan reading it several times reads it
        once). Only for relations of the dataset's tables, which an evaluation never changes."""
        name = self._shared.get(sql)
        if name is None:
            name = f"{prefix}_{len(self._shared)}"
            self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {sql}")
            self._shared[sql] = name
        return f"(SELECT * FROM {name})"

    def buckets_table(self, period: AnyPeriod) -> str:
        """Name of the temporary table of ``period``'s judged buckets (before effective dates)."""
        name = f"_buckets_{period.value}"
        if period not in self._buckets:
            self.con.execute(f"CREATE TEMP TABLE {name} (bucket VARCHAR, bstart DATE, bend DATE)")
            rows = [(b.key, b.start, b.end) for b in self.window.rule_buckets(period)]
            insert_rows(self.con, name, ("VARCHAR", "DATE", "DATE"), rows)
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

    @property
    def data_from(self) -> dt.date | None:
        """The first day the dataset holds an event record on (activities, meetings, ...), when
        a bucket starts before the range (None otherwise: no bucket needs it)."""
        if self.window.reads_from >= self.range.start:
            return None
        if self._data_from is None:
            firsts = " UNION ALL ".join(
                f'SELECT min(CAST("{col}" AS DATE)) FROM {table}' for table, col in _EVENT_DAYS
            )
            [(first,)] = self.con.execute(f"SELECT min(d) FROM ({firsts}) t(d)").fetchall()
            self._data_from = (first,)
        return self._data_from[0]

    def activity_daily(self) -> str:
        """Name of the shared per-(person, unit, kind, start day) activity counts."""
        name = f"{self._prefix}_activity_daily"
        if not self._activity_daily:
            lo, hi = self.window.reads_from, self.range.end
            build_activity_daily(self.con, name, lo, hi, ids=self.ids, source=self.source)
            self._activity_daily = True
        return name

    def attendance(self) -> tuple[str, str]:
        """Names of the attendance records and roster days (engine/attendance.py), built once
        per evaluation over the days it reads (evidence states share them: no ids to add)."""
        name, days = "_attendance", "_roster_days"
        if name not in self._built:
            build_attendance(self.con, name, days, self.window.reads_from, self.range.end)
            self._built.add(name)
        return name, days

    def daily_time(
        self, su: str, person_subject: bool, where: str, *, everyone: bool = False
    ) -> str:
        """Merged time per subject, bucket, person and day (engine/intervals.py), from the time
        table of the people whose time is measured (``time_roles``), or of ``everyone``."""
        roles = None if everyone else self.time_roles
        name = self._prefix + ("_activity_time" if roles is not None else "_activity_time_all")
        if name not in self._time_tables:
            people = None
            if roles is not None:
                listed = ", ".join(sql_literal(r) for r in sorted(roles)) or "NULL"
                people = f"(SELECT DISTINCT person FROM assignments WHERE role IN ({listed}))"
            lo, hi = self.window.reads_from, self.range.end
            self._time_tables[name] = build_activity_time(
                self.con, name, "_cal", lo, hi, people, ids=self.ids, source=self.source
            )
        return daily_time_sql(
            name, su, person_subject, where, merge=self._time_tables[name], ids=self.ids
        )


# Tables whose records happen on a day, and the column saying which: what "the dataset holds
# records from" means for a bucket that starts before the range.
_EVENT_DAYS: Final = (
    ("activities", "start"),
    ("meetings", "date"),
    ("reports", "date"),
    ("tasks", "start"),
    ("incidents", "date"),
    ("duty_roster", "start"),
    ("sign_ins", "at"),
    ("surveys", "date"),
    ("assessor_scores", "date"),
)


@final
class PlanContext:
    """The context one rule plans in; buckets are limited to the ones the rule is judged for."""

    __slots__ = (
        "_state",
        "periods",
        "reads_history",
        "reads_shared",
        "reads_time",
        "restrict",
        "rule",
    )

    def __init__(
        self,
        state: EngineState,
        rule: RuleSpec | None,
        *,
        reads_history: bool = True,
        reads_time: bool = True,
        restrict: str | None = None,
    ) -> None:
        self._state = state
        self.rule = rule  # None when planning for an assessment scheme
        self.reads_history = reads_history
        self.reads_time = reads_time  # False: the kind did not say it measures time
        # A relation ``subject_type, subject_id, bucket``: only these subjects are planned for
        # (the failing findings whose evidence is being resolved).
        self.restrict = restrict
        self.periods: set[AnyPeriod] = set()  # the periods the plan asked buckets of
        self.reads_shared = False  # whether the plan read a shared activity relation

    @property
    def range(self) -> DateRange:
        """The evaluation range asked for."""
        return self._state.range

    @property
    def window(self) -> Window:
        """Which days the evaluation reports, judges and reads."""
        return self._state.window

    @property
    def calendar(self) -> str:
        """Relation ``day, workday, holiday, sensitive`` over every day the evaluation reads."""
        return "_cal"

    @property
    def evidence(self) -> bool:
        """Whether the shared activity relations carry record ids now (see :meth:`ids`)."""
        return self._state.ids

    def ids(self, alias: str) -> str:
        """SQL of the record ids of a row of a shared activity relation (alias ``alias``): its
        ``ids`` column while evidence is resolved, else an empty list. Evidence only, never a
        measure: the first pass of an evaluation has no ids."""
        return f"{alias}.ids" if self._state.ids else "[]::VARCHAR[]"

    @property
    def activity_daily(self) -> str:
        """Relation of :func:`gridpolicing.engine.intervals.build_activity_daily`: activities per
        ``person, unit, kind`` and start day, over every day the evaluation reads."""
        self.reads_shared = True
        return self._state.activity_daily()

    @property
    def attendance(self) -> str:
        """Relation of the attendance records (engine/attendance.py ``ATTENDANCE_COLUMNS``)."""
        return self._state.attendance()[0]

    @property
    def roster_days(self) -> str:
        """Relation ``person, unit, date``: the days each person is on the duty roster (as the
        scheduled person or the one working the shift)."""
        return self._state.attendance()[1]

    def daily_time(self, su: str, person_subject: bool, where: str = "TRUE") -> str:
        """Merged time per subject, bucket, person and day (see
        :func:`gridpolicing.engine.intervals.daily_time_sql`)."""
        self.reads_shared = True
        # A kind that measures time without declaring ``reads_time`` is not among the people
        # the shared table covers: it gets everyone's.
        return self._state.daily_time(su, person_subject, where, everyone=not self.reads_time)

    def buckets(self, period: AnyPeriod) -> str:
        """Relation ``bucket, bstart, bend, days, working_days`` of the buckets judged.

        A rule is judged for the buckets ending inside the range (and earlier ones an assessment
        needs) except those :meth:`Window.why_not_judged` excludes: not wholly inside the
        policy's and the rule's effective dates, or starting before the range with no data for
        their first day.
        """
        self.periods.add(period)
        table = self._state.buckets_table(period)
        conds = []
        if self.rule is None:  # an assessment scheme: its own buckets
            conds.append(f"bend >= {sql_literal(self.window.schemes_from)}")
        excluded = [b.key for b, _ in self._not_judged(period)]
        if excluded:
            conds.append(f"bucket NOT IN ({', '.join(sql_literal(k) for k in excluded)})")
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"(SELECT * FROM {table}{where})"

    def unevaluated(self) -> list[Unevaluated]:
        """The buckets ending inside the range that the rule was not judged for, and why."""
        if self.rule is None:
            return []
        start = self.window.range.start
        return [
            Unevaluated(self.rule.id, b.key, b.start, b.end, why)
            for period in sorted(self.periods, key=lambda p: p.value)
            for b, why in self._not_judged(period)
            if b.end >= start
        ]

    def _not_judged(self, period: AnyPeriod) -> list[tuple[Bucket, str]]:
        """The buckets of ``period`` this rule (or scheme) is not judged for, with the reason:
        the one statement of it, which both the plan's filter and the report's list use."""
        rule_from = self.rule.effective_from if self.rule else None
        rule_to = self.rule.effective_to if self.rule else None
        out = []
        for b in self.window.rule_buckets(period):
            why = self.window.why_not_judged(
                b, rule_from, rule_to, self.reads_history, self._state.data_from
            )
            if why is not None:
                out.append((b, why))
        return out

    def subjects(self, period: AnyPeriod, subject: Subject | None = None) -> str:
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
        if self.restrict is not None:
            b = f"(SELECT * FROM {b} b SEMI JOIN {self.restrict} k USING (bucket))"
        rel = self._subjects(subject, b)
        if self.restrict is None:
            return self._state.shared_relation("_subjects", rel)
        return f"""(SELECT x.* FROM {rel} x
                    SEMI JOIN {self.restrict} k USING (subject_type, subject_id, bucket))"""

    def _subjects(self, subject: Subject, b: str) -> str:
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
        return unit_condition(subject, alias)

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
        people = person_condition(subject, "p")
        if people is not None:
            conds.append(f"a.person IN (SELECT p.id FROM people p WHERE {people})")
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

    @property
    def vocabulary(self) -> Vocabulary:
        """The terms in force: the built-in ones and those the policy declares."""
        return self._state.vocabulary

    def roles_of_class(self, role_class: str) -> list[str]:
        """The roles in force (built-in and the policy's) of the class ``role_class``
        (``officer``, ``auxiliary`` or ``civilian``), sorted."""
        terms = self._state.vocabulary.terms("roles")
        return sorted(t.id for t in terms if t.role_class and t.role_class.value == role_class)

    @staticmethod
    def lit(value: Any) -> str:
        """A SQL literal (see :func:`sql_literal`)."""
        return sql_literal(value)


def plan_context(
    state: EngineState, rule: RuleSpec, kind: object, *, restrict: str | None = None
) -> PlanContext:
    """The context ``rule`` plans in, with what its kind declares: whether it reads history
    before the range (snapshot kinds say ``reads_history = False``; a kind that does not say
    is taken to) and whether it measures time (``reads_time``)."""
    return PlanContext(
        state,
        rule,
        reads_history=getattr(kind, "reads_history", True),
        reads_time=getattr(kind, "reads_time", False),
        restrict=restrict,
    )
