"""One validation path for every input format: staged columns are checked and typed in DuckDB.

A reader stages each table as a relation with ``_key`` (unique, in input order), ``_row`` (the
line or row a person finds the record at) and a column per model field it has, as text or already
typed (Parquet). :func:`build_dataset` checks whole columns with set-based queries and moves valid
rows into the typed table named after the table. Only rejected rows ever become Python objects,
so a table of millions of activities costs a few scans, not millions of model instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset import Dataset, RejectedRecord, TableCount
from gridpolicing.io.dataset_schema import Column, columns
from gridpolicing.model import TABLES, TableSpec

if TYPE_CHECKING:
    import duckdb

__all__ = ["Staged", "build_dataset"]

# The models strip whitespace as str.strip() does, and Chinese text often carries the ideographic
# space. DuckDB's trim() with a character set is slow, so it runs only on values that start or
# end with a space (a cheap test of the first and last character).
_SPACES: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_WIDE: Final = ", ".join(f"'{c}'" for c in _SPACES if c > " ")
_TRIM: Final = (
    "CREATE TEMP MACRO _t(x) AS NULLIF(CASE WHEN x[1] <= ' ' OR x[-1] <= ' ' "
    f"OR x[1] IN ({_WIDE}) OR x[-1] IN ({_WIDE}) THEN trim(x, '{_SPACES}') ELSE x END, '')"
)
_REQUIRED: Final = "'a value is required'"
_GONE: Final = " (its record was rejected)"
_DATE_RX: Final = "'[0-9]{4}-[0-9]{2}-[0-9]{2}'"
_DATETIME_RX: Final = (
    "'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?'"
)
# The words pydantic's lax mode takes for booleans, so every format means the same.
_TRUE: Final = "('true', 't', 'yes', 'y', 'on', '1')"
_FALSE: Final = "('false', 'f', 'no', 'n', 'off', '0')"
_NUMBERS: Final = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER"}
    | {"UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"}
)
# Source types read natively (no round trip through text) for each kind; DECIMAL(p,s) as numbers.
_NATIVE: Final[dict[str, frozenset[str]]] = {
    # Like pydantic, 3.0 is an integer: pandas writes integer columns with gaps as doubles.
    "int": _NUMBERS,
    "float": _NUMBERS,
    "bool": frozenset({"BOOLEAN"}),
    "date": frozenset({"DATE"}),
    "datetime": frozenset({"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE"}),
}
# Which check wins when several fail on one field: what the reader saw, then the value itself,
# then checks across rows.
_PRE, _ROW, _DUP, _PAIR, _REF = 0, 1, 2, 3, 4


@final
@dataclass(frozen=True, slots=True)
class Staged:
    """A table's input as a DuckDB relation, ready for :func:`build_dataset`."""

    table: str
    file: str
    relation: str
    pre_rejected: tuple[tuple[int, str, str], ...] = ()
    """``(_key, field, message)`` found while reading, e.g. a mapping where a value belongs."""


def build_dataset(
    con: duckdb.DuckDBPyConnection, staged: Mapping[str, Staged], *, source: str
) -> Dataset:
    """Check every staged table in catalogue order, fill the typed tables, return the Dataset.

    Raises :class:`DatasetError` only for whole-file defects (a column of an unusable type);
    bad rows become :class:`RejectedRecord` entries and never reach the typed tables.
    """
    con.execute(
        "CREATE TEMP MACRO _q(x) AS '\"' || replace(replace(replace(CASE WHEN length(x) > 80 "
        "THEN left(x, 80) || '…' ELSE x END, '\\', '\\\\'), '\"', '\\\"'), chr(10), '\\n') || '\"'"
    )
    con.execute(_TRIM)
    con.execute("CREATE TEMP TABLE _rej (_key BIGINT, field VARCHAR, message VARCHAR, prio INT)")
    targets = {t for spec in TABLES.values() for t in spec.references.values()}
    rejected: list[RejectedRecord] = []
    counts: dict[str, TableCount] = {}
    for name, spec in TABLES.items():
        cols = columns(spec.model)
        defs = ", ".join(f"{_id(c.name)} {c.sql_type}{_not_null(c)}" for c in cols)
        con.execute(f"CREATE TABLE {_id(name)} ({defs})")
        item = staged.get(name)
        if item is None:
            counts[name] = TableCount(0, 0, 0)
            if name in targets:
                con.execute(f"CREATE TEMP TABLE {_id('_gone_' + name)} (id VARCHAR)")
            continue
        check = _TableCheck(con, spec, cols, item)
        rejected.extend(check.run())
        counts[name] = check.count
        if name in targets:
            check.keep_rejected_ids()
        con.execute(f"DROP TABLE {check.p}")
    for name in targets:
        con.execute(f"DROP TABLE {_id('_gone_' + name)}")
    con.execute("DROP TABLE _rej")
    con.execute("DROP MACRO temp._q")
    con.execute("DROP MACRO temp._t")
    return Dataset(con, source=source, rejected=tuple(rejected), counts=counts)


