"""``tenure``: people stay in post long enough (不少于3年) or rotate after a term (一年为一期)."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import EndReason
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value, require_exactly_one
from gridpolicing.report.finding import Finding, Status
from gridpolicing.rules._common import OPEN_END, verdict

__all__ = ["KIND", "TenureRule"]


class TenureRule(RuleSpec):
    """A minimum time in post (``min_years``) or a fixed term (``max_term_months``); exactly one.

    The subjects are the people of ``subject.people``. Their assignments are merged into
    *stints*: assignments of the same person that follow one another without a gap (the next
    starts at most a day after the last ends) form one stint, so re-registering an officer does
    not look like a move. With ``same_unit`` (the default) a stint stays in one unit (分包时间:
    the same village); without it, moving between units in the selected roles keeps the stint
    going (在城乡社区工作不少于3年: community work anywhere). Time served is calendar time,
    ``start`` to ``end`` inclusive: 2019-03-01 to 2022-02-28 is exactly 3 years.

    * ``min_years``: a stint that **ended inside the bucket** after less than ``min_years``
      fails (the person was moved too early); measured = the shortest such stint in years,
      detail = the day it ended. Ongoing stints pass; measured = the longest so far at the
      bucket's end. A stint whose last assignment records an ``end_reason`` listed in
      ``exempt_end_reasons`` is the text's exception (调整 on promotion, or with a recorded
      approval): it passes, and the detail names the day and the reason. Without a recorded
      reason a failure is a question to ask, not proof of a breach.
    * ``max_term_months``: a stint still running after its term fails, i.e. served more than
      the term by the bucket's end (a 12-month term from 2022-02-01 ends 2023-01-31);
      measured = the longest stint in months, detail = its start day. Xindu (以一年为一期)
      rotates only 一定比例 of its officers each year, so there a failure marks an officer due
      for review rather than a breach; give such a rule a ``minor`` severity and say so in
      ``note``.

    Thresholds take the value in force on the bucket's last day. Example (Xinxiang 2016)::

        - id: contact-officer-tenure
          kind: tenure
          title:
            zh: 包村民警分包时间不少于3年
            en: Village contact officers keep their village three years
          severity: minor
          subject: {people: {roles: [village_contact_officer]}}
          period: year
          min_years: 3
          same_unit: true
          citation:
            source: xinxiang-2016
            clause: 四(二)
            quote: 原则上包村民警对分包的行政村(社区)应保持固定,分包时间不少于3年
    """

    kind: Literal["tenure"]
    period: Period = period_field(Period.year)
    min_years: Value[float] | None = Field(
        default=None,
        description="最短任职年限:周期内结束且不足此年数的任期不合格(不少于3年:3)。 Minimum "
        "years in post: a stint ending in the bucket after less fails.",
        examples=[3],
    )
    max_term_months: Value[int] | None = Field(
        default=None,
        description="任期(月):周期末仍在任且已超过此月数的不合格(一年一期:12)。 A fixed term in "
        "months: a stint still running past it at the bucket's end fails.",
        examples=[12],
    )
    same_unit: bool = Field(
        default=True,
        description="true:任期限于同一单位(分包同一村);false:在所选角色内调动单位仍连续计算。 "
        "true: a stint stays in one unit; false: moving between units in the roles keeps it.",
        examples=[False],
    )
    exempt_end_reasons: list[EndReason] = Field(
        default_factory=list,
        description="与 min_years 同用:因这些原因提前离岗的任期合格(如提拔、经批准调动)。 With "
        "min_years: a stint ended early for one of these reasons passes.",
        examples=[["promotion", "approved_transfer"]],
    )

    @model_validator(mode="after")
    def _check(self) -> TenureRule:
        if self.subject.people is None:
            raise ValueError("a tenure rule needs a people subject (subject: {people: ...})")
        require_exactly_one(self, "min_years", "max_term_months")
        if self.exempt_end_reasons and self.min_years is None:
            raise ValueError("exempt_end_reasons excuse a stint ended early: use with min_years")
        return self


def _served(end: str, start: str, unit: Literal["years", "months"]) -> str:
    """Calendar time from ``start`` through ``end`` inclusive, in years or months.

    Built from ``age``'s years, months and days so whole months are exact (3 years is 3.0);
    the leftover days add less than a month, so the order of durations is kept.
    """
    iv = f"age(CAST({end} + 1 AS TIMESTAMP), CAST({start} AS TIMESTAMP))"
    y, m, d = (f"date_part('{p}', {iv})" for p in ("year", "month", "day"))
    if unit == "years":
        return f"({y} + {m} / 12.0 + {d} / 365.25)"
    return f"({y} * 12 + {m} + {d} / 30.4375)"


@final
class TenureKind:
    """Plans and describes ``tenure`` rules."""

    name: ClassVar[str] = "tenure"
    spec: ClassVar[type[RuleSpec]] = TenureRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def plan(self, rule: TenureRule, ctx: PlanContext) -> str:
        """Merge assignments into stints, then measure the stints touching each bucket."""
        part = "person, unit" if rule.same_unit else "person"
        reasons = ", ".join(ctx.lit(r.value) for r in rule.exempt_end_reasons)
        exempt = f"coalesce(r.reason IN ({reasons}), FALSE)" if reasons else "FALSE"
        unit: Literal["years", "months"] = "years" if rule.min_years is not None else "months"
        threshold = rule.min_years if rule.min_years is not None else rule.max_term_months
        served = _served("least(coalesce(r.rend, s.bend), s.bend)", "r.rstart", unit)
        if rule.min_years is not None:
            # only stints that ended in the bucket can have been cut short; one ended for an
            # exempt reason is the text's exception
            outcome = """
              min(served) FILTER (WHERE ended) AS worst,
              coalesce(min(served) FILTER (WHERE ended), min(served) FILTER (WHERE excused),
                       max(served)) AS measured,
              CASE WHEN bool_or(ended) THEN flatten(list(ids) FILTER (WHERE ended))
                   WHEN bool_or(excused) THEN flatten(list(ids) FILTER (WHERE excused))
                   ELSE flatten(list(ids)) END AS evidence,
              -- ties broken on the date itself so the detail never depends on row order
              CASE WHEN bool_or(ended)
                   THEN CAST(arg_min(rend, struct_pack(s := served, d := rend))
                             FILTER (WHERE ended) AS VARCHAR)
                   WHEN bool_or(excused)
                   THEN CAST(arg_min(rend, struct_pack(s := served, d := rend))
                             FILTER (WHERE excused) AS VARCHAR) || ' ('
                        || arg_min(reason, struct_pack(s := served, d := rend))
                             FILTER (WHERE excused) || ')'
                   END AS detail"""
            failed = "worst < req"
        else:
            outcome = """
              max(served) AS worst, max(served) AS measured,
              CASE WHEN bool_or(served > req) THEN flatten(list(ids) FILTER (WHERE served > req))
                   ELSE flatten(list(ids)) END AS evidence,
              CAST(arg_max(rstart, struct_pack(s := served, d := rstart)) AS VARCHAR)
                AS detail"""
            failed = "worst > req"
        return f"""
        WITH a AS ({ctx.assignments_sql(rule.subject)}),
        o AS (
          SELECT a.*,
                 -- a new stint starts when this assignment does not touch an earlier one
                 CASE WHEN a.start <= max(coalesce(a."end", {OPEN_END})) OVER (
                        PARTITION BY {part} ORDER BY a.start, a.id
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                      THEN 0 ELSE 1 END AS brk
          FROM a
        ),
        g AS (SELECT *, sum(brk) OVER (PARTITION BY {part} ORDER BY start, id) AS stint FROM o),
        r AS (
          SELECT person, stint, min(start) AS rstart,
                 CASE WHEN bool_or("end" IS NULL) THEN NULL ELSE max("end") END AS rend,
                 -- why the stint ended: the reason on its last assignment
                 CAST(arg_max(end_reason, struct_pack(e := "end", i := id)) AS VARCHAR)
                   AS reason,
                 list(id ORDER BY id) AS ids
          FROM g GROUP BY person, {part}, stint
        ),
        -- the subjects are the people with a stint touching the bucket, built here rather
        -- than with ctx.subjects because stints, not single assignments, are what is measured
        j AS (
          SELECT 'person' AS subject_type, r.person AS subject_id, s.bucket, s.bstart, s.bend,
                 r.rstart, r.rend, r.ids, r.reason,
                 (r.rend IS NOT NULL AND r.rend <= s.bend AND NOT {exempt}) AS ended,
                 (r.rend IS NOT NULL AND r.rend <= s.bend AND {exempt}) AS excused,
                 {served} AS served, CAST({ctx.value(threshold, "s.bend")} AS DOUBLE) AS req
          FROM {ctx.buckets(rule.period)} s
          JOIN r ON r.rstart <= s.bend AND coalesce(r.rend, {OPEN_END}) >= s.bstart
        ),
        k AS (
          SELECT subject_type, subject_id, bucket, bstart, bend, req, {outcome}
          FROM j GROUP BY subject_type, subject_id, bucket, bstart, bend, req
        )
        SELECT subject_type, subject_id, bucket, bstart AS bucket_start, bend AS bucket_end,
               CASE WHEN req IS NULL THEN 'not_applicable'
                    WHEN {failed} THEN 'fail' ELSE 'pass' END AS status,
               -- shown rounded down, so a stint a day short never prints as the threshold
               floor(measured * 100 + 1e-9) / 100 AS measured, req AS required, evidence,
               detail
        FROM k
        """

    def describe(self, rule: TenureRule, finding: Finding) -> Text:
        """``left the post on 2022-02-27 after 2.99 years; required at least 3``."""
        if finding.status is Status.not_applicable:
            return verdict(
                finding,
                "该期间没有生效的任职期限要求",
                "no tenure requirement in force in this period",
            )
        if rule.max_term_months is not None:
            return verdict(
                finding,
                "自 {detail} 起在岗 {measured} 个月,任期为 {required} 个月",
                "in post {measured} months since {detail}; the term is {required} months",
            )
        if finding.detail and finding.status is Status.passed:
            return verdict(
                finding,
                "于 {detail} 离开岗位,任职 {measured} 年,属允许的例外(要求不少于 {required} 年)",
                "left the post on {detail} after {measured} years, an allowed exception "
                "(required at least {required})",
            )
        if finding.detail:
            return verdict(
                finding,
                "于 {detail} 离开岗位,任职 {measured} 年,要求不少于 {required} 年",
                "left the post on {detail} after {measured} years; required at least {required}",
            )
        return verdict(
            finding,
            "仍在岗,已任职 {measured} 年(要求不少于 {required} 年)",
            "still in post, {measured} years so far (required at least {required})",
        )


KIND = TenureKind()
