"""Read a dataset: a YAML or JSON file, a workbook, or a directory of tables, plain or partitioned.

A directory gives each table as ``<table>.csv``, ``<table>.parquet`` or ``<table>/`` of Parquet
parts, or holds ``key=value/`` partitions of such directories (:mod:`.layout` finds the files).
A workbook (:mod:`.excel`) gives each table as a sheet; CSV files are read by :mod:`.csvfiles`.

Every format is staged into DuckDB as raw columns plus the line or row each record came from,
then checked by the one validation path in :mod:`gridpolicing.io.validate`. Defects of a whole
file (unreadable, malformed, an unknown table or column) raise :class:`DatasetError`; records
that fail a check are left out and listed in :attr:`Dataset.rejected`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

import duckdb
import pyarrow as pa

from gridpolicing.errors import DatasetError, Problem, UsageError
from gridpolicing.io.csvfiles import CsvStaging, check_columns
from gridpolicing.io.dataset import Dataset, relative_to
from gridpolicing.io.dataset_schema import (
    ATTRIBUTE_PREFIX,
    DEFAULT_MAX_ACTIVITY_HOURS,
    DEFAULT_TIMEZONE,
    MAX_ACTIVITY_HOURS,
    columns,
)
from gridpolicing.io.documents import DocRecord, error, quote, read_document
from gridpolicing.io.encoding import AUTO, check_encoding
from gridpolicing.io.excel import WORKBOOK_SUFFIXES, read_workbook
from gridpolicing.io.layout import TableSource, table_sources
from gridpolicing.io.validate import PART_KEY, Staged, build_dataset
from gridpolicing.model import TABLES
from gridpolicing.model.terms import Vocabulary

__all__ = ["load_dataset"]

_DOCUMENT_SUFFIXES: Final = (".yaml", ".yml", ".json")


def load_dataset(
    path: str | os.PathLike[str] | Mapping[str, Any],
    *,
    label: str | None = None,
    vocabulary: Vocabulary | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    max_activity_hours: float = DEFAULT_MAX_ACTIVITY_HOURS,
    encoding: str = AUTO,
) -> Dataset:
    """Load and validate a dataset from a YAML/JSON file, a workbook (.xlsx, .xls, .ods: a
    sheet per table), or a directory of CSV/Parquet files, or from tables in memory: a mapping
    of table name to a pyarrow Table, a pandas or polars DataFrame, or a DuckDB relation
    (rejected records name ``<label>/<table>`` and their row, 1 for the first; ``label``
    defaults to ``tables``).

    ``label`` names the dataset in reports (default: the file or folder name). ``vocabulary`` (a
    policy's ``policy.vocabulary``) lets records name the terms the policy adds; without it only
    the built-in terms are allowed. ``timezone`` is the jurisdiction's (an IANA name): Parquet
    times with a zone are converted to its local time, whatever the process's ``TZ``. An
    activity lasting more than ``max_activity_hours`` is rejected. ``encoding`` is that of CSV
    files: ``auto`` reads a file that is valid UTF-8 as such and any other as GB18030 (GBK);
    any codec name Python knows is used as given. Raises :class:`DatasetError` when the input
    cannot be read as a dataset at all, :class:`UsageError` for an empty label, an unknown zone
    or encoding, or a bound that is not a positive number up to :data:`MAX_ACTIVITY_HOURS`;
    records that fail validation are not used and are listed in the Dataset's ``rejected``.
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
    options = _Options(vocabulary, timezone, max_activity_hours, check_encoding(encoding))
    if isinstance(path, Mapping):
        return _load(label or "tables", None, path, label, options)
    file = os.fspath(path)
    p = Path(file)
    if not p.exists():
        raise error(file, "no such file or directory")
    if not p.is_dir() and p.suffix.lower() not in _DOCUMENT_SUFFIXES + WORKBOOK_SUFFIXES:
        raise error(
            file,
            "unsupported file type; expected a .yaml, .yml or .json file, a workbook "
            "(.xlsx, .xls, .ods ...), or a directory of <table>.csv or <table>.parquet files",
        )
    return _load(file, p, None, label, options)


@final
@dataclass(frozen=True, slots=True)
class _Options:
    """How load_dataset reads and checks the records (its keyword arguments)."""

    vocabulary: Vocabulary | None
    timezone: str
    max_activity_hours: float
    encoding: str


def _load(
    file: str,
    p: Path | None,
    tables: Mapping[str, Any] | None,
    label: str | None,
    options: _Options,
) -> Dataset:
    """Stage the files at ``p`` (or the in-memory ``tables``) and validate them."""
    con = duckdb.connect(":memory:")
    try:
        # A library must not draw progress bars on its caller's terminal.
        con.execute("SET enable_progress_bar = false")
        _set_timezone(con, options.timezone)
        stager = _Stager(con, file, options.encoding)
        try:
            if p is None:
                staged = stager.tables(tables or {})
            elif p.is_dir():
                staged = stager.directory(p)
            elif p.suffix.lower() in WORKBOOK_SUFFIXES:
                staged = stager.workbook(p)
            else:
                staged = stager.document(p)
            dataset = build_dataset(
                con,
                staged,
                source=file,
                vocabulary=options.vocabulary,
                max_activity_hours=options.max_activity_hours,
            )
            stager.drop()
        finally:
            stager.close_copies()
        if label is not None:
            dataset.label = label
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


class _Stager(CsvStaging):
    """Puts each source into a DuckDB relation ``_key, _row, <fields>``; drops them after."""

    def __init__(self, con: duckdb.DuckDBPyConnection, root: str, encoding: str) -> None:
        self.con = con
        self.root = root
        """The dataset as the caller named it: messages name files relative to it."""
        self.created: list[str] = []
        self.encoding = encoding

    def drop(self) -> None:
        """Drop the staging relations, newest first (views before the tables they read)."""
        for what in reversed(self.created):
            self.con.execute(f"DROP {what}")

    def document(self, path: Path) -> dict[str, Staged]:
        """Stage every table of a YAML or JSON file."""
        file = str(path)
        return {t: self._records(t, file, recs) for t, recs in read_document(path).items()}

    def workbook(self, path: Path) -> dict[str, Staged]:
        """Stage every sheet of a workbook that is a table (see :mod:`.excel`)."""
        file = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise error(file, f"cannot read the file: {exc.strerror or exc}") from None
        staged = {}
        for sheet in read_workbook(data, file):
            name = f"_stage_{sheet.table}"
            self._arrow(name, sheet.data)
            staged[sheet.table] = Staged(
                sheet.table,
                sheet.label,
                name,
                pre_rejected=sheet.rejected,
                letters=sheet.letters,
            )
        return staged

    def _arrow(self, name: str, data: pa.Table) -> None:
        """Copy an Arrow table into the staging table ``name``."""
        self.con.register("_arrow_stage", data)
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _arrow_stage")
        self.con.unregister("_arrow_stage")
        self.created.append(f"TABLE {name}")

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
                check_columns(where, None, table, list(arrow.column_names))
            except DatasetError as exc:
                problems.extend(exc.problems)
                continue
            n = arrow.num_rows
            arrow = arrow.add_column(0, "_row", pa.array(range(1, n + 1), pa.int64()))
            arrow = arrow.add_column(0, "_key", pa.array(range(n), pa.int64()))
            name = f"_stage_{table}"
            self._arrow(name, arrow)
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
        self._arrow(name, pa.table(data))
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
            check_columns(source.label, None, table, names)
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
                check_columns(file, None, table, [str(r[0]) for r in described])
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


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _sql_id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
