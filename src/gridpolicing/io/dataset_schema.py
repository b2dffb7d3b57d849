"""The shape of a dataset, derived from the record models: typed columns and the JSON Schema.

:func:`columns` turns each pydantic field into a :class:`Column` (SQL type, default, allowed
values, bounds) that validation checks in DuckDB; :func:`dataset_json_schema` describes the
single-file (YAML/JSON) form for editors and ``gridpolicing schema``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Literal, final

import annotated_types as at
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from gridpolicing.model import TABLES
from gridpolicing.model.terms import Vocabulary, spec_of
from gridpolicing.model.terms_doc import describe_vocabularies
from gridpolicing.model.vocabulary import AttributeType, Extensible

__all__ = [
    "ATTRIBUTES_FIELD",
    "ATTRIBUTE_PREFIX",
    "DATASET_KEY",
    "DATASET_SCHEMA_ID",
    "DEFAULT_MAX_ACTIVITY_HOURS",
    "DEFAULT_TIMEZONE",
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_ACTIVITY_HOURS",
    "Column",
    "Kind",
    "attribute_columns",
    "columns",
    "columns_in_force",
    "dataset_json_schema",
    "refused_attribute",
    "takes_attributes",
]

Kind = Literal["str", "int", "float", "bool", "date", "datetime", "enum"]

DATASET_SCHEMA_ID: Final = "https://gridpolicing.dev/schemas/dataset/1/schema.json"
"""Versioned like the policy schema's ``$id`` (docs/policy-language.md): the major version of
the dataset format, changed only when a dataset valid before would no longer be."""

ATTRIBUTES_FIELD: Final = "attributes"
"""The mapping field of units and people holding the values of declared attributes."""

ATTRIBUTE_PREFIX: Final = "attr."
"""A declared attribute ``x`` is the column ``attr.x`` of a CSV or Parquet file and of the typed
table (``attributes: {x: ...}`` in YAML/JSON); rejected records name the field ``attr.x``."""

_ATTRIBUTE_KINDS: Final[dict[AttributeType, Kind]] = {
    AttributeType.integer: "int",
    AttributeType.number: "float",
    AttributeType.text: "str",
    AttributeType.boolean: "bool",
    AttributeType.date: "date",
}

DATASET_KEY: Final = "dataset"
"""The optional top-level key of a single-file dataset holding its name and description."""

FIRST_DATE: Final = dt.date(1900, 1, 1)
LAST_DATE: Final = dt.date(2200, 12, 31)
"""Every date, and the day of every time, lies in FIRST_DATE..LAST_DATE: a date outside is a
typo (0000-01-01, 20222-03-01), and the window keeps every value inside what Python and the
engine's calendars can hold. Evaluation periods are held to the same window."""

DEFAULT_TIMEZONE: Final = "Asia/Shanghai"
"""The jurisdiction's time zone: times with a zone (Parquet timestamps adjusted to UTC) are
converted to this local time; times without one are taken as already local."""

DEFAULT_MAX_ACTIVITY_HOURS: Final = 24.0
"""The longest one activity record may last; a longer one (a typo'd end) is rejected."""

MAX_ACTIVITY_HOURS: Final = 87_840.0
"""The most the bound itself may be raised to: ten years of hours, as long as a period."""

_SQL_TYPES: Final[dict[Kind, str]] = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "enum": "VARCHAR",
}
_DATE_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


