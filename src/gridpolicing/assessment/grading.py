"""What decides a scheme's result besides its points: vetoes, grades and rankings.

A veto (一票否决) decides the result when a rule fails or an item is exhausted; grades come from
score bands and rank quotas; a ranking orders subjects within a scope. The scheme that holds
them is assessment/models.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from gridpolicing.assessment.result import INSUFFICIENT
from gridpolicing.policy.models import IDENT, Citation
from gridpolicing.policy.values import PolicyModel, Text, require_exactly_one

__all__ = ["GradeOverride", "Grades", "Quota", "Ranking", "TieBreaker", "Veto", "VetoResult"]


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

    rule: str | None = Field(
        default=None,
        pattern=IDENT,
        description="该规则对本对象本周期不合格即否决(一票否决)。 The rule whose failure for the "
        "subject in the period decides the result.",
        examples=["no-crime-fighting-quota"],
    )
    item: str | None = Field(
        default=None,
        pattern=IDENT,
        description="该项目扣完(达到 max_deduction)或扣分达到 deductions_reach 即否决。 The item "
        "whose exhaustion (or deductions_reach) decides the result.",
        examples=["discipline"],
    )
    deductions_reach: float | None = Field(
        default=None,
        gt=0,
        description="该项目累计扣分达到此数即否决(累计扣分达到20分)。 The item's deductions "
        "reaching this many points veto.",
        examples=[20],
    )
    sub_units: bool = Field(
        default=False,
        description="仅单位方案:该规则对对象以下任一单位不合格也否决对象。 Units only: the rule "
        "failing for any unit below the subject vetoes it too.",
        examples=[True],
    )
    result: VetoResult = Field(
        default=VetoResult.vetoed,
        description="否决的结果:vetoed 一票否决、unqualified 不合格、withhold_top_grade 不得评为"
        "优秀。 What the veto does: vetoed, unqualified, or withhold_top_grade.",
        examples=["withhold_top_grade"],
    )
    citation: Citation | None = Field(
        default=None,
        description="否决所依据的条款。 The clause the veto encodes.",
        examples=[{"source": "xindu-2022", "quote": "发生违法违纪问题的实行一票否决"}],
    )

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

    grade: str = Field(
        min_length=1,
        description="名额内者所得的等次 id。 The grade id given within the places.",
        examples=["excellent"],
    )
    share: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="累计:本组排名前此比例者。 Cumulative: the top share of the group.",
        examples=[0.2],
    )
    quota: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="按等次:本等次自己的比例(优秀20%、称职60%)。 Per grade: this grade's own share "
        "of the group.",
        examples=[0.6],
    )
    min_score: float | None = Field(
        default=None,
        description="得该等次还须不低于此分。 The score also needed for the grade.",
        examples=[90],
    )

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

    bands: dict[str, float] = Field(
        default_factory=dict,
        description="按分数定等次:等次 id → 最低分,取达到的最高一档。 Grades by score: grade id "
        "-> minimum score; the highest band reached applies.",
        examples=[{"excellent": 90, "competent": 70, "basically_competent": 60}],
    )
    quotas: list[Quota] = Field(
        default_factory=list,
        description="按排名名额定等次,先于分数档依次适用(无否决的已排名对象)。 Grades by rank "
        "quota, applied first, in order, to ranked subjects without a veto.",
        examples=[[{"grade": "excellent", "share": 0.2}]],
    )
    default: str = Field(
        default="ungraded",
        description="未达任何档者的等次。 The grade of subjects reaching no band.",
        examples=["incompetent"],
    )
    names: dict[str, Text] = Field(
        default_factory=dict,
        description="等次 id(及否决结果)在政策原文中的中英文名称。 Grade ids (and veto words) in "
        "the policy's own zh and en words.",
        examples=[{"excellent": {"zh": "优秀", "en": "excellent"}}],
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

    failed_periods: int = Field(
        ge=1,
        description="被否决或不合格的周期至少此数。 Vetoed or unqualified periods, at least.",
        examples=[2],
    )
    grade: str = Field(
        min_length=1,
        description="此时汇总所定的等次 id。 The roll-up grade they decide.",
        examples=["incompetent"],
    )
    citation: Citation | None = Field(
        default=None,
        description="所依据的条款。 The clause it encodes.",
        examples=[{"source": "xindu-2022", "quote": "两个月以上考核不合格的评为不称职"}],
    )


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

    scope: Literal["all", "station", "street", "office", "parent"] = Field(
        default="all",
        description="在什么范围内排名:all 全数据集(全局),或对象所在的 station、street、office、"
        "parent。 Rank within: all (the whole dataset), or the subject's station, street, office "
        "or parent.",
        examples=["station"],
    )
    by_role: bool = Field(
        default=True,
        description="人员按角色分别排名。 People are ranked separately per role.",
        examples=[False],
    )
    tie_breakers: list[TieBreaker] = Field(
        default_factory=list,
        description="总分相同时依次比较的量(缺省则并列)。 Measured quantities that order equal "
        "totals, in order (none: ties share a rank).",
        examples=[["fewer_failed_findings", "more_activity_hours"]],
    )

    @model_validator(mode="after")
    def _distinct(self) -> Ranking:
        if len(self.tie_breakers) != len(set(self.tie_breakers)):
            raise ValueError("a tie-breaker is listed twice")
        return self
