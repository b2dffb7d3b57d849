"""Rule-driven requirements and violations for people's activity logs.

From the policy's rules on a role (``cadence`` of activities, ``duty_coverage``,
``time_commitment``, ``visit_quality``) this module derives the records a compliant person's
plan must hold (:func:`reqs_for`) and injects one violation per chosen (rule, person, bucket)
(:func:`activity_violations`). A change to one rule's records can break another rule that
reads the same kinds; the coupling is worked out from the rules, not assumed:

* a rule of the same period whose kinds all vanish fails too (recorded with the change);
* a duty that keeps only kinds the plan does not guarantee fails when none of them happens to
  be logged (checked on the generated data, recorded only then);
* a change that would break rules of a finer period, or a coarser rule the plan does not
  guarantee by other records, is never made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from gridpolicing.engine.periods import Bucket
from gridpolicing.policy.models import Period, RuleSpec
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.ops import DropKinds, MoveKinds, RemoveDays, ShortWeek, WeakVisit
from gridpolicing.synth.plans import Plan, Req
from gridpolicing.synth.rulefields import rf

__all__ = ["ORDER", "activity_rules", "activity_violations", "full", "reqs_for", "roles_of"]

ORDER: Final = {"day": 0, "week": 1, "month": 2, "quarter": 3, "half_year": 4, "year": 5}
_ACTIVITY_KINDS: Final = ("cadence", "duty_coverage", "time_commitment", "visit_quality")


def roles_of(rule: RuleSpec) -> set[str]:
    """The roles of a people-subject rule (empty for a units subject)."""
    sel = rule.subject.people
    return {r.value for r in sel.roles} if sel is not None else set()


def _counts_activities(rule: RuleSpec) -> bool:
    if rule.kind == "cadence":
        return rf(rule, "count").activities is not None
    return rule.kind in _ACTIVITY_KINDS


def activity_rules(ctx: Context, role: str) -> list[RuleSpec]:
    """The policy's rules on ``role`` that read the person's activity records."""
    return [r for r in ctx.policy.rules if role in roles_of(r) and _counts_activities(r)]


def _kinds(rule: RuleSpec) -> list[list[str]]:
    """Kind sets the rule needs one of (each entry is one requirement)."""
    if rule.kind == "cadence":
        return [[k.value for k in rf(rule, "count").activities]]
    if rule.kind == "duty_coverage":
        return [[k.value for k in d.activity_kinds] for d in rf(rule, "duties")]
    return []


def every_working_day(ctx: Context, role: str) -> bool:
    """A rule on ``role`` asks for a record on every official working day of its period."""
    return any(getattr(r, "min_working_days", None) == "all" for r in activity_rules(ctx, role))


def reqs_for(
    ctx: Context, role: str, prefer: Sequence[str] = (), monthly: Sequence[str] = ()
) -> list[Req]:
    """Records a person of ``role`` must log per bucket for the cadence and duty rules.

    For each requirement the first kind in ``prefer`` that satisfies it is used, else the
    rule's first kind; requirements already met by an earlier one of the same period, or
    (for a month or longer) by a kind in ``monthly`` that quotas give every month, are not
    repeated.
    """
    out: list[Req] = []
    for rule in activity_rules(ctx, role):
        period = str(rf(rule, "period"))
        if period == "year":
            period = "half_year"
        if rule.kind == "cadence":
            need = int(ctx.param(rule.id, "min_count") or 1)
            if getattr(rule, "sensitive_daily", False):
                out.append(Req("sensitive", _choose(_kinds(rule)[0], prefer)))
        elif rule.kind == "duty_coverage":
            need = int(ctx.param(rule.id, "min_per_duty") or 1)
        else:
            continue
        for kinds in _kinds(rule):
            if ORDER[period] >= ORDER["month"] and set(kinds) & set(monthly):
                continue
            kind = _choose(kinds, prefer)
            have = sum(r.count for r in out if r.kind in kinds and ORDER[r.period] <= ORDER[period])
            if have < need:
                out.append(Req(period, kind, count=need - have))  # type: ignore[arg-type]
    return out


def _choose(kinds: Sequence[str], prefer: Sequence[str]) -> str:
    return next((k for k in prefer if k in kinds), kinds[0])


def _guaranteed(plan: Plan, period: str, strictly_finer: bool = False) -> set[str]:
    """Kinds the plan logs in every bucket of ``period`` a person works through."""
    limit = ORDER[period]
    return {
        r.kind
        for r in plan.reqs
        if r.period != "sensitive"
        and (ORDER[r.period] < limit if strictly_finer else ORDER[r.period] <= limit)
    }


def full(ctx: Context, person: str, roles: set[str], first: dt.date, last: dt.date) -> bool:
    """True when the person holds one of ``roles`` on every day of ``first..last``."""
    stints = [s for s in ctx.world.stints_of(person) if s.role in roles]
    for s in stints:
        if (
            s.start <= first
            and (s.end is None or s.end >= last)
            and not any(first <= g <= last for g in s.gaps)
        ):
            return True
    d = first
    while d <= last:
        if not any(s.active(d) for s in stints):
            return False
        d += dt.timedelta(days=1)
    return True


class _Effect:
    """Findings a drop of ``dropped`` kinds for a person's bucket makes fail, or None if unsafe."""

    def __init__(self, ctx: Context, role: str, plan: Plan, period: str, dropped: set[str]):
        self.certain: list[str] = []
        self.maybe: list[tuple[str, tuple[str, ...]]] = []
        self.safe = True
        for rule in activity_rules(ctx, role):
            if rule.kind not in ("cadence", "duty_coverage"):
                continue
            rp = str(rf(rule, "period"))
            for kinds in _kinds(rule):
                rest = set(kinds) - dropped
                if rest == set(kinds):
                    continue
                if ORDER[rp] < ORDER[period]:
                    self.safe = False  # would break every finer bucket inside
                elif ORDER[rp] > ORDER[period]:
                    kept = (rest & _guaranteed(plan, rp)) or (
                        set(kinds) & _guaranteed(plan, rp, strictly_finer=True)
                    )
                    if not kept:
                        self.safe = False
                elif not rest:
                    self.certain.append(rule.id)
                elif not rest & _guaranteed(plan, rp):
                    self.maybe.append((rule.id, tuple(sorted(rest))))


