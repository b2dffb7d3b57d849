"""``xindu-2022``: Xindu district (成都市新都区) after the 2022 一村一警 reform.

Published figures (四川法治报, 2022): 180 villages and communities, 126 community officers and
54 officers dispatched from the bureau's departments (派驻民警, 村警), one officer to one
village; dispatched officers hold a village post by party membership (副书记 / 主任助理), serve
one-year terms, attend the village council and perform the six roles (六员) every month.
Auxiliaries (one per village) and grid workers complete the team.

The 村警's 2022 totals are reproduced exactly at scale 1 over the year (and in proportion to
scale and period otherwise): 521 suggestions collected, 89 neighbour + 101 family + 16 labour
disputes mediated, 435 yard meetings (坝坝会), 6852 safety inspections with 1517 hazards
rectified, and 498 services done. They are quotas spread over the dispatched officers'
months; injected violations move records between months rather than delete them, so the
totals hold at any violation rate.
"""

from __future__ import annotations

import datetime as dt

from gridpolicing.engine.periods import Bucket
from gridpolicing.synth.calendar import ONE, month_start
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.mechanisms import activity_violations, reqs_for
from gridpolicing.synth.plans import Plan, Quota
from gridpolicing.synth.profiles.common import at_bucket_ends, chinese_name, gap_on, spread
from gridpolicing.synth.records import pick_days, record_violations, unit_meetings
from gridpolicing.synth.world import Stint

__all__ = ["PUBLISHED", "YEAR", "build"]

