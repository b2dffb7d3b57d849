"""post: party members hold the deputy-secretary post, others the director-assistant post."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing.rules.post import KIND, PostRule
from tests.helpers import run_rule, statuses

UNITS = [
    {"id": "v1", "type": "locality", "category": "village", "area": "rural"},
    {"id": "v2", "type": "locality", "category": "village", "area": "rural"},
]

RULE = {
    "kind": "post",
    "subject": {"people": {"roles": ["dispatched_officer"]}},
    "party_member_post": "deputy_party_secretary",
    "non_member_post": "director_assistant",
}


def _tables(member: bool, posts: list[str], end: str | None = None) -> dict[str, Any]:
    assignment: dict[str, Any] = {
        "id": "a1",
        "person": "p1",
        "unit": "v1",
        "role": "dispatched_officer",
        "start": "2020-01-01",
        "posts": posts,
    }
    if end:
        assignment["end"] = end
    return {
        "units": UNITS,
        "people": [{"id": "p1", "party_member": member}],
        "assignments": [assignment],
    }


def test_party_member_needs_deputy_secretary(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, _tables(True, ["deputy_party_secretary"]), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}
    assert (found[0].measured, found[0].required) == (1, 1)
    assert found[0].evidence == ("a1",)
    found = run_rule(tmp_path, RULE, _tables(True, ["director_assistant"]), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert (found[0].measured, found[0].detail) == (0, "deputy_party_secretary @ v1")


def test_non_member_needs_director_assistant(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, _tables(False, ["director_assistant"]), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "pass"}
    found = run_rule(tmp_path, RULE, _tables(False, []), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert found[0].detail == "director_assistant @ v1"


def test_only_party_members_when_one_post_is_given(tmp_path: Path) -> None:
    rule = {k: v for k, v in RULE.items() if k != "non_member_post"}
    found = run_rule(tmp_path, rule, _tables(False, []), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "not_applicable"}


def test_snapshot_at_bucket_end(tmp_path: Path) -> None:
    # The assignment ends before the month does, so nothing is required at its end.
    found = run_rule(tmp_path, RULE, _tables(True, [], end="2022-03-20"), "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "not_applicable"}


def test_every_active_assignment_needs_the_post(tmp_path: Path) -> None:
    tables = _tables(True, ["deputy_party_secretary"])
    tables["assignments"].append(
        {**tables["assignments"][0], "id": "a2", "unit": "v2", "posts": []}
    )
    found = run_rule(tmp_path, RULE, tables, "2022-03")
    assert statuses(found) == {("p1", "2022-03"): "fail"}
    assert found[0].detail == "deputy_party_secretary @ v2"
    assert found[0].evidence == ("a1", "a2")


def test_describe_names_the_post_in_chinese(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, _tables(True, []), "2022-03")
    text = KIND.describe(
        PostRule.model_validate(
            {
                "id": "r",
                "title": {"zh": "测", "en": "t"},
                "severity": "minor",
                "citation": {"source": "s", "quote": "测试"},
                **RULE,
            }
        ),
        found[0],
    )
    assert "村(社区)党组织副书记" in text.zh
    assert "deputy_party_secretary" in text.en


def test_roles_must_be_the_subjects() -> None:
    with pytest.raises(ValueError, match="among subject"):
        PostRule.model_validate(
            {
                "id": "r",
                "title": {"zh": "测", "en": "t"},
                "severity": "minor",
                "citation": {"source": "s", "quote": "测试"},
                **RULE,
                "roles": ["auxiliary"],
            }
        )


@settings(max_examples=15, deadline=None)
@given(
    member=st.booleans(),
    posts=st.lists(
        st.sampled_from(["deputy_party_secretary", "director_assistant", "petition_receptionist"]),
        unique=True,
    ),
)
def test_status_follows_membership_and_posts(member: bool, posts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), RULE, _tables(member, posts), "2022-03")
    want = "deputy_party_secretary" if member else "director_assistant"
    assert found[0].status.value == ("pass" if want in posts else "fail")
