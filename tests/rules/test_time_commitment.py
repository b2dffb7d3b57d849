"""time_commitment: hours and working days in the assigned units."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_rule, statuses

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"},
        {"id": "c2", "type": "locality", "category": "urban_community", "area": "urban"},
    ],
    "people": [{"id": "p1"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c1",
            "role": "community_officer",
            "start": "2020-01-01",
        }
    ],
}

WEEKLY = {
    "kind": "time_commitment",
    "subject": {"people": {"roles": ["community_officer"]}},
    "period": "week",
    "min_hours": 24,
}


def _visits(hours: list[float], unit: str = "c1", day: str = "2022-03-07") -> list[dict[str, Any]]:
    """One visit a day from 8:00, on ``day`` and the days after it (never overlapping)."""
    out = []
    first = dt.date.fromisoformat(day)
    for i, h in enumerate(hours):
        d = first + dt.timedelta(days=i)
        start = dt.datetime(d.year, d.month, d.day, 8)
        end = start + dt.timedelta(minutes=int(h * 60))
        out.append(
            {
                "id": f"v{i}",
                "person": "p1",
                "unit": unit,
                "kind": "household_visit",
                "start": start.isoformat(sep=" "),
                "end": end.isoformat(sep=" "),
            }
        )
    return out


def test_exactly_24_hours_passes(tmp_path: Path) -> None:
    tables = {**BASE, "activities": _visits([8, 8, 8])}
    found = run_rule(tmp_path, WEEKLY, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "pass"}
    assert found[0].measured == 24
    assert found[0].evidence == ("v0", "v1", "v2")


def test_one_minute_short_fails(tmp_path: Path) -> None:
    tables = {**BASE, "activities": _visits([8, 8, 8 - 1 / 60])}
    found = run_rule(tmp_path, WEEKLY, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "fail"}


def test_hours_outside_the_assigned_unit_do_not_count(tmp_path: Path) -> None:
    tables = {**BASE, "activities": _visits([8, 8, 8], unit="c2")}
    found = run_rule(tmp_path, WEEKLY, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "fail"}
    assert found[0].measured == 0


def test_partial_assignment_is_not_applicable(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "assignments": [{**BASE["assignments"][0], "start": "2022-03-09"}],
        "activities": [],
    }
    found = run_rule(tmp_path, WEEKLY, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "not_applicable"}


def test_working_days_follow_the_official_calendar(tmp_path: Path) -> None:
    # 2022-10-08 (Saturday) was an adjusted working day (调休); 2022-10-03 a public holiday.
    rule = {**WEEKLY, "period": "month", "min_hours": None, "min_working_days": 2}
    rule.pop("min_hours")
    acts = [
        *_visits([1], day="2022-10-03"),
        *[{**v, "id": "w1"} for v in _visits([1], day="2022-10-08")],
    ]
    found = run_rule(tmp_path, rule, {**BASE, "activities": acts}, "2022-10")
    assert statuses(found) == {("p1", "2022-10"): "fail"}
    assert found[0].measured == 1  # only the adjusted Saturday is a working day
    acts.append({**_visits([1], day="2022-10-10")[0], "id": "w2"})
    found = run_rule(tmp_path, rule, {**BASE, "activities": acts}, "2022-10")
    assert statuses(found) == {("p1", "2022-10"): "pass"}


def test_min_hours_per_day_goes_with_days_and_is_reported_at_its_key(tmp_path: Path) -> None:
    from gridpolicing import PolicyError
    from tests.helpers import make_policy

    rule = {"id": "r", **WEEKLY, "min_hours_per_day": 4}
    with pytest.raises(PolicyError) as caught:
        make_policy(tmp_path, [rule])
    [problem] = caught.value.problems
    assert problem.path == "rules[r].min_hours_per_day"
    assert problem.message.startswith("min_hours_per_day decides which days count")


def test_every_working_day_follows_the_calendar(tmp_path: Path) -> None:
    rule = {**WEEKLY, "min_hours": None, "min_working_days": "all"}
    # 2022-W13 (28 Mar - 3 Apr): Mon-Fri and Saturday 2 April, a 调休 working day: 6
    weekdays = {**BASE, "activities": _visits([2] * 5, day="2022-03-28")}
    found = run_rule(tmp_path, rule, weekdays, "2022-W13")
    assert statuses(found) == {("p1", "2022-W13"): "fail"}
    assert (found[0].measured, found[0].required) == (5, 6)
    with_saturday = {**BASE, "activities": _visits([2] * 6, day="2022-03-28")}
    assert statuses(run_rule(tmp_path, rule, with_saturday, "2022-W13")) == {
        ("p1", "2022-W13"): "pass"
    }
    # 2022-W14 (4-10 Apr): 4 and 5 April are the 清明 holiday, so Wed-Fri are all: 3
    wed_to_fri = {**BASE, "activities": _visits([2] * 3, day="2022-04-06")}
    found = run_rule(tmp_path, rule, wed_to_fri, "2022-W14")
    assert statuses(found) == {("p1", "2022-W14"): "pass"}
    assert found[0].required == 3


def test_every_working_day_asks_only_the_days_the_role_is_held(tmp_path: Path) -> None:
    rule = {**WEEKLY, "min_hours": None, "min_working_days": "all"}
    # 2022-W10 (7-13 March): assigned Mon-Wed, then again from Friday; Thursday is no one's
    split = [
        {**BASE["assignments"][0], "end": "2022-03-09"},
        {**BASE["assignments"][0], "id": "a2", "start": "2022-03-11"},
    ]
    worked = [v for i, v in enumerate(_visits([2] * 5, day="2022-03-07")) if i != 3]
    tables = {**BASE, "assignments": split, "activities": worked}
    found = run_rule(tmp_path, rule, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "pass"}
    assert (found[0].measured, found[0].required) == (4, 4)
    missed = {**tables, "activities": worked[:3]}  # Friday not worked
    found = run_rule(tmp_path, rule, missed, "2022-W10")
    assert (found[0].status.value, found[0].measured, found[0].required) == ("fail", 3, 4)


def test_a_week_of_holidays_asks_no_working_day_and_is_not_judged(tmp_path: Path) -> None:
    rule = {**WEEKLY, "min_hours": None, "min_working_days": "all"}
    # 2022-W05 (31 January - 6 February) is the Spring Festival holiday: no working day
    found = run_rule(tmp_path, rule, BASE, "2022-W05")
    assert (found[0].status.value, found[0].required) == ("not_applicable", 0)
    # 2022-W40 (3-9 October): the National Day holiday, but 8 and 9 October are 调休 working
    # days, so the week asks two and a week with no record fails
    found = run_rule(tmp_path, rule, BASE, "2022-W40")
    assert (found[0].status.value, found[0].required) == ("fail", 2)
