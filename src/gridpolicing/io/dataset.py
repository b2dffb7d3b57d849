"""The Dataset: a deployment's tables, held columnar in an embedded DuckDB database.

Every table of :data:`gridpolicing.model.TABLES` exists (empty when the input had none), with one
typed column per record field. Readers in this package build a Dataset; rules read it only through
SQL, so the same metric plans can later run on another engine.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, final

import duckdb

from gridpolicing.errors import UsageError
from gridpolicing.io.dataset_schema import ATTRIBUTE_PREFIX, ATTRIBUTES_FIELD
from gridpolicing.model import TABLES
from gridpolicing.model.base import Record
from gridpolicing.model.terms import BUILTIN, Vocabulary
from gridpolicing.model.vocabulary import open_vocabularies

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Dataset", "DatasetSummary", "RejectedRecord", "TableCount", "relative_to"]


@final
@dataclass(frozen=True, slots=True, order=True)
class RejectedRecord:
    """An input record that was not used, and why: file, row or line, field and message."""

    file: str
    row: int
    table: str
    record_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        rid = f" (id {self.record_id})" if self.record_id else ""
        return f"{self.file}:{self.row}: {self.table}{rid}.{self.field}: {self.message}"


@final
@dataclass(frozen=True, slots=True)
class TableCount:
    """How many records of one table were read, used and rejected."""

    read: int
    used: int
    rejected: int


@final
class Dataset:
    """A validated deployment: typed tables in DuckDB plus the records that were rejected.

    Build one with :func:`gridpolicing.load_dataset`. The connection belongs to this object;
    evaluation works on a cursor of it and never changes its tables.

    ``source`` is the path as the caller gave it; ``label`` names the dataset in reports (by
    default the file or folder name, so a report does not depend on where the data lies).
    """

    __slots__ = (
        "_closed",
        "_con",
        "_cursors",
        "_lock",
        "counts",
        "label",
        "rejected",
        "source",
        "vocabulary",
    )

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        source: str,
        rejected: tuple[RejectedRecord, ...],
        counts: dict[str, TableCount],
        label: str | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._con = con
        self._closed = False
        # The open cursors, for interrupt(): an interrupt of the connection misses its cursors.
        self._cursors: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
        self._lock = threading.Lock()
        self.vocabulary = vocabulary if vocabulary is not None else BUILTIN
        """The vocabulary the records were checked against (built-in, or a policy's)."""
        self.source = source
        self.label = label if label is not None else _default_label(source)
        self.rejected = tuple(sorted(rejected, key=_rejected_order))
        self.counts = dict(counts)

    def relative_file(self, file: str) -> str:
        """``file`` (one of this dataset's input files) named relative to the dataset's root.

        The root is the folder of a CSV/Parquet dataset, or the folder holding a single-file
        dataset; separators are ``/``. Both paths are as the caller gave them, so the working
        directory cancels out.
        """
        return relative_to(file, self.source)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh connection to the dataset's database, for one evaluation's temporary tables."""
        if self._closed:
            raise UsageError(f"dataset {self.label!r} is closed; load it again to use it")
        cursor = self._con.cursor()
        with self._lock:
            self._cursors.add(cursor)
        return cursor

    def interrupt(self) -> None:
        """Interrupt the queries running on this dataset (from another thread): each raises
        ``duckdb.InterruptException`` in the evaluation running it. A query started after the
        call runs as usual."""
        with self._lock:
            cursors = [self._con, *self._cursors]
        for con in cursors:
            with contextlib.suppress(duckdb.Error):  # a cursor closed meanwhile has nothing to stop
                con.interrupt()

    def close(self) -> None:
        """Release the dataset's database (its memory). Reports made from it stay usable: they
        hold their findings, counts and rejected records; the dataset can no longer be
        evaluated or read."""
        self._closed = True
        self._con.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def table(self, name: str) -> pa.Table:
        """The used records of table ``name`` as an Arrow table, ordered by id."""
        _check_table(name)
        con = self.cursor()
        result: pa.Table = con.sql(f'SELECT * FROM "{name}" ORDER BY id').to_arrow_table()
        con.close()
        return result

    def records(self, name: str) -> Iterator[Record]:
        """The used records of a (small) table as model objects, ordered by id."""
        spec = _check_table(name)
        for row in self.table(name).to_pylist():
            # The rows passed the check against the vocabulary in force, which may hold terms
            # a policy added; opened per row, so the caller's code between rows stays closed.
            with open_vocabularies():
                record = spec.model.model_validate(_attributes_folded(_drop_none(row)))
            yield record

    def count(self, name: str) -> int:
        """How many used records table ``name`` holds."""
        _check_table(name)
        con = self.cursor()
        [(n,)] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
        con.close()
        return int(n)

    def __repr__(self) -> str:
        used = sum(c.used for c in self.counts.values())
        return f"<Dataset {self.source!r}: {used} records used, {len(self.rejected)} rejected>"


@final
@dataclass(frozen=True, slots=True)
class DatasetSummary:
    """What a report says of a dataset that was never loaded as one: the partitions of a
    province, each loaded and validated apart (gridpolicing.spark). Counts are the sums of the
    partitions'; rejected records are all of theirs, in the order a Dataset lists them."""

    source: str
    label: str
    counts: dict[str, TableCount]
    rejected: tuple[RejectedRecord, ...]

    @classmethod
    def of(
        cls,
        source: str,
        counts: Sequence[Mapping[str, TableCount]],
        rejected: Sequence[RejectedRecord],
        label: str | None = None,
    ) -> DatasetSummary:
        """The summary of partitions with these counts and rejected records."""
        total: dict[str, TableCount] = {}
        for part in counts:
            for name, c in part.items():
                t = total.get(name, TableCount(0, 0, 0))
                total[name] = TableCount(t.read + c.read, t.used + c.used, t.rejected + c.rejected)
        return cls(
            source,
            label if label is not None else _default_label(source),
            total,
            tuple(sorted(rejected, key=_rejected_order)),
        )

    def relative_file(self, file: str) -> str:
        """``file`` named relative to the dataset's root, as :meth:`Dataset.relative_file`."""
        return relative_to(file, self.source)


def relative_to(file: str, source: str) -> str:
    """``file`` named relative to the dataset root ``source``, as :meth:`Dataset.relative_file`."""
    path, root = PurePath(file), PurePath(source)
    if path == root:
        return path.name
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _default_label(source: str) -> str:
    """The last part of the path (``data``, ``deployment.yaml``); the path when it has none."""
    return PurePath(source).name or Path(source).resolve().name or PurePath(source).as_posix()


def _rejected_order(r: RejectedRecord) -> tuple[str, int, str, str, str, str]:
    # record_id may be None (a record without an id); None and str do not compare
    return (r.file, r.row, r.table, r.record_id or "", r.field, r.message)


def _check_table(name: str) -> Any:
    try:
        return TABLES[name]
    except KeyError:
        from gridpolicing.errors import UsageError

        raise UsageError(
            f"unknown table {name!r}; expected one of {', '.join(sorted(TABLES))}"
        ) from None


def _attributes_folded(row: dict[str, Any]) -> dict[str, Any]:
    """The ``attr.<id>`` columns of a row as its ``attributes`` mapping (as the model holds it)."""
    attributes = {
        k.removeprefix(ATTRIBUTE_PREFIX): row.pop(k)
        for k in [k for k in row if k.startswith(ATTRIBUTE_PREFIX)]
    }
    if attributes:
        row[ATTRIBUTES_FIELD] = attributes
    return row


def _drop_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}
