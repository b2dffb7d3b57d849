"""Two engines on the same data: alternating fresh-process runs, best of N (not in make test).

How the figures of docs/performance.md ("What counting time correctly costs") were measured::

    git worktree add --detach /tmp/old 774aecb
    .venv/bin/python benchmarks/compare.py --old /tmp/old --new . --data /tmp/bench \\
        --sizes 1000000,10000000 --reps 5

``--data`` holds the datasets ``benchmarks/run.py --out`` generated (``<profile>-<size>``).
Each measurement is ``benchmarks/run.py --child engine`` of this checkout, run with the other
engine's ``src`` first on ``PYTHONPATH``; an old checkout gets entry-point metadata of its own
rule kinds, so the rule kinds added since are not looked for.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

RUN = Path(__file__).with_name("run.py")
POLICY_OF = {
    "xindu-2022": "chengdu-xindu-2022",
    "xinjin-2022": "chengdu-xinjin-2022",
    "xinxiang-2016": "xinxiang-gaoxin-2016",
    "nanjing-2016": "nanjing-2016",
}


def _metadata(checkout: Path, into: Path) -> Path:
    """A dist-info declaring the rule kinds of ``checkout``'s pyproject.toml."""
    project = tomllib.loads((checkout / "pyproject.toml").read_text("utf-8"))
    kinds = project["project"]["entry-points"]["gridpolicing.rules"]
    info = into / "gridpolicing-0.0.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{k} = {v}\n" for k, v in kinds.items())
    (info / "entry_points.txt").write_text(f"[gridpolicing.rules]\n{lines}", "utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gridpolicing\n", "utf-8")
    return into


def _run(path: str, data: Path, profile: str, period: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, str(RUN), "--child", "engine", str(data), POLICY_OF[profile], period],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="the older checkout")
    ap.add_argument("--new", type=Path, required=True, help="the newer checkout")
    ap.add_argument("--data", type=Path, required=True, help="datasets from run.py --out")
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--profiles", default=",".join(POLICY_OF))
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = {
            "old": f"{_metadata(args.old, Path(tmp) / 'old')}{os.pathsep}{args.old / 'src'}",
            "new": f"{_metadata(args.new, Path(tmp) / 'new')}{os.pathsep}{args.new / 'src'}",
        }
        for n in (int(s) for s in args.sizes.split(",")):
            for profile in args.profiles.split(","):
                data = args.data / f"{profile}-{n}"
                truth = json.loads((data / "truth.json").read_text("utf-8"))
                runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
                for _ in range(args.reps):
                    for which, path in paths.items():
                        runs[which].append(_run(path, data, profile, truth["period"]))
                old, new = (min(r["evaluate"] for r in runs[w]) for w in ("old", "new"))
                load = {w: min(r["load"] for r in runs[w]) for w in runs}
                total = {w: min(r["load"] + r["evaluate"] for r in runs[w]) for w in runs}
                peak = {w: max(r["peak_mib"] for r in runs[w]) for w in runs}
                print(
                    f"{n:>11,} {profile:14s} evaluate old {old:6.2f}s new {new:6.2f}s "
                    f"({new / old - 1:+.0%})  load old {load['old']:5.2f}s new "
                    f"{load['new']:5.2f}s  total old {total['old']:6.2f}s new "
                    f"{total['new']:6.2f}s ({total['new'] / total['old'] - 1:+.0%})  peak old "
                    f"{peak['old']:,.0f} new {peak['new']:,.0f} MiB",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
