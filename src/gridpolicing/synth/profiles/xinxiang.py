"""``xinxiang-2016``: Xinxiang high-tech zone (新乡高新区), 一格一警 and 一村一警, year 2017.

Published configuration (the 2016-06-23 实施方案): six urban police offices (警务室) over
communities divided into grids, each grid with a full-time auxiliary or an organ officer, and
two rural offices over fourteen villages, each village with a full-time auxiliary (and, where
the bureau adds one, a village contact officer). Community officers are full-time, registered
and filed, stay three years or more, spend 24 hours a week in their communities, carry no
crime-fighting quota, and train the contact officers and auxiliaries; urban communities have
one full-time auxiliary per 1000 households, 3000 residents or 200 rental rooms.

Scale multiplies offices (at least the six and two the policy counts), communities and
villages. Violations: see :mod:`gridpolicing.synth.profiles.xinxiang_faults`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from gridpolicing.policy.values import value_at
from gridpolicing.synth.context import Context
from gridpolicing.synth.mechanisms import every_working_day, reqs_for
from gridpolicing.synth.plans import Plan, Req
from gridpolicing.synth.profiles.common import chinese_name, spread
from gridpolicing.synth.records import unit_meetings
from gridpolicing.synth.rulefields import rf
from gridpolicing.synth.world import Row

__all__ = ["YEAR", "Xinxiang", "build", "required_auxiliaries"]

YEAR = 2017
_CHECK = "checklist"


@dataclass(slots=True)
class Xinxiang:
    """The deployment's parts, as the violations need them."""

    bureau: str = "nh-bureau"
    offices: list[str] = field(default_factory=list)
    urban: set[str] = field(default_factory=set)
    units_of: dict[str, list[str]] = field(default_factory=dict)
    """Office -> its communities and villages."""
    grids_of: dict[str, list[str]] = field(default_factory=dict)
    """Community -> its grids."""
    aux_grids: dict[str, int] = field(default_factory=dict)
    """Community -> how many of its grids (the first ones) have a full-time auxiliary."""
    villages: list[str] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)
    cos_of: dict[str, list[str]] = field(default_factory=dict)
    """Office -> its community officers."""
    leader_of: dict[str, str] = field(default_factory=dict)
    staff_of: dict[str, str] = field(default_factory=dict)
    """Grid or village -> its auxiliary or organ officer."""
    contact_of: dict[str, str] = field(default_factory=dict)
    cos: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    auxes: list[str] = field(default_factory=list)
    model: list[str] = field(default_factory=list)
    """Offices named a model in the year."""


def required_auxiliaries(ctx: Context, unit: Row, day: dt.date) -> int | None:
    """Full-time auxiliaries the ratio rule asks of an urban community on ``day``."""
    if not ctx.has("urban-auxiliary-ratio"):
        return None
    rule = ctx.rule("urban-auxiliary-ratio")
    heads = []
    for m in rf(rule, "measures"):
        per = value_at(m.per, day)
        if per is None:
            return None
        x = unit[m.measure.value] / per
        heads.append(math.ceil(x) if rf(rule, "rounding") == "ceil" else math.floor(x))
    combine = rf(rule, "combine")
    return int(sum(heads) if combine == "sum" else (max(heads) if combine == "max" else min(heads)))


def _min(ctx: Context, rule: str, name: str, default: int) -> int:
    if not ctx.has(rule):
        return default
    v = value_at(getattr(ctx.rule(rule), name), ctx.end)
    return default if v is None else int(v)


def build(ctx: Context) -> None:
    """Build the Xinxiang deployment and its violations into ``ctx``."""
    from gridpolicing.synth.profiles.xinxiang_faults import inject

    x = _structure(ctx)
    _plans_and_people(ctx, x)
    _small_tables(ctx, x)
    inject(ctx, x)


