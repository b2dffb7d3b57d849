"""``measure``: the core spelled out. One passing and one failing case at each threshold, per
class of clause the texts ask for (issue 10): police strength and shares, phased thresholds,
unit classes, counts of units against units or population, either-or standards and ranges,
ratios on other bases, records of a person, and data that cannot be judged."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import PolicyError, load_dataset
from gridpolicing.rules.measure import KIND, MeasureRule
from tests.helpers import evaluate_both, make_policy, run_rule, statuses

STATION = {"units": {"type": "station"}}


def unit(uid: str, type_: str, parent: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": uid, "type": type_, **({"parent": parent} if parent else {}), **extra}


def assign(aid: str, person: str, unit_id: str, role: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": aid,
        "person": person,
        "unit": unit_id,
        "role": role,
        "start": "2020-01-01",
        **extra,
    }


def deployment(community: int, other_officers: int, auxiliaries: int = 0) -> dict[str, Any]:
    """A bureau, one station with two offices; officers assigned across them."""
    units = [
        unit("b1", "bureau"),
        unit("st1", "station", "b1"),
        unit("o1", "office", "st1"),
        unit("o2", "office", "st1"),
    ]
    people, assignments = [], []
    for i in range(community):
        people.append({"id": f"c{i}", "home_unit": "st1"})
        assignments.append(assign(f"ac{i}", f"c{i}", ("o1", "o2")[i % 2], "community_officer"))
    for i in range(other_officers):
        people.append({"id": f"k{i}", "home_unit": "st1"})
        assignments.append(assign(f"ak{i}", f"k{i}", "st1", "organ_officer"))
    for i in range(auxiliaries):
        people.append({"id": f"x{i}", "home_unit": "st1"})
        assignments.append(assign(f"ax{i}", f"x{i}", "o1", "auxiliary"))
    return {"units": units, "people": people, "assignments": assignments}


SHARE = {
    "kind": "measure",
    "subject": STATION,
    "period": "year",
    "measure": {
        "share": {
            "of": {"count": {"people": {"roles": ["community_officer"]}}, "within": "descendants"},
            "in": {"count": {"people": {"role_class": "officer"}}, "within": "descendants"},
        }
    },
    "at_least": 0.4,
}


def test_community_officers_share_of_station_strength(tmp_path: Path) -> None:
    # 社区民警占派出所警力40%以上: 2 of 5 officers is 40%, 2 of 6 is 33%.
    # The station's own organ officers are not in its descendants: "within: self" adds them.
    share = {
        **SHARE,
        "measure": {
            "share": {
                "of": {
                    "count": {"people": {"roles": ["community_officer"]}},
                    "within": "descendants",
                },
                "in": {"count": {"people": {"role_class": "officer"}}, "within": "self"},
            }
        },
    }
    # Community officers sit in the offices, organ officers at the station itself: share them
    # over the whole station (self plus descendants) by counting via home unit instead.
    by_home = {
        **SHARE,
        "measure": {
            "share": {
                "of": {"count": {"people": {"roles": ["community_officer"], "via": "home_unit"}}},
                "in": {"count": {"people": {"role_class": "officer", "via": "home_unit"}}},
            }
        },
    }
    passing = run_rule(tmp_path, by_home, deployment(2, 3), "2022")
    failing = run_rule(tmp_path, by_home, deployment(2, 4), "2022")
    assert [(f.status.value, f.measured) for f in passing] == [("pass", 0.4)]
    assert [(f.status.value, round(f.measured or 0, 3)) for f in failing] == [("fail", 0.333)]
    assert failing[0].evidence == ("c0", "c1", "k0", "k1", "k2", "k3")
    # Counted by assignment: the offices hold 2 community officers of 2 officers below the
    # station (100%); the station's own officers are a separate count.
    [below] = run_rule(tmp_path, share, deployment(2, 4), "2022")
    assert (below.status.value, below.measured) == ("pass", 0.5)  # 2 / (4 at the station)


def test_phased_thresholds_apply_from_their_dates(tmp_path: Path) -> None:
    # 35% from 2012, 40% from 2013: 3 of 8 (37.5%) passes 2012 and fails 2013.
    rule = {
        **SHARE,
        "measure": {
            "share": {
                "of": {"count": {"people": {"roles": ["community_officer"], "via": "home_unit"}}},
                "in": {"count": {"people": {"role_class": "officer", "via": "home_unit"}}},
            }
        },
        "at_least": {"values": {"2012-01-01": 0.35, "2013-01-01": 0.40}},
    }
    data = deployment(3, 5)
    for a in data["assignments"]:
        a["start"] = "2011-01-01"
    found = statuses(run_rule(tmp_path, rule, data, "2012-01-01..2013-12-31"))
    assert found == {("st1", "2012"): "pass", ("st1", "2013"): "fail"}


def test_stations_hold_half_of_the_bureaus_officers(tmp_path: Path) -> None:
    # 派出所警力占县局总警力50%以上: officers whose home unit is a station, of all officers.
    rule = {
        "kind": "measure",
        "subject": {"units": {"type": "bureau"}},
        "period": "year",
        "measure": {
            "share": {
                "of": {
                    "count": {"people": {"role_class": "officer", "via": "home_unit"}},
                    "within": "descendants",
                    "in_units": {"type": "station"},
                },
                "in": {
                    "count": {"people": {"role_class": "officer", "via": "home_unit"}},
                    "within": "descendants",
                },
            }
        },
        "at_least": 0.5,
    }
    data = deployment(2, 0)
    data["units"].append(unit("dept", "department", "b1"))
    for i, where in enumerate(["dept", "dept"]):
        data["people"].append({"id": f"d{i}", "home_unit": where})
        data["assignments"].append(assign(f"ad{i}", f"d{i}", where, "organ_officer"))
    assert statuses(run_rule(tmp_path, rule, data, "2022")) == {("b1", "2022"): "pass"}
    data["people"].append({"id": "d9", "home_unit": "dept"})
    data["assignments"].append(assign("ad9", "d9", "dept", "organ_officer"))
    assert statuses(run_rule(tmp_path, rule, data, "2022")) == {("b1", "2022"): "fail"}


def rural_district(villages: int, category: str = "village") -> dict[str, Any]:
    units = [unit("st1", "station"), unit("o1", "office", "st1", area="rural")]
    units += [
        unit(f"v{i}", "locality", "o1", category=category, area="rural", population=1000)
        for i in range(villages)
    ]
    return {"units": units}


def test_at_most_four_villages_per_rural_police_district(tmp_path: Path) -> None:
    # 每个农村警务区管辖行政村不超过4个.
    rule = {
        "kind": "measure",
        "subject": {"units": {"type": "office", "area": "rural"}},
        "period": "year",
        "measure": {"count": {"units": {"type": "locality", "category": ["village"]}}},
        "at_most": 4,
    }
    assert statuses(run_rule(tmp_path, rule, rural_district(4), "2022")) == {("o1", "2022"): "pass"}
    [found] = run_rule(tmp_path, rule, rural_district(5), "2022")
    assert (found.status.value, found.measured, found.required) == ("fail", 5, 4)
    assert found.evidence == ("v0", "v1", "v2", "v3", "v4")


def test_residents_per_office_within_a_range(tmp_path: Path) -> None:
    # 每3000-6000人设一个警务室: residents of the station's localities per office.
    rule = {
        "kind": "measure",
        "subject": STATION,
        "period": "year",
        "measure": {
            "ratio": {
                "of": {
                    "sum": {"field": "population", "units": {"type": "locality"}},
                    "within": "descendants",
                },
                "per": {"count": {"units": {"type": "office"}}},
            }
        },
        "between": {"min": 3000, "max": 6000},
    }
    found = {n: statuses(run_rule(tmp_path, rule, rural_district(n), "2022")) for n in (2, 3, 6, 7)}
    assert [found[n][("st1", "2022")] for n in (2, 3, 6, 7)] == ["fail", "pass", "pass", "fail"]
    # A locality without a population recorded: the total is unknown, not smaller.
    data = rural_district(4)
    del data["units"][-1]["population"]
    [unknown] = run_rule(tmp_path, rule, data, "2022")
    assert (unknown.status.value, unknown.measured) == ("insufficient_data", None)


def test_thresholds_per_unit_class(tmp_path: Path) -> None:
    # Urban communities need 2 officers, rural ones 1; villages are not held to it.
    rule = {
        "kind": "measure",
        "subject": {"units": {"type": "locality"}},
        "period": "year",
        "measure": {"count": {"people": {"role_class": "officer"}}},
        "at_least": {"by_category": {"urban_community": 2, "rural_community": 1}},
    }
    units = [
        unit("u1", "locality", category="urban_community"),
        unit("r1", "locality", category="rural_community"),
        unit("v1", "locality", category="village"),
    ]
    people = [{"id": "p1"}, {"id": "p2"}]
    assignments = [
        assign("a1", "p1", "u1", "community_officer"),
        assign("a2", "p2", "r1", "community_officer"),
    ]
    found = statuses(
        run_rule(
            tmp_path, rule, {"units": units, "people": people, "assignments": assignments}, "2022"
        )
    )
    assert found == {
        ("u1", "2022"): "fail",
        ("r1", "2022"): "pass",
        ("v1", "2022"): "not_applicable",
    }


def test_an_office_per_community_or_a_small_community(tmp_path: Path) -> None:
    # Either-or: a community has its own office, or has at most 3,000 residents.
    rule = {
        "kind": "measure",
        "subject": {"units": {"type": "locality"}},
        "period": "year",
        "require": {
            "any_of": [
                {
                    "measure": {"count": {"units": {"type": "office"}}},
                    "at_least": 1,
                    "label": {"zh": "警务室", "en": "office"},
                },
                {
                    "measure": {"attribute": "population"},
                    "at_most": 3000,
                    "label": {"zh": "人口", "en": "residents"},
                },
            ]
        },
    }
    units = [
        unit("big", "locality", category="urban_community", population=5000),
        unit("small", "locality", category="urban_community", population=3000),
        unit("served", "locality", category="urban_community", population=9000),
        unit("o1", "office", "served"),
        unit("blank", "locality", category="urban_community"),
    ]
    found = {f.subject_id: f for f in run_rule(tmp_path, rule, {"units": units}, "2022")}
    assert {k: f.status.value for k, f in found.items()} == {
        "big": "fail",
        "small": "pass",
        "served": "pass",
        "blank": "insufficient_data",
    }
    spec = make_policy(tmp_path, [{"id": "r", **rule}]).rules[0]
    assert isinstance(spec, MeasureRule)
    words = KIND.describe(spec, found["big"])
    assert words.en.endswith(
        "0 standard(s) met, any required: office 0 (at least 1, fail); "
        "residents 5000 (at most 3000, fail)"
    )
    assert words.zh.endswith(
        "达到标准 0 项,要求至少1项:警务室 0(不少于 1,不合格);人口 5000(不超过 3000,不合格)"
    )
    assert (found["served"].measured, found["served"].required) == (1, 1)


def test_about_a_size_with_a_tolerance(tmp_path: Path) -> None:
    # 约3000户: within 500 either side.
    rule = {
        "kind": "measure",
        "subject": {"units": {"type": "locality"}},
        "period": "year",
        "measure": {"attribute": "households"},
        "about": {"value": 3000, "tolerance": 500},
    }
    units = [
        unit(f"l{h}", "locality", category="urban_community", households=h)
        for h in (2499, 2500, 3500, 3501)
    ]
    found = statuses(run_rule(tmp_path, rule, {"units": units}, "2022"))
    assert [found[(f"l{h}", "2022")] for h in (2499, 2500, 3500, 3501)] == [
        "fail",
        "pass",
        "pass",
        "fail",
    ]


def test_three_auxiliaries_per_officer(tmp_path: Path) -> None:
    # A per-person base: at least 3 auxiliaries per community officer in the station.
    rule = {
        "kind": "measure",
        "subject": STATION,
        "period": "year",
        "measure": {
            "ratio": {
                "of": {"count": {"people": {"roles": ["auxiliary"]}}, "within": "descendants"},
                "per": {
                    "count": {"people": {"roles": ["community_officer"]}},
                    "within": "descendants",
                },
            }
        },
        "at_least": 3,
    }
    assert statuses(run_rule(tmp_path, rule, deployment(2, 0, 6), "2022")) == {
        ("st1", "2022"): "pass"
    }
    assert statuses(run_rule(tmp_path, rule, deployment(2, 0, 5), "2022")) == {
        ("st1", "2022"): "fail"
    }
    # No officer at all: a ratio over nothing cannot be judged.
    assert statuses(run_rule(tmp_path, rule, deployment(0, 0, 5), "2022")) == {
        ("st1", "2022"): "insufficient_data"
    }


def officer_with(acts: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "units": [
            unit("st1", "station"),
            unit("c1", "locality", "st1", category="urban_community"),
        ],
        "people": [{"id": "p1"}],
        "assignments": [assign("a1", "p1", "c1", "community_officer")],
        "activities": [
            {"id": f"e{i}", "person": "p1", "unit": "c1", "kind": kind, "start": start, "end": end}
            for i, (kind, start, end) in enumerate(acts)
        ],
    }


def test_a_persons_hours_and_records(tmp_path: Path) -> None:
    hours = {
        "kind": "measure",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "month",
        "measure": {"hours": {}},
        "at_least": 3,
    }
    visits = {
        **hours,
        "measure": {"count": {"records": {"activities": ["household_visit"]}}},
        "at_least": 2,
    }
    two_hours = [
        ("household_visit", "2022-03-02 09:00:00", "2022-03-02 10:00:00"),
        ("patrol", "2022-03-02 09:30:00", "2022-03-02 11:00:00"),
    ]
    [h] = run_rule(tmp_path, hours, officer_with(two_hours), "2022-03")
    assert (h.status.value, h.measured, h.evidence) == ("fail", 2.0, ("e0", "e1"))  # merged
    three = [*two_hours, ("household_visit", "2022-03-03 09:00:00", "2022-03-03 10:00:00")]
    [h3] = run_rule(tmp_path, hours, officer_with(three), "2022-03")
    assert (h3.status.value, h3.measured) == ("pass", 3.0)
    [v] = run_rule(tmp_path, visits, officer_with(two_hours), "2022-03")
    assert (v.status.value, v.measured, v.evidence) == ("fail", 1, ("e0",))
    [v2] = run_rule(tmp_path, visits, officer_with(three), "2022-03")
    assert (v2.status.value, v2.measured) == ("pass", 2)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"measure": {"attribute": "population"}}, "expected exactly one of at_least"),
        ({"measure": {"attribute": "populaton"}, "at_least": 1}, "populaton"),
        ({"measure": {"attribute": "name"}, "at_least": 1}, "expected a number"),
        (
            {
                "measure": {"count": {"people": {}}},
                "at_least": 1,
                "subject": {"people": {"roles": ["community_officer"]}},
            },
            "a person subject counts",
        ),
        (
            {"require": {"any_of": [{"measure": {"attribute": "population"}, "at_least": 1}]}},
            "at least 2 items",
        ),
        ({"measure": {"sum": {"field": "population"}}, "at_least": 1}, "say which with units"),
        (
            {"measure": {"count": {"people": {}}}, "at_least": {"by_category": {"village": 1}}},
            "station units have none",
        ),
        # The rule's kind shares its name with its field: an error elsewhere is still placed.
        (
            {
                "measure": {"attribute": "population"},
                "at_least": 1,
                "title": {"zh": "甲", "en": "a", "bogus": 1},
            },
            r"title.bogus: unknown key 'bogus'; expected one of: en, zh",
        ),
    ],
)
def test_malformed_measures_are_refused_at_load(
    tmp_path: Path, rule: dict[str, Any], message: str
) -> None:
    full = {"id": "r", "kind": "measure", "subject": STATION, "period": "year", **rule}
    with pytest.raises(PolicyError, match=message):
        make_policy(tmp_path, [full])


@settings(max_examples=25, deadline=None)
@given(villages=st.integers(0, 8), cap=st.integers(1, 6))
def test_a_unit_count_passes_exactly_when_within_the_cap(villages: int, cap: int) -> None:
    rule = {
        "kind": "measure",
        "subject": {"units": {"type": "office"}},
        "period": "year",
        "measure": {"count": {"units": {"type": "locality"}}},
        "at_most": cap,
    }
    with tempfile.TemporaryDirectory() as tmp:
        [found] = run_rule(Path(tmp), rule, rural_district(villages), "2022")
    assert found.measured == villages
    assert found.status.value == ("pass" if villages <= cap else "fail")


def test_a_stations_whole_strength_counts_the_station_and_its_offices(tmp_path: Path) -> None:
    # self_and_descendants: 2 community officers in the offices, 3 organ officers at the station.
    whole_station = "self_and_descendants"
    rule = {
        **SHARE,
        "measure": {
            "share": {
                "of": {
                    "count": {"people": {"roles": ["community_officer"]}},
                    "within": whole_station,
                },
                "in": {"count": {"people": {"role_class": "officer"}}, "within": whole_station},
            }
        },
    }
    [whole] = run_rule(tmp_path, rule, deployment(2, 3), "2022")
    assert (whole.status.value, whole.measured) == ("pass", 0.4)
    [short] = run_rule(tmp_path, rule, deployment(2, 4), "2022")
    assert short.status.value == "fail"


def test_home_unit_strength_without_a_role_counts_everyone_of_the_unit(tmp_path: Path) -> None:
    # 编制: people whose home unit is the station, assigned or not.
    rule = {
        "kind": "measure",
        "subject": STATION,
        "period": "year",
        "measure": {"count": {"people": {"via": "home_unit"}}},
        "at_least": 4,
    }
    data = deployment(2, 1)
    data["people"].append({"id": "idle", "home_unit": "st1"})
    [found] = run_rule(tmp_path, rule, data, "2022")
    assert (found.status.value, found.measured) == ("pass", 4)
    data["people"].pop()
    [short] = run_rule(tmp_path, rule, data, "2022")
    assert (short.status.value, short.measured) == ("fail", 3)


def _term(tid: str) -> dict[str, Any]:
    return {"id": tid, "zh": tid, "en": tid, "definition": {"zh": tid, "en": tid}}


STATION_CLASSES = {"unit_tags": [_term("chengguan"), _term("town")]}


def test_thresholds_per_station_class_by_tag(tmp_path: Path) -> None:
    # 城关派出所不少于20人, 建制镇派出所不少于10人, 其他派出所不少于5人 (an illustrative scheme).
    rule = {
        "id": "r",
        "kind": "measure",
        "subject": STATION,
        "period": "year",
        "measure": {
            "count": {"people": {"role_class": "officer"}},
            "within": "self_and_descendants",
        },
        "at_least": {"by_tag": {"chengguan": 20, "town": 10}, "otherwise": 5},
    }
    policy = make_policy(tmp_path, [rule], vocabulary=STATION_CLASSES)
    units = [
        unit("s20", "station", tags=["chengguan"]),
        unit("s10", "station", tags=["town"]),
        unit("s5", "station"),
    ]
    people, assignments = [], []
    for station, n in (("s20", 19), ("s10", 10), ("s5", 4)):
        for i in range(n):
            people.append({"id": f"{station}-{i}"})
            assignments.append(
                assign(f"a-{station}-{i}", f"{station}-{i}", station, "station_officer")
            )
    path = tmp_path / "data.yaml"
    path.write_text(
        yaml.safe_dump({"units": units, "people": people, "assignments": assignments}), "utf-8"
    )
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected
    found = {
        f.subject_id: (f.status.value, f.measured, f.required)
        for f in evaluate_both(policy, data, "2022").findings
    }
    assert found == {"s20": ("fail", 19, 20), "s10": ("pass", 10, 10), "s5": ("fail", 4, 5)}
    # A tag the policy does not declare is refused where it is written.
    undeclared = {**rule, "at_least": {"by_tag": {"chengguan": 20, "city": 10}}}
    with pytest.raises(PolicyError, match="unknown unit tag 'city'"):
        make_policy(tmp_path, [undeclared], vocabulary=STATION_CLASSES)


def test_a_sum_over_units_reaches_every_unit_below_by_default(tmp_path: Path) -> None:
    # The localities sit under the station's office, not under the station itself: reaching
    # only the station (or its children) would sum 0 residents and pass "at most 5000".
    rule = {
        "kind": "measure",
        "subject": STATION,
        "period": "year",
        "measure": {"sum": {"field": "population", "units": {"type": "locality"}}},
        "at_most": 5000,
    }
    units = [
        unit("st1", "station"),
        unit("o1", "office", "st1"),
        unit("l1", "locality", "o1", population=3000),
        unit("l2", "locality", "o1", population=3000),
    ]
    [found] = run_rule(tmp_path, rule, {"units": units}, "2022")
    assert (found.status.value, found.measured) == ("fail", 6000)


def test_an_attribute_measure_reads_the_attributes_the_policy_declares(tmp_path: Path) -> None:
    declared = {"unit_attributes": [{**_term("staff_quota"), "type": "integer"}]}
    rule = {
        "id": "r",
        "kind": "measure",
        "subject": STATION,
        "period": "year",
        "measure": {"attribute": "staff_quota"},
        "at_least": 10,
    }
    policy = make_policy(tmp_path, [rule], vocabulary=declared)
    path = tmp_path / "data.yaml"
    units = [
        unit("s1", "station", attributes={"staff_quota": 10}),
        unit("s2", "station", attributes={"staff_quota": 9}),
        unit("s3", "station"),
    ]
    path.write_text(yaml.safe_dump({"units": units}), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected
    found = statuses(list(evaluate_both(policy, data, "2022").findings))
    assert found == {
        ("s1", "2022"): "pass",
        ("s2", "2022"): "fail",
        ("s3", "2022"): "insufficient_data",
    }
    with pytest.raises(PolicyError, match="staff_quot"):
        make_policy(
            tmp_path, [{**rule, "measure": {"attribute": "staff_quot"}}], vocabulary=declared
        )
