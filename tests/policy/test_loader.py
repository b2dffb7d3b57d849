"""Loading policies: every problem at once, at its line and column, in words an author reads."""

from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridpolicing import PolicyError, load_policy
from tests.helpers import registry_of

REG = registry_of({"time_commitment", "cadence"})

GOOD = """\
id: demo
jurisdiction: 测试区
title: {zh: 测试, en: test}
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
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(path, registry=REG)
    return [str(p) for p in info.value.problems]


def test_good_policy_loads(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, GOOD), registry=REG)
    assert [r.id for r in policy.rules] == ["weekly-hours"]
    assert policy.content_hash.startswith("sha256:")
    assert policy.origins["weekly-hours"].endswith("p.yaml:7")


def test_all_errors_are_reported_with_line_and_column(tmp_path: Path) -> None:
    bad = (
        GOOD.replace("min_hours: 24", "min_hours: three")
        .replace("severity: major", "severity: huge")
        .replace("period: week", "period: week\n    colour: red")
    )
    path = write(tmp_path, bad)
    found = problems(path)
    f = str(path.resolve())
    assert found == [
        f"{f}:10:15: rules[weekly-hours].severity: input should be 'critical', 'major' or 'minor', "
        f'found "huge"',
        f"{f}:13:5: rules[weekly-hours].colour: unknown key 'colour'; expected one of: "
        "activity_kinds, citation, effective_from, effective_to, id, kind, min_days, min_hours, "
        "min_hours_per_day, min_working_days, note, period, severity, subject, title",
        f'{f}:14:16: rules[weekly-hours].min_hours: expected a number, not text, found "three"',
    ]


def test_unknown_kind_lists_the_allowed_kinds(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: time_commitment", "kind: time_comitment"))
    [msg] = problems(path)
    assert msg.endswith(
        ":8:11: rules[weekly-hours].kind: unknown kind 'time_comitment'; "
        "expected one of: cadence, time_commitment"
    )


def test_near_miss_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("min_hours: 24", "min_hour: 24"))
    found = problems(path)
    assert any(
        "unknown key 'min_hour' (did you mean 'min_hours'?); expected one of:" in p for p in found
    )


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("period: week", "period: week\n    period: month"))
    [msg] = problems(path)
    assert (
        msg.endswith(":13:5: rules[6]: duplicate key 'period'") or "duplicate key 'period'" in msg
    )
    assert ":13:5:" in msg


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD.replace(
            "jurisdiction: 测试区", "jurisdiction: !!python/object/apply:os.system [echo hi]"
        ),
    )
    [msg] = problems(path)
    assert msg.endswith(
        ":2:15: jurisdiction: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"
    )


def test_unknown_citation_source(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("source: s1, quote", "source: s2, quote"))
    [msg] = problems(path)
    assert msg.endswith(
        "rules[weekly-hours].citation.source: unknown source 's2'; expected one of: s1"
    )
    assert ":14:24:" in msg


def test_extends_inherits_overrides_and_substitutes_parameters(tmp_path: Path) -> None:
    template = GOOD.replace("id: demo", "id: base").replace(
        "min_hours: 24", "min_hours: {param: weekly_hours}"
    ) + textwrap.dedent("""\
        parameters:
          weekly_hours:
            type: number
            description: {zh: 每周小时数, en: hours a week}
        """)
    write(tmp_path, template, "base.yaml")
    child = write(
        tmp_path,
        """\
        id: child
        extends: base
        jurisdiction: 某区
        title: {zh: 子, en: child}
        parameter_values: {weekly_hours: 20}
        """,
        "child.yaml",
    )
    policy = load_policy(child, registry=REG)
    assert policy.rule("weekly-hours").min_hours == 20  # type: ignore[attr-defined]
    assert policy.files[0].endswith("base.yaml")
    assert policy.files[1].endswith("child.yaml")
    assert policy.origins["weekly-hours"].endswith("base.yaml:7")
    with pytest.raises(PolicyError, match="missing values for required parameters: weekly_hours"):
        load_policy(tmp_path / "base.yaml", registry=REG)
    assert load_policy(tmp_path / "base.yaml", registry=REG, allow_template=True).is_template


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("id: demo", "id: a\nextends: b"), "a.yaml")
    write(tmp_path, GOOD.replace("id: demo", "id: b\nextends: a"), "b.yaml")
    with pytest.raises(PolicyError, match="cycle"):
        load_policy(tmp_path / "a.yaml", registry=REG)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_policy_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(PolicyError):
        load_policy(path, registry=REG)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["week", "time_commitment", "s1"]),
)
_keys = st.sampled_from(
    [
        "id",
        "kind",
        "rules",
        "title",
        "zh",
        "en",
        "period",
        "min_hours",
        "subject",
        "people",
        "roles",
        "citation",
        "source",
        "quote",
        "sources",
        "jurisdiction",
        "severity",
        "extends",
        "parameters",
        "x",
    ]
)
_docs = st.recursive(
    _scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(_keys, c, max_size=5),
    max_leaves=20,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_keys, _docs, max_size=8))
def test_arbitrary_policy_shaped_documents_raise_only_policy_error(
    tmp_path: Path, doc: dict[str, object]
) -> None:
    import yaml

    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with contextlib.suppress(PolicyError):
        load_policy(path, registry=REG)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"twenty"', "parameter_values.weekly_hours: expected a number, found 'twenty'"),
        ("0", "parameter_values.weekly_hours: expected a number >= 1, found 0"),
        ("true", "parameter_values.weekly_hours: expected a number, found True"),
    ],
)
def test_parameter_values_are_checked_against_their_declaration(
    tmp_path: Path, value: str, message: str
) -> None:
    template = GOOD.replace("id: demo", "id: base").replace(
        "min_hours: 24", "min_hours: {param: weekly_hours}"
    ) + textwrap.dedent("""\
        parameters:
          weekly_hours:
            type: number
            minimum: 1
            description: {zh: 每周小时数, en: hours a week}
        """)
    write(tmp_path, template, "base.yaml")
    child = write(
        tmp_path,
        f"""\
        id: child
        extends: base
        jurisdiction: 某区
        title: {{zh: 子, en: child}}
        parameter_values: {{weekly_hours: {value}}}
        """,
        "child.yaml",
    )
    found = problems(child)
    assert any(p.endswith(message) and ":5:" in p for p in found), found
