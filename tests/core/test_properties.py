"""Whatever text an author writes, ``check`` refuses it cleanly or DuckDB can run what it gives.

Three sources of text: any characters; token soups from a grammar of allowed and forbidden
pieces; and well-typed expressions built from the allowed grammar, with a forbidden piece
sometimes spliced in. Every accepted expression runs as a filter on a small units table holding
NULLs, zeros and large numbers, so an overflow or a division by zero would show here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing.core import ExpressionError, check, table_scope
from gridpolicing.io.dataset_schema import columns
from gridpolicing.model import TABLES
from tests.fuzz.budget import EXAMPLES

UNITS = table_scope("units")

ALLOWED = [
    "population", "households", "rental_rooms", "name", "type", "area", "category", "id",
    "model_since", "1", "0", "3000", "-2", "1.5", "'x'", "'locality'", "'村'", "TRUE", "NULL",
    "DATE '2022-01-01'", "+", "-", "*", "/", "%", "=", "<>", "<", ">=", "AND", "OR", "NOT",
    "IS", "NULL", "BETWEEN", "IN", "(", ")", ",", "CASE", "WHEN", "THEN", "ELSE", "END",
    "abs(", "round(", "floor(", "ceil(", "least(", "greatest(", "coalesce(", "length(", "lower(",
    "upper(", "contains(", "starts_with(", "year(", "month(", "date_diff('day',",
]  # fmt: skip
FORBIDDEN = [
    "SELECT", "FROM", "people", "people.id", "units.population", "u.population", ";", "--",
    "/*", "*/", "?", "$1", ":n", "@x", "*", ".", "DROP TABLE units", "PRAGMA", "COPY", "ATTACH",
    "SET", "OVER (", "sum(", "count(*)", "read_csv('x')", "getenv('HOME')", "current_setting(",
    "'", '"', "::VARCHAR", "CAST(", "AS", "1e999", "99999999999999999999", "[1]", "{'a': 1}",
    "EXISTS (", "x'00'", "\\", "\n", "UNION", "LIKE", "||", "->", "lambda x: x",
]  # fmt: skip


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A units table with the typed columns of the dataset, holding awkward values."""
    db = duckdb.connect()
    cols = columns(TABLES["units"].model)
    db.execute(f"CREATE TABLE units ({', '.join(f'{c.name} {c.sql_type}' for c in cols)})")
    db.execute(
        """INSERT INTO units (id, type, name, area, category, population, households,
                              rental_rooms, model_since) VALUES
           ('c1', 'locality', '一村', 'rural', 'village', 3000, 0, NULL, DATE '2020-05-01'),
           ('c2', 'locality', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           ('c3', 'locality', 'Big', 'urban', 'urban_community', 999999999999, 999999999999,
            999999999999, DATE '1999-12-31'),
           ('o1', 'office', '', NULL, NULL, 0, 0, 0, NULL)"""
    )
    yield db
    db.close()


class _Records(logging.Handler):
    """Keeps what sqlglot logs: a library must not print parser warnings on a terminal."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_LOGGED = _Records()
logging.getLogger("sqlglot").addHandler(_LOGGED)


def _runs(con: duckdb.DuckDBPyConnection, text: str) -> None:
    try:
        _accept_or_refuse(con, text)
    finally:
        logged = [r.getMessage() for r in _LOGGED.records if r.levelno >= logging.WARNING]
        _LOGGED.records.clear()
    assert not logged, logged


def _accept_or_refuse(con: duckdb.DuckDBPyConnection, text: str) -> None:
    try:
        expr = check(text, UNITS)
    except ExpressionError as exc:
        refused = exc
    else:
        refused = None
    if refused is not None:
        assert refused.message
        assert 0 <= refused.offset <= len(text)
        return
    for null_as in (None, True):
        sql = expr.sql(alias="u", null_as=null_as)
        con.execute(f"SELECT u.id FROM units u WHERE {sql}").fetchall()
    expr.sql(alias="u", dialect="spark")


# 300 examples each in `make test`; GRIDPOLICING_FUZZ_EXAMPLES (tests/fuzz/budget.py) raises it.
_FAST = settings(
    max_examples=max(300, EXAMPLES),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_FAST
@given(st.text(max_size=120))
def test_random_text_is_refused_or_runs(con: duckdb.DuckDBPyConnection, text: str) -> None:
    _runs(con, text)


@_FAST
@given(st.lists(st.sampled_from(ALLOWED + FORBIDDEN), min_size=1, max_size=14))
def test_token_soups_are_refused_or_run(con: duckdb.DuckDBPyConnection, pieces: list[str]) -> None:
    _runs(con, " ".join(pieces))


NUMBER_LEAVES = st.sampled_from(
    ["population", "households", "rental_rooms", "0", "3000", "-2", "1.5", "NULL"]
)
TEXT_LEAVES = st.sampled_from(["name", "id", "'x'", "'村'", "NULL"])
DATE_LEAVES = st.sampled_from(["model_since", "DATE '2022-01-01'", "NULL"])


def _numbers(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda x: f"abs({x})"),
        inner.map(lambda x: f"round({x}, 2)"),
        inner.map(lambda x: f"-({x})"),
        st.tuples(inner, inner).map(lambda t: f"least({t[0]}, {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        TEXT_LEAVES.map(lambda x: f"length({x})"),
        DATE_LEAVES.map(lambda x: f"year({x})"),
        st.tuples(DATE_LEAVES, DATE_LEAVES).map(lambda t: f"date_diff('month', {t[0]}, {t[1]})"),
    )


NUMBERS = st.recursive(NUMBER_LEAVES, _numbers, max_leaves=8)


def _conditions(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda x: f"NOT ({x})"),
        st.tuples(inner, NUMBERS, NUMBERS).map(
            lambda t: f"CASE WHEN {t[0]} THEN {t[1]} ELSE {t[2]} END > 0"
        ),
    )


COMPARISONS = st.one_of(
    st.tuples(NUMBERS, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), NUMBERS).map(" ".join),
    st.tuples(NUMBERS, NUMBERS, NUMBERS).map(lambda t: f"{t[0]} BETWEEN {t[1]} AND {t[2]}"),
    NUMBERS.map(lambda x: f"{x} IS NOT NULL"),
    NUMBERS.map(lambda x: f"{x} IN (1, 2, 3000)"),
    TEXT_LEAVES.map(lambda x: f"contains(lower({x}), 'b')"),
    st.tuples(TEXT_LEAVES, TEXT_LEAVES).map(lambda t: f"starts_with({t[0]}, {t[1]})"),
    st.tuples(TEXT_LEAVES, TEXT_LEAVES).map(lambda t: f"contains({t[0]}, {t[1]})"),
    DATE_LEAVES.map(lambda x: f"{x} >= DATE '2020-01-01'"),
    st.just("type = 'locality'"),
    st.just("TRUE"),
)
CONDITIONS = st.recursive(COMPARISONS, _conditions, max_leaves=6)


@_FAST
@given(CONDITIONS, st.none() | st.tuples(st.integers(0, 400), st.sampled_from(FORBIDDEN)))
def test_grammar_expressions_run_and_splices_are_refused_or_run(
    con: duckdb.DuckDBPyConnection, text: str, splice: tuple[int, str] | None
) -> None:
    if splice is not None:
        at, piece = splice
        at = min(at, len(text))
        text = f"{text[:at]} {piece} {text[at:]}"
    else:
        check(text, UNITS)  # the grammar builds only well-typed, allowed expressions
    _runs(con, text)
