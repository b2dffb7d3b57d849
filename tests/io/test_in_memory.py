"""Datasets from tables in memory: Arrow, pandas and DuckDB relations give the files' findings."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

import gridpolicing
from gridpolicing import DatasetError, examples
from gridpolicing.model import TABLES
from tests.helpers import findings_of

SCENARIOS = [
    ("xinjin-2022", "chengdu-xinjin-2022", "2022"),
    ("xinxiang-2016", "xinxiang-gaoxin-2016", "2017"),
    ("nanjing-2016", "nanjing-2016", "2017"),
    ("xindu-2022-after", "chengdu-xindu-2022", "2022"),
]


# Every example as Arrow tables; the other forms convert to Arrow, so one example each.
CASES = [(*sc, "arrow") for sc in SCENARIOS] + [
    (*SCENARIOS[0], form) for form in ("pandas", "polars", "duckdb")
]


@pytest.mark.parametrize(("example", "policy_id", "period", "form"), CASES)
def test_every_example_in_memory_has_the_filesfindings_of(
    example: str, policy_id: str, period: str, form: str
) -> None:
    policy = gridpolicing.load_policy(policy_id)
    with gridpolicing.load_dataset(examples.path(example), vocabulary=policy.vocabulary) as files:
        expected = findings_of(policy, files, period)
        tables = {t: files.table(t) for t in TABLES if files.count(t)}
    con = duckdb.connect()
    if form == "pandas":
        given: dict[str, Any] = {t: a.to_pandas() for t, a in tables.items()}
    elif form == "polars":
        import polars

        given = {t: polars.from_arrow(a) for t, a in tables.items()}
    elif form == "duckdb":
        given = {t: con.from_arrow(a) for t, a in tables.items()}
    else:
        given = dict(tables)
    with gridpolicing.load_dataset(given, vocabulary=policy.vocabulary) as memory:
        assert not memory.rejected
        assert findings_of(policy, memory, period) == expected
    con.close()


def test_a_bad_record_in_memory_names_the_table_and_row() -> None:
    units = pa.table({"id": ["s1", "s2"], "type": ["station", "no-such-type"]})
    data = gridpolicing.load_dataset({"units": units}, label="platform")
    [bad] = data.rejected
    assert (bad.file, bad.row, bad.field) == ("platform/units", 2, "type")
    assert data.relative_file(bad.file) == "units"


def test_unknown_tables_columns_and_objects_are_refused_together() -> None:
    with pytest.raises(DatasetError) as caught:
        gridpolicing.load_dataset(
            {
                "unitz": pa.table({"id": ["a"]}),
                "people": pa.table({"id": ["p"], "nmae": ["x"]}),
                "meetings": [{"id": "m"}],
            }
        )
    text = str(caught.value)
    assert "tables/unitz: unknown table 'unitz'" in text or "unknown table" in text
    assert "nmae" in text
    assert "expected a pyarrow Table, a pandas or polars DataFrame or a DuckDB relation" in text
