"""validate and test speak the formats CI systems read: SARIF, GitHub annotations, JUnit.

Each problem and each failed case is reported at the file, line and column a person goes to.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.cli.main import main
from gridpolicing.testing.annotations import Annotation, github
from tests.cli.test_commands import GOOD_POLICY, ONE_CASE_FAILS

BROKEN = GOOD_POLICY.replace("severity: major", "severity: mayor", 1)
CASES = ONE_CASE_FAILS


def _broken(tmp_path: Path) -> tuple[Path, int, int]:
    """A policy with one wrong value, and the line and column of that value."""
    path = tmp_path / "p.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    lines = BROKEN.splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "mayor" in text)
    return path, line, lines[line - 1].index("mayor") + 1


def test_validate_sarif_points_at_the_wrong_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, line, column = _broken(tmp_path)
    assert main(["validate", str(path), "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "gridpolicing"
    [result] = run["results"]
    assert result["ruleId"] == "invalid-policy"
    assert result["level"] == "error"
    assert "severity" in result["message"]["text"]
    [location] = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == path.as_uri()
    assert physical["region"] == {"startLine": line, "startColumn": column}
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {result["ruleId"]}


def test_validate_github_annotates_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, line, column = _broken(tmp_path)
    assert main(["validate", str(path), "--format", "github"]) == 1
    [out] = capsys.readouterr().out.splitlines()
    head = f"::error file={path},line={line},col={column},title=gridpolicing invalid-policy::"
    assert out.startswith(head)
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    assert main(["validate", str(path), "--format", "github"]) == 0
    assert capsys.readouterr().out == "\n"  # nothing to annotate


def test_a_failed_case_is_annotated_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    test = tmp_path / "p.test.yaml"
    test.write_text(CASES, encoding="utf-8")
    case_line = CASES.splitlines().index("  - name: wrongly expects a pass") + 1
    assert main(["test", str(tmp_path), "--format", "sarif"]) == 1
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["ruleId"] == "test-failed"
    assert result["message"]["text"].startswith("wrongly expects a pass: ")
    assert "expected pass, found fail" in result["message"]["text"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": case_line}
    assert main(["test", str(tmp_path), "--format", "github"]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"::error file={test},line={case_line},title=gridpolicing test-failed::")


def test_junit_has_file_line_errors_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.yaml").write_text(GOOD_POLICY, encoding="utf-8")
    test = tmp_path / "p.test.yaml"
    test.write_text(CASES, encoding="utf-8")
    junit = tmp_path / "out" / "junit.xml"
    assert main(["test", str(tmp_path), "-k", "wrongly", "--junit", str(junit)]) == 1
    capsys.readouterr()
    [suite] = ET.fromstring(junit.read_text(encoding="utf-8"))
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    assert suite.get("errors") == "0"
    cases = {c.get("name"): c for c in suite}
    assert cases["wrongly expects a pass"].get("line") == str(
        CASES.splitlines().index("  - name: wrongly expects a pass") + 1
    )
    assert cases["no hours fails"].find("skipped") is not None
    assert {c.get("file") for c in suite} == {str(test)}
    assert cases["wrongly expects a pass"].find("failure") is not None
    assert list(cases["policy test coverage"]) == []  # coverage counts the cases -k left out


def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


@given(st.text(), st.text())
def test_github_commands_survive_any_file_name_and_message(file: str, message: str) -> None:
    [line] = github([Annotation("test-failed", file, 3, 4, message)]).split("\n")
    head, _, data = line.partition("::error ")[2].partition("::")
    assert _unescape(data) == message
    props = dict(p.split("=", 1) for p in head.split(","))
    assert _unescape(props["file"]) == file
    assert (props["line"], props["col"]) == ("3", "4")
