"""Measured quantities that may order subjects with equal totals (declared tie-breakers).

A scheme's ``ranking.tie_breakers`` name them (:class:`~gridpolicing.assessment.models.TieBreaker`);
each is a count or sum of the subject's own records in the period, so renaming ids never moves a
subject. They are measured only when declared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from gridpolicing.assessment.models import TieBreaker

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.engine.context import PlanContext

__all__ = ["activity_measures", "finding_counts", "tie_key"]

Key = tuple[str, str, str]  # subject_type, subject_id, bucket

ACTIVITY_MEASURES = {
    TieBreaker.more_activities: "d.n",
    TieBreaker.more_households_visited: "d.households",
}
# Time is counted in one place (engine/intervals.py): split by day, overlaps merged.
HOURS = TieBreaker.more_activity_hours


def finding_counts(con: duckdb.DuckDBPyConnection) -> dict[Key, tuple[int, int]]:
    """``{key: (passed, failed)}`` findings of each subject whose bucket ends in its period."""
    rows = con.execute(
        """SELECT s.subject_type, s.subject_id, s.bucket,
                  count(*) FILTER (WHERE f.status = 'pass'),
                  count(*) FILTER (WHERE f.status = 'fail')
           FROM _as_subjects s JOIN _findings f
             ON f.subject_type = s.subject_type AND f.subject_id = s.subject_id
            AND f.bucket_end BETWEEN s.bstart AND s.bend
           GROUP BY ALL"""
    ).fetchall()
    return {(r[0], r[1], r[2]): (int(r[3]), int(r[4])) for r in rows}


def activity_measures(
    con: duckdb.DuckDBPyConnection,
    ctx: PlanContext,
    wanted: Sequence[TieBreaker],
    person_subject: bool,
) -> dict[Key, dict[str, float]]:
    """The declared activity tie-breakers of each subject-period (all kinds of activity).

    A person's own activities in the units they are assigned to; a unit's activities logged in
    it (the same reading as an item's ``from_metric``). No activity measures 0.
    """
    su = """(SELECT subject_type, subject_id, bucket, bstart, bend, unnest(units) AS unit
             FROM _as_subjects)"""
    out: dict[Key, dict[str, float]] = {}
    names = [t for t in wanted if t in ACTIVITY_MEASURES]
    if names:
        sums = ", ".join(f"coalesce(sum({ACTIVITY_MEASURES[t]}), 0)" for t in names)
        rows = con.execute(
            f"""WITH su AS {su}
                SELECT su.subject_type, su.subject_id, su.bucket, {sums}
                FROM su LEFT JOIN {ctx.activity_daily} d
                  ON d.unit = su.unit AND d.day BETWEEN su.bstart AND su.bend
                 AND (su.subject_type = 'unit' OR d.person = su.subject_id)
                GROUP BY ALL"""
        ).fetchall()
        for r in rows:
            values = out.setdefault((r[0], r[1], r[2]), {})
            for t, v in zip(names, r[3:], strict=True):
                values[t.value] = round(float(v), 6)
    if HOURS in wanted:
        rows = con.execute(
            f"""WITH su AS {su}, t AS ({ctx.daily_time("su", person_subject)})
                SELECT s.subject_type, s.subject_id, s.bucket, coalesce(sum(t.us), 0) / 3.6e9
                FROM (SELECT DISTINCT subject_type, subject_id, bucket FROM su) s
                LEFT JOIN t USING (subject_type, subject_id, bucket)
                GROUP BY ALL"""
        ).fetchall()
        for r in rows:
            out.setdefault((r[0], r[1], r[2]), {})[HOURS.value] = round(float(r[3]), 6)
    return out


def tie_key(tie_breakers: Sequence[TieBreaker], measures: Mapping[str, float]) -> tuple[float, ...]:
    """The sort key of the declared tie-breakers, smaller first (``more_*`` values negated)."""
    return tuple(
        measures[t.value] if t.value.startswith("fewer_") else -measures[t.value]
        for t in tie_breakers
    )
