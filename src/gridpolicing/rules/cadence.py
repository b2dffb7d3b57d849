"""``cadence``: how often activities, meetings or reports happen per period."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext, selector_condition
from gridpolicing.model.vocabulary import ActivityKind, MeetingKind, ReportKind
from gridpolicing.policy.models import Period, RuleSpec, UnitSelector, period_field
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

    activities: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="计这些类别的工作日志(人员:本人在所任职单位记录的;单位:在该单位记录的)。 Count "
        "activities of these kinds (a person's own in their units; a unit's logged in it).",
        examples=[["dispute_screening"]],
    )
    meetings: list[MeetingKind] | None = Field(
        default=None,
        min_length=1,
        description="计这些类别的会议(人员:列为参会者的;单位:该单位召开的)。 Count meetings of "
        "these kinds (a person's: listed as attendee; a unit's: held by it).",
        examples=[["village_council"]],
    )
    reports: list[ReportKind] | None = Field(
        default=None,
        min_length=1,
        description="计这些类别的报告(人员:本人撰写的;单位:该单位收到的)。 Count reports of "
        "these kinds (a person's: authored; a unit's: received).",
        examples=[["work_report"]],
    )
    to: list[UnitSelector] | None = Field(
        default=None,
        min_length=1,
        description="仅用于报告:只计报送给所选单位的报告(向所领导报告)。 Reports only: count those "
        "to a unit one of these selects (向所领导报告: to the station).",
        examples=[[{"type": "station"}]],
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
    period: Period = period_field()
    count: CadenceCount = Field(
        description="计什么:工作日志、会议或报告之一,列出类别。 What is counted: activities, "
        "meetings or reports of the listed kinds (exactly one).",
        examples=[{"activities": ["dispute_screening"]}],
    )
    min_count: Value[int] = Field(
        description="每个周期至少的条数(半月一次写作 period: month、min_count: 2)。 At least this "
        "many per period (semi-monthly: period month, min_count 2).",
        examples=[1, {"param": "visits_per_month"}],
    )
    sensitive_daily: bool = Field(
        default=False,
        description="敏感时期的每一天也须至少有一条记录。 Every sensitive day in the bucket "
        "(the dataset's sensitive_periods) needs a record too.",
        examples=[True],
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
