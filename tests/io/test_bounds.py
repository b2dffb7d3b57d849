"""Dates in a window, zoned times made local deterministically, activities of bounded length."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gridpolicing.errors import DatasetError, UsageError
from gridpolicing.io import Dataset, TableCount, load_dataset
from tests.io.sample import rows, write_csv_dir, write_json, write_parquet_dir, write_yaml

ROOT = Path(__file__).resolve().parents[2]
WINDOW = "from 1900-01-01 to 2200-12-31"
PERIODS = [
    {"id": "ok", "start": "1900-01-01", "end": "2200-12-31"},
    {"id": "zero", "start": "0000-01-01", "end": "2022-01-01"},
    {"id": "early", "start": "1899-12-31", "end": "2022-01-01"},
    {"id": "late", "start": "2022-01-01", "end": "2201-01-01"},
    {"id": "far", "start": "2022-01-01", "end": "9999-12-31"},
]
BASE = {"units": [{"id": "c1", "type": "locality"}], "people": [{"id": "p1"}]}


def _activity(i: str, start: str, end: str) -> dict[str, str]:
    return {"id": i, "person": "p1", "unit": "c1", "kind": "patrol", "start": start, "end": end}


def _accounted(ds: Dataset) -> None:
    for name, c in ds.counts.items():
        assert c.read == c.used + c.rejected
        assert c.used == ds.count(name)


@pytest.mark.parametrize("form", ["yaml", "json", "csv", "parquet"])
def test_dates_outside_the_window_are_rejected_records(tmp_path: Path, form: str) -> None:
    data = {"sensitive_periods": PERIODS}
    path = {
        "yaml": lambda: write_yaml(tmp_path / "d.yaml", data),
        "json": lambda: write_json(tmp_path / "d.json", data),
        "csv": lambda: write_csv_dir(tmp_path / "csv", data),
        "parquet": lambda: write_parquet_dir(tmp_path / "pq", data),
    }[form]()
    ds = load_dataset(path)
    assert [(r.record_id, r.field, r.message) for r in ds.rejected] == [
        ("zero", "start", f'expected a date YYYY-MM-DD {WINDOW}, found "0000-01-01"'),
        ("early", "start", f'expected a date YYYY-MM-DD {WINDOW}, found "1899-12-31"'),
        ("late", "end", f'expected a date YYYY-MM-DD {WINDOW}, found "2201-01-01"'),
        ("far", "end", f'expected a date YYYY-MM-DD {WINDOW}, found "9999-12-31"'),
    ]
    assert ds.counts["sensitive_periods"] == TableCount(5, 1, 4)
    # Once crashed with OverflowError: every used value is one Python can hold.
    assert [r.model_dump()["id"] for r in ds.records("sensitive_periods")] == ["ok"]


def test_far_out_native_parquet_dates_and_times_are_rejected(tmp_path: Path) -> None:
    folder = write_csv_dir(tmp_path / "pq", BASE)
    days = pa.array([-800_000, 2**31 - 1, -(2**31), 19_000], pa.date32())
    pq.write_table(
        pa.table({"id": ["a", "b", "c", "d"], "start": days, "end": days}),
        folder / "sensitive_periods.parquet",
    )
    times = pa.array([2**63 - 1, -(2**62), 1_646_640_000_000_000, None], pa.timestamp("us"))
    late = pa.array([1_646_643_600_000_000] * 4, pa.timestamp("us"))
    pq.write_table(
        pa.table(
            {
                "id": ["w", "x", "y", "z"],
                "person": ["p1"] * 4,
                "unit": ["c1"] * 4,
                "kind": ["patrol"] * 4,
                "start": times,
                "end": late,
            }
        ),
        folder / "activities.parquet",
    )
    ds = load_dataset(folder)
    assert [(r.table, r.row, r.field, r.message.split(", found")[0]) for r in ds.rejected] == [
        ("activities", 1, "start", f"expected a date and time YYYY-MM-DD HH:MM[:SS] {WINDOW}"),
        ("activities", 2, "start", f"expected a date and time YYYY-MM-DD HH:MM[:SS] {WINDOW}"),
        ("activities", 4, "start", "a value is required"),
        *(
            ("sensitive_periods", row, f, f"expected a date YYYY-MM-DD {WINDOW}")
            for row in (1, 2, 3)
            for f in ("end", "start")
        ),
    ]
    assert [r[0] for r in rows(ds, "activities")] == ["y"]
    assert [r.model_dump()["id"] for r in ds.records("sensitive_periods")] == ["d"]
    _accounted(ds)


def test_times_at_the_window_edges_are_used(tmp_path: Path) -> None:
    acts = [
        _activity("first", "1900-01-01 00:00", "1900-01-01 01:00"),
        _activity("last", "2200-12-31 23:00", "2200-12-31 23:59:59.999999"),
        _activity("over", "2200-12-31 23:00", "2201-01-01 00:00"),
    ]
    ds = load_dataset(write_yaml(tmp_path / "d.yaml", {**BASE, "activities": acts}))
    assert [(r.record_id, r.field) for r in ds.rejected] == [("over", "end")]
    assert ds.count("activities") == 2


def test_a_parquet_file_duckdb_cannot_read_is_a_file_error(tmp_path: Path) -> None:
    # 10**15 seconds do not fit DuckDB's microsecond timestamps: no row of it can be read.
    folder = write_csv_dir(tmp_path / "pq", BASE)
    table = pa.table(
        {
            "id": ["x"],
            "person": ["p1"],
            "unit": ["c1"],
            "kind": ["patrol"],
            "start": pa.array([10**15], pa.timestamp("s")),
            "end": pa.array([10**15], pa.timestamp("s")),
        }
    )
    pq.write_table(table, folder / "activities.parquet")
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    (problem,) = info.value.problems
    assert problem.file == str(folder / "activities.parquet")
    assert problem.message.startswith("cannot read the file: Conversion Error")


# --- time zones ------------------------------------------------------------------------------


def _zoned(folder: Path) -> Path:
    """Activities whose times are UTC instants (isAdjustedToUTC), and one far outside."""
    write_csv_dir(folder, BASE)
    utc = dt.UTC
    starts = [
        dt.datetime(2022, 3, 7, 0, 30, tzinfo=utc),
        dt.datetime(2022, 3, 6, 23, 0, tzinfo=utc),
        dt.datetime(2300, 1, 1, tzinfo=utc),
    ]
    table = pa.table(
        {
            "id": ["x1", "x2", "x3"],
            "person": ["p1"] * 3,
            "unit": ["c1"] * 3,
            "kind": ["patrol"] * 3,
            "start": pa.array(starts, pa.timestamp("us", tz="UTC")),
            "end": pa.array([s + dt.timedelta(hours=1) for s in starts], pa.timestamp("ms", "UTC")),
        }
    )
    pq.write_table(table, folder / "activities.parquet")
    return folder


def test_zoned_parquet_times_become_shanghai_local_time(tmp_path: Path) -> None:
    ds = load_dataset(_zoned(tmp_path / "pq"))
    assert [r[0] + " " + str(r[5]) for r in rows(ds, "activities")] == [
        "x1 2022-03-07 08:30:00",
        "x2 2022-03-07 07:00:00",
    ]
    expected = f"expected a date and time YYYY-MM-DD HH:MM[:SS] {WINDOW}, found"
    assert [(r.field, r.message) for r in ds.rejected] == [
        ("end", f'{expected} "2300-01-01 09:00:00+08"'),
        ("start", f'{expected} "2300-01-01 08:00:00+08"'),
    ]


def test_the_jurisdiction_time_zone_is_a_load_option(tmp_path: Path) -> None:
    ds = load_dataset(_zoned(tmp_path / "pq"), timezone="Asia/Urumqi")
    assert [str(r[5]) for r in rows(ds, "activities")] == [
        "2022-03-07 06:30:00",
        "2022-03-07 05:00:00",
    ]
    with pytest.raises(UsageError, match="unknown time zone 'Mars/Olympus'"):
        load_dataset(tmp_path / "pq", timezone="Mars/Olympus")


_SHOW = """\
import json, sys
from gridpolicing.io import load_dataset
ds = load_dataset(sys.argv[1])
rows = ds.cursor().sql("SELECT id, CAST(start AS VARCHAR), CAST(\\"end\\" AS VARCHAR) FROM activities").fetchall()
print(json.dumps({"rows": rows, "rejected": [str(r) for r in ds.rejected]}))
"""  # noqa: E501


def test_loading_zoned_times_does_not_depend_on_the_process_tz(tmp_path: Path) -> None:
    folder = _zoned(tmp_path / "pq")
    seen = []
    for tz in ("UTC", "America/New_York", "Asia/Kolkata"):
        env = {**os.environ, "TZ": tz, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run(
            [sys.executable, "-c", _SHOW, str(folder)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        seen.append(json.loads(done.stdout))
    assert seen[0] == seen[1] == seen[2]
    assert seen[0]["rows"][0] == ["x1", "2022-03-07 08:30:00", "2022-03-07 09:30:00"]
    assert len(seen[0]["rejected"]) == 2


# --- activity durations ----------------------------------------------------------------------


def test_an_activity_longer_than_the_bound_is_rejected_not_counted(tmp_path: Path) -> None:
    acts = [
        _activity("day", "2022-03-07 08:00", "2022-03-08 08:00"),
        _activity("typo", "2022-03-07 08:00", "2023-03-07 09:00"),
        _activity("over", "2022-03-07 08:00", "2022-03-08 08:00:00.000001"),
    ]
    ds = load_dataset(write_yaml(tmp_path / "d.yaml", {**BASE, "activities": acts}))
    f = str(tmp_path / "d.yaml")
    assert [str(r) for r in ds.rejected] == [
        f"{f}:13: activities (id typo).end: lasts 365 days 01:00:00 (from start 2022-03-07 "
        "08:00:00 to end 2023-03-07 09:00:00), more than the 24 hours one record may last",
        f"{f}:19: activities (id over).end: lasts 1 day 00:00:00.000001 (from start 2022-03-07 "
        "08:00:00 to end 2022-03-08 08:00:00.000001), more than the 24 hours one record may last",
    ]
    assert [r[0] for r in rows(ds, "activities")] == ["day"]


def test_the_duration_bound_is_a_load_option_for_every_form(tmp_path: Path) -> None:
    acts = [_activity("shift", "2022-03-07 08:00", "2022-03-09 08:00")]
    data = {**BASE, "activities": acts}
    for path in (
        write_csv_dir(tmp_path / "csv", data),
        write_parquet_dir(tmp_path / "pq", data, typed=True),
        write_json(tmp_path / "d.json", data),
    ):
        assert [r.field for r in load_dataset(path).rejected] == ["end"]
        assert load_dataset(path, max_activity_hours=48).count("activities") == 1
        message = load_dataset(path, max_activity_hours=1.5).rejected[0].message
        assert message.endswith("more than the 1.5 hours one record may last")


@pytest.mark.parametrize("bound", [0, -1, float("nan"), float("inf"), 1e300, 87_841, True, "24"])
def test_the_duration_bound_must_be_a_positive_number(tmp_path: Path, bound: object) -> None:
    path = write_yaml(tmp_path / "d.yaml", BASE)
    with pytest.raises(UsageError, match="max_activity_hours must be a positive number"):
        load_dataset(path, max_activity_hours=bound)  # type: ignore[arg-type]
