"""Tables the rules of one evaluation share (subjects, activity aggregates) change no finding.

Rules of the same subjects and period read one table of subjects (EngineState.shared_relation);
each rule evaluated alone builds its own. Both must give the same findings, evidence included.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.report.report import Report
from gridpolicing.synth import generate

PROFILES = {
    "xinjin-2022": ("chengdu-xinjin-2022", "2022-Q1"),
    "nanjing-2016": ("nanjing-2016", "2017-Q1"),
}


def _rows(report: Report) -> list[tuple[object, ...]]:
    return sorted(
        (
            f.rule,
            f.subject_type,
            f.subject_id,
            f.bucket,
            f.status.value,
            f.measured,
            f.required,
            f.evidence,
            f.detail,
        )
        for f in report.findings
    )


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_rule_alone_gives_its_findings_of_the_whole_policy(
    tmp_path: Path, profile: str
) -> None:
    policy_id, period = PROFILES[profile]
    generate(profile, 0.1, 5, tmp_path, period=period, activities=6_000)
    data = load_dataset(tmp_path)
    # without the assessment: its schemes would make a lone rule judge other buckets
    policy = dataclasses.replace(load_policy(policy_id), assessment=None)
    whole = _rows(evaluate(policy, data, period))
    alone = sorted(
        row
        for rule in policy.rules
        for row in _rows(evaluate(dataclasses.replace(policy, rules=(rule,)), data, period))
    )
    assert whole == alone
    assert len({r[0] for r in whole}) > 3  # several rules were compared
    subjects = [(r.period, r.subject) for r in policy.rules if hasattr(r, "period")]
    assert len(set(map(repr, subjects))) < len(subjects)  # and some share their subjects
