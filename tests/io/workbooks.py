"""Writers of the forms an office keeps a dataset in: workbooks with native cells, GBK CSV files.

Each writes the typed tables of a loaded Dataset, so any example (a CSV folder or a YAML file)
can be written in any form and loaded back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter
import yaml

from gridpolicing import examples
from gridpolicing.io import Dataset
from gridpolicing.model import TABLES
from gridpolicing.model.aliases import COLUMN_ALIASES, TABLE_ALIASES
from gridpolicing.policy.resources import bundled_dir


def scenarios() -> list[tuple[str, str, str]]:
    """(example, policy id, period) of every bundled example, as its scenario.yaml says."""
    out = []
    for name in examples.names():
        scenario = yaml.safe_load(
            (bundled_dir("examples") / name / "scenario.yaml").read_text("utf-8")
        )
        out.append((name, str(scenario["policy"]), str(scenario["period"])))
    return out


def used_tables(data: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The used records of each table that has any, as Python values, in id order."""
    return {t: data.table(t).to_pylist() for t in TABLES if data.count(t)}


def write_workbook(path: Path, tables: dict[str, list[dict[str, Any]]], *, chinese: bool) -> Path:
    """A workbook of one sheet per table with native cells (numbers, booleans, dates, times).

    With ``chinese``, sheets and header cells carry each name's first Chinese alias.
    """
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    time = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for table, records in tables.items():
        sheet = book.add_worksheet(TABLE_ALIASES[table][0] if chinese else table)
        names = list(records[0])
        aliases = COLUMN_ALIASES[table]
        header = [aliases[n][0] if chinese and n in aliases else n for n in names]
        sheet.write_row(0, 0, header)
        for i, record in enumerate(records, 1):
            for j, name in enumerate(names):
                value = record[name]
                if value is None or value == []:
                    continue
                if isinstance(value, list):
                    sheet.write_string(i, j, ";".join(value))
                elif isinstance(value, bool):
                    sheet.write_boolean(i, j, value)
                elif isinstance(value, int | float):
                    sheet.write_number(i, j, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(i, j, value, time)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date)
                else:
                    sheet.write_string(i, j, str(value))
    book.close()
    return path


def write_csv_folder(data: Dataset, folder: Path, encoding: str = "utf-8") -> Path:
    """The dataset's used tables as CSV files (lists joined by ``;``) in ``encoding``."""
    folder.mkdir(parents=True, exist_ok=True)
    con = data.cursor()
    for table in TABLES:
        if not data.count(table):
            continue
        described = con.execute(f'DESCRIBE "{table}"').fetchall()
        cols = [
            f'array_to_string("{n}", \';\') AS "{n}"' if str(t).endswith("[]") else f'"{n}"'
            for n, t, *_ in described
        ]
        utf8 = folder / f"{table}.utf8"
        con.execute(
            f"COPY (SELECT {', '.join(cols)} FROM \"{table}\" ORDER BY id) TO '{utf8}' "
            "(HEADER, DELIMITER ',')"
        )
        text = utf8.read_text("utf-8")
        utf8.unlink()
        (folder / f"{table}.csv").write_bytes(text.encode(encoding))
    con.close()
    return folder
