"""Which buckets one evaluation judges and reports, and which days of data it reads.

One rule for every rule kind and the assessment (docs/policy-language.md, "Periods and
buckets"):

* a bucket **belongs to the run whose range holds its last day**, so consecutive ranges judge
  every bucket exactly once;
* a bucket is measured over **all its days**, even those before the range starts;
* a bucket is judged only when it lies wholly inside the dates the policy and the rule are **in
  force**; otherwise it is listed as ``not_in_force``;
* a bucket that starts before the range is judged only when the dataset holds records from its
  first day or earlier; otherwise it is listed as ``data_missing`` (the run cannot see its first
  days, and judging it would fail a station for days nobody exported).

An assessment scheme scores its own buckets from the findings of every rule bucket ending inside
them, and a roll-up from every scheme bucket inside it, so an evaluation also judges the rule
and scheme buckets a reported score needs even when they end before the range. Those are used,
never reported: the report holds the findings, scores and roll-ups of buckets ending inside the
range, whatever range was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, final

from gridpolicing.engine.periods import Bucket, DateRange, buckets, history_start
from gridpolicing.policy.models import AnyPeriod, Period

if TYPE_CHECKING:
    from gridpolicing.policy.document import Policy

__all__ = ["DATA_MISSING", "NOT_IN_FORCE", "Unevaluated", "Window", "window_for"]

NOT_IN_FORCE: Final = "not_in_force"
DATA_MISSING: Final = "data_missing"


@final
@dataclass(frozen=True, slots=True, order=True)
class Unevaluated:
    """A bucket of a rule that the run could not judge, and why (``not_in_force`` ...)."""

    rule: str
    bucket: str
    start: dt.date
    end: dt.date
    reason: str


@final
@dataclass(frozen=True, slots=True)
class Window:
    """The days one evaluation reports, judges and reads."""

    range: DateRange
    """The range asked for: findings and scores of buckets ending in it are reported."""
    judged_from: dt.date
    """Rule buckets ending from this day on are judged (before ``range`` when a score needs it)."""
    schemes_from: dt.date
    """Scheme buckets ending from this day on are scored (before ``range`` for a roll-up)."""
    reads_from: dt.date
    """The first day of data read: the earliest start of a judged bucket."""
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    """The policy's ``effective`` dates."""

    @property
    def judged(self) -> DateRange:
        """The range whose buckets the rules judge."""
        return DateRange(self.judged_from, self.range.end, self.range.label)

    def rule_buckets(self, period: AnyPeriod) -> list[Bucket]:
        """Every bucket of ``period`` a rule is judged for (before effective dates)."""
        return buckets(period, self.judged)

    def in_force(self, b: Bucket, rule_from: dt.date | None, rule_to: dt.date | None) -> bool:
        """The bucket lies wholly inside the policy's and the rule's effective dates."""
        starts = [d for d in (self.in_force_from, rule_from) if d is not None]
        ends = [d for d in (self.in_force_to, rule_to) if d is not None]
        return all(b.start >= d for d in starts) and all(b.end <= d for d in ends)

    def why_not_judged(
        self,
        b: Bucket,
        rule_from: dt.date | None,
        rule_to: dt.date | None,
        reads_history: bool,
        data_from: dt.date | None,
    ) -> str | None:
        """``None`` when ``b`` is judged, else the reason (:data:`NOT_IN_FORCE` ...)."""
        if not self.in_force(b, rule_from, rule_to):
            return NOT_IN_FORCE
        if (
            reads_history
            and b.start < self.range.start
            and (data_from is None or data_from > b.start)
        ):
            return DATA_MISSING
        return None


def window_for(policy: Policy, rng: DateRange) -> Window:
    """The window of an evaluation of ``policy`` over ``rng``."""
    schemes = policy.assessment.schemes if policy.assessment is not None else []
    rollup_periods = {r.period for s in schemes for r in s.all_rollups}
    schemes_from = history_start(rollup_periods, rng)
    scheme_range = DateRange(schemes_from, rng.end, rng.label)
    judged_from = history_start({s.period for s in schemes}, scheme_range)
    judged = DateRange(judged_from, rng.end, rng.label)
    reads_from = history_start(_rule_periods(policy), judged)
    effective = policy.effective
    return Window(
        range=rng,
        judged_from=judged_from,
        schemes_from=schemes_from,
        reads_from=reads_from,
        in_force_from=effective.from_ if effective else None,
        in_force_to=effective.to if effective else None,
    )


def _rule_periods(policy: Policy) -> Iterable[Period]:
    """The periods the rules are judged by; a rule without a ``period`` field may use any."""
    found: set[Period] = set()
    for rule in policy.rules:
        period = getattr(rule, "period", None)
        if isinstance(period, Period):
            found.add(period)
        else:
            return set(Period)
    return found
