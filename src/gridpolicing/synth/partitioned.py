"""``generate_partitioned``: a province of bureaus, one partition folder each, in bounded memory.

Each bureau is the profile's world generated with its own seed (``seed`` + its index, so the
first bureau is ``generate(seed=seed)`` with its ids prefixed), every id and reference prefixed
with the bureau's id, written into ``bureau=<B>/`` before the next is built: memory holds one
bureau at a time, whatever their number. ``layout.json`` is written first and lists every
bureau, and each bureau is written into a hidden folder renamed into place when complete, so a
run that stops half way leaves a directory the loader refuses (a listed bureau has no folder)
rather than a province with bureaus missing or half written.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from gridpolicing.errors import UsageError
from gridpolicing.io.layout import LAYOUT_FILE, LAYOUT_FORMAT
from gridpolicing.progress import Progress
from gridpolicing.progress import report as report_progress
from gridpolicing.synth.api import (
    DEFAULT_RATE,
    DEFAULT_SEED,
    check_arguments,
    period_and_policy,
    write_world,
)
from gridpolicing.synth.truth import Truth

__all__ = ["MAX_BUREAUS", "PARTITION_KEY", "bureau_ids", "generate_partitioned"]

PARTITION_KEY: Final = "bureau"
MAX_BUREAUS: Final = 9999
"""Bureau ids are ``B0001`` to ``B9999``: four digits sort as numbers do."""
_MAX_SEED: Final = 2**63 - 1


def bureau_ids(n: int) -> list[str]:
    """The ids of ``n`` bureaus: ``B0001``, ``B0002`` ..."""
    return [f"B{i:04d}" for i in range(1, n + 1)]


def generate_partitioned(
    profile: str,
    out: str | os.PathLike[str],
    *,
    bureaus: int,
    activities: int | None = None,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    violation_rate: float | Mapping[str, float] = DEFAULT_RATE,
    period: str | None = None,
    progress: Progress | None = None,
) -> list[Truth]:
    """Write ``bureaus`` worlds of ``profile`` as a partitioned dataset in ``out``; their truths.

    ``activities`` asks for about that many activity records **per bureau**; the other
    arguments are :func:`~gridpolicing.synth.generate`'s. Bureau ``B000k`` is generated with
    seed ``seed + k - 1``, written to ``out/bureau=B000k/`` (its activities in
    ``activities/year=<Y>/part-0.parquet``, its truth in ``truth.json``, ids prefixed
    ``B000k-`` there too, so each truth still matches an evaluation of the whole). Same
    arguments, same bytes. ``progress`` (see :mod:`gridpolicing.progress`) is told
    ``("bureaus", done, bureaus)`` as each bureau is written.
    """
    if not 1 <= bureaus <= MAX_BUREAUS:
        raise UsageError(f"bureaus must be between 1 and {MAX_BUREAUS}, got {bureaus}")
    if seed + bureaus - 1 > _MAX_SEED:
        raise UsageError(f"seed + bureaus - 1 must be at most {_MAX_SEED} (a 64-bit integer)")
    rate, rates = check_arguments(profile, scale, violation_rate, "parquet", activities)
    start, end, policy = period_and_policy(profile, period, rates)
    target = Path(out)
    ids = bureau_ids(bureaus)
    _remove_earlier(target)
    target.mkdir(parents=True, exist_ok=True)
    layout = {"format": LAYOUT_FORMAT, "partition_by": PARTITION_KEY, "partitions": ids}
    (target / LAYOUT_FILE).write_text(json.dumps(layout, indent=2) + "\n", encoding="utf-8")
    truths = []
    for i, bureau in enumerate(ids):
        folder = f"{PARTITION_KEY}={bureau}"
        partial = target / f".partial-{folder}"  # hidden: the loader skips it
        truths.append(
            write_world(
                profile,
                policy,
                partial,
                scale=scale,
                seed=seed + i,
                rate=rate,
                rates=rates,
                start=start,
                end=end,
                table_format="parquet",
                activities=activities,
                prefix=f"{bureau}-",
            )
        )
        os.replace(partial, target / folder)
        report_progress(progress, "bureaus", i + 1, bureaus)
    return truths


def _remove_earlier(target: Path) -> None:
    """Remove the layout and every bureau folder (complete or partial) of an earlier run into
    ``target``: a province is always one run's, never a mix of two runs' bureaus."""
    (target / LAYOUT_FILE).unlink(missing_ok=True)
    if not target.is_dir():
        return
    for folder in target.iterdir():
        name = folder.name.removeprefix(".partial-")
        key, _, _ = name.partition("=")
        if folder.is_dir() and key == PARTITION_KEY:
            shutil.rmtree(folder)
