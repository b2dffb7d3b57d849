"""A policy's ``vocabulary:`` adds terms that its rules (and only its rules) may name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gridpolicing import Policy, Registry, evaluate, load_dataset, load_policy
from gridpolicing.cli.main import main
from gridpolicing.errors import PolicyError, UsageError
from gridpolicing.model.vocabulary import Role, RoleClass
from tests.helpers import make_policy

REG = Registry.from_entry_points()

HEAD = """\
id: p
jurisdiction: 示例县
title: {zh: 示例, en: example}
sources:
  - {id: s1, title: 示例文件, issuer: 示例县公安局}
"""

RESIDENT = """\
  roles:
    - id: resident_village_officer
      zh: 驻村民警
      en: resident village officer
      definition: {zh: 专职住村的民警。, en: An officer living in the village.}
      class: officer
"""


def rule(roles: str = "[resident_village_officer]") -> str:
    return f"""\
rules:
  - id: r1
    kind: staffing
    title: {{zh: 每村一名驻村民警, en: One resident officer per village}}
    severity: major
    subject: {{units: {{type: locality}}}}
    roles: {roles}
    min_people: 1
    citation: {{source: s1, quote: 每村配备一名驻村民警}}
"""


def write(folder: Path, text: str, name: str = "p.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(path, registry=REG)
    return [str(p) for p in info.value.problems]


def test_a_rule_names_a_role_the_policy_adds(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, HEAD + "vocabulary:\n" + RESIDENT + rule()), registry=REG)
    (role,) = policy.rules[0].roles
    assert isinstance(role, Role)
    assert role.value == "resident_village_officer"
    term = policy.vocabulary.term("roles", "resident_village_officer")
    assert term is not None
    assert term.zh == "驻村民警"
    assert term.role_class is RoleClass.officer
    assert "resident_village_officer" in policy.vocabulary.ids("roles")


def test_an_undeclared_role_is_an_error_at_its_line_listing_the_allowed_ids(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, HEAD + rule("[community_officer, resident_village_officer]"))
    (message,) = messages(path)
    # Line 12, column 32: the second item of `roles: [...]`.
    assert message.startswith(f"{path.resolve()}:12:32: rules[r1].roles[1]: ")
    assert "unknown role 'resident_village_officer'" in message
    assert "expected one of: auxiliary, " in message
    assert "community_officer" in message


def test_the_allowed_ids_in_the_message_include_the_added_ones(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "vocabulary:\n" + RESIDENT + rule("[resident_officer]"))
    (message,) = messages(path)
    assert "unknown role 'resident_officer'" in message
    assert "resident_village_officer" in message


def test_a_chinese_term_where_an_id_belongs_is_an_unknown_role(tmp_path: Path) -> None:
    (message,) = messages(write(tmp_path, HEAD + rule("[社区民警]")))
    assert "unknown role '社区民警'; expected one of:" in message


def test_an_added_id_must_not_clash_with_a_built_in_one(tmp_path: Path) -> None:
    clash = RESIDENT.replace("resident_village_officer", "auxiliary", 1)
    path = write(tmp_path, HEAD + "vocabulary:\n" + clash + rule("[auxiliary]"))
    (message,) = messages(path)
    assert ":8:7: vocabulary.roles[auxiliary]: 'auxiliary' is a built-in role" in message


def test_an_added_id_must_follow_the_ident_pattern(tmp_path: Path) -> None:
    bad = RESIDENT.replace("resident_village_officer", "Resident Officer", 1)
    (message,) = messages(write(tmp_path, HEAD + "vocabulary:\n" + bad))
    assert ":8:11: vocabulary.roles[Resident Officer].id: " in message
    assert "vocabulary.roles" in message


def test_a_role_needs_a_class_and_only_a_role_has_one(tmp_path: Path) -> None:
    no_class = RESIDENT.replace("      class: officer\n", "")
    kind = """\
  activity_kinds:
    - id: flood_watch
      zh: 防汛巡查
      en: flood watch
      definition: {zh: 汛期巡查堤坝。, en: Inspecting dykes in the flood season.}
      class: civilian
