"""The assessment in the JSON report and the terminal table: shared ranks and tied cut-offs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console

from gridpolicing import evaluate
from gridpolicing.report.report import Report
from gridpolicing.report.table import print_report
from tests.assessment.test_schemes import HOURS_RULE, people_tables, scheme
from tests.helpers import make_dataset, make_policy

# four officers, each at the 60-point cap of the visits item; p4 visited three times as many
HOUSEHOLDS = {"p1": 60, "p2": 60, "p3": 60, "p4": 180}


def cap_scheme(**ranking: Any) -> dict[str, Any]:
    return scheme(
        base_score=0,
        items=[
            {
                "id": "visits",
                "title": {"zh": "走访", "en": "visits"},
                "from_metric": {
                    "activities": ["household_visit"],
                    "measure": "households",
                    "per_unit": 1,
                },
                "max_points": 60,
            }
        ],
        grades={"quotas": [{"grade": "excellent", "share": 0.25}], "default": "other"},
        ranking={"scope": "all", "by_role": True, **ranking},
        rollup={"period": "month", "reward_top": 2, "sanction_bottom": 1},
    )


def report_of(tmp_path: Path, sch: dict[str, Any]) -> Report:
    policy = make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
    tables = people_tables({p: [10, 10, 10] for p in HOUSEHOLDS}, HOUSEHOLDS)
    return evaluate(policy, make_dataset(tmp_path, tables), "2022-03")


def test_json_says_who_shares_a_rank_and_which_cutoffs_were_tied(tmp_path: Path) -> None:
    report = report_of(tmp_path, cap_scheme())
    doc = json.loads(report.to_json())
    (sch,) = doc["assessment"]["schemes"]
    results = {r["subject"]["id"]: r for r in sch["results"]}
    ranks = {p: (r["total"], r["rank"], r["rank_shared_by"]) for p, r in results.items()}
    assert ranks == dict.fromkeys(HOUSEHOLDS, (60, 1, 4))
    # the top quarter's one place falls inside the four-way tie: all four are excellent
    assert {(r["grade"], tuple(r["tied_cutoffs"])) for r in results.values()} == {
        ("excellent", ("quota:excellent",))
    }
    rolls = {r["subject"]["id"]: r for r in sch["rollups"]}
    assert {tuple(r["consequences"]) for r in rolls.values()} == {("reward",)}
    # two reward places, one sanction place, four tied at rank 1: all four rewarded, none
    # sanctioned, and both cut-offs reported as tied
    assert {tuple(r["tied_cutoffs"]) for r in rolls.values()} == {("reward_top", "sanction_bottom")}
    assert all(r["tie_breakers"] == {} for r in rolls.values())
    assert report.to_json() == report_of(tmp_path, cap_scheme()).to_json()


def test_json_carries_the_declared_tie_breakers(tmp_path: Path) -> None:
    report = report_of(tmp_path, cap_scheme(tie_breakers=["more_households_visited"]))
    (sch,) = report.to_dict()["assessment"]["schemes"]
    results = {r["subject"]["id"]: r for r in sch["results"]}
    assert results["p4"]["tie_breakers"] == {"more_households_visited": 180}
    assert (results["p4"]["rank"], results["p4"]["rank_shared_by"]) == (1, 1)
    assert (results["p1"]["rank"], results["p1"]["rank_shared_by"]) == (2, 3)


def test_the_terminal_marks_shared_ranks_and_notes_tied_cutoffs(tmp_path: Path) -> None:
    report = report_of(tmp_path, cap_scheme())
    for lang, expected, shared in (
        (
            "en",
            "the sanction cut-off falls inside a tie: 4 share rank 1, none of them sanctioned",
            "=1",
        ),
        ("zh", "末位处理线落在并列名次内:第 1 名 4 人并列,均不予处理", "并列1"),
    ):
        console = Console(record=True, width=200)
        print_report(report, console, lang=lang)
        text = console.export_text()
        assert expected in text
        assert shared in text
