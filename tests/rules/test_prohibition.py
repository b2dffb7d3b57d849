"""prohibition: forbidden tasks, activities and incidents of a role, with named exemptions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing.rules.prohibition import ProhibitionRule
from tests.helpers import run_rule, statuses

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [{"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"}],
    "people": [{"id": "p1"}, {"id": "p2"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c1",
            "role": "community_officer",
            "start": "2020-01-01",
        },
        {"id": "a2", "person": "p2", "unit": "c1", "role": "auxiliary", "start": "2020-01-01"},
    ],
}

NO_QUOTA = {
    "kind": "prohibition",
    "subject": {"people": {"roles": ["community_officer"]}},
    "period": "month",
    "forbidden": {"tasks": ["crime_fighting_quota", "non_community_work"]},
    "exempt_reasons": ["disaster_relief", "major_emergency", "major_security_duty"],
}


def _task(
    i: int,
    kind: str = "non_community_work",
    reason: str = "routine",
    start: str = "2022-03-10",
    end: str = "2022-03-12",
    person: str = "p1",
) -> dict[str, Any]:
    return {
        "id": f"t{i}",
        "person": person,
        "kind": kind,
        "start": start,
        "end": end,
        "reason": reason,
    }


def test_exempt_reason_passes_the_same_task_without_it_fails(tmp_path: Path) -> None:
    exempt = run_rule(
        tmp_path, NO_QUOTA, {**BASE, "tasks": [_task(0, reason="disaster_relief")]}, "2022-03"
    )
    assert statuses(exempt) == {("p1", "2022-03"): "pass"}
    assert (exempt[0].measured, exempt[0].required) == (0, 0)
    routine = run_rule(tmp_path, NO_QUOTA, {**BASE, "tasks": [_task(0)]}, "2022-03")
    assert statuses(routine) == {("p1", "2022-03"): "fail"}
    assert routine[0].measured == 1
    assert routine[0].evidence == ("t0",)
    assert routine[0].detail == "t0 non_community_work/routine"


def test_quota_has_no_exemption_when_none_is_named(tmp_path: Path) -> None:
    rule = {**NO_QUOTA, "exempt_reasons": []}
    found = run_rule(
        tmp_path, rule, {**BASE, "tasks": [_task(0, reason="disaster_relief")]}, "2022-03"
    )
    assert statuses(found) == {("p1", "2022-03"): "fail"}


def test_allowed_kinds_and_other_roles_are_not_violations(tmp_path: Path) -> None:
    tasks = [_task(0, kind="case_investigation"), _task(1, person="p2")]
    found = run_rule(tmp_path, NO_QUOTA, {**BASE, "tasks": tasks}, "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}


def test_task_counts_in_every_bucket_it_overlaps(tmp_path: Path) -> None:
    tables = {**BASE, "tasks": [_task(0, start="2022-02-25", end="2022-03-02")]}
    found = run_rule(tmp_path, NO_QUOTA, tables, "2022-01-01..2022-04-30")
    assert statuses(found) == {
        ("p1", "2022-01"): "pass",
        ("p1", "2022-02"): "fail",
        ("p1", "2022-03"): "fail",
        ("p1", "2022-04"): "pass",
    }


def test_task_given_before_taking_the_role_does_not_count(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "assignments": [{**BASE["assignments"][0], "start": "2022-03-05"}],
        "tasks": [_task(0, start="2022-03-01", end="2022-03-20")],
    }
    found = run_rule(tmp_path, NO_QUOTA, tables, "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}


def test_auxiliary_must_not_enforce_law(tmp_path: Path) -> None:
    rule = {
        "kind": "prohibition",
        "subject": {"people": {"roles": ["auxiliary"]}},
        "period": "month",
        "forbidden": {"tasks": ["law_enforcement"]},
    }
    found = run_rule(
        tmp_path, rule, {**BASE, "tasks": [_task(0, "law_enforcement", person="p2")]}, "2022-03"
    )
    assert statuses(found) == {("p2", "2022-03"): "fail"}


def test_four_prohibitions_incidents(tmp_path: Path) -> None:
    rule = {
        "kind": "prohibition",
        "subject": {"people": {"roles": ["auxiliary"]}},
        "period": "quarter",
        "forbidden": {"incidents": ["accepted_hospitality", "claimed_reimbursement"]},
    }
    incidents = [
        {"id": "i1", "person": "p2", "kind": "accepted_hospitality", "date": "2022-02-03"},
        {"id": "i2", "person": "p2", "kind": "improper_activity", "date": "2022-02-04"},
    ]
    found = run_rule(tmp_path, rule, {**BASE, "incidents": incidents}, "2022-Q1")
    assert statuses(found) == {("p2", "2022-Q1"): "fail"}
    assert found[0].evidence == ("i1",)
    found = run_rule(tmp_path, rule, {**BASE, "incidents": incidents[1:]}, "2022-Q1")
    assert statuses(found) == {("p2", "2022-Q1"): "pass"}


def test_forbidden_activities(tmp_path: Path) -> None:
    rule = {
        "kind": "prohibition",
        "subject": {"people": {"roles": ["auxiliary"]}},
        "period": "month",
        "forbidden": {"activities": ["case_assistance"]},
    }
    act = {
        "id": "x1",
        "person": "p2",
        "unit": "c1",
        "kind": "case_assistance",
        "start": "2022-03-04 09:00:00",
        "end": "2022-03-04 10:00:00",
    }
    found = run_rule(tmp_path, rule, {**BASE, "activities": [act]}, "2022-03")
    assert statuses(found) == {("p2", "2022-03"): "fail"}


def test_exemptions_only_for_tasks() -> None:
    base = {
        "id": "r",
        "kind": "prohibition",
        "title": {"zh": "测", "en": "t"},
        "severity": "major",
        "citation": {"source": "s", "quote": "测试"},
        "subject": {"people": {"roles": ["auxiliary"]}},
        "period": "month",
    }
    with pytest.raises(ValueError, match="tasks only"):
        ProhibitionRule.model_validate(
            {**base, "forbidden": {"incidents": ["partial_conduct"]}, "exempt_reasons": ["routine"]}
        )
    with pytest.raises(ValueError, match="exactly one"):
        ProhibitionRule.model_validate(
            {**base, "forbidden": {"tasks": ["law_enforcement"], "incidents": ["partial_conduct"]}}
        )


@settings(max_examples=15, deadline=None)
@given(
    reasons=st.lists(
        st.sampled_from(["routine", "disaster_relief", "major_emergency", "own_area_case"]),
        max_size=5,
    )
)
def test_measured_counts_the_non_exempt_tasks(reasons: list[str]) -> None:
    tasks = [_task(i, reason=r) for i, r in enumerate(reasons)]
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), NO_QUOTA, {**BASE, "tasks": tasks}, "2022-03")
    bad = sum(r in ("routine", "own_area_case") for r in reasons)
    assert found[0].measured == bad
    assert found[0].status.value == ("fail" if bad else "pass")
