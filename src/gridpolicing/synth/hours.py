"""Hours of the generated records: days and weeks scaled to the plans' minimums.

Records of a person's day are laid end to end when times are given, so the merged time the
engine reads is the sum of their minutes; scaling the minutes sets a day's or a week's hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from gridpolicing.synth.duck import count as _count
from gridpolicing.synth.duck import mod as _mod
from gridpolicing.synth.duck import register as _register
from gridpolicing.synth.ops import RemoveDays, ShortWeek, q

if TYPE_CHECKING:
    import duckdb

__all__ = ["day_hours", "short_day", "week_hours"]


def day_hours(con: duckdb.DuckDBPyConnection, s: int) -> None:
    """Scale each worked day of a plan with ``day_min`` to 15 minutes to 2 hours above it.

    Rounding each record up keeps the day's sum, its merged time, above the target.
    """
    if not _count(con, "SELECT count(*) FROM _plan WHERE day_min IS NOT NULL"):
        return
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _dt AS
        SELECT r.lid, r.day, sum(r.minutes) AS s,
               CAST(ceil(any_value(p.day_min) * 60) AS BIGINT) + 15
                 + {_mod(f"hash({s}, r.lid, r.day, 9)", "106")} AS t
        FROM _raw r JOIN _plan p ON p.plan = r.plan
        WHERE p.day_min IS NOT NULL GROUP BY r.lid, r.day HAVING sum(r.minutes) > 0"""
    )
    con.execute(
        """UPDATE _raw SET minutes = (_raw.minutes * t.t + t.s - 1) // t.s
           FROM _dt t WHERE t.lid = _raw.lid AND t.day = _raw.day"""
    )


def short_day(con: duckdb.DuckDBPyConnection, s: int, op: RemoveDays) -> bool:
    """Cut the person's first worked day in the op's range below the plan's daily hours."""
    p = q(op.person)
    n = _count(
        con,
        f"""UPDATE _raw SET minutes = greatest(1, _raw.minutes * t.t // t.s) FROM (
              SELECT r.lid, r.day, sum(r.minutes) AS s,
                     CAST(ceil(any_value(p.day_min) * 30) AS BIGINT)
                       + {_mod(f"hash({s}, any_value(r.person), r.day, 10)", "91")} AS t
              FROM _raw r JOIN _plan p ON p.plan = r.plan
              WHERE r.person = {p} AND p.day_min IS NOT NULL
                AND r.day = (SELECT min(day) FROM _raw WHERE person = {p}
                             AND day BETWEEN {q(op.first)} AND {q(op.last)})
              GROUP BY r.lid, r.day) t
            WHERE t.lid = _raw.lid AND t.day = _raw.day""",
    )
    return n > 0


def week_hours(con: duckdb.DuckDBPyConnection, s: int, short: Sequence[ShortWeek]) -> None:
    rows = [(op.person, op.week) for op in short]
    _register(
        con,
        "_short",
        pa.table(
            {"person": [r[0] for r in rows], "wk": [r[1] for r in rows]},
            schema=pa.schema([("person", pa.string()), ("wk", pa.string())]),
        ),
    )
    counted = "(p.hkinds IS NULL OR list_contains(p.hkinds, r.kind))"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _hp AS
        SELECT r.person, c.wk, CAST(ceil(max(p.hours_min) * 60) AS BIGINT) AS need,
               sum(r.minutes) FILTER (WHERE {counted}) AS s,
               count(*) FILTER (WHERE {counted}) AS n, count(DISTINCT r.day) AS nd
        FROM _raw r JOIN _plan p ON p.plan = r.plan JOIN _cal c ON c.day = r.day
        WHERE p.hours_min IS NOT NULL GROUP BY r.person, c.wk"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ht AS
        SELECT h.*, x.person IS NOT NULL AS short,
               CASE WHEN x.person IS NOT NULL THEN greatest(h.n, need * 4 // 5 - h.n)
                    ELSE need + 15 + {_mod(f"hash({s}, h.person, h.wk, 8)", "481")} END AS t
        FROM _hp h LEFT JOIN _short x ON x.person = h.person AND x.wk = h.wk
        WHERE h.s > 0 AND h.nd >= 3"""
    )
    con.execute(
        """UPDATE _raw SET minutes = CASE WHEN t.short
                 THEN greatest(1, _raw.minutes * t.t // t.s)
                 ELSE (_raw.minutes * t.t + t.s - 1) // t.s END
            FROM _ht t, _cal c, _plan p
            WHERE c.day = _raw.day AND t.person = _raw.person AND t.wk = c.wk
              AND p.plan = _raw.plan AND (p.hkinds IS NULL OR list_contains(p.hkinds, _raw.kind))"""
    )
