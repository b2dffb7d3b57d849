"""Small DuckDB helpers the activity generator's stages share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

__all__ = ["count", "mod", "register"]


def mod(h: str, n: str) -> str:
    """``h % n`` for a hash: in UBIGINT (a BIGINT divisor would make it a slow HUGEINT)."""
    return f"CAST(({h}) % CAST(({n}) AS UBIGINT) AS BIGINT)"


def register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("_arrow_in", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _arrow_in")
    con.unregister("_arrow_in")


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0
