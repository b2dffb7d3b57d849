"""The oracle: evaluate a generated dataset with its policy and compare failures with truth."""

from __future__ import annotations

from pathlib import Path

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.synth import Truth


def failing(out: Path, truth: Truth) -> set[tuple[str, str, str]]:
    """(rule, subject, bucket) of every failing finding of the rules the truth describes."""
    dataset = load_dataset(out)
    assert not dataset.rejected, [str(r) for r in dataset.rejected[:5]]
    report = evaluate(load_policy(truth.policy), dataset, truth.period)
    rules = [r.id for r in report.policy.rules]
    described = set(truth.rules)
    return {
        (rules[row["rule_index"]], row["subject_id"], row["bucket"])
        for row in report.findings_table.to_pylist()
        if row["status"] == "fail" and rules[row["rule_index"]] in described
    }


def check(out: Path, truth: Truth) -> None:
    """Precision and recall 1.0: the failures are exactly the recorded violations."""
    found = failing(out, truth)
    expected = set(truth.expected())
    assert found - expected == set(), f"not injected but failing: {sorted(found - expected)[:10]}"
    assert expected - found == set(), f"injected but not failing: {sorted(expected - found)[:10]}"
