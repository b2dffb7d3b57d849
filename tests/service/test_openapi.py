"""schemas/openapi.json: valid OpenAPI, deterministic, with what a client generator needs."""

from __future__ import annotations

import json
from typing import Any

from openapi_spec_validator import validate

from gridpolicing.service import create_app, openapi_document, openapi_text
from tests.service.server import ROOT

PUBLISHED = ROOT / "schemas" / "openapi.json"


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    return loaded


def test_the_published_document_is_valid_openapi() -> None:
    validate(_document())


def test_the_document_is_current_and_deterministic() -> None:
    assert openapi_text() == openapi_text() == PUBLISHED.read_text(encoding="utf-8")
    # built from two apps with their own settings, the same
    assert openapi_document(create_app()) == openapi_document(create_app())


def test_every_operation_has_a_summary_models_and_examples() -> None:
    doc = _document()
    schemas = doc["components"]["schemas"]
    operations = [(m, p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]
    assert {p for _, p, _ in operations} == {
        "/v1/health",
        "/v1/policies",
        "/v1/policies/{policy_id}",
        "/v1/validate",
        "/v1/evaluate",
    }
    for method, path, op in operations:
        where = f"{method} {path}"
        assert op.get("summary"), where
        ok = op["responses"]["200"]["content"]["application/json"]["schema"]
        name = ok["$ref"].rsplit("/", 1)[1]
        assert schemas[name].get("examples"), f"{where}: {name} has no example"
        for status, answer in op["responses"].items():
            if status.startswith(("4", "5")):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse"), where
        if method == "post":
            for media, body in op["requestBody"]["content"].items():
                schema = body["schema"]
                if "$ref" in schema:
                    named = schemas[schema["$ref"].rsplit("/", 1)[1]]
                    assert named.get("examples"), f"{where} {media}"
    assert schemas["ErrorResponse"]["examples"]
