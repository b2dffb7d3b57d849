"""The worked example of ties and cut-offs in docs/assessment.md gives the table printed there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gridpolicing import evaluate, load_policy
from tests.helpers import make_dataset

DOC = Path(__file__).resolve().parents[2] / "docs" / "assessment.md"
HOUSEHOLDS = {"wang": 180, "li": 60, "zhang": 60, "zhao": 20, "sun": 20}


def doc_policy() -> dict[str, Any]:
    """The YAML block of docs/assessment.md holding the policy ``ties-example``."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), re.S)
    (block,) = [b for b in blocks if "id: ties-example" in b]
    doc = yaml.safe_load(block)
    assert isinstance(doc, dict)
    return doc


def officers() -> dict[str, list[dict[str, Any]]]:
    units: list[dict[str, Any]] = [{"id": "st", "type": "station"}]
    people, assignments, acts = [], [], []
    for n, (pid, households) in enumerate(HOUSEHOLDS.items()):
        units.append({"id": f"c{n}", "type": "locality", "station": "st"})
        people.append({"id": pid})
        assignments.append(
            {
                "id": f"a{n}",
                "person": pid,
                "unit": f"c{n}",
                "role": "community_officer",
                "start": "2020-01-01",
            }
        )
        acts.append(
            {
                "id": f"v-{pid}",
                "person": pid,
                "unit": f"c{n}",
                "kind": "household_visit",
                "start": "2022-03-08 08:00",
                "end": "2022-03-08 12:00",
                "households_visited": households,
            }
        )
    return {"units": units, "people": people, "assignments": assignments, "activities": acts}


def outcome(tmp_path: Path, doc: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    path = tmp_path / "ties-example.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    report = evaluate(load_policy(path), make_dataset(tmp_path, officers()), "2022")
    march = {s.subject_id: s for s in report.assessment.scores if s.bucket == "2022-03"}
    year = {r.subject_id: r for r in report.assessment.rollups}
    return {
        p: (march[p].total, march[p].rank, year[p].rank, year[p].consequences, year[p].tied_cutoffs)
        for p in HOUSEHOLDS
    }


def test_the_worked_example_with_its_tie_breaker(tmp_path: Path) -> None:
    assert outcome(tmp_path, doc_policy()) == {
        "wang": (60, 1, 1, ("reward",), ()),
        "li": (60, 2, 2, (), ()),
        "zhang": (60, 2, 2, (), ()),
        "zhao": (20, 4, 4, (), ("sanction_bottom",)),
        "sun": (20, 4, 4, (), ("sanction_bottom",)),
    }


def test_the_worked_example_without_tie_breakers(tmp_path: Path) -> None:
    doc = doc_policy()
    del doc["assessment"]["schemes"][0]["ranking"]["tie_breakers"]
    at_cap = (60, 1, 1, ("reward",), ("reward_top",))
    last = (20, 4, 4, (), ("sanction_bottom",))
    assert outcome(tmp_path, doc) == {
        "wang": at_cap,
        "li": at_cap,
        "zhang": at_cap,
        "zhao": last,
        "sun": last,
    }
