"""The scalar functions an expression may call: what each takes and gives, in zh and en.

The list is short on purpose: each function is pure, reads only its arguments and exists (under
its own or another name) in the common SQL engines, so sqlglot can transpile it. Anything else
(``read_csv``, ``getenv``, ``current_setting`` ...) is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from sqlglot import exp

from gridpolicing.core.scope import ValueType

__all__ = ["DATE_UNITS", "FUNCTIONS", "Function", "function_of"]

N, T, B = ValueType.number, ValueType.text, ValueType.boolean
D, TS, L = ValueType.date, ValueType.timestamp, ValueType.text_list

DATE_UNITS: Final = ("day", "month", "quarter", "week", "year")
"""Units ``date_diff`` counts in."""

MAX_DIGITS: Final = 10
"""``round(x, digits)``: at most this many digits."""


@final
@dataclass(frozen=True, slots=True)
class Function:
    """One allowed function: its sqlglot node, argument slots and types, and what it does.

    ``args`` names the node's argument slots in the order an author writes them, each with the
    types it accepts; an empty tuple of types means "any, but all such slots of one type" (the
    result then has that type). ``optional`` slots may be left out.
    """

    name: str
    node: type[exp.Expr]
    signature: str
    args: tuple[tuple[str, tuple[ValueType, ...]], ...]
    returns: ValueType | None
    """None: the common type of the ``()`` slots."""
    zh: str
    en: str
    optional: tuple[str, ...] = ()
    variadic: bool = False
    """The last slot is a list of arguments (``least(a, b, c)``)."""


FUNCTIONS: Final[tuple[Function, ...]] = (
    Function("abs", exp.Abs, "abs(x)", (("this", (N,)),), N, "绝对值", "absolute value"),
    Function(
        "round",
        exp.Round,
        "round(x[, digits])",
        (("this", (N,)), ("decimals", (N,))),
        N,
        f"四舍五入到 digits 位小数（0 至 {MAX_DIGITS}，默认 0）",
        f"x rounded to digits decimals (0 to {MAX_DIGITS}, default 0)",
        optional=("decimals",),
    ),
    Function("floor", exp.Floor, "floor(x)", (("this", (N,)),), N, "向下取整", "round down"),
    Function("ceil", exp.Ceil, "ceil(x)", (("this", (N,)),), N, "向上取整", "round up"),
    Function(
        "least",
        exp.Least,
        "least(a, b, ...)",
        (("this", ()), ("expressions", ())),
        None,
        "最小值（同类型参数）",
        "the smallest argument (all of one type)",
        variadic=True,
    ),
    Function(
        "greatest",
        exp.Greatest,
        "greatest(a, b, ...)",
        (("this", ()), ("expressions", ())),
        None,
        "最大值（同类型参数）",
        "the largest argument (all of one type)",
        variadic=True,
    ),
    Function(
        "coalesce",
        exp.Coalesce,
        "coalesce(a, b, ...)",
        (("this", ()), ("expressions", ())),
        None,
        "第一个非空参数",
        "the first argument that is not NULL",
        variadic=True,
    ),
    Function("length", exp.Length, "length(s)", (("this", (T,)),), N, "字符数", "characters in s"),
    Function("lower", exp.Lower, "lower(s)", (("this", (T,)),), T, "转小写", "s in lower case"),
    Function("upper", exp.Upper, "upper(s)", (("this", (T,)),), T, "转大写", "s in upper case"),
    Function(
        "contains",
        exp.Contains,
        "contains(s, part)",
        (("this", (T,)), ("expression", (T,))),
        B,
        "s 是否包含 part",
        "whether s contains part",
    ),
    Function(
        "starts_with",
        exp.StartsWith,
        "starts_with(s, prefix)",
        (("this", (T,)), ("expression", (T,))),
        B,
        "s 是否以 prefix 开头",
        "whether s starts with prefix",
    ),
    Function("year", exp.Year, "year(d)", (("this", (D, TS)),), N, "年份", "the year of d"),
    Function("month", exp.Month, "month(d)", (("this", (D, TS)),), N, "月份 1-12", "month 1-12"),
    Function("day", exp.Day, "day(d)", (("this", (D, TS)),), N, "日 1-31", "day of the month 1-31"),
    Function(
        "date_diff",
        exp.DateDiff,
        "date_diff('unit', start, end)",
        (("expression", (D, TS)), ("this", (D, TS))),
        N,
        "start 到 end 跨过的 unit 边界数（" + "、".join(DATE_UNITS) + "）",
        "unit boundaries crossed from start to end (" + ", ".join(DATE_UNITS) + ")",
    ),
    Function(
        "list_contains",
        exp.ArrayContains,
        "list_contains(list, value)",
        (("this", (L,)), ("expression", (T,))),
        B,
        "列表列（如 posts）是否含有 value",
        "whether a list column (such as posts) holds value",
    ),
)
"""Every allowed function, in the order the docs list them."""

_BY_NODE: Final = {f.node: f for f in FUNCTIONS}


def function_of(node: exp.Expr) -> Function | None:
    """The allowed function a parsed call is, or None (the exact node class decides)."""
    return _BY_NODE.get(type(node))
