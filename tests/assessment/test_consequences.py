"""Declared consequences: amounts by grade and by tier, actions, failed periods, ties."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from gridpolicing import PolicyError, evaluate, load_policy
from gridpolicing.assessment.consequences import Consequence, apply_consequences
from gridpolicing.assessment.ranking import Placing, finish_scheme, roll_up
from gridpolicing.report.ranking_table import print_assessment
from gridpolicing.report.report import Report
from tests.assessment.test_grades import MONTHS, QUARTER, month_row
from tests.assessment.test_groups import doc_block, doc_table, officers
from tests.assessment.test_schemes import HOURS_RULE, scheme
from tests.helpers import make_dataset, make_policy


def report_of(tmp_path: Path) -> Report:
    for name in ("grades-example", "consequences-example"):
        text = yaml.safe_dump(doc_block(name), allow_unicode=True)
        (tmp_path / f"{name}.yaml").write_text(text, "utf-8")
    rows = doc_table("officer | households | weeks short")
    tables = officers({r[0]: int(r[2]) for r in rows}, {r[0]: int(r[1]) for r in rows})
    policy = load_policy(tmp_path / "consequences-example.yaml")
    return evaluate(policy, make_dataset(tmp_path, tables), "2022-03")


def test_the_worked_example_gives_the_table_printed_there(tmp_path: Path) -> None:
    report = report_of(tmp_path)
    results = {s.subject_id: s for s in report.assessment.scores}
    for name, rank, grade, consequences, amount in doc_table(
        "officer | rank | grade | consequences | amount"
    ):
        s = results[name]
        got = (s.rank, s.grade, [a.id for a in s.applied], sum(a.amount or 0 for a in s.applied))
        expected = [c.strip() for c in consequences.split(",") if c.strip()]
        assert got == (int(rank), grade, expected, float(amount)), name
    assert results["zhang"].tied_cutoffs == ("tier:performance-bonus",)
    assert results["sun"].applied[0].action == "notice"
    doc = results["li"].to_dict()
    assert doc["amount"] == 1600
    assert doc["applied_consequences"][1] == {
        "id": "performance-bonus",
        "title": {"zh": "绩效奖金(第1档)", "en": "Performance bonus (tier 1)"},
        "amount": 600,
        "action": None,
    }


def test_the_table_shows_the_consequences(tmp_path: Path) -> None:
    console = Console(record=True, width=160, color_system=None, file=io.StringIO())
    print_assessment(report_of(tmp_path), console, 50, "zh")
    lines = console.export_text().splitlines()
    assert "奖惩" in next(line for line in lines if "名次" in line)
    li = next(line for line in lines if " li " in line and "2022-03" not in line)
    assert "评为优秀的奖励1000元 ¥1000" in li
    assert any("绩效奖金(第1档) ¥600" in line for line in lines)


def test_two_failed_months_bring_the_dismissal(tmp_path: Path) -> None:
    assessment = report_of(tmp_path).policy.assessment
    assert assessment is not None
    sch = assessment.schemes[0]
    assert sch.rollup is not None
    rows = [
        month_row("a", 50, m, st_)
        for m, st_ in zip(MONTHS, ["unqualified", "unqualified", "scored"], strict=True)
    ] + [month_row("b", 50, m, "scored") for m in MONTHS]
    year = {
        r.subject_id: r for r in roll_up(sch, sch.rollup, finish_scheme(sch, rows), QUARTER, {})
    }
    assert [(a.id, a.action) for a in year["a"].applied] == [("dismissal", "dismissal")]
    assert year["a"].grade == "incompetent"
    assert year["b"].applied == ()


CONSEQUENCE = {"id": "c", "title": {"zh": "奖", "en": "award"}}


@pytest.mark.parametrize(
    ("consequences", "message"),
    [
        (
            [{**CONSEQUENCE, "grades": ["great"], "amount": 1}],
            "consequence 'c' names unknown grades great",
        ),
        (
            [{**CONSEQUENCE, "failed_periods": 2, "action": "notice"}],
            "failed_periods applies to roll-ups only",
        ),
        ([{**CONSEQUENCE, "grades": ["pass"]}], "expected an amount or an action"),
        (
            [{**CONSEQUENCE, "tiers": [{"share": 0.5, "amount": 1}, {"share": 0.2, "amount": 2}]}],
            "tier shares must grow from the first tier to the last",
        ),
        ([{**CONSEQUENCE, "grades": ["pass"], "action": "fine"}], "input should be"),
    ],
)
def test_consequences_that_cannot_be_meant_are_errors(
    tmp_path: Path, consequences: list[dict[str, Any]], message: str
) -> None:
    sch = scheme(consequences=consequences)
    with pytest.raises(PolicyError) as exc:
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    assert message in str(exc.value)


def test_tiers_need_a_ranking(tmp_path: Path) -> None:
    sch = scheme(consequences=[{**CONSEQUENCE, "tiers": [{"share": 0.5, "amount": 1}]}])
    del sch["ranking"]
    with pytest.raises(PolicyError, match="consequences by tier need a ranking"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})


TIERS = Consequence.model_validate(
    {**CONSEQUENCE, "tiers": [{"share": 0.2, "amount": 300}, {"share": 0.5, "amount": 100}]}
)


@given(st.integers(1, 20), st.data())
def test_a_better_place_never_brings_a_smaller_tier_and_ties_share_it(
    size: int, data: st.DataObject
) -> None:
    rank = data.draw(st.integers(1, size))
    shared = data.draw(st.integers(1, size - rank + 1))
    worse = data.draw(st.integers(rank, size))

    def amount(r: int, s: int) -> float:
        applied, _ = apply_consequences([TIERS], "x", Placing(r, size, s), None, True)
        return sum(a.amount or 0 for a in applied)

    assert amount(rank, shared) >= amount(worse, 1)
    assert amount(rank, shared) == amount(rank, shared)  # every tied subject: the same placing
    applied, _ = apply_consequences([TIERS], "x", Placing(rank, size, shared), None, False)
    assert applied == ()
