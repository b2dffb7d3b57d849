"""The policy document: sources, parameters, rules (a tagged union on ``kind``), assessment.

Rule kinds subclass :class:`RuleSpec` and add their own fields; :mod:`.registry` assembles the
union of the kinds it holds, so a wrong ``kind`` is an error listing the allowed ones.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from gridpolicing.core.expressions import Expression, condition_json_schema, condition_validator
from gridpolicing.model.vocabulary import (
    ActivityKind,
    Area,
    Employment,
    LocalityCategory,
    PersonTag,
    Rank,
    Role,
    UnitTag,
    UnitType,
)
from gridpolicing.policy.values import PolicyModel, Text

__all__ = [
    "AnyPeriod",
    "Citation",
    "CustomPeriod",
    "Duty",
    "Effective",
    "NotEncoded",
    "ParameterDecl",
    "PeopleSelector",
    "Period",
    "RuleSpec",
    "Severity",
    "Source",
    "Subject",
    "UnitSelector",
]

IDENT = r"^[a-z0-9][a-z0-9_.-]*$"


class Severity(StrEnum):
    """How much a failure matters."""

    critical = "critical"
    major = "major"
    minor = "minor"


class Period(StrEnum):
    """The bucket a rule is counted over (ISO weeks; calendar months, quarters, halves, years)."""

    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"


class CustomPeriod(PolicyModel):
    """An assessment period of the policy's own: ``months`` long, starting on a day of its own.

    ``{months: 1, starts: 26}`` is the assessment month from the 26th to the 25th
    (上月26日至本月25日); ``{months: 2}`` two calendar months (January-February, ...);
    ``{months: 12, starts: 03-01}`` a year from 1 March. ``starts`` is a day of the month
    (1-28: every month has it), or ``MM-DD`` naming the month one period starts in (the others
    follow every ``months`` months). A day alone other than 1 puts that month in December, so a
    period ends on the day before, in the month the calendar period of that length ends: with
    ``starts: 26`` the year is 26 December to 25 December, the quarter 26 December to 25 March.
    A bucket's key is its range, ``2022-01-26..2022-02-25``.
    """

    months: Literal[1, 2, 3, 4, 6, 12] = Field(
        description="Length in months; divides a year, so every year holds the same periods"
    )
    starts: int | str = Field(
        default=1,
        description="The first day: a day of the month (1-28), or MM-DD (03-01, 12-26)",
    )

    @field_validator("starts")
    @classmethod
    def _understood(cls, starts: int | str) -> int | str:
        _anchor(starts)
        return starts

    @property
    def anchor(self) -> tuple[int, int]:
        """``(month, day)`` on which one period starts."""
        return _anchor(self.starts)

    @property
    def value(self) -> str:
        """A name usable in identifiers (table names), like a :class:`Period`'s value."""
        month, day = self.anchor
        return f"months{self.months}_from_{month:02d}_{day:02d}"

    @property
    def label(self) -> str:
        """The period as an author wrote it: ``{months: 1, starts: 26}``."""
        return f"{{months: {self.months}, starts: {self.starts}}}"


_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def _anchor(starts: int | str) -> tuple[int, int]:
    """``(month, day)`` of a ``starts`` value; a day alone other than 1 starts in December."""
    if isinstance(starts, int):
        month, day = (1 if starts == 1 else 12), starts
    else:
        m = _MONTH_DAY.match(starts)
        if m is None:
            raise ValueError(f"starts {starts!r}: expected a day (1-28) or MM-DD (03-01)")
        month, day = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"starts {starts!r}: month {month} is not 01-12")
    if not 1 <= day <= 28:
        raise ValueError(
            f"starts {starts!r}: day {day} is not 1-28 (a period must start on a day every "
            "month has)"
        )
    return month, day


def _period_form(value: Any) -> str:
    """Which form of period ``value`` is: a calendar name, or a mapping of the policy's own."""
    return "own" if isinstance(value, dict | CustomPeriod) else "calendar"


AnyPeriod = Annotated[
    Annotated[Period, Tag("calendar")] | Annotated[CustomPeriod, Tag("own")],
    Discriminator(_period_form),
]
"""Where an assessment scheme or roll-up names its period: a calendar one or its own. The
discriminator keeps an error to the form written (a mapping's errors are its keys')."""


