"""The time semantics every rule kind shares: bucket membership, day splits, merged overlaps,
effective dates. Each test here failed on the engine before issue 9."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing import evaluate
from tests.helpers import make_dataset, make_policy, run_rule, statuses

OFFICER = {
    "units": [{"id": "v1", "type": "locality", "category": "village", "area": "rural"}],
    "people": [{"id": "p1"}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "v1",
            "role": "village_contact_officer",
            "start": "2015-01-01",
        }
    ],
}
SUBJECT = {"people": {"roles": ["village_contact_officer"]}}
WEEKLY_SCREENING = {
    "kind": "cadence",
    "subject": SUBJECT,
    "period": "week",
    "count": {"activities": ["dispute_screening"]},
    "min_count": 1,
}
WEEKLY_HOURS = {"kind": "time_commitment", "subject": SUBJECT, "period": "week", "min_hours": 4}


def act(i: int, start: str, end: str, kind: str = "dispute_screening") -> dict[str, Any]:
    return {"id": f"x{i}", "person": "p1", "unit": "v1", "kind": kind, "start": start, "end": end}


def screenings_every_week_but(skip: set[str]) -> list[dict[str, Any]]:
    """One screening each Wednesday of 2022 except in the ISO weeks named in ``skip``."""
    out, d = [], dt.date(2022, 1, 5)
    while d.year == 2022:
        y, w, _ = d.isocalendar()
        if f"{y}-W{w:02d}" not in skip:
            out.append(act(len(out), f"{d} 09:00:00", f"{d} 10:00:00"))
        d += dt.timedelta(days=7)
    return out


def test_the_boundary_week_is_judged_in_exactly_one_month(tmp_path: Path) -> None:
    # 2022-W13 runs from Monday 28 March to Sunday 3 April; the officer does nothing in it.
    tables = {**OFFICER, "activities": screenings_every_week_but({"2022-W13"})}
    policy = make_policy(tmp_path, [{"id": "r", **WEEKLY_SCREENING}])
    data = make_dataset(tmp_path, tables)
    by_month = {m: statuses(list(evaluate(policy, data, f"2022-{m:02d}").findings)) for m in (3, 4)}
    assert ("p1", "2022-W13") not in by_month[3]
    assert by_month[4][("p1", "2022-W13")] == "fail"  # read from 28 March, inside April's run
    for quarter, holds in (("2022-Q1", False), ("2022-Q2", True)):
        found = statuses(list(evaluate(policy, data, quarter).findings))
        assert (("p1", "2022-W13") in found) is holds
    year = statuses(list(evaluate(policy, data, "2022").findings))
    assert year[("p1", "2022-W13")] == "fail"


def test_a_bucket_starting_before_the_range_reads_its_first_days(tmp_path: Path) -> None:
    # W09 is 28 Feb .. 6 Mar: the screening on 28 February keeps it in March's run.
    tables = {**OFFICER, "activities": [act(0, "2022-02-28 09:00:00", "2022-02-28 10:00:00")]}
    found = statuses(run_rule(tmp_path, WEEKLY_SCREENING, tables, "2022-03"))
    assert found[("p1", "2022-W09")] == "pass"
    assert found[("p1", "2022-W10")] == "fail"


def test_a_bucket_whose_first_days_the_dataset_lacks_is_listed_not_failed(
    tmp_path: Path,
) -> None:
    # The dataset begins on 1 March: W09's Monday (28 February) is not in it.
    tables = {**OFFICER, "activities": [act(0, "2022-03-01 09:00:00", "2022-03-01 10:00:00")]}
    policy = make_policy(tmp_path, [{"id": "r", **WEEKLY_SCREENING}])
    report = evaluate(policy, make_dataset(tmp_path, tables), "2022-03")
    assert ("p1", "2022-W09") not in statuses(list(report.findings))
    assert [(u.rule, u.bucket, u.reason) for u in report.unevaluated] == [
        ("r", "2022-W09", "data_missing")
    ]
    listed = report.to_dict()["unevaluated"]
    assert listed == [
        {
            "rule": "r",
            "bucket": {"key": "2022-W09", "start": "2022-02-28", "end": "2022-03-06"},
            "reason": "data_missing",
        }
    ]


def test_an_overnight_visit_is_split_between_the_days_it_spans(tmp_path: Path) -> None:
    # Sunday 13 March 22:00 to Monday 14 March 02:00: 2 h in W10, 2 h in W11.
    rule = {**WEEKLY_HOURS, "min_hours": 2}
    tables = {
        **OFFICER,
        "activities": [act(0, "2022-03-13 22:00:00", "2022-03-14 02:00:00", "household_visit")],
    }
    found = {f.bucket: f for f in run_rule(tmp_path, rule, tables, "2022-03")}
    assert (found["2022-W10"].measured, found["2022-W10"].status.value) == (2.0, "pass")
    assert (found["2022-W11"].measured, found["2022-W11"].status.value) == (2.0, "pass")
    assert found["2022-W11"].evidence == ("x0",)
    # Counted as one visit, on the day it starts.
    visits = {**WEEKLY_SCREENING, "count": {"activities": ["household_visit"]}}
    counted = statuses(run_rule(tmp_path, visits, tables, "2022-03"))
    assert (counted[("p1", "2022-W10")], counted[("p1", "2022-W11")]) == ("pass", "fail")


def test_an_activity_begun_before_the_range_counts_where_it_runs_into_it(tmp_path: Path) -> None:
    # Thursday 31 March 20:00 to Friday 1 April 04:00; W13 (28 March .. 3 April) ends in
    # the range. The dataset holds records from 1 March, so W13's first days are in it.
    rule = {**WEEKLY_HOURS, "min_hours": 8}
    tables = {
        **OFFICER,
        "activities": [
            act(0, "2022-03-31 20:00:00", "2022-04-01 04:00:00", "household_visit"),
            act(1, "2022-03-01 09:00:00", "2022-03-01 10:00:00", "household_visit"),
        ],
    }
    found = {f.bucket: f for f in run_rule(tmp_path, rule, tables, "2022-04-01..2022-04-03")}
    assert (found["2022-W13"].measured, found["2022-W13"].status.value) == (8.0, "pass")


def test_simultaneous_records_are_not_counted_twice(tmp_path: Path) -> None:
    rule = {**WEEKLY_HOURS, "min_hours": 24}
    tables = {
        **OFFICER,
        "activities": [
            act(0, "2022-03-07 08:00:00", "2022-03-07 20:00:00", "household_visit"),
            act(1, "2022-03-07 08:00:00", "2022-03-07 20:00:00", "patrol"),
            # overlapping by one hour with the pair above
            act(2, "2022-03-07 19:00:00", "2022-03-07 21:00:00", "mediation"),
        ],
    }
    [f] = run_rule(tmp_path, rule, tables, "2022-W10")
    assert (f.measured, f.status.value) == (13.0, "fail")
    assert f.evidence == ("x0", "x1", "x2")  # every record still listed


def test_min_hours_per_day_makes_a_day_a_day_of_work(tmp_path: Path) -> None:
    rule = {
        "kind": "time_commitment",
        "subject": SUBJECT,
        "period": "month",
        "min_working_days": 2,
        "min_hours_per_day": 4,
    }
    check_ins = [
        act(0, "2022-03-07 09:00:00", "2022-03-07 09:05:00", "check_in"),
        act(1, "2022-03-08 09:00:00", "2022-03-08 09:05:00", "check_in"),
    ]
    days = [
        act(2, "2022-03-09 08:00:00", "2022-03-09 12:00:00", "household_visit"),
        # two overlapping records of 3 h make 4 h of the day, not 6 and not 3
        act(3, "2022-03-10 08:00:00", "2022-03-10 11:00:00", "household_visit"),
        act(4, "2022-03-10 09:00:00", "2022-03-10 12:00:00", "patrol"),
    ]
    fail = run_rule(tmp_path, rule, {**OFFICER, "activities": check_ins}, "2022-03")
    assert [(f.status.value, f.measured) for f in fail] == [("fail", 0.0)]
    both = run_rule(tmp_path, rule, {**OFFICER, "activities": check_ins + days}, "2022-03")
    assert [(f.status.value, f.measured) for f in both] == [("pass", 2.0)]
    # Without the per-day minimum, the two check-ins alone make two working days.
    plain = {k: v for k, v in rule.items() if k != "min_hours_per_day"}
    lax = run_rule(tmp_path, plain, {**OFFICER, "activities": check_ins}, "2022-03")
    assert [(f.status.value, f.measured) for f in lax] == [("pass", 2.0)]


def test_months_before_the_policy_was_issued_are_not_in_force(tmp_path: Path) -> None:
    monthly = {**WEEKLY_SCREENING, "period": "month"}
    policy = make_policy(tmp_path, [{"id": "r", **monthly}], effective={"from": "2016-06-23"})
    tables = {**OFFICER, "activities": []}
    report = evaluate(policy, make_dataset(tmp_path, tables), "2016")
    found = statuses(list(report.findings))
    # June 2016 is only partly in force; July on are judged.
    assert sorted(b for _, b in found) == [f"2016-{m:02d}" for m in range(7, 13)]
    assert [(u.bucket, u.reason) for u in report.unevaluated] == [
        (f"2016-{m:02d}", "not_in_force") for m in range(1, 7)
    ]


SPLIT_RULES = [
    {"id": "weekly-screening", **WEEKLY_SCREENING},
    {"id": "weekly-hours", **WEEKLY_HOURS},
    {
        "id": "monthly-days",
        "kind": "time_commitment",
        "subject": SUBJECT,
        "period": "month",
        "min_working_days": 3,
        "min_hours_per_day": 1,
    },
    {**WEEKLY_SCREENING, "id": "quarterly-screening", "period": "quarter", "min_count": 10},
    {
        "id": "staffed",
        "kind": "staffing",
        "subject": {"units": {"type": "locality"}},
        "period": "month",
        "roles": ["village_contact_officer"],
        "min_people": 1,
    },
]


@st.composite
def year_of_activities(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Random activities of 2022, some overnight, some overlapping, some on range edges.

    The dataset covers the year: its first record is on 1 January (a bucket starting before a
    range is judged when the dataset holds its first days; see test above).
    """
    out = [act(999, "2022-01-01 08:00:00", "2022-01-01 09:00:00", "patrol")]
    for i in range(draw(st.integers(0, 40))):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
        start = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23))))
        end = start + dt.timedelta(minutes=draw(st.integers(0, 16 * 60)))
        kind = draw(st.sampled_from(["dispute_screening", "household_visit"]))
        out.append(act(i, start.isoformat(sep=" "), end.isoformat(sep=" "), kind))
    return out


