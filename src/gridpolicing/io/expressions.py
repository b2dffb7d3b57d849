"""The SQL of one column: how a staged value is read, typed, checked and explained.

For each model field (a :class:`~gridpolicing.io.dataset_schema.Column`) and the type its input
arrives in, these functions build the expressions validation runs over whole columns: the typed
value (NULL where missing or not valid), whether the field fails, and the message saying why.
The clean-table path and the full path share them, so a row is clean exactly when the full path
finds nothing wrong with it (tests/io/test_checks.py holds them to that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final, final

from gridpolicing.io.dataset_schema import FIRST_DATE, LAST_DATE, Column

__all__ = [
    "TRIM",
    "BadType",
    "Field",
    "defs",
    "fails",
    "field_of",
    "message",
    "parsed",
    "sql_id",
    "sql_str",
    "windowed",
]

# The models strip whitespace as str.strip() does, and Chinese text often carries the ideographic
# space. DuckDB's trim() with a character set is slow, so it runs only on values whose first or
# last character may be a space: x < '!' (so '' too, which becomes NULL), or a code point up to
# 32 or in 133..12288, where all the other spaces lie. Ranges, not IN lists: DuckDB compares an
# IN list item by item, or makes it a join over every row (even in a CASE branch few rows reach).
_SPACES: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
TRIM: Final = (
    "CREATE TEMP MACRO _t(x) AS CASE WHEN x < '!' OR ord(x) BETWEEN 133 AND 12288 "
    "OR ord(x[-1]) <= 32 OR ord(x[-1]) BETWEEN 133 AND 12288 "
    f"THEN NULLIF(trim(x, '{_SPACES}'), '') ELSE x END"
)
_REQUIRED: Final = "'a value is required'"
_DATE_RX: Final = "'[0-9]{4}-[0-9]{2}-[0-9]{2}'"
_DATETIME_RX: Final = (
    "'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?'"
)
# The words pydantic's lax mode takes for booleans, so every format means the same, and the
# office ones: 是/否, and 1.0/0.0 (pandas writes a boolean column with gaps as numbers). As one
# ENUM type (a hash lookup, the office words cost nothing), the true words first.
_TRUE: Final = ("true", "t", "yes", "y", "on", "1", "是", "1.0")
_FALSE: Final = ("false", "f", "no", "n", "off", "0", "否", "0.0")
# Office spellings, tried only where the ISO form fails (so ISO texts never pay for them):
# full-width digits and signs (as a Chinese input method types them) read as ASCII, and dates
# with the year first, unpadded, with - / . or 年月日: 2022-3-5, 2022/3/5, 2022.3.5, 2022年3月5日
# (never 3/5/2022, which may be March or May). A time may have an unpadded hour (8:30).
_WIDE: Final = "０１２３４５６７８９－＋．：／\u3000"
_NARROW: Final = "0123456789-+.:/ "
_OFFICE_DAY: Final = (
    "[0-9]{4}(-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2}|[.][0-9]{1,2}[.][0-9]{1,2}"
    "|年[0-9]{1,2}月[0-9]{1,2}日)"
)
_OFFICE_DATE_RX: Final = f"'{_OFFICE_DAY}'"
_OFFICE_DATETIME_RX: Final = (
    f"'{_OFFICE_DAY}[ T][0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}}([.][0-9]{{1,6}})?)?'"
)
_OFFICE_DATE_FORMATS: Final = "['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日']"
_OFFICE_TIME_FORMATS: Final = "['%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f']"
_BOOL_WORDS: Final = "ENUM(" + ", ".join(f"'{w}'" for w in _TRUE + _FALSE) + ")"
# The window of dates and times (dataset_schema.FIRST_DATE..LAST_DATE) as SQL conditions.
_DATE_WINDOW: Final = f"BETWEEN DATE '{FIRST_DATE}' AND DATE '{LAST_DATE}'"
_TIME_FROM: Final = f"TIMESTAMP '{FIRST_DATE} 00:00:00'"
_TIME_UNTIL: Final = f"TIMESTAMP '{LAST_DATE + dt.timedelta(days=1)} 00:00:00'"
# A zoned time a day either side of the window: converting it to local time cannot overflow,
# and the window check of the local time decides at the edges.
_ZONED_WINDOW: Final = (
    f"BETWEEN TIMESTAMPTZ '{FIRST_DATE - dt.timedelta(days=1)} 00:00:00+00' "
    f"AND TIMESTAMPTZ '{LAST_DATE + dt.timedelta(days=2)} 00:00:00+00'"
)
_ZONED: Final = frozenset({"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ_NS"})
_NUMBERS: Final = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER"}
    | {"UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"}
)
# Kinds whose accepted texts have no spaces at either end (enums if their values have none).
_UNPADDED: Final = frozenset({"enum", "int", "bool", "date", "datetime"})
# Integer types every value of which is a BIGINT.
_INTEGERS: Final = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
)
# Source types read natively (no round trip through text) for each kind; DECIMAL(p,s) as numbers.
_NATIVE: Final[dict[str, frozenset[str]]] = {
    # Like pydantic, 3.0 is an integer: pandas writes integer columns with gaps as doubles.
    "int": _NUMBERS,
    "float": _NUMBERS,
    "bool": frozenset({"BOOLEAN"}),
    "date": frozenset({"DATE"}),
    "datetime": frozenset({"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE"})
    | _ZONED,
}


@final
@dataclass(frozen=True, slots=True)
class Field:
    """How one column is read from the staged relation: raw aliases, typed value, presence."""

    c: Column
    raw: dict[str, str]
    """Layer 1: alias -> expression over the staged relation (always ``_r_``, the text)."""
    value: str
    """Layer 2: the typed value over layer-1 aliases, NULL where missing or not valid."""
    given: str
    """Over layer-1 aliases: a value was given (the text is not NULL), cheaper than the text."""
    needs: str = ""
    """The one alias ``value`` and ``given`` read, when it is not ``_r_`` (the text)."""

    def aliases(self, *, messages: bool) -> dict[str, str]:
        """Layer 1 for values and checks only, or also for messages (which quote the text)."""
        if messages or not self.needs:
            return self.raw
        return {self.needs: self.raw[self.needs]}


class BadType(Exception):
    """A staged column's type cannot hold the field's values (a struct where text belongs)."""


def field_of(c: Column, source_type: str | None) -> Field:
    """How column ``c`` is read from a staged column of ``source_type`` (None: absent)."""
    col, r, n = sql_id(c.name), "_r_" + c.name, "_n_" + c.name
    given = f"{sql_id(r)} IS NOT NULL"
    if source_type is None:
        raw = {r: "NULL::VARCHAR[]" if c.is_list else "NULL::VARCHAR"}
        return Field(c, raw, parsed(c, None), given)
    if c.is_list:
        if source_type == "VARCHAR":
            items = f"list_transform(string_split({col}, ';'), lambda x: _t(x))"
        elif source_type.endswith("[]") and source_type.count("[") == 1:
            # Items are split on ';' too, so a list means the same in every format.
            split = (
                f"flatten(list_transform({col}, lambda x: string_split(CAST(x AS VARCHAR), ';')))"
            )
            items = f"list_transform({split}, lambda x: _t(x))"
        else:
            raise BadType(f'column "{c.name}" has type {source_type}; expected text or a list')
        items = f"list_filter({items}, lambda x: x IS NOT NULL)"
        return Field(c, {r: f"CASE WHEN len({items}) > 0 THEN {items} END"}, parsed(c, None), given)
    if source_type.endswith("]") or source_type.startswith(("STRUCT", "MAP", "UNION", "BLOB")):
        raise BadType(f'column "{c.name}" has type {source_type}; expected {c.describe()}')
    numeric = c.kind in ("int", "float") and source_type.startswith("DECIMAL")
    if numeric or source_type in _NATIVE.get(c.kind, ()):
        # The text is only for messages: values and checks use the native value.
        raw = {r: f"CAST({col} AS VARCHAR)", n: col}
        return Field(c, raw, parsed(c, source_type), f"{sql_id(n)} IS NOT NULL", n)
    text = col if source_type == "VARCHAR" else f"CAST({col} AS VARCHAR)"
    if c.kind in _UNPADDED and all(a and a == a.strip() for a in c.allowed):
        # A text these kinds accept never starts or ends with a space, so only the texts not
        # accepted as they are need trimming (and a second try): usually none of them.
        s = "_s_" + c.name
        # The office spellings are tried last, on the trimmed text: a padded ISO text (rare
        # too) does not pay for them. A CASE, not COALESCE, which computes both on every row.
        untrimmed = parsed(c, None, sql_id(s), office=False)
        trimmed = parsed(c, None, f"_t({sql_id(s)})")
        value = f"CASE WHEN {untrimmed} IS NULL THEN {trimmed} ELSE {untrimmed} END"
        return Field(c, {r: f"_t({text})", s: text}, value, f"_t({sql_id(s)}) IS NOT NULL", s)
    return Field(c, {r: f"_t({text})"}, parsed(c, None), given)


def parsed(c: Column, native: str | None, text: str | None = None, *, office: bool = True) -> str:
    """Layer 2: the typed value, NULL where missing or not a valid value of the column.

    ``native`` is the source type when the value is read natively (``_n_``), else None: the
    value is read from ``text``, by default the trimmed text ``_r_``: in its ISO form, or else
    (unless not ``office``) in an office spelling of numbers, dates and times.
    """
    if native or not office or c.is_list or c.kind not in ("int", "float", "date", "datetime"):
        return _parsed(c, native, text)
    # The ELSE branch of the ISO form's CASE: DuckDB computes a branch only for the rows that
    # take it (where COALESCE would compute both on every row), so an ISO text never pays.
    return _parsed(c, native, text, f" ELSE {_office(c, text or sql_id('_r_' + c.name))}")


def _office(c: Column, r: str) -> str:
    """The typed value of an office spelling of the text ``r`` (see _WIDE), else NULL."""
    w = f"translate({r}, '{_WIDE}', '{_NARROW}')"
    if c.kind in ("int", "float"):
        return _parsed(c, None, w)
    if c.kind == "date":
        return (
            f"CASE WHEN regexp_full_match({w}, {_OFFICE_DATE_RX}) "
            f"THEN CAST(try_strptime({w}, {_OFFICE_DATE_FORMATS}) AS DATE) END"
        )
    iso = f"regexp_replace({w}, '^([0-9]+)[-/.年]([0-9]+)[-/.月]([0-9]+)日?[ T]', '\\1-\\2-\\3 ')"
    return (
        f"CASE WHEN regexp_full_match({w}, {_OFFICE_DATETIME_RX}) "
        f"THEN try_strptime({iso}, {_OFFICE_TIME_FORMATS}) END"
    )


def _parsed(c: Column, native: str | None, text: str | None, otherwise: str = "") -> str:
    """The typed value of the ISO form (or the native value): see :func:`parsed`.

    ``otherwise`` (`` ELSE ...``) is the value of a text of a number, date or time that is not
    in the ISO form.
    """
    r, n = text or sql_id("_r_" + c.name), sql_id("_n_" + c.name)
    if c.is_list:
        if c.kind != "enum":
            return r
        return f"CASE WHEN len(list_filter({r}, lambda x: {_not_in(c, 'x')})) = 0 THEN {r} END"
    if c.kind == "str":
        return r
    if c.kind == "enum":
        return _member(c, r)
    if c.kind == "int":
        if native in _INTEGERS:
            return f"CAST({n} AS BIGINT)"
        if native:
            return f"CASE WHEN {n} = trunc({n}) THEN TRY_CAST({n} AS BIGINT) END"
        int_rx = "'[+-]?[0-9]+([.]0+)?'"
        cast = f"TRY_CAST({r} AS BIGINT)"
        return f"CASE WHEN regexp_full_match({r}, {int_rx}) THEN {cast}{otherwise} END"
    if c.kind == "float":
        x = f"TRY_CAST({n if native else r} AS DOUBLE)"
        return f"CASE WHEN isfinite({x}) THEN {x}{otherwise} END"
    if c.kind == "bool":
        if native:
            return n
        return f"enum_code(TRY_CAST(lower({r}) AS {_BOOL_WORDS})) < {len(_TRUE)}"
    if c.kind == "date":
        if native:
            return n
        cast = f"TRY_CAST({r} AS DATE)"
        return f"CASE WHEN regexp_full_match({r}, {_DATE_RX}) THEN {cast}{otherwise} END"
    if native == "TIMESTAMP":
        return n
    # Converting a far-out value overflows (TRY_CAST raises too), so only those near the window
    # are converted. A zoned time becomes local time in the session's TimeZone, which
    # load_dataset sets to the jurisdiction's, never the process's.
    if native == "DATE":
        return f"CASE WHEN {n} {_DATE_WINDOW} THEN CAST({n} AS TIMESTAMP) END"
    if native in _ZONED:
        return f"CASE WHEN {n} {_ZONED_WINDOW} THEN CAST({n} AS TIMESTAMP) END"
    if native:
        return f"CAST({n} AS TIMESTAMP)"
    return (
        f"CASE WHEN regexp_full_match({r}, {_DATETIME_RX}) "
        f"THEN TRY_CAST({r} AS TIMESTAMP){otherwise} END"
    )


def fails(f: Field) -> str | None:
    """Over layers 1 and 2: the field's message (see :func:`message`) is not NULL.

    It tests the typed value, not the text: a missing text gives a NULL value, so only an
    optional field's NULL value needs to know whether a text was given at all.
    """
    c, v = f.c, sql_id("_v_" + f.c.name)
    if c.refused is not None:
        return f.given
    ok = None if c.is_list else _bounds(c, v)
    if ok is None and (c.kind == "str" or (c.is_list and c.kind != "enum")):
        return f"{v} IS NULL" if c.required else None
    if c.required:
        return f"{v} IS NULL" if ok is None else f"{v} IS NULL OR NOT ({ok})"
    return (
        f"CASE WHEN {v} IS NULL THEN {f.given} ELSE {'FALSE' if ok is None else f'NOT ({ok})'} END"
    )


def message(c: Column) -> str | None:
    """Layer 3: why the value is not valid, or NULL; None when no value can fail."""
    r, v = sql_id("_r_" + c.name), sql_id("_v_" + c.name)
    missing = _REQUIRED if c.required else "NULL"
    if c.refused is not None:
        return f"CASE WHEN {r} IS NOT NULL THEN {sql_str(c.refused)} || _q({r}) END"
    expected = sql_str(f"expected {c.describe()}, found ")
    if c.is_list:
        if c.kind != "enum":
            return f"CASE WHEN {r} IS NULL THEN {missing} END" if c.required else None
        bad = f"list_transform(list_filter({r}, lambda x: {_not_in(c, 'x')}), lambda x: _q(x))"
        return (
            f"CASE WHEN {r} IS NULL THEN {missing} WHEN {v} IS NULL "
            f"THEN {expected} || array_to_string({bad}, ', ') END"
        )
    ok = _bounds(c, v)
    if c.kind == "str" and ok is None:
        return f"CASE WHEN {r} IS NULL THEN {missing} END" if c.required else None
    failed = f"{v} IS NULL" if ok is None else f"{v} IS NULL OR NOT ({ok})"
    return f"CASE WHEN {r} IS NULL THEN {missing} WHEN {failed} THEN {expected} || _q({r}) END"


def _bounds(c: Column, v: str) -> str | None:
    if c.kind == "date":
        return f"{v} {_DATE_WINDOW}"
    if c.kind == "datetime":
        return f"{v} >= {_TIME_FROM} AND {v} < {_TIME_UNTIL}"
    parts = [
        f"{v} {op} {bound!r}"
        for op, bound in ((">=", c.ge), (">", c.gt), ("<=", c.le), ("<", c.lt))
        if bound is not None
    ]
    if c.min_length is not None and c.min_length > 1:
        parts.append(f"length({v}) >= {c.min_length}")
    if c.max_length is not None:
        parts.append(f"length({v}) <= {c.max_length}")
    return " AND ".join(parts) or None


def windowed(c: Column) -> str:
    """The typed value; a date or time outside the window is NULL, as a value not understood.

    Such a row is rejected for it; NULL keeps the checks across fields (an end before its
    start, the length of an activity) from reasoning about a value that is not a date.
    """
    if c.kind not in ("date", "datetime"):
        return _with_default(c)
    return f"CASE WHEN {_bounds(c, sql_id('_v_' + c.name))} THEN {_with_default(c)} END"


def _with_default(c: Column) -> str:
    v = sql_id("_v_" + c.name)
    if c.default is None:
        return v
    return f"COALESCE({v}, {_literal(c.default, c)})"


def _literal(value: Any, c: Column) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(x, c) for x in value) + f"]::{c.sql_type}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP {sql_str(value.isoformat(sep=' '))}"
    if isinstance(value, dt.date):
        return f"DATE {sql_str(value.isoformat())}"
    return sql_str(str(value))


def _member(c: Column, x: str) -> str:
    """``x`` if it is one of the allowed values of enum column ``c``, else NULL.

    A cast to an ENUM type: one hash lookup (once per distinct value of a dictionary-encoded
    Parquet column), where ``x IN (...)`` compares with every allowed value in turn.
    """
    return f"TRY_CAST(TRY_CAST({x} AS ENUM{_in(c)}) AS VARCHAR)"


def _not_in(c: Column, x: str) -> str:
    """``x`` is not an allowed value of ``c`` (always, when none is: no tag declared)."""
    return f"{x} NOT IN {_in(c)}" if c.allowed else "TRUE"


def _in(c: Column) -> str:
    return "(" + ", ".join(sql_str(a) for a in c.allowed) + ")"


def defs(cols: tuple[Column, ...]) -> str:
    """The column definitions of a typed table."""
    return ", ".join(
        f"{sql_id(c.name)} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in cols
    )


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
