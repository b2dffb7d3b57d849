"""JSON rows are validated exactly as a CSV file holding the same values: the same rejections.

A value may come as text or as a native JSON number, boolean or list; either way it is checked
by the same SQL as the CSV cell holding it as written (``1.50`` stays ``1.50``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing import load_dataset
from gridpolicing.errors import DatasetError
from gridpolicing.service.datasets import arrow_tables
from gridpolicing.service.evaluation import parse_json

STATION = {"id": "st1", "type": "station", "name": "派出所"}
PERSON = {"id": "p1", "name": "民警", "home_unit": "st1", "party_member": "true"}


def _csv_cell(value: Any) -> str:
    """What a CSV file holds for a JSON value: its text as written, lists joined by ';'."""
    if isinstance(value, list):
        return ";".join(_csv_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _rejections(dataset: Any) -> list[tuple[str, str, str, str]]:
    return sorted((r.table, r.record_id or "", r.field, r.message) for r in dataset.rejected)


def _both(tmp_path: Path, tables: dict[str, list[dict[str, Any]]]) -> tuple[Any, Any]:
    folder = tmp_path / "csv"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for table, rows in tables.items():
        names = list(dict.fromkeys(k for r in rows for k in r))
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(names)
            for r in rows:
                writer.writerow(["" if r.get(n) is None else _csv_cell(r[n]) for n in names])
    body = json.dumps(tables).encode()  # native values, parsed as the service parses a body
    with load_dataset(folder) as from_csv, load_dataset(arrow_tables(parse_json(body), "t")) as j:
        return _rejections(from_csv), _rejections(j)


CASES: list[tuple[str, str, Any]] = [
    ("units", "population", 12),
    ("units", "population", 1.5),
    ("units", "population", "1.50"),
    ("units", "population", -3),
    ("units", "households", 1e3),
    ("units", "households", 12345678901234567890),
    ("units", "type", "castle"),
    ("units", "tags", ["urban", "nonsense"]),
    ("units", "tags", "a;b"),
    ("units", "model_since", "2022-02-30"),
    ("units", "model_since", 20220101),
    ("people", "party_member", True),
    ("people", "party_member", "yes"),
    ("people", "party_member", 1),
    ("people", "hire_date", "2022-1-5"),
    ("people", "rank", None),
]


def _tables(table: str, field: str, value: Any) -> dict[str, list[dict[str, Any]]]:
    unit = {
        "id": "v1",
        "type": "locality",
        "category": "village",
        "area": "rural",
        "name": "一村",
        "parent": "st1",
        "station": "st1",
    }
    person = dict(PERSON)
    (unit if table == "units" else person)[field] = value
    return {"units": [STATION, unit], "people": [person]}


@pytest.mark.parametrize(
    ("table", "field", "value"), CASES, ids=[f"{c[1]}={c[2]!r}" for c in CASES]
)
def test_a_json_value_is_rejected_as_its_csv_cell(
    tmp_path: Path, table: str, field: str, value: Any
) -> None:
    from_csv, from_json = _both(tmp_path, _tables(table, field, value))
    assert from_json == from_csv


def test_the_cases_above_do_reject_something(tmp_path: Path) -> None:
    """So that the equality above is not only of empty lists."""
    from_csv, _ = _both(tmp_path, _tables("units", "population", 1.5))
    assert [r[2] for r in from_csv] == ["population"]


VALUES = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.text("0123456789-.:;eTtruefalsyn ", max_size=12),
    st.lists(st.sampled_from(["urban", "rural", "x", "", "1"]), max_size=3),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(["population", "households", "model_since", "tags", "area", "name"]),
    value=VALUES,
)
def test_any_json_value_is_judged_as_its_csv_cell(tmp_path: Path, field: str, value: Any) -> None:
    tables = _tables("units", field, value)
    if isinstance(value, list) and field != "tags":
        with pytest.raises(DatasetError, match="expected a single value, found a list"):
            arrow_tables(parse_json(json.dumps(tables).encode()), "t")
        return
    from_csv, from_json = _both(tmp_path, tables)
    assert from_json == from_csv


def test_numbers_in_a_body_stay_as_written() -> None:
    """1.50 is checked as "1.50" (as a CSV cell holding it), not as Python's float 1.5."""
    body = b'{"units": [{"id": "v1", "population": 1.50, "households": 1e3, "rental_rooms": 7}]}'
    assert parse_json(body) == {
        "units": [{"id": "v1", "population": "1.50", "households": "1e3", "rental_rooms": "7"}]
    }
