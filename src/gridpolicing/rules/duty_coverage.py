"""``duty_coverage``: every duty of a catalogue is performed at least once per period."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field

from gridpolicing.engine.context import PlanContext
from gridpolicing.policy.models import Duty, Period, RuleSpec, period_field
from gridpolicing.policy.values import PolicyModel, Text, Value
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import compare_status, verdict

__all__ = ["KIND", "CatalogueRef", "DutyCoverageRule"]


class CatalogueRef(PolicyModel):
    """``{catalogue: name}``: the policy's duty catalogue of that name (resolved on load)."""

    catalogue: str = Field(
        description="政策顶层 catalogues 中职责目录的名称。 The name of a duty catalogue under the "
        "policy's catalogues.",
        examples=["village-contact-duties"],
    )


class DutyCoverageRule(RuleSpec):
    """Each subject performs every duty of a catalogue at least ``min_per_duty`` times a period.

    A duty is performed by an activity of one of its ``activity_kinds``: for a person, logged by
    the person in an assigned unit; for a unit (the team's duties: 社区综治警务八项日常工作),
    logged in the unit by anyone. ``measured`` is the number of duties performed, ``required``
    the number listed; the detail names the duties not performed. A person assigned for only
    part of a bucket is ``not_applicable`` for it. ``duties`` is usually ``{catalogue: NAME}``,
    a reference to the policy's top-level ``catalogues``, so the same classification serves
    several rules. Example (Xinxiang 2016, the five duties of 包村民警)::

        - id: village-contact-duties
          kind: duty_coverage
          title:
            zh: 包村民警履行5项职责任务
            en: Village contact officers perform their five duties
          severity: minor
          subject: {people: {roles: [village_contact_officer]}}
          period: quarter
          duties:   # the policy's catalogue village-contact-duties, written out
            - id: public-opinion
              title: {zh: 了解掌握社情民意, en: Know public opinion}
              activity_kinds: [opinion_survey, suggestion_collection]
            - id: disputes
              title: {zh: 排查化解矛盾纠纷, en: Screen and settle disputes}
              activity_kinds: [dispute_screening, mediation]
            - id: prevention
              title: {zh: 组织指导安全防范, en: Organise and guide crime prevention}
              activity_kinds: [patrol_organisation, safety_inspection, fire_safety,
                               security_briefing]
            - id: publicity
              title: {zh: 组织开展宣传教育, en: Run publicity and education}
              activity_kinds: [publicity]
            - id: visit-and-serve
              title: {zh: 走访服务辖区群众, en: Visit and serve the residents}
              activity_kinds: [household_visit, practical_service]
          citation:
            source: xinxiang-2016
            clause: 三(二)2
            quote: 主要对分包村承担了解掌握社情民意、排查化解矛盾纠纷、组织指导安全防范、组织开展宣传教育、走访服务辖区群众5项职责任务
    """

    kind: Literal["duty_coverage"]
    period: Period = period_field()
    duties: list[Duty] | CatalogueRef = Field(
        description="须履行的职责,或引用职责目录 {catalogue: 名称}。 The duties, or a catalogue "
        "of the policy as {catalogue: name}.",
        examples=[{"catalogue": "village-contact-duties"}],
    )
    min_per_duty: Value[int] = Field(
        default=1,
        description="每项职责每个周期至少履行的次数。 Times each duty is performed per period, "
        "at least.",
        examples=[2],
    )


@final
class DutyCoverageKind:
    """Plans and describes ``duty_coverage`` rules."""

    name: ClassVar[str] = "duty_coverage"
    spec: ClassVar[type[RuleSpec]] = DutyCoverageRule

    def plan(self, rule: DutyCoverageRule, ctx: PlanContext) -> str:
        """Count activities per duty, person and bucket; a duty is met at ``min_per_duty``."""
        if not isinstance(rule.duties, list):  # the loader resolves references
            raise ValueError(f"catalogue {rule.duties.catalogue!r} was not resolved")
        duty_rows = ", ".join(
            f"({ctx.lit(d.id)}, {ctx.lit([k.value for k in d.activity_kinds])})"
            for d in rule.duties
        )
        n_duties = len(rule.duties)
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        duty(duty, kinds) AS (VALUES {duty_rows}),
        dk AS (SELECT duty, unnest(kinds) AS kind FROM duty),
        su AS (SELECT subject_type, subject_id, bucket, bstart, bend, unnest(units) AS unit
               FROM s),
        per_duty AS (
          SELECT su.subject_id, su.bucket, dk.duty, sum(d.n) AS n,
                 flatten(list({ctx.ids("d")})) AS ids
          FROM su
          JOIN {ctx.activity_daily} d
            ON d.unit = su.unit AND (su.subject_type = 'unit' OR d.person = su.subject_id)
           AND d.day BETWEEN su.bstart AND su.bend
          JOIN dk ON dk.kind = d.kind
          GROUP BY su.subject_id, su.bucket, dk.duty
        ),
        grid AS (
          SELECT s.subject_type, s.subject_id, s.bucket, s.bstart, s.bend, s."full", duty.duty,
                 coalesce(p.n, 0) AS n, p.ids,
                 {ctx.value(rule.min_per_duty, "s.bstart")} AS req
          FROM s CROSS JOIN duty
          LEFT JOIN per_duty p
            ON p.subject_id = s.subject_id AND p.bucket = s.bucket AND p.duty = duty.duty
        )
        SELECT subject_type, subject_id, bucket, bstart AS bucket_start, bend AS bucket_end,
               {
            compare_status(
                "count(*) FILTER (WHERE n >= req)",
                str(n_duties),
                applicable='bool_and("full") AND bool_and(req IS NOT NULL)',
            )
        }
                   AS status,
               count(*) FILTER (WHERE n >= req) AS measured,
               {n_duties} AS required,
               flatten(list(ids) FILTER (WHERE ids IS NOT NULL)) AS evidence,
               string_agg(duty, ', ' ORDER BY duty) FILTER (WHERE n < req) AS detail
        FROM grid
        GROUP BY subject_type, subject_id, bucket, bstart, bend
        """

    def describe(self, rule: DutyCoverageRule, finding: Finding) -> Text:
        """``performed 3 of 5 duties; not performed: disputes, publicity``."""
        missing = finding.detail or ""
        return verdict(
            finding,
            "履行职责 {measured}/{required} 项" + (";未履行:{detail}" if missing else ""),
            "performed {measured} of {required} duties"
            + ("; not performed: {detail}" if missing else ""),
        )


KIND = DutyCoverageKind()
