"""One validation path for every input format: staged columns are checked and typed in DuckDB.

A reader stages each table as a relation with ``_key`` (unique, in input order), ``_row`` (the
line or row a person finds the record at) and a column per model field it has, as text or already
typed (Parquet). :func:`build_dataset` checks whole columns with set-based queries and moves valid
rows into the typed table named after the table. Only rejected rows ever become Python objects,
so a table of millions of activities costs a few scans, not millions of model instances.

Most tables have no bad record, so each is first inserted in one pass straight from its input, a
failing row aborting the insert; two set-based checks (no repeated id, no unknown reference)
confirm it. Only a table with a bad record takes the full path, which builds the messages. The
expressions of each column (typed value, failure, message) are in :mod:`.expressions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, final

import duckdb

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset import Dataset, RejectedRecord, TableCount
from gridpolicing.io.dataset_schema import (
    ATTRIBUTE_PREFIX,
    DEFAULT_MAX_ACTIVITY_HOURS,
    Column,
    columns_in_force,
    refused_attribute,
    takes_attributes,
)
from gridpolicing.io.expressions import TRIM as _TRIM
from gridpolicing.io.expressions import BadType as _BadType
from gridpolicing.io.expressions import Field as _Field
from gridpolicing.io.expressions import defs as _defs
from gridpolicing.io.expressions import fails as _fails
from gridpolicing.io.expressions import field_of as _field
from gridpolicing.io.expressions import message as _message
from gridpolicing.io.expressions import sql_id as _id
from gridpolicing.io.expressions import sql_str as _str
from gridpolicing.io.expressions import windowed as _windowed
from gridpolicing.model import TABLES, TableSpec
from gridpolicing.model.terms import Vocabulary

__all__ = ["INPUT_ERRORS", "PART_KEY", "Staged", "build_dataset"]

_GONE: Final = " (its record was rejected)"
# DuckDB errors that come from the input (a value it cannot read), not from a query of ours.
INPUT_ERRORS: Final = (
    duckdb.ConversionException,
    duckdb.InvalidInputException,
    duckdb.OutOfRangeException,
    duckdb.IOException,
)
# Which check wins when several fail on one field: what the reader saw, then the value itself,
# then checks across rows.
_PRE, _ROW, _DUP, _PAIR, _REF = 0, 1, 2, 3, 4
PART_KEY: Final = 2**40
"""A table read from several files keys a record ``file index * PART_KEY + row in the file``."""


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
    broken: tuple[tuple[int, str, str], ...] = ()
    """``(_key, field, message)`` of records that could not be split into fields (a CSV line with
    too many or too few): staged without values, and reported with this message only."""
    indexed: bool = False
    """Several records start on one line (minified JSON): messages name each record's index."""
    files: tuple[str, ...] = ()
    """The files the table was read from, when each record's ``_key // PART_KEY`` indexes the
    one it is in (its ``_row`` is the row in that file); else every record is in ``file``."""
    part_names: tuple[str, ...] = ()
    """``files`` as messages name them: relative to the dataset's root (as reports name files)."""
    letters: tuple[tuple[str, str], ...] = ()
    """(field, column letter) of a sheet: a rejected field's message names its cells' column."""

    def file_of(self, key: int) -> str:
        """The file holding the record ``key``."""
        return self.files[key // PART_KEY] if self.files else self.file


def build_dataset(
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, Staged],
    *,
    source: str,
    vocabulary: Vocabulary | None = None,
    max_activity_hours: float = DEFAULT_MAX_ACTIVITY_HOURS,
) -> Dataset:
    """Check every staged table in catalogue order, fill the typed tables, return the Dataset.

    Enum columns allow the built-in terms, and those ``vocabulary`` (a policy's) adds.

    Raises :class:`DatasetError` only for whole-file defects (a column of an unusable type, a
    value DuckDB cannot read at all); bad rows become :class:`RejectedRecord` entries and never
    reach the typed tables. A record whose times (start and end) span more than
    ``max_activity_hours`` is rejected: one typo'd end must not credit years of work.
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
        check = _TableCheck(
            con, spec, cols, item, round(max_activity_hours * 3_600_000_000), vocabulary
        )
        try:
            rejected.extend(check.run())
        except INPUT_ERRORS as exc:
            message = f"cannot read the file: {_first_line(exc)}"
            raise DatasetError([Problem(item.file, None, None, "", message)]) from None
        counts[name] = check.count
        if name in targets:
            check.keep_rejected_ids()
        check.drop()
    for name in targets:
        con.execute(f"DROP TABLE {_id('_gone_' + name)}")
    con.execute("DROP TABLE _rej")
    con.execute("DROP MACRO temp._q")
    con.execute("DROP MACRO temp._t")
    return Dataset(
        con, source=source, rejected=tuple(rejected), counts=counts, vocabulary=vocabulary
    )


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
        self,
        con: duckdb.DuckDBPyConnection,
        spec: TableSpec,
        cols: tuple[Column, ...],
        s: Staged,
        max_us: int,
        vocabulary: Vocabulary | None,
    ) -> None:
        self.con, self.spec, self.cols, self.s = con, spec, cols, s
        self.vocabulary = vocabulary
        self.kept = cols
        """The columns of the typed table (``cols`` also holds refused attributes, see _plan)."""
        kinds = {c.name: c.kind for c in cols}
        # Pairs of times (not dates: a task may span weeks) whose span is bounded by max_us.
        self.spans = [(a, b) for a, b in spec.ordered if kinds[a] == kinds[b] == "datetime"]
        self.max_us = max_us
        self.p = _id(f"_p_{spec.name}")
        self.t = _id(spec.name)
        self.count = TableCount(0, 0, 0)
        self.fields: list[_Field] = []
        self.clean = False

    def run(self) -> list[RejectedRecord]:
        """Check and insert; return the rejected rows, one record per failing field."""
        self._plan()
        if not self.s.pre_rejected and not self.s.broken and self._direct():
            self.clean = True
            return []
        self.con.execute("DELETE FROM _rej")
        self._parse()
        pre = [*self.s.pre_rejected, *self.s.broken]
        if pre:
            self.con.executemany(f"INSERT INTO _rej VALUES (?, ?, ?, {_PRE})", pre)
        self._messages()
        self._duplicates()
        self._ordered()
        self._too_long()
        self._one_of()
        self._references()
        if self.s.broken:
            # A broken record has no values, so "a value is required" on each field is noise.
            self.con.executemany(
                f"DELETE FROM _rej WHERE _key = ? AND prio <> {_PRE}",
                [(k,) for k in {b[0] for b in self.s.broken}],
            )
        return self._finish()

    def _plan(self) -> None:
        source = self.s.scan or self.s.relation
        described = self.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        source_types = {str(r[0]): str(r[1]) for r in described}
        if takes_attributes(self.spec.model):
            # An attribute no vocabulary declares: each record giving it a value is rejected.
            known = {c.name for c in self.cols}
            undeclared = sorted(
                n for n in source_types if n.startswith(ATTRIBUTE_PREFIX) and n not in known
            )
            self.cols += tuple(
                refused_attribute(self.spec.model, self.vocabulary, n) for n in undeclared
            )
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
            f"CAST({_windowed(f.c)} AS {f.c.sql_type}) AS {_id(f.c.name)}"
            for f in self.fields
            if f.c.refused is None
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
        failing += [f"COALESCE({self._span_over(s, e)}, FALSE)" for s, e in self.spans]
        if self.spec.one_of:
            failing.append("(" + " AND ".join(f"{_id(n)} IS NULL" for n in self.spec.one_of) + ")")
        # A reference to another (typed, already built) table is checked in the same pass: its
        # ids are never NULL, so NOT IN is an anti-join and NULL only for a NULL reference.
        failing += [
            f"COALESCE({_id(col)} NOT IN (SELECT id FROM {_id(target)}), FALSE)"
            for col, target in self._in_pass_references
        ]
        first, *rest = (_id(c.name) for c in self.kept)
        guarded = f"CASE WHEN {' OR '.join(failing)} THEN error('_reject') ELSE {first} END"
        select = f"SELECT {', '.join([guarded, *rest])} FROM ({self._typed(keys=False)})"
        try:
            used = _count(self.con, f"INSERT INTO {self.t} {select}")
        except duckdb.Error:
            return False  # the full path finds what is wrong, and says it as it always has
        if self._any_duplicate() or self._any_unknown():
            # Emptied by a new table: a DELETE would keep the rows' memory until the end.
            self.con.execute(f"DROP TABLE {self.t}")
            self.con.execute(f"CREATE TABLE {self.t} ({_defs(self.kept)})")
            return False
        self.count = TableCount(used, used, 0)
        return True

    def _any_duplicate(self) -> bool:
        return "id" in self._names and _may_repeat(self.con, self.t, "id")

    @property
    def _in_pass_references(self) -> list[tuple[str, str]]:
        """The references the direct insert checks itself: single values naming another table
        (a list is unnested, and a table's own ids are not all there until it is built)."""
        lists = {c.name for c in self.cols if c.is_list}
        return [
            (col, target)
            for col, target in self.spec.references.items()
            if target != self.spec.name and col not in lists
        ]

    def _any_unknown(self) -> bool:
        """Some reference (or list item) the direct insert did not check names no row of its
        target table."""
        unknown = []
        checked = set(self._in_pass_references)
        for col, target in self.spec.references.items():
            if (col, target) in checked:
                continue
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
            first = "' (first at row ' || d.first_row || ')'"
            if len(self.s.files) > 1:
                # Rows number each part on its own: the first's part is named too.
                self.con.execute("CREATE TEMP TABLE _parts (i BIGINT, name VARCHAR)")
                self.con.executemany(
                    "INSERT INTO _parts VALUES (?, ?)", list(enumerate(self.s.part_names))
                )
                first = (
                    "' (first at ' || (SELECT name FROM _parts WHERE i = d.first_key // "
                    f"{PART_KEY}) || ' row ' || d.first_row || ')'"
                )
            self.con.execute(
                f"INSERT INTO _rej SELECT p._key, 'id', 'duplicate id ' || _q(p.id) || "
                f"{first}, {_DUP} FROM {self.p} p JOIN "
                f"(SELECT id, min(_key) AS first_key, arg_min(_row, _key) AS first_row "
                f"FROM {self.p} WHERE id IS NOT NULL AND hash(id) IN (SELECT h FROM _dup_h) "
                f"GROUP BY id HAVING count(*) > 1) d ON p.id = d.id WHERE p._key <> d.first_key"
            )
        self.con.execute("DROP TABLE _dup_h")
        self.con.execute("DROP TABLE IF EXISTS _parts")

    def _ordered(self) -> None:
        for start, end in self.spec.ordered:
            self.con.execute(
                f"INSERT INTO _rej SELECT _key, {_str(end)}, 'expected {end} on or after "
                f"{start} ' || CAST({_id(start)} AS VARCHAR) || ', found ' || "
                f"_q(CAST({_id(end)} AS VARCHAR)), {_PAIR} FROM {self.p} "
                f"WHERE {_id(end)} < {_id(start)}"
            )

    def _span_over(self, start: str, end: str) -> str:
        # In HUGEINT: two far-apart times (rejected anyway) must not overflow a BIGINT.
        return f"epoch_us({_id(end)})::HUGEINT - epoch_us({_id(start)}) > {self.max_us}"

    def _too_long(self) -> None:
        bound = _str(f"), more than the {_hours(self.max_us)} hours one record may last")
        for start, end in self.spans:
            s, e = _id(start), _id(end)
            self.con.execute(
                f"INSERT INTO _rej SELECT _key, {_str(end)}, 'lasts ' || "
                f"CAST({e} - {s} AS VARCHAR) || ' (from {start} ' || CAST({s} AS VARCHAR) || "
                f"' to {end} ' || CAST({e} AS VARCHAR) || {bound}, {_PAIR} FROM {self.p} "
                f"WHERE {self._span_over(start, end)}"
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
        names = ", ".join(_id(c.name) for c in self.kept)
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
            f"SELECT p._row, {rid}, r.field, r.message, p._key FROM (SELECT _key, field, "
            f"arg_min(message, prio) AS message FROM _rej GROUP BY _key, field) r "
            f"JOIN {self.p} p USING (_key) ORDER BY p._key, r.field"
        ).fetchall()
        # Where records share a line, the line alone does not find one: name it by its index.
        at = f" (at {self.spec.name}[{{}}])" if self.s.indexed else ""
        letters = dict(self.s.letters)
        return [
            RejectedRecord(
                self.s.file_of(int(r[4])),
                int(r[0]),
                self.spec.name,
                r[1],
                str(r[2]),
                str(r[3]) + at.format(r[4]) + _column(letters.get(str(r[2]))),
            )
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


def _column(letter: str | None) -> str:
    """The end of a sheet's message: the column of the field's cells."""
    return f" (column {letter})" if letter else ""


def _hours(us: int) -> str:
    hours = us / 3_600_000_000
    return str(int(hours)) if hours.is_integer() else f"{hours:g}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall, not fetchone: DuckDB refuses further work while a result is left unread.
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0
