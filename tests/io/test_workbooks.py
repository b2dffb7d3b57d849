"""Every bundled example in the forms an office keeps it in gives the findings of its files.

A workbook with native cells (English or Chinese sheet and column names), GBK-encoded CSV files
(auto-detected or named) and CSV files that went through pandas: each is loaded without a
rejected record and evaluated with the example's policy, finding for finding as the original.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import gridpolicing
from gridpolicing import examples
from tests.helpers import findings_of
from tests.io.workbooks import scenarios, used_tables, write_csv_folder, write_workbook

SCENARIOS = scenarios()
FORMS = ["xlsx", "xlsx-chinese", "gbk-auto", "gbk-named", "pandas"]


@pytest.fixture(scope="module")
def originals() -> dict[str, tuple[Any, list[Any], dict[str, list[dict[str, Any]]]]]:
    """Per example: its policy, its findings from its own files, and its used records."""
    out = {}
    for example, policy_id, period in SCENARIOS:
        policy = gridpolicing.load_policy(policy_id)
        with gridpolicing.load_dataset(examples.path(example), vocabulary=policy.vocabulary) as d:
            assert not d.rejected
            out[example] = (policy, findings_of(policy, d, period), used_tables(d))
    return out


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("example", "policy_id", "period"), SCENARIOS)
def test_every_example_in_an_office_form_has_the_files_findings(
    tmp_path: Path,
    originals: dict[str, tuple[Any, list[Any], dict[str, list[dict[str, Any]]]]],
    example: str,
    policy_id: str,
    period: str,
    form: str,
) -> None:
    policy, expected, tables = originals[example]
    options: dict[str, Any] = {}
    if form.startswith("xlsx"):
        path = write_workbook(tmp_path / "d.xlsx", tables, chinese=form == "xlsx-chinese")
    else:
        with gridpolicing.load_dataset(examples.path(example), vocabulary=policy.vocabulary) as d:
            encoding = "gbk" if form.startswith("gbk") else "utf-8"
            path = write_csv_folder(d, tmp_path / "csv", encoding)
        if form == "gbk-named":
            options["encoding"] = "gbk"
        if form == "pandas":
            for file in path.glob("*.csv"):
                pd.read_csv(file).to_csv(file, index=False)
    with gridpolicing.load_dataset(path, vocabulary=policy.vocabulary, **options) as data:
        assert data.rejected == ()
        assert findings_of(policy, data, period) == expected


def test_gbk_files_are_not_utf8(tmp_path: Path) -> None:
    # The GBK form holds Chinese text, so it tests the encoding, not ASCII that any reads.
    with gridpolicing.load_dataset(examples.path("xinjin-2022")) as d:
        folder = write_csv_folder(d, tmp_path / "csv", "gbk")
    with pytest.raises(UnicodeDecodeError):
        (folder / "units.csv").read_text("utf-8")
