"""Items from_measure: any core measure as an item, bands, and insufficient data never passing."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from gridpolicing import Policy, PolicyError, evaluate, load_dataset, load_policy
from gridpolicing.assessment.bands import Band, band_points, check_bands
from gridpolicing.assessment.items import Item
from gridpolicing.assessment.scoring import item_points
from gridpolicing.report.ranking_table import print_assessment
from gridpolicing.report.report import Report
from tests.assessment.test_groups import doc_block, doc_table

EXAMPLE = "measure-items-example"


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def _load(tmp: Path, policy: Policy, tables: dict[str, list[dict[str, Any]]]) -> Any:
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected, [str(r) for r in data.rejected]
    return data


def _communities(rows: list[list[str]], months: tuple[str, ...] = ("2022-03",)) -> dict[str, Any]:
    """The doc table's communities: population, collected, and one survey a month ("-": none)."""
    units, surveys = [], []
    for name, population, collected, respondents, satisfied, *_ in rows:
        unit: dict[str, Any] = {"id": name, "type": "locality", "category": "urban_community"}
        if population != "-":
            unit["population"] = int(population)
        unit["attributes"] = {"collected_population": int(collected)}
        units.append(unit)
        if respondents != "-":
            surveys += [
                {
                    "id": f"{name}-{month}",
                    "unit": name,
                    "date": f"{month}-15",
                    "respondents": int(respondents),
                    "satisfied": int(satisfied),
                }
                for month in months
            ]
    return {"units": units, "surveys": surveys}


def _doc_report(tmp: Path) -> Report:
    policy = _policy(tmp, doc_block(EXAMPLE))
    return evaluate(policy, _load(tmp, policy, _communities(doc_table("community"))), "2022-03")


def test_the_documented_example_gives_the_documented_table(tmp_path: Path) -> None:
    report = _doc_report(tmp_path)
    found = {s.subject_id: s for s in report.assessment.scores}
    for name, *_, collection, satisfaction, total, status, grade, rank in doc_table("community"):
        s = found[name]
        items = {i.item: i for i in s.items}
        for item, want in (("collection", collection), ("satisfaction", satisfaction)):
            if want == "-":
                assert items[item].status == "insufficient_data", (name, item)
            else:
                assert (items[item].status, items[item].points) == ("scored", float(want))
        assert (s.status, s.grade) == (status, grade), name
        assert s.rank == (None if rank == "-" else int(rank)), name
        if total != "-":
            assert s.total == float(total), name
    assert found["c2"].ranked_among == 2  # the two not judged are not counted
    c2 = {i.item: i for i in found["c2"].items}
    assert c2["collection"].explanation.en == "measured 0.93, below 0.95 (band 2): -5 points"
    assert c2["collection"].explanation.zh == "测得 0.93,低于 0.95(第2档),计 -5 分"
    assert c2["satisfaction"].evidence == ("c2-2022-03",)
    c3 = {i.item: i for i in found["c3"].items}
    assert c3["satisfaction"].to_dict()["status"] == "insufficient_data"
    assert "insufficient data" in c3["satisfaction"].explanation.en


def test_the_ranking_table_lists_the_unjudged_last_without_rank_or_total(tmp_path: Path) -> None:
    console = Console(record=True, width=160, color_system=None, file=io.StringIO())
    print_assessment(_doc_report(tmp_path), console, 50, "zh")
    lines = [line.split() for line in console.export_text().splitlines()]
    rows = [r for r in lines if r and r[0] in ("1", "2", "-")]
    assert [r[1] for r in rows] == ["c1", "c2", "c3", "c4"]
    assert rows[2] == ["-", "c3", "-10", "-", "-", "数据不足"]
    assert rows[3] == ["-", "c4", "-", "0", "-", "数据不足"]