def _structure(ctx: Context) -> Xinxiang:
    w, rng, x = ctx.world, ctx.rng, Xinxiang()
    urban_n = max(_min(ctx, "six-urban-offices", "min_count", 6), ctx.n(6))
    rural_n = max(_min(ctx, "two-rural-offices", "min_count", 2), ctx.n(2))
    w.unit("gx", "jurisdiction", "新乡高新区")
    w.unit(x.bureau, "bureau", "新乡市公安局南环分局", parent="gx")
    for i, name in enumerate(("治安大队", "刑警大队", "交警大队", "网安大队")):
        w.unit(f"gx-d{i + 1}", "department", name, parent=x.bureau)
    w.unit("gx-zz", "street", "振中街道", parent="gx", area="urban")
    w.unit("gx-gd", "street", "关堤乡", parent="gx", area="rural")
    year = ctx.start.year
    # Model offices are named inside the rule's buckets (2016's second half), else in the year.
    model_buckets = ctx.buckets("two-model-offices-a-year")
    model_n = _min(ctx, "two-model-offices-a-year", "min_count", 2) * max(1, len(model_buckets))
    model_n += rng.randint(0, 1)
    total = urban_n + rural_n
    model_at = set(spread(total, min(total, model_n)))
    for i in range(total):
        urban = i < urban_n
        st = f"gx-st{i // 8 + 1:02d}"
        if i % 8 == 0:
            w.unit(st, "station", f"高新派出所{i // 8 + 1}", parent=x.bureau)
        street = "gx-zz" if urban else "gx-gd"
        since = None
        if i in model_at:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            if model_buckets:
                b = model_buckets[len(x.model) % len(model_buckets)]
                first, last = b.start, b.end
            since = first + dt.timedelta(days=rng.randint(0, (last - first).days))
            x.model.append(f"gx-o{i + 1:02d}")
        elif rng.random() < 0.3:
            since = dt.date(year - 1, rng.randint(1, 12), 1)
        o = w.unit(
            f"gx-o{i + 1:02d}",
            "office",
            f"{'振中' if urban else '关堤'}{i + 1}警务室",
            parent=st,
            station=st,
            street=street,
            area="urban" if urban else "rural",
            model_since=since,
        )
        x.offices.append(o)
        x.units_of[o] = []
        common = {"parent": o, "office": o, "station": st, "street": street}
        if urban:
            x.urban.add(o)
            for k in range(2 if ctx.scale >= 0.5 and i % 3 != 1 else 1):
                hh = rng.randint(800, 3200)
                c = w.unit(
                    f"{o}-c{k + 1}",
                    "locality",
                    f"示例社区{i + 1}-{k + 1}",
                    category="urban_community",
                    area="urban",
                    households=hh,
                    population=hh * rng.randint(26, 32) // 10,
                    rental_rooms=rng.randint(40, 600),
                    **common,
                )
                x.units_of[o].append(c)
                x.communities.append(c)
                need = required_auxiliaries(ctx, w.unit_row(c), ctx.end)
                x.aux_grids[c] = max(1, need or 1 + hh // 1000)
                n_grids = x.aux_grids[c] + (1 if rng.random() < 0.3 else 0)
                x.grids_of[c] = [
                    w.unit(
                        f"{c}-g{g + 1}",
                        "grid",
                        f"示例社区{i + 1}-{k + 1}第{g + 1}网格",
                        area="urban",
                        **{**common, "parent": c},
                    )
                    for g in range(n_grids)
                ]
        else:
            rc = w.unit(
                f"{o}-rc",
                "locality",
                f"示例农村社区{i + 1}",
                category="rural_community",
                area="rural",
                households=rng.randint(800, 1500),
                population=4000,
                **common,
            )
            x.units_of[o].append(rc)
            for k in range(max(1, round(7 * ctx.scale))):
                hh = rng.randint(400, 1000)
                v = w.unit(
                    f"{o}-v{k + 1:02d}",
                    "locality",
                    f"示例村{i + 1}-{k + 1}",
                    category="village",
                    area="rural",
                    households=hh,
                    population=hh * rng.randint(30, 36) // 10,
                    **common,
                )
                x.units_of[o].append(v)
                x.villages.append(v)
    return x


def _plans_and_people(ctx: Context, x: Xinxiang) -> None:
    w, rng = ctx.world, ctx.rng
    year = ctx.start.year
    hours = (
        ctx.param("weekly-hours-in-community", "min_hours")
        if ctx.has("weekly-hours-in-community")
        else None
    )
    kinds = (
        getattr(ctx.rule("weekly-hours-in-community"), "activity_kinds", None) if hours else None
    )
    co = ctx.plan(
        Plan(
            "xx-co",
            days=(5, 5),
            every_working_day=every_working_day(ctx, "community_officer"),
            per_day=3.0,
            reqs=(Req("day", "household_visit"), *reqs_for(ctx, "community_officer")),
            hours_min=float(hours) if hours else None,
            hours_kinds=tuple(k.value for k in kinds) if kinds else None,
            fill={
                "household_visit": 3,
                "information_collection": 2,
                "patrol": 3,
                "population_registration": 1,
                "dispute_screening": 1,
                "publicity": 1,
                "practical_service": 1,
                "safety_inspection": 1,
                "information_entry": 2,
                "mediation": 1,
                "special_population_service": 1,
                "patrol_organisation": 1,
                "petition_reception": 1,
                "security_briefing": 1,
                "opinion_survey": 1,
                "fire_safety": 1,
                "check_in": 1,
            },
        )
    )
    # A contact officer's village day is a full working day where the policy counts only days
    # of enough hours (两个工作日 read as two days of 8 hours).
    day_hours = (
        ctx.param("contact-officer-monthly-days", "min_hours_per_day")
        if ctx.has("contact-officer-monthly-days")
        else None
    )
    contact = ctx.plan(
        Plan(
            "xx-contact",
            days=(1, 2),
            per_day=2.0,
            day_hours_min=float(day_hours) if day_hours else None,
            reqs=(Req("day", "household_visit"), *reqs_for(ctx, "village_contact_officer")),
            fill={
                "opinion_survey": 2,
                "household_visit": 2,
                "dispute_screening": 1,
                "publicity": 1,
                "patrol_organisation": 1,
                "suggestion_collection": 1,
                "mediation": 1,
                "practical_service": 1,
            },
        )
    )
    aux = ctx.plan(
        Plan(
            "xx-aux",
            days=(5, 5),
            per_day=2.0,
            sensitive_days=True,
            fill={
                "patrol": 5,
                "patrol_organisation": 1,
                "dispute_screening": 1,
                "mediation": 1,
                "publicity": 1,
                "information_collection": 2,
                "population_registration": 1,
                "household_visit": 1,
                "practical_service": 1,
                "petition_reception": 1,
            },
        )
    )
    organ = ctx.plan(
        Plan("xx-organ", days=(1, 2), per_day=1.5, fill={"patrol": 2, "household_visit": 1})
    )

    def officer(pid: str, home: str) -> str:
        return w.person(pid, chinese_name(rng), home_unit=home, party_member=rng.random() < 0.7)

    for o in x.offices:
        units = x.units_of[o]
        n_cos = 1 if o not in x.urban else len(units)
        groups = [units] if o not in x.urban else [[u] for u in units]
        x.cos_of[o] = []
        for k in range(n_cos):
            start = dt.date(year - 4 - rng.randint(0, 5), rng.randint(1, 12), 1)
            pid = officer(f"gx-co{len(x.cos) + 1:03d}", o)
            leader = k == 0
            w.stint(
                pid,
                o,
                "community_officer",
                start,
                posts=("auxiliary_squad_leader",) if leader else (),
            )
            for u in groups[k]:
                w.stint(pid, u, "community_officer", start, plan=co)
            if leader:
                x.leader_of[o] = pid
            x.cos_of[o].append(pid)
            x.cos.append(pid)
    for c in x.communities:
        for k, g in enumerate(x.grids_of[c]):
            if k < x.aux_grids[c]:
                pid = w.person(f"gx-ax{len(x.auxes) + 1:03d}", chinese_name(rng), home_unit=c)
                w.stint(pid, g, "auxiliary", dt.date(year - 1, 6, 1), plan=aux)
                x.auxes.append(pid)
            else:
                pid = w.person(
                    f"gx-og{len(x.staff_of) + 1:03d}",
                    chinese_name(rng),
                    home_unit="gx-d1",
                    party_member=True,
                )
                w.stint(
                    pid, g, "organ_officer", dt.date(year - 1, 3, 1), concurrent=True, plan=organ
                )
            x.staff_of[g] = pid
    contact_at = set(spread(len(x.villages), max(1, len(x.villages) // 3)))
    for i, v in enumerate(x.villages):
        pid = w.person(f"gx-ax{len(x.auxes) + 1:03d}", chinese_name(rng), home_unit=v)
        w.stint(pid, v, "auxiliary", dt.date(year - 1, 9, 1), plan=aux)
        x.auxes.append(pid)
        x.staff_of[v] = pid
        if i in contact_at:
            start = dt.date(year - 2, 1, 1) + dt.timedelta(days=rng.randint(0, 400))
            cid = officer(f"gx-vc{len(x.contacts) + 1:03d}", f"gx-d{i % 4 + 1}")
            w.stint(cid, v, "village_contact_officer", start, concurrent=True, plan=contact)
            x.contacts.append(cid)
            x.contact_of[v] = cid


def _small_tables(ctx: Context, x: Xinxiang) -> None:
    w, rng = ctx.world, ctx.rng
    year = ctx.start.year
    items: list[str] = []
    for r in ctx.policy.rules:
        if r.kind == "checklist":
            items += [i for i in rf(r, "items") if i not in items]
    for o in x.offices:
        for item in items:
            w.checklists.append(
                {
                    "id": w.next_id("chk-"),
                    "unit": o,
                    "item": item,
                    "present": True,
                    "checked_on": dt.date(year - 1, 12, 15),
                }
            )
        d = ctx.start.replace(day=1)
        while d <= ctx.end:
            for item in items:
                w.checklists.append(
                    {
                        "id": w.next_id("chk-"),
                        "unit": o,
                        "item": item,
                        "present": True,
                        "checked_on": d,
                    }
                )
            d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    for u in x.communities + x.villages:
        for month in (2, 5, 8, 11):
            day = dt.date(year, month, 15)
            if ctx.start <= day <= ctx.end:
                n = rng.randint(60, 200)
                w.surveys.append(
                    {
                        "id": w.next_id("sv-"),
                        "unit": u,
                        "date": day,
                        "respondents": n,
                        "satisfied": n - rng.randint(0, n * 7 // 100),
                    }
                )
    if ctx.has("party-committee-quarterly"):
        need = int(ctx.param("party-committee-quarterly", "min_count") or 1)
        unit_meetings(ctx, "party_committee_thematic", [x.bureau], "quarter", need, lambda u, d: [])
    # allowed tasks: own-area cases and exempt security duties (no rule counts them)
    for p in x.cos:
        if rng.random() < 0.3:
            day = ctx.start + dt.timedelta(days=rng.randint(0, (ctx.end - ctx.start).days))
            w.tasks.append(
                {
                    "id": w.next_id("task-"),
                    "person": p,
                    "kind": "case_investigation",
                    "start": day,
                    "end": day,
                    "reason": "own_area_case",
                }
            )
        if rng.random() < 0.2:
            day = ctx.start + dt.timedelta(days=rng.randint(0, (ctx.end - ctx.start).days))
            w.tasks.append(
                {
                    "id": w.next_id("task-"),
                    "person": p,
                    "kind": "non_community_work",
                    "start": day,
                    "end": day,
                    "reason": "major_security_duty",
                }
            )
