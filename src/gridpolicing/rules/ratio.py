"""``ratio``: people per households, population or rental rooms of a unit (按户/人/间配备)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import Employment, Role
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Dated, PolicyModel, Text, Value
from gridpolicing.report.finding import Finding, Status
from gridpolicing.rules._common import require_units, snapshot_sql, verdict

__all__ = ["KIND", "Measure", "MeasureStandard", "RatioRule"]


class Measure(StrEnum):
    """A size column of a locality unit."""

    households = "households"  # 户
    population = "population"  # 实有人口
    rental_rooms = "rental_rooms"  # 出租房屋间


_ZH = {"households": "户数", "population": "人口", "rental_rooms": "出租房屋间数"}


class MeasureStandard(PolicyModel):
    """One person for every ``per`` units of ``measure`` (``{measure: households, per: 1000}``)."""

    measure: Measure = Field(
        description="单位的规模列:households 户数、population 人口、rental_rooms 出租房屋间数。 "
        "The unit's size column: households, population or rental_rooms.",
        examples=["households"],
    )
    per: Value[float] = Field(
        description="每多少规模配1人(1000户1名)。 One person for every this many of the measure.",
        examples=[1000, {"values": {"2016-06-23": None, "2017-01-01": 1000}}],
    )

    @model_validator(mode="after")
    def _positive(self) -> MeasureStandard:
        per = self.per
        values: list[Any] = list(per.values.values()) if isinstance(per, Dated) else [per]
        if any(isinstance(v, int | float) and v <= 0 for v in values):
            raise ValueError("per must be greater than 0")
        return self


class RatioRule(RuleSpec):
    """Enough people of ``roles`` for the unit's size: one per ``per`` households, people or rooms.

    People are counted as in ``staffing`` (a snapshot on the bucket's last day, optionally
    including child units). Each measure gives ``measure / per`` heads, rounded up (``ceil``:
    1001 households at 1000 per head need 2) or down (``floor``: one per *full* 1000);
    ``combine`` joins the measures: ``max`` (the default) takes the strictest standard, ``min``
    the most lenient, ``sum`` adds them. A missing measure (NULL) gives ``insufficient_data``,
    because no standard can be computed without it; a dated ``per`` not in force gives
    ``not_applicable``. measured = people counted; required = required heads; detail lists
    ``measure=value→heads``. Example (Xinxiang 2016)::

        - id: urban-auxiliary-ratio
          kind: ratio
          title:
            zh: 城市社区按户数、人口或出租房屋配备专职辅警
            en: Full-time auxiliaries in proportion to an urban community's size
          severity: major
          subject: {units: {type: locality, category: [urban_community]}}
          period: month
          roles: [auxiliary]
          employment: full_time
          measures:
            - measure: households
              per: {values: {2016-06-23: null, 2017-01-01: 1000}}
            - measure: population
              per: {values: {2016-06-23: null, 2017-01-01: 3000}}
            - measure: rental_rooms
              per: {values: {2016-06-23: null, 2017-01-01: 200}}
          combine: max
          rounding: ceil
          include_child_units: true
          citation:
            source: xinxiang-2016
            clause: 四(二)
            quote: 城市社区按实有人口1000户、3000人或出租房屋200间的标准,配备1名专职辅警
    """

    kind: Literal["ratio"]
    period: Period = period_field(Period.month)
    roles: list[Role] = Field(
        min_length=1,
        description="计担任这些角色的人员。 People holding one of these roles are counted.",
        examples=[["auxiliary"]],
    )
    employment: Employment | None = Field(
        default=None,
        description="只计该用工形式的任职(专职辅警:full_time)。 Only assignments of this "
        "employment count.",
        examples=["full_time"],
    )
    measures: list[MeasureStandard] = Field(
        min_length=1,
        description="配备标准:每项为规模列及每多少配1人。 The standards: a size column and how "
        "much of it one person serves.",
        examples=[[{"measure": "households", "per": 1000}, {"measure": "population", "per": 3000}]],
    )
    combine: Literal["max", "min", "sum"] = Field(
        default="max",
        description="多项标准如何合并:max 取最严,min 取最宽,sum 相加。 How the standards combine: "
        "max the strictest, min the most lenient, sum adds them.",
        examples=["max"],
    )
    rounding: Literal["ceil", "floor"] = Field(
        default="ceil",
        description="所需人数取整:ceil 向上(1001户需2人),floor 向下(每满1000户)。 Required "
        "heads rounded up (1001 households need 2) or down (one per full 1000).",
        examples=["floor"],
    )
    include_child_units: bool = Field(
        default=False,
        description="任职于下一级单位(parent、office、station、street 为对象)的人员也计入。 People "
        "assigned to units one level below the subject count too.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _check(self) -> RatioRule:
        require_units(self.subject, "ratio")
        names = [m.measure for m in self.measures]
        if len(set(names)) != len(names):
            raise ValueError("each measure may be listed once")
        return self


_COMBINE = {"max": "greatest", "min": "least"}


@final
class RatioKind:
    """Plans and describes ``ratio`` rules."""

    name: ClassVar[str] = "ratio"
    spec: ClassVar[type[RuleSpec]] = RatioRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def plan(self, rule: RatioRule, ctx: PlanContext) -> str:
        """Required heads per measure from the unit's size, combined; compare with people."""
        pers = [
            f"CAST({ctx.value(m.per, 's.bend')} AS DOUBLE) AS per{i}"
            for i, m in enumerate(rule.measures)
        ]
        heads = [
            f"{rule.rounding}(u.{m.measure.value} / per{i})" for i, m in enumerate(rule.measures)
        ]
        if rule.combine == "sum":
            required = " + ".join(heads)
        else:
            required = f"{_COMBINE[rule.combine]}({', '.join(heads)})"
        # greatest/least skip NULLs, so missing data and rules not in force are tested apart
        no_per = " OR ".join(f"per{i} IS NULL" for i in range(len(rule.measures)))
        no_data = " OR ".join(f"u.{m.measure.value} IS NULL" for m in rule.measures)
        detail = " || ', ' || ".join(
            f"'{m.measure.value}=' || coalesce(CAST(u.{m.measure.value} AS VARCHAR), '?') || '→' "
            f"|| coalesce(CAST(TRY_CAST({h} AS HUGEINT) AS VARCHAR), '?')"
            for m, h in zip(rule.measures, heads, strict=True)
        )
        snap = snapshot_sql(ctx, "s", rule.roles, rule.employment, rule.include_child_units)
        return f"""
        WITH s AS (SELECT *, {", ".join(pers)} FROM {ctx.subjects(rule.period)} s),
        snap AS {snap},
        m AS (SELECT subject_id, bucket, count(DISTINCT person) AS n, list(id) AS ids
              FROM snap GROUP BY ALL),
        j AS (
          SELECT s.*, coalesce(m.n, 0) AS n, m.ids,
                 ({no_per}) AS no_per, ({no_data}) AS no_data,
                 CASE WHEN NOT ({no_per}) AND NOT ({no_data}) THEN {required} END AS req,
                 CASE WHEN NOT ({no_per}) THEN {detail} END AS detail
          FROM s JOIN units u ON u.id = s.subject_id
          LEFT JOIN m USING (subject_id, bucket)
        )
        SELECT subject_type, subject_id, bucket, bstart AS bucket_start, bend AS bucket_end,
               CASE WHEN no_per THEN 'not_applicable'
                    WHEN no_data THEN 'insufficient_data'
                    WHEN n >= req THEN 'pass' ELSE 'fail' END AS status,
               n AS measured, req AS required, ids AS evidence, detail
        FROM j
        """

    def describe(self, rule: RatioRule, finding: Finding) -> Text:
        """``1 staffed; required 2 (households=1001→2, ...)``."""
        if finding.status is Status.not_applicable:
            return verdict(
                finding, "该期间没有生效的配备标准", "no staffing standard in force in this period"
            )
        zh_detail = finding.detail or ""
        for key, word in _ZH.items():
            zh_detail = zh_detail.replace(f"{key}=", f"{word} ")
        if finding.status is Status.insufficient_data:
            return verdict(
                finding,
                f"在岗 {{measured}} 人,缺少计算配备标准所需的数据({zh_detail})",
                "{measured} staffed; the unit's size is missing ({detail})",
            )
        return verdict(
            finding,
            f"在岗 {{measured}} 人,按标准应配备不少于 {{required}} 人({zh_detail})",
            "{measured} staffed; the standard requires at least {required} ({detail})",
        )


KIND = RatioKind()
