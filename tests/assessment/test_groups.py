"""Item groups: lines under one row's cap (扣完为止) and a veto on their deductions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import PolicyError, evaluate, load_policy
from gridpolicing.assessment.models import Item
from gridpolicing.assessment.result import ItemScore
from gridpolicing.assessment.scoring import group_score, item_points, rule_raw
from gridpolicing.policy.values import Text
from tests.assessment.test_schemes import HOURS_RULE, scheme
from tests.helpers import make_dataset, make_policy

DOC = Path(__file__).resolve().parents[2] / "docs" / "assessment.md"
WEEKS = ["2022-03-07", "2022-03-14", "2022-03-21"]  # W10-W12, wholly in March


def doc_block(policy_id: str) -> dict[str, Any]:
    """The YAML block of docs/assessment.md holding the policy ``policy_id``."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), re.S)
    (block,) = [b for b in blocks if f"id: {policy_id}\n" in b]
    doc = yaml.safe_load(block)
    assert isinstance(doc, dict)
    return doc


def doc_table(first_heading: str) -> list[list[str]]:
    """The rows of the markdown table of docs/assessment.md whose heading starts so."""
    lines = DOC.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_heading} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def officers(
    short_weeks: dict[str, int],
    households: dict[str, int],
    names: dict[str, str] | None = None,
    station: str = "",
) -> dict[str, Any]:
    """Officers who work 24 h in each week of W10-W12 except their first ``short_weeks``."""
    units: list[dict[str, Any]] = [{"id": "st", "type": "station", "name": station}]
    people, assignments, acts = [], [], []
    for n, pid in enumerate(short_weeks):
        units.append({"id": f"c{n}", "type": "locality", "station": "st"})
        people.append({"id": pid, "name": (names or {}).get(pid, pid)})
        assignments.append(
            {
                "id": f"a{n}",
                "person": pid,
                "unit": f"c{n}",
                "role": "community_officer",
                "start": "2020-01-01",
            }
        )
        for w, monday in enumerate(WEEKS):
            days = 1 if w < short_weeks[pid] else 3  # 8 h or 24 h that week
            for d in range(days):
                day = f"{monday[:-2]}{int(monday[-2:]) + d:02d}"
                acts.append(
                    {
                        "id": f"v-{pid}-{w}-{d}",
                        "person": pid,
                        "unit": f"c{n}",
                        "kind": "household_visit",
                        "start": f"{day} 08:00",
                        "end": f"{day} 16:00",
                        "households_visited": households[pid] if (w, d) == (0, 0) else 0,
                    }
                )
    return {"units": units, "people": people, "assignments": assignments, "activities": acts}


def run_doc(tmp_path: Path, doc: dict[str, Any], tables: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "groups-example.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    data = make_dataset(tmp_path, tables)
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(load_policy(path), data, "2022-03")
    return {s.subject_id: s for s in report.assessment.scores}


def test_the_worked_example_gives_the_table_printed_there(tmp_path: Path) -> None:
    rows = doc_table("officer | weeks short")
    assert [r[0] for r in rows] == ["wang", "li", "zhao"]
    short = {r[0]: int(r[1]) for r in rows}
    households = {r[0]: int(r[2]) for r in rows}
    result = run_doc(tmp_path, doc_block("groups-example"), officers(short, households))
    for name, _, _, hours, visits, deducted, duty, total, status in rows:
        (group,) = result[name].items
        lines = {line.item: line.points for line in group.lines}
        got = (lines["hours"], lines["visits"], group.deducted, group.points)
        assert got == (float(hours), float(visits), float(deducted), float(duty)), name
        assert (result[name].total, result[name].status) == (float(total), status), name
    assert result["zhao"].vetoes == ("item:duty",)


def test_the_group_lists_its_lines_in_the_json_report(tmp_path: Path) -> None:
    tables = officers({"zhao": 3}, {"zhao": 10})
    result = run_doc(tmp_path, doc_block("groups-example"), tables)
    item = result["zhao"].to_dict()["items"][0]
    assert (item["item"], item["points"], item["raw"], item["deducted"]) == ("duty", -20, -30, 30)
    assert [line["item"] for line in item["lines"]] == ["hours", "visits"]
    assert "本项至多扣 20 分(扣完为止)" in item["explanation"]["zh"]


def test_without_the_veto_the_deductions_stop_at_the_cap_and_nothing_vetoes(
    tmp_path: Path,
) -> None:
    doc = doc_block("groups-example")
    doc["assessment"]["schemes"][0]["vetoes"] = [
        {"item": "duty", "deductions_reach": 31, "result": "unqualified"}
    ]
    result = run_doc(tmp_path, doc, officers({"zhao": 3}, {"zhao": 10}))
    assert (result["zhao"].total, result["zhao"].status) == (80, "scored")


def group_of(lines: list[dict[str, Any]], **bounds: Any) -> dict[str, Any]:
    return {"id": "duty", "title": {"zh": "纪律", "en": "duty"}, "lines": lines, **bounds}


LINE = {
    "id": "late",
    "title": {"zh": "迟到", "en": "late"},
    "from_rule": {"rule": "hours", "per_fail": 5},
}


def test_a_group_needs_a_bound(tmp_path: Path) -> None:
    sch = scheme(items=[group_of([LINE])])
    with pytest.raises(PolicyError) as exc:
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    assert "assessment.schemes[monthly].items[duty]: an item group needs max_deduction or " in str(
        exc.value
    )


def test_a_line_id_may_not_repeat_an_item_id(tmp_path: Path) -> None:
    line = {**LINE, "id": "visits"}
    sch = scheme()
    sch["items"].append(group_of([line], max_deduction=10))
    with pytest.raises(PolicyError, match="item and line ids must be unique within a scheme"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})


