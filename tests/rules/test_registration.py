"""registration: 登记造册 and 备案 flags on active assignments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import run_rule, statuses

RULE = {
    "kind": "registration",
    "subject": {"people": {"roles": ["community_officer"]}},
    "period": "month",
    "require_registered": True,
    "require_filed": True,
}


def tables(
    registered: bool, filed: bool, end: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    assignment: dict[str, Any] = {
        "id": "a1",
        "person": "p1",
        "unit": "c1",
        "role": "community_officer",
        "start": "2020-01-01",
        "registered": registered,
        "filed": filed,
    }
    if end:
        assignment["end"] = end
    return {
        "units": [{"id": "c1", "type": "locality"}],
        "people": [{"id": "p1"}],
        "assignments": [assignment],
    }


def test_registered_and_filed_passes(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, tables(True, True), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}


def test_not_filed_fails_and_says_so(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, tables(True, False), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert found[0].detail == "filed @ c1"
    assert found[0].evidence == ("a1",)


def test_filing_not_required_passes_unfiled(tmp_path: Path) -> None:
    found = run_rule(tmp_path, {**RULE, "require_filed": False}, tables(True, False), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}


def test_assignment_ended_before_the_bucket_end_is_not_applicable(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, tables(False, False, end="2022-03-20"), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "not_applicable"}
