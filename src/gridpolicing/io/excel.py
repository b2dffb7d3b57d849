"""Read a workbook (Excel ``.xlsx``/``.xls``, WPS, OpenDocument ``.ods``): one sheet per table.

python-calamine reads the cells; each sheet becomes an Arrow table of the records below its header
row, which the stager puts into DuckDB for the one validation path (:mod:`.validate`). A sheet is
named after its table or a Chinese name of it, and its header cells after columns or their Chinese
names (:mod:`gridpolicing.model.aliases`). A column keeps its cells' native type (Excel booleans,
numbers, dates, times) where every value in it is of a type its field reads natively; any other
column is text, each cell written as a person reads it (an integer 3 as ``3``, not ``3.0``).

Defects of the sheet itself (an unknown sheet, an unknown or repeated column name, a value under
a blank header cell, merged cells) raise :class:`DatasetError` naming the sheet and cell; records
are checked by validation, which names the sheet, row and column of a bad value. A cell that
holds an Excel error (``#N/A``) or a formula without a computed value is no empty value: its
record is rejected (:mod:`.xlsx_cells` finds them, which calamine reads as empty).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, final

import pyarrow as pa
import python_calamine as calamine

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset_schema import ATTRIBUTE_PREFIX, Column, columns, takes_attributes
from gridpolicing.io.documents import quote
from gridpolicing.io.xlsx_cells import Unread, unread_cells
from gridpolicing.model import TABLES
from gridpolicing.model.aliases import column_names, table_names

__all__ = ["WORKBOOK_SUFFIXES", "Sheet", "read_workbook"]

WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
# Sheets whose names start so are notes for people (填表说明, _lists): not tables, not read.
_SKIPPED: Final = ("_", "说明")

Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta | None


@final
@dataclass(frozen=True, slots=True)
class Sheet:
    """One table read from a sheet: its records as Arrow columns, ``_key`` and ``_row`` first."""

    table: str
    label: str
    """How messages name the sheet: ``deployment.xlsx[人员]``."""
    data: pa.Table
    letters: tuple[tuple[str, str], ...]
    """(column, the letter of its cells: ``C``) for each column read."""
    rejected: tuple[tuple[int, str, str], ...] = ()
    """(``_key``, column, message) of cells that hold no value to read: an Excel error ..."""


def read_workbook(data: bytes, name: str) -> list[Sheet]:
    """The tables of the workbook ``data``; ``name`` (the file) is how messages name it.

    Raises :class:`DatasetError` with every defect of the workbook's sheets and headers.
    """
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.CalamineError as exc:
        raise _error(name, f"cannot read the workbook: {exc}") from None
    problems: list[Problem] = []
    sheets: list[Sheet] = []
    seen: dict[str, str] = {}
    unread = unread_cells(data)
    with book:
        known = table_names()
        for meta in book.sheets_metadata:
            sheet_name = meta.name
            if meta.typ != calamine.SheetTypeEnum.WorkSheet or sheet_name.startswith(_SKIPPED):
                continue
            try:
                cells = book.get_sheet_by_name(sheet_name)
                rows = cells.to_python(skip_empty_area=False)
                merged = cells.merged_cell_ranges or []
            except calamine.CalamineError as exc:
                problems.append(Problem(name, None, None, "", f"sheet {quote(sheet_name)}: {exc}"))
                continue
            if not any(_given(v) for row in rows for v in row):
                continue  # an empty sheet (a new workbook's Sheet1) holds no table
            table = known.get(sheet_name.strip())
            if table is None:
                problems.append(Problem(name, None, None, "", _unknown_sheet(sheet_name)))
                continue
            if table in seen:
                problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        "",
                        f"sheets {quote(seen[table])} and {quote(sheet_name)} are both the "
                        f"table {table}; put its records on one sheet",
                    )
                )
                continue
            seen[table] = sheet_name
            try:
                label = f"{name}[{sheet_name}]"
                sheets.append(_sheet(label, table, rows, merged, unread.get(sheet_name, {})))
            except DatasetError as exc:
                problems.extend(exc.problems)
    if problems:
        raise DatasetError(problems)
    return sheets


def _sheet(
    label: str,
    table: str,
    rows: Sequence[Sequence[Cell]],
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    unread: Unread,
) -> Sheet:
    """The records of one sheet: the first row with a value is the header, blank rows are none.

    ``unread`` are the cells that read as empty but hold an error or an uncomputed formula.
    """
    problems = [
        Problem(
            label,
            a[0] + 1,
            a[1] + 1,
            "",
            f"cells {_cell(*a)}:{_cell(*b)} are merged; "
            "unmerge them and give each cell its own value",
        )
        for a, b in merged
        if a != b
    ]
    if problems:
        raise DatasetError(problems)
    top = next(i for i, row in enumerate(rows) if not _blank(row))
    header = rows[top]
    # A row whose only value is an error cell is still a record: rejected, not skipped.
    marked = {i for i, _ in unread}
    body = [
        (i + 1, row) for i, row in enumerate(rows) if i > top and (i in marked or not _blank(row))
    ]
    # The cells of each column: one transpose of the rows, each as wide as the widest.
    width = max(map(len, [header, *(row for _, row in body)]))
    cells = list(zip(*(_wide(row, width) for _, row in body), strict=True)) if body else []
    header = _wide(header, width)
    spec = TABLES[table]
    fields = {c.name: c for c in columns(spec.model)}
    names = column_names(table, list(fields))
    attributes = takes_attributes(spec.model)
    picked: dict[str, int] = {}
    for j, head in enumerate(header):
        text = _text(head).strip() if _given(head) else ""
        where = _cell(top, j)
        if not text:
            if cells and (any(map(_given, cells[j])) or any(k == j and i > top for i, k in unread)):
                problems.append(
                    Problem(
                        label,
                        top + 1,
                        j + 1,
                        "",
                        f"cell {where} has no column name, but the cells below it have values",
                    )
                )
            continue
        column = names.get(text)
        if column is None and attributes and text.startswith(ATTRIBUTE_PREFIX):
            column = text if text != ATTRIBUTE_PREFIX else None
        if column is None:
            problems.append(Problem(label, top + 1, j + 1, "", _unknown_column(where, text, table)))
        elif column in picked:
            first = _cell(top, picked[column])
            problems.append(
                Problem(
                    label,
                    top + 1,
                    j + 1,
                    "",
                    f"cells {first} and {where} both name the column {column}",
                )
            )
        else:
            picked[column] = j
    if problems:
        raise DatasetError(problems)
    data: dict[str, pa.Array] = {
        "_key": pa.array(range(len(body)), pa.int64()),
        "_row": pa.array([n for n, _ in body], pa.int64()),
    }
    rejected = []
    for column, j in picked.items():
        values = [None if v == "" else v for v in cells[j]] if cells else []
        data[column] = _array(fields.get(column), values)
        rejected += [
            (key, column, unread[n - 1, j])
            for key, (n, _) in enumerate(body)
            if (n - 1, j) in unread
        ]
    letters = tuple((column, _letters(j)) for column, j in picked.items())
    return Sheet(table, label, pa.table(data), letters, tuple(rejected))


def _array(c: Column | None, values: list[Cell]) -> pa.Array:
    """The column's values: native where its field reads every one of them natively, else text.

    ``c`` is None for an attribute (its type is the policy's): text, which reads as any type.
    """
    # The exact types of the cells given (bool is no number here, nor a datetime a date).
    types = set(map(type, values)) - {type(None)}
    if c is not None and not c.is_list and types:
        if c.kind == "bool" and types == {bool}:
            return pa.array(values, pa.bool_())
        if c.kind in ("int", "float") and types <= {int, float}:
            return pa.array(values, pa.int64() if types == {int} else pa.float64())
        if c.kind == "date" and types == {dt.date}:
            return pa.array(values, pa.date32())
        if c.kind == "datetime" and types <= {dt.date, dt.datetime}:
            # A time cell at midnight comes back as a date: it is that day's 00:00.
            times = [_at_midnight(v) for v in values]
            return pa.array(times, pa.timestamp("us"))
    if types <= {str}:
        return pa.array(values, pa.string())
    return pa.array([None if v is None else _text(v) for v in values], pa.string())


def _at_midnight(v: Cell) -> dt.datetime | None:
    """A date or time cell as a time (a date at its 00:00); None for a blank one."""
    if isinstance(v, dt.datetime) or v is None:
        return v
    assert isinstance(v, dt.date)  # the caller checked every cell's type
    return dt.datetime(v.year, v.month, v.day)


def _text(v: Cell) -> str:
    """A cell as text, as a person reads it: ``3`` for the number 3, ISO dates and times."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def _wide(row: Sequence[Cell], width: int) -> Sequence[Cell]:
    """The row with blank cells up to ``width`` (calamine gives every row the sheet's width)."""
    return row if len(row) == width else [*row, *[""] * (width - len(row))]


def _blank(row: Sequence[Cell]) -> bool:
    """No cell of the row holds anything (a row of records is told by its first cell, its id)."""
    first = row[0] if row else ""
    if first != "" and first is not None and (not isinstance(first, str) or first.strip()):
        return False
    return row.count("") + row.count(None) == len(row) or not any(map(_given, row))


def _given(v: Cell) -> bool:
    """The cell holds something: not empty, nor only spaces."""
    return v is not None and (not isinstance(v, str) or bool(v.strip()))


def _letters(j: int) -> str:
    """The letters of the 0-based column ``j``: A, ..., Z, AA, ..."""
    out = ""
    j += 1
    while j:
        j, rest = divmod(j - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(i: int, j: int) -> str:
    """The reference of the cell at 0-based row ``i`` and column ``j``: ``C5``."""
    return f"{_letters(j)}{i + 1}"


def _unknown_sheet(sheet: str) -> str:
    return (
        f"sheet {quote(sheet)} is not a table; a sheet is named after its table "
        f"({_listing(TABLES)}) or a Chinese name of it (单位, 人员, 任职 ..., see "
        "docs/dataset-format.md); name a sheet that is not data starting with _ or 说明"
    )


def _unknown_column(where: str, text: str, table: str) -> str:
    return (
        f"cell {where}: unknown column {quote(text)}; columns of {table} are "
        f"{_listing(c.name for c in columns(TABLES[table].model))}, or their Chinese names "
        "(docs/dataset-format.md)"
    )


def _listing(names: Iterable[str]) -> str:
    return ", ".join(names)


def _error(file: str, message: str) -> DatasetError:
    return DatasetError([Problem(file, None, None, "", message)])
