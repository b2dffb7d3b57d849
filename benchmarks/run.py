"""The benchmark of issues 5 and 13: load and evaluation speed at several scales, the baselines,
and every speed target of issue 13 beside the figure of the run.

One command, not part of ``make test``::

    .venv/bin/python benchmarks/run.py                       # 0.1 M, 1 M and 10 M activities
    .venv/bin/python benchmarks/run.py --sizes 1000000,10000000 --out /tmp/bench   # the targets
    .venv/bin/python benchmarks/run.py --sizes 100000,1000000 --profiles xindu-2022

For each size it generates each profile's synthetic year (``gridpolicing.synth.generate``,
Parquet; kept in ``--out`` and reused), then in a fresh process per measurement (so peak memory
is that run's own) times ``load_dataset`` and ``evaluate`` of the profile's whole policy. On the
xindu-2022 data it also times the same three rules (weekly time commitment, weekly cadence,
staffing) four ways: the engine (a policy of just those rules) and one hand-written DuckDB query
computing the same findings (benchmarks/three_rules.py), side by side in one process and
compared finding by finding; a plain Python loop over the same records; and durable_rules (the
monitor's durable engine replaying the activities as events; it expresses time commitment and
cadence, staffing has no event form). It prints one table of records per second and the ratios,
then the table of targets (benchmarks/targets.py), met or not, that docs/performance.md holds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from targets import busy_note, targets_table
from three_rules import THREE_RULES, side_by_side

PROFILES = ("xindu-2022", "xinjin-2022", "xinxiang-2016", "nanjing-2016")
POLICY_OF = {
    "xindu-2022": "chengdu-xindu-2022",
    "xinjin-2022": "chengdu-xinjin-2022",
    "xinxiang-2016": "xinxiang-gaoxin-2016",
    "nanjing-2016": "nanjing-2016",
}


def _child(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; it prints one JSON line."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _machine() -> str:
    """The machine in one line: platform, cores, memory, Python and DuckDB."""
    import duckdb

    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return (
        f"{platform.platform()}, {os.cpu_count()} cores, {pages:.0f} GiB, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_engine(data: str, policy: str, period: str) -> dict[str, Any]:
    """Load and evaluate one policy."""
    import gridpolicing

    t0 = time.perf_counter()
    ds = gridpolicing.load_dataset(data)
    t1 = time.perf_counter()
    pol = gridpolicing.load_policy(policy)
    t2 = time.perf_counter()
    report = gridpolicing.evaluate(pol, ds, period)
    t3 = time.perf_counter()
    return {
        "load": t1 - t0,
        "evaluate": t3 - t2,
        "findings": len(report),
        "activities": ds.counts["activities"].used,
        "rejected": len(ds.rejected),
        "peak_mib": _peak_mib(),
    }


def child_three(data: str, period: str, which: str, policy_file: str) -> dict[str, Any]:
    """The three rules, one way (``side``: the engine and the hand-written query alternately,
    compared); the dataset is loaded first and not timed."""
    import gridpolicing

    ds = gridpolicing.load_dataset(data)
    n = ds.counts["activities"].used
    if which == "side":
        return {**side_by_side(ds, policy_file, period), "activities": n}
    t0 = time.perf_counter()
    if which == "engine":
        gridpolicing.evaluate(gridpolicing.load_policy(policy_file), ds, period)
    elif which == "python":
        _python_loop(ds)
    elif which == "durable":
        _durable(ds, policy_file)
    return {"seconds": time.perf_counter() - t0, "activities": n, "peak_mib": _peak_mib()}


def _python_loop(ds: Any) -> None:
    assigned: dict[tuple[str, str], bool] = {}
    for a in ds.table("assignments").to_pylist():
        if a["role"] in ("community_officer", "dispatched_officer"):
            assigned[(a["person"], a["unit"])] = True
    hours: dict[tuple[str, Any], float] = {}
    screens: dict[tuple[str, Any], int] = {}
    for batch in ds.table("activities").to_batches(100_000):
        for x in batch.to_pylist():
            if (x["person"], x["unit"]) not in assigned:
                continue
            key = (x["person"], x["start"].isocalendar()[:2])
            hours[key] = hours.get(key, 0.0) + (x["end"] - x["start"]).total_seconds() / 3600
            if x["kind"] == "dispute_screening":
                screens[key] = screens.get(key, 0) + 1
    staffed = {u for (_, u) in assigned}
    _ = (sum(1 for h in hours.values() if h < 8), len(screens), len(staffed))


def _durable(ds: Any, policy_file: str) -> None:
    import gridpolicing
    from gridpolicing.monitor import Monitor

    pol = gridpolicing.load_policy(policy_file)
    mon = Monitor(pol, ds, engine="durable")
    cur = ds.cursor()
    rows = cur.execute(
        'SELECT id, person, unit, kind, start, "end" FROM activities ORDER BY start, id'
    ).fetchall()
    for rid, person, unit, kind, start, end in rows:
        mon.post(
            {
                "type": "activity",
                "id": rid,
                "person": person,
                "unit": unit,
                "kind": kind,
                "start": start.isoformat(sep=" "),
                "end": end.isoformat(sep=" "),
            }
        )
    list(mon.alerts())


def main(argv: list[str] | None = None) -> int:
    """Generate, measure and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument(
        "--baselines-up-to",
        type=int,
        default=1_000_000,
        help="largest size for the Python-loop and durable_rules baselines",
    )
    ap.add_argument("--out", default=None, help="keep generated data here")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    profiles = args.profiles.split(",")
    root = Path(args.out or tempfile.mkdtemp(prefix="gridpolicing-bench-"))
    print(f"machine: {_machine()}")
    # The machine may be shared: its load says how far the figures are the engine's own.
    load_before = os.getloadavg()
    print(f"load average (1, 5, 15 min) before: {load_before}")
    rows = []
    for n in sizes:
        for prof in profiles:
            out = root / f"{prof}-{n}"
            t0 = time.perf_counter()
            if not (out / "truth.json").exists():
                # in a child of its own: Linux carries a process's peak memory into the
                # children it starts, so generating here would inflate every later peak
                _child(["generate", prof, str(n), str(out)])
            gen = time.perf_counter() - t0
            truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
            r = _child(["engine", str(out), POLICY_OF[prof], truth["period"]])
            rows.append((n, prof, gen, r))
            print(
                f"{n:>10,} {prof:14s} generate {gen:6.1f}s  load {r['load']:6.2f}s  evaluate "
                f"{r['evaluate']:6.2f}s  total {r['load'] + r['evaluate']:6.2f}s  "
                f"{r['activities']:,} activities  {r['findings']:,} findings  "
                f"peak {r['peak_mib']:,.0f} MiB",
                flush=True,
            )
    policy_file = root / "three-rules.yaml"
    policy_file.write_text(yaml.safe_dump(THREE_RULES, allow_unicode=True), encoding="utf-8")
    print(
        "\nthe same three rules (weekly hours, weekly screening, staffing) on xindu-2022 data;"
        " records per second of evaluation (data already loaded); engine and hand DuckDB side"
        " by side in one process, best of 3; agree: same status, measured and required on every"
        " finding"
    )
    print(
        f"{'activities':>12} {'engine':>12} {'hand DuckDB':>12} {'Python loop':>12} "
        f"{'durable':>12} {'eng/DuckDB':>11} {'durable/eng':>12} {'agree':>6}"
    )
    three: list[tuple[int, dict[str, Any]]] = []
    for n in sizes:
        out = root / f"xindu-2022-{n}"
        if not out.exists():
            continue
        side = _child(["three", str(out), "2022", "side", str(policy_file)])
        res = {"engine": side["engine"], "duckdb": side["duckdb"]}
        for which in ("python", "durable"):
            if n <= args.baselines_up_to:
                res[which] = _child(["three", str(out), "2022", which, str(policy_file)])["seconds"]
        acts = side["activities"]

        def rate(w: str, res: dict[str, float] = res, acts: int = acts) -> str:
            return f"{acts / res[w]:>12,.0f}" if w in res else f"{'-':>12}"

        vs_durable = (
            f"{res['durable'] / res['engine']:>11.1f}x" if "durable" in res else f"{'-':>12}"
        )
        print(
            f"{acts:>12,} {rate('engine')} {rate('duckdb')} {rate('python')} "
            f"{rate('durable')} {res['engine'] / res['duckdb']:>10.2f}x {vs_durable} "
            f"{'yes' if side['agree'] else 'NO (' + str(side['differ']) + ')':>6}",
            flush=True,
        )
        three.append((acts, {**res, "agree": side["agree"], "differ": side["differ"]}))
    load_after = os.getloadavg()
    busy = busy_note(load_before[0], load_after[0], os.cpu_count() or 1)
    print()
    print(targets_table(rows, three, busy))
    # every figure of the run, for docs/performance.md
    results = {
        "machine": _machine(),
        "load_average": {"before": load_before, "after": load_after},
        "profiles": rows,
        "three_rules": three,
    }
    (root / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nfigures written to {root / 'results.json'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        what, *rest = sys.argv[2:]
        if what == "generate":
            from gridpolicing.synth import generate

            prof, n, out = rest
            generate(prof, scale=max(1.0, int(n) / 1_000_000), seed=1, out=out, activities=int(n))
            result: dict[str, Any] = {"generated": out}
        else:
            result = child_engine(*rest) if what == "engine" else child_three(*rest)
        print(json.dumps(result))
        sys.exit(0)
    sys.exit(main())
