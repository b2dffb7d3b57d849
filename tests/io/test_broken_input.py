"""Broken records reject themselves only: ragged CSV lines, lone surrogates, minified JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridpolicing.errors import DatasetError
from gridpolicing.io import RejectedRecord, TableCount, load_dataset
from tests.io.sample import SAMPLE, all_rows, rows, write_csv_dir, write_json, write_yaml


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.csv").write_text(text, "utf-8")
    return folder


def test_a_ragged_or_blank_csv_line_rejects_that_line_only(tmp_path: Path) -> None:
    folder = _csv(
        tmp_path,
        "people",
        "id,name,home_unit\n"
        "p1,张三,\n"
        "p2,李四,,extra\n"  # too many fields
        "   \n"  # only spaces
        "p3,王五\n"  # too few
        "\n"  # an empty line is no record, as before
        'p4,"two\nlines",\n'
        "p5\n"
        "p6,赵六,\n",
    )
    ds = load_dataset(folder)
    f = str(folder / "people.csv")
    three = "expected 3 fields as in the header"
    assert ds.rejected == (
        RejectedRecord(f, 3, "people", None, "home_unit", f"{three}, found 4"),
        RejectedRecord(f, 4, "people", None, "id", f"the line is blank; {three}"),
        RejectedRecord(
            f, 5, "people", None, "home_unit", f"{three}, found 2: no value for home_unit"
        ),
        RejectedRecord(f, 9, "people", None, "name", f"{three}, found 1: no value for name"),
    )
    assert [(r[0], r[1]) for r in rows(ds, "people")] == [
        ("p1", "张三"),
        ("p4", "two\nlines"),
        ("p6", "赵六"),
    ]
    assert ds.counts["people"] == TableCount(read=7, used=3, rejected=4)


def test_a_ragged_table_checks_its_other_rows_as_a_clean_one_would(tmp_path: Path) -> None:
    clean = load_dataset(write_csv_dir(tmp_path / "clean", SAMPLE))
    folder = write_csv_dir(tmp_path / "csv", SAMPLE)
    with (folder / "units.csv").open("a", encoding="utf-8") as f:
        f.write("u9,station,a,b,c,d,e,f,g,h,i,j,k,l,m\r\n")
    ds = load_dataset(folder)
    assert [(r.row, r.table) for r in ds.rejected] == [(7, "units")]
    assert all_rows(ds) == all_rows(clean)


def test_other_csv_defects_still_refuse_the_file_at_their_line(tmp_path: Path) -> None:
    folder = _csv(tmp_path, "people", 'id,name\np1,a,b\np2,"x"y\n')
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    (problem,) = info.value.problems
    assert (problem.line, problem.message.split(":")[0]) == (3, "malformed CSV")


def test_minified_json_rejections_name_the_record_index(tmp_path: Path) -> None:
    data = {
        "units": [{"id": "c1", "type": "locality"}],
        "people": [{"id": "p1"}, {"id": "p2", "home_unit": "zz"}, {"id": "p3", "home_unit": "c1"}],
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
    (r,) = load_dataset(path).rejected
    assert (r.row, r.record_id, r.field) == (1, "p2", "home_unit")
    assert r.message == 'unknown units id "zz" (at people[1])'
    # Pretty JSON puts each record on its own line: the line is enough, and no index is added.
    (r,) = load_dataset(write_json(tmp_path / "p.json", data)).rejected
    assert (r.row, r.message) == (12, 'unknown units id "zz"')


def test_minified_json_duplicate_keys_give_a_column(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"people":[{"id":"p1"},{"id":"p2","id":"p3"}]}', "utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.message) == (1, 24, 'duplicate key "id"')


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".json", '{"people": [{"id": "p1"}, {"id": "p\\ud800", "name": "x"}]}'),
        (".json", '{"people": [{"id": "p1"}, {"id": "p2", "name": "\\udfff"}]}'),
        (".yaml", 'people:\n- {id: p1}\n- {id: "p\\ud800", name: x}\n'),
        (
            ".yaml",
            'meetings:\n- {id: m1, kind: yard_meeting, date: 2022-03-01, attendees: ["\\ud83d"]}',
        ),
    ],
)
def test_a_lone_surrogate_rejects_its_record(tmp_path: Path, suffix: str, text: str) -> None:
    path = tmp_path / f"d{suffix}"
    path.write_text(text, "utf-8")
    ds = load_dataset(path)
    bad = [r for r in ds.rejected if "lone surrogate" in r.message]
    assert len(bad) == 1
    assert "\\ud" in bad[0].message or "\\udfff" in bad[0].message
    str(bad[0]).encode("utf-8")  # the message is printable text
    for name, c in ds.counts.items():
        assert c.read == c.used + c.rejected, name


def test_a_lone_surrogate_in_a_name_gives_a_printable_dataset_error(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text('"unit\\ud800s": []\npeople: [{id: p1, "n\\udc00": 1}]\n', "utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    text = str(info.value)
    text.encode("utf-8")
    assert 'unknown table "unit\\ud800s"' in text
    assert 'unknown field "n\\udc00"' in text


def test_surrogate_free_documents_are_unchanged(tmp_path: Path) -> None:
    ds = load_dataset(write_yaml(tmp_path / "d.yaml", SAMPLE))
    assert ds.rejected == ()
