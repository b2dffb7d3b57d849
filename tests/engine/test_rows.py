"""insert_rows: Python rows into a DuckDB table in one statement, values and order kept."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.engine.rows import insert_rows


def _table() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, k VARCHAR, x DOUBLE, d DATE, b BOOLEAN)")
    return con


TYPES = ("INTEGER", "VARCHAR", "DOUBLE", "DATE", "BOOLEAN")


@given(
    st.lists(
        st.tuples(
            st.none() | st.text(max_size=5),
            st.none() | st.floats(allow_nan=False),
            st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
            st.none() | st.booleans(),
        ),
        max_size=30,
    )
)
def test_rows_arrive_unchanged_and_in_order(values: list[tuple[object, ...]]) -> None:
    rows = [(i, *v) for i, v in enumerate(values)]
    con = _table()
    insert_rows(con, "t", TYPES, rows)
    assert con.execute("SELECT * FROM t ORDER BY i").fetchall() == rows


def test_no_rows_inserts_nothing() -> None:
    con = _table()
    insert_rows(con, "t", TYPES, [])
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]


def test_rows_of_another_width_are_refused() -> None:
    with pytest.raises(ValueError, match="5 column types for rows of 2"):
        insert_rows(_table(), "t", TYPES, [(1, "a")])
