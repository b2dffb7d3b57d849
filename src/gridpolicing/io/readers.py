"""Read a dataset: one YAML or JSON file, or a directory of tables, plain or partitioned.

A directory gives each table as ``<table>.csv``, ``<table>.parquet`` or ``<table>/`` of Parquet
parts, or holds ``key=value/`` partitions of such directories (:mod:`.layout` finds the files).

Every format is staged into DuckDB as raw columns plus the line or row each record came from,
then checked by the one validation path in :mod:`gridpolicing.io.validate`. Defects of a whole
file (unreadable, malformed, an unknown table or column) raise :class:`DatasetError`; records
that fail a check are left out and listed in :attr:`Dataset.rejected`.
"""

from __future__ import annotations

import csv
import os
import re
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow as pa

from gridpolicing.errors import DatasetError, Problem, UsageError
from gridpolicing.io.dataset import Dataset, relative_to
from gridpolicing.io.dataset_schema import (
    ATTRIBUTE_PREFIX,
    DEFAULT_MAX_ACTIVITY_HOURS,
    DEFAULT_TIMEZONE,
    MAX_ACTIVITY_HOURS,
    columns,
    takes_attributes,
)
from gridpolicing.io.documents import DocRecord, error, quote, read_document
from gridpolicing.io.layout import TableSource, table_sources
from gridpolicing.io.validate import PART_KEY, Staged, build_dataset
from gridpolicing.model import TABLES
from gridpolicing.model.terms import Vocabulary

__all__ = ["load_dataset"]

_DOCUMENT_SUFFIXES: Final = (".yaml", ".yml", ".json")
# DuckDB's names for a CSV line whose fields do not match the header: that line is rejected.
_RAGGED: Final = frozenset({"MISSING COLUMNS", "TOO MANY COLUMNS"})


def load_dataset(
    path: str | os.PathLike[str] | Mapping[str, Any],
    *,
    label: str | None = None,
    vocabulary: Vocabulary | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    max_activity_hours: float = DEFAULT_MAX_ACTIVITY_HOURS,
) -> Dataset:
    """Load and validate a dataset from a YAML/JSON file or a directory of CSV/Parquet files,
    or from tables in memory: a mapping of table name to a pyarrow Table, a pandas or polars
    DataFrame, or a DuckDB relation (rejected records name ``<label>/<table>`` and their row,
    1 for the first; ``label`` defaults to ``tables``).

    ``label`` names the dataset in reports (default: the file or folder name). ``vocabulary`` (a
    policy's ``policy.vocabulary``) lets records name the terms the policy adds; without it only
    the built-in terms are allowed. ``timezone`` is
    the jurisdiction's (an IANA name): Parquet times with a zone are converted to its local
    time, whatever the process's ``TZ``. An activity lasting more than ``max_activity_hours`` is
    rejected. Raises :class:`DatasetError` when the input cannot be read as a dataset at all,
    :class:`UsageError` for an empty label, an unknown zone or a bound that is not a positive
    number up to :data:`MAX_ACTIVITY_HOURS`; records that fail validation are not used and are
    listed in the Dataset's ``rejected``.
    """
    if label is not None and not label.strip():
        raise UsageError("a dataset label must not be empty")
    number = isinstance(max_activity_hours, int | float) and not isinstance(
        max_activity_hours, bool
    )
    if not (number and 0 < max_activity_hours <= MAX_ACTIVITY_HOURS):
        given = repr(max_activity_hours)
        raise UsageError(
            f"max_activity_hours must be a positive number up to {MAX_ACTIVITY_HOURS:,.0f}, "
            f"not {given}"
        )
    if isinstance(path, Mapping):
        return _load(label or "tables", None, path, label, vocabulary, timezone, max_activity_hours)
    file = os.fspath(path)
    p = Path(file)
    if not p.exists():
        raise error(file, "no such file or directory")
    if not p.is_dir() and p.suffix.lower() not in _DOCUMENT_SUFFIXES:
        raise error(
            file,
            "unsupported file type; expected a .yaml, .yml or .json file, "
            "or a directory of <table>.csv or <table>.parquet files",
        )
    return _load(file, p, None, label, vocabulary, timezone, max_activity_hours)


