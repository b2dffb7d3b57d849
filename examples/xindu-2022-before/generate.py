"""Write the synthetic Xindu (新都) dataset before the 2022 reform as CSV tables under ``data/``.

The figures are the published ones (docs/sources/xindu-2022.md, encoded in
policies/chengdu-xindu-2022.yaml): 180 villages and communities (here under 12 stations) and the
bureau's 126 community officers (仅有126名基层社区民警); 54 villages have not got 一村一警
(辖区内有54个村(社区)没能落实“一村一警”). Each of the 126 officers serves exactly one village, so
126 + 54 = 180: the totals leave no officer with two villages and none without one. The station
director's 个别社区民警管理2个甚至3个村 is therefore not reproduced: an officer managing a second
village leaves at most 125 villages with an officer of their own, so more than 54 would fail
one-to-one (the old scenario's officers with 2 or 3 villages, and others with none, made it
78). The policy's tests show how such an officer is judged. Station split, names, ids, sizes
and dates are invented.

``python generate.py`` writes this folder's ``data/``; ``build(after=True)`` is the same deployment
after the reform (54 officers dispatched from departments, one to each uncovered village, with
April 2022 logged: village days, check-ins, council meetings and the station's and community's
evaluations), which ../xindu-2022-after/generate.py writes. Deterministic, standard library
only.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

Row = dict[str, Any]

STATIONS = 12
PER_STATION = 15  # 12 x 15 = 180 villages and communities
COMMUNITY_START = "2020-01-01"
DISPATCH_START = "2022-03-01"  # the reform was launched in February 2022
DEPARTMENTS = [
    ("xd-d-jd", "禁毒大队"),
    ("xd-d-jj", "交警大队"),
    ("xd-d-za", "治安大队"),
    ("xd-d-xz", "刑侦大队"),
    ("xd-d-jz", "经侦大队"),
    ("xd-d-wa", "网安大队"),
    ("xd-d-hz", "户政科"),
    ("xd-d-tj", "特警大队"),
    ("xd-d-fz", "法制大队"),
]

HEADERS = {
    "units": [
        "id",
        "type",
        "name",
        "parent",
        "station",
        "area",
        "category",
        "population",
        "households",
    ],
    "people": ["id", "name", "home_unit", "party_member"],
    "assignments": ["id", "person", "unit", "role", "start", "concurrent", "posts"],
    "activities": [
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
    "meetings": ["id", "kind", "unit", "date", "attendees"],
    "assessor_scores": ["id", "assessor", "assessor_unit", "person", "item", "date", "score"],
}


def uncovered_count(station: int) -> int:
    """Villages without an officer before the reform: 5 at stations 1-6, 4 at 7-12 (54)."""
    return 5 if station <= 6 else 4


def build(after: bool) -> dict[str, list[Row]]:
    """The tables of the deployment before (or after) the reform."""
    units: list[Row] = [{"id": "xd-bureau", "type": "bureau", "name": "新都区分局"}]
    for d, name in DEPARTMENTS:
        units.append({"id": d, "type": "department", "name": name, "parent": "xd-bureau"})
    people: list[Row] = []
    assignments: list[Row] = []
    uncovered: list[str] = []
    co = 0

    def community_officer(station_id: str, village: str) -> None:
        nonlocal co
        co += 1
        pid = f"xd-co{co:03d}"
        member = co % 4 != 0
        people.append(
            {
                "id": pid,
                "name": f"社区民警{co:03d}",
                "home_unit": station_id,
                "party_member": member,
            }
        )
        assignments.append(
            {
                "id": f"a-{pid}",
                "person": pid,
                "unit": village,
                "role": "community_officer",
                "start": COMMUNITY_START,
                "concurrent": False,
                "posts": ["deputy_party_secretary"] if member else [],
            }
        )

    for s in range(1, STATIONS + 1):
        sid = f"xd-st{s:02d}"
        units.append(
            {"id": sid, "type": "station", "name": f"示例派出所{s:02d}", "parent": "xd-bureau"}
        )
        villages = []
        for j in range(1, PER_STATION + 1):
            n = (s - 1) * PER_STATION + j
            if j <= 5:
                category, area, name = "urban_community", "urban", "社区"
                hh = 2000 + 97 * n % 900
            elif j <= 8:
                category, area, name = "rural_community", "rural", "农村社区"
                hh = 700 + 53 * n % 400
            else:
                category, area, name = "village", "rural", "村"
                hh = 400 + 37 * n % 500
            vid = f"xd-v{n:03d}"
            villages.append(vid)
            units.append(
                {
                    "id": vid,
                    "type": "locality",
                    "name": f"示例{name}{n:03d}",
                    "category": category,
                    "area": area,
                    "station": sid,
                    "parent": sid,
                    "households": hh,
                    "population": hh * 3,
                }
            )
        gap = uncovered_count(s)
        covered, missing = villages[:-gap], villages[-gap:]
        uncovered.extend(missing)
        for v in covered:
            community_officer(sid, v)
    assert co == 126, co
    assert len(uncovered) == 54, len(uncovered)

    activities: list[Row] = []
    meetings: list[Row] = []
    scores: list[Row] = []
    if after:
        for i, village in enumerate(uncovered, 1):
            pid = f"xd-dp{i:02d}"
            member = i % 4 != 0
            people.append(
                {
                    "id": pid,
                    "name": f"派驻民警{i:02d}",
                    "home_unit": DEPARTMENTS[(i - 1) % len(DEPARTMENTS)][0],
                    "party_member": member,
                }
            )
            assignments.append(
                {
                    "id": f"a-{pid}",
                    "person": pid,
                    "unit": village,
                    "role": "dispatched_officer",
                    "start": DISPATCH_START,
                    "concurrent": True,
                    "posts": ["deputy_party_secretary" if member else "director_assistant"],
                }
            )
            log_april(activities, pid, village, offset=1 + i % 3, check_ins=2 + i % 3)
            meetings.append(
                {
                    "id": f"mtg-{i:02d}",
                    "kind": "village_council",
                    "unit": village,
                    "date": str(dt.date(2022, 4, 20) + dt.timedelta(days=i % 5)),
                    "attendees": [pid],
                }
            )
            # 派出所、社区双评价: the station and the village committee each score the officer,
            # the same 40 of 50 everywhere, so the check-ins alone set the ranking apart
            station = next(u["station"] for u in units if u["id"] == village)
            for assessor, unit in (("station", station), ("community", village)):
                scores.append(
                    {
                        "id": f"ev-{pid}-{assessor}",
                        "assessor": assessor,
                        "assessor_unit": unit,
                        "person": pid,
                        "item": "dual-evaluation",
                        "date": "2022-04-28",
                        "score": 40,
                    }
                )
    return {
        "units": units,
        "people": people,
        "assignments": assignments,
        "activities": activities,
        "meetings": meetings,
        "assessor_scores": scores,
    }


# One village day a week in April 2022; across the month every one of the six roles is done.
_WEEKS = [
    [
        ("household_visit", "09:00", "11:00"),
        ("suggestion_collection", "11:00", "11:30"),
        ("security_briefing", "14:00", "14:30"),
        ("dispute_screening", "14:30", "16:00"),
    ],
    [
        ("household_visit", "09:00", "11:00"),
        ("publicity", "14:00", "15:00"),
        ("safety_inspection", "15:00", "17:00"),
    ],
    [
        ("opinion_survey", "09:00", "11:00"),
        ("mediation", "14:00", "15:30"),
        ("patrol_organisation", "19:00", "21:00"),
    ],
    [
        ("household_visit", "09:00", "11:00"),
        ("practical_service", "14:00", "15:00"),
        ("fire_safety", "15:00", "16:30"),
    ],
]


def log_april(
    activities: list[Row], person: str, village: str, offset: int, check_ins: int
) -> None:
    """The dispatched officer's four village days of April 2022 (Tuesday to Thursday).

    The officer checks in (钉钉打卡) at the village's point on the first ``check_ins`` of those
    days, so the monthly scheme's check-in item differs between officers (2, 3 or 4 check-ins:
    10, 15 or 20 example points) and equal totals show shared ranks.
    """
    for w, kinds in enumerate(_WEEKS):
        day = dt.date(2022, 4, 4) + dt.timedelta(weeks=w, days=offset)
        if w < check_ins:
            kinds = [("check_in", "08:30", "08:35"), *kinds]
        for kind, start, end in kinds:
            activities.append(
                {
                    "id": f"act-{len(activities) + 1:04d}",
                    "person": person,
                    "unit": village,
                    "kind": kind,
                    "start": f"{day} {start}",
                    "end": f"{day} {end}",
                    "households_visited": 6 if kind == "household_visit" else "",
                    "services_done": 1 if kind == "practical_service" else "",
                    "has_work_log": True,
                    "has_photo": kind == "household_visit",
                }
            )


def write(folder: Path, tables: dict[str, list[Row]]) -> None:
    """Each non-empty table as ``folder/<table>.csv``; booleans true/false, lists ';'-joined."""
    folder.mkdir(exist_ok=True)
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        if not rows:
            path.unlink(missing_ok=True)
            continue
        header = HEADERS[name]
        with path.open("w", encoding="utf-8", newline="") as f:
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


if __name__ == "__main__":
    write(Path(__file__).resolve().parent / "data", build(after=False))
