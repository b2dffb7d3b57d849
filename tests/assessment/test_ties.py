"""Ties are ties: shared ranks, declared tie-breakers, tied cut-offs, and no id ever decides."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import PolicyError, evaluate
from gridpolicing.assessment.models import Rollup, Scheme, TieBreaker
from gridpolicing.assessment.ranking import finish_scheme, roll_up
from gridpolicing.assessment.result import RollupScore, SubjectScore
from gridpolicing.assessment.scoring import Scored
from tests.assessment.test_schemes import HOURS_RULE, people_tables, run, scheme
from tests.helpers import make_dataset, make_policy

MARCH = ("2022-03", dt.date(2022, 3, 1), dt.date(2022, 3, 31))
APRIL = ("2022-04", dt.date(2022, 4, 1), dt.date(2022, 4, 30))
YEAR = [("2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31))]


def scored(
    sid: str,
    total: float,
    *,
    month: tuple[str, dt.date, dt.date] = MARCH,
    status: str = "scored",
    measures: dict[str, float] | None = None,
    role: str = "community_officer",
) -> Scored:
    return Scored(
        "person",
        sid,
        month[0],
        month[1],
        month[2],
        role,
        "all",
        total,
        status,
        int((measures or {}).get("fewer_failed_findings", 0)),
        (),
        ("rule:x",) if status != "scored" else (),
        dict(measures or {}),
    )


def pure_scheme(tie_breakers: list[str] | None = None, **over: Any) -> Scheme:
    ranking = {"scope": "all", "by_role": True, "tie_breakers": tie_breakers or []}
    return Scheme.model_validate(scheme(ranking=ranking, **over))


def rolled(sch: Scheme, rows: list[Scored], **rollup: Any) -> dict[str, RollupScore]:
    """The year's roll-up of ``rows`` with the given roll-up fields."""
    spec = Rollup.model_validate({"period": "year", **rollup})
    return {r.subject_id: r for r in roll_up(sch, spec, finish_scheme(sch, rows), YEAR, {})}


# -- the case: four officers at the 60-point cap ------------------------------------


def test_four_officers_at_the_cap_share_rank_and_consequence() -> None:
    # All four score the 60-point cap every month. Ranked by id, p4 came last and lost award
    # eligibility with an admonishment talk although he logged three times the visits.
    households = {"p1": 60.0, "p2": 60.0, "p3": 60.0, "p4": 180.0}
    rows = [
        scored(p, 60, month=m, measures={"more_households_visited": h})
        for p, h in households.items()
        for m in (MARCH, APRIL)
    ]
    year = rolled(pure_scheme(), rows, reward_top=2, sanction_bottom=1)
    assert {p: (r.rank, r.rank_shared_by) for p, r in year.items()} == dict.fromkeys(
        households, (1, 4)
    )
    assert {r.consequences for r in year.values()} == {("reward",)}
    assert {r.tied_cutoffs for r in year.values()} == {("reward_top", "sanction_bottom")}


def test_a_declared_tie_breaker_orders_the_officers_at_the_cap() -> None:
    households = {"p1": 60.0, "p2": 60.0, "p3": 60.0, "p4": 180.0}
    rows = [scored(p, 60, measures={"more_households_visited": h}) for p, h in households.items()]
    sch = pure_scheme(["more_households_visited"])
    ranks = {s.subject_id: (s.rank, s.rank_shared_by) for s in finish_scheme(sch, rows)}
    assert ranks == {"p4": (1, 1), "p1": (2, 3), "p2": (2, 3), "p3": (2, 3)}
    year = rolled(sch, rows, reward_top=1, sanction_bottom=1)
    assert year["p4"].consequences == ("reward",)
    assert year["p4"].tie_breakers == (("more_households_visited", 180.0),)
    # p1-p3 share places 2-4: the bottom place is inside their shared rank, so none of them
    # is sanctioned, and the report says the sanction cut-off was tied
    for p in ("p1", "p2", "p3"):
        assert year[p].consequences == ()
        assert year[p].tied_cutoffs == ("sanction_bottom",)


# -- cut-offs --------------------------------------------------------------------------------


def test_a_tie_below_the_sanction_line_is_sanctioned_together() -> None:
    rows = [scored("a", 90), scored("b", 80), scored("c", 70), scored("d", 10), scored("e", 10)]
    year = rolled(pure_scheme(), rows, sanction_bottom=2)
    assert [year[p].consequences for p in "abc"] == [(), (), ()]
    sanction = ("loses_award_eligibility", "admonishment_talk")
    assert (year["d"].consequences, year["e"].consequences) == (sanction, sanction)
    assert (year["d"].rank, year["e"].rank) == (4, 4)
    assert all(r.tied_cutoffs == () for r in year.values())  # the line is not inside a tie


