"""Across levels: a unit's scheme vetoed by a failed finding on any unit below it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from gridpolicing import PolicyError, evaluate, load_policy
from gridpolicing.assessment.result import SubjectScore
from gridpolicing.report.ranking_table import print_assessment
from tests.assessment.test_groups import doc_block, doc_table
from tests.assessment.test_schemes import HOURS_RULE, scheme
from tests.helpers import make_dataset, make_policy


def stations(unstaffed: set[str]) -> dict[str, Any]:
    """Stations s1 (offices o1, o2) and s2 (office o3, and o4 below o3 by parent)."""
    units = [
        {"id": "s1", "type": "station", "name": "东城派出所"},
        {"id": "s2", "type": "station", "name": "西城派出所"},
        {"id": "o1", "type": "office", "station": "s1"},
        {"id": "o2", "type": "office", "station": "s1"},
        {"id": "o3", "type": "office", "station": "s2"},
        {"id": "o4", "type": "office", "parent": "o3"},
    ]
    people, assignments = [], []
    for n, office in enumerate(["o1", "o2", "o3", "o4"]):
        if office in unstaffed:
            continue
        people.append({"id": f"p{n}"})
        assignments.append(
            {
                "id": f"a{n}",
                "person": f"p{n}",
                "unit": office,
                "role": "community_officer",
                "start": "2020-01-01",
            }
        )
    scores = [
        {
            "id": f"b-{u}",
            "assessor": "bureau",
            "unit": u,
            "item": "bureau",
            "date": "2022-03-31",
            "score": score,
        }
        for u, score in (("s1", 95), ("s2", 80))
    ]
    return {
        "units": units,
        "people": people,
        "assignments": assignments,
        "assessor_scores": scores,
    }


def run(tmp_path: Path, doc: dict[str, Any], unstaffed: set[str]) -> dict[str, SubjectScore]:
    path = tmp_path / "levels-example.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    data = make_dataset(tmp_path, stations(unstaffed))
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(load_policy(path), data, "2022-03")
    return {s.subject_id: s for s in report.assessment.scores}


def test_the_worked_example_gives_the_table_printed_there(tmp_path: Path) -> None:
    rows = doc_table("station | offices without an officer")
    unstaffed = {r[1] for r in rows if r[1]}
    result = run(tmp_path, doc_block("levels-example"), unstaffed)
    for station, lacking, _, total, status, rank in rows:
        s = result[station]
        assert (s.total, s.status, s.rank) == (float(total), status, int(rank)), station
        assert s.vetoes == ((f"rule:office-staffed@{lacking}",) if lacking else ()), station


def test_without_sub_units_the_station_is_not_vetoed(tmp_path: Path) -> None:
    doc = doc_block("levels-example")
    doc["assessment"]["schemes"][0]["vetoes"] = [{"rule": "office-staffed"}]
    result = run(tmp_path, doc, {"o2"})
    assert (result["s1"].status, result["s1"].rank) == ("scored", 1)


def test_a_unit_below_by_parent_vetoes_the_station_too(tmp_path: Path) -> None:
    result = run(tmp_path, doc_block("levels-example"), {"o4"})
    assert (result["s2"].status, result["s2"].vetoes) == ("vetoed", ("rule:office-staffed@o4",))
    assert result["s1"].status == "scored"


def test_fully_staffed_stations_are_not_vetoed(tmp_path: Path) -> None:
    result = run(tmp_path, doc_block("levels-example"), set())
    assert {s.status for s in result.values()} == {"scored"}


def test_the_table_names_the_failing_sub_unit(tmp_path: Path) -> None:
    path = tmp_path / "levels-example.yaml"
    path.write_text(yaml.safe_dump(doc_block("levels-example"), allow_unicode=True), "utf-8")
    report = evaluate(load_policy(path), make_dataset(tmp_path, stations({"o2"})), "2022-03")
    console = Console(record=True, width=160, color_system=None, file=io.StringIO())
    print_assessment(report, console, 50, "zh")
    text = console.export_text()
    assert "每个警务室至少配备1名社区民警 (o2)" in text
    assert "东城派出所" in text
    head = next(line for line in text.splitlines() if "名次" in line)
    assert head.split()[:4] == ["名次", "单位", "编号", "派出所"]


def test_sub_units_needs_a_scheme_of_units(tmp_path: Path) -> None:
    sch = scheme(vetoes=[{"rule": "hours", "sub_units": True}])
    with pytest.raises(PolicyError, match="a veto on sub_units needs a scheme of units"):
        make_policy(tmp_path, [HOURS_RULE], assessment={"schemes": [sch]})
