"""The clean-table path's row test agrees with the full path's messages, value for value.

Validation inserts a table directly when no row fails (``fails``); otherwise the full path
writes each failing field's message (``message``). For every shape of column and many source
types, both must agree on every value of a pool of awkward texts, and the shortcuts the value
expressions take (native values, untrimmed text tried first) must give the value of the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- office spellings -----------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789-+.:", "０１２３４５６７８９－＋．：")


def _office_forms(kind: str, value: Any, draw: st.DrawFn) -> tuple[str, str]:
    """(ISO text, an office spelling of the same value) of ``value`` of column kind ``kind``."""
    if kind == "bool":
        return ("true" if value else "false"), draw(
            st.sampled_from(["是", "1.0", "TRUE"] if value else ["否", "0.0", "FALSE"])
        )
    if kind in ("int", "float"):
        iso = str(value) if kind == "int" else repr(value)
        return iso, iso.translate(_FULL_WIDTH)
    d: dt.date = value
    day = draw(
        st.sampled_from(
            [
                f"{d.year}/{d.month}/{d.day}",
                f"{d.year}/{d.month:02}/{d.day:02}",
                f"{d.year}-{d.month}-{d.day}",
                f"{d.year}.{d.month}.{d.day}",
                f"{d.year}年{d.month}月{d.day}日",
            ]
        )
    )
    if kind == "datetime":
        t: dt.datetime = value
        iso = t.isoformat(sep=" ")
        clock = f"{t.hour}:{t.minute:02}:{t.second:02}" + (
            f".{t.microsecond:06}" if t.microsecond else ""
        )
        office = f"{day} {clock}"
    else:
        iso, office = d.isoformat(), day
    return iso, office.translate(_FULL_WIDTH) if draw(st.booleans()) else office


_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "bool": st.booleans(),
    "int": st.integers(-(10**12), 10**12),
    "float": st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: round(f, 3)),
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
    "datetime": st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 12, 31, 23, 59, 59)),
}
_OFFICE_SHAPES = [c for c in _shapes() if not c.is_list and c.kind in _VALUES]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_office_spellings_read_as_their_iso_form(
    con: duckdb.DuckDBPyConnection, data: st.DataObject
) -> None:
    c = data.draw(st.sampled_from(_OFFICE_SHAPES), label="column")
    value = data.draw(_VALUES[c.kind], label="value")
    iso, office = _office_forms(c.kind, value, data.draw)
    pad = data.draw(st.sampled_from(["", " ", "\u3000"]), label="pad")
    f = x.field_of(c, "VARCHAR")
    layer1 = ", ".join(f"{e} AS {x.sql_id(a)}" for a, e in f.raw.items())
    # the value as validation takes it (untrimmed text first), as the full path's reference
    # takes it (trimmed), whether it fails, and its message
    query = (
        f"SELECT {f.value}, {x.parsed(c, None)}, {x.fails(f) or 'FALSE'}, "
        f'{x.message(c) or "NULL"} FROM (SELECT *, {f.value} AS "_v_{c.name}" '
        f'FROM (SELECT {layer1} FROM (SELECT ?::VARCHAR AS "{c.name}")))'
    )
    got = {t: con.execute(query, [pad + t + pad]).fetchall()[0] for t in (iso, office)}
    assert got[office][:3] == got[iso][:3], (c, iso, office, got)
    value_of_iso, reference, fails, message = got[iso]
    assert value_of_iso == reference
    assert fails == (message is not None)
    if not fails:
        expected = float(value) if c.kind == "float" else value
        assert value_of_iso == expected, (c, iso)
