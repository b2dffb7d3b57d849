"""Watch plans: what the monitor counts per subject and bucket, compiled from the policy's rules.

A plan is data: the records it counts, the subjects, the requirement, pace checkpoints, and the
*conditions* under which an observation becomes an alert. The conditions are a small expression
tree that the native engine evaluates in Python and the durable engine turns into durable_rules
JSON conditions, so both engines decide from the same source.

Observations (facts) the monitor produces, all with ``p`` (the plan index) and ``t``:

* ``close``: a bucket ended; ``measured``, ``required`` and, for cadence, ``missing`` (sensitive
  days without a record);
* ``check``: a deadline inside an open bucket; ``why`` is ``pace`` (with ``pace``, the share of
  the requirement due by now) or ``feasible`` (with ``reach``, the most the subject can still
  reach, and ``missing``);
* ``visit``: a visit is complete (``households``, ``services``, ``log``, ``photo``);
* ``record``: a task, activity or incident a prohibition names (``kind``, ``reason``, ``held``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, final

from gridpolicing.errors import UsageError
from gridpolicing.monitor.pace import Checkpoint
from gridpolicing.policy.document import Policy
from gridpolicing.policy.models import Period, RuleSpec
from gridpolicing.policy.values import Dated, value_at
from gridpolicing.rules.cadence import CadenceRule
from gridpolicing.rules.time_commitment import TimeCommitmentRule

__all__ = [
    "TIME_MEASURES",
    "WATCHED_KINDS",
    "AllOf",
    "AnyOf",
    "Cmp",
    "Cond",
    "Ref",
    "WatchPlan",
    "compile_plans",
    "evaluator",
]

WATCHED_KINDS: Final = ("time_commitment", "cadence", "visit_quality", "prohibition", "measure")
"""Kinds with an event form. A ``measure`` rule has one when it is a single ``at_least`` on
time or on a count of activities, meetings or reports of the subject itself (see
:func:`measure_watch`)."""

TIME_MEASURES: Final = ("hours", "days", "working_days")

Op = Literal["lt", "lte", "gt", "gte", "eq", "neq"]


@final
@dataclass(frozen=True, slots=True)
class Ref:
    """Another field of the same fact."""

    name: str


@final
@dataclass(frozen=True, slots=True)
class Cmp:
    """``fact[field] op value``."""

    field: str
    op: Op
    value: float | int | str | Ref


@final
@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one holds."""

    items: tuple[Cond, ...]


@final
@dataclass(frozen=True, slots=True)
class AllOf:
    """Every one holds."""

    items: tuple[Cond, ...]


Cond = Cmp | AnyOf | AllOf

_OPS: Final = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "eq": "==", "neq": "!="}


def _source(cond: Cond) -> str:
    """``cond`` as a Python expression over the fact ``f`` (a missing field makes it false)."""
    if isinstance(cond, AnyOf | AllOf):
        joiner = " or " if isinstance(cond, AnyOf) else " and "
        return "(" + joiner.join(_source(c) for c in cond.items) + ")"
    if not isinstance(cond.value, Ref | int | float | str) or isinstance(cond.value, bool):
        raise TypeError(f"unsupported value {cond.value!r}")
    name, op = repr(cond.field), _OPS[cond.op]
    if isinstance(cond.value, Ref):
        other = repr(cond.value.name)
        return f"({name} in f and {other} in f and f[{name}] {op} f[{other}])"
    return f"({name} in f and f[{name}] {op} {cond.value!r})"


def evaluator(cond: Cond) -> Callable[[Mapping[str, Any]], bool]:
    """A Python predicate for ``cond`` (the native engine's judge).

    The condition is compiled to one expression: field names are the monitor's own and values
    are numbers and vocabulary strings from a validated policy, written with ``repr``.
    """
    fn: Callable[[Mapping[str, Any]], bool] = eval(  # the expression is built above
        "lambda f: bool" + _source(cond), {"__builtins__": {"bool": bool}}
    )
    return fn


@final
@dataclass(frozen=True, slots=True)
class WatchPlan:
    """One rule as the monitor watches it."""

    index: int
    rule: RuleSpec
    kind: str
    period: Period
    source: Literal["activity", "meeting", "report", "task", "incident"]
    kinds: frozenset[str] | None
    """Record kinds counted (None: every kind)."""
    units_subject: bool
    measure: Literal["hours", "days", "working_days", "count", "visits", "records"]
    threshold: Any = None
    sensitive_daily: bool = False
    per_activity: bool = False
    min_households: Any = None
    min_services: Any = None
    require_log: bool = False
    require_photo: bool = False
    exempt: frozenset[str] = frozenset()
    pace: tuple[Checkpoint, ...] = ()
    conditions: tuple[tuple[str, Cond], ...] = field(default=())
    """(verdict, condition) pairs; verdicts are ``breached``, ``at_risk`` and ``violation``."""

    def required(self, day: dt.date) -> float | None:
        """The requirement in force on ``day`` (None when the rule does not apply)."""
        v = value_at(self.threshold, day)
        return None if v is None else float(v)

    def minimum(self, value: Any, day: dt.date) -> int | None:
        """A per-visit minimum in force on ``day``."""
        if value is None:
            return None
        v = value_at(value, day)
        return None if v is None else int(v)


