"""The Nanjing 2016 example scenario finds exactly its two documented violations."""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

import gridpolicing
from gridpolicing import Report, Status

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "examples" / "nanjing-2016"


@pytest.fixture(scope="module")
def report() -> Report:
    spec = yaml.safe_load((SCENARIO / "scenario.yaml").read_text(encoding="utf-8"))
    assert spec["policy"] == "nanjing-2016"
    policy = gridpolicing.load_policy(spec["policy"])
    data = gridpolicing.load_dataset(SCENARIO / spec["data"])
    assert data.rejected == ()
    return gridpolicing.evaluate(policy, data, str(spec["period"]))


def test_scenario_file_is_complete() -> None:
    spec = yaml.safe_load((SCENARIO / "scenario.yaml").read_text(encoding="utf-8"))
    assert {"title", "policy", "data", "period", "expect"} <= set(spec)
    assert str(spec["period"]) == "2017-10"


def test_only_the_documented_violations_fail(report: Report) -> None:
    failed: dict[str, set[str]] = defaultdict(set)
    for f in report.failures():
        failed[f.rule].add(f.subject_id)
    assert dict(failed) == {
        "rural-community-officers": {"r6", "r7", "r8", "r9"},
        "joint-defence-per-community": {"u4"},
    }


def test_violation_details(report: Report) -> None:
    by_key = {(f.rule, f.subject_id): f for f in report.findings}
    rural = by_key[("rural-community-officers", "r6")]
    assert rural.detail == "o-rc=4"
    assert rural.status is Status.failed
    assert by_key[("rural-community-officers", "r5")].status is Status.passed
    jd = by_key[("joint-defence-per-community", "u4")]
    assert (jd.measured, jd.required) == (1, 2)


def test_every_other_rule_passes_everywhere(report: Report) -> None:
    statuses: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        statuses[f.rule].add(f.status.value)
    ruled = {r.id for r in report.policy.rules}
    yearly = {"city-funding-per-officer", "district-funding-per-officer"}
    assert {s.rule for s in report.skipped} == yearly
    assert set(statuses) == ruled - yearly
    for rule, seen in statuses.items():
        if rule not in {"rural-community-officers", "joint-defence-per-community"}:
            assert seen == {"pass"}, rule
    summary = report.summary()
    assert summary["failed_by_severity"] == {"critical": 4, "major": 1, "minor": 0}


def test_yearly_funding_is_met_over_2017() -> None:
    policy = gridpolicing.load_policy("nanjing-2016")
    data = gridpolicing.load_dataset(SCENARIO / "data.yaml")
    rep = gridpolicing.evaluate(policy, data, "2017")
    funding = [f for f in rep.findings if f.rule.endswith("funding-per-officer")]
    assert len(funding) == 14
    assert all(f.status.value == "pass" and f.measured == 5000 for f in funding)


def test_data_is_what_generate_writes() -> None:
    spec = importlib.util.spec_from_file_location("nanjing_generate", SCENARIO / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = yaml.safe_load((SCENARIO / "data.yaml").read_text(encoding="utf-8"))
    assert committed == module.build()