def test_a_tie_across_the_reward_line_rewards_everyone_tied() -> None:
    rows = [scored("a", 90), scored("b", 80), scored("c", 80), scored("d", 10)]
    year = rolled(pure_scheme(), rows, reward_top=2)
    assert [("reward" in year[p].consequences) for p in "abcd"] == [True, True, True, False]
    assert [year[p].tied_cutoffs for p in "abcd"] == [(), ("reward_top",), ("reward_top",), ()]


def test_a_tie_across_a_rank_quota_gives_everyone_tied_the_grade() -> None:
    grades = {"quotas": [{"grade": "excellent", "share": 0.25}], "bands": {"good": 50}}
    rows = [scored("a", 90), scored("b", 90), scored("c", 60), scored("d", 10)]
    results = {s.subject_id: s for s in finish_scheme(pure_scheme(grades=grades), rows)}
    assert [results[p].grade for p in "abcd"] == ["excellent", "excellent", "good", "ungraded"]
    assert results["a"].tied_cutoffs == results["b"].tied_cutoffs == ("quota:excellent",)
    assert results["c"].tied_cutoffs == ()


def test_vetoed_subjects_share_the_last_rank_whatever_their_totals_order() -> None:
    rows = [scored("a", 50), scored("b", 90, status="vetoed"), scored("c", 90, status="vetoed")]
    results = {s.subject_id: s for s in finish_scheme(pure_scheme(), rows)}
    assert [(results[p].rank, results[p].rank_shared_by) for p in "abc"] == [
        (1, 1),
        (2, 2),
        (2, 2),
    ]


# -- declared tie-breakers, end to end ---------------------------------------------------------


def test_equal_totals_share_a_rank(tmp_path: Path) -> None:
    # p1 and p2 tie on total although p1 failed a week: no tie-breaker is declared
    hours = {"p1": [10, 10, 1], "p2": [10, 10, 10], "p3": [1, 1, 1], "p4": [1, 1, 1]}
    result = run(tmp_path, scheme(items=[_pass_only_item()]), people_tables(hours))
    assert result["p1"].total == result["p2"].total == 70
    ranks = {pid: (s.rank, s.rank_shared_by) for pid, s in result.items()}
    assert ranks == {"p1": (1, 2), "p2": (1, 2), "p3": (3, 2), "p4": (3, 2)}
    assert all(s.ranked_among == 4 for s in result.values())


def test_declared_tie_breakers_apply_in_order(tmp_path: Path) -> None:
    hours = {"p1": [10, 10, 1], "p2": [10, 10, 10], "p3": [1, 1, 1], "p4": [1, 1, 2]}
    ranking = {"tie_breakers": ["fewer_failed_findings", "more_activity_hours"]}
    sch = scheme(items=[_pass_only_item()], ranking=ranking)
    result = run(tmp_path, sch, people_tables(hours))
    ranks = {pid: s.rank for pid, s in result.items()}
    # p2 failed no week; p3 and p4 failed three each, and p4 logged one hour more
    assert ranks == {"p2": 1, "p1": 2, "p4": 3, "p3": 4}
    assert dict(result["p4"].tie_breakers) == {
        "fewer_failed_findings": 3,
        "more_activity_hours": 4,
    }


def test_a_tie_breaker_listed_twice_is_a_policy_error(tmp_path: Path) -> None:
    ranking = {"tie_breakers": ["more_activities", "more_activities"]}
    with pytest.raises(PolicyError, match="a tie-breaker is listed twice"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [scheme(ranking=ranking)]})


def test_an_id_is_not_a_tie_breaker(tmp_path: Path) -> None:
    ranking = {"tie_breakers": ["subject_id"]}
    with pytest.raises(PolicyError, match="fewer_failed_findings"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [scheme(ranking=ranking)]})


def _pass_only_item() -> dict[str, Any]:
    return {
        "id": "hours",
        "title": {"zh": "时间", "en": "hours"},
        "from_rule": {"rule": "hours", "per_pass": 5},
        "max_points": 10,
    }


# -- renaming every id changes no rank, grade or consequence -----------------------------------

