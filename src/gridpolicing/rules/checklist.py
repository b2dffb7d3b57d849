"""``checklist``: every listed facility item of an office or centre is present."""

from __future__ import annotations

from typing import ClassVar, Final, Literal, final

from pydantic import Field, field_validator, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import compare_status, verdict

__all__ = ["KIND", "ChecklistKind", "ChecklistRule"]

# Words of the finding's detail, translated by ``describe`` (the detail itself is one string).
_MISSING: Final = "missing: "
_UNCHECKED: Final = "not checked: "
_STILL: Final = "still present: "


class ChecklistRule(RuleSpec):
    """Each subject unit has every one of ``items`` present at the end of each period.

    An item's state in a bucket is that of its latest check (``checklists`` record of the unit
    and item) dated on or before the bucket's last day; between two checks of one day the one
    with the greater id wins. An item never checked by then fails as "not checked", so missing
    records never pass silently. Measured is the number of items present, required the number
    listed; the detail names the missing and unchecked items. ``absent_items`` must be checked
    and found **not** present (不再悬挂社区综治办标牌: the old signboard taken down): one still
    present fails, and one never checked fails as "not checked" too. Subjects must be units.
    Example
    (Xinxiang 2016, 标准化警务室)::

        - id: standard-police-office
          kind: checklist
          title: {zh: 标准化警务室建设达标, en: Police offices meet the standard}
          severity: minor
          subject: {units: {type: office}}
          period: year
          items: [办公用房达标, 外观标识统一, 内部设施齐备, 警务公开上墙, 各类台帐规范,
                  警力配备到位]
          citation:
            source: xinxiang-2016
            clause: 三(二)1
            quote: 实现办公用房达标,外观标识统一,内部设施齐备,警务公开上墙,各类台帐规范,警力配备到位的目标
    """

    kind: Literal["checklist"]
    period: Period = period_field(Period.year)
    items: list[str] = Field(
        default_factory=list,
        description="须在周期末存在的检查项,名称与 checklists 表一致。 Items that must be present "
        "at the period's end, named as the checklists table has them.",
        examples=[["办公用房达标", "警务公开上墙"]],
    )
    absent_items: list[str] = Field(
        default_factory=list,
        description="须经检查且不存在的项(已摘除、已撤除)。 Items that must be checked and found "
        "not present (taken down, removed).",
        examples=[["社区综治办标牌"]],
    )

    @field_validator("items", "absent_items")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if any(not i.strip() for i in v):
            raise ValueError("items must not be empty")
        if len(set(v)) != len(v):
            raise ValueError("items must be distinct")
        return v

    @model_validator(mode="after")
    def _units_subject(self) -> ChecklistRule:
        if self.subject.units is None:
            raise ValueError("a checklist rule's subject must be units")
        if not self.items and not self.absent_items:
            raise ValueError("expected items, absent_items or both")
        both = sorted(set(self.items) & set(self.absent_items))
        if both:
            raise ValueError(f"an item cannot be both present and absent: {', '.join(both)}")
        return self


@final
class ChecklistKind:
    """Plans and describes ``checklist`` rules."""

    name: ClassVar[str] = "checklist"
    spec: ClassVar[type[RuleSpec]] = ChecklistRule

    def plan(self, rule: ChecklistRule, ctx: PlanContext) -> str:
        """Take each item's latest check up to the bucket's end, count the items present."""
        # Positions keep the detail in the policy's order of items.
        wanted = [(i, True) for i in rule.items] + [(i, False) for i in rule.absent_items]
        items = ", ".join(
            f"({pos}, {ctx.lit(item)}, {'TRUE' if want else 'FALSE'})"
            for pos, (item, want) in enumerate(wanted)
        )
        n = len(wanted)
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        i AS (SELECT * FROM (VALUES {items}) AS t(pos, item, want)),
        k AS (
          SELECT s.subject_id, s.bucket, k.item, k.present, k.id
          FROM s JOIN checklists k ON k.unit = s.subject_id AND k.checked_on <= s.bend
          WHERE k.item IN (SELECT item FROM i)
          QUALIFY row_number() OVER (PARTITION BY s.subject_id, s.bucket, k.item
                                     ORDER BY k.checked_on DESC, k.id DESC) = 1
        ),
        m AS (
          SELECT s.subject_id, s.bucket,
                 count(*) FILTER (WHERE k.present = i.want) AS n,
                 list(i.item ORDER BY i.pos) FILTER (WHERE i.want AND NOT k.present) AS missing,
                 list(i.item ORDER BY i.pos) FILTER (WHERE NOT i.want AND k.present) AS still,
                 list(i.item ORDER BY i.pos) FILTER (WHERE k.id IS NULL) AS unchecked,
                 list(k.id ORDER BY k.id) FILTER (WHERE k.id IS NOT NULL) AS ids
          FROM s CROSS JOIN i
          LEFT JOIN k ON k.subject_id = s.subject_id AND k.bucket = s.bucket AND k.item = i.item
          GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               {compare_status("m.n", str(n))} AS status,
               m.n AS measured, {n} AS required, m.ids AS evidence,
               nullif(concat_ws('; ',
                   {ctx.lit(_MISSING)} || nullif(array_to_string(m.missing, '、'), ''),
                   {ctx.lit(_STILL)} || nullif(array_to_string(m.still, '、'), ''),
                   {ctx.lit(_UNCHECKED)} || nullif(array_to_string(m.unchecked, '、'), '')),
                 '') AS detail
        FROM s JOIN m USING (subject_id, bucket)
        """

    def describe(self, rule: ChecklistRule, finding: Finding) -> Text:
        """``5 of 6 items present; missing: 警务公开上墙``."""
        if not finding.detail:
            return verdict(
                finding,
                "具备全部 {required} 项设施要求",
                "all {required} items present",
            )
        zh_detail = (
            finding.detail.replace(_MISSING, "缺少:")
            .replace(_STILL, "应撤除而仍在:")
            .replace(_UNCHECKED, "未检查:")
        )
        zh = finding.model_copy(update={"detail": zh_detail})
        return Text(
            zh=verdict(zh, "具备 {measured}/{required} 项;{detail}", "").zh,
            en=verdict(finding, "", "{measured} of {required} items present; {detail}").en,
        )


KIND = ChecklistKind()
