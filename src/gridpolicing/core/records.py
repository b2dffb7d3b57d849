"""Records a measure counts: one table's records of the listed kinds, narrowed by ``where:``.

The tables are the dataset's ``activities``, ``meetings``, ``reports``, ``tasks`` and
``incidents``, and the ``attendance`` records the engine derives from the duty roster and the
sign-ins (engine/attendance.py). ``where`` is a condition on the record's own fields, checked
at load like every policy expression (core/expressions.py); an incident's records also carry
``solved``: resolved on or before the last day of the period judged. A record for which the
condition cannot be decided (a field it reads is empty) counts: a missing value never spares
a record from a deduction or a limit.

Attendance cannot be judged without a roster: a subject with no shift in a bucket (none of its
own, none at a reached unit) measures NULL, so it is ``insufficient_data``, never a pass.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import Field, ValidationInfo, WithJsonSchema, field_validator, model_validator
from sqlglot import exp

from gridpolicing.core.errors import ExpressionError
from gridpolicing.core.expressions import (
    DEFERRED_CONTEXT,
    VOCABULARY_CONTEXT,
    Expression,
    check,
)
from gridpolicing.core.scope import Scope, ScopeColumn, ValueType, table_scope
from gridpolicing.model.terms import Vocabulary
from gridpolicing.model.terms_attendance import PARTIES
from gridpolicing.model.vocabulary import (
    ActivityKind,
    AttendanceKind,
    IncidentKind,
    MeetingKind,
    ReportKind,
    TaskKind,
)
from gridpolicing.policy.values import PolicyModel, require_exactly_one

if TYPE_CHECKING:
    from gridpolicing.engine.context import PlanContext

__all__ = ["RECORD_TABLES", "RecordsFilter", "records_scope", "records_sql"]

RECORD_TABLES: Final = ("activities", "meetings", "reports", "tasks", "incidents", "attendance")

_WHERE_SCHEMA: Final = {
    "type": "string",
    "minLength": 1,
    "description": "关于所计记录自身字段的条件,如 minutes > 30;无法判定的记录照计。 A condition "
    "on the fields of the records counted, e.g. minutes > 30; a record it cannot decide counts "
    "(docs/assessment.md, Reclassified and later-state records).",
    "examples": ["minutes > 30"],
}


class RecordsFilter(PolicyModel):
    """Records of the listed kinds of one table (exactly one of the table fields), optionally
    narrowed by ``where``, a condition on the record's own fields.

    A person's records are the activities they logged in their assigned units, the meetings
    listing them as attendee, the reports they wrote, their tasks, incidents and attendance
    records; a unit's are the activities logged, meetings held, reports received and tasks done
    in the reached units, the incidents and attendance records of the unit (or, when a record
    names no unit, of the people assigned there on the day).
    """

    activities: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="这些类别的工作日志。 Activities of these kinds.",
        examples=[["household_visit"]],
    )
    meetings: list[MeetingKind] | None = Field(
        default=None,
        min_length=1,
        description="这些类别的会议。 Meetings of these kinds.",
        examples=[["weekly_briefing"]],
    )
    reports: list[ReportKind] | None = Field(
        default=None,
        min_length=1,
        description="这些类别的报告。 Reports of these kinds.",
        examples=[["zero_report"]],
    )
    tasks: list[TaskKind] | None = Field(
        default=None,
        min_length=1,
        description="这些类别的任务(抽调)。 Tasks of these kinds.",
        examples=[["non_community_work"]],
    )
    incidents: list[IncidentKind] | None = Field(
        default=None,
        min_length=1,
        description="这些类别的违纪情形。 Incidents of these kinds.",
        examples=[["accepted_hospitality"]],
    )
    attendance: list[AttendanceKind] | None = Field(
        default=None,
        min_length=1,
        description="由排班表和签到表推出的考勤记录。 Attendance records derived from duty_roster "
        "and sign_ins.",
        examples=[["late", "absent"]],
    )
    where: Annotated[Expression | None, WithJsonSchema(_WHERE_SCHEMA)] = None

    @field_validator("where", mode="before")
    @classmethod
    def _where(cls, value: Any, info: ValidationInfo) -> Expression | None:
        if value is None or isinstance(value, Expression):
            return value
        if not isinstance(value, str):
            raise ValueError("expected a condition written as text, e.g. minutes > 30")
        table = next((t for t in RECORD_TABLES if info.data.get(t) is not None), None)
        context = info.context if isinstance(info.context, dict) else {}
        vocabulary = context.get(VOCABULARY_CONTEXT)
        scope = records_scope(
            table or "incidents", vocabulary if isinstance(vocabulary, Vocabulary) else None
        )
        if table is None:  # no table (or a wrong one): that is the error reported
            return _unchecked(value, scope)
        try:
            return check(value, scope)
        except ExpressionError as exc:
            if context.get(DEFERRED_CONTEXT) and exc.needs_vocabulary:
                return _unchecked(value, scope)  # checked again with the chain's vocabulary
            raise

    @model_validator(mode="after")
    def _exactly_one(self) -> RecordsFilter:
        require_exactly_one(self, *RECORD_TABLES)
        return self

    @property
    def table(self) -> str:
        """The table the records are in."""
        for name in RECORD_TABLES:
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated: exactly one table")

    @property
    def kinds(self) -> list[str]:
        """The kinds counted."""
        return [k.value for k in getattr(self, self.table)]


def _unchecked(text: str, scope: Scope) -> Expression:
    return Expression(text, scope, ValueType.boolean, exp.Boolean(this=True))


_ATTENDANCE: Final = Scope(
    "attendance",
    (
        ScopeColumn("kind", ValueType.text, tuple(sorted(k.value for k in AttendanceKind)), True),
        ScopeColumn("person", ValueType.text),
        ScopeColumn("unit", ValueType.text),
        ScopeColumn("date", ValueType.date),
        ScopeColumn("shift", ValueType.text),
        ScopeColumn("minutes", ValueType.number),
        ScopeColumn("party", ValueType.text, tuple(sorted(PARTIES)), True),
    ),
)


@functools.cache
def records_scope(table: str, vocabulary: Vocabulary | None = None) -> Scope:
    """The fields a ``where`` of records of ``table`` may read (with the policy's terms)."""
    if table == "attendance":
        return _ATTENDANCE
    base = table_scope(table, vocabulary)
    if table != "incidents":
        return base
    solved = ScopeColumn("solved", ValueType.boolean)
    return Scope(base.table, (*base.columns, solved))


_DAY: Final = {
    "activities": "CAST(r.start AS DATE)",
    "meetings": "r.date",
    "reports": "r.date",
    "tasks": "r.start",
    "incidents": "r.date",
    "attendance": "r.date",
}

_ASSIGNED: Final = """EXISTS (SELECT 1 FROM assignments a WHERE a.person = r.person
                        AND a.unit = su.unit AND a.start <= r.date
                        AND coalesce(a."end", DATE '9999-12-31') >= r.date)"""

_PERSON_MATCH: Final = {
    "activities": "r.person = su.subject_id AND r.unit = su.unit",
    "meetings": "list_contains(r.attendees, su.subject_id)",
    "reports": "r.author = su.subject_id",
    "tasks": "r.person = su.subject_id",
    "incidents": "r.person = su.subject_id",
    "attendance": "r.person = su.subject_id",
}
_UNIT_MATCH: Final = {
    "activities": "r.unit = su.unit",
    "meetings": "r.unit = su.unit",
    "reports": "r.recipient = su.unit",
    "tasks": "r.unit = su.unit",
    "incidents": f"(r.unit = su.unit OR (r.unit IS NULL AND {_ASSIGNED}))",
    "attendance": f"(r.unit = su.unit OR (r.unit IS NULL AND {_ASSIGNED}))",
}


def records_sql(r: RecordsFilter, ctx: PlanContext, su: str, key: str, person: bool) -> str:
    """Relation ``subject_type, subject_id, bucket, value, ids``: the records of ``r`` per
    subject row of ``su`` (rows ``subject_type, subject_id, bucket, bstart, bend, unit``).

    A subject with no record has no row (it counts 0), except for attendance, where only a
    subject on the roster in the bucket has a row (another measures NULL)."""
    table = r.table
    listed = ", ".join(ctx.lit(k) for k in r.kinds)
    if table == "activities" and r.where is None:
        # the shared aggregate: the large table is scanned once per evaluation
        who = "AND d.person = su.subject_id" if person else ""
        return f"""(SELECT {key}, sum(d.n) AS value, flatten(list({ctx.ids("d")})) AS ids
                    FROM {su} su JOIN {ctx.activity_daily} d
                      ON d.unit = su.unit AND d.day BETWEEN su.bstart AND su.bend {who}
                    WHERE d.kind IN ({listed}) GROUP BY ALL)"""
    source = su
    if person and table != "activities":
        source = f"(SELECT DISTINCT subject_type, subject_id, bucket, bstart, bend FROM {su})"
    match = (_PERSON_MATCH if person else _UNIT_MATCH)[table]
    relation = ctx.attendance if table == "attendance" else table
    solved = (
        ", (r.resolved IS NOT NULL AND r.resolved <= su.bend) AS solved"
        if table == "incidents"
        else ""
    )
    where = r.where.sql("x", null_as=True) if r.where is not None else "TRUE"
    counted = f"""(SELECT subject_type, subject_id, bucket, count(DISTINCT x.id) AS value,
                          list(DISTINCT x.id) AS ids
                   FROM (SELECT su.subject_type, su.subject_id, su.bucket, r.*{solved}
                         FROM {source} su JOIN {relation} r
                           ON {_DAY[table]} BETWEEN su.bstart AND su.bend
                         WHERE r.kind IN ({listed}) AND {match}) x
                   WHERE {where} GROUP BY ALL)"""
    if table != "attendance":
        return counted
    rostered = f"""(SELECT DISTINCT su.subject_type, su.subject_id, su.bucket
                    FROM {source} su JOIN {ctx.roster_days} r
                      ON r.date BETWEEN su.bstart AND su.bend
                    WHERE {match})"""
    return f"""(SELECT k.subject_type, k.subject_id, k.bucket, coalesce(c.value, 0) AS value,
                       coalesce(c.ids, []::VARCHAR[]) AS ids
                FROM {rostered} k LEFT JOIN {counted} c
                  ON c.subject_type = k.subject_type AND c.subject_id = k.subject_id
                 AND c.bucket = k.bucket)"""
