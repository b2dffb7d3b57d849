"""The two engines: plans compiled from the policy, the durable ruleset, errors, violations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gridpolicing.errors import UsageError
from gridpolicing.monitor import AlertKind, compile_plans
from gridpolicing.monitor.durable import ruleset_of
from gridpolicing.monitor.judges import NativeJudge, make_judge
from tests.monitor.world import ENGINES, HAVE_DURABLE, RULES, collecting, load_world, policy_of

needs_durable = pytest.mark.skipif(
    not HAVE_DURABLE,
    reason="durable_rules cannot be imported (optional extra gridpolicing[durable], Python < 3.13)",
)


def test_plans_come_from_the_rules_and_unwatched_kinds_are_listed(tmp_path: Path) -> None:
    staffing = {
        "id": "staffing",
        "kind": "staffing",
        "subject": {"units": {"type": "locality"}},
        "min_people": 1,
        "roles": ["community_officer"],
    }
    policy = policy_of(tmp_path, [*RULES[:2], staffing])
    plans, skipped = compile_plans(policy)
    assert [(p.rule.id, p.measure) for p in plans] == [
        ("tc-hours", "hours"),
        ("tc-working-days", "working_days"),
    ]
    assert skipped == [("staffing", "staffing rules are evaluated in batch, not watched")]


def test_reports_to_named_recipients_are_not_watched(tmp_path: Path) -> None:
    upward = {
        "id": "upward",
        "kind": "cadence",
        "subject": {"people": {"roles": ["community_officer"]}},
        "period": "month",
        "count": {"reports": ["work_report"], "to": [{"type": "station"}]},
        "min_count": 1,
    }
    plans, skipped = compile_plans(policy_of(tmp_path, [RULES[0], upward]))
    assert [p.rule.id for p in plans] == ["tc-hours"]
    assert skipped == [
        ("upward", "a cadence of reports to named recipients is evaluated in batch, not watched")
    ]


def test_pace_must_name_a_watched_count_rule(tmp_path: Path) -> None:
    policy = policy_of(tmp_path, RULES)
    with pytest.raises(UsageError, match="does not watch: nope"):
        compile_plans(policy, {"nope": ()})
    from gridpolicing.monitor import parse_pace

    with pytest.raises(UsageError, match="only rules of time or of a count"):
        compile_plans(policy, parse_pace({"pr-tasks": [{"at": "day 2", "share": 0.5}]}))
    with pytest.raises(UsageError, match="weekday checkpoint needs a weekly rule"):
        compile_plans(policy, parse_pace({"tc-working-days": [{"at": "fri", "share": 0.5}]}))


def test_the_durable_ruleset_is_plain_json_with_a_catch_all(tmp_path: Path) -> None:
    plans, _ = compile_plans(policy_of(tmp_path, RULES))
    rules = ruleset_of(plans, lambda verdict: lambda c: None)
    assert rules["~catch-all"]["all"] == [{"m": {"$ex": {"t": 1}}}]
    hours = rules["p0.0.breached"]["all"][0]["m"]
    assert hours == {"$and": [{"p": 0}, {"$and": [{"t": "close"}, {"$lt": {"measured": 6}}]}]}
    dated = rules["p3.0.breached"]["all"][0]["m"]["$and"][1]
    assert dated == {"$and": [{"t": "close"}, {"$lt": {"measured": {"$m": "required"}}}]}
    exempt = rules["p13.0.violation"]["all"][0]["m"]["$and"][1]["$and"]
    assert {"$neq": {"reason": "disaster_relief"}} in exempt


def test_native_judge_takes_the_first_condition_that_holds(tmp_path: Path) -> None:
    plans, _ = compile_plans(policy_of(tmp_path, RULES))
    judge = NativeJudge(plans)
    facts: list[dict[str, Any]] = [
        {"t": "close", "p": 0, "measured": 5.5, "required": 6.0},
        {"t": "close", "p": 0, "measured": 6.0, "required": 6.0},
        {"t": "record", "p": 13, "kind": "surprise_operation", "reason": "routine", "held": 1},
        {
            "t": "record",
            "p": 13,
            "kind": "surprise_operation",
            "reason": "disaster_relief",
            "held": 1,
        },
        {"t": "record", "p": 13, "kind": "surprise_operation", "reason": "routine", "held": 0},
    ]
    assert judge.decide(facts) == [(0, "breached"), (2, "violation")]


@needs_durable
def test_the_durable_judge_decides_as_the_native_one(tmp_path: Path) -> None:
    plans, _ = compile_plans(policy_of(tmp_path, RULES))
    facts: list[dict[str, Any]] = [
        {"t": "close", "p": 0, "measured": 5.5, "required": 6.0},
        {"t": "check", "p": 0, "why": "pace", "measured": 1.0, "required": 6.0, "pace": 3.0},
        {"t": "check", "p": 0, "why": "feasible", "measured": 1.0, "required": 6.0, "reach": 7.0},
        {
            "t": "visit",
            "p": 10,
            "households": 3,
            "services": 0,
            "log": 1,
            "photo": 1,
            "min_households": 3,
            "min_services": 1,
        },
        {
            "t": "record",
            "p": 13,
            "kind": "surprise_operation",
            "reason": "disaster_relief",
            "held": 1,
        },
    ]
    durable = make_judge("durable", plans)
    expected = NativeJudge(plans).decide(facts)
    assert expected == [(0, "breached"), (1, "at_risk"), (3, "violation")]
    assert durable.decide(facts) == expected
    assert durable.decide(facts) == expected  # facts were retracted: asserting again works


@needs_durable
def test_a_failing_durable_action_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridpolicing.monitor.durable import DurableError, DurableJudge

    def boom(self: DurableJudge, c: Any, verdict: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(DurableJudge, "_record", boom)
    plans, _ = compile_plans(policy_of(tmp_path, RULES[:1]))
    judge = DurableJudge(plans)
    with pytest.raises(DurableError, match="action failed: RuntimeError"):
        judge.decide([{"t": "close", "p": 0, "measured": 1.0, "required": 6.0}])


def test_without_durable_rules_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> Any:
        if name.startswith("durable"):
            raise ImportError("No module named 'durable'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(
        UsageError, match=r"needs durable_rules \(pip install 'gridpolicing\[durable\]'"
    ):
        make_judge("durable", compile_plans(policy_of(tmp_path, RULES[:1]))[0])
    with pytest.raises(UsageError, match="engine 'fast' is not one of native, durable"):
        make_judge("fast", [])


@pytest.mark.parametrize("engine", ENGINES)
def test_violations_fire_on_the_event_or_when_the_visit_day_ends(
    engine: str, tmp_path: Path
) -> None:
    tables = {
        "units": [{"id": "v1", "type": "locality", "category": "village", "area": "rural"}],
        "people": [{"id": "p1"}],
        "assignments": [
            {
                "id": "a1",
                "person": "p1",
                "unit": "v1",
                "role": "village_contact_officer",
                "start": "2022-01-01",
            },
            {
                "id": "a2",
                "person": "p1",
                "unit": "v1",
                "role": "community_officer",
                "start": "2022-01-01",
            },
        ],
    }
    rules = [r for r in RULES if r["id"] in ("vq-day", "pr-tasks")]
    monitor, got = collecting(
        policy_of(tmp_path, rules), load_world(tmp_path, tables), engine, start=dt.date(2022, 3, 1)
    )
    visit = {"type": "activity", "person": "p1", "unit": "v1", "kind": "household_visit"}
    monitor.post(
        {
            **visit,
            "id": "x1",
            "start": "2022-03-07T09:00",
            "end": "2022-03-07T10:00",
            "households_visited": 1,
            "has_work_log": True,
        }
    )
    monitor.post(
        {
            **visit,
            "id": "x2",
            "start": "2022-03-07T14:00",
            "end": "2022-03-07T15:00",
            "households_visited": 1,
            "services_done": 1,
            "has_photo": True,
        }
    )
    monitor.post(
        {
            "type": "task",
            "id": "t1",
            "person": "p1",
            "kind": "crime_fighting_quota",
            "start": "2022-03-07",
            "end": "2022-04-20",
            "reason": "routine",
        }
    )
    [task] = got
    assert (task.kind, task.rule, task.evidence, task.at) == (
        AlertKind.violation,
        "pr-tasks",
        ("t1",),
        dt.datetime(2022, 3, 7, 14),
    )
    monitor.advance(dt.datetime(2022, 3, 8))
    [visit_alert] = got[1:]
    assert (visit_alert.kind, visit_alert.rule, visit_alert.at) == (
        AlertKind.violation,
        "vq-day",
        dt.datetime(2022, 3, 8),
    )
    assert visit_alert.detail == "2022-03-07 v1: households 2<3"
    assert visit_alert.evidence == ("x1", "x2")
    monitor.advance(dt.datetime(2022, 5, 1))
    breached = [(a.rule, a.bucket) for a in got if a.kind is AlertKind.breached]
    assert breached == [("vq-day", "2022-03"), ("pr-tasks", "2022-03"), ("pr-tasks", "2022-04")]
