"""Small value types of the policy language: bilingual text, parameters and dated values.

Numbers are checked here, once, for every model of the policy language (rules of every kind,
assessments, policy tests): :func:`validate_plain` lets a number field take a number, never a
boolean (``true`` is not 1 h) nor text, and no model takes infinity or NaN. A :data:`Value` is
a threshold and must also be greater than 0 and at most :data:`THRESHOLD_MAX`, whether written
as a literal, through a parameter or as a dated value: zero or a negative threshold would make
a rule that can never fail, and a threshold reaches SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated, Any, Final, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
)

__all__ = [
    "THRESHOLD_MAX",
    "Dated",
    "DatedBound",
    "ParamRef",
    "PolicyModel",
    "Text",
    "UpperBound",
    "Value",
    "check_threshold",
    "require_exactly_one",
    "validate_plain",
    "value_at",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

THRESHOLD_MAX: Final = 10**15
"""The largest threshold: well inside int64 and exact as a DOUBLE (below 2**53)."""


class PolicyModel(BaseModel):
    """Base of every policy-language model: immutable, unknown keys rejected, numbers finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def validate_plain(model: type[M], data: Any, context: dict[str, Any] | None = None) -> M:
    """Validate plain data (as read from YAML) against ``model`` with JSON's strict rules.

    Strict JSON validation reads text as a date or an enum where one is expected, but never
    ``true`` or ``"24"`` as a number, nor ``yes`` as a boolean: what a policy author wrote is
    what the rule gets. The data holds only str, int, float, bool, None, lists and mappings.
    ``context`` is pydantic's validation context (see core/expressions.py for its keys).
    """
    text = json.dumps(data, allow_nan=False)
    return model.model_validate_json(text, strict=True, context=context)


def check_threshold(v: Any, *, zero: bool = False) -> Any:
    """Raise unless ``v`` is a finite number in (0, THRESHOLD_MAX] (``[0, ...]`` with ``zero``).

    Returns ``v`` unchanged.
    """
    if isinstance(v, bool) or not isinstance(v, int | float):
        what = {bool: ", not a boolean", str: ", not text"}.get(type(v), "")
        raise ValueError(f"expected a number{what}")
    if not math.isfinite(v):
        raise ValueError("expected a finite number")
    if v < 0 or (v == 0 and not zero):
        raise ValueError(f"expected a number {'at least' if zero else 'greater than'} 0")
    if v > THRESHOLD_MAX:
        raise ValueError(f"expected a number at most {THRESHOLD_MAX:,}")
    return v


def _check_bound(v: Any) -> Any:
    return check_threshold(v, zero=True)


# The schema extras publish the range in the JSON Schema, so an editor flags a 0 as it is typed.
Threshold = Annotated[
    T,
    BeforeValidator(check_threshold),
    Field(json_schema_extra={"exclusiveMinimum": 0, "maximum": THRESHOLD_MAX}),
]
Bound = Annotated[
    T,
    BeforeValidator(_check_bound),
    Field(json_schema_extra={"minimum": 0, "maximum": THRESHOLD_MAX}),
]


def require_exactly_one(model: BaseModel, *names: str) -> None:
    """Raise unless exactly one of the fields ``names`` of ``model`` is set (not None)."""
    if sum(getattr(model, n) is not None for n in names) != 1:
        raise ValueError("expected exactly one of " + ", ".join(names))


class Text(PolicyModel):
    """A text in Chinese and English; both are required, so every reader gets one."""

    zh: str = Field(
        min_length=1, description="中文文本。 The text in Chinese.", examples=["社区民警每周驻村"]
    )
    en: str = Field(
        min_length=1,
        description="英文文本。 The text in English.",
        examples=["Community officers work in the village every week"],
    )

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('zh' or 'en')."""
        return self.zh if lang == "zh" else self.en


class ParamRef(PolicyModel):
    """A reference to a parameter of the policy (``{param: weekly_hours}``)."""

    param: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="所引用参数的名称(政策或其模板 parameters 中声明),加载时代入其值。 The name "
        "of a parameter declared under parameters (here or in a template); its value is "
        "substituted on load.",
        examples=["weekly_hours"],
    )


class Dated(PolicyModel, Generic[T]):
    """A value that changes over time, keyed by the date each value starts to apply.

    ``{values: {2016-01-01: 1, 2017-01-01: 2}}``; a ``null`` value ends the previous one (before the
    first date and after a null, the rule does not apply), as OpenFisca parameters do.
    """

    values: dict[dt.date, Threshold[T] | None] = Field(
        min_length=1,
        description="起始日期 → 自该日起适用的值;null 表示自该日起不再适用。 Start date -> the "
        "value in force from that day; null: the rule does not apply from that day.",
        examples=[{"2016-06-23": None, "2017-01-01": 1000}],
    )

    @field_validator("values")
    @classmethod
    def _sorted(cls, v: dict[dt.date, T | None]) -> dict[dt.date, T | None]:
        return dict(sorted(v.items()))

    def at(self, day: dt.date) -> T | None:
        """The value in force on ``day``."""
        current: T | None = None
        for start, value in self.values.items():
            if start > day:
                break
            current = value
        return current


class DatedBound(Dated[T], Generic[T]):
    """Dated values of an upper bound: 0 is allowed."""

    values: dict[dt.date, Bound[T] | None] = Field(
        min_length=1,
        description="起始日期 → 自该日起适用的上限(可为 0);null 表示不再适用。 Start date -> "
        "the upper bound in force from that day (0 allowed); null: no longer applies.",
        examples=[{"2016-01-01": 3, "2018-01-01": 2}],
    )


def _value_tag(v: Any) -> str:
    if isinstance(v, dict):
        return "param" if "param" in v else "dated"
    if isinstance(v, ParamRef):
        return "param"
    if isinstance(v, Dated):
        return "dated"
    return "literal"


Value = Annotated[
    Annotated[Threshold[T], Tag("literal")]
    | Annotated[ParamRef, Tag("param")]
    | Annotated[Dated[T], Tag("dated")],
    Discriminator(_value_tag),
]
"""A threshold: a literal, a ``{param: name}`` reference, or ``{values: {date: value}}``.

Literals and dated values are checked by :func:`check_threshold` (a parameter once substituted):
greater than 0, because a minimum of 0 can never fail.
"""

UpperBound = Annotated[
    Annotated[Bound[T], Tag("literal")]
    | Annotated[ParamRef, Tag("param")]
    | Annotated[DatedBound[T], Tag("dated")],
    Discriminator(_value_tag),
]
"""Like :data:`Value`, for an upper bound, which may be 0 ("at most 0": none allowed)."""


def value_at(value: Any, day: dt.date) -> Any:
    """A resolved value (literal or dated) on ``day``; parameters must have been substituted."""
    if isinstance(value, Dated):
        return value.at(day)
    if isinstance(value, ParamRef):
        raise ValueError(f"parameter {value.param!r} was not substituted")
    return value