def test_insufficient_data_brings_only_the_consequences_naming_it(tmp_path: Path) -> None:
    doc = doc_block(EXAMPLE)
    scheme = doc["assessment"]["schemes"][0]
    scheme["consequences"] = [
        {
            "id": "survey",
            "title": {"zh": "补做调查", "en": "survey"},
            "grades": ["insufficient_data"],
            "action": "notice",
        },
        {
            "id": "bonus",
            "title": {"zh": "奖金", "en": "bonus"},
            "tiers": [{"share": 1, "amount": 100}],
        },
        {
            "id": "low",
            "title": {"zh": "通报", "en": "low"},
            "grades": ["unqualified"],
            "action": "notice",
        },
    ]
    policy = _policy(tmp_path, doc)
    data = _load(tmp_path, policy, _communities(doc_table("community")))
    found = {s.subject_id: s for s in evaluate(policy, data, "2022-03").assessment.scores}
    assert [a.id for a in found["c3"].applied] == ["survey"]
    assert [a.id for a in found["c2"].applied] == ["bonus"]


def test_a_month_not_judged_gives_no_year_grade_but_failed_months_still_decide(
    tmp_path: Path,
) -> None:
    doc = doc_block(EXAMPLE)
    scheme = doc["assessment"]["schemes"][0]
    scheme["vetoes"] = [{"item": "satisfaction", "deductions_reach": 10, "result": "unqualified"}]
    scheme["rollup"] = {
        "period": "quarter",
        "grades": {"bands": {"excellent": 95}, "default": "pass"},
        "overrides": [{"failed_periods": 2, "grade": "dismissed"}],
        "consequences": [
            {
                "id": "talk",
                "title": {"zh": "谈话", "en": "talk"},
                "failed_periods": 2,
                "action": "admonishment_talk",
            },
            {
                "id": "award",
                "title": {"zh": "奖", "en": "award"},
                "grades": ["excellent"],
                "amount": 100,
            },
        ],
    }
    policy = _policy(tmp_path, doc)
    rows = [
        ["good", "1000", "1000", "100", "100"],  # every month judged, 100
        ["gap", "1000", "1000", "100", "100"],  # March without a survey
        ["bad", "1000", "1000", "100", "80"],  # -15 a month: unqualified; March unjudged
    ]
    tables = _communities(rows, ("2022-01", "2022-02", "2022-03"))
    tables["surveys"] = [
        s for s in tables["surveys"] if s["id"] not in ("gap-2022-03", "bad-2022-03")
    ]
    report = evaluate(policy, _load(tmp_path, policy, tables), "2022-Q1")
    year = {r.subject_id: r for r in report.assessment.rollups}
    assert (year["good"].grade, year["good"].rank, year["good"].ranked_among) == ("excellent", 1, 1)
    gap = year["gap"]
    assert (gap.grade, gap.rank, gap.insufficient_periods, gap.failed_periods) == (
        "insufficient_data",
        None,
        1,
        0,
    )
    assert gap.applied == ()  # an average of 100 over two months gives no 优秀 and no award
    bad = year["bad"]
    assert (bad.grade, bad.rank, bad.failed_periods) == ("dismissed", None, 2)
    assert [a.id for a in bad.applied] == ["talk"]
    assert bad.to_dict()["insufficient_periods"] == 1
    console = Console(record=True, width=160, color_system=None, file=io.StringIO())
    print_assessment(report, console, 50, "en")
    rollup_rows = [
        line.split() for line in console.export_text().splitlines() if line.strip()[:7] == "2022-Q1"
    ]
    assert [r[1:] for r in rollup_rows] == [
        ["1", "good", "100", "excellent", "award", "¥100"],
        ["-", "bad", "-", "dismissed", "talk"],
        ["-", "gap", "-", "insufficient", "data"],
    ]


def test_a_veto_decides_whatever_the_unmeasured_item_would_give(tmp_path: Path) -> None:
    doc = doc_block(EXAMPLE)
    doc["assessment"]["schemes"][0]["vetoes"] = [
        {"item": "collection", "deductions_reach": 10, "result": "vetoed"}
    ]
    policy = _policy(tmp_path, doc)
    data = _load(tmp_path, policy, _communities(doc_table("community")))
    found = {s.subject_id: s for s in evaluate(policy, data, "2022-03").assessment.scores}
    assert (found["c3"].status, found["c3"].grade) == ("vetoed", "vetoed")  # 85%, no survey
    assert found["c4"].status == "insufficient_data"


