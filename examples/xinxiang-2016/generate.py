"""Generate the Xinxiang 2016 scenario's dataset (``data/*.csv``): a year (2017) of one district.

Run from anywhere: ``python examples/xinxiang-2016/generate.py``. The output is deterministic.

The district: 南环分局 with one station; six urban police offices (警务室) over ten urban
communities divided into grids (一格一警), and two rural offices over the fourteen villages and
two neighbouring communities (一村一警). Names of offices, communities and people are invented;
振中街道 and 关堤乡 are the two areas the scheme's notice is addressed to.

It is a compliant deployment with two deliberate violations:

1. 城中社区 (c02) has 1,800 households and 5,100 residents but 420 rental rooms. By households or
   residents it needs 2 full-time auxiliaries, by rental rooms 3 (200 rooms each); it has 2, one
   for each of its two grids. Under the policy's reading (the strictest standard) it fails
   urban-auxiliary-ratio in every month of 2017.
2. 包村民警 刘建国 (vc3, village v10) spent only one full day in his village in August 2017
   (his second visit was called off), failing contact-officer-monthly-days for 2017-08.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import chinese_calendar

OUT = Path(__file__).resolve().parent / "data"
YEAR = 2017
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

# --- units ----------------------------------------------------------------------------------

BUREAU, STATION = "nh-bureau", "gx-station"
URBAN_STREET, RURAL_STREET = "st-zhenzhong", "st-guandi"

# office id, name, [(community id, name, households, population, rental rooms, grids)]
# grids lists who staffs each grid: "aux" (a full-time auxiliary) or "organ" (an organ officer).
URBAN: list[tuple[str, str, list[tuple[str, str, int, int, int, list[str]]]]] = [
    (
        "o-u1",
        "振中一警务室",
        [
            ("c01", "东升社区", 2400, 7000, 150, ["aux"] * 3),
            ("c02", "城中社区", 1800, 5100, 420, ["aux"] * 2),  # violation 1: needs 3
        ],
    ),
    (
        "o-u2",
        "振中二警务室",
        [
            ("c03", "华兰社区", 3100, 8800, 260, ["aux"] * 4 + ["organ"]),
        ],
    ),
    (
        "o-u3",
        "振中三警务室",
        [
            ("c04", "新区社区", 1500, 4300, 90, ["aux"] * 2),
            ("c05", "科隆社区", 2600, 7900, 310, ["aux"] * 3),
        ],
    ),
    (
        "o-u4",
        "振中四警务室",
        [
            ("c06", "宝龙社区", 900, 2700, 60, ["aux"]),
            ("c07", "金穗社区", 2200, 6400, 580, ["aux"] * 3),
        ],
    ),
    (
        "o-u5",
        "振中五警务室",
        [
            ("c08", "创业社区", 1200, 3900, 150, ["aux"] * 2),
        ],
    ),
    (
        "o-u6",
        "振中六警务室",
        [
            ("c09", "和谐社区", 2800, 8200, 120, ["aux"] * 3),
            ("c10", "阳光社区", 1700, 4800, 240, ["aux"] * 2),
        ],
    ),
]

# office id, name, neighbouring community, villages
RURAL = [
    ("o-r1", "关堤一警务室", ("rc1", "关堤社区"), [f"v{i:02d}" for i in range(1, 8)]),
    ("o-r2", "关堤二警务室", ("rc2", "西营社区"), [f"v{i:02d}" for i in range(8, 15)]),
]
VILLAGE_NAMES = [
    "关堤村",
    "东营村",
    "西营村",
    "南营村",
    "北营村",
    "小店村",
    "大块村",
    "郑庄村",
    "王庄村",
    "李庄村",
    "杨庄村",
    "柳庄村",
    "张堤村",
    "前堤村",
]

# --- people ---------------------------------------------------------------------------------

# Community officers: id, name, party member, [(units, start, end)], squad leader.
COMMUNITY_OFFICERS: list[tuple[str, str, bool, list[str], str, str | None, bool]] = [
    ("co01", "王志强", True, ["c01"], "2012-04-01", None, True),
    ("co02", "李明", False, ["c02"], "2014-09-01", None, False),
    ("co03", "张卫东", True, ["c03"], "2011-07-01", None, True),
    ("co04", "赵红梅", True, ["c04"], "2013-05-01", None, True),
    ("co05", "孙磊", False, ["c05"], "2015-03-01", None, False),
    ("co06", "周建华", True, ["c06", "c07"], "2012-10-01", None, True),
    # rotated out after more than four years; co11 takes over c08 on 1 July
    ("co07", "吴刚", True, ["c08"], "2013-03-01", "2017-06-30", True),
    ("co11", "陈亮", True, ["c08"], "2017-07-01", None, True),
    ("co08", "郑国庆", True, ["c09", "c10"], "2014-01-01", None, True),
    (
        "co09",
        "冯海涛",
        True,
        ["v01", "v02", "v03", "v04", "v05", "v06", "v07", "rc1"],
        "2013-08-01",
        None,
        True,
    ),
    (
        "co10",
        "何军",
        False,
        ["v08", "v09", "v10", "v11", "v12", "v13", "v14", "rc2"],
        "2014-06-01",
        None,
        True,
    ),
]

# 包村民警: organ officers serving one village each, alongside their posts.
CONTACT_OFFICERS = [
    ("vc1", "马永刚", "v03", "2015-04-01", "dept-order"),
    ("vc2", "高峰", "v06", "2015-04-01", "dept-order"),
    ("vc3", "刘建国", "v10", "2016-01-01", "dept-crime"),
    ("vc4", "林晓东", "v13", "2016-01-01", "dept-crime"),
]

URBAN_OFFICER_KINDS = [
    "household_visit",
    "information_collection",
    "patrol",
    "population_registration",
    "dispute_screening",
    "publicity",
    "practical_service",
    "safety_inspection",
    "information_entry",
    "mediation",
    "special_population_service",
    "patrol_organisation",
    "petition_reception",
    "security_briefing",
    "opinion_survey",
    "fire_safety",
]
CONTACT_KINDS = [
    "opinion_survey",
    "household_visit",
    "dispute_screening",
    "publicity",
    "patrol_organisation",
    "suggestion_collection",
    "mediation",
    "practical_service",
    "safety_inspection",
    "publicity",
]
AUXILIARY_KINDS = [
    "patrol",
    "information_collection",
    "patrol",
    "mediation",
    "patrol",
    "practical_service",
    "patrol",
    "publicity",
]


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + dt.timedelta(n) for n in range((end - start).days + 1)]


def at(day: dt.date, hhmm: str) -> str:
    return f"{day.isoformat()} {hhmm}"


def build() -> dict[str, list[dict[str, Any]]]:
    units: list[dict[str, Any]] = [
        {"id": BUREAU, "type": "bureau", "name": "新乡市公安局南环分局"},
        {"id": "dept-order", "type": "department", "name": "治安大队", "parent": BUREAU},
        {"id": "dept-crime", "type": "department", "name": "刑警大队", "parent": BUREAU},
        {"id": STATION, "type": "station", "name": "高新派出所", "parent": BUREAU},
        {"id": URBAN_STREET, "type": "street", "name": "振中街道", "area": "urban"},
        {"id": RURAL_STREET, "type": "street", "name": "关堤乡", "area": "rural"},
    ]
    model_since = {"o-u1": "2016-11-30", "o-u3": "2017-06-30", "o-r1": "2017-11-20"}
    grids: list[tuple[str, str, str]] = []  # grid id, staffing, community
    for office, name, communities in URBAN:
        units.append(
            {
                "id": office,
                "type": "office",
                "name": name,
                "parent": STATION,
                "station": STATION,
                "street": URBAN_STREET,
                "area": "urban",
                "model_since": model_since.get(office),
            }
        )
        for cid, cname, households, population, rooms, staffing in communities:
            units.append(
                {
                    "id": cid,
                    "type": "locality",
                    "name": cname,
                    "category": "urban_community",
                    "area": "urban",
                    "parent": office,
                    "office": office,
                    "station": STATION,
                    "street": URBAN_STREET,
                    "population": population,
                    "households": households,
                    "rental_rooms": rooms,
                }
            )
            for n, who in enumerate(staffing, 1):
                gid = f"{cid}-g{n}"
                units.append(
                    {
                        "id": gid,
                        "type": "grid",
                        "name": f"{cname}第{n}网格",
                        "area": "urban",
                        "parent": cid,
                        "office": office,
                        "station": STATION,
                        "street": URBAN_STREET,
                    }
                )
                grids.append((gid, who, cid))
    villages: list[str] = []
    for office, name, (rc, rcname), vs in RURAL:
        units.append(
            {
                "id": office,
                "type": "office",
                "name": name,
                "parent": STATION,
                "station": STATION,
                "street": RURAL_STREET,
                "area": "rural",
                "model_since": model_since.get(office),
            }
        )
        units.append(
            {
                "id": rc,
                "type": "locality",
                "name": rcname,
                "category": "rural_community",
                "area": "rural",
                "parent": office,
                "office": office,
                "station": STATION,
                "street": RURAL_STREET,
                "population": 4200,
                "households": 1300,
                "rental_rooms": 40,
            }
        )
        for v in vs:
            i = int(v[1:])
            units.append(
                {
                    "id": v,
                    "type": "locality",
                    "name": VILLAGE_NAMES[i - 1],
                    "category": "village",
                    "area": "rural",
                    "parent": office,
                    "office": office,
                    "station": STATION,
                    "street": RURAL_STREET,
                    "population": 1500 + 137 * i,
                    "households": 420 + 41 * i,
                }
            )
            villages.append(v)

    people: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []

    def activity(person: str, unit: str, kind: str, start: str, end: str, **extra: Any) -> None:
        activities.append(
            {
                "id": f"act{len(activities) + 1:05d}",
                "person": person,
                "unit": unit,
                "kind": kind,
                "start": start,
                "end": end,
                "has_work_log": True,
                **extra,
            }
        )

    # community officers: two blocks every weekday (holidays included: 社区民警 stay on duty)
    # and every 调休 Saturday or Sunday, kinds in rotation so every duty comes round each month,
    # plus a monthly training session
    for pid, name, party, area, start, end, leader in COMMUNITY_OFFICERS:
        people.append({"id": pid, "name": name, "party_member": party, "home_unit": STATION})
        for n, unit in enumerate(area):
            assignments.append(
                {
                    "id": f"as-{pid}-{unit}",
                    "person": pid,
                    "unit": unit,
                    "role": "community_officer",
                    "start": start,
                    "end": end,
                    "employment": "full_time",
                    "registered": True,
                    "reported": True,
                    "filed": True,
                    "posts": "auxiliary_squad_leader" if leader and n == 0 else None,
                }
            )
        first = max(START, dt.date.fromisoformat(start))
        last = min(END, dt.date.fromisoformat(end)) if end else END
        turn = 0
        guided: set[int] = set()
        for day in days(first, last):
            if day.weekday() >= 5 and not chinese_calendar.is_workday(day):
                continue
            unit = area[(day.toordinal()) % len(area)]
            for begin, finish in (("08:30", "11:30"), ("14:30", "17:00")):
                kind = URBAN_OFFICER_KINDS[turn % len(URBAN_OFFICER_KINDS)]
                turn += 1
                visited = 6 if kind == "household_visit" else 0
                activity(
                    pid, unit, kind, at(day, begin), at(day, finish), households_visited=visited
                )
            if day.weekday() == 2 and day.month not in guided:  # first Wednesday
                guided.add(day.month)
                activity(pid, area[0], "guidance", at(day, "17:00"), at(day, "18:00"))

    # own-area case work, and one day of security duty at the 19th Party Congress's opening
    tasks += [
        {
            "id": "t01",
            "person": "co01",
            "kind": "case_investigation",
            "start": "2017-04-11",
            "end": "2017-04-12",
            "reason": "own_area_case",
            "unit": "c01",
        },
        {
            "id": "t02",
            "person": "co04",
            "kind": "case_investigation",
            "start": "2017-09-05",
            "end": "2017-09-05",
            "reason": "own_area_case",
            "unit": "c04",
        },
        {
            "id": "t03",
            "person": "co10",
            "kind": "case_investigation",
            "start": "2017-06-20",
            "end": "2017-06-21",
            "reason": "own_area_case",
            "unit": "v12",
        },
        {
            "id": "t04",
            "person": "co03",
            "kind": "non_community_work",
            "start": "2017-10-18",
            "end": "2017-10-18",
            "reason": "major_security_duty",
        },
        {
            "id": "t05",
            "person": "co08",
            "kind": "non_community_work",
            "start": "2017-10-18",
            "end": "2017-10-18",
            "reason": "major_security_duty",
        },
    ]

    # auxiliaries: one per grid (an organ officer in c03's fifth grid), one per village and
    # neighbouring community; a weekly evening patrol and monthly other auxiliary work
    aux_units = [
        (gid, f"2016-{3 + n % 7:02d}-01") for n, (gid, who, _) in enumerate(grids) if who == "aux"
    ]
    aux_units += [(v, f"2016-{9 + n % 4:02d}-01") for n, v in enumerate(villages)]
    aux_units += [("rc1", "2016-09-01"), ("rc2", "2016-09-01")]
    for n, (unit, start) in enumerate(aux_units, 1):
        pid = f"ax{n:02d}"
        people.append({"id": pid, "name": f"辅警{n:02d}", "home_unit": STATION})
        assignments.append(
            {
                "id": f"as-{pid}",
                "person": pid,
                "unit": unit,
                "role": "auxiliary",
                "start": start,
                "employment": "full_time",
            }
        )
        for week, day in enumerate(d for d in days(START, END) if d.weekday() == 3):
            activity(pid, unit, "patrol", at(day, "19:00"), at(day, "21:00"))
            if week % 4 == 1:
                kind = AUXILIARY_KINDS[(week // 4 + n) % len(AUXILIARY_KINDS)]
                activity(pid, unit, kind, at(day, "09:00"), at(day, "11:00"))
    for gid, who, _ in grids:
        if who == "organ":
            people.append(
                {"id": "org1", "name": "许文博", "home_unit": "dept-order", "party_member": True}
            )
            assignments.append(
                {
                    "id": "as-org1",
                    "person": "org1",
                    "unit": gid,
                    "role": "organ_officer",
                    "start": "2016-05-01",
                    "employment": "full_time",
                    "registered": True,
                }
            )
            for day in (d for d in days(START, END) if d.weekday() == 1):
                activity("org1", gid, "patrol", at(day, "19:00"), at(day, "21:00"))

    # 包村民警: two full days (8 hours) a month in the village, two activities each day
    for pid, name, village, start, home in CONTACT_OFFICERS:
        people.append({"id": pid, "name": name, "home_unit": home, "party_member": True})
        assignments.append(
            {
                "id": f"as-{pid}",
                "person": pid,
                "unit": village,
                "role": "village_contact_officer",
                "start": start,
                "employment": "part_time",
                "concurrent": True,
                "registered": True,
                "reported": True,
                "filed": True,
            }
        )
        turn = 0
        for month in range(1, 13):
            first = dt.date(YEAR, month, 1)
            last = (first.replace(day=28) + dt.timedelta(4)).replace(day=1) - dt.timedelta(1)
            workdays = [d for d in days(first, last) if chinese_calendar.is_workday(d)]
            visits = [workdays[3], workdays[13]]
            if pid == "vc3" and month == 8:
                visits = visits[:1]  # violation 2: the second visit was called off
            for day in visits:
                for begin, finish in (("08:30", "12:30"), ("13:30", "17:30")):  # 8 hours
                    kind = CONTACT_KINDS[turn % len(CONTACT_KINDS)]
                    turn += 1
                    activity(pid, village, kind, at(day, begin), at(day, finish))

    meetings = [
        {
            "id": f"m{q}",
            "kind": "party_committee_thematic",
            "unit": BUREAU,
            "date": d,
            "attendees": "co03;co09",
        }
        for q, d in enumerate(["2017-02-16", "2017-05-18", "2017-08-17", "2017-11-16"], 1)
    ]

    items = [
        "办公用房达标",
        "外观标识统一",
        "内部设施齐备",
        "警务公开上墙",
        "各类台帐规范",
        "警力配备到位",
        "联通公安网",
    ]
    offices = [o for o, _, _ in URBAN] + [o for o, _, _, _ in RURAL]
    checklists = [
        {
            "id": f"k-{o}-{when[5:7]}-{i}",
            "unit": o,
            "item": item,
            "present": True,
            "checked_on": when,
        }
        for when in ("2017-01-09", "2017-12-08")
        for o in offices
        for i, item in enumerate(items, 1)
    ]

    localities = [u for u in units if u["type"] == "locality"]
    surveys = []
    for n, u in enumerate(localities, 1):
        respondents = 60 + 10 * (n % 5)
        satisfied = respondents - (n % 4) - 1  # 91.7% to 98.6%
        surveys.append(
            {
                "id": f"sv{n:02d}",
                "unit": u["id"],
                "date": f"2017-11-{6 + n % 10:02d}",
                "respondents": respondents,
                "satisfied": satisfied,
            }
        )

    return {
        "units": units,
        "people": people,
        "assignments": assignments,
        "activities": activities,
        "tasks": tasks,
        "meetings": meetings,
        "checklists": checklists,
        "surveys": surveys,
    }


def render(tables: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Each table as CSV text (lists joined with ';', booleans as true/false, None empty)."""
    out = {}
    for name, rows in tables.items():
        fields: list[str] = []
        for row in rows:
            fields += [k for k in row if k not in fields]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(
                {
                    k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                    for k, v in row.items()
                }
            )
        out[f"{name}.csv"] = buf.getvalue()
    return out


def write(tables: dict[str, list[dict[str, Any]]]) -> None:
    OUT.mkdir(exist_ok=True)
    for name, text in render(tables).items():
        (OUT / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(build())
