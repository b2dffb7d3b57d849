"""subject.units.where: checked when the policy loads, applied when it is evaluated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridpolicing import PolicyError, load_policy
from gridpolicing.cli.main import main
from tests.helpers import make_policy, run_rule, statuses

BIG = {
    "kind": "staffing",
    "subject": {"units": {"type": "locality", "where": "population >= 3000"}},
    "roles": ["community_officer"],
    "min_people": 1,
}


def _tables(*populations: int | None) -> dict[str, list[dict[str, Any]]]:
    units: list[dict[str, Any]] = [{"id": "o1", "type": "office"}]
    for i, population in enumerate(populations, 1):
        unit: dict[str, Any] = {"id": f"c{i}", "type": "locality", "office": "o1"}
        if population is not None:
            unit["population"] = population
        units.append(unit)
    return {"units": units, "people": [], "assignments": []}


def test_only_localities_at_the_threshold_are_subjects(tmp_path: Path) -> None:
    found = run_rule(tmp_path, BIG, _tables(2999, 3000, 4500), "2022-03")
    # c1 (2999) is below the threshold: not a subject. c2 and c3 have no officer: fail.
    assert statuses(found) == {("c2", "2022-03"): "fail", ("c3", "2022-03"): "fail"}


def test_staffed_localities_at_the_threshold_pass(tmp_path: Path) -> None:
    tables = _tables(2999, 3000)
    tables["people"] = [{"id": "p1"}]
    tables["assignments"] = [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c2",
            "role": "community_officer",
            "start": "2020-01-01",
        }
    ]
    found = run_rule(tmp_path, BIG, tables, "2022-03")
    assert statuses(found) == {("c2", "2022-03"): "pass"}


def test_a_locality_whose_population_is_unknown_is_judged_not_skipped(tmp_path: Path) -> None:
    found = run_rule(tmp_path, BIG, _tables(None, 100), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "fail"}


def test_where_combines_with_the_other_selectors(tmp_path: Path) -> None:
    rule = {**BIG, "subject": {"units": {**BIG["subject"]["units"], "ids": ["c1", "c3"]}}}
    found = run_rule(tmp_path, rule, _tables(5000, 5000, 5000), "2022-03")
    assert statuses(found) == {("c1", "2022-03"): "fail", ("c3", "2022-03"): "fail"}


def test_the_policy_keeps_the_text_an_author_wrote(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, [{"id": "r", **BIG}])
    sel = policy.rules[0].subject.units
    assert sel is not None
    assert sel.where is not None
    assert sel.where.text == "population >= 3000"
    assert sel.model_dump(mode="json")["where"] == "population >= 3000"


POLICY = """\
id: t
jurisdiction: 测试区
title: {zh: 测试, en: test}
sources: [{id: s, title: t, issuer: i}]
rules:
  - id: big
    kind: staffing
    title: {zh: 大村, en: big villages}
    severity: major
    subject: {units: {type: locality, where: "populaton >= 3000"}}
    roles: [community_officer]
    min_people: 1
    citation: {source: s, quote: 条款}
  - id: text
    kind: staffing
    title: {zh: 大村, en: big villages}
    severity: major
    subject:
      units:
        type: locality
        where: population >= 3000 AND name > 1
    roles: [community_officer]
    min_people: 1
    citation: {source: s, quote: 条款}
  - id: folded
    kind: staffing
    title: {zh: 大村, en: big villages}
    severity: major
    subject:
      units:
        type: locality
        where: >-
          population >= 3000
          AND read_csv('x') IS NULL
    roles: [community_officer]
    min_people: 1
    citation: {source: s, quote: 条款}
"""
UNKNOWN = (
    "rules[big].subject.units.where: unknown column 'populaton' (did you mean 'population'?); "
    "the columns of units are: area, category, households, id, model_since, name, office, "
    "parent, population, rental_rooms, station, street, tags, type"
)
COMPARE = (
    "rules[text].subject.units.where: cannot compare name (text) with 1 (a number); both sides "
    "must be of one type"
)
FUNCTION = "rules[folded].subject.units.where: function 'read_csv' is not allowed; expected one of"


def test_a_bad_where_is_placed_at_its_character(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    shown = [str(p) for p in info.value.problems]
    assert len(shown) == 3
    # quoted on one line: the column of the misspelt name (after the quote)
    assert shown[0] == f"{path}:10:47: {UNKNOWN}"
    # plain on one line: the column of the comparison's left side
    assert shown[1] == f"{path}:21:39: {COMPARE}"
    # folded over lines: the start of the value
    assert shown[2].startswith(f"{path}:32:16: {FUNCTION}")


def test_validate_reports_a_bad_where_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(POLICY, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:10:47: {UNKNOWN}" in err
    assert f"{path}:21:39: {COMPARE}" in err
    assert "Traceback" not in err


def test_a_where_that_is_not_text_is_refused(tmp_path: Path) -> None:
    rule = {**BIG, "subject": {"units": {"type": "locality", "where": 3000}}}
    with pytest.raises(PolicyError, match=r"where: expected a condition written as text"):
        make_policy(tmp_path, [{"id": "r", **rule}])


@pytest.mark.parametrize(
    ("where", "offset", "message"),
    [
        ("people.id = 'x'", 0, "'people.id' names a table"),
        ("(SELECT 1 FROM people)", 8, "subqueries and table names are not allowed"),
        ("id IN (SELECT person FROM assignments)", 14, "subqueries and table names"),
        ("getenv('HOME') = 'x'", 0, "function 'getenv' is not allowed"),
        ("1; DROP TABLE units", 1, "expected one expression, found ';'"),
        ("population > 1 -- '", 15, "comments are not allowed"),
        ("population = ?", 13, "parameters and placeholders are not allowed"),
    ],
)
def test_each_refusal_is_placed_at_file_line_col(
    tmp_path: Path, where: str, offset: int, message: str
) -> None:
    head = "    subject: {units: {type: locality, where: "
    text = POLICY.split("  - id: text")[0].replace(
        '    subject: {units: {type: locality, where: "populaton >= 3000"}}',
        f'{head}"{where}"}}}}',
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    [problem] = info.value.problems
    assert (problem.line, problem.column) == (10, len(head) + 2 + offset)
    assert problem.path == "rules[big].subject.units.where"
    assert problem.message.startswith(message)


def test_arithmetic_that_would_overflow_a_bigint_still_runs(tmp_path: Path) -> None:
    rule = {**BIG, "subject": {"units": {"type": "locality", "where": _CUBE}}}
    found = run_rule(tmp_path, rule, _tables(10_000_000, 2), "2022-03")
    # 10^21 overflows BIGINT; in DOUBLE it is just large. 2^3 is not above 10^18.
    assert statuses(found) == {("c1", "2022-03"): "fail"}


_CUBE = "population * population * population > 1000000000000000 * 1000"
