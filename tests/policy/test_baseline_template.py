"""The baseline-community-policing template: required parameters, and instantiation by extends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gridpolicing import (
    Dataset,
    GridPolicingError,
    Policy,
    PolicyError,
    Registry,
    evaluate,
    load_dataset,
    load_policy,
)
from gridpolicing.policy.resources import bundled_dir

REGISTRY = Registry.from_entry_points()
TEMPLATE = bundled_dir("policies") / "baseline-community-policing.yaml"

VALUES = {
    "officers_per_office_min": 1,
    "officers_per_office_max": 2,
    "security_cadres_per_community_min": 1,
    "auxiliaries_per_office_min": 2,
    "security_team_min": 3,
    "annual_reward_top_n": 1,
    "annual_disqualify_bottom_n": 1,
}

# One urban office with one community officer, assigned for the whole of March 2024.
TABLES: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"id": "st1", "type": "station", "area": "urban"},
        {"id": "o1", "type": "office", "area": "urban", "station": "st1"},
        {
            "id": "c1",
            "type": "locality",
            "category": "urban_community",
            "area": "urban",
            "station": "st1",
            "office": "o1",
        },
    ],
    "people": [{"id": "p1", "party_member": True}],
    "assignments": [
        {
            "id": "a1",
            "person": "p1",
            "unit": "o1",
            "role": "community_officer",
            "start": "2024-01-01",
            "posts": ["deputy_party_secretary"],
        },
    ],
}


def dataset(tmp_path: Path, tables: dict[str, list[dict[str, Any]]], policy: Policy) -> Dataset:
    """Write ``tables`` as a YAML dataset and load it with the terms ``policy`` adds."""
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    return load_dataset(path, vocabulary=policy.vocabulary)


def declared_parameters() -> list[str]:
    """The parameter names the template file declares, read straight from its YAML."""
    doc = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return sorted(doc["parameters"])


def instantiate(tmp_path: Path, values: dict[str, Any], name: str = "district") -> Path:
    """Write a policy that extends the template (by id) with ``values``; return its path."""
    doc = {
        "id": name,
        "extends": "baseline-community-policing",
        "jurisdiction": "测试区",
        "title": {"zh": "测试区社区警务", "en": "Test district community policing"},
        "parameter_values": values,
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def test_template_declares_every_anonymised_quantity_without_default() -> None:
    template = load_policy(TEMPLATE, registry=REGISTRY, allow_template=True)
    assert template.is_template
    assert template.parameters == {}  # no defaults: every value must come from a jurisdiction
    assert declared_parameters() == sorted(VALUES)


def test_template_alone_fails_naming_every_missing_parameter() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(TEMPLATE, registry=REGISTRY)
    messages = [p.message for p in info.value.problems]
    expected = "missing values for required parameters: " + ", ".join(declared_parameters())
    assert messages == [expected + "; expected a value for each under parameter_values"]


def test_template_cannot_be_evaluated(tmp_path: Path) -> None:
    template = load_policy(TEMPLATE, registry=REGISTRY, allow_template=True)
    data = dataset(tmp_path, TABLES, template)
    with pytest.raises(GridPolicingError, match="is a template"):
        evaluate(template, data, "2024-03")


def test_instantiation_missing_one_value_names_it(tmp_path: Path) -> None:
    values = {k: v for k, v in VALUES.items() if k != "security_team_min"}
    with pytest.raises(PolicyError) as info:
        load_policy(instantiate(tmp_path, values), registry=REGISTRY)
    messages = [p.message for p in info.value.problems]
    [message] = messages
    assert message.startswith("missing values for required parameters: security_team_min (")


def test_instantiation_with_an_unknown_parameter_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="unknown parameter 'officers_per_office'"):
        load_policy(instantiate(tmp_path, {**VALUES, "officers_per_office": 1}), registry=REGISTRY)


def test_instantiation_inherits_rules_and_substitutes_values(tmp_path: Path) -> None:
    policy = load_policy(instantiate(tmp_path, VALUES), registry=REGISTRY)
    assert not policy.is_template
    assert policy.id == "district"
    assert policy.parameters == VALUES
    assert policy.files[0].endswith("baseline-community-policing.yaml")
    assert len(policy.files) == 2
    rule = policy.rule("officers-per-office")
    assert (rule.min_people, rule.max_people) == (1, 2)  # type: ignore[attr-defined]
    assert (
        policy.origins["officers-per-office"]
        .split(":")[0]
        .endswith("baseline-community-policing.yaml")
    )


@pytest.mark.parametrize(("minimum", "status", "required"), [(1, "pass", 1.0), (2, "fail", 2.0)])
def test_parameter_value_changes_the_outcome(
    tmp_path: Path, minimum: int, status: str, required: float
) -> None:
    """The same office with one officer keeps a 1-2 standard and breaks a 2-3 standard."""
    values = {**VALUES, "officers_per_office_min": minimum, "officers_per_office_max": 3}
    policy = load_policy(instantiate(tmp_path, values), registry=REGISTRY)
    data = dataset(tmp_path, TABLES, policy)
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(policy, data, "2024-03")
    [finding] = [
        f for f in report.findings if f.rule == "officers-per-office" and f.subject_id == "o1"
    ]
    assert finding.bucket == "2024-03"
    assert finding.status.value == status
    assert finding.measured == 1
    assert finding.required == required
    # the parameter-free 一室一警 rule is unaffected by the value
    [one] = [
        f for f in report.findings if f.rule == "one-officer-per-office" and f.subject_id == "o1"
    ]
    assert one.status.value == "pass"


def _officers_with_activity(counts: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """TABLES plus community officers at o1 logging ``counts[person]`` patrols in March 2024."""
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    for person in counts:
        if person != "p1":
            tables["people"].append({"id": person})
            tables["assignments"].append(
                {
                    "id": f"a-{person}",
                    "person": person,
                    "unit": "o1",
                    "role": "community_officer",
                    "start": "2024-01-01",
                }
            )
    tables["activities"] = [
        {
            "id": f"{person}-patrol-{i}",
            "person": person,
            "unit": "o1",
            "kind": "patrol",
            "start": f"2024-03-{i + 4:02d} 09:00",
            "end": f"2024-03-{i + 4:02d} 10:00",
        }
        for person, n in counts.items()
        for i in range(n)
    ]
    return tables


@pytest.mark.parametrize(
    ("top_n", "rewarded"), [(1, ["p1"]), (2, ["p1", "p2"]), (3, ["p1", "p2", "p3"])]
)
def test_annual_reward_top_n_changes_who_is_rewarded(
    tmp_path: Path, top_n: int, rewarded: list[str]
) -> None:
    """年考核重奖前**名: the same year rewards the top ``annual_reward_top_n`` officers."""
    values = {**VALUES, "annual_reward_top_n": top_n, "annual_disqualify_bottom_n": 1}
    policy = load_policy(instantiate(tmp_path, values), registry=REGISTRY)
    assert policy.assessment is not None
    [scheme] = [s for s in policy.assessment.schemes if s.id == "monthly-ranking"]
    assert scheme.rollup is not None
    assert (scheme.rollup.reward_top, scheme.rollup.sanction_bottom) == (top_n, 1)
    # March 2024: p1 4 patrols, p2 3, p3 2, p4 1 (prevention: 1 point each, under the cap of 20)
    data = dataset(
        tmp_path,
        _officers_with_activity({"p1": 4, "p2": 3, "p3": 2, "p4": 1}),
        policy,
    )
    assert not data.rejected, [str(r) for r in data.rejected]
    report = evaluate(policy, data, "2024")
    year = {r.subject_id: r for r in report.assessment.rollups if r.scheme == "monthly-ranking"}
    assert sorted(year) == ["p1", "p2", "p3", "p4"]
    assert [year[p].rank for p in ("p1", "p2", "p3", "p4")] == [1, 2, 3, 4]
    assert year["p1"].score == pytest.approx(4 / 12)
    assert sorted(p for p, r in year.items() if "reward" in r.consequences) == rewarded
    # the bottom one is sanctioned whatever the reward parameter
    assert sorted(year["p4"].consequences) == ["admonishment_talk", "loses_award_eligibility"]
    assert [p for p, r in year.items() if "admonishment_talk" in r.consequences] == ["p4"]


# --- the readings the template chose, against the other readings of the same words --------


def _with_rule(tmp_path: Path, rule: dict[str, Any], name: str) -> Path:
    """An instantiation replacing one of the template's rules (by id) with ``rule``."""
    path = instantiate(tmp_path, VALUES, name)
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["rules"] = [rule]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _status(policy: Policy, data: Dataset, rule: str, subject: str) -> str:
    report = evaluate(policy, data, "2024-03")
    [finding] = [f for f in report.findings if f.rule == rule and f.subject_id == subject]
    return finding.status.value


