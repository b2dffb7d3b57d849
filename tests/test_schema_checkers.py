"""Generic JSON Schema checkers read the published policy schema as authors need.

check-jsonschema (the tool pre-commit hooks and CI jobs run) names a misspelt key as that key,
a rule is checked against its own kind's fields only, plugin kinds get the same treatment, and
``gridpolicing schema --out DIR`` writes copies an author can point a modeline at.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gridpolicing import Registry
from gridpolicing.cli.main import main
from gridpolicing.io.dataset_schema import DATASET_SCHEMA_ID
from gridpolicing.policy.models import RuleSpec
from gridpolicing.policy.schema import POLICY_SCHEMA_ID, policy_json_schema
from gridpolicing.policy.values import Text
from gridpolicing.policy.yamlsrc import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "policy.schema.json"
BUNDLED = sorted((ROOT / "policies").glob("*.yaml"))
CLAUSES = sorted(
    p for p in (ROOT / "tests/policies/clauses").glob("*.yaml") if not p.name.endswith(".test.yaml")
)
# The cadence rule ``village-council`` of Xindu, the sixth rule of the file.
XINDU = ROOT / "policies/chengdu-xindu-2022.yaml"


def _check_jsonschema(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run check-jsonschema on ``files`` with the network made unreachable.

    The proxies point at a closed port, so a metaschema or ``$ref`` fetched from the internet
    fails the run instead of passing silently on a machine that happens to be online.
    """
    dead = "http://127.0.0.1:9"
    env = {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "NO_PROXY": ""}
    env.update(http_proxy=dead, https_proxy=dead, no_proxy="")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--no-cache",
            "--color",
            "never",
            "--schemafile",
            str(SCHEMA),
            *(str(f.relative_to(cwd)) for f in files),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_every_bundled_policy_and_clause_file_passes_check_jsonschema() -> None:
    assert len(CLAUSES) > 10
    run = _check_jsonschema(*BUNDLED, *CLAUSES)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok -- validation done" in run.stdout


def _xindu_with(old: str, new: str, after: str = "- id: village-council") -> str:
    """Xindu's policy text with the first ``old`` after ``after`` replaced by ``new``."""
    text = XINDU.read_text(encoding="utf-8")
    start = text.index(after)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