TIE_BREAKERS = [t.value for t in TieBreaker]


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[list[str], list[Scored]]:
    """Up to 10 officers over two months, with few distinct totals (many ties)."""
    tie_breakers = draw(st.lists(st.sampled_from(TIE_BREAKERS), unique=True, max_size=2))
    n = draw(st.integers(1, 10))
    rows = []
    for i in range(n):
        role = draw(st.sampled_from(["community_officer", "auxiliary"]))
        for month in (MARCH, APRIL):
            status = draw(st.sampled_from(["scored", "scored", "scored", "vetoed"]))
            measures = {t: float(draw(st.integers(0, 2))) for t in tie_breakers}
            rows.append(
                scored(
                    f"p{i}",
                    float(draw(st.integers(0, 3)) * 20),
                    month=month,
                    status=status,
                    measures=measures,
                    role=role,
                )
            )
    return tie_breakers, rows


def outcomes(
    sch: Scheme, rows: list[Scored], back: dict[str, str]
) -> tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]:
    """The multisets of period and roll-up outcomes, subjects mapped back to the first ids."""
    results = finish_scheme(sch, rows)
    periods = Counter(
        (back[s.subject_id], s.bucket, s.rank, s.rank_shared_by, s.grade, s.tied_cutoffs)
        for s in results
    )
    assert sch.rollup is not None
    years = Counter(
        (back[r.subject_id], r.rank, r.rank_shared_by, r.grade, r.consequences, r.tied_cutoffs)
        for r in roll_up(sch, sch.rollup, results, YEAR, {})
    )
    return periods, years


@given(cohorts(), st.randoms(use_true_random=False), st.sampled_from(["", "zz-", "0"]))
def test_renaming_every_id_changes_no_rank_grade_or_consequence(
    cohort: tuple[list[str], list[Scored]], rnd: random.Random, prefix: str
) -> None:
    tie_breakers, rows = cohort
    sch = pure_scheme(
        tie_breakers,
        grades={"quotas": [{"grade": "excellent", "share": 0.3}], "bands": {"good": 40}},
        rollup={
            "period": "year",
            "reward_top": rnd.randint(1, 3),
            "sanction_bottom": rnd.randint(1, 3),
            "grades": {"quotas": [{"grade": "top", "share": 0.2}], "default": "other"},
        },
    )
    ids = sorted({r.subject_id for r in rows})
    # a random bijection onto ids that sort in another order
    targets = [f"{prefix}{k}" for k in rnd.sample(range(len(ids)), len(ids))]
    rename = dict(zip(ids, targets, strict=True))
    renamed = [_with_id(r, rename[r.subject_id]) for r in rows]
    identity = {i: i for i in ids}
    back = {v: k for k, v in rename.items()}
    assert outcomes(sch, rows, identity) == outcomes(sch, renamed, back)


def _with_id(row: Scored, sid: str) -> Scored:
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
    )


@settings(max_examples=8, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([1, 10]), min_size=3, max_size=3), min_size=2, max_size=5),
    st.randoms(use_true_random=False),
)
def test_renaming_people_in_the_dataset_changes_no_outcome(
    hours: list[list[int]], rnd: random.Random
) -> None:
    # the whole path: findings, scores, ranks, grades and the quarter's consequences
    sch = scheme(
        items=[_pass_only_item()],
        grades={"quotas": [{"grade": "excellent", "share": 0.25}], "bands": {"pass": 60}},
        rollup={"period": "quarter", "reward_top": 1, "sanction_bottom": 1},
    )
    ids = [f"p{i}" for i in range(len(hours))]
    targets = [f"x{k}" for k in rnd.sample(range(len(ids)), len(ids))]
    rename = dict(zip(ids, targets, strict=True))
    first = _assess_named(sch, dict(zip(ids, hours, strict=True)), {i: i for i in ids})
    again = _assess_named(
        sch,
        {rename[i]: h for i, h in zip(ids, hours, strict=True)},
        {v: k for k, v in rename.items()},
    )
    assert first == again


def _assess_named(
    sch: dict[str, Any], hours: dict[str, list[int]], back: dict[str, str]
) -> tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]:
    with tempfile.TemporaryDirectory() as tmp:
        policy = make_policy(Path(tmp), [HOURS_RULE], assessment={"schemes": [sch]})
        tables = people_tables({p: [float(h) for h in hs] for p, hs in hours.items()})
        report = evaluate(policy, make_dataset(Path(tmp), tables), "2022-Q1")
    scores: list[SubjectScore] = list(report.assessment.scores)
    periods = Counter(
        (back[s.subject_id], s.bucket, s.total, s.rank, s.grade, s.tied_cutoffs) for s in scores
    )
    years = Counter(
        (back[r.subject_id], r.score, r.rank, r.grade, r.consequences, r.tied_cutoffs)
        for r in report.assessment.rollups
    )
    return periods, years
