"""``xinjin-2022``: Xinjin district (成都市新津区), 一村一警 with village contact officers.

Published figures (人民周刊, 2022-01-04): 81 villages and communities, 34 community officers
plus 15 station officers serving concurrently (49), 32 department officers as village contact
officers (包村民警, party members, 兼任村党组织副书记) and 81 auxiliaries, under 8 stations: every
village has one officer (49 + 32 = 81) and one auxiliary. Contact officers go to their village
one or two days a week with a household visit of five or more households and a practical
service each time, screen disputes, brief the village, run publicity and organise patrols
every week, attend the monthly council and report weekly, monthly and half-yearly.
"""

from __future__ import annotations

import datetime as dt

from gridpolicing.engine.periods import Bucket
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.mechanisms import activity_violations, reqs_for
from gridpolicing.synth.ops import DropKinds
from gridpolicing.synth.plans import Plan, Req
from gridpolicing.synth.profiles.common import (
    at_bucket_ends,
    chinese_name,
    gap_on,
    prohibition_violations,
    spread,
    visit_reqs,
)
from gridpolicing.synth.records import cadence_reports, record_violations, unit_meetings
from gridpolicing.synth.rulefields import rf

__all__ = ["build"]

YEAR = 2022
_DEPARTMENTS = [
    "治安大队",
    "刑警大队",
    "禁毒大队",
    "交警大队",
    "经侦大队",
    "网安大队",
    "法制大队",
    "特警大队",
]
_STREETS = ["五津街道", "花源街道", "花桥街道", "普兴街道", "安西镇", "兴义镇", "永商镇", "宝墩镇"]


