"""Per-event deductions (from_records): every record of the period counted, with escalation."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import Policy, PolicyError, evaluate, load_dataset, load_policy
from tests.assessment.test_groups import doc_block, doc_table


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def discipline_tables(incidents: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """Auxiliaries in community c1 with (left the post, slept) incidents in March 2022."""
    people, assignments, records = [], [], []
    for pid, (left, slept) in incidents.items():
        people.append({"id": pid})
        assignments.append(
            {
                "id": f"a-{pid}",
                "person": pid,
                "unit": "c1",
                "role": "auxiliary",
                "start": "2021-01-01",
            }
        )
        for kind, n in (("left_post", left), ("slept_on_duty", slept)):
            for i in range(n):
                records.append(
                    {
                        "id": f"{pid}-{kind}-{i}",
                        "person": pid,
                        "kind": kind,
                        "date": f"2022-03-{i + 1:02d}",
                    }
                )
    return {
        "units": [{"id": "c1", "type": "locality", "category": "urban_community"}],
        "people": people,
        "assignments": assignments,
        "incidents": records,
    }


def _data(tmp: Path, policy: Policy, incidents: dict[str, tuple[int, int]]) -> Any:
    tables = discipline_tables(incidents)
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected, [str(r) for r in data.rejected]
    return data


def _scores(policy: Policy, data: Any) -> dict[str, tuple[float, dict[str, float]]]:
    report = evaluate(policy, data, "2022-03")
    return {
        s.subject_id: (s.total, {i.item: i.points for i in s.items})
        for s in report.assessment.scores
    }


def test_the_documented_example_gives_the_documented_table(tmp_path: Path) -> None:
    policy = _policy(tmp_path, doc_block("discipline-example"))
    rows = doc_table("auxiliary")
    incidents = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    found = _scores(policy, _data(tmp_path, policy, incidents))
    for r in rows:
        total, items = found[r[0]]
        assert (items["left-post"], items["slept"], total) == (
            float(r[3]),
            float(r[4]),
            float(r[5]),
        ), r
    report = evaluate(policy, _data(tmp_path, policy, incidents), "2022-03")
    [x3] = [s for s in report.assessment.scores if s.subject_id == "x3"]
    [left] = [i for i in x3.items if i.item == "left-post"]
    assert left.explanation.en == ("4 record(s), each costing more: 1 + 2 + 5 + 5 = 13 points lost")
    assert left.evidence == tuple(f"x3-left_post-{i}" for i in range(4))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=2, max_size=2))
def test_more_records_never_raise_a_score(counts: list[tuple[int, int]]) -> None:
    (a_left, a_slept), (more_left, more_slept) = counts
    with tempfile.TemporaryDirectory() as tmp:
        policy = _policy(Path(tmp), doc_block("discipline-example"))
        data = _data(
            Path(tmp),
            policy,
            {"few": (a_left, a_slept), "many": (a_left + more_left, a_slept + more_slept)},
        )
        found = _scores(policy, data)
    assert found["many"][0] <= found["few"][0]
    assert found["many"][1]["slept"] >= -6  # the cap holds


def test_a_records_item_takes_one_way_to_charge(tmp_path: Path) -> None:
    doc = doc_block("discipline-example")
    item = doc["assessment"]["schemes"][0]["items"][0]
    item["from_records"] = {"incidents": ["left_post"], "per_record": 1, "escalation": [1]}
    with pytest.raises(PolicyError, match="expected exactly one of per_record, escalation"):
        _policy(tmp_path, doc)
    item["from_records"] = {"incidents": ["left_post"], "escalation": [1, 0]}
    with pytest.raises(PolicyError, match="every escalation step must be greater than 0"):
        _policy(tmp_path, doc)
