"""Assessment schemes end to end: items, totals, vetoes, grades, rankings and roll-ups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridpolicing import PolicyError, evaluate
from gridpolicing.assessment.result import SubjectScore
from tests.helpers import make_dataset, make_policy

HOURS_RULE = {
    "id": "hours",
    "kind": "time_commitment",
    "period": "week",
    "min_hours": 10,
    "subject": {"people": {"roles": ["community_officer"]}},
}
STAFF_RULE = {
    "id": "staffed",
    "kind": "staffing",
    "roles": ["community_officer"],
    "min_people": 1,
    "subject": {"units": {"type": "locality"}},
}


def scheme(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "monthly",
        "title": {"zh": "月度考核", "en": "monthly assessment"},
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "month",
        "base_score": 60,
        "floor": 0,
        "cap": 100,
        "citation": {"source": "test-source", "quote": "测试条款"},
        "items": [
            {
                "id": "hours",
                "title": {"zh": "工作时间", "en": "hours"},
                "from_rule": {"rule": "hours", "per_pass": 5, "per_fail": 10},
                "max_points": 20,
                "max_deduction": 20,
            },
            {
                "id": "visits",
                "title": {"zh": "走访", "en": "visits"},
                "from_metric": {
                    "activities": ["household_visit"],
                    "measure": "households",
                    "per_unit": 0.5,
                },
                "max_points": 10,
            },
            {
                "id": "composite",
                "title": {"zh": "综合评分", "en": "composite"},
                "from_assessors": {"weights": {"station": 0.5, "street": 0.3, "community": 0.2}},
                "max_points": 10,
            },
        ],
        "grades": {"bands": {"excellent": 90, "good": 75, "pass": 60}, "default": "fail"},
        "ranking": {"scope": "all", "by_role": True},
    }
    base.update(over)
    return base


def people_tables(
    hours: dict[str, list[float]],
    households: dict[str, int] | None = None,
    scores: list[dict[str, Any]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Officers p* in community c*, each logging the given hours per week of March 2022."""
    units = [{"id": "st", "type": "station"}]
    people, assignments, acts = [], [], []
    weeks = ["2022-03-07", "2022-03-14", "2022-03-21"]  # W10-W12 lie wholly in March
    for n, (pid, per_week) in enumerate(sorted(hours.items())):
        units.append({"id": f"c{n}", "type": "locality", "station": "st"})
        people.append({"id": pid})
        assignments.append(
            {
                "id": f"a{n}",
                "person": pid,
                "unit": f"c{n}",
                "role": "community_officer",
                "start": "2020-01-01",
            }
        )
        for w, (day, h) in enumerate(zip(weeks, per_week, strict=False)):
            acts.append(
                {
                    "id": f"x-{pid}-{w}",
                    "person": pid,
                    "unit": f"c{n}",
                    "kind": "household_visit",
                    "start": f"{day} 08:00",
                    "end": f"{day} {8 + int(h):02d}:00",
                    "households_visited": (households or {}).get(pid, 0) if w == 0 else 0,
                }
            )
    return {
        "units": units,
        "people": people,
        "assignments": assignments,
        "activities": acts,
        "assessor_scores": scores or [],
    }


def run(
    tmp_path: Path,
    sch: dict[str, Any],
    tables: dict[str, Any],
    period: str = "2022-03",
    rules: list[dict[str, Any]] | None = None,
) -> dict[str, SubjectScore]:
    policy = make_policy(tmp_path, rules or [HOURS_RULE], assessment={"schemes": [sch]})
    data = make_dataset(tmp_path, tables)
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(policy, data, period)
    return {s.subject_id: s for s in report.assessment.scores}


def test_items_total_and_explanations(tmp_path: Path) -> None:
    scores = [
        {
            "id": "s1",
            "assessor": "station",
            "person": "p1",
            "item": "composite",
            "date": "2022-03-31",
            "score": 10,
        },
        {
            "id": "s2",
            "assessor": "street",
            "person": "p1",
            "item": "composite",
            "date": "2022-03-31",
            "score": 5,
        },
        {
            "id": "s3",
            "assessor": "community",
            "person": "p1",
            "item": "composite",
            "date": "2022-03-31",
            "score": 0,
        },
    ]
    result = run(tmp_path, scheme(), people_tables({"p1": [10, 10, 9]}, {"p1": 12}, scores))
    p1 = result["p1"]
    items = {i.item: i for i in p1.items}
    assert items["hours"].raw == 5 + 5 - 10
    assert items["visits"].points == 6
    assert items["composite"].points == pytest.approx(10 * 0.5 + 5 * 0.3)
    assert p1.total == pytest.approx(60 + 0 + 6 + 6.5)
    assert p1.grade == "pass"
    assert "2 passed × 5 − 1 failed × 10 = 0 points" in items["hours"].explanation.en
    assert items["hours"].evidence == (
        "hours@2022-W10:pass",
        "hours@2022-W11:pass",
        "hours@2022-W12:fail",
    )


def test_deductions_stop_at_the_item_limit(tmp_path: Path) -> None:
    # three failed weeks would cost 30, but the item can lose at most 20 (扣完为止)
    result = run(tmp_path, scheme(), people_tables({"p1": [1, 1, 1]}))
    items = {i.item: i for i in result["p1"].items}
    assert (items["hours"].raw, items["hours"].points) == (-30, -20)
    assert result["p1"].total == 40


def test_a_deduction_item_without_max_deduction_deducts_in_full(tmp_path: Path) -> None:
    # an absent bound is no bound: three failed weeks at 30 each lose all 90 points
    sch = scheme(floor=None)
    del sch["items"][0]["max_deduction"]
    sch["items"][0]["from_rule"]["per_fail"] = 30
    result = run(tmp_path, sch, people_tables({"p1": [1, 1, 1]}))
    items = {i.item: i for i in result["p1"].items}
    assert (items["hours"].raw, items["hours"].points) == (-90, -90)
    assert result["p1"].total == 60 - 90