@pytest.mark.parametrize(
    ("old", "new", "after", "expected"),
    [
        # a one-key typo in a rule of a known kind
        ("period:", "perod:", "- id: village-council", "$.rules[5]: Additional properties are not "
         "allowed ('perod' was unexpected)"),
        # a misspelt top-level key
        ("jurisdiction:", "jurisdicton:", "id:", "$: Additional properties are not allowed "
         "('jurisdicton' was unexpected)"),
        # a wrong enum value
        ("severity: minor", "severity: mayor", "- id: village-council",
         "$.rules[5].severity: 'mayor' is not one of ['critical', 'major', 'minor']"),
        # an unknown kind is told the known ones
        ("kind: cadence", "kind: cadense", "- id: village-council",
         "$.rules[5].kind: 'cadense' is not one of ['cadence', 'checklist', 'count'"),
    ],
    ids=["rule-key", "top-level-key", "enum-value", "unknown-kind"],
)  # fmt: skip
def test_check_jsonschema_names_the_mistake_in_few_lines(
    tmp_path: Path, old: str, new: str, after: str, expected: str
) -> None:
    copy = tmp_path / "copied-policy.yaml"
    copy.write_text(_xindu_with(old, new, after), encoding="utf-8")
    run = _check_jsonschema(copy, cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    errors = [line for line in run.stdout.splitlines() if line.startswith("  copied-policy.yaml::")]
    assert any(expected in line for line in errors), run.stdout
    # Before rules were checked per kind, the first typo gave 46 errors about the other kinds.
    assert 1 <= len(errors) <= 3, run.stdout
    assert "other errors were produced" not in run.stdout


class _AlwaysRule(RuleSpec):
    """Every subject passes or fails as the author says (a third party's kind)."""

    kind: Literal["always"]
    outcome: Literal["pass", "fail"]


class _AlwaysKind:
    name: ClassVar[str] = "always"
    spec: ClassVar[type[RuleSpec]] = _AlwaysRule

    def plan(self, rule: Any, ctx: Any) -> str:
        raise AssertionError("never planned here")

    def describe(self, rule: Any, finding: Any) -> Text:
        raise AssertionError("never described here")


def test_a_plugin_kind_is_checked_against_its_own_fields_only() -> None:
    registry = Registry.from_entry_points().with_kinds(_AlwaysKind())
    schema = policy_json_schema(registry)
    Draft202012Validator.check_schema(schema)
    kind = schema["$defs"]["RuleByKind"]["properties"]["kind"]
    assert kind["enum"] == sorted(registry)
    assert "always" in kind["enum"]
    summaries = dict(zip(kind["enum"], kind["enumDescriptions"], strict=True))
    assert (
        summaries["always"]
        == "Every subject passes or fails as the author says (a third party's kind)."
    )
    rule = {
        "id": "always-fail",
        "kind": "always",
        "outcome": "fail",
        "title": {"zh": "总是失败", "en": "always fails"},
        "severity": "minor",
        "subject": {"units": {"type": "locality"}},
        "citation": {"source": "s", "quote": "条款"},
    }
    doc = {
        "id": "plugin-demo",
        "jurisdiction": "测试区",
        "title": {"zh": "插件", "en": "plugin"},
        "rules": [rule],
    }
    validator = Draft202012Validator(schema)
    assert list(validator.iter_errors(doc)) == []
    rule["outcom"] = rule.pop("outcome")
    messages = sorted(e.message for e in validator.iter_errors(doc))
    assert messages == [
        "'outcome' is a required property",
        "Additional properties are not allowed ('outcom' was unexpected)",
    ]


def test_schema_out_writes_the_schemas_equal_to_the_published_ones(tmp_path: Path) -> None:
    out = tmp_path / "my-policies" / "schemas"
    assert main(["schema", "--out", str(out)]) == 0
    # the OpenAPI document too, with the service extra (the test extra holds it)
    written = ["dataset.schema.json", "openapi.json", "policy.schema.json"]
    assert sorted(p.name for p in out.iterdir()) == written
    for name in written:
        assert (out / name).read_bytes() == (ROOT / "schemas" / name).read_bytes(), name
    assert main(["schema", "--check", "--out", str(out)]) == 0


def test_the_schema_ids_are_versioned_and_alike() -> None:
    policy = json.loads(SCHEMA.read_text(encoding="utf-8"))
    dataset = json.loads((ROOT / "schemas/dataset.schema.json").read_text(encoding="utf-8"))
    assert (
        policy["$id"] == POLICY_SCHEMA_ID == "https://gridpolicing.dev/schemas/policy/1/schema.json"
    )
    assert dataset["$id"] == DATASET_SCHEMA_ID == POLICY_SCHEMA_ID.replace("/policy/", "/dataset/")


@functools.cache
def _rules() -> list[tuple[str, int, dict[str, Any]]]:
    """(file name, index, rule) of every rule of the bundled policies."""
    out = []
    for path in BUNDLED:
        source, _ = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        assert source is not None
        out += [(path.name, i, rule) for i, rule in enumerate(source.data.get("rules", []))]
    return out


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_misspelt_key_of_any_rule_is_reported_as_that_key_alone(data: st.DataObject) -> None:
    name, index, rule = data.draw(st.sampled_from(_rules()), label="rule")
    key = data.draw(st.sampled_from(sorted(k for k in rule if k != "kind")), label="key")
    typo = data.draw(st.sampled_from([key + "s", key[:-1], "_" + key]), label="typo")
    assume(typo not in rule)
    doc = {"id": "x", "jurisdiction": "测试区", "title": {"zh": "测试", "en": "test"}}
    doc["rules"] = [{**{k: v for k, v in rule.items() if k != key}, typo: rule[key]}]
    errors = list(_validator().iter_errors(doc))
    messages = sorted(e.message for e in errors)
    # The unexpected key, and the key it stood for when that one is required: nothing about
    # the fields of the other kinds, and nothing anywhere else in the document.
    assert any(f"({typo!r} was unexpected)" in m for m in messages), (name, index, messages)
    assert len(errors) <= 2, (name, index, messages)
    assert all(list(e.absolute_path) == ["rules", 0] for e in errors), (name, index, messages)
    assert all(m == f"{key!r} is a required property" for m in messages if "unexpected" not in m)
