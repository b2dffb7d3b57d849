"""Grades across roll-ups: a barred month bars the year's top grade; service in whole months."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import Policy, evaluate, load_dataset, load_policy
from gridpolicing.assessment.models import Scheme
from gridpolicing.assessment.ranking import finish_scheme, grade_of, roll_up
from gridpolicing.assessment.result import RollupScore
from tests.assessment.test_grades import MONTHS, QUARTER, _copy, month_row
from tests.assessment.test_groups import doc_block, doc_table
from tests.assessment.test_schemes import scheme


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def _year(tmp: Path, policy: Policy, rows: list[list[str]]) -> dict[str, RollupScore]:
    """The documented auxiliaries: hired (or not), late in March, absent in June, in 2021."""
    people, assignments, incidents = [], [], []
    for pid, hired, late, absent, *_ in rows:
        people.append({"id": pid, **({"hire_date": hired} if hired else {})})
        assignments.append(
            {
                "id": f"a-{pid}",
                "person": pid,
                "unit": "c1",
                "role": "auxiliary",
                "start": hired or "2020-01-01",
            }
        )
        for kind, n, day in (
            ("late_arrival", late, "2021-03"),
            ("absent_without_leave", absent, "2021-06"),
        ):
            incidents += [
                {"id": f"{pid}-{kind}-{i}", "person": pid, "kind": kind, "date": f"{day}-{i + 10}"}
                for i in range(int(n))
            ]
    tables = {
        "units": [{"id": "c1", "type": "locality", "category": "urban_community"}],
        "people": people,
        "assignments": assignments,
        "incidents": incidents,
    }
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary)
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(policy, data, "2021")
    return {r.subject_id: r for r in report.assessment.rollups}


def test_the_documented_year_gives_the_documented_grades(tmp_path: Path) -> None:
    policy = _policy(tmp_path, doc_block("carryover-example"))
    rows = doc_table("person | hired")
    found = _year(tmp_path, policy, rows)
    for pid, _, _, _, score, grade, consequence in rows:
        r = found[pid]
        assert r.score == pytest.approx(float(score)), pid
        assert r.grade == grade, pid
        assert r.consequences == ((consequence,) if consequence else ()), pid


def _amended(**rollup: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc_block("carryover-example"))
    doc["assessment"]["schemes"][0]["rollup"].update(rollup)
    return doc


def test_service_from_the_first_assignment_counts_whole_months(tmp_path: Path) -> None:
    # The assignment starting 2 January is 11 months and 30 days by 31 December: not a year.
    # (Counted by month boundaries crossed, it was 12 and the top grade was given.)
    policy = _policy(tmp_path, _amended(service_from="first_assignment"))
    rows = [
        ["full", "2021-01-01", "0", "0"],
        ["short", "2021-01-02", "0", "0"],
        ["unknown", "", "0", "0"],  # assigned from 2020-01-01: a year and more
    ]
    found = _year(tmp_path, policy, rows)
    assert (found["full"].grade, found["full"].consequences) == ("excellent", ())
    assert (found["short"].grade, found["short"].consequences) == (
        "competent",
        ("top_grade_withheld_short_tenure",),
    )
    assert found["unknown"].grade == "excellent"


def test_by_default_only_a_withheld_month_bars_the_year(tmp_path: Path) -> None:
    doc = _amended()
    del doc["assessment"]["schemes"][0]["rollup"]["top_grade_barred_by"]
    policy = _policy(tmp_path, doc)
    rows = [["late", "2020-01-01", "2", "0"], ["absent", "2020-01-01", "0", "1"]]
    found = _year(tmp_path, policy, rows)
    assert found["late"].grade == "competent"  # its March's top grade was withheld
    assert found["absent"].grade == "excellent"  # a vetoed month alone bars nothing here
    policy = _policy(tmp_path, _amended(top_grade_barred_by=[]))
    assert _year(tmp_path, policy, rows)["late"].grade == "excellent"


SCH = Scheme.model_validate(
    scheme(
        grades={"bands": {"top": 90, "next": 50}, "default": "rest"},
        rollup={
            "period": "quarter",
            "top_grade_barred_by": ["withhold_top_grade", "vetoed"],
            "grades": {
                "quotas": [{"grade": "top", "quota": 0.5}, {"grade": "next", "quota": 0.5}],
                "default": "rest",
            },
        },
    )
)


@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 10), min_size=3, max_size=3),
            st.lists(
                st.sampled_from(["scored", "scored", "vetoed", "unqualified"]),
                min_size=3,
                max_size=3,
            ),
            st.lists(st.booleans(), min_size=3, max_size=3),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_barred_period_never_gives_the_top_grade_and_falls_to_the_next(
    cohort: list[tuple[list[int], list[str], list[bool]]],
) -> None:
    rows = [
        _copy(month_row(f"p{i}", float(t * 10), month, status), f"p{i}", withheld)
        for i, (totals, statuses, flags) in enumerate(cohort)
        for t, month, status, withheld in zip(totals, MONTHS, statuses, flags, strict=True)
    ]
    assert SCH.rollup is not None
    results = finish_scheme(SCH, rows)
    barred = {r.subject_id for r in rows if r.top_grade_withheld or r.status == "vetoed"}
    for r in roll_up(SCH, SCH.rollup, results, QUARTER, {}):
        if r.subject_id in barred:
            assert r.grade != "top"
            # the grade it would have without the top grade, so "next" within its places
            expected = grade_of(SCH.rollup.grades, r.score, r.rank, r.ranked_among, True, "top")
            assert r.grade == expected
        for s in results:
            if s.subject_id == r.subject_id and s.top_grade_withheld and s.status == "scored":
                assert s.grade != "top"
                assert s.grade == ("next" if s.total >= 50 else "rest")


def test_the_withheld_period_grade_falls_to_the_next_band() -> None:
    rows = [_copy(month_row("p", 95.0, MONTHS[0], "scored"), "p", True)]
    (only,) = finish_scheme(SCH, rows)
    assert only.grade == "next"
    assert dt.date(2022, 1, 1) == only.bucket_start
