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
from gridpolicing.assessment.items import AssessorsSource, Item, Line, MetricSource, RuleSource
from gridpolicing.assessment.members import SchemeSource, member_problems
from gridpolicing.assessment.result import INSUFFICIENT
from gridpolicing.core.measure_checks import check_measure
from gridpolicing.policy.models import IDENT, AnyPeriod, Citation, Subject
from gridpolicing.policy.values import PolicyModel, Text, require_exactly_one

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


class VetoResult(StrEnum):
    """What a veto does to a subject's result."""

    vetoed = "vetoed"  # 一票否决
    unqualified = "unqualified"  # 不合格
    withhold_top_grade = "withhold_top_grade"  # 不得评为优秀: scored and ranked, not the top grade


class Veto(PolicyModel):
    """A rule failing for the subject in the period, or an item exhausted, decides the result.

    With ``sub_units`` (a scheme of units), a rule's veto also applies when the rule fails for
    a unit below the subject: one whose ``parent``, ``station``, ``office`` or ``street`` is the
    subject, and the units below those by ``parent`` (the station vetoed for its office).
    With ``deductions_reach``, an item's veto applies when what the item deducted reaches that
    many points (累计扣分达到20分), counted before the item's own ``max_deduction``: for a
    group, the sum of its lines' deductions.
    """

    rule: str | None = Field(default=None, pattern=IDENT)
    item: str | None = Field(default=None, pattern=IDENT)
    deductions_reach: float | None = Field(
        default=None, gt=0, description="The item's deductions reaching this many points veto"
    )
    sub_units: bool = Field(
        default=False,
        description="Units only: the rule failing for any unit below the subject vetoes it too",
    )
    result: VetoResult = VetoResult.vetoed
    citation: Citation | None = None

    @model_validator(mode="after")
    def _one(self) -> Veto:
        if self.sub_units and self.rule is None:
            raise ValueError("sub_units needs a rule")
        if (self.rule is None) == (self.item is None):
            raise ValueError("expected exactly one of rule or item")
        if self.deductions_reach is not None and self.item is None:
            raise ValueError("deductions_reach needs an item")
        return self


class Quota(PolicyModel):
    """A rank quota: ranked subjects within its places, at least ``min_score``, get ``grade``.

    With ``share`` (cumulative) the places are the top ``share`` (0-1] × the group's size,
    rounded up. With ``quota`` (per grade: 优秀 20%, 称职 60%) this grade's own places,
    ``quota`` × the size rounded up, follow those of the quotas before it. Subjects sharing a
    rank that starts inside the places all get the grade, so a tie at the line may give it to
    more.
    """

    grade: str = Field(min_length=1)
    share: float | None = Field(
        default=None, gt=0, le=1, description="Cumulative: the top share of the group"
    )
    quota: float | None = Field(
        default=None, gt=0, le=1, description="Per grade: this grade's own share of the group"
    )
    min_score: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Quota:
        require_exactly_one(self, "share", "quota")
        return self


class Grades(PolicyModel):
    """Grades by score band (``{grade: min score}``, highest first) and by rank quota.

    Quotas are applied first, in order, to ranked subjects without a veto; everyone else gets
    the highest band whose minimum they reach (or ``default``). ``names`` gives grades (and the
    veto words) in the policy's own words, for reports.
    """

    bands: dict[str, float] = Field(default_factory=dict)
    quotas: list[Quota] = Field(default_factory=list)
    default: str = "ungraded"
    names: dict[str, Text] = Field(
        default_factory=dict, description="Grade ids in the policy's own zh and en words"
    )

    @model_validator(mode="after")
    def _one_form(self) -> Grades:
        per_grade = {q.quota is not None for q in self.quotas}
        if len(per_grade) > 1:
            raise ValueError("quotas are either all cumulative (share) or all per grade (quota)")
        if per_grade == {True} and sum(q.quota or 0 for q in self.quotas) > 1 + 1e-9:
            raise ValueError("per-grade quotas add up to more than the whole group")
        return self

    @property
    def order(self) -> list[str]:
        """Every grade these grades give, best first: quotas, bands by minimum, the default."""
        ordered = [q.grade for q in self.quotas]
        ordered += [g for g, _ in sorted(self.bands.items(), key=lambda kv: -kv[1])]
        return list(dict.fromkeys([*ordered, self.default]))

    @property
    def top(self) -> str | None:
        """The top grade: the first quota's, else the highest band's (None: none declared)."""
        return self.order[0] if self.quotas or self.bands else None

    def unknown_names(self, extra: tuple[str, ...] = ()) -> list[str]:
        """Keys of ``names`` that are no grade these grades (or ``extra`` words) can give."""
        known = {*self.order, *(v.value for v in VetoResult), INSUFFICIENT, *extra}
        return sorted(set(self.names) - known)


