"""The same three rules two ways, side by side: the engine and one hand-written DuckDB query.

The rules (weekly time commitment of 8 h, one dispute screening a week, every locality staffed
each month) are a policy of their own (:data:`THREE_RULES`). :data:`HAND_WRITTEN` is what a
competent analyst would write for the same metrics over 2022 without the engine: it computes
the same statuses and values, so the two are compared finding by finding (:func:`side_by_side`):

* weeks belong to the year holding their Sunday; 2021-W52 (from Monday 27 December) is judged
  only when the data reaches back to that Monday, as the engine's window does;
* an officer is judged for each week they hold one of the roles on any day, in the units of
  those assignments, and is not applicable for a week they do not hold the role all of;
* hours are time in those units, records split at midnight (one ending at 00:00 does not touch
  the next day) and a person's overlapping records merged per day, summed in microseconds;
* staffing is a snapshot of the assignments held on the month's last day.

It lists no evidence (the engine resolves the ids behind its failing findings): that work is
part of what the engine is timed for.
"""

from __future__ import annotations

import time
from typing import Any

THREE_RULES: dict[str, Any] = {
    "id": "bench-three-rules",
    "jurisdiction": "benchmark",
    "title": {"zh": "基准三规则", "en": "benchmark: three rules"},
    "sources": [{"id": "bench", "title": "benchmark", "issuer": "gridpolicing"}],
    "rules": [
        {
            "id": "weekly-hours",
            "kind": "time_commitment",
            "period": "week",
            "min_hours": 8,
            "subject": {"people": {"roles": ["community_officer", "dispatched_officer"]}},
        },
        {
            "id": "weekly-screening",
            "kind": "cadence",
            "period": "week",
            "min_count": 1,
            "count": {"activities": ["dispute_screening"]},
            "subject": {"people": {"roles": ["community_officer", "dispatched_officer"]}},
        },
        {
            "id": "village-staffed",
            "kind": "staffing",
            "period": "month",
            "min_people": 1,
            "roles": ["community_officer", "dispatched_officer"],
            "subject": {"units": {"type": "locality"}},
        },
    ],
}
for _r in THREE_RULES["rules"]:
    _r.update(
        {
            "title": {"zh": _r["id"], "en": _r["id"]},
            "severity": "major",
            "citation": {"source": "bench", "quote": "基准"},
        }
    )

