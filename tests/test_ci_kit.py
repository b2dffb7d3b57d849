"""The pre-commit hooks the repository publishes run real commands on real files."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from gridpolicing.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
# The keys pre-commit requires of a hook, and those it knows (pre_commit/clientlib.py).
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = REQUIRED | {
    *("files", "exclude", "types", "types_or", "exclude_types", "args", "pass_filenames"),
    *("description", "always_run", "require_serial", "stages", "minimum_pre_commit_version"),
}


@pytest.mark.parametrize("hook", HOOKS, ids=[h["id"] for h in HOOKS])
def test_each_hook_is_well_formed_and_runs(hook: dict[str, object], tmp_path: Path) -> None:
    assert REQUIRED <= set(hook) <= KNOWN
    assert hook["language"] == "python"  # installed from this repository's pyproject.toml
    command = shlex.split(str(hook["entry"]))
    assert command[0] == "gridpolicing"
    policies = sorted((ROOT / "policies").glob("*.yaml"))
    exclude = re.compile(str(hook.get("exclude", "^$")))
    given = [str(p) for p in policies if not exclude.search(str(p))]
    # A hook without file names runs on its args: one small clause policy and its tests here.
    clauses = ROOT / "tests" / "policies" / "clauses"
    for name in ("attendance.yaml", "attendance.test.yaml"):
        shutil.copy(clauses / name, tmp_path / name)
    files = given if hook.get("pass_filenames", True) else [str(tmp_path)]
    assert main([*command[1:], *files]) == 0


def test_validate_hook_leaves_policy_tests_to_the_test_hook() -> None:
    [validate] = [h for h in HOOKS if h["id"] == "gridpolicing-validate"]
    exclude = re.compile(validate["exclude"])
    assert exclude.search("policies/tests/xindu.test.yaml")
    assert not exclude.search("policies/xindu.yaml")
