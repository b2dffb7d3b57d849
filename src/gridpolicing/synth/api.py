"""``generate``: a synthetic deployment dataset of a profile, with its truth."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

import duckdb

from gridpolicing.engine.periods import parse_range
from gridpolicing.errors import UsageError
from gridpolicing.policy.document import Policy
from gridpolicing.policy.loader import load_policy
from gridpolicing.progress import Progress
from gridpolicing.progress import report as report_progress
from gridpolicing.synth.activity import build_activities
from gridpolicing.synth.calendar import days as calendar_days
from gridpolicing.synth.calendar import sensitive_periods
from gridpolicing.synth.context import Check, Context
from gridpolicing.synth.derived import every_working_day_violations
from gridpolicing.synth.profiles import PROFILES
from gridpolicing.synth.truth import Truth
from gridpolicing.synth.writer import FORMATS, TableFormat, write_tables

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_SEED",
    "check_arguments",
    "generate",
    "period_and_policy",
    "write_world",
]

DEFAULT_SEED: Final = 1
DEFAULT_RATE: Final = 0.02


def generate(
    profile: str,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    out: str | os.PathLike[str] = "synth-out",
    *,
    violation_rate: float | Mapping[str, float] = DEFAULT_RATE,
    period: str | None = None,
    table_format: TableFormat = "parquet",
    activities: int | None = None,
    progress: Progress | None = None,
) -> Truth:
    """Write a synthetic dataset of ``profile`` to ``out`` and return (and write) its truth.

    ``scale`` multiplies units and people (1.0 is the published size); ``period`` (any form
    ``gridpolicing evaluate`` takes, inside one calendar year) defaults to the profile's year;
    ``activities`` asks for about that many activity records (the required records are always
    there, further records are spread over the worked days); ``violation_rate`` is the chance
    (or a mapping rule id -> chance, 0 for rules it does not name)
    that each candidate (rule, subject, bucket) is broken. Same arguments, same bytes.
    ``progress`` (see :mod:`gridpolicing.progress`) is told ``("steps", done, 4)`` as the
    world, its activities, the tables and the truth are done.
    """
    rate, rates = check_arguments(profile, scale, violation_rate, table_format, activities)
    start, end, policy = period_and_policy(profile, period, rates)
    return write_world(
        profile,
        policy,
        Path(out),
        scale=scale,
        seed=seed,
        rate=rate,
        rates=rates,
        start=start,
        end=end,
        table_format=table_format,
        activities=activities,
        progress=progress,
    )


def check_arguments(
    profile: str,
    scale: float,
    violation_rate: float | Mapping[str, float],
    table_format: str,
    activities: int | None,
) -> tuple[float, dict[str, float]]:
    """Raise :class:`UsageError` for a bad argument; return the rate and the per-rule rates."""
    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if not scale > 0:
        raise UsageError(f"scale must be positive, got {scale}")
    rates = dict(violation_rate) if isinstance(violation_rate, Mapping) else {}
    rate = 0.0 if isinstance(violation_rate, Mapping) else float(violation_rate)
    for what, r in [("", rate), *rates.items()]:
        if not 0 <= r <= 1:
            raise UsageError(
                f"violation rate {what} must be between 0 and 1, got {r}".replace("  ", " ")
            )
    if table_format not in FORMATS:
        raise UsageError(f"unknown format {table_format!r}; expected parquet or csv")
    if activities is not None and activities < 0:
        raise UsageError(f"activities must not be negative, got {activities}")
    return rate, rates


def period_and_policy(
    profile: str, period: str | None, rates: Mapping[str, float]
) -> tuple[dt.date, dt.date, Policy]:
    """The days ``period`` (default: the profile's year) covers, and the profile's policy."""
    prof = PROFILES[profile]
    if period is None:
        start, end = dt.date(prof.year, 1, 1), dt.date(prof.year, 12, 31)
    else:
        rng = parse_range(period)
        start, end = rng.start, rng.end
    if start.year != end.year:
        raise UsageError(f"period {period!r}: a synthetic dataset lies within one calendar year")
    policy = load_policy(prof.policy)
    unknown = sorted(set(rates) - {r.id for r in policy.rules})
    if unknown:
        raise UsageError(f"no rule {', '.join(unknown)} in policy {policy.id}")
    return start, end, policy


_STEPS = "steps"


def write_world(
    profile: str,
    policy: Policy,
    target: Path,
    *,
    scale: float,
    seed: int,
    rate: float,
    rates: dict[str, float],
    start: dt.date,
    end: dt.date,
    table_format: TableFormat,
    activities: int | None,
    prefix: str = "",
    progress: Progress | None = None,
) -> Truth:
    """Generate one world of checked arguments into ``target``; write and return its truth.

    ``prefix`` goes before every id and every reference to one, in the tables and the truth
    (one bureau of a province, see :mod:`.partitioned`); the activities are then written as
    ``activities/year=<Y>/part-0.parquet``.
    """
    prof = PROFILES[profile]
    days = calendar_days(start, end)
    ctx = Context(
        policy=policy,
        seed=seed,
        scale=scale,
        rate=rate,
        rates=rates,
        start=start,
        end=end,
        days=days,
    )
    ctx.world.sensitive_periods = [
        {"id": sid, "name": name, "start": a, "end": b}
        for sid, name, a, b in sensitive_periods(start, end)
    ]
    prof.build(ctx)
    report_progress(progress, _STEPS, 1, 4)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        applied = build_activities(
            con,
            seed=seed,
            days=days,
            plans=list(ctx.plans.values()),
            loggers=ctx.world.loggers(),
            quotas=ctx.quotas,
            ops=ctx.ops,
            target=activities,
        )
        absent = [[_absent(con, c) for c in p.checks] for p in ctx.pending]
        violations = sorted(
            {*ctx.violations(applied, absent), *every_working_day_violations(con, ctx)}
        )
        report_progress(progress, _STEPS, 2, 4)
        year = start.year if prefix else None
        counts = write_tables(
            con, target, ctx.world.tables(), table_format, prefix=prefix, activities_year=year
        )
        totals = _totals(con, ctx)
        report_progress(progress, _STEPS, 3, 4)
    finally:
        con.close()
    if prefix:
        violations = sorted(
            replace(v, subject=prefix + v.subject, injection=prefix + v.injection)
            for v in violations
        )
    truth = Truth(
        profile=profile,
        policy=policy.id,
        seed=seed,
        scale=scale,
        violation_rate=rate if not rates else max([rate, *rates.values()]),
        rates=rates,
        start=start,
        end=end,
        table_format=table_format,
        rules=tuple(r.id for r in policy.rules),
        violations=tuple(violations),
        not_injected=ctx.not_injected,
        counts=counts,
        totals=totals,
    )
    truth.write(target / "truth.json")
    report_progress(progress, _STEPS, 4, 4)
    return truth


def _absent(con: duckdb.DuckDBPyConnection, check: Check) -> bool:
    person, kinds, first, last, _ = check
    marks = ", ".join("?" for _ in kinds)
    [(n,)] = con.execute(
        f"SELECT count(*) FROM _act WHERE person = ? AND day BETWEEN ? AND ? AND kind IN ({marks})",
        [person, first, last, *kinds],
    ).fetchall()
    return int(n) == 0


def _totals(con: duckdb.DuckDBPyConnection, ctx: Context) -> dict[str, Any]:
    by_kind = con.execute(
        """SELECT kind, count(*), sum(quantity), sum(services_done), sum(hazards_found),
                  sum(hazards_rectified), sum(households_visited)
           FROM _act GROUP BY kind ORDER BY kind"""
    ).fetchall()
    subkinds = con.execute(
        "SELECT kind || '/' || subkind, count(*) FROM _act WHERE subkind IS NOT NULL "
        "GROUP BY ALL ORDER BY 1"
    ).fetchall()
    meetings: dict[str, int] = {}
    for m in ctx.world.meetings:
        meetings[m["kind"]] = meetings.get(m["kind"], 0) + 1
    return {
        "activities_by_kind": {
            k: {
                "records": int(n),
                "quantity": int(qty),
                "services_done": int(sv),
                "hazards_found": int(hf),
                "hazards_rectified": int(hr),
                "households_visited": int(hh),
            }
            for k, n, qty, sv, hf, hr, hh in by_kind
        },
        "activities_by_subkind": {k: int(n) for k, n in subkinds},
        "meetings_by_kind": dict(sorted(meetings.items())),
    }
