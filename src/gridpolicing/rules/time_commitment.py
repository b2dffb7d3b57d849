"""``time_commitment``: hours or days a person spends in the assigned units per period."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, ValidationInfo, field_validator, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import ActivityKind
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value, require_exactly_one
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import compare_status, verdict

__all__ = ["KIND", "TimeCommitmentRule"]


class TimeCommitmentRule(RuleSpec):
    """At least ``min_hours``, ``min_working_days`` or ``min_days`` in the assigned units.

    Hours are the time the person's activities cover in the units the subject assigns them to,
    split across the days an activity spans and with overlapping records merged (two
    simultaneous records count once). A day counts when such an activity touches it; with
    ``min_hours_per_day`` only when the merged time that day reaches the minimum (a "working day
    in the village" is not a five-minute check-in). A working day is a day of China's official
    working-day calendar (调休 included); ``min_working_days: all`` asks for every working day
    of the bucket the person holds the role on (工作日直接到责任区开展工作: required is those
    days, so a week with a public holiday asks fewer, a 调休 Saturday one more, and a day
    between two assignments nothing; only those days count as worked; a week asking none, all
    holidays, is ``not_applicable``). A person assigned for only
    part of a bucket is
    ``not_applicable`` for it. Example (Xinxiang 2016, 社区民警每周不少于24小时)::

        - id: weekly-hours-in-community
          kind: time_commitment
          title:
            zh: 社区民警每周深入社区走访群众工作不少于24小时
            en: Community officers spend 24 h a week working among residents
          severity: major
          subject: {people: {roles: [community_officer]}}
          period: week
          min_hours: 24
          activity_kinds: [household_visit, patrol, dispute_screening, mediation, publicity,
                           safety_inspection, security_briefing, practical_service,
                           information_entry, information_collection, opinion_survey,
                           suggestion_collection, population_registration,
                           special_population_service, petition_reception,
                           patrol_organisation, fire_safety]
          citation:
            source: xinxiang-2016
            clause: 三(一)2
            quote: 保证社区民警每周深入到社区走访群众工作时间不少于24小时
    """

    kind: Literal["time_commitment"]
    period: Period = period_field()
    min_hours: Value[float] | None = Field(
        default=None,
        description="每个周期在所任职单位的最少小时数(重叠记录合并计算;每周不少于24小时:24)。 "
        "Minimum hours per period in the assigned units (overlapping records merged).",
        examples=[24, {"param": "weekly_hours"}],
    )
    min_working_days: Value[int] | Literal["all"] | None = Field(
        default=None,
        description="至少多少个法定工作日(含调休),或 all:周期内每个工作日(工作日直接到责任区开展"
        "工作)。 At least this many official working days, or all: every working day of the "
        "period.",
        examples=[3, "all"],
    )
    min_days: Value[int] | None = Field(
        default=None,
        description="至少多少天(任意日历日)在所任职单位工作。 At least this many days (any "
        "calendar day) of work in the assigned units.",
        examples=[15],
    )
    activity_kinds: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="只计这些类别的工作日志(缺省为全部)。 Only these kinds count (all when "
        "absent).",
        examples=[["household_visit", "patrol"]],
    )
    min_hours_per_day: Value[float] | None = Field(
        default=None,
        description="与 min_days 或 min_working_days 同用:当天合并时长达到此小时数才算一天。 With "
        "min_days or min_working_days: a day counts only when the person's merged time in the "
        "units that day reaches this many hours.",
        examples=[4],
    )

    @field_validator("min_hours_per_day")
    @classmethod
    def _per_day_counts_days(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and info.data.get("min_hours") is not None:
            raise ValueError(
                "min_hours_per_day decides which days count, so it goes with min_days or "
                "min_working_days; with min_hours, remove it"
            )
        return value

    @model_validator(mode="after")
    def _one_minimum(self) -> TimeCommitmentRule:
        require_exactly_one(self, "min_hours", "min_working_days", "min_days")
        return self


def _held_working_days(rule: TimeCommitmentRule, ctx: PlanContext) -> str:
    """Relation ``subject_id, bucket, day`` of each bucket's official working days the subject
    holds the role on (a unit: every working day of the bucket)."""
    if rule.subject.people is None:
        return f"""(SELECT s.subject_id, s.bucket, c.day FROM s JOIN {ctx.calendar} c
                    ON c.workday AND c.day BETWEEN s.bstart AND s.bend)"""
    return f"""(SELECT DISTINCT s.subject_id, s.bucket, c.day
                FROM s JOIN ({ctx.assignments_sql(rule.subject)}) a ON a.person = s.subject_id
                JOIN {ctx.calendar} c ON c.workday
                 AND c.day BETWEEN greatest(a.start, s.bstart)
                               AND least(coalesce(a."end", DATE '9999-12-31'), s.bend))"""


@final
class TimeCommitmentKind:
    """Plans and describes ``time_commitment`` rules."""

    name: ClassVar[str] = "time_commitment"
    spec: ClassVar[type[RuleSpec]] = TimeCommitmentRule
    reads_time: ClassVar[bool] = True

    def plan(self, rule: TimeCommitmentRule, ctx: PlanContext) -> str:
        """Sum merged hours (or count days) per subject and bucket, compare with the minimum."""
        minimum: object
        if rule.min_hours is not None:
            measure, minimum = "hours", rule.min_hours
        elif rule.min_working_days is not None:
            measure, minimum = "working_days", rule.min_working_days
        else:
            measure, minimum = "days", rule.min_days
        kinds = "TRUE"
        if rule.activity_kinds:
            kinds = f"d.kind IN ({', '.join(ctx.lit(k.value) for k in rule.activity_kinds)})"
        # A day counts when the person's records touch it, or, with min_hours_per_day, when
        # their merged time in the units that day reaches the minimum.
        day_counts = "TRUE"
        if rule.min_hours_per_day is not None:
            per_day = ctx.value(rule.min_hours_per_day, "t.day")
            day_counts = f"({per_day} IS NULL OR t.us / 3.6e9 >= {per_day})"
        # Only the measure the rule compares is computed (hours need no calendar).
        per_bucket, calendar = {
            "hours": ("sum(t.us) / 3.6e9 AS hours", ""),
            "working_days": (
                f"count(DISTINCT t.day) FILTER (WHERE c.workday AND {day_counts}) AS working_days",
                f"JOIN {ctx.calendar} c ON c.day = t.day",
            ),
            "days": (f"count(DISTINCT t.day) FILTER (WHERE {day_counts}) AS days", ""),
        }[measure]
        applicable, held, join_held = 's."full"', "", ""
        if minimum != "all":
            required = ctx.value(minimum, "s.bstart")
        else:
            # every official working day of the bucket the subject holds the role on (a day
            # between two assignments asks nothing), counted only when worked in the area;
            # a week of holidays asks none: nothing to judge, not a pass
            held = f""",
        hd AS {_held_working_days(rule, ctx)},
        h AS (SELECT subject_id, bucket, count(*) AS n FROM hd GROUP BY ALL)"""
            per_bucket = (
                f"count(DISTINCT t.day) FILTER (WHERE hd.day IS NOT NULL AND {day_counts}) "
                "AS working_days"
            )
            calendar = (
                "LEFT JOIN hd ON hd.subject_id = t.subject_id AND hd.bucket = t.bucket "
                "AND hd.day = t.day"
            )
            required, applicable = "coalesce(h.n, 0)", 's."full" AND r.req > 0'
            join_held = "LEFT JOIN h USING (subject_id, bucket)"
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        su AS (SELECT subject_type, subject_id, bucket, bstart, bend, unnest(units) AS unit
               FROM s),
        t AS (SELECT * FROM {ctx.daily_time("su", rule.subject.people is not None, kinds)}){held},
        m AS (
          SELECT t.subject_type, t.subject_id, t.bucket,
                 {per_bucket},
                 list_distinct(flatten(list({ctx.ids("t")}))) AS ids
          FROM t {calendar}
          GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               {compare_status("coalesce(m." + measure + ", 0)", "r.req", applicable=applicable)}
                   AS status,
               coalesce(m.{measure}, 0) AS measured, r.req AS required,
               m.ids AS evidence, NULL AS detail
        FROM s
        LEFT JOIN m USING (subject_type, subject_id, bucket)
        {join_held}
        CROSS JOIN LATERAL (SELECT {required} AS req) r
        """

    def describe(self, rule: TimeCommitmentRule, finding: Finding) -> Text:
        """``logged 20 h in the assigned units; required at least 24 h``."""
        if rule.min_hours is not None:
            zh_unit, en_unit = "小时", "h"
        elif rule.min_working_days is not None:
            zh_unit, en_unit = "个工作日", "working days"
        else:
            zh_unit, en_unit = "天", "days"
        return verdict(
            finding,
            f"在责任区工作 {{measured}} {zh_unit},要求不少于 {{required}} {zh_unit}",
            f"{{measured}} {en_unit} in the assigned units; "
            f"required at least {{required}} {en_unit}",
        )


KIND = TimeCommitmentKind()
