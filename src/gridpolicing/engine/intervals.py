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
  the shared daily aggregate classifies each record once: an **isolated** record (no other
  record of the same person overlaps it) contributes its full length under any filter, and only
  the few overlapping ones are merged per rule, among the records that rule counts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__all__ = ["build_activity_daily", "daily_time_sql"]


def _ts(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def build_activity_daily(
    con: duckdb.DuckDBPyConnection, name: str, calendar: str, lo: dt.date, hi: dt.date
) -> None:
    """Create ``name``: activities per person, unit, kind and day from ``lo`` to ``hi``.

    Columns: ``person, unit, kind, day``; ``n`` records started that day and ``ids`` their ids;
    ``carried`` ids of records begun on an earlier day and still running; ``hours`` the time of
    isolated records falling on the day; ``overlapping`` the overlapping records' parts of the
    day (``{id, s, e}`` in microseconds since the epoch, or NULL); ``households``,
    ``services``, ``quantity``, ``with_log``, ``with_photo`` of the records started that day.
    ``calendar`` names a relation with a ``day`` column covering ``lo`` to ``hi``.
    """
    con.execute(
        f"""CREATE TEMP TABLE {name} AS
        WITH a AS (
          SELECT id, person, unit, kind, start, "end", households_visited, services_done,
                 quantity, has_work_log, has_photo,
                 CAST(start AS DATE) AS first_day,
                 CASE WHEN "end" > start AND "end" = date_trunc('day', "end")
                      THEN CAST("end" AS DATE) - 1 ELSE CAST("end" AS DATE) END AS last_day,
                 -- sorted by start, no earlier record runs past this start and the next record
                 -- starts at or after this end: nothing of the same person overlaps it
                 coalesce(max("end") OVER (PARTITION BY person ORDER BY start, "end", id
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                          <= start, TRUE)
                 AND coalesce(lead(start) OVER (PARTITION BY person ORDER BY start, "end", id)
                              >= "end", TRUE) AS isolated
          FROM activities
          WHERE "end" >= {_ts(lo)} AND start < {_ts(hi + dt.timedelta(days=1))}
        ),
        seg AS (
          SELECT id, person, unit, kind, first_day AS day, TRUE AS first, isolated,
                 epoch_us(start) AS s, epoch_us("end") AS e, households_visited,
                 services_done, quantity, has_work_log, has_photo
          FROM a
          WHERE first_day = last_day AND first_day BETWEEN DATE '{lo}' AND DATE '{hi}'
          UNION ALL
          SELECT a.id, a.person, a.unit, a.kind, c.day, c.day = a.first_day, a.isolated,
                 greatest(epoch_us(a.start), epoch_us(CAST(c.day AS TIMESTAMP))),
                 least(epoch_us(a."end"), epoch_us(CAST(c.day + 1 AS TIMESTAMP))),
                 a.households_visited, a.services_done, a.quantity, a.has_work_log, a.has_photo
          FROM a JOIN {calendar} c ON c.day BETWEEN a.first_day AND a.last_day
          WHERE a.first_day < a.last_day
        )
        SELECT person, unit, kind, day,
               count(*) FILTER (WHERE first) AS n,
               coalesce(sum(e - s) FILTER (WHERE isolated), 0) / 3.6e9 AS hours,
               coalesce(sum(households_visited) FILTER (WHERE first), 0) AS households,
               coalesce(sum(services_done) FILTER (WHERE first), 0) AS services,
               coalesce(sum(quantity) FILTER (WHERE first), 0) AS quantity,
               count(*) FILTER (WHERE first AND has_work_log) AS with_log,
               count(*) FILTER (WHERE first AND has_photo) AS with_photo,
               list(id) FILTER (WHERE first) AS ids,
               list(id) FILTER (WHERE NOT first) AS carried,
               list({{'id': id, 's': s, 'e': e}}) FILTER (WHERE NOT isolated) AS overlapping
        FROM seg GROUP BY person, unit, kind, day"""
    )


def daily_time_sql(daily: str, su: str, person_subject: bool, where: str = "TRUE") -> str:
    """The time each subject's counted records cover on each day of its bucket.

    ``daily`` is the relation of :func:`build_activity_daily`; ``su`` has one row per subject,
    bucket and counted unit (``subject_type, subject_id, bucket, bstart, bend, unit``). A person
    subject counts their own records in those units; a unit subject counts everyone's records in
    it, merged per person. ``where`` filters the daily rows (alias ``d``), e.g. by kind.

    Result: ``subject_type, subject_id, bucket, person, day, hours`` (merged), ``n`` (records
    started that day) and ``ids`` (every record touching the day).
    """
    who = "AND d.person = su.subject_id" if person_subject else ""
    key = "subject_type, subject_id, bucket, person, day"
    return f"""(
        WITH j AS (
          SELECT su.subject_type, su.subject_id, su.bucket, d.person, d.day, d.hours, d.n,
                 d.ids, d.carried, d.overlapping
          FROM {su} su JOIN {daily} d
            ON d.unit = su.unit AND d.day BETWEEN su.bstart AND su.bend {who}
          WHERE {where}
        ),
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
          SELECT {key}, sum(greatest(0, e - greatest(s, coalesce(reach, s)))) / 3.6e9 AS hours
          FROM o GROUP BY ALL
        ),
        p AS (
          SELECT {key}, sum(hours) AS hours, sum(n) AS n,
                 flatten(list(list_concat(coalesce(ids, []), coalesce(carried, [])))) AS ids
          FROM j GROUP BY ALL
        )
        SELECT p.subject_type, p.subject_id, p.bucket, p.person, p.day,
               p.hours + coalesce(m.hours, 0) AS hours, p.n, p.ids
        FROM p LEFT JOIN merged m USING (subject_type, subject_id, bucket, person, day)
    )"""
