"""Fuzz the dataset readers: mutated CSV, JSON and YAML text and Parquet files of odd values.

``load_dataset`` must either load, with every record read used or rejected, or raise a
``GridPolicingError``; any other exception is a defect. A loaded dataset must also give back
its records as Python objects and print its rejections as UTF-8.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.errors import GridPolicingError
from gridpolicing.io import Dataset, load_dataset
from gridpolicing.model import TABLES
from tests.fuzz.budget import FUZZ
from tests.io.sample import SAMPLE, write_csv_dir

# Pieces that have broken readers before, or sit at an edge of what they accept.
TOKENS = [
    ",", '"', '""', "\n", "\r\n", "\r", "   ", "\t", ";", "{", "}", "[", "]", ":", "- ", "#",
    "\\ud800", "\\udfff", "\\u0000", "\x00", "\ufeff", "\u3000", "\x85", "é", "中文",
    "0000-01-01", "1899-12-31", "1900-01-01", "2200-12-31 23:59:59", "2201-01-01",
    "9999-12-31 23:59", "-0001-01-01", "2022-02-30", "2022-03-07 08:00", "2023-03-07 09:00",
    "2022-03-07T08:00:00+08:00", "infinity", "nan", "-1", "1e309", "99999999999999999999",
    "true", "null", "~", "&a", "*a", "!!binary", "<<", "p1", "c1", "s1", "patrol",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` after a few random edits: inserts, deletions, duplicated or dropped lines."""
    for _ in range(draw(st.integers(1, 6))):
        edit = draw(st.sampled_from(["insert", "delete", "line", "drop", "text"]))
        at = draw(st.integers(0, len(text)))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        elif edit == "text":
            text = text[:at] + draw(st.text(max_size=8)) + text[at:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i : i + 1] = [lines[i]] * 2 if edit == "line" else []
            text = "\n".join(lines)
    return text


def check(path: Path, **options: Any) -> None:
    """Load ``path``: a dataset that accounts for every record, or the library's own error."""
    try:
        ds = load_dataset(path, **options)
    except GridPolicingError as exc:
        str(exc).encode("utf-8")
        return
    _accounted(ds)


def _accounted(ds: Dataset) -> None:
    for name, count in ds.counts.items():
        assert count.read == count.used + count.rejected, name
        assert count.used == ds.count(name), name
        # Rows may repeat (minified JSON puts every record on line 1), so compare presence.
        assert (count.rejected > 0) == any(r.table == name for r in ds.rejected), name
        list(ds.records(name))  # every used value is one Python holds
    for r in ds.rejected:
        str(r).encode("utf-8")


def _write(path: Path, text: str) -> Path:
    # surrogatepass: a lone surrogate in the text becomes bytes that are not UTF-8.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def _csv_texts() -> dict[str, str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_csv_dir(Path(tmp), SAMPLE)
        return {p.stem: p.read_text("utf-8") for p in sorted(folder.glob("*.csv"))}


CSV = _csv_texts()
JSON = json.dumps(SAMPLE, ensure_ascii=False, indent=1)
MINIFIED = json.dumps(SAMPLE, ensure_ascii=False, separators=(",", ":"))
YAML = yaml.safe_dump(SAMPLE, allow_unicode=True, sort_keys=False)


@FUZZ
@given(data=st.data(), table=st.sampled_from(sorted(CSV)))
def test_fuzz_csv_text(tmp_path: Path, data: st.DataObject, table: str) -> None:
    folder = tmp_path / "csv"
    folder.mkdir(exist_ok=True)
    for name, text in CSV.items():
        if name == table:
            head, body = text.split("\n", 1)
            # Mostly the records: a mutated header is a file error, the less interesting case.
            keep = data.draw(st.integers(0, 3)) > 0
            text = head + "\n" + data.draw(mutated(body)) if keep else data.draw(mutated(text))
        _write(folder / f"{name}.csv", text)
    check(folder)


@FUZZ
@given(text=st.sampled_from([JSON, MINIFIED]).flatmap(mutated))
def test_fuzz_json_text(tmp_path: Path, text: str) -> None:
    check(_write(tmp_path / "d.json", text))


@FUZZ
@given(text=mutated(YAML))
def test_fuzz_yaml_text(tmp_path: Path, text: str) -> None:
    check(_write(tmp_path / "d.yaml", text))


TEXT = st.text(max_size=3)
# Any JSON value, for a field of a record: the shape is right, the values are not.
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.sampled_from(TOKENS)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=2),
    max_leaves=6,
)


