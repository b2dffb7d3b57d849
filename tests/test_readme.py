"""The README's Python snippet runs as written, from any working directory."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

import gridpolicing
from gridpolicing import UsageError, examples

README = Path(__file__).resolve().parent.parent / "README.md"


def _snippet() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Use it from Python", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README has no Python snippet under 'Use it from Python'"
    return match.group(1)


def test_the_readme_snippet_runs_as_pasted(tmp_path: Path) -> None:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)  # nothing of the checkout's layout is needed
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(_snippet(), str(README), "exec"), {})  # the README's own code
    finally:
        os.chdir(cwd)
    summary, head = out.getvalue().splitlines()[:2]
    assert "'findings':" in summary
    assert head.startswith("{")


def test_examples_are_listed_and_unknown_ones_refused() -> None:
    assert "xinjin-2022" in examples.names()
    assert (examples.path("xinjin-2022") / "units.csv").is_file()
    with pytest.raises(UsageError, match="no bundled example 'nowhere'"):
        examples.path("nowhere")


def test_a_closed_dataset_refuses_use_and_its_report_stays_readable() -> None:
    policy = gridpolicing.load_policy("chengdu-xinjin-2022")
    with gridpolicing.load_dataset(examples.path("xinjin-2022")) as data:
        report = gridpolicing.evaluate(policy, data, "2022-03")
    assert json.loads(report.to_json())["dataset"]["tables"]
    with pytest.raises(UsageError, match="is closed"):
        gridpolicing.evaluate(policy, data, "2022-03")
    with pytest.raises(UsageError, match="is closed"):
        data.count("units")
