"""The chart of failures by rule and month, as geometry an inline SVG draws (no script)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, final

if TYPE_CHECKING:
    from gridpolicing.report.overview import RuleFailures
    from gridpolicing.report.report import Report

__all__ = ["Chart", "failure_chart"]

_LABEL_W: Final = 180  # the rule's name left of its bars
_COL_W: Final = 44  # one month
_ROW_H: Final = 50  # one rule
_TOP: Final = 22  # room for the month labels
_BAR_MAX: Final = 26  # the tallest bar


@final
@dataclass(frozen=True, slots=True)
class Bar:
    """One (rule, month) with failures: its count and rectangle."""

    month: str
    count: int
    x: int
    y: int
    width: int
    height: int


@final
@dataclass(frozen=True, slots=True)
class ChartRow:
    """One failing rule: its name, total failures, baseline and bars."""

    rule: str
    title: str
    total: int
    top: int
    baseline: int
    bars: tuple[Bar, ...]


@final
@dataclass(frozen=True, slots=True)
class Chart:
    """The whole chart: size, the months across (label, centre x) and a row per failing rule."""

    width: int
    height: int
    label_width: int
    months: tuple[tuple[str, int], ...]
    rows: tuple[ChartRow, ...]

    @property
    def bars(self) -> int:
        """How many bars are drawn: the (rule, month) pairs with a failure."""
        return sum(len(r.bars) for r in self.rows)


def _months(start: dt.date, end: dt.date) -> list[str]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def failure_chart(report: Report, groups: list[RuleFailures]) -> Chart:
    """Failures of each rule counted by the month its bucket ends (a bucket belongs to the run
    holding its last day), one row per failing rule in policy order, bars scaled to the most."""
    months = _months(report.range.start, report.range.end)
    index = {m: i for i, m in enumerate(months)}
    counted = [(g, Counter(r.bucket_end.strftime("%Y-%m") for r in g.rows)) for g in groups]
    most = max((n for _, c in counted for n in c.values()), default=1)
    rows = []
    for i, (g, counts) in enumerate(counted):
        top = _TOP + i * _ROW_H
        baseline = top + _ROW_H - 8
        bars = []
        for month in months:
            n = counts.get(month, 0)
            if not n:
                continue
            height = max(2, round(_BAR_MAX * n / most))
            x = _LABEL_W + index[month] * _COL_W + 8
            bars.append(Bar(month, n, x, baseline - height, _COL_W - 16, height))
        rows.append(ChartRow(g.rule, g.title, sum(counts.values()), top, baseline, tuple(bars)))
    return Chart(
        width=_LABEL_W + len(months) * _COL_W,
        height=_TOP + len(rows) * _ROW_H,
        label_width=_LABEL_W,
        months=tuple((m, _LABEL_W + i * _COL_W + _COL_W // 2) for i, m in enumerate(months)),
        rows=tuple(rows),
    )
