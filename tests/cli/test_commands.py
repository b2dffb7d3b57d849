"""The command line: exit codes, streams and machine-readable output."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gridpolicing.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
BAD_POLICY = """\
id: bad
jurisdiction: 测试区
title: {zh: 坏, en: bad}
sources: [{id: s, title: t, issuer: i}]
rules:
  - id: hours
    kind: time_commitment
    title: {zh: 时间, en: hours}
    severity: huge
    subject: {people: {roles: [community_officer]}}
    period: week
    min_hours: three
    citation: {source: s, quote: 条款}
"""
DATA = """\
units: [{id: c1, type: locality, category: urban_community}]
people: [{id: p1}, {id: p2}]
assignments:
  - {id: a1, person: p1, unit: c1, role: community_officer, start: 2020-01-01}
  - {id: a2, person: p2, unit: c1, role: community_officer, start: 2020-13-01}
activities:
  - {id: x1, person: p1, unit: c1, kind: patrol, start: "2022-03-07 08:00", end: "2022-03-07 09:00"}
"""
GOOD_POLICY = BAD_POLICY.replace("severity: huge", "severity: major").replace(
    "min_hours: three", "min_hours: 24"
)


def test_validate_reports_every_problem_with_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_POLICY, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:9:15: rules[hours].severity:" in err
    assert f"{path}:12:16: rules[hours].min_hours:" in err
    assert main(["validate", "--format", "json", str(path)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False
    assert [(p["line"], p["column"]) for p in out["files"][0]["problems"]] == [(9, 15), (12, 16)]


def test_validate_bundled_policies_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "policies")]) == 0


def test_evaluate_lists_rejected_rows_evaluates_the_rest_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    (tmp_path / "d.yaml").write_text(DATA, encoding="utf-8")
    args = [
        "evaluate",
        "--policy",
        str(tmp_path / "p.yaml"),
        "--data",
        str(tmp_path / "d.yaml"),
        "--period",
        "2022-W10",
        "--format",
        "json",
    ]
    assert main(args) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [r["field"] for r in report["dataset"]["rejected"]] == ["start"]
    assert "d.yaml:5: assignments (id a2).start" in captured.err
    assert [(f["subject"]["id"], f["status"]) for f in report["findings"]] == [("p1", "fail")]
    assert main([*args, "--allow-rejected"]) == 0
    assert main([*args, "--allow-rejected", "--fail-on", "major"]) == 1
    assert main([*args, "--allow-rejected", "--fail-on", "critical"]) == 0


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    (tmp_path / "d.yaml").write_text(DATA, encoding="utf-8")
    assert (
        main(
            [
                "evaluate",
                "--policy",
                str(tmp_path / "p.yaml"),
                "--data",
                str(tmp_path / "d.yaml"),
                "--period",
                "last month",
            ]
        )
        == 2
    )
    assert "period 'last month' is not understood" in capsys.readouterr().err
    assert main(["no-such-command"]) == 2
    assert main(["evaluate"]) == 2


def test_an_internal_error_exits_3_and_asks_for_a_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("gridpolicing.cli.validate.load_policy", boom)
    assert main(["validate", str(ROOT / "policies")]) == 3
    err = capsys.readouterr().err
    assert "this is a bug in gridpolicing" in err
    assert "kaboom" in err


def test_python_dash_m_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gridpolicing", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "Exit codes: 0 ok, 1 invalid input" in done.stdout


# A test file of GOOD_POLICY whose second case fails (expects a pass where the rule fails).
ONE_CASE_FAILS = textwrap.dedent("""\
    policy: p.yaml
    base_data:
      units: [{id: c1, type: locality}]
      people: [{id: p1}]
      assignments: [{id: a1, person: p1, unit: c1, role: community_officer, start: 2020-01-01}]
    cases:
      - name: no hours fails
        period: 2022-W10
        expect: [{rule: hours, subject: p1, status: fail}]
      - name: wrongly expects a pass
        period: 2022-W10
        expect: [{rule: hours, subject: p1, status: pass}]
    """)


def test_policy_test_command_writes_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    (tmp_path / "p.test.yaml").write_text(ONE_CASE_FAILS, encoding="utf-8")
    junit = tmp_path / "out.xml"
    assert main(["test", str(tmp_path), "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "1 passed, 1 failed"
    xml = junit.read_text(encoding="utf-8")
    assert 'tests="3" failures="1"' in xml
    assert "expected pass, found fail" in xml


def test_render_html_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "chengdu-xindu-2022", "--lang", "en"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# ")
    assert "## Clauses not encoded" in md
    assert main(["render", "chengdu-xindu-2022", "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_a_draft_source_is_rendered_as_a_draft(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "nanjing-2016", "--lang", "en"]) == 0
    assert "**consultation draft, not the text as issued**" in capsys.readouterr().out
    assert main(["render", "nanjing-2016", "--lang", "zh"]) == 0
    assert "**征求意见稿,非正式印发文本**" in capsys.readouterr().out
    assert main(["render", "chengdu-xindu-2022", "--lang", "en"]) == 0
    assert "consultation draft" not in capsys.readouterr().out


def test_policy_tests_can_say_a_unit_is_not_a_subject_and_write_bare_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    (tmp_path / "p.test.yaml").write_text(
        textwrap.dedent("""\
        policy: p.yaml
        base_data:
          units: [{id: c1, type: locality}]
          people: [{id: p1}, {id: p2}]
          assignments:
            - {id: a1, person: p1, unit: c1, role: community_officer, start: 2020-01-01}
            - {id: a2, person: p2, unit: c1, role: auxiliary, start: 2020-01-01}
        cases:
          - name: an auxiliary is not held to the officers' hours; a bare year is a period
            period: 2022
            expect:
              - {rule: hours, subject: p1, bucket: 2022-W10, status: fail}
              - {rule: hours, subject: p2, absent: true}
          - name: an officer is a subject
            period: 2022-W10
            expect: [{rule: hours, subject: p1, absent: true}]
        """),
        encoding="utf-8",
    )
    assert main(["test", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert (
        "expected no finding (not a subject), found 2022-W10: fail" in captured.out + captured.err
    )
    assert captured.out.splitlines()[-1] == "1 passed, 1 failed (1 file problem(s))"
    # a test file beside the policy is not validated as a policy
    assert main(["validate", str(tmp_path)]) == 0
