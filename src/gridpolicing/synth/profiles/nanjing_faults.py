"""Violations of the Nanjing 2016 draft injected into the ``nanjing-2016`` deployment.

Yearly funding cuts first (the officer must hold the post all year), then bucket-end snapshots
(an officer off the register, a team member part-time or away, a post missing), failing
checklist checks (an item missing, or the old signboard still up), the officers' activity
rules, unit records without a work log or screening, a month of a community without one of the
eight daily tasks, a week of a grid without its briefing, reports kept in the community instead
of sent upward, missing meetings, and forbidden tasks. Every change breaks exactly one finding.
"""

from __future__ import annotations

from gridpolicing.engine.periods import Bucket
from gridpolicing.policy.values import value_at
from gridpolicing.synth.calendar import ONE
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.halves import half_month_violations
from gridpolicing.synth.mechanisms import activity_violations
from gridpolicing.synth.ops import DropKinds, UnlogOne
from gridpolicing.synth.profiles.common import (
    at_bucket_ends,
    coin,
    gap_on,
    neighbours,
    prohibition_violations,
)
from gridpolicing.synth.records import record_violations
from gridpolicing.synth.rulefields import rf
from gridpolicing.synth.world import Stint

__all__ = ["faults"]

Change = tuple[list[str], list[Finding], str] | None


def faults(
    ctx: Context,
    urban: list[str],
    rural: list[str],
    communities: list[str],
    streets: list[str],
    grids: list[str],
    cos: list[str],
    co_of: dict[str, str],
    team: dict[str, list[str]],
) -> None:
    """Inject every violation mechanism of the profile into ``ctx``."""
    w = ctx.world

    def stint(p: str, c: str) -> list[Stint]:
        return [s for s in w.stints_of(p) if s.unit == c]

    # Yearly buckets first. An officer short of funds must hold the post all year, so the
    # year is claimed (once, for every source cut that year).
    funding = [r for r in ctx.policy.rules if r.kind == "funding"]
    for p in cos:
        for b in ctx.buckets(funding[0].id) if funding else []:
            cut = [r for r in funding if ctx.chance(r.id, p, b.key)]
            if not cut or not ctx.claim([p], b.start, b.end):
                continue
            for r in cut:
                for f in w.funding:
                    if f["person"] == p and f["source"] in rf(r, "sources"):
                        f["amount_cny"] = 1000.0 * ctx.rng.randint(1, 4)
                ctx.inject([(r.id, "person", p, b.key)], "allocation short")

    for rule, units in (("urban-community-officer", urban), ("rural-community-officers", rural)):
        if not ctx.has(rule):
            continue

        # Where an officer may serve one community only, half the changes share the officer
        # with the next community for the month's last days: the officer then is neither's
        # own, and only the community without another officer fails.
        limit = rf(ctx.rule(rule), "max_units_per_person")
        nb = neighbours(units) if limit is not None and int(limit) == 1 else {}

        def uncovered(c: str, b: Bucket, rule: str = rule, nb: dict[str, str] = nb) -> Change:
            if c in nb and coin(ctx, rule, c, b.key):
                keys = [c, nb[c], co_of[c], co_of[nb[c]]]
                return keys, [(rule, "unit", c, b.key)], f"officer shared with {nb[c]}"
            return [c, co_of[c]], [(rule, "unit", c, b.key)], "officer off the register"

        def uncover(c: str, b: Bucket, rule: str = rule, nb: dict[str, str] = nb) -> None:
            if c in nb and coin(ctx, rule, c, b.key):
                [s] = stint(co_of[c], c)
                w.copy_stint(s, unit=nb[c], start=b.end - 2 * ONE, end=b.end, plan=None)
            else:
                gap_on(stint(co_of[c], c), b.end)

        at_bucket_ends(ctx, rule, units, uncovered, uncover)
    for r in ctx.policy.rules:
        if r.kind != "staffing" or r.subject.units is None:
            continue
        role = r.roles[0].value  # type: ignore[attr-defined]
        part_time = rf(r, "employment") is not None

        def member(c: str, role: str = role) -> str:
            return [p for p in team[c] if p.startswith(f"{c}-{role[:3]}")][-1]

        # With a load limit of one, half the changes share the member with the next
        # community for the month's last days: a shared member counts for neither, and the
        # next community keeps its own members.
        limit = rf(r, "max_units_per_person")
        nb = neighbours(communities) if limit is not None and int(limit) == 1 else {}

        def shared(c: str, b: Bucket, rule: str, nb: dict[str, str]) -> bool:
            return c in nb and coin(ctx, rule, c, b.key)

        def short(
            c: str, b: Bucket, rule: str = r.id, role: str = role, nb: dict[str, str] = nb
        ) -> Change:
            m = member(c, role)
            if shared(c, b, rule, nb):
                keys = [c, nb[c], m, *team[nb[c]]]
                return keys, [(rule, "unit", c, b.key)], f"{m} shared with {nb[c]}"
            return [c, m], [(rule, "unit", c, b.key)], f"one {role} short"

        def apply(
            c: str,
            b: Bucket,
            rule: str = r.id,
            role: str = role,
            part: bool = part_time,
            nb: dict[str, str] = nb,
        ) -> None:
            for s in stint(member(c, role), c):
                if shared(c, b, rule, nb):
                    w.copy_stint(s, unit=nb[c], start=b.end - 2 * ONE, end=b.end, plan=None)
                elif part:
                    s.override(b.end, employment="part_time")
                else:
                    s.gaps.add(b.end)

        at_bucket_ends(ctx, r.id, communities, short, apply)
    for r in ctx.policy.rules:
        if r.kind != "post":
            continue
        post = str(value_at(rf(r, "party_member_post"), ctx.end))

        def lacks(p: str, b: Bucket, rule: str = r.id) -> Change:
            return [p], [(rule, "person", p, b.key)], "post missing on the record"

        def unpost(p: str, b: Bucket, post: str = post) -> None:
            for s in w.stints_of(p):
                s.override(b.end, posts=tuple(x for x in s.posts if x != post))

        at_bucket_ends(ctx, r.id, cos, lacks, unpost)
    for r in ctx.policy.rules:
        if r.kind != "checklist":
            continue
        for c in communities:
            for b in ctx.buckets(r.id):
                if ctx.chance(r.id, c, b.key):
                    # an item found missing, or one to be taken down found still up
                    wanted = [(i, True) for i in rf(r, "items")]
                    wanted += [(i, False) for i in rf(r, "absent_items")]
                    item, should = wanted[len(ctx.pending) % len(wanted)]
                    for day, present in ((b.end - ONE, not should), (b.end + ONE, should)):
                        w.checklists.append(
                            {
                                "id": w.next_id("chk-"),
                                "unit": c,
                                "item": item,
                                "present": present,
                                "checked_on": day,
                            }
                        )
                    how = "missing, restored" if should else "still up, taken down"
                    ctx.inject([(r.id, "unit", c, b.key)], f"{item} {how} next day")
    activity_violations(ctx, "community_officer", cos, ctx.plans["nj-co"])
    if ctx.has("activities-recorded"):
        kinds = tuple(k.value for k in rf(ctx.rule("activities-recorded"), "activity_kinds"))
        for c in communities:
            for b in ctx.buckets("activities-recorded"):
                if ctx.chance("activities-recorded", c, b.key) and ctx.month_claim(
                    [f"{c}#activities-recorded"], b.start, b.end
                ):
                    ctx.inject(
                        [("activities-recorded", "unit", c, b.key)],
                        "a record without log",
                        UnlogOne(c, b.start, b.end, kinds),
                    )
    if ctx.has("weekly-screening"):
        kinds = tuple(k.value for k in rf(ctx.rule("weekly-screening"), "count").activities)
        for c in communities:
            for b in ctx.buckets("weekly-screening"):
                if ctx.chance("weekly-screening", c, b.key) and ctx.month_claim(
                    [f"{c}#weekly-screening"], b.start, b.end
                ):
                    ctx.inject(
                        [("weekly-screening", "unit", c, b.key)],
                        "no screening",
                        DropKinds(b.start, b.end, kinds, unit=c),
                    )
    _unit_activities(ctx, communities, grids)
    for r in ctx.policy.rules:
        count = getattr(r, "count", None)
        if r.kind == "cadence" and count is not None and count.activities is None:
            subjects = (
                cos
                if r.subject.people
                else (
                    communities
                    if r.subject.units and r.subject.units.type.value == "locality"
                    else streets
                )
            )
            # a report kept in the (first) community served is not a report upward
            record_violations(ctx, r.id, subjects, elsewhere=lambda p: w.stints_of(p)[0].unit)
    half_month_violations(ctx, communities)
    for rule in ("no-crime-fighting-quota", "no-daytime-station-duty"):
        prohibition_violations(ctx, rule, cos, lambda p: p)


