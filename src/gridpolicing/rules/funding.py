"""``funding``: money allocated from given sources to a person or unit per period."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, field_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import compare_status, verdict

__all__ = ["KIND", "FundingKind", "FundingRule"]


class FundingRule(RuleSpec):
    """At least ``min_amount_cny`` allocated from ``sources`` to each subject per period.

    An allocation counts in a bucket in proportion to its days inside the bucket: one lying
    wholly within the bucket counts in full, one straddling the bucket's edge counts
    ``amount × overlapping days / allocation days`` (both ends inclusive); the sum is rounded
    to the fen. People subjects count allocations naming the person; unit subjects count
    allocations naming the unit and no person (money to the unit itself, not to someone in it).
    A person holding the role for only part of a bucket is ``not_applicable`` for it. When the
    dataset holds no allocation from the sources at all, funding was not recorded and every
    subject is ``insufficient_data`` rather than failing. Example (Nanjing 2016)::

        - id: city-funding-per-officer
          kind: funding
          title:
            zh: 市财政社区民警每人每年5000元工作经费
            en: The city funds 5000 CNY per community officer a year
          severity: major
          subject: {people: {roles: [community_officer]}}
          period: year
          sources: [city]
          min_amount_cny: 5000
          citation:
            source: nanjing-2016
            clause: 六、11
            quote: 落实市财政社区民警每人每年5000元
    """

    kind: Literal["funding"]
    period: Period = period_field(Period.year)
    sources: list[str] = Field(
        min_length=1,
        description="计入的经费来源(与 allocations 表的 source 一致,如 city、district)。 The "
        "funding sources that count, as the allocations table names them.",
        examples=[["city"], ["city", "district"]],
    )
    min_amount_cny: Value[float] = Field(
        description="每个对象每个周期至少的金额(元)。 At least this many yuan per subject and "
        "period.",
        examples=[5000],
    )

    @field_validator("sources")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if any(not s for s in v) or len(set(v)) != len(v):
            raise ValueError("sources must be distinct, non-empty names")
        return v


@final
class FundingKind:
    """Plans and describes ``funding`` rules."""

    name: ClassVar[str] = "funding"
    spec: ClassVar[type[RuleSpec]] = FundingRule

    def plan(self, rule: FundingRule, ctx: PlanContext) -> str:
        """Sum the pro-rated allocations per subject and bucket, compare with the minimum."""
        if rule.subject.people is not None:
            match = "f.person = s.subject_id"
            applicable = 'o."full"'
        else:
            match = "f.unit = s.subject_id AND f.person IS NULL"
            applicable = "TRUE"
        sources = ", ".join(ctx.lit(src) for src in rule.sources)
        overlap = "date_diff('day', greatest(f.start, s.bstart), least(f.\"end\", s.bend)) + 1"
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        f AS (SELECT id, person, unit, amount_cny, start, "end",
                     date_diff('day', start, "end") + 1 AS adays
              FROM funding WHERE source IN ({sources})),
        m AS (
          SELECT s.subject_type, s.subject_id, s.bucket,
                 round(coalesce(sum(f.amount_cny * ({overlap}) / f.adays), 0), 2) AS amount,
                 list(f.id ORDER BY f.id) FILTER (WHERE f.id IS NOT NULL) AS ids
          FROM s LEFT JOIN f ON {match} AND f.start <= s.bend AND f."end" >= s.bstart
          GROUP BY ALL
        ),
        o AS (
          -- No allocation from these sources anywhere: the dataset does not record them.
          SELECT s.*, CASE WHEN EXISTS (SELECT 1 FROM f) THEN m.amount END AS amount, m.ids
          FROM s JOIN m USING (subject_type, subject_id, bucket)
        )
        SELECT o.subject_type, o.subject_id, o.bucket, o.bstart AS bucket_start,
               o.bend AS bucket_end,
               {compare_status("o.amount", "r.req", applicable=applicable)}
                   AS status,
               o.amount AS measured, r.req AS required, o.ids AS evidence,
               {ctx.lit(", ".join(rule.sources))} AS detail
        FROM o CROSS JOIN LATERAL (SELECT {ctx.value(rule.min_amount_cny, "o.bstart")} AS req) r
        """

    def describe(self, rule: FundingRule, finding: Finding) -> Text:
        """``3000 CNY allocated from city; required at least 5000 CNY``."""
        if finding.measured is None:
            return verdict(
                finding,
                "数据中没有来自 {detail} 的经费记录",
                "no funding from {detail} is recorded",
            )
        return verdict(
            finding,
            "来自 {detail} 的经费 {measured} 元,要求不少于 {required} 元",
            "{measured} CNY allocated from {detail}; required at least {required} CNY",
        )


KIND = FundingKind()
