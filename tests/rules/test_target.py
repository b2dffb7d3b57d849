"""target: satisfaction and hazard-rectification rates against a minimum."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gridpolicing.rules.target import KIND, TargetRule
from tests.helpers import run_rule, statuses

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"id": "s1", "type": "station"},
        {"id": "s2", "type": "station"},
        {
            "id": "c1",
            "type": "locality",
            "category": "urban_community",
            "area": "urban",
            "parent": "s1",
            "station": "s1",
        },
    ],
}

RULE: dict[str, Any] = {
    "kind": "target",
    "subject": {"units": {"type": "station", "ids": ["s1"]}},
    "metric": "satisfaction_rate",
    "min_value": 0.9,
}


def _survey(
    sid: str, satisfied: int, respondents: int, unit: str = "s1", date: str = "2022-06-01"
) -> dict[str, Any]:
    return {
        "id": sid,
        "unit": unit,
        "date": date,
        "respondents": respondents,
        "satisfied": satisfied,
    }


def test_exactly_90_percent_passes(tmp_path: Path) -> None:
    tables = {**BASE, "surveys": [_survey("sv1", 400, 500), _survey("sv2", 500, 500)]}
    found = run_rule(tmp_path, RULE, tables, "2022")  # 900 of 1000 respondents
    assert statuses(found) == {("s1", "2022"): "pass"}
    assert found[0].measured == pytest.approx(0.9)
    assert found[0].required == pytest.approx(0.9)
    assert found[0].evidence == ("sv1", "sv2")
    assert found[0].detail == "900/1000"


def test_89_9_percent_fails(tmp_path: Path) -> None:
    tables = {**BASE, "surveys": [_survey("sv1", 899, 1000)]}
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("s1", "2022"): "fail"}
    rule = TargetRule.model_validate(
        {
            "id": "r",
            **RULE,
            "title": {"zh": "t", "en": "t"},
            "severity": "major",
            "citation": {"source": "s", "quote": "测试"},
        }
    )
    text = KIND.describe(rule, found[0])
    assert "satisfaction rate 89.9% (899/1000); required at least 90%" in text.en
    assert "群众满意率 89.9%" in text.zh


def test_no_survey_is_insufficient_data(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "surveys": [_survey("sv1", 10, 10, date="2021-12-31"), _survey("sv2", 10, 10, unit="s2")],
    }
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("s1", "2022"): "insufficient_data"}
    assert found[0].measured is None


def test_child_units_count_only_when_asked(tmp_path: Path) -> None:
    tables = {**BASE, "surveys": [_survey("sv1", 10, 10), _survey("sv2", 0, 10, unit="c1")]}
    assert statuses(run_rule(tmp_path, RULE, tables, "2022")) == {("s1", "2022"): "pass"}
    found = run_rule(tmp_path, {**RULE, "include_child_units": True}, tables, "2022")
    assert statuses(found) == {("s1", "2022"): "fail"}
    assert found[0].measured == pytest.approx(0.5)
    assert found[0].evidence == ("sv1", "sv2")


def test_dated_minimum_changes_on_its_date(tmp_path: Path) -> None:
    rule = {**RULE, "min_value": {"values": {"2016-01-01": 0.8, "2017-01-01": 0.9}}}
    tables = {
        **BASE,
        "surveys": [
            _survey("sv1", 85, 100, date="2016-05-01"),
            _survey("sv2", 85, 100, date="2017-05-01"),
        ],
    }
    found = run_rule(tmp_path, rule, tables, "2016-01-01..2017-12-31")
    assert statuses(found) == {("s1", "2016"): "pass", ("s1", "2017"): "fail"}
    assert [f.required for f in found] == [pytest.approx(0.8), pytest.approx(0.9)]


def _hazard(aid: str, found: int, rectified: int, unit: str = "c1") -> dict[str, Any]:
    return {
        "id": aid,
        "person": "p1",
        "unit": unit,
        "kind": "safety_inspection",
        "start": "2022-04-01 09:00:00",
        "end": "2022-04-01 10:00:00",
        "hazards_found": found,
        "hazards_rectified": rectified,
    }


def test_hazard_rectification_rate(tmp_path: Path) -> None:
    rule = {
        **RULE,
        "subject": {"units": {"type": "locality"}},
        "metric": "hazard_rectification_rate",
    }
    tables = {
        **BASE,
        "people": [{"id": "p1"}],
        "activities": [
            _hazard("h1", 6, 5),
            _hazard("h2", 4, 4),
            {**_hazard("h3", 0, 0), "kind": "patrol"},
        ],
    }
    found = run_rule(tmp_path, rule, tables, "2022")
    assert statuses(found) == {("c1", "2022"): "pass"}
    assert found[0].evidence == ("h1", "h2")  # the patrol found nothing, so it is no record
    tables["activities"][1]["hazards_rectified"] = 3  # 8 of 10
    found = run_rule(tmp_path, rule, tables, "2022")
    assert statuses(found) == {("c1", "2022"): "fail"}
    assert found[0].measured == pytest.approx(0.8)


def test_subject_must_be_units() -> None:
    with pytest.raises(ValidationError, match="must be units"):
        TargetRule.model_validate(
            {
                **RULE,
                "id": "r",
                "title": {"zh": "t", "en": "t"},
                "severity": "major",
                "citation": {"source": "s", "quote": "测试"},
                "subject": {"people": {"roles": ["community_officer"]}},
            }
        )


@settings(max_examples=20, deadline=None)
@given(respondents=st.integers(1, 400), data=st.data())
def test_status_follows_the_rate(respondents: int, data: st.DataObject) -> None:
    satisfied = data.draw(st.integers(0, respondents))
    tables = {**BASE, "surveys": [_survey("sv1", satisfied, respondents)]}
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), RULE, tables, "2022")
    # Integer arithmetic: the rate reaches 90% exactly when 10 x satisfied >= 9 x respondents.
    expected = "pass" if 10 * satisfied >= 9 * respondents else "fail"
    assert statuses(found) == {("s1", "2022"): expected}
    assert found[0].measured == pytest.approx(satisfied / respondents)
