"""Dataset tables as Python rows, safe with dates Python cannot hold.

A Parquet file can carry dates far outside Python's years 1..9999 (Arrow's date32 spans
millions of years), and ``to_pylist()`` raises OverflowError on them. The roster only compares
such dates with days inside the monitor's window, so it gets them clamped to Python's range
(:func:`rows`); a replay cannot place such a record on its clock at all, so
:func:`outside_window` names it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import pyarrow as pa

from gridpolicing.monitor.bounds import EARLIEST, FIRST_DAY, LAST_DAY, LATEST, WINDOW

__all__ = ["outside_window", "rows"]

_LAST_INSTANT: Final = LATEST - dt.timedelta(microseconds=1)


def rows(table: pa.Table) -> list[dict[str, Any]]:
    """The rows of ``table``, with dates and times beyond Python's range clamped to it (so every
    comparison with a day Python can hold comes out as with the true value)."""
    try:
        out: list[dict[str, Any]] = table.to_pylist()
    except OverflowError:  # rare: pay for pyarrow.compute (9 MiB) only then
        return _clamped(table).to_pylist()  # type: ignore[no-any-return]
    return out


def _clamped(table: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        bounds = _python_range(field.type)
        if bounds is None:
            continue
        col = table.column(i)
        lo, hi = (pa.scalar(b, type=field.type) for b in bounds)
        below, above = pc.less(col, lo), pc.greater(col, hi)
        if pc.any(below).as_py() or pc.any(above).as_py():
            clamped = pc.if_else(above, hi, pc.if_else(below, lo, col))
            table = table.set_column(i, field, clamped)
    return table


def outside_window(table: pa.Table, name: str) -> list[str]:
    """``"<table> <id>: <column> <value> is outside the window"`` for every date or time of
    ``table`` outside the monitor's time window."""
    import pyarrow.compute as pc  # only for a replay: the monitor itself does not need it

    problems: list[str] = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type):
            lo, hi = pa.scalar(EARLIEST, type=field.type), pa.scalar(_LAST_INSTANT, field.type)
        elif pa.types.is_date(field.type):
            lo, hi = pa.scalar(FIRST_DAY, type=field.type), pa.scalar(LAST_DAY, type=field.type)
        else:
            continue
        col = table.column(field.name)
        bad = table.filter(pc.or_(pc.less(col, lo), pc.greater(col, hi)))
        values = pc.cast(bad.column(field.name), pa.string()).to_pylist()
        for rid, value in zip(bad.column("id").to_pylist(), values, strict=True):
            problems.append(f"{name} {rid}: {field.name} {value} is outside {WINDOW}")
    return problems


def _python_range(t: pa.DataType) -> tuple[dt.date, dt.date] | None:
    # a timestamp in nanoseconds cannot reach past Python's range (years 1677..2262)
    if pa.types.is_timestamp(t) and t.tz is None and t.unit in ("s", "ms", "us"):
        return dt.datetime.min, dt.datetime.max
    if pa.types.is_date(t):
        return dt.date.min, dt.date.max
    return None
