"""visit_quality: households, services, work log and photo on every village visit."""

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
        {"id": "v1", "type": "locality", "category": "village", "area": "rural"},
        {"id": "v2", "type": "locality", "category": "village", "area": "rural"},
    ],
    "people": [{"id": "p1"}],
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

RULE = {
    "kind": "visit_quality",
    "subject": {"people": {"roles": ["village_contact_officer"]}},
    "period": "month",
    "min_households": 5,
    "min_services": 1,
    "require_work_log": True,
    "require_photo": True,
}


def _act(
    i: int,
    day: str,
    households: int = 5,
    services: int = 1,
    log: bool = True,
    photo: bool = True,
    unit: str = "v1",
    hour: int = 9,
) -> dict[str, Any]:
    return {
        "id": f"x{i}",
        "person": "p1",
        "unit": unit,
        "kind": "household_visit",
        "start": f"{day} {hour:02d}:00:00",
        "end": f"{day} {hour:02d}:30:00",
        "households_visited": households,
        "services_done": services,
        "has_work_log": log,
        "has_photo": photo,
    }


def _run(tmp: Path, acts: list[dict[str, Any]], rule: dict[str, Any] | None = None) -> Any:
    return run_rule(tmp, rule or RULE, {**BASE, "activities": acts}, "2022-03")


def test_five_households_pass_four_fail(tmp_path: Path) -> None:
    found = _run(tmp_path, [_act(0, "2022-03-07", households=5)])
    assert statuses(found) == {("p1", "2022-03"): "pass"}
    assert (found[0].measured, found[0].required, found[0].detail) == (0, 0, None)
    found = _run(tmp_path, [_act(0, "2022-03-07"), _act(1, "2022-03-08", households=4)])
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert found[0].measured == 1
    assert found[0].evidence == ("x1",)
    assert found[0].detail == "2022-03-08 v1: households 4<5"


def test_a_day_is_one_visit_its_records_add_up(tmp_path: Path) -> None:
    day = [
        _act(0, "2022-03-07", households=2, services=0, photo=False),
        _act(1, "2022-03-07", households=3, services=1, log=False, hour=14),
    ]
    assert statuses(_run(tmp_path, day)) == {("p1", "2022-03"): "pass"}
    # Counted per record, neither record meets the minimums on its own.
    found = _run(tmp_path, day, {**RULE, "per": "activity"})
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert found[0].measured == 2


def test_missing_service_log_or_photo_fails(tmp_path: Path) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"services": 0}, "services 0<1"),
        ({"log": False}, "no_log"),
        ({"photo": False}, "no_photo"),
    ]
    for kwargs, token in cases:
        found = _run(tmp_path, [_act(0, "2022-03-07", **kwargs)])
        assert statuses(found) == {("p1", "2022-03"): "fail"}, kwargs
        assert found[0].detail == f"2022-03-07 v1: {token}"


def test_photo_not_required_unless_asked(tmp_path: Path) -> None:
    rule = {**RULE, "require_photo": False}
    assert statuses(_run(tmp_path, [_act(0, "2022-03-07", photo=False)], rule)) == {
        ("p1", "2022-03"): "pass"
    }


def test_no_visit_is_not_applicable(tmp_path: Path) -> None:
    # A visit to a village the person is not assigned to is not theirs to answer for here.
    found = _run(tmp_path, [_act(0, "2022-03-07", households=0, unit="v2")])
    assert statuses(found) == {("p1", "2022-03"): "not_applicable"}


def test_visits_before_the_assignment_do_not_count(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "assignments": [{**BASE["assignments"][0], "start": "2022-03-10"}],
        "activities": [_act(0, "2022-03-07", households=0), _act(1, "2022-03-11")],
    }
    found = run_rule(tmp_path, RULE, tables, "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}


def test_detail_lists_the_first_three_and_counts_the_rest(tmp_path: Path) -> None:
    acts = [_act(i, f"2022-03-{10 + i:02d}", households=1) for i in range(5)]
    found = _run(tmp_path, acts)
    assert found[0].measured == 5
    assert found[0].detail is not None
    assert found[0].detail.startswith("2022-03-10 v1: households 1<5; 2022-03-11")
    assert found[0].detail.endswith("…+2")


def test_unit_subject_checks_everyone_visiting(tmp_path: Path) -> None:
    rule = {**RULE, "subject": {"units": {"type": "locality"}}}
    found = _run(tmp_path, [_act(0, "2022-03-07", households=4, unit="v2")], rule)
    assert statuses(found) == {("v1", "2022-03"): "not_applicable", ("v2", "2022-03"): "fail"}
    assert found[1].detail == "2022-03-07 p1: households 4<5"


@settings(max_examples=15, deadline=None)
@given(households=st.lists(st.integers(0, 8), min_size=1, max_size=6), seed=st.integers())
def test_bad_visits_are_counted_whatever_the_order(households: list[int], seed: int) -> None:
    acts = [_act(i, f"2022-03-{1 + i:02d}", households=h) for i, h in enumerate(households)]
    random.Random(seed).shuffle(acts)
    with tempfile.TemporaryDirectory() as tmp:
        rule = {k: v for k, v in RULE.items() if k != "min_services"}
        found = _run(Path(tmp), acts, rule)
    bad = sum(h < 5 for h in households)
    assert found[0].measured == bad
    assert found[0].status.value == ("fail" if bad else "pass")
    assert len(found[0].evidence) == bad
