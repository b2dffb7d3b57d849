"""What an expression can reach: the columns of one table, with their types and vocabularies.

A :class:`Scope` is derived from the record model of a dataset table (model/tables.py through
io/dataset_schema.py), so the columns an author may name are the columns the typed table has:
with a policy's vocabulary, also the attributes it declares (by id, of their declared type) and
its tags as the values of ``tags``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, final

from gridpolicing.io.dataset_schema import ATTRIBUTE_PREFIX, Kind, columns_in_force
from gridpolicing.model import TABLES
from gridpolicing.model.terms import Vocabulary

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
    closed: bool = False
    """The column has a vocabulary: a text compared with it must be in ``allowed`` (which is
    empty for ``tags`` when the policy declares none)."""
    column: str | None = None
    """The typed table's column, when it is not ``name`` (an attribute ``x`` is ``attr.x``)."""

    @property
    def sql_name(self) -> str:
        """The name of the column in the typed table."""
        return self.column or self.name


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
def table_scope(table: str, vocabulary: Vocabulary | None = None) -> Scope:
    """The scope of the dataset table ``table`` (``units``, ``people`` ...), from its model.

    With ``vocabulary`` (a policy's), the attributes it declares for the table are columns
    named by their id, and ``tags`` takes the tags it declares.
    """
    spec = TABLES.get(table)
    if spec is None:
        raise ValueError(f"unknown table {table!r}; expected one of: {', '.join(sorted(TABLES))}")
    out = []
    for col in columns_in_force(spec.model, vocabulary):
        kind = ValueType.text_list if col.is_list else _KIND_TYPES[col.kind]
        closed = col.enum is not None
        if col.name.startswith(ATTRIBUTE_PREFIX):
            name = col.name.removeprefix(ATTRIBUTE_PREFIX)
            out.append(ScopeColumn(name, kind, col.allowed, closed, column=col.name))
        else:
            out.append(ScopeColumn(col.name, kind, col.allowed, closed))
    return Scope(table, tuple(out))
