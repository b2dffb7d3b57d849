"""One validation path for every input format: staged columns are checked and typed in DuckDB.

A reader stages each table as a relation with ``_key`` (unique, in input order), ``_row`` (the
line or row a person finds the record at) and a column per model field it has, as text or already
typed (Parquet). :func:`build_dataset` checks whole columns with set-based queries and moves valid
rows into the typed table named after the table. Only rejected rows ever become Python objects,
so a table of millions of activities costs a few scans, not millions of model instances.

Most tables have no bad record, so each is first inserted in one pass straight from its input, a
failing row aborting the insert; two set-based checks (no repeated id, no unknown reference)
confirm it. Only a table with a bad record takes the full path, which builds the messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, final

import duckdb

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset import Dataset, RejectedRecord, TableCount
from gridpolicing.io.dataset_schema import Column, columns_in_force
from gridpolicing.model import TABLES, TableSpec
from gridpolicing.model.terms import Vocabulary

__all__ = ["Staged", "build_dataset"]

# The models strip whitespace as str.strip() does, and Chinese text often carries the ideographic
# space. DuckDB's trim() with a character set is slow, so it runs only on values whose first or
# last character may be a space: x < '!' (so '' too, which becomes NULL), or a code point up to
# 32 or in 133..12288, where all the other spaces lie. Ranges, not IN lists: DuckDB compares an
# IN list item by item, or makes it a join over every row (even in a CASE branch few rows reach).
_SPACES: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_TRIM: Final = (
    "CREATE TEMP MACRO _t(x) AS CASE WHEN x < '!' OR ord(x) BETWEEN 133 AND 12288 "
    "OR ord(x[-1]) <= 32 OR ord(x[-1]) BETWEEN 133 AND 12288 "
    f"THEN NULLIF(trim(x, '{_SPACES}'), '') ELSE x END"
)
_REQUIRED: Final = "'a value is required'"
_GONE: Final = " (its record was rejected)"
_DATE_RX: Final = "'[0-9]{4}-[0-9]{2}-[0-9]{2}'"
_DATETIME_RX: Final = (
    "'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?'"
)
# The words pydantic's lax mode takes for booleans, so every format means the same; as one ENUM
# type (a hash lookup), the true words first.
_TRUE: Final = ("true", "t", "yes", "y", "on", "1")
_FALSE: Final = ("false", "f", "no", "n", "off", "0")
_BOOL_WORDS: Final = "ENUM(" + ", ".join(f"'{w}'" for w in _TRUE + _FALSE) + ")"
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
    scan: str | None = None
    """The same columns without ``_key`` and ``_row``, when that is cheaper to read (once)."""
    stage: Callable[[], None] | None = None
    """Creates ``relation``, when it is made only for a table that has rejected records."""


def build_dataset(
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, Staged],
    *,
    source: str,
    vocabulary: Vocabulary | None = None,
) -> Dataset:
    """Check every staged table in catalogue order, fill the typed tables, return the Dataset.

    Enum columns allow the built-in terms, and those ``vocabulary`` (a policy's) adds.

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
        cols = columns_in_force(spec.model, vocabulary)
        con.execute(f"CREATE TABLE {_id(name)} ({_defs(cols)})")
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
        check.drop()
    for name in targets:
        con.execute(f"DROP TABLE {_id('_gone_' + name)}")
    con.execute("DROP TABLE _rej")
    con.execute("DROP MACRO temp._q")
    con.execute("DROP MACRO temp._t")
    return Dataset(con, source=source, rejected=tuple(rejected), counts=counts)


@final
@dataclass(frozen=True, slots=True)
class _Field:
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


@final
class _TableCheck:
    """The checks of one table, run as queries over the staged relation and its parse.

    A clean table (the common case: no row fails a check) goes straight from the staged relation
    into its typed table in one pass, then set-based checks confirm it: no duplicate id, no
    unknown reference. Anything else is redone by the full path, which parses into ``_p_<table>``
    and writes every failing field's message to ``_rej``. Both paths share the value and check
    expressions, so a row is clean exactly when the full path finds nothing wrong with it.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, spec: TableSpec, cols: tuple[Column, ...], s: Staged
    ) -> None:
        self.con, self.spec, self.cols, self.s = con, spec, cols, s
        self.p = _id(f"_p_{spec.name}")
        self.t = _id(spec.name)
        self.count = TableCount(0, 0, 0)
        self.fields: list[_Field] = []
        self.clean = False

    def run(self) -> list[RejectedRecord]:
        """Check and insert; return the rejected rows, one record per failing field."""
        self._plan()
        if not self.s.pre_rejected and self._direct():
            self.clean = True
            return []
        self.con.execute("DELETE FROM _rej")
        self._parse()
        if self.s.pre_rejected:
            self.con.executemany(
                f"INSERT INTO _rej VALUES (?, ?, ?, {_PRE})", list(self.s.pre_rejected)
            )
        self._messages()
        self._duplicates()
        self._ordered()
        self._one_of()
        self._references()
        return self._finish()

    def _plan(self) -> None:
        source = self.s.scan or self.s.relation
        described = self.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        source_types = {str(r[0]): str(r[1]) for r in described}
        problems: list[Problem] = []
        for c in self.cols:
            try:
                self.fields.append(_field(c, source_types.get(c.name)))
            except _BadType as exc:
                problems.append(Problem(self.s.file, None, None, "", str(exc)))
        if problems:
            raise DatasetError(problems)

    def _values(self, where: str = "", *, keys: bool = True) -> str:
        """Layers 1 and 2: ``_key``, ``_row``, the raw aliases and each field's ``_v_`` value.

        With ``where`` (a filter of the staged rows) the text of native values is there too, for
        messages; without, layer 1 holds only what values and checks read. Without ``keys``,
        no ``_key`` or ``_row``: the input is read from ``scan`` if there is one.
        """
        raw = [f.aliases(messages=bool(where)).items() for f in self.fields]
        l1 = ["_key", "_row"] if keys else []
        l1 += [f"{e} AS {_id(a)}" for items in raw for a, e in items]
        source = self.s.relation if keys else self.s.scan or self.s.relation
        l2 = [f"{f.value} AS {_id('_v_' + f.c.name)}" for f in self.fields]
        return f"SELECT *, {', '.join(l2)} FROM (SELECT {', '.join(l1)} FROM {source}{where})"

    def _typed(self, *, keys: bool = True) -> str:
        """Layer 3: ``_key``, ``_row``, the typed columns and ``_bad``: some field has a message."""
        typed = [
            f"CAST({_with_default(f.c)} AS {f.c.sql_type}) AS {_id(f.c.name)}" for f in self.fields
        ]
        fails = [x for x in map(_fails, self.fields) if x is not None]
        bad = " OR ".join(f"({x})" for x in fails) or "FALSE"
        if keys:
            typed = ["_key", "_row", *typed]
        return f"SELECT {', '.join(typed)}, {bad} AS _bad FROM ({self._values(keys=keys)})"

    def _direct(self) -> bool:
        """Insert the table in one pass if it is clean; else leave it empty and say so.

        A failing row raises (a filter would be pushed down, computing every value twice), so
        the insert is undone as a whole and the full path takes over.
        """
        failing = ["_bad"]
        failing += [f"COALESCE({_id(e)} < {_id(s)}, FALSE)" for s, e in self.spec.ordered]
        if self.spec.one_of:
            failing.append("(" + " AND ".join(f"{_id(n)} IS NULL" for n in self.spec.one_of) + ")")
        first, *rest = (_id(c.name) for c in self.cols)
        guarded = f"CASE WHEN {' OR '.join(failing)} THEN error('_reject') ELSE {first} END"
        select = f"SELECT {', '.join([guarded, *rest])} FROM ({self._typed(keys=False)})"
        try:
            used = _count(self.con, f"INSERT INTO {self.t} {select}")
        except duckdb.Error:
            return False  # the full path finds what is wrong, and says it as it always has
        if self._any_duplicate() or self._any_unknown():
            # Emptied by a new table: a DELETE would keep the rows' memory until the end.
            self.con.execute(f"DROP TABLE {self.t}")
            self.con.execute(f"CREATE TABLE {self.t} ({_defs(self.cols)})")
            return False
        self.count = TableCount(used, used, 0)
        return True

    def _any_duplicate(self) -> bool:
        return "id" in self._names and _may_repeat(self.con, self.t, "id")

    def _any_unknown(self) -> bool:
        """Some reference (or list item) names no row of its target table."""
        unknown = []
        for col, target in self.spec.references.items():
            column = next(c for c in self.cols if c.name == col)
            # The targets are typed tables, whose ids are never NULL: NOT IN is an anti-join.
            x = f"unnest({_id(col)})" if column.is_list else _id(col)
            unknown.append(
                f"SELECT count(*) AS n FROM (SELECT {x} AS x FROM {self.t}) "
                f"WHERE x IS NOT NULL AND x NOT IN (SELECT id FROM {_id(target)})"
            )
        return bool(unknown) and any(
            n for (n,) in self.con.execute(" UNION ALL ".join(unknown)).fetchall()
        )

    def _parse(self) -> None:
        if self.s.stage is not None:
            self.s.stage()
        self.con.execute(f"CREATE TEMP TABLE {self.p} AS {self._typed()}")

    def _messages(self) -> None:
        """Write the message of every failing field of the rows ``_bad`` marks, and only those."""
        messages = []
        for f in self.fields:
            message = _message(f.c)
            if message is not None:
                messages.append(f"CAST({message} AS VARCHAR) AS {_id('_m_' + f.c.name)}")
        if (
            not messages
            or not self.con.execute(
                f"SELECT 1 FROM {self.p} WHERE _bad IS NOT FALSE LIMIT 1"
            ).fetchall()
        ):
            return
        where = f" WHERE _key IN (SELECT _key FROM {self.p} WHERE _bad IS NOT FALSE)"
        on = ", ".join(m.rsplit(" AS ", 1)[1] for m in messages)
        self.con.execute(
            f"INSERT INTO _rej SELECT _key, substr(name, 4), message, {_ROW} FROM "
            f"(UNPIVOT (SELECT _key, {', '.join(messages)} FROM ({self._values(where)})) "
            f"ON {on} INTO NAME name VALUE message)"
        )

    def _duplicates(self) -> None:
        if "id" not in self._names:
            return
        self.con.execute(f"CREATE TEMP TABLE _dup_h AS {_repeated_hashes(self.p, 'id')}")
        if _count(self.con, "SELECT count(*) FROM _dup_h"):
            # Only the ids whose hash repeats can repeat: group those, not every id.
            self.con.execute(
                f"INSERT INTO _rej SELECT p._key, 'id', 'duplicate id ' || _q(p.id) || "
                f"' (first at row ' || d.first_row || ')', {_DUP} FROM {self.p} p JOIN "
                f"(SELECT id, min(_key) AS first_key, arg_min(_row, _key) AS first_row "
                f"FROM {self.p} WHERE id IS NOT NULL AND hash(id) IN (SELECT h FROM _dup_h) "
                f"GROUP BY id HAVING count(*) > 1) d ON p.id = d.id WHERE p._key <> d.first_key"
            )
        self.con.execute("DROP TABLE _dup_h")

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
        read = _count(self.con, f"SELECT count(*) FROM {self.p}")
        # _p holds the rows in _key order (staged relations are, and scans keep their order), so
        # a filter keeps it too. _bad now marks the rejected rows: a filter on a column, not an
        # anti-join, lets DuckDB insert in parallel and still in order.
        self.con.execute(
            f"UPDATE {self.p} SET _bad = _key IN (SELECT _key FROM _rej) "
            f"WHERE _bad IS NOT FALSE OR _key IN (SELECT _key FROM _rej)"
        )
        used = _count(self.con, f"INSERT INTO {self.t} SELECT {names} FROM {self.p} WHERE NOT _bad")
        self.count = TableCount(read, used, read - used)
        if used == read:
            return []
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
        gone = _id("_gone_" + self.spec.name)
        if self.clean:
            self.con.execute(f"CREATE TEMP TABLE {gone} (id VARCHAR)")
            return
        self.con.execute(
            f"CREATE TEMP TABLE {gone} AS SELECT DISTINCT id "
            f"FROM {self.p} WHERE id IS NOT NULL AND _key IN (SELECT _key FROM _rej) "
            f"AND id NOT IN (SELECT id FROM {self.t})"
        )

    def drop(self) -> None:
        """Drop the parse of the full path, if it ran."""
        self.con.execute(f"DROP TABLE IF EXISTS {self.p}")

    @property
    def _names(self) -> set[str]:
        return {c.name for c in self.cols}


class _BadType(Exception):
    pass


def _may_repeat(con: duckdb.DuckDBPyConnection, table: str, col: str) -> bool:
    """Whether two non-NULL values of ``col`` may be equal: False proves them all distinct."""
    return _count(con, f"SELECT count(*) FROM ({_repeated_hashes(table, col)})") > 0


def _repeated_hashes(table: str, col: str) -> str:
    """A query of the 64-bit hashes that two or more non-NULL values of ``col`` share.

    Sorting hashes and comparing neighbours costs about half a GROUP BY over the values
    themselves; a collision of hashes (odds about n²/2⁶⁵) only costs an exact look.
    """
    return (
        f"SELECT DISTINCT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS prev FROM "
        f"(SELECT hash({_id(col)}) AS h FROM {table} WHERE {_id(col)} IS NOT NULL)) WHERE h = prev"
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall, not fetchone: DuckDB refuses further work while a result is left unread.
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _field(c: Column, source_type: str | None) -> _Field:
    """How column ``c`` is read from a staged column of ``source_type`` (None: absent)."""
    col, r, n = _id(c.name), "_r_" + c.name, "_n_" + c.name
    given = f"{_id(r)} IS NOT NULL"
    if source_type is None:
        raw = {r: "NULL::VARCHAR[]" if c.is_list else "NULL::VARCHAR"}
        return _Field(c, raw, _parsed(c, None), given)
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
        return _Field(
            c, {r: f"CASE WHEN len({items}) > 0 THEN {items} END"}, _parsed(c, None), given
        )
    if source_type.endswith("]") or source_type.startswith(("STRUCT", "MAP", "UNION", "BLOB")):
        raise _BadType(f'column "{c.name}" has type {source_type}; expected {c.describe()}')
    numeric = c.kind in ("int", "float") and source_type.startswith("DECIMAL")
    if numeric or source_type in _NATIVE.get(c.kind, ()):
        # The text is only for messages: values and checks use the native value.
        raw = {r: f"CAST({col} AS VARCHAR)", n: col}
        return _Field(c, raw, _parsed(c, source_type), f"{_id(n)} IS NOT NULL", n)
    text = col if source_type == "VARCHAR" else f"CAST({col} AS VARCHAR)"
    if c.kind in _UNPADDED and all(a and a == a.strip() for a in c.allowed):
        # A text these kinds accept never starts or ends with a space, so only the texts not
        # accepted as they are need trimming (and a second try): usually none of them.
        s = "_s_" + c.name
        value = f"COALESCE({_parsed(c, None, _id(s))}, {_parsed(c, None, f'_t({_id(s)})')})"
        return _Field(c, {r: f"_t({text})", s: text}, value, f"_t({_id(s)}) IS NOT NULL", s)
    return _Field(c, {r: f"_t({text})"}, _parsed(c, None), given)


def _parsed(c: Column, native: str | None, text: str | None = None) -> str:
    """Layer 2: the typed value, NULL where missing or not a valid value of the column.

    ``native`` is the source type when the value is read natively (``_n_``), else None: the
    value is read from ``text``, by default the trimmed text ``_r_``.
    """
    r, n = text or _id("_r_" + c.name), _id("_n_" + c.name)
    if c.is_list:
        if c.kind != "enum":
            return r
        return f"CASE WHEN len(list_filter({r}, lambda x: x NOT IN {_in(c)})) = 0 THEN {r} END"
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
        return f"CASE WHEN regexp_full_match({r}, {int_rx}) THEN TRY_CAST({r} AS BIGINT) END"
    if c.kind == "float":
        x = f"TRY_CAST({n if native else r} AS DOUBLE)"
        return f"CASE WHEN isfinite({x}) THEN {x} END"
    if c.kind == "bool":
        if native:
            return n
        return f"enum_code(TRY_CAST(lower({r}) AS {_BOOL_WORDS})) < {len(_TRUE)}"
    if c.kind == "date":
        if native:
            return n
        return f"CASE WHEN regexp_full_match({r}, {_DATE_RX}) THEN TRY_CAST({r} AS DATE) END"
    if native == "TIMESTAMP":
        return n
    if native:
        return f"CAST({n} AS TIMESTAMP)"
    return f"CASE WHEN regexp_full_match({r}, {_DATETIME_RX}) THEN TRY_CAST({r} AS TIMESTAMP) END"


def _fails(f: _Field) -> str | None:
    """Over layers 1 and 2: the field's message (see :func:`_message`) is not NULL.

    It tests the typed value, not the text: a missing text gives a NULL value, so only an
    optional field's NULL value needs to know whether a text was given at all.
    """
    c, v = f.c, _id("_v_" + f.c.name)
    ok = None if c.is_list else _bounds(c, v)
    if ok is None and (c.kind == "str" or (c.is_list and c.kind != "enum")):
        return f"{v} IS NULL" if c.required else None
    if c.required:
        return f"{v} IS NULL" if ok is None else f"{v} IS NULL OR NOT ({ok})"
    return (
        f"CASE WHEN {v} IS NULL THEN {f.given} ELSE {'FALSE' if ok is None else f'NOT ({ok})'} END"
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


def _member(c: Column, x: str) -> str:
    """``x`` if it is one of the allowed values of enum column ``c``, else NULL.

    A cast to an ENUM type: one hash lookup (once per distinct value of a dictionary-encoded
    Parquet column), where ``x IN (...)`` compares with every allowed value in turn.
    """
    return f"TRY_CAST(TRY_CAST({x} AS ENUM{_in(c)}) AS VARCHAR)"


def _in(c: Column) -> str:
    return "(" + ", ".join(_str(a) for a in c.allowed) + ")"


def _defs(cols: tuple[Column, ...]) -> str:
    """The column definitions of a typed table."""
    return ", ".join(f"{_id(c.name)} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in cols)


def _str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
