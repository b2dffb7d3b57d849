"""``cadence``: how often activities, meetings or reports happen per period."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext, selector_condition
from gridpolicing.model.vocabulary import ActivityKind, MeetingKind, ReportKind
from gridpolicing.policy.models import Period, RuleSpec, UnitSelector
from gridpolicing.policy.values import PolicyModel, Text, Value, require_exactly_one
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import verdict

__all__ = ["KIND", "CadenceCount", "CadenceRule"]


class CadenceCount(PolicyModel):
    """What is counted: activities, meetings or reports of the listed kinds (exactly one).

    ``to`` (reports only) counts only the reports whose recipient is a unit one of its
    selectors selects: "向所领导报告" is ``to: [{type: station}]``, and a report to another
    unit does not count for it.
    """

    activities: list[ActivityKind] | None = Field(default=None, min_length=1)
    meetings: list[MeetingKind] | None = Field(default=None, min_length=1)
    reports: list[ReportKind] | None = Field(default=None, min_length=1)
    to: list[UnitSelector] | None = Field(
        default=None,
        min_length=1,
        description="Reports only: count those to a unit one of these selects",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> CadenceCount:
        require_exactly_one(self, "activities", "meetings", "reports")
        if self.to is not None and self.reports is None:
            raise ValueError("to names the recipients of reports; it needs reports")
        return self


class CadenceRule(RuleSpec):
    """At least ``min_count`` activities, meetings or reports per subject and period.

    A person counts the activities they logged in their assigned units, the meetings whose
    ``attendees`` list them and the reports they authored; a unit counts the activities logged in
    it, the meetings it held and the reports it received. A person assigned for only part of a
    bucket is ``not_applicable`` for it. With ``sensitive_daily``, every sensitive day of the
    bucket (the dataset's ``sensitive_periods``) must also have at least one such record that
    day, or the bucket fails whatever its count; the detail lists the days that lack one.
    A "semi-monthly" clause is written as ``period: month`` with ``min_count: 2`` and a note.
    Example (Xinjin 2022, weekly dispute screening by village contact officers)::

        - id: weekly-dispute-screening
          kind: cadence
          title:
            zh: 包村民警每周开展矛盾纠纷排查
            en: Village contact officers screen disputes every week
          severity: major
          subject: {people: {roles: [village_contact_officer]}}
          period: week
          count: {activities: [dispute_screening]}
          min_count: 1
          citation:
            source: xinjin-2022
            clause: 创新工作机制·明确包村民警职责
            quote: 每周对包村(社区)开展矛盾纠纷排查
    """

    kind: Literal["cadence"]
    period: Period
    count: CadenceCount
    min_count: Value[int]
    sensitive_daily: bool = Field(
        default=False, description="Every sensitive day in the bucket needs a record too"
    )


def _records(rule: CadenceRule, ctx: PlanContext) -> str:
    """Relation ``who, unit, day, n, ids`` of the counted records (``n`` of them, ``ids`` their
    ids); ``who`` is matched to the subject, and each record is in one row per ``who``.

    ``unit`` is only used for people counting activities (they count in their assigned units).
    """
    c = rule.count
    person = rule.subject.people is not None
    if c.activities is not None:
        kinds = ", ".join(ctx.lit(k.value) for k in c.activities)
        # The shared daily aggregate already scanned ``activities`` once; each record is in
        # exactly one of its rows.
        return f"""SELECT {"person" if person else "unit"} AS who, unit, day, n,
                          {ctx.ids("d")} AS ids
                   FROM {ctx.activity_daily} d WHERE kind IN ({kinds})"""
    if c.meetings is not None:
        kinds = ", ".join(ctx.lit(k.value) for k in c.meetings)
        who = "unnest(attendees)" if person else "unit"
        return f"""SELECT DISTINCT {who} AS who, NULL::VARCHAR AS unit, date AS day, 1 AS n,
                          [id] AS ids
                   FROM meetings WHERE kind IN ({kinds})"""
    assert c.reports is not None
    kinds = ", ".join(ctx.lit(k.value) for k in c.reports)
    who = "author" if person else "recipient"
    to = ""
    if c.to is not None:
        anyof = " OR ".join(f"({selector_condition(sel, 'ru')})" for sel in c.to)
        to = f"AND recipient IN (SELECT ru.id FROM units ru WHERE {anyof})"
    return f"""SELECT {who} AS who, NULL::VARCHAR AS unit, date AS day, 1 AS n, [id] AS ids
               FROM reports WHERE kind IN ({kinds}) {to}"""


@final
class CadenceKind:
    """Plans and describes ``cadence`` rules."""

    name: ClassVar[str] = "cadence"
    spec: ClassVar[type[RuleSpec]] = CadenceRule

    def plan(self, rule: CadenceRule, ctx: PlanContext) -> str:
        """Count the subject's records per bucket; list sensitive days that have none."""
        in_unit = ""
        if rule.subject.people is not None and rule.count.activities is not None:
            in_unit = "AND list_contains(s.units, r.unit)"
        # Without sensitive_daily the sensitive-day relation is empty, so nothing is missing.
        sensitive = "c.sensitive" if rule.sensitive_daily else "FALSE"
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        r AS ({_records(rule, ctx)}),
        hit AS (
          SELECT s.subject_type, s.subject_id, s.bucket, r.day, r.n, r.ids
          FROM s JOIN r ON r.who = s.subject_id AND r.day BETWEEN s.bstart AND s.bend {in_unit}
        ),
        m AS (
          SELECT subject_type, subject_id, bucket, sum(n) AS n,
                 list_distinct(flatten(list(ids))) AS ids
          FROM hit GROUP BY ALL
        ),
        miss AS (
          SELECT sd.subject_type, sd.subject_id, sd.bucket,
                 string_agg(strftime(sd.day, '%Y-%m-%d'), ', ' ORDER BY sd.day) AS days
          FROM (SELECT s.subject_type, s.subject_id, s.bucket, c.day
                FROM s JOIN {ctx.calendar} c ON {sensitive} AND c.day BETWEEN s.bstart AND s.bend
                ) sd
          ANTI JOIN (SELECT DISTINCT subject_type, subject_id, bucket, day FROM hit) h
            USING (subject_type, subject_id, bucket, day)
          GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               CASE WHEN NOT s."full" OR q.req IS NULL THEN 'not_applicable'
                    WHEN coalesce(m.n, 0) >= q.req AND miss.days IS NULL THEN 'pass'
                    ELSE 'fail' END AS status,
               coalesce(m.n, 0) AS measured, q.req AS required,
               m.ids AS evidence, miss.days AS detail
        FROM s
        LEFT JOIN m USING (subject_type, subject_id, bucket)
        LEFT JOIN miss USING (subject_type, subject_id, bucket)
        CROSS JOIN LATERAL (SELECT {ctx.value(rule.min_count, "s.bstart")} AS req) q
        """

    def describe(self, rule: CadenceRule, finding: Finding) -> Text:
        """``3 records; required at least 1; sensitive days without one: 2022-10-01``."""
        c = rule.count
        if c.activities is not None:
            zh_what, en_what = "条工作记录", "activity records"
        elif c.meetings is not None:
            zh_what, en_what = "次会议", "meetings"
        else:
            zh_what, en_what = "份报告", "reports"
        zh = f"{{measured}} {zh_what},要求不少于 {{required}}"
        en = f"{{measured}} {en_what}; required at least {{required}}"
        if finding.detail:
            zh += ";敏感时期以下日期无记录(须每天一次):{detail}"
            en += "; sensitive days without one (one a day required): {detail}"
        return verdict(finding, zh, en)


KIND = CadenceKind()
