"""Assessment schemes and items along an extends chain: amended, removed and added by id."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from gridpolicing import PolicyError, evaluate, load_policy
from gridpolicing.policy.document import Policy
from tests.assessment.test_groups import DOC, officers
from tests.helpers import make_dataset, registry_of

REG = registry_of({"time_commitment"})

PARENT = """\
id: parent
jurisdiction: 测试区
title: {zh: 上级, en: parent}
sources:
  - {id: s1, title: 文本, issuer: 某局}
rules:
  - id: weekly-hours
    kind: time_commitment
    title: {zh: 每周24小时, en: 24 hours a week}
    severity: major
    subject: {people: {roles: [community_officer]}}
    period: week
    min_hours: 24
    citation: {source: s1, quote: 不少于24小时}
assessment:
  schemes:
    - id: monthly
      title: {zh: 月考核, en: monthly}
      subject: {people: {roles: [community_officer]}}
      period: month
      base_score: 60
      items:
        - id: hours
          title: {zh: 工作时间, en: hours}
          from_rule: {rule: weekly-hours, per_pass: 5, per_fail: 5}
          max_points: 20
        - id: visits
          title: {zh: 走访, en: visits}
          from_metric: {activities: [household_visit], per_unit: 1}
          max_points: 10
      vetoes:
        - {rule: weekly-hours}
      citation: {source: s1, quote: 月考核}
    - id: yearly
      title: {zh: 年考核, en: yearly}
      subject: {people: {roles: [community_officer]}}
      period: year
      items:
        - id: hours
          title: {zh: 工作时间, en: hours}
          from_rule: {rule: weekly-hours, per_pass: 1}
      citation: {source: s1, quote: 年考核}
"""

HEAD = """\
id: child
extends: parent
jurisdiction: 某区
title: {zh: 子, en: child}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # problems name files relative to the working directory


def load(tmp_path: Path, child: str) -> Policy:
    (tmp_path / "parent.yaml").write_text(PARENT, "utf-8")
    path = tmp_path / "child.yaml"
    path.write_text(HEAD + textwrap.dedent(child), "utf-8")
    return load_policy(path, registry=REG)


def problems(tmp_path: Path, child: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load(tmp_path, child)
    return [str(p) for p in info.value.problems]


def test_a_child_without_assessment_inherits_every_scheme(tmp_path: Path) -> None:
    policy = load(tmp_path, "")
    assert policy.assessment is not None
    assert [s.id for s in policy.assessment.schemes] == ["monthly", "yearly"]


def test_a_scheme_is_amended_by_id_its_items_replaced_removed_and_added(tmp_path: Path) -> None:
    policy = load(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: monthly
              base_score: 70
              remove_items: [visits]
              items:
                - id: hours
                  title: {zh: 工作时间, en: hours}
                  from_rule: {rule: weekly-hours, per_fail: 10}
                  max_deduction: 30
                - id: meetings
                  title: {zh: 会议, en: meetings}
                  from_metric: {activities: [household_visit], per_unit: 2}
        """,
    )
    assert policy.assessment is not None
    monthly, yearly = policy.assessment.schemes
    assert (monthly.id, yearly.id) == ("monthly", "yearly")
    assert monthly.base_score == 70
    assert monthly.title.en == "monthly"  # inherited keys stay
    assert [v.rule for v in monthly.vetoes] == ["weekly-hours"]
    assert [i.id for i in monthly.items] == ["hours", "meetings"]
    hours = monthly.items[0]
    assert hours.from_rule is not None
    assert (hours.from_rule.per_pass, hours.from_rule.per_fail) == (0, 10)  # replaced whole
    assert (hours.max_points, hours.max_deduction) == (None, 30)
    assert monthly.remove_items == []
    assert yearly.items[0].from_rule is not None
    assert yearly.items[0].from_rule.per_pass == 1


def test_schemes_are_removed_and_added_by_id(tmp_path: Path) -> None:
    policy = load(
        tmp_path,
        """\
        assessment:
          remove_schemes: [monthly]
          schemes:
            - id: quarterly
              title: {zh: 季考核, en: quarterly}
              subject: {people: {roles: [community_officer]}}
              period: quarter
              items:
                - id: hours
                  title: {zh: 工作时间, en: hours}
                  from_rule: {rule: weekly-hours, per_pass: 2}
              citation: {source: s1, quote: 季考核}
        """,
    )
    assert policy.assessment is not None
    assert [s.id for s in policy.assessment.schemes] == ["yearly", "quarterly"]


def test_removing_and_restating_a_scheme_replaces_it_whole(tmp_path: Path) -> None:
    policy = load(
        tmp_path,
        """\
        assessment:
          remove_schemes: [yearly]
          schemes:
            - id: yearly
              title: {zh: 年考核(新), en: yearly (new)}
              subject: {people: {roles: [community_officer]}}
              period: year
              items:
                - id: visits
                  title: {zh: 走访, en: visits}
                  from_metric: {activities: [household_visit], per_unit: 1}
              citation: {source: s1, quote: 年考核}
        """,
    )
    assert policy.assessment is not None
    yearly = policy.assessment.schemes[1]
    assert (yearly.title.en, [i.id for i in yearly.items]) == ("yearly (new)", ["visits"])


def test_removing_every_scheme_leaves_no_assessment(tmp_path: Path) -> None:
    policy = load(tmp_path, "assessment: {remove_schemes: [monthly, yearly]}\n")
    assert policy.assessment is None


def test_removing_unknown_ids_is_an_error_at_its_place(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          remove_schemes: [weekly]
          schemes:
            - id: monthly
              remove_items: [visits, patrols]
        """,
    )
    assert found == [
        "child.yaml:6:20: assessment.remove_schemes[0]: no inherited scheme 'weekly' to remove",
        "child.yaml:9:30: assessment.schemes[monthly].remove_items[1]: "
        "no inherited item 'patrols' to remove",
    ]


def test_a_scheme_wide_problem_of_an_amended_scheme_is_placed_at_the_childs_scheme(
    tmp_path: Path,
) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: monthly
              floor: 55
              cap: 50
        """,
    )
    assert found == ["child.yaml:7:7: assessment.schemes[monthly]: cap is below floor"]


def test_a_wrong_value_in_an_inherited_item_stays_in_the_child(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: monthly
              items:
                - id: visits
                  title: {zh: 走访, en: visits}
                  from_metric: {activities: [household_visit], per_unit: 1}
                  max_points: lots
        """,
    )
    assert found == [
        "child.yaml:12:23: assessment.schemes[monthly].items[visits].max_points: "
        'input should be a valid number, found "lots"'
    ]


