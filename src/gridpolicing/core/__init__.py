"""The composable policy core: author expressions checked against an allow-list.

``check(text, table_scope("units"))`` returns an :class:`Expression` that compiles to SQL for
DuckDB or another dialect, or raises :class:`ExpressionError` saying what is wrong and where.
"""

from __future__ import annotations

from gridpolicing.core.expressions import (
    MAX_BRACKETS,
    MAX_DEPTH,
    MAX_LENGTH,
    Expression,
    ExpressionError,
    check,
)
from gridpolicing.core.functions import FUNCTIONS
from gridpolicing.core.scope import Scope, ValueType, table_scope

__all__ = [
    "FUNCTIONS",
    "MAX_BRACKETS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "Scope",
    "ValueType",
    "check",
    "table_scope",
]
