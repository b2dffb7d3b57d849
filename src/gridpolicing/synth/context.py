"""What a profile builds with: the world, activity plans, injected changes and their truth.

Violations are chosen per candidate (rule mechanism, subject, bucket) with probability
``violation_rate``, from a hash of the seed, so the choice never depends on iteration order
elsewhere. Each injected change claims the people and units it touches over the days its
findings depend on; a candidate whose claim overlaps an earlier one is skipped, so two changes
never interact and each keeps exactly the findings it was recorded with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, final

from gridpolicing.engine.periods import Bucket
from gridpolicing.policy.document import Policy
from gridpolicing.policy.models import Period, RuleSpec
from gridpolicing.policy.values import value_at
from gridpolicing.synth.calendar import Day, in_range_buckets, month_end, month_start
from gridpolicing.synth.ops import ActivityOp
from gridpolicing.synth.plans import Plan, Quota
from gridpolicing.synth.truth import Violation
from gridpolicing.synth.world import World

__all__ = ["Check", "Context", "Finding", "Pending"]

Finding = tuple[str, str, str, str]
"""(rule, subject_type, subject, bucket) of a finding an injected change makes fail."""
Check = tuple[str, tuple[str, ...], dt.date, dt.date, list[Finding]]
"""(person, kinds, first, last, findings): the findings fail too when, once every change is
made, the person has no record of the kinds in the days."""


@final
@dataclass(slots=True)
class Pending:
    """An injected change: its findings, and the activity change it depends on (if any)."""

    injection: str
    findings: list[Finding]
    how: str
    op: int | None = None
    """Index in :attr:`Context.ops` of the activity change that must apply."""
    checks: list[Check] = field(default_factory=list)


@final
class Context:
    """One generation run's state, handed to the profile."""

    def __init__(
        self,
        *,
        policy: Policy,
        seed: int,
        scale: float,
        rate: float,
        rates: Mapping[str, float] | None = None,
        start: dt.date,
        end: dt.date,
        days: Sequence[Day],
    ) -> None:
        self.policy = policy
        self.seed = seed
        self.scale = scale
        self.rate = rate
        self.rates = dict(rates or {})
        self.start, self.end = start, end
        self.days = list(days)
        self.world = World(start, end)
        self.rng = random.Random(f"{policy.id}:{seed}")
        self.plans: dict[str, Plan] = {}
        self.quotas: list[Quota] = []
        self.ops: list[ActivityOp] = []
        self.pending: list[Pending] = []
        self.not_injected: dict[str, str] = {}
        self._claims: dict[str, list[tuple[dt.date, dt.date]]] = {}

    # -- sizes and rules -----------------------------------------------------------------

    def n(self, base: float, least: int = 1) -> int:
        """``base`` people or units at this scale, at least ``least``."""
        return max(least, round(base * self.scale))

    def rule(self, rule_id: str) -> RuleSpec:
        """A rule of the policy."""
        return self.policy.rule(rule_id)

    def has(self, rule_id: str) -> bool:
        """True when the policy has the rule."""
        return any(r.id == rule_id for r in self.policy.rules)

    def param(self, rule_id: str, name: str, day: dt.date | None = None) -> Any:
        """A rule's threshold in force on ``day`` (default: the range's first day)."""
        return value_at(getattr(self.rule(rule_id), name), day or self.start)

    def buckets(self, rule_id: str) -> list[Bucket]:
        """The rule's buckets an evaluation of the range has, in force."""
        if not self.has(rule_id):
            return []
        r = self.rule(rule_id)
        period = getattr(r, "period", None) or Period.month
        return in_range_buckets(
            Period(period), self.start, self.end, r.effective_from, r.effective_to
        )

    # -- plans ---------------------------------------------------------------------------

    def plan(self, p: Plan) -> str:
        """Register an activity plan; returns its name."""
        self.plans[p.name] = p
        return p.name

    # -- injection -----------------------------------------------------------------------

    def chance(self, rule: str, *key: object) -> bool:
        """True with the rule's probability (``rates`` or ``rate``), from the seed and key only."""
        rate = self.rates.get(rule, self.rate)
        if rate <= 0:
            return False
        text = "\x1f".join(str(k) for k in (self.policy.id, self.seed, rule, *key))
        h = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
        return h / 2**64 < rate

    def claim(self, keys: Iterable[str], first: dt.date, last: dt.date) -> bool:
        """Reserve people/units over ``first..last``; False (nothing reserved) on overlap."""
        return self.claim_all([(keys, first, last)])

    def claim_all(self, wanted: Sequence[tuple[Iterable[str], dt.date, dt.date]]) -> bool:
        """Several reservations at once: all of them, or none when any overlaps."""
        items = [(k, a, b) for keys, a, b in wanted for k in sorted(set(keys))]
        for k, first, last in items:
            for a, b in self._claims.get(k, ()):
                if a <= last and first <= b:
                    return False
        for k, first, last in items:
            self._claims.setdefault(k, []).append((first, last))
        return True

    @staticmethod
    def month_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
        """``first..last`` widened to whole months and the ISO weeks at their edges."""
        a = month_start(first)
        b = month_end(last)
        return a - dt.timedelta(days=a.weekday()), b + dt.timedelta(days=6 - b.weekday())

    def month_claim(self, keys: Iterable[str], first: dt.date, last: dt.date) -> bool:
        """:meth:`claim` widened to whole months and the ISO weeks at their edges."""
        return self.claim(keys, *self.month_span(first, last))

    def inject(
        self,
        findings: Sequence[Finding],
        how: str,
        op: ActivityOp | None = None,
        checks: Sequence[Check] = (),
    ) -> str:
        """Record an injected change and the findings it breaks; returns the injection id."""
        injection = f"inj-{len(self.pending) + 1:05d}"
        index = None
        if op is not None:
            self.ops.append(op)
            index = len(self.ops) - 1
        self.pending.append(Pending(injection, list(findings), how, index, list(checks)))
        return injection

    def violations(
        self, applied: Sequence[bool], absent: Sequence[Sequence[bool]]
    ) -> list[Violation]:
        """The truth: findings of the changes that applied; ``absent`` answers each check."""
        out: list[Violation] = []
        for p, missing in zip(self.pending, absent, strict=True):
            if p.op is not None and not applied[p.op]:
                continue
            found = list(p.findings)
            for check, gone in zip(p.checks, missing, strict=True):
                if gone:
                    found.extend(check[4])
            for rule, stype, subject, bucket in found:
                out.append(Violation(rule, stype, subject, bucket, p.injection, p.how))
        return sorted(set(out))