def build(ctx: Context) -> None:
    """Build the Xinjin deployment and its violations into ``ctx``."""
    w, rng = ctx.world, ctx.rng
    villages_n = ctx.n(81, 2)
    contact_n = max(1, round(villages_n * 32 / 81))
    officers_n = villages_n - contact_n
    concurrent_n = round(officers_n * 15 / 49)
    stations_n = min(villages_n, ctx.n(8))
    w.unit("xj", "jurisdiction", "成都市新津区")
    w.unit("xj-bureau", "bureau", "成都市公安局新津区分局", parent="xj")
    depts = [
        w.unit(f"xj-d{i + 1:02d}", "department", name, parent="xj-bureau")
        for i, name in enumerate(_DEPARTMENTS)
    ]
    stations = []
    for i in range(stations_n):
        street = w.unit(
            f"xj-s{i + 1:02d}", "street", _STREETS[i % 8] + ("" if i < 8 else str(i)), parent="xj"
        )
        stations.append(
            w.unit(
                f"xj-st{i + 1:02d}",
                "station",
                f"新津{_STREETS[i % 8][:2]}派出所{i + 1}",
                parent="xj-bureau",
                street=street,
            )
        )
    villages = []
    for i in range(villages_n):
        st = stations[i * stations_n // villages_n]
        urban = i % 4 == 0
        hh = rng.randint(900, 2600) if urban else rng.randint(300, 1200)
        villages.append(
            w.unit(
                f"xj-v{i + 1:03d}",
                "locality",
                f"示例{'社区' if urban else '村'}{i + 1:03d}",
                parent=st,
                station=st,
                street=w.unit_row(st)["street"],
                area="urban" if urban else "rural",
                category="urban_community" if urban else "village",
                households=hh,
                population=hh * rng.randint(26, 34) // 10,
            )
        )
    station_of = {v: w.unit_row(v)["station"] for v in villages}
    contact_at = set(spread(villages_n, contact_n))

    min_days = (
        int(ctx.param("weekly-day-in-village", "min_days") or 1)
        if ctx.has("weekly-day-in-village")
        else 1
    )
    contact = ctx.plan(
        Plan(
            "xj-contact",
            days=(min_days, min_days + 1),
            per_day=2.0,
            log_p=0.95,
            photo_p=0.6,
            reqs=(
                *visit_reqs(ctx, "village_contact_officer"),
                *reqs_for(ctx, "village_contact_officer"),
            ),
            fill={
                "household_visit": 4,
                "suggestion_collection": 2,
                "opinion_survey": 1,
                "mediation": 1,
                "patrol": 1,
                "information_collection": 1,
            },
        )
    )
    presence = _presence_kind(ctx)
    officer = ctx.plan(
        Plan(
            "xj-co",
            days=(3, 5),
            per_day=3.0,
            reqs=tuple(reqs_for(ctx, "community_officer")),
            fill={
                "patrol": 3,
                "household_visit": 3,
                "information_entry": 2,
                "dispute_screening": 1,
                "mediation": 1,
                "publicity": 1,
                "safety_inspection": 1,
                "practical_service": 1,
                "population_registration": 1,
                "check_in": 1,
            },
        )
    )
    aux = ctx.plan(
        Plan(
            "xj-aux",
            days=(4, 5),
            per_day=2.0,
            sensitive_days=True,
            reqs=(Req("week", presence),),
            fill={
                "patrol": 4,
                "publicity": 1,
                "information_entry": 1,
                "household_visit": 1,
                "check_in": 1,
            },
        )
    )

    officers: list[str] = []
    contacts: list[str] = []
    auxes: list[str] = []
    co_of: dict[str, str] = {}
    aux_of: dict[str, str] = {}
    for i, v in enumerate(villages):
        if i in contact_at:
            pid = w.person(
                f"xj-vc{len(contacts) + 1:03d}",
                chinese_name(rng),
                home_unit=depts[len(contacts) % len(depts)],
                party_member=True,
            )
            start = dt.date(2021, 9, 1) + dt.timedelta(days=rng.randint(0, 90))
            w.stint(
                pid,
                v,
                "village_contact_officer",
                start,
                concurrent=True,
                posts=("deputy_party_secretary",),
                plan=contact,
            )
            contacts.append(pid)
        else:
            k = len(officers)
            conc = k < concurrent_n
            member = conc or rng.random() < 0.7
            pid = w.person(
                f"xj-co{k + 1:03d}", chinese_name(rng), home_unit=station_of[v], party_member=member
            )
            start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 2300))
            w.stint(
                pid,
                v,
                "community_officer",
                start,
                concurrent=conc,
                posts=("deputy_party_secretary",) if member else (),
                plan=officer,
            )
            officers.append(pid)
            co_of[v] = pid
        aid = w.person(f"xj-ax{i + 1:03d}", chinese_name(rng), home_unit=station_of[v])
        w.stint(
            aid,
            v,
            "auxiliary",
            dt.date(2020, 6, 1) + dt.timedelta(days=rng.randint(0, 400)),
            plan=aux,
        )
        auxes.append(aid)
        aux_of[v] = aid
    home = {p["id"]: p.get("home_unit") for p in w.people}
    unit_of = {s.person: s.unit for s in w.stints}

    # -- structural violations (bucket-end snapshots) ----------------------------------------
    def gap(rule: str, holder: dict[str, str]) -> None:
        def change(v: str, b: Bucket) -> tuple[list[str], list[Finding], str] | None:
            return [v, holder[v]], [(rule, "unit", v, b.key)], f"{holder[v]} off the register"

        def apply(v: str, b: Bucket) -> None:
            gap_on(w.stints_of(holder[v]), b.end)

        at_bucket_ends(ctx, rule, sorted(holder), change, apply)

    if ctx.has("village-has-officer"):
        gap("village-has-officer", co_of)
    if ctx.has("auxiliary-per-village"):
        gap("auxiliary-per-village", aux_of)
    for rule, people in (
        ("community-officer-deputy-secretary", officers),
        ("contact-officer-deputy-secretary", contacts),
    ):
        if not ctx.has(rule):
            continue
        # Non-members are asked the post too where the rule names a non_member_post.
        members = [
            p
            for p in people
            if rf(ctx.rule(rule), "non_member_post") is not None
            or any(x["id"] == p and x.get("party_member") for x in w.people)
        ]

        def post_change(
            p: str, b: Bucket, rule: str = rule
        ) -> tuple[list[str], list[Finding], str]:
            return [p], [(rule, "person", p, b.key)], "post missing on the record"

        def post_apply(p: str, b: Bucket) -> None:
            for s in w.stints_of(p):
                s.override(b.end, posts=())

        at_bucket_ends(ctx, rule, members, post_change, post_apply)

    # -- records, activities, conduct (coarse buckets first: each change claims its month) -----
    cadence_reports(
        ctx,
        "weekly-report-to-station",
        officers + contacts + auxes,
        lambda p: str(station_of[unit_of[p]]),
    )
    cadence_reports(ctx, "monthly-report-to-own-unit", contacts, lambda p: str(home[p]))
    cadence_reports(ctx, "half-year-summary", contacts, lambda p: str(home[p]))

    def present(v: str, day: dt.date) -> list[str]:
        return [s.person for s in w.stints if s.unit == v and s.active(day)]

    unit_meetings(ctx, "village_council", villages, "month", 1, present)
    record_violations(ctx, "half-year-summary", sorted(contacts))
    # a month's village work reports sent to the station, not to the officer's own unit
    record_violations(
        ctx,
        "monthly-report-to-own-unit",
        sorted(contacts),
        elsewhere=lambda p: str(station_of[unit_of[p]]),
    )
    record_violations(ctx, "monthly-village-council", sorted(contacts))
    activity_violations(ctx, "village_contact_officer", contacts, ctx.plans[contact])
    if ctx.has("weekly-police-presence"):
        kinds = tuple(k.value for k in rf(ctx.rule("weekly-police-presence"), "count").activities)
        for v in sorted(co_of):
            for b in ctx.buckets("weekly-police-presence"):
                if ctx.chance("weekly-police-presence", v, b.key) and ctx.month_claim(
                    [f"{v}#presence"], b.start, b.end
                ):
                    ctx.inject(
                        [("weekly-police-presence", "unit", v, b.key)],
                        "no police activity in the village",
                        DropKinds(b.start, b.end, kinds, unit=v),
                    )
    # a week's reports sent to the contact officer's department (another officer's or
    # auxiliary's kept in the village), not to the station
    sent = set(contacts)
    record_violations(
        ctx,
        "weekly-report-to-station",
        sorted(officers + contacts + auxes),
        elsewhere=lambda p: str(home[p]) if p in sent else unit_of[p],
    )
    prohibition_violations(ctx, "four-prohibitions", sorted(contacts + auxes), lambda p: unit_of[p])
    _distractors(ctx, officers, villages)


