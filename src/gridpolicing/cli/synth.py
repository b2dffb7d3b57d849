"""``gridpolicing synth``: write a synthetic deployment dataset with known violations."""

from __future__ import annotations

import math
import time
from typing import Final

import click

from gridpolicing.engine.periods import PERIOD_FORMS
from gridpolicing.synth import DEFAULT_RATE, DEFAULT_SEED, PROFILES, generate

__all__ = ["MAX_ACTIVITIES", "MAX_SCALE", "command"]

MAX_SCALE: Final = 100.0
"""The largest --scale: 100 times a published jurisdiction is already a province."""
MAX_ACTIVITIES: Final = 100_000_000
"""The most activity records one call writes: ten times the 10 M benchmark (1.5 GB there)."""


def _scale(ctx: click.Context, param: click.Parameter, value: float) -> float:
    # FloatRange lets nan through (every comparison with it is false).
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number between 0 and {MAX_SCALE:g}")
    return value


@click.command("synth")
@click.argument("profile", type=click.Choice(sorted(PROFILES)))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, writable=True),
    help="Directory to write <table>.parquet|csv and truth.json to",
)
@click.option(
    "--scale",
    type=click.FloatRange(0, MAX_SCALE, min_open=True),
    callback=_scale,
    default=1.0,
    show_default=True,
    help=f"Multiplies units and people (1.0 is the published size; at most {MAX_SCALE:g})",
)
@click.option(
    "--seed",
    # The seed is hashed in SQL as a BIGINT.
    type=click.IntRange(-(2**63), 2**63 - 1),
    default=DEFAULT_SEED,
    show_default=True,
)
@click.option(
    "--violation-rate",
    type=click.FloatRange(0, 1),
    default=DEFAULT_RATE,
    show_default=True,
    help="Chance that each candidate (rule, subject, bucket) is broken",
)
@click.option(
    "--period",
    default=None,
    help=f"Days to generate, inside one year ({PERIOD_FORMS}); default: the profile's year",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
)
@click.option(
    "--activities",
    type=click.IntRange(0, MAX_ACTIVITIES),
    default=None,
    help=f"Ask for about this many activity records (spread over the worked days; "
    f"at most {MAX_ACTIVITIES:,})",
)
def command(
    profile: str,
    out: str,
    scale: float,
    seed: int,
    violation_rate: float,
    period: str | None,
    fmt: str,
    activities: int | None,
) -> int:
    """Write a synthetic dataset of PROFILE with known violations, and its truth.json.

    \b
    Profiles:
      xindu-2022     Xindu 2022 (reproduces the published 2022 totals at scale 1)
      xinjin-2022    Xinjin 2022
      xinxiang-2016  Xinxiang high-tech zone, 2016 scheme, year 2017
      nanjing-2016   Nanjing 2016 draft, year 2017

    The same arguments always write byte-identical files. Evaluate the result with
    `gridpolicing evaluate --policy <truth.policy> --data DIR --period <truth.period>`:
    the failing findings are exactly the violations listed in truth.json.
    """
    started = time.perf_counter()
    truth = generate(
        profile,
        scale,
        seed,
        out,
        violation_rate=violation_rate,
        period=period,
        table_format="csv" if fmt == "csv" else "parquet",
        activities=activities,
    )
    took = time.perf_counter() - started
    n = truth.counts.get("activities", 0)
    click.echo(
        f"{profile}: {n} activities, {sum(truth.counts.values()) - n} other records, "
        f"{len(truth.violations)} violations ({len({v.injection for v in truth.violations})} "
        f"injected changes) in {out} ({took:.1f} s)"
    )
    click.echo(
        f"check: gridpolicing evaluate --policy {truth.policy} --data {out} --period {truth.period}"
    )
    return 0
