"""Violations of the Xinxiang 2016 policy injected into the ``xinxiang-2016`` deployment.

Bucket-end snapshots (staffing, coverage, ratio, posts, registration): a one-day gap, a one-day
record without a post, flag or full-time employment, or a short extra assignment. An office left
without its community officers breaks the office rule of its area, the veto (一票否决), the
squad-leader rule and, for a rural office, the coverage of each of its villages, all recorded
with the one change. Terms cut short hand the units to a successor the next day. Checklists get
a failing check, surveys a low rate, the bureau a model office less. The two office counts
(``six-urban-offices``, ``two-rural-offices``) are kept and never broken: offices have no dates,
so a missing office would fail every bucket at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gridpolicing.engine.periods import Bucket
from gridpolicing.policy.values import value_at
from gridpolicing.synth.calendar import ONE, month_end
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.mechanisms import activity_violations
from gridpolicing.synth.profiles.common import (
    at_bucket_ends,
    gap_on,
    neighbours,
    prohibition_violations,
)
from gridpolicing.synth.profiles.xinxiang import Xinxiang, required_auxiliaries
from gridpolicing.synth.records import record_violations
from gridpolicing.synth.rulefields import rf
from gridpolicing.synth.world import Stint

__all__ = ["inject"]

Change = tuple[list[str], list[Finding], str] | None


def _in_force(ctx: Context, rule_id: str, field: str, day: dt.date) -> bool:
    return ctx.has(rule_id) and value_at(getattr(ctx.rule(rule_id), field), day) is not None


def _stint(ctx: Context, person: str, unit: str) -> Stint:
    return next(s for s in ctx.world.stints_of(person) if s.unit == unit)


def inject(ctx: Context, x: Xinxiang) -> None:
    """Every violation mechanism of the profile, structural ones first."""
    w = ctx.world
    for rule in ("six-urban-offices", "two-rural-offices"):
        if ctx.has(rule):
            ctx.not_injected[rule] = "offices have no dates: a missing office fails every bucket"
    for rule in ("village-in-a-police-office", "rural-office-holds-villages"):
        if ctx.has(rule):
            ctx.not_injected[rule] = "units have no dates: a village without an office fails always"
    _terms(ctx, x)
    _unstaffed(ctx, x)
    _shared_officer(ctx, x)

    # a village's community officer off the register for a day
    if ctx.has("village-under-community-officer"):
        co_of = {v: x.cos_of[o][0] for o in x.offices for v in x.units_of[o] if v in x.villages}

        def village_gap(v: str, b: Bucket) -> Change:
            return (
                [v, co_of[v]],
                [("village-under-community-officer", "unit", v, b.key)],
                "community officer off the register for a day",
            )

        at_bucket_ends(
            ctx,
            "village-under-community-officer",
            x.villages,
            village_gap,
            lambda v, b: gap_on([_stint(ctx, co_of[v], v)], b.end),
        )

    # a village's auxiliary off the register where no contact officer serves
    lone = [v for v in x.villages if v not in x.contact_of]
    if ctx.has("contact-officer-where-no-auxiliary"):

        def aux_gap(v: str, b: Bucket) -> Change:
            rules = ["contact-officer-where-no-auxiliary", "village-one-officer"]
            if _in_force(ctx, "village-auxiliary", "min_people", b.end):
                rules.append("village-auxiliary")
            found = [(r, "unit", v, b.key) for r in rules if ctx.has(r)]
            return [v, x.staff_of[v]], found, "auxiliary off the register"

        at_bucket_ends(
            ctx,
            "contact-officer-where-no-auxiliary",
            lone,
            aux_gap,
            lambda v, b: gap_on(w.stints_of(x.staff_of[v]), b.end),
        )

    # one person stretched over two grids or villages for the last days of a month
    def stretch(rule: str, units: Sequence[str], neighbour: dict[str, str]) -> None:
        def change(u: str, b: Bucket) -> Change:
            if u not in neighbour:
                return None
            return (
                [u, neighbour[u], x.staff_of[u]],
                [(rule, "unit", u, b.key)],
                "also assigned to a neighbouring unit",
            )

        def apply(u: str, b: Bucket) -> None:
            s = _stint(ctx, x.staff_of[u], u)
            w.copy_stint(s, unit=neighbour[u], start=b.end - 2 * ONE, end=b.end, plan=None)

        at_bucket_ends(ctx, rule, units, change, apply)

    if ctx.has("grid-one-officer"):
        nb = {}
        for grids in x.grids_of.values():
            for i, g in enumerate(grids):
                if len(grids) > 1:
                    nb[g] = grids[(i + 1) % len(grids)]
        stretch("grid-one-officer", sorted(nb), nb)
    if ctx.has("village-one-officer"):
        nb = {}
        for o in x.offices:
            vs = [v for v in x.units_of[o] if v in x.villages]
            for i, v in enumerate(vs):
                if len(vs) > 1 and v not in x.contact_of:
                    nb[v] = vs[(i + 1) % len(vs)]
        stretch("village-one-officer", sorted(nb), nb)

    # a part-time community officer listed at an office for the month's last days
    if ctx.has("community-officers-full-time"):

        def part_time(o: str, b: Bucket) -> Change:
            others = [p for p in x.cos if p not in x.cos_of[o]]
            if not others:
                return None
            p = others[sorted(x.offices).index(o) % len(others)]
            return [o, p], [("community-officers-full-time", "unit", o, b.key)], f"{p} part-time"

        def add_part_time(o: str, b: Bucket) -> None:
            others = [p for p in x.cos if p not in x.cos_of[o]]
            p = others[sorted(x.offices).index(o) % len(others)]
            w.stint(p, o, "community_officer", b.end - 2 * ONE, end=b.end, employment="part_time")

        at_bucket_ends(ctx, "community-officers-full-time", x.offices, part_time, add_part_time)

    # one-day records: no squad-leader post, not registered, part-time
    def one_day(
        rule: str,
        subjects: Sequence[str],
        stype: str,
        pick: dict[str, tuple[str, str]],
        also: str | None = None,
        **fields: object,
    ) -> None:
        if not ctx.has(rule):
            return

        def change(s: str, b: Bucket) -> Change:
            if s not in pick:
                return None
            if rule == "village-auxiliary" and not _in_force(ctx, rule, "min_people", b.end):
                return None
            if rule == "urban-auxiliary-ratio" and required_auxiliaries(
                ctx, w.unit_row(s), b.end
            ) != x.aux_grids.get(s):
                return None
            # A part-time auxiliary is also no officer of the grid or village it serves
            # (coverage employment_by_role), when no one else covers it.
            found: list[Finding] = [(rule, stype, s, b.key)]
            if also is not None and ctx.has(also) and pick[s][1] not in x.contact_of:
                found.append((also, "unit", pick[s][1], b.key))
            return (
                [s, pick[s][0], pick[s][1]],
                found,
                "one-day record with "
                + ", ".join(
                    f"{k}={'none' if v == () else str(v).lower()}" for k, v in fields.items()
                ),
            )

        def apply(s: str, b: Bucket) -> None:
            _stint(ctx, *pick[s]).override(b.end, **fields)

        at_bucket_ends(ctx, rule, subjects, change, apply)

    one_day(
        "auxiliary-squad-leader",
        x.offices,
        "unit",
        {o: (x.leader_of[o], o) for o in x.offices},
        posts=(),
    )
    one_day(
        "community-officers-registered",
        x.cos,
        "person",
        {p: (p, next(o for o in x.offices if p in x.cos_of[o])) for p in x.cos},
        registered=False,
    )
    one_day(
        "village-contact-officers-registered",
        x.contacts,
        "person",
        {p: (p, v) for v, p in x.contact_of.items()},
        filed=False,
    )
    one_day(
        "urban-auxiliary-ratio",
        x.communities,
        "unit",
        {c: (x.staff_of[x.grids_of[c][0]], x.grids_of[c][0]) for c in x.communities},
        also="grid-one-officer",
        employment="part_time",
    )
    one_day(
        "village-auxiliary",
        x.villages,
        "unit",
        {v: (x.staff_of[v], v) for v in x.villages},
        also="village-one-officer",
        employment="part_time",
    )

    # activity logs, tasks, meetings
    activity_violations(ctx, "community_officer", x.cos, ctx.plans["xx-co"])
    activity_violations(ctx, "village_contact_officer", x.contacts, ctx.plans["xx-contact"])
    unit_of = {s.person: s.unit for s in w.stints if s.role == "auxiliary"}
    for rule in ("no-crime-fighting-quota", "own-area-cases-only", "no-non-community-work"):
        prohibition_violations(ctx, rule, x.cos, lambda p: p)
    prohibition_violations(ctx, "auxiliary-no-law-enforcement", x.auxes, lambda p: unit_of[p])
    record_violations(ctx, "party-committee-quarterly", [x.bureau])
    _checks_surveys_models(ctx, x)


def _unstaffed(ctx: Context, x: Xinxiang) -> None:
    """Every community officer of an office off the register on a month's last day."""
    if not ctx.has("community-officer-staffing-veto"):
        return
    w = ctx.world

    def change(o: str, b: Bucket) -> Change:
        area = (
            "urban-office-community-officers" if o in x.urban else "rural-office-community-officer"
        )
        rules = [area, "community-officer-staffing-veto", "auxiliary-squad-leader"]
        found: list[Finding] = [(r, "unit", o, b.key) for r in rules if ctx.has(r)]
        if ctx.has("village-under-community-officer"):
            found += [
                ("village-under-community-officer", "unit", v, b.key)
                for v in x.units_of[o]
                if v in x.villages
            ]
        return [o, *x.units_of[o], *x.cos_of[o]], found, "no community officer on the register"

    def apply(o: str, b: Bucket) -> None:
        for p in x.cos_of[o]:
            gap_on(w.stints_of(p), b.end)

    # A second gap would leave a short stint between the two (a term cut short): the officers
    # are claimed for the rest of the range.
    at_bucket_ends(ctx, "community-officer-staffing-veto", x.offices, change, apply, for_good=True)