def activity_violations(
    ctx: Context,
    role: str,
    people: Sequence[str],
    plan: Plan,
    *,
    move: bool = False,
) -> None:
    """Inject violations of every activity rule on ``role`` into ``people``'s logs.

    With ``move`` the records taken out of a bucket are moved to the next (or previous) bucket
    instead of being deleted, so yearly totals of every kind are kept.
    """
    # Coarse rules first: they are fewer, and each change claims its month.
    rules = sorted(activity_rules(ctx, role), key=lambda r: -ORDER[str(rf(r, "period"))])
    for rule in rules:
        roles = roles_of(rule)
        if rule.kind in ("cadence", "duty_coverage"):
            choices = _drop_choices(ctx, role, plan, rule)
            if not choices:
                ctx.not_injected.setdefault(
                    rule.id, "every way to break it breaks finer or unguaranteed rules too"
                )
                continue
            for p in people:
                for b in ctx.buckets(rule.id):
                    _drop(ctx, rule, roles, p, b, choices, move)
        elif rule.kind == "time_commitment":
            _time(ctx, rule, roles, people, plan)
        elif rule.kind == "visit_quality":
            what = _visit_lack(ctx, rule)
            for p in people:
                for b in ctx.buckets(rule.id):
                    if (
                        ctx.chance(rule.id, p, b.key)
                        and full(ctx, p, roles, b.start, b.end)
                        and ctx.month_claim([p], b.start, b.end)
                    ):
                        op = WeakVisit(p, b.start, b.end, what)
                        ctx.inject([(rule.id, "person", p, b.key)], f"visit without {what}", op)


def _drop_choices(
    ctx: Context, role: str, plan: Plan, rule: RuleSpec
) -> list[tuple[set[str], _Effect]]:
    period = str(rf(rule, "period"))
    out = []
    for kinds in _kinds(rule):
        effect = _Effect(ctx, role, plan, period, set(kinds))
        if effect.safe:
            out.append((set(kinds), effect))
    out.sort(key=lambda c: (len(c[1].certain) + len(c[1].maybe), sorted(c[0])))
    return out[:1] if rule.kind == "duty_coverage" else out


