"""Time on activity intervals: split across days, overlaps merged. The one place time is counted.

Every measure that reads how long people worked goes through these two relations, so a rule
kind never does its own time arithmetic (docs/policy-language.md, "How time is counted"):

* **Split by day.** An activity contributes to each day the part of its interval that falls in
  it: a visit from Sunday 22:00 to Monday 02:00 is 2 h on Sunday and 2 h on Monday, so 2 h in
  each ISO week. An activity that starts before the days read still counts where it runs into
  them. A record ending exactly at midnight does not touch the next day.
* **Counted once.** A record is *counted* (``n``, ``ids``, households, services, quantity, work
  log, photo) on the day it starts, so an overnight visit is one visit.
* **Overlaps merged.** A person's intervals are merged before hours are summed, so two
  simultaneous records never count twice. To keep this cheap on tens of millions of records,
  the shared time table looks once at each person's day: on a day where none of the person's
  records overlap, every part counts its full length under any filter; only the parts of the
  (few) days where some overlap are merged per rule, among the records that rule counts.

Counting records needs none of this, so it has its own aggregate by start day
(:func:`build_activity_daily`); the time table (:func:`build_activity_time`) is built only when
a rule or score measures time, and only over the records of the people whose time is measured.

**Record ids only when asked.** Lists of record ids (a finding's evidence) cost as much as the
counting itself, so both relations carry an ``ids`` column only when built with ``ids=True``.
The first pass of an evaluation measures without them; the evidence of failing findings is then
resolved from tables built with ids over the records of those findings' subjects and buckets
only (their ``source``, see engine/evidence.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__all__ = ["ACTIVITY_COLUMNS", "build_activity_daily", "build_activity_time", "daily_time_sql"]

ACTIVITY_COLUMNS = (
    "id",
    "person",
    "unit",
    "kind",
    "start",
    "end",
    "households_visited",
    "services_done",
    "quantity",
    "has_work_log",
    "has_photo",
)
"""The columns of ``activities`` the shared relations read (a ``source`` needs only these)."""


def _ts(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def build_activity_daily(
    con: duckdb.DuckDBPyConnection,
    name: str,
    lo: dt.date,
    hi: dt.date,
    *,
    ids: bool = False,
    source: str = "activities",
) -> None:
    """Create ``name``: the activities that start from ``lo`` to ``hi``, per person, unit, kind
    and start day (counts: ``n``, ``households``, ``services``, ``quantity``, ``with_log``,
    ``with_photo``; with ``ids``, the list of record ``ids``), read from ``source`` (a table
    with the :data:`ACTIVITY_COLUMNS` of ``activities``). Time is not here: see
    :func:`build_activity_time`."""
    id_list = ", list(id) AS ids" if ids else ""
    con.execute(
        f"""CREATE TEMP TABLE {name} AS
        SELECT person, unit, kind, CAST(start AS DATE) AS day,
               count(*) AS n,
               sum(households_visited) AS households,
               sum(services_done) AS services,
               sum(quantity) AS quantity,
               count(*) FILTER (WHERE has_work_log) AS with_log,
               count(*) FILTER (WHERE has_photo) AS with_photo
               {id_list}
        FROM {source}
        WHERE CAST(start AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}'
        GROUP BY ALL"""
    )


def _parts_sql(
    calendar: str,
    lo: dt.date,
    hi: dt.date,
    people: str | None = None,
    source: str = "activities",
) -> str:
    """Every day part of every activity of ``source`` touching ``lo`` to ``hi`` (of ``people``
    only, when given): ``id, person, unit, kind, day, s, e`` (microseconds since the epoch)."""
    who = f"AND person IN (SELECT person FROM {people})" if people is not None else ""
    return f"""(
        WITH a AS (
          SELECT id, person, unit, kind, epoch_us(start) AS s, epoch_us("end") AS e,
                 CAST(start AS DATE) AS first_day,
                 CASE WHEN "end" > start AND "end" = date_trunc('day', "end")
                      THEN CAST("end" AS DATE) - 1 ELSE CAST("end" AS DATE) END AS last_day
          FROM {source}
          WHERE "end" >= {_ts(lo)} AND start < {_ts(hi + dt.timedelta(days=1))} {who}
        )
        SELECT id, person, unit, kind, first_day AS day, s, e
        FROM a WHERE first_day = last_day AND first_day BETWEEN DATE '{lo}' AND DATE '{hi}'
        UNION ALL
        SELECT a.id, a.person, a.unit, a.kind, c.day,
               greatest(a.s, epoch_us(CAST(c.day AS TIMESTAMP))),
               least(a.e, epoch_us(CAST(c.day + 1 AS TIMESTAMP)))
        FROM a JOIN {calendar} c ON c.day BETWEEN a.first_day AND a.last_day
        WHERE a.first_day < a.last_day
    )"""


def build_activity_time(
    con: duckdb.DuckDBPyConnection,
    name: str,
    calendar: str,
    lo: dt.date,
    hi: dt.date,
    people: str | None = None,
    *,
    ids: bool = False,
    source: str = "activities",
) -> bool:
    """Create ``name``: the time of activities per person, unit, kind and day, ``lo`` to ``hi``.

    Columns: ``person, unit, kind, day``; ``us``, the time (microseconds) of the day's parts on
    days where none of the person's records overlap; ``overlapping``, the parts (``{s, e}``,
    microseconds since the epoch) on days where some do, or NULL; with ``ids``, ``ids``: every
    record touching the day. ``calendar`` names a relation with a ``day`` column covering ``lo`` to
    ``hi``; ``people``, when given, is a relation of the ``person`` ids whose time is measured
    (the rest are left out); ``source`` is the table read (with the :data:`ACTIVITY_COLUMNS`).
    Returns whether any day has overlapping records.
    """
    parts = _parts_sql(calendar, lo, hi, people, source)
    # A day's parts overlap exactly when, both sorted, some end comes after the next start:
    # with starts s(1) <= s(2) ... and ends e(1) <= e(2) ..., no instant is covered twice iff
    # e(i) <= s(i + 1) for every i. Sorting each person's day in a list is far cheaper than a
    # window over every record.
    con.execute(
        f"""CREATE TEMP TABLE {name}_crowded AS
        SELECT person, day FROM (
          SELECT person, day, list_sort(list(s)) AS ss, list_sort(list(e)) AS es
          FROM {parts} GROUP BY person, day HAVING count(*) > 1)
        WHERE list_bool_or(list_transform(ss[2:], lambda x, i: x < es[i]))"""
    )
    [(crowded,)] = con.execute(f"SELECT count(*) FROM {name}_crowded").fetchall()
    if crowded:
        join = f"LEFT JOIN {name}_crowded c ON c.person = p.person AND c.day = p.day"
        hours = "coalesce(sum(p.e - p.s) FILTER (WHERE c.person IS NULL), 0)"
        overlapping = "list({'s': p.s, 'e': p.e}) FILTER (WHERE c.person IS NOT NULL)"
    else:
        join, hours, overlapping = "", "sum(p.e - p.s)", "NULL"
    id_list = ", list(p.id) AS ids" if ids else ""
    con.execute(
        f"""CREATE TEMP TABLE {name} AS
        SELECT p.person, p.unit, p.kind, p.day, {hours} AS us,
               {overlapping} AS overlapping {id_list}
        FROM {parts} p {join}
        GROUP BY ALL"""
    )
    return bool(crowded)


def daily_time_sql(
    daily: str,
    su: str,
    person_subject: bool,
    where: str = "TRUE",
    *,
    merge: bool = True,
    ids: bool = False,
) -> str:
    """The time each subject's counted records cover on each day of its bucket.

    ``daily`` is the relation of :func:`build_activity_time`; ``su`` has one row per subject,
    bucket and counted unit (``subject_type, subject_id, bucket, bstart, bend, unit``). A person
    subject counts their own records in those units; a unit subject counts everyone's records in
    it, merged per person. ``where`` filters the daily rows (alias ``d``), e.g. by kind. With
    ``merge`` false (no day has overlapping records) the merging steps are left out.

    Result: ``subject_type, subject_id, bucket, person, day, us`` (the merged time in whole
    microseconds: sum it and divide once, ``sum(us) / 3.6e9`` hours, so a total never depends
    on the order rows are added in) and, when
    ``daily`` was built with ids and ``ids`` is true, ``ids`` (every record touching the day).
    """
    who = "AND d.person = su.subject_id" if person_subject else ""
    key = "subject_type, subject_id, bucket, person, day"
    j = f"""SELECT su.subject_type, su.subject_id, su.bucket, d.person, d.day, d.us,
                     {"d.ids, " if ids else ""}d.overlapping
            FROM {su} su JOIN {daily} d
              ON d.unit = su.unit AND d.day BETWEEN su.bstart AND su.bend {who}
            WHERE {where}"""
    id_list = ", flatten(list(ids)) AS ids" if ids else ""
    p = f"SELECT {key}, sum(us) AS us{id_list} FROM j GROUP BY ALL"
    if not merge:
        return f"(WITH j AS ({j}) {p})"
    return f"""(
        WITH j AS ({j}),
        parts AS (
          SELECT {key}, struct_extract(part, 's') AS s, struct_extract(part, 'e') AS e
          FROM (SELECT {key}, unnest(overlapping) AS part FROM j WHERE overlapping IS NOT NULL) x
        ),
        o AS (
          SELECT {key}, s, e,
                 max(e) OVER (PARTITION BY {key} ORDER BY s, e
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM parts
        ),
        merged AS (
          -- sorted by start, each part adds only what lies beyond every earlier part's end
          SELECT {key}, sum(greatest(0, e - greatest(s, coalesce(reach, s)))) AS us
          FROM o GROUP BY ALL
        ),
        p AS ({p})
        SELECT p.subject_type, p.subject_id, p.bucket, p.person, p.day,
               p.us + coalesce(m.us, 0) AS us{", p.ids" if ids else ""}
        FROM p LEFT JOIN merged m USING (subject_type, subject_id, bucket, person, day)
    )"""
