"""The activity table, generated column-wise in DuckDB: no Python object per record.

Pipeline (tables are temporary, on one connection):

1. ``_wd``: the days each logger works, chosen per ISO week from the seed, working days first
   (a week of holidays still gets its days: officers stay on duty), plus sensitive days where
   the plan says so; then :class:`~gridpolicing.synth.ops.RemoveDays` changes.
2. ``_raw``: the records each bucket requires (placed on worked days of the bucket), the
   quotas, and filler records drawn from the plan's kind mix; then the record changes.
3. Hours (:mod:`gridpolicing.synth.hours`): for plans with a daily minimum, each worked
   day's records are scaled to a target drawn above it; for plans with a weekly minimum, each
   person-week's records are scaled to a target above the minimum (or below it, for an
   injected short week).
4. ``_act``: start and end times (records of a person's day run one after another from
   7:00, never overlapping) and ids ``act-000000001`` in (day, person) order.

Randomness is DuckDB's ``hash`` of the seed and the record's keys, so the same arguments give
the same rows, in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import pyarrow as pa

from gridpolicing.synth.calendar import Day
from gridpolicing.synth.duck import count as _count
from gridpolicing.synth.duck import mod as _mod
from gridpolicing.synth.duck import register as _register
from gridpolicing.synth.hours import day_hours, short_day, week_hours
from gridpolicing.synth.kinds import kinds_table
from gridpolicing.synth.ops import ActivityOp, RecordOp, RemoveDays, ShortWeek, q
from gridpolicing.synth.plans import Plan, Quota, plans_table, reqs_table
from gridpolicing.synth.world import Logger

if TYPE_CHECKING:
    import duckdb

__all__ = ["ACTIVITY_COLUMNS", "build_activities"]

ACTIVITY_COLUMNS: Final = (
    "'act-' || lpad(CAST(rowid + 1 AS VARCHAR), 9, '0') AS id, person, unit, kind, subkind, "
    'start, "end", households_visited, services_done, quantity, has_work_log, has_photo, '
    "hazards_found, hazards_rectified"
)
"""The activity table's columns from ``_act``: ids are row numbers in the table's order."""


def _bucket_keys(d: Day) -> dict[str, object]:
    y, w, _ = d.day.isocalendar()
    m = d.day.month
    return {
        "day": d.day,
        "workday": d.workday,
        "sensitive": d.sensitive,
        "wk": f"{y}-W{w:02d}",
        "mo": f"{d.day.year}-{m:02d}",
        "qt": f"{d.day.year}-Q{(m - 1) // 3 + 1}",
        "hy": f"{d.day.year}-H{(m - 1) // 6 + 1}",
    }


def build_activities(
    con: duckdb.DuckDBPyConnection,
    *,
    seed: int,
    days: Sequence[Day],
    plans: Sequence[Plan],
    loggers: Sequence[Logger],
    quotas: Sequence[Quota] = (),
    ops: Sequence[ActivityOp] = (),
    target: int | None = None,
) -> list[bool]:
    """Create table ``_act`` (the activity table's columns); return which ``ops`` applied."""
    cal = [_bucket_keys(d) for d in days]
    _register(con, "_cal", pa.Table.from_pylist(cal))
    _register(
        con,
        "_log",
        pa.table(
            {
                "lid": pa.array(range(len(loggers)), pa.int64()),
                "person": [lg.person for lg in loggers],
                "unit": [lg.unit for lg in loggers],
                "plan": [lg.plan for lg in loggers],
                "lstart": pa.array([lg.start for lg in loggers], pa.date32()),
                "lend": pa.array([lg.end for lg in loggers], pa.date32()),
            }
        ),
    )
    _register(con, "_plan", plans_table(plans))
    _register(con, "_req", reqs_table(plans))
    _register(con, "_kind", kinds_table())
    s = int(seed)
    applied: list[bool] = [False] * len(ops)
    _worked_days(con, s)
    for i, op in enumerate(ops):
        if isinstance(op, RemoveDays):
            applied[i] = sum(_count(con, sql) for sql in op.sql()) > 0
    _index_days(con)
    _required(con, s)
    for n, quota in enumerate(quotas, 1):
        _quota(con, s, n, quota)
    squeeze = _fill(con, s, target)
    for i, op in enumerate(ops):
        if isinstance(op, RecordOp):
            applied[i] = sum(_count(con, sql) for sql in op.sql()) > 0
    day_hours(con, s)
    for i, op in enumerate(ops):
        if isinstance(op, RemoveDays) and op.short_first:
            applied[i] = short_day(con, s, op)
    short = [op for op in ops if isinstance(op, ShortWeek)]
    week_hours(con, s, short)
    for i, op in enumerate(ops):
        if isinstance(op, ShortWeek):
            applied[i] = True
    _finish(con, q(days[0].day) if days else "DATE '2000-01-01'", squeeze)
    return applied


def _worked_days(con: duckdb.DuckDBPyConnection, s: int) -> None:
    span = "p.dmax - p.dmin + 1"
    # Days are chosen per person and plan (a person serving three villages works five days a
    # week, not fifteen); each chosen day goes to one of the person's units held that day.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _wd0 AS
        WITH ld AS (
          SELECT l.lid, l.person, l.unit, l.plan, c.*,
                 row_number() OVER (PARTITION BY l.person, l.plan, c.day ORDER BY l.unit, l.lid)
                   - 1 AS k,
                 count(*) OVER (PARTITION BY l.person, l.plan, c.day) AS nl
          FROM _log l JOIN _cal c ON c.day BETWEEN l.lstart AND l.lend),
        pd AS (
          SELECT person, plan, day, any_value(workday) AS workday,
                 any_value(sensitive) AS sensitive, any_value(wk) AS wk
          FROM ld GROUP BY person, plan, day),
        chosen AS (
          SELECT person, plan, day FROM (
            SELECT pd.*, p.sens, p.allwd,
                   row_number() OVER (PARTITION BY pd.person, pd.plan, pd.wk
                                      ORDER BY pd.workday DESC, hash({s}, pd.person, pd.day)) AS r,
                   p.dmin + {_mod(f"hash({s}, pd.person, pd.plan, pd.wk, 1)", span)} AS dn
            FROM pd JOIN _plan p ON p.plan = pd.plan)
          WHERE r <= dn OR (sens AND sensitive) OR (allwd AND workday))
        SELECT ld.lid, ld.person, ld.unit, ld.plan, ld.day, ld.workday, ld.sensitive, ld.wk,
               ld.mo, ld.qt, ld.hy
        FROM ld JOIN chosen c ON c.person = ld.person AND c.plan = ld.plan AND c.day = ld.day
        WHERE ld.k = {_mod(f"hash({s}, ld.person, ld.day, 4)", "ld.nl")}"""
    )


def _index_days(con: duckdb.DuckDBPyConnection) -> None:
    parts = []
    for b in ("wk", "mo", "qt", "hy"):
        parts.append(f"row_number() OVER (PARTITION BY lid, {b} ORDER BY day) AS i_{b}")
        parts.append(f"count(*) OVER (PARTITION BY lid, {b}) AS n_{b}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _wd AS SELECT *, {', '.join(parts)} FROM _wd0")


_RAW: Final = """lid BIGINT, person VARCHAR, unit VARCHAR, plan VARCHAR, day DATE, oday DATE,
    src INTEGER, seq BIGINT, kind VARCHAR, subkind VARCHAR, minutes BIGINT, households BIGINT,
    services BIGINT, quantity BIGINT, hz_found BIGINT, hz_rect BIGINT, log BOOLEAN,
    photo BOOLEAN"""


def _shaped(s: int, source: str, src: int) -> str:
    """Records of ``source`` (lid, person, unit, plan, day, seq, kind, subkind, hlo, hhi, slo,
    shi, log, photo) with their other fields drawn from the kind's shape.

    Two hashes per record give all the draws (16-bit slices of them), which keeps ten million
    records to a few seconds.
    """

    def pick(lo: str, hi: str, h: str, shift: int) -> str:
        return f"({lo} + {_mod(f'{h} >> {shift}', f'{hi} - {lo} + 1')})"

    def chance(h: str, shift: int, p: str) -> str:
        return f"((({h} >> {shift}) & 65535) / 65536.0 < {p})"

    found = _mod("r.h2 >> 16", "k.hz + 1")
    return f"""SELECT r.lid, r.person, r.unit, r.plan, r.day, r.day AS oday, {src} AS src,
          r.seq, r.kind,
          coalesce(r.subkind, CASE WHEN len(k.sk) > 0
                   THEN k.sk[1 + {_mod("r.h2 >> 48", "len(k.sk)")}] END) AS subkind,
          {pick("k.mlo", "k.mhi", "r.h1", 0)} AS minutes,
          CASE WHEN r.hhi IS NOT NULL THEN {pick("r.hlo", "r.hhi", "r.h1", 16)}
               ELSE {pick("k.hlo", "k.hhi", "r.h1", 16)} END AS households,
          CASE WHEN r.shi IS NOT NULL THEN {pick("r.slo", "r.shi", "r.h1", 32)}
               ELSE {pick("k.slo", "k.shi", "r.h1", 32)} END AS services,
          {pick("k.qlo", "k.qhi", "r.h1", 48)} AS quantity,
          {found} AS hz_found,
          {found} - CASE WHEN {found} > 0 AND {_mod("r.h2", "5")} = 0 THEN 1 ELSE 0 END AS hz_rect,
          coalesce(r.log, {chance("r.h2", 24, "p.log_p")}) AS log,
          coalesce(r.photo, {chance("r.h2", 40, "p.photo_p")}) AS photo
        FROM (SELECT *, hash({s}, lid, day, seq, 11) AS h1, hash({s}, lid, day, seq, 12) AS h2
              FROM ({source})) r
        JOIN _kind k ON k.kind = r.kind JOIN _plan p ON p.plan = r.plan"""


def _required(con: duckdb.DuckDBPyConnection, s: int) -> None:
    placed = " OR ".join(
        f"(r.period = '{period}' AND w.i_{b} = 1 + "
        f"({_mod(f'hash({s}, w.lid, w.{b}, r.rq)', '1000003')} + r.j) % w.n_{b})"
        for period, b in (("week", "wk"), ("month", "mo"), ("quarter", "qt"), ("half_year", "hy"))
    )
    source = f"""SELECT w.lid, w.person, w.unit, w.plan, w.day, r.rq * 100 + r.j AS seq, r.kind,
                        r.subkind, r.hlo, r.hhi, r.slo, r.shi, r.log, r.photo
                 FROM _wd w JOIN _req r ON r.plan = w.plan
                 WHERE r.period = 'day' OR (r.period = 'sensitive' AND w.sensitive) OR {placed}"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _raw ({_RAW})")
    con.execute(f"INSERT INTO _raw {_shaped(s, source, 0)}")


