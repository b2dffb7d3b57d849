"""A small valid dataset and writers for each input form (YAML, JSON, CSV and Parquet)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from gridpolicing.io import Dataset
from gridpolicing.io.dataset_schema import columns
from gridpolicing.model import TABLES

Tables = dict[str, list[dict[str, Any]]]

SAMPLE: Tables = {
    "units": [
        {"id": "d1", "type": "jurisdiction", "name": "新都区"},
        {"id": "s1", "type": "station", "name": "新都派出所", "parent": "d1"},
        {"id": "o1", "type": "office", "parent": "s1", "station": "s1"},
        {
            "id": "c1",
            "type": "locality",
            "name": "桂湖社区",
            "station": "s1",
            "office": "o1",
            "area": "urban",
            "category": "urban_community",
            "population": 5200,
            "households": 1800,
            "rental_rooms": 300,
            "model_since": "2021-06-01",
        },
        {"id": "v1", "type": "locality", "area": "rural", "category": "village", "parent": "s1"},
    ],
    "people": [
        {"id": "p1", "name": "张三", "home_unit": "s1", "party_member": True},
        {"id": "p2", "name": "李四"},
        {"id": "007", "name": "王五", "home_unit": "s1"},
    ],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c1",
            "role": "community_officer",
            "start": "2021-01-01",
            "posts": ["deputy_party_secretary", "director_assistant"],
            "registered": True,
        },
        {
            "id": "a2",
            "person": "p2",
            "unit": "v1",
            "role": "auxiliary",
            "start": "2021-03-01",
            "end": "2022-12-31",
            "employment": "part_time",
        },
    ],
    "activities": [
        {
            "id": "x1",
            "person": "p1",
            "unit": "c1",
            "kind": "household_visit",
            "start": "2022-03-07 08:00",
            "end": "2022-03-07T11:30:00",
            "households_visited": 12,
            "has_work_log": True,
        },
        {
            "id": "x2",
            "person": "p2",
            "unit": "v1",
            "kind": "mediation",
            "subkind": "邻里",
            "start": "2022-03-08 14:00:00",
            "end": "2022-03-08 15:00:00",
            "quantity": 1,
        },
    ],
    "meetings": [
        {
            "id": "m1",
            "kind": "weekly_briefing",
            "unit": "s1",
            "date": "2022-03-07",
            "attendees": ["p1", "p2"],
        },
        {"id": "m2", "kind": "village_council", "unit": "v1", "date": "2022-03-09"},
    ],
    "reports": [
        {
            "id": "r1",
            "kind": "work_report",
            "author": "p1",
            "recipient": "s1",
            "date": "2022-03-31",
        },
    ],
    "tasks": [
        {
            "id": "t1",
            "person": "p1",
            "kind": "surprise_operation",
            "start": "2022-03-10",
            "end": "2022-03-11",
            "reason": "major_security_duty",
            "unit": "s1",
        },
    ],
    "incidents": [
        {"id": "i1", "person": "p2", "kind": "accepted_hospitality", "date": "2022-02-01"}
    ],
    "surveys": [
        {"id": "q1", "unit": "c1", "date": "2022-06-30", "respondents": 200, "satisfied": 180}
    ],
    "funding": [
        {
            "id": "f1",
            "person": "p1",
            "source": "市财政",
            "amount_cny": 12000.5,
            "start": "2022-01-01",
            "end": "2022-12-31",
        },
        {
            "id": "f2",
            "unit": "c1",
            "source": "区财政",
            "amount_cny": 3000,
            "start": "2022-01-01",
            "end": "2022-06-30",
        },
    ],
    "checklists": [
        {"id": "k1", "unit": "o1", "item": "标识", "present": False, "checked_on": "2022-03-01"}
    ],
    "sensitive_periods": [
        {"id": "sp1", "name": "春节", "start": "2022-01-31", "end": "2022-02-06"}
    ],
}


def write_yaml(path: Path, tables: Tables) -> Path:
    """``tables`` as a single YAML file, as an author would write it."""
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def write_json(path: Path, tables: Tables) -> Path:
    """``tables`` as a single JSON file."""
    path.write_text(json.dumps(tables, ensure_ascii=False, indent=2), "utf-8")
    return path


def cell(value: Any) -> str:
    """How a value is written in a CSV cell: lists joined by ';', booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(cell(v) for v in value)
    return str(value)


def write_csv_dir(folder: Path, tables: Tables) -> Path:
    """One ``<table>.csv`` per non-empty table, with the columns its records use."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in tables.items():
        if not records:
            continue
        names = _used_columns(name, records)
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            writer.writerows([cell(r.get(n)) for n in names] for r in records)
    return folder


def write_parquet_dir(folder: Path, tables: Tables, *, typed: bool = False) -> Path:
    """One ``<table>.parquet`` per table; ``typed`` stores native types instead of text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in tables.items():
        kinds = {c.name: c for c in columns(TABLES[name].model)}
        data: dict[str, pa.Array] = {}
        for n in _used_columns(name, records):
            values = [r.get(n) for r in records]
            c = kinds[n]
            if c.is_list:
                data[n] = pa.array(values, pa.list_(pa.string()))
            elif typed and c.kind in _ARROW_TYPES:
                data[n] = pa.array([_native(v, c.kind) for v in values], _ARROW_TYPES[c.kind])
            else:
                data[n] = pa.array([None if v is None else cell(v) for v in values], pa.string())
        pq.write_table(pa.table(data), folder / f"{name}.parquet")
    return folder


_ARROW_TYPES = {
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
}


def _native(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "float":
        return float(value)
    return value


def _used_columns(table: str, records: list[dict[str, Any]]) -> list[str]:
    used = {k for r in records for k in r}
    return [c.name for c in columns(TABLES[table].model) if c.name in used]


def rows(dataset: Dataset, table: str) -> list[tuple[Any, ...]]:
    """The typed rows of a table, ordered by id."""
    result: list[tuple[Any, ...]] = (
        dataset.cursor().sql(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
    )
    return result


def all_rows(dataset: Dataset) -> dict[str, list[tuple[Any, ...]]]:
    """Every typed table's rows, for comparing two loads."""
    return {t: rows(dataset, t) for t in TABLES}