def _shared_officer(ctx: Context, x: Xinxiang) -> None:
    """An office's only community officer also assigned to the next office for three days.

    The office staffing rules count an officer with two offices for neither (load among
    offices): the office fails its area's rule and the veto; the next office keeps its own
    officers, and the squad-leader rule (no load limit) still counts the officer.
    """
    w = ctx.world
    for rule, area in (
        ("urban-office-community-officers", sorted(x.urban)),
        ("rural-office-community-officer", sorted(set(x.offices) - x.urban)),
    ):
        if not ctx.has(rule):
            continue
        nb = neighbours(sorted(x.offices))
        alone = [o for o in area if len(x.cos_of[o]) == 1]

        def change(o: str, b: Bucket, rule: str = rule, nb: dict[str, str] = nb) -> Change:
            rules = [rule, "community-officer-staffing-veto"]
            found: list[Finding] = [(r, "unit", o, b.key) for r in rules if ctx.has(r)]
            keys = [o, nb[o], *x.cos_of[o], *x.cos_of[nb[o]]]
            return keys, found, f"{x.cos_of[o][0]} shared with {nb[o]}"

        def apply(o: str, b: Bucket, nb: dict[str, str] = nb) -> None:
            s = _stint(ctx, x.cos_of[o][0], o)
            w.copy_stint(s, unit=nb[o], start=b.end - 2 * ONE, end=b.end, posts=(), plan=None)

        at_bucket_ends(ctx, rule, alone, change, apply)


