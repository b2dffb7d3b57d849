"""The policy's ``assessment`` section: schemes of items, vetoes, grades, rankings, roll-ups.

A scheme scores each subject (a person role, or a unit type) once per period. Its total is
``base_score`` plus the points of its items, clamped to ``[floor, cap]``; each item's points are
clamped to ``[-max_deduction, max_points]`` (an absent bound means no bound: "no cap").
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, ValidationInfo, model_validator

from gridpolicing.assessment.consequences import Consequence
from gridpolicing.assessment.grading import (
    GradeOverride,
    Grades,
    Quota,
    Ranking,
    TieBreaker,
    Veto,
    VetoResult,
)
from gridpolicing.assessment.items import AssessorsSource, Item, Line, MetricSource, RuleSource
from gridpolicing.assessment.members import SchemeSource, member_problems
from gridpolicing.assessment.result import INSUFFICIENT
from gridpolicing.core.measure_checks import check_measure
from gridpolicing.policy.models import IDENT, AnyPeriod, Citation, Subject
from gridpolicing.policy.values import PolicyModel, Text

__all__ = [
    "Assessment",
    "AssessorsSource",
    "GradeOverride",
    "Grades",
    "Item",
    "Line",
    "MetricSource",
    "Quota",
    "Ranking",
    "Rollup",
    "RuleSource",
    "Scheme",
    "SchemeSource",
    "TieBreaker",
    "Veto",
    "VetoResult",
]


BarringResult = Literal["withhold_top_grade", "vetoed", "unqualified"]


def _withheld_only() -> list[BarringResult]:
    # By default a month whose top grade was withheld withholds the year's too.
    return ["withhold_top_grade"]


class Rollup(PolicyModel):
    """Period results rolled up (e.g. months into a year) with their consequences.

    ``period`` must hold whole periods of the scheme: a year of 26th-to-25th months is
    ``{months: 12, starts: 26}`` (26 December to 25 December), not ``year``.
    """

    period: AnyPeriod = Field(
        description="汇总周期:自然周期或政策自定周期,须由整个方案周期组成。 A calendar period, or "
        "one of the policy's own, made of whole scheme periods.",
        examples=["year", {"months": 12, "starts": 26}],
    )
    combine: Literal["sum", "mean"] = Field(
        default="mean",
        description="各周期得分如何合并:mean 平均、sum 求和。 How the periods' scores combine: "
        "mean or sum.",
        examples=["sum"],
    )
    reward_top: int | None = Field(
        default=None,
        ge=1,
        description="前 N 名受奖励,与第 N 名并列者同。 The top N are rewarded, and all who share "
        "rank N.",
        examples=[3],
    )
    sanction_bottom: int | None = Field(
        default=None,
        ge=1,
        description="后 N 名受处理;与其上者并列的不计。 The bottom N are sanctioned; nobody who "
        "shares a rank with someone above them.",
        examples=[1],
    )
    unsatisfactory_after_failed: int | None = Field(
        default=None,
        ge=1,
        description="被否决或不合格的周期达到此数即为不称职。 This many vetoed or unqualified "
        "periods: unsatisfactory.",
        examples=[2],
    )
    min_months_for_top_grade: int | None = Field(
        default=None,
        ge=1,
        description="任职不满此整月数的不得评为最高等次。 Fewer whole months of service: not the "
        "top grade.",
        examples=[6],
    )
    service_from: Literal["first_assignment", "hire_date"] = Field(
        default="first_assignment",
        description="任职时间自何时起算:方案角色的首次任职,或人员的 hire_date(未记录则不得评最高"
        "等次)。 What service counts from: the first assignment in the scheme's roles, or the "
        "person's hire_date (none recorded: not the top grade).",
        examples=["hire_date"],
    )
    top_grade_barred_by: list[BarringResult] = Field(
        default_factory=_withheld_only,
        description="期内有周期得这些结果的,汇总不得评最高等次(年度内有被一票否决的月份不得评为"
        "优秀:加 vetoed);[] 为不传递。 A period inside with one of these results bars the "
        "roll-up's top grade; [] carries nothing.",
        examples=[["withhold_top_grade", "vetoed"]],
    )
    grades: Grades = Field(
        default_factory=Grades,
        description="汇总的等次:分数档和排名名额。 The roll-up's grades: score bands and rank "
        "quotas.",
        examples=[{"bands": {"excellent": 90, "competent": 60}}],
    )
    overrides: list[GradeOverride] = Field(
        default_factory=list,
        description="由不合格周期数决定的等次,第一个适用的生效。 Grades decided by failed periods; "
        "the first that applies wins.",
        examples=[[{"failed_periods": 2, "grade": "incompetent"}]],
    )
    consequences: list[Consequence] = Field(
        default_factory=list,
        description="按等次、不合格周期数或排名分档的金额和处理。 Amounts and actions by grade, "
        "failed periods or tier.",
        examples=[
            [
                {
                    "id": "year-bonus",
                    "title": {"zh": "年度优秀奖励", "en": "Excellent year bonus"},
                    "grades": ["excellent"],
                    "amount": 2000,
                }
            ]
        ],
    )
    citation: Citation | None = Field(
        default=None,
        description="汇总所依据的条款。 The clause the roll-up encodes.",
        examples=[{"source": "xindu-2022", "quote": "年度考核以月度考核为基础"}],
    )

    @model_validator(mode="after")
    def _names(self) -> Rollup:
        extra = ("unsatisfactory", *(o.grade for o in self.overrides))
        unknown = self.grades.unknown_names(extra)
        if unknown:
            raise ValueError(f"names of unknown grades: {', '.join(unknown)}")
        _check_consequences(self.consequences, self.grades, extra, failed_periods=True)
        return self


class Scheme(PolicyModel):
    """One assessment: who, how often, from what base, with which items and consequences."""

    id: str = Field(
        pattern=IDENT,
        description="考核方案 id;沿 extends 链按 id 合并。 The scheme's id; schemes merge by id "
        "along an extends chain.",
        examples=["monthly-officer-assessment"],
    )
    title: Text = Field(
        description="方案名称,中英文。 The scheme's title in zh and en.",
        examples=[{"zh": "村警月度考核", "en": "Monthly assessment of village officers"}],
    )
    subject: Subject = Field(
        description="被考核对象:人员(按角色)或单位(按类型)。 Who is assessed: people (by role) "
        "or units (by type).",
        examples=[{"people": {"roles": ["dispatched_officer"]}}],
    )
    period: AnyPeriod = Field(
        description="考核周期:自然周期,或政策自定周期(上月26日至本月25日:{months: 1, starts: "
        "26})。 A calendar period, or one of the policy's own.",
        examples=["month", {"months": 1, "starts": 26}],
    )
    base_score: float = Field(
        default=0,
        description="基础分,各项得分在此基础上加减(百分制:100)。 The base score the items add "
        "to or deduct from (out of 100: 100).",
        examples=[100],
    )
    floor: float | None = Field(
        default=0,
        description="总分下限;null 为不设下限。 The lowest total (null: no floor).",
        examples=[0],
    )
    cap: float | None = Field(
        default=None,
        description="总分上限;缺省为不设上限。 The highest total (absent: no cap).",
        examples=[100],
    )
    items: list[Item] = Field(
        min_length=1,
        description="考核项目(评分表的各行),每项一个得分来源。 The scored items (the rows of the "
        "score sheet), each with one source of points.",
        examples=[
            [
                {
                    "id": "dispute-screening",
                    "title": {"zh": "矛盾纠纷排查", "en": "Dispute screening"},
                    "from_rule": {"rule": "weekly-dispute-screening", "per_fail": 2},
                    "max_deduction": 10,
                }
            ]
        ],
    )
    remove_items: list[str] = Field(
        default_factory=list,
        description="不继承的上级项目 id(合并 extends 链时去除)。 Inherited items to drop (a "
        "policy that extends another); applied when the chain is merged.",
        examples=[["dispute-screening"]],
    )
    vetoes: list[Veto] = Field(
        default_factory=list,
        description="一票否决等:某规则不合格或某项目扣完即决定结果。 Vetoes: a rule failing or an "
        "item exhausted decides the result.",
        examples=[[{"rule": "no-crime-fighting-quota"}]],
    )
    grades: Grades = Field(
        default_factory=Grades,
        description="等次:分数档和排名名额。 Grades by score band and by rank quota.",
        examples=[{"bands": {"excellent": 90, "competent": 60}, "default": "incompetent"}],
    )
    ranking: Ranking | None = Field(
        default=None,
        description="排名的范围和分组。 How subjects are ranked: the scope and groups.",
        examples=[{"scope": "station", "by_role": True}],
    )
    consequences: list[Consequence] = Field(
        default_factory=list,
        description="按等次或排名分档的金额和处理。 Amounts and actions by grade or ranking tier.",
        examples=[
            [
                {
                    "id": "notice",
                    "title": {"zh": "不合格通报批评", "en": "Notice for a failed month"},
                    "grades": ["incompetent"],
                    "action": "notice",
                }
            ]
        ],
    )
    rollup: Rollup | None = Field(
        default=None,
        description="周期结果的汇总(如月度汇总为年度)。 The period results rolled up (e.g. months "
        "into a year).",
        examples=[{"period": "year", "combine": "mean"}],
    )
    rollups: list[Rollup] = Field(
        default_factory=list,
        description="更多汇总,如季度和年度。 Further roll-ups, e.g. quarters and the year.",
        examples=[[{"period": "quarter"}, {"period": "year"}]],
    )
    citation: Citation = Field(
        description="方案所依据的条款。 The clause the scheme encodes.",
        examples=[{"source": "xindu-2022", "quote": "村警实行月度考核"}],
    )

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Scheme:
        ids = [i.id for i in self.items]
        every = ids + [line.id for i in self.items for line in i.lines or ()]
        if len(every) != len(set(every)):
            raise ValueError("item and line ids must be unique within a scheme")
        for v in self.vetoes:
            if v.item is not None and v.item not in ids:
                raise ValueError(f"veto names unknown item {v.item!r}")
            if (
                v.item is not None
                and v.deductions_reach is None
                and self._item(v.item).max_deduction is None
            ):
                # "exhausted" means at -max_deduction; without one the veto could never apply
                raise ValueError(
                    f"veto on item {v.item!r} needs the item's max_deduction "
                    "(an item without a limit is never exhausted)"
                )
        unknown = self.grades.unknown_names()
        if unknown:
            raise ValueError(f"grades.names of unknown grades: {', '.join(unknown)}")
        _check_consequences(self.consequences, self.grades, (), failed_periods=False)
        for source in (s for i in self.items for s in i.sources):
            if source.from_measure is not None:
                # what the subject can reach, as for a measure rule of the same subject
                check_measure(
                    source.from_measure.measure, self.subject.people is not None, info.context or {}
                )
        if self.subject.units is None and any(v.sub_units for v in self.vetoes):
            raise ValueError("a veto on sub_units needs a scheme of units")
        if self.ranking is None and any(c.tiers for c in self.consequences):
            raise ValueError("consequences by tier need a ranking")
        if self.floor is not None and self.cap is not None and self.cap < self.floor:
            raise ValueError("cap is below floor")
        periods = [r.period.value for r in self.all_rollups]
        if len(periods) != len(set(periods)):
            raise ValueError("two roll-ups of one scheme have the same period")
        for r in self.all_rollups:
            _check_aligned(self.period, r.period)
        return self

    def _item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    @property
    def all_rollups(self) -> list[Rollup]:
        """``rollup`` and ``rollups`` together, in order."""
        return ([self.rollup] if self.rollup else []) + list(self.rollups)


def _check_aligned(period: AnyPeriod, rolled: AnyPeriod) -> None:
    """A roll-up's buckets must each hold whole scheme periods, or some would be dropped."""
    # engine.periods imports the policy package, which loads this module: import when used.
    from gridpolicing.engine.periods import misaligned

    bad = misaligned(period, rolled)
    if bad is not None:
        raise ValueError(
            f"roll-up period {_shown(rolled)} does not hold whole periods of the scheme "
            f"({_shown(period)}): its bucket {bad.start}..{bad.end} cuts a scheme period, "
            "which would belong to no roll-up; choose a roll-up period made of scheme periods "
            "(a year of 26th-to-25th months is {months: 12, starts: 26})"
        )