def test_a_group_with_a_line_not_judged_is_not_judged(tmp_path: Path) -> None:
    doc = doc_block(EXAMPLE)
    scheme = doc["assessment"]["schemes"][0]
    lines = scheme["items"]
    scheme["items"] = [
        {
            "id": "basics",
            "title": {"zh": "基础工作", "en": "Basics"},
            "max_deduction": 20,
            "lines": lines,
        }
    ]
    policy = _policy(tmp_path, doc)
    data = _load(tmp_path, policy, _communities(doc_table("community")))
    found = {s.subject_id: s for s in evaluate(policy, data, "2022-03").assessment.scores}
    assert found["c2"].items[0].points == -8
    assert (found["c3"].items[0].status, found["c3"].status) == ("insufficient_data",) * 2
    assert found["c3"].items[0].lines[0].points == -10  # the judged line still shows


def _with_bands(tmp: Path, bands: list[dict[str, float]], **extra: Any) -> Policy:
    doc = doc_block(EXAMPLE)
    item = doc["assessment"]["schemes"][0]["items"][0]
    item["from_measure"] = {"measure": item["from_measure"]["measure"], "bands": bands, **extra}
    return _policy(tmp, doc)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [{"below": 0.95, "points": -5}, {"below": 0.9, "points": -10}],
            r"band 2 \(below 0.9\) can never apply: band 1 \(below 0.95\)",
        ),
        (
            [{"below": 0.9, "points": -10}, {"below": 0.9, "points": -5}],
            r"band 2 \(below 0.9\) can never apply",
        ),
        (
            [{"below": 0.9, "points": -10}, {"above": 0.99, "points": 2}],
            r"band 2 \(above 0.99\) reads the other way from band 1 \(below 0.9\)",
        ),
        (
            [
                {"below": 0.8, "points": -10},
                {"below": 0.9, "points": -3},
                {"below": 0.95, "points": -5},
            ],
            r"band 3 \(below 0.95, -5 points\) contradicts band 2 \(below 0.9, -3 points\)",
        ),
        ([{"below": 0.9, "at_most": 0.8, "points": -10}], "expected exactly one of above"),
    ],
)
def test_bands_that_cannot_be_read_one_way_are_load_errors(
    tmp_path: Path, bands: list[dict[str, float]], message: str
) -> None:
    with pytest.raises(PolicyError, match=message) as info:
        _with_bands(tmp_path, bands)
    assert "policy.yaml" in str(info.value)
    assert "items[collection].from_measure" in str(info.value)


def test_otherwise_must_follow_the_bands_and_per_unit_excludes_bands(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"otherwise \(-20 points\) contradicts band 2"):
        _with_bands(
            tmp_path, [{"below": 0.8, "points": -10}, {"below": 0.9, "points": -5}], otherwise=-20
        )
    with pytest.raises(PolicyError, match="bands take no per_unit"):
        _with_bands(tmp_path, [{"below": 0.9, "points": -5}], per_unit=1)


def test_a_person_scheme_cannot_count_people(tmp_path: Path) -> None:
    doc = doc_block(EXAMPLE)
    scheme = doc["assessment"]["schemes"][0]
    scheme["subject"] = {"people": {"roles": ["community_officer"]}}
    scheme["items"][0]["from_measure"]["measure"] = {"count": {"people": {"roles": ["auxiliary"]}}}
    with pytest.raises(PolicyError, match="a person subject counts records"):
        _policy(tmp_path, doc)


_THRESHOLDS = st.lists(st.integers(1, 99), min_size=1, max_size=5, unique=True)


