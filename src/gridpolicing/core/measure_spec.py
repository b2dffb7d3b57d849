"""The measures a policy writes: what is counted, summed or timed, and the comparisons.

These are the YAML shapes of ``measure:`` (a ``measure`` rule, a standard of ``require:``, an
assessment item's ``from_measure``) and of the thresholds they are compared with; how a
measure is computed is core/measures.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from gridpolicing.core.records import RecordsFilter
from gridpolicing.model.vocabulary import (
    ActivityKind,
    Area,
    Employment,
    LocalityCategory,
    Role,
    RoleClass,
    UnitTag,
)
from gridpolicing.policy.models import UnitSelector
from gridpolicing.policy.values import PolicyModel, UpperBound, Value, require_exactly_one

__all__ = [
    "SURVEY_FIELDS",
    "UNIT_FIELDS",
    "About",
    "Between",
    "Bound",
    "CountOf",
    "Measure",
    "PeopleFilter",
    "PerClass",
    "Ratio",
    "Share",
    "SumOf",
    "Threshold",
    "TimeOf",
    "Within",
]


Within = Literal["self", "children", "descendants", "self_and_descendants"]


class PeopleFilter(PolicyModel):
    """Which people count: by role or role class, employment, and how they belong to a unit.

    ``via: assignment`` counts the people holding a matching assignment in a reached unit on
    the bucket's last day; ``via: home_unit`` the people whose home unit (编制) is reached:
    with ``roles``, ``role_class`` or ``employment``, those holding a matching assignment
    anywhere on that day (a role is held through an assignment); without, every such person.
    With neither ``roles`` nor ``role_class``, every role counts.
    """

    roles: list[Role] | None = Field(
        default=None,
        min_length=1,
        description="只计担任这些角色的人员(与 role_class 均缺省则计所有角色)。 "
        "Only people in these "
        "roles (with neither roles nor role_class, every role counts).",
        examples=[["community_officer"]],
    )
    role_class: RoleClass | None = Field(
        default=None,
        description="角色类别:officer 民警、auxiliary 辅警、civilian 其他人员。 A role class: "
        "officer, auxiliary or civilian (docs/vocabulary.md).",
        examples=["officer"],
    )
    employment: Employment | None = Field(
        default=None,
        description="只计该用工形式的任职。 Only assignments of this employment.",
        examples=["full_time"],
    )
    via: Literal["assignment", "home_unit"] = Field(
        default="assignment",
        description="assignment:在所及单位任职的人员(周期末日);home_unit:编制在所及单位的人员。 "
        "assignment: people assigned to a reached unit on the last day; home_unit: people whose "
        "home unit (编制) is reached.",
        examples=["home_unit"],
    )


UNIT_FIELDS = ("population", "households", "rental_rooms")
SURVEY_FIELDS = ("respondents", "satisfied")


class CountOf(PolicyModel):
    """What is counted (exactly one): distinct ``people``, ``units`` or ``records``."""

    people: PeopleFilter | None = Field(
        default=None,
        description="计不同的人员。 Count distinct people.",
        examples=[{"role_class": "officer"}],
    )
    units: UnitSelector | None = Field(
        default=None,
        description="计所及单位中的某类单位。 Count reached units of a kind.",
        examples=[{"type": "office"}],
    )
    records: RecordsFilter | None = Field(
        default=None,
        description="计某表中所列类别的记录(如工作日志、违纪情形)。 Count records of the listed "
        "kinds of one table.",
        examples=[{"activities": ["household_visit"]}],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> CountOf:
        require_exactly_one(self, "people", "units", "records")
        return self


class SumOf(PolicyModel):
    """The sum of a numeric field: of activity records (households visited, services ...), of
    reached units (population, households, rental rooms; with ``units`` saying which), or of
    the satisfaction surveys of the reached units dated in the bucket (respondents, satisfied).

    A reached unit whose field is not recorded makes the sum unknown (insufficient data), so
    a missing population never passes an "at most so many residents" standard. No survey sums
    0 respondents, so a satisfaction share over them is unknown, never a pass.
    """

    field: Literal[
        "households_visited",
        "services_done",
        "quantity",
        "hazards_found",
        "hazards_rectified",
        "population",
        "households",
        "rental_rooms",
        "respondents",
        "satisfied",
    ] = Field(
        description="求和的字段:工作日志的(households_visited 入户数等)、"
        "单位的(population 等)或满意"
        "度调查的(respondents、satisfied)。 The field summed: of activities, of units or of "
        "satisfaction surveys.",
        examples=["households_visited", "population"],
    )
    activities: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="工作日志字段:只计这些类别(缺省为全部)。 Activity fields: only these kinds "
        "(all when absent).",
        examples=[["household_visit"]],
    )
    units: UnitSelector | None = Field(
        default=None,
        description="单位字段(必填):对哪些所及单位求和。 With a unit field: the reached units "
        "summed (required).",
        examples=[{"type": "locality"}],
    )

    @model_validator(mode="after")
    def _source(self) -> SumOf:
        if self.field in UNIT_FIELDS:
            if self.units is None or self.activities is not None:
                raise ValueError(
                    f"{self.field} is a field of units: say which with units: {{type: ...}}"
                )
        elif self.field in SURVEY_FIELDS:
            if self.units is not None or self.activities is not None:
                raise ValueError(f"{self.field} is a field of surveys: remove units and activities")
        elif self.units is not None:
            raise ValueError(f"{self.field} is a field of activities: remove units")
        return self


class TimeOf(PolicyModel):
    """Time in the reached units (a person: their own), split by day and merged."""

    activities: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="只计这些类别的工作日志(缺省为全部)。 Only these kinds (all when absent).",
        examples=[["patrol"]],
    )


class Measure(PolicyModel):
    """One number per subject and bucket (exactly one of the measure fields).

    ``within`` says which units a unit subject reaches (``self``, ``children``,
    ``descendants``, ``self_and_descendants``); counts and sums of units reach
    ``descendants`` unless told otherwise, every other measure ``self``.
    """

    count: CountOf | None = Field(
        default=None,
        description="计数:人员、单位或记录。 A count of people, units or records.",
        examples=[{"people": {"roles": ["community_officer"]}}],
    )
    sum: SumOf | None = Field(
        default=None,
        description="某数值字段的和。 The sum of a numeric field.",
        examples=[{"field": "households_visited"}],
    )
    hours: TimeOf | None = Field(
        default=None,
        description="在所及单位的小时数(按日拆分、重叠合并)。 Hours in the reached units (split "
        "by day, overlaps merged).",
        examples=[{"activities": ["patrol"]}],
    )
    days: TimeOf | None = Field(
        default=None,
        description="在所及单位有工作的天数。 Days with time in the reached units.",
        examples=[{}],
    )
    working_days: TimeOf | None = Field(
        default=None,
        description="在所及单位有工作的法定工作日数。 Official working days with time in the "
        "reached units.",
        examples=[{}],
    )
    attribute: str | None = Field(
        default=None,
        description="对象自身各列中的数值表达式(单位或人员)。 A number from the subject's own "
        "columns (units or people).",
        examples=["population / 3000"],
    )
    ratio: Ratio | None = Field(
        default=None,
        description="两个度量之比 of / per(per 为 0 时数据不足)。 One measure divided by another "
        "(insufficient data when per is 0).",
        examples=[
            {
                "of": {"count": {"records": {"incidents": ["partial_conduct"]}}},
                "per": {"attribute": "population"},
            }
        ],
    )
    share: Share | None = Field(
        default=None,
        description="部分 of 占整体 in 的比例(0 到 1)。 The part of is of the whole in (0 to 1).",
        examples=[
            {
                "of": {"count": {"people": {"roles": ["community_officer"]}}},
                "in": {"count": {"people": {"role_class": "officer"}}},
            }
        ],
    )
    within: Within | None = Field(
        default=None,
        description="单位对象所及的单位:self 自身、children 下一级、descendants 全部下级、"
        "self_and_descendants 自身及全部下级。 Which units a unit subject reaches.",
        examples=["self_and_descendants"],
    )
    in_units: UnitSelector | None = Field(
        default=None,
        description="只计所及单位中的这类单位(如分局下的派出所)。 Only the reached units of this "
        "kind count, e.g. the stations of a bureau.",
        examples=[{"type": "station"}],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Measure:
        require_exactly_one(
            self, "count", "sum", "hours", "days", "working_days", "attribute", "ratio", "share"
        )
        return self

    @property
    def reach(self) -> Within:
        """The units a unit subject reaches for this measure."""
        if self.within is not None:
            return self.within
        # Counts and sums of units reach every unit below the subject: reaching only part of
        # them would undercount, and pass an "at most" standard that the whole breaks.
        over_units = (self.count is not None and self.count.units is not None) or (
            self.sum is not None and self.sum.units is not None
        )
        return "descendants" if over_units else "self"


class Ratio(PolicyModel):
    """``of`` divided by ``per`` (NULL, so insufficient data, when ``per`` is 0)."""

    of: Measure = Field(
        description="分子度量。 The measure divided.",
        examples=[{"count": {"records": {"incidents": ["partial_conduct"]}}}],
    )
    per: Measure = Field(
        description="分母度量。 The measure it is divided by.",
        examples=[{"attribute": "population"}],
    )


class Share(PolicyModel):
    """The part ``of`` is of the whole ``in`` (``of`` / ``in``, between 0 and 1)."""

    of: Measure = Field(
        description="部分的度量。 The measure of the part.",
        examples=[{"count": {"people": {"roles": ["community_officer"]}}}],
    )
    in_: Measure = Field(
        alias="in",
        description="整体的度量。 The measure of the whole.",
        examples=[{"count": {"people": {"role_class": "officer"}}}],
    )


Measure.model_rebuild()


class PerClass(PolicyModel):
    """A threshold that differs by unit class: by the unit's tag (the first listed tag the unit
    holds), its locality category or its area, else ``otherwise`` (absent: the rule does not
    apply to units of no listed class)."""

    by_tag: dict[UnitTag, float] | None = Field(
        default=None,
        description="按单位标签(政策 vocabulary: unit_tags 中声明)给值,"
        "取单位带有的第一个所列标签。 "
        "A value per unit tag the policy declares; the first listed tag the unit holds applies.",
        examples=[{"chengguan": 2}],
    )
    by_category: dict[LocalityCategory, float] | None = Field(
        default=None,
        description="按社区/村类别给值。 A value per locality category.",
        examples=[{"urban_community": 2, "village": 1}],
    )
    by_area: dict[Area, float] | None = Field(
        default=None,
        description="按城乡给值。 A value for urban and for rural units.",
        examples=[{"urban": 2, "rural": 1}],
    )
    otherwise: float | None = Field(
        default=None,
        description="不属所列类别的单位所用的值;缺省则规则不适用于这些单位。 "
        "The value for units of "
        "no listed class; absent: the rule does not apply to them.",
        examples=[1],
    )

    @model_validator(mode="after")
    def _one_mapping(self) -> PerClass:
        require_exactly_one(self, "by_tag", "by_category", "by_area")
        return self


Threshold = Annotated[Value[float] | PerClass, Field(union_mode="left_to_right")]
Bound = Annotated[UpperBound[float] | PerClass, Field(union_mode="left_to_right")]


class Between(PolicyModel):
    """A range, both ends included."""

    min: Value[float] = Field(description="下限(含)。 The lower end (included).", examples=[2])
    max: Value[float] = Field(description="上限(含)。 The upper end (included).", examples=[3])


class About(PolicyModel):
    """About ``value``, within ``tolerance`` either side (约3000: 3000 ± tolerance)."""

    value: Value[float] = Field(
        description="目标值(约3000:3000)。 The value aimed at (约3000: 3000).", examples=[3000]
    )
    tolerance: float = Field(
        ge=0,
        description="允许的上下误差。 How far either side of value still counts.",
        examples=[300],
    )
