"""Schemes and roll-ups on periods of the policy's own (26th to 25th), end to end."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from gridpolicing import Policy, PolicyError, evaluate, load_dataset, load_policy
from tests.assessment.test_groups import doc_block, doc_table


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def _data(tmp: Path, policy: Policy, late_on: list[str]) -> Any:
    tables = {
        "units": [{"id": "c1", "type": "locality", "category": "urban_community"}],
        "people": [{"id": "x1"}],
        "assignments": [
            {"id": "a1", "person": "x1", "unit": "c1", "role": "auxiliary", "start": "2021-01-01"}
        ],
        "incidents": [
            {"id": f"l{i}", "person": "x1", "kind": "late_arrival", "date": day}
            for i, day in enumerate(late_on)
        ],
    }
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected, [str(r) for r in data.rejected]
    return data


def test_the_documented_days_fall_in_the_documented_periods(tmp_path: Path) -> None:
    policy = _policy(tmp_path, doc_block("periods-example"))
    for day, month, year in doc_table("late arrival on"):
        report = evaluate(policy, _data(tmp_path, policy, [day]), year)
        totals = {s.bucket: s.total for s in report.assessment.scores}
        assert len(totals) == 12, day  # a year of twelve 26th-to-25th months
        assert totals.pop(month) == 97, day
        assert set(totals.values()) == {100}, day
        (rolled,) = report.assessment.rollups
        assert (rolled.bucket, rolled.periods) == (year, 12)
        assert rolled.score == pytest.approx(100 - 3 / 12)


def test_a_run_over_one_period_scores_exactly_it(tmp_path: Path) -> None:
    policy = _policy(tmp_path, doc_block("periods-example"))
    data = _data(tmp_path, policy, ["2022-01-25", "2022-01-26", "2022-02-25", "2022-02-26"])
    report = evaluate(policy, data, "2022-01-26..2022-02-25")
    assert [(s.bucket, s.total) for s in report.assessment.scores] == [
        ("2022-01-26..2022-02-25", 94)
    ]


def test_a_calendar_month_run_scores_the_period_ending_inside_it(tmp_path: Path) -> None:
    policy = _policy(tmp_path, doc_block("periods-example"))
    data = _data(tmp_path, policy, ["2022-01-20", "2022-02-01"])
    report = evaluate(policy, data, "2022-02")
    assert [(s.bucket, s.total) for s in report.assessment.scores] == [
        ("2022-01-26..2022-02-25", 97)
    ]
    # Data from 1 February only: the run cannot see 26-31 January, so no score (never a 100).
    report = evaluate(policy, _data(tmp_path, policy, ["2022-02-01"]), "2022-02")
    assert report.assessment.scores == ()


def _rolled_up_by(period: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc_block("periods-example"))
    doc["assessment"]["schemes"][0]["rollup"]["period"] = period
    return doc


def test_a_rollup_that_cuts_the_scheme_periods_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        _policy(tmp_path, _rolled_up_by("year"))
    (problem,) = caught.value.problems
    text = str(problem)
    assert "policy.yaml:" in text
    assert "schemes[monthly]" in text
    assert "roll-up period year does not hold whole periods" in text
    assert "{months: 1, starts: 26}" in text


def test_a_rollup_of_whole_periods_loads(tmp_path: Path) -> None:
    for period in ({"months": 12, "starts": "12-26"}, {"months": 3, "starts": 26}):
        assert _policy(tmp_path, _rolled_up_by(period)).assessment is not None


def test_a_rule_with_a_period_of_its_own_is_a_located_error(tmp_path: Path) -> None:
    doc = copy.deepcopy(doc_block("periods-example"))
    doc["rules"] = [
        {
            "id": "patrols",
            "kind": "measure",
            "title": {"zh": "每月巡逻", "en": "Monthly patrols"},
            "severity": "minor",
            "subject": {"people": {"roles": ["auxiliary"]}},
            "period": {"months": 1, "starts": 26},
            "measure": {"count": {"records": {"activities": ["patrol"]}}},
            "at_least": 4,
            "citation": {"source": "aux-month", "quote": "每月巡逻不少于4次"},
        }
    ]
    with pytest.raises(PolicyError) as caught:
        _policy(tmp_path, doc)
    (problem,) = caught.value.problems
    assert "rules[patrols].period" in str(problem)
    assert "assessment schemes and roll-ups only" in str(problem)
    assert problem.line is not None
