"""``prohibition``: tasks, activities or incidents a role must not have, with named exemptions."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import ActivityKind, IncidentKind, TaskKind, TaskReason
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import PolicyModel, Text, require_exactly_one
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import held_on, verdict

__all__ = ["KIND", "Forbidden", "ProhibitionRule"]


class Forbidden(PolicyModel):
    """The forbidden records: tasks, activities or incidents of the listed kinds (exactly one)."""

    tasks: list[TaskKind] | None = Field(
        default=None,
        min_length=1,
        description="禁止的任务类别(与周期重叠的任务)。 Forbidden task kinds (tasks overlapping "
        "the period).",
        examples=[["crime_fighting_quota"]],
    )
    activities: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="禁止的工作日志类别。 Forbidden activity kinds.",
        examples=[["case_assistance"]],
    )
    incidents: list[IncidentKind] | None = Field(
        default=None,
        min_length=1,
        description="禁止的违纪情形。 Forbidden incident kinds.",
        examples=[["accepted_hospitality"]],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Forbidden:
        require_exactly_one(self, "tasks", "activities", "incidents")
        return self


class ProhibitionRule(RuleSpec):
    """People in a role have no forbidden task, activity or incident, save named exemptions.

    A record counts against a person in a bucket when it overlaps the bucket (a task from its
    ``start`` to its ``end``; an activity on its start day; an incident on its date) and the
    person held a subject role on the record's first day, so a task given before someone took
    the role is not held against them. A task whose ``reason`` is in ``exempt_reasons`` (tasks
    only) does not count. ``measured`` is the number of violating records, ``required`` is 0; a
    person with none passes. Example (Xinxiang 2016, 社区民警不承担打击处理任务)::

        - id: no-crime-fighting-quota
          kind: prohibition
          title:
            zh: 社区民警不承担打击处理任务
            en: Community officers carry no crime-fighting quota
          severity: major
          subject: {people: {roles: [community_officer]}}
          period: month
          forbidden: {tasks: [crime_fighting_quota]}
          citation:
            source: xinxiang-2016
            clause: 三(一)2
            quote: 社区民警不承担打击处理任务
    """

    kind: Literal["prohibition"]
    period: Period = period_field()
    forbidden: Forbidden = Field(
        description="禁止的记录:任务、工作日志或违纪情形之一,列出类别。 The forbidden records: "
        "tasks, activities or incidents of the listed kinds (exactly one).",
        examples=[{"tasks": ["crime_fighting_quota"]}],
    )
    exempt_reasons: list[TaskReason] = Field(
        default_factory=list,
        description="使禁止的任务得以允许的任务理由(仅任务)。 Task reasons that make a forbidden "
        "task allowed (tasks only).",
        examples=[["disaster_relief", "major_emergency"]],
    )

    @model_validator(mode="after")
    def _people_and_tasks(self) -> ProhibitionRule:
        if self.subject.people is None:
            raise ValueError("a prohibition applies to people: use subject.people")
        if self.exempt_reasons and self.forbidden.tasks is None:
            raise ValueError("exempt_reasons apply to forbidden tasks only")
        return self


def _records(rule: ProhibitionRule, ctx: PlanContext) -> str:
    """Relation ``id, person, first, last, what`` of forbidden records (``what`` for the detail)."""
    f = rule.forbidden
    if f.tasks is not None:
        kinds = ", ".join(ctx.lit(k.value) for k in f.tasks)
        exempt = ""
        if rule.exempt_reasons:
            reasons = ", ".join(ctx.lit(r.value) for r in rule.exempt_reasons)
            exempt = f"AND reason NOT IN ({reasons})"
        return f"""SELECT id, person, start AS first, "end" AS last,
                          id || ' ' || kind || '/' || reason AS what
                   FROM tasks WHERE kind IN ({kinds}) {exempt}"""
    if f.activities is not None:
        kinds = ", ".join(ctx.lit(k.value) for k in f.activities)
        return f"""SELECT id, person, CAST(start AS DATE) AS first, CAST(start AS DATE) AS last,
                          id || ' ' || kind AS what
                   FROM activities WHERE kind IN ({kinds})"""
    assert f.incidents is not None
    kinds = ", ".join(ctx.lit(k.value) for k in f.incidents)
    return f"""SELECT id, person, date AS first, date AS last, id || ' ' || kind AS what
               FROM incidents WHERE kind IN ({kinds})"""


@final
class ProhibitionKind:
    """Plans and describes ``prohibition`` rules."""

    name: ClassVar[str] = "prohibition"
    spec: ClassVar[type[RuleSpec]] = ProhibitionRule

    def plan(self, rule: ProhibitionRule, ctx: PlanContext) -> str:
        """Count forbidden records overlapping each bucket, given while the role was held."""
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        r AS ({_records(rule, ctx)}),
        held AS (
          SELECT DISTINCT r.* FROM r JOIN ({ctx.assignments_sql(rule.subject)}) a
            ON a.person = r.person AND {held_on("a", "r.first")}
        ),
        m AS (
          SELECT s.subject_type, s.subject_id, s.bucket, count(*) AS n, list(h.id) AS ids,
                 string_agg(h.what, ', ' ORDER BY h.id) AS what
          FROM s JOIN held h ON h.person = s.subject_id
           AND h.first <= s.bend AND h.last >= s.bstart
          GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               CASE WHEN coalesce(m.n, 0) = 0 THEN 'pass' ELSE 'fail' END AS status,
               coalesce(m.n, 0) AS measured, 0 AS required, m.ids AS evidence,
               m.what AS detail
        FROM s LEFT JOIN m USING (subject_type, subject_id, bucket)
        """

    def describe(self, rule: ProhibitionRule, finding: Finding) -> Text:
        """``2 forbidden records (t1 crime_fighting_quota/routine, ...); none allowed``."""
        f = rule.forbidden
        if f.tasks is not None:
            zh_what, en_what = "项禁止承担的任务", "forbidden tasks"
        elif f.activities is not None:
            zh_what, en_what = "条禁止的活动记录", "forbidden activities"
        else:
            zh_what, en_what = "起违纪情况", "discipline incidents"
        zh = f"有 {{measured}} {zh_what},不允许有"
        en = f"{{measured}} {en_what}; none allowed"
        if finding.detail:
            zh += "({detail})"
            en += " ({detail})"
        if rule.exempt_reasons:
            reasons = ", ".join(r.value for r in rule.exempt_reasons)
            zh += f";豁免事由:{reasons}"
            en += f"; exempt reasons: {reasons}"
        return verdict(finding, zh, en)


KIND = ProhibitionKind()