def _shown(period: AnyPeriod) -> str:
    return period.value if isinstance(period, StrEnum) else period.label


def _check_consequences(
    consequences: list[Consequence], grades: Grades, extra: tuple[str, ...], failed_periods: bool
) -> None:
    ids = [c.id for c in consequences]
    if len(ids) != len(set(ids)):
        raise ValueError("consequence ids must be unique")
    known = {*grades.order, *(v.value for v in VetoResult), INSUFFICIENT, *extra}
    for c in consequences:
        unknown = sorted(set(c.grades or ()) - known)
        if unknown:
            raise ValueError(
                f"consequence {c.id!r} names unknown grades {', '.join(unknown)}; "
                f"expected one of: {', '.join(sorted(known - {'withhold_top_grade'}))}"
            )
        if c.failed_periods is not None and not failed_periods:
            raise ValueError(f"consequence {c.id!r}: failed_periods applies to roll-ups only")


class Assessment(PolicyModel):
    """The assessment section: one or more schemes.

    Along an ``extends`` chain, schemes merge by id: a scheme with an inherited id amends it
    (the keys it writes replace the inherited ones; ``items`` merge by id, ``remove_items``
    drops inherited items) and ``remove_schemes`` drops inherited schemes.
    """

    schemes: list[Scheme] = Field(
        min_length=1,
        description="考核方案;沿 extends 链按 id 合并(同 id 者修订所继承方案)。 The assessment "
        "schemes; along an extends chain a scheme with an inherited id amends it.",
        examples=[[{"id": "monthly-officer-assessment", "remove_items": ["dispute-screening"]}]],
    )
    remove_schemes: list[str] = Field(
        default_factory=list,
        description="不继承的上级方案 id(合并 extends 链时去除)。 Inherited schemes to drop (a "
        "policy that extends another); applied when the chain is merged.",
        examples=[["monthly-officer-assessment"]],
    )

    @model_validator(mode="after")
    def _members(self) -> Assessment:
        problems = member_problems(self.schemes)
        if problems:
            raise ValueError("; ".join(problems))
        return self
