"""The presets mean what their measure rules say: on random small deployments, each preset and
the ``measure`` rule written out for it give the same status and measured value per subject
and bucket (docs/policy-language.md, "The presets in measure terms")."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from gridpolicing import evaluate
from tests.helpers import make_policy
from tests.monitor.world import BOTH, CO, LOCALITIES, PERIOD, VCO, load_world, worlds

PAIRS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"kind": "time_commitment", "subject": CO, "period": "week", "min_hours": 2},
        {
            "kind": "measure",
            "subject": CO,
            "period": "week",
            "measure": {"hours": {}},
            "at_least": 2,
        },
    ),
    (
        {
            "kind": "time_commitment",
            "subject": BOTH,
            "period": "month",
            "min_working_days": 1,
            "activity_kinds": ["household_visit", "patrol"],
        },
        {
            "kind": "measure",
            "subject": BOTH,
            "period": "month",
            "measure": {"working_days": {"activities": ["household_visit", "patrol"]}},
            "at_least": 1,
        },
    ),
    (
        {"kind": "time_commitment", "subject": VCO, "period": "week", "min_days": 1},
        {
            "kind": "measure",
            "subject": VCO,
            "period": "week",
            "measure": {"days": {}},
            "at_least": 1,
        },
    ),
    (
        {
            "kind": "cadence",
            "subject": VCO,
            "period": "week",
            "count": {"activities": ["dispute_screening"]},
            "min_count": 1,
        },
        {
            "kind": "measure",
            "subject": VCO,
            "period": "week",
            "measure": {"count": {"records": {"activities": ["dispute_screening"]}}},
            "at_least": 1,
        },
    ),
    (
        {
            "kind": "cadence",
            "subject": LOCALITIES,
            "period": "week",
            "count": {"activities": ["household_visit", "patrol"]},
            "min_count": 1,
        },
        {
            "kind": "measure",
            "subject": LOCALITIES,
            "period": "week",
            "measure": {"count": {"records": {"activities": ["household_visit", "patrol"]}}},
            "at_least": 1,
        },
    ),
    (
        {
            "kind": "cadence",
            "subject": BOTH,
            "period": "month",
            "count": {"meetings": ["village_council"]},
            "min_count": 1,
        },
        {
            "kind": "measure",
            "subject": BOTH,
            "period": "month",
            "measure": {"count": {"records": {"meetings": ["village_council"]}}},
            "at_least": 1,
        },
    ),
    (
        {
            "kind": "cadence",
            "subject": LOCALITIES,
            "period": "month",
            "count": {"reports": ["work_report"]},
            "min_count": 1,
        },
        {
            "kind": "measure",
            "subject": LOCALITIES,
            "period": "month",
            "measure": {"count": {"records": {"reports": ["work_report"]}}},
            "at_least": 1,
        },
    ),
]

RULES = [
    {"id": f"{side}-{i}", **rule}
    for i, pair in enumerate(PAIRS)
    for side, rule in zip(("preset", "measure"), pair, strict=True)
]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=worlds())
def test_each_preset_equals_its_measure_rule(tables: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        policy = make_policy(Path(tmp), RULES)
        report = evaluate(policy, load_world(Path(tmp), tables), PERIOD, evidence="all")
    by_rule: dict[str, dict[tuple[str, str], tuple[str, float | None, tuple[str, ...]]]] = {}
    for f in report.findings:
        measured = None if f.measured is None else round(f.measured, 9)
        by_rule.setdefault(f.rule, {})[(f.subject_id, f.bucket)] = (
            f.status.value,
            measured,
            f.evidence,
        )
    for i in range(len(PAIRS)):
        assert by_rule.get(f"preset-{i}", {}) == by_rule.get(f"measure-{i}", {}), PAIRS[i]
