"""funding: allocations from given sources per person or unit and period, pro-rated by days."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing.rules.funding import KIND, FundingRule
from tests.helpers import run_rule, statuses

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [{"id": "c1", "type": "locality", "category": "urban_community", "area": "urban"}],
    "people": [{"id": "p1"}, {"id": "p2"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "c1",
            "role": "community_officer",
            "start": "2020-01-01",
        }
    ],
}

RULE: dict[str, Any] = {
    "kind": "funding",
    "subject": {"people": {"roles": ["community_officer"]}},
    "sources": ["city"],
    "min_amount_cny": 5000,
}


def _alloc(
    fid: str,
    amount: float,
    start: str = "2022-01-01",
    end: str = "2022-12-31",
    source: str = "city",
    **who: str,
) -> dict[str, Any]:
    return {
        "id": fid,
        "source": source,
        "amount_cny": amount,
        "start": start,
        "end": end,
        **(who or {"person": "p1"}),
    }


def test_exactly_5000_passes(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "funding": [
            _alloc("f1", 3000),
            _alloc("f2", 2000, "2022-03-01", "2022-03-31"),
            _alloc("f3", 5000, source="district"),
        ],
    }
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("p1", "2022"): "pass"}
    assert (found[0].measured, found[0].required) == (5000, 5000)
    assert found[0].evidence == ("f1", "f2")  # the district allocation is another source


def test_4999_fails(tmp_path: Path) -> None:
    tables = {**BASE, "funding": [_alloc("f1", 4999)]}
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("p1", "2022"): "fail"}
    rule = FundingRule.model_validate(
        {
            "id": "r",
            **RULE,
            "title": {"zh": "t", "en": "t"},
            "severity": "major",
            "citation": {"source": "s", "quote": "测试"},
        }
    )
    text = KIND.describe(rule, found[0])
    assert "4999 CNY allocated from city; required at least 5000 CNY" in text.en
    assert "4999 元" in text.zh


def test_straddling_allocations_are_pro_rated(tmp_path: Path) -> None:
    # 181 of 365 days of the first allocation fall in 2022: 4958.90 CNY, short of 5000.
    first = _alloc("f1", 10000, "2021-07-01", "2022-06-30")
    found = run_rule(tmp_path, RULE, {**BASE, "funding": [first]}, "2022")
    assert statuses(found) == {("p1", "2022"): "fail"}
    assert found[0].measured == pytest.approx(4958.90)
    second = _alloc("f2", 10000, "2022-07-01", "2023-06-30")  # 184 of 365 days in 2022
    found = run_rule(tmp_path, RULE, {**BASE, "funding": [first, second]}, "2022")
    assert statuses(found) == {("p1", "2022"): "pass"}
    assert found[0].measured == 10000


def test_partial_year_in_the_role_is_not_applicable(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "assignments": [{**BASE["assignments"][0], "start": "2022-02-01"}],
        "funding": [_alloc("f1", 5000)],
    }
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("p1", "2022"): "not_applicable"}


def test_unrecorded_source_is_insufficient_data(tmp_path: Path) -> None:
    tables = {**BASE, "funding": [_alloc("f1", 5000, source="district")]}
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("p1", "2022"): "insufficient_data"}
    # Once the source is recorded for someone, a person without any allocation fails.
    tables["funding"].append(_alloc("f2", 5000, person="p2"))
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("p1", "2022"): "fail"}
    assert found[0].measured == 0


def test_units_count_allocations_to_the_unit_itself(tmp_path: Path) -> None:
    rule = {**RULE, "subject": {"units": {"type": "locality"}}, "sources": ["district"]}
    tables = {
        **BASE,
        "funding": [
            _alloc("f1", 4000, source="district", unit="c1"),
            _alloc("f2", 1000, source="district", unit="c1", person="p1"),
        ],
    }
    found = run_rule(tmp_path, rule, tables, "2022")
    assert statuses(found) == {("c1", "2022"): "fail"}
    assert found[0].evidence == ("f1",)
    tables["funding"][1].pop("person")
    assert statuses(run_rule(tmp_path, rule, tables, "2022")) == {("c1", "2022"): "pass"}


@settings(max_examples=20, deadline=None)
@given(cents=st.integers(0, 1_000_000), split=st.integers(1, 364))
def test_a_split_allocation_counts_as_the_whole(cents: int, split: int) -> None:
    # One year's money recorded as two allocations splitting the year: the same total.
    amount = cents / 100
    cut = dt.date(2022, 1, 1) + dt.timedelta(days=split)
    allocs = [
        _alloc("f1", amount * split / 365, end=str(cut - dt.timedelta(days=1))),
        _alloc("f2", amount * (365 - split) / 365, start=str(cut)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), RULE, {**BASE, "funding": allocs}, "2022")
    assert found[0].measured == pytest.approx(amount, abs=0.011)
    if abs(amount - 5000) > 0.02:
        expected = "pass" if amount > 5000 else "fail"
        assert statuses(found) == {("p1", "2022"): expected}


@settings(max_examples=20, deadline=None)
@given(cents=st.integers(490_000, 510_000))
def test_status_follows_the_amount(cents: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), RULE, {**BASE, "funding": [_alloc("f1", cents / 100)]}, "2022")
    assert found[0].measured == cents / 100
    assert statuses(found) == {("p1", "2022"): "pass" if cents >= 500_000 else "fail"}
