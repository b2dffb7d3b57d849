"""Every built-in term is defined, and the vocabularies stay closed outside the policy loader."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from gridpolicing.io.dataset_schema import dataset_json_schema
from gridpolicing.model.terms import BUILTIN, VOCABULARIES, Vocabulary
from gridpolicing.model.vocabulary import Role, RoleClass, Term, open_vocabularies
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.schema import policy_json_schema

EXTENSIBLE = {
    "roles",
    "activity_kinds",
    "task_kinds",
    "incident_kinds",
    "posts",
    "meeting_kinds",
    "report_kinds",
    "unit_tags",
    "person_tags",
    "unit_attributes",
    "person_attributes",
}


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_member_has_a_term_in_member_order(name: str) -> None:
    spec = VOCABULARIES[name]
    assert [t.id for t in spec.terms] == [m.value for m in spec.enum]


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_term_has_zh_en_and_both_definitions(name: str) -> None:
    for t in VOCABULARIES[name].terms:
        assert _has_han(t.zh), t
        assert t.en.strip(), t
        assert t.en.isascii(), t
        assert _has_han(t.definition_zh), t
        assert len(t.definition_zh) >= 4, t
        assert len(t.definition_en.split()) >= 3, t
        # One line each: the docs put them in table cells.
        assert "\n" not in t.definition_zh + t.definition_en + t.zh + t.en, t


def test_roles_have_a_class_and_nothing_else_does() -> None:
    for name, spec in VOCABULARIES.items():
        for t in spec.terms:
            assert (t.role_class is not None) == (name == "roles"), t


def test_the_officer_roles_are_the_police_ones() -> None:
    classes = {t.id: t.role_class for t in VOCABULARIES["roles"].terms}
    assert classes["community_officer"] is RoleClass.officer
    assert classes["village_contact_officer"] is RoleClass.officer
    assert classes["dispatched_officer"] is RoleClass.officer
    assert classes["auxiliary"] is RoleClass.auxiliary
    assert classes["grid_worker"] is RoleClass.civilian


def test_definitions_tell_the_officer_roles_apart() -> None:
    roles = {t.id: t for t in VOCABULARIES["roles"].terms}
    texts = {roles[r].definition_zh for r in ("community_officer", "village_contact_officer")}
    texts.add(roles["dispatched_officer"].definition_zh)
    assert len(texts) == 3
    assert "驻村民警" in roles["dispatched_officer"].definition_zh


def test_exactly_the_named_vocabularies_are_extensible() -> None:
    assert {n for n, s in VOCABULARIES.items() if s.extensible} == EXTENSIBLE


class _Model(BaseModel):
    roles: list[Role]


def test_an_unknown_role_is_rejected_outside_open_vocabularies() -> None:
    with pytest.raises(ValidationError):
        _Model.model_validate({"roles": ["resident_village_officer"]})


def test_inside_open_vocabularies_an_id_becomes_a_pseudo_member() -> None:
    with open_vocabularies():
        m = _Model.model_validate({"roles": ["resident_village_officer", "auxiliary"]})
    added, builtin = m.roles
    assert isinstance(added, Role)
    assert added.value == "resident_village_officer" == added
    assert not added.is_builtin
    assert builtin is Role.auxiliary
    assert builtin.is_builtin
    assert "resident_village_officer" not in Role.__members__
    assert len(list(Role)) == len(VOCABULARIES["roles"].terms)
    # Closed again after the block.
    with pytest.raises(ValidationError):
        _Model.model_validate({"roles": ["resident_village_officer"]})


def test_a_vocabulary_adds_terms_and_refuses_built_in_ids() -> None:
    term = Term(
        "resident_village_officer",
        "驻村民警",
        "resident",
        "住村。",
        "Lives there.",
        RoleClass.officer,
    )
    vocab = BUILTIN.with_terms("roles", [term])
    assert "resident_village_officer" in vocab.ids("roles")
    assert "resident_village_officer" not in BUILTIN.ids("roles")
    assert vocab.term("roles", "resident_village_officer") == term
    clash = Term("auxiliary", "辅警", "auxiliary", "重复。", "A clash.", RoleClass.auxiliary)
    with pytest.raises(ValueError, match="built-in"):
        BUILTIN.with_terms("roles", [clash])
    with pytest.raises(ValueError, match="no added terms"):
        Vocabulary((("unit_types", (term,)),))
    classless = Term("guard", "保安队员", "security guard", "保安。", "A security guard.")
    with pytest.raises(ValueError, match="has a class"):
        BUILTIN.with_terms("roles", [classless])


def test_the_schemas_describe_every_term_and_take_added_ids_where_a_policy_may_add() -> None:
    policy = policy_json_schema(Registry.from_entry_points())
    dataset = dataset_json_schema()
    for schema in (policy, dataset):
        defs = schema["$defs"]
        role = defs["Role"]
        (closed, added) = role["anyOf"]
        assert closed["enum"] == [m.value for m in Role]
        for term, text in zip(VOCABULARIES["roles"].terms, closed["enumDescriptions"], strict=True):
            assert text.startswith(term.zh)
            assert term.definition_zh in text
            assert term.definition_en in text
        assert "pattern" in added
        validator = Draft202012Validator({"$defs": defs, "$ref": "#/$defs/Role"})
        assert validator.is_valid("resident_village_officer")
        assert not validator.is_valid("Resident Officer")
        unit_type = Draft202012Validator({"$defs": defs, "$ref": "#/$defs/UnitType"})
        assert not unit_type.is_valid("village")  # closed: no added terms
        assert defs["UnitType"]["enumDescriptions"][0].startswith("区/县")
