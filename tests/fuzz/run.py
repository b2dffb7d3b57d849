"""Run every fuzz target round-robin until a time budget is spent (``make fuzz``).

    .venv/bin/python tests/fuzz/run.py --minutes 10

Each round calls each target once (one hypothesis run of ``GRIDPOLICING_FUZZ_EXAMPLES``
examples, fresh random inputs each time). It prints the inputs tried per target, the wall time
and the peak resident memory, and exits 1 on the first failure (hypothesis prints the input).
Targets taking a ``tmp_path`` fixture get a fresh temporary folder per call.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("GRIDPOLICING_FUZZ_EXAMPLES", "200")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def targets() -> list[tuple[str, Callable[..., Any]]]:
    """Every ``test_fuzz_*`` function of ``tests/fuzz/test_*.py``, sorted by name."""
    found = []
    for path in sorted((ROOT / "tests" / "fuzz").glob("test_*.py")):
        module = importlib.import_module(f"tests.fuzz.{path.stem}")
        for name, fn in sorted(vars(module).items()):
            if name.startswith("test_fuzz_") and callable(fn):
                found.append((f"{path.stem}.{name}", fn))
    return found


def main(argv: list[str] | None = None) -> int:
    """Round-robin the targets until ``--minutes`` have passed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    args = ap.parse_args(argv)
    from tests.fuzz.budget import EXAMPLES

    found = targets()
    if not found:
        print("no fuzz targets found", file=sys.stderr)
        return 1
    tried = dict.fromkeys((name for name, _ in found), 0)
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for name, fn in found:
            kwargs = {}
            with tempfile.TemporaryDirectory() as tmp:
                if "tmp_path" in inspect.signature(fn).parameters:
                    kwargs["tmp_path"] = Path(tmp)
                try:
                    fn(**kwargs)
                except Exception as exc:  # a defect: report it and stop
                    print(f"FAILED {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    return 1
            tried[name] += EXAMPLES
            if time.monotonic() >= deadline:
                break
    wall = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name, n in tried.items():
        print(f"{name:60s} {n:>10,} inputs")
    print(f"{sum(tried.values()):,} inputs in {rounds} rounds, {wall:.0f} s, peak {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
