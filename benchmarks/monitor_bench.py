"""Replay a simulated city-year of events into the monitor, on each engine.

Prints, once a simulated month, the events per second of that month, the process's resident
memory and the monitor's live tallies, so one can see both stay flat over the year; at the end
a digest of every alert, and for ``--engine both`` whether the two engines raised the same
alerts. Not run by the tests::

    .venv/bin/python benchmarks/monitor_bench.py                      # both engines
    .venv/bin/python benchmarks/monitor_bench.py --engine native --officers 4000

Events are generated a day at a time, outside the timed section; the timing covers
``Monitor.post`` (parsing included) and ``Monitor.advance``. Rates are events per second of this
process's CPU time (``time.process_time``), so other work on a shared machine does not distort
them; the wall-clock rate is printed beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from gridpolicing import load_dataset
from gridpolicing.monitor import Alert, Monitor
from gridpolicing.policy.loader import load_policy

YEAR = 2023
CO = {"people": {"roles": ["community_officer"]}}
VCO = {"people": {"roles": ["village_contact_officer"]}}


def _rule(rid: str, kind: str, subject: dict[str, Any], period: str, **fields: Any) -> Any:
    return {
        "id": rid,
        "kind": kind,
        "title": {"zh": rid, "en": rid},
        "severity": "major",
        "subject": subject,
        "period": period,
        "citation": {"source": "bench", "quote": "基准测试"},
        **fields,
    }


RULES = [
    _rule("weekly-24h", "time_commitment", CO, "week", min_hours=24),
    _rule("monthly-village-days", "time_commitment", VCO, "month", min_working_days=2),
    _rule(
        "weekly-screening",
        "cadence",
        VCO,
        "week",
        count={"activities": ["dispute_screening"]},
        min_count=1,
    ),
    _rule(
        "monthly-council",
        "cadence",
        VCO,
        "month",
        count={"meetings": ["village_council"]},
        min_count=1,
    ),
    _rule(
        "weekly-presence",
        "cadence",
        {"units": {"type": "locality"}},
        "week",
        count={"activities": ["household_visit", "patrol"]},
        min_count=1,
        sensitive_daily=True,
    ),
    _rule(
        "visit-quality",
        "visit_quality",
        VCO,
        "month",
        min_households=5,
        min_services=1,
        require_work_log=True,
        require_photo=True,
    ),
    _rule(
        "no-quota",
        "prohibition",
        CO,
        "month",
        forbidden={"tasks": ["crime_fighting_quota", "surprise_operation"]},
        exempt_reasons=["disaster_relief"],
    ),
    _rule(
        "no-hospitality",
        "prohibition",
        CO,
        "month",
        forbidden={"incidents": ["accepted_hospitality"]},
    ),
]
PACE = {"weekly-24h": [{"at": "thursday 18:00", "share": 0.6}]}
KINDS = ["household_visit", "patrol", "dispute_screening", "publicity", "practical_service"]


def write_world(folder: Path, officers: int) -> tuple[Path, Path]:
    """A policy file and a city: one locality per officer, two thirds community officers."""
    policy = {
        "id": "monitor-bench",
        "jurisdiction": "基准市",
        "title": {"zh": "基准", "en": "benchmark"},
        "sources": [{"id": "bench", "title": "benchmark", "issuer": "bench"}],
        "rules": RULES,
    }
    units, people, assignments = [], [], []
    for i in range(officers):
        village = i % 3 == 2
        units.append(
            {
                "id": f"u{i:05d}",
                "type": "locality",
                "category": "village" if village else "urban_community",
                "area": "rural" if village else "urban",
            }
        )
        people.append({"id": f"p{i:05d}"})
        assignments.append(
            {
                "id": f"a{i:05d}",
                "person": f"p{i:05d}",
                "unit": f"u{i:05d}",
                "role": "village_contact_officer" if village else "community_officer",
                "start": f"{YEAR - 1}-01-01",
            }
        )
    data = {
        "units": units,
        "people": people,
        "assignments": assignments,
        "sensitive_periods": [{"id": "s1", "start": f"{YEAR}-10-01", "end": f"{YEAR}-10-03"}],
    }
    (folder / "policy.yaml").write_text(yaml.safe_dump(policy, allow_unicode=True), "utf-8")
    (folder / "data.json").write_text(json.dumps(data), "utf-8")
    return folder / "policy.yaml", folder / "data.json"


def day_events(day: dt.date, officers: int, rng: random.Random, serial: Iterator[int]) -> list[Any]:
    """One day's events in time order, as the JSON-decoded mappings a pipe would carry."""
    out: list[tuple[str, dict[str, Any]]] = []
    workday = day.weekday() < 5
    for i in range(officers):
        person, unit = f"p{i:05d}", f"u{i:05d}"
        n = rng.choice((2, 3, 4)) if workday else rng.choice((0, 0, 1))
        hour = 8
        for _ in range(n):
            length = rng.choice((1, 2, 3))
            start = dt.datetime(day.year, day.month, day.day, hour)
            hour += length
            out.append(
                (
                    start.isoformat(),
                    {
                        "type": "activity",
                        "id": f"x{next(serial)}",
                        "person": person,
                        "unit": unit,
                        "kind": rng.choice(KINDS),
                        "start": start.isoformat(),
                        "end": (start + dt.timedelta(hours=length)).isoformat(),
                        "households_visited": rng.randint(2, 8),
                        "services_done": rng.randint(0, 2),
                        "has_work_log": rng.random() < 0.95,
                        "has_photo": rng.random() < 0.9,
                    },
                )
            )
        if i % 3 == 2 and workday and rng.random() < 0.05:
            midnight = dt.datetime(day.year, day.month, day.day).isoformat()
            meeting = {"type": "meeting", "id": f"m{next(serial)}", "kind": "village_council"}
            out.append(
                (
                    midnight,
                    {**meeting, "unit": unit, "date": day.isoformat(), "attendees": [person]},
                )
            )
        if rng.random() < 0.0005:
            task = {"type": "task", "id": f"t{next(serial)}", "person": person}
            kind = rng.choice(("crime_fighting_quota", "surprise_operation"))
            end = day + dt.timedelta(days=rng.randint(0, 20))
            out.append(
                (
                    dt.datetime(day.year, day.month, day.day).isoformat(),
                    {**task, "kind": kind, "start": day.isoformat(), "end": end.isoformat()},
                )
            )
    out.sort(key=lambda e: e[0])
    return [e for _, e in out]


