"""Numbers in policies: finite, in range, never booleans or text; every problem at once."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gridpolicing import PolicyError, load_policy
from gridpolicing.policy.values import THRESHOLD_MAX, check_threshold
from gridpolicing.policy.yamlsrc import parse_yaml
from tests.helpers import registry_of
from tests.policy.test_loader import GOOD

REG = registry_of({"time_commitment", "staffing", "ratio"})


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path, registry=REG)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("true", "expected a number, not a boolean, found True"),
        ('"24"', 'expected a number, not text, found "24"'),
        ("0", "expected a number greater than 0, found 0"),
        ("-24", "expected a number greater than 0, found -24"),
        ("1e16", "expected a number at most 1,000,000,000,000,000, found 1e+16"),
        (".inf", "min_hours: .inf is not a finite number"),
        (".nan", "min_hours: .nan is not a finite number"),
        ("1e309", "min_hours: 1e309 is out of range for a number"),
        ("9" * 5000, "(5000 characters) is out of range"),
        (str(2**63), "integers must be between"),
        ("{values: {2016-01-01: 24, 2017-01-01: 0}}", "expected a number greater than 0, found 0"),
    ],
)
def test_a_threshold_must_be_a_finite_positive_number(
    tmp_path: Path, value: str, message: str
) -> None:
    [found] = problems(tmp_path, GOOD.replace("min_hours: 24", f"min_hours: {value}"))
    assert message in found
    assert "p.yaml:13:" in found  # file:line:col, then the path and the message


def test_a_parameter_value_reaching_a_threshold_is_checked(tmp_path: Path) -> None:
    text = GOOD.replace("min_hours: 24", "min_hours: {param: hours}").replace(
        "rules:",
        "parameters:\n  hours: {type: number, description: {zh: 时, en: h}, default: true}\nrules:",
    )
    found = problems(tmp_path, text)
    assert any("parameters.hours.default: expected a number, found True" in p for p in found)


def test_an_upper_bound_may_be_zero_but_not_negative(tmp_path: Path) -> None:
    rule = """
      - id: no-part-timers
        kind: staffing
        title: {zh: 无兼职, en: no part-timers}
        severity: major
        subject: {units: {type: office}}
        roles: [community_officer]
        max_people: MAX
        citation: {source: s1, quote: 专职}
    """
    text = GOOD + textwrap.indent(textwrap.dedent(rule).lstrip("\n"), "  ")
    path = tmp_path / "ok.yaml"
    path.write_text(text.replace("MAX", "0"), encoding="utf-8")
    assert load_policy(path, registry=REG).rule("no-part-timers").max_people == 0  # type: ignore[attr-defined]
    [found] = problems(tmp_path, text.replace("MAX", "-1"))
    assert "max_people: expected a number at least 0, found -1" in found


def test_ratio_per_zero_is_refused(tmp_path: Path) -> None:
    rule = """
      - id: r
        kind: ratio
        title: {zh: 比例, en: ratio}
        severity: major
        subject: {units: {type: locality}}
        roles: [auxiliary]
        measures: [{measure: households, per: 0}]
        citation: {source: s1, quote: 每户}
    """
    text = GOOD + textwrap.indent(textwrap.dedent(rule).lstrip("\n"), "  ")
    [found] = problems(tmp_path, text)
    assert "rules[r].measures[0].per: expected a number greater than 0, found 0" in found


def test_a_type_error_hides_neither_citations_nor_duplicate_ids(tmp_path: Path) -> None:
    text = GOOD.replace("min_hours: 24", "min_hours: three").replace(
        "source: s1, quote", "source: nowhere, quote"
    )
    duplicate = text[text.index("  - id: weekly-hours") :]
    text = text + duplicate + "sources_extra: 1\n"
    text = text.replace(
        "sources:\n  - {id: s1, title: 文本, issuer: 某局}",
        "sources:\n  - {id: s1, title: 文本, issuer: 某局}\n  - {id: s1, title: 又, issuer: 某局}",
    )
    found = problems(tmp_path, text)
    assert any("rules[weekly-hours].min_hours: expected a number, not text" in p for p in found)
    assert any("unknown source 'nowhere'; expected one of: s1" in p for p in found)
    assert any("duplicate rule id 'weekly-hours'" in p for p in found)
    assert any(":6:10: sources[s1].id: duplicate source id 's1'" in p for p in found)
    assert any("unknown key 'sources_extra'" in p for p in found)


def test_the_published_schema_flags_a_zero_threshold_as_an_editor_would() -> None:
    root = Path(__file__).resolve().parents[2]
    schema = json.loads((root / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    for hours, valid in (("24", True), ("0", False), ("-1", False), ("1e16", False)):
        source, _ = parse_yaml(GOOD.replace("min_hours: 24", f"min_hours: {hours}"), "p.yaml")
        assert source is not None
        assert validator.is_valid(source.data) is valid, hours


@given(
    st.floats(min_value=0, max_value=THRESHOLD_MAX, exclude_min=True)
    | st.integers(1, THRESHOLD_MAX)
)
def test_every_threshold_in_range_is_accepted(v: float) -> None:
    assert check_threshold(v) == v


@given(
    st.floats(max_value=0)
    | st.floats(min_value=THRESHOLD_MAX, exclude_min=True)
    | st.integers(max_value=0)
    | st.booleans()
    | st.text()
)
def test_every_threshold_out_of_range_is_refused(v: object) -> None:
    with pytest.raises(ValueError, match="expected a"):
        check_threshold(v)
