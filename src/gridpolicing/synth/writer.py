"""Write a generated dataset as the library's directory format: ``<table>.parquet`` or ``.csv``.

Every table of :data:`gridpolicing.model.TABLES` is written (an empty table as its header or
schema only), rows ordered by id, through DuckDB's ``COPY`` so the activity table streams from
the generator's tables without passing through Python. CSV lists are ``;``-joined, as the
readers split them. Files of the other format (or a table's part directory) left in the
directory are removed first, so the directory always holds exactly one source per table. One
bureau of a partitioned layout is written with its ids prefixed and its activities as parts.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import pyarrow as pa

from gridpolicing.io.dataset_schema import columns
from gridpolicing.model.tables import TABLE_ORDER, TABLES
from gridpolicing.synth.activity import ACTIVITY_COLUMNS

if TYPE_CHECKING:
    import duckdb

__all__ = ["FORMATS", "write_tables"]

FORMATS: Final = ("parquet", "csv")
TableFormat = Literal["parquet", "csv"]


def _select(name: str, relation: str, fmt: TableFormat, prefix: str) -> str:
    spec = TABLES[name]
    cols = []
    for c in columns(spec.model):
        col = f'"{c.name}"'
        value = col
        if prefix and (c.name == "id" or c.name in spec.references):
            p = _sql_str(prefix)
            # NULL stays NULL: a record without a parent has none in any bureau.
            value = f"[{p} || x FOR x IN {col}]" if c.is_list else f"{p} || {col}"
        if c.is_list and fmt == "csv":
            value = f"array_to_string({value}, ';')"
        cols.append(f"{value} AS {col}")
    # The activity relation is already in id order (ids are its row numbers).
    order = "" if name == "activities" else " ORDER BY id"
    return f"SELECT {', '.join(cols)} FROM {relation}{order}"


def _path_literal(path: Path) -> str:
    return _sql_str(str(path))


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_tables(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    tables: dict[str, pa.Table],
    fmt: TableFormat = "parquet",
    *,
    prefix: str = "",
    activities_year: int | None = None,
) -> dict[str, int]:
    """Write ``tables`` and the generator's ``_act`` (activities) to ``out``; return row counts.

    ``prefix`` goes before every id and reference; with ``activities_year`` the activities are
    a part directory, ``activities/year=<Y>/part-0.parquet``, as a partitioned layout holds them.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; expected parquet or csv")
    if activities_year is not None and fmt != "parquet":
        raise ValueError("a part directory holds Parquet files")
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in TABLE_ORDER:
        for ext in FORMATS:
            (out / f"{name}.{ext}").unlink(missing_ok=True)
        # A table is one file or one directory of parts, never both (the loader refuses both).
        shutil.rmtree(out / name, ignore_errors=True)
        if name == "activities":
            relation = f"(SELECT {ACTIVITY_COLUMNS} FROM _act)"
        else:
            con.register("_arrow_out", tables[name])
            relation = "_arrow_out"
        path = out / f"{name}.{fmt}"
        if name == "activities" and activities_year is not None:
            path = out / name / f"year={activities_year}" / "part-0.parquet"
            path.parent.mkdir(parents=True)
        options = (
            "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000"
            if fmt == "parquet"
            else "FORMAT csv, HEADER true, DELIMITER ','"
        )
        select = _select(name, relation, fmt, prefix)
        con.execute(f"COPY ({select}) TO {_path_literal(path)} ({options})")
        [(n,)] = con.execute(f"SELECT count(*) FROM {relation}").fetchall()
        counts[name] = int(n)
        if name != "activities":
            con.unregister("_arrow_out")
    return counts
