"""The HTTP service's latency: medians of health and of evaluations sent three ways, beside the
same evaluation as a CLI process (which pays the interpreter's start and the imports each time).

    .venv/bin/python benchmarks/service_bench.py [--runs 10]

A real ``gridpolicing serve`` on a free port of 127.0.0.1 (the test suite's harness,
tests/service/server.py), the small example (xindu-2022-before: 180 villages, three CSV files).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.service.server import (
    SMALL,
    SMALL_DATA,
    SMALL_PERIOD,
    SMALL_POLICY,
    Answer,
    Server,
)
from tests.service.test_api import _csv_members, _rows, _zip


def _median_ms(call: Callable[[], Answer], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - started) * 1000)
        if answer.status != 200:
            raise SystemExit(f"HTTP {answer.status}: {answer.body[:300]!r}")
    return statistics.median(times)


def main() -> None:
    """Print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    server = Server("--allow-path", "examples")
    try:
        body = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
        rows, archive = _rows(), _zip(_csv_members())
        figures = {
            "health": _median_ms(lambda: server.get("/v1/health"), runs * 20),
            "evaluate, server path": _median_ms(
                lambda: server.post_json(
                    "/v1/evaluate", {**body, "dataset": {"path": f"{SMALL}/data"}}
                ),
                runs,
            ),
            "evaluate, JSON rows": _median_ms(
                lambda: server.post_json(
                    "/v1/evaluate", {**body, "dataset": {"tables": rows, "label": "data"}}
                ),
                runs,
            ),
            "evaluate, zip upload": _median_ms(
                lambda: server.post_form("/v1/evaluate", body, {"dataset": ("d.zip", archive)}),
                runs,
            ),
        }
    finally:
        server.stop()
    command = [sys.executable, "-m", "gridpolicing", "evaluate", "--policy", SMALL_POLICY]
    command += ["--data", str(SMALL_DATA), "--period", SMALL_PERIOD, "--format", "json"]
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    figures["the same evaluation as a CLI process"] = statistics.median(times)
    for name, ms in figures.items():
        print(f"{name:40s} {ms:9.1f} ms")


if __name__ == "__main__":
    main()