class Source(PolicyModel):
    """A text the policy encodes: a regulation, a notice, an article."""

    id: str = Field(pattern=IDENT)
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1, description="Issuer or publisher")
    date: dt.date | None = None
    url: str | None = None
    file: str | None = Field(default=None, description="Copy kept under docs/sources/")
    status: Literal["issued", "draft"] = Field(
        default="issued",
        description="draft: a consultation draft (征求意见稿), not the text as finally issued; "
        "renders and reports say so",
    )


class Citation(PolicyModel):
    """The clause a rule encodes: a source id and the clause quoted verbatim."""

    source: str = Field(pattern=IDENT)
    clause: str | None = Field(default=None, description="Section number, e.g. 三(一)2")
    quote: str = Field(min_length=2)


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

    type: UnitType
    area: Area | None = None
    category: list[LocalityCategory] | None = Field(default=None, min_length=1)
    ids: list[str] | None = Field(default=None, min_length=1)
    tags: list[UnitTag] | None = Field(
        default=None, min_length=1, description="The unit holds every one of these tags"
    )
    without_tags: list[UnitTag] | None = Field(
        default=None, min_length=1, description="The unit holds none of these tags"
    )
    where: UnitsCondition | None = None


class PeopleSelector(PolicyModel):
    """People holding one of ``roles`` through an assignment, optionally narrowed.

    ``tags`` / ``without_tags`` keep the people holding every / none of the tags listed;
    ``rank_at_least`` those of that rank (职务层级) or above; ``where`` is a condition on the
    person's columns and declared attributes. A person whose rank is not given, or for whom
    ``where`` cannot be decided, stays a subject: missing data is judged, not passed over.
    """

    roles: list[Role] = Field(min_length=1)
    employment: Employment | None = None
    party_member: bool | None = None
    concurrent: bool | None = None
    unit_area: Area | None = Field(default=None, description="Area of the assigned unit")
    tags: list[PersonTag] | None = Field(
        default=None, min_length=1, description="The person holds every one of these tags"
    )
    without_tags: list[PersonTag] | None = Field(
        default=None, min_length=1, description="The person holds none of these tags"
    )
    rank_at_least: Rank | None = Field(
        default=None, description="This rank (职务层级) or above; a person without one is kept"
    )
    where: PeopleCondition | None = None


class Subject(PolicyModel):
    """What a rule is about: units (``units:``) or people (``people:``), exactly one."""

    units: UnitSelector | None = None
    people: PeopleSelector | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Subject:
        if (self.units is None) == (self.people is None):
            raise ValueError("expected exactly one of 'units' or 'people'")
        return self


class RuleSpec(PolicyModel):
    """Fields every rule has. Rule kinds subclass this and narrow ``kind`` to a literal."""

    id: str = Field(pattern=IDENT)
    kind: str
    title: Text
    severity: Severity
    subject: Subject
    citation: Citation
    note: str | None = Field(default=None, description="Why the clause was read this way")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> RuleSpec:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class ParameterDecl(PolicyModel):
    """A parameter a template declares; a policy extending it supplies the value."""

    type: Literal["number", "integer", "string", "boolean"]
    description: Text
    default: Any = None
    minimum: float | None = None
    at_most: str | None = Field(
        default=None,
        pattern=IDENT,
        description="Another parameter this one's value may not exceed (a range's lower end "
        "names its upper end); checked when the values are set",
    )


class Effective(PolicyModel):
    """Dates between which a policy is in force (``to`` inclusive, open when absent)."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None


class Duty(PolicyModel):
    """One duty of a catalogue (职责), and the activity kinds that perform it."""

    id: str = Field(pattern=IDENT)
    title: Text
    activity_kinds: list[ActivityKind] = Field(min_length=1)


class NotEncoded(PolicyModel):
    """A clause data cannot confirm or refute, kept so nothing is skipped silently."""

    source: str = Field(pattern=IDENT)
    quote: str = Field(min_length=2)
    reason: str = Field(min_length=2)