def _load(
    file: str,
    p: Path | None,
    tables: Mapping[str, Any] | None,
    label: str | None,
    vocabulary: Vocabulary | None,
    timezone: str,
    max_activity_hours: float,
) -> Dataset:
    """Stage the files at ``p`` (or the in-memory ``tables``) and validate them."""
    con = duckdb.connect(":memory:")
    try:
        # A library must not draw progress bars on its caller's terminal.
        con.execute("SET enable_progress_bar = false")
        _set_timezone(con, timezone)
        stager = _Stager(con, file)
        if p is None:
            staged = stager.tables(tables or {})
        else:
            staged = stager.directory(p) if p.is_dir() else stager.document(p)
        dataset = build_dataset(
            con,
            staged,
            source=file,
            vocabulary=vocabulary,
            max_activity_hours=max_activity_hours,
        )
        if label is not None:
            dataset.label = label
        stager.drop()
    except BaseException:
        con.close()
        raise
    return dataset


def _set_timezone(con: duckdb.DuckDBPyConnection, timezone: str) -> None:
    """Make zoned times local to ``timezone``: DuckDB's default is the process's ``TZ``."""
    known = con.execute(
        "SELECT name FROM pg_timezone_names() WHERE name = ?", [timezone]
    ).fetchall()
    if not known:
        expected = "expected an IANA name like Asia/Shanghai"
        raise UsageError(f"unknown time zone {timezone!r}; {expected}")
    con.execute(f"SET TimeZone = {_sql_str(timezone)}")


# --- staging -------------------------------------------------------------------------------


