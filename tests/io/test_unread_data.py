"""Data the loader would leave unread is an error, never an empty or partial dataset.

An empty report reads as "nothing wrong": tables a folder deeper, a misnamed table folder or a
workbook dropped beside the CSV files were skipped without a word (found by a new user's
review). Folders without data files (notes, scans) still live beside the tables.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gridpolicing import DatasetError, examples, load_dataset
from gridpolicing.cli.main import main

DATA = examples.path("xinjin-2022")


def _copy(target: Path) -> Path:
    target.mkdir(parents=True)
    for f in DATA.glob("*.csv"):
        shutil.copy(f, target / f.name)
    return target


def _problems(path: Path) -> list[str]:
    with pytest.raises(DatasetError) as raised:
        load_dataset(path)
    return [str(p) for p in raised.value.problems]


def test_tables_a_folder_deeper_are_not_an_empty_dataset(tmp_path: Path) -> None:
    _copy(tmp_path / "export" / "data")
    [problem] = _problems(tmp_path / "export")
    assert problem.startswith(f'{tmp_path / "export" / "data"}: unknown table folder "data"')


def test_a_folder_without_tables_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "readme.txt").write_text("x", encoding="utf-8")
    [problem] = _problems(tmp_path)
    assert problem == (
        f"{tmp_path}: no table found (it holds notes/, readme.txt); expected <table>.csv, "
        "<table>.parquet or <table>/ files at the top of the folder, or bureau=<B>/ partitions"
    )


def test_a_misnamed_table_folder_and_a_workbook_beside_the_tables(tmp_path: Path) -> None:
    folder = _copy(tmp_path / "data")
    (folder / "activity").mkdir()
    shutil.move(folder / "activities.csv", folder / "activity" / "activities.csv")
    (folder / "更新.xlsx").write_bytes(b"PK")
    problems = _problems(folder)
    assert [p.split(": ", 1)[0] for p in problems] == [
        str(folder / "activity"),
        str(folder / "更新.xlsx"),
    ]
    assert 'unknown table folder "activity" holding CSV or Parquet files' in problems[0]
    assert "a workbook inside a dataset folder is not read with it" in problems[1]


def test_a_folder_of_notes_beside_the_tables_is_still_fine(tmp_path: Path) -> None:
    folder = _copy(tmp_path / "data")
    (folder / "scans").mkdir()
    (folder / "scans" / "page-1.pdf").write_bytes(b"%PDF")
    (folder / "_old").mkdir()
    shutil.copy(DATA / "units.csv", folder / "_old" / "units.csv")  # hidden: not data
    with load_dataset(folder) as data:
        assert data.count("units") > 0


def test_the_cli_exits_1_naming_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy(tmp_path / "export" / "data")
    args = ["evaluate", "--policy", "chengdu-xinjin-2022", "--data", str(tmp_path / "export")]
    assert main([*args, "--period", "2022-03"]) == 1
    assert 'unknown table folder "data"' in capsys.readouterr().err
