"""The clean-table path's row test agrees with the full path's messages, value for value.

Validation inserts a table directly when no row fails (``fails``); otherwise the full path
writes each failing field's message (``message``). For every shape of column and many source
types, both must agree on every value of a pool of awkward texts, and the shortcuts the value
expressions take (native values, untrimmed text tried first) must give the value of the text.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from gridpolicing.io import expressions as x
from gridpolicing.io.dataset_schema import Column, columns
from gridpolicing.model import TABLES

_CORE = [
    "patrol", "Patrol", "true", "FALSE", "yes", "Y", "on", "0", "1", "2", "7", "-1", "+3", "7.0",
    "7.5", "1e3", "0x10", "1_000", "99999999999999999999", "2022-03-01", "2022-02-30",
    "2022-03-01 08:00", "2022-03-01T09:30:00", "2022-03-01 08:00:00.1234567",
    "2022-03-01 08:00:00.123456", "2022-3-1", "2022-03-01 25:00", "infinity", "nan", "-0.0",
    "0000-01-01", "1899-12-31 23:59", "1900-01-01", "2200-12-31 23:59:59", "2201-01-01",
    "9999-12-31",
    ".5", "x", "中文", "household_visit", "village", "s1", "a;b", "p1; ;p2", "…", "é",
]  # fmt: skip
_PADS = ["", " ", "\u3000", "\x85", "\t", "\x01"]
_TEXTS = [None, *_PADS, *(a + c + b for c in _CORE for a in _PADS[:3] for b in _PADS)]
# The source column of each type, from the text.
_SOURCES = {
    "VARCHAR": "t",
    "VARCHAR[]": "string_split(t, ';')",
    **{
        t: f"TRY_CAST(t AS {t})"
        for t in (
            "TINYINT", "INTEGER", "BIGINT", "UINTEGER", "UBIGINT", "HUGEINT", "FLOAT", "DOUBLE",
            "DECIMAL(18,3)", "BOOLEAN", "DATE", "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS",
            "TIMESTAMPTZ",
        )
    },
}  # fmt: skip


def _shapes() -> list[Column]:
    """One column of each distinct shape (kind, bounds, default, ...) in the catalogue."""
    shapes: dict[tuple[object, ...], Column] = {}
    for spec in TABLES.values():
        for c in columns(spec.model):
            shapes.setdefault((*(getattr(c, k) for k in c.__slots__ if k != "name"),), c)
    return list(shapes.values())


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute(x.TRIM)
    con.execute("CREATE TEMP MACRO _q(x) AS x")  # messages are compared as present or not
    con.execute("CREATE TABLE texts AS SELECT unnest(?::VARCHAR[]) AS t", [_TEXTS])
    yield con
    con.close()


@pytest.mark.parametrize("c", _shapes(), ids=lambda c: f"{c.kind}-{c.name}")
def test_fails_exactly_where_a_message_is_written(
    con: duckdb.DuckDBPyConnection, c: Column
) -> None:
    checked = 0
    for expr in _SOURCES.values():
        con.execute(f'CREATE OR REPLACE TEMP TABLE s AS SELECT {expr} AS "{c.name}" FROM texts')
        source_type = str(con.execute("DESCRIBE s").fetchall()[0][1])
        try:
            f = x.field_of(c, source_type)
        except x.BadType:
            continue
        native = "_n_" + c.name in f.raw
        layer1 = ", ".join(f"{e} AS {x.sql_id(a)}" for a, e in f.raw.items())
        text_value = x.parsed(c, source_type if native else None)  # from the text or value only
        rows = con.execute(
            f"SELECT *, {x.fails(f) or 'FALSE'} AS fails, {x.message(c) or 'NULL'} AS message "
            f'FROM (SELECT *, {f.value} AS "_v_{c.name}", {text_value} AS reference '
            f"FROM (SELECT {layer1} FROM s))"
        ).fetchall()
        for row in rows:
            *_, value, reference, fails, message = row
            assert value == reference or (value is None and reference is None), (source_type, row)
            assert fails == (message is not None), (source_type, row)
        checked += 1
    assert checked >= 2
