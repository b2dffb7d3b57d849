"""JSON Schema of policy files, generated from the models of a registry's rule kinds.

Each rule kind owns its fragment (its ``spec`` model); rules are a ``oneOf`` with a
``discriminator`` on ``kind``, so editors complete the fields of the kind being written.
"""

from __future__ import annotations

import json
from typing import Any

from gridpolicing.assessment.models import Assessment
from gridpolicing.model.terms_doc import describe_vocabularies
from gridpolicing.policy.document import document_model
from gridpolicing.policy.registry import Registry

__all__ = ["POLICY_SCHEMA_ID", "policy_json_schema", "schema_text"]

POLICY_SCHEMA_ID = "https://gridpolicing.dev/schemas/policy.schema.json"


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
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": POLICY_SCHEMA_ID,
        "title": "gridpolicing policy",
        "description": "A community-policing scheme as an executable policy. Generated from the "
        "gridpolicing models by `gridpolicing schema`; do not edit.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _allow_params(node: Any) -> Any:
    """Numbers in the assessment section may also be ``{param: name}`` (substituted on load)."""
    if isinstance(node, dict):
        out = {k: _allow_params(v) for k, v in node.items()}
        if out.get("type") in ("number", "integer") and "$ref" not in out:
            return {"anyOf": [out, {"$ref": "#/$defs/ParamRef"}]}
        return out
    if isinstance(node, list):
        return [_allow_params(v) for v in node]
    return node


def schema_text(schema: dict[str, Any]) -> str:
    """Stable text of a schema (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
