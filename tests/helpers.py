"""Test helpers: build a dataset from Python data and run single rules against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from gridpolicing import Finding, Policy, Registry, Report, evaluate, load_dataset, load_policy
from gridpolicing.io.dataset import Dataset

SOURCE = {
    "id": "test-source",
    "title": "测试文本",
    "issuer": "test",
}


def make_dataset(
    tmp_path: Path, tables: dict[str, list[dict[str, Any]]], name: str = "data"
) -> Dataset:
    """Write ``tables`` as a single-file YAML dataset and load it."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(_plain(tables), allow_unicode=True, sort_keys=False), "utf-8")
    return load_dataset(path)


def make_policy(
    tmp_path: Path, rules: list[dict[str, Any]], registry: Registry | None = None, **extra: Any
) -> Policy:
    """Write a policy holding ``rules`` (with defaults for title, severity and citation)."""
    full = []
    for r in rules:
        rule = {
            "title": {"zh": "测试规则", "en": "test rule"},
            "severity": "major",
            "citation": {"source": "test-source", "quote": "测试条款"},
            **r,
        }
        full.append(rule)
    doc = {
        "id": "test-policy",
        "jurisdiction": "测试区",
        "title": {"zh": "测试", "en": "test"},
        "sources": [SOURCE],
        "rules": full,
        **extra,
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(_plain(doc), allow_unicode=True, sort_keys=False), "utf-8")
    if registry is None:
        registry = registry_of({str(r["kind"]) for r in full})
    return load_policy(path, registry=registry)


def registry_of(kinds: set[str]) -> Registry:
    """A registry of just the named built-in kinds, loaded from their entry points."""
    from importlib.metadata import entry_points

    eps = {ep.name: ep for ep in entry_points(group="gridpolicing.rules")}
    return Registry([eps[k].load() for k in sorted(kinds)])


def run_rule(
    tmp_path: Path, rule: dict[str, Any], tables: dict[str, list[dict[str, Any]]], period: str
) -> list[Finding]:
    """Evaluate one rule on ``tables`` over ``period``; return its findings in report order."""
    policy = make_policy(tmp_path, [{"id": "r", **rule}])
    data = make_dataset(tmp_path, tables)
    assert not data.rejected, [str(r) for r in data.rejected]
    return list(evaluate_both(policy, data, period).findings)


def evaluate_both(policy: Policy, data: Dataset, period: str) -> Report:
    """Evaluate with evidence on every finding and with evidence on demand (the default), check
    they agree (same findings and values; the failing ones list the same evidence, the others
    none on demand) and return the report with every finding's evidence."""
    everything = evaluate(policy, data, period, evidence="all")
    on_demand = evaluate(policy, data, period)

    def without_evidence(f: Finding) -> tuple[object, ...]:
        return (f.rule, f.subject_id, f.bucket, f.status, f.measured, f.required, f.detail)

    full, lazy = list(everything.findings), list(on_demand.findings)
    assert [without_evidence(f) for f in full] == [without_evidence(f) for f in lazy]
    for f, g in zip(full, lazy, strict=True):
        assert g.evidence == (f.evidence if f.status.value == "fail" else ()), (f, g)
    return everything


def statuses(findings: list[Finding]) -> dict[tuple[str, str], str]:
    """``{(subject_id, bucket): status}``."""
    return {(f.subject_id, f.bucket): f.status.value for f in findings}


def _plain(value: Any) -> Any:
    """Dates and datetimes as ISO strings, so the YAML carries strings (as authors write them)."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def findings_of(policy: Policy, data: Dataset, period: str) -> list[Any]:
    """Each finding of ``policy`` on ``data`` as (rule, subject, bucket, status, measured): what
    two forms of one dataset (files, tables in memory, a workbook) must agree on."""
    report = json.loads(evaluate(policy, data, period).to_json())
    return [
        (f["rule"], f["subject"], f["bucket"], f["status"], f["measured"])
        for f in report["findings"]
    ]
