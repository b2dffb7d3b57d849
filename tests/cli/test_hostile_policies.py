"""Hostile policies and policy tests at the command line: exit 1 with a place, never 3 or a hang."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gridpolicing.cli.main import main
from tests.cli.test_commands import GOOD_POLICY
from tests.policy.test_yamlsrc import BOMB

POLICY = GOOD_POLICY.replace("id: bad", "id: p")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    started = time.perf_counter()
    code = main(args)
    assert time.perf_counter() - started < 20
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (BOMB, "too large: more than 100,000 values once aliases are expanded"),
        ("a: " + "[" * 500 + "]" * 500, "too deep: nested more than 64 levels"),
        ("a: &x [1, *x]\n", "alias *x refers to the node that contains it"),
        ("? [a, !!python/name:os.system b]\n: 1\n", "a key must be a plain name"),
        (POLICY.replace("min_hours: 24", "min_hours: .inf"), "not a finite number"),
        (POLICY.replace("min_hours: 24", "min_hours: 1e309"), "out of range for a number"),
        (POLICY.replace("min_hours: 24", f"min_hours: {'7' * 5000}"), "is out of range"),
        (POLICY.replace("min_hours: 24", f"min_hours: {2**63}"), "integers must be between"),
        (POLICY.replace("min_hours: 24", "min_hours: true"), "not a boolean"),
        (POLICY.replace("min_hours: 24", "min_hours: -1"), "expected a number greater than 0"),
    ],
)
def test_validate_refuses_hostile_policies_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    path = write(tmp_path / "p.yaml", text)
    code, output = run(["validate", str(path)], capsys)
    assert code == 1
    assert words in output
    assert f"{path}:" in output
    assert "Traceback" not in output


def test_evaluate_refuses_an_infinite_threshold_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write(tmp_path / "p.yaml", POLICY.replace("min_hours: 24", "min_hours: .nan"))
    data = write(tmp_path / "d.yaml", "units: [{id: c1, type: locality}]\n")
    args = ["evaluate", "--policy", str(policy), "--data", str(data), "--period", "2022-W10"]
    code, output = run(args, capsys)
    assert code == 1
    assert ".nan is not a finite number" in output


def test_a_100_mb_policy_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    started = time.perf_counter()
    code, output = run(["validate", str(path)], capsys)
    assert time.perf_counter() - started < 2
    assert code == 1
    assert "file too large: 104,857,600 bytes; the limit is 1,048,576" in output


def test_validate_gives_the_same_answer_from_any_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    child = write(
        tmp_path / "a" / "child.yaml",
        POLICY.replace("id: p\n", "id: child\nextends: base\n").replace("- id: hours", "- id: own"),
    )
    write(tmp_path / "b" / "base.yaml", POLICY.replace("id: p\n", "id: base\n"))
    codes = []
    for cwd in (tmp_path / "a", tmp_path / "b", tmp_path):
        monkeypatch.chdir(cwd)
        code, output = run(["validate", str(child)], capsys)
        codes.append(code)
        assert "no policy 'base' beside this file, in the policy path or bundled" in output
    assert codes == [1, 1, 1]  # b/base.yaml is in the working directory once, and never used


def test_validate_finds_a_parent_in_a_policy_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    child = write(
        tmp_path / "a" / "child.yaml",
        POLICY.replace("id: p\n", "id: child\nextends: base\n").replace("- id: hours", "- id: own"),
    )
    write(tmp_path / "lib" / "base.yaml", POLICY.replace("id: p\n", "id: base\n"))
    assert run(["validate", str(child)], capsys)[0] == 1
    lib = str(tmp_path / "lib")
    assert run(["validate", "--policy-path", lib, str(child)], capsys)[0] == 0


TEST_FILE = """\
policy: p.yaml
base_data:
  units: [{id: c1, type: locality, category: urban_community}]
  people: [{id: p1}]
  assignments:
    - {id: a1, person: p1, unit: c1, role: community_officer, start: 2020-01-01}
