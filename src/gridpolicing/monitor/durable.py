"""The durable_rules engine: watch plans as a durable_rules ruleset, observations as its facts.

Built around what durable_rules 2.0.28 does (see docs/monitor.md, "Engines"):

* one long-lived host per monitor (a host cannot be disposed of), built with its background
  dispatcher threads switched off, so every action runs inside our own ``assert_fact`` call and
  nothing races the engine (``delete_state`` and retractions raced the dispatcher upstream);
* one session id for everything (1,024 live session ids per ruleset, then a crash);
* no aggregation in the engine: the monitor keeps the counters and asserts them as facts; each
  fact is retracted once its actions have run, so at most one fact is live (identities are a
  32-bit hash, so many live facts risk being rejected as "already observed");
* a catch-all rule, because a fact that matches no rule raises ``MessageNotHandledException``;
* actions never raise into durable_rules (it would return the error as a string in the state):
  they record the error and the judge raises it after the call;
* ``set_rulesets`` gets a deep copy, because it mutates its argument.
"""

from __future__ import annotations

import copy
import importlib
import itertools
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol, final

from gridpolicing.errors import GridPolicingError, UsageError
from gridpolicing.monitor.plans import AllOf, AnyOf, Cond, Ref, WatchPlan

__all__ = ["DurableError", "DurableJudge", "ruleset_of"]

RULESET: Final = "gridpolicing_monitor"
_SID: Final = "0"
_OPS: Final = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte", "neq": "$neq"}
_MISSING = (
    "the durable engine needs durable_rules (pip install 'gridpolicing[durable]', "
    "Python < 3.13; durable_rules 2.0.28 does not import on Python 3.13)"
)


class DurableError(GridPolicingError):
    """durable_rules failed: an action raised, or the engine refused a fact."""


class _Host(Protocol):
    """The part of ``durable.engine.Host`` the judge uses (durable_rules ships no types)."""

    def set_rulesets(self, ruleset_definitions: dict[str, Any]) -> Any: ...

    def assert_fact(self, ruleset_name: str, fact: dict[str, Any]) -> Any: ...

    def retract_fact(self, ruleset_name: str, fact: dict[str, Any]) -> Any: ...


def _condition(cond: Cond) -> dict[str, Any]:
    """A plan condition in durable_rules' JSON form."""
    if isinstance(cond, AnyOf):
        return {"$or": [_condition(c) for c in cond.items]}
    if isinstance(cond, AllOf):
        return {"$and": [_condition(c) for c in cond.items]}
    value: Any = {"$m": cond.value.name} if isinstance(cond.value, Ref) else cond.value
    if cond.op == "eq":
        return {cond.field: value}
    return {_OPS[cond.op]: {cond.field: value}}


def ruleset_of(
    plans: Sequence[WatchPlan], action: Callable[[str], Callable[[Any], None]]
) -> dict[str, Any]:
    """The ruleset for ``plans``: one rule per (plan, condition), plus the catch-all.

    ``action(verdict)`` gives the callable a rule runs.
    """
    rules: dict[str, Any] = {}
    for plan in plans:
        for n, (verdict, cond) in enumerate(plan.conditions):
            rules[f"p{plan.index}.{n}.{verdict}"] = {
                "all": [{"m": {"$and": [{"p": plan.index}, _condition(cond)]}}],
                "run": action(verdict),
            }
    rules["~catch-all"] = {"all": [{"m": {"$ex": {"t": 1}}}], "run": action("")}
    return rules


def _load_engine() -> Any:
    try:
        return importlib.import_module("durable.engine")
    except ImportError as exc:  # absent, or built for another Python (undefined symbols)
        raise UsageError(f"{_MISSING}: {exc}") from None


@final
class DurableJudge:
    """Decides through a durable_rules ruleset built from the watch plans."""

    name = "durable"

    def __init__(self, plans: Sequence[WatchPlan]) -> None:
        engine = _load_engine()
        # No dispatcher threads: actions run synchronously inside assert_fact, on our thread.
        quiet = type("_QuietHost", (engine.Host,), {"_run": lambda self: None})
        self._host: _Host = quiet()
        self._fired: list[tuple[int, str]] = []
        self._errors: list[BaseException] = []
        self._serial = itertools.count()
        self._host.set_rulesets({RULESET: copy.deepcopy(ruleset_of(plans, self._action))})

    def _action(self, verdict: str) -> Callable[[Any], None]:
        def run(c: Any) -> None:
            try:
                self._record(c, verdict)
            except BaseException as exc:  # never into durable_rules: it would swallow it
                self._errors.append(exc)

        return run

    def _record(self, c: Any, verdict: str) -> None:
        if verdict:  # the catch-all rule has none
            self._fired.append((int(c.m["i"]), verdict))

    def decide(self, facts: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
        """Assert each fact, let its rules run, retract it; collect the verdicts."""
        self._fired.clear()
        with warnings.catch_warnings():
            # durable_rules times actions with datetime.utcfromtimestamp (deprecated in 3.12)
            warnings.simplefilter("ignore", DeprecationWarning)
            for i, fact in enumerate(facts):
                f = {**fact, "sid": _SID, "i": i, "n": next(self._serial)}
                state = self._call(self._host.assert_fact, f)
                self._call(self._host.retract_fact, f)
                if isinstance(state, dict) and "exception" in state:
                    raise DurableError(f"a durable_rules action failed: {state['exception']}")
        if self._errors:
            first = self._errors[0]
            self._errors.clear()
            raise DurableError(f"a durable_rules action failed: {first!r}") from first
        return sorted(set(self._fired))

    def _call(self, fn: Callable[[str, dict[str, Any]], Any], fact: dict[str, Any]) -> Any:
        try:
            return fn(RULESET, fact)
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc)
            raise DurableError(f"durable_rules refused {fact}: {message}") from exc
