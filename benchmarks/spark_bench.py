"""The Spark engine over a partitioned province: records per second per core, memory, and growth.

Not part of ``make test``. Generate the data once (docs/scale-out.md), then::

    .venv/bin/gridpolicing synth xindu-2022 --bureaus 100 --activities 1000000 --out /tmp/prov100m
    .venv/bin/python benchmarks/spark_bench.py --data /tmp/prov100m --policy chengdu-xindu-2022 \\
        --period 2022 --steps 10,25,50,100

For each step N it evaluates the first N partitions (a folder of links to them and a
layout.json listing them) on ``local[C]`` (``--cores``, default every core), timing the whole
``gridpolicing.spark.evaluate`` call, session start and one warm-up run of the first partition
(the Python workers start and import gridpolicing) excluded. While it runs, a sampler reads
the resident memory of the Spark JVM and of every Python worker (``/proc``; the workers are where
the engine runs, one partition at a time each). It prints one table: partitions, activity
records, seconds, records per second per core, and peak memory per worker and of the JVM.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _rss_by_pid() -> dict[int, tuple[str, int]]:
    """Resident KiB of the Spark JVM and the PySpark worker processes, by pid."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if "pyspark.daemon" in cmd or "pyspark/daemon" in cmd:
                role = "worker"
            elif "java" in cmd and "org.apache.spark" in cmd:
                role = "jvm"
            else:
                continue
            for line in (d / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[int(d.name)] = (role, int(line.split()[1]))
        except OSError:
            continue
    return out


class Sampler(threading.Thread):
    """Peak resident memory per process of the Spark run, sampled every 0.2 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak: dict[int, tuple[str, int]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for pid, (role, kib) in _rss_by_pid().items():
                if kib > self.peak.get(pid, (role, 0))[1]:
                    self.peak[pid] = (role, kib)
            self.stop.wait(0.2)

    def max_of(self, role: str) -> float:
        values = [k for r, k in self.peak.values() if r == role]
        return max(values) / 1024 if values else 0.0


def _subset(data: Path, names: list[str], key: str, into: Path) -> Path:
    """A layout of the first partitions of ``data``: links to their folders and a layout.json."""
    into.mkdir(parents=True, exist_ok=True)
    for n in names:
        (into / f"{key}={n}").symlink_to(data / f"{key}={n}", target_is_directory=True)
    layout = {"format": "gridpolicing.partitioned/1", "partition_by": key, "partitions": names}
    (into / "layout.json").write_text(json.dumps(layout), encoding="utf-8")
    return into


def main(argv: list[str] | None = None) -> int:
    """Run the steps and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--policy", default="chengdu-xindu-2022")
    ap.add_argument("--period", default="2022")
    ap.add_argument("--steps", default="10,25,50,100", help="numbers of partitions to run")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

    import gridpolicing
    from gridpolicing.spark import evaluate, partitions, session

    found = partitions(str(args.data))
    key = found[0].key
    names = [p.value for p in found]
    policy = gridpolicing.load_policy(args.policy)
    t0 = time.perf_counter()
    spark = session(f"local[{args.cores}]")
    started = time.perf_counter() - t0
    print(f"Spark session (local[{args.cores}]) started in {started:.1f} s", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gp-spark-bench-") as tmp:
        # Python workers start and import gridpolicing on their first task: not timed.
        t0 = time.perf_counter()
        evaluate(
            policy,
            str(_subset(args.data, names[:1], key, Path(tmp) / "warm")),
            args.period,
            spark=spark,
        )
        print(f"warm-up (1 partition) {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        for step in (int(s) for s in args.steps.split(",")):
            if step > len(names):
                print(f"skipping {step}: only {len(names)} partitions", file=sys.stderr)
                continue
            src = _subset(args.data, names[:step], key, Path(tmp) / f"n{step}")
            sampler = Sampler()
            sampler.start()
            t0 = time.perf_counter()
            report = evaluate(policy, str(src), args.period, spark=spark)
            seconds = time.perf_counter() - t0
            sampler.stop.set()
            sampler.join()
            records = report.dataset.counts["activities"].used
            rows.append(
                {
                    "partitions": step,
                    "activities": records,
                    "seconds": seconds,
                    "per_core": records / seconds / args.cores,
                    "findings": len(report),
                    "worker_mib": sampler.max_of("worker"),
                    "jvm_mib": sampler.max_of("jvm"),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    spark.stop()
    print(f"\nlocal[{args.cores}], policy {args.policy}, period {args.period}, data {args.data}\n")
    print(
        "| partitions | activities | seconds | records/s per core | s per partition "
        "| findings | peak RSS per worker | peak RSS of the JVM |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['partitions']} | {r['activities']:,} | {r['seconds']:.1f} "
            f"| {r['per_core']:,.0f} | {r['seconds'] / r['partitions']:.2f} "
            f"| {r['findings']:,} | {r['worker_mib']:,.0f} MiB | {r['jvm_mib']:,.0f} MiB |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
