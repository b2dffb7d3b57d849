"""Python rows into a DuckDB table in one statement (``executemany`` runs one per row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__all__ = ["insert_rows"]


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    types: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """Insert ``rows`` into ``table``, whose columns have the SQL ``types``, in order.

    The values go as one list parameter per column, unnested side by side: one statement
    whatever the number of rows (``executemany`` plans and runs a statement per row, which
    costs more than the query that reads them).
    """
    if not rows:
        return
    columns = [list(c) for c in zip(*rows, strict=True)]
    if len(columns) != len(types):
        raise ValueError(f"{table}: {len(types)} column types for rows of {len(columns)}")
    unnested = ", ".join(f"unnest(CAST(? AS {t}[]))" for t in types)
    con.execute(f"INSERT INTO {table} SELECT {unnested}", columns)
