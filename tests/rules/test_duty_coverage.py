"""duty_coverage: every duty of a catalogue performed in the period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridpolicing import PolicyError
from tests.helpers import evaluate_both, make_dataset, make_policy, statuses

CATALOGUE = [
    {
        "id": "disputes",
        "title": {"zh": "排查化解矛盾纠纷", "en": "Settle disputes"},
        "activity_kinds": ["dispute_screening", "mediation"],
    },
    {
        "id": "publicity",
        "title": {"zh": "组织开展宣传教育", "en": "Publicity"},
        "activity_kinds": ["publicity"],
    },
]
RULE = {
    "id": "duties",
    "kind": "duty_coverage",
    "subject": {"people": {"roles": ["village_contact_officer"]}},
    "period": "month",
    "duties": {"catalogue": "vco"},
}
TABLES: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"id": "v1", "type": "locality", "category": "village"},
        {"id": "v2", "type": "locality", "category": "village"},
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


def act(i: int, kind: str, unit: str = "v1") -> dict[str, Any]:
    return {
        "id": f"x{i}",
        "person": "p1",
        "unit": unit,
        "kind": kind,
        "start": "2022-03-08 09:00",
        "end": "2022-03-08 10:00",
    }


def run(tmp_path: Path, acts: list[dict[str, Any]]) -> list[Any]:
    policy = make_policy(tmp_path, [RULE], catalogues={"vco": CATALOGUE})
    data = make_dataset(tmp_path, {**TABLES, "activities": acts})
    return list(evaluate_both(policy, data, "2022-03").findings)


def test_all_duties_performed_passes(tmp_path: Path) -> None:
    found = run(tmp_path, [act(1, "mediation"), act(2, "publicity")])
    assert statuses(found) == {("p1", "2022-03"): "pass"}
    assert (found[0].measured, found[0].required) == (2, 2)
    assert found[0].evidence == ("x1", "x2")


def test_one_duty_missing_fails_and_is_named(tmp_path: Path) -> None:
    found = run(tmp_path, [act(1, "mediation"), act(2, "publicity", unit="v2")])
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert found[0].detail == "publicity"
    assert found[0].measured == 1


def test_unknown_catalogue_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="unknown catalogue 'nope'; expected one of: vco"):
        make_policy(
            tmp_path, [{**RULE, "duties": {"catalogue": "nope"}}], catalogues={"vco": CATALOGUE}
        )


def test_a_units_duties_are_performed_by_anyone_logging_in_it(tmp_path: Path) -> None:
    rule = {**RULE, "subject": {"units": {"type": "locality"}}}
    policy = make_policy(tmp_path, [rule], catalogues={"vco": CATALOGUE})
    team = [act(1, "mediation"), {**act(2, "publicity"), "person": "p2"}, act(3, "publicity", "v2")]
    tables = {**TABLES, "people": [{"id": "p1"}, {"id": "p2"}], "activities": team}
    found = {
        f.subject_id: f
        for f in evaluate_both(policy, make_dataset(tmp_path, tables), "2022-03").findings
    }
    # v1: mediation by p1 and publicity by p2 (no assignment needed): both duties
    assert (found["v1"].status.value, found["v1"].evidence) == ("pass", ("x1", "x2"))
    # v2: only publicity, logged there by p1 although p1 is assigned to v1
    assert (found["v2"].status.value, found["v2"].detail) == ("fail", "disputes")
