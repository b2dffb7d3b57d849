"""Single-file datasets (YAML and JSON): loading, rejected records and whole-file errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io import RejectedRecord, TableCount, load_dataset
from gridpolicing.model import TABLES, ActivityKind, Post, Role
from tests.io.sample import SAMPLE, all_rows, rows, write_json, write_yaml

WINDOW = "YYYY-MM-DD from 1900-01-01 to 2200-12-31"
TIME_WINDOW = "YYYY-MM-DD HH:MM[:SS] from 1900-01-01 to 2200-12-31"


def _roles() -> str:
    return ", ".join(sorted(r.value for r in Role))


def _problems(path: Path, text: str) -> list[Problem]:
    path.write_text(text, "utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return list(info.value.problems)


def test_sample_yaml_loads_every_record(tmp_path: Path) -> None:
    ds = load_dataset(write_yaml(tmp_path / "data.yaml", SAMPLE))
    assert ds.rejected == ()
    assert ds.source == str(tmp_path / "data.yaml")
    for name in TABLES:
        n = len(SAMPLE.get(name, []))
        assert ds.counts[name] == TableCount(read=n, used=n, rejected=0)
        assert ds.count(name) == n


def test_typed_values_follow_the_model(tmp_path: Path) -> None:
    ds = load_dataset(write_yaml(tmp_path / "data.yaml", SAMPLE))
    people = {r[0]: r for r in rows(ds, "people")}
    # rank, hire_date and tags follow: not given, so NULL, NULL and no tags
    assert people["p1"] == ("p1", "张三", "s1", True, None, None, [])
    assert people["007"] == ("007", "王五", "s1", False, None, None, [])  # defaults fill in
    a1 = rows(ds, "assignments")[0]
    assert a1[:6] == ("a1", "p1", "c1", "community_officer", dt.date(2021, 1, 1), None)
    assert a1[6:] == (
        "full_time",
        False,
        ["deputy_party_secretary", "director_assistant"],
        True,
        False,  # reported
        False,  # filed
        None,
    )
    x1 = rows(ds, "activities")[0]
    assert x1[5:7] == (dt.datetime(2022, 3, 7, 8, 0), dt.datetime(2022, 3, 7, 11, 30))
    assert rows(ds, "meetings")[1][4] == []
    assert rows(ds, "funding")[0][4] == 12000.5


def test_typed_rows_validate_against_the_models(tmp_path: Path) -> None:
    ds = load_dataset(write_yaml(tmp_path / "data.yaml", SAMPLE))
    for name, spec in TABLES.items():
        cur = ds.cursor().execute(f'SELECT * FROM "{name}"')
        names = [d[0] for d in cur.description]
        # attributes are columns attr.<id>, one per declared attribute (none here)
        assert names == [n for n in spec.model.model_fields if n != "attributes"]
        for row in cur.fetchall():
            spec.model.model_validate(
                {k: v for k, v in zip(names, row, strict=True) if v is not None}
            )


def test_json_gives_the_same_tables_as_yaml(tmp_path: Path) -> None:
    from_yaml = load_dataset(write_yaml(tmp_path / "data.yaml", SAMPLE))
    from_json = load_dataset(write_json(tmp_path / "data.json", SAMPLE))
    assert from_json.rejected == ()
    assert all_rows(from_json) == all_rows(from_yaml)


BAD = """\
units:
  - {id: s1, type: station}
  - {id: c1, type: locality, station: s1}
people:
  - {id: p1, home_unit: s1}
assignments:
  - {id: a1, person: p1, unit: c1, role: community_officer, start: 2022-01-01}
  - {id: a2, person: p1, unit: c1, role: community_officer, start: 2022-13-01}
  - {id: a3, person: p1, unit: c1, role: sheriff, start: 2022-01-01}
  - {id: a4, person: p9, unit: c1, role: community_officer, start: 2022-01-01}
  - {id: a5, person: p1, unit: c1, role: community_officer, start: 2022-03-01, end: 2022-02-01}
  - {id: a1, person: p1, unit: c1, role: community_officer, start: 2022-01-01}
  - {id: a6, unit: c1, role: community_officer, start: 2022-01-01}
  - {id: a7, person: p1, unit: c1, role: community_officer, start: 2022-01-01, posts: [mayor]}
