"""Whom a rule or a scheme judges: units or people, chosen by type, role, tags or a condition.

``where`` conditions are checked at load time against the columns of ``units`` or ``people``
(core/expressions.py); a subject a condition cannot decide stays a subject, so missing data is
judged rather than passed over.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from gridpolicing.core.expressions import Expression, condition_json_schema, condition_validator
from gridpolicing.model.vocabulary import (
    Area,
    Employment,
    LocalityCategory,
    PersonTag,
    Rank,
    Role,
    UnitTag,
    UnitType,
)
from gridpolicing.policy.values import PolicyModel

__all__ = ["PeopleCondition", "PeopleSelector", "Subject", "UnitSelector", "UnitsCondition"]


UnitsCondition = Annotated[
    Expression,
    BeforeValidator(condition_validator("units")),
    WithJsonSchema(condition_json_schema("units")),
]
"""A condition on the columns of ``units``, checked at load time (core/expressions.py)."""

PeopleCondition = Annotated[
    Expression,
    BeforeValidator(condition_validator("people")),
    WithJsonSchema(condition_json_schema("people")),
]
"""A condition on the columns of ``people`` (and the attributes the policy declares for them)."""


class UnitSelector(PolicyModel):
    """Units of one type, optionally narrowed by area, category, ids, tags or a condition.

    ``where`` is an SQL condition on the unit's own columns and the attributes the policy
    declares (``population >= 3000``); a unit for which it cannot be decided (a column it reads
    is empty) stays a subject, so missing data is judged rather than passed over. ``tags``
    keeps the units holding every tag listed, ``without_tags`` those holding none of them.
    """

    type: UnitType = Field(
        description="单位类型(见 docs/vocabulary.md)。 The unit type (docs/vocabulary.md).",
        examples=["locality", "office"],
    )
    area: Area | None = Field(
        default=None,
        description="只选城市或农村单位。 Only urban or only rural units.",
        examples=["rural"],
    )
    category: list[LocalityCategory] | None = Field(
        default=None,
        min_length=1,
        description="社区/村类别,任一即可。 Locality categories, any of them.",
        examples=[["rural_community", "village"]],
    )
    ids: list[str] | None = Field(
        default=None,
        min_length=1,
        description="只选这些 id 的单位。 Only the units with these ids.",
        examples=[["c1", "c2"]],
    )
    tags: list[UnitTag] | None = Field(
        default=None,
        min_length=1,
        description="单位须带有其中每一个标签(政策 vocabulary 中声明)。 The unit holds every one "
        "of these tags (declared under vocabulary: unit_tags).",
        examples=[["chengguan"]],
    )
    without_tags: list[UnitTag] | None = Field(
        default=None,
        min_length=1,
        description="单位不带其中任何一个标签。 The unit holds none of these tags.",
        examples=[["chengguan"]],
    )
    where: UnitsCondition | None = Field(
        default=None,
        description="关于单位各列及所声明属性的条件;无法判定(缺数据)的单位仍为对象。 "
        "A condition on "
        "the unit's columns and declared attributes; a unit it cannot decide stays a subject.",
        examples=["population >= 3000"],
    )


class PeopleSelector(PolicyModel):
    """People holding one of ``roles`` through an assignment, optionally narrowed.

    ``tags`` / ``without_tags`` keep the people holding every / none of the tags listed;
    ``rank_at_least`` those of that rank (职务层级) or above; ``where`` is a condition on the
    person's columns and declared attributes. A person whose rank is not given, or for whom
    ``where`` cannot be decided, stays a subject: missing data is judged, not passed over.
    """

    roles: list[Role] = Field(
        min_length=1,
        description="通过任职(assignment)担任其中任一角色的人员。 People holding one of these "
        "roles through an assignment.",
        examples=[["community_officer"], ["village_contact_officer", "dispatched_officer"]],
    )
    employment: Employment | None = Field(
        default=None,
        description="只计该用工形式(专职或兼职)的任职。 Only assignments of this employment "
        "(full-time or part-time).",
        examples=["full_time"],
    )
    party_member: bool | None = Field(
        default=None,
        description="true 只选党员,false 只选非党员。 true: party members only; false: the others.",
        examples=[True],
    )
    concurrent: bool | None = Field(
        default=None,
        description="true 只选兼任的任职(与另一职务同时担任),false 只选非兼任。 true: only "
        "assignments held alongside another post (兼任); false: the others.",
        examples=[False],
    )
    unit_area: Area | None = Field(
        default=None,
        description="所任职单位的城乡属性。 Area (urban or rural) of the assigned unit.",
        examples=["rural"],
    )
    tags: list[PersonTag] | None = Field(
        default=None,
        min_length=1,
        description="人员须带有其中每一个标签(vocabulary: person_tags)。 The person holds every "
        "one of these tags (declared under vocabulary: person_tags).",
        examples=[["probation"]],
    )
    without_tags: list[PersonTag] | None = Field(
        default=None,
        min_length=1,
        description="人员不带其中任何一个标签。 The person holds none of these tags.",
        examples=[["probation"]],
    )
    rank_at_least: Rank | None = Field(
        default=None,
        description="职务层级不低于此级;未填层级的人员仍为对象。 This rank (职务层级) or above; a "
        "person without one is kept.",
        examples=["unit_level"],
    )
    where: PeopleCondition | None = Field(
        default=None,
        description="关于人员各列及所声明属性的条件;无法判定的人员仍为对象。 A condition on the "
        "person's columns and declared attributes; a person it cannot decide stays a subject.",
        examples=["hire_date <= DATE '2015-12-31'"],
    )


class Subject(PolicyModel):
    """What a rule is about: units (``units:``) or people (``people:``), exactly one."""

    units: UnitSelector | None = Field(
        default=None,
        description="对象为单位:每个所选单位一条结果。 The subjects are units: one finding per "
        "unit selected.",
        examples=[{"type": "locality", "category": ["village"]}],
    )
    people: PeopleSelector | None = Field(
        default=None,
        description="对象为人员:每个所选人员一条结果。 The subjects are people: one finding per "
        "person selected.",
        examples=[{"roles": ["village_contact_officer"]}],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Subject:
        if (self.units is None) == (self.people is None):
            raise ValueError("expected exactly one of 'units' or 'people'")
        return self