@final
@dataclass(frozen=True, slots=True)
class Column:
    """One field of a record model as a typed column, with what a valid value looks like."""

    name: str
    kind: Kind
    is_list: bool = False
    nullable: bool = False
    """The typed column may hold NULL (the field is optional)."""
    required: bool = False
    """A value must be given: the field has no default and may not be None."""
    default: Any = None
    allowed: tuple[str, ...] = ()
    """Enum values, sorted."""
    enum: type[Enum] | None = None
    """The vocabulary of an enum column (a policy may add terms to an extensible one)."""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    refused: str | None = None
    """Set on the column of an attribute no vocabulary declares: any value given in it is
    rejected with this message (the column is left out of the typed table)."""

    @property
    def sql_type(self) -> str:
        """The DuckDB type of the column in the typed table."""
        base = _SQL_TYPES[self.kind]
        return f"{base}[]" if self.is_list else base

    def describe(self) -> str:
        """What a valid value (or list item) is, for ``expected ..., found ...`` messages."""
        text = {
            "str": "text",
            "int": "an integer",
            "float": "a number",
            "bool": "true or false",
            "date": f"a date YYYY-MM-DD from {FIRST_DATE} to {LAST_DATE}",
            "datetime": f"a date and time YYYY-MM-DD HH:MM[:SS] from {FIRST_DATE} to {LAST_DATE}",
            "enum": "one of " + ", ".join(self.allowed)
            if self.allowed
            else "a term the policy's vocabulary declares (it declares none)",
        }[self.kind]
        bounds = [
            f"{op} {_num(v)}"
            for op, v in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt))
            if v is not None
        ]
        if bounds:
            text += " " + " and ".join(bounds)
        if self.min_length is not None and self.min_length > 1:
            text += f" of at least {self.min_length} characters"
        if self.max_length is not None:
            text += f" of at most {self.max_length} characters"
        return text


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


@functools.cache
def columns(model: type[BaseModel]) -> tuple[Column, ...]:
    """The model's fields as columns, in field order; unsupported field types fail loudly."""
    out = []
    for name, info in model.model_fields.items():
        if name == ATTRIBUTES_FIELD:
            continue  # one column per declared attribute: see attribute_columns
        annotation, nullable = _unwrap_optional(info.annotation)
        is_list = typing.get_origin(annotation) is list
        if is_list:
            (annotation,) = typing.get_args(annotation)
        kind, allowed = _kind(model, name, annotation)
        if is_list and kind not in ("str", "enum"):
            raise TypeError(f"{model.__name__}.{name}: lists of {kind} are not supported")
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if isinstance(default, Enum):
            default = default.value
        elif isinstance(default, list):
            default = tuple(default)  # a Column stays hashable
        bounds: dict[str, Any] = {}
        for meta in info.metadata:
            bounds.update(_bound(model, name, meta))
        out.append(
            Column(
                name,
                kind,
                is_list=is_list,
                nullable=nullable,
                required=info.is_required() and not nullable,
                default=default,
                allowed=allowed,
                enum=annotation if kind == "enum" else None,
                **bounds,
            )
        )
    return tuple(out)


def columns_in_force(model: type[BaseModel], vocabulary: Vocabulary | None) -> tuple[Column, ...]:
    """The model's columns, the extensible vocabularies' also allowing the terms a policy adds."""
    out = []
    for c in columns(model):
        if vocabulary is not None and c.enum is not None and issubclass(c.enum, Extensible):
            added = [t.id for t in vocabulary.added_terms(spec_of(c.enum).name)]
            c = dataclasses.replace(c, allowed=tuple(sorted((*c.allowed, *added))))
        out.append(c)
    return (*out, *attribute_columns(model, vocabulary))


def attribute_columns(model: type[BaseModel], vocabulary: Vocabulary | None) -> tuple[Column, ...]:
    """One optional column ``attr.<id>`` per attribute ``vocabulary`` declares for ``model``."""
    name = _attribute_vocabulary(model)
    if name is None or vocabulary is None:
        return ()
    out = []
    for t in vocabulary.added_terms(name):
        assert t.value_type is not None  # Vocabulary checks every attribute has one
        kind = _ATTRIBUTE_KINDS[t.value_type]
        out.append(Column(ATTRIBUTE_PREFIX + t.id, kind, nullable=True))
    return tuple(out)


def refused_attribute(model: type[BaseModel], vocabulary: Vocabulary | None, name: str) -> Column:
    """The column of ``name`` (``attr.<id>``), an attribute no vocabulary declares for ``model``."""
    declared = [c.name.removeprefix(ATTRIBUTE_PREFIX) for c in attribute_columns(model, vocabulary)]
    vocab = _attribute_vocabulary(model)
    listing = ", ".join(sorted(declared)) or "none"
    why = (
        f"unknown attribute {name.removeprefix(ATTRIBUTE_PREFIX)!r}: the policy's vocabulary "
        f"({vocab}) declares {listing}; found "
    )
    return Column(name, "str", nullable=True, refused=why)


