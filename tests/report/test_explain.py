"""explain: each finding of one subject in words, with the records behind it.

A station leader asks why officer vc3 failed in August: the answer names the clause, the two
records of that month (date, unit, hours) and that one more day was needed.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import evaluate, examples, load_dataset, load_policy
from gridpolicing.cli.main import main
from gridpolicing.policy.models import Citation, Severity
from gridpolicing.report.explain import _to_pass, explain, to_text
from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.ranking_table import top_and_bottom

XINXIANG = ["--policy", "xinxiang-gaoxin-2016", "--data", str(examples.path("xinxiang-2016"))]


def test_a_failed_day_count_names_its_records_and_the_gap() -> None:
    policy = load_policy("xinxiang-gaoxin-2016")
    with load_dataset(examples.path("xinxiang-2016"), vocabulary=policy.vocabulary) as data:
        report = evaluate(policy, data, "2017-08", evidence="all")
        [e] = explain(report, data, "vc3", rule="contact-officer-monthly-days")
    assert e.finding.status is Status.failed
    assert e.quote == "包村民警每月到分包村工作不少于2个工作日"
    assert e.to_pass is not None
    assert e.to_pass.en == "1 more to pass (2 required, 1 found)"
    assert [(r.table, r.id, r.fields["unit"], r.hours) for r in e.records] == [
        ("activities", "act08262", "v10", 4.0),
        ("activities", "act08263", "v10", 4.0),
    ]
    assert e.records[0].fields["start"] == "2017-08-04 08:30"
    text = to_text([e], "vc3", "刘建国", "zh")
    assert "还差 1 才合格" in text
    assert "工作日志 act08262: 类型 safety_inspection, 人员 vc3, 单位 v10" in text


def test_the_cli_explains_one_subject(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["explain", *XINXIANG, "--period", "2017-08", "--subject", "vc3", "--lang", "zh"]
    assert main([*args, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["subject"] == {"id": "vc3", "name": "刘建国"}
    failed = [f for f in out["findings"] if f["status"] == "fail"]
    assert [f["rule"] for f in failed] == ["contact-officer-monthly-days"]
    assert failed[0]["to_pass"]["zh"] == "还差 1 才合格(要求 2,实际 1)"
    assert all(f["status"] == "pass" for f in out["findings"] if f not in failed)
    assert main([*args, "--rule", "contact-officer-monthly-days"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("vc3 刘建国\n")
    assert text.count("[不合格]") == 1
    assert "[合格]" not in text


def test_a_load_breach_is_said_in_its_own_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    data = str(examples.path("nanjing-2016"))
    args = ["explain", "--policy", "nanjing-2016", "--data", data, "--period", "2017-10"]
    assert (
        main([*args, "--subject", "r6", "--rule", "rural-community-officers", "--lang", "en"]) == 0
    )
    text = capsys.readouterr().out
    assert "every covering person exceeds 3 units each (person=units: o-rc=4)" in text
    assert "to pass" not in text  # measured 1 and required 1 say nothing of the gap
    assert "assignments as-010: role community_officer, person o-rc, unit r6" in text


def test_the_failures_table_shows_the_breach_not_a_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(examples.path("nanjing-2016"))
    args = ["evaluate", "--policy", "nanjing-2016", "--data", data, "--period", "2017-10"]
    assert main([*args, "--format", "table", "--fail-on", "none"]) == 0
    out = capsys.readouterr().out
    failures = out[out.index("failures (5)") :]
    header = next(line for line in failures.splitlines() if "rule" in line)
    assert "what is wrong" in header
    assert "measured" not in header
    assert "o-rc=4" in failures


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--subject", "nobody"], "--subject: the dataset has no unit or person 'nobody'"),
        (["--subject", "vc3", "--rule", "nope"], "--rule: policy xinxiang-gaoxin-2016 has no rule"),
    ],
)
def test_an_unknown_subject_or_rule_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    assert main(["explain", *XINXIANG, "--period", "2017-08", *option]) == 2
    assert message in capsys.readouterr().err


def _finding(status: Status, measured: float | None, required: float | None) -> Finding:
    day = dt.date(2022, 3, 1)
    return Finding(
        rule="r",
        kind="cadence",
        severity=Severity("major"),
        subject_type="person",
        subject_id="p1",
        bucket="2022-03",
        bucket_start=day,
        bucket_end=day,
        status=status,
        measured=measured,
        required=required,
        evidence=(),
        detail=None,
        citation=Citation(source="s", quote="条款"),
    )


_VALUE = st.integers(0, 1000).map(float)


@given(_VALUE, _VALUE)
def test_the_gap_to_passing_is_the_difference(measured: float, required: float) -> None:
    hint = _to_pass(_finding(Status.failed, measured, required))
    if measured == required:
        assert hint is None
    else:
        assert hint is not None
        gap = f"{abs(required - measured):g}"
        word = "more to pass" if measured < required else "too many"
        assert hint.en.startswith(f"{gap} {word}")
    assert _to_pass(_finding(Status.passed, measured, required)) is None


@given(st.lists(st.integers(), max_size=40), st.integers(1, 30))
def test_a_ranking_shows_its_top_and_bottom(rows: list[int], limit: int) -> None:
    top, hidden, bottom = top_and_bottom(rows, limit)
    assert len(top) + len(bottom) == min(limit, len(rows))
    assert (
        top + [None] * hidden + bottom
        == rows[: len(top)] + [None] * hidden + rows[len(rows) - len(bottom) :]
    )
    assert len(top) + hidden + len(bottom) == len(rows)


def test_the_screen_shows_the_most_severe_failures_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(examples.path("nanjing-2016"))
    args = ["evaluate", "--policy", "nanjing-2016", "--data", data, "--period", "2017-10"]
    assert main([*args, "--fail-on", "none", "--limit", "2", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    failures = " ".join(out[out.index("failures (5)") :].split())
    assert "... and 3 more (--limit shows more" in failures
    assert "joint-defence" not in failures.split("... and")[0]  # major, after the critical
