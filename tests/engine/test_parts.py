"""Evaluating partitions apart and combining their parts gives the report of the whole.

This is what gridpolicing.spark does inside Spark tasks; here without Spark, so the combining
step (engine/parts.py) is checked by every ``make test`` run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.engine.evaluate import evaluate_part
from gridpolicing.engine.parts import combine, merge_spans, merge_totals
from gridpolicing.engine.periods import parse_range
from gridpolicing.errors import GridPolicingError
from gridpolicing.io.dataset import DatasetSummary
from gridpolicing.report.period_guard import TableSpan
from gridpolicing.synth import generate_partitioned

POLICY = "xinxiang-gaoxin-2016"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("province")
    generate_partitioned("xinxiang-2016", out, bureaus=3, scale=0.3, activities=5_000)
    return out


def test_parts_of_three_bureaus_combine_into_the_report_of_the_whole(province: Path) -> None:
    policy = load_policy(POLICY)
    rng = parse_range("2017")
    parts = []
    for bureau in ("B0001", "B0002", "B0003"):
        data = load_dataset(province / f"bureau={bureau}", vocabulary=policy.vocabulary)
        parts.append(evaluate_part(policy, data, rng))
    summary = DatasetSummary.of(
        str(province), [p.counts for p in parts], [r for p in parts for r in p.rejected]
    )
    combined = combine(policy, parts, rng, dataset=summary, evidence="failing")
    whole = evaluate(policy, load_dataset(province, vocabulary=policy.vocabulary), rng)
    assert combined.to_json() == whole.to_json()
    # the names and places of the subjects too, so the reports for people are the same page
    assert combined.subjects == whole.subjects
    assert combined.to_html() == whole.to_html()
    # Ranked across the bureaus: more stations than one bureau has.
    one = max(
        s.ranked_among or 0
        for s in combine(
            policy, parts[:1], rng, dataset=summary, evidence="failing"
        ).assessment.scores
    )
    assert max(s.ranked_among or 0 for s in combined.assessment.scores) > one


def test_parts_judging_different_buckets_are_refused(province: Path) -> None:
    """A part that judged a bucket another could not (its own first day was earlier) would
    make a report of no single dataset; combine refuses, the caller evaluates again."""
    policy = load_policy(POLICY)
    rng = parse_range("2017")
    data = load_dataset(province / "bureau=B0001", vocabulary=policy.vocabulary)
    own = evaluate_part(policy, data, rng)
    earlier = evaluate_part(policy, data, rng, data_from=(dt.date(2016, 12, 1),))
    assert own.unevaluated != earlier.unevaluated
    summary = DatasetSummary.of(str(province), [own.counts], [])
    with pytest.raises(GridPolicingError, match="disagree"):
        combine(policy, [own, earlier], rng, dataset=summary, evidence="failing")


_day = st.dates(dt.date(2020, 1, 1), dt.date(2020, 12, 31))


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.none() | _day, st.none() | _day, st.integers(0, 5)),
        min_size=1,
        max_size=5,
    )
)
def test_spans_merge_as_the_union(
    rows: list[tuple[int, dt.date | None, dt.date | None, int]],
) -> None:
    spans = [(TableSpan("activities", n, f, last, o, n // 2),) for n, f, last, o in rows]
    [merged] = merge_spans(spans)
    assert merged.rows == sum(r[0] for r in rows)
    firsts = [r[1] for r in rows if r[1] is not None]
    assert merged.first == (min(firsts) if firsts else None)
    lasts = [r[2] for r in rows if r[2] is not None]
    assert merged.last == (max(lasts) if lasts else None)
    assert merged.open_ended == sum(r[3] for r in rows)


def test_totals_merge_by_kind_with_no_subkind_first() -> None:
    def row(kind: str, sub: str | None, n: int) -> dict[str, object]:
        return {
            "kind": kind,
            "subkind": sub,
            "records": n,
            "households_visited": n,
            "services_done": 0,
            "quantity": 0,
            "hazards_found": 0,
            "hazards_rectified": 0,
        }

    a = {
        "activities": [row("visit", None, 1), row("visit", "b", 2)],
        "meetings": [{"kind": "weekly", "meetings": 1}],
    }
    b = {
        "activities": [row("patrol", None, 3), row("visit", "a", 4), row("visit", None, 5)],
        "meetings": [{"kind": "monthly", "meetings": 2}, {"kind": "weekly", "meetings": 3}],
    }
    merged = merge_totals([a, b])
    assert [(r["kind"], r["subkind"], r["records"]) for r in merged["activities"]] == [
        ("patrol", None, 3),
        ("visit", None, 6),
        ("visit", "a", 4),
        ("visit", "b", 2),
    ]
    assert merged["meetings"] == [
        {"kind": "monthly", "meetings": 2},
        {"kind": "weekly", "meetings": 4},
    ]