def test_an_item_veto_needs_the_items_max_deduction(tmp_path: Path) -> None:
    # without a lower bound the item is never exhausted, so the veto could never apply
    sch = scheme(vetoes=[{"item": "visits"}])
    with pytest.raises(PolicyError, match="veto on item 'visits' needs the item's max_deduction"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})


def test_missing_assessor_is_named_and_weights_rescaled(tmp_path: Path) -> None:
    scores = [
        {
            "id": "s1",
            "assessor": "station",
            "person": "p1",
            "item": "composite",
            "date": "2022-03-31",
            "score": 8,
        }
    ]
    result = run(tmp_path, scheme(), people_tables({"p1": [10, 10, 10]}, scores=scores))
    composite = next(i for i in result["p1"].items if i.item == "composite")
    assert composite.points == 8
    assert "no score from community, street; weights rescaled" in composite.explanation.en


def test_a_failed_veto_rule_vetoes_whatever_the_total(tmp_path: Path) -> None:
    sch = scheme(
        subject={"units": {"type": "locality"}},
        items=[
            {
                "id": "staff",
                "title": {"zh": "配备", "en": "staffing"},
                "from_rule": {"rule": "staffed", "per_pass": 40},
                "max_points": 40,
            }
        ],
        vetoes=[{"rule": "staffed", "result": "vetoed"}],
    )
    tables = people_tables({"p1": [10, 10, 10]})
    tables["units"].append({"id": "empty", "type": "locality", "station": "st"})
    result = run(tmp_path, sch, tables, rules=[HOURS_RULE, STAFF_RULE])
    assert result["c0"].status == "scored"
    assert result["c0"].total == 100
    assert (result["empty"].status, result["empty"].grade) == ("vetoed", "vetoed")
    assert result["empty"].vetoes == ("rule:staffed",)
    assert result["c0"].rank == 1
    assert result["empty"].rank == 2  # vetoed subjects rank last


def test_rank_quota_grades_the_top_share(tmp_path: Path) -> None:
    hours = {"p1": [10, 10, 10], "p2": [10, 10, 1], "p3": [10, 1, 1], "p4": [1, 1, 1]}
    sch = scheme(
        grades={
            "quotas": [{"grade": "excellent", "share": 0.25}],
            "bands": {"good": 60, "pass": 45},
            "default": "fail",
        }
    )
    result = run(tmp_path, sch, people_tables(hours))
    assert [result[p].grade for p in ("p1", "p2", "p3", "p4")] == [
        "excellent",
        "good",
        "pass",
        "fail",
    ]


def test_yearly_rollup_with_rewards_sanctions_and_overrides(tmp_path: Path) -> None:
    sch = scheme(
        items=[
            {
                "id": "hours",
                "title": {"zh": "时间", "en": "hours"},
                "from_rule": {"rule": "hours", "per_pass": 5, "per_fail": 5},
                "max_points": 20,
                "max_deduction": 20,
            }
        ],
        rollup={
            "period": "quarter",
            "combine": "mean",
            "reward_top": 1,
            "sanction_bottom": 1,
            "unsatisfactory_after_failed": 2,
            "grades": {"bands": {"excellent": 70, "good": 60}, "default": "poor"},
        },
    )
    tables = people_tables({"p1": [10, 10, 10], "p2": [10, 10, 1], "p3": [1, 1, 1]})
    policy = make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    data = make_dataset(tmp_path, tables)
    report = evaluate(policy, data, "2022-Q1")
    roll = {r.subject_id: r for r in report.assessment.rollups}
    assert roll["p1"].periods == 3  # January, February, March
    assert roll["p1"].rank == 1
    assert "reward" in roll["p1"].consequences
    assert "admonishment_talk" in roll["p3"].consequences
    assert roll["p3"].rank == 3


def test_unknown_rule_in_an_item_is_a_policy_error(tmp_path: Path) -> None:
    sch = scheme(
        items=[
            {
                "id": "x",
                "title": {"zh": "x", "en": "x"},
                "from_rule": {"rule": "nope", "per_pass": 1},
            }
        ]
    )
    with pytest.raises(PolicyError, match="unknown rule 'nope'; expected one of: hours"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})


def test_an_item_with_two_sources_is_a_policy_error(tmp_path: Path) -> None:
    sch = scheme()
    sch["items"][0]["from_metric"] = {"activities": ["patrol"], "per_unit": 1}
    with pytest.raises(PolicyError, match="expected exactly one of from_rule, from_metric"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})


def test_several_rollups_quarters_and_year(tmp_path: Path) -> None:
    sch = scheme(
        items=[
            {
                "id": "hours",
                "title": {"zh": "时间", "en": "hours"},
                "from_rule": {"rule": "hours", "per_pass": 5},
                "max_points": 20,
            }
        ],
        rollup={"period": "quarter", "combine": "mean"},
        rollups=[{"period": "half_year", "combine": "sum"}],
    )
    tables = people_tables({"p1": [10, 10, 10]})
    policy = make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    report = evaluate(policy, make_dataset(tmp_path, tables), "2022-H1")
    keys = sorted((r.bucket, r.periods) for r in report.assessment.rollups)
    assert keys == [("2022-H1", 6), ("2022-Q1", 3), ("2022-Q2", 3)]


def test_two_rollups_with_one_period_are_a_policy_error(tmp_path: Path) -> None:
    sch = scheme(rollup={"period": "year"}, rollups=[{"period": "year"}])
    with pytest.raises(PolicyError, match="two roll-ups of one scheme have the same period"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
