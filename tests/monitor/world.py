"""Shared fixtures of the monitor tests: a policy using every watched rule kind, small worlds."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from gridpolicing import Policy
from gridpolicing.monitor import Alert, Monitor
from tests.helpers import make_dataset, make_policy


def _have_durable() -> bool:
    try:
        importlib.import_module("durable.engine")
    except Exception:  # absent, or built for another Python (3.13: undefined symbols)
        return False
    return True


HAVE_DURABLE = _have_durable()

ENGINES = [
    "native",
    pytest.param(
        "durable",
        marks=pytest.mark.skipif(
            not HAVE_DURABLE,
            reason="durable_rules cannot be imported (optional extra gridpolicing[durable], "
            "Python < 3.13)",
        ),
    ),
]

PEOPLE = ["p1", "p2", "p3", "p4"]
UNITS = [
    {"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"},
    {"id": "v1", "type": "locality", "category": "village", "area": "rural"},
    {"id": "v2", "type": "locality", "category": "village", "area": "rural"},
]
CO = {"people": {"roles": ["community_officer"]}}
VCO = {"people": {"roles": ["village_contact_officer"]}}
BOTH = {"people": {"roles": ["community_officer", "village_contact_officer"]}}
LOCALITIES = {"units": {"type": "locality"}}

RULES: list[dict[str, Any]] = [
    {"id": "tc-hours", "kind": "time_commitment", "subject": CO, "period": "week", "min_hours": 6},
    {
        "id": "tc-working-days",
        "kind": "time_commitment",
        "subject": VCO,
        "period": "month",
        "min_working_days": 3,
    },
    {
        "id": "tc-days-of-kinds",
        "kind": "time_commitment",
        "subject": BOTH,
        "period": "week",
        "min_days": 2,
        "activity_kinds": ["household_visit", "patrol"],
    },
    {
        "id": "tc-dated",
        "kind": "time_commitment",
        "subject": CO,
        "period": "month",
        "min_hours": {"values": {"2021-01-01": 3, "2022-02-01": None}},
    },
    {
        "id": "cad-screening",
        "kind": "cadence",
        "subject": VCO,
        "period": "week",
        "count": {"activities": ["dispute_screening"]},
        "min_count": 1,
    },
    {
        "id": "cad-council",
        "kind": "cadence",
        "subject": BOTH,
        "period": "month",
        "count": {"meetings": ["village_council"]},
        "min_count": 1,
    },
    {
        "id": "cad-reports",
        "kind": "cadence",
        "subject": VCO,
        "period": "month",
        "count": {"reports": ["work_report"]},
        "min_count": 1,
    },
    {
        "id": "cad-unit-sensitive",
        "kind": "cadence",
        "subject": LOCALITIES,
        "period": "week",
        "count": {"activities": ["household_visit", "patrol", "dispute_screening"]},
        "min_count": 2,
        "sensitive_daily": True,
    },
    {
        "id": "cad-unit-meetings",
        "kind": "cadence",
        "subject": {"units": {"type": "locality", "category": ["village"]}},
        "period": "month",
        "count": {"meetings": ["village_council"]},
        "min_count": 1,
        "effective_from": "2022-02-01",
    },
    {
        "id": "cad-unit-reports",
        "kind": "cadence",
        "subject": LOCALITIES,
        "period": "month",
        "count": {"reports": ["work_report"]},
        "min_count": 1,
    },
    {
        "id": "vq-day",
        "kind": "visit_quality",
        "subject": VCO,
        "period": "month",
        "min_households": 3,
        "min_services": 1,
        "require_work_log": True,
        "require_photo": True,
    },
    {
        "id": "vq-activity-units",
        "kind": "visit_quality",
        "subject": LOCALITIES,
        "period": "week",
        "per": "activity",
        "activity_kinds": ["household_visit"],
        "require_photo": True,
    },
    {
        "id": "vq-dated",
        "kind": "visit_quality",
        "subject": CO,
        "period": "month",
        "min_households": {"values": {"2022-01-01": 2, "2022-02-01": None}},
    },
    {
        "id": "pr-tasks",
        "kind": "prohibition",
        "subject": CO,
        "period": "month",
        "forbidden": {"tasks": ["crime_fighting_quota", "surprise_operation"]},
        "exempt_reasons": ["disaster_relief"],
    },
    {
        "id": "pr-activities",
        "kind": "prohibition",
        "subject": VCO,
        "period": "week",
        "forbidden": {"activities": ["case_assistance"]},
    },
    {
        "id": "pr-incidents",
        "kind": "prohibition",
        "subject": BOTH,
        "period": "month",
        "forbidden": {"incidents": ["accepted_hospitality"]},
    },
    # measure rules with an event form: watched from their core measure, as the presets are
    {
        "id": "m-hours",
        "kind": "measure",
        "subject": CO,
        "period": "week",
        "measure": {"hours": {}},
        "at_least": 6,
    },
    {
        "id": "m-working-days-of-kinds",
        "kind": "measure",
        "subject": BOTH,
        "period": "month",
        "measure": {"working_days": {"activities": ["household_visit", "patrol"]}},
        "at_least": {"values": {"2021-01-01": 2, "2022-02-01": 3}},
    },
    {
        "id": "m-unit-visits",
        "kind": "measure",
        "subject": LOCALITIES,
        "period": "week",
        "measure": {"count": {"records": {"activities": ["household_visit", "patrol"]}}},
        "at_least": 2,
    },
    {
        "id": "m-council",
        "kind": "measure",
        "subject": BOTH,
        "period": "month",
        "measure": {"count": {"records": {"meetings": ["village_council"]}}},
        "at_least": 1,
    },
    {
        "id": "m-unit-reports",
        "kind": "measure",
        "subject": LOCALITIES,
        "period": "month",
        "measure": {"count": {"records": {"reports": ["work_report"]}}},
        "at_least": 1,
    },
]

FIRST, LAST = dt.date(2021, 12, 20), dt.date(2022, 3, 5)
SPAN = (LAST - FIRST).days
PERIOD = "2022-01-01..2022-02-28"
START, END = dt.datetime(2022, 1, 1), dt.datetime(2022, 3, 1)


def _day(offset: int) -> str:
    return (FIRST + dt.timedelta(days=offset)).isoformat()


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A small deployment with records of every kind the watched rules read."""
    people = st.sampled_from(PEOPLE)
    units = st.sampled_from([u["id"] for u in UNITS])
    days = st.integers(0, SPAN)
    assignments = []
    for i, (person, unit, role, first, length) in enumerate(
        draw(
            st.lists(
                st.tuples(
                    people,
                    units,
                    st.sampled_from(["community_officer", "village_contact_officer"]),
                    st.integers(0, 45),
                    st.none() | st.integers(0, 60),
                ),
                min_size=1,
                max_size=6,
            )
        )
    ):
        a = {"id": f"a{i}", "person": person, "unit": unit, "role": role, "start": _day(first)}
        if length is not None:
            a["end"] = _day(first + length)
        assignments.append(a)
    activities = []
    kinds = ["household_visit", "dispute_screening", "patrol", "case_assistance", "publicity"]
    for i, (person, unit, kind, day, hour, quarters, hh, sv, log, photo) in enumerate(
        draw(
            st.lists(
                st.tuples(
                    people,
                    units,
                    st.sampled_from(kinds),
                    days,
                    st.integers(6, 21),
                    st.integers(0, 40),
                    st.integers(0, 5),
                    st.integers(0, 2),
                    st.booleans(),
                    st.booleans(),
                ),
                max_size=45,
            )
        )
    ):
        start = dt.datetime.combine(FIRST + dt.timedelta(days=day), dt.time(hour))
        activities.append(
            {
                "id": f"x{i:02d}",
                "person": person,
                "unit": unit,
                "kind": kind,
                "start": start,
                "end": start + dt.timedelta(minutes=15 * quarters),
                "households_visited": hh,
                "services_done": sv,
                "has_work_log": log,
                "has_photo": photo,
            }
        )
    meetings = [
        {"id": f"m{i}", "kind": "village_council", "unit": u, "date": _day(d), "attendees": a}
        for i, (u, d, a) in enumerate(
            draw(st.lists(st.tuples(units, days, st.lists(people, max_size=3)), max_size=6))
        )
    ]
    reports = [
        {"id": f"r{i}", "kind": "work_report", "author": p, "recipient": u, "date": _day(d)}
        for i, (p, u, d) in enumerate(draw(st.lists(st.tuples(people, units, days), max_size=6)))
    ]
    tasks = [
        {
            "id": f"t{i}",
            "person": p,
            "kind": k,
            "start": _day(d),
            "end": _day(d + n),
            "reason": r,
        }
        for i, (p, k, d, n, r) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        people,
                        st.sampled_from(["crime_fighting_quota", "surprise_operation"]),
                        days,
                        st.integers(0, 40),
                        st.sampled_from(["routine", "disaster_relief"]),
                    ),
                    max_size=4,
                )
            )
        )
    ]
    incidents = [
        {"id": f"i{i}", "person": p, "kind": "accepted_hospitality", "date": _day(d)}
        for i, (p, d) in enumerate(draw(st.lists(st.tuples(people, days), max_size=3)))
    ]
    sensitive = [
        {"id": f"s{i}", "start": _day(d), "end": _day(d + n)}
        for i, (d, n) in enumerate(draw(st.lists(st.tuples(days, st.integers(0, 3)), max_size=2)))
    ]
    return {
        "units": UNITS,
        "people": [{"id": p} for p in PEOPLE],
        "assignments": assignments,
        "activities": activities,
        "meetings": meetings,
        "reports": reports,
        "tasks": tasks,
        "incidents": incidents,
        "sensitive_periods": sensitive,
    }


def load_world(tmp: Path, tables: dict[str, list[dict[str, Any]]]) -> Any:
    data = make_dataset(tmp, tables)
    assert not data.rejected, [str(r) for r in data.rejected]
    return data


def policy_of(tmp: Path, rules: list[dict[str, Any]]) -> Policy:
    return make_policy(tmp, rules)


def collecting(
    policy: Policy, data: Any, engine: str, **kwargs: Any
) -> tuple[Monitor, list[Alert]]:
    """A monitor whose alerts land in the returned list."""
    got: list[Alert] = []
    on_alert: Callable[[Alert], None] = got.append
    return Monitor(policy, data, engine=engine, on_alert=on_alert, **kwargs), got