"""
    found = messages(write(tmp_path, HEAD + "vocabulary:\n" + no_class + kind))
    assert any("the role 'resident_village_officer' needs a class" in m for m in found)
    assert any("only roles have a class; remove it from 'flood_watch'" in m for m in found)


def test_a_refused_declaration_is_reported_once_not_again_at_its_uses(tmp_path: Path) -> None:
    no_class = RESIDENT.replace("      class: officer\n", "")
    found = messages(write(tmp_path, HEAD + "vocabulary:\n" + no_class + rule()))
    assert len(found) == 1
    assert "the role 'resident_village_officer' needs a class" in found[0]


def test_a_child_inherits_its_parents_terms(tmp_path: Path) -> None:
    write(tmp_path, HEAD.replace("id: p", "id: base") + "vocabulary:\n" + RESIDENT, "base.yaml")
    child = HEAD.replace("sources:\n  - {id: s1, title: 示例文件, issuer: 示例县公安局}\n", "")
    policy = load_policy(write(tmp_path, child + "extends: base\n" + rule()), registry=REG)
    assert policy.rules[0].roles[0] == "resident_village_officer"


def test_a_child_may_not_declare_a_parents_term_again(tmp_path: Path) -> None:
    write(tmp_path, HEAD.replace("id: p", "id: base") + "vocabulary:\n" + RESIDENT, "base.yaml")
    child = HEAD + "extends: base\nvocabulary:\n" + RESIDENT
    (message,) = messages(write(tmp_path, child))
    assert "the role 'resident_village_officer' is already declared at " in message
    assert "base.yaml:8" in message


def test_terms_from_a_file_beside_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    write(folder, RESIDENT.replace("  roles:", "roles:").replace("\n  ", "\n"), "terms.yaml")
    path = write(folder, HEAD + "vocabulary: {file: terms.yaml}\n" + rule())
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "terms.yaml").write_text("roles: []\n", encoding="utf-8")
    monkeypatch.chdir(other)  # the file is found beside the policy, not in the working directory
    policy = load_policy(path, registry=REG)
    assert "resident_village_officer" in policy.vocabulary.ids("roles")


def test_a_missing_vocabulary_file_is_an_error_at_the_file_key(tmp_path: Path) -> None:
    (message,) = messages(write(tmp_path, HEAD + "vocabulary: {file: terms.yaml}\n"))
    assert ":6:20: vocabulary.file: no such file" in message


def test_an_absolute_vocabulary_file_is_refused(tmp_path: Path) -> None:
    terms = write(tmp_path, "roles: []\n", "terms.yaml")
    (message,) = messages(write(tmp_path, HEAD + f"vocabulary: {{file: '{terms.resolve()}'}}\n"))
    assert "vocabulary.file: expected a path relative to the policy's folder" in message


def test_a_bad_term_in_a_vocabulary_file_names_that_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "roles:\n  - id: x\n    zh: 某\n    en: x\n    class: officer\n", "terms.yaml")
    (message,) = messages(write(tmp_path, HEAD + "vocabulary: {file: terms.yaml}\n"))
    assert message.startswith(f"{(tmp_path / 'terms.yaml').resolve()}:2:")
    assert "definition" in message


def test_a_catalogue_may_name_an_added_activity_kind(tmp_path: Path) -> None:
    vocabulary = """\
vocabulary:
  activity_kinds:
    - id: flood_watch
      zh: 防汛巡查
      en: flood watch
      definition: {zh: 汛期巡查堤坝。, en: Inspecting dykes in the flood season.}
catalogues:
  duties:
    - {id: d1, title: {zh: 防汛, en: floods}, activity_kinds: [flood_watch, patrol]}