@st.composite
def splits(draw: st.DrawFn) -> list[str]:
    """2022 cut into consecutive ranges at random days."""
    cuts = sorted(set(draw(st.lists(st.integers(1, 364), max_size=5))))
    starts = [dt.date(2022, 1, 1) + dt.timedelta(days=c) for c in [0, *cuts]]
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [dt.date(2022, 12, 31)]
    return [f"{a}..{b}" for a, b in zip(starts, ends, strict=True)]


def test_a_failing_month_lists_a_record_begun_the_day_before_the_range(tmp_path: Path) -> None:
    # 30 June 20:00 to 1 July 10:54 gives July 10.9 h on one day: July fails 3 working days,
    # and its evidence lists the record though the July run's calendar starts on 1 July.
    # (Found by the split property: the evidence read the record's start day off the calendar.)
    rule = {
        "kind": "time_commitment",
        "subject": SUBJECT,
        "period": "month",
        "min_working_days": 3,
        "min_hours_per_day": 1,
    }
    tables = {**OFFICER, "activities": [act(5, "2022-06-30 20:00:00", "2022-07-01 10:54:00")]}
    (found,) = run_rule(tmp_path, rule, tables, "2022-07")
    assert (found.status.value, found.evidence) == ("fail", ("x5",))


def _keys(report: Any) -> set[tuple[Any, ...]]:
    return {
        (f.rule, f.subject_id, f.bucket, f.status.value, f.measured, f.evidence)
        for f in report.findings
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activities=year_of_activities(), ranges=splits())
def test_any_split_of_a_year_gives_the_findings_of_the_whole_year(
    activities: list[dict[str, Any]], ranges: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        policy = make_policy(Path(tmp), SPLIT_RULES)
        data = make_dataset(Path(tmp), {**OFFICER, "activities": activities})
        whole = evaluate(policy, data, "2022")
        parts = [evaluate(policy, data, r) for r in ranges]
        found: list[tuple[Any, ...]] = [k for p in parts for k in _keys(p)]
        assert len(found) == len(set(found)), "a bucket was judged by two runs"
        assert set(found) == _keys(whole)
        assert [u for p in parts for u in p.unevaluated] == list(whole.unevaluated)


MONTHLY_SCHEME = {
    "schemes": [
        {
            "id": "monthly",
            "title": {"zh": "月考核", "en": "monthly"},
            "subject": SUBJECT,
            "period": "month",
            "base_score": 20,
            "items": [
                {
                    "id": "screening",
                    "title": {"zh": "排查", "en": "screening"},
                    "from_rule": {"rule": "weekly-screening", "per_fail": 1},
                }
            ],
            "rollups": [{"period": "quarter"}],
            "citation": {"source": "test-source", "quote": "测试条款"},
        }
    ]
}


def test_a_month_scores_the_same_whatever_range_was_asked_for(tmp_path: Path) -> None:
    # Weeks without a screening: W09 (ends 6 March), W11, W13 (ends 3 April, so April's). The
    # dataset covers the year from 1 January (its first record), so a run can read January.
    first = act(999, "2022-01-01 08:00:00", "2022-01-01 09:00:00", "patrol")
    tables = {
        **OFFICER,
        "activities": [first, *screenings_every_week_but({"2022-W09", "2022-W11", "2022-W13"})],
    }
    policy = make_policy(
        tmp_path, [{"id": "weekly-screening", **WEEKLY_SCREENING}], assessment=MONTHLY_SCHEME
    )
    data = make_dataset(tmp_path, tables)
    march = {}
    for period in ("2022-03", "2022-Q1", "2022-03-15..2022-04-14", "2022"):
        report = evaluate(policy, data, period)
        scores = {s.bucket: s.total for s in report.assessment.scores}
        march[period] = scores["2022-03"]
        # only the buckets ending in the range are reported
        assert all(
            report.range.start <= s.bucket_end <= report.range.end for s in report.assessment.scores
        )
    assert set(march.values()) == {18.0}, march
    # The first quarter's roll-up, reported by the run holding 31 March, needs January and
    # February's scores even when the run is only March.
    q1 = {
        p: [r.score for r in evaluate(policy, data, p).assessment.rollups if r.bucket == "2022-Q1"]
        for p in ("2022-03", "2022-Q1")
    }
    assert q1["2022-03"] == q1["2022-Q1"] == [pytest.approx((20 + 20 + 18) / 3)]
