"""Parameters checked when a policy is validated: missing values and a range's ends out of order.

``gridpolicing validate`` accepts a template alone (it declares what it leaves open) but not an
instantiation that leaves a value unset, nor one whose lower end of a range is above its upper
end; both are reported at the value's line and column, exit code 1, no traceback.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing import PolicyError, Registry, load_policy
from gridpolicing.cli.main import main

REG = Registry.from_entry_points()

TEMPLATE = """\
id: base
jurisdiction: 测试区
title: {zh: 模板, en: template}
sources: [{id: s1, title: 测试文件, issuer: 测试局}]
parameters:
  officers_min:
    type: integer
    minimum: 1
    at_most: officers_max
    description: {zh: 下限, en: fewest}
  officers_max:
    type: integer
    minimum: 1
    description: {zh: 上限, en: most}
rules:
  - id: officers
    kind: staffing
    title: {zh: 每室民警*至*人, en: officers per office}
    severity: major
    subject: {units: {type: office}}
    roles: [community_officer]
    min_people: {param: officers_min}
    max_people: {param: officers_max}
    citation: {source: s1, quote: 每室民警*至*人}
"""


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def child(tmp_path: Path, values: dict[str, Any], name: str = "child.yaml") -> Path:
    """A policy extending ``base.yaml`` with ``values`` (the mapping's first key on line 8)."""
    write(tmp_path, TEMPLATE, "base.yaml")
    doc = {
        "id": "child",
        "extends": "base",
        "jurisdiction": "某区",
        "title": {"zh": "子", "en": "child"},
        "parameter_values": values,
    }
    return write(tmp_path, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), name)


def problems(path: Path, *, allow_template: bool = True) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(path, registry=REG, allow_template=allow_template)
    return [str(p) for p in info.value.problems]


def test_a_template_alone_is_valid_where_templates_are_allowed(tmp_path: Path) -> None:
    base = write(tmp_path, TEMPLATE, "base.yaml")
    assert load_policy(base, registry=REG, allow_template=True).is_template


def test_an_instantiation_missing_a_value_is_an_error_even_where_templates_are_allowed(
    tmp_path: Path,
) -> None:
    path = child(tmp_path, {"officers_min": 1})
    [message] = problems(path)
    assert message == (
        f"{path}:8:3: parameter_values: missing values for required parameters: officers_max "
        f"(declared in {tmp_path / 'base.yaml'}); expected a value for each under parameter_values"
    )


def test_an_extending_file_without_parameter_values_is_placed_at_extends(tmp_path: Path) -> None:
    write(tmp_path, TEMPLATE, "base.yaml")
    path = write(
        tmp_path,
        """\
        id: child
        extends: base
        jurisdiction: 某区
        title: {zh: 子, en: child}
        """,
        "child.yaml",
    )
    [message] = problems(path)
    assert message.startswith(f"{path}:2:10: parameter_values: missing values for required")
    assert "officers_max, officers_min" in message


def test_a_file_declaring_its_own_open_parameter_stays_a_template(tmp_path: Path) -> None:
    """A template may extend a template and leave the parent's parameters open too."""
    write(tmp_path, TEMPLATE, "base.yaml")
    path = write(
        tmp_path,
        """\
        id: province
        extends: base
        jurisdiction: 某省
        title: {zh: 省模板, en: provincial template}
        parameter_values: {officers_min: 1}
        parameters:
          team_min:
            type: integer
            description: {zh: 队员数, en: team size}
        """,
        "province.yaml",
    )
    assert load_policy(path, registry=REG, allow_template=True).is_template
    # and without templates allowed, every open parameter is named
    [message] = problems(path, allow_template=False)
    assert "missing values for required parameters: officers_max, team_min" in message


def test_a_lower_end_above_its_upper_end_is_an_error_at_the_value(tmp_path: Path) -> None:
    path = child(tmp_path, {"officers_min": 3, "officers_max": 2})
    [message] = problems(path)
    assert message == (
        f"{path}:8:17: parameter_values.officers_min: officers_min is 3, above officers_max (2); "
        "expected at most 2, because officers_min is the lower end of the range officers_max "
        "closes"
    )


def test_equal_ends_are_a_range_of_one(tmp_path: Path) -> None:
    policy = load_policy(child(tmp_path, {"officers_min": 2, "officers_max": 2}), registry=REG)
    rule = policy.rule("officers")
    assert (rule.min_people, rule.max_people) == (2, 2)  # type: ignore[attr-defined]


