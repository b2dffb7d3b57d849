"""count: units of a kind (model offices, offices) related to a subject unit, per period."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing.rules.count import KIND, CountRule
from tests.helpers import run_rule, statuses

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"id": "b1", "type": "bureau"},
        {"id": "s1", "type": "station", "parent": "b1"},
        {
            "id": "o1",
            "type": "office",
            "parent": "s1",
            "station": "s1",
            "area": "urban",
            "model_since": "2016-05-01",
        },
        {"id": "o2", "type": "office", "parent": "s1", "station": "s1", "area": "rural"},
        {"id": "o3", "type": "office", "area": "urban", "model_since": "2015-12-31"},
    ],
}

RULE: dict[str, Any] = {
    "kind": "count",
    "subject": {"units": {"type": "bureau"}},
    "what": "model_offices",
    "min_count": 2,
}


def _with_model(unit: str, since: str) -> dict[str, list[dict[str, Any]]]:
    units = [{**u, "model_since": since} if u["id"] == unit else u for u in BASE["units"]]
    return {"units": units}


def test_two_model_offices_in_the_year_pass(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, _with_model("o2", "2016-12-31"), "2016")
    assert statuses(found) == {("b1", "2016"): "pass"}
    assert (found[0].measured, found[0].required) == (2, 2)
    assert found[0].evidence == ("o1", "o2")


def test_one_model_office_fails(tmp_path: Path) -> None:
    # o3 was named before the year began, o2 after it ended: neither counts for 2016.
    found = run_rule(tmp_path, RULE, _with_model("o2", "2017-01-01"), "2016")
    assert statuses(found) == {("b1", "2016"): "fail"}
    assert found[0].evidence == ("o1",)
    spec = CountRule.model_validate(
        {
            "id": "r",
            **RULE,
            "title": {"zh": "t", "en": "t"},
            "severity": "minor",
            "citation": {"source": "s", "quote": "测试"},
        }
    )
    text = KIND.describe(spec, found[0])
    assert "1 model offices named in the period; required at least 2" in text.en
    assert "示范警务室 1 个,要求不少于 2 个" in text.zh


def test_within_relates_counted_units_to_the_subject(tmp_path: Path) -> None:
    tables = _with_model("o2", "2016-06-01")
    rule = {**RULE, "within": "descendant"}
    assert run_rule(tmp_path, rule, tables, "2016")[0].evidence == ("o1", "o2")
    rule = {**RULE, "within": "parent"}  # offices hang off the station, not the bureau
    assert run_rule(tmp_path, rule, tables, "2016")[0].measured == 0
    rule = {
        **RULE,
        "subject": {"units": {"type": "station"}},
        "within": "station",
        "min_count": 1,
        "area": "rural",
    }
    found = run_rule(tmp_path, rule, tables, "2016")
    assert statuses(found) == {("s1", "2016"): "pass"}
    assert found[0].evidence == ("o2",)


def test_offices_count_whatever_their_date(tmp_path: Path) -> None:
    rule = {**RULE, "what": "offices", "area": "urban", "min_count": 2}
    found = run_rule(tmp_path, rule, BASE, "2016")
    assert statuses(found) == {("b1", "2016"): "pass"}
    assert found[0].evidence == ("o1", "o3")


def test_dated_minimum(tmp_path: Path) -> None:
    rule = {**RULE, "min_count": {"values": {"2016-01-01": 1, "2017-01-01": 2}}}
    tables = _with_model("o2", "2017-03-01")
    tables["units"] = [
        {**u, "model_since": "2016-02-01"} if u["id"] == "o3" else u for u in tables["units"]
    ]
    found = run_rule(tmp_path, rule, tables, "2015-01-01..2017-12-31")
    # 2015: no minimum in force yet; 2016: o1 and o3 (2 >= 1); 2017: only o2 (1 < 2).
    assert statuses(found) == {
        ("b1", "2015"): "not_applicable",
        ("b1", "2016"): "pass",
        ("b1", "2017"): "fail",
    }


@settings(max_examples=20, deadline=None)
@given(days=st.lists(st.integers(-400, 800), min_size=0, max_size=6))
def test_count_is_the_offices_named_inside_the_year(days: list[int]) -> None:
    start = dt.date(2016, 1, 1)
    offices = [
        {"id": f"m{i}", "type": "office", "model_since": str(start + dt.timedelta(days=d))}
        for i, d in enumerate(days)
    ]
    tables = {"units": [BASE["units"][0], *offices]}
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), RULE, tables, "2016")
    inside = sum(0 <= d < 366 for d in days)  # 2016 is a leap year
    assert found[0].measured == inside
    assert statuses(found) == {("b1", "2016"): "pass" if inside >= 2 else "fail"}