def _apportion(source: str, total: str, keys: str) -> str:
    """Split ``total`` over the rows of ``source`` (with an integer ``w``) by largest remainder;
    integer arithmetic only, so the split never depends on summation order."""
    return f"""SELECT * EXCLUDE (ww, fl, rem, rk, lft),
                      CAST(fl + CASE WHEN rk <= lft THEN 1 ELSE 0 END AS BIGINT) AS share FROM (
                 SELECT *, row_number() OVER (ORDER BY rem DESC, {keys}) AS rk,
                        ({total}) - sum(fl) OVER () AS lft FROM (
                   SELECT *, ({total}) * w // ww AS fl, ({total}) * w % ww AS rem FROM (
                     SELECT *, sum(w) OVER () AS ww FROM ({source}))))"""


def _quota(con: duckdb.DuckDBPyConnection, s: int, n: int, quota: Quota) -> None:
    cells = f"""SELECT lid, mo, count(*) AS n_mo,
                       1 + {_mod(f"hash({s}, lid, mo, {n})", "1000")} AS w
                FROM _wd WHERE plan = {q(quota.plan)} GROUP BY lid, mo"""
    ncells = _count(con, f"SELECT count(*) FROM ({cells})")
    if ncells == 0:
        return
    spread = max(0, quota.records - quota.base * ncells)
    alloc = _apportion(cells, str(spread), "lid, mo")
    seq0 = 10_000_000 * n
    source = f"""SELECT w.lid, w.person, w.unit, w.plan, w.day, {seq0} + a.j AS seq,
                        {q(quota.kind)} AS kind, {q(quota.subkind or "")} AS subkind,
                        NULL AS hlo, NULL AS hhi, NULL AS slo, NULL AS shi,
                        NULL AS log, NULL AS photo
                 FROM (SELECT lid, mo, n_mo, unnest(range({quota.base} + share)) AS j
                       FROM ({alloc})) a
                 JOIN _wd w ON w.lid = a.lid AND w.mo = a.mo
                  AND w.i_mo = 1 + ({_mod(f"hash({s}, a.lid, a.mo, {n}, 5)", "1000003")}
                                    + a.j) % a.n_mo"""
    con.execute(f"INSERT INTO _raw {_shaped(s, source, 2)}")
    con.execute("UPDATE _raw SET subkind = NULL WHERE src = 2 AND subkind = ''")
    if quota.field is None:
        return
    rows = f"""SELECT lid, oday, seq, 1 + {_mod(f"hash({s}, lid, oday, seq, 6)", "1000")} AS w
               FROM _raw WHERE src = 2 AND seq >= {seq0} AND seq < {seq0 + 10_000_000}"""
    nrec = _count(con, f"SELECT count(*) FROM ({rows})")
    vbase = quota.vbase if quota.total >= quota.vbase * nrec else 0
    spread_v = max(0, quota.total - vbase * nrec)
    value = f"{vbase} + v.share"
    sets = {
        "quantity": f"quantity = {value}",
        "services": f"services = {value}",
        "hazards": f"hz_found = {value}, hz_rect = {value}",
    }[quota.field]
    con.execute(
        f"""UPDATE _raw SET {sets} FROM ({_apportion(rows, str(spread_v), "lid, oday, seq")}) v
            WHERE _raw.lid = v.lid AND _raw.oday = v.oday AND _raw.seq = v.seq AND _raw.src = 2"""
    )