def takes_attributes(model: type[BaseModel]) -> bool:
    """Whether records of ``model`` carry declared attributes (units and people do)."""
    return _attribute_vocabulary(model) is not None


def _attribute_vocabulary(model: type[BaseModel]) -> str | None:
    return next((s.attributes for s in TABLES.values() if s.model is model), None)


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unions other than X | None are not supported: {annotation}")
        return args[0], True
    return annotation, False


def _kind(model: type[BaseModel], name: str, tp: Any) -> tuple[Kind, tuple[str, ...]]:
    # Order matters: StrEnum is a str, bool an int and datetime a date.
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "enum", tuple(sorted(str(m.value) for m in tp))
    simple: tuple[tuple[type, Kind], ...] = (
        (bool, "bool"),
        (int, "int"),
        (float, "float"),
        (dt.datetime, "datetime"),
        (dt.date, "date"),
        (str, "str"),
    )
    for py, kind in simple:
        if tp is py:
            return kind, ()
    raise TypeError(f"{model.__name__}.{name}: field type {tp!r} has no column type")


def _bound(model: type[BaseModel], name: str, meta: Any) -> dict[str, Any]:
    if isinstance(meta, at.Ge):
        return {"ge": meta.ge}
    if isinstance(meta, at.Gt):
        return {"gt": meta.gt}
    if isinstance(meta, at.Le):
        return {"le": meta.le}
    if isinstance(meta, at.Lt):
        return {"lt": meta.lt}
    if isinstance(meta, at.MinLen):
        return {"min_length": meta.min_length}
    if isinstance(meta, at.MaxLen):
        return {"max_length": meta.max_length}
    raise TypeError(f"{model.__name__}.{name}: constraint {meta!r} is not checked by validation")


def dataset_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a single-file dataset: table name -> list of records."""
    specs = list(TABLES.values())
    _, top = models_json_schema(
        [(s.model, "validation") for s in specs], ref_template="#/$defs/{model}"
    )
    defs: dict[str, Any] = top.get("$defs", {})
    describe_vocabularies(defs)
    for name, definition in defs.items():
        model = next((s.model for s in specs if s.model.__name__ == name), None)
        if model is not None:
            _patch_times(definition, model)
    properties: dict[str, Any] = {
        DATASET_KEY: {
            "type": "object",
            "description": "Optional name and description of the dataset.",
            "properties": {"name": {"type": "string"}, "description": {"type": "string"}},
            "additionalProperties": False,
        }
    }
    for s in specs:
        properties[s.name] = {
            "type": "array",
            "description": s.doc or s.name,
            "items": {"$ref": f"#/$defs/{s.model.__name__}"},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": DATASET_SCHEMA_ID,
        "title": "gridpolicing dataset",
        "description": (
            "A deployment's records in one YAML or JSON file: each key a table, each value a "
            "list of records. Dates are YYYY-MM-DD; times YYYY-MM-DD HH:MM[:SS] or ISO 8601 "
            f"without a zone (local time); both from {FIRST_DATE} to {LAST_DATE}. The same "
            "tables may instead be given as a directory of <table>.csv or <table>.parquet files."
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def _patch_times(definition: dict[str, Any], model: type[BaseModel]) -> None:
    """Give date and time fields the patterns the readers accept (not RFC 3339 date-time)."""
    kinds = {c.name: c.kind for c in columns(model)}
    for name, prop in definition.get("properties", {}).items():
        kind = kinds.get(name)
        if kind not in ("date", "datetime"):
            continue
        for option in prop.get("anyOf", [prop]):
            if option.get("type") != "string":
                continue
            if kind == "datetime":
                option.pop("format", None)
                option["pattern"] = _DATETIME_PATTERN
            else:
                option["pattern"] = _DATE_PATTERN