@FUZZ
@given(data=st.data(), suffix=st.sampled_from([".json", ".yaml"]))
def test_fuzz_document_values(tmp_path: Path, data: st.DataObject, suffix: str) -> None:
    doc: dict[str, list[dict[str, Any]]] = {t: [dict(r) for r in rs] for t, rs in SAMPLE.items()}
    for _ in range(data.draw(st.integers(1, 8))):
        table = data.draw(st.sampled_from(sorted(doc)))
        record = data.draw(st.sampled_from(doc[table]))
        field = data.draw(st.sampled_from(sorted(TABLES[table].model.model_fields)))
        record[field] = data.draw(VALUES)
    if suffix == ".json":
        text = json.dumps(doc, ensure_ascii=data.draw(st.booleans()), allow_nan=True)
        check(_write(tmp_path / "d.json", text))
    else:
        text = yaml.safe_dump(doc, allow_unicode=True)
        check(_write(tmp_path / "d.yaml", text))


_UTC = dt.UTC
_TIMES = st.one_of(
    st.none(),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)),
    st.sampled_from([dt.datetime(1900, 1, 1), dt.datetime(2200, 12, 31, 23, 59, 59, 999999)]),
)
# Arrow columns for a time field: naive, zoned (several zones and units), dates, text, numbers.
_TIME_COLUMNS: list[Any] = [
    lambda v: pa.array(v, pa.timestamp("us")),
    lambda v: pa.array([x and x.replace(tzinfo=_UTC) for x in v], pa.timestamp("us", "UTC")),
    lambda v: pa.array([x and x.replace(tzinfo=_UTC) for x in v], pa.timestamp("ms", "Asia/Tokyo")),
    lambda v: pa.array([x and x.date() for x in v], pa.date32()),
    lambda v: pa.array([x and x.isoformat(sep=" ") for x in v], pa.string()),
    lambda v: pa.array([x and x.toordinal() for x in v], pa.int64()),
    lambda v: pa.array([x and x.toordinal() / 7 for x in v], pa.float64()),
]  # fmt: skip
_INTS = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1, -1]))
_TEXTS = st.one_of(
    st.none(), st.sampled_from(["p1", "c1", "x", "", " ", "patrol"]), st.text(max_size=5)
)
_BOOLS = st.none() | st.booleans()


@FUZZ
@given(data=st.data(), n=st.integers(0, 6))
def test_fuzz_parquet_values(tmp_path: Path, data: st.DataObject, n: int) -> None:
    folder = write_csv_dir(tmp_path / "pq", {"units": SAMPLE["units"], "people": SAMPLE["people"]})
    starts = data.draw(st.lists(_TIMES, min_size=n, max_size=n))
    ends = data.draw(st.lists(_TIMES, min_size=n, max_size=n))
    # Text without surrogates: Arrow refuses them before gridpolicing sees them.
    texts = _TEXTS.filter(lambda s: s is None or s.encode("utf-8", "ignore").decode() == s)
    table = pa.table(
        {
            "id": pa.array(data.draw(st.lists(texts, min_size=n, max_size=n)), pa.string()),
            "person": pa.array(data.draw(st.lists(texts, min_size=n, max_size=n)), pa.string()),
            "unit": pa.array(["c1"] * n, pa.string()),
            "kind": pa.array(data.draw(st.lists(texts, min_size=n, max_size=n)), pa.string()),
            "start": data.draw(st.sampled_from(_TIME_COLUMNS))(starts),
            "end": data.draw(st.sampled_from(_TIME_COLUMNS))(ends),
            "quantity": pa.array(data.draw(st.lists(_INTS, min_size=n, max_size=n)), pa.int64()),
            "has_photo": pa.array(data.draw(st.lists(_BOOLS, min_size=n, max_size=n)), pa.bool_()),
        }
    )
    pq.write_table(table, folder / "activities.parquet")
    hours = data.draw(st.sampled_from([24.0, 0.001, 1e6]))
    zone = data.draw(st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York"]))
    check(folder, max_activity_hours=hours, timezone=zone)


@FUZZ
@given(
    hours=st.one_of(st.floats(), st.integers(-(2**70), 2**70), st.booleans()),
    zone=st.one_of(
        st.sampled_from(["Asia/Shanghai", "UTC", "Etc/GMT-14", "asia/shanghai", "", "Local"]),
        st.text(max_size=12),
    ),
)
def test_fuzz_load_options(tmp_path: Path, hours: Any, zone: str) -> None:
    path = tmp_path / "d.yaml"
    if not path.exists():
        path.write_text(YAML, "utf-8")
    check(path, max_activity_hours=hours, timezone=zone)
