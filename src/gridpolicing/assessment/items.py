"""Assessment items: their sources of points (a rule, a metric, assessors) and item groups."""

from __future__ import annotations

from typing import Literal

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

    rule: str = Field(pattern=IDENT)
    per_pass: float = Field(default=0, ge=0)
    per_fail: float = Field(default=0, ge=0)
    proportional: bool = False

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

    activities: list[ActivityKind] = Field(min_length=1)
    measure: Literal["count", "hours", "households", "services", "quantity"] = "count"
    per_unit: float = Field(default=0, ge=0)
    target: float | None = Field(default=None, ge=0)
    per_unit_short: float = Field(default=0, ge=0)

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

    per_record: float | None = Field(default=None, gt=0, description="Points lost per record")
    escalation: list[float] | None = Field(
        default=None,
        min_length=1,
        description="Points lost by the 1st, 2nd, ... record of the period; the last repeats",
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

    measure: Measure
    per_unit: float = Field(default=0, description="Points per unit of the value (any sign)")
    target: float | None = None
    per_unit_short: float = Field(default=0, ge=0, description="Points lost per unit short")
    bands: list[Band] | None = Field(
        default=None,
        min_length=1,
        description="Most extreme band first; the first that holds gives its points",
    )
    otherwise: float = Field(default=0, description="Points when no band holds")

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

    weights: dict[str, float] = Field(min_length=1)
    missing: Literal["rescale", "insufficient"] = Field(
        default="rescale",
        description="An assessor without a score: rescale the others' weights, or the item "
        "cannot be judged",
    )

    @model_validator(mode="after")
    def _weights(self) -> AssessorsSource:
        if any(w <= 0 for w in self.weights.values()):
            raise ValueError("assessor weights must be > 0")
        if abs(sum(self.weights.values()) - 1) > 1e-9:
            raise ValueError("assessor weights must sum to 1")
        return self


class Line(PolicyModel):
    """One deduction (or award) line of an item group: a source of points and its own bounds."""

    id: str = Field(pattern=IDENT)
    title: Text
    from_rule: RuleSource | None = None
    from_metric: MetricSource | None = None
    from_assessors: AssessorsSource | None = None
    from_records: RecordsSource | None = None
    from_measure: MeasureSource | None = None
    from_scheme: SchemeSource | None = None
    max_points: float | None = Field(default=None, ge=0, description="Cap (null: no cap)")
    max_deduction: float | None = Field(
        default=None, ge=0, description="Most points the line can lose; absent or null: no limit"
    )
    citation: Citation | None = None

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

    id: str = Field(pattern=IDENT)
    title: Text
    from_rule: RuleSource | None = None
    from_metric: MetricSource | None = None
    from_assessors: AssessorsSource | None = None
    from_records: RecordsSource | None = None
    from_measure: MeasureSource | None = None
    from_scheme: SchemeSource | None = None
    lines: list[Line] | None = Field(
        default=None,
        min_length=1,
        description="An item group: deduction lines under this item's bounds (扣完为止)",
    )
    max_points: float | None = Field(default=None, ge=0, description="Cap (null: no cap)")
    max_deduction: float | None = Field(
        default=None,
        ge=0,
        description="Most points the item can lose (扣完为止); absent or null: no limit",
    )
    citation: Citation | None = None

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
