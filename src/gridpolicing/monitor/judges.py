"""The judges: decide which observations become alerts, from the watch plans' conditions.

Both engines share the monitor's counters and clock; they differ in who evaluates the
conditions. :class:`NativeJudge` runs them as Python predicates; the durable judge
(:mod:`gridpolicing.monitor.durable`) asserts each observation as a durable_rules fact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, final

from gridpolicing.errors import UsageError
from gridpolicing.monitor.plans import WatchPlan, evaluator

__all__ = ["ENGINES", "Judge", "NativeJudge", "make_judge"]

ENGINES = ("native", "durable")


class Judge(Protocol):
    """Decides verdicts for a batch of observations."""

    name: str

    def decide(self, facts: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
        """``(index in facts, verdict)`` for each fact that fired a rule, in index order."""
        ...


@final
class NativeJudge:
    """Evaluates each plan's conditions in Python."""

    name = "native"

    def __init__(self, plans: Sequence[WatchPlan]) -> None:
        self._table: list[list[tuple[str, Callable[[Mapping[str, Any]], bool]]]] = [
            [(verdict, evaluator(cond)) for verdict, cond in plan.conditions] for plan in plans
        ]

    def decide(self, facts: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
        """The first condition of the fact's plan that holds gives its verdict."""
        out = []
        for i, fact in enumerate(facts):
            for verdict, holds in self._table[fact["p"]]:
                if holds(fact):
                    out.append((i, verdict))
                    break
        return out


def make_judge(engine: str, plans: Sequence[WatchPlan]) -> Judge:
    """The judge of ``engine`` (``native`` or ``durable``)."""
    if engine == "native":
        return NativeJudge(plans)
    if engine == "durable":
        from gridpolicing.monitor.durable import DurableJudge

        return DurableJudge(plans)
    raise UsageError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
