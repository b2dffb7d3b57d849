"""Small value types of the policy language: bilingual text, parameters and dated values."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

__all__ = ["Dated", "ParamRef", "PolicyModel", "Text", "Value", "require_exactly_one", "value_at"]

T = TypeVar("T")


class PolicyModel(BaseModel):
    """Base of every policy-language model: immutable, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def require_exactly_one(model: BaseModel, *names: str) -> None:
    """Raise unless exactly one of the fields ``names`` of ``model`` is set (not None)."""
    if sum(getattr(model, n) is not None for n in names) != 1:
        raise ValueError("expected exactly one of " + ", ".join(names))


class Text(PolicyModel):
    """A text in Chinese and English; both are required, so every reader gets one."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('zh' or 'en')."""
        return self.zh if lang == "zh" else self.en


class ParamRef(PolicyModel):
    """A reference to a parameter of the policy (``{param: weekly_hours}``)."""

    param: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


class Dated(PolicyModel, Generic[T]):
    """A value that changes over time, keyed by the date each value starts to apply.

    ``{values: {2016-01-01: 1, 2017-01-01: 2}}``; a ``null`` value ends the previous one (before the
    first date and after a null, the rule does not apply), as OpenFisca parameters do.
    """

    values: dict[dt.date, T | None] = Field(min_length=1)

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


def _value_tag(v: Any) -> str:
    if isinstance(v, dict):
        return "param" if "param" in v else "dated"
    if isinstance(v, ParamRef):
        return "param"
    if isinstance(v, Dated):
        return "dated"
    return "literal"


Value = Annotated[
    Annotated[T, Tag("literal")]
    | Annotated[ParamRef, Tag("param")]
    | Annotated[Dated[T], Tag("dated")],
    Discriminator(_value_tag),
]
"""A literal, a ``{param: name}`` reference, or ``{values: {date: value}}``."""


def value_at(value: Any, day: dt.date) -> Any:
    """A resolved value (literal or dated) on ``day``; parameters must have been substituted."""
    if isinstance(value, Dated):
        return value.at(day)
    if isinstance(value, ParamRef):
        raise ValueError(f"parameter {value.param!r} was not substituted")
    return value
