"""Write the synthetic Xinjin (新津) dataset of this scenario as CSV tables under ``data/``.

The structure follows the 2022 article encoded in policies/chengdu-xinjin-2022.yaml: 81 villages
and communities under 8 stations; 34 community officers, 15 party-member officers serving
concurrently as community officers, 32 village contact officers (包村民警) sent from the bureau's
departments and 81 auxiliaries, so that every village has exactly one officer and one auxiliary.
Names, ids, sizes and dates are invented. March 2022 is logged as the scheme asks, with one lapse:
on the village day of ISO week 2022-W11, village contact officer xj-vc07 visits only 4 households.

Deterministic and standard-library only: ``python generate.py`` rewrites ``data/`` identically.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "data"
START = "2021-11-01"  # assignments start before the evaluated month (invented date)
MONTH_START, MONTH_END = dt.date(2022, 3, 1), dt.date(2022, 3, 31)
LAPSE_OFFICER, LAPSE_WEEK = "xj-vc07", 2  # the week of Monday 2022-03-14 (ISO week 11)

DEPARTMENTS = [
    ("xj-d-xz", "刑侦大队"),
    ("xj-d-za", "治安大队"),
    ("xj-d-jj", "交警大队"),
    ("xj-d-jd", "禁毒大队"),
    ("xj-d-jz", "经侦大队"),
    ("xj-d-wa", "网安大队"),
    ("xj-d-tj", "特警大队"),
    ("xj-d-qz", "情指中心"),
]


def write(name: str, header: list[str], rows: list[dict[str, Any]]) -> None:
    """One ``<name>.csv``; booleans as true/false, lists joined with ';'."""
    with (OUT / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for row in rows:
            out = {}
            for k in header:
                v = row.get(k, "")
                if isinstance(v, bool):
                    v = "true" if v else "false"
                elif isinstance(v, list):
                    v = ";".join(v)
                out[k] = v
            w.writerow(out)


def main() -> None:
    rng = random.Random(2022)
    OUT.mkdir(exist_ok=True)

    # --- units: bureau, 8 stations, 8 departments, 81 villages/communities ---------------------
    units: list[dict[str, Any]] = [{"id": "xj-bureau", "type": "bureau", "name": "新津区分局"}]
    stations = [f"xj-st{i}" for i in range(1, 9)]
    for i, s in enumerate(stations, 1):
        units.append({"id": s, "type": "station", "name": f"示例派出所{i}", "parent": "xj-bureau"})
    for d, name in DEPARTMENTS:
        units.append({"id": d, "type": "department", "name": name, "parent": "xj-bureau"})
    localities = []
    for i in range(1, 82):
        station = stations[(i - 1) % 8]
        if i <= 11:
            category, area, name = "urban_community", "urban", f"示例社区{i:02d}"
        elif i <= 31:
            category, area, name = "rural_community", "rural", f"示例农村社区{i:02d}"
        else:
            category, area, name = "village", "rural", f"示例村{i:02d}"
        households = rng.randrange(600, 3000) if area == "urban" else rng.randrange(300, 1200)
        uid = f"xj-v{i:02d}"
        localities.append(uid)
        units.append(
            {
                "id": uid,
                "type": "locality",
                "name": name,
                "category": category,
                "area": area,
                "station": station,
                "parent": station,
                "households": households,
                "population": households * 3,
            }
        )
    station_of: dict[str, str] = {u["id"]: u.get("station", "") for u in units}

    # --- officers: one per village, shuffled over the villages ---------------------------------
    slots = ["co"] * 34 + ["cc"] * 15 + ["vc"] * 32
    rng.shuffle(slots)
    people: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    counters = {"co": 0, "cc": 0, "vc": 0}
    officer_of: dict[str, tuple[str, str]] = {}  # village -> (person, kind)
    for village, kind in zip(localities, slots, strict=True):
        counters[kind] += 1
        n = counters[kind]
        pid = f"xj-{kind}{n:02d}"
        if kind == "vc":
            home = DEPARTMENTS[(n - 1) % len(DEPARTMENTS)][0]
            member = True  # 32名……党员民警
            role, concurrent = "village_contact_officer", True
        elif kind == "cc":
            home, member = station_of[village], True  # 15名党员民警兼任社区民警
            role, concurrent = "community_officer", True
        else:
            home, member = station_of[village], n % 5 != 0  # a few community officers are not
            role, concurrent = "community_officer", False
        people.append(
            {"id": pid, "name": f"民警{pid[3:]}", "home_unit": home, "party_member": member}
        )
        assignments.append(
            {
                "id": f"a-{pid}",
                "person": pid,
                "unit": village,
                "role": role,
                "start": START,
                "concurrent": concurrent,
                "posts": ["deputy_party_secretary"] if member else [],
            }
        )
        officer_of[village] = (pid, kind)
    for i, village in enumerate(localities, 1):
        pid = f"xj-ax{i:02d}"
        people.append(
            {
                "id": pid,
                "name": f"辅警{i:02d}",
                "home_unit": station_of[village],
                "party_member": False,
            }
        )
        assignments.append(
            {"id": f"a-{pid}", "person": pid, "unit": village, "role": "auxiliary", "start": START}
        )

    # --- March 2022: one village day a week for every officer ---------------------------------
    activities: list[dict[str, Any]] = []

    def log(
        person: str, unit: str, kind: str, day: dt.date, start: str, end: str, **extra: Any
    ) -> None:
        activities.append(
            {
                "id": f"act-{len(activities) + 1:05d}",
                "person": person,
                "unit": unit,
                "kind": kind,
                "start": f"{day} {start}",
                "end": f"{day} {end}",
                "has_work_log": True,
                **extra,
            }
        )

    mondays = [dt.date(2022, 2, 28) + dt.timedelta(weeks=k) for k in range(5)]
    for v_index, village in enumerate(localities):
        pid, kind = officer_of[village]
        aux = f"xj-ax{v_index + 1:02d}"
        offset = 1 + v_index % 3  # Tuesday, Wednesday or Thursday
        for w, monday in enumerate(mondays):
            day = monday + dt.timedelta(days=offset)
            if not MONTH_START <= day <= MONTH_END:
                continue
            log(aux, village, "patrol", day, "20:00", "21:30")
            if kind != "vc":
                log(
                    pid,
                    village,
                    "household_visit",
                    day,
                    "09:00",
                    "11:00",
                    households_visited=rng.randrange(3, 9),
                    has_photo=True,
                )
                continue
            lapse = pid == LAPSE_OFFICER and w == LAPSE_WEEK
            log(
                pid,
                village,
                "household_visit",
                day,
                "09:00",
                "11:00",
                households_visited=4 if lapse else 5 + rng.randrange(0, 4),
                has_photo=True,
            )
            log(pid, village, "dispute_screening", day, "11:00", "11:30")
            log(pid, village, "practical_service", day, "14:00", "15:00", services_done=1)
            log(pid, village, "security_briefing", day, "15:00", "15:30")
            log(pid, village, "publicity", day, "15:30", "16:30")
            log(pid, village, "patrol_organisation", day, "19:00", "20:00")
            if w == 1:
                log(pid, village, "opinion_survey", day, "16:30", "17:30")
            if w == 2:
                log(pid, village, "information_entry", day, "16:30", "17:30")

    # --- monthly village councils and the reports ---------------------------------------------
    meetings: list[dict[str, Any]] = []
    for v_index, village in enumerate(localities):
        pid, _ = officer_of[village]
        meetings.append(
            {
                "id": f"mtg-{v_index + 1:02d}",
                "kind": "village_council",
                "unit": village,
                "date": str(dt.date(2022, 3, 24) + dt.timedelta(days=v_index % 4)),
                "attendees": [pid, f"xj-ax{v_index + 1:02d}"],
            }
        )
    reports: list[dict[str, Any]] = []
    fridays = [dt.date(2022, 3, 4) + dt.timedelta(weeks=k) for k in range(4)]
    for a in assignments:
        person, village = str(a["person"]), str(a["unit"])
        for friday in fridays:
            reports.append(
                {
                    "id": f"rep-{len(reports) + 1:05d}",
                    "kind": "work_report",
                    "author": person,
                    "recipient": station_of[village],
                    "date": str(friday),
                }
            )
        if a["role"] == "village_contact_officer":
            home = next(p["home_unit"] for p in people if p["id"] == person)
            reports.append(
                {
                    "id": f"rep-{len(reports) + 1:05d}",
                    "kind": "village_work_report",
                    "author": person,
                    "recipient": home,
                    "date": "2022-03-31",
                }
            )

    write(
        "units",
        ["id", "type", "name", "parent", "station", "area", "category", "population", "households"],
        units,
    )
    write("people", ["id", "name", "home_unit", "party_member"], people)
    write(
        "assignments", ["id", "person", "unit", "role", "start", "concurrent", "posts"], assignments
    )
    write(
        "activities",
        [
            "id",
            "person",
            "unit",
            "kind",
            "start",
            "end",
            "households_visited",
            "services_done",
            "has_work_log",
            "has_photo",
        ],
        activities,
    )
    write("meetings", ["id", "kind", "unit", "date", "attendees"], meetings)
    write("reports", ["id", "kind", "author", "recipient", "date"], reports)


if __name__ == "__main__":
    main()
