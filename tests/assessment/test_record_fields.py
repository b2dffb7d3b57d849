"""Records filtered by their own fields (where:): a threshold, and a record's later state."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import Policy, PolicyError, evaluate, load_dataset, load_policy
from tests.assessment.test_attendance import auxiliaries, shift, sign
from tests.assessment.test_groups import doc_block, doc_table
from tests.helpers import make_dataset, make_policy


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def _example(tmp: Path) -> Policy:
    return _policy(tmp, doc_block("record-fields-example"))


def _tables(late: dict[str, list[int]], cases: dict[str, list[str]]) -> dict[str, Any]:
    """Auxiliaries late by the minutes listed (one shift a day from 1 March 2022), and
    communities with vicious cases resolved on the days listed (``open``: not resolved)."""
    t = auxiliaries(list(late))
    for pid, minutes in late.items():
        for day, m in enumerate(minutes, start=1):
            shift(t, pid, day)
            sign(t, pid, day, "in", f"{8 + m // 60:02d}:{m % 60:02d}")
            sign(t, pid, day, "out", "17:00")
    t["units"] += [{"id": c, "type": "locality", "category": "village"} for c in cases]
    t["incidents"] = [
        {"id": f"{c}-k{i}", "unit": c, "kind": "vicious_case", "date": f"2022-03-{i + 1:02d}",
         **({} if day == "open" else {"resolved": day})}
        for c, days in cases.items()
        for i, day in enumerate(days)
    ]  # fmt: skip
    return t


def _scores(tmp: Path, policy: Policy, tables: dict[str, Any]) -> dict[str, Any]:
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(policy, data, "2022-03")
    return {s.subject_id: s for s in report.assessment.scores}


def _lines(score: Any) -> dict[str, float]:
    return {line.item: line.points for item in score.items for line in item.lines}


def test_the_documented_examples_give_the_documented_tables(tmp_path: Path) -> None:
    policy = _example(tmp_path)
    late_rows = doc_table("auxiliary late by")
    case_rows = doc_table("community's cases resolved")
    late = {f"z{n}": [int(m) for m in r[0].split(", ")] for n, r in enumerate(late_rows)}
    cases = {f"v{n}": r[0].split(", ") for n, r in enumerate(case_rows)}
    scores = _scores(tmp_path, policy, _tables(late, cases))
    for n, r in enumerate(late_rows):
        s = scores[f"z{n}"]
        assert (_lines(s)["short"], _lines(s)["leaving-post"], s.total) == (
            float(r[1]),
            float(r[2]),
            float(r[3]),
        ), r
    for n, r in enumerate(case_rows):
        s = scores[f"v{n}"]
        assert (_lines(s)["unsolved"], _lines(s)["solved"], s.total) == (
            float(r[1]),
            float(r[2]),
            float(r[3]),
        ), r


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 90), min_size=0, max_size=5))
def test_two_complementary_lines_charge_every_late_record_exactly_once(minutes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        policy = _example(Path(tmp))
        scores = _scores(Path(tmp), policy, _tables({"z": minutes}, {}))
    lines = _lines(scores["z"])
    short, long = sum(m <= 30 for m in minutes), sum(m > 30 for m in minutes)
    assert (lines["short"], lines["leaving-post"]) == (-3.0 * short, -5.0 * long)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.one_of(st.just("open"), st.integers(-10, 10)), min_size=1, max_size=4))
def test_a_case_is_solved_when_resolved_by_the_periods_last_day(
    resolved: list[str | int],
) -> None:
    """Offsets from 31 March: a case resolved on or before it is solved in March, after not."""
    end = dt.date(2022, 3, 31)
    days = [r if r == "open" else (end + dt.timedelta(days=int(r))).isoformat() for r in resolved]
    with tempfile.TemporaryDirectory() as tmp:
        policy = _example(Path(tmp))
        scores = _scores(Path(tmp), policy, _tables({}, {"v": days}))
    solved = sum(r != "open" and int(r) <= 0 for r in resolved)
    lines = _lines(scores["v"])
    # at most 4 cases: 20 points, under the group's cap of 30
    assert (lines["solved"], lines["unsolved"]) == (-3.0 * solved, -5.0 * (len(resolved) - solved))


def _rule(where: str, records: str = "attendance", kinds: list[str] | None = None) -> Any:
    return {
        "id": "r",
        "kind": "measure",
        "subject": {"people": {"roles": ["auxiliary"]}},
        "period": "month",
        "measure": {"count": {"records": {records: kinds or ["late"], "where": where}}},
        "at_most": 0,
    }


def test_an_unknown_field_is_a_load_error_at_its_character_naming_the_fields(
    tmp_path: Path,
) -> None:
    with pytest.raises(PolicyError) as exc:
        make_policy(tmp_path, [_rule("minuts > 30")])
    [problem] = exc.value.problems
    assert problem.path == "rules[r].measure.count.records.where"
    assert "unknown column 'minuts' (did you mean 'minutes'?)" in problem.message
    assert "date, kind, minutes, party, person, shift, unit" in problem.message
    text = (tmp_path / "policy.yaml").read_text("utf-8").splitlines()
    line = text[problem.line - 1]
    assert line[problem.column - 1 :].startswith("minuts > 30")


def test_a_where_reads_the_fields_of_its_own_table(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="unknown column 'minutes'"):
        make_policy(tmp_path, [_rule("minutes > 30", "tasks", ["case_investigation"])])
    with pytest.raises(PolicyError, match="expected a condition"):
        make_policy(tmp_path, [_rule("minutes + 1")])
    make_policy(tmp_path, [_rule("not solved", "incidents", ["partial_conduct"])])


def test_a_record_the_condition_cannot_decide_for_counts(tmp_path: Path) -> None:
    """A late record has minutes; an absence has none, so a condition on minutes cannot decide
    for it, and it counts rather than being spared."""
    policy = make_policy(tmp_path, [_rule("minutes > 30", kinds=["late", "absent"])])
    t = auxiliaries(["p"])
    shift(t, "p", 1)  # absent: no minutes
    shift(t, "p", 2)
    sign(t, "p", 2, "in", "08:10")  # late by 10: decided, not counted
    sign(t, "p", 2, "out", "17:00")
    report = evaluate(policy, make_dataset(tmp_path, t), "2022-03")
    [finding] = report.findings
    assert (finding.status.value, finding.measured) == ("fail", 1.0)


def test_a_where_on_activities_reads_each_record(tmp_path: Path) -> None:
    rule = {
        "id": "r",
        "kind": "measure",
        "subject": {"people": {"roles": ["auxiliary"]}},
        "period": "month",
        "measure": {
            "count": {"records": {"activities": ["patrol"], "where": "households_visited >= 2"}}
        },
        "at_least": 3,
    }
    policy = make_policy(tmp_path, [rule])
    t = auxiliaries(["p"])
    t["activities"] = [
        {"id": f"v{h}", "person": "p", "unit": "c1", "kind": "patrol", "households_visited": h,
         "start": f"2022-03-0{h + 1} 09:00", "end": f"2022-03-0{h + 1} 10:00"}
        for h in range(4)
    ]  # fmt: skip
    report = evaluate(policy, make_dataset(tmp_path, t), "2022-03")
    [finding] = report.findings
    assert (finding.status.value, finding.measured) == ("fail", 2.0)
    assert sorted(finding.evidence) == ["v2", "v3"]


def test_the_where_is_kept_when_a_child_policy_extends_the_scheme(tmp_path: Path) -> None:
    parent = doc_block("record-fields-example")
    (tmp_path / "parent.yaml").write_text(yaml.safe_dump(parent, allow_unicode=True), "utf-8")
    child = copy.deepcopy({k: parent[k] for k in ("jurisdiction", "title")})
    child |= {"id": "child", "extends": "parent.yaml", "rules": []}
    (tmp_path / "child.yaml").write_text(yaml.safe_dump(child, allow_unicode=True), "utf-8")
    policy = load_policy(tmp_path / "child.yaml")
    scheme = next(s for s in policy.assessment.schemes if s.id == "cases")  # type: ignore[union-attr]
    [group] = scheme.items
    assert [line.from_records.where.text for line in group.lines] == ["not solved", "solved"]
