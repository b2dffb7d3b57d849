"""Workbooks, CSV encodings and office values: what is read, and the message of what is not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

import gridpolicing
from gridpolicing import DatasetError, UsageError
from gridpolicing.cli.main import main
from gridpolicing.io.excel import read_workbook
from tests.io.sample import rows

Sheets = dict[str, list[list[Any]]]
UNITS = [["编号", "单位类型"], ["s1", "station"], ["c1", "locality"]]
PEOPLE = [["编号", "姓名", "党员", "职级", "参加工作日期"], ["p1", "张三", True, "clerk", None]]


def _book(path: Path, sheets: Sheets, edit: Callable[[Any, Any], None] | None = None) -> Path:
    """A workbook of ``sheets`` (rows of cells; datetimes as Excel dates, None blank)."""
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, table in sheets.items():
        sheet = book.add_worksheet(name)
        for i, row in enumerate(table):
            for j, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(i, j, value, date)
                elif value is not None:
                    sheet.write(i, j, value)
        if edit is not None:
            edit(book, sheet)
    book.close()
    return path


def _problems(path: Path, **options: Any) -> list[str]:
    with pytest.raises(DatasetError) as info:
        gridpolicing.load_dataset(path, **options)
    return [str(p) for p in info.value.problems]


def test_a_wrong_cell_names_the_file_sheet_row_and_column(tmp_path: Path) -> None:
    people = [*PEOPLE, ["p2", "李四", "也许", "clerk", dt.datetime(2009, 7, 1)]]
    path = _book(tmp_path / "d.xlsx", {"单位": UNITS, "人员": people})
    data = gridpolicing.load_dataset(path)
    assert [str(r) for r in data.rejected] == [
        f'{path}[人员]:3: people (id p2).party_member: expected true or false, found "也许" '
        "(column C)"
    ]
    assert data.relative_file(data.rejected[0].file) == "d.xlsx[人员]"
    assert rows(data, "people") == [("p1", "张三", None, True, "clerk", None, [])]


def test_unknown_sheets_and_column_names_name_the_sheet_and_cell(tmp_path: Path) -> None:
    people = [["编号", "姓名", "职级x"], ["p1", "张三", "clerk"]]
    path = _book(tmp_path / "d.xlsx", {"单位": UNITS, "人员": people, "花名册": [["x"], [1]]})
    assert _problems(path) == [
        f'{path}: sheet "花名册" is not a table; a sheet is named after its table (units, '
        "people, assignments, activities, meetings, reports, tasks, incidents, surveys, funding, "
        "checklists, assessor_scores, duty_roster, sign_ins, sensitive_periods) or a Chinese "
        "name of it (单位, 人员, 任职 ..., see docs/dataset-format.md); name a sheet that is "
        "not data starting with _ or 说明",
        f'{path}[人员]:1:3: cell C1: unknown column "职级x"; columns of people are id, name, '
        "home_unit, party_member, rank, hire_date, tags, or their Chinese names "
        "(docs/dataset-format.md)",
    ]


def test_a_column_named_twice_or_a_value_without_a_name_is_an_error(tmp_path: Path) -> None:
    people = [["id", "编号", None, "name"], ["p1", "p1", "x", "张三"]]
    path = _book(tmp_path / "d.xlsx", {"people": people})
    assert _problems(path) == [
        f"{path}[people]:1:2: cells A1 and B1 both name the column id",
        f"{path}[people]:1:3: cell C1 has no column name, but the cells below it have values",
    ]


def test_merged_cells_are_an_error(tmp_path: Path) -> None:
    def merge(book: Any, sheet: Any) -> None:
        sheet.merge_range("C2:C3", "同一人", book.add_format())

    units = [["id", "type", "name"], ["s1", "station"], ["s2", "station"]]
    path = _book(tmp_path / "d.xlsx", {"units": units}, merge)
    assert _problems(path) == [
        f"{path}[units]:2:3: cells C2:C3 are merged; unmerge them and give each cell its own value"
    ]


def test_two_sheets_of_one_table_are_an_error(tmp_path: Path) -> None:
    path = _book(tmp_path / "d.xlsx", {"units": UNITS, "单位": UNITS})
    assert _problems(path) == [
        f'{path}: sheets "units" and "单位" are both the table units; put its records on one sheet'
    ]


def test_notes_and_empty_sheets_are_skipped_and_blank_rows_are_no_records(
    tmp_path: Path,
) -> None:
    # The header is the first row with a value; rows are the sheet's own numbers.
    units = [[], ["id", "type", None, None], ["s1", "station"], [], ["", "  "], ["c1", "village"]]
    path = _book(
        tmp_path / "d.xlsx",
        {"说明": [["填表说明"]], "_lists": [["station"]], "Sheet1": [], "units": units},
    )
    data = gridpolicing.load_dataset(path)
    assert [(r.row, r.field, r.message) for r in data.rejected] == [
        (6, "type", "expected one of bureau, department, grid, jurisdiction, locality, office, "
         'station, street, found "village" (column B)')
    ]  # fmt: skip
    assert data.counts["units"].read == 2


def test_cells_keep_their_type_or_read_as_a_person_reads_them(tmp_path: Path) -> None:
    # An id typed as a number is its digits; a date column of Excel dates and text dates reads
    # both; a count given as 3.0 is 3; a boolean column of text reads 是/否.
    units = [
        ["id", "type", "households", "model_since"],
        [1001, "locality", 3.0, dt.datetime(2021, 6, 1)],
        ["c2", "locality", "１２", "2021/6/2"],
    ]
    people = [["id", "party_member"], ["p1", "是"], ["p2", False]]
    path = _book(tmp_path / "d.xlsx", {"units": units, "people": people})
    data = gridpolicing.load_dataset(path)
    assert data.rejected == ()
    got = [(r[0], r[10], r[12]) for r in rows(data, "units")]
    assert got == [("1001", 3, dt.date(2021, 6, 1)), ("c2", 12, dt.date(2021, 6, 2))]
    assert [r[3] for r in rows(data, "people")] == [True, False]


def test_a_workbook_is_read_from_bytes(tmp_path: Path) -> None:
    path = _book(tmp_path / "d.xlsx", {"单位": UNITS})
    [sheet] = read_workbook(path.read_bytes(), "upload.xlsx")
    assert (sheet.table, sheet.label, sheet.letters) == (
        "units",
        "upload.xlsx[单位]",
        (("id", "A"), ("type", "B")),
    )
    assert sheet.data.column("_row").to_pylist() == [2, 3]


def test_a_table_away_from_a1_keeps_the_sheets_rows_and_letters(tmp_path: Path) -> None:
    units = [[], [], [None, None, "id", "type"], [None, None, "s1", "nope"]]
    data = gridpolicing.load_dataset(_book(tmp_path / "d.xlsx", {"units": units}))
    assert [(r.row, r.message[-10:]) for r in data.rejected] == [(4, "(column D)")]


def test_a_file_that_is_no_workbook_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    path.write_bytes(b"id,type\n")
    assert _problems(path) == [f"{path}: cannot read the workbook: Cannot detect file format"]


def _gbk(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "units.csv").write_bytes("id,type,name\ns1,station,新都派出所\n".encode("gbk"))
    (folder / "people.csv").write_bytes("id,name\np1,张三\np2,李四\n".encode("gbk"))
    return folder


@pytest.mark.parametrize("encoding", ["auto", "gbk", "GB18030", "cp936"])
def test_gbk_csv_files_read_auto_detected_or_named(tmp_path: Path, encoding: str) -> None:
    data = gridpolicing.load_dataset(_gbk(tmp_path), encoding=encoding)
    assert [r[:2] for r in rows(data, "people")] == [("p1", "张三"), ("p2", "李四")]


def test_a_wrong_encoding_names_the_file_and_line(tmp_path: Path) -> None:
    folder = _gbk(tmp_path)
    assert _problems(folder, encoding="utf-8") == [
        f"{folder / 'people.csv'}:2: not utf-8 text: byte 0xd5; check the file's encoding "
        "(encoding=, --encoding)",
        f"{folder / 'units.csv'}:2: not utf-8 text: byte 0xd0; check the file's encoding "
        "(encoding=, --encoding)",
    ]
    (folder / "people.csv").write_bytes("id,name\np1,张三\n".encode() + b"p2,\x80\n")
    assert _problems(folder, encoding="gbk") == [
        f"{folder / 'people.csv'}:3: not gbk text: byte 0x80; check the file's encoding "
        "(encoding=, --encoding)"
    ]
    for name in ("klingon", "base64", "rot13"):  # the last two are codecs, but not of text
        with pytest.raises(UsageError, match=f"unknown encoding '{name}'; expected auto or a"):
            gridpolicing.load_dataset(folder, encoding=name)


def test_a_rejected_record_of_a_transcoded_file_names_its_line(tmp_path: Path) -> None:
    folder = _gbk(tmp_path)
    (folder / "people.csv").write_bytes(
        'id,name,party_member\np1,"张\n三",是\np2,李四,也许\n'.encode("gbk")
    )
    data = gridpolicing.load_dataset(folder)
    assert [str(r) for r in data.rejected] == [
        f"{folder / 'people.csv'}:4: people (id p2).party_member: expected true or false, "
        'found "也许"'
    ]


def test_pandas_writes_booleans_with_gaps_as_numbers_and_they_read(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text("id,party_member\np1,1\np2,\np3,0\n", "utf-8")
    pd.read_csv(folder / "people.csv").to_csv(folder / "people.csv", index=False)
    assert (folder / "people.csv").read_text("utf-8") == "id,party_member\np1,1.0\np2,\np3,0.0\n"
    data = gridpolicing.load_dataset(folder)
    assert data.rejected == ()
    assert [r[3] for r in rows(data, "people")] == [True, False, False]


def test_the_cli_refuses_a_bad_workbook_and_encoding_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _book(tmp_path / "d.xlsx", {"单位": UNITS, "花名册": [["x"], [1]]})
    evaluate = ["evaluate", "--policy", "chengdu-xinjin-2022", "--period", "2022", "--data"]
    assert main([*evaluate, str(path)]) == 1
    err = capsys.readouterr().err
    assert f'{path}: sheet "花名册" is not a table' in err
    assert "Traceback" not in err
    folder = _gbk(tmp_path)
    assert main([*evaluate, str(folder), "--encoding", "utf-8"]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'people.csv'}:2: not utf-8 text: byte 0xd5" in err
    assert "Traceback" not in err
    assert main([*evaluate, str(folder), "--encoding", "klingon"]) == 2
    assert "unknown encoding 'klingon'" in capsys.readouterr().err
    assert main([*evaluate, str(folder), "--encoding", "gbk", "--engine", "spark"]) == 2
    assert "--encoding is for CSV files" in capsys.readouterr().err
    bad = _book(tmp_path / "bad.xlsx", {"人员": [*PEOPLE, ["p2", "李四", "也许", "clerk"]]})
    assert main([*evaluate, str(bad), "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert (
        f"rejected: {bad}[人员]:3: people (id p2).party_member: expected true or false, found "
        '"也许" (column C)\n'
    ) in err
    assert "Traceback" not in err


_FULL_WIDTH = str.maketrans("0123456789-:", "０１２３４５６７８９－：")


@settings(max_examples=25, deadline=None)
@given(
    days=st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 30)), min_size=1, max_size=5),
    counts=st.lists(st.integers(0, 10**6), min_size=5, max_size=5),
    flags=st.lists(st.booleans(), min_size=5, max_size=5),
    wide=st.booleans(),
)
def test_office_values_load_as_their_iso_form_clean_or_not(
    tmp_path_factory: pytest.TempPathFactory,
    days: list[dt.date],
    counts: list[int],
    flags: list[bool],
    wide: bool,
) -> None:
    # A clean table goes straight into its typed table; one with a bad record takes the full
    # path: office spellings must read the same on both, as their ISO forms.
    def office(d: dt.date, n: int, text: str) -> str:
        spelled = [f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"][n % 2]
        return (spelled + text).translate(_FULL_WIDTH) if wide else spelled + text

    def tables(form: str, bad: bool) -> Path:
        folder = tmp_path_factory.mktemp(form)
        lines = ["id,type,households,model_since"]
        people = ["id,party_member,hire_date"]
        signs = ["id,person,kind,at"]
        for i, d in enumerate(days):
            n, yes = counts[i], flags[i]
            if form == "iso":
                lines.append(f"c{i},locality,{n},{d}")
                people.append(f"p{i},{str(yes).lower()},{d}")
                signs.append(f"s{i},p{i},in,{d} 08:0{i}")
            else:
                lines.append(
                    f"c{i},locality,{str(n).translate(_FULL_WIDTH) if wide else n}.0,"
                    f"{office(d, i, '')}"
                )
                people.append(f"p{i},{'是' if yes else '否'},{office(d, i + 1, '')}")
                signs.append(f"s{i},p{i},in,{office(d, i, f' 8:0{i}')}")
        if bad:
            lines.append("bad,locality,many,2022/3/5")
            people.append("bad,也许,2022/3/5")
            signs.append("bad,p0,in,3/5/2022 08:00")
        for name, text in (("units", lines), ("people", people), ("sign_ins", signs)):
            (folder / f"{name}.csv").write_text("\n".join(text) + "\n", "utf-8")
        return folder

    expected = gridpolicing.load_dataset(tables("iso", False))
    assert expected.rejected == ()
    for bad in (False, True):
        got = gridpolicing.load_dataset(tables("office", bad))
        assert {r.record_id for r in got.rejected} == ({"bad"} if bad else set())
        for table in ("units", "people", "sign_ins"):
            assert [r for r in rows(got, table) if r[0] != "bad"] == rows(expected, table)
