"""core.expressions: what an author may write, what it compiles to, and every refusal's words."""

from __future__ import annotations

import pytest

from gridpolicing.core import (
    MAX_BRACKETS,
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    ValueType,
    check,
    table_scope,
)
from gridpolicing.errors import GridPolicingError

UNITS = table_scope("units")
ASSIGNMENTS = table_scope("assignments")
UNIT_COLUMNS = (
    "area, category, households, id, model_since, name, office, parent, population, "
    "rental_rooms, station, street, tags, type"
)
FUNCTIONS = (
    "abs, ceil, coalesce, contains, date_diff, day, floor, greatest, least, length, list_contains, "
    "lower, month, round, starts_with, upper, year"
)
DEPTH = f"the expression is nested too deeply; at most {MAX_BRACKETS} brackets and {MAX_DEPTH} "
DEPTH += "levels are allowed"


@pytest.mark.parametrize(
    ("text", "duckdb", "spark"),
    [
        ("population >= 3000", "u.population >= 3000", "u.population >= 3000"),
        ("POPULATION >= 3000", "u.population >= 3000", "u.population >= 3000"),
        (
            "area = 'rural' AND NOT households IS NULL",
            "u.area = 'rural' AND NOT u.households IS NULL",
            "u.area = 'rural' AND NOT u.households IS NULL",
        ),
        (
            "population / households > 2.5",
            "CAST(u.population AS DOUBLE) / CAST(u.households AS DOUBLE) > 2.5",
            "CAST(u.population AS DOUBLE) / CAST(u.households AS DOUBLE) > 2.5",
        ),
        (
            "model_since < DATE '2020-01-01'",
            "u.model_since < CAST('2020-01-01' AS DATE)",
            "u.model_since < CAST('2020-01-01' AS DATE)",
        ),
        (
            "date_diff('year', model_since, DATE '2022-12-31') >= 2",
            "DATE_DIFF('YEAR', u.model_since, CAST('2022-12-31' AS DATE)) >= 2",
            "DATEDIFF(YEAR, u.model_since, CAST('2022-12-31' AS DATE)) >= 2",
        ),
        (
            "starts_with(lower(name), 'x') OR contains(name, '村')",
            "STARTS_WITH(LOWER(u.name), 'x') OR CONTAINS(u.name, '村')",
            "STARTSWITH(LOWER(u.name), 'x') OR CONTAINS(u.name, '村')",
        ),
        (
            "CASE WHEN area = 'urban' THEN 5000 ELSE 3000 END <= coalesce(population, 0)",
            "CASE WHEN u.area = 'urban' THEN 5000 ELSE 3000 END <= COALESCE(u.population, 0)",
            "CASE WHEN u.area = 'urban' THEN 5000 ELSE 3000 END <= COALESCE(u.population, 0)",
        ),
        (
            "category IN ('village', 'rural_community') AND population BETWEEN 1 AND 9",
            "u.category IN ('village', 'rural_community') AND u.population BETWEEN 1 AND 9",
            "u.category IN ('village', 'rural_community') AND u.population BETWEEN 1 AND 9",
        ),
    ],
)
def test_accepted_expressions_compile_from_the_tree(text: str, duckdb: str, spark: str) -> None:
    expr = check(text, UNITS)
    assert expr.type is ValueType.boolean
    assert expr.sql(alias="u") == duckdb
    assert expr.sql(alias="u", dialect="spark") == spark


def test_keywords_used_as_column_names_are_quoted_and_null_can_count_as_true() -> None:
    expr = check("list_contains(posts, 'petition_receptionist') AND \"end\" IS NULL", ASSIGNMENTS)
    assert expr.sql(alias="a", null_as=True) == (
        "COALESCE(ARRAY_CONTAINS(a.posts, 'petition_receptionist') AND a.\"end\" IS NULL, TRUE)"
    )


def test_null_arguments_are_typed_so_duckdb_can_choose_the_function() -> None:
    expr = check("year(NULL) > 1 OR contains(NULL, NULL)", UNITS)
    assert expr.sql(alias="u") == (
        "YEAR(CAST(NULL AS DATE)) > 1 OR CONTAINS(CAST(NULL AS TEXT), CAST(NULL AS TEXT))"
    )


def test_a_value_of_any_type_when_asked_for_none() -> None:
    expr = check("round(population * 1.5, 1)", UNITS, want=None)
    assert expr.type is ValueType.number
    assert expr.sql(alias="u") == "ROUND(CAST(u.population AS DOUBLE) * 1.5, 1)"


