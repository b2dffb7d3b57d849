"""Tables as directories of Parquet parts, and partitioned datasets (``bureau=<B>/`` folders)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.errors import DatasetError, Problem
from gridpolicing.synth import generate
from tests.io.sample import SAMPLE, Tables, all_rows, write_parquet_dir, write_yaml


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return list(info.value.problems)


def _split(file: Path, parts: list[Path], cuts: list[int]) -> None:
    """Write the rows of ``file`` to ``parts``: rows [cuts[i], cuts[i + 1]) into part i."""
    table = pq.read_table(file)
    bounds = [0, *cuts, table.num_rows]
    for part, lo, hi in zip(parts, bounds[:-1], bounds[1:], strict=True):
        part.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.slice(lo, hi - lo), part)
    file.unlink()


def _prefixed(tables: Tables, prefix: str) -> Tables:
    """SAMPLE with every id and reference prefixed, as one bureau of a province."""
    refs = {"parent", "station", "office", "person", "unit", "home_unit", "author", "recipient"}

    def fix(record: dict[str, Any]) -> dict[str, Any]:
        out = dict(record)
        for k, v in record.items():
            if k == "id" or k in refs:
                out[k] = prefix + v
            elif k == "attendees":
                out[k] = [prefix + a for a in v]
        return out

    return {t: [fix(r) for r in records] for t, records in tables.items()}


@pytest.fixture(scope="module")
def synth_month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    out = tmp_path_factory.mktemp("month")
    truth = generate("xinjin-2022", 0.2, 7, out, violation_rate=0.2, period="2022-03")
    return out, truth.policy, truth.period


def test_parts_give_the_same_tables_and_findings_as_one_file(
    synth_month: tuple[Path, str, str], tmp_path: Path
) -> None:
    one, policy_id, period = synth_month
    parted = tmp_path / "parted"
    shutil.copytree(one, parted)
    n = pq.read_metadata(parted / "activities.parquet").num_rows
    parts = [parted / "activities" / f"year=2022/month={m}/part-0.parquet" for m in (1, 2, 3)]
    parts.append(parted / "activities" / "year=2022/month=3/part-1.parquet")
    _split(parted / "activities.parquet", parts, [n // 5, n // 2, n - 7])
    policy = load_policy(policy_id)
    a = load_dataset(one, label="x", vocabulary=policy.vocabulary)
    b = load_dataset(parted, label="x", vocabulary=policy.vocabulary)
    assert a.rejected == b.rejected == ()
    assert a.counts == b.counts
    assert all_rows(a) == all_rows(b)
    # Hive folder names are only folders: no year or month column appears.
    assert "year" not in b.table("activities").column_names
    assert evaluate(policy, a, period).to_json() == evaluate(policy, b, period).to_json()


def test_a_bad_record_in_the_third_part_names_that_part_and_its_row(tmp_path: Path) -> None:
    tables = {**SAMPLE, "activities": [*SAMPLE["activities"], *SAMPLE["activities"]]}
    tables["activities"] = [dict(r, id=f"x{i}") for i, r in enumerate(tables["activities"])]
    tables["activities"][3]["kind"] = "no_such_kind"
    folder = write_parquet_dir(tmp_path / "data", tables)
    parts = [folder / "activities" / f"part-{i}.parquet" for i in range(3)]
    _split(folder / "activities.parquet", parts, [1, 2])
    ds = load_dataset(folder)
    [r] = ds.rejected
    assert (r.file, r.row, r.record_id, r.field) == (str(parts[2]), 2, "x3", "kind")
    assert ds.relative_file(r.file) == "activities/part-2.parquet"
    assert ds.counts["activities"].read == 4


def test_a_duplicate_id_across_parts_names_the_part_of_the_first(tmp_path: Path) -> None:
    folder = write_parquet_dir(tmp_path / "data", SAMPLE)
    units = pq.read_table(folder / "units.parquet")
    (folder / "units.parquet").unlink()
    (folder / "units").mkdir()
    pq.write_table(units, folder / "units" / "a.parquet")
    pq.write_table(units.slice(4, 1), folder / "units" / "b.parquet")  # v1 again
    ds = load_dataset(folder)
    [r] = ds.rejected
    assert (r.file, r.row, r.record_id) == (str(folder / "units" / "b.parquet"), 1, "v1")
    assert r.message == 'duplicate id "v1" (first at units/a.parquet row 5)'


# Records of a table, some bad, split into parts anywhere: each rejection is mapped to its part.
_KINDS = st.sampled_from(["household_visit", "no_such_kind"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kinds=st.lists(_KINDS, min_size=1, max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=12), max_size=4),
)
def test_every_rejection_names_its_part_and_row(kinds: list[str], cuts: list[int]) -> None:
    base = SAMPLE["activities"][0]
    records = [dict(base, id=f"x{i}", kind=k) for i, k in enumerate(kinds)]
    cuts = sorted(min(c, len(records)) for c in cuts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_parquet_dir(Path(tmp), {**SAMPLE, "activities": records})
        parts = [folder / "activities" / f"p{i:02}.parquet" for i in range(len(cuts) + 1)]
        _split(folder / "activities.parquet", parts, cuts)
        ds = load_dataset(folder)
        bounds = [0, *cuts]
        expected = set()
        for i, k in enumerate(kinds):
            if k != "no_such_kind":
                continue
            # The last part starting at or before record i holds it (parts may be empty).
            part = max(j for j in range(len(bounds)) if bounds[j] <= i)
            expected.add((str(parts[part]), i - bounds[part] + 1, f"x{i}"))
        assert {(r.file, r.row, r.record_id) for r in ds.rejected} == expected
        assert ds.counts["activities"].read == len(records)


def test_an_empty_part_directory_is_an_empty_table(tmp_path: Path) -> None:
    folder = write_parquet_dir(tmp_path / "data", SAMPLE)
    (folder / "activities.parquet").unlink()
    (folder / "activities" / "year=2022").mkdir(parents=True)
    ds = load_dataset(folder)
    assert ds.rejected == ()
    assert ds.count("activities") == 0
    assert ds.counts["activities"].read == 0


def test_a_file_that_is_no_parquet_part_is_named(tmp_path: Path) -> None:
    folder = write_parquet_dir(tmp_path / "data", SAMPLE)
    parts = [folder / "activities" / "part-0.parquet"]
    _split(folder / "activities.parquet", parts, [])
    # Bookkeeping of Spark and Hadoop, and hidden files, are skipped.
    (folder / "activities" / "_SUCCESS").write_text("")
    (folder / "activities" / ".part-0.parquet.crc").write_text("x")
    assert load_dataset(folder).count("activities") == 2
    (folder / "activities" / "notes.txt").write_text("not data")
    (folder / "activities" / "more.csv").write_text("id\nx9\n")
    [csv_problem, txt_problem] = _problems(folder)
    assert csv_problem.file == str(folder / "activities" / "more.csv")
    assert "a CSV table is one file, activities.csv" in csv_problem.message
    assert txt_problem.file == str(folder / "activities" / "notes.txt")
    assert txt_problem.message.startswith("not a Parquet part file")


def test_a_table_given_as_a_file_and_a_directory_is_an_error(tmp_path: Path) -> None:
    folder = write_parquet_dir(tmp_path / "data", SAMPLE)
    (folder / "units").mkdir()
    shutil.copy(folder / "units.parquet", folder / "units" / "part-0.parquet")
    [problem] = _problems(folder)
    assert problem.file == str(folder / "units.parquet")
    assert problem.message == "table units is also given by units/"


def test_parts_may_lack_optional_columns_and_an_unknown_column_names_its_part(
    tmp_path: Path,
) -> None:
    folder = write_parquet_dir(tmp_path / "data", SAMPLE)
    table = pq.read_table(folder / "activities.parquet")
    (folder / "activities.parquet").unlink()
    parts = folder / "activities"
    parts.mkdir()
    pq.write_table(table.slice(0, 1), parts / "a.parquet")
    pq.write_table(table.slice(1, 1).drop_columns(["households_visited"]), parts / "b.parquet")
    ds = load_dataset(folder)
    assert ds.rejected == ()
    # The field's default, as for a single file without the column.
    assert ds.table("activities").column("households_visited").to_pylist() == [12, 0]
    extra = table.slice(1, 1).append_column("colour", pa.array(["red"]))
    pq.write_table(extra, parts / "b.parquet")
    [problem] = _problems(folder)
    assert problem.file == str(parts / "b.parquet")
    assert problem.message.startswith('unknown column "colour"')
    (parts / "b.parquet").write_bytes(b"not parquet at all")
    [problem] = _problems(folder)
    assert problem.file == str(parts / "b.parquet")
    assert problem.message.startswith("cannot read the Parquet file")


# --- partitioned datasets -----------------------------------------------------------------


def _province(root: Path, bureaus: list[str]) -> Path:
    for b in bureaus:
        write_parquet_dir(root / f"bureau={b}", _prefixed(SAMPLE, f"{b}-"))
    return root


def test_partition_folders_load_as_their_union(tmp_path: Path) -> None:
    root = _province(tmp_path / "prov", ["B1", "B2"])
    # A partition's big table may be a directory of parts, another's one file.
    _split(
        root / "bureau=B2" / "activities.parquet",
        [root / "bureau=B2" / "activities" / "year=2022" / "part-0.parquet"],
        [],
    )
    (root / "layout.json").write_text(
        json.dumps(
            {
                "format": "gridpolicing.partitioned/1",
                "partition_by": "bureau",
                "partitions": ["B1", "B2"],
            }
        )
    )
    union: Tables = {
        t: [*_prefixed(SAMPLE, "B1-")[t], *_prefixed(SAMPLE, "B2-")[t]] for t in SAMPLE
    }
    merged = load_dataset(write_yaml(tmp_path / "all.yaml", union))
    ds = load_dataset(root)
    assert ds.rejected == ()
    assert all_rows(ds) == all_rows(merged)
    assert ds.counts == merged.counts


def test_a_rejected_record_of_a_partition_names_its_path_in_the_dataset(tmp_path: Path) -> None:
    root = _province(tmp_path / "prov", ["B1", "B2"])
    people = root / "bureau=B2" / "people.parquet"
    table = pq.read_table(people)
    pq.write_table(table.set_column(0, "id", pa.array(["B2-p1", "B1-p1", "B2-007"])), people)
    ds = load_dataset(root)
    dup = next(r for r in ds.rejected if r.field == "id")
    assert ds.relative_file(dup.file) == "bureau=B2/people.parquet"
    assert dup.row == 2
    assert dup.message == 'duplicate id "B1-p1" (first at bureau=B1/people.parquet row 1)'
    # B2's records of its p2 (now gone) are rejected in turn, each naming its own file.
    gone = {(ds.relative_file(r.file), r.field) for r in ds.rejected if r.field != "id"}
    assert ("bureau=B2/assignments.parquet", "person") in gone


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        (["B1", "B2", "B3"], "lists partition bureau=B3, but there is no folder bureau=B3/"),
        (["B1"], "does not list partition bureau=B2, whose folder is there"),
    ],
)
def test_layout_json_must_match_the_folders(
    tmp_path: Path, listed: list[str], message: str
) -> None:
    root = _province(tmp_path / "prov", ["B1", "B2"])
    layout = {"format": "gridpolicing.partitioned/1", "partition_by": "bureau"}
    (root / "layout.json").write_text(json.dumps({**layout, "partitions": listed}))
    [problem] = _problems(root)
    assert (problem.file, problem.message) == (str(root / "layout.json"), message)


def test_layout_json_that_is_not_one(tmp_path: Path) -> None:
    root = _province(tmp_path / "prov", ["B1"])
    (root / "layout.json").write_text('{"format": "gridpolicing.partitioned/1",\n  "partitions": ')
    [problem] = _problems(root)
    assert (problem.file, problem.line) == (str(root / "layout.json"), 2)
    assert problem.message.startswith("malformed JSON")
    (root / "layout.json").write_text('{"format": "other"}')
    [problem] = _problems(root)
    assert problem.message.startswith("not a gridpolicing.partitioned/1 document")


def test_partition_defects_are_named(tmp_path: Path) -> None:
    root = _province(tmp_path / "prov", ["B1"])
    write_parquet_dir(root / "jurisdiction=J1", _prefixed(SAMPLE, "J1-"))
    shutil.copy(root / "bureau=B1" / "units.parquet", root / "units.parquet")
    (root / "bureau=B1" / "year=2022").mkdir()
    (root / "bureau=B1" / "meetings.parquet").rename(root / "bureau=B1" / "meetings.csv")
    found = {
        (Path(p.file).relative_to(root).as_posix(), p.message.split(";")[0])
        for p in _problems(root)
    }
    assert found == {
        (".", "partition folders name one key, found bureau=, jurisdiction="),
        (
            "units.parquet",
            "a partitioned dataset keeps its tables in its partition folders "
            "(bureau=B1/...), not beside them",
        ),
        ("bureau=B1/year=2022", "partition folders nest one level only"),
        (
            "bureau=B1/meetings.csv",
            "a partitioned dataset's tables are Parquet (a file or a directory of parts)",
        ),
    }


def test_a_partition_may_hold_other_files(tmp_path: Path) -> None:
    root = _province(tmp_path / "prov", ["B1"])
    (root / "bureau=B1" / "truth.json").write_text("{}")
    (root / "README.md").write_text("a province")
    ds = load_dataset(root)
    assert ds.rejected == ()
    assert ds.count("units") == len(SAMPLE["units"])


def test_a_folder_named_like_a_partition_adds_no_column(tmp_path: Path) -> None:
    # DuckDB guesses Hive columns from key=value folders in a path, even of one file: a plain
    # dataset stored under .../year=2022/ used to be refused for an unknown column "year".
    folder = write_parquet_dir(tmp_path / "year=2022" / "data", SAMPLE)
    ds = load_dataset(folder)
    assert ds.rejected == ()
    assert ds.count("units") == len(SAMPLE["units"])
