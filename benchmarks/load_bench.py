"""Time ``gridpolicing.load_dataset`` on a dataset directory or file.

Usage:
    python benchmarks/load_bench.py PATH [REPEATS]
    python benchmarks/load_bench.py --make N DIR [--csv]

The first form prints each load's wall time, the best, the least CPU time (steadier on a busy
machine: about threads x wall time when DuckDB keeps every core busy) and how many records were
used and rejected. The second writes a synthetic city-year of N activities (200 units, 2000
people and their assignments) as Parquet files, or CSV files with ``--csv``, to load with the
first; e.g. ``--make 1000000 /tmp/d1m`` then ``/tmp/d1m 5``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

import gridpolicing

_TABLES = {
    "units": "SELECT 'c' || i AS id, 'locality' AS type, 'urban_community' AS category, "
    "'urban' AS area, 1000 AS households, 3000 AS population, 100 AS rental_rooms "
    "FROM range(200) t(i)",
    "people": "SELECT 'p' || i AS id FROM range(2000) t(i)",
    "assignments": "SELECT 'a' || i AS id, 'p' || i AS person, 'c' || (i % 200) AS unit, "
    "CASE WHEN i < 200 THEN 'community_officer' ELSE 'auxiliary' END AS role, "
    "DATE '2020-01-01' AS start FROM range(2000) t(i)",
    "activities": "SELECT 'x' || i AS id, 'p' || (i % 2000) AS person, "
    "'c' || (i % 2000 % 200) AS unit, ['household_visit', 'patrol', 'dispute_screening', "
    "'mediation', 'publicity'][1 + (hash(i) % 5)::INT] AS kind, "
    "TIMESTAMP '2022-01-01 08:00' + INTERVAL (hash(i) % 365) DAY AS start, "
    "TIMESTAMP '2022-01-01 10:00' + INTERVAL (hash(i) % 365) DAY AS \"end\", "
    "(hash(i * 7) % 8)::INT AS households_visited, (hash(i * 3) % 2)::INT AS services_done, "
    "true AS has_work_log, (hash(i) % 10 > 0) AS has_photo FROM range({n}) t(i)",
}


def make(n: int, folder: Path, *, csv: bool) -> None:
    """Write the synthetic dataset of ``n`` activities to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for table, sql in _TABLES.items():
        target = folder / f"{table}.{'csv' if csv else 'parquet'}"
        options = " (HEADER)" if csv else ""
        con.execute(f"COPY ({sql.format(n=n)}) TO '{target}'{options}")


def bench(path: str, repeats: int) -> None:
    """Load ``path`` ``repeats`` times and print the timings."""
    times, cpu, used, rejected = [], [], 0, 0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        d = gridpolicing.load_dataset(path)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        used, rejected = sum(c.used for c in d.counts.values()), len(d.rejected)
        del d
    runs = " ".join(f"{t:.3f}" for t in times)
    print(
        f"load {path}: best {min(times):.3f}s (runs {runs}; best CPU time {min(cpu):.3f}s) "
        f"used {used} rejected {rejected}"
    )


def main(args: list[str]) -> None:
    if args[:1] == ["--make"]:
        make(int(args[1]), Path(args[2]), csv="--csv" in args[3:])
    else:
        bench(args[0], int(args[1]) if len(args) > 1 else 3)


if __name__ == "__main__":
    main(sys.argv[1:])