YEAR = 2022
PUBLISHED = {
    "suggestions": 521,
    "mediation/neighbour": 89,
    "mediation/family": 101,
    "mediation/labour": 16,
    "yard_meetings": 435,
    "safety_inspections": 6852,
    "hazards_rectified": 1517,
    "services_done": 498,
}
_DEPARTMENTS = [
    "禁毒大队",
    "交警大队",
    "治安大队",
    "刑侦大队",
    "经侦大队",
    "网安大队",
    "户政科",
    "特警大队",
    "法制大队",
]
_STREETS = [
    "新都街道",
    "大丰街道",
    "三河街道",
    "斑竹园街道",
    "桂湖街道",
    "石板滩街道",
    "新繁街道",
    "清流镇",
    "军屯镇",
    "马家镇",
    "龙桥镇",
    "木兰镇",
]
_QUOTA_KINDS = (
    "safety_inspection",
    "fire_safety",
    "suggestion_collection",
    "mediation",
    "practical_service",
)


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def build(ctx: Context) -> None:
    """Build the Xindu deployment and its violations into ``ctx``."""
    w, rng = ctx.world, ctx.rng
    villages_n = ctx.n(180, 2)
    dispatched_n = max(1, round(villages_n * 54 / 180))
    stations_n = -(-villages_n // 15)
    w.unit("xd", "jurisdiction", "成都市新都区")
    w.unit("xd-bureau", "bureau", "成都市公安局新都区分局", parent="xd")
    depts = [
        w.unit(f"xd-d{i + 1:02d}", "department", n, parent="xd-bureau")
        for i, n in enumerate(_DEPARTMENTS)
    ]
    villages: list[str] = []
    station_of: dict[str, str] = {}
    for s in range(stations_n):
        street = w.unit(
            f"xd-s{s + 1:02d}", "street", _STREETS[s % 12] + ("" if s < 12 else str(s)), parent="xd"
        )
        st = w.unit(
            f"xd-st{s + 1:02d}",
            "station",
            f"新都示例派出所{s + 1:02d}",
            parent="xd-bureau",
            street=street,
        )
        for j in range(min(15, villages_n - 15 * s)):
            n = 15 * s + j + 1
            cat, area, word = (
                ("urban_community", "urban", "社区")
                if j < 5
                else ("rural_community", "rural", "农村社区")
                if j < 8
                else ("village", "rural", "村")
            )
            hh = rng.randint(1500, 3500) if j < 5 else rng.randint(400, 1300)
            v = w.unit(
                f"xd-v{n:03d}",
                "locality",
                f"示例{word}{n:03d}",
                parent=st,
                station=st,
                street=street,
                category=cat,
                area=area,
                households=hh,
                population=hh * rng.randint(27, 33) // 10,
            )
            villages.append(v)
            station_of[v] = st
            for g in range(1, 2 + hh // 900):
                gid = w.unit(
                    f"{v}-g{g}",
                    "grid",
                    f"示例{word}{n:03d}第{g}网格",
                    parent=v,
                    station=st,
                    street=street,
                    area=area,
                )
                pid = w.person(f"xd-gw{n:03d}{g}", chinese_name(rng), home_unit=v)
                w.stint(pid, gid, "grid_worker", dt.date(2021, 1, 1), employment="part_time")

    f = (
        ctx.scale
        * ((ctx.end - ctx.start).days + 1)
        / (dt.date(ctx.end.year, 12, 31).toordinal() - dt.date(ctx.end.year, 1, 1).toordinal() + 1)
    )

    def share(x: int) -> int:
        return round(x * f)

    dp = ctx.plan(
        Plan(
            "xd-dp",
            days=(1, 2),
            per_day=2.0,
            log_p=0.9,
            photo_p=0.6,
            reqs=tuple(
                reqs_for(
                    ctx,
                    "dispatched_officer",
                    prefer=("security_briefing", "dispute_screening", "opinion_survey"),
                    monthly=("safety_inspection",),
                )
            ),
            fill={
                "household_visit": 3,
                "publicity": 2,
                "dispute_screening": 1,
                "opinion_survey": 1,
                "patrol_organisation": 1,
                "security_briefing": 1,
                "patrol": 1,
                "information_collection": 1,
            },
            monthly=("safety_inspection",),
        )
    )
    ctx.quotas.extend(
        [
            Quota(dp, "safety_inspection", share(6852), base=1, field="hazards", total=share(1517)),
            Quota(
                dp, "suggestion_collection", share(234), field="quantity", total=share(521), vbase=1
            ),
            *(
                Quota(
                    dp, "mediation", share(n), subkind=sk, field="quantity", total=share(n), vbase=1
                )
                for sk, n in (("neighbour", 89), ("family", 101), ("labour", 16))
            ),
            Quota(dp, "practical_service", share(402), field="services", total=share(498), vbase=1),
        ]
    )
    co = ctx.plan(
        Plan(
            "xd-co",
            days=(4, 5),
            per_day=3.0,
            fill={
                "patrol": 4,
                "household_visit": 3,
                "information_entry": 2,
                "population_registration": 1,
                "dispute_screening": 1,
                "publicity": 1,
                "opinion_survey": 1,
                "security_briefing": 1,
                "check_in": 1,
                "information_collection": 1,
                "special_population_service": 1,
            },
        )
    )
    aux = ctx.plan(
        Plan(
            "xd-aux",
            days=(4, 5),
            per_day=2.0,
            sensitive_days=True,
            fill={
                "patrol": 4,
                "publicity": 1,
                "information_entry": 1,
                "household_visit": 1,
                "check_in": 1,
            },
        )
    )
    assert not set(_QUOTA_KINDS) & (set(ctx.plans[co].fill) | set(ctx.plans[dp].fill))

    dispatched_at = set(spread(villages_n, dispatched_n))
    officer_of: dict[str, Stint] = {}
    dps: list[str] = []
    cos: list[str] = []
    for i, v in enumerate(villages):
        member = rng.random() < 0.75
        if i in dispatched_at:
            pid = w.person(
                f"xd-dp{len(dps) + 1:03d}",
                chinese_name(rng),
                home_unit=depts[len(dps) % len(depts)],
                party_member=member,
            )
            post = "deputy_party_secretary" if member else "director_assistant"
            officer_of[v] = w.stint(
                pid,
                v,
                "dispatched_officer",
                dt.date(ctx.start.year, 1, 1),
                concurrent=True,
                posts=(post,),
                plan=dp,
            )
            dps.append(pid)
        else:
            pid = w.person(
                f"xd-co{len(cos) + 1:03d}",
                chinese_name(rng),
                home_unit=station_of[v],
                party_member=member,
            )
            start = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
            officer_of[v] = w.stint(
                pid,
                v,
                "community_officer",
                start,
                plan=co,
                posts=("deputy_party_secretary",) if member else (),
            )
            cos.append(pid)
        aid = w.person(f"xd-ax{i + 1:03d}", chinese_name(rng), home_unit=station_of[v])
        w.stint(aid, v, "auxiliary", dt.date(2021, 3, 1), plan=aux)
    co_villages = sorted(v for v in villages if officer_of[v].role == "community_officer")
    dp_village = {
        officer_of[v].person: v for v in villages if officer_of[v].role != "community_officer"
    }

    # -- structural violations ---------------------------------------------------------------
    coverage_rules = [r for r in ("full-coverage", "one-officer-one-village") if ctx.has(r)]
    if coverage_rules:

        def uncovered(v: str, b: Bucket) -> tuple[list[str], list[Finding], str]:
            p = officer_of[v].person
            return [v, p], [(r, "unit", v, b.key) for r in coverage_rules], f"{p} off the register"

        def gap(v: str, b: Bucket) -> None:
            gap_on([officer_of[v]], b.end)

        at_bucket_ends(ctx, coverage_rules[0], co_villages, uncovered, gap)
    if ctx.has("one-officer-one-village"):

        def handover(v: str, b: Bucket) -> tuple[list[str], list[Finding], str]:
            return (
                [v, officer_of[v].person],
                [("one-officer-one-village", "unit", v, b.key)],
                "two officers during a handover",
            )

        def hand(v: str, b: Bucket) -> None:
            old = officer_of[v]
            q = w.person(w.next_id("xd-co-r", 3), chinese_name(rng), home_unit=station_of[v])
            old.end = b.end + dt.timedelta(days=2)
            officer_of[v] = w.copy_stint(old, person=q, start=b.end, end=None)

        at_bucket_ends(ctx, "one-officer-one-village", co_villages, handover, hand, for_good=True)
    if ctx.has("one-year-term"):
        _terms(ctx, dps, dp_village, officer_of)
    if ctx.has("village-police-posts"):

        def lacks_post(p: str, b: Bucket) -> tuple[list[str], list[Finding], str]:
            return [p], [("village-police-posts", "person", p, b.key)], "post missing on record"

        def unpost(p: str, b: Bucket) -> None:
            for s in w.stints_of(p):
                s.override(b.end, posts=())

        at_bucket_ends(ctx, "village-police-posts", dps, lacks_post, unpost)

    # -- activities, meetings -------------------------------------------------------------
    activity_violations(ctx, "dispatched_officer", dps, ctx.plans[dp], move=True)

    def present(v: str, day: dt.date) -> list[str]:
        return [
            s.person for s in w.stints if s.unit == v and s.active(day) and s.role != "grid_worker"
        ]

    unit_meetings(ctx, "village_council", villages, "month", 1, present)
    record_violations(ctx, "village-council", dps)
    _yard_meetings(ctx, dps, share(435))


def _terms(
    ctx: Context, dps: list[str], dp_village: dict[str, str], officer_of: dict[str, Stint]
) -> None:
    """One-year terms: an officer past 12 months in a village at a month's end, then swapped
    with another dispatched officer's village (对调) from the next day."""
    w = ctx.world

    def change(p: str, b: Bucket) -> tuple[list[str], list[Finding], str] | None:
        i = dps.index(p)
        q = dps[(i + 1) % len(dps)]
        if q == p:
            return None
        keys = [p, q, dp_village[p], dp_village[q]]
        return (
            keys,
            [("one-year-term", "person", p, b.key)],
            f"13 months in the village; swapped with {q}",
        )

    def apply(p: str, b: Bucket) -> None:
        q = dps[(dps.index(p) + 1) % len(dps)]
        vp, vq = dp_village[p], dp_village[q]
        sp, sq = officer_of[vp], officer_of[vq]
        sp.start = _add_months(month_start(b.start), -12)
        sp.end = sq.end = b.end
        officer_of[vq] = w.copy_stint(sp, unit=vq, start=b.end + ONE, end=None)
        officer_of[vp] = w.copy_stint(sq, unit=vp, start=b.end + ONE, end=None)
        dp_village[p], dp_village[q] = vq, vp

    def lasting(p: str, b: Bucket) -> list[str]:
        # Later swaps must not move back the start of a stint this one creates.
        q = dps[(dps.index(p) + 1) % len(dps)]
        return [f"{k}#term" for k in (p, q, dp_village[p], dp_village[q])]

    at_bucket_ends(ctx, "one-year-term", list(dps), change, apply, lasting=lasting)


def _yard_meetings(ctx: Context, dps: list[str], total: int) -> None:
    """坝坝会: ``total`` yard meetings spread over the dispatched officers' months."""
    w = ctx.world
    cells: list[tuple[str, str, list[dt.date]]] = []
    for p in dps:
        months: dict[str, list[dt.date]] = {}
        for s in w.stints_of(p):
            d = max(s.start, ctx.start)
            while d <= min(s.end or ctx.end, ctx.end):
                if s.active(d):
                    months.setdefault(f"{d:%Y-%m}|{s.unit}", []).append(d)
                d += ONE
        cells.extend((p, k, days) for k, days in sorted(months.items()))
    if not cells or total <= 0:
        return
    weights = [1 + ctx.rng.randrange(1000) for _ in cells]
    wsum = sum(weights)
    base = [total * x // wsum for x in weights]
    rest = sorted(range(len(cells)), key=lambda i: (-(total * weights[i] % wsum), i))
    for i in rest[: total - sum(base)]:
        base[i] += 1
    for (p, key, days), n in zip(cells, base, strict=True):
        unit = key.split("|", 1)[1]
        chosen = pick_days(ctx, days, n, "yard", p, key)
        # more meetings than distinct days: the extra ones share days
        chosen += [days[k % len(days)] for k in range(n - len(chosen))]
        for day in sorted(chosen):
            w.meetings.append(
                {
                    "id": w.next_id("mtg-"),
                    "kind": "yard_meeting",
                    "unit": unit,
                    "date": day,
                    "attendees": [p],
                }
            )
