"""The service's OpenAPI document: what the routes declare, plus the bodies they read themselves.

``/v1/validate`` and ``/v1/evaluate`` read their bodies by media type (YAML or JSON; JSON or
multipart), so FastAPI cannot infer them: their request bodies are declared here, with models
and examples, and the models' schemas added to the components. The document is published as
``schemas/openapi.json``, written and checked by ``gridpolicing schema`` with the other schemas.
"""

from __future__ import annotations

import copy
from typing import Any, Final, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from gridpolicing.service.models import (
    EXAMPLE_POLICY_YAML,
    ErrorResponse,
    EvaluateRequest,
    ValidateRequest,
)

__all__ = ["REQUEST_BODIES", "EvaluateUpload", "install_openapi", "openapi_document"]


class EvaluateUpload(BaseModel):
    """An evaluation of an uploaded dataset (multipart/form-data): a .zip of CSV/Parquet tables,
    a .yaml/.json dataset document, or a spreadsheet load_dataset reads; or a ``path`` on the
    server instead of the file."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "policy": "chengdu-xindu-2022",
                    "period": "2022-01",
                    "path": "xindu-2022-before/data",
                }
            ]
        },
    )
    policy: str | None = Field(default=None, description="A bundled policy id")
    policy_text: str | None = Field(default=None, description="Or a policy's YAML (text or file)")
    policy_name: str | None = Field(default=None, description="The name its problems give")
    period: str = Field(description="As the CLI takes it: 2022, 2022-03, 2022-Q1 ...")
    evidence: Literal["failing", "all"] = "failing"
    label: str | None = Field(default=None, description="The dataset's name in the report")
    path: str | None = Field(default=None, description="A dataset path in an allowed directory")
    dataset: bytes | None = Field(default=None, description="The dataset file")


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


REQUEST_BODIES: Final[dict[str, dict[str, Any]]] = {
    "validate": {
        "requestBody": {
            "required": True,
            "content": {
                "application/yaml": {
                    "schema": {"type": "string"},
                    "example": EXAMPLE_POLICY_YAML,
                },
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": _ref(ValidateRequest)},
            },
        },
        "parameters": [
            {
                "name": "name",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "default": "policy.yaml"},
                "description": "With a YAML body: the name problems give instead of a file",
            }
        ],
    },
    "evaluate": {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _ref(EvaluateRequest)},
                "multipart/form-data": {"schema": _ref(EvaluateUpload)},
            },
        }
    },
}

_DESCRIPTION: Final = """\
Evaluates community-policing deployments (units, people, assignments, activities ...) against
executable YAML policies. Every error answer is `{"error": {"code", "message", "problems"}}`;
a problem names its file, line, column and field. See docs/service.md.
"""


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with the schemas of the bodies declared above."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=_DESCRIPTION,
        routes=app.routes,
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in (EvaluateRequest, EvaluateUpload, ValidateRequest):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = schema
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    _document_answers(doc)
    return doc


def _header(description: str, kind: str = "string") -> dict[str, Any]:
    return {"description": description, "schema": {"type": kind}}


_ERROR_CONTENT: Final = {"application/json": {"schema": _ref(ErrorResponse)}}
_EVERY_ANSWER: Final[dict[str, dict[str, Any]]] = {
    "405": {
        "description": "A method the endpoint does not take (the Allow header names its own)",
        "headers": {"Allow": _header("The methods the endpoint takes")},
    },
    "500": {"description": "A bug in gridpolicing: the traceback is in the server's log only"},
}
_EVALUATE_HEADERS: Final = {
    "X-Gridpolicing-Rejected": _header("Input records rejected (in dataset.rejected)", "integer"),
    "X-Gridpolicing-Period-Warnings": _header("Warnings about the period", "integer"),
}


def _document_answers(doc: dict[str, Any]) -> None:
    """Add what the gate and the handlers answer on every route, which FastAPI cannot see:
    405 and 500, ``X-Request-ID`` on every answer, ``Retry-After`` on 503, and the report's
    counts in headers of an evaluation."""
    for ops in doc["paths"].values():
        for op in ops.values():
            responses = op["responses"]
            for status, answer in _EVERY_ANSWER.items():
                responses.setdefault(status, copy.deepcopy({**answer, "content": _ERROR_CONTENT}))
            for status, answer in responses.items():
                headers = answer.setdefault("headers", {})
                headers["X-Request-ID"] = _header(
                    "The request's X-Request-ID if a plain token (A-Z a-z 0-9 . _ : -, at most "
                    "128), else a new one; the access log names it too"
                )
                if status == "503":
                    headers["Retry-After"] = _header("Seconds to wait before retrying", "integer")
            op["responses"] = dict(sorted(responses.items()))
    evaluated = doc["paths"]["/v1/evaluate"]["post"]["responses"]["200"]
    evaluated["headers"].update(_EVALUATE_HEADERS)


def install_openapi(app: FastAPI) -> None:
    """Serve :func:`openapi_document` at ``/openapi.json`` (built once)."""
    cache: list[dict[str, Any]] = []

    def build() -> dict[str, Any]:
        if not cache:
            cache.append(openapi_document(app))
        return cache[0]

    app.openapi = build  # type: ignore[method-assign]