def _unit_activities(ctx: Context, communities: list[str], grids: list[str]) -> None:
    """A community's month without one of the eight tasks; a grid's week without a briefing.

    The task taken out is one whose kinds no plan logs but for this rule, so no other rule
    (nor the officers' hours) changes.
    """
    if ctx.has("eight-daily-tasks"):
        rule = ctx.rule("eight-daily-tasks")
        logged: set[str] = set()
        for plan in ctx.plans.values():
            logged |= set(plan.fill)
            logged |= {r.kind for r in plan.reqs if r.period in ("day", "week", "sensitive")}
        duties = [
            tuple(sorted(k.value for k in d.activity_kinds))
            for d in rf(rule, "duties")
            if not {k.value for k in d.activity_kinds} & logged
        ]
        if not duties:
            ctx.not_injected.setdefault("eight-daily-tasks", "every task's kinds are logged anyway")
        for c in communities:
            for b in ctx.buckets("eight-daily-tasks") if duties else []:
                if ctx.chance("eight-daily-tasks", c, b.key) and ctx.month_claim(
                    [f"{c}#eight-daily-tasks"], b.start, b.end
                ):
                    ctx.inject(
                        [("eight-daily-tasks", "unit", c, b.key)],
                        f"no {', '.join(duties[0])} in the community",
                        DropKinds(b.start, b.end, duties[0], unit=c),
                    )
    if ctx.has("weekly-grid-briefing"):
        kinds = tuple(k.value for k in rf(ctx.rule("weekly-grid-briefing"), "count").activities)
        for g in grids:
            for b in ctx.buckets("weekly-grid-briefing"):
                if ctx.chance("weekly-grid-briefing", g, b.key) and ctx.month_claim(
                    [f"{g}#weekly-grid-briefing"], b.start, b.end
                ):
                    ctx.inject(
                        [("weekly-grid-briefing", "unit", g, b.key)],
                        "no briefing logged on the grid",
                        DropKinds(b.start, b.end, kinds, unit=g),
                    )
