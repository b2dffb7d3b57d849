"""JSON Schema of policy files, generated from the models of a registry's rule kinds.

Each rule kind owns its fragment (its ``spec`` model). A rule is checked against its own kind's
fragment only: ``kind`` is an ``enum`` of the registered kinds, and one ``if: {kind: K}`` /
``then: {$ref: K's rule}`` per kind (an ``allOf``), so a generic validator such as
check-jsonschema reports a misspelt key of a ``cadence`` rule as that key, not as a mismatch
with every other kind (a ``oneOf`` with a ``discriminator`` is an OpenAPI annotation that
JSON Schema validators ignore). yaml-language-server reads ``if``/``then`` too, so editors still
complete the fields of the kind being written.

``$id`` carries the major version of the policy language (docs/policy-language.md, "The
schema in an editor"): it changes only when a policy valid before would no longer be.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Final

from gridpolicing.assessment.models import Assessment
from gridpolicing.model.terms_doc import describe_vocabularies
from gridpolicing.policy.document import document_model
from gridpolicing.policy.registry import Registry

__all__ = ["POLICY_SCHEMA_ID", "policy_json_schema", "schema_text"]

POLICY_SCHEMA_ID: Final = "https://gridpolicing.dev/schemas/policy/1/schema.json"

_RULE_DEF: Final = "RuleByKind"


def policy_json_schema(registry: Registry) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file for ``registry``'s rule kinds."""
    model = document_model(registry)
    schema = model.model_json_schema(by_alias=True)
    assessment = Assessment.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.setdefault("$defs", {})
    defs.update(_allow_params(assessment.pop("$defs", {})))
    defs["Assessment"] = _allow_params(assessment)
    # A scheme in a policy that extends another may amend an inherited scheme by its id alone
    # (docs/assessment.md); the loader checks the merged scheme is complete.
    defs["Scheme"]["required"] = ["id"]
    describe_vocabularies(defs)
    schema["properties"]["assessment"] = {
        "anyOf": [{"$ref": "#/$defs/Assessment"}, {"type": "null"}],
        "description": schema["properties"]["assessment"].get("description", ""),
    }
    rules = schema["properties"]["rules"]
    if registry:
        defs[_RULE_DEF] = _rule_schema(registry, defs)
        rules["items"] = {"$ref": f"#/$defs/{_RULE_DEF}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": POLICY_SCHEMA_ID,
        "title": "gridpolicing policy",
        "description": "一份可执行的社区警务政策(由 gridpolicing 模型生成,勿手工修改)。 "
        "A community-policing scheme as an executable policy. Generated from the "
        "gridpolicing models by `gridpolicing schema`; do not edit.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _rule_schema(registry: Registry, defs: dict[str, Any]) -> dict[str, Any]:
    """One rule: ``kind`` among the registered kinds, then the fields of that kind alone."""
    names = list(registry)
    branches = []
    for name, kind in registry.items():
        ref = _defs_name(kind.spec.__name__, defs)
        # A kind narrows ``kind`` to its own name, which drops the common field's description.
        defs[ref]["properties"]["kind"].setdefault(
            "description", f"规则种类:{name}。 The rule kind: {name}."
        )
        branches.append(
            {
                "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/{ref}"},
            }
        )
    return {
        "type": "object",
        "description": "一条规则:kind 决定其余字段(见 docs/rule-kinds.md)。 "
        "One rule: its kind decides its other fields (docs/rule-kinds.md).",
        "required": ["kind"],
        "properties": {
            "kind": {
                "description": "规则种类,决定本规则的其余字段。 The rule kind, which decides the "
                "rule's other fields: " + ", ".join(names) + ".",
                "enum": names,
                # yaml-language-server shows these beside each kind offered on completion.
                "enumDescriptions": [_summary(kind.spec) for kind in registry.values()],
                "examples": names[:1],
            }
        },
        "allOf": branches,
    }


def _summary(spec: type) -> str:
    """The first line of a rule kind's docstring: what a rule of the kind asks."""
    lines = inspect.cleandoc(spec.__doc__ or "").splitlines()
    return lines[0].replace("``", "`") if lines else ""


def _defs_name(model_name: str, defs: dict[str, Any]) -> str:
    """The ``$defs`` key pydantic gave the model ``model_name`` (qualified when names clash)."""
    if model_name in defs:
        return model_name
    qualified = [k for k in defs if k.endswith(f"__{model_name}")]
    if len(qualified) != 1:
        raise KeyError(f"no single schema definition for {model_name}: {qualified}")
    return qualified[0]


_ANNOTATIONS: Final = ("title", "description", "examples", "default")


def _allow_params(node: Any) -> Any:
    """Numbers in the assessment section may also be ``{param: name}`` (substituted on load).

    The annotations stay on the property, where editors look for its description.
    """
    if isinstance(node, dict):
        out = {k: _allow_params(v) for k, v in node.items()}
        if out.get("type") in ("number", "integer") and "$ref" not in out:
            notes = {k: out.pop(k) for k in _ANNOTATIONS if k in out}
            return {"anyOf": [out, {"$ref": "#/$defs/ParamRef"}], **notes}
        return out
    if isinstance(node, list):
        return [_allow_params(v) for v in node]
    return node


def schema_text(schema: dict[str, Any]) -> str:
    """Stable text of a schema (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
