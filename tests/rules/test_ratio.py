"""ratio: heads required by a unit's households, population and rental rooms."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import PolicyError
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules.ratio import KIND, RatioRule
from tests.helpers import make_policy, run_rule, statuses

XINXIANG = {
    "kind": "ratio",
    "subject": {"units": {"type": "locality"}},
    "roles": ["auxiliary"],
    "employment": "full_time",
    "measures": [
        {"measure": "households", "per": 1000},
        {"measure": "population", "per": 3000},
        {"measure": "rental_rooms", "per": 200},
    ],
}


def _describe(tmp_path: Path, rule: dict[str, Any], finding: Finding) -> Text:
    spec = make_policy(tmp_path, [{"id": "r", **rule}]).rules[0]
    assert isinstance(spec, RatioRule)
    return KIND.describe(spec, finding)


def _unit(
    uid: str = "c1",
    households: int | None = 1000,
    population: int | None = 3000,
    rental_rooms: int | None = 200,
) -> dict[str, Any]:
    u: dict[str, Any] = {"id": uid, "type": "locality", "category": "urban_community"}
    for key, v in (
        ("households", households),
        ("population", population),
        ("rental_rooms", rental_rooms),
    ):
        if v is not None:
            u[key] = v
    return u


def _tables(
    units: list[dict[str, Any]],
    auxiliaries: int = 1,
    unit: str = "c1",
    employment: str = "full_time",
) -> dict[str, list[dict[str, Any]]]:
    return {
        "units": units,
        "people": [{"id": f"p{i}"} for i in range(auxiliaries)],
        "assignments": [
            {
                "id": f"a{i}",
                "person": f"p{i}",
                "unit": unit,
                "role": "auxiliary",
                "start": "2020-01-01",
                "employment": employment,
            }
            for i in range(auxiliaries)
        ],
    }


def test_exactly_at_every_standard_one_auxiliary_passes(tmp_path: Path) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables([_unit()]), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "pass"}
    assert (found[0].measured, found[0].required) == (1, 1)
    assert found[0].detail == "households=1000→1, population=3000→1, rental_rooms=200→1"


@pytest.mark.parametrize(
    "over", [{"households": 1001}, {"population": 3001}, {"rental_rooms": 201}]
)
def test_one_over_any_standard_needs_a_second(tmp_path: Path, over: dict[str, int]) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables([{**_unit(), **over}]), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "fail"}
    assert found[0].required == 2
    found = run_rule(tmp_path, XINXIANG, _tables([{**_unit(), **over}], auxiliaries=2), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "pass"}


def test_part_time_auxiliaries_do_not_count(tmp_path: Path) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables([_unit()], employment="part_time"), "2022-03")
    assert (found[0].status.value, found[0].measured) == ("fail", 0)


def test_combine_and_rounding(tmp_path: Path) -> None:
    unit = [_unit(households=2500, population=2000, rental_rooms=100)]  # 3, 1, 1 by ceil
    cases = [
        ({"combine": "max"}, 3),
        ({"combine": "min"}, 1),
        ({"combine": "sum"}, 5),
        ({"combine": "max", "rounding": "floor"}, 2),
        ({"combine": "sum", "rounding": "floor"}, 2),
    ]
    for extra, required in cases:
        found = run_rule(tmp_path, {**XINXIANG, **extra}, _tables(unit), "2022-03")
        assert found[0].required == required, extra


def test_missing_measure_is_insufficient_data(tmp_path: Path) -> None:
    found = run_rule(
        tmp_path, XINXIANG, _tables([_unit(population=None)], auxiliaries=5), "2022-03"
    )
    assert statuses(found) == {("c1", "2022-03"): "insufficient_data"}
    assert (found[0].measured, found[0].required) == (5, None)
    assert found[0].detail == "households=1000→1, population=?→?, rental_rooms=200→1"
    assert _describe(tmp_path, XINXIANG, found[0]).zh == (
        "[数据不足] 单位 c1,2022-03:在岗 5 人,缺少计算配备标准所需的数据"
        "(户数 1000→1, 人口 ?→?, 出租房屋间数 200→1)"
    )


def test_a_missing_measure_the_rule_does_not_use_is_fine(tmp_path: Path) -> None:
    rule = {**XINXIANG, "measures": [{"measure": "households", "per": 1000}]}
    found = run_rule(
        tmp_path, rule, _tables([_unit(population=None, rental_rooms=None)]), "2022-03"
    )
    assert statuses(found) == {("c1", "2022-03"): "pass"}


def test_dated_standard_not_yet_in_force_is_not_applicable(tmp_path: Path) -> None:
    rule = {
        **XINXIANG,
        "measures": [{"measure": "households", "per": {"values": {"2022-04-01": 500}}}],
    }
    found = run_rule(tmp_path, rule, _tables([_unit()]), "2022-03-01..2022-04-30")
    assert statuses(found) == {("c1", "2022-03"): "not_applicable", ("c1", "2022-04"): "fail"}
    assert found[1].required == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measures": [{"measure": "households", "per": 0}]}, "per: expected a number greater"),
        (
            {
                "measures": [
                    {"measure": "households", "per": 1},
                    {"measure": "households", "per": 2},
                ]
            },
            "each measure may be listed once",
        ),
        ({"combine": "mean"}, "combine"),
    ],
)
def test_invalid_rules_are_rejected(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        make_policy(tmp_path, [{"id": "r", **XINXIANG, **change}])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20_000), min_size=1, max_size=8))
def test_required_heads_are_ceil_and_monotone_in_households(households: list[int]) -> None:
    rule = {**XINXIANG, "measures": [{"measure": "households", "per": 1000}]}
    units = [_unit(f"u{i}", households=h) for i, h in enumerate(households)]
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), rule, _tables(units, auxiliaries=0), "2022-03")
    required = {f.subject_id: f.required for f in found if f.required is not None}
    assert len(required) == len(households)  # every unit has households, so none is NULL
    pairs = sorted((h, required[f"u{i}"]) for i, h in enumerate(households))
    assert all(r == math.ceil(h / 1000) for h, r in pairs)
    assert [r for _, r in pairs] == sorted(r for _, r in pairs)  # more households, never fewer
