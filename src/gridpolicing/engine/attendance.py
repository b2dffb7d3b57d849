"""Attendance records derived from the duty roster and the sign-ins, in one SQL pass.

Per scheduled shift (dataset ``duty_roster``) the person who works it (``swapped_with`` when
set, else ``person``) is judged on their **own** sign-ins (dataset ``sign_ins``; one made
``by`` someone else is never their presence). A sign-in belongs to that person's shift it is
nearest to, from :data:`MARGIN_HOURS` before the shift's start to as long after its end.
Each shift yields:

* ``on_leave`` when leave was asked and approved; the shift is then excused: nothing else;
* otherwise ``present`` when they signed in; ``late`` when the first sign-in came after the
  start (``minutes`` late); ``early_leave`` when the last sign-out came before the end
  (``minutes`` early); ``absent`` (旷工) with neither a sign-in nor a sign-out;
  ``missed_sign_in`` with one but not the other;
* ``unapproved_swap`` for the scheduled ``person`` when ``swapped_with`` is set without
  ``swap_approved``.

Each sign-in made by someone else (代签) yields two ``signed_for_other`` records dated on its
day: ``party`` ``signer`` for the one who made it, ``signed_for`` for the one it names.

The relation :data:`ATTENDANCE_COLUMNS` is built once per evaluation; beside it, the roster
days (``person, unit, date``: every shift for its scheduled person and its worker) tell a
subject with no shift in a bucket, whose attendance cannot be judged, from one with no
violations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import duckdb

__all__ = ["ATTENDANCE_COLUMNS", "MARGIN_HOURS", "build_attendance"]

MARGIN_HOURS: Final = 2
"""Hours before a shift's start and after its end in which a sign-in still belongs to it."""

ATTENDANCE_COLUMNS: Final = (
    ("id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("person", "VARCHAR"),
    ("unit", "VARCHAR"),
    ("date", "DATE"),
    ("shift", "VARCHAR"),
    ("minutes", "DOUBLE"),
    ("party", "VARCHAR"),
)
"""Columns of the attendance relation: ``id`` is the shift's (or sign-in's) id and the kind
(``R1:late``); ``shift`` the roster id; ``minutes`` is set for ``late`` and ``early_leave``;
``party`` for ``signed_for_other``."""


def build_attendance(
    con: duckdb.DuckDBPyConnection, name: str, days: str, lo: dt.date, hi: dt.date
) -> None:
    """Create the temporary tables ``name`` (attendance records) and ``days`` (roster days) for
    the shifts starting from ``lo`` to ``hi`` and the sign-ins made from ``lo`` to ``hi``."""
    margin = f"INTERVAL {MARGIN_HOURS} HOUR"
    con.execute(
        f"""CREATE TEMP TABLE _att_shifts AS
            SELECT id, person, coalesce(swapped_with, person) AS worker, unit, shift,
                   start, "end", CAST(start AS DATE) AS date,
                   leave AND leave_approved AS excused,
                   swapped_with IS NOT NULL AND NOT swap_approved AS unapproved_swap
            FROM duty_roster
            WHERE CAST(start AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}'"""
    )
    # Each own sign-in goes to the nearest shift of its person within the margin (a sign-in
    # inside a shift is at distance 0; between two shifts, the earlier one wins a tie). The
    # join is on person and day (each day a shift's window touches), so it stays linear.
    con.execute(
        f"""CREATE TEMP TABLE _att_per_shift AS
            WITH days AS (
                SELECT id, worker, start, "end",
                       CAST(unnest(generate_series(CAST(start - {margin} AS DATE),
                                                   CAST("end" + {margin} AS DATE),
                                                   INTERVAL 1 DAY)) AS DATE) AS day
                FROM _att_shifts),
            matched AS (
                SELECT s.id AS shift_id, g.kind, g."at"
                FROM sign_ins g JOIN days s
                  ON s.worker = g.person AND s.day = CAST(g."at" AS DATE)
                 AND g."at" BETWEEN s.start - {margin} AND s."end" + {margin}
                WHERE g."by" IS NULL OR g."by" = g.person
                QUALIFY row_number() OVER (
                    PARTITION BY g.id
                    ORDER BY greatest(epoch(s.start) - epoch(g."at"),
                                      epoch(g."at") - epoch(s."end"), 0), s.start) = 1),
            per AS (
                SELECT shift_id, min("at") FILTER (WHERE kind = 'in') AS first_in,
                       max("at") FILTER (WHERE kind = 'out') AS last_out
                FROM matched GROUP BY shift_id)
            SELECT s.*, p.first_in, p.last_out
            FROM _att_shifts s LEFT JOIN per p ON p.shift_id = s.id"""
    )
    late = "(epoch(first_in) - epoch(start)) / 60.0"
    early = '(epoch("end") - epoch(last_out)) / 60.0'
    judged = "FROM _att_per_shift WHERE NOT excused"
    parts = [
        "SELECT id || ':on_leave', 'on_leave', worker, unit, date, id, NULL, NULL "
        "FROM _att_per_shift WHERE excused",
        f"SELECT id || ':present', 'present', worker, unit, date, id, NULL, NULL {judged} "
        "AND first_in IS NOT NULL",
        f"SELECT id || ':late', 'late', worker, unit, date, id, {late}, NULL {judged} "
        "AND first_in > start",
        f"SELECT id || ':early_leave', 'early_leave', worker, unit, date, id, {early}, NULL "
        f'{judged} AND last_out < "end"',
        f"SELECT id || ':absent', 'absent', worker, unit, date, id, NULL, NULL {judged} "
        "AND first_in IS NULL AND last_out IS NULL",
        f"SELECT id || ':missed_sign_in', 'missed_sign_in', worker, unit, date, id, NULL, NULL "
        f"{judged} AND (first_in IS NULL) <> (last_out IS NULL)",
        "SELECT id || ':unapproved_swap', 'unapproved_swap', person, unit, date, id, NULL, NULL "
        "FROM _att_shifts WHERE unapproved_swap",
        f"""SELECT id || ':' || p.party, 'signed_for_other',
                   CASE p.party WHEN 'signer' THEN "by" ELSE person END,
                   unit, CAST("at" AS DATE), NULL, NULL, p.party
            FROM sign_ins CROSS JOIN (VALUES ('signer'), ('signed_for')) p(party)
            WHERE "by" IS NOT NULL AND "by" <> person
              AND CAST("at" AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}'""",
    ]
    columns = ", ".join(f"{c} {t}" for c, t in ATTENDANCE_COLUMNS)
    con.execute(f"CREATE TEMP TABLE {name} ({columns})")
    con.execute(f"INSERT INTO {name} " + " UNION ALL ".join(parts))
    con.execute(
        f"""CREATE TEMP TABLE {days} AS
            SELECT DISTINCT person, unit, date FROM _att_shifts
            UNION SELECT DISTINCT worker, unit, date FROM _att_shifts"""
    )
    con.execute("DROP TABLE _att_per_shift")
    con.execute("DROP TABLE _att_shifts")