def test_defaults_out_of_order_are_an_error_in_the_template(tmp_path: Path) -> None:
    upper = "    description: {zh: 上限, en: most}\n"
    text = TEMPLATE.replace(
        "    at_most: officers_max\n", "    at_most: officers_max\n    default: 4\n"
    ).replace(upper, upper + "    default: 3\n")
    path = write(tmp_path, text, "base.yaml")
    [message] = problems(path)
    assert ":10:14: parameters.officers_min.default: officers_min is 4, above officers_max (3)" in (
        message
    )


@pytest.mark.parametrize(
    ("at_most", "expected"),
    [
        ("officers_typo", "unknown parameter 'officers_typo' in at_most; expected one of: "),
        ("officers_min", "unknown parameter 'officers_min' in at_most; expected one of: "),
    ],
)
def test_at_most_must_name_another_parameter(tmp_path: Path, at_most: str, expected: str) -> None:
    text = TEMPLATE.replace("at_most: officers_max", f"at_most: {at_most}")
    [message] = problems(write(tmp_path, text, "b.yaml"))
    assert message.endswith(f"parameters.officers_min.at_most: {expected}officers_max")
    assert ":9:14:" in message


def test_at_most_relates_numbers_only(tmp_path: Path) -> None:
    text = TEMPLATE.replace(
        "    description: {zh: 上限, en: most}\n",
        "    description: {zh: 上限, en: most}\n  label:\n    type: string\n"
        "    at_most: officers_max\n    description: {zh: 名称, en: label}\n",
    )
    [message] = problems(write(tmp_path, text, "b.yaml"))
    assert message.endswith(
        "at_most relates numbers; 'label' and 'officers_max' must both be numbers"
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.integers(1, 50), high=st.integers(1, 50))
def test_a_range_is_valid_exactly_when_its_ends_are_in_order(
    tmp_path: Path, low: int, high: int
) -> None:
    path = child(tmp_path, {"officers_min": low, "officers_max": high})
    if low <= high:
        rule = load_policy(path, registry=REG).rule("officers")
        assert (rule.min_people, rule.max_people) == (low, high)  # type: ignore[attr-defined]
    else:
        [message] = problems(path)
        assert f"officers_min is {low}, above officers_max ({high})" in message


# --- through the command line, with the bundled template ---------------------------------

BASELINE_VALUES = {
    "officers_per_office_min": 1,
    "officers_per_office_max": 2,
    "security_cadres_per_community_min": 1,
    "auxiliaries_per_office_min": 2,
    "security_team_min": 3,
    "annual_reward_top_n": 2,
    "annual_disqualify_bottom_n": 1,
}


def district(tmp_path: Path, values: dict[str, Any]) -> Path:
    doc = {
        "id": "district",
        "extends": "baseline-community-policing",
        "jurisdiction": "测试区",
        "title": {"zh": "测试区社区警务", "en": "Test district"},
        "parameter_values": values,
    }
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def test_validate_accepts_a_complete_instantiation_of_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = district(tmp_path, BASELINE_VALUES)
    assert main(["validate", str(path)]) == 0
    assert f"{path}: ok" in capsys.readouterr().out


def test_validate_refuses_an_instantiation_missing_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {k: v for k, v in BASELINE_VALUES.items() if not k.startswith("security")}
    path = district(tmp_path, values)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert "ok" not in out.out
    assert "Traceback" not in out.err
    assert f"{path}:8:3: parameter_values: missing values for required parameters: " in out.err
    assert "security_cadres_per_community_min, security_team_min (declared in " in out.err
    assert "baseline-community-policing.yaml); expected a value for each" in out.err
    assert "1 file(s) checked, 1 invalid" in out.err


def test_validate_refuses_a_minimum_above_its_maximum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {**BASELINE_VALUES, "officers_per_office_min": 3}
    path = district(tmp_path, values)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert (
        f"{path}:8:28: parameter_values.officers_per_office_min: officers_per_office_min is 3, "
        "above officers_per_office_max (2); expected at most 2"
    ) in out.err


def test_validate_still_accepts_the_template_alone(capsys: pytest.CaptureFixture[str]) -> None:
    from gridpolicing.policy.resources import bundled_dir

    template = bundled_dir("policies") / "baseline-community-policing.yaml"
    assert main(["validate", str(template)]) == 0
    assert ": ok" in capsys.readouterr().out
