"""Write data.yaml: a fictional district deployment under the Nanjing 2016 draft, October 2017.

Run from anywhere: ``python examples/nanjing-2016/generate.py``. The output is deterministic (no
randomness), so the committed data.yaml is exactly what this script writes.

The deployment: a fictional district (示例区) with one urban street (4 urban communities, one
community officer each) and one rural town (9 rural communities shared by 3 officers). Every
community has its full governance team (and its grids); officers log a regular working week in
their communities and brief every grid on Mondays;
communities hold their meetings; the sensitive periods of the month (国庆中秋假期 and the 19th
Party Congress) get daily screenings and daily reports.

Two deliberate violations, and nothing else:

1. Officer 陈 (``o-rc``) covers four rural communities (r6-r9), above the draft's 2-3
   (rule ``rural-community-officers``, critical): r6, r7, r8 and r9 fail.
2. In urban community u4 one of the two joint-defence members (``jd-u4-2``) left on 2017-10-20,
   so on the last day of the month u4 has one (rule ``joint-defence-per-community``, major).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
MONTH_START = dt.date(2017, 10, 1)
MONTH_END = dt.date(2017, 10, 31)
SENSITIVE = [
    ("sp-national-day", "国庆中秋假期", dt.date(2017, 10, 1), dt.date(2017, 10, 8)),
    ("sp-19th-congress", "党的十九大召开期间", dt.date(2017, 10, 18), dt.date(2017, 10, 24)),
]
URBAN = ["u1", "u2", "u3", "u4"]
URBAN_NAMES = ["东园社区", "西园社区", "南湖社区", "北湖社区"]
RURAL = [f"r{i}" for i in range(1, 10)]
RURAL_NAMES = [
    "青山社区",
    "石桥社区",
    "柳塘社区",
    "杨庄社区",
    "河口社区",
    "新集社区",
    "桃园社区",
    "林场社区",
    "马湾社区",
]
# Community officers and the communities each covers. o-rc's four communities are violation 1.
OFFICERS: list[tuple[str, str, bool, list[str]]] = [
    ("o-u1", "王建国", True, ["u1"]),
    ("o-u2", "李文华", True, ["u2"]),
    ("o-u3", "张敏", False, ["u3"]),
    ("o-u4", "刘强", True, ["u4"]),
    ("o-ra", "赵立新", True, ["r1", "r2"]),
    ("o-rb", "孙海", False, ["r3", "r4", "r5"]),
    ("o-rc", "陈卫东", True, ["r6", "r7", "r8", "r9"]),
]
CENTRE_ITEMS = ["社区综治中心标牌", "群众接待室", "矛盾纠纷调处室", "视频监控室"]
OLD_SIGNBOARD = "社区综治办标牌"  # taken down (不再悬挂社区综治办标牌)
# Grids (网格) of each community: two in an urban community, one in a rural one.
GRIDS = {u: [f"g-{u}-1", f"g-{u}-2"] for u in ["u1", "u2", "u3", "u4"]} | {
    f"r{i}": [f"g-r{i}-1"] for i in range(1, 10)
}
# An officer's week in the communities: (weekday, activity kind, start hour, hours), 21 h in
# all. On Mondays from 16:00 the officer also briefs every grid served, an hour each, logged
# on the grid (the weekly notice to the grids, 通报各网格).
WEEK_PLAN = [
    (0, "patrol", 8, 3),
    (0, "information_collection", 14, 1),
    (1, "household_visit", 8, 3),
    (1, "population_registration", 14, 2),
    (2, "mediation", 8, 2),
    (2, "special_population_service", 14, 2),
    (3, "publicity", 8, 2),
    (3, "safety_inspection", 14, 2),
    (4, "petition_reception", 8, 1),
    (4, "guidance", 10, 1),
    (4, "information_entry", 14, 2),
]


def days() -> list[dt.date]:
    """Every day of the month."""
    n = (MONTH_END - MONTH_START).days + 1
    return [MONTH_START + dt.timedelta(days=i) for i in range(n)]


def sensitive(day: dt.date) -> bool:
    """True on a day of one of the sensitive periods."""
    return any(start <= day <= end for _, _, start, end in SENSITIVE)


def stamp(day: dt.date, hour: int) -> str:
    """``YYYY-MM-DD HH:00``."""
    return f"{day.isoformat()} {hour:02d}:00"


def build() -> dict[str, Any]:
    """The whole dataset as plain data."""
    units: list[dict[str, Any]] = [
        {"id": "district", "type": "jurisdiction", "name": "示例区(虚构)"},
        {"id": "bureau", "type": "bureau", "name": "示例区公安分局", "parent": "district"},
        {"id": "st-a", "type": "station", "name": "东园派出所", "parent": "bureau"},
        {"id": "st-b", "type": "station", "name": "青山派出所", "parent": "bureau"},
        {"id": "str-a", "type": "street", "name": "东园街道", "parent": "district"},
        {"id": "str-b", "type": "street", "name": "青山镇", "parent": "district"},
    ]
    for uid, name in zip(URBAN, URBAN_NAMES, strict=True):
        units.append(
            {
                "id": uid,
                "type": "locality",
                "name": name,
                "category": "urban_community",
                "area": "urban",
                "parent": "str-a",
                "station": "st-a",
                "street": "str-a",
            }
        )
    for uid, name in zip(RURAL, RURAL_NAMES, strict=True):
        units.append(
            {
                "id": uid,
                "type": "locality",
                "name": name,
                "category": "rural_community",
                "area": "rural",
                "parent": "str-b",
                "station": "st-b",
                "street": "str-b",
            }
        )

    for community, grids in GRIDS.items():
        for n, gid in enumerate(grids, 1):
            units.append({"id": gid, "type": "grid", "name": f"第{n}网格", "parent": community})

    people: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []

    def assign(person: str, unit: str, role: str, start: str, **extra: Any) -> None:
        assignments.append(
            {
                "id": f"as-{len(assignments) + 1:03d}",
                "person": person,
                "unit": unit,
                "role": role,
                "start": start,
                **extra,
            }
        )

    for pid, name, member, served in OFFICERS:
        people.append(
            {
                "id": pid,
                "name": name,
                "party_member": member,
                "home_unit": "st-a" if served[0].startswith("u") else "st-b",
            }
        )
        for unit in served:
            assign(
                pid,
                unit,
                "community_officer",
                "2017-01-01",
                posts=["governance_deputy_director", "centre_deputy_director"],
            )

    team = [  # (id suffix, role, employment, posts)
        ("sw-{u}-1", "social_worker", "full_time", ["petition_receptionist"]),
        ("sw-{u}-2", "social_worker", "full_time", []),
        ("aux-{u}", "auxiliary", "full_time", []),
        ("jd-{u}-1", "joint_defence_member", "full_time", []),
        ("jd-{u}-2", "joint_defence_member", "full_time", []),
        ("med-{u}-1", "mediator", "full_time", []),
        ("med-{u}-2", "mediator", "part_time", []),
    ]
    for unit in URBAN + RURAL:
        for pattern, role, employment, posts in team:
            pid = pattern.format(u=unit)
            people.append({"id": pid, "home_unit": unit})
            extra: dict[str, Any] = {"employment": employment}
            if posts:
                extra["posts"] = posts
            if pid == "jd-u4-2":  # violation 2: left before the end of the month
                extra["end"] = "2017-10-20"
            assign(pid, unit, role, "2016-12-01", **extra)

    activities: list[dict[str, Any]] = []

    def log(person: str, unit: str, kind: str, day: dt.date, hour: int, hours: int) -> None:
        activities.append(
            {
                "id": f"act-{len(activities) + 1:04d}",
                "person": person,
                "unit": unit,
                "kind": kind,
                "start": stamp(day, hour),
                "end": stamp(day, hour + hours),
                "has_work_log": True,
            }
        )

    for pid, _, _, served in OFFICERS:
        for i, day in enumerate(days()):
            unit = served[i % len(served)]  # rotate over the communities served
            todays = [p for p in WEEK_PLAN if p[0] == day.weekday()]
            for _, kind, hour, hours in todays:
                log(pid, unit, kind, day, hour, hours)
            if not todays and sensitive(day):  # weekend in a sensitive period: a patrol
                log(pid, unit, "patrol", day, 19, 2)
            if day.weekday() == 0:
                grids = [g for community in served for g in GRIDS[community]]
                for hour, grid in enumerate(grids, 16):
                    log(pid, grid, "security_briefing", day, hour, 1)
    for unit in URBAN + RURAL:
        receptionist = f"sw-{unit}-1"
        for day in days():
            # Concentrated screening every Wednesday, and every day of a sensitive period.
            if day.weekday() == 2 or sensitive(day):
                log(receptionist, unit, "dispute_screening", day, 9, 2)
            if day.weekday() in (1, 3):
                log(receptionist, unit, "petition_reception", day, 14, 2)
            if day.weekday() == 4:
                log(f"med-{unit}-1", unit, "mediation", day, 9, 2)

    meetings: list[dict[str, Any]] = []
    officers_of = {u: pid for pid, _, _, served in OFFICERS for u in served}
    for unit in URBAN + RURAL:
        team_ids = [officers_of[unit], f"sw-{unit}-1", f"sw-{unit}-2", f"aux-{unit}"]
        for day in days():
            if day.weekday() == 0:
                meetings.append(
                    {
                        "id": f"mt-{len(meetings) + 1:03d}",
                        "kind": "weekly_briefing",
                        "unit": unit,
                        "date": day.isoformat(),
                        "attendees": team_ids,
                    }
                )
        for day in (dt.date(2017, 10, 13), dt.date(2017, 10, 27)):
            meetings.append(
                {
                    "id": f"mt-{len(meetings) + 1:03d}",
                    "kind": "semi_monthly_meeting",
                    "unit": unit,
                    "date": day.isoformat(),
                    "attendees": team_ids,
                }
            )
    for street, prefix in (("str-a", "o-u"), ("str-b", "o-r")):
        attendees = [pid for pid, _, _, _ in OFFICERS if pid.startswith(prefix)]
        meetings.append(
            {
                "id": f"mt-{len(meetings) + 1:03d}",
                "kind": "monthly_joint_meeting",
                "unit": street,
                "date": "2017-10-26",
                "attendees": attendees,
            }
        )

    reports: list[dict[str, Any]] = []
    for pid, _, _, served in OFFICERS:
        station = "st-a" if served[0].startswith("u") else "st-b"
        street = "str-a" if served[0].startswith("u") else "str-b"
        for day in days():
            if sensitive(day):
                reports.append(
                    {
                        "id": f"rp-{len(reports) + 1:03d}",
                        "kind": "situation_report",
                        "author": pid,
                        "recipient": station,
                        "date": day.isoformat(),
                    }
                )
        reports.append(
            {
                "id": f"rp-{len(reports) + 1:03d}",
                "kind": "work_report",
                "author": pid,
                "recipient": street,
                "date": "2017-10-31",
            }
        )

    tasks = [  # an allowed task: a case in the officer's own community, not a quota
        {
            "id": "tk-001",
            "person": "o-u2",
            "kind": "case_investigation",
            "start": "2017-10-11",
            "end": "2017-10-12",
            "reason": "own_area_case",
            "unit": "u2",
        },
    ]

    funding: list[dict[str, Any]] = []
    for pid, _, _, _ in OFFICERS:
        for source in ("city", "district"):
            funding.append(
                {
                    "id": f"fd-{len(funding) + 1:03d}",
                    "person": pid,
                    "source": source,
                    "amount_cny": 5000,
                    "start": "2017-01-01",
                    "end": "2017-12-31",
                }
            )

    checklists: list[dict[str, Any]] = []
    for unit in URBAN + RURAL:
        for item in [*CENTRE_ITEMS, OLD_SIGNBOARD]:
            checklists.append(
                {
                    "id": f"ck-{len(checklists) + 1:03d}",
                    "unit": unit,
                    "item": item,
                    "present": item != OLD_SIGNBOARD,
                    "checked_on": "2017-06-30",
                }
            )

    return {
        "dataset": {
            "name": "nanjing-2016-example",
            "description": (
                "虚构的示例区:4个城市社区、9个农村社区,2017年10月(含国庆和十九大敏感时期)"
            ),
        },
        "units": units,
        "people": people,
        "assignments": assignments,
        "activities": activities,
        "meetings": meetings,
        "reports": reports,
        "tasks": tasks,
        "funding": funding,
        "checklists": checklists,
        "sensitive_periods": [
            {"id": sid, "name": name, "start": start.isoformat(), "end": end.isoformat()}
            for sid, name, start, end in SENSITIVE
        ],
    }


def main() -> None:
    """Write data.yaml next to this script."""
    header = (
        "# Generated by generate.py (deterministic); do not edit by hand.\n"
        "# A fictional district under the Nanjing 2016 draft, October 2017.\n"
        "# Deliberate violations: officer o-rc covers 4 rural communities (r6-r9);\n"
        "# u4 has one joint-defence member at the month's end (jd-u4-2 left on 2017-10-20).\n"
    )
    text = yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=100)
    (HERE / "data.yaml").write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
