"""Properties over arbitrary input: only DatasetError escapes, and every record is accounted for."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io import Dataset, load_dataset
from gridpolicing.io.dataset_schema import columns
from gridpolicing.model import TABLES
from tests.io.sample import Tables, all_rows, write_csv_dir, write_yaml

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Values that are sometimes valid (ids that exist, dates, enum values) and sometimes not.
POOL = [
    "s1",
    "c1",
    "p1",
    "p2",
    "x9",
    "station",
    "locality",
    "patrol",
    "community_officer",
    "weekly_briefing",
    "deputy_party_secretary",
    "2022-03-01",
    "2022-02-30",
    "2022-03-01 08:00",
    "2022-03-01T09:30:00",
    "2022-03-03 09:30",  # more than 24 hours after the times above
    "0000-01-01",  # outside the window of dates
    "2201-01-01 00:00",
    "1900-01-01",
    "-1",
    "0",
    "7",
    "2.5",
    "true",
    "no",
    "市财政",
    " c1 ",
    "",
]
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=6)
SCALAR = st.one_of(st.none(), st.sampled_from(POOL), TEXT, st.integers(-2, 3), st.booleans())
LIST = st.lists(st.one_of(st.sampled_from(POOL), TEXT), max_size=3)
NESTED = st.one_of(
    st.dictionaries(TEXT, SCALAR, max_size=2), st.lists(LIST, min_size=1, max_size=2)
)


@st.composite
def tables(draw: st.DrawFn, *, yaml_only: bool = True) -> Tables:
    """A few records per table, with fields the model has and values that may be wrong.

    ``yaml_only`` adds values only YAML can hold (a list or mapping where one value belongs).
    """
    out: Tables = {}
    for name in draw(st.lists(st.sampled_from(list(TABLES)), max_size=5, unique=True)):
        cols = columns(TABLES[name].model)
        records = []
        for _ in range(draw(st.integers(0, 4))):
            chosen = draw(st.lists(st.sampled_from(cols), max_size=len(cols), unique=True))
            record: dict[str, Any] = {"id": draw(st.sampled_from(["s1", "c1", "p1", "p2", "z"]))}
            for c in chosen:
                kinds: list[st.SearchStrategy[Any]] = (
                    [SCALAR, LIST] if c.is_list or yaml_only else [SCALAR]
                )
                if yaml_only:
                    kinds.append(NESTED)
                record[c.name] = draw(st.one_of(*kinds))
            records.append(record)
        out[name] = records
    return out


def _problems(ds: Dataset) -> list[tuple[str, str, str]]:
    """Rejections without their rows, which differ between forms (lines versus CSV rows)."""
    return sorted((r.table, r.field, re.sub(r"row \d+", "row N", r.message)) for r in ds.rejected)


def _accounted(ds: Dataset, data: Tables) -> None:
    for name in TABLES:
        count = ds.counts[name]
        assert count.read == len(data.get(name, []))
        assert count.read == count.used + count.rejected
        assert count.used == ds.count(name)
        assert count.rejected == len({r.row for r in ds.rejected if r.table == name})


def _outcome(path: Path) -> Dataset | tuple[Problem, ...]:
    """The dataset, or the problems of the DatasetError: the only error load_dataset may raise."""
    try:
        return load_dataset(path)
    except DatasetError as exc:
        return exc.problems


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_yaml_text_loads_or_raises_dataset_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.yaml"
        path.write_text(text, "utf-8", errors="surrogatepass")
        outcome = _outcome(path)
        assert isinstance(outcome, Dataset) or len(outcome) > 0


@SETTINGS
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".yaml", ".json", ".csv"]))
def test_any_bytes_load_or_raise_dataset_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if suffix == ".csv":
            path = Path(tmp)
            (path / "people.csv").write_bytes(data)
        else:
            path = Path(tmp) / f"data{suffix}"
            path.write_bytes(data)
        outcome = _outcome(path)
        assert isinstance(outcome, Dataset) or len(outcome) > 0


@SETTINGS
@given(data=tables())
def test_every_record_is_used_or_rejected(data: Tables) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = load_dataset(write_yaml(Path(tmp) / "data.yaml", data))
        _accounted(ds, data)
        ids = {(r.table, r.record_id) for r in ds.rejected}
        for name, records in all_rows(ds).items():
            for row in records:
                # A used id is never also reported, except for a later duplicate of it.
                dup = any(r.field == "id" and r.record_id == row[0] for r in ds.rejected)
                assert (name, row[0]) not in ids or dup


@SETTINGS
@given(data=tables(yaml_only=False))
def test_csv_and_yaml_forms_agree(data: Tables) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        from_yaml = load_dataset(write_yaml(Path(tmp) / "data.yaml", data))
        folder = write_csv_dir(Path(tmp) / "csv", data)
        if not any(folder.iterdir()):
            # No table file at all: a folder that holds nothing is a wrong path, not an empty
            # dataset (tests/io/test_unread_data.py); a YAML file says {} on purpose.
            with pytest.raises(DatasetError, match="no table found"):
                load_dataset(folder)
            return
        from_csv = load_dataset(folder)
        _accounted(from_csv, data)
        assert all_rows(from_csv) == all_rows(from_yaml)
        assert from_csv.counts == from_yaml.counts
        assert _problems(from_csv) == _problems(from_yaml)


@SETTINGS
@given(
    data=st.lists(st.sampled_from(["p1", "p2", "p3", "", " x "]), min_size=1, max_size=8),
    mangle=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(["more", "fewer", "blank"]))),
)
def test_ragged_csv_lines_reject_themselves_only(data: list[str], mangle: list[Any]) -> None:
    lines = [f"{pid},name {i},s1" for i, pid in enumerate(data)]
    broken = {i: how for i, how in mangle if i < len(lines)}
    for i, how in broken.items():
        lines[i] = {"more": lines[i] + ",x", "fewer": lines[i].rsplit(",", 1)[0], "blank": "  "}[
            how
        ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "units.csv").write_text("id,type\ns1,station\n", "utf-8")
        (folder / "people.csv").write_text("id,name,home_unit\n" + "\n".join(lines) + "\n")
        ds = load_dataset(folder)
        count = ds.counts["people"]
        assert count.read == len(lines)
        assert count.read == count.used + count.rejected == ds.count("people") + count.rejected
        ragged = {r.row for r in ds.rejected if "fields as in the header" in r.message}
        assert ragged == {i + 2 for i in broken}
        # A ragged line is reported once, for what is wrong with it, and nothing else.
        assert len([r for r in ds.rejected if r.row in ragged]) == len(ragged)


def test_yaml_writer_round_trips_the_pool() -> None:
    # The forms above agree only because safe_dump quotes what would otherwise change meaning.
    assert yaml.safe_load(yaml.safe_dump(POOL)) == POOL


@SETTINGS
@given(name=TEXT)
def test_text_is_stripped_as_the_models_strip_it(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = load_dataset(write_yaml(Path(tmp) / "d.yaml", {"people": [{"id": "p", "name": name}]}))
        assert ds.cursor().execute("SELECT name FROM people").fetchall() == [(name.strip(),)]