def test_an_amendment_naming_an_unknown_rule_is_placed_in_the_child(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: yearly
              vetoes: [{rule: nope}]
        """,
    )
    assert found == [
        "child.yaml:8:23: assessment.schemes[yearly].vetoes[0].rule: "
        "unknown rule 'nope'; expected one of: weekly-hours"
    ]


def test_a_veto_on_a_removed_item_is_an_error_at_the_amended_scheme(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: monthly
              remove_items: [visits]
              vetoes: [{item: visits}]
        """,
    )
    assert found == [
        "child.yaml:7:7: assessment.schemes[monthly]: veto names unknown item 'visits'"
    ]


def test_duplicate_ids_in_one_file_are_errors(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: yearly
              base_score: 1
            - id: yearly
              base_score: 2
        """,
    )
    assert found == ["child.yaml:9:11: assessment.schemes[yearly].id: duplicate scheme id 'yearly'"]


def test_a_new_scheme_must_be_complete(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        assessment:
          schemes:
            - id: weekly
              period: week
        """,
    )
    assert any(p.startswith("child.yaml:7:") and "schemes[weekly]" in p for p in found), found


def doc_block(policy_id: str) -> str:
    """The text of the YAML block of docs/assessment.md holding the policy ``policy_id``."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), re.S)
    (block,) = [b for b in blocks if b.startswith(f"id: {policy_id}\n")]
    return str(block)


def test_the_worked_example_of_docs_assessment_md(tmp_path: Path) -> None:
    county, district = doc_block("county-example"), doc_block("district-example")
    (tmp_path / "county-example.yaml").write_text(county, "utf-8")
    (tmp_path / "district-example.yaml").write_text(district, "utf-8")
    tables = officers({"wang": 3}, {"wang": 20})
    data = make_dataset(tmp_path, tables)
    scores = {}
    for name in ("county-example", "district-example"):
        report = evaluate(load_policy(tmp_path / f"{name}.yaml"), data, "2022-03")
        (score,) = report.assessment.scores
        scores[name] = (score.total, [i.item for i in score.items])
    assert scores == {
        "county-example": (84, ["hours", "visits"]),
        "district-example": (80, ["hours", "publicity"]),
    }
    district_policy = load_policy(tmp_path / "district-example.yaml")
    assert district_policy.assessment is not None
    (scheme,) = district_policy.assessment.schemes
    assert (scheme.title.en, scheme.citation.source) == ("Monthly assessment", "county-rules")


def test_an_empty_scheme_list_is_an_error_at_the_list(tmp_path: Path) -> None:
    (tmp_path / "root.yaml").write_text(
        PARENT.split("assessment:")[0] + "assessment:\n  schemes: []\n", "utf-8"
    )
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "root.yaml", registry=REG)
    (problem,) = info.value.problems
    assert str(problem).startswith(
        "root.yaml:16:12: assessment.schemes: list should have at least 1"
    )