def _presence_kind(ctx: Context) -> str:
    if not ctx.has("weekly-police-presence"):
        return "patrol"
    kinds = [k.value for k in rf(ctx.rule("weekly-police-presence"), "count").activities]
    return "patrol" if "patrol" in kinds else kinds[0]


def _distractors(ctx: Context, officers: list[str], villages: list[str]) -> None:
    """Records no rule counts against anyone: surveys, and the odd incident of a community
    officer (the four prohibitions bind contact officers and auxiliaries only)."""
    w, rng = ctx.world, ctx.rng
    for v in villages:
        for month in (3, 6, 9, 12):
            day = dt.date(ctx.start.year, month, 15)
            if ctx.start <= day <= ctx.end:
                n = rng.randint(40, 120)
                w.surveys.append(
                    {
                        "id": w.next_id("sv-"),
                        "unit": v,
                        "date": day,
                        "respondents": n,
                        "satisfied": n - rng.randint(0, n // 10),
                    }
                )
    for p in officers:
        if rng.random() < 0.05:
            day = ctx.start + dt.timedelta(days=rng.randint(0, (ctx.end - ctx.start).days))
            w.incidents.append(
                {
                    "id": w.next_id("inc-"),
                    "person": p,
                    "kind": "accepted_hospitality",
                    "date": day,
                    "note": "社区民警,不适用包村民辅警“四不准”",
                }
            )
