"""Properties of scoring and ranking (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import evaluate
from gridpolicing.assessment.models import Item, Scheme
from gridpolicing.assessment.ranking import finish_scheme
from gridpolicing.assessment.result import SubjectScore
from gridpolicing.assessment.scoring import Scored, clamp, item_points
from gridpolicing.policy.values import Text
from tests.assessment.test_schemes import HOURS_RULE, people_tables, scheme
from tests.helpers import make_dataset, make_policy

bounds = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
raws = st.floats(-1e6, 1e6, allow_nan=False)


@given(bounds, bounds, raws)
def test_item_points_stay_within_the_item_bounds(
    max_points: float | None, max_deduction: float | None, raw: float
) -> None:
    item = Item(
        id="i",
        title=Text(zh="i", en="i"),
        max_points=max_points,
        max_deduction=max_deduction,
        from_rule={"rule": "r", "per_pass": 1},
    )
    points = item_points(item, raw)
    if max_points is not None:
        assert points <= max_points
    if max_deduction is not None:
        assert points >= -max_deduction


@given(raws, st.floats(-100, 100, allow_nan=False), st.floats(0, 100, allow_nan=False))
def test_totals_stay_within_floor_and_cap(value: float, floor: float, width: float) -> None:
    assert floor <= clamp(value, floor, floor + width) <= floor + width


@given(raws, raws, bounds, bounds)
def test_item_points_are_monotone(
    a: float, b: float, max_points: float | None, max_deduction: float | None
) -> None:
    item = Item(
        id="i",
        title=Text(zh="i", en="i"),
        max_points=max_points,
        max_deduction=max_deduction,
        from_rule={"rule": "r", "per_pass": 1},
    )
    lo, hi = sorted((a, b))
    assert item_points(item, lo) <= item_points(item, hi)


SCHEME = Scheme.model_validate(scheme(ranking={"scope": "station", "by_role": True}))


@st.composite
def scored_lists(draw: st.DrawFn) -> list[Scored]:
    n = draw(st.integers(1, 12))
    out = []
    for i in range(n):
        status = draw(st.sampled_from(["scored", "scored", "scored", "vetoed", "unqualified"]))
        out.append(
            Scored(
                "person",
                f"p{i:02d}",
                draw(st.sampled_from(["2022-03", "2022-04"])),
                dt.date(2022, 3, 1),
                dt.date(2022, 3, 31),
                draw(st.sampled_from(["community_officer", "auxiliary"])),
                draw(st.sampled_from(["s1", "s2"])),
                float(draw(st.integers(0, 5)) * 10),
                status,
                draw(st.integers(0, 3)),
                (),
                ("rule:x",) if status != "scored" else (),
            )
        )
    return out


@given(scored_lists(), st.randoms(use_true_random=False))
def test_ranking_is_independent_of_input_order(rows: list[Scored], rnd: random.Random) -> None:
    first = {(s.subject_id, s.bucket): (s.rank, s.grade) for s in finish_scheme(SCHEME, rows)}
    shuffled = rnd.sample(rows, len(rows))
    again = {(s.subject_id, s.bucket): (s.rank, s.grade) for s in finish_scheme(SCHEME, shuffled)}
    assert first == again


@given(scored_lists())
def test_ranks_are_competition_ranks(rows: list[Scored]) -> None:
    # rank = 1 + the number ranked strictly before; equals share a rank (1, 1, 3)
    # (a veto of either kind ranks after everyone without one; the kind does not order them)
    results = finish_scheme(SCHEME, rows)

    def key(p: SubjectScore) -> tuple[bool, float]:
        return (p.status != "scored", -p.total)

    for s in results:
        peers = [p for p in results if p.group == s.group]
        before = [p for p in peers if key(p) < key(s)]
        equal = [p for p in peers if key(p) == key(s)]
        assert s.rank == len(before) + 1
        assert s.rank_shared_by == len(equal)
        assert s.ranked_among == len(peers)


@given(scored_lists())
def test_vetoed_subjects_are_graded_vetoed_and_rank_last(rows: list[Scored]) -> None:
    results = finish_scheme(SCHEME, rows)
    for s in results:
        if s.status != "scored":
            assert s.grade == s.status
            peers = [p for p in results if p.group == s.group and p.status == "scored"]
            assert all((p.rank or 0) < (s.rank or 0) for p in peers)


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 12), min_size=3, max_size=3), min_size=2, max_size=4),
    st.data(),
)
def test_more_compliance_never_lowers_score_or_rank(
    hours: list[list[int]], data: st.DataObject
) -> None:
    who = data.draw(st.integers(0, len(hours) - 1))
    week = data.draw(st.integers(0, 2))
    better = [list(h) for h in hours]
    better[who][week] = 12  # meets the 10-hour week
    sch = scheme(ranking={"scope": "all", "by_role": True})
    before = _assess(sch, hours)
    after = _assess(sch, better)
    pid = f"p{who}"
    assert after[pid].total >= before[pid].total
    assert (after[pid].rank or 0) <= (before[pid].rank or 0)


def _assess(sch: dict[str, Any], hours: list[list[int]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        policy = make_policy(Path(tmp), [HOURS_RULE], assessment={"schemes": [sch]})
        tables = people_tables({f"p{i}": [float(h) for h in hs] for i, hs in enumerate(hours)})
        report = evaluate(policy, make_dataset(Path(tmp), tables), "2022-03")
        return {s.subject_id: s for s in report.assessment.scores}
