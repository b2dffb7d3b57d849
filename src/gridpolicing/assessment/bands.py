"""Banded points: "above 6% -3, above 7% -6, above 8% -10", read most extreme band first.

A list of bands reads one way: upward (``above``, ``at_least``: the larger the value, the more
extreme) or downward (``below``, ``at_most``). The first band that holds gives its points, so
the list starts with the most extreme band; each later band must hold for more values than the
one before it (else it could never apply), and the points must change one way from the first
band to ``otherwise`` (else a worse value could earn more). Both are load errors naming the
band, so a value worse in the bands' direction never earns more points.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from gridpolicing.policy.values import PolicyModel, Text, require_exactly_one
from gridpolicing.report.messages import fmt

__all__ = ["Band", "band_points", "check_bands", "exact"]


def exact(value: float) -> str:
    """A measured value or threshold to six decimals (``fmt`` keeps two: 0.065 is no 0.07)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


_WORDS = {
    "above": ("高于", "above"),
    "at_least": ("不低于", "at least"),
    "below": ("低于", "below"),
    "at_most": ("不高于", "at most"),
}


class Band(PolicyModel):
    """One band: the value ``above``, ``at_least``, ``below`` or ``at_most`` a threshold (exactly
    one) earns ``points`` (negative: a deduction)."""

    above: float | None = Field(
        default=None,
        description="度量大于此值时成立。 Holds when the value is above this.",
        examples=[0.95],
    )
    at_least: float | None = Field(
        default=None,
        description="度量不小于此值时成立。 Holds when the value is at least this.",
        examples=[0.9],
    )
    below: float | None = Field(
        default=None,
        description="度量小于此值时成立。 Holds when the value is below this.",
        examples=[0.6],
    )
    at_most: float | None = Field(
        default=None,
        description="度量不大于此值时成立。 Holds when the value is at most this.",
        examples=[0],
    )
    points: float = Field(
        description="该档的得分(负数为扣分)。 The band's points (negative: a deduction).",
        examples=[3, -2],
    )

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        require_exactly_one(self, "above", "at_least", "below", "at_most")
        return self

    @property
    def comparison(self) -> Literal["above", "at_least", "below", "at_most"]:
        """Which comparison the band makes."""
        for name in ("above", "at_least", "below", "at_most"):
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated: exactly one bound")

    @property
    def threshold(self) -> float:
        """The band's threshold."""
        value = getattr(self, self.comparison)
        assert isinstance(value, float | int)
        return float(value)

    @property
    def upward(self) -> bool:
        """The band holds for large values (``above``, ``at_least``)."""
        return self.comparison in ("above", "at_least")

    def holds(self, value: float) -> bool:
        """The value is in the band."""
        t = self.threshold
        return {
            "above": value > t,
            "at_least": value >= t,
            "below": value < t,
            "at_most": value <= t,
        }[self.comparison]

    @property
    def words(self) -> Text:
        """``above 0.08`` / ``高于 0.08``."""
        zh, en = _WORDS[self.comparison]
        return Text(zh=f"{zh} {exact(self.threshold)}", en=f"{en} {exact(self.threshold)}")

    @property
    def reach(self) -> tuple[float, int]:
        """Grows as the band holds for more values (in its direction)."""
        inclusive = 1 if self.comparison in ("at_least", "at_most") else 0
        return (-self.threshold if self.upward else self.threshold, inclusive)


def check_bands(bands: Sequence[Band], otherwise: float) -> None:
    """Raise, naming the band (1-based), unless the bands read one way, most extreme first,
    each reachable, with points changing one way down to ``otherwise``."""
    first = bands[0]
    for n, band in enumerate(bands[1:], start=2):
        if band.upward != first.upward:
            raise ValueError(
                f"band {n} ({band.words.en}) reads the other way from band 1 "
                f"({first.words.en}): the bands of an item are all above/at_least or all "
                "below/at_most"
            )
        before = bands[n - 2]
        if band.reach <= before.reach:
            raise ValueError(
                f"band {n} ({band.words.en}) can never apply: band {n - 1} "
                f"({before.words.en}) holds for every value it holds for; list the most "
                "extreme band first"
            )
    points = [b.points for b in bands] + [otherwise]
    trend = 0  # +1 rising, -1 falling from the first band on; 0 until a step is seen
    for i, (a, b) in enumerate(itertools.pairwise(points)):
        step = (b > a) - (b < a)
        if step and trend and step != trend:
            what = (
                f"band {i + 2} ({bands[i + 1].words.en}, " if i + 1 < len(bands) else "otherwise ("
            )
            raise ValueError(
                f"{what}{fmt(b)} points) contradicts band {i + 1} ({bands[i].words.en}, "
                f"{fmt(a)} points): points must change one way from the first band to "
                "otherwise, or a worse value would earn more"
            )
        trend = trend or step


def band_points(bands: Sequence[Band], otherwise: float, value: float) -> tuple[float, int | None]:
    """The points of the first band holding for ``value`` and its index (None: ``otherwise``)."""
    for i, band in enumerate(bands):
        if band.holds(value):
            return float(band.points), i
    return otherwise, None
