"""The speed targets of issue 13, each beside the figure one run of benchmarks/run.py measured.

:func:`targets_table` returns a Markdown table (printed by run.py): one row per target and
profile, ``met`` or ``not met``, and for a target not met what stands in the way. A target whose
sizes were not run is listed as ``not measured``. The tables of docs/performance.md come from a
run's figures::

    .venv/bin/python benchmarks/targets.py /tmp/bench/results.json
"""

from __future__ import annotations

from typing import Any

ONE_M, TEN_M = 1_000_000, 10_000_000
GIB = 1024

# What stands in the way of a target not met, as far as the profile of this engine shows it
# (benchmarks/phases.py; docs/performance.md, "Where the time goes").
_IN_THE_WAY = {
    "1m": "load {load:.2f} s + evaluate {evaluate:.2f} s (where the time goes: "
    "benchmarks/phases.py)",
    "10m": "load {load:.2f} s + evaluate {evaluate:.2f} s",
    "memory": "peak {peak:,.0f} MiB: DuckDB holds the typed tables and the shared aggregates",
    "hand": "the engine judges through per-rule plans and resolves evidence of failing findings",
    "durable": "durable_rules takes {durable:.2f} s, the engine {engine:.2f} s, and the "
    "hand-written query computing the same findings {duckdb:.2f} s: 30x needs the engine in "
    "{budget:.2f} s, {needed:.1f}x the query's time (today {now:.1f}x): the engine plans each rule "
    "on its own over shared tables, resolves evidence and builds a report, which one fused query "
    "does not",
    "agree": "the hand-written query and the engine disagree on {differ} findings",
    "linear": "10x the records costs {ratio:.1f}x the time",
}


def _row(target: str, figure: str, met: bool | None, why: str = "", busy: str = "") -> str:
    status = "not measured" if met is None else ("**met**" if met else "**not met**")
    if met is False and why:
        status += f": {why}" + (f"; {busy}" if busy else "")
    return f"| {target} | {figure} | {status} |"


def targets_table(
    rows: list[tuple[int, str, float, dict[str, Any]]],
    three: list[tuple[int, dict[str, Any]]],
    busy: str = "",
) -> str:
    """The targets table of one run: ``rows`` are run.py's (size, profile, generate seconds,
    engine child result), ``three`` its (activities, side-by-side figures) per size. ``busy``,
    when the machine was shared during the run, is added to what stands in the way of a timed
    target (its figures are then the machine's as much as the engine's)."""
    by = {(n, prof): r for n, prof, _, r in rows}
    profiles = list(dict.fromkeys(prof for _, prof, _, _ in rows))
    out = ["| target | today | status |", "| --- | --- | --- |"]
    for prof in profiles:
        r = by.get((ONE_M, prof))
        total = r["load"] + r["evaluate"] if r else 0.0
        out.append(
            _row(
                f"{prof}: 1 M records, all rules, load included, under 1 s",
                f"{total:.2f} s (load {r['load']:.2f} s, evaluate {r['evaluate']:.2f} s)"
                if r
                else "-",
                None if r is None else total < 1.0,
                _IN_THE_WAY["1m"].format(**r) if r else "",
                busy,
            )
        )
    for prof in profiles:
        r = by.get((TEN_M, prof))
        total = r["load"] + r["evaluate"] if r else 0.0
        out.append(
            _row(
                f"{prof}: 10 M records under 10 s",
                f"{total:.2f} s" if r else "-",
                None if r is None else total < 10.0,
                _IN_THE_WAY["10m"].format(**r) if r else "",
                busy,
            )
        )
        peak = r["peak_mib"] if r else 0.0
        out.append(
            _row(
                f"{prof}: 10 M records under 4 GB",
                f"{peak:,.0f} MiB" if r else "-",
                None if r is None else peak < 4 * GIB,
                _IN_THE_WAY["memory"].format(peak=peak),
            )
        )
    for acts, t in three:
        ratio = t["engine"] / t["duckdb"]
        out.append(
            _row(
                f"three rules, {acts:,} records: engine within 3x of one hand-written DuckDB "
                "query computing the same findings",
                f"{ratio:.2f}x ({t['engine']:.2f} s / {t['duckdb']:.2f} s), findings "
                + ("agree" if t["agree"] else f"differ on {t['differ']}"),
                ratio <= 3.0 and t["agree"],
                _IN_THE_WAY["hand"] if t["agree"] else _IN_THE_WAY["agree"].format(**t),
            )
        )
    for acts, t in three:
        if "durable" not in t:
            continue
        speedup = t["durable"] / t["engine"]
        out.append(
            _row(
                f"three rules, {acts:,} records: engine at least 30x faster than durable_rules",
                f"{speedup:.1f}x",
                speedup >= 30.0,
                _IN_THE_WAY["durable"].format(
                    **t,
                    budget=t["durable"] / 30,
                    needed=t["durable"] / 30 / t["duckdb"],
                    now=t["engine"] / t["duckdb"],
                ),
            )
        )
    for prof in profiles:
        small, large = by.get((ONE_M, prof)), by.get((TEN_M, prof))
        ratio = 0.0
        if small and large:
            ratio = (large["load"] + large["evaluate"]) / (small["load"] + small["evaluate"])
        out.append(
            _row(
                f"{prof}: linear, 10x the records (1 M to 10 M) at most 11x the time",
                f"{ratio:.1f}x" if small and large else "-",
                None if not (small and large) else ratio <= 11.0,
                _IN_THE_WAY["linear"].format(ratio=ratio),
            )
        )
    return "\n".join(out)


def run_tables(results: dict[str, Any]) -> str:
    """The Markdown tables of docs/performance.md from a run's ``results.json``: each profile
    loaded and evaluated, the three rules four ways, and the targets."""
    rows = [(int(n), str(p), float(g), r) for n, p, g, r in results["profiles"]]
    three = [(int(n), t) for n, t in results["three_rules"]]
    out = [
        "| activities | profile | load | evaluate | total | findings | peak RSS |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for _, prof, _, r in rows:
        out.append(
            f"| {r['activities']:,} | {prof} | {r['load']:.2f} s | {r['evaluate']:.2f} s | "
            f"{r['load'] + r['evaluate']:.2f} s | {r['findings']:,} | {r['peak_mib']:,.0f} MiB |"
        )
    out += [
        "",
        "| activities | engine | hand DuckDB | Python loop | durable_rules | engine / DuckDB "
        "time | durable / engine time | same findings |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for acts, t in three:

        def rate(w: str, t: dict[str, Any] = t, acts: int = acts) -> str:
            return f"{acts / t[w]:,.0f}" if w in t else "-"

        durable = f"{t['durable'] / t['engine']:.1f}x" if "durable" in t else "-"
        out.append(
            f"| {acts:,} | {rate('engine')} | {rate('duckdb')} | {rate('python')} | "
            f"{rate('durable')} | {t['engine'] / t['duckdb']:.2f}x | {durable} | "
            f"{'yes' if t['agree'] else 'no: ' + str(t['differ'])} |"
        )
    cores = int(results["machine"].split(" cores")[0].rsplit(" ", 1)[1])
    load = results["load_average"]
    busy = busy_note(load["before"][0], load["after"][0], cores)
    return "\n".join(out) + "\n\n" + targets_table(rows, three, busy)


def busy_note(before: float, after: float, cores: int) -> str:
    """Words for a machine that was shared during the run (load average above its cores)."""
    if max(before, after) <= cores:
        return ""
    return (
        f"the machine was shared: load average {before:.1f} before the run and "
        f"{after:.1f} after, on {cores} cores"
    )


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    print(run_tables(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
