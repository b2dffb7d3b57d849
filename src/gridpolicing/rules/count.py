"""``count``: a jurisdiction has at least so many units of a kind (model offices, offices)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Final, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import Area
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import compare_status, verdict

__all__ = ["KIND", "CountKind", "CountRule", "CountWhat", "CountWithin"]


class CountWhat(StrEnum):
    """What is counted."""

    model_offices = "model_offices"  # 示范/标准化警务室 named in the bucket (model_since inside it)
    offices = "offices"  # 警务室, whenever set up (units carry no founding date)


class CountWithin(StrEnum):
    """How a counted unit relates to the subject."""

    any = "any"  # anywhere in the dataset: the subject answers for the whole jurisdiction
    parent = "parent"  # the unit's parent is the subject
    descendant = "descendant"  # the subject is the unit's parent, grandparent ...
    station = "station"  # the unit's station is the subject
    street = "street"  # the unit's street is the subject


_WHAT: Final[dict[CountWhat, tuple[str, str, str]]] = {
    # (condition on unit ``u`` in bucket ``s``, zh noun, en noun)
    CountWhat.model_offices: (
        "u.type = 'office' AND u.model_since BETWEEN s.bstart AND s.bend",
        "期间内建成的示范警务室",
        "model offices named in the period",
    ),
    CountWhat.offices: ("u.type = 'office'", "警务室", "police offices"),
}

_ROOTS: Final[dict[CountWithin, str]] = {
    # ``root, id`` pairs: unit ``id`` is counted for subject ``root`` (``any``: for every subject).
    CountWithin.any: "SELECT NULL::VARCHAR AS root, id FROM units",
    CountWithin.parent: "SELECT parent AS root, id FROM units WHERE parent IS NOT NULL",
    CountWithin.descendant: "SELECT root, id FROM _desc",
    CountWithin.station: "SELECT station AS root, id FROM units WHERE station IS NOT NULL",
    CountWithin.street: "SELECT street AS root, id FROM units WHERE street IS NOT NULL",
}

# Ancestor-descendant pairs along ``parent``; UNION (not ALL) stops should parents form a cycle.
_DESC: Final = """_desc(root, id) AS (
      SELECT parent, id FROM units WHERE parent IS NOT NULL
      UNION
      SELECT d.root, u.id FROM _desc d JOIN units u ON u.parent = d.id
    ),"""


class CountRule(RuleSpec):
    """At least ``min_count`` units of kind ``what`` related to each subject unit per period.

    ``model_offices`` counts offices whose ``model_since`` falls inside the bucket (named a
    model that period); ``offices`` counts every office in the dataset, as units carry no
    founding date. ``within`` relates counted units to the subject: ``descendant`` (the units
    under it, e.g. a bureau's offices), ``parent``, ``station`` or ``street``; the default
    ``any`` counts every unit of the dataset, right only for a dataset of one jurisdiction (a
    province's dataset would credit each bureau with every bureau's offices, and the Spark
    engine refuses it, docs/scale-out.md); ``area`` narrows them to
    urban or rural units. Officers' registration (登记造册, 备案) is a property each officer must
    have, not a number to reach, so it is not a ``count``. Subjects must be units. Example
    (Xinxiang 2016)::

        - id: two-model-offices-a-year
          kind: count
          title: {zh: 年内至少建成2个示范警务室, en: At least two model offices a year}
          severity: major
          subject: {units: {type: bureau}}
          period: half_year
          effective_to: 2016-12-31
          within: descendant
          what: model_offices
          min_count: 2
          citation:
            source: xinxiang-2016
            clause: 三(二)4
            quote: 年内公安分局至少建成2个以上有特色、有亮点、有标杆示范作用的警务室
    """

    kind: Literal["count"]
    period: Period = period_field(Period.year)
    what: CountWhat = Field(
        description="计什么:model_offices 周期内命名的示范警务室,offices 全部警务室。 What is "
        "counted: model_offices named in the period, or all offices.",
        examples=["model_offices"],
    )
    within: CountWithin = Field(
        default=CountWithin.any,
        description="被计单位与对象的关系:descendant 其下属单位,parent、station、street,或 any "
        "整个数据集。 How a counted unit relates to the subject: below it (descendant), its "
        "parent, station or street, or anywhere (any).",
        examples=["descendant"],
    )
    area: Area | None = Field(
        default=None,
        description="只计城市或农村单位。 Only urban or only rural units are counted.",
        examples=["urban"],
    )
    min_count: Value[int] = Field(
        description="每个周期至少的单位数。 At least this many units per period.", examples=[2]
    )

    @model_validator(mode="after")
    def _units_subject(self) -> CountRule:
        if self.subject.units is None:
            raise ValueError("a count rule's subject must be units")
        return self


@final
class CountKind:
    """Plans and describes ``count`` rules."""

    name: ClassVar[str] = "count"
    spec: ClassVar[type[RuleSpec]] = CountRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def reads_across_subjects(self, rule: CountRule) -> str | None:
        """Why the rule's result depends on units outside its subjects' trees, or None: a
        partitioned run (gridpolicing.spark) cannot judge such a rule one partition at a time."""
        if rule.within is CountWithin.any:
            return "it counts units anywhere in the dataset (within: any)"
        return None

    def plan(self, rule: CountRule, ctx: PlanContext) -> str:
        """Count the related units per subject and bucket, compare with the minimum."""
        cond, _, _ = _WHAT[rule.what]
        conds = [cond]
        if rule.within is not CountWithin.any:
            conds.append("rel.root = s.subject_id")
        if rule.area is not None:
            conds.append(f"u.area = {ctx.lit(rule.area.value)}")
        desc = _DESC if rule.within is CountWithin.descendant else ""
        return f"""
        WITH RECURSIVE {desc}
        s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        rel AS ({_ROOTS[rule.within]}),
        m AS (
          SELECT s.subject_id, s.bucket, count(u.id) AS n,
                 list(u.id ORDER BY u.id) FILTER (WHERE u.id IS NOT NULL) AS ids
          FROM s LEFT JOIN (rel JOIN units u USING (id)) ON {" AND ".join(conds)}
          GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               {compare_status("m.n", "r.req")} AS status,
               m.n AS measured, r.req AS required, m.ids AS evidence, NULL AS detail
        FROM s JOIN m USING (subject_id, bucket)
        CROSS JOIN LATERAL (SELECT {ctx.value(rule.min_count, "s.bstart")} AS req) r
        """

    def describe(self, rule: CountRule, finding: Finding) -> Text:
        """``1 model offices named in the period; required at least 2``."""
        _, zh, en = _WHAT[rule.what]
        return verdict(
            finding,
            f"{zh} {{measured}} 个,要求不少于 {{required}} 个",
            f"{{measured}} {en}; required at least {{required}}",
        )


KIND = CountKind()
