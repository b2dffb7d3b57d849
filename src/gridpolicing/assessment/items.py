"""Assessment items: their sources of points (a rule, a metric, assessors) and item groups."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import Field, model_validator

from gridpolicing.assessment.bands import Band, check_bands
from gridpolicing.assessment.members import SchemeSource
from gridpolicing.core.measures import Measure, RecordsFilter
from gridpolicing.model.vocabulary import ActivityKind
from gridpolicing.policy.models import IDENT, Citation
from gridpolicing.policy.values import PolicyModel, Text, require_exactly_one

__all__ = [
    "AssessorsSource",
    "Band",
    "Item",
    "Line",
    "MeasureSource",
    "MetricSource",
    "RecordsSource",
    "RuleSource",
]

_SOURCES = (
    "from_rule",
    "from_metric",
    "from_assessors",
    "from_records",
    "from_measure",
    "from_scheme",
)


class RuleSource(PolicyModel):
    """Points from the findings of a rule for the subject inside the assessment period.

    ``per_pass`` is earned for each passed finding and ``per_fail`` lost for each failed one;
    with ``proportional``, the item earns ``max_points`` times the share of passed findings.
    """

    rule: str = Field(
        pattern=IDENT,
        description="取其结果的规则 id。 The id of the rule whose findings score the item.",
        examples=["weekly-dispute-screening"],
    )
    per_pass: float = Field(
        default=0,
        ge=0,
        description="每个合格结果得分。 Points earned per passed finding.",
        examples=[1],
    )
    per_fail: float = Field(
        default=0,
        ge=0,
        description="每个不合格结果扣分。 Points lost per failed finding.",
        examples=[2],
    )
    proportional: bool = Field(
        default=False,
        description="按合格结果所占比例得 max_points 分。 The item earns max_points times the "
        "share of passed findings.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _some_points(self) -> RuleSource:
        if not self.proportional and self.per_pass == 0 and self.per_fail == 0:
            raise ValueError("expected per_pass, per_fail or proportional: true")
        if self.proportional and (self.per_pass or self.per_fail):
            raise ValueError("proportional scoring takes no per_pass or per_fail")
        return self


class MetricSource(PolicyModel):
    """Points per unit of an activity metric of the subject in the period.

    ``measure`` is summed over the subject's activities of ``activities`` kinds (a person's own
    activities in the units they are assigned to; a unit's activities logged in it).
    ``per_unit`` points are earned for each unit; with ``target``, ``per_unit_short`` points are
    lost for each unit short of it ("-0.5 per missing household visit").
    """

    activities: list[ActivityKind] = Field(
        min_length=1,
        description="计入的工作日志类别。 The activity kinds summed.",
        examples=[["household_visit"]],
    )
    measure: Literal["count", "hours", "households", "services", "quantity"] = Field(
        default="count",
        description="求和的量:count 条数、hours 小时、households 入户数、services 实事数、quantity "
        "数量。 What is summed: records, hours, households, services or quantity.",
        examples=["households"],
    )
    per_unit: float = Field(
        default=0,
        ge=0,
        description="每单位得分。 Points earned per unit of the measure.",
        examples=[0.5],
    )
    target: float | None = Field(
        default=None,
        ge=0,
        description="目标量;不足部分按 per_unit_short 扣分。 The target; each unit short of it "
        "loses per_unit_short.",
        examples=[20],
    )
    per_unit_short: float = Field(
        default=0,
        ge=0,
        description="低于 target 时每缺一个单位扣分(每少走访一户扣0.5分)。 Points lost per unit "
        "short of target.",
        examples=[0.5],
    )

    @model_validator(mode="after")
    def _some_points(self) -> MetricSource:
        if self.per_unit == 0 and self.per_unit_short == 0:
            raise ValueError("expected per_unit, or target with per_unit_short")
        if self.per_unit_short and self.target is None:
            raise ValueError("per_unit_short needs a target")
        return self


class RecordsSource(RecordsFilter):
    """Points lost for each record of the listed kinds of the subject in the period: a
    deduction per violation (离岗 -2 each), every record counted, not one a day.

    The records are the subject's own, as a ``measure`` counts them (core/measures.py): a
    person's incidents, tasks, activities, meetings attended or reports written; a unit's
    activities and meetings, and the incidents of people assigned there on the day. Each
    record costs ``per_record``; with ``escalation``, the n-th record of the period costs the
    n-th value, the last value for every record after (1st -1, 2nd -2, 3rd and later -5).
    """

    per_record: float | None = Field(
        default=None,
        gt=0,
        description="每条记录扣分(离岗每次扣2分)。 Points lost per record.",
        examples=[2],
    )
    escalation: list[float] | None = Field(
        default=None,
        min_length=1,
        description="周期内第1、2……条记录各扣的分,最后一个值用于其后每条。 Points lost by the "
        "1st, 2nd, ... record of the period; the last value repeats.",
        examples=[[1, 2, 5]],
    )

    @model_validator(mode="after")
    def _one_charge(self) -> RecordsSource:
        require_exactly_one(self, "per_record", "escalation")
        if self.escalation is not None and any(v <= 0 for v in self.escalation):
            raise ValueError("every escalation step must be greater than 0")
        return self

    def deduction(self, records: int) -> float:
        """The points ``records`` records cost together."""
        if self.escalation is None:
            return records * (self.per_record or 0)
        steps = self.escalation
        return sum(steps[min(i, len(steps) - 1)] for i in range(records))


class MeasureSource(PolicyModel):
    """Points from any measure of the core (core/measures.py) of the subject in the period.

    The measure is read as a ``measure`` rule reads it: a count, a sum, time, an attribute, a
    ratio or a share (the collection rate of 一标三实, crimes per resident, a satisfaction
    rate). Points come either ``per_unit`` of the value (with ``target``, ``per_unit_short``
    lost per unit short of it), or from ``bands``: the first band that holds gives its
    points, ``otherwise`` when none holds. A value that cannot be measured (no survey, a
    ratio over 0, an attribute not recorded) makes the item ``insufficient_data``.
    """

    measure: Measure = Field(
        description="核心度量之一(计数、求和、时长、属性、比值、占比)。 A measure of the core (a "
        "count, sum, time, attribute, ratio or share).",
        examples=[{"attribute": "population"}],
    )
    per_unit: float = Field(
        default=0,
        description="度量每一单位的得分(可为负)。 Points per unit of the value (any sign).",
        examples=[-0.5],
    )
    target: float | None = Field(
        default=None,
        description="目标值;不足部分按 per_unit_short 扣分。 The target; each unit short of it "
        "loses per_unit_short.",
        examples=[0.9],
    )
    per_unit_short: float = Field(
        default=0,
        ge=0,
        description="低于 target 时每缺一单位扣分。 Points lost per unit short of target.",
        examples=[10],
    )
    bands: list[Band] | None = Field(
        default=None,
        min_length=1,
        description="分档计分,最极端的档在前;第一个成立的档给分。 Bands, most extreme first; the "
        "first that holds gives its points.",
        examples=[[{"at_least": 0.95, "points": 5}, {"at_least": 0.9, "points": 3}]],
    )
    otherwise: float = Field(
        default=0,
        description="没有档成立时的得分。 Points when no band holds.",
        examples=[-2],
    )

    @model_validator(mode="after")
    def _some_points(self) -> MeasureSource:
        if self.bands is not None:
            if self.per_unit or self.per_unit_short or self.target is not None:
                raise ValueError("bands take no per_unit, target or per_unit_short")
            check_bands(self.bands, self.otherwise)
            return self
        if "otherwise" in self.model_fields_set:
            raise ValueError("otherwise goes with bands")
        if self.per_unit == 0 and self.per_unit_short == 0:
            raise ValueError("expected bands, per_unit, or target with per_unit_short")
        if self.per_unit_short and self.target is None:
            raise ValueError("per_unit_short needs a target")
        if self.target is not None and not self.per_unit_short:
            raise ValueError("target needs per_unit_short")
        return self


class AssessorsSource(PolicyModel):
    """Points from assessors' scores (dataset table ``assessor_scores``), weighted by assessor.

    Scores of one assessor for the subject, item and period are averaged; the item's points are
    the weighted mean over assessors. When an assessor gave no score, ``missing`` decides:
    ``rescale`` (the default) rescales the weights of those that did to sum to 1, and the
    explanation names the missing assessor; ``insufficient`` makes the item (and so the
    result) insufficient data, for a composite that needs every assessor (分别考核, 综合评分).
    """

    weights: dict[str, float] = Field(
        min_length=1,
        description="评分人(assessor_scores 表的 assessor)→ 权重。 Assessor (as the "
        "assessor_scores table names them) -> weight.",
        examples=[{"station": 0.6, "community": 0.4}],
    )
    missing: Literal["rescale", "insufficient"] = Field(
        default="rescale",
        description="有评分人未评分:rescale 按其余权重折算;insufficient 该项数据不足。 An "
        "assessor without a score: rescale the others' weights, or the item cannot be judged.",
        examples=["insufficient"],
    )

    @model_validator(mode="after")
    def _weights(self) -> AssessorsSource:
        if any(w <= 0 for w in self.weights.values()):
            raise ValueError("assessor weights must be > 0")
        if abs(sum(self.weights.values()) - 1) > 1e-9:
            raise ValueError("assessor weights must sum to 1")
        return self


_SOURCE_DOCS: Final[dict[str, tuple[str, dict[str, Any]]]] = {
    "from_rule": (
        "按一条规则的结果计分。 Points from the findings of a rule.",
        {"rule": "weekly-dispute-screening", "per_fail": 2},
    ),
    "from_metric": (
        "按工作日志的量计分。 Points per unit of an activity metric.",
        {"activities": ["household_visit"], "measure": "households", "per_unit": 0.1},
    ),
    "from_assessors": (
        "按评分人的评分加权计分。 Points from assessors' weighted scores.",
        {"weights": {"station": 0.6, "community": 0.4}},
    ),
    "from_records": (
        "按记录逐条扣分(离岗每次扣2分)。 Points lost per record (a deduction per violation).",
        {"incidents": ["accepted_hospitality"], "per_record": 5},
    ),
    "from_measure": (
        "按核心度量计分(数值或分档)。 Points from a measure of the core (per unit or bands).",
        {"measure": {"attribute": "population"}, "per_unit": 0.001},
    ),
    "from_scheme": (
        "按成员在另一方案中的总分计分。 Points from the members' totals in another scheme.",
        {"scheme": "officers"},
    ),
}


def _source(name: str) -> Any:
    """The ``Field`` of one source of points, described once for items and lines alike."""
    description, example = _SOURCE_DOCS[name]
    return Field(default=None, description=description, examples=[example])


class Line(PolicyModel):
    """One deduction (or award) line of an item group: a source of points and its own bounds."""

    id: str = Field(
        pattern=IDENT,
        description="扣分项 id,在方案内唯一。 The line's id, unique within the scheme.",
        examples=["left-post"],
    )
    title: Text = Field(
        description="扣分项名称,中英文。 The line's title in zh and en.",
        examples=[{"zh": "擅离岗位", "en": "Left the post"}],
    )
    from_rule: RuleSource | None = _source("from_rule")
    from_metric: MetricSource | None = _source("from_metric")
    from_assessors: AssessorsSource | None = _source("from_assessors")
    from_records: RecordsSource | None = _source("from_records")
    from_measure: MeasureSource | None = _source("from_measure")
    from_scheme: SchemeSource | None = _source("from_scheme")
    max_points: float | None = Field(
        default=None,
        ge=0,
        description="最高得分;null 为不设上限。 The most points it can earn (null: no cap).",
        examples=[10],
    )
    max_deduction: float | None = Field(
        default=None,
        ge=0,
        description="最多扣分;缺省或 null 为不设限。 Most points the line can lose; absent or "
        "null: no limit.",
        examples=[5],
    )
    citation: Citation | None = Field(
        default=None,
        description="该扣分项所依据的条款。 The clause the line encodes.",
        examples=[{"source": "xindu-2022", "quote": "擅离岗位的每次扣2分"}],
    )

    @model_validator(mode="after")
    def _one_source(self) -> Line:
        require_exactly_one(self, *_SOURCES)
        if self.from_rule and self.from_rule.proportional and self.max_points is None:
            raise ValueError("proportional scoring needs max_points")
        return self


class Item(PolicyModel):
    """One scored item (a row): exactly one source of points, and bounds on its points.

    The source is a rule, a metric, assessors, records, a measure, or ``lines``: an item
    group, whose raw points
    are the sum of its lines' points, so that ``max_deduction`` caps what the lines deduct
    together (扣完为止: the row never loses more than it is worth).
    """

    id: str = Field(
        pattern=IDENT,
        description="考核项目 id,在方案内唯一。 The item's id, unique within the scheme.",
        examples=["dispute-screening"],
    )
    title: Text = Field(
        description="考核项目名称,中英文。 The item's title in zh and en.",
        examples=[{"zh": "矛盾纠纷排查", "en": "Dispute screening"}],
    )
    from_rule: RuleSource | None = _source("from_rule")
    from_metric: MetricSource | None = _source("from_metric")
    from_assessors: AssessorsSource | None = _source("from_assessors")
    from_records: RecordsSource | None = _source("from_records")
    from_measure: MeasureSource | None = _source("from_measure")
    from_scheme: SchemeSource | None = _source("from_scheme")
    lines: list[Line] | None = Field(
        default=None,
        min_length=1,
        description="项目组:本项目上下限之内的各扣分项,合计扣分(扣完为止)。 An item group: "
        "deduction lines under this item's bounds (扣完为止).",
        examples=[
            [
                {
                    "id": "left-post",
                    "title": {"zh": "擅离岗位", "en": "Left the post"},
                    "from_records": {"attendance": ["absent"], "per_record": 2},
                }
            ]
        ],
    )
    max_points: float | None = Field(
        default=None,
        ge=0,
        description="最高得分;null 为不设上限。 The most points it can earn (null: no cap).",
        examples=[10],
    )
    max_deduction: float | None = Field(
        default=None,
        ge=0,
        description="最多扣分(扣完为止);缺省或 null 为不设限。 Most points the item can lose "
        "(扣完为止); absent or null: no limit.",
        examples=[20],
    )
    citation: Citation | None = Field(
        default=None,
        description="该项目所依据的条款。 The clause the item encodes.",
        examples=[{"source": "xindu-2022", "quote": "每月开展矛盾纠纷排查"}],
    )

    @model_validator(mode="after")
    def _one_source(self) -> Item:
        require_exactly_one(self, *_SOURCES, "lines")
        if self.from_rule and self.from_rule.proportional and self.max_points is None:
            raise ValueError("proportional scoring needs max_points")
        if self.lines is not None and self.max_points is None and self.max_deduction is None:
            raise ValueError(
                "an item group needs max_deduction or max_points (the cap its lines share)"
            )
        return self

    @property
    def sources(self) -> list[Item | Line]:
        """The item itself, or a group's lines: what carries a rule, metric or assessors."""
        return list(self.lines) if self.lines is not None else [self]
