"""Meetings in each half of the month (每半月), for rules that count them by halves.

Nanjing's ``semi-monthly-meeting`` is a ``measure`` rule with two parts, a meeting dated the
1st to the 15th and one dated the 16th or later. The compliant data holds one meeting in each
half of every month for each community; the fault moves a month's second-half meeting into
the first half, so the month has two meetings and still fails (the reading the rule rejects).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from gridpolicing.synth.records import add_meeting, pick_days

if TYPE_CHECKING:
    from gridpolicing.synth.context import Context

__all__ = ["HALF_MONTH_RULE", "half_month_meetings", "half_month_violations"]

HALF_MONTH_RULE = "semi-monthly-meeting"
KIND = "semi_monthly_meeting"


def _halves(ctx: Context) -> dict[tuple[int, int], tuple[list[dt.date], list[dt.date]]]:
    out: dict[tuple[int, int], tuple[list[dt.date], list[dt.date]]] = {}
    for d in (c.day for c in ctx.days):
        first, second = out.setdefault((d.year, d.month), ([], []))
        (first if d.day <= 15 else second).append(d)
    return out


def half_month_meetings(
    ctx: Context, units: Sequence[str], attendees: Callable[[str, dt.date], list[str]]
) -> None:
    """One meeting in each half of every month of the range, for each unit."""
    if not ctx.has(HALF_MONTH_RULE):
        return
    for u in units:
        for (y, m), halves in sorted(_halves(ctx).items()):
            for n, days in enumerate(halves):
                for day in pick_days(ctx, days, 1, KIND, u, y, m, n):
                    add_meeting(ctx, KIND, u, day, attendees(u, day))


def half_month_violations(ctx: Context, units: Sequence[str]) -> None:
    """For chosen (unit, month)s, the second half's meeting is held in the first half."""
    if not ctx.has(HALF_MONTH_RULE):
        return
    halves = _halves(ctx)
    for u in units:
        for b in ctx.buckets(HALF_MONTH_RULE):
            if not ctx.chance(HALF_MONTH_RULE, u, b.key):
                continue
            if not ctx.month_claim([f"{u}#{HALF_MONTH_RULE}"], b.start, b.end):
                continue
            first, _ = halves[(b.start.year, b.start.month)]
            moved = 0
            for mtg in ctx.world.meetings:
                if (
                    mtg["unit"] == u
                    and mtg["kind"] == KIND
                    and b.start <= mtg["date"] <= b.end
                    and mtg["date"].day > 15
                ):
                    mtg["date"] = first[-1]  # the 15th: still the first half
                    moved += 1
            if moved:
                ctx.inject([(HALF_MONTH_RULE, "unit", u, b.key)], "both meetings in the first half")
