"""What an expression can reach: the columns of one table, with their types and vocabularies.

A :class:`Scope` is derived from the record model of a dataset table (model/tables.py through
io/dataset_schema.py), so the columns an author may name are the columns the typed table has.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, final

from gridpolicing.io.dataset_schema import Kind, columns
from gridpolicing.model import TABLES

__all__ = ["Scope", "ScopeColumn", "ValueType", "table_scope"]


class ValueType(StrEnum):
    """The type of a value inside an expression, as far as the checker tells types apart."""

    number = "number"
    text = "text"
    boolean = "boolean"
    date = "date"
    timestamp = "timestamp"
    text_list = "list of text"
    null = "null"

    def phrase(self) -> str:
        """The type in words, for messages: ``a number``, ``text``, ``a condition ...``."""
        return _PHRASES[self]

    def family(self) -> str:
        """Types that compare with each other share a family (a date and a timestamp do)."""
        return "date" if self in (ValueType.date, ValueType.timestamp) else self.value


_PHRASES: Final = {
    ValueType.number: "a number",
    ValueType.text: "text",
    ValueType.boolean: "a condition (true or false)",
    ValueType.date: "a date",
    ValueType.timestamp: "a date and time",
    ValueType.text_list: "a list of text",
    ValueType.null: "NULL",
}

_KIND_TYPES: Final[dict[Kind, ValueType]] = {
    "str": ValueType.text,
    "enum": ValueType.text,
    "int": ValueType.number,
    "float": ValueType.number,
    "bool": ValueType.boolean,
    "date": ValueType.date,
    "datetime": ValueType.timestamp,
}


@final
@dataclass(frozen=True, slots=True)
class ScopeColumn:
    """A column an expression may name; ``allowed`` lists an enum column's values, sorted."""

    name: str
    type: ValueType
    allowed: tuple[str, ...] = ()


@final
@dataclass(frozen=True, slots=True)
class Scope:
    """The columns in reach of an expression: those of the table ``table``, nothing else."""

    table: str
    columns: tuple[ScopeColumn, ...]

    def column(self, name: str) -> ScopeColumn | None:
        """The column called ``name``, if the table has one."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, sorted (for messages)."""
        return tuple(sorted(c.name for c in self.columns))


@functools.cache
def table_scope(table: str) -> Scope:
    """The scope of the dataset table ``table`` (``units``, ``people`` ...), from its model."""
    spec = TABLES.get(table)
    if spec is None:
        raise ValueError(f"unknown table {table!r}; expected one of: {', '.join(sorted(TABLES))}")
    out = []
    for col in columns(spec.model):
        kind = ValueType.text_list if col.is_list else _KIND_TYPES[col.kind]
        out.append(ScopeColumn(col.name, kind, col.allowed))
    return Scope(table, tuple(out))
