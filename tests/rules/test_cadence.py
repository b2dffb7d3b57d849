"""cadence: activities, meetings and reports per period, with daily records on sensitive days."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import run_rule, statuses

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"id": "s1", "type": "station"},
        {"id": "v1", "type": "locality", "category": "village", "area": "rural"},
        {"id": "v2", "type": "locality", "category": "village", "area": "rural"},
        {"id": "b1", "type": "bureau"},
    ],
    "people": [{"id": "p1"}, {"id": "p2"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "v1",
            "role": "village_contact_officer",
            "start": "2020-01-01",
        }
    ],
}

SENSITIVE = [{"id": "sp", "start": "2022-03-08", "end": "2022-03-09"}]

SCREENING = {
    "kind": "cadence",
    "subject": {"people": {"roles": ["village_contact_officer"]}},
    "period": "week",
    "count": {"activities": ["dispute_screening"]},
    "min_count": 1,
}


def _acts(
    days: list[str], unit: str = "v1", kind: str = "dispute_screening"
) -> list[dict[str, Any]]:
    return [
        {
            "id": f"x{i}",
            "person": "p1",
            "unit": unit,
            "kind": kind,
            "start": f"{d} 09:00:00",
            "end": f"{d} 10:00:00",
        }
        for i, d in enumerate(days)
    ]


def test_one_screening_a_week_passes_none_fails(tmp_path: Path) -> None:
    found = run_rule(tmp_path, SCREENING, {**BASE, "activities": []}, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "fail"}
    assert (found[0].measured, found[0].required) == (0, 1)
    found = run_rule(tmp_path, SCREENING, {**BASE, "activities": _acts(["2022-03-13"])}, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "pass"}
    assert found[0].evidence == ("x0",)


def test_semi_monthly_as_two_a_month_boundary(tmp_path: Path) -> None:
    rule = {**SCREENING, "period": "month", "min_count": 2}
    one = run_rule(tmp_path, rule, {**BASE, "activities": _acts(["2022-03-01"])}, "2022-03")
    assert statuses(one) == {("p1", "2022-03"): "fail"}
    two = run_rule(
        tmp_path, rule, {**BASE, "activities": _acts(["2022-03-01", "2022-03-16"])}, "2022-03"
    )
    assert statuses(two) == {("p1", "2022-03"): "pass"}
    assert two[0].measured == 2


def test_other_units_and_kinds_do_not_count(tmp_path: Path) -> None:
    acts = [
        *_acts(["2022-03-08"], unit="v2"),
        *[{**a, "id": "y0"} for a in _acts(["2022-03-08"], kind="patrol")],
    ]
    found = run_rule(tmp_path, SCREENING, {**BASE, "activities": acts}, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "fail"}
    assert found[0].measured == 0


def test_sensitive_day_without_screening_fails_the_week(tmp_path: Path) -> None:
    rule = {**SCREENING, "sensitive_daily": True}
    tables = {
        **BASE,
        "sensitive_periods": SENSITIVE,
        "activities": _acts(["2022-03-07", "2022-03-08", "2022-03-08"]),
    }
    found = run_rule(tmp_path, rule, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "fail"}
    assert found[0].measured == 3  # the weekly count is met ...
    assert found[0].detail == "2022-03-09"  # ... but the second sensitive day has no screening
    tables["activities"] = _acts(["2022-03-07", "2022-03-08", "2022-03-09"])
    found = run_rule(tmp_path, rule, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "pass"}
    assert found[0].detail is None


def test_sensitive_days_ignored_without_the_flag(tmp_path: Path) -> None:
    tables = {**BASE, "sensitive_periods": SENSITIVE, "activities": _acts(["2022-03-07"])}
    found = run_rule(tmp_path, SCREENING, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "pass"}


def test_partial_assignment_is_not_applicable(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "assignments": [{**BASE["assignments"][0], "start": "2022-03-09"}],
        "activities": [],
    }
    found = run_rule(tmp_path, SCREENING, tables, "2022-W10")
    assert statuses(found) == {("p1", "2022-W10"): "not_applicable"}


def test_bureau_party_committee_meetings_per_quarter(tmp_path: Path) -> None:
    rule = {
        "kind": "cadence",
        "subject": {"units": {"type": "bureau"}},
        "period": "quarter",
        "count": {"meetings": ["party_committee_thematic"]},
        "min_count": 1,
    }
    other = {"id": "m0", "kind": "weekly_briefing", "unit": "b1", "date": "2022-02-01"}
    found = run_rule(tmp_path, rule, {**BASE, "meetings": [other]}, "2022-Q1")
    assert statuses(found) == {("b1", "2022-Q1"): "fail"}
    held = {"id": "m1", "kind": "party_committee_thematic", "unit": "b1", "date": "2022-03-31"}
    found = run_rule(tmp_path, rule, {**BASE, "meetings": [other, held]}, "2022-Q1")
    assert statuses(found) == {("b1", "2022-Q1"): "pass"}
    assert found[0].evidence == ("m1",)


def test_meetings_attended_by_a_person(tmp_path: Path) -> None:
    rule = {**SCREENING, "period": "month", "count": {"meetings": ["village_council"]}}
    meeting = {
        "id": "m1",
        "kind": "village_council",
        "unit": "v1",
        "date": "2022-03-20",
        "attendees": ["p2"],
    }
    found = run_rule(tmp_path, rule, {**BASE, "meetings": [meeting]}, "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    meeting["attendees"] = ["p2", "p1"]
    found = run_rule(tmp_path, rule, {**BASE, "meetings": [meeting]}, "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}


def test_reports_authored_and_received(tmp_path: Path) -> None:
    report = {
        "id": "r1",
        "kind": "summary",
        "author": "p1",
        "recipient": "s1",
        "date": "2022-06-30",
    }
    by_person = {**SCREENING, "period": "half_year", "count": {"reports": ["summary"]}}
    found = run_rule(tmp_path, by_person, {**BASE, "reports": [report]}, "2022")
    assert statuses(found) == {("p1", "2022-H1"): "pass", ("p1", "2022-H2"): "fail"}
    to_station = {**by_person, "subject": {"units": {"type": "station"}}}
    found = run_rule(tmp_path, to_station, {**BASE, "reports": [report]}, "2022-H1")
    assert statuses(found) == {("s1", "2022-H1"): "pass"}


def test_reports_to_named_recipients_only(tmp_path: Path) -> None:
    def report(rid: str, to: str) -> dict[str, Any]:
        return {"id": rid, "kind": "summary", "author": "p1", "recipient": to, "date": "2022-06-30"}

    rule = {
        **SCREENING,
        "period": "half_year",
        "count": {"reports": ["summary"], "to": [{"type": "station"}]},
    }
    to_bureau = run_rule(tmp_path, rule, {**BASE, "reports": [report("r1", "b1")]}, "2022-H1")
    assert statuses(to_bureau) == {("p1", "2022-H1"): "fail"}  # a report, but not to the station
    both = {**BASE, "reports": [report("r1", "b1"), report("r2", "s1")]}
    found = run_rule(tmp_path, rule, both, "2022-H1")
    assert statuses(found) == {("p1", "2022-H1"): "pass"}
    assert found[0].evidence == ("r2",)
    either = {**rule, "count": {**rule["count"], "to": [{"type": "station"}, {"type": "bureau"}]}}
    found = run_rule(tmp_path, either, both, "2022-H1")
    assert found[0].measured == 2


def test_dated_minimum(tmp_path: Path) -> None:
    rule = {**SCREENING, "min_count": {"values": {"2022-01-01": 1, "2022-03-14": 2}}}
    found = run_rule(
        tmp_path,
        rule,
        {**BASE, "activities": _acts(["2022-03-07", "2022-03-14"])},
        "2022-03-07..2022-03-20",
    )
    assert statuses(found) == {("p1", "2022-W10"): "pass", ("p1", "2022-W11"): "fail"}


@settings(max_examples=15, deadline=None)
@given(days=st.lists(st.integers(0, 6), max_size=6), minimum=st.integers(1, 4), seed=st.integers())
def test_count_is_order_independent_and_monotone(days: list[int], minimum: int, seed: int) -> None:
    dates = [f"2022-03-{7 + d:02d}" for d in days]
    acts = _acts(dates)
    random.Random(seed).shuffle(acts)
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(
            Path(tmp), {**SCREENING, "min_count": minimum}, {**BASE, "activities": acts}, "2022-W10"
        )
    assert found[0].measured == len(days)
    assert found[0].status.value == ("pass" if len(days) >= minimum else "fail")
    assert found[0].evidence == tuple(sorted(a["id"] for a in acts))
