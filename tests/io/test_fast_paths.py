"""The clean-table fast path and the full path must agree: same rows, same order, same messages.

A table with no failing record is inserted straight from its file; anything else falls back to
the full check. These tests give each form of input a clean table, then the same table with one
defect somewhere (late in the file, found only by a check across rows, or in a native Parquet
value), and compare with what the text forms say.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gridpolicing.io import Dataset, RejectedRecord, TableCount, load_dataset
from tests.io.sample import SAMPLE, Tables, write_csv_dir, write_parquet_dir, write_yaml

_N = 300


def _activities(n: int = _N) -> list[dict[str, Any]]:
    kinds = ["household_visit", "patrol", "mediation"]
    return [
        {
            "id": f"x{i:04d}",
            "person": ["p1", "p2", "007"][i % 3],
            "unit": ["c1", "v1", "s1"][i % 3],
            "kind": kinds[i % 3],
            "start": f"2022-03-{1 + i % 28:02d} 08:00",
            "end": f"2022-03-{1 + i % 28:02d} 09:30:00",
            "households_visited": i % 7,
            "has_photo": i % 2 == 0,
        }
        for i in range(n)
    ]


def _tables(**changes: dict[str, Any]) -> Tables:
    """The sample with many activities, record ``x<i>`` updated by ``changes[x<i>]``."""
    tables = {k: v for k, v in SAMPLE.items() if k != "activities"}
    acts = _activities()
    for rec in acts:
        rec.update(changes.get(rec["id"], {}))
    tables["activities"] = [{k: v for k, v in r.items() if v is not None} for r in acts]
    return tables


def _write(form: str, root: Path, tables: Tables) -> Path:
    if form == "yaml":
        return write_yaml(root / "data.yaml", tables)
    if form == "csv":
        return write_csv_dir(root / "csv", tables)
    return write_parquet_dir(root / form, tables, typed=form == "typed")


def _outcome(ds: Dataset) -> tuple[object, ...]:
    """Rejections (without rows, which differ between forms), counts and the stored ids."""
    problems = sorted(
        (r.table, r.record_id, r.field, re.sub(r"row \d+", "row N", r.message)) for r in ds.rejected
    )
    ids = ds.cursor().execute("SELECT id FROM activities").fetchall()  # as stored
    return problems, ds.counts["activities"], [i for (i,) in ids]


FORMS = ["yaml", "csv", "text", "typed"]
CASES: dict[str, dict[str, dict[str, Any]]] = {
    "clean": {},
    "late bad value": {"x0297": {"households_visited": -2}},
    "late missing value": {"x0299": {"kind": None}},
    "duplicate id": {"x0250": {"id": "x0010"}},
    "unknown person": {"x0123": {"person": "p9"}},
    "end before start": {"x0200": {"end": "2022-03-01 07:00"}},
    "padded values": {"x0005": {"person": " p1\u3000", "kind": " patrol ", "unit": "\tc1"}},
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_form_gives_the_same_outcome(tmp_path: Path, case: str) -> None:
    tables = _tables(**CASES[case])
    outcomes = {form: _outcome(load_dataset(_write(form, tmp_path, tables))) for form in FORMS}
    assert all(o == outcomes["yaml"] for o in outcomes.values()), outcomes
    problems, count, ids = outcomes["yaml"]
    changed = set(CASES[case]) if problems else set()
    assert count == TableCount(_N, _N - len(changed), len(changed))
    # The typed table keeps the order of the file, whichever path filled it.
    records = tables["activities"]
    assert ids == [r["id"] for i, r in enumerate(records) if f"x{i:04d}" not in changed]


def test_a_late_duplicate_keeps_the_first_and_the_file_order(tmp_path: Path) -> None:
    ds = load_dataset(_write("typed", tmp_path, _tables(x0250={"id": "x0010"})))
    f = str(tmp_path / "typed" / "activities.parquet")
    assert ds.rejected == (
        RejectedRecord(
            f, 251, "activities", "x0010", "id", 'duplicate id "x0010" (first at row 11)'
        ),
    )
    ids = [i for (i,) in ds.cursor().execute("SELECT id FROM activities").fetchall()]
    assert ids == [f"x{i:04d}" for i in range(_N) if i != 250]


def test_native_parquet_values_are_checked_like_text(tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    write_csv_dir(folder, {k: SAMPLE[k] for k in ("units", "people")})
    start = dt.datetime(2022, 3, 1, 8, 0)
    pq.write_table(
        pa.table(
            {
                "id": ["a", "b", "c", "d", "e"],
                "person": pa.array(["p1", "p1", "p2", "p2", "p1"]).dictionary_encode(),
                "unit": ["c1", "c1", "v1", "v1", "c1"],
                "kind": pa.array(["patrol", " patrol", "patrol", "nap", None]).dictionary_encode(),
                "start": pa.array([start] * 5, pa.timestamp("ms")),
                "end": pa.array([start, start, start - dt.timedelta(hours=1), start, start]),
                "households_visited": pa.array([1, -1, 2**40, None, 3], pa.int64()),
                "services_done": pa.array([0, 2**63 + 1, 0, 0, 0], pa.uint64()),
                "has_photo": pa.array([True, None, False, True, False]),
            }
        ),
        folder / "activities.parquet",
    )
    ds = load_dataset(folder)
    assert [(r.row, r.field, r.message) for r in ds.rejected] == [
        (2, "households_visited", 'expected an integer >= 0, found "-1"'),
        (2, "services_done", 'expected an integer >= 0, found "9223372036854775809"'),
        (
            3,
            "end",
            'expected end on or after start 2022-03-01 08:00:00, found "2022-03-01 07:00:00"',
        ),
        (4, "kind", "expected one of " + _kinds() + ', found "nap"'),
        (5, "kind", "a value is required"),
    ]
    assert ds.cursor().execute(
        "SELECT id, kind, households_visited FROM activities"
    ).fetchall() == [("a", "patrol", 1)]


def _kinds() -> str:
    from gridpolicing.model import ActivityKind

    return ", ".join(sorted(k.value for k in ActivityKind))


def test_loading_leaves_only_the_typed_tables(tmp_path: Path) -> None:
    tables = _tables(x0100={"kind": "nap"})
    for form in ("csv", "typed"):
        ds = load_dataset(_write(form, tmp_path, tables))
        con = ds.cursor()
        temp = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal UNION ALL "
            "SELECT function_name FROM duckdb_functions() WHERE database_name = 'temp'"
        ).fetchall()
        assert temp == []