def test_alias_must_be_a_plain_name() -> None:
    with pytest.raises(ValueError, match="not a plain lower-case SQL name"):
        check("population > 1", UNITS).sql(alias="u; DROP TABLE units")


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        (
            "(SELECT 1 FROM people)",
            8,
            "subqueries and table names are not allowed: an expression reads only the columns "
            "of units",
        ),
        (
            "people.id = 'x'",
            0,
            "'people.id' names a table; an expression reads only the columns of units, written "
            "without a table name",
        ),
        (
            "id IN (SELECT person FROM assignments)",
            14,
            "subqueries and table names are not allowed",
        ),
        (
            "EXISTS (SELECT 1)",
            15,
            "subqueries and table names are not allowed: an expression reads only the columns "
            "of units",
        ),
        (
            "read_csv('x') IS NULL",
            0,
            f"function 'read_csv' is not allowed; expected one of: {FUNCTIONS}",
        ),
        (
            "getenv('HOME') = 'x'",
            0,
            f"function 'getenv' is not allowed; expected one of: {FUNCTIONS}",
        ),
        (
            "lenght(name) > 1",
            0,
            f"function 'lenght' is not allowed (did you mean 'length'?); expected one of: "
            f"{FUNCTIONS}",
        ),
        (
            "1; DROP TABLE units",
            1,
            "expected one expression, found ';': statements cannot be chained",
        ),
        ("DROP TABLE units", 0, "expected one expression, found a statement (DROP)"),
        ("PRAGMA version", 0, "expected one expression, found a statement (PRAGMA)"),
        ("ATTACH 'x.db'", 0, "expected one expression, found a statement (ATTACH)"),
        ("COPY units TO 'x.csv'", 0, "expected one expression, found a statement (COPY)"),
        ("SET threads = 1", 0, "expected one expression, found a statement (SET)"),
        (
            "population > 1 -- '",
            15,
            "comments are not allowed in an expression; explain it in the rule's note",
        ),
        (
            "population /* big */ > 1",
            11,
            "comments are not allowed in an expression; explain it in the rule's note",
        ),
        (
            "population = ?",
            13,
            "parameters and placeholders are not allowed; write the value itself",
        ),
        (
            "population = :n",
            13,
            "parameters and placeholders are not allowed; write the value itself",
        ),
        (
            "population = $1",
            13,
            "parameters and placeholders are not allowed; write the value itself",
        ),
        (
            "populaton >= 3000",
            0,
            f"unknown column 'populaton' (did you mean 'population'?); the columns of units are: "
            f"{UNIT_COLUMNS}",
        ),
        (
            "sum(population) > 1",
            0,
            "aggregate function 'sum' is not allowed: an expression is judged on one row of "
            "units at a time",
        ),
        (
            "row_number() OVER (ORDER BY id) = 1",
            0,
            "window functions (OVER) are not allowed: an expression is judged on one row of "
            "units at a time",
        ),
        (
            "name > 3000",
            0,
            "cannot compare name (text) with 3000 (a number); both sides must be of one type",
        ),
        (
            "population + 1",
            0,
            "expected a condition (true or false), found population + 1 (a number)",
        ),
        (
            "type = 'localty'",
            7,
            "'localty' is not a value of column type (did you mean 'locality'?); expected one "
            "of: bureau, department, grid, jurisdiction, locality, office, station, street",
        ),
        ("*", 0, "'*' is not allowed; name the columns of units"),
        ("population > 1e999", 13, "number 1e999 is out of range; at most 1e+15 in size"),
        (
            "model_since > DATE '2022-02-30'",
            19,
            "'2022-02-30' is not a date; write dates as DATE 'YYYY-MM-DD'",
        ),
        (
            "CAST(population AS VARCHAR) = '1'",
            5,
            "CAST is not allowed; write a date as DATE 'YYYY-MM-DD'",
        ),
        ("name = 'x", 7, "cannot read the expression: a string or quoted name is not closed"),
        ("population >", 11, "cannot parse the expression at '>': the expression is incomplete"),
        ("   ", 0, "the expression is empty; expected a condition such as population >= 3000"),
        (
            "-- nothing",
            0,
            "comments are not allowed in an expression; explain it in the rule's note",
        ),
        (
            "population AND TRUE",
            0,
            "AND needs conditions (true or false), found population (a number)",
        ),
        ("name * 2 > 1", 0, "arithmetic needs numbers, found name (text)"),
        ("population IS 3", 14, "only IS NULL and IS NOT NULL are allowed after IS"),
        (
            "round(population, 99) > 1",
            18,
            "round takes round(x[, digits]) with digits 0 to 10",
        ),
        (
            "date_diff('fortnight', model_since, DATE '2022-01-01') > 1",
            0,
            "date_diff takes date_diff('unit', start, end) with unit one of: day, month, "
            "quarter, week, year",
        ),
        ("(" * 17 + "TRUE" + ")" * 17, MAX_BRACKETS, DEPTH),
        (" AND ".join(["NOT TRUE"] * 60), 0, DEPTH),
        ("NOT " * 120 + "TRUE", 0, DEPTH),
    ],
)
def test_refusals_say_what_is_wrong_and_where(text: str, offset: int, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        check(text, UNITS)
    assert str(info.value) == message
    assert info.value.offset == offset
    assert info.value.text == text
    assert isinstance(info.value, GridPolicingError)


def test_an_overlong_expression_is_refused_before_it_is_parsed() -> None:
    text = "population > 1 AND " * 60 + "TRUE"
    with pytest.raises(ExpressionError) as info:
        check(text, UNITS)
    assert str(info.value) == (
        f"the expression is {len(text)} characters long; at most {MAX_LENGTH} are allowed"
    )


def test_enum_values_inside_lists_are_checked() -> None:
    with pytest.raises(ExpressionError, match=r"'receptionist' is not a value of column posts"):
        check("list_contains(posts, 'receptionist')", ASSIGNMENTS)
    with pytest.raises(ExpressionError, match=r"'rual' is not a value of column area"):
        check("area IN ('urban', 'rual')", UNITS)


def test_a_list_column_is_read_only_through_list_contains() -> None:
    with pytest.raises(ExpressionError, match=r"^cannot compare posts \(a list of text\)"):
        check("posts = 'x'", ASSIGNMENTS)
