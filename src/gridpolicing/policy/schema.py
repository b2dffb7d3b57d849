"""JSON Schema of policy files, generated from the models of a registry's rule kinds.

Each rule kind owns its fragment (its ``spec`` model); rules are a ``oneOf`` with a
``discriminator`` on ``kind``, so editors complete the fields of the kind being written.
"""

from __future__ import annotations

import json
from typing import Any

from gridpolicing.policy.document import document_model
from gridpolicing.policy.registry import Registry

__all__ = ["POLICY_SCHEMA_ID", "policy_json_schema", "schema_text"]

POLICY_SCHEMA_ID = "https://gridpolicing.dev/schemas/policy.schema.json"


def policy_json_schema(registry: Registry) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file for ``registry``'s rule kinds."""
    model = document_model(registry)
    schema = model.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": POLICY_SCHEMA_ID,
        "title": "gridpolicing policy",
        "description": "A community-policing scheme as an executable policy. Generated from the "
        "gridpolicing models by `gridpolicing schema`; do not edit.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def schema_text(schema: dict[str, Any]) -> str:
    """Stable text of a schema (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