"""
    policy = load_policy(write(tmp_path, HEAD + vocabulary), registry=REG)
    assert policy.catalogues["duties"][0].activity_kinds[0] == "flood_watch"
    undeclared = HEAD + vocabulary.split("catalogues:")[0].replace("flood_watch", "dyke_watch")
    undeclared += "catalogues:" + vocabulary.split("catalogues:")[1]
    (message,) = messages(write(tmp_path, undeclared))
    assert "catalogues.duties[d1].activity_kinds[0]: unknown activity kind 'flood_watch'" in message


def test_the_vocabulary_file_is_part_of_the_content_hash(tmp_path: Path) -> None:
    write(tmp_path, RESIDENT.replace("  roles:", "roles:").replace("\n  ", "\n"), "terms.yaml")
    path = write(tmp_path, HEAD + "vocabulary: {file: terms.yaml}\n")
    before = load_policy(path, registry=REG).content_hash
    write(tmp_path, "roles: []\n", "terms.yaml")
    assert load_policy(path, registry=REG).content_hash != before


POSTS = """\
  posts:
    - id: security_liaison
      zh: 治保联络员
      en: security liaison
      definition: {zh: 村治保会的联络人。, en: The village security committee's contact.}
"""

DATA = """\
units:
  - {id: v1, type: locality, category: village, area: rural}
people:
  - {id: p1}
assignments:
  - {id: a1, person: p1, unit: v1, role: resident_village_officer, start: 2024-01-01,
     posts: [security_liaison, director_assistant]}
"""


def _policy(tmp_path: Path) -> Policy:
    path = write(tmp_path, HEAD + "vocabulary:\n" + RESIDENT + POSTS + rule())
    return load_policy(path, registry=REG)


def test_a_record_with_an_added_role_is_rejected_without_the_policys_vocabulary(
    tmp_path: Path,
) -> None:
    dataset = load_dataset(write(tmp_path, DATA, "data.yaml"))
    fields = sorted((r.table, r.field) for r in dataset.rejected)
    assert fields == [("assignments", "posts"), ("assignments", "role")]
    role = next(r for r in dataset.rejected if r.field == "role")
    assert role.row == 6
    assert "expected one of auxiliary, community_officer" in role.message
    assert 'found "resident_village_officer"' in role.message


def test_a_record_with_an_added_role_and_post_is_accepted_with_it(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    dataset = load_dataset(write(tmp_path, DATA, "data.yaml"), vocabulary=policy.vocabulary)
    assert dataset.rejected == ()
    report = evaluate(policy, dataset, "2024-01")
    assert [f.status.value for f in report.findings] == ["pass"]
    (assignment,) = dataset.records("assignments")
    assert assignment.role == "resident_village_officer"
    assert assignment.posts == ["security_liaison", "director_assistant"]


def test_evaluate_refuses_data_checked_without_the_policys_terms(tmp_path: Path) -> None:
    # Its records naming the added role were rejected: judging it would be a silent pass.
    policy = _policy(tmp_path)
    dataset = load_dataset(write(tmp_path, DATA, "data.yaml"))
    with pytest.raises(UsageError, match="load it with load_dataset"):
        evaluate(policy, dataset, "2024-01")


def test_the_policys_vocabulary_does_not_open_the_others(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    data = DATA.replace("role: resident_village_officer", "role: resident_officer")
    dataset = load_dataset(write(tmp_path, data, "data.yaml"), vocabulary=policy.vocabulary)
    (bad,) = dataset.rejected
    assert bad.field == "role"
    assert "resident_village_officer" in bad.message  # the allowed ids include the added one


def test_a_csv_directory_is_checked_against_the_vocabulary_in_force(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "units.csv").write_text("id,type,category\nv1,locality,village\n", "utf-8")
    (folder / "people.csv").write_text("id\np1\n", "utf-8")
    (folder / "assignments.csv").write_text(
        "id,person,unit,role,start,posts\n"
        "a1,p1,v1, resident_village_officer ,2024-01-01,security_liaison;director_assistant\n"
        "a2,p1,v1,resident_officer,2024-01-01,\n",
        "utf-8",
    )
    dataset = load_dataset(folder, vocabulary=policy.vocabulary)
    assert [(r.record_id, r.field, r.row) for r in dataset.rejected] == [("a2", "role", 3)]
    assert load_dataset(folder).counts["assignments"].rejected == 2


def test_evaluate_loads_the_data_with_the_policys_vocabulary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEAD + "vocabulary:\n" + RESIDENT + POSTS + rule())
    data = write(tmp_path, DATA, "data.yaml")
    args = ["evaluate", "--policy", str(path), "--data", str(data), "--period", "2024-01"]
    assert main([*args, "--format", "json"]) == 0
    assert "rejected" not in capsys.readouterr().err


ASSESSMENT = """\
rules:
  - id: weekly-hours
    kind: time_commitment
    title: {zh: 每周在社区工作不少于24小时, en: 24 hours a week in the community}
    severity: major
    subject: {people: {roles: [community_officer]}}
    period: week
    min_hours: 24
    citation: {source: s1, quote: 每周不少于24小时}
assessment:
  schemes:
    - id: monthly
      title: {zh: 月考核, en: Monthly assessment}
      subject: {people: {roles: [community_officer]}}
      period: month
      items:
        - id: watch
          title: {zh: 防汛巡查, en: Flood watch}
          from_metric: {activities: [flood_watch], per_unit: 1}
      citation: {source: s1, quote: 防汛巡查每次1分}
"""

FLOOD_WATCH = """\
  activity_kinds:
    - id: flood_watch
      zh: 防汛巡查
      en: flood watch
      definition: {zh: 汛期巡查堤坝。, en: Inspecting dykes in the flood season.}
"""


def test_an_assessment_item_may_count_an_added_activity_kind(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, HEAD + "vocabulary:\n" + FLOOD_WATCH + ASSESSMENT), registry=REG
    )
    assert policy.assessment is not None
    item = policy.assessment.schemes[0].items[0]
    assert item.from_metric is not None
    assert item.from_metric.activities == ["flood_watch"]


def test_an_assessment_item_naming_an_undeclared_kind_is_an_error(tmp_path: Path) -> None:
    (message,) = messages(write(tmp_path, HEAD + ASSESSMENT))
    assert ":24:38: assessment.schemes[monthly].items[watch].from_metric.activities[0]: " in message
    assert "unknown activity kind 'flood_watch'; expected one of: case_assistance, " in message


def test_a_misspelt_term_gets_a_suggestion(tmp_path: Path) -> None:
    rule = {
        "id": "r",
        "kind": "staffing",
        "subject": {"units": {"type": "locality"}},
        "period": "month",
        "roles": ["comunity_officer"],
        "min_people": 1,
    }
    with pytest.raises(
        PolicyError,
        match=r"unknown role 'comunity_officer' \(did you mean "
        r"'community_officer'\?\); expected one of: ",
    ):
        make_policy(tmp_path, [rule])
