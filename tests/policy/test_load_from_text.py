"""load_policy from a YAML text or a mapping: the file's policy, problems placed, no file read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import gridpolicing
from gridpolicing import PolicyError, UsageError, examples, load_policy
from gridpolicing.policy.resources import bundled_dir

POLICIES = bundled_dir("policies")
XINJIN = POLICIES / "chengdu-xinjin-2022.yaml"
CHILD = POLICIES / "tests" / "example-district.yaml"


def _findings(policy: Any) -> list[Any]:
    with gridpolicing.load_dataset(examples.path("xinjin-2022")) as data:
        report = json.loads(gridpolicing.evaluate(policy, data, "2022-03").to_json())
    return [(f["rule"], f["subject"], f["bucket"], f["status"]) for f in report["findings"]]


def _problems(**kwargs: Any) -> list[str]:
    ref = kwargs.pop("ref", None)
    with pytest.raises(PolicyError) as info:
        load_policy(ref, **kwargs)
    return [str(p) for p in info.value.problems]


def test_file_text_and_mapping_give_the_same_policy_and_findings() -> None:
    text = XINJIN.read_text(encoding="utf-8")
    from_file = load_policy(XINJIN)
    from_text = load_policy(text=text, name="policy.yaml")
    # PyYAML's own loader makes dates of 2022-01-01: the mapping path takes them as ISO text.
    from_mapping = load_policy(yaml.safe_load(text), name="policy.yaml")
    assert from_text.rules == from_file.rules
    assert from_mapping.rules == from_file.rules
    assert from_mapping.assessment == from_text.assessment == from_file.assessment
    assert from_text.files == ("policy.yaml",)
    findings = _findings(from_file)
    assert findings  # the example judges something, so equality below means something
    assert _findings(from_text) == findings
    assert _findings(from_mapping) == findings


def test_problems_in_a_text_have_line_and_column_under_its_name() -> None:
    text = XINJIN.read_text(encoding="utf-8").replace("severity: major", "severity: grave", 1)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "severity: grave" in t)
    [problem] = _problems(text=text, name="policy.yaml")
    assert problem.startswith(f"policy.yaml:{line}:")
    assert "grave" in problem
    [malformed] = _problems(text="id: x\nrules: [\n")
    assert malformed.startswith("<text>:3:1: malformed YAML")


def test_problems_in_a_mapping_name_the_dotted_path() -> None:
    document = yaml.safe_load(XINJIN.read_text(encoding="utf-8"))
    document["rules"][1]["severity"] = "grave"
    with pytest.raises(PolicyError) as info:
        load_policy(document)
    [problem] = info.value.problems
    rule_id = document["rules"][1]["id"]
    assert (problem.file, problem.line, problem.column) == ("<mapping>", None, None)
    assert problem.path == f"rules[{rule_id}].severity"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), "not a finite number"),
        (2**64, "integer out of range"),
        (dt.datetime(2022, 1, 1), "found datetime"),
        (object(), "found object"),
        ("a\x00b", "control character"),
    ],
)
def test_a_mapping_holds_only_what_a_yaml_text_can(value: object, message: str) -> None:
    document = yaml.safe_load(XINJIN.read_text(encoding="utf-8"))
    document["rules"][0]["title"]["en"] = value
    [problem] = _problems(ref=document, name="m")
    assert problem.startswith("m: rules[0].title.en: ")
    assert message in problem


def test_extends_in_a_text_finds_a_bundled_parent() -> None:
    from_text = load_policy(text=CHILD.read_text(encoding="utf-8"), name="child.yaml")
    from_file = load_policy(CHILD)
    assert from_text.rules == from_file.rules
    assert from_text.files[-1] == "child.yaml"
    assert from_text.files[0].endswith("baseline-community-policing.yaml")


def test_extends_in_a_text_finds_a_parent_in_the_policy_path(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(XINJIN.read_text(encoding="utf-8"), encoding="utf-8")
    child = "id: child\nextends: parent\njurisdiction: 测试区\ntitle: {zh: 子, en: child}\n"
    policy = load_policy(text=child, policy_path=[tmp_path])
    assert policy.rules == load_policy(XINJIN).rules


@pytest.mark.parametrize("ref", ["parent.yaml", "./parent", "../work/parent.yaml", "ABSOLUTE"])
def test_extends_in_a_text_never_reads_the_working_directory(
    ref: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "parent.yaml").write_text(XINJIN.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(work)
    ref = str(work / "parent.yaml") if ref == "ABSOLUTE" else ref
    child = f"id: child\nextends: {ref}\njurisdiction: 测试区\ntitle: {{zh: 子, en: child}}\n"
    problems = _problems(text=child, name="child.yaml", policy_path=[tmp_path / "other"])
    [refused] = [p for p in problems if "extends" in p]
    assert refused.startswith("child.yaml:2:10: extends: ")
    assert "may extend only a bundled policy or one in a directory of the policy path" in refused


def test_a_text_cannot_read_a_vocabulary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "terms.yaml").write_text("attributes: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    text = XINJIN.read_text(encoding="utf-8").replace(
        "\nrules:", "\nvocabulary: {file: terms.yaml}\nrules:", 1
    )
    assert "\nvocabulary:" in text
    problems = _problems(text=text, name="policy.yaml")
    assert any("vocabulary.file: a policy given as text has no folder" in p for p in problems)


def test_exactly_one_of_a_reference_and_a_text() -> None:
    with pytest.raises(UsageError, match="not both"):
        load_policy("chengdu-xinjin-2022", text="id: x")
    with pytest.raises(UsageError, match="needs a path"):
        load_policy()
    with pytest.raises(UsageError, match="name is for a policy given as text"):
        load_policy("chengdu-xinjin-2022", name="x.yaml")
