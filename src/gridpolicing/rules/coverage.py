"""``coverage``: every unit has someone of some roles assigned (一村一警), with load limits."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import Employment, Role
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value, value_at
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import require_units, snapshot_sql, verdict

__all__ = ["KIND", "CoverageRule"]


class CoverageRule(RuleSpec):
    """Each subject unit is covered by at least one person of ``roles`` on the bucket's last day.

    The subjects are the units; each gets a finding. A unit is covered when someone holds an
    assignment to it in one of ``roles`` (optionally of ``employment``) on the snapshot day.
    A person's load is the number of *subject* units they cover that day (a rural-community
    rule counts rural communities, not the urban ones the same officer may also serve).

    * ``max_units_per_person``: a unit passes only if at least one of its covering people is
      within the limit; when every one exceeds it, the unit fails and ``detail`` names them as
      ``person=units``. A dated limit not in force leaves plain coverage.
    * ``one_to_one``: each unit has exactly one covering person, who covers no other subject
      unit; ``detail`` names the extra people or the person's load.
    * ``employment_by_role``: the employment a role needs to count, for a clause that
      qualifies one role only (每个网格配备1名专职辅警或机关民警: ``{auxiliary: full_time}``, an
      organ officer counts whatever their employment).

    measured = covering people; required = 1; evidence = the covering assignments. Example
    (Nanjing 2016)::

        - id: rural-community-officers
          kind: coverage
          title:
            zh: 每2-3个农村社区配备至少1名社区民警
            en: One community officer for every two or three rural communities
          severity: critical
          subject: {units: {type: locality, category: [rural_community, village]}}
          period: month
          roles: [community_officer]
          max_units_per_person: 3
          citation:
            source: nanjing-2016
            clause: 一、2
            quote: 各城市社区、每2-3个农村社区分别配备至少1名社区民警
    """

    kind: Literal["coverage"]
    period: Period = period_field(Period.month)
    roles: list[Role] = Field(
        min_length=1,
        description="由担任这些角色的人员覆盖。 Covered by people holding one of these roles.",
        examples=[["community_officer"]],
    )
    employment: Employment | None = Field(
        default=None,
        description="只计该用工形式的任职。 Only assignments of this employment count.",
        examples=["full_time"],
    )
    employment_by_role: dict[Role, Employment] | None = Field(
        default=None,
        description="某些角色须具备的用工形式(专职辅警或机关民警:{auxiliary: full_time}),其他角色"
        "不限。 The employment some roles need to count; other roles count whatever theirs.",
        examples=[{"auxiliary": "full_time"}],
    )
    max_units_per_person: Value[int] | None = Field(
        default=None,
        description="每人最多覆盖的对象单位数(每2-3个社区1名:3);全部覆盖者超限则不合格。 At most "
        "this many subject units per covering person; a unit whose every one exceeds it fails.",
        examples=[3],
    )
    one_to_one: bool = Field(
        default=False,
        description="一对一:每个单位恰有一人覆盖,此人不覆盖其他对象单位(一村一警)。 Each unit has "
        "exactly one covering person, who covers no other subject unit.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _check(self) -> CoverageRule:
        require_units(self.subject, "coverage")
        if self.employment_by_role:
            if self.employment is not None:
                raise ValueError("give employment or employment_by_role, not both")
            extra = sorted(set(self.employment_by_role) - set(self.roles))
            if extra:
                raise ValueError(
                    f"employment_by_role names roles the rule does not count: {', '.join(extra)}"
                )
        if self.one_to_one and self.max_units_per_person is not None:
            raise ValueError(
                "one_to_one already limits each person to one unit; drop max_units_per_person"
            )
        return self


@final
class CoverageKind:
    """Plans and describes ``coverage`` rules."""

    name: ClassVar[str] = "coverage"
    spec: ClassVar[type[RuleSpec]] = CoverageRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def plan(self, rule: CoverageRule, ctx: PlanContext) -> str:
        """Covering people per unit and each person's load among the subject units."""
        if rule.one_to_one:
            limit = "1"
        elif rule.max_units_per_person is not None:
            limit = ctx.value(rule.max_units_per_person, "s.bend")
        else:
            limit = "NULL"
        snap = snapshot_sql(
            ctx, "s", rule.roles, rule.employment, employment_by_role=rule.employment_by_role
        )
        return f"""
        WITH s AS (SELECT *, CAST({limit} AS INTEGER) AS lim FROM {ctx.subjects(rule.period)} s),
        snap AS {snap},
        load AS (SELECT bucket, person, count(DISTINCT subject_id) AS k FROM snap GROUP BY ALL),
        m AS (
          SELECT c.subject_id, c.bucket, count(DISTINCT c.person) AS n, list(c.id) AS ids,
                 count(DISTINCT c.person) FILTER (WHERE l.k <= s.lim) AS n_ok,
                 string_agg(DISTINCT c.person, ', ' ORDER BY c.person) AS people,
                 string_agg(DISTINCT c.person || '=' || l.k, ', ' ORDER BY c.person || '=' || l.k)
                   FILTER (WHERE l.k > s.lim) AS over
          FROM snap c JOIN load l USING (bucket, person)
          JOIN s USING (subject_id, bucket)
          GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               CASE WHEN coalesce(m.n, 0) = 0 THEN 'fail'
                    WHEN {ctx.lit(rule.one_to_one)} AND m.n > 1 THEN 'fail'
                    WHEN s.lim IS NOT NULL AND m.n_ok = 0 THEN 'fail'
                    ELSE 'pass' END AS status,
               coalesce(m.n, 0) AS measured, 1 AS required, m.ids AS evidence,
               CASE WHEN {ctx.lit(rule.one_to_one)} AND m.n > 1 THEN m.people
                    WHEN s.lim IS NOT NULL AND m.n_ok = 0 THEN m.over END AS detail
        FROM s LEFT JOIN m USING (subject_id, bucket)
        """

    def describe(self, rule: CoverageRule, finding: Finding) -> Text:
        """``not covered`` / ``covered by 2 people: p1, p2`` / ``p9=4 exceeds 3 units each``."""
        n = finding.measured or 0
        if n == 0:
            return verdict(finding, "无人覆盖(要求至少 1 人)", "not covered (at least 1 required)")
        if finding.detail and rule.one_to_one and n > 1:
            return verdict(
                finding,
                "由 {measured} 人覆盖({detail}),要求一村一警、一对一",
                "covered by {measured} people ({detail}); one-to-one required",
            )
        if finding.detail:
            day = finding.bucket_end
            limit = 1 if rule.one_to_one else value_at(rule.max_units_per_person, day)
            return verdict(
                finding,
                f"覆盖人员负责的单位数均超过每人 {limit} 个的上限(人员=单位数:{{detail}})",
                f"every covering person exceeds {limit} units each (person=units: {{detail}})",
            )
        return verdict(finding, "由 {measured} 人覆盖", "covered by {measured} people")


KIND = CoverageKind()