HAND_WRITTEN = """
WITH
roles(role) AS (VALUES ('community_officer'), ('dispatched_officer')),
a AS (SELECT person, unit, start, coalesce("end", DATE '9999-12-31') AS stop
      FROM assignments WHERE role IN (SELECT role FROM roles)),
-- the dataset's first day of records: a week starting before the year is judged only if
-- the data reaches back to its Monday
data_from AS (
  SELECT min(d) AS d FROM (
    SELECT min(CAST(start AS DATE)) FROM activities UNION ALL SELECT min(date) FROM meetings
    UNION ALL SELECT min(date) FROM reports UNION ALL SELECT min(CAST(start AS DATE)) FROM tasks
    UNION ALL SELECT min(date) FROM incidents
    UNION ALL SELECT min(CAST(start AS DATE)) FROM duty_roster
    UNION ALL SELECT min(CAST("at" AS DATE)) FROM sign_ins UNION ALL SELECT min(date) FROM surveys
    UNION ALL SELECT min(date) FROM assessor_scores) t(d)),
-- ISO weeks whose Sunday falls in 2022
weeks AS (
  SELECT CAST(m AS DATE) AS bstart, CAST(m AS DATE) + 6 AS bend,
         strftime(m, '%G-W%V') AS bucket
  FROM range(DATE '2021-12-27', DATE '2022-12-26', INTERVAL 7 DAY) r(m)
  WHERE CAST(m AS DATE) >= DATE '2022-01-01' OR (SELECT d FROM data_from) <= CAST(m AS DATE)),
-- each officer in each week they hold the role: their units, and whether they hold it all week
s AS (
  SELECT a.person, w.bucket, w.bstart, w.bend, list(DISTINCT a.unit) AS units,
         min(a.start) <= w.bstart AND max(a.stop) >= w.bend AS full_week
  FROM a JOIN weeks w ON a.start <= w.bend AND a.stop >= w.bstart
  GROUP BY a.person, w.bucket, w.bstart, w.bend),
su AS (SELECT person, bucket, bstart, bend, unnest(units) AS unit FROM s),
-- the officers' activities split at midnight (a record ending at 00:00 does not touch the next day)
x AS (
  SELECT person, unit, epoch_us(start) AS s, epoch_us("end") AS e, CAST(start AS DATE) AS d0,
         CAST("end" AS DATE) - CASE WHEN "end" > start AND "end" = date_trunc('day', "end")
                                    THEN 1 ELSE 0 END AS d1
  FROM activities
  WHERE person IN (SELECT person FROM a) AND "end" >= TIMESTAMP '2021-12-27'
    AND start < TIMESTAMP '2023-01-01'),
parts AS (
  SELECT person, unit, d0 AS day, s, e FROM x WHERE d0 = d1
  UNION ALL
  SELECT person, unit, day, greatest(s, epoch_us(CAST(day AS TIMESTAMP))),
         least(e, epoch_us(CAST(day AS TIMESTAMP) + INTERVAL 1 DAY))
  FROM (SELECT *, CAST(unnest(generate_series(d0, d1, INTERVAL 1 DAY)) AS DATE) AS day
        FROM x WHERE d0 < d1)),
-- the parts in the officer's units of the week, overlapping parts merged per person and day
p AS (
  SELECT su.person, su.bucket, p.day, p.s, p.e,
         max(p.e) OVER (PARTITION BY su.person, su.bucket, p.day ORDER BY p.s, p.e
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
  FROM su JOIN parts p ON p.person = su.person AND p.unit = su.unit
                      AND p.day BETWEEN su.bstart AND su.bend),
hours AS (
  SELECT person, bucket, sum(greatest(0, e - greatest(s, coalesce(reach, s)))) / 3.6e9 AS h
  FROM p GROUP BY person, bucket),
screenings AS (
  SELECT s.person, s.bucket, count(*) AS n
  FROM s JOIN activities x ON x.person = s.person AND list_contains(s.units, x.unit)
   AND x.kind = 'dispute_screening' AND CAST(x.start AS DATE) BETWEEN s.bstart AND s.bend
  GROUP BY s.person, s.bucket),
months AS (
  SELECT CAST(m AS DATE) AS bstart, CAST(m + INTERVAL 1 MONTH AS DATE) - 1 AS bend,
         strftime(m, '%Y-%m') AS bucket
  FROM range(DATE '2022-01-01', DATE '2023-01-01', INTERVAL 1 MONTH) r(m)),
-- localities and the officers assigned to them on the month's last day
staffed AS (
  SELECT u.id, m.bucket, m.bstart, m.bend,
         (SELECT count(DISTINCT a.person) FROM a
          WHERE a.unit = u.id AND a.start <= m.bend AND a.stop >= m.bend) AS n
  FROM units u CROSS JOIN months m WHERE u.type = 'locality')
SELECT 'weekly-hours' AS rule, 'person' AS subject_type, s.person AS subject_id, s.bucket,
       CASE WHEN NOT s.full_week THEN 'not_applicable'
            WHEN coalesce(h.h, 0) >= 8 THEN 'pass' ELSE 'fail' END AS status,
       coalesce(h.h, 0) AS measured, 8.0 AS required
FROM s LEFT JOIN hours h USING (person, bucket)
UNION ALL
SELECT 'weekly-screening', 'person', s.person, s.bucket,
       CASE WHEN NOT s.full_week THEN 'not_applicable'
            WHEN coalesce(c.n, 0) >= 1 THEN 'pass' ELSE 'fail' END,
       coalesce(c.n, 0), 1.0
FROM s LEFT JOIN screenings c USING (person, bucket)
UNION ALL
SELECT 'village-staffed', 'unit', id, bucket, CASE WHEN n >= 1 THEN 'pass' ELSE 'fail' END, n, 1.0
FROM staffed
"""

# The engine's findings in the hand query's columns; EXCEPT ALL both ways finds any difference.
_ENGINE_ROWS = """
SELECT list_extract(?::VARCHAR[], rule_index + 1) AS rule, subject_type, subject_id, bucket,
       status, measured, required
FROM findings
"""


def side_by_side(ds: Any, policy_file: str, period: str, reps: int = 3) -> dict[str, Any]:
    """Time the engine and the hand-written query alternately (best of ``reps`` each) on the
    loaded dataset ``ds``, and compare their findings: ``agree`` is whether every (rule,
    subject, bucket) has the same status, measured and required value in both."""
    import duckdb

    import gridpolicing

    policy = gridpolicing.load_policy(policy_file)
    engine_s, hand_s = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        report = gridpolicing.evaluate(policy, ds, period)
        t1 = time.perf_counter()
        hand = ds.cursor().sql(HAND_WRITTEN).to_arrow_table()
        t2 = time.perf_counter()
        engine_s.append(t1 - t0)
        hand_s.append(t2 - t1)
    con = duckdb.connect()
    con.register("findings", report.findings_table)
    con.register("hand", hand)
    rules = [r.id for r in policy.rules]
    con.execute(f"CREATE TABLE engine AS {_ENGINE_ROWS}", [rules])
    differ = con.sql(
        "SELECT count(*) FROM (SELECT * FROM engine EXCEPT ALL SELECT * FROM hand) UNION ALL "
        "SELECT count(*) FROM (SELECT * FROM hand EXCEPT ALL SELECT * FROM engine)"
    ).fetchall()
    return {
        "engine": min(engine_s),
        "duckdb": min(hand_s),
        "findings": len(report),
        "differ": sum(int(n) for (n,) in differ),
        "agree": all(int(n) == 0 for (n,) in differ),
    }
