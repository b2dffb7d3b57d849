"""``nanjing-2016``: a Nanjing district under the 2016 综治警务一体化 draft, year 2017.

The draft's configuration: every urban community has its own community officer, rural
communities share one officer per two or three; every community has two or more full-time
social workers (one the petition receptionist), a full-time auxiliary, two full-time joint
defence members and two mediators, a 综治中心 with its signboard and rooms. Officers hold the
governance-office and centre deputy director posts, spend 20 hours a week in their
communities on the eight daily tasks, brief the grids weekly, report monthly and daily in
sensitive periods, carry no quota and no daytime station duty, and get 5000 CNY a year each
from the city and the district. Communities screen disputes weekly (daily in sensitive
periods) and meet weekly and twice a month; streets hold a monthly joint meeting.

Social workers log the communities' screenings and, every month, one task of each of the
eight daily tasks (the community's duty, whoever performs it); every community is divided into
grids whose grid workers log the officer's weekly briefing on the grid; officers report to their
station; the old 社区综治办 signboard is checked and found taken down. Officers serving several
communities split their five working days between them.
"""

from __future__ import annotations

import datetime as dt

from gridpolicing.policy.values import value_at
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.halves import half_month_meetings
from gridpolicing.synth.mechanisms import reqs_for
from gridpolicing.synth.plans import Plan, Req
from gridpolicing.synth.profiles.common import (
    chinese_name,
)
from gridpolicing.synth.profiles.nanjing_faults import faults
from gridpolicing.synth.records import cadence_reports, unit_meetings
from gridpolicing.synth.rulefields import rf

__all__ = ["DUTY_PREFER", "YEAR", "build", "duty_reqs"]

YEAR = 2017
Change = tuple[list[str], list[Finding], str] | None
DUTY_PREFER = (
    "information_collection",
    "patrol",
    "mediation",
    "petition_reception",
    "population_registration",
    "safety_inspection",
    "publicity",
    "guidance",
)
"""Kinds social workers log for the duties: none that another rule on the unit counts."""


def duty_reqs(ctx: Context, rule_id: str) -> list[Req]:
    """One record a bucket of each duty of a units ``duty_coverage`` rule (its preferred kind)."""
    if not ctx.has(rule_id):
        return []
    rule = ctx.rule(rule_id)
    need = int(ctx.param(rule_id, "min_per_duty") or 1)
    out = []
    for duty in rf(rule, "duties"):
        kinds = [k.value for k in duty.activity_kinds]
        kind = next((k for k in DUTY_PREFER if k in kinds), kinds[0])
        out.append(Req(str(rf(rule, "period")), kind, count=need))  # type: ignore[arg-type]
    return out


