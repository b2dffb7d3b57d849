"""Cells that are no plain value: Excel errors, formulas never computed, numbers in date columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

import gridpolicing
from gridpolicing.cli.main import main
from tests.io.sample import rows

UNITS = [["id", "type", "households"], ["s1", "station", 5], ["c1", "locality", 7]]
EVALUATE = ["evaluate", "--policy", "chengdu-xinjin-2022", "--period", "2022-03", "--data"]


def _rejected(path: Path) -> list[str]:
    return [str(r) for r in gridpolicing.load_dataset(path).rejected]


def _errors_book(path: Path) -> Path:
    """Units whose households are a failed VLOOKUP (#N/A) and a division by zero."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("单位")
    for j, head in enumerate(UNITS[0]):
        sheet.write(0, j, head)
    sheet.write_row(1, 0, ["s1", "station"])
    sheet.write_formula(1, 2, "=VLOOKUP(A2,X!A:B,2,0)", None, "#N/A")
    sheet.write_row(2, 0, ["c1", "locality"])
    sheet.write_formula(2, 2, "=1/0", None, "#DIV/0!")
    sheet.write_row(3, 0, ["c2", "locality", 4])
    # A row holding nothing but an error is still a record: rejected, never skipped.
    sheet.write_formula(4, 2, "=#REF!", None, "#REF!")
    book.close()
    return path


def test_an_excel_error_cell_rejects_its_record_not_reads_empty(tmp_path: Path) -> None:
    path = _errors_book(tmp_path / "d.xlsx")
    data = gridpolicing.load_dataset(path)
    assert [str(r) for r in data.rejected] == [
        f"{path}[单位]:2: units (id s1).households: the cell holds the Excel error #N/A (column C)",
        f"{path}[单位]:3: units (id c1).households: the cell holds the Excel error #DIV/0! "
        "(column C)",
        f"{path}[单位]:5: units.households: the cell holds the Excel error #REF! (column C)",
        f"{path}[单位]:5: units.id: a value is required (column A)",
        f"{path}[单位]:5: units.type: a value is required (column B)",
    ]
    assert [r[0] for r in rows(data, "units")] == ["c2"]


def test_a_formula_without_a_computed_value_rejects_its_record(tmp_path: Path) -> None:
    # openpyxl writes a formula with no cached value: only Excel or WPS computes it.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "units"
    sheet.append(UNITS[0])
    sheet.append(["s1", "station", "=2+3"])
    sheet.append(["c1", "locality", 7])
    path = tmp_path / "d.xlsx"
    book.save(path)
    assert _rejected(path) == [
        f"{path}[units]:2: units (id s1).households: a formula with no computed value; open and "
        "save the workbook in Excel or WPS (column C)"
    ]


def test_the_cli_fails_a_workbook_with_an_error_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _errors_book(tmp_path / "d.xlsx")
    assert main([*EVALUATE, str(path), "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert "units (id s1).households: the cell holds the Excel error #N/A (column C)" in err
    assert "Traceback" not in err


def _dated_book(path: Path, cells: list[Any], date_1904: bool = False) -> Path:
    """Reports whose dates are ``cells``: a datetime as a date-formatted cell, else as given."""
    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    date = book.add_format({"num_format": "yyyy/m/d"})
    book.add_worksheet("单位").write_column(0, 0, ["编号", "s1"])
    book.worksheets()[0].write_column(0, 1, ["单位类型", "station"])
    book.add_worksheet("人员").write_column(0, 0, ["编号", "p1"])
    sheet = book.add_worksheet("报告")
    sheet.write_row(0, 0, ["编号", "类型", "报告人", "接收单位", "日期"])
    for i, cell in enumerate(cells, start=1):
        sheet.write_row(i, 0, [f"r{i}", "work_report", "p1", "s1"])
        if isinstance(cell, dt.datetime):
            sheet.write_datetime(i, 4, cell, date)
        else:
            sheet.write(i, 4, cell)
    book.close()
    return path


@pytest.mark.parametrize("number", [2022, 44621, 1])
def test_a_plain_number_in_a_date_column_is_rejected_not_a_serial(
    tmp_path: Path, number: int
) -> None:
    # A General-format number is no date: it is read as Excel shows it, and is no date.
    path = _dated_book(tmp_path / "d.xlsx", [dt.datetime(2022, 3, 4), number])
    [message] = _rejected(path)
    assert message.startswith(f"{path}[报告]:3: reports (id r2).date: ")
    assert f'"{number}"' in message
    assert message.endswith("(column E)")


@pytest.mark.parametrize("date_1904", [False, True])
def test_date_formatted_cells_read_as_the_dates_excel_shows(
    tmp_path: Path, date_1904: bool
) -> None:
    days = [dt.datetime(2022, 3, 1), dt.datetime(1905, 7, 14)]
    path = _dated_book(tmp_path / "d.xlsx", days, date_1904)
    data = gridpolicing.load_dataset(path)
    assert data.rejected == ()
    got = data.cursor().sql("SELECT id, date FROM reports ORDER BY id").fetchall()
    assert got == [("r1", dt.date(2022, 3, 1)), ("r2", dt.date(1905, 7, 14))]


def test_an_error_cell_under_no_column_name_is_a_value_there(tmp_path: Path) -> None:
    # An error below a blank header cell is a value without a column, not nothing.
    book = xlsxwriter.Workbook(str(tmp_path / "d.xlsx"))
    sheet = book.add_worksheet("units")
    sheet.write_row(0, 0, ["id", "type"])
    sheet.write_row(1, 0, ["s1", "station"])
    sheet.write_formula(1, 3, "=NA()", None, "#N/A")
    book.close()
    with pytest.raises(gridpolicing.DatasetError) as info:
        gridpolicing.load_dataset(tmp_path / "d.xlsx")
    assert [p.message for p in info.value.problems] == [
        "cell D1 has no column name, but the cells below it have values"
    ]
