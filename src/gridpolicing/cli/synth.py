"""``gridpolicing synth``: write a synthetic deployment dataset with known violations."""

from __future__ import annotations

import math
import time
from typing import Final

import click

from gridpolicing.cli._common import lang_option
from gridpolicing.cli.progress import display, progress_option, quiet_option, wanted
from gridpolicing.engine.periods import PERIOD_FORMS
from gridpolicing.i18n import translator
from gridpolicing.progress import Progress
from gridpolicing.synth import (
    DEFAULT_RATE,
    DEFAULT_SEED,
    PROFILES,
    Truth,
    generate,
    generate_partitioned,
)
from gridpolicing.synth.partitioned import MAX_BUREAUS

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
    help="Directory to write <table>.parquet|csv and truth.json to (with --bureaus: "
    "bureau=<B>/ folders and layout.json)",
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
    f"at most {MAX_ACTIVITIES:,}); with --bureaus, per bureau",
)
@click.option(
    "--bureaus",
    type=click.IntRange(1, MAX_BUREAUS),
    default=None,
    help="Write a partitioned province of this many bureaus (B0001 ...), each the profile's "
    "world with seed + its index and ids prefixed B0001-, one bureau=<B>/ folder at a time "
    "(memory holds one bureau); Parquet only",
)
@progress_option
@quiet_option
@lang_option
def command(
    profile: str,
    out: str,
    scale: float,
    seed: int,
    violation_rate: float,
    period: str | None,
    fmt: str,
    activities: int | None,
    bureaus: int | None,
    progress: bool | None,
    quiet: bool,
    lang: str,
) -> int:
    """Write a synthetic dataset of PROFILE with known violations, and its truth.json.

    \b
    Profiles:
      xindu-2022     Xindu 2022 (reproduces the published 2022 totals at scale 1)
      xinjin-2022    Xinjin 2022
      xinxiang-2016  Xinxiang high-tech zone, 2016 scheme, year 2017
      nanjing-2016   Nanjing 2016 draft, year 2017

    With --bureaus N, writes a province: N bureaus, each the profile's world with its own
    seed and its ids prefixed by its bureau (B0001-...), in bureau=<B>/ folders (activities
    under activities/year=<Y>/), each with its truth.json, and layout.json; --activities then
    counts per bureau. It loads as one dataset (see docs/dataset-format.md).

    The same arguments always write byte-identical files. Evaluate the result with
    `gridpolicing evaluate --policy <truth.policy> --data DIR --period <truth.period>`:
    the failing findings are exactly the violations listed in truth.json.
    """
    started = time.perf_counter()
    if bureaus is not None and fmt != "parquet":
        raise click.BadOptionUsage("fmt", "--bureaus writes Parquet: drop --format csv")
    with display(wanted(progress, quiet), f"synth {profile}") as shown:
        truths = _generate(
            profile, out, scale, seed, violation_rate, period, fmt, activities, bureaus, shown
        )
    took = time.perf_counter() - started
    if not quiet:
        _ = translator(lang)
        click.echo(_summary(profile, truths, out, took, lang, partitioned=bureaus is not None))
        command = (
            f"gridpolicing evaluate --policy {truths[0].policy} --data {out} "
            f"--period {truths[0].period}"
        )
        click.echo(_("check: {command}", command=command))
    return 0


def _generate(
    profile: str,
    out: str,
    scale: float,
    seed: int,
    violation_rate: float,
    period: str | None,
    fmt: str,
    activities: int | None,
    bureaus: int | None,
    progress: Progress | None,
) -> list[Truth]:
    if bureaus is not None:
        return generate_partitioned(
            profile,
            out,
            bureaus=bureaus,
            activities=activities,
            scale=scale,
            seed=seed,
            violation_rate=violation_rate,
            period=period,
            progress=progress,
        )
    return [
        generate(
            profile,
            scale,
            seed,
            out,
            violation_rate=violation_rate,
            period=period,
            table_format="csv" if fmt == "csv" else "parquet",
            activities=activities,
            progress=progress,
        )
    ]


def _summary(
    profile: str, truths: list[Truth], out: str, took: float, lang: str, *, partitioned: bool
) -> str:
    _ = translator(lang)
    n = sum(t.counts.get("activities", 0) for t in truths)
    others = sum(sum(t.counts.values()) for t in truths) - n
    violations = sum(len(t.violations) for t in truths)
    changes = sum(len({v.injection for v in t.violations}) for t in truths)
    bureaus = (
        _("1 bureau in {out}", out=out)
        if len(truths) == 1
        else _("{n} bureaus in {out}", n=len(truths), out=out)
    )
    where = bureaus if partitioned else out
    return _(
        "{profile}: {n} activities, {others} other records, {violations} violations "
        "({changes} injected changes) in {where} ({seconds} s)",
        profile=profile,
        n=n,
        others=others,
        violations=violations,
        changes=changes,
        where=where,
        seconds=round(took, 1),
    )
