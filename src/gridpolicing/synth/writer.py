"""Write a generated dataset as the library's directory format: ``<table>.parquet`` or ``.csv``.

Every table of :data:`gridpolicing.model.TABLES` is written (an empty table as its header or
schema only), rows ordered by id, through DuckDB's ``COPY`` so the activity table streams from
the generator's tables without passing through Python. CSV lists are ``;``-joined, as the
readers split them. Files of the other format left in the directory are removed first, so the
directory always holds exactly one file per table.
"""

from __future__ import annotations

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


def _select(name: str, relation: str, fmt: TableFormat) -> str:
    cols = []
    for c in columns(TABLES[name].model):
        col = f'"{c.name}"'
        cols.append(f"array_to_string({col}, ';') AS {col}" if c.is_list and fmt == "csv" else col)
    # The activity relation is already in id order (ids are its row numbers).
    order = "" if name == "activities" else " ORDER BY id"
    return f"SELECT {', '.join(cols)} FROM {relation}{order}"


def _path_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_tables(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    tables: dict[str, pa.Table],
    fmt: TableFormat = "parquet",
) -> dict[str, int]:
    """Write ``tables`` and the generator's ``_act`` (activities) to ``out``; return row counts."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; expected parquet or csv")
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in TABLE_ORDER:
        for ext in FORMATS:
            (out / f"{name}.{ext}").unlink(missing_ok=True)
        if name == "activities":
            relation = f"(SELECT {ACTIVITY_COLUMNS} FROM _act)"
        else:
            con.register("_arrow_out", tables[name])
            relation = "_arrow_out"
        path = out / f"{name}.{fmt}"
        options = (
            "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000"
            if fmt == "parquet"
            else "FORMAT csv, HEADER true, DELIMITER ','"
        )
        con.execute(f"COPY ({_select(name, relation, fmt)}) TO {_path_literal(path)} ({options})")
        [(n,)] = con.execute(f"SELECT count(*) FROM {relation}").fetchall()
        counts[name] = int(n)
        if name != "activities":
            con.unregister("_arrow_out")
    return counts
