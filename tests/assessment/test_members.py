"""A unit's item from its members' results in another scheme (from_scheme)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import Policy, PolicyError, evaluate, load_dataset, load_policy
from gridpolicing.assessment.members import combine_totals
from tests.assessment.test_groups import doc_block, doc_table

UNITS = [
    {"id": "st1", "type": "station"},
    {"id": "st2", "type": "station"},
    {"id": "st3", "type": "station"},
    {"id": "c1", "type": "locality", "category": "urban_community", "station": "st1"},
    {"id": "c2", "type": "locality", "category": "urban_community", "station": "st1"},
    {"id": "c3", "type": "locality", "category": "urban_community", "station": "st2"},
]
POSTS = {"p1": "c1", "p2": "c2", "p3": "c3", "p4": "st2"}


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def _data(
    tmp: Path, policy: Policy, late: dict[str, int], absent: dict[str, int], posts: dict[str, str]
) -> Any:
    incidents = [
        {"id": f"{pid}-{kind}-{i}", "person": pid, "kind": kind, "date": f"2022-03-{i + 10}"}
        for kind, counts in (("late_arrival", late), ("absent_without_leave", absent))
        for pid, n in counts.items()
        for i in range(n)
    ]
    tables = {
        "units": UNITS,
        "people": [{"id": p} for p in posts],
        "assignments": [
            {
                "id": f"a-{p}",
                "person": p,
                "unit": u,
                "role": "community_officer",
                "start": "2021-01-01",
            }
            for p, u in posts.items()
        ],
        "incidents": incidents,
    }
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected, [str(r) for r in data.rejected]
    return data


def _stations(policy: Policy, data: Any) -> dict[str, Any]:
    report = evaluate(policy, data, "2022-03")
    return {s.subject_id: s for s in report.assessment.scores if s.scheme == "station-monthly"}


def test_the_documented_stations_get_the_documented_totals(tmp_path: Path) -> None:
    policy = _policy(tmp_path, doc_block("members-example"))
    found = _stations(policy, _data(tmp_path, policy, {"p2": 2}, {"p4": 1}, POSTS))
    rows = doc_table("station | members (totals)")
    assert [r[0] for r in rows] == sorted(found)
    for station, _, _, total, status in rows:
        assert (found[station].total, found[station].status) == (float(total), status), station
    st2 = found["st2"].items[0]
    assert "vetoed p4 counted as 0" in st2.explanation.en
    assert st2.evidence == ("officer-monthly:p3=100", "officer-monthly:p4=0")
    assert found["st3"].grade == "insufficient_data"
    assert found["st3"].rank is None  # the scheme does not rank; never a pass either


def test_a_vetoed_member_may_count_with_its_total(tmp_path: Path) -> None:
    doc = copy.deepcopy(doc_block("members-example"))
    doc["assessment"]["schemes"][0]["items"][0]["from_scheme"]["vetoed_as"] = "total"
    policy = _policy(tmp_path, doc)
    found = _stations(policy, _data(tmp_path, policy, {}, {"p4": 1}, POSTS))
    assert found["st2"].total == 50 + 0.5 * (100 + 90) / 2


@pytest.mark.parametrize(("combine", "st1"), [("sum", 195.0), ("min", 95.0), ("max", 100.0)])
def test_other_combinations(tmp_path: Path, combine: str, st1: float) -> None:
    doc = copy.deepcopy(doc_block("members-example"))
    item = doc["assessment"]["schemes"][0]["items"][0]
    item["from_scheme"].update(combine=combine, weight=1)
    item["max_points"] = 200
    doc["assessment"]["schemes"][0]["base_score"] = 0
    policy = _policy(tmp_path, doc)
    found = _stations(policy, _data(tmp_path, policy, {"p2": 1}, {}, {"p1": "c1", "p2": "c2"}))
    assert found["st1"].total == st1
    assert found["st2"].status == "insufficient_data"


def test_sub_units_combine_the_units_below(tmp_path: Path) -> None:
    doc = copy.deepcopy(doc_block("members-example"))
    station, officers = doc["assessment"]["schemes"]
    station["items"][0]["from_scheme"].update(scheme="community-monthly", members="sub_units")
    community = copy.deepcopy(officers)
    community.update(id="community-monthly", subject={"units": {"type": "locality"}})
    community["items"] = [
        {
            "id": "officers",
            "title": {"zh": "民警得分", "en": "officers"},
            "from_scheme": {"scheme": "officer-monthly", "combine": "min"},
            "citation": {"source": "station-rules", "quote": "社区取民警最低分"},
        }
    ]
    community["base_score"] = 0
    del community["vetoes"]
    doc["assessment"]["schemes"] = [station, community, officers]
    policy = _policy(tmp_path, doc)
    data = _data(tmp_path, policy, {"p2": 2}, {}, POSTS)
    report = evaluate(policy, data, "2022-03")
    got = {(s.scheme, s.subject_id): (s.total, s.status) for s in report.assessment.scores}
    assert got[("community-monthly", "c1")] == (100, "scored")
    assert got[("community-monthly", "c2")] == (90, "scored")
    assert got[("station-monthly", "st1")] == (50 + 0.5 * 95, "scored")
    assert got[("station-monthly", "st2")] == (50 + 0.5 * 100, "scored")  # c3 only
    assert got[("station-monthly", "st3")] == (50, "insufficient_data")
    # reported in the order written, though scored members first
    assert next(s.scheme for s in report.assessment.scores) == "station-monthly"


def test_schemes_scoring_from_each_other_are_a_load_error(tmp_path: Path) -> None:
    doc = copy.deepcopy(doc_block("members-example"))
    station, officers = doc["assessment"]["schemes"]
    officers["subject"] = {"units": {"type": "locality"}}
    officers["items"].append(
        {
            "id": "back",
            "title": {"zh": "回环", "en": "back"},
            "from_scheme": {"scheme": "station-monthly", "members": "sub_units"},
        }
    )
    station["items"][0]["from_scheme"]["members"] = "sub_units"
    del officers["vetoes"]
    with pytest.raises(PolicyError) as caught:
        _policy(tmp_path, doc)
    text = str(caught.value)
    assert "cycle: station-monthly -> officer-monthly -> station-monthly" in text
    assert "policy.yaml:" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scheme": "nobody"}, "from_scheme 'nobody' is no scheme of this policy"),
        ({"members": "sub_units"}, "members sub_units need a scheme of units"),
    ],
)
def test_a_member_scheme_that_cannot_be_meant_is_a_load_error(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    doc = copy.deepcopy(doc_block("members-example"))
    doc["assessment"]["schemes"][0]["items"][0]["from_scheme"].update(change)
    with pytest.raises(PolicyError, match=message):
        _policy(tmp_path, doc)


def test_a_member_scheme_of_another_period_is_a_load_error(tmp_path: Path) -> None:
    doc = copy.deepcopy(doc_block("members-example"))
    doc["assessment"]["schemes"][1]["period"] = "quarter"
    with pytest.raises(PolicyError, match="its period must be this scheme's"):
        _policy(tmp_path, doc)


totals = st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=12)


@given(totals, st.randoms(use_true_random=False))
def test_combined_totals_lie_within_the_members_and_ignore_their_order(
    values: list[float], rnd: Any
) -> None:
    shuffled = list(values)
    rnd.shuffle(shuffled)
    for how in ("mean", "min", "max"):
        value = combine_totals(how, values)
        assert min(values) - 1e-6 <= value <= max(values) + 1e-6
        assert value == combine_totals(how, shuffled)
    assert combine_totals("min", values) <= combine_totals("mean", values)
    assert combine_totals("sum", values) == pytest.approx(sum(values), abs=1e-6)
