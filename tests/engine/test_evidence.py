"""Evidence on demand: failing findings list the same records as when every finding lists them.

The rule tests (tests/helpers.py ``run_rule``) evaluate every case both ways; these tests add the
bundled policies on synthetic jurisdictions, the records a failing finding's scoped second pass
must still find (one starting before the bucket, one logged in a unit by someone else), the
assessment, and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.cli.main import cli
from gridpolicing.errors import UsageError
from gridpolicing.synth import generate
from tests.helpers import evaluate_both, make_dataset, make_policy

PROFILES = {
    "xindu-2022": ("chengdu-xindu-2022", "2022-Q1"),
    "xinjin-2022": ("chengdu-xinjin-2022", "2022-Q1"),
    "xinxiang-2016": ("xinxiang-gaoxin-2016", "2017-Q1"),
    "nanjing-2016": ("nanjing-2016", "2017-Q1"),
}


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_bundled_policies_give_the_same_findings_and_failing_evidence(
    tmp_path: Path, profile: str
) -> None:
    policy_id, period = PROFILES[profile]
    generate(profile, 0.1, 3, tmp_path, period=period, activities=8_000)
    policy, data = load_policy(policy_id), load_dataset(tmp_path)
    report = evaluate_both(policy, data, period)
    failing = [f for f in report.findings if f.status.value == "fail"]
    assert any(f.evidence for f in failing)  # the comparison compared something
    lazy = evaluate(policy, data, period)
    # The assessment does not depend on evidence: same scores, ranks and consequences.
    scores = [(s.subject_id, s.bucket, s.total, s.rank) for s in lazy.assessment.scores]
    assert scores == [(s.subject_id, s.bucket, s.total, s.rank) for s in report.assessment.scores]
    assert lazy.to_dict()["evidence"] == "failing"
    assert report.to_dict()["evidence"] == "all"


OFFICER = {
    "units": [
        {"id": "st", "name": "派出所", "type": "station"},
        {
            "id": "c1",
            "name": "社区一",
            "type": "locality",
            "category": "urban_community",
            "area": "urban",
            "parent": "st",
        },
    ],
    "people": [{"id": "p1", "name": "张警官"}, {"id": "p2", "name": "李辅警"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c1",
            "role": "community_officer",
            "start": "2021-01-01",
        },
        {
            "id": "a2",
            "person": "p2",
            "unit": "c1",
            "role": "auxiliary",
            "start": "2021-01-01",
        },
    ],
}


def act(i: int, person: str, start: str, end: str, kind: str = "household_visit") -> dict[str, str]:
    return {"id": f"x{i}", "person": person, "unit": "c1", "kind": kind, "start": start, "end": end}


def test_a_record_begun_before_the_failing_bucket_is_in_its_evidence(tmp_path: Path) -> None:
    # Sunday 13 March 22:00 to Monday 02:00 puts 2 h into W11, which fails its 24 h.
    rule = {
        "id": "hours",
        "kind": "time_commitment",
        "period": "week",
        "min_hours": 24,
        "subject": {"people": {"roles": ["community_officer"]}},
    }
    tables = {
        **OFFICER,
        "activities": [
            act(0, "p1", "2022-03-13 22:00:00", "2022-03-14 02:00:00"),
            act(1, "p1", "2022-03-15 09:00:00", "2022-03-15 10:00:00"),
        ],
    }
    data = make_dataset(tmp_path, tables)
    assert not data.rejected
    report = evaluate(make_policy(tmp_path, [rule]), data, "2022-03")
    found = {f.bucket: f for f in report.findings}
    assert (found["2022-W11"].status.value, found["2022-W11"].measured) == ("fail", 3.0)
    assert found["2022-W11"].evidence == ("x0", "x1")
    assert found["2022-W10"].evidence == ("x0",)  # W10 fails too (2 h)
    assert found["2022-W12"].evidence == ()  # nothing logged: nothing to list


def test_a_units_failing_evidence_lists_everyones_records_in_it(tmp_path: Path) -> None:
    rule = {
        "id": "visits",
        "kind": "cadence",
        "period": "month",
        "min_count": 3,
        "subject": {"units": {"type": "locality", "category": ["urban_community"]}},
        "count": {"activities": ["household_visit"]},
    }
    tables = {
        **OFFICER,
        "activities": [
            act(0, "p1", "2022-03-02 09:00:00", "2022-03-02 10:00:00"),
            act(1, "p2", "2022-03-03 09:00:00", "2022-03-03 10:00:00"),
        ],
    }
    policy, data = make_policy(tmp_path, [rule]), make_dataset(tmp_path, tables)
    assert not data.rejected
    [finding] = evaluate_both(policy, data, "2022-03").findings
    assert (finding.status.value, finding.evidence) == ("fail", ("x0", "x1"))


def test_passing_findings_list_evidence_only_when_asked(tmp_path: Path) -> None:
    rule = {
        "id": "visits",
        "kind": "cadence",
        "period": "month",
        "min_count": 1,
        "subject": {"units": {"type": "locality", "category": ["urban_community"]}},
        "count": {"activities": ["household_visit"]},
    }
    tables = {**OFFICER, "activities": [act(0, "p1", "2022-03-02 09:00:00", "2022-03-02 10:00:00")]}
    policy, data = make_policy(tmp_path, [rule]), make_dataset(tmp_path, tables)
    assert not data.rejected
    [lazy] = evaluate(policy, data, "2022-03").findings
    [full] = evaluate(policy, data, "2022-03", evidence="all").findings
    assert (lazy.status.value, lazy.evidence, full.evidence) == ("pass", (), ("x0",))
    with pytest.raises(UsageError, match="evidence must be one of failing, all"):
        evaluate(policy, data, "2022-03", evidence="some")  # type: ignore[arg-type]
    path = tmp_path / "data.yaml"
    args = [
        "evaluate",
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--data",
        str(path),
        "--period",
        "2022-03",
        "--format",
        "json",
    ]
    for flag, expected in (([], []), (["--evidence", "all"], ["x0"])):
        result = CliRunner().invoke(cli, [*args, *flag])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["findings"][0]["evidence"] == expected
        assert doc["evidence"] == ("all" if flag else "failing")