"""


def test_each_bad_row_is_rejected_with_file_row_field_and_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, "utf-8")
    ds = load_dataset(path)
    f = str(path)
    posts = ", ".join(sorted(p.value for p in Post))
    assert ds.rejected == (
        RejectedRecord(
            f, 8, "assignments", "a2", "start", f'expected a date {WINDOW}, found "2022-13-01"'
        ),
        RejectedRecord(
            f, 9, "assignments", "a3", "role", f'expected one of {_roles()}, found "sheriff"'
        ),
        RejectedRecord(f, 10, "assignments", "a4", "person", 'unknown people id "p9"'),
        RejectedRecord(
            f,
            11,
            "assignments",
            "a5",
            "end",
            'expected end on or after start 2022-03-01, found "2022-02-01"',
        ),
        RejectedRecord(f, 12, "assignments", "a1", "id", 'duplicate id "a1" (first at row 7)'),
        RejectedRecord(f, 13, "assignments", "a6", "person", "a value is required"),
        RejectedRecord(
            f, 14, "assignments", "a7", "posts", f'expected one of {posts}, found "mayor"'
        ),
    )
    assert ds.counts["assignments"] == TableCount(read=8, used=1, rejected=7)
    assert [r[0] for r in rows(ds, "assignments")] == ["a1"]
    assert str(ds.rejected[0]) == (
        f'{f}:8: assignments (id a2).start: expected a date {WINDOW}, found "2022-13-01"'
    )


def test_every_failing_field_of_a_row_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "activities:\n"
        "  - id: x1\n"
        "    person: p1\n"
        "    unit: u1\n"
        "    kind: walk\n"
        "    start: 2022-03-07 8am\n"
        "    end: 2022-03-07 09:00\n"
        "    households_visited: -2\n"
        "    has_photo: maybe\n",
        "utf-8",
    )
    ds = load_dataset(path)
    kinds = ", ".join(sorted(k.value for k in ActivityKind))
    assert [(r.row, r.field, r.message) for r in ds.rejected] == [
        (2, "has_photo", 'expected true or false, found "maybe"'),
        (2, "households_visited", 'expected an integer >= 0, found "-2"'),
        (2, "kind", f'expected one of {kinds}, found "walk"'),
        (2, "person", 'unknown people id "p1"'),
        (2, "start", f'expected a date and time {TIME_WINDOW}, found "2022-03-07 8am"'),
        (2, "unit", 'unknown units id "u1"'),
    ]
    assert ds.counts["activities"] == TableCount(read=1, used=0, rejected=1)


def test_a_reference_to_a_rejected_record_rejects_in_turn(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "units:\n"
        "  - {id: s1, type: station, parent: nowhere}\n"
        "  - {id: c1, type: locality, station: s1}\n"
        "  - {id: c2, type: locality, parent: c1}\n"
        "  - {id: c3, type: locality}\n"
        "meetings:\n"
        "  - {id: m1, kind: weekly_briefing, unit: c3, date: 2022-03-01, attendees: [p1, p2]}\n"
        "people:\n"
        "  - {id: p1, home_unit: c2}\n",
        "utf-8",
    )
    ds = load_dataset(path)
    gone = " (its record was rejected)"
    assert [(r.row, r.record_id, r.field, r.message) for r in ds.rejected] == [
        (2, "s1", "parent", 'unknown units id "nowhere"'),
        (3, "c1", "station", f'unknown units id "s1"{gone}'),
        (4, "c2", "parent", f'unknown units id "c1"{gone}'),
        (7, "m1", "attendees", f'unknown people ids "p1"{gone}, "p2"'),
        (9, "p1", "home_unit", f'unknown units id "c2"{gone}'),
    ]
    assert [r[0] for r in rows(ds, "units")] == ["c3"]


def test_funding_needs_a_person_or_a_unit(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "funding:\n"
        "  - {id: f1, source: 市财政, amount_cny: 10, start: 2022-01-01, end: 2022-12-31}\n",
        "utf-8",
    )
    (r,) = load_dataset(path).rejected
    assert (r.field, r.message) == ("person", "expected person or unit, found neither")


def test_text_stays_as_written_and_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "units:\n"
        "  - {id: 0012, type: ' station\u3000', name: '  新都  '}\n"
        "people:\n"
        "  - {id: p1, home_unit: '0012', party_member: yes}\n"
        "  - {id: p2, name: no, party_member: 'False'}\n",
        "utf-8",
    )
    ds = load_dataset(path)
    assert ds.rejected == ()
    assert rows(ds, "units")[0][:3] == ("0012", "station", "新都")
    assert [r[:4] for r in rows(ds, "people")] == [
        ("p1", "", "0012", True),
        ("p2", "no", None, False),
    ]


def test_list_values_may_be_written_in_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "units: [{id: s1, type: station}]\n"
        "people: [{id: p1}, {id: p2}]\n"
        "meetings:\n"
        "  - {id: m1, kind: weekly_briefing, unit: s1, date: 2022-03-01, attendees: 'p1; p2'}\n"
        "  - {id: m2, kind: weekly_briefing, unit: s1, date: 2022-03-01, attendees: p2}\n",
        "utf-8",
    )
    ds = load_dataset(path)
    assert [r[4] for r in rows(ds, "meetings")] == [["p1", "p2"], ["p2"]]


def test_a_mapping_where_a_value_belongs_rejects_the_record(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "people:\n  - {id: p1, name: {first: 三}}\n  - {id: p2, name: [a, b]}\n  - {id: p3}\n",
        "utf-8",
    )
    ds = load_dataset(path)
    assert [(r.row, r.field, r.message) for r in ds.rejected] == [
        (2, "name", "expected a single value, found a mapping"),
        (3, "name", "expected a single value, found a list"),
    ]
    assert ds.counts["people"] == TableCount(read=3, used=1, rejected=2)


def test_metadata_and_empty_tables_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("dataset: {name: 新都, description: 测试}\nunits: []\npeople:\n", "utf-8")
    ds = load_dataset(path)
    assert ds.counts["units"] == TableCount(0, 0, 0)
    assert ds.count("people") == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unit:\n  - {id: u1}\n", (1, 1, "", 'unknown table "unit"')),
        (
            "units:\n  - {id: u1, type: station, hosehold: 3}\n",
            (2, 29, "units", 'unknown field "hosehold"'),
        ),
        (
            "units:\n  - id: u1\n   type: station\n",
            (3, 4, "", "malformed YAML: expected <block end>"),
        ),
        ("units:\n  - id: u1\n    id: u2\n", (3, 5, "", 'duplicate key "id" (first on line 2)')),
        (
            "units: !!python/object:os.system [x]\n",
            (1, 8, "", "tag tag:yaml.org,2002:python/object"),
        ),
        ("units:\n  - !!binary aGk=\n", (2, 5, "", "tag tag:yaml.org,2002:binary is not allowed")),
        ("units:\n  - &a {id: u1, type: station}\n  - <<: *a\n", (3, 5, "", "merge keys")),
        ("units: {id: u1}\n", (1, 1, "units", "expected a list of records, found a mapping")),
        ("units:\n  - u1\n", (2, 5, "units", 'item 1: expected a record, found the value "u1"')),
        ("- units\n", (1, 1, "", "expected a mapping of tables, found a list")),
        ("", (1, 1, "", "empty document")),
        ("dataset: {name: x, owner: y}\n", (1, 20, "dataset", 'unknown key "owner"')),
        ("a: 1\n---\nb: 2\n", (2, 1, "", "malformed YAML: expected a single document in")),
        ("units: [\x07]\n", (1, 9, "", "malformed YAML: special characters are not allowed")),
    ],
)
def test_whole_file_defects_raise_with_the_place(
    tmp_path: Path, text: str, expected: tuple[int, int | None, str, str]
) -> None:
    path = tmp_path / "data.yaml"
    problem = _problems(path, text)[0]
    line, col, where, message = expected
    assert (problem.file, problem.line, problem.column, problem.path) == (
        str(path),
        line,
        col,
        where,
    )
    assert problem.message.startswith(message), problem.message


def test_every_structural_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path / "data.yaml",
        "units:\n  - {id: u1, type: station, x: 1}\n  - {id: u2, y: 2}\nfoo: 1\n",
    )
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (2, 'unknown field "x"'),
        (3, 'unknown field "y"'),
        (4, 'unknown table "foo"'),
    ]


def test_json_defects_raise_with_the_line(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path / "d.json", '{\n  "units": [\n    {"id": "a",}\n  ]\n}\n')
    assert (problem.line, problem.column) == (3, 16)
    assert problem.message.startswith("malformed JSON: ")
    (problem,) = _problems(tmp_path / "d.json", '{"units": [\n  {"id": "a", "id": "b"}]}\n')
    assert (problem.line, problem.message) == (2, 'duplicate key "id"')
    (problem,) = _problems(tmp_path / "d.json", '{"units": [\n  {"id": "a", "size": 1}]}\n')
    assert (problem.line, problem.path) == (2, "units")


def test_json_records_know_their_line(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(
        '{"units": [\n  {"id": "s1", "type": "station"},\n  {"id": 7, "type": "locality",\n'
        '   "population": 12.5}\n]}\n',
        "utf-8",
    )
    ds = load_dataset(path)
    assert [(r.row, r.record_id, r.message) for r in ds.rejected] == [
        (3, "7", 'expected an integer >= 0, found "12.5"')
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.yaml", None, "no such file or directory"),
        ("data.txt", "units: []", "unsupported file type"),
        ("data.yaml", b"units:\n  - {id: \xff}\n", "not UTF-8 text"),
    ],
)
def test_unreadable_inputs_raise_dataset_error(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, "utf-8")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.message.startswith(message)


def test_each_dataset_has_its_own_database(tmp_path: Path) -> None:
    one = load_dataset(write_yaml(tmp_path / "one.yaml", {"people": [{"id": "p1"}]}))
    two = load_dataset(write_yaml(tmp_path / "two.yaml", {"people": [{"id": "p2"}]}))
    assert [r[:4] for r in rows(one, "people")] == [("p1", "", None, False)]
    assert [r[:4] for r in rows(two, "people")] == [("p2", "", None, False)]
    tables = {
        r[0] for r in one.cursor().execute("SELECT table_name FROM duckdb_tables()").fetchall()
    }
    assert tables == set(TABLES)


def test_two_bad_records_on_one_line_one_without_id_are_both_reported(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("people: [{id: p1, party_member: maybe}, {name: x}]\n", encoding="utf-8")
    data = load_dataset(path)
    assert [(r.row, r.record_id, r.field) for r in data.rejected] == [
        (1, None, "id"),
        (1, "p1", "party_member"),
    ]
