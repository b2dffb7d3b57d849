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


# 兼任社区副书记或副主任 (the baseline template): either post will do for a party member, the
# deputy director for the others, and the post is needed once, on any active assignment.
EITHER = {
    "kind": "post",
    "subject": {"people": {"roles": ["community_officer"]}},
    "party_member_post": ["deputy_party_secretary", "community_deputy_director"],
    "non_member_post": "community_deputy_director",
    "held": "any_assignment",
}
COMMUNITY = [
    {"id": "o1", "type": "office", "area": "urban"},
    {
        "id": "c1",
        "type": "locality",
        "category": "urban_community",
        "area": "urban",
        "office": "o1",
    },
]


def _officer(member: bool, records: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """One officer with a community_officer record at each (unit, posts) of ``records``."""
    return {
        "units": COMMUNITY,
        "people": [{"id": "p1", "party_member": member}],
        "assignments": [
            {
                "id": f"a{i}",
                "person": "p1",
                "unit": unit,
                "role": "community_officer",
                "start": "2020-01-01",
                "posts": posts,
            }
            for i, (unit, posts) in enumerate(records, 1)
        ],
    }


@pytest.mark.parametrize(
    ("member", "posts", "status"),
    [
        (True, ["deputy_party_secretary"], "pass"),
        (True, ["community_deputy_director"], "pass"),
        (True, ["governance_deputy_director"], "fail"),
        (False, ["community_deputy_director"], "pass"),
        (False, ["deputy_party_secretary"], "fail"),
        (False, [], "fail"),
    ],
)
def test_a_list_of_posts_is_satisfied_by_any_one(
    tmp_path: Path, member: bool, posts: list[str], status: str
) -> None:
    found = run_rule(tmp_path, EITHER, _officer(member, [("c1", posts)]), "2024-03")
    assert statuses(found) == {("p1", "2024-03"): status}


def test_a_missing_list_of_posts_is_named_in_the_detail(tmp_path: Path) -> None:
    found = run_rule(tmp_path, EITHER, _officer(True, [("c1", [])]), "2024-03")
    assert found[0].detail == "deputy_party_secretary / community_deputy_director @ c1"
    text = KIND.describe(PostRule.model_validate({**_META, **EITHER}), found[0])
    assert "村(社区)党组织副书记 / 社区(居委会)副主任 @ c1" in text.zh


def test_any_assignment_needs_the_post_once(tmp_path: Path) -> None:
    """Registered at the office, deputy secretary on the community's record: held once."""
    records = [("o1", []), ("c1", ["deputy_party_secretary"])]
    found = run_rule(tmp_path, EITHER, _officer(True, records), "2024-03")
    assert statuses(found) == {("p1", "2024-03"): "pass"}
    # the default, each_assignment, demands it on the office record too
    each = {**EITHER, "held": "each_assignment"}
    found = run_rule(tmp_path, each, _officer(True, records), "2024-03")
    assert statuses(found) == {("p1", "2024-03"): "fail"}
    assert found[0].detail == "deputy_party_secretary / community_deputy_director @ o1"


def test_any_assignment_with_no_post_anywhere_fails_naming_every_unit(tmp_path: Path) -> None:
    found = run_rule(tmp_path, EITHER, _officer(True, [("o1", []), ("c1", [])]), "2024-03")
    assert statuses(found) == {("p1", "2024-03"): "fail"}
    assert found[0].detail == "deputy_party_secretary / community_deputy_director @ c1, o1"


_META = {
    "id": "r",
    "title": {"zh": "测", "en": "t"},
    "severity": "minor",
    "citation": {"source": "s", "quote": "测试"},
}


def test_an_empty_list_of_posts_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one post"):
        PostRule.model_validate({**_META, **EITHER, "party_member_post": []})


@settings(max_examples=12, deadline=None)
@given(
    member=st.booleans(),
    records=st.lists(
        st.tuples(
            st.sampled_from(["o1", "c1"]),
            st.lists(
                st.sampled_from(
                    ["deputy_party_secretary", "community_deputy_director", "director_assistant"]
                ),
                unique=True,
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_any_assignment_passes_exactly_when_one_record_holds_an_allowed_post(
    member: bool, records: list[tuple[str, list[str]]]
) -> None:
    allowed = {"community_deputy_director"} | ({"deputy_party_secretary"} if member else set())
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), EITHER, _officer(member, records), "2024-03")
    expected = "pass" if any(allowed & set(posts) for _, posts in records) else "fail"
    assert found[0].status.value == expected
