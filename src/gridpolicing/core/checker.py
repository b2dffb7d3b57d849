"""The allow-list: walk a parsed expression, refuse what is not allowed, and infer its type.

Every node kind is refused unless a branch below accepts it, so a construct sqlglot learns to
parse later is refused until someone decides it is safe. The walk is recursive, but the caller
has already bounded the tree's depth (expressions.MAX_DEPTH).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from typing import Final, NoReturn, final

from sqlglot import exp

from gridpolicing.core.errors import ExpressionError
from gridpolicing.core.functions import DATE_UNITS, FUNCTIONS, MAX_DIGITS, Function, function_of
from gridpolicing.core.scope import Scope, ScopeColumn, ValueType

__all__ = ["MAX_NUMBER", "Checker"]

MAX_NUMBER: Final = 10**15
"""Number literals larger than this (in size) are refused: they would not round-trip exactly."""

V = ValueType
_ARITHMETIC: Final = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_COMPARISONS: Final = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_QUERIES: Final = (exp.Query, exp.Subquery, exp.Exists, exp.Table, exp.From, exp.Join)
_NAMES: Final = ", ".join(sorted(f.name for f in FUNCTIONS))


_SQL_TYPES: Final = {
    V.number: "DOUBLE",
    V.text: "VARCHAR",
    V.boolean: "BOOLEAN",
    V.date: "DATE",
    V.timestamp: "TIMESTAMP",
    V.text_list: "VARCHAR[]",
}


def _sql_type(t: ValueType) -> exp.DataType:
    return exp.DataType.build(_SQL_TYPES[t], dialect="duckdb")


def offset_of(node: exp.Expr) -> int | None:
    """The smallest source offset sqlglot recorded for ``node`` or anything below it."""
    starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
    return min(starts) if starts else None


def _hint(name: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@final
class Checker:
    """Checks one parsed expression against a scope; :meth:`type_of` returns its type."""

    __slots__ = ("nulls", "scope", "text")

    def __init__(self, text: str, scope: Scope) -> None:
        self.text = text
        self.scope = scope
        self.nulls: dict[int, tuple[exp.Expr, ValueType]] = {}
        """Function arguments that are NULL, with the type their slot wants (see type_nulls)."""

    def type_nulls(self) -> None:
        """Cast each NULL argument to its slot's type: DuckDB cannot bind ``year(NULL)``.

        Done after the walk, which may visit a node twice (``x IN (a, b)`` checks ``x`` per
        item) and must see the tree as the author wrote it.
        """
        for value, t in self.nulls.values():
            value.replace(exp.Cast(this=value.copy(), to=_sql_type(t)))
        self.nulls.clear()

    def refuse(self, node: exp.Expr, message: str, *, needs_vocabulary: bool = False) -> NoReturn:
        """Raise an :class:`ExpressionError` located at ``node``."""
        raise ExpressionError(
            message, self.text, offset_of(node) or 0, needs_vocabulary=needs_vocabulary
        )

    def show(self, node: exp.Expr, t: ValueType) -> str:
        """``population (a number)``: a part of the expression and its type, for messages."""
        return f"{node.sql(dialect='duckdb')} ({t.phrase()})"

    def type_of(self, node: exp.Expr) -> ValueType:
        """The type of ``node``; raises ExpressionError on anything outside the allow-list."""
        if isinstance(node, exp.Paren):
            return self.type_of(node.this)
        if isinstance(node, exp.Column):
            return self._column(node).type
        if isinstance(node, exp.Star):
            self.refuse(node, f"'*' is not allowed; name the columns of {self.scope.table}")
        if isinstance(node, exp.Literal | exp.Boolean | exp.Null | exp.Neg | exp.Cast):
            literal = self._literal(node)
            if literal is not None:
                return literal
        if isinstance(node, exp.Neg):
            return self._numbers(node, node.this)
        if isinstance(node, _ARITHMETIC):
            return self._numbers(node, node.this, node.expression)
        if isinstance(node, _COMPARISONS):
            self._comparable(node, node.this, node.expression)
            return V.boolean
        if isinstance(node, exp.Between):
            self._comparable(node, node.this, node.args["low"])
            self._comparable(node, node.this, node.args["high"])
            return V.boolean
        if isinstance(node, exp.In):
            return self._in(node)
        if isinstance(node, exp.Is):
            if not isinstance(node.expression, exp.Null):
                self.refuse(node.expression, "only IS NULL and IS NOT NULL are allowed after IS")
            self.type_of(node.this)
            return V.boolean
        if isinstance(node, exp.Not):
            return self._conditions("NOT", node.this)
        if isinstance(node, exp.And | exp.Or):
            return self._conditions(node.key.upper(), node.this, node.expression)
        if isinstance(node, exp.Case):
            return self._case(node)
        if isinstance(node, exp.Window):
            self.refuse(node, f"window functions (OVER) are not allowed{self._one_row}")
        if isinstance(node, exp.AggFunc):
            self.refuse(
                node, f"aggregate function {self._name(node)!r} is not allowed{self._one_row}"
            )
        if isinstance(node, _QUERIES):
            self.refuse(
                node,
                "subqueries and table names are not allowed: an expression reads only the "
                f"columns of {self.scope.table}",
            )
        if isinstance(node, exp.Placeholder | exp.Parameter):
            self.refuse(node, "parameters and placeholders are not allowed; write the value itself")
        if isinstance(node, exp.Func):
            return self._call(node)
        self.refuse(
            node,
            f"{node.sql(dialect='duckdb')[:40]!r} is not allowed in an expression; expected "
            "columns, literals, arithmetic, comparisons, AND/OR/NOT, CASE and the functions: "
            + _NAMES,
        )

    @property
    def _one_row(self) -> str:
        return f": an expression is judged on one row of {self.scope.table} at a time"

    def _column(self, node: exp.Column) -> ScopeColumn:
        if isinstance(node.this, exp.Star):
            self.refuse(node, f"'*' is not allowed; name the columns of {self.scope.table}")
        if node.table or node.args.get("db") or node.args.get("catalog"):
            self.refuse(
                node,
                f"{node.sql(dialect='duckdb')!r} names a table; an expression reads only the "
                f"columns of {self.scope.table}, written without a table name",
            )
        ident = node.this
        name = ident.name if ident.quoted else ident.name.lower()
        col = self.scope.column(name)
        if col is None:
            self.refuse(
                node,
                f"unknown column {ident.name!r}{_hint(name, self.scope.names)}; the columns of "
                f"{self.scope.table} are: {', '.join(self.scope.names)}",
                needs_vocabulary=True,
            )
        return col

    def _literal(self, node: exp.Expr) -> ValueType | None:
        """The type of a literal (numbers, text, booleans, NULL, DATE '...'), or None."""
        if isinstance(node, exp.Null):
            return V.null
        if isinstance(node, exp.Boolean):
            return V.boolean
        if isinstance(node, exp.Literal):
            if node.is_string:
                return V.text
            try:
                value = float(node.this)
            except ValueError:
                self.refuse(node, f"{node.this!r} is not a number")
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                self.refuse(
                    node, f"number {node.this} is out of range; at most {MAX_NUMBER:.0e} in size"
                )
            return V.number
        if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
            if node.this.is_string:
                self.refuse(node, "a minus sign needs a number, found text")
            return self._literal(node.this)
        if isinstance(node, exp.Cast):
            if type(node) is not exp.Cast or not node.to.is_type(exp.DType.DATE):
                self.refuse(node, "CAST is not allowed; write a date as DATE 'YYYY-MM-DD'")
            value = node.this
            if not (isinstance(value, exp.Literal) and value.is_string):
                self.refuse(node, "CAST is not allowed; write a date as DATE 'YYYY-MM-DD'")
            try:
                dt.date.fromisoformat(value.this)
                ok = len(value.this) == 10
            except ValueError:
                ok = False
            if not ok:
                self.refuse(node, f"{value.this!r} is not a date; write dates as DATE 'YYYY-MM-DD'")
            return V.date
        return None

    def _numbers(self, node: exp.Expr, *operands: exp.Expr) -> ValueType:
        for operand in operands:
            t = self.type_of(operand)
            if t not in (V.number, V.null):
                self.refuse(operand, f"arithmetic needs numbers, found {self.show(operand, t)}")
        return V.number

    def _conditions(self, op: str, *operands: exp.Expr) -> ValueType:
        for operand in operands:
            t = self.type_of(operand)
            if t not in (V.boolean, V.null):
                self.refuse(
                    operand, f"{op} needs conditions (true or false), found {self.show(operand, t)}"
                )
        return V.boolean

    def _comparable(self, node: exp.Expr, left: exp.Expr, right: exp.Expr) -> ValueType:
        a, b = self.type_of(left), self.type_of(right)
        if V.text_list in (a, b) or (V.null not in (a, b) and a.family() != b.family()):
            self.refuse(
                node,
                f"cannot compare {self.show(left, a)} with {self.show(right, b)}; both sides must "
                "be of one type",
            )
        if isinstance(node, exp.EQ | exp.NEQ | exp.In | exp.ArrayContains):
            self._vocabulary(left, right)
            self._vocabulary(right, left)
        return b if a is V.null else a

    def _vocabulary(self, column: exp.Expr, value: exp.Expr) -> None:
        """A text literal compared with an enum column must be one of the column's values."""
        if not (isinstance(column, exp.Column) and isinstance(value, exp.Literal)):
            return
        col = self.scope.column(column.name if column.this.quoted else column.name.lower())
        if col is None or not col.closed or not value.is_string or value.this in col.allowed:
            return
        expected = (
            f"expected one of: {', '.join(col.allowed)}"
            if col.allowed
            else "the policy's vocabulary declares none"
        )
        self.refuse(
            value,
            f"{value.this!r} is not a value of column {col.name}{_hint(value.this, col.allowed)}; "
            f"{expected}",
            needs_vocabulary=True,
        )

    def _in(self, node: exp.In) -> ValueType:
        if node.args.get("query") is not None:
            self.refuse(node.args["query"], "subqueries and table names are not allowed")
        items = node.expressions
        extra = [k for k in ("unnest", "field") if node.args.get(k) is not None]
        if extra or not items:
            self.refuse(node, "IN takes a list of values in brackets: x IN ('a', 'b')")
        for item in items:
            if self._literal(item) is None:
                self.refuse(item, f"IN takes literal values, found {item.sql(dialect='duckdb')}")
            self._comparable(node, node.this, item)
        return V.boolean

    def _case(self, node: exp.Case) -> ValueType:
        subject = node.this
        results: list[exp.Expr] = []
        for branch in node.args.get("ifs") or []:
            if subject is not None:
                self._comparable(branch, subject, branch.this)
            else:
                self._conditions("WHEN", branch.this)
            results.append(branch.args["true"])
        if node.args.get("default") is not None:
            results.append(node.args["default"])
        return self._common(node, results)

    def _common(self, node: exp.Expr, values: list[exp.Expr]) -> ValueType:
        """The one type all of ``values`` have (NULLs aside); refuse a mix."""
        found: tuple[exp.Expr, ValueType] | None = None
        for value in values:
            t = self.type_of(value)
            if t is V.null:
                continue
            if found is not None and (t.family() != found[1].family() or V.text_list in (t,)):
                self.refuse(
                    value,
                    f"{self.show(value, t)} is not of the type of {self.show(*found)}; the "
                    "values must all be of one type",
                )
            if found is None or t is V.timestamp:
                found = (value, t)
        return found[1] if found is not None else V.null

    def _name(self, node: exp.Func) -> str:
        """The function's name as the author wrote it, where sqlglot kept where that was."""
        if isinstance(node, exp.Anonymous):
            return str(node.name).lower()
        if "start" in node.meta:
            return self.text[node.meta["start"] : node.meta["end"] + 1].lower()
        return str(node.sql_name()).lower()

    def _call(self, node: exp.Func) -> ValueType:
        fn = function_of(node)
        if fn is None:
            name = self._name(node)
            self.refuse(
                node,
                f"function {name!r} is not allowed{_hint(name, [f.name for f in FUNCTIONS])}; "
                f"expected one of: {_NAMES}",
            )
        slots = {key for key, _ in fn.args}
        for key, value in node.args.items():
            if key not in slots and key != "unit" and isinstance(value, exp.Expr):
                self.refuse(value, f"{fn.name} takes {fn.signature}")
        if fn.name == "date_diff":
            self._date_unit(node, fn)
        if fn.name == "round":
            self._digits(node, fn)
        same: list[exp.Expr] = []
        for key, accepted in fn.args:
            values = node.args.get(key)
            items = values if isinstance(values, list) else [values] if values is not None else []
            if not items and key not in fn.optional and not fn.variadic:
                self.refuse(node, f"{fn.name} takes {fn.signature}")
            for value in items:
                if not accepted:
                    same.append(value)
                    continue
                t = self.type_of(value)
                if t is V.null:  # DuckDB cannot choose an overload for year(NULL): type it
                    self.nulls[id(value)] = (value, accepted[0])
                elif t not in accepted:
                    self.refuse(
                        value, f"{fn.name} takes {fn.signature}: found {self.show(value, t)}"
                    )
        if fn.name == "list_contains":
            self._vocabulary(node.this, node.expression)
        return self._common(node, same) if fn.returns is None else fn.returns

    def _date_unit(self, node: exp.Expr, fn: Function) -> None:
        unit = node.args.get("unit")
        name = unit.name.lower() if isinstance(unit, exp.Var | exp.Literal) else ""
        if name not in DATE_UNITS:
            self.refuse(
                node,
                f"{fn.name} takes {fn.signature} with unit one of: {', '.join(DATE_UNITS)}",
            )

    def _digits(self, node: exp.Expr, fn: Function) -> None:
        digits = node.args.get("decimals")
        if digits is None:
            return
        if not (
            isinstance(digits, exp.Literal)
            and not digits.is_string
            and digits.this.isdigit()
            and int(digits.this) <= MAX_DIGITS
        ):
            self.refuse(digits, f"{fn.name} takes {fn.signature} with digits 0 to {MAX_DIGITS}")
