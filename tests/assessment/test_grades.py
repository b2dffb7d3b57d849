"""Grades in a scheme's own terms: names, quotas per grade, a withheld top grade, overrides."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import PolicyError
from gridpolicing.assessment.models import Grades, Scheme
from gridpolicing.assessment.ranking import finish_scheme, quota_places, roll_up
from gridpolicing.assessment.scoring import Scored
from tests.assessment.test_groups import doc_block, doc_table, officers, run_doc
from tests.assessment.test_schemes import HOURS_RULE, scheme
from tests.helpers import make_policy

MONTHS = [("2022-01", 1, 31), ("2022-02", 2, 28), ("2022-03", 3, 31)]
QUARTER = [("2022-Q1", dt.date(2022, 1, 1), dt.date(2022, 3, 31))]


def doc_scheme() -> Scheme:
    return Scheme.model_validate(doc_block("grades-example")["assessment"]["schemes"][0])


def test_the_worked_example_gives_the_table_printed_there(tmp_path: Path) -> None:
    rows = doc_table("officer | households | weeks short")
    short = {r[0]: int(r[2]) for r in rows}
    households = {r[0]: int(r[1]) for r in rows}
    result = run_doc(tmp_path, doc_block("grades-example"), officers(short, households))
    for name, _, _, total, rank, grade, grade_name in rows:
        s = result[name]
        assert s.grade_name is not None, name
        got = (s.total, s.rank, s.grade, s.grade_name.zh)
        assert got == (float(total), int(rank), grade, grade_name), name
    assert result["wang"].vetoes == ("rule:weekly-hours",)
    assert result["wang"].status == "scored"
    assert result["li"].to_dict()["grade_name"] == {"zh": "优秀", "en": "Excellent"}


def test_without_the_withheld_top_grade_the_first_is_excellent(tmp_path: Path) -> None:
    rows = doc_table("officer | households | weeks short")
    short = {r[0]: 0 if r[0] == "wang" else int(r[2]) for r in rows}
    households = {r[0]: int(r[1]) for r in rows}
    result = run_doc(tmp_path, doc_block("grades-example"), officers(short, households))
    assert (result["wang"].grade, result["li"].grade) == ("excellent", "excellent")


def month_row(sid: str, total: float, month: tuple[str, int, int], status: str) -> Scored:
    key, m, last = month
    return Scored(
        "person",
        sid,
        key,
        dt.date(2022, m, 1),
        dt.date(2022, m, last),
        "community_officer",
        "all",
        total,
        status,
        0,
        (),
        ("rule:monthly-hours",) if status != "scored" else (),
    )


def test_the_worked_examples_override_two_failed_months_are_incompetent() -> None:
    sch = doc_scheme()
    assert sch.rollup is not None
    statuses = {
        "wang": ["unqualified", "unqualified", "scored"],  # mean 90, but two failed months
        "li": ["unqualified", "scored", "scored"],
        "zhang": ["scored"] * 3,
    }
    rows = [
        month_row(sid, {"wang": 90, "li": 80, "zhang": 10}[sid], m, st_)
        for sid, sts in statuses.items()
        for m, st_ in zip(MONTHS, sts, strict=True)
    ]
    results = finish_scheme(sch, rows)
    year = {r.subject_id: r for r in roll_up(sch, sch.rollup, results, QUARTER, {})}
    assert year["wang"].grade == "incompetent"
    assert year["wang"].grade_name is not None
    assert year["wang"].grade_name.zh == "不称职"
    # wang's first place keeps the one 优秀 place of three: it is not handed down
    assert (year["li"].rank, year["li"].grade, year["zhang"].grade) == (2, "competent", "competent")


def test_per_grade_quotas_follow_each_other_and_shares_accumulate() -> None:
    per_grade = Grades.model_validate(
        {"quotas": [{"grade": "a", "quota": 0.2}, {"grade": "b", "quota": 0.4}]}
    )
    cumulative = Grades.model_validate(
        {"quotas": [{"grade": "a", "share": 0.2}, {"grade": "b", "share": 0.4}]}
    )
    assert quota_places(per_grade, 10) == [2, 6]
    assert quota_places(cumulative, 10) == [2, 4]
    assert quota_places(per_grade, 7) == [2, 5]


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        (
            {"quotas": [{"grade": "a", "quota": 0.2}, {"grade": "b", "share": 0.4}]},
            "quotas are either all cumulative (share) or all per grade (quota)",
        ),
        (
            {"quotas": [{"grade": "a", "quota": 0.6}, {"grade": "b", "quota": 0.6}]},
            "per-grade quotas add up to more than the whole group",
        ),
        (
            {"quotas": [{"grade": "a", "share": 0.2, "quota": 0.2}]},
            "expected exactly one of share, quota",
        ),
        (
            {"bands": {"good": 80}, "names": {"great": {"zh": "优", "en": "great"}}},
            "grades.names of unknown grades: great",
        ),
    ],
)
def test_grades_that_cannot_be_meant_are_errors(
    tmp_path: Path, grades: dict[str, Any], message: str
) -> None:
    sch = scheme(grades=grades)
    with pytest.raises(PolicyError) as exc:
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    assert message in str(exc.value)


def test_short_tenure_falls_to_the_next_quota_grade_not_the_default() -> None:
    sch = Scheme.model_validate(
        scheme(
            rollup={
                "period": "quarter",
                "min_months_for_top_grade": 12,
                "grades": {
                    "quotas": [{"grade": "top", "quota": 0.5}, {"grade": "next", "quota": 0.5}],
                    "default": "rest",
                },
            }
        )
    )
    assert sch.rollup is not None
    rows = [month_row(sid, t, MONTHS[2], "scored") for sid, t in (("a", 90), ("b", 10))]
    results = finish_scheme(sch, rows)
    months = {("a", "2022-Q1"): 3, ("b", "2022-Q1"): 24}
    year = {r.subject_id: r for r in roll_up(sch, sch.rollup, results, QUARTER, months)}
    assert (year["a"].grade, year["a"].consequences) == (
        "next",
        ("top_grade_withheld_short_tenure",),
    )
    assert year["b"].grade == "next"


# Property: renaming ids changes no rank, grade or consequence ---------------------------------

SCH = Scheme.model_validate(
    scheme(
        ranking={"scope": "all", "by_role": True},
        grades={
            "quotas": [{"grade": "top", "quota": 0.2}, {"grade": "mid", "quota": 0.4}],
            "default": "rest",
        },
        rollup={
            "period": "quarter",
            "reward_top": 2,
            "grades": {
                "quotas": [{"grade": "top", "quota": 0.3}, {"grade": "mid", "quota": 0.3}],
                "default": "rest",
            },
            "overrides": [{"failed_periods": 2, "grade": "bottom"}],
        },
    )
)


@st.composite
def cohorts(draw: st.DrawFn) -> list[Scored]:
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        for month in MONTHS:
            status = draw(st.sampled_from(["scored", "scored", "unqualified"]))
            row = month_row(f"p{i}", float(draw(st.integers(0, 4)) * 10), month, status)
            withheld = draw(st.booleans())
            rows.append(_copy(row, row.subject_id, withheld))
    return rows


def _copy(row: Scored, sid: str, withheld: bool) -> Scored:
    return Scored(
        row.subject_type,
        sid,
        row.bucket,
        row.bstart,
        row.bend,
        row.role,
        row.scope,
        row.total,
        row.status,
        row.failed_findings,
        row.items,
        row.vetoes,
        dict(row.measures),
        withheld,
    )


def outcomes(rows: list[Scored], back: dict[str, str]) -> tuple[Counter[Any], Counter[Any]]:
    assert SCH.rollup is not None
    results = finish_scheme(SCH, rows)
    periods = Counter((back[s.subject_id], s.bucket, s.rank, s.grade) for s in results)
    quarter = Counter(
        (back[r.subject_id], r.rank, r.grade, r.consequences)
        for r in roll_up(SCH, SCH.rollup, results, QUARTER, {})
    )
    return periods, quarter


@given(cohorts(), st.randoms(use_true_random=False))
def test_renaming_ids_changes_no_rank_grade_or_consequence(
    rows: list[Scored], rnd: random.Random
) -> None:
    ids = sorted({r.subject_id for r in rows})
    targets = [f"z{k}" for k in rnd.sample(range(len(ids)), len(ids))]
    rename = dict(zip(ids, targets, strict=True))
    renamed = [_copy(r, rename[r.subject_id], r.top_grade_withheld) for r in rows]
    back = {v: k for k, v in rename.items()}
    assert outcomes(rows, {i: i for i in ids}) == outcomes(renamed, back)


@given(cohorts())
def test_a_withheld_subject_never_gets_the_top_grade_and_tied_subjects_share_a_grade(
    rows: list[Scored],
) -> None:
    results = finish_scheme(SCH, rows)
    withheld = {(r.subject_id, r.bucket) for r in rows if r.top_grade_withheld}
    for s in results:
        if (s.subject_id, s.bucket) in withheld:
            assert s.grade != "top"
        ties = [
            p
            for p in results
            if p.group == s.group
            and p.rank == s.rank
            and (p.subject_id, p.bucket) not in withheld
            and p.status == "scored"
        ]
        if (s.subject_id, s.bucket) not in withheld and s.status == "scored":
            assert {p.grade for p in ties} == {s.grade}