def _fill(con: duckdb.DuckDBPyConnection, s: int, target: int | None) -> float:
    """Filler records; returns how much to shorten records (1.0: not at all)."""
    factor = 1.0
    if target is not None:
        have = _count(con, "SELECT count(*) FROM _raw")
        expected = con.execute(
            "SELECT sum(p.per_day) FROM _wd w JOIN _plan p USING (plan)"
        ).fetchall()[0][0]
        factor = max(0.0, (target - have) / float(expected)) if expected else 0.0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _pfill AS SELECT plan, per_day, len(karr) AS nslot "
        "FROM _plan WHERE len(karr) > 0"
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _slot AS
           SELECT plan, CAST(generate_subscripts(karr, 1) - 1 AS BIGINT) AS slot,
                  unnest(karr) AS kind, len(karr) AS nslot
           FROM _plan WHERE len(karr) > 0"""
    )
    per_day = f"(p.per_day * {factor!r})"
    u = f"(hash({s}, w.lid, w.day, 3) >> 11) / 9007199254740992.0"
    source = f"""SELECT f.lid, f.person, f.unit, f.plan, f.day, 1000000 + f.j AS seq, k.kind,
                        NULL AS subkind, NULL AS hlo, NULL AS hhi, NULL AS slo, NULL AS shi,
                        NULL AS log, NULL AS photo
                 FROM (SELECT w.lid, w.person, w.unit, w.plan, w.day, p.nslot,
                              unnest(range(CAST(floor({per_day} + {u}) AS BIGINT))) AS j
                       FROM _wd w JOIN _pfill p ON p.plan = w.plan) f
                 JOIN _slot k ON k.plan = f.plan
                  AND k.slot = {_mod(f"hash({s}, f.lid, f.day, f.j, 2)", "f.nslot")}"""
    con.execute(f"INSERT INTO _raw {_shaped(s, source, 1)}")
    if factor <= 1.0:
        return 1.0
    usual = _count(con, "SELECT count(*) FROM _wd")
    density = _count(con, "SELECT count(*) FROM _raw") / max(1, usual)
    return min(1.0, 6.0 / density)


def _finish(con: duckdb.DuckDBPyConnection, day0: str, squeeze: float) -> None:
    """Times, and the final order (day, person, then logger and record): ``_act``'s row order
    is the id order, so ids come from row numbers when the table is written.

    A person's records of a day run one after another from 7:00 (earlier when they add up to
    more than 17 hours, so the day still ends by midnight; a day holding more than 24 hours of
    records, which only very dense synthetic years produce, has its records shortened to fit).
    Records never overlap and never cross midnight, as a real day's log would not: the engine
    merges overlapping records and splits a record across the days it spans, so overlapping
    synthetic records would credit less time than the truth says. When further records were
    asked for beyond a plan's usual density, the records of plans with no weekly minimum are
    shortened by ``squeeze`` so a day's logged time stays plausible (plans with a daily minimum
    are not: their days were scaled to it).
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _pk AS SELECT person, "
        "row_number() OVER (ORDER BY person) AS pk FROM (SELECT DISTINCT person FROM _raw)"
    )
    per_mille = max(1, round(squeeze * 1000))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _act AS
        WITH o AS (
          SELECT r.*, date_diff('day', {day0}, r.day) * 10000000 + k.pk AS pd,
                 (r.lid * 1000 + date_diff('day', {day0}, r.oday)) * 1000000000 + r.seq AS ord,
                 CASE WHEN p.hours_min IS NULL AND p.day_min IS NULL
                      THEN greatest(1, r.minutes * {per_mille} // 1000) ELSE r.minutes END AS len0
          FROM _raw r JOIN _pk k ON k.person = r.person
          LEFT JOIN _plan p ON p.plan = r.plan),
        d AS (
          SELECT *, sum(len0) OVER (PARTITION BY pd) AS total FROM o),
        f AS (
          SELECT *, CASE WHEN total > 1440 THEN greatest(1, len0 * 1440 // total)
                         ELSE len0 END AS len
          FROM d),
        t AS (
          SELECT *, CAST(day AS TIMESTAMP) + to_minutes(CAST(
                   least(420, greatest(0, 1440 - sum(len) OVER (PARTITION BY pd)))
                   + coalesce(sum(len) OVER (PARTITION BY pd ORDER BY ord
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                              0) AS BIGINT)) AS t0
          FROM f)
        SELECT person, unit, kind, subkind, t0 AS start,
               t0 + to_minutes(CAST(len AS BIGINT)) AS "end",
               households AS households_visited, services AS services_done, quantity,
               log AS has_work_log, photo AS has_photo, hz_found AS hazards_found,
               hz_rect AS hazards_rectified, day
        FROM t ORDER BY pd, ord"""
    )
    con.execute("DROP TABLE _raw")
