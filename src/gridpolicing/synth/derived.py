"""Truth derived from the generated records, for the rules no single change can break alone.

A rule asking for a record on **every** official working day (``time_commitment`` with
``min_working_days: all``) breaks whenever another injected change leaves a working day
without a record in the person's units: a week cut short, a record moved out of the area. The
changes do not know which days they empty, so the truth for such a rule is read from the
records as generated, after every change applied. A person holding the rule's roles from the
bucket's first day to its last fails it when a working day they hold the role on has no record
of theirs in a unit of those stints. This is synth's own reading of the records (one query and
a loop over people and weeks), independent of the engine that the oracle checks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from gridpolicing.synth.mechanisms import roles_of
from gridpolicing.synth.truth import Violation

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.synth.context import Context
    from gridpolicing.synth.world import Stint

__all__ = ["every_working_day_violations"]

HOW = "a working day left without a record in the area by another change"


def every_working_day_violations(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Violation]:
    """The failing findings of the policy's every-working-day rules in the generated data."""
    rules = [r for r in ctx.policy.rules if getattr(r, "min_working_days", None) == "all"]
    if not rules:
        return []
    present: dict[str, set[tuple[str, dt.date]]] = defaultdict(set)
    for person, unit, day in con.execute(
        "SELECT DISTINCT person, unit, CAST(start AS DATE) FROM _act"
    ).fetchall():
        present[person].add((unit, day))
    workdays = [d.day for d in ctx.days if d.workday]
    out = []
    for rule in rules:
        roles = roles_of(rule)
        people = sorted({s.person for s in ctx.world.stints if s.role in roles})
        for b in ctx.buckets(rule.id):
            days = [d for d in workdays if b.start <= d <= b.end]
            for p in people:
                stints = [
                    s
                    for s in ctx.world.stints_of(p)
                    if s.role in roles and s.start <= b.end and (s.end is None or s.end >= b.start)
                ]
                if not stints or not _spans(stints, b.start, b.end):
                    continue
                units = {s.unit for s in stints}
                seen = present.get(p, set())
                held = [d for d in days if any(s.active(d) for s in stints)]
                if any(not any((u, d) in seen for u in units) for d in held):
                    out.append(Violation(rule.id, "person", p, b.key, "derived", HOW))
    return out


def _spans(stints: list[Stint], first: dt.date, last: dt.date) -> bool:
    """The stints together reach from ``first`` to ``last`` (as a rule's subjects are held)."""
    start = min(s.start for s in stints)
    ends = [s.end for s in stints]
    return start <= first and (None in ends or max(e for e in ends if e is not None) >= last)