class _Stager:
    """Puts each source into a DuckDB relation ``_key, _row, <fields>``; drops them after."""

    def __init__(self, con: duckdb.DuckDBPyConnection, root: str) -> None:
        self.con = con
        self.root = root
        """The dataset as the caller named it: messages name files relative to it."""
        self.created: list[str] = []

    def drop(self) -> None:
        """Drop the staging relations, newest first (views before the tables they read)."""
        for what in reversed(self.created):
            self.con.execute(f"DROP {what}")

    def document(self, path: Path) -> dict[str, Staged]:
        """Stage every table of a YAML or JSON file."""
        file = str(path)
        return {t: self._records(t, file, recs) for t, recs in read_document(path).items()}

    def tables(self, tables: Mapping[str, Any]) -> dict[str, Staged]:
        """Stage tables given in memory (Arrow, pandas, polars, DuckDB relations)."""
        problems: list[Problem] = []
        staged = {}
        for table, given in tables.items():
            where = f"{self.root}/{table}"
            if table not in TABLES:
                known = ", ".join(TABLES)
                problems.append(
                    Problem(
                        where, None, None, "", f"unknown table {quote(table)}; expected {known}"
                    )
                )
                continue
            try:
                arrow = _as_arrow(given, where)
                _check_columns(where, None, table, list(arrow.column_names))
            except DatasetError as exc:
                problems.extend(exc.problems)
                continue
            n = arrow.num_rows
            arrow = arrow.add_column(0, "_row", pa.array(range(1, n + 1), pa.int64()))
            arrow = arrow.add_column(0, "_key", pa.array(range(n), pa.int64()))
            name = f"_stage_{table}"
            self.con.register("_arrow_stage", arrow)
            self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _arrow_stage")
            self.con.unregister("_arrow_stage")
            self.created.append(f"TABLE {name}")
            staged[table] = Staged(table, where, name)
        if problems:
            raise DatasetError(problems)
        return staged

    def _records(self, table: str, file: str, records: list[DocRecord]) -> Staged:
        data: dict[str, pa.Array] = {
            "_key": pa.array(range(len(records)), pa.int64()),
            "_row": pa.array([r.line for r in records], pa.int64()),
        }
        for c in columns(TABLES[table].model):
            if any(c.name in r.values for r in records):
                kind = pa.list_(pa.string()) if c.is_list else pa.string()
                data[c.name] = pa.array([r.values.get(c.name) for r in records], kind)
        # Attributes as given (validation checks them against the declared ones), in name order.
        attributes = sorted(
            {k for r in records for k in r.values if k.startswith(ATTRIBUTE_PREFIX)}
        )
        for name in attributes:
            data[name] = pa.array([r.values.get(name) for r in records], pa.string())
        name = f"_stage_{table}"
        self.con.register("_arrow_stage", pa.table(data))
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _arrow_stage")
        self.con.unregister("_arrow_stage")
        self.created.append(f"TABLE {name}")
        pre = tuple((i, f, m) for i, r in enumerate(records) for f, m in r.problems)
        indexed = len({r.line for r in records}) < len(records)
        return Staged(table, file, name, pre, indexed=indexed)

    def directory(self, path: Path) -> dict[str, Staged]:
        """Stage each table of a directory, plain or partitioned (see :mod:`.layout`)."""
        staged = {}
        problems: list[Problem] = []
        for table, source in table_sources(path).items():
            try:
                item = (
                    self._csv(table, Path(source.files[0]))
                    if source.csv
                    else self._parquet(table, source)
                )
            except DatasetError as exc:
                problems.extend(exc.problems)
                continue
            if item is not None:
                staged[table] = item
        if problems:
            raise DatasetError(problems)
        return staged

    def _parquet(self, table: str, source: TableSource) -> Staged | None:
        """A view over the table's Parquet files; None for a directory without parts."""
        files = source.files
        if not files:
            return None
        listing = "[" + ", ".join(map(_sql_str, files)) + "]"
        # Parts may differ in which optional columns they hold: matched by name, absent is NULL.
        union = ", union_by_name = true" if len(files) > 1 else ""
        # Folder names are not data: a key=value folder (a partition, a Hive year=) adds no
        # column, whatever DuckDB would guess from the paths.
        scan = f"read_parquet({listing}, file_row_number = true, hive_partitioning = false{union})"
        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        except duckdb.Error as exc:
            raise self._unreadable(source, exc) from None
        names = [str(r[0]) for r in described if r[0] != "file_row_number"]
        try:
            _check_columns(source.label, None, table, names)
        except DatasetError:
            if len(files) == 1:
                raise
            # Name the parts that hold the unknown columns, not the union of them all.
            self._check_parts(table, files)
            raise
        name = f"_stage_{table}"
        # A view, not a copy: validation scans it once, and the activity table may be huge.
        # _key tells the part (file_index, see Staged.files) and the row in it apart.
        self.con.execute(
            f"CREATE TEMP VIEW {name} AS SELECT CAST(file_index AS BIGINT) * {PART_KEY} + "
            "file_row_number AS _key, file_row_number + 1 AS _row, * EXCLUDE (file_row_number) "
            f"FROM {scan}"
        )
        self.created.append(f"VIEW {name}")
        part_names = tuple(relative_to(f, self.root) for f in files)
        return Staged(table, source.label, name, files=files, part_names=part_names)

    def _check_parts(self, table: str, files: tuple[str, ...]) -> None:
        problems: list[Problem] = []
        for file in files:
            described = self.con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)", [file]
            ).fetchall()
            try:
                _check_columns(file, None, table, [str(r[0]) for r in described])
            except DatasetError as exc:
                problems.extend(exc.problems)
        if problems:
            raise DatasetError(problems)

    def _unreadable(self, source: TableSource, exc: duckdb.Error) -> DatasetError:
        """The error of a table some file of which DuckDB cannot read: naming that file."""
        for file in source.files if len(source.files) > 1 else ():
            try:
                self.con.execute(
                    "DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)", [file]
                ).fetchall()
            except duckdb.Error as part:
                return error(file, f"cannot read the Parquet file: {_first_line(part)}")
        return error(source.label, f"cannot read the Parquet file: {_first_line(exc)}")

    def _csv(self, table: str, path: Path) -> Staged | None:
        file = str(path)
        header = _csv_header(path, file)
        if header is None:
            return None
        _check_columns(file, 1, table, header)
        struct = "{" + ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header) + "}"
        # A fixed dialect, not DuckDB's sniffer: its guesses turn a bad row into a vague error.
        source = (
            f"read_csv({_sql_str(file)}, header = true, auto_detect = false, columns = {struct}, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, encoding = 'utf-8')"
        )
        # Counting every column reads every value, so a malformed file (or one that is not UTF-8)
        # fails here, as a copy of it would; count(*) alone would skip checking the values.
        every = ", ".join(f"count({_sql_id(h)})" for h in header)
        try:
            count = self.con.execute(f"SELECT count(*), {every} FROM {source}").fetchall()[0][0]
        except duckdb.Error as exc:
            # Lines with too many or too few fields reject only themselves (the slow path);
            # anything else wrong with the file is still the file's error.
            self._check_only_ragged(file, source[:-1], exc)
            return self._ragged_csv(table, path, header, source[:-1])
        lines = _record_lines(path, int(count), len(header))
        scan = f"_scan_{table}"
        self.con.execute(f"CREATE TEMP VIEW {scan} AS SELECT * FROM {source}")
        self.created.append(f"VIEW {scan}")
        name = f"_stage_{table}"

        def stage() -> None:
            # Only for a table with rejected records: a copy, to number its records.
            raw = f"_raw_{table}"
            try:
                self.con.execute(f"CREATE TEMP TABLE {raw} AS SELECT * FROM {scan}")
            except duckdb.Error as exc:  # the file changed since it was counted
                raise _csv_error(file, exc) from None
            self.created.append(f"TABLE {raw}")
            if lines is None:
                select = f"SELECT rowid AS _key, rowid + 2 AS _row, * FROM {raw}"
            else:
                self.con.register("_arrow_lines", pa.table({"line": pa.array(lines, pa.int64())}))
                self.con.execute(
                    f"CREATE TEMP TABLE {raw}_at AS SELECT l.line AS _row, r.* "
                    f"FROM {raw} r POSITIONAL JOIN _arrow_lines l"
                )
                self.con.unregister("_arrow_lines")
                self.created.append(f"TABLE {raw}_at")
                select = f"SELECT rowid AS _key, * FROM {raw}_at"
            self.con.execute(f"CREATE TEMP VIEW {name} AS {select}")
            self.created.append(f"VIEW {name}")

        # A clean table is read from the file once more, never copied: see Staged.scan.
        return Staged(table, file, name, scan=scan, stage=stage)

    def _check_only_ragged(self, file: str, source: str, exc: duckdb.Error) -> None:
        """Return if every defect of the CSV file is a line of the wrong width; else raise.

        ``source`` is the strict ``read_csv(...`` call without its closing parenthesis.
        """
        try:
            self.con.execute(
                f"SELECT count(*) FROM {source}, ignore_errors = true, store_rejects = true, "
                "rejects_table = '_csv_rejects', rejects_scan = '_csv_scans')"
            ).fetchall()
            found = self.con.execute(
                "SELECT line, error_type, error_message FROM _csv_rejects ORDER BY line"
            ).fetchall()
        except duckdb.Error:
            raise _csv_error(file, exc) from None
        finally:
            self.con.execute("DROP TABLE IF EXISTS _csv_rejects")
            self.con.execute("DROP TABLE IF EXISTS _csv_scans")
        other = [(line, why) for line, kind, why in found if str(kind) not in _RAGGED]
        if other or not found:
            if not other:
                raise _csv_error(file, exc) from None
            line, why = other[0]
            first = (str(why).strip().splitlines() or ["unreadable"])[0]
            raise error(file, f"malformed CSV: {first}", int(line)) from None

    def _ragged_csv(self, table: str, path: Path, header: list[str], source: str) -> Staged:
        """Stage a CSV file some lines of which have the wrong number of fields.

        Python's csv module finds where each record starts and which are ragged (it is only
        counting); DuckDB reads the others, skipping the ragged lines, as fast as ever. Each
        ragged line becomes a record without values, rejected at its line.
        """
        file, n = str(path), len(header)
        keys, lines = array("q"), array("q")  # of the records DuckDB reads
        broken: list[tuple[int, str, str]] = []
        broken_lines: list[int] = []
        line = None
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                reader = csv.reader(f, strict=True)
                next(reader)
                previous = reader.line_num
                line = previous + 1  # where the next record starts: where a csv.Error is
                for rec in reader:
                    start, previous = previous + 1, reader.line_num
                    line = previous + 1
                    if not rec and n > 1:
                        continue  # an empty line is no record, as DuckDB reads it
                    key = len(keys) + len(broken)
                    if len(rec or [""]) == n:
                        keys.append(key)
                        lines.append(start)
                    else:
                        broken.append((key, *_ragged(header, rec or [""])))
                        broken_lines.append(start)
        except (csv.Error, UnicodeDecodeError, OSError) as exc:
            raise error(file, f"malformed CSV: {exc}", line) from None
        raw, name = f"_raw_{table}", f"_stage_{table}"
        try:
            self.con.execute(
                f"CREATE TEMP TABLE {raw} AS SELECT * FROM {source}, ignore_errors = true)"
            )
        except duckdb.Error as exc:  # the file changed since it was checked
            raise _csv_error(file, exc) from None
        self.created.append(f"TABLE {raw}")
        [(read,)] = self.con.execute(f"SELECT count(*) FROM {raw}").fetchall()
        if read != len(keys):
            # DuckDB and Python disagree on which lines are records: refuse rather than guess.
            raise error(file, "malformed CSV: its lines of the wrong width cannot be told apart")
        self.con.register("_arrow_good", pa.table({"_key": keys, "_row": lines}))
        self.con.register(
            "_arrow_broken",
            pa.table(
                {
                    "_key": pa.array([b[0] for b in broken], pa.int64()),
                    "_row": pa.array(broken_lines, pa.int64()),
                }
            ),
        )
        # In _key order, as validation expects of a staged relation.
        self.con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT * FROM (SELECT g._key, g._row, r.* FROM {raw} r "
            "POSITIONAL JOIN _arrow_good g UNION ALL BY NAME SELECT * FROM _arrow_broken) "
            "ORDER BY _key"
        )
        self.con.unregister("_arrow_good")
        self.con.unregister("_arrow_broken")
        self.created.append(f"TABLE {name}")
        return Staged(table, file, name, broken=tuple(broken))