def compile_plans(
    policy: Policy, pace: Mapping[str, tuple[Checkpoint, ...]] | None = None
) -> tuple[list[WatchPlan], list[tuple[str, str]]]:
    """Watch plans for the rules the monitor can watch, and ``(rule id, why not)`` for the rest."""
    if policy.is_template:
        raise UsageError(
            f"policy {policy.id!r} is a template; extend it and give its parameters values"
        )
    pace = dict(pace or {})
    plans: list[WatchPlan] = []
    skipped: list[tuple[str, str]] = []
    for rule in policy.rules:
        why_not = why_not_watched(rule)
        if why_not is not None:
            skipped.append((rule.id, why_not))
            continue
        checkpoints = pace.pop(rule.id, ())
        plan = _compile(len(plans), rule, checkpoints)
        if checkpoints and plan.measure not in (*TIME_MEASURES, "count"):
            raise UsageError(
                f"pace[{rule.id}]: only rules of time or of a count (time_commitment, cadence, "
                "measure) have a pace"
            )
        if any(c.weekday is not None for c in checkpoints) and plan.period is not Period.week:
            raise UsageError(f"pace[{rule.id}]: a weekday checkpoint needs a weekly rule")
        plans.append(plan)
    if pace:
        raise UsageError(f"pace names rules the policy does not watch: {', '.join(sorted(pace))}")
    return plans, skipped


def why_not_watched(rule: RuleSpec) -> str | None:
    """Why the monitor cannot watch ``rule`` (it is evaluated in batch), or None."""
    batch = "is evaluated in batch, not watched"
    if rule.kind not in WATCHED_KINDS:
        return f"{rule.kind} rules are evaluated in batch, not watched"
    if rule.kind == "measure":
        return measure_watch(rule)[1]
    if isinstance(rule, TimeCommitmentRule) and rule.min_working_days == "all":
        # the events carry no assignment days: a working day between two assignments would
        # be asked all the same
        return f"a rule of every working day {batch}"
    if isinstance(rule, CadenceRule) and rule.count.to is not None:
        # a report event names no recipient unit's type: counting it could pass a rule that
        # counts only reports to the station
        return f"a cadence of reports to named recipients {batch}"
    return None


def _req(value: Any) -> float | int | Ref:
    """A literal requirement goes into the condition itself; a dated one is read from the fact."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, Dated):
        return Ref("required")
    raise UsageError(f"unsupported requirement {value!r}")


def _is(name: str, value: str) -> Cmp:
    return Cmp(name, "eq", value)


_PACE: Final = AllOf((_is("t", "check"), _is("why", "pace"), Cmp("measured", "lt", Ref("pace"))))
_CLOSED_WITH_ANY: Final = AllOf((_is("t", "close"), Cmp("measured", "gt", 0)))

Source = Literal["activity", "meeting", "report", "task", "incident"]
Verdicts = tuple[tuple[str, Cond], ...]


def _compile(index: int, rule: Any, checkpoints: tuple[Checkpoint, ...]) -> WatchPlan:
    base: dict[str, Any] = {
        "index": index,
        "rule": rule,
        "kind": rule.kind,
        "period": rule.period,
        "units_subject": rule.subject.units is not None,
        "pace": checkpoints,
    }
    build = {
        "time_commitment": _time_commitment,
        "cadence": _cadence,
        "visit_quality": _visit_quality,
        "prohibition": _prohibition,
        "measure": _measure,
    }[rule.kind]
    return WatchPlan(**base, **build(rule))


def measure_watch(rule: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The event form of a ``measure`` rule, from its core measure, or why it has none.

    Time (hours, days, working days) and counts of the subject's own activities, meetings or
    reports, compared ``at_least`` a literal or dated value, are watched exactly as
    ``time_commitment`` and ``cadence`` are: the measure, not the kind, says how events count.
    """
    batch = "is evaluated in batch, not watched"
    if rule.require is not None:
        return None, f"a measure rule with require: {batch}"
    m, at_least = rule.measure, rule.at_least
    if at_least is None or not isinstance(at_least, int | float | Dated):
        return None, f"a measure rule compared other than at_least a value {batch}"
    if m.within not in (None, "self") or m.in_units is not None:
        return None, f"a measure rule reaching other units {batch}"
    time = next((t for t in TIME_MEASURES if getattr(m, t) is not None), None)
    if time is not None:
        spec = getattr(m, time)
        kinds = frozenset(k.value for k in spec.activities) if spec.activities else None
        return _time_plan(time, kinds, at_least), None
    records = m.count.records if m.count is not None else None
    sources: dict[str, Source] = {
        "activities": "activity",
        "meetings": "meeting",
        "reports": "report",
    }
    if records is None or records.table not in sources:
        return None, f"a measure rule of this measure {batch}"
    req = _req(at_least)
    count_conds: Verdicts = (
        ("breached", AllOf((_is("t", "close"), Cmp("measured", "lt", req)))),
        ("at_risk", _PACE),
    )
    return {
        "source": sources[records.table],
        "kinds": frozenset(records.kinds),
        "measure": "count",
        "threshold": at_least,
        "conditions": count_conds,
    }, None