def build(ctx: Context) -> None:
    """Build the Nanjing deployment and its violations into ``ctx``."""
    w, rng = ctx.world, ctx.rng
    year = ctx.start.year
    urban_n, rural_n = ctx.n(18), ctx.n(24, 2)
    w.unit("nj", "jurisdiction", "南京市示例区(虚构)")
    w.unit("nj-bureau", "bureau", "示例区公安分局", parent="nj")
    streets: list[str] = []
    communities: list[str] = []
    urban: list[str] = []
    rural: list[str] = []
    for area, n, per in (("urban", urban_n, 6), ("rural", rural_n, 8)):
        for s in range(-(-n // per)):
            k = len(streets) + 1
            street = w.unit(
                f"nj-s{k:02d}",
                "street",
                f"示例{'街道' if area == 'urban' else '镇'}{k}",
                parent="nj",
                area=area,
            )
            st = w.unit(
                f"nj-st{k:02d}", "station", f"示例派出所{k}", parent="nj-bureau", street=street
            )
            streets.append(street)
            for j in range(min(per, n - per * s)):
                cat = (
                    "urban_community"
                    if area == "urban"
                    else ("village" if j % 4 == 3 else "rural_community")
                )
                hh = rng.randint(1200, 4000) if area == "urban" else rng.randint(400, 1500)
                c = w.unit(
                    f"nj-c{len(communities) + 1:03d}",
                    "locality",
                    f"示例社区{len(communities) + 1:03d}",
                    parent=street,
                    street=street,
                    station=st,
                    area=area,
                    category=cat,
                    households=hh,
                    population=hh * rng.randint(26, 32) // 10,
                )
                communities.append(c)
                (urban if area == "urban" else rural).append(c)
    station_of = {c: w.unit_row(c)["station"] for c in communities}
    grids: list[str] = []
    for c in communities:
        row = w.unit_row(c)
        for k in range(1, 2 + int(row["households"]) // 1500):
            grids.append(
                w.unit(
                    f"{c}-g{k}",
                    "grid",
                    f"{row['name']}第{k}网格",
                    parent=c,
                    street=row["street"],
                    station=row["station"],
                    area=row["area"],
                )
            )

    hours = (
        ctx.param("weekly-hours-in-community", "min_hours")
        if ctx.has("weekly-hours-in-community")
        else None
    )
    co = ctx.plan(
        Plan(
            "nj-co",
            days=(5, 5),
            per_day=3.0,
            log_p=1.0,
            photo_p=0.5,
            reqs=(
                Req("day", "household_visit"),
                *reqs_for(ctx, "community_officer", prefer=("mediation", "patrol")),
            ),
            hours_min=float(hours) if hours else None,
            fill={
                "household_visit": 3,
                "patrol": 2,
                "information_collection": 2,
                "information_entry": 1,
                "population_registration": 1,
                "mediation": 1,
                "special_population_service": 1,
                "publicity": 1,
                "safety_inspection": 1,
                "petition_reception": 1,
                "security_briefing": 1,
                "opinion_survey": 1,
            },
        )
    )
    sw = ctx.plan(
        Plan(
            "nj-sw",
            days=(5, 5),
            per_day=2.0,
            log_p=1.0,
            sensitive_days=True,
            reqs=(
                Req("week", "dispute_screening"),
                Req("sensitive", "dispute_screening"),
                *duty_reqs(ctx, "eight-daily-tasks"),
            ),
            fill={
                "information_collection": 2,
                "information_entry": 2,
                "household_visit": 1,
                "petition_reception": 1,
                "publicity": 1,
                "dispute_screening": 1,
            },
        )
    )
    patrol = ctx.plan(
        Plan(
            "nj-patrol",
            days=(4, 5),
            per_day=2.0,
            log_p=1.0,
            sensitive_days=True,
            fill={"patrol": 4, "publicity": 1, "check_in": 1},
        )
    )
    # The grid's log holds the officer's weekly briefing (通报各网格), kept by its grid worker.
    briefing = (
        [Req("week", k.value) for k in rf(ctx.rule("weekly-grid-briefing"), "count").activities]
        if ctx.has("weekly-grid-briefing")
        else []
    )
    gw = ctx.plan(
        Plan(
            "nj-gw",
            days=(5, 5),
            per_day=1.0,
            log_p=1.0,
            reqs=tuple(briefing[:1]),
            fill={"information_collection": 2, "household_visit": 1},
        )
    )

    # community officers: one per urban community, rural ones in groups of two or three
    limit = 3
    if ctx.has("rural-community-officers"):
        limit = int(ctx.param("rural-community-officers", "max_units_per_person") or 3)
    groups = [[c] for c in urban]
    i = 0
    while i < len(rural):
        size = min(limit, 2 + len(groups) % 2, len(rural) - i)
        groups.append(rural[i : i + size])
        i += size
    posts = tuple(
        sorted(
            {
                str(value_at(getattr(r, f), ctx.end))
                for r in ctx.policy.rules
                if r.kind == "post"
                for f in ("party_member_post", "non_member_post")
                if getattr(r, f) is not None
            }
        )
    )
    cos: list[str] = []
    co_of: dict[str, str] = {}
    for g in groups:
        pid = w.person(
            f"nj-co{len(cos) + 1:03d}",
            chinese_name(rng),
            home_unit=station_of[g[0]],
            party_member=rng.random() < 0.8,
        )
        start = dt.date(year - 5 + rng.randint(0, 4), rng.randint(1, 12), 1)
        for c in g:
            w.stint(pid, c, "community_officer", start, posts=posts, plan=co)
            co_of[c] = pid
        cos.append(pid)

    for grid in grids:
        pid = w.person(f"{grid}-gw", chinese_name(rng), home_unit=str(w.unit_row(grid)["parent"]))
        w.stint(pid, grid, "grid_worker", dt.date(year - 1, 3, 1), employment="part_time", plan=gw)

    team: dict[str, list[str]] = {c: [] for c in communities}
    plan_of = {"social_worker": sw, "auxiliary": patrol, "joint_defence_member": patrol}
    for r in ctx.policy.rules:
        if r.kind != "staffing" or r.subject.units is None:
            continue
        role = r.roles[0].value  # type: ignore[attr-defined]
        need = int(value_at(rf(r, "min_people"), ctx.end) or 1)
        employment = rf(r, "employment")
        post = rf(r, "min_with_post")
        for c in communities:
            for k in range(need):
                pid = w.person(f"{c}-{role[:3]}{k + 1}", chinese_name(rng), home_unit=c)
                part = employment is None and k == need - 1
                w.stint(
                    pid,
                    c,
                    role,
                    dt.date(year - 1, 7, 1),
                    employment="part_time" if part else "full_time",
                    posts=(post.post.value,) if post and k < int(post.count) else (),
                    plan=plan_of.get(role),
                )
                team[c].append(pid)

    def present(c: str, day: dt.date) -> list[str]:
        return [
            s.person
            for s in w.stints
            if s.unit == c and s.active(day) and s.role in ("community_officer", "social_worker")
        ]

    for r in ctx.policy.rules:
        count = getattr(r, "count", None)
        if r.kind != "cadence" or count is None or count.meetings is None:
            continue
        units = (
            communities if r.subject.units and r.subject.units.type.value == "locality" else streets
        )
        need = int(ctx.param(r.id, "min_count") or 1)
        unit_meetings(ctx, count.meetings[0].value, units, str(rf(r, "period")), need, present)
    half_month_meetings(ctx, communities, present)
    cadence_reports(
        ctx,
        "regular-reports",
        cos,
        lambda p: str(w.unit_row(next(s.unit for s in w.stints_of(p)))["station"]),
    )
    _tables(ctx, communities, cos)
    faults(ctx, urban, rural, communities, streets, grids, cos, co_of, team)


def _tables(ctx: Context, communities: list[str], cos: list[str]) -> None:
    w, rng = ctx.world, ctx.rng
    year = ctx.start.year
    # Items checked present, and items to be taken down (the old signboard) checked absent.
    items: dict[str, bool] = {}
    for r in ctx.policy.rules:
        if r.kind == "checklist":
            items.update({i: True for i in rf(r, "items") if i not in items})
            items.update({i: False for i in rf(r, "absent_items") if i not in items})
    for c in communities:
        for item, present in items.items():
            w.checklists.append(
                {
                    "id": w.next_id("chk-"),
                    "unit": c,
                    "item": item,
                    "present": present,
                    "checked_on": dt.date(year - 1, 12, 15),
                }
            )
        for month in range(ctx.start.month, ctx.end.month + 1, 3):
            for item, present in items.items():
                w.checklists.append(
                    {
                        "id": w.next_id("chk-"),
                        "unit": c,
                        "item": item,
                        "present": present,
                        "checked_on": dt.date(year, month, 1),
                    }
                )
    for r in ctx.policy.rules:
        if r.kind != "funding":
            continue
        amount = float(value_at(rf(r, "min_amount_cny"), ctx.start) or 0)
        for p in cos:
            for source in rf(r, "sources"):
                w.funding.append(
                    {
                        "id": w.next_id("fund-"),
                        "person": p,
                        "source": source,
                        "amount_cny": amount + 100 * rng.randint(0, 20),
                        "start": dt.date(year, 1, 1),
                        "end": dt.date(year, 12, 31),
                    }
                )
    for p in cos:
        if rng.random() < 0.3:
            day = ctx.start + dt.timedelta(days=rng.randint(0, (ctx.end - ctx.start).days))
            w.tasks.append(
                {
                    "id": w.next_id("task-"),
                    "person": p,
                    "kind": "surprise_operation",
                    "start": day,
                    "end": day,
                    "reason": "major_security_duty",
                }
            )
