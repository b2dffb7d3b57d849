"""``staffing``: how many people of some roles a unit has on the last day of each period."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext, selector_condition
from gridpolicing.model.vocabulary import Employment, Post, Role
from gridpolicing.policy.models import Period, RuleSpec, UnitSelector, period_field
from gridpolicing.policy.values import PolicyModel, Text, UpperBound, Value, value_at
from gridpolicing.report.finding import Finding, Status
from gridpolicing.rules._common import require_units, snapshot_sql, verdict

__all__ = ["KIND", "PostMinimum", "StaffingRule"]


class PostMinimum(PolicyModel):
    """At least ``count`` of the counted people must hold ``post`` (e.g. 信访接待人员)."""

    post: Post = Field(
        description="须有人担任的职务(如信访接待人员)。 The post some of them must hold (e.g. the "
        "petition receptionist).",
        examples=["petition_receptionist"],
    )
    count: Value[int] = Field(
        default=1,
        description="至少几名被计人员担任该职务。 "
        "At least this many of the counted people hold it.",
        examples=[1],
    )


class StaffingRule(RuleSpec):
    """At least ``min_people`` and/or at most ``max_people`` of ``roles`` in each subject unit.

    A snapshot on the last day of each bucket: people with an assignment in one of ``roles``
    (optionally of ``employment``) to the unit that started on or before that day and had not
    ended. A person counts once however many assignments they hold. With
    ``include_child_units``, people assigned to units whose ``parent``, ``office``, ``station``
    or ``street`` is the subject count too (a 警务室's officers are often assigned to its
    communities). With ``max_units_per_person``, a person counts for a unit only while they are
    counted for at most that many subject units (their load, as in ``coverage``): one auxiliary
    shared by two communities is neither community's own (每个社区1名专职协警); ``detail`` names
    the people left out as ``person=units``. ``load_among`` counts the load among other units
    than the subjects: a rule on urban offices with ``load_among: {type: office}`` leaves out an
    officer who also serves a rural office.
    ``min_with_post`` additionally asks that some of those people hold a post. Dated thresholds
    take the value in force on the snapshot day. measured = people counted; required = the
    minimum (the maximum when only a maximum is set). Example (Nanjing 2016)::

        - id: social-workers-per-community
          kind: staffing
          title:
            zh: 每个城乡社区配备2名以上专职综治社工,其中1名为信访接待人员
            en: >-
              Two or more full-time social workers per community, one of them the petition
              receptionist
          severity: major
          subject: {units: {type: locality}}
          period: month
          roles: [social_worker]
          employment: full_time
          min_people: 2
          max_units_per_person: 1
          min_with_post: {post: petition_receptionist, count: 1}
          citation:
            source: nanjing-2016
            clause: 一、2
            quote: 各城乡社区应当配备2名以上专职综治社工(同时作为全科社工,明确1名社工为信访接待人员)
    """

    kind: Literal["staffing"]
    period: Period = period_field(Period.month)
    roles: list[Role] = Field(
        min_length=1,
        description="计在周期末日担任这些角色的人员(每人只计一次)。 People holding one of these "
        "roles on the bucket's last day are counted, each once.",
        examples=[["social_worker"], ["community_officer", "auxiliary"]],
    )
    employment: Employment | None = Field(
        default=None,
        description="只计该用工形式的任职(专职:full_time)。 Only assignments of this employment "
        "count.",
        examples=["full_time"],
    )
    min_people: Value[int] | None = Field(
        default=None,
        description="每个单位至少的人数(配备2名以上:2)。 At least this many people per unit.",
        examples=[2],
    )
    max_people: UpperBound[int] | None = Field(
        default=None,
        description="每个单位至多的人数(可为 0)。 At most this many people per unit (0 allowed).",
        examples=[5],
    )
    min_with_post: PostMinimum | None = Field(
        default=None,
        description="被计人员中至少几名须担任某职务(其中1名为信访接待人员)。 Some of the counted "
        "people must hold a post.",
        examples=[{"post": "petition_receptionist", "count": 1}],
    )
    include_child_units: bool = Field(
        default=False,
        description="任职于下一级单位(parent、office、station、street 为对象)的人员也计入,如警务室"
        "的民警任职于其社区。 People assigned to units whose parent, office, station or street is "
        "the subject count too.",
        examples=[True],
    )
    max_units_per_person: Value[int] | None = Field(
        default=None,
        description="一人只在其所计对象单位数不超过此数时计入(每个社区1名专职协警:1)。 A person "
        "counts only while counted for at most this many subject units.",
        examples=[1],
    )
    load_among: UnitSelector | None = Field(
        default=None,
        description="与 max_units_per_person 同用:在哪些单位中计算一人的负担"
        "(缺省为本规则的对象单位)。 "
        "With max_units_per_person: the units a person's load is counted among (default: the "
        "rule's subject units), e.g. every office for a rule on urban offices.",
        examples=[{"type": "office"}],
    )

    @model_validator(mode="after")
    def _check(self) -> StaffingRule:
        require_units(self.subject, "staffing")
        if self.min_people is None and self.max_people is None:
            raise ValueError("expected min_people, max_people or both")
        if self.load_among is not None and self.max_units_per_person is None:
            raise ValueError(
                "load_among says where a load is counted; it needs max_units_per_person"
            )
        return self


@final
class StaffingKind:
    """Plans and describes ``staffing`` rules."""

    name: ClassVar[str] = "staffing"
    spec: ClassVar[type[RuleSpec]] = StaffingRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def plan(self, rule: StaffingRule, ctx: PlanContext) -> str:
        """Count distinct people per unit on each bucket's last day; compare with the bounds."""
        lo = ctx.value(rule.min_people, "s.bend") if rule.min_people is not None else "NULL"
        hi = ctx.value(rule.max_people, "s.bend") if rule.max_people is not None else "NULL"
        post, post_req = "NULL", "NULL"
        if rule.min_with_post is not None:
            post = ctx.lit(rule.min_with_post.post.value)
            post_req = ctx.value(rule.min_with_post.count, "s.bend")
        lim = "NULL"
        if rule.max_units_per_person is not None:
            lim = ctx.value(rule.max_units_per_person, "s.bend")
        snap = snapshot_sql(ctx, "s", rule.roles, rule.employment, rule.include_child_units)
        load_snap = "snap"
        if rule.load_among is not None:
            among = f"""(SELECT u.id AS subject_id, b.bucket, b.bend
                         FROM units u CROSS JOIN (SELECT DISTINCT bucket, bend FROM s) b
                         WHERE {selector_condition(rule.load_among, "u")})"""
            load_snap = snapshot_sql(
                ctx, among, rule.roles, rule.employment, rule.include_child_units
            )
        return f"""
        WITH s AS (
          SELECT *, CAST({lo} AS DOUBLE) AS lo, CAST({hi} AS DOUBLE) AS hi,
                 CAST({post_req} AS DOUBLE) AS post_req, CAST({lim} AS INTEGER) AS lim
          FROM {ctx.subjects(rule.period)} s
        ),
        snap AS {snap},
        load AS (SELECT bucket, person, count(DISTINCT subject_id) AS k FROM {load_snap}
                 GROUP BY ALL),
        own AS (
          SELECT c.*, coalesce(l.k, 1) AS k, s.lim IS NULL OR coalesce(l.k, 1) <= s.lim AS counts
          FROM snap c LEFT JOIN load l USING (bucket, person)
          JOIN s USING (subject_id, bucket)
        ),
        m AS (
          SELECT subject_id, bucket, count(DISTINCT person) FILTER (WHERE counts) AS n,
                 count(DISTINCT person) FILTER (WHERE counts AND list_contains(posts, {post}))
                   AS n_post,
                 list(id) FILTER (WHERE counts) AS ids,
                 string_agg(DISTINCT person || '=' || k, ', ' ORDER BY person || '=' || k)
                   FILTER (WHERE NOT counts) AS shared
          FROM own GROUP BY ALL
        ),
        j AS (
          SELECT s.*, coalesce(m.n, 0) AS n, coalesce(m.n_post, 0) AS n_post, m.ids, m.shared
          FROM s LEFT JOIN m USING (subject_id, bucket)
        )
        SELECT subject_type, subject_id, bucket, bstart AS bucket_start, bend AS bucket_end,
               CASE WHEN lo IS NULL AND hi IS NULL THEN 'not_applicable'
                    WHEN n < lo OR n > hi OR n_post < post_req THEN 'fail'
                    ELSE 'pass' END AS status,
               n AS measured, coalesce(lo, hi) AS required, ids AS evidence,
               -- the post count is only news when the post requirement is in force
               nullif(concat_ws('; ',
                 CASE WHEN post_req IS NOT NULL
                      THEN {post} || ' ' || n_post || '/' || CAST(post_req AS INTEGER) END,
                 CASE WHEN shared IS NOT NULL THEN 'shared ' || shared END), '') AS detail
        FROM j
        """

    def describe(self, rule: StaffingRule, finding: Finding) -> Text:
        """``3 people staffed; required at least 2`` (or the bound that was broken)."""
        if finding.status is Status.not_applicable:
            return verdict(
                finding,
                "该期间没有生效的配备要求",
                "no staffing requirement in force in this period",
            )
        day = finding.bucket_end
        lo = value_at(rule.min_people, day) if rule.min_people is not None else None
        hi = value_at(rule.max_people, day) if rule.max_people is not None else None
        n = finding.measured or 0
        if hi is not None and n > hi:
            zh = f"在岗 {{measured}} 人,超过上限 {hi} 人"
            en = f"{{measured}} staffed, above the maximum of {hi}"
        elif lo is None and hi is not None:
            zh = "在岗 {measured} 人,要求不超过 {required} 人"
            en = "{measured} staffed; required at most {required}"
        else:
            zh = "在岗 {measured} 人,要求不少于 {required} 人"
            en = "{measured} staffed; required at least {required}"
        if finding.detail:
            zh += ";{detail}(职务 人数/要求;shared 为兼管多个单位而不计入的人员=单位数)"
            en += "; {detail} (post held / required; shared: people left out, person=units)"
        return verdict(finding, zh, en)


KIND = StaffingKind()
