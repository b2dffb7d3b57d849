"""Tags, declared attributes, rank and hire date: read in every form, checked per record."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from gridpolicing import load_dataset
from gridpolicing.io.dataset import Dataset
from gridpolicing.model import Person
from gridpolicing.model.terms import Vocabulary
from gridpolicing.model.vocabulary import AttributeType, Term

VOCABULARY = (
    Vocabulary()
    .with_terms(
        "unit_tags",
        [
            Term("chengguan", "城关派出所", "county-seat station", "城关", "county seat"),
            Term("two_teams", "两队一室", "two teams, one office", "两队一室", "two teams"),
        ],
    )
    .with_terms("person_tags", [Term("leader", "领导", "leader", "领导", "a leader")])
    .with_terms(
        "unit_attributes",
        [
            Term("staff", "编制", "staff", "编制", "staff", value_type=AttributeType.integer),
            Term("area_km2", "面积", "area", "面积", "area", value_type=AttributeType.number),
            Term("complex", "复杂", "complex", "复杂", "complex", value_type=AttributeType.boolean),
            Term("since", "设立", "since", "设立", "since", value_type=AttributeType.date),
            Term("note", "备注", "note", "备注", "note", value_type=AttributeType.text),
        ],
    )
    .with_terms(
        "person_attributes",
        [Term("grade", "等级", "grade", "等级", "grade", value_type=AttributeType.integer)],
    )
)

UNITS: list[dict[str, Any]] = [
    {
        "id": "s1",
        "type": "station",
        "tags": ["chengguan", "two_teams"],
        "attributes": {
            "staff": 12,
            "area_km2": 3.5,
            "complex": True,
            "since": "2016-07-01",
            "note": "城区",
        },
    },
    {"id": "s2", "type": "station"},
]
PEOPLE: list[dict[str, Any]] = [
    {
        "id": "p1",
        "rank": "unit_level",
        "hire_date": "2009-07-01",
        "tags": ["leader"],
        "attributes": {"grade": 3},
    },
    {"id": "p2"},
]
EXPECTED_ATTRIBUTES = {
    "staff": 12,
    "area_km2": 3.5,
    "complex": True,
    "since": dt.date(2016, 7, 1),
    "note": "城区",
}


def _records(ds: Dataset, table: str) -> list[Any]:
    return list(ds.records(table))


def _check_round_trip(ds: Dataset) -> None:
    assert ds.rejected == ()
    units = _records(ds, "units")
    assert [u.tags for u in units] == [["chengguan", "two_teams"], []]
    assert units[0].attributes == EXPECTED_ATTRIBUTES
    assert units[1].attributes == {}
    people = _records(ds, "people")
    assert isinstance(people[0], Person)
    assert (people[0].rank, people[0].hire_date) == ("unit_level", dt.date(2009, 7, 1))
    assert people[0].tags == ["leader"]
    assert people[0].attributes == {"grade": 3}
    assert (people[1].rank, people[1].hire_date, people[1].tags) == (None, None, [])
    # in the typed table an attribute is the column attr.<id> of its declared type
    row = ds.cursor().sql('SELECT "attr.staff", "attr.since", tags FROM units ORDER BY id')
    assert row.fetchall() == [
        (12, dt.date(2016, 7, 1), ["chengguan", "two_teams"]),
        (None, None, []),
    ]


def test_yaml_round_trips_tags_attributes_rank_and_hire_date(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump({"units": UNITS, "people": PEOPLE}, allow_unicode=True), "utf-8")
    _check_round_trip(load_dataset(path, vocabulary=VOCABULARY))


def test_json_round_trips_them(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"units": UNITS, "people": PEOPLE}, ensure_ascii=False), "utf-8")
    _check_round_trip(load_dataset(path, vocabulary=VOCABULARY))


def test_csv_round_trips_them(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(
        "id,type,tags,attr.staff,attr.area_km2,attr.complex,attr.since,attr.note\n"
        "s1,station,chengguan; two_teams,12,3.5,yes,2016-07-01,城区\n"
        "s2,station,,,,,,\n",
        "utf-8",
    )
    (tmp_path / "people.csv").write_text(
        "id,rank,hire_date,tags,attr.grade\np1,unit_level,2009-07-01,leader,3\np2,,,,\n", "utf-8"
    )
    _check_round_trip(load_dataset(tmp_path, vocabulary=VOCABULARY))


def test_parquet_round_trips_them_natively(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "id": ["s1", "s2"],
                "type": ["station", "station"],
                "tags": pa.array([["chengguan", "two_teams"], []], pa.list_(pa.string())),
                "attr.staff": pa.array([12, None], pa.int64()),
                "attr.area_km2": pa.array([3.5, None], pa.float64()),
                "attr.complex": pa.array([True, None], pa.bool_()),
                "attr.since": pa.array([dt.date(2016, 7, 1), None], pa.date32()),
                "attr.note": pa.array(["城区", None], pa.string()),
            }
        ),
        tmp_path / "units.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "id": ["p1", "p2"],
                "rank": ["unit_level", None],
                "hire_date": pa.array([dt.date(2009, 7, 1), None], pa.date32()),
                "tags": pa.array(["leader", None], pa.string()),  # ;-separated text works too
                "attr.grade": pa.array(["3", None], pa.string()),
            }
        ),
        tmp_path / "people.parquet",
    )
    _check_round_trip(load_dataset(tmp_path, vocabulary=VOCABULARY))


BAD = [
    ({"id": "x", "type": "station", "tags": ["chengguan", "bogus"]}, "tags",
     'expected one of chengguan, two_teams, found "bogus"'),
    ({"id": "x", "type": "station", "attributes": {"staff": "twelve"}}, "attr.staff",
     'expected an integer, found "twelve"'),
    ({"id": "x", "type": "station", "attributes": {"staff": 1.5}}, "attr.staff",
     'expected an integer, found "1.5"'),
    ({"id": "x", "type": "station", "attributes": {"area_km2": "big"}}, "attr.area_km2",
     'expected a number, found "big"'),
    ({"id": "x", "type": "station", "attributes": {"complex": "maybe"}}, "attr.complex",
     'expected true or false, found "maybe"'),
    ({"id": "x", "type": "station", "attributes": {"since": "2016-13-01"}}, "attr.since",
     'expected a date YYYY-MM-DD from 1900-01-01 to 2200-12-31, found "2016-13-01"'),
    ({"id": "x", "type": "station", "attributes": {"staff_count": 3}}, "attr.staff_count",
     "unknown attribute 'staff_count': the policy's vocabulary (unit_attributes) declares "
     'area_km2, complex, note, since, staff; found "3"'),
    ({"id": "x", "type": "station", "attributes": {"staff": [1, 2]}}, "attr.staff",
     "expected a single value, found a list"),
    ({"id": "x", "type": "station", "attributes": ["staff"]}, "attributes",
     "expected a mapping of attribute values, found a list"),
]  # fmt: skip


@pytest.mark.parametrize(("unit", "field", "message"), BAD)
def test_each_kind_of_bad_value_rejects_its_record(
    tmp_path: Path, unit: dict[str, Any], field: str, message: str
) -> None:
    path = tmp_path / "d.yaml"
    good = {"id": "ok", "type": "station", "tags": ["two_teams"], "attributes": {"staff": 3}}
    lines = ["units:", *(f"  - {json.dumps(u, ensure_ascii=False)}" for u in (good, unit))]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    ds = load_dataset(path, vocabulary=VOCABULARY)
    assert [(r.file, r.row, r.table, r.record_id, r.field, r.message) for r in ds.rejected] == [
        (str(path), 3, "units", "x", field, message)
    ]
    assert ds.counts["units"].read == 2
    assert ds.counts["units"].used == 1


def test_bad_people_values_name_the_field(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(
        "id,rank,hire_date,tags,attr.grade\n"
        "p1,general,,,\n"
        "p2,,1 July 2009,,\n"
        "p3,,,boss,\n"
        "p4,,,,high\n"
        "p5,clerk,2020-01-01,leader,1\n",
        "utf-8",
    )
    ds = load_dataset(tmp_path, vocabulary=VOCABULARY)
    found = [(r.row, r.field, r.message.split(",")[0]) for r in ds.rejected]
    assert found == [
        (2, "rank", "expected one of bureau_level"),
        (3, "hire_date", "expected a date YYYY-MM-DD from 1900-01-01 to 2200-12-31"),
        (4, "tags", "expected one of leader"),
        (5, "attr.grade", "expected an integer"),
    ]
    assert ds.counts["people"].used == 1


def test_without_the_policys_vocabulary_tags_and_attributes_are_rejected(
    tmp_path: Path,
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump({"units": UNITS}, allow_unicode=True), "utf-8")
    ds = load_dataset(path)
    messages = {(r.record_id, r.field): r.message for r in ds.rejected}
    assert messages[("s1", "tags")] == (
        "expected a term the policy's vocabulary declares (it declares none), found "
        '"chengguan", "two_teams"'
    )
    assert messages[("s1", "attr.staff")].startswith(
        "unknown attribute 'staff': the policy's vocabulary (unit_attributes) declares none"
    )
    assert ds.counts["units"].used == 1  # s2 has neither


def test_an_empty_undeclared_attribute_column_rejects_nothing(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("id,type,attr.old\ns1,station,\n", "utf-8")
    ds = load_dataset(tmp_path, vocabulary=VOCABULARY)
    assert ds.rejected == ()
    assert "attr.old" not in ds.table("units").column_names


def test_a_csv_column_attr_without_an_id_is_unknown(tmp_path: Path) -> None:
    from gridpolicing.errors import DatasetError

    (tmp_path / "units.csv").write_text("id,type,attr.\ns1,station,\n", "utf-8")
    with pytest.raises(DatasetError, match=r"unknown column \"attr\.\""):
        load_dataset(tmp_path, vocabulary=VOCABULARY)


def test_the_documented_example_loads_the_same_from_yaml_and_csv(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "dataset-format.md").read_text("utf-8")
    section = text.split("## Tags, attributes, rank and hire date", 1)[1].split("\n## ", 1)[0]
    (document,) = re.findall(r"```yaml\n(.*?)```", section, re.S)
    units_csv, people_csv = re.findall(r"```\n(id,.*?)```", section, re.S)
    vocabulary = (
        Vocabulary()
        .with_terms("unit_tags", [Term("two_teams_one_office", "两队一室", "2t1o", "z", "e")])
        .with_terms(
            "unit_attributes",
            [
                Term(
                    "registered_population", "户籍人口", "rp", "z", "e", None, AttributeType.integer
                )
            ],
        )
    )
    (tmp_path / "d.yaml").write_text(document, "utf-8")
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "units.csv").write_text(units_csv, "utf-8")
    (folder / "people.csv").write_text(people_csv, "utf-8")
    one, two = (load_dataset(p, vocabulary=vocabulary) for p in (tmp_path / "d.yaml", folder))
    assert one.rejected == two.rejected == ()
    for table in ("units", "people"):
        assert one.table(table).to_pylist() == two.table(table).to_pylist()
    assert one.table("units").to_pylist()[0]["attr.registered_population"] == 42000
