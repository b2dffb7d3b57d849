"""Every YAML example in the docs and in rule-kind docstrings loads as a valid policy rule."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from gridpolicing import Registry, load_policy

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = Registry.from_entry_points()
SOURCE_IDS = ["xinxiang-2016", "nanjing-2016", "xinjin-2022", "xindu-2022", "essay", "test-source"]


def docstring_example(doc: str) -> str:
    """The indented block after the first ``::`` of a docstring."""
    _, _, rest = doc.partition("::\n")
    lines = []
    for line in rest.splitlines():
        if line.strip() and not line.startswith("        "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines))


def policy_around(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "example",
        "jurisdiction": "示例",
        "title": {"zh": "示例", "en": "example"},
        "sources": [{"id": s, "title": s, "issuer": "example"} for s in SOURCE_IDS],
        "rules": rules,
    }


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_rule_kind_docstring_example_is_valid(name: str, tmp_path: Path) -> None:
    spec = REGISTRY[name].spec
    example = docstring_example(spec.__doc__ or "")
    rules = yaml.safe_load(example)
    assert isinstance(rules, list), f"{name}: the example is not a list of rules"
    assert len(rules) == 1, f"{name}: the example is not exactly one rule"
    assert rules[0]["kind"] == name
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(policy_around(rules), allow_unicode=True), encoding="utf-8")
    policy = load_policy(path, registry=REGISTRY)
    assert policy.rules[0].kind == name


def _doc_blocks() -> list[tuple[str, str]]:
    out = []
    for md in sorted((ROOT / "docs").glob("*.md")):
        for i, m in enumerate(re.finditer(r"```yaml\n(.*?)```", md.read_text("utf-8"), re.S)):
            out.append((f"{md.name}#{i}", m.group(1)))
    return out


def _sibling_block(where: str, policy_id: object) -> str | None:
    """The block of the same page that holds the policy ``policy_id``, if any."""
    page = where.partition("#")[0]
    for other, block in _doc_blocks():
        if other.startswith(f"{page}#") and block.startswith(f"id: {policy_id}\n"):
            return block
    return None


@pytest.mark.parametrize(("where", "block"), _doc_blocks())
def test_docs_yaml_examples_are_valid(where: str, block: str, tmp_path: Path) -> None:
    data = yaml.safe_load(block)
    if isinstance(data, dict) and "id" in data and "jurisdiction" in data:
        doc = data  # a whole policy
    elif isinstance(data, list) and data and isinstance(data[0], dict) and "kind" in data[0]:
        doc = policy_around(data)  # one or more rules
    else:
        pytest.skip(f"{where}: not a policy or rule example")
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    parent = _sibling_block(where, doc.get("extends"))
    if parent is not None:  # a block may extend a policy an earlier block of its page shows
        (tmp_path / f"{doc['extends']}.yaml").write_text(parent, encoding="utf-8")
    policy = load_policy(path, registry=REGISTRY, allow_template=True)
    if isinstance(data, dict) and data.get("extends"):
        assert not policy.is_template, f"{where}: parameters left without values"


# -- an example quoting a bundled text encodes it as the bundled policy does -------------------

_BUNDLED = {
    p: load_policy(p, registry=REGISTRY)
    for p in ("xinxiang-gaoxin-2016", "nanjing-2016", "chengdu-xinjin-2022", "chengdu-xindu-2022")
}
_IGNORED = {"note", "title", "severity"}  # words and emphasis; the meaning is the rest


def _bundled_rule(example: dict[str, Any]) -> dict[str, Any] | None:
    """The bundled rule the example's citation quotes (same source and id), as YAML would say it."""
    source = example["citation"]["source"]
    for policy in _BUNDLED.values():
        if source in policy.sources:
            for rule in policy.rules:
                if rule.id == example["id"]:
                    dumped: dict[str, Any] = rule.model_dump(
                        mode="json", by_alias=True, exclude_unset=True
                    )
                    return dumped
    return None


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_docstring_example_quoting_a_bundled_text_encodes_it_as_the_policy(name: str) -> None:
    [example] = yaml.safe_load(docstring_example(REGISTRY[name].spec.__doc__ or ""))
    source = example["citation"]["source"]
    if source not in {s for p in _BUNDLED.values() for s in p.sources}:
        pytest.skip(f"{name}: the example quotes no bundled text")
    bundled = _bundled_rule(example)
    assert bundled is not None, f"{name}: the example's id {example['id']!r} is no rule of {source}"
    ours = {k: v for k, v in example.items() if k not in _IGNORED}
    theirs = {k: v for k, v in bundled.items() if k not in _IGNORED}
    theirs["citation"] = {k: v for k, v in theirs["citation"].items() if k in ours["citation"]}
    assert _loaded(ours, name) == _loaded(theirs, name)


def _loaded(rule: dict[str, Any], name: str) -> dict[str, Any]:
    """``rule`` parsed by its kind and dumped again, so defaults and spellings compare equal."""
    full = {"title": {"zh": "t", "en": "t"}, "severity": "minor", **rule}
    spec = REGISTRY[name].spec.model_validate(full)
    dumped: dict[str, Any] = spec.model_dump(
        mode="json", by_alias=True, exclude={"title", "severity"}
    )
    return dumped
