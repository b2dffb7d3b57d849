"""Properties of the vocabulary in force: what datasets allow and what the rule check reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing.io.dataset_schema import columns, columns_in_force
from gridpolicing.model import Assignment, Unit
from gridpolicing.model.terms import BUILTIN
from gridpolicing.model.vocabulary import Role, RoleClass, Term, open_vocabularies
from gridpolicing.policy.vocabulary import unknown_terms

BUILTIN_ROLES = frozenset(m.value for m in Role)
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda x: x not in BUILTIN_ROLES
)


def _role(term_id: str) -> Term:
    return Term(term_id, "新角色", "new role", "新增的角色。", "An added role.", RoleClass.civilian)


@settings(max_examples=50, deadline=None)
@given(st.lists(IDS, unique=True, max_size=5))
def test_dataset_columns_allow_exactly_the_built_in_and_added_terms(added: list[str]) -> None:
    vocabulary = BUILTIN.with_terms("roles", [_role(a) for a in added])
    cols = {c.name: c for c in columns_in_force(Assignment, vocabulary)}
    assert set(cols["role"].allowed) == BUILTIN_ROLES | set(added)
    assert list(cols["role"].allowed) == sorted(cols["role"].allowed)
    # Other columns, and every column without a vocabulary, are as the model says.
    plain = {c.name: c for c in columns(Assignment)}
    assert all(cols[n] == plain[n] for n in plain if n != "role")
    assert columns_in_force(Assignment, None) == columns(Assignment)
    assert columns_in_force(Unit, vocabulary) == columns(Unit)  # unit types are closed


@settings(max_examples=50, deadline=None)
@given(st.lists(IDS, unique=True, max_size=4), st.lists(IDS, max_size=4))
def test_the_rule_check_reports_exactly_the_terms_not_in_force(
    added: list[str], named: list[str]
) -> None:
    vocabulary = BUILTIN.with_terms("roles", [_role(a) for a in added])
    with open_vocabularies():
        roles = [Role(n) for n in named] + [Role.auxiliary]
    found = list(unknown_terms({"roles": roles}, vocabulary, ("rules", 0)))
    expected = [i for i, n in enumerate(named) if n not in added]
    assert [path for path, _ in found] == [("rules", 0, "roles", i) for i in expected]
    for (_, message), i in zip(found, expected, strict=True):
        assert message.startswith(f"unknown role {named[i]!r}")
        assert "; expected one of: " in message