cases:
  - name: NAME
    period: 2022-W10
    data:
      activities:
        - {id: x1, person: p1, unit: c1, kind: patrol,
           start: "2022-03-07 08:00", end: "2022-03-08 08:00"}
    expect:
      - {rule: hours, subject: p1, status: pass, EXTRA}
  - name: nothing done fails
    period: 2022-W10
    expect:
      - {rule: hours, subject: p1, status: fail}
"""


def policy_test(tmp_path: Path, name: str = "enough hours", extra: str = "measured: 24") -> Path:
    write(tmp_path / "p.yaml", POLICY)
    return write(tmp_path / "p.test.yaml", TEST_FILE.replace("NAME", name).replace("EXTRA", extra))


def test_a_sound_policy_test_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(["test", str(policy_test(tmp_path))], capsys)
    assert (code, output.splitlines()[-1]) == (0, "2 passed, 0 failed")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("measured: .nan", "measured: .nan is not a finite number"),
        ('measured: "nan"', "input should be a valid number"),
        ("margin: .inf", "margin: .inf is not a finite number"),
        ("margin: 1e309", "out of range for a number"),
        ("margin: -1", "margin: input should be greater than or equal to 0"),
        ("measured: 1, margin: true", "margin: input should be a valid number"),
    ],
)
def test_an_expectation_that_cannot_fail_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, words: str
) -> None:
    code, output = run(["test", str(policy_test(tmp_path, extra=extra))], capsys)
    assert code == 1
    assert words in output
    assert "Traceback" not in output


def test_a_leading_zero_in_test_data_is_text_not_octal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policy_test(tmp_path, extra="measured: 24")
    text = path.read_text(encoding="utf-8").replace("p1", "010")
    path.write_text(text, encoding="utf-8")
    code, output = run(["test", str(path)], capsys)
    assert (code, output.splitlines()[-1]) == (0, "2 passed, 0 failed")  # 010 is never 8


def test_a_gbk_test_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policy_test(tmp_path, name="足够的时间")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    code, output = run(["test", str(path), "--junit", str(tmp_path / "j.xml")], capsys)
    assert code == 1
    assert f"{path}:8:" in output
    assert "not UTF-8" in output
    ET.fromstring((tmp_path / "j.xml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ['"bad \\x01 name"', '"lone \\ud800 surrogate"', '"\\x1b[31m"'])
def test_control_characters_never_break_the_junit_xml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    junit = tmp_path / "j.xml"
    code, output = run(
        ["test", str(policy_test(tmp_path, name=name)), "--junit", str(junit)], capsys
    )
    assert code == 1
    assert "control character or lone surrogate" in output
    root = ET.fromstring(junit.read_text(encoding="utf-8"))
    # the file could not be read at all: an error of JUnit's, not a failed check
    assert (root.get("errors"), root.get("failures")) == ("1", "0")


def test_a_test_file_cannot_name_a_policy_outside_its_roots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "private" / "secret.yaml", "api_token: hunter2\n")
    path = policy_test(tmp_path / "tests")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "policy: p.yaml", "policy: ../private/secret.yaml"
        ),
        encoding="utf-8",
    )
    code, output = run(["test", str(path)], capsys)
    assert code == 1
    assert f"{path}:1:9: policy: '../private/secret.yaml' points outside the policy roots" in output
    assert "hunter2" not in output
    assert "api_token" not in output


RATIO_POLICY = """\
id: ratio
jurisdiction: 测试区
title: {zh: 比例, en: ratio}
sources: [{id: s, title: t, issuer: i}]
rules:
  - id: per-household
    kind: ratio
    title: {zh: 按户配备, en: one per household}
    severity: major
    subject: {units: {type: locality}}
    roles: [auxiliary]
    measures: [{measure: households, per: 1}]
    citation: {source: s, quote: 按户配备}
"""


def test_per_1_on_the_largest_valid_households_is_a_finding_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write(tmp_path / "p.yaml", RATIO_POLICY)
    unit = f"{{id: c1, type: locality, category: urban_community, households: {2**63 - 1}}}"
    data = write(tmp_path / "d.yaml", f"units: [{unit}]\n")
    args = ["evaluate", "--policy", str(policy), "--data", str(data), "--period", "2022-03"]
    code, output = run([*args, "--format", "json"], capsys)
    assert code in (0, 1)
    assert "internal error" not in output
    assert '"status": "fail"' in output
