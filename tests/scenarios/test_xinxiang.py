"""The Xinxiang 2016 example scenario finds exactly its two documented violations.

It also shows why the ratio rule's reading matters: on the same data, the most lenient standard
(``combine: min``) lets the rental-heavy community pass, and the standards added up
(``combine: sum``) fail every urban community.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import gridpolicing
from gridpolicing import Dataset, Policy, Report, Status

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "examples" / "xinxiang-2016"
MONTHS = [f"2017-{m:02d}" for m in range(1, 13)]
URBAN_COMMUNITIES = {f"c{n:02d}" for n in range(1, 11)}


def _spec() -> dict[str, str]:
    spec: dict[str, str] = yaml.safe_load((SCENARIO / "scenario.yaml").read_text("utf-8"))
    return spec


@pytest.fixture(scope="module")
def policy() -> Policy:
    return gridpolicing.load_policy(_spec()["policy"])


@pytest.fixture(scope="module")
def data() -> Dataset:
    dataset = gridpolicing.load_dataset(SCENARIO / _spec()["data"])
    assert dataset.rejected == ()
    return dataset


@pytest.fixture(scope="module")
def report(policy: Policy, data: Dataset) -> Report:
    return gridpolicing.evaluate(policy, data, str(_spec()["period"]))


def _with_combine(policy: Policy, combine: str) -> Policy:
    """The policy with the auxiliary ratio's standards joined another way."""
    rules = tuple(
        r.model_copy(update={"combine": combine}) if r.id == "urban-auxiliary-ratio" else r
        for r in policy.rules
    )
    return dataclasses.replace(policy, rules=rules)


def _ratio_failures(report: Report) -> set[str]:
    return {f.subject_id for f in report.failures() if f.rule == "urban-auxiliary-ratio"}


def test_scenario_file_is_complete() -> None:
    spec = _spec()
    assert {"title", "policy", "data", "period", "expect"} <= set(spec)
    assert spec["policy"] == "xinxiang-gaoxin-2016"
    assert str(spec["period"]) == "2017"
    assert "\n" not in spec["title"].strip()
    assert "\n" not in spec["expect"].strip()


def test_only_the_documented_violations_fail(report: Report) -> None:
    failed = {(f.rule, f.subject_id, f.bucket) for f in report.failures()}
    assert failed == {
        *(("urban-auxiliary-ratio", "c02", m) for m in MONTHS),
        ("contact-officer-monthly-days", "vc3", "2017-08"),
    }


def test_violation_details(report: Report) -> None:
    by_key = {(f.rule, f.subject_id, f.bucket): f for f in report.findings}
    ratio = by_key[("urban-auxiliary-ratio", "c02", "2017-06")]
    assert (ratio.measured, ratio.required) == (2, 3)
    assert ratio.detail == "households=1800→2, population=5100→2, rental_rooms=420→3"
    days = by_key[("contact-officer-monthly-days", "vc3", "2017-08")]
    assert (days.measured, days.required) == (1, 2)
    assert by_key[("contact-officer-monthly-days", "vc3", "2017-07")].status is Status.passed


def test_no_critical_failure(report: Report) -> None:
    assert report.summary()["failed_by_severity"] == {"critical": 0, "major": 13, "minor": 0}
    assert report.worst_failed_severity() == "major"


def test_every_other_rule_passes_everywhere(report: Report) -> None:
    statuses: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        statuses[f.rule].add(f.status.value)
    # the model-office goal is 2016's (年内): not in force in the scenario's 2017
    assert [s.rule for s in report.skipped] == ["two-model-offices-a-year"]
    assert set(statuses) == {r.id for r in report.policy.rules} - {"two-model-offices-a-year"}
    violated = {"urban-auxiliary-ratio", "contact-officer-monthly-days"}
    for rule, seen in statuses.items():
        if rule in violated:
            assert seen == {"pass", "fail"}, rule
        elif rule in ("weekly-hours-in-community", "in-area-every-working-day"):
            assert seen == {"pass", "not_applicable"}
        else:
            assert seen == {"pass"}, rule
    # the only weeks not judged: c08's officers changed over in the middle of 2017-W26, and
    # 2017-W40 (the National Day holiday) asks no working day of anyone
    partial = {
        (f.rule, f.subject_id, f.bucket)
        for f in report.findings
        if f.status is Status.not_applicable
    }
    changeover = {("co07", "2017-W26"), ("co11", "2017-W26")}
    weekly = ("weekly-hours-in-community", "in-area-every-working-day")
    assert {(s, b) for r, s, b in partial if r == weekly[0]} == changeover
    holiday = {(s, b) for r, s, b in partial if r == weekly[1]} - changeover
    assert {b for _, b in holiday} == {"2017-W40"}
    assert {r for r, _, _ in partial} <= set(weekly)


def test_dated_auxiliary_rules_apply_from_2017(policy: Policy, data: Dataset) -> None:
    before = gridpolicing.evaluate(policy, data, "2016-12")
    dated = {"urban-auxiliary-ratio", "village-auxiliary"}
    seen = {f.status for f in before.findings if f.rule in dated}
    assert seen == {Status.not_applicable}


def test_ratio_reading_changes_the_outcome(policy: Policy, data: Dataset, report: Report) -> None:
    period = str(_spec()["period"])
    strictest = _ratio_failures(report)
    most_lenient = _ratio_failures(
        gridpolicing.evaluate(_with_combine(policy, "min"), data, period)
    )
    added_up = _ratio_failures(gridpolicing.evaluate(_with_combine(policy, "sum"), data, period))
    # the policy's reading: 420 rental rooms call for a third auxiliary in c02
    assert strictest == {"c02"}
    # one per 1000 households or 3000 residents suffices: c02's two auxiliaries pass
    assert most_lenient == set()
    # the three standards added up: no urban community has enough
    assert added_up == URBAN_COMMUNITIES


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xinxiang_generate", SCENARIO / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_is_what_generate_writes() -> None:
    rendered: dict[str, str] = _generator().render(_generator().build())
    committed = {p.name: p.read_text(encoding="utf-8") for p in (SCENARIO / "data").glob("*.csv")}
    assert committed == rendered
