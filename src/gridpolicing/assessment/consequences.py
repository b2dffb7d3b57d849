"""Declared consequences: amounts and actions a result brings (奖惩), and when they apply.

A consequence applies to a subject's period result or roll-up by its grade (``grades``), its
failed periods (``failed_periods``, roll-ups only) or its place in the ranking (``tiers``: the
first tier whose top share of the group holds the subject's shared rank). It brings an
``amount`` (yuan; for tiers, each tier's own) or an ``action`` (a notice, a dismissal, ...).
Places go by shared ranks, as rank quotas do: a tier goes to every subject whose shared rank
starts inside its places, and a tier line inside a shared rank is named in ``tied_cutoffs``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from gridpolicing.assessment.result import Applied
from gridpolicing.policy.models import IDENT, Citation
from gridpolicing.policy.values import PolicyModel, Text, require_exactly_one

if TYPE_CHECKING:
    from gridpolicing.assessment.ranking import Placing

__all__ = ["ACTION_WORDS", "Action", "Consequence", "Tier", "apply_consequences"]


class Action(StrEnum):
    """What a consequence does besides paying (the closed set; its title says it in full)."""

    commendation = "commendation"  # 通报表扬 / 表彰
    notice = "notice"  # 通报批评
    admonishment_talk = "admonishment_talk"  # 诫勉谈话
    adjustment = "adjustment"  # 调整岗位
    dismissal = "dismissal"  # 辞退 / 解聘


ACTION_WORDS = {
    Action.commendation: Text(zh="通报表扬", en="commendation"),
    Action.notice: Text(zh="通报批评", en="notice"),
    Action.admonishment_talk: Text(zh="诫勉谈话", en="admonishment talk"),
    Action.adjustment: Text(zh="调整岗位", en="adjustment"),
    Action.dismissal: Text(zh="辞退", en="dismissal"),
}


class Tier(PolicyModel):
    """The top ``share`` of the ranked group (cumulative, rounded up) gets ``amount`` yuan."""

    share: float = Field(
        gt=0,
        le=1,
        description="排名靠前的比例(累计,向上取整)。 The top share of the ranked group "
        "(cumulative, rounded up).",
        examples=[0.1],
    )
    amount: float = Field(ge=0, description="金额(元)。 The amount in yuan (元).", examples=[2000])


class Consequence(PolicyModel):
    """An amount or an action that a grade, failed periods or a ranking tier brings."""

    id: str = Field(
        pattern=IDENT,
        description="后果 id,在方案或汇总内唯一。 The consequence's id, unique in its scheme or "
        "roll-up.",
        examples=["excellent-bonus"],
    )
    title: Text = Field(
        description="后果名称,中英文。 The consequence's title in zh and en.",
        examples=[{"zh": "评为优秀的奖励2000元", "en": "2000 yuan for an excellent grade"}],
    )
    grades: list[str] | None = Field(
        default=None,
        min_length=1,
        description="获得这些等次(或 vetoed 等否决结果)者适用。 Applies to the subjects given one "
        "of these grade ids (or veto results).",
        examples=[["excellent"], ["vetoed", "unqualified"]],
    )
    failed_periods: int | None = Field(
        default=None,
        ge=1,
        description="仅用于汇总:被否决或不合格的周期达到此数者适用。 Roll-ups only: applies after "
        "this many vetoed or unqualified periods.",
        examples=[2],
    )
    tiers: list[Tier] | None = Field(
        default=None,
        min_length=1,
        description="按排名比例分档的金额,最好者在前(需 ranking)。 Amounts by share of the "
        "ranked group, best first (needs a ranking).",
        examples=[[{"share": 0.1, "amount": 2000}, {"share": 0.3, "amount": 1000}]],
    )
    amount: float | None = Field(
        default=None, ge=0, description="金额(元)。 The amount in yuan (元).", examples=[500]
    )
    action: Action | None = Field(
        default=None,
        description="附带的处理:通报表扬、通报批评、诫勉谈话、调整岗位、辞退。 The action it "
        "brings: commendation, notice, admonishment_talk, adjustment or dismissal.",
        examples=["admonishment_talk"],
    )
    citation: Citation | None = Field(
        default=None,
        description="该后果所依据的条款。 The clause the consequence encodes.",
        examples=[{"source": "xindu-2022", "quote": "连续两个月考核不合格的进行诫勉谈话"}],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Consequence:
        require_exactly_one(self, "grades", "failed_periods", "tiers")
        if self.tiers is not None:
            if self.amount is not None:
                raise ValueError("tiers carry their own amounts; amount goes with grades")
            shares = [t.share for t in self.tiers]
            if shares != sorted(shares) or len(set(shares)) != len(shares):
                raise ValueError("tier shares must grow from the first tier to the last")
        elif self.amount is None and self.action is None:
            raise ValueError("expected an amount or an action")
        return self


def apply_consequences(
    consequences: Sequence[Consequence],
    grade: str,
    placing: Placing | None,
    failed_periods: int | None,
    ranked_eligible: bool,
) -> tuple[tuple[Applied, ...], list[str]]:
    """The consequences a result brings and the tier lines inside its shared rank.

    ``ranked_eligible`` is False for a subject whose rank brings nothing (vetoed, or graded by
    failed periods): tiers pass it over, grades and failed periods still apply.
    """
    out: list[Applied] = []
    tied: list[str] = []
    for c in consequences:
        by_grade = c.grades is not None and grade in c.grades
        by_failures = c.failed_periods is not None and (failed_periods or 0) >= c.failed_periods
        if by_grade or by_failures:
            out.append(Applied(c.id, c.title, c.amount, _action(c)))
        elif c.tiers is not None and placing is not None and ranked_eligible:
            for n, tier in enumerate(c.tiers):
                last = math.ceil(tier.share * placing.size - 1e-9)
                if placing.straddles(last):
                    tied.append(f"tier:{c.id}")
                if placing.rank <= last:
                    title = Text(zh=f"{c.title.zh}(第{n + 1}档)", en=f"{c.title.en} (tier {n + 1})")
                    out.append(Applied(c.id, title, tier.amount, _action(c)))
                    break
    return tuple(out), tied


def _action(c: Consequence) -> str | None:
    return None if c.action is None else c.action.value
