"""Every key of the policy schema is described in zh and en, and its examples are valid.

Authors read these descriptions on hover and completion in their editor; the walk is over the
schema the code generates now, so a field added without a description fails here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gridpolicing import Registry
from gridpolicing.policy.schema import policy_json_schema

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@functools.cache
def _schema() -> dict[str, Any]:
    return policy_json_schema(Registry.from_entry_points())


def _properties(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema under ``node``, with its JSON path in the schema.

    The ``if`` of a rule kind's branch only tests ``kind``: it declares no key of its own.
    """
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{path}/properties/{name}", prop
        for key, value in node.items():
            if key != "if":
                yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{path}/{i}")


def _bilingual(text: object) -> bool:
    return isinstance(text, str) and bool(_CJK.search(text)) and bool(_LATIN_WORD.search(text))


def test_every_property_has_a_zh_and_en_description() -> None:
    props = list(_properties(_schema(), "#"))
    assert len(props) > 300
    missing = [path for path, prop in props if not _bilingual(prop.get("description"))]
    assert not missing, f"{len(missing)} properties lack a zh+en description:\n" + "\n".join(
        missing
    )


def test_the_walk_catches_a_property_without_a_description() -> None:
    schema = {"properties": {"a": {"description": "甲。 The first."}, "b": {"type": "string"}}}
    bad = [p for p, prop in _properties(schema, "#") if not _bilingual(prop.get("description"))]
    assert bad == ["#/properties/b"]
    assert not _bilingual("Only English words.")
    assert not _bilingual("只有中文。")


def _examples() -> list[tuple[str, dict[str, Any], Any]]:
    return [
        (path, prop, example)
        for path, prop in _properties(_schema(), "#")
        for example in prop.get("examples", [])
    ]


def test_many_properties_have_examples() -> None:
    assert len({path for path, _, _ in _examples()}) > 150


@pytest.mark.parametrize(("path", "prop", "example"), _examples(), ids=lambda v: str(v)[:60])
def test_every_example_is_valid_against_its_property(
    path: str, prop: dict[str, Any], example: Any
) -> None:
    schema = {**prop, "$defs": _schema()["$defs"]}
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(example)]
    assert not errors, f"{path}: example {example!r}: {errors}"
