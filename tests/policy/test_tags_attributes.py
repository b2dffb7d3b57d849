"""Declaring tags and attributes in ``vocabulary:``, and naming them in subjects and where:."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gridpolicing import Registry, evaluate, load_dataset, load_policy
from gridpolicing.errors import PolicyError, UsageError
from gridpolicing.model.vocabulary import AttributeType

REG = Registry.from_entry_points()

HEAD = """\
id: p
jurisdiction: 示例县
title: {zh: 示例, en: example}
sources:
  - {id: s1, title: 示例文件, issuer: 示例县公安局}
"""

TERMS = """\
vocabulary:
  unit_tags:
    - {id: chengguan, zh: 城关派出所, en: county-seat station, definition: {zh: 城关, en: seat}}
  person_tags:
    - {id: leader, zh: 领导, en: leader, definition: {zh: 领导, en: a leader}}
  unit_attributes:
    - {id: staff, zh: 编制, en: staff, type: integer, definition: {zh: 编制, en: staff}}
  person_attributes:
    - {id: grade, zh: 等级, en: grade, type: integer, definition: {zh: 等级, en: grade}}
"""


def rule(subject: str) -> str:
    return f"""\
rules:
  - id: r1
    kind: staffing
    title: {{zh: 规则, en: rule}}
    severity: major
    subject: {subject}
    roles: [community_officer]
    min_people: 1
    citation: {{source: s1, quote: 条款}}
"""


def people_rule(subject: str) -> str:
    return f"""\
rules:
  - id: r1
    kind: time_commitment
    title: {{zh: 规则, en: rule}}
    severity: major
    subject: {subject}
    period: week
    min_hours: 1
    citation: {{source: s1, quote: 条款}}
"""


def write(folder: Path, text: str, name: str = "p.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(path, registry=REG)
    return [str(p) for p in info.value.problems]


def test_declared_tags_and_attributes_are_in_the_policys_vocabulary(tmp_path: Path) -> None:
    subject = "{units: {type: station, tags: [chengguan], where: 'staff >= 10'}}"
    policy = load_policy(write(tmp_path, HEAD + TERMS + rule(subject)), registry=REG)
    assert [t.id for t in policy.vocabulary.added_terms("unit_tags")] == ["chengguan"]
    (staff,) = policy.vocabulary.added_terms("unit_attributes")
    assert (staff.id, staff.zh, staff.value_type) == ("staff", "编制", AttributeType.integer)
    sel = policy.rules[0].subject.units
    assert sel is not None
    assert sel.where is not None
    assert sel.where.sql(alias="u", null_as=True) == 'COALESCE(u."attr.staff" >= 10, TRUE)'


def test_an_attribute_named_like_a_column_is_refused_where_declared(tmp_path: Path) -> None:
    terms = """\
vocabulary:
  unit_attributes:
    - {id: population, zh: 人口, en: population, type: integer, definition: {zh: 人口, en: p}}
  person_attributes:
    - {id: rank, zh: 职级, en: rank, type: text, definition: {zh: 职级, en: r}}
"""
    path = write(tmp_path, HEAD + terms + "rules: []\n")
    assert messages(path) == [
        f"{path}:8:7: vocabulary.unit_attributes[population]: the attribute 'population' has "
        "the name of a column of units; expected an id other than: area, category, households, "
        "id, model_since, name, office, parent, population, rental_rooms, station, street, "
        "tags, type",
        f"{path}:10:7: vocabulary.person_attributes[rank]: the attribute 'rank' has the name of "
        "a column of people; expected an id other than: hire_date, home_unit, id, name, "
        "party_member, rank, tags",
    ]


def test_an_attribute_needs_a_type_and_only_an_attribute_has_one(tmp_path: Path) -> None:
    terms = """\
vocabulary:
  unit_attributes:
    - {id: staff, zh: 编制, en: staff, definition: {zh: 编制, en: staff}}
    - {id: staff-count, zh: 编制, en: staff, type: integer, definition: {zh: 编制, en: staff}}
  unit_tags:
    - {id: big, zh: 大, en: big, type: boolean, definition: {zh: 大, en: big}}