def test_deputy_director_reading_against_the_membership_split(tmp_path: Path) -> None:
    """兼任社区副书记或副主任: the template lets a party member hold either post. The other
    reading (party members 副书记, the others 副主任, as Xindu splits its posts) fails a party
    member who is the community's deputy director."""
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    tables["assignments"][0]["posts"] = ["community_deputy_director"]
    ours = load_policy(instantiate(tmp_path, VALUES), registry=REGISTRY)
    assert _status(ours, dataset(tmp_path, tables, ours), "officer-community-post", "p1") == "pass"
    rule = {
        **_template_rule("officer-community-post"),
        "party_member_post": "deputy_party_secretary",
        "non_member_post": "community_deputy_director",
    }
    other = load_policy(_with_rule(tmp_path, rule, "split"), registry=REGISTRY)
    data = dataset(tmp_path, tables, other)
    assert _status(other, data, "officer-community-post", "p1") == "fail"


def test_security_cadre_range_reading_against_a_hard_maximum(tmp_path: Path) -> None:
    """专职治保干部*至*人: the template requires the first number and no more. The other reading
    (the second number a hard maximum, here 2) fails a community given three cadres."""
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    for i in (1, 2, 3):
        tables["people"].append({"id": f"s{i}"})
        tables["assignments"].append(
            {
                "id": f"as{i}",
                "person": f"s{i}",
                "unit": "c1",
                "role": "security_cadre",
                "employment": "full_time",
                "start": "2024-01-01",
            }
        )
    ours = load_policy(instantiate(tmp_path, VALUES), registry=REGISTRY)
    rid = "security-cadres-per-community"
    assert _status(ours, dataset(tmp_path, tables, ours), rid, "c1") == "pass"
    other = load_policy(
        _with_rule(tmp_path, {**_template_rule(rid), "max_people": 2}, "hard-max"),
        registry=REGISTRY,
    )
    assert _status(other, dataset(tmp_path, tables, other), rid, "c1") == "fail"


def _template_rule(rid: str) -> dict[str, Any]:
    """The template's rule ``rid`` as written, its parameters replaced by VALUES."""
    doc = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    [rule] = [r for r in doc["rules"] if r["id"] == rid]
    return {
        k: VALUES[v["param"]] if isinstance(v, dict) and set(v) == {"param"} else v
        for k, v in rule.items()
    }
