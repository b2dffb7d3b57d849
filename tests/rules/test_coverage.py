"""coverage: every unit covered on the bucket's last day, with load limits and one-to-one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridpolicing import PolicyError
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules.coverage import KIND, CoverageRule
from tests.helpers import make_policy, run_rule, statuses

RURAL = [
    {"id": f"r{i}", "type": "locality", "category": "rural_community", "area": "rural"}
    for i in range(1, 6)
]
URBAN = [{"id": "u1", "type": "locality", "category": "urban_community", "area": "urban"}]
NANJING = {
    "kind": "coverage",
    "subject": {"units": {"type": "locality", "category": ["rural_community"]}},
    "roles": ["community_officer"],
    "max_units_per_person": 3,
}
XINDU = {
    "kind": "coverage",
    "subject": {"units": {"type": "locality", "category": ["village"]}},
    "roles": ["dispatched_officer"],
    "one_to_one": True,
}


def _describe(tmp_path: Path, rule: dict[str, Any], finding: Finding) -> Text:
    spec = make_policy(tmp_path, [{"id": "r", **rule}]).rules[0]
    assert isinstance(spec, CoverageRule)
    return KIND.describe(spec, finding)


def _tables(
    cover: dict[str, list[str]],
    units: list[dict[str, Any]] | None = None,
    role: str = "community_officer",
) -> dict[str, list[dict[str, Any]]]:
    """``cover`` maps a person to the units they are assigned to."""
    assignments = [
        {"id": f"a-{p}-{u}", "person": p, "unit": u, "role": role, "start": "2020-01-01"}
        for p, us in cover.items()
        for u in us
    ]
    return {
        "units": units if units is not None else RURAL[:4] + URBAN,
        "people": [{"id": p} for p in cover],
        "assignments": assignments,
    }


def test_three_rural_communities_per_officer_pass(tmp_path: Path) -> None:
    tables = _tables({"p1": ["r1", "r2", "r3"], "p2": ["r4"]})
    found = run_rule(tmp_path, NANJING, tables, "2022-03")
    assert set(statuses(found).values()) == {"pass"}
    assert len(found) == 4
    assert (found[0].measured, found[0].required, found[0].evidence) == (1, 1, ("a-p1-r1",))


def test_four_rural_communities_per_officer_fail_with_the_officer_named(tmp_path: Path) -> None:
    found = run_rule(tmp_path, NANJING, _tables({"p1": ["r1", "r2", "r3", "r4"]}), "2022-03")
    assert set(statuses(found).values()) == {"fail"}
    assert {f.detail for f in found} == {"p1=4"}
    assert _describe(tmp_path, NANJING, found[0]).en == (
        "[fail] unit r1, 2022-03: every covering person exceeds 3 units each (person=units: p1=4)"
    )


def test_a_unit_with_one_officer_within_the_limit_passes(tmp_path: Path) -> None:
    found = run_rule(
        tmp_path, NANJING, _tables({"p1": ["r1", "r2", "r3", "r4"], "p2": ["r4"]}), "2022-03"
    )
    assert statuses(found) == {
        ("r1", "2022-03"): "fail",
        ("r2", "2022-03"): "fail",
        ("r3", "2022-03"): "fail",
        ("r4", "2022-03"): "pass",
    }
    assert found[3].measured == 2


def test_load_counts_only_subject_units(tmp_path: Path) -> None:
    found = run_rule(
        tmp_path, NANJING, _tables({"p1": ["r1", "r2", "r3", "u1"], "p2": ["r4"]}), "2022-03"
    )
    assert set(statuses(found).values()) == {"pass"}


def test_an_uncovered_unit_fails(tmp_path: Path) -> None:
    found = run_rule(tmp_path, NANJING, _tables({"p1": ["r1", "r2", "r3"]}), "2022-03")
    assert statuses(found)[("r4", "2022-03")] == "fail"
    r4 = found[3]
    assert (r4.measured, r4.evidence, r4.detail) == (0, (), None)
    assert _describe(tmp_path, NANJING, r4).zh == "[不合格] 单位 r4,2022-03:无人覆盖(要求至少 1 人)"


def test_an_assignment_ended_before_the_last_day_does_not_cover(tmp_path: Path) -> None:
    tables = _tables({"p1": ["r1"]}, units=RURAL[:1])
    tables["assignments"][0]["end"] = "2022-03-30"
    assert statuses(run_rule(tmp_path, NANJING, tables, "2022-03")) == {("r1", "2022-03"): "fail"}


def test_dated_limit(tmp_path: Path) -> None:
    rule = {**NANJING, "max_units_per_person": {"values": {"2022-01-01": 4, "2022-03-01": 3}}}
    found = run_rule(
        tmp_path, rule, _tables({"p1": ["r1", "r2", "r3", "r4"]}), "2022-02-01..2022-03-31"
    )
    assert {f.bucket: f.status.value for f in found} == {"2022-02": "pass", "2022-03": "fail"}


VILLAGES = [
    {"id": f"v{i}", "type": "locality", "category": "village", "area": "rural"} for i in range(1, 3)
]


def test_one_to_one_passes(tmp_path: Path) -> None:
    tables = _tables({"p1": ["v1"], "p2": ["v2"]}, VILLAGES, role="dispatched_officer")
    assert set(statuses(run_rule(tmp_path, XINDU, tables, "2022-03")).values()) == {"pass"}


def test_one_to_one_two_officers_in_a_village_fail(tmp_path: Path) -> None:
    tables = _tables(
        {"p1": ["v1"], "p2": ["v2"], "p3": ["v1"]}, VILLAGES, role="dispatched_officer"
    )
    found = run_rule(tmp_path, XINDU, tables, "2022-03")
    assert statuses(found) == {("v1", "2022-03"): "fail", ("v2", "2022-03"): "pass"}
    assert (found[0].measured, found[0].detail) == (2, "p1, p3")


def test_one_to_one_an_officer_in_two_villages_fails_both(tmp_path: Path) -> None:
    tables = _tables({"p1": ["v1", "v2"]}, VILLAGES, role="dispatched_officer")
    found = run_rule(tmp_path, XINDU, tables, "2022-03")
    assert set(statuses(found).values()) == {"fail"}
    assert {f.detail for f in found} == {"p1=2"}


def test_one_to_one_with_a_limit_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="one_to_one already limits"):
        make_policy(tmp_path, [{"id": "r", **XINDU, "max_units_per_person": 2}])


# -- employment_by_role: 专职辅警或机关民警 --------------------------------------------------------

GRID = {
    "kind": "coverage",
    "subject": {"units": {"type": "grid"}},
    "roles": ["auxiliary", "organ_officer"],
    "employment_by_role": {"auxiliary": "full_time"},
}


def _grid(role: str, employment: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "units": [{"id": "g1", "type": "grid"}],
        "people": [{"id": "p1"}],
        "assignments": [
            {
                "id": "a1",
                "person": "p1",
                "unit": "g1",
                "role": role,
                "employment": employment,
                "start": "2020-01-01",
            }
        ],
    }


@pytest.mark.parametrize(
    ("role", "employment", "expected"),
    [
        ("auxiliary", "full_time", "pass"),
        ("auxiliary", "part_time", "fail"),  # 专职 qualifies the auxiliary
        ("organ_officer", "part_time", "pass"),  # an organ officer serves beside a post
    ],
)
def test_employment_is_asked_of_the_roles_named(
    tmp_path: Path, role: str, employment: str, expected: str
) -> None:
    found = run_rule(tmp_path, GRID, _grid(role, employment), "2022-03")
    assert statuses(found) == {("g1", "2022-03"): expected}


def test_employment_by_role_names_counted_roles_only(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="roles the rule does not count: community_officer"):
        make_policy(
            tmp_path,
            [{"id": "r", **GRID, "employment_by_role": {"community_officer": "full_time"}}],
        )
    with pytest.raises(PolicyError, match="not both"):
        make_policy(tmp_path, [{"id": "r", **GRID, "employment": "full_time"}])
