"""staffing: people of some roles per unit, counted on the bucket's last day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridpolicing import PolicyError
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules.staffing import KIND, StaffingRule
from tests.helpers import make_policy, run_rule, statuses

UNITS = [
    {"id": "o1", "type": "office"},
    {
        "id": "c1",
        "type": "locality",
        "category": "urban_community",
        "area": "urban",
        "office": "o1",
    },
    {
        "id": "c2",
        "type": "locality",
        "category": "urban_community",
        "area": "urban",
        "office": "o1",
    },
    {"id": "g1", "type": "grid", "parent": "c1"},
]
PEOPLE = [{"id": f"p{i}"} for i in range(1, 6)]

OFFICERS = {
    "kind": "staffing",
    "subject": {"units": {"type": "locality"}},
    "roles": ["community_officer"],
    "min_people": 1,
}
SOCIAL = {
    "kind": "staffing",
    "subject": {"units": {"type": "locality", "ids": ["c1"]}},
    "roles": ["social_worker"],
    "employment": "full_time",
    "min_people": 2,
    "min_with_post": {"post": "petition_receptionist", "count": 1},
}


def _describe(tmp_path: Path, rule: dict[str, Any], finding: Finding) -> Text:
    spec = make_policy(tmp_path, [{"id": "r", **rule}]).rules[0]
    assert isinstance(spec, StaffingRule)
    return KIND.describe(spec, finding)


def _assign(
    aid: str, person: str, unit: str, role: str, start: str = "2020-01-01", **extra: Any
) -> dict[str, Any]:
    return {"id": aid, "person": person, "unit": unit, "role": role, "start": start, **extra}


def _tables(*assignments: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {"units": UNITS, "people": PEOPLE, "assignments": list(assignments)}


def test_one_officer_per_community_passes_and_none_fails(tmp_path: Path) -> None:
    found = run_rule(
        tmp_path, OFFICERS, _tables(_assign("a1", "p1", "c1", "community_officer")), "2022-03"
    )
    assert statuses(found) == {("c1", "2022-03"): "pass", ("c2", "2022-03"): "fail"}
    c1, c2 = found
    assert (c1.measured, c1.required, c1.evidence) == (1, 1, ("a1",))
    assert (c2.measured, c2.evidence) == (0, ())


def test_snapshot_is_the_last_day_of_the_bucket(tmp_path: Path) -> None:
    rule = {**OFFICERS, "subject": {"units": {"type": "locality", "ids": ["c1"]}}}
    for end, start, expected in [
        ("2022-03-30", "2020-01-01", "fail"),  # left a day early
        ("2022-03-31", "2020-01-01", "pass"),  # there on the last day
        (None, "2022-03-31", "pass"),  # arrived on the last day
        (None, "2022-04-01", "fail"),
    ]:  # arrived after it
        a = _assign("a1", "p1", "c1", "community_officer", start=start)
        if end:
            a["end"] = end
        found = run_rule(tmp_path, rule, _tables(a), "2022-03")
        assert statuses(found) == {("c1", "2022-03"): expected}, (start, end)


def test_two_full_time_social_workers_with_a_receptionist(tmp_path: Path) -> None:
    keep = _tables(
        _assign("a1", "p1", "c1", "social_worker", posts=["petition_receptionist"]),
        _assign("a2", "p2", "c1", "social_worker"),
    )
    found = run_rule(tmp_path, SOCIAL, keep, "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "pass"}
    assert found[0].detail == "petition_receptionist 1/1"


def test_one_short_or_part_time_fails(tmp_path: Path) -> None:
    one = _tables(_assign("a1", "p1", "c1", "social_worker", posts=["petition_receptionist"]))
    found = run_rule(tmp_path, SOCIAL, one, "2022-03")
    assert (found[0].status.value, found[0].measured) == ("fail", 1)
    part = _tables(
        _assign("a1", "p1", "c1", "social_worker", posts=["petition_receptionist"]),
        _assign("a2", "p2", "c1", "social_worker", employment="part_time"),
    )
    found = run_rule(tmp_path, SOCIAL, part, "2022-03")
    assert (found[0].status.value, found[0].measured) == ("fail", 1)


def test_missing_receptionist_fails_with_detail(tmp_path: Path) -> None:
    none = _tables(
        _assign("a1", "p1", "c1", "social_worker"), _assign("a2", "p2", "c1", "social_worker")
    )
    found = run_rule(tmp_path, SOCIAL, none, "2022-03")
    assert (found[0].status.value, found[0].measured) == ("fail", 2)
    assert found[0].detail == "petition_receptionist 0/1"


def test_a_person_counts_once(tmp_path: Path) -> None:
    tables = _tables(
        _assign("a1", "p1", "c1", "social_worker", posts=["petition_receptionist"]),
        _assign("a2", "p1", "c1", "social_worker", start="2021-01-01"),
    )
    found = run_rule(tmp_path, SOCIAL, tables, "2022-03")
    assert (found[0].status.value, found[0].measured) == ("fail", 1)
    assert found[0].evidence == ("a1", "a2")


def test_maximum_boundary_and_message(tmp_path: Path) -> None:
    rule = {
        **OFFICERS,
        "subject": {"units": {"type": "locality", "ids": ["c1"]}},
        "min_people": None,
        "max_people": 3,
    }
    rule.pop("min_people")
    three = [_assign(f"a{i}", f"p{i}", "c1", "community_officer") for i in range(1, 4)]
    found = run_rule(tmp_path, rule, _tables(*three), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "pass"}
    assert found[0].required == 3
    four = [*three, _assign("a4", "p4", "c1", "community_officer")]
    found = run_rule(tmp_path, rule, _tables(*four), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "fail"}
    assert _describe(tmp_path, rule, found[0]).en == (
        "[fail] unit c1, 2022-03: 4 staffed, above the maximum of 3"
    )


def test_grid_needs_a_full_time_auxiliary_or_organ_officer(tmp_path: Path) -> None:
    # Xinxiang: 每个网格配备1名专职辅警或机关民警
    rule = {
        "kind": "staffing",
        "subject": {"units": {"type": "grid"}},
        "roles": ["auxiliary", "organ_officer"],
        "employment": "full_time",
        "min_people": 1,
    }
    organ = _tables(_assign("a1", "p1", "g1", "organ_officer"))
    assert statuses(run_rule(tmp_path, rule, organ, "2022-03")) == {("g1", "2022-03"): "pass"}
    part = _tables(
        _assign("a1", "p1", "g1", "auxiliary", employment="part_time"),
        _assign("a2", "p2", "g1", "community_officer"),
    )
    assert statuses(run_rule(tmp_path, rule, part, "2022-03")) == {("g1", "2022-03"): "fail"}


def test_child_units_count_for_the_office(tmp_path: Path) -> None:
    # Xinxiang: 每个警务室配备1名或多名专职社区民警; officers are assigned to its communities
    rule = {**OFFICERS, "subject": {"units": {"type": "office"}}, "employment": "full_time"}
    tables = _tables(_assign("a1", "p1", "c2", "community_officer"))
    assert statuses(run_rule(tmp_path, rule, tables, "2022-03")) == {("o1", "2022-03"): "fail"}
    found = run_rule(tmp_path, {**rule, "include_child_units": True}, tables, "2022-03")
    assert statuses(found) == {("o1", "2022-03"): "pass"}
    assert found[0].evidence == ("a1",)


def test_dated_minimum_changes_mid_year(tmp_path: Path) -> None:
    rule = {
        **OFFICERS,
        "subject": {"units": {"type": "locality", "ids": ["c1"]}},
        "min_people": {"values": {"2022-02-01": 1, "2022-04-01": 2}},
    }
    tables = _tables(_assign("a1", "p1", "c1", "community_officer"))
    found = run_rule(tmp_path, rule, tables, "2022-01-01..2022-04-30")
    assert statuses(found) == {
        ("c1", "2022-01"): "not_applicable",
        ("c1", "2022-02"): "pass",
        ("c1", "2022-03"): "pass",
        ("c1", "2022-04"): "fail",
    }
    assert [f.required for f in found] == [None, 1, 1, 2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"min_people": None}, "expected min_people, max_people or both"),
        ({"subject": {"people": {"roles": ["community_officer"]}}}, "needs a units subject"),
    ],
)
def test_invalid_rules_are_rejected(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    rule = {k: v for k, v in {**OFFICERS, **change}.items() if v is not None}
    with pytest.raises(PolicyError, match=message):
        make_policy(tmp_path, [{"id": "r", **rule}])


def test_describe_when_no_requirement_is_in_force(tmp_path: Path) -> None:
    rule = {**OFFICERS, "min_people": {"values": {"2022-02-01": 1}}}
    found = run_rule(tmp_path, rule, _tables(), "2022-01")
    assert _describe(tmp_path, rule, found[0]).zh == (
        "[不适用] 单位 c1,2022-01:该期间没有生效的配备要求"
    )


# -- max_units_per_person: a person shared between subject units is neither one's own ----------

OWN = {**OFFICERS, "roles": ["auxiliary"], "max_units_per_person": 1}


def test_a_person_shared_by_two_units_counts_for_neither(tmp_path: Path) -> None:
    shared = _tables(_assign("a1", "p1", "c1", "auxiliary"), _assign("a2", "p1", "c2", "auxiliary"))
    found = run_rule(tmp_path, OWN, shared, "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "fail", ("c2", "2022-03"): "fail"}
    assert {f.detail for f in found} == {"shared p1=2"}
    assert all(f.measured == 0 and f.evidence == () for f in found)
    # without the limit the same person counts in each (the reading the limit rules out)
    found = run_rule(tmp_path, {**OWN, "max_units_per_person": None}, shared, "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "pass", ("c2", "2022-03"): "pass"}


def test_a_person_of_ones_own_counts_beside_a_shared_one(tmp_path: Path) -> None:
    tables = _tables(
        _assign("a1", "p1", "c1", "auxiliary"),
        _assign("a2", "p1", "c2", "auxiliary"),
        _assign("a3", "p2", "c2", "auxiliary"),
    )
    found = {f.subject_id: f for f in run_rule(tmp_path, OWN, tables, "2022-03")}
    assert (found["c1"].status.value, found["c2"].status.value) == ("fail", "pass")
    assert (found["c2"].measured, found["c2"].evidence) == (1, ("a3",))
    # a load is counted among the subject units only: an office is not a locality
    office = _tables(_assign("a1", "p1", "c1", "auxiliary"), _assign("a2", "p1", "o1", "auxiliary"))
    found = {f.subject_id: f for f in run_rule(tmp_path, OWN, office, "2022-03")}
    assert found["c1"].status.value == "pass"


def test_the_shared_people_are_worded(tmp_path: Path) -> None:
    shared = _tables(_assign("a1", "p1", "c1", "auxiliary"), _assign("a2", "p1", "c2", "auxiliary"))
    finding = run_rule(tmp_path, OWN, shared, "2022-03")[0]
    text = _describe(tmp_path, OWN, finding)
    assert "shared p1=2" in text.zh
    assert "people left out" in text.en


def test_a_load_counted_among_other_units(tmp_path: Path) -> None:
    # p1 serves c1 (of urban office o1) and v1 (of rural office o2)
    tables = {
        "units": [
            {"id": "o1", "type": "office", "area": "urban"},
            {"id": "o2", "type": "office", "area": "rural"},
            {"id": "c1", "type": "locality", "office": "o1"},
            {"id": "v1", "type": "locality", "office": "o2"},
        ],
        "people": PEOPLE,
        "assignments": [
            _assign("a1", "p1", "c1", "community_officer"),
            _assign("a2", "p1", "v1", "community_officer"),
        ],
    }
    urban = {
        **OFFICERS,
        "subject": {"units": {"type": "office", "area": "urban"}},
        "include_child_units": True,
        "max_units_per_person": 1,
    }
    # among urban offices p1 serves one: o1 has its own officer
    assert statuses(run_rule(tmp_path, urban, tables, "2022-03")) == {("o1", "2022-03"): "pass"}
    # among all offices p1 serves two: o1's officer is shared with o2
    among = {**urban, "load_among": {"type": "office"}}
    found = run_rule(tmp_path, among, tables, "2022-03")
    assert statuses(found) == {("o1", "2022-03"): "fail"}
    assert found[0].detail == "shared p1=2"


def test_load_among_needs_a_limit(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="needs max_units_per_person"):
        make_policy(tmp_path, [{"id": "r", **OFFICERS, "load_among": {"type": "office"}}])