def _as_arrow(given: object, where: str) -> pa.Table:
    """A table given in memory as an Arrow table (without copying an Arrow one)."""
    if isinstance(given, pa.Table):
        return given
    if isinstance(given, pa.RecordBatch):
        return pa.Table.from_batches([given])
    if isinstance(given, duckdb.DuckDBPyRelation):
        table: pa.Table = given.to_arrow_table()
        return table
    module = type(given).__module__.split(".")[0]
    try:
        if module == "pandas":
            return pa.Table.from_pandas(given, preserve_index=False)
        if module == "polars":
            converted: pa.Table = given.to_arrow()  # type: ignore[attr-defined]
            return converted
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise error(where, f"cannot read the table as Arrow: {_first_line(exc)}") from None
    raise error(
        where,
        f"expected a pyarrow Table, a pandas or polars DataFrame or a DuckDB relation, "
        f"not {type(given).__name__}",
    )


def _ragged(header: list[str], row: list[str]) -> tuple[str, str]:
    """(field, message) of a CSV line whose number of fields is not the header's."""
    n = len(header)
    if len(row) > n:
        return header[-1], f"expected {n} fields as in the header, found {len(row)}"
    if len(row) == 1 and not row[0].strip():
        return header[0], f"the line is blank; expected {n} fields as in the header"
    return header[len(row)], (
        f"expected {n} fields as in the header, found {len(row)}: no value for {header[len(row)]}"
    )


