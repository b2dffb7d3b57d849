"""Policy tests cannot pass vacuously, say what has no result, and write well-formed JUnit XML."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.errors import Problem
from gridpolicing.policy.registry import Registry
from gridpolicing.testing.junit import junit_xml, xml_text
from gridpolicing.testing.runner import CaseResult, FileResult, _close, run_test_file


def test_a_nan_found_never_matches_an_expected_number() -> None:
    assert not _close(math.nan, 1.0, 1e-9)
    assert not _close(math.inf, 1.0, 1e-9)
    assert _close(1.0, 1.0, 0)
    assert not _close(1.1, 1.0, 0.05)


@given(st.text(), st.text(), st.lists(st.text(), min_size=1, max_size=3))
def test_junit_xml_parses_whatever_the_names_and_messages(
    name: str, policy: str, failures: list[str]
) -> None:
    result = FileResult(
        file=name,
        policy=policy,
        cases=(CaseResult(name, tuple(failures), 0.1), CaseResult("ok", (), 0.0)),
        problems=tuple(Problem(name, 3, 1, "", f) for f in failures),
        skipped=((policy, 9),),
    )
    root = ET.fromstring(junit_xml([result]).encode("utf-8"))
    [suite] = list(root)
    assert suite.get("failures") == "2"
    assert suite.get("skipped") == "1"
    assert suite.get("name") == suite.get("file") == xml_text(name)


def test_xml_text_shows_what_it_replaces() -> None:
    assert xml_text("a\x01b\ud800c\td\n") == "a\\x01b\\ud800c\td\n"


_POLICY = """
id: p
jurisdiction: 某地
title: {zh: 示例, en: Example}
sources: [{id: s, title: 示例, issuer: 某局}]
rules:
  - id: covered
    kind: coverage
    title: {zh: 覆盖, en: Covered}
    severity: major
    subject: {units: {type: locality}}
    roles: [community_officer]
    citation: {source: s, quote: 每个社区配备社区民警}
  - id: other
    kind: coverage
    title: {zh: 另一, en: Other}
    severity: major
    subject: {units: {type: locality}}
    roles: [auxiliary]
    citation: {source: s, quote: 每个社区配备辅警}
"""

_CASES = """
policy: p.yaml
{covers}
base_data:
  units: [{{id: c1, type: locality}}]
  people: [{{id: o1}}]
cases:
  - name: covered
    period: 2022-03
    data: {{assignments: [{{id: a1, person: o1, unit: c1, role: community_officer,
                            start: 2022-01-01}}]}}
    expect: [{{rule: covered, subject: c1, status: pass}}]
  - name: not covered
    period: 2022-03
    expect: [{{rule: covered, subject: c1, status: fail}}]
"""


def test_covers_limits_the_rules_a_file_must_test(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(_POLICY, encoding="utf-8")
    test = tmp_path / "p.test.yaml"
    test.write_text(_CASES.format(covers=""), encoding="utf-8")
    whole = run_test_file(test, Registry.from_entry_points())
    assert any("rule 'other' has no case" in str(p) for p in whole.problems)
    test.write_text(_CASES.format(covers="covers: [covered]"), encoding="utf-8")
    part = run_test_file(test, Registry.from_entry_points())
    assert part.problems == ()
    assert all(not c.failures for c in part.cases)
    test.write_text(_CASES.format(covers="covers: [covered, nonesuch]"), encoding="utf-8")
    wrong = run_test_file(test, Registry.from_entry_points())
    assert any("has no rule or scheme 'nonesuch'" in str(p) for p in wrong.problems)


_SCHEME_POLICY = """\
id: p
jurisdiction: 示例区
title: {zh: 示例, en: Example}
sources: [{id: s, title: 示例办法, issuer: 示例分局}]
rules:
  - id: visits
    kind: cadence
    title: {zh: 每月走访, en: Monthly visits}
    severity: minor
    subject: {people: {roles: [dispatched_officer]}}
    period: month
    count: {activities: [household_visit]}
    min_count: 1
    citation: {source: s, quote: 每月走访}
assessment:
  schemes:
    - id: monthly
      title: {zh: 月考核, en: Monthly}
      subject: {people: {roles: [dispatched_officer]}}
      period: month
      items:
        - id: visits
          title: {zh: 走访, en: Visits}
          from_rule: {rule: visits, per_pass: 5, per_fail: 5}
          max_points: 5
      ranking: {scope: all}
      citation: {source: s, quote: 每月排名}
"""

_SCHEME_TESTS = """\
policy: p.yaml
base_data:
  units: [{id: v1, type: locality}]
  people: [{id: dp1}, {id: co1}]
  assignments:
    - {id: a1, person: dp1, unit: v1, role: dispatched_officer, start: 2022-01-01}
    - {id: a2, person: co1, unit: v1, role: community_officer, start: 2022-01-01}
cases:
  - name: the community officer is not a subject of the scheme
    period: 2022-04
    expect_assessment:
      - {scheme: monthly, subject: co1, absent: true}
      - {scheme: monthly, subject: dp1, bucket: 2022-04, rank: 1}
  - name: wrongly says the dispatched officer has no result
    period: 2022-04
    expect_assessment: [{scheme: monthly, subject: dp1, absent: true}]
"""


def test_an_assessment_expectation_can_say_a_subject_has_no_result(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(_SCHEME_POLICY, encoding="utf-8")
    test_file = tmp_path / "p.test.yaml"
    test_file.write_text(_SCHEME_TESTS, encoding="utf-8")
    result = run_test_file(test_file, Registry.from_entry_points())
    absent_ok, absent_wrong = result.cases
    assert absent_ok.failures == ()
    assert absent_wrong.failures == ("assessment monthly / dp1: expected no result, found 1",)


def test_an_absent_assessment_result_cannot_also_expect_values(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(_SCHEME_POLICY, encoding="utf-8")
    test_file = tmp_path / "p.test.yaml"
    test_file.write_text(
        _SCHEME_TESTS.replace(
            "{scheme: monthly, subject: co1, absent: true}",
            "{scheme: monthly, subject: co1, absent: true, rank: 1}",
        ),
        encoding="utf-8",
    )
    result = run_test_file(test_file, Registry.from_entry_points())
    assert result.cases == ()
    assert any("absent: true expects no total" in str(p) for p in result.problems)


def test_a_roll_up_expectation_cannot_name_a_status() -> None:
    from pydantic import ValidationError

    from gridpolicing.testing.models import AssessmentExpectation

    with pytest.raises(ValidationError, match="a roll-up has no status"):
        AssessmentExpectation(scheme="s", subject="p", rollup=True, status="vetoed")


def test_a_period_results_consequences_are_checked(tmp_path: Path) -> None:
    policy = _SCHEME_POLICY.replace(
        "      ranking: {scope: all}\n",
        "      ranking: {scope: all}\n"
        "      consequences:\n"
        "        - {id: award, title: {zh: 奖, en: Award}, tiers: [{share: 1, amount: 100}]}\n",
    )
    (tmp_path / "p.yaml").write_text(policy, encoding="utf-8")
    test_file = tmp_path / "p.test.yaml"
    cases = _SCHEME_TESTS.replace(
        "{scheme: monthly, subject: dp1, bucket: 2022-04, rank: 1}",
        "{scheme: monthly, subject: dp1, bucket: 2022-04, rank: 1, consequences: []}",
    )
    test_file.write_text(cases, encoding="utf-8")
    result = run_test_file(test_file, Registry.from_entry_points())
    assert result.cases[0].failures == (
        "assessment monthly / dp1 / 2022-04 [2022-04]: expected consequences [], found ['award']",
    )