"""
    path = write(tmp_path, HEAD + terms + "rules: []\n")
    assert messages(path) == [
        f"{path}:8:7: vocabulary.unit_attributes[staff]: the attribute 'staff' needs a type: "
        "one of integer, number, text, boolean, date",
        f"{path}:9:7: vocabulary.unit_attributes[staff-count]: expected an attribute id of "
        "lower-case letters, digits and _ starting with a letter (it is a column name in "
        "where:), found 'staff-count'",
        f"{path}:11:7: vocabulary.unit_tags[big]: only attributes have a type; remove it from "
        "'big'",
    ]


def test_an_undeclared_tag_in_a_subject_is_an_error_at_its_place(tmp_path: Path) -> None:
    subject = "{units: {type: station, without_tags: [chengguan, xiangzhen]}}"
    path = write(tmp_path, HEAD + TERMS + rule(subject))
    assert messages(path) == [
        f"{path}:20:64: rules[r1].subject.units.without_tags[1]: unknown unit tag 'xiangzhen'; "
        "expected one of: chengguan"
    ]


def test_a_person_tag_is_not_a_unit_tag(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + TERMS + rule("{units: {type: station, tags: [leader]}}"))
    assert messages(path) == [
        f"{path}:20:45: rules[r1].subject.units.tags[0]: unknown unit tag 'leader'; expected "
        "one of: chengguan"
    ]


def test_an_undeclared_attribute_in_where_is_an_unknown_column(tmp_path: Path) -> None:
    subject = "{units: {type: station, where: 'staf >= 10'}}"
    path = write(tmp_path, HEAD + TERMS + rule(subject))
    assert messages(path) == [
        f"{path}:20:46: rules[r1].subject.units.where: unknown column 'staf' (did you mean "
        "'staff'?); the columns of units are: area, category, households, id, model_since, "
        "name, office, parent, population, rental_rooms, staff, station, street, tags, type"
    ]


def test_an_attribute_of_the_wrong_type_is_refused_in_where(tmp_path: Path) -> None:
    subject = "{people: {roles: [community_officer], where: \"grade = 'high'\"}}"
    path = write(tmp_path, HEAD + TERMS + people_rule(subject))
    assert messages(path) == [
        f"{path}:20:60: rules[r1].subject.people.where: cannot compare grade (a number) with "
        "'high' (text); both sides must be of one type"
    ]


def test_an_undeclared_tag_in_where_is_refused(tmp_path: Path) -> None:
    subject = "{units: {type: station, where: \"list_contains(tags, 'xiangzhen')\"}}"
    path = write(tmp_path, HEAD + TERMS + rule(subject))
    (message,) = messages(path)
    assert message == (
        f"{path}:20:66: rules[r1].subject.units.where: 'xiangzhen' is not a value of column "
        "tags; expected one of: chengguan"
    )


def test_without_declarations_a_tag_in_where_says_none_is_declared(tmp_path: Path) -> None:
    subject = "{units: {type: station, where: \"list_contains(tags, 'x')\"}}"
    path = write(tmp_path, HEAD + rule(subject))
    (message,) = messages(path)
    assert message.endswith(
        "'x' is not a value of column tags; the policy's vocabulary declares none"
    )


def test_an_attribute_declared_by_the_parent_is_seen_by_the_child(tmp_path: Path) -> None:
    write(tmp_path, HEAD.replace("id: p", "id: base") + TERMS + "rules: []\n", "base.yaml")
    child = HEAD.replace("id: p", "id: child") + "extends: base\n"
    child += people_rule("{people: {roles: [community_officer], where: 'grade >= 2'}}")
    policy = load_policy(write(tmp_path, child), registry=REG)
    sel = policy.rules[0].subject.people
    assert sel is not None
    assert sel.where is not None
    assert sel.where.sql(alias="p") == 'p."attr.grade" >= 2'


def test_attributes_from_a_vocabulary_file_are_seen(tmp_path: Path) -> None:
    write(tmp_path, textwrap.dedent(TERMS).replace("vocabulary:\n", "").replace("\n  ", "\n")[2:],
          "terms.yaml")  # fmt: skip
    text = (
        HEAD
        + "vocabulary: {file: terms.yaml}\n"
        + rule("{units: {type: station, where: 'staff >= 10'}}")
    )
    policy = load_policy(write(tmp_path, text), registry=REG)
    assert [t.id for t in policy.vocabulary.added_terms("unit_attributes")] == ["staff"]


def test_a_bad_where_and_another_problem_are_reported_together(tmp_path: Path) -> None:
    subject = "{units: {type: station, where: 'staf >= 10'}}"
    text = HEAD + TERMS + rule(subject).replace("min_people: 1", "min_people: 0")
    path = write(tmp_path, text)
    found = messages(path)
    assert len(found) == 2
    assert "unknown column 'staf'" in found[0]
    assert "min_people" in found[1]


def test_evaluate_refuses_a_dataset_without_the_declared_attributes(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, HEAD + TERMS + rule("{units: {type: station}}")), registry=REG
    )
    data = write(tmp_path, "units:\n  - {id: s1, type: station}\n", "d.yaml")
    with pytest.raises(UsageError, match=r"unit_attributes: staff \(integer\)"):
        evaluate(policy, load_dataset(data), "2022-03")
    evaluate(policy, load_dataset(data, vocabulary=policy.vocabulary), "2022-03")


def test_evaluate_refuses_an_attribute_checked_as_another_type(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, HEAD + TERMS + rule("{units: {type: station}}")), registry=REG
    )
    other = write(tmp_path, HEAD + TERMS.replace("type: integer", "type: text") + "rules: []\n",
                  "other.yaml")  # fmt: skip
    data = write(tmp_path, "units:\n  - {id: s1, type: station}\n", "d.yaml")
    as_text = load_dataset(data, vocabulary=load_policy(other, registry=REG).vocabulary)
    with pytest.raises(UsageError, match=r"staff \(integer\)"):
        evaluate(policy, as_text, "2022-03")
