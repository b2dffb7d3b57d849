"""tenure: a minimum time in post (不少于3年) and a fixed term (以一年为一期)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridpolicing import PolicyError
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules.tenure import KIND, TenureRule
from tests.helpers import make_policy, run_rule, statuses

UNITS = [
    {"id": v, "type": "locality", "category": "village", "area": "rural"} for v in ("v1", "v2")
]
XINXIANG = {
    "kind": "tenure",
    "subject": {"people": {"roles": ["village_contact_officer"]}},
    "min_years": 3,
}
XINDU = {
    "kind": "tenure",
    "subject": {"people": {"roles": ["dispatched_officer"]}},
    "period": "month",
    "max_term_months": 12,
}


def _describe(tmp_path: Path, rule: dict[str, Any], finding: Finding) -> Text:
    spec = make_policy(tmp_path, [{"id": "r", **rule}]).rules[0]
    assert isinstance(spec, TenureRule)
    return KIND.describe(spec, finding)


def _tables(
    *spans: tuple[str, str, str | None],
    role: str = "village_contact_officer",
) -> dict[str, list[dict[str, Any]]]:
    """One assignment of p1 per ``(unit, start, end)``."""
    assignments = []
    for i, (unit, start, end) in enumerate(spans, 1):
        a = {"id": f"a{i}", "person": "p1", "unit": unit, "role": role, "start": start}
        if end:
            a["end"] = end
        assignments.append(a)
    return {"units": UNITS, "people": [{"id": "p1"}], "assignments": assignments}


def test_exactly_three_years_then_moved_passes(tmp_path: Path) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables(("v1", "2019-03-01", "2022-02-28")), "2022")
    assert statuses(found) == {("p1", "2022"): "pass"}
    assert (found[0].measured, found[0].required, found[0].detail) == (3, 3, "2022-02-28")


def test_moved_a_day_early_fails(tmp_path: Path) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables(("v1", "2019-03-01", "2022-02-27")), "2022")
    assert statuses(found) == {("p1", "2022"): "fail"}
    assert found[0].measured == 2.99  # rounded down: never printed as the 3 it falls short of
    assert _describe(tmp_path, XINXIANG, found[0]).en == (
        "[fail] person p1, 2022: left the post on 2022-02-27 after 2.99 years; required at least 3"
    )


def test_ongoing_assignment_passes_with_time_so_far(tmp_path: Path) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables(("v1", "2022-07-01", None)), "2022")
    assert statuses(found) == {("p1", "2022"): "pass"}
    assert (found[0].measured, found[0].detail, found[0].evidence) == (0.5, None, ("a1",))


def test_a_stint_ending_after_the_bucket_is_still_ongoing(tmp_path: Path) -> None:
    found = run_rule(tmp_path, XINXIANG, _tables(("v1", "2022-01-01", "2023-01-31")), "2022")
    assert statuses(found) == {("p1", "2022"): "pass"}
    found = run_rule(tmp_path, XINXIANG, _tables(("v1", "2022-01-01", "2023-01-31")), "2023")
    assert statuses(found) == {("p1", "2023"): "fail"}


def test_back_to_back_assignments_in_one_unit_are_one_stint(tmp_path: Path) -> None:
    tables = _tables(("v1", "2019-03-01", "2020-12-31"), ("v1", "2021-01-01", "2022-02-28"))
    found = run_rule(tmp_path, XINXIANG, tables, "2022")
    assert statuses(found) == {("p1", "2022"): "pass"}
    assert found[0].evidence == ("a1", "a2")
    gap = _tables(("v1", "2019-03-01", "2020-12-30"), ("v1", "2021-01-01", "2022-02-28"))
    assert statuses(run_rule(tmp_path, XINXIANG, gap, "2022")) == {("p1", "2022"): "fail"}


def test_moving_village_breaks_the_stint_unless_any_unit_counts(tmp_path: Path) -> None:
    tables = _tables(("v1", "2021-01-01", "2021-12-31"), ("v2", "2022-01-01", None))
    found = run_rule(tmp_path, XINXIANG, tables, "2021")
    assert statuses(found) == {("p1", "2021"): "fail"}
    assert found[0].measured == 1
    found = run_rule(tmp_path, {**XINXIANG, "same_unit": False}, tables, "2021")
    assert statuses(found) == {("p1", "2021"): "pass"}
    assert found[0].evidence == ("a1", "a2")


def test_dated_minimum(tmp_path: Path) -> None:
    rule = {**XINXIANG, "min_years": {"values": {"2020-01-01": 1, "2022-01-01": 3}}}
    tables = _tables(("v1", "2019-01-01", "2021-06-30"), ("v2", "2021-07-01", "2022-06-30"))
    found = run_rule(tmp_path, rule, tables, "2019-01-01..2022-12-31")
    assert statuses(found) == {
        ("p1", "2019"): "not_applicable",
        ("p1", "2020"): "pass",
        ("p1", "2021"): "pass",
        ("p1", "2022"): "fail",
    }


def test_one_year_term_boundary(tmp_path: Path) -> None:
    tables = _tables(("v1", "2022-02-01", None), role="dispatched_officer")
    found = run_rule(tmp_path, XINDU, tables, "2023-01-01..2023-02-28")
    assert statuses(found) == {("p1", "2023-01"): "pass", ("p1", "2023-02"): "fail"}
    assert [f.measured for f in found] == [12, 13]
    assert found[1].detail == "2022-02-01"
    assert _describe(tmp_path, XINDU, found[1]).zh == (
        "[不合格] 人员 p1,2023-02:自 2022-02-01 起在岗 13 个月,任期为 12 个月"
    )


def test_rotated_after_the_term_passes(tmp_path: Path) -> None:
    tables = _tables(
        ("v1", "2022-02-01", "2023-01-31"), ("v2", "2023-02-01", None), role="dispatched_officer"
    )
    found = run_rule(tmp_path, XINDU, tables, "2023-01-01..2023-02-28")
    assert statuses(found) == {("p1", "2023-01"): "pass", ("p1", "2023-02"): "pass"}
    assert found[1].evidence == ("a2",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"max_term_months": 12}, "exactly one of min_years, max_term_months"),
        ({"subject": {"units": {"type": "locality"}}}, "needs a people subject"),
    ],
)
def test_invalid_rules_are_rejected(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        make_policy(tmp_path, [{"id": "r", **XINXIANG, **change}])


FIVE_YEARS_EXCEPT = {
    **XINXIANG,
    "min_years": 5,
    "exempt_end_reasons": ["promotion", "approved_transfer"],
}


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (None, "fail"),
        ("reassignment", "fail"),
        ("promotion", "pass"),
        ("approved_transfer", "pass"),
    ],
)
def test_an_early_move_is_excused_only_by_a_listed_reason(
    tmp_path: Path, reason: str | None, status: str
) -> None:
    # 同一警务区任职不少于5年(晋升或经批准调整的除外): moved after 3 years.
    tables = _tables(("v1", "2019-03-01", "2022-02-28"))
    if reason is not None:
        tables["assignments"][0]["end_reason"] = reason
    [found] = run_rule(tmp_path, FIVE_YEARS_EXCEPT, tables, "2022")
    assert (found.status.value, found.measured, found.required) == (status, 3, 5)
    assert found.detail == ("2022-02-28" if status == "fail" else f"2022-02-28 ({reason})")
    if status == "pass":
        words = _describe(tmp_path, FIVE_YEARS_EXCEPT, found)
        assert "an allowed exception" in words.en
        assert "例外" in words.zh


def test_an_excused_move_does_not_hide_another_early_move(tmp_path: Path) -> None:
    # A second stint cut short without a reason still fails the bucket.
    tables = _tables(("v1", "2019-03-01", "2022-02-28"), ("v2", "2020-01-01", "2022-06-30"))
    tables["assignments"][0]["end_reason"] = "promotion"
    [found] = run_rule(tmp_path, FIVE_YEARS_EXCEPT, tables, "2022")
    assert (found.status.value, found.detail, found.evidence) == ("fail", "2022-06-30", ("a2",))


def test_exempt_reasons_go_with_a_minimum(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="use with min_years"):
        make_policy(tmp_path, [{"id": "r", **XINDU, "exempt_end_reasons": ["promotion"]}])