def _csv_header(path: Path, file: str) -> list[str] | None:
    """The header's column names (stripped), or None for an empty file (an empty table)."""
    try:
        with path.open("rb") as f:
            first = f.readline()
    except OSError as exc:
        raise error(file, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise error(file, "not UTF-8 text", 1) from None
    if not first:
        return None
    if not line.strip():
        raise error(file, "the header line is empty; expected column names", 1)
    try:
        names = next(csv.reader([line], strict=True))
    except csv.Error as exc:
        raise error(file, f"malformed CSV header: {exc}", 1) from None
    return [n.strip() for n in names]


def _record_lines(path: Path, records: int, n_columns: int) -> array[int] | None:
    """The line each record starts on, when that is not simply its position + 2; else None."""
    newlines, last = 0, b""
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    if newlines + (last not in (b"\n", b"")) - 1 == records:
        return None
    # A quoted value spans lines, or DuckDB skipped blank lines: count lines the slow way.
    starts: array[int] = array("q")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        previous = 0
        for i, rec in enumerate(reader):
            start, previous = previous + 1, reader.line_num
            if i > 0 and (rec or n_columns == 1):
                starts.append(start)
    return starts if len(starts) == records else None


def _check_columns(file: str, line: int | None, table: str, names: list[str]) -> None:
    model = TABLES[table].model
    fields = [c.name for c in columns(model)]
    if takes_attributes(model):
        # attr.<id>: an attribute, checked per record against those the vocabulary declares
        fields.append(ATTRIBUTE_PREFIX + "<id>")
        names = [n for n in names if not (n.startswith(ATTRIBUTE_PREFIX) and n != ATTRIBUTE_PREFIX)]
    problems, seen = [], set()
    for i, n in enumerate(names, 1):
        if not n:
            problems.append(f"column {i} has no name")
        elif n in seen:
            problems.append(f"column {quote(n)} appears more than once")
        elif n not in fields:
            known = ", ".join(fields)
            problems.append(f"unknown column {quote(n)}; columns of {table} are {known}")
        seen.add(n)
    if problems:
        raise DatasetError(Problem(file, line, None, "", m) for m in problems)


def _csv_error(file: str, exc: duckdb.Error) -> DatasetError:
    text = str(exc)
    found = re.search(r"CSV Error on Line: (\d+)", text)
    body = re.split(r"\n\s*Possible (?:fixes|Solution)", text)[0]
    lines = [s.strip() for s in body.splitlines() if s.strip()]
    reason = lines[-1] if found and len(lines) > 2 else _first_line(exc)
    return error(file, f"malformed CSV: {reason}", int(found.group(1)) if found else None)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _sql_id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