def test_a_line_naming_an_unknown_rule_is_located(tmp_path: Path) -> None:
    line = {**LINE, "from_rule": {"rule": "nope", "per_fail": 5}}
    sch = scheme(items=[group_of([line], max_deduction=10)])
    with pytest.raises(PolicyError) as exc:
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    assert (
        "assessment.schemes[monthly].items[duty].lines[late].from_rule.rule: "
        "unknown rule 'nope'; expected one of: hours"
    ) in str(exc.value)


def test_deductions_reach_needs_an_item(tmp_path: Path) -> None:
    sch = scheme(vetoes=[{"rule": "hours", "deductions_reach": 5}])
    with pytest.raises(PolicyError, match="deductions_reach needs an item"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})


# Properties -------------------------------------------------------------------------------

bounds = st.one_of(st.none(), st.floats(0, 50, allow_nan=False))
coefficient = st.floats(0, 20, allow_nan=False)


@st.composite
def groups(draw: st.DrawFn) -> tuple[Item, list[tuple[int, int]]]:
    """A group of rule lines with drawn coefficients and bounds, and (passes, fails) per line."""
    n = draw(st.integers(1, 4))
    lines = []
    for i in range(n):
        per_pass, per_fail = draw(coefficient), draw(st.floats(0.1, 20, allow_nan=False))
        lines.append(
            {
                "id": f"l{i}",
                "title": {"zh": "l", "en": "l"},
                "from_rule": {"rule": "r", "per_pass": per_pass, "per_fail": per_fail},
                "max_points": draw(bounds),
                "max_deduction": draw(bounds),
            }
        )
    cap = draw(st.floats(0, 50, allow_nan=False))
    group = Item.model_validate(group_of(lines, max_deduction=cap, max_points=draw(bounds)))
    counts = [(draw(st.integers(0, 5)), draw(st.integers(0, 5))) for _ in range(n)]
    return group, counts


def score(group: Item, counts: list[tuple[int, int]]) -> ItemScore:
    scored = []
    for line, (passes, fails) in zip(group.lines or [], counts, strict=True):
        assert line.from_rule is not None
        raw = rule_raw(line.from_rule, line.max_points, passes, fails)
        scored.append(ItemScore(line.id, item_points(line, raw), raw, Text(zh="x", en="x"), ()))
    return group_score(group, scored)


@given(groups())
def test_a_group_never_deducts_past_its_cap(drawn: tuple[Item, list[tuple[int, int]]]) -> None:
    group, counts = drawn
    assert group.max_deduction is not None
    assert score(group, counts).points >= -group.max_deduction


@given(groups(), st.data())
def test_more_violation_records_never_raise_a_groups_points(
    drawn: tuple[Item, list[tuple[int, int]]], data: st.DataObject
) -> None:
    group, counts = drawn
    which = data.draw(st.integers(0, len(counts) - 1))
    more = list(counts)
    more[which] = (counts[which][0], counts[which][1] + data.draw(st.integers(1, 5)))
    before, after = score(group, counts), score(group, more)
    assert after.points <= before.points
    assert after.deducted >= before.deducted