def rss_mb() -> float:
    """The process's resident memory now (Linux), in MiB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def run(engine: str, officers: int, seed: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        policy_path, data_path = write_world(Path(tmp), officers)
        policy, data = load_policy(policy_path), load_dataset(data_path)
    digest = hashlib.sha256()
    counts: dict[str, int] = {}

    def on_alert(a: Alert) -> None:
        counts[a.kind.value] = counts.get(a.kind.value, 0) + 1
        digest.update(f"{a.seq}|{a.kind}|{a.rule}|{a.subject_id}|{a.bucket}|{a.at}\n".encode())

    start = dt.datetime(YEAR, 1, 1)
    m = Monitor(policy, data, engine=engine, on_alert=on_alert, start=start, pace=PACE)
    rng, serial = random.Random(seed), iter(range(10**9))
    print(
        f"{engine}: {officers} officers, {len(m.plans)} watched rules, {rss_mb():.0f} MiB at start"
    )
    print(
        f"{'month':>7} {'events':>10} {'events/s':>10} {'wall e/s':>10} {'RSS MiB':>8} "
        f"{'tallies':>8} {'alerts':>7}"
    )
    total_events, total_time, total_wall = 0, 0.0, 0.0
    day = start.date()
    while day.year == YEAR:
        month_events, month_time, month_wall = 0, 0.0, 0.0
        month = day.month
        while day.year == YEAR and day.month == month:
            events = day_events(day, officers, rng, serial)
            t0, w0 = time.process_time(), time.perf_counter()
            for e in events:
                m.post(e)
            m.advance(dt.datetime(day.year, day.month, day.day) + dt.timedelta(days=1))
            month_time += time.process_time() - t0
            month_wall += time.perf_counter() - w0
            month_events += len(events)
            day += dt.timedelta(days=1)
        total_events += month_events
        total_time += month_time
        total_wall += month_wall
        tallies = sum(len(b.tallies) for w in m._watchers for b in w.open)
        print(
            f"{YEAR}-{month:02d} {month_events:>10,} {month_events / month_time:>10,.0f} "
            f"{month_events / month_wall:>10,.0f} {rss_mb():>8.0f} {tallies:>8,} "
            f"{sum(counts.values()):>7,}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{engine}: {total_events:,} events in {total_time:.1f} CPU s = "
        f"{total_events / total_time:,.0f} events/s ({total_events / total_wall:,.0f} per wall "
        f"second); peak RSS {peak:.0f} MiB; alerts {counts}"
    )
    return digest.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=("native", "durable", "both"), default="both")
    ap.add_argument("--officers", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.engine != "both":
        print(f"digest {run(args.engine, args.officers, args.seed)}")
        return
    digests = {}
    for engine in ("native", "durable"):
        cmd = [sys.executable, __file__, "--engine", engine, "--officers", str(args.officers)]
        out = subprocess.run([*cmd, "--seed", str(args.seed)], capture_output=True, text=True)
        print(out.stdout, out.stderr, sep="", end="")
        if out.returncode:
            sys.exit(f"{engine} failed with exit code {out.returncode}")
        digests[engine] = out.stdout.strip().splitlines()[-1]
    same = len(set(digests.values())) == 1
    print("the engines raised the same alerts" if same else f"ALERTS DIFFER: {digests}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