def _terms(ctx: Context, x: Xinxiang) -> None:
    """A community or contact officer moved on after less than the minimum years."""
    w = ctx.world
    for rule, people in (
        ("community-officer-tenure", x.cos),
        ("contact-officer-tenure", x.contacts),
    ):
        if not ctx.has(rule):
            continue
        years = max(1, int(ctx.param(rule, "min_years", ctx.end) or 3) - 1)
        for p in people:
            for b in ctx.buckets(rule):
                if not ctx.chance(rule, p, b.key):
                    continue
                stints = w.stints_of(p)
                units = [s.unit for s in stints]
                if not ctx.claim([p, *units], ctx.start - 7 * ONE, ctx.end + 7 * ONE):
                    continue
                left = month_end(dt.date(b.start.year, 6, 1))
                q = w.person(
                    w.next_id(f"{p}-r", 1), f"接任{p}", home_unit=units[0], party_member=True
                )
                for s in stints:
                    s.start = dt.date(left.year - years, left.month, left.day) + ONE
                    s.end = left
                    w.copy_stint(s, person=q, start=left + ONE, end=None)
                ctx.inject([(rule, "person", p, b.key)], f"left on {left} after {years}+ years")


def _checks_surveys_models(ctx: Context, x: Xinxiang) -> None:
    w = ctx.world
    for r in ctx.policy.rules:
        if r.kind != "checklist":
            continue
        items = list(rf(r, "items"))
        for o in x.offices:
            for b in ctx.buckets(r.id):
                if ctx.chance(r.id, o, b.key) and ctx.claim([f"{o}#{r.id}"], b.start, b.end):
                    item = items[len(ctx.pending) % len(items)]
                    w.checklists.append(
                        {
                            "id": w.next_id("chk-"),
                            "unit": o,
                            "item": item,
                            "present": False,
                            "checked_on": b.end - ONE,
                        }
                    )
                    ctx.inject([(r.id, "unit", o, b.key)], f"{item} found missing")
    if ctx.has("satisfaction-90"):
        # the district's goal: every survey of the year at 80% takes the district below 90%
        for b in ctx.buckets("satisfaction-90"):
            if not ctx.chance("satisfaction-90", x.bureau, b.key):
                continue
            hit = [s for s in w.surveys if b.start <= s["date"] <= b.end]
            for s in hit:
                s["satisfied"] = s["respondents"] * 8 // 10
            if hit:
                ctx.inject([("satisfaction-90", "unit", x.bureau, b.key)], "satisfaction 80%")
    if ctx.has("two-model-offices-a-year"):
        for b in ctx.buckets("two-model-offices-a-year"):
            keep = int(ctx.param("two-model-offices-a-year", "min_count", b.end) or 1) - 1
            if ctx.chance("two-model-offices-a-year", x.bureau, b.key) and len(x.model) > keep:
                for o in x.model[keep:]:
                    row = w.unit_row(o)
                    row["model_since"] = row["model_since"].replace(year=b.start.year - 1)
                ctx.inject(
                    [("two-model-offices-a-year", "unit", x.bureau, b.key)],
                    "one model office this year",
                )
