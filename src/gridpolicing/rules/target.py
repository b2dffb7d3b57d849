"""``target``: an outcome rate of a unit (satisfaction, hazard rectification) reaches a minimum."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Final, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import compare_status, verdict

__all__ = ["KIND", "TargetKind", "TargetMetric", "TargetRule"]


class TargetMetric(StrEnum):
    """The outcome a target measures; each is a ratio of two sums over the bucket."""

    satisfaction_rate = "satisfaction_rate"  # 群众安全感满意度: satisfied / respondents
    hazard_rectification_rate = "hazard_rectification_rate"  # 隐患整改率: rectified / found


@final
@dataclass(frozen=True, slots=True)
class _Metric:
    rows: str
    """SQL of the records measured: ``id, unit, day, num, den``."""
    zh: str
    en: str
    none_zh: str
    none_en: str


_METRICS: Final[dict[TargetMetric, _Metric]] = {
    TargetMetric.satisfaction_rate: _Metric(
        "SELECT id, unit, date AS day, satisfied AS num, respondents AS den FROM surveys",
        "群众满意率",
        "satisfaction rate",
        "期间内没有满意度调查",
        "no satisfaction survey in the period",
    ),
    # Only activities that found or rectified a hazard are records of this measure; a
    # rectification of a hazard found in an earlier bucket counts in the bucket it was done.
    TargetMetric.hazard_rectification_rate: _Metric(
        """SELECT id, unit, CAST(start AS DATE) AS day, hazards_rectified AS num,
                  hazards_found AS den
           FROM activities WHERE hazards_found > 0 OR hazards_rectified > 0""",
        "隐患整改率",
        "hazard rectification rate",
        "期间内没有发现隐患",
        "no hazard found in the period",
    ),
}


class TargetRule(RuleSpec):
    """A unit's outcome rate over each period is at least ``min_value`` (a fraction, 0.9 = 90%).

    ``satisfaction_rate`` is the respondents satisfied over all respondents, summed over the
    surveys of the unit dated in the bucket; ``hazard_rectification_rate`` is hazards rectified
    over hazards found, summed over the activities in the unit that started in the bucket (it may
    exceed 1 when hazards found earlier are rectified). With ``include_child_units`` the records
    of units whose parent, station, office or street is the subject count too (one level). No
    record, or nothing found, is ``insufficient_data``. Subjects must be units. Example (a
    bureau's rule for each police office's area; the bundled Xinxiang goal is the district's,
    a ``measure`` of all its surveys)::

        - id: office-area-satisfaction
          kind: target
          title:
            zh: 各警务室辖区群众满意率不低于90%
            en: Each police office's area has a satisfaction rate of at least 90%
          severity: minor
          subject: {units: {type: office}}
          period: year
          metric: satisfaction_rate
          min_value: 0.9
          include_child_units: true
          citation:
            source: test-source
            quote: 各警务室辖区群众满意率不低于90%
    """

    kind: Literal["target"]
    period: Period = period_field(Period.year)
    metric: TargetMetric = Field(
        description="指标:satisfaction_rate 群众满意率,hazard_rectification_rate 隐患整改率。 "
        "The outcome rate: satisfaction_rate or hazard_rectification_rate.",
        examples=["satisfaction_rate"],
    )
    min_value: Value[float] = Field(
        description="比率须不低于此值(小数,0.9 即 90%)。 The rate is at least this (a fraction: "
        "0.9 is 90%).",
        examples=[0.9],
    )
    include_child_units: bool = Field(
        default=False,
        description="下一级单位(parent、station、office、street 为对象)的记录也计入。 The records "
        "of units one level below the subject count too.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _units_subject(self) -> TargetRule:
        if self.subject.units is None:
            raise ValueError("a target rule's subject must be units")
        return self


@final
class TargetKind:
    """Plans and describes ``target`` rules."""

    name: ClassVar[str] = "target"
    spec: ClassVar[type[RuleSpec]] = TargetRule

    def plan(self, rule: TargetRule, ctx: PlanContext) -> str:
        """Sum numerator and denominator over the subject's (and children's) records per bucket."""
        metric = _METRICS[rule.metric]
        children = ""
        if rule.include_child_units:
            # IN with NULL columns yields NULL, i.e. no match, so unset links are skipped.
            children = """UNION
              SELECT s.subject_id, s.bucket, c.id AS unit FROM s
              JOIN units c ON s.subject_id IN (c.parent, c.station, c.office, c.street)"""
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        su AS (SELECT subject_id, bucket, subject_id AS unit FROM s {children}),
        x AS ({metric.rows}),
        m AS (
          SELECT su.subject_id, su.bucket,
                 CAST(sum(x.num) AS DOUBLE) AS num, CAST(sum(x.den) AS DOUBLE) AS den,
                 list(x.id ORDER BY x.id) FILTER (WHERE x.id IS NOT NULL) AS ids
          FROM su JOIN s USING (subject_id, bucket)
          LEFT JOIN x ON x.unit = su.unit AND x.day BETWEEN s.bstart AND s.bend
          GROUP BY ALL
        ),
        o AS (
          SELECT s.*, CASE WHEN m.den > 0 THEN m.num / m.den END AS rate, m.num, m.den, m.ids
          FROM s JOIN m USING (subject_id, bucket)
        )
        SELECT o.subject_type, o.subject_id, o.bucket, o.bstart AS bucket_start,
               o.bend AS bucket_end,
               {compare_status("o.rate", "r.req")} AS status,
               o.rate AS measured, r.req AS required, o.ids AS evidence,
               CASE WHEN o.den > 0
                    THEN CAST(CAST(o.num AS BIGINT) AS VARCHAR) || '/'
                         || CAST(CAST(o.den AS BIGINT) AS VARCHAR) END AS detail
        FROM o CROSS JOIN LATERAL (SELECT {ctx.value(rule.min_value, "o.bstart")} AS req) r
        """

    def describe(self, rule: TargetRule, finding: Finding) -> Text:
        """``satisfaction rate 89.9% (899/1000); required at least 90%``."""
        metric = _METRICS[rule.metric]
        if finding.measured is None:
            return verdict(finding, metric.none_zh, metric.none_en)
        got, need = _percents(finding.measured, finding.required)
        return verdict(
            finding,
            f"{metric.zh} {got}({{detail}}),要求不低于 {need}",
            f"{metric.en} {got} ({{detail}}); required at least {need}",
        )


def _percents(measured: float, required: float | None) -> tuple[str, str]:
    """Both values as percentages, with enough decimals that a failing rate never prints equal
    to its minimum (89.999% is not shown as 90%)."""
    if required is None:
        return _pct(measured, 2), "-"
    for places in range(2, 7):
        got, need = _pct(measured, places), _pct(required, places)
        if got != need or measured == required:
            break
    return got, need


def _pct(value: float, places: int) -> str:
    text = f"{value * 100:.{places}f}".rstrip("0").rstrip(".")
    return f"{text}%"


KIND = TargetKind()