def _drop(
    ctx: Context,
    rule: RuleSpec,
    roles: set[str],
    p: str,
    b: Bucket,
    choices: list[tuple[set[str], _Effect]],
    move: bool,
) -> None:
    if not ctx.chance(rule.id, p, b.key) or not full(ctx, p, roles, b.start, b.end):
        return
    dropped, effect = choices[0]
    kinds = tuple(sorted(dropped))
    target = _neighbour(ctx, rule, b) if move else None
    span = (min(b.start, target.start), max(b.end, target.end)) if target else (b.start, b.end)
    if not ctx.month_claim([p], *span):
        return
    findings: list[Finding] = [(rule.id, "person", p, b.key)]
    findings += [(r, "person", p, b.key) for r in effect.certain if r != rule.id]
    checks = [(p, ks, b.start, b.end, [(r, "person", p, b.key)]) for r, ks in effect.maybe]
    op: Any
    if target is not None:
        op = MoveKinds(p, b.start, b.end, kinds, target.start, target.end)
        how = f"{', '.join(kinds)} moved to {target.key}"
    else:
        op = DropKinds(b.start, b.end, kinds, person=p)
        how = f"no {', '.join(kinds)} logged"
    ctx.inject(findings, how, op, checks)


def _neighbour(ctx: Context, rule: RuleSpec, b: Bucket) -> Bucket | None:
    buckets = ctx.buckets(rule.id)
    i = next(i for i, x in enumerate(buckets) if x.key == b.key)
    if i + 1 < len(buckets):
        return buckets[i + 1]
    return buckets[i - 1] if i > 0 else None


def _time(ctx: Context, rule: RuleSpec, roles: set[str], people: Sequence[str], plan: Plan) -> None:
    period = str(rf(rule, "period"))
    hours = rf(rule, "min_hours") is not None
    role = sorted(roles)[0]
    others = [o for o in activity_rules(ctx, role) if o.id != rule.id]
    if hours and (period != "week" or plan.hours_min is None):
        ctx.not_injected.setdefault(rule.id, "hours are only cut per ISO week")
        return
    if getattr(rule, "min_working_days", None) == "all":
        # every working day of the bucket: a day taken away also cuts the weekly hours
        ctx.not_injected.setdefault(rule.id, "every working day is kept, never broken alone")
        return
    finer = any(
        ORDER[str(rf(o, "period"))] < ORDER[period] and o.kind != "visit_quality" for o in others
    )
    for p in people:
        for b in ctx.buckets(rule.id):
            if not ctx.chance(rule.id, p, b.key) or not full(ctx, p, roles, b.start, b.end):
                continue
            findings: list[Finding] = [(rule.id, "person", p, b.key)]
            op: Any
            if hours:
                op, how = ShortWeek(p, b.key), "weekly hours cut below the minimum"
            else:
                field = "min_working_days" if rf(rule, "min_working_days") else "min_days"
                least = int(ctx.param(rule.id, field, b.start) or 0)
                day_hours = getattr(rule, "min_hours_per_day", None)
                if day_hours is not None and plan.day_hours_min is not None and least > 0:
                    # Only days of enough hours count: keep the minimum of days, one short.
                    op = RemoveDays(p, b.start, b.end, least, short_first=True)
                    how = f"worked {least} day(s) in {b.key}, one under {plan.day_hours_min} h"
                    if ctx.month_claim([p], b.start, b.end):
                        ctx.inject(findings, how, op)
                    continue
                keep = max(0, least - 1)
                if keep == 0:
                    if finer:
                        continue
                    findings += [
                        (o.id, "person", p, b.key)
                        for o in others
                        if str(rf(o, "period")) == period and o.kind != "visit_quality"
                    ]
                op, how = RemoveDays(p, b.start, b.end, keep), f"worked {keep} day(s) in {b.key}"
            if ctx.month_claim([p], b.start, b.end):
                ctx.inject(findings, how, op)


def _visit_lack(ctx: Context, rule: RuleSpec) -> Any:
    for field, what in (
        ("min_households", "households"),
        ("min_services", "services"),
        ("require_photo", "photo"),
        ("require_work_log", "log"),
    ):
        if getattr(rule, field):
            return what
    return "log"


def period_of(rule: RuleSpec) -> Period:
    """The rule's period (month when it has none)."""
    return Period(getattr(rule, "period", None) or "month")