def _measure(rule: Any) -> dict[str, Any]:
    plan, why_not = measure_watch(rule)
    if plan is None:
        raise UsageError(f"rule {rule.id!r}: {why_not}")
    return plan


def _time_commitment(rule: Any) -> dict[str, Any]:
    measure: str
    if rule.min_hours is not None:
        measure, threshold = "hours", rule.min_hours
    elif rule.min_working_days is not None:
        measure, threshold = "working_days", rule.min_working_days
    else:
        measure, threshold = "days", rule.min_days
    kinds = frozenset(k.value for k in rule.activity_kinds) if rule.activity_kinds else None
    return _time_plan(measure, kinds, threshold)


def _time_plan(measure: str, kinds: frozenset[str] | None, threshold: Any) -> dict[str, Any]:
    """A plan of time (hours, days, working days) at least ``threshold``: breached when a
    bucket closes short, at risk behind the pace or when the rest cannot reach it."""
    req = _req(threshold)
    conds: Verdicts = (
        ("breached", AllOf((_is("t", "close"), Cmp("measured", "lt", req)))),
        ("at_risk", _PACE),
        ("at_risk", AllOf((_is("t", "check"), _is("why", "feasible"), Cmp("reach", "lt", req)))),
    )
    return {
        "source": "activity",
        "kinds": kinds,
        "measure": measure,
        "threshold": threshold,
        "conditions": conds,
    }


def _cadence(rule: Any) -> dict[str, Any]:
    c = rule.count
    source: Source
    if c.activities is not None:
        source, listed = "activity", c.activities
    elif c.meetings is not None:
        source, listed = "meeting", c.meetings
    else:
        source, listed = "report", c.reports
    req = _req(rule.min_count)
    unmet = AnyOf((Cmp("measured", "lt", req), Cmp("missing", "gt", 0)))
    conds: Verdicts = (
        ("breached", AllOf((_is("t", "close"), unmet))),
        ("at_risk", _PACE),
        ("at_risk", AllOf((_is("t", "check"), _is("why", "feasible"), Cmp("missing", "gt", 0)))),
    )
    return {
        "source": source,
        "kinds": frozenset(k.value for k in listed),
        "measure": "count",
        "threshold": rule.min_count,
        "sensitive_daily": rule.sensitive_daily,
        "conditions": conds,
    }


def _visit_quality(rule: Any) -> dict[str, Any]:
    lacks: list[Cond] = []
    for name, value in (("households", rule.min_households), ("services", rule.min_services)):
        if value is not None:
            lacks.append(Cmp(name, "lt", Ref(f"min_{name}") if isinstance(value, Dated) else value))
    if rule.require_work_log:
        lacks.append(Cmp("log", "eq", 0))
    if rule.require_photo:
        lacks.append(Cmp("photo", "eq", 0))
    conds: Verdicts = (
        ("violation", AllOf((_is("t", "visit"), AnyOf(tuple(lacks))))),
        ("breached", _CLOSED_WITH_ANY),
    )
    return {
        "source": "activity",
        "kinds": frozenset(k.value for k in rule.activity_kinds) if rule.activity_kinds else None,
        "measure": "visits",
        "per_activity": rule.per == "activity",
        "min_households": rule.min_households,
        "min_services": rule.min_services,
        "require_log": rule.require_work_log,
        "require_photo": rule.require_photo,
        "conditions": conds,
    }


def _prohibition(rule: Any) -> dict[str, Any]:
    f = rule.forbidden
    source: Source
    if f.tasks is not None:
        source, listed = "task", f.tasks
    elif f.activities is not None:
        source, listed = "activity", f.activities
    else:
        source, listed = "incident", f.incidents
    exempt = frozenset(r.value for r in rule.exempt_reasons)
    record: list[Cond] = [
        _is("t", "record"),
        Cmp("held", "eq", 1),
        AnyOf(tuple(_is("kind", k.value) for k in listed)),
    ]
    record.extend(Cmp("reason", "neq", r) for r in sorted(exempt))
    conds: Verdicts = (("violation", AllOf(tuple(record))), ("breached", _CLOSED_WITH_ANY))
    return {
        "source": source,
        "kinds": frozenset(k.value for k in listed),
        "measure": "records",
        "exempt": exempt,
        "conditions": conds,
    }
