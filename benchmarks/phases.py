"""Where the time of one load and evaluation goes, by phase (not part of ``make test``)::

    .venv/bin/python benchmarks/phases.py /tmp/bench/xinjin-2022-1000000 chengdu-xinjin-2022 2022

Every SQL statement the loader and the engine run is timed (a wrapper around the DuckDB
connection, so nothing in the library changes) and put in a phase by what it builds: the
activity table's insert and its duplicate-id check, the other tables, the shared tables (the
activity aggregate, the time table, attendance, subjects), the rules' plans, the evidence of
failing findings, the assessment and report. What is not SQL is Python (assessment scoring,
messages, plan building). Best of ``--reps`` runs in this one process.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from typing import Any

import duckdb

_PHASES = (
    (r'^INSERT INTO "activities"', "load: activities, read, checked and inserted"),
    (r"lag\(h\) OVER", "load: duplicate-id checks"),
    (
        r'^(INSERT INTO "|CREATE (TEMP )?(TABLE|VIEW|MACRO)|DESCRIBE|DROP|SELECT count)',
        "load: rest",
    ),
    (r"_ev_|^UPDATE _findings", "evaluate: evidence of failing findings"),
    (r"^INSERT INTO _findings", "evaluate: rule plans"),
    (r"_activity_daily", "evaluate: shared activity aggregate"),
    (r"_activity_time", "evaluate: shared time table"),
    (r"_att_|_attendance|_roster_days", "evaluate: attendance"),
    (r"_subjects_", "evaluate: shared subjects"),
    (r"FROM activities WHERE CAST\(start AS DATE\) BETWEEN", "evaluate: activity totals"),
)
_log: list[tuple[float, str]] = []


class _Timed:
    """A DuckDB connection whose statements are timed into ``_log``."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, *args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        out = self._con.execute(sql, *args, **kw)
        _log.append((time.perf_counter() - t0, sql))
        return out

    def sql(self, sql: str, *args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        table = self._con.sql(sql, *args, **kw).to_arrow_table()
        _log.append((time.perf_counter() - t0, sql))

        class _Done:
            def to_arrow_table(self) -> Any:
                return table

        return _Done()

    def cursor(self) -> _Timed:
        return _Timed(self._con.cursor())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _phase(sql: str, loading: bool) -> str:
    flat = " ".join(sql.split())
    for pattern, phase in _PHASES:
        if re.search(pattern, flat) and phase.startswith("load") == loading:
            return phase
    return "load: rest" if loading else "evaluate: assessment, report and the rest"


def main() -> None:
    """Print the phases of the fastest of ``--reps`` loads and evaluations."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("policy")
    ap.add_argument("period")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    real = duckdb.connect
    duckdb.connect = lambda *a, **k: _Timed(real(*a, **k))  # type: ignore[assignment]
    import gridpolicing

    best: tuple[float, float, float, Counter[str]] | None = None
    for _ in range(args.reps):
        _log.clear()
        t0 = time.perf_counter()
        ds = gridpolicing.load_dataset(args.data)
        t1 = time.perf_counter()
        n_load = len(_log)
        policy = gridpolicing.load_policy(args.policy)
        t2 = time.perf_counter()
        gridpolicing.evaluate(policy, ds, args.period)
        t3 = time.perf_counter()
        phases: Counter[str] = Counter()
        for i, (seconds, sql) in enumerate(_log):
            phases[_phase(sql, i < n_load)] += seconds
        if best is None or (t1 - t0) + (t3 - t2) < best[0] + best[1]:
            best = (t1 - t0, t3 - t2, t2 - t1, phases)
    assert best is not None
    load, evaluate, _, phases = best
    load_sql = sum(v for k, v in phases.items() if k.startswith("load"))
    eval_sql = sum(v for k, v in phases.items() if k.startswith("evaluate"))
    phases["load: Python"] = load - load_sql
    phases["evaluate: Python (scoring, plans, messages)"] = evaluate - eval_sql
    print(f"load {load:.3f} s, evaluate {evaluate:.3f} s, total {load + evaluate:.3f} s")
    for phase, seconds in sorted(phases.items()):
        print(f"  {seconds:6.3f} s  {phase}")


if __name__ == "__main__":
    main()