@settings(max_examples=200, deadline=None)
@given(
    _THRESHOLDS,
    st.lists(st.integers(1, 20), min_size=5, max_size=5),
    st.sampled_from(["above", "at_least", "below", "at_most"]),
    st.integers(0, 100),
    st.integers(0, 100),
    st.integers(1, 30),
)
def test_a_worse_value_never_earns_more_and_never_passes_the_bound(
    thresholds: list[int],
    steps: list[int],
    comparison: str,
    a: int,
    b: int,
    max_deduction: int,
) -> None:
    upward = comparison in ("above", "at_least")
    # most extreme first: the largest threshold for upward bands, the smallest for downward
    ordered = sorted(thresholds, reverse=upward)
    points, total = [], 0
    for step in steps[: len(ordered)]:
        total += step
        points.append(-total)
    points.reverse()  # deductions grow towards the most extreme band
    bands = [
        Band.model_validate({comparison: t / 100, "points": p})
        for t, p in zip(ordered, points, strict=True)
    ]
    check_bands(bands, 0)
    worse, better = (max(a, b), min(a, b)) if upward else (min(a, b), max(a, b))
    worse_points, _ = band_points(bands, 0, worse / 100)
    better_points, _ = band_points(bands, 0, better / 100)
    assert worse_points <= better_points
    item = Item.model_validate(
        {
            "id": "x",
            "title": {"zh": "x", "en": "x"},
            "from_measure": {
                "measure": {"attribute": "population"},
                "bands": [b.model_dump(exclude_none=True) for b in bands],
            },
            "max_deduction": max_deduction,
        }
    )
    assert item_points(item, worse_points) >= -max_deduction


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100))
def test_more_satisfied_respondents_never_lower_a_score(fewer: int, more: int) -> None:
    fewer, more = min(fewer, more), max(fewer, more)
    with tempfile.TemporaryDirectory() as tmp:
        policy = _policy(Path(tmp), doc_block(EXAMPLE))
        rows = [["lo", "1000", "1000", "100", str(fewer)], ["hi", "1000", "1000", "100", str(more)]]
        data = _load(Path(tmp), policy, _communities(rows))
        found = {s.subject_id: s for s in evaluate(policy, data, "2022-03").assessment.scores}
    assert found["hi"].total >= found["lo"].total
    assert (found["hi"].rank or 0) <= (found["lo"].rank or 0)
    assert found["lo"].rank is not None


def _hours_policy(tmp: Path, source: dict[str, Any]) -> Policy:
    """A rule timing auxiliaries, and a scheme of officers with an item (or line) on hours."""
    title = {"zh": "工作时长", "en": "Hours"}
    cite = {"source": "s", "quote": "每月在社区工作时长计分"}
    doc = {
        "id": "hours",
        "jurisdiction": "示例区",
        "title": title,
        "sources": [{"id": "s", "title": "示例", "issuer": "示例"}],
        "rules": [
            {
                "id": "aux-hours",
                "kind": "time_commitment",
                "title": title,
                "severity": "minor",
                "subject": {"people": {"roles": ["auxiliary"]}},
                "period": "month",
                "min_hours": 1,
                "citation": cite,
            }
        ],
        "assessment": {
            "schemes": [
                {
                    "id": "officers",
                    "title": title,
                    "subject": {"people": {"roles": ["community_officer"]}},
                    "period": "month",
                    "items": [
                        {
                            "id": "group",
                            "title": title,
                            "max_points": 100,
                            "lines": [{"id": "hours", "title": title, **source}],
                        }
                    ],
                    "citation": cite,
                }
            ]
        },
    }
    return _policy(tmp, doc)


@pytest.mark.parametrize(
    "source",
    [
        {"from_measure": {"measure": {"hours": {}}, "per_unit": 1}},
        {"from_metric": {"activities": ["patrol"], "measure": "hours", "per_unit": 1}},
    ],
)
def test_an_officer_s_hours_count_when_only_a_line_measures_them(
    tmp_path: Path, source: dict[str, Any]
) -> None:
    # the time table held only the people whose time a rule reads (auxiliaries): an officer's
    # hours read by a group's line summed 0
    policy = _hours_policy(tmp_path, source)
    tables = {
        "units": [{"id": "c1", "type": "locality", "category": "urban_community"}],
        "people": [{"id": "o1"}, {"id": "x1"}],
        "assignments": [
            {
                "id": "a1",
                "person": "o1",
                "unit": "c1",
                "role": "community_officer",
                "start": "2021-01-01",
            },
            {"id": "a2", "person": "x1", "unit": "c1", "role": "auxiliary", "start": "2021-01-01"},
        ],
        "activities": [
            {
                "id": "p1",
                "person": "o1",
                "unit": "c1",
                "kind": "patrol",
                "start": "2022-03-02T08:00:00",
                "end": "2022-03-02T18:00:00",
            },
        ],
    }
    report = evaluate(policy, _load(tmp_path, policy, tables), "2022-03")
    (score,) = report.assessment.scores
    assert score.items[0].lines[0].points == 10
