"""schemas/openapi.json: valid OpenAPI, deterministic, with what a client generator needs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from gridpolicing.service import create_app, openapi_document, openapi_text
from tests.service.server import ROOT, Server

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


def _request_examples() -> list[tuple[str, str, Any]]:
    """(path, media type, example) of every request body example the document gives."""
    doc = _document()
    schemas = doc["components"]["schemas"]
    out = []
    for path, ops in doc["paths"].items():
        for op in ops.values():
            for media, body in op.get("requestBody", {}).get("content", {}).items():
                found = [body["example"]] if "example" in body else []
                found += [e["value"] for e in body.get("examples", {}).values()]
                ref = body["schema"].get("$ref")
                if ref:
                    found += schemas[ref.rsplit("/", 1)[1]].get("examples", [])
                out += [(path, media, example) for example in found]
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--allow-path", "examples")  # the examples' paths are inside examples/
    yield running
    running.stop()


def test_there_are_request_examples_of_each_kind() -> None:
    kinds = {(path, media) for path, media, _ in _request_examples()}
    assert kinds >= {
        ("/v1/validate", "application/yaml"),
        ("/v1/validate", "application/json"),
        ("/v1/evaluate", "application/json"),
        ("/v1/evaluate", "multipart/form-data"),
    }


_EXAMPLES = _request_examples()


@pytest.mark.parametrize(
    ("path", "media", "example"), _EXAMPLES, ids=[f"{p} {m}" for p, m, _ in _EXAMPLES]
)
def test_every_request_example_succeeds_on_a_real_server(
    server: Server, path: str, media: str, example: Any
) -> None:
    if media == "multipart/form-data":
        answer = server.post_form(path, example, {})
    elif media == "application/json":
        answer = server.post_json(path, example)
    else:
        answer = server.request("POST", path, example.encode("utf-8"), {"Content-Type": media})
    assert answer.status == 200, answer.body[:500]
    if path == "/v1/validate":
        assert answer.json() == {"valid": True, "problems": []}
    else:
        assert answer.json()["dataset"]["rejected"] == []
        assert answer.headers["x-gridpolicing-rejected"] == "0"


def test_the_headers_and_every_answer_are_documented() -> None:
    for ops in _document()["paths"].values():
        for op in ops.values():
            assert {"405", "500"} <= set(op["responses"])
            for status, answer in op["responses"].items():
                assert "X-Request-ID" in answer["headers"], status
                assert ("Retry-After" in answer["headers"]) == (status == "503")
    evaluated = _document()["paths"]["/v1/evaluate"]["post"]["responses"]["200"]["headers"]
    assert {"X-Gridpolicing-Rejected", "X-Gridpolicing-Period-Warnings"} <= set(evaluated)
