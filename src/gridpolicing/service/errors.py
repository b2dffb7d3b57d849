"""Every error answer as JSON ``{"error": {"code", "message", "problems"}}``, never a traceback.

The library's own errors map to statuses here, once: a :class:`PolicyError` or
:class:`DatasetError` is 422 with its problems, a :class:`UsageError` (an unknown period, say) is
400, running out of memory is 503. Anything else is our bug: the gate (gate.py) logs its
traceback and answers 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from gridpolicing.errors import DatasetError, GridPolicingError, PolicyError, Problem, UsageError
from gridpolicing.policy.yamlsrc import dotted

__all__ = ["ApiError", "error_response", "install_handlers", "problem_json", "validation_problems"]

_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    500: "internal",
    503: "busy",
    504: "timeout",
}


class ApiError(Exception):
    """An answer other than 200, raised by a route and turned into the JSON error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        problems: Iterable[Problem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = tuple(problems)
        self.headers = dict(headers or {})


def problem_json(p: Problem) -> dict[str, Any]:
    """A problem as the API writes it (``field`` is the value's path)."""
    where = {"file": p.file, "line": p.line, "column": p.column}
    return {**where, "field": p.path, "message": p.message}


def error_response(
    status: int,
    message: str,
    problems: Iterable[Problem] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The JSON error answer."""
    body = {
        "error": {
            "code": _CODES.get(status, "error"),
            "message": message,
            "problems": [problem_json(p) for p in problems],
        }
    }
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def validation_problems(exc: ValidationError | RequestValidationError, file: str) -> list[Problem]:
    """The problems of a request body that does not match its model, by dotted path."""
    out = []
    for err in exc.errors():
        loc = tuple(part for part in err["loc"] if isinstance(part, str | int))
        if loc[:1] == ("body",):
            loc = loc[1:]
        out.append(Problem(file, None, None, dotted(loc), str(err["msg"])))
    return out


def install_handlers(app: FastAPI) -> None:
    """Answer the library's errors, FastAPI's and Starlette's as the JSON error body."""

    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.problems, exc.headers)

    async def input_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PolicyError | DatasetError)
        n = len(exc.problems)
        what = "policy" if isinstance(exc, PolicyError) else "dataset"
        message = f"{n} problem{'s' if n != 1 else ''} in the {what}"
        return error_response(422, message, exc.problems)

    async def usage_error(_: Request, exc: Exception) -> JSONResponse:
        return error_response(400, str(exc))

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        return error_response(exc.status_code, _http_message(exc), headers=headers)

    async def out_of_memory(_: Request, exc: Exception) -> JSONResponse:
        # The machine, not gridpolicing, ran out: as the CLI says, what to change.
        message = (
            "out of memory; evaluate a shorter period or a smaller dataset, "
            "or run fewer evaluations at once (--max-concurrent)"
        )
        return error_response(503, message, headers={"Retry-After": "30"})

    async def request_invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = validation_problems(exc, "<request>")
        # a malformed request, as a JSON body or a form that does not match its schema is
        return error_response(400, "the request does not match its schema", problems)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(PolicyError, input_error)
    app.add_exception_handler(DatasetError, input_error)
    app.add_exception_handler(UsageError, usage_error)
    # Every other error of the library is about the input too; only other exceptions are bugs.
    app.add_exception_handler(GridPolicingError, usage_error)
    app.add_exception_handler(MemoryError, out_of_memory)
    app.add_exception_handler(duckdb.OutOfMemoryException, out_of_memory)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, request_invalid)


def _http_message(exc: HTTPException) -> str:
    if exc.status_code == 404:
        return "no such endpoint; the API is under /v1 (see /openapi.json)"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return f"method not allowed; this endpoint takes {allowed}".strip()
    return str(exc.detail)
