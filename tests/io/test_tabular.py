"""Directory datasets: one CSV or Parquet file per table, checked by the same validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io import RejectedRecord, TableCount, load_dataset
from gridpolicing.model import TABLES
from tests.io.sample import (
    SAMPLE,
    all_rows,
    rows,
    write_csv_dir,
    write_parquet_dir,
    write_yaml,
)


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return list(info.value.problems)


@pytest.fixture
def from_yaml(tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    ds = load_dataset(write_yaml(tmp_path / "data.yaml", SAMPLE))
    assert ds.rejected == ()
    return all_rows(ds)


def test_csv_directory_gives_the_same_tables_as_yaml(
    tmp_path: Path, from_yaml: dict[str, list[tuple[object, ...]]]
) -> None:
    ds = load_dataset(write_csv_dir(tmp_path / "csv", SAMPLE))
    assert ds.rejected == ()
    assert all_rows(ds) == from_yaml
    assert ds.counts["units"] == TableCount(5, 5, 0)


@pytest.mark.parametrize("typed", [False, True], ids=["text", "typed"])
def test_parquet_directory_gives_the_same_tables_as_yaml(
    tmp_path: Path, from_yaml: dict[str, list[tuple[object, ...]]], typed: bool
) -> None:
    ds = load_dataset(write_parquet_dir(tmp_path / "pq", SAMPLE, typed=typed))
    assert ds.rejected == ()
    assert all_rows(ds) == from_yaml


def test_missing_tables_are_empty(tmp_path: Path) -> None:
    folder = write_csv_dir(tmp_path / "csv", {"units": SAMPLE["units"]})
    (folder / "README.md").write_text("not a table", "utf-8")
    ds = load_dataset(folder)
    assert ds.count("units") == 5
    assert all(ds.counts[t] == TableCount(0, 0, 0) for t in TABLES if t != "units")


def test_csv_rows_are_physical_lines(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "units.csv").write_text(
        "id,type,name,population\n"
        "s1,station,新都派出所,\n"
        'c1,locality,"two\nlines",1200\n'
        "c2,locality,,many\n"
        "\n"
        "c3,locality,x,-1\n",
        "utf-8",
    )
    ds = load_dataset(folder)
    f = str(folder / "units.csv")
    assert ds.rejected == (
        RejectedRecord(f, 5, "units", "c2", "population", 'expected an integer >= 0, found "many"'),
        RejectedRecord(f, 7, "units", "c3", "population", 'expected an integer >= 0, found "-1"'),
    )
    assert rows(ds, "units")[0][2] == "two\nlines"


def test_csv_first_record_is_line_two(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "\ufeffid, name ,home_unit\r\np1,张三,\r\np1,李四,\r\n", "utf-8"
    )
    ds = load_dataset(folder)
    assert [(r.row, r.field, r.message) for r in ds.rejected] == [
        (3, "id", 'duplicate id "p1" (first at row 2)')
    ]
    assert ds.counts["people"] == TableCount(read=2, used=1, rejected=1)


def test_parquet_rows_count_from_one(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    pq.write_table(
        pa.table(
            {
                "id": ["a", "b", "c"],
                "name": ["春节", None, "国庆"],
                "start": [dt.date(2022, 1, 31), dt.date(2022, 5, 1), None],
                "end": [dt.date(2022, 2, 6), dt.date(2022, 4, 30), dt.date(2022, 10, 7)],
            }
        ),
        folder / "sensitive_periods.parquet",
    )
    ds = load_dataset(folder)
    f = str(folder / "sensitive_periods.parquet")
    assert ds.rejected == (
        RejectedRecord(
            f,
            2,
            "sensitive_periods",
            "b",
            "end",
            'expected end on or after start 2022-05-01, found "2022-04-30"',
        ),
        RejectedRecord(f, 3, "sensitive_periods", "c", "start", "a value is required"),
    )
    assert rows(ds, "sensitive_periods") == [
        ("a", "春节", dt.date(2022, 1, 31), dt.date(2022, 2, 6))
    ]


def test_parquet_native_values_are_checked_too(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    pq.write_table(
        pa.table(
            {
                "id": ["q1", "q2", "q3"],
                "unit": ["c1", "c1", "c1"],
                "date": ["2022-06-30"] * 3,
                "respondents": pa.array([10, 0, None], pa.int32()),
                "satisfied": pa.array([9.0, 1.5, 1.0], pa.float64()),
            }
        ),
        folder / "surveys.parquet",
    )
    write_csv_dir(folder, {"units": [{"id": "c1", "type": "locality"}]})
    ds = load_dataset(folder)
    assert [(r.row, r.field, r.message) for r in ds.rejected] == [
        (2, "respondents", 'expected an integer >= 1, found "0"'),
        (2, "satisfied", 'expected an integer >= 0, found "1.5"'),
        (3, "respondents", "a value is required"),
    ]
    assert rows(ds, "surveys") == [("q1", "c1", dt.date(2022, 6, 30), 10, 9)]


def test_unknown_table_file_names_the_file_and_the_tables(tmp_path: Path) -> None:
    folder = write_csv_dir(tmp_path / "csv", {"units": SAMPLE["units"]})
    (folder / "unit.csv").write_text("id\nu1\n", "utf-8")
    (problem,) = _problems(folder)
    assert problem.file == str(folder / "unit.csv")
    expected = 'unknown table "unit"; expected <table>.csv, <table>.parquet or <table>/ of '
    assert problem.message.startswith(expected)
    assert "units, people, assignments" in problem.message


def test_a_table_given_twice_is_an_error(tmp_path: Path) -> None:
    folder = write_csv_dir(tmp_path / "d", {"people": SAMPLE["people"]})
    write_parquet_dir(folder, {"people": SAMPLE["people"]})
    (problem,) = _problems(folder)
    assert problem.message == "table people is also given by people.csv"


def test_unknown_csv_column_is_a_file_error_at_line_one(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text("id,nmae,id\np1,x,p1\n", "utf-8")
    (folder / "units.csv").write_text("id,,type\n", "utf-8")
    problems = _problems(folder)
    assert [(Path(p.file).name, p.line, p.message.split(";")[0]) for p in problems] == [
        ("people.csv", 1, 'column "id" appears more than once'),
        ("people.csv", 1, 'unknown column "nmae"'),
        ("units.csv", 1, "column 2 has no name"),
    ]


def test_unknown_parquet_column_is_a_file_error(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    pq.write_table(pa.table({"id": ["p1"], "age": [3]}), folder / "people.parquet")
    (problem,) = _problems(folder)
    assert (problem.line, problem.message.split(";")[0]) == (None, 'unknown column "age"')


def test_parquet_column_of_unusable_type_is_a_file_error(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    pq.write_table(pa.table({"id": ["p1"], "name": [{"first": "三"}]}), folder / "people.parquet")
    (problem,) = _problems(folder)
    assert problem.message.startswith('column "name" has type STRUCT(')


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('id,name\np1,a\np2,b,c\np3,"open\n', 4, "malformed CSV: Value with unterminated quote"),
        ('id,name\np1,"open\n', 2, "malformed CSV: Value with unterminated quote found."),
        ("\nid,name\n", 1, "the header line is empty"),
    ],
)
def test_malformed_csv_raises_with_the_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text(text, "utf-8")
    (problem,) = _problems(folder)
    assert (problem.file, problem.line) == (str(folder / "people.csv"), line)
    assert problem.message.startswith(message), problem.message


def test_csv_that_is_neither_utf8_nor_gb18030_raises(tmp_path: Path) -> None:
    # 0xff starts no character of either (auto reads a file that is not UTF-8 as GB18030).
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_bytes(b"id,name\np1,\xff\xff\n")
    (problem,) = _problems(folder)
    assert problem.line == 2
    assert problem.message.startswith("neither UTF-8 nor GB18030 (GBK) text: byte 0xff")


def test_empty_and_header_only_csv_files_are_empty_tables(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text("", "utf-8")
    (folder / "units.csv").write_text("id,type\n", "utf-8")
    ds = load_dataset(folder)
    assert ds.counts["people"] == TableCount(0, 0, 0)
    assert ds.counts["units"] == TableCount(0, 0, 0)


def test_corrupt_parquet_file_raises(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    (folder / "people.parquet").write_bytes(b"PAR1 not really")
    (problem,) = _problems(folder)
    assert problem.message.startswith("cannot read the Parquet file: ")


def test_list_columns_split_on_semicolons(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "units.csv").write_text("id,type\ns1,station\n", "utf-8")
    (folder / "people.csv").write_text("id\np1\np2\n", "utf-8")
    (folder / "meetings.csv").write_text(
        "id,kind,unit,date,attendees\n"
        "m1,weekly_briefing,s1,2022-03-01, p1 ; p2 ;\n"
        "m2,weekly_briefing,s1,2022-03-01,\n"
        "m3,weekly_briefing,s1,2022-03-01,p1;p3;p4\n",
        "utf-8",
    )
    ds = load_dataset(folder)
    assert [r[4] for r in rows(ds, "meetings")] == [["p1", "p2"], []]
    assert [(r.row, r.message) for r in ds.rejected] == [(4, 'unknown people ids "p3", "p4"')]