class GradeOverride(PolicyModel):
    """A roll-up grade decided by failed periods: two or more failed months -> 不称职."""

    failed_periods: int = Field(ge=1, description="Vetoed or unqualified periods, at least")
    grade: str = Field(min_length=1)
    citation: Citation | None = None


class TieBreaker(StrEnum):
    """A measured quantity that orders subjects with equal totals (never an id).

    ``fewer_*`` ranks the smaller value first, ``more_*`` the larger. Each counts the subject's
    own records in the period (for a roll-up: combined over its periods like the score).
    """

    fewer_failed_findings = "fewer_failed_findings"  # 不合格结果少者在前
    more_passed_findings = "more_passed_findings"  # 合格结果多者在前
    more_activities = "more_activities"  # 工作记录多者在前
    more_activity_hours = "more_activity_hours"  # 工作时长多者在前
    more_households_visited = "more_households_visited"  # 走访户数多者在前


class Ranking(PolicyModel):
    """Rank subjects within a scope and group, per period.

    ``scope``: ``all`` (the whole dataset, e.g. bureau-wide), or the unit field of the subject's
    assigned unit (``station``, ``street``, ``office``) for people, or of the unit itself for
    units. ``by_role``: people are ranked separately per role. Vetoed subjects rank after all
    others; then higher total first. Equal totals share a rank (competition ranking: 1, 1, 3)
    unless ``tie_breakers`` are declared; those are applied in order, and subjects equal on all
    of them still share a rank. Ids never decide a rank.
    """

    scope: Literal["all", "station", "street", "office", "parent"] = "all"
    by_role: bool = True
    tie_breakers: list[TieBreaker] = Field(
        default_factory=list,
        description="Measured quantities that order equal totals, in order (none: ties share)",
    )

    @model_validator(mode="after")
    def _distinct(self) -> Ranking:
        if len(self.tie_breakers) != len(set(self.tie_breakers)):
            raise ValueError("a tie-breaker is listed twice")
        return self


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
        description="A calendar period, or one of the policy's own ({months: 12, starts: 26})"
    )
    combine: Literal["sum", "mean"] = "mean"
    reward_top: int | None = Field(
        default=None, ge=1, description="Top N are rewarded, and all who share rank N"
    )
    sanction_bottom: int | None = Field(
        default=None,
        ge=1,
        description="Bottom N sanctioned; nobody who shares a rank with someone above them",
    )
    unsatisfactory_after_failed: int | None = Field(
        default=None, ge=1, description="This many vetoed/unqualified periods: unsatisfactory"
    )
    min_months_for_top_grade: int | None = Field(
        default=None, ge=1, description="Fewer whole months of service: not the top grade"
    )
    service_from: Literal["first_assignment", "hire_date"] = Field(
        default="first_assignment",
        description="What service counts from: the first assignment in the scheme's roles by "
        "the roll-up's end, or the person's hire_date (none recorded: not the top grade)",
    )
    top_grade_barred_by: list[BarringResult] = Field(
        default_factory=_withheld_only,
        description="A period inside with one of these results bars the roll-up's top grade "
        "(年度内有被一票否决的月份不得评为优秀: add vetoed); [] carries nothing",
    )
    grades: Grades = Field(default_factory=Grades)
    overrides: list[GradeOverride] = Field(
        default_factory=list, description="Grades decided by failed periods; the first applies"
    )
    consequences: list[Consequence] = Field(
        default_factory=list, description="Amounts and actions by grade, failed periods or tier"
    )
    citation: Citation | None = None

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

    id: str = Field(pattern=IDENT)
    title: Text
    subject: Subject
    period: AnyPeriod = Field(
        description="A calendar period, or one of the policy's own ({months: 1, starts: 26})"
    )
    base_score: float = 0
    floor: float | None = 0
    cap: float | None = None
    items: list[Item] = Field(min_length=1)
    remove_items: list[str] = Field(
        default_factory=list,
        description="Inherited items to drop (a policy that extends another); applied when "
        "the chain is merged, so a loaded scheme holds none",
    )
    vetoes: list[Veto] = Field(default_factory=list)
    grades: Grades = Field(default_factory=Grades)
    ranking: Ranking | None = None
    consequences: list[Consequence] = Field(
        default_factory=list, description="Amounts and actions by grade or ranking tier"
    )
    rollup: Rollup | None = None
    rollups: list[Rollup] = Field(
        default_factory=list, description="Further roll-ups, e.g. quarters and the year"
    )
    citation: Citation

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

    schemes: list[Scheme] = Field(min_length=1)
    remove_schemes: list[str] = Field(
        default_factory=list,
        description="Inherited schemes to drop (a policy that extends another); applied when "
        "the chain is merged, so a loaded assessment holds none",
    )

    @model_validator(mode="after")
    def _members(self) -> Assessment:
        problems = member_problems(self.schemes)
        if problems:
            raise ValueError("; ".join(problems))
        return self