@final
class _TableCheck:
    """The checks of one table, run as queries over its parsed relation ``_p_<table>``."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, spec: TableSpec, cols: tuple[Column, ...], s: Staged
    ) -> None:
        self.con, self.spec, self.cols, self.s = con, spec, cols, s
        self.p = _id(f"_p_{spec.name}")
        self.count = TableCount(0, 0, 0)

    def run(self) -> list[RejectedRecord]:
        """Parse, check and insert; return the rejected rows, one record per failing field."""
        self.con.execute("DELETE FROM _rej")
        self._parse()
        if self.s.pre_rejected:
            self.con.executemany(
                f"INSERT INTO _rej VALUES (?, ?, ?, {_PRE})", list(self.s.pre_rejected)
            )
        self._duplicates()
        self._ordered()
        self._one_of()
        self._references()
        return self._finish()

    def _parse(self) -> None:
        described = self.con.execute(f"DESCRIBE SELECT * FROM {self.s.relation}").fetchall()
        source_types = {str(r[0]): str(r[1]) for r in described}
        problems: list[Problem] = []
        l1, l2, l3, messages = ["_key", "_row"], ["_key", "_row"], ["_key", "_row"], []
        for c in self.cols:
            try:
                raw = _raw(c, source_types.get(c.name))
            except _BadType as exc:
                problems.append(Problem(self.s.file, None, None, "", str(exc)))
                continue
            l1.extend(f"{expr} AS {_id(alias)}" for alias, expr in raw.items())
            l2.append(f"{_id('_r_' + c.name)}")
            l2.append(f"{_parsed(c, native='_n_' + c.name in raw)} AS {_id('_v_' + c.name)}")
            l3.append(f"CAST({_with_default(c)} AS {c.sql_type}) AS {_id(c.name)}")
            message = _message(c)
            if message is not None:
                l3.append(f"CAST({message} AS VARCHAR) AS {_id('_m_' + c.name)}")
                messages.append(_id("_m_" + c.name))
        if problems:
            raise DatasetError(problems)
        self.con.execute(
            f"CREATE TEMP TABLE {self.p} AS SELECT {', '.join(l3)} FROM (SELECT {', '.join(l2)} "
            f"FROM (SELECT {', '.join(l1)} FROM {self.s.relation}))"
        )
        if messages:
            on = ", ".join(messages)
            self.con.execute(
                f"INSERT INTO _rej SELECT _key, substr(name, 4), message, {_ROW} FROM "
                f"(UNPIVOT (SELECT _key, {on} FROM {self.p}) ON {on} INTO NAME name VALUE message)"
            )

    def _duplicates(self) -> None:
        if "id" not in self._names:
            return
        self.con.execute(
            f"INSERT INTO _rej SELECT p._key, 'id', 'duplicate id ' || _q(p.id) || "
            f"' (first at row ' || d.first_row || ')', {_DUP} FROM {self.p} p JOIN "
            f"(SELECT id, min(_key) AS first_key, arg_min(_row, _key) AS first_row FROM {self.p} "
            f"WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1) d "
            f"ON p.id = d.id WHERE p._key <> d.first_key"
        )

    def _ordered(self) -> None:
        for start, end in self.spec.ordered:
            self.con.execute(
                f"INSERT INTO _rej SELECT _key, {_str(end)}, 'expected {end} on or after "
                f"{start} ' || CAST({_id(start)} AS VARCHAR) || ', found ' || "
                f"_q(CAST({_id(end)} AS VARCHAR)), {_PAIR} FROM {self.p} "
                f"WHERE {_id(end)} < {_id(start)}"
            )

    def _one_of(self) -> None:
        names = self.spec.one_of
        if not names:
            return
        if len(names) == 2:
            wanted, none = f"{names[0]} or {names[1]}", "neither"
        else:
            wanted, none = "at least one of " + ", ".join(names), "none"
        where = " AND ".join(f"{_id(n)} IS NULL" for n in names)
        self.con.execute(
            f"INSERT INTO _rej SELECT _key, {_str(names[0])}, "
            f"{_str(f'expected {wanted}, found {none}')}, {_PAIR} FROM {self.p} WHERE {where}"
        )

    def _references(self) -> None:
        own = [(c, t) for c, t in self.spec.references.items() if t == self.spec.name]
        for col, target in self.spec.references.items():
            if target != self.spec.name:
                self._reference(col, target)
        # A row referring to a row of its own table that gets rejected is rejected in turn, so
        # self-references repeat until nothing new fails (the chain of parents is finite).
        while own and sum(self._reference(col, target) for col, target in own):
            pass

    def _reference(self, col: str, target: str) -> int:
        if target == self.spec.name:
            valid = (
                f"SELECT id FROM {self.p} "
                "WHERE id IS NOT NULL AND _key NOT IN (SELECT _key FROM _rej)"
            )
            gone = f"SELECT id FROM {self.p} WHERE _key IN (SELECT _key FROM _rej)"
        else:
            valid = f"SELECT id FROM {_id(target)}"
            gone = f"SELECT id FROM {_id('_gone_' + target)}"
        column = next(c for c in self.cols if c.name == col)
        new = (
            f"NOT EXISTS (SELECT 1 FROM _rej r WHERE r._key = u._key AND r.field = {_str(col)} "
            f"AND r.prio = {_REF})"
        )
        values = (
            f"SELECT _key, unnest({_id(col)}) AS x, generate_subscripts({_id(col)}, 1) AS i "
            f"FROM {self.p}"
            if column.is_list
            else f"SELECT _key, {_id(col)} AS x, 1 AS i FROM {self.p} WHERE {_id(col)} IS NOT NULL"
        )
        return _count(
            self.con,
            f"INSERT INTO _rej SELECT _key, {_str(col)}, 'unknown {target} id' || "
            f"CASE WHEN count(*) > 1 THEN 's ' ELSE ' ' END || string_agg(_q(x) || CASE WHEN x IN "
            f"({gone}) THEN {_str(_GONE)} ELSE '' END, ', ' ORDER BY i), {_REF} "
            f"FROM ({values}) u WHERE x NOT IN ({valid}) AND {new} GROUP BY _key",
        )

    def _finish(self) -> list[RejectedRecord]:
        names = ", ".join(_id(c.name) for c in self.cols)
        used = _count(
            self.con,
            f"INSERT INTO {_id(self.spec.name)} SELECT {names} FROM {self.p} "
            f"WHERE _key NOT IN (SELECT _key FROM _rej) ORDER BY _key",
        )
        read = _count(self.con, f"SELECT count(*) FROM {self.p}")
        self.count = TableCount(read, used, read - used)
        rid = "p.id" if "id" in self._names else "NULL"
        rows = self.con.execute(
            f"SELECT p._row, {rid}, r.field, r.message FROM (SELECT _key, field, "
            f"arg_min(message, prio) AS message FROM _rej GROUP BY _key, field) r "
            f"JOIN {self.p} p USING (_key) ORDER BY p._key, r.field"
        ).fetchall()
        return [
            RejectedRecord(self.s.file, int(r[0]), self.spec.name, r[1], str(r[2]), str(r[3]))
            for r in rows
        ]

    def keep_rejected_ids(self) -> None:
        """Remember the ids of rejected rows, so later references to them say so."""
        self.con.execute(
            f"CREATE TEMP TABLE {_id('_gone_' + self.spec.name)} AS SELECT DISTINCT id "
            f"FROM {self.p} WHERE id IS NOT NULL AND _key IN (SELECT _key FROM _rej) "
            f"AND id NOT IN (SELECT id FROM {_id(self.spec.name)})"
        )

    @property
    def _names(self) -> set[str]:
        return {c.name for c in self.cols}


class _BadType(Exception):
    pass


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall, not fetchone: DuckDB refuses further work while a result is left unread.
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _raw(c: Column, source_type: str | None) -> dict[str, str]:
    """Layer 1: the trimmed text (``_r_``) or list items, and the native value (``_n_``) if any."""
    col, r = _id(c.name), "_r_" + c.name
    if source_type is None:
        return {r: "NULL::VARCHAR[]" if c.is_list else "NULL::VARCHAR"}
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
            raise _BadType(f'column "{c.name}" has type {source_type}; expected text or a list')
        items = f"list_filter({items}, lambda x: x IS NOT NULL)"
        return {r: f"CASE WHEN len({items}) > 0 THEN {items} END"}
    if source_type.endswith("]") or source_type.startswith(("STRUCT", "MAP", "UNION", "BLOB")):
        raise _BadType(f'column "{c.name}" has type {source_type}; expected {c.describe()}')
    numeric = c.kind in ("int", "float") and source_type.startswith("DECIMAL")
    if numeric or source_type in _NATIVE.get(c.kind, ()):
        return {r: f"CAST({col} AS VARCHAR)", "_n_" + c.name: col}
    text = col if source_type == "VARCHAR" else f"CAST({col} AS VARCHAR)"
    return {r: f"_t({text})"}


def _parsed(c: Column, *, native: bool) -> str:
    """Layer 2: the typed value, NULL where missing or not a valid value of the column."""
    r, n = _id("_r_" + c.name), _id("_n_" + c.name)
    if c.is_list:
        if c.kind != "enum":
            return r
        return f"CASE WHEN len(list_filter({r}, lambda x: x NOT IN {_in(c)})) = 0 THEN {r} END"
    if c.kind == "str":
        return r
    if c.kind == "enum":
        return f"CASE WHEN {r} IN {_in(c)} THEN {r} END"
    if c.kind == "int":
        if native:
            return f"CASE WHEN {n} = trunc({n}) THEN TRY_CAST({n} AS BIGINT) END"
        int_rx = "'[+-]?[0-9]+([.]0+)?'"
        return f"CASE WHEN regexp_full_match({r}, {int_rx}) THEN TRY_CAST({r} AS BIGINT) END"
    if c.kind == "float":
        x = f"TRY_CAST({n if native else r} AS DOUBLE)"
        return f"CASE WHEN isfinite({x}) THEN {x} END"
    if c.kind == "bool":
        if native:
            return n
        return (
            f"CASE WHEN lower({r}) IN {_TRUE} THEN TRUE WHEN lower({r}) IN {_FALSE} THEN FALSE END"
        )
    if c.kind == "date":
        if native:
            return n
        return f"CASE WHEN regexp_full_match({r}, {_DATE_RX}) THEN TRY_CAST({r} AS DATE) END"
    if native:
        return f"CAST({n} AS TIMESTAMP)"
    return (
        f"CASE WHEN regexp_full_match({r}, {_DATETIME_RX}) "
        f"THEN TRY_CAST(replace({r}, 'T', ' ') AS TIMESTAMP) END"
    )


def _message(c: Column) -> str | None:
    """Layer 3: why the value is not valid, or NULL; None when no value can fail."""
    r, v = _id("_r_" + c.name), _id("_v_" + c.name)
    missing = _REQUIRED if c.required else "NULL"
    expected = _str(f"expected {c.describe()}, found ")
    if c.is_list:
        if c.kind != "enum":
            return f"CASE WHEN {r} IS NULL THEN {missing} END" if c.required else None
        bad = f"list_transform(list_filter({r}, lambda x: x NOT IN {_in(c)}), lambda x: _q(x))"
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


def _with_default(c: Column) -> str:
    v = _id("_v_" + c.name)
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
        return f"TIMESTAMP {_str(value.isoformat(sep=' '))}"
    if isinstance(value, dt.date):
        return f"DATE {_str(value.isoformat())}"
    return _str(str(value))


def _in(c: Column) -> str:
    return "(" + ", ".join(_str(a) for a in c.allowed) + ")"


def _not_null(c: Column) -> str:
    return "" if c.nullable else " NOT NULL"


def _str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
