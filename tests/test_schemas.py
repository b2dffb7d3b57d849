"""The published JSON Schemas are current and accept every bundled policy and example dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gridpolicing.cli.main import main
from gridpolicing.cli.schema import expected_schemas
from gridpolicing.policy.yamlsrc import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
POLICY_FILES = [
    *sorted((ROOT / "policies").glob("*.yaml")),
    ROOT / "policies/tests/example-district.yaml",
]
DATASET_FILES = sorted(ROOT.glob("examples/*/*.yaml"))
DATASET_FILES = [p for p in DATASET_FILES if p.name != "scenario.yaml"]


def _schema(name: str) -> Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _yaml(path: Path) -> Any:
    source, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert source is not None, problems
    return source.data


def test_schema_files_are_current() -> None:
    for name, text in expected_schemas().items():
        assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == text, name


def test_schema_check_command_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check"]) == 0


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.name)
def test_policy_files_are_valid_against_the_schema(path: Path) -> None:
    errors = sorted(_schema("policy.schema.json").iter_errors(_yaml(path)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_the_schema_rejects_an_unknown_kind_and_key() -> None:
    validator = _schema("policy.schema.json")
    doc = _yaml(ROOT / "policies/nanjing-2016.yaml")
    doc["rules"][0]["kind"] = "no_such_kind"
    assert not validator.is_valid(doc)
    doc = _yaml(ROOT / "policies/nanjing-2016.yaml")
    doc["colour"] = "red"
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("path", DATASET_FILES, ids=lambda p: p.parent.name)
def test_example_datasets_are_valid_against_the_schema(path: Path) -> None:
    errors = sorted(_schema("dataset.schema.json").iter_errors(_yaml(path)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
