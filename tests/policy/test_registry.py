"""The rule-kind registry: entry points, the contract, and a third-party kind used from YAML."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import get_args

import pytest

from gridpolicing import Registry, RuleKind, evaluate, load_policy
from gridpolicing.policy.registry import PluginError
from tests.helpers import make_dataset

BUILT_INS = {
    "cadence",
    "checklist",
    "count",
    "duty_coverage",
    "measure",
    "coverage",
    "funding",
    "post",
    "prohibition",
    "ratio",
    "registration",
    "staffing",
    "target",
    "tenure",
    "time_commitment",
    "visit_quality",
}


def test_built_ins_register_through_the_entry_point_group() -> None:
    registry = Registry.from_entry_points()
    assert set(registry) == BUILT_INS
    assert list(registry) == sorted(registry)


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_every_built_in_satisfies_the_contract(name: str) -> None:
    kind = Registry.from_entry_points()[name]
    assert isinstance(kind, RuleKind)
    assert get_args(kind.spec.model_fields["kind"].annotation) == (name,)
    assert kind.spec.model_config.get("extra") == "forbid"
    assert kind.spec.model_config.get("frozen") is True
    doc = type(kind).__doc__ or ""
    assert doc.strip(), f"{name} has no docstring"
    assert "::" in (kind.spec.__doc__ or ""), f"{name}'s spec docstring has no YAML example"


PLUGIN = '''
from __future__ import annotations
from typing import ClassVar, Literal
from gridpolicing.policy.models import Period, RuleSpec
from gridpolicing.policy.values import Text


class AlwaysRule(RuleSpec):
    """Every unit of the subject passes or fails as the author says."""
    kind: Literal["always"]
    outcome: Literal["pass", "fail"]


class AlwaysKind:
    name: ClassVar[str] = "always"
    spec: ClassVar[type[RuleSpec]] = AlwaysRule

    def plan(self, rule, ctx):
        return f"""SELECT subject_type, subject_id, bucket, bstart AS bucket_start,
                          bend AS bucket_end, {ctx.lit(rule.outcome)} AS status,
                          NULL AS measured, NULL AS required, [] AS evidence, NULL AS detail
                   FROM {ctx.subjects(Period.month)}"""

    def describe(self, rule, finding):
        return Text(zh="总是", en="always")


KIND = AlwaysKind()
'''


def _install_plugin(root: Path, name: str = "always", target: str = "gp_extra:KIND") -> None:
    (root / "gp_extra.py").write_text(PLUGIN, encoding="utf-8")
    dist = root / "gp_extra-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gp-extra\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[gridpolicing.rules]\n{name} = {target}\n")


def test_a_third_party_kind_is_found_and_used_from_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site").mkdir()
    _install_plugin(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    registry = Registry.from_entry_points()
    assert "always" in registry
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text(
        textwrap.dedent("""\
        id: plugin-demo
        jurisdiction: 测试区
        title: {zh: 插件, en: plugin}
        sources: [{id: s, title: t, issuer: i}]
        rules:
          - id: always-fail
            kind: always
            outcome: fail
            title: {zh: 总是失败, en: always fails}
            severity: minor
            subject: {units: {type: locality}}
            citation: {source: s, quote: 条款}
        """),
        encoding="utf-8",
    )
    policy = load_policy(policy_file, registry=registry)
    data = make_dataset(tmp_path, {"units": [{"id": "c1", "type": "locality"}]})
    [finding] = list(evaluate(policy, data, "2022-03").findings)
    assert (finding.rule, finding.subject_id, finding.status.value) == ("always-fail", "c1", "fail")


def test_a_plugin_whose_entry_name_disagrees_is_rejected_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site").mkdir()
    _install_plugin(tmp_path / "site", name="sometimes")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginError, match="'sometimes' from gp-extra names itself 'always'"):
        Registry.from_entry_points()


def test_a_plugin_that_fails_to_import_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site").mkdir()
    _install_plugin(tmp_path / "site", target="gp_missing:KIND")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginError, match=r"cannot load rule kind 'always' from gp-extra"):
        Registry.from_entry_points()


def test_duplicate_kinds_are_rejected() -> None:
    kind = Registry.from_entry_points()["staffing"]
    with pytest.raises(PluginError, match="registered twice"):
        Registry([kind, kind])
