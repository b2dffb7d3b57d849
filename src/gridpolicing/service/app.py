"""The HTTP API: ``create_app(settings)`` builds a FastAPI app of the ``/v1`` endpoints.

A thin layer over the public API: load_policy, load_dataset, evaluate, Report.to_json,
render_policy. The app keeps no state of its requests; what it holds is built from its
settings (the worker pool, the log) or read once from the package (the bundled policies).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Final, Literal

from fastapi import FastAPI, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from gridpolicing import __version__
from gridpolicing.errors import PolicyError
from gridpolicing.policy.document import Policy
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.render import render_policy
from gridpolicing.policy.resources import bundled_policy_ids
from gridpolicing.service.datasets import allowed_path
from gridpolicing.service.errors import (
    ApiError,
    install_handlers,
    problem_json,
    validation_problems,
)
from gridpolicing.service.evaluation import (
    check_policy,
    media_type,
    parse_json,
    perform,
    read_order,
    within,
)
from gridpolicing.service.gate import Gate, Log
from gridpolicing.service.models import (
    ErrorResponse,
    Health,
    PolicyDetail,
    PolicyList,
    PolicySummary,
    ReportBody,
    RuleSummary,
    TextEn,
    ValidateRequest,
    ValidateResponse,
)
from gridpolicing.service.openapi import REQUEST_BODIES, install_openapi
from gridpolicing.service.runner import Runner
from gridpolicing.service.settings import Settings

__all__ = ["create_app"]

_YAML_TYPES: Final = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}
)
_RENDERED: Final = {"markdown": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an endpoint documents, all of the one JSON shape."""
    what = {
        400: "Malformed request (bad JSON, a missing, unknown or repeated field, a value of "
        "the wrong type, an unknown period)",
        403: "A dataset path outside the allowed directories",
        404: "No such policy or dataset",
        413: "The body, or an upload once extracted, is over the server's limit",
        415: "A Content-Type the endpoint does not take",
        422: "The policy or the dataset has problems (each with file, line, column, field)",
        503: "As many evaluations as the server runs at once are running; see Retry-After",
        504: "The evaluation took longer than the server's limit and was stopped",
    }
    return {s: {"model": ErrorResponse, "description": what[s]} for s in statuses}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service as an ASGI app, from ``settings`` (the defaults when None)."""
    settings = settings if settings is not None else Settings()
    log = Log(settings.stream)
    runner = Runner(max_concurrent=settings.max_concurrent, timeout_s=settings.timeout_s, log=log)
    registry = Registry.from_entry_points()
    catalogue = _Catalogue(registry)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()

    app = FastAPI(
        title="gridpolicing",
        version=__version__,
        summary="Evaluate community-policing deployments against executable YAML policies",
        docs_url=None,  # the interactive pages load scripts from a CDN: not on a police network
        redoc_url=None,
        lifespan=lifespan,
    )
    install_handlers(app)
    app.add_middleware(Gate, max_body=settings.max_body_bytes, log=log)

    @app.get("/v1/health", summary="Whether the service answers", response_model=Health)
    async def health() -> Health:
        return Health(status="ok", version=__version__, running=runner.running)

    @app.get(
        "/v1/policies",
        summary="The bundled policies",
        response_model=PolicyList,
    )
    async def policies() -> PolicyList:
        loaded = await run_in_threadpool(catalogue.all)
        return PolicyList(policies=[_summary(p) for p in loaded])

    @app.get(
        "/v1/policies/{policy_id}",
        summary="One bundled policy, as JSON or rendered as gridpolicing render does",
        response_model=PolicyDetail,
        responses={
            **_errors(400, 404, 422),
            200: {
                "description": "The policy (format=json), or its rendering",
                "content": {"text/markdown": {}, "text/html": {}},
            },
        },
    )
    async def policy(
        policy_id: str,
        format: Literal["json", "markdown", "html"] = "json",
        lang: Literal["zh", "en"] = "zh",
    ) -> Any:
        found = await run_in_threadpool(catalogue.one, policy_id)
        if format == "json":
            return _detail(found)
        text = render_policy(found, lang=lang, fmt=format)
        return Response(text.encode("utf-8"), media_type=_RENDERED[format])

    @app.post(
        "/v1/validate",
        summary="Check a policy text; every problem with line and column",
        response_model=ValidateResponse,
        responses=_errors(400, 413, 415, 422),
        openapi_extra=REQUEST_BODIES["validate"],
    )
    async def validate(request: Request) -> ValidateResponse:
        text, name = await _policy_text(request)
        load = partial(
            load_policy,
            text=text,
            name=name,
            registry=registry,
            allow_template=True,
            policy_path=settings.policy_path,
        )
        try:
            await run_in_threadpool(load)
        except PolicyError as exc:
            # a parent found on --policy-path is named relative to its folder, not the server's
            problems = within(exc.problems, settings.policy_path)
            return ValidateResponse.model_validate(
                {"valid": False, "problems": [problem_json(p) for p in problems]}
            )
        return ValidateResponse(valid=True, problems=[])

    @app.post(
        "/v1/evaluate",
        summary="Evaluate a policy on a dataset for a period; the report as JSON",
        response_model=None,
        responses={
            200: {"model": ReportBody, "description": "The report (docs/report-format.md)"},
            **_errors(400, 403, 404, 413, 415, 422, 503, 504),
        },
        openapi_extra=REQUEST_BODIES["evaluate"],
    )
    async def evaluate(request: Request) -> Response:
        order = await read_order(request)
        check_policy(order)
        path = allowed_path(order.path, settings.allow_paths) if order.path is not None else None
        work = partial(perform, order, path, settings=settings, registry=registry)
        result = await runner.run(work, request.state.request_id)
        headers = {
            "X-Gridpolicing-Rejected": str(result.rejected),
            "X-Gridpolicing-Period-Warnings": str(result.period_warnings),
        }
        return Response(result.body, media_type="application/json", headers=headers)

    install_openapi(app)
    return app


async def _policy_text(request: Request) -> tuple[str, str]:
    """The policy text of a validate request and the name its problems give; else 4xx."""
    kind = media_type(request)
    if kind == "application/json":
        data = parse_json(await request.body(), numbers_as_text=False)
        try:
            # strict: {"text": 5} is a mistake of the client's, not the policy text "5"
            given = ValidateRequest.model_validate(data, strict=True)
        except ValidationError as exc:
            problems = validation_problems(exc, "<request>")
            message = "the request does not match its schema"
            raise ApiError(400, message, problems=problems) from None
        return given.text, given.name
    if kind in _YAML_TYPES:
        body = await request.body()
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApiError(400, f"the body is not UTF-8 (byte {exc.start})") from None
        name = request.query_params.get("name") or "policy.yaml"
        if len(name) > 200 or not name.isprintable():
            raise ApiError(400, "name must be printable text of at most 200 characters")
        return text, name
    expected = "application/yaml, text/plain or application/json"
    raise ApiError(415, f"expected {expected}, not {kind or 'no Content-Type'}")


class _Catalogue:
    """The bundled policies, loaded once when first asked for (they do not change)."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._lock = threading.Lock()
        self._loaded: dict[str, Policy] | None = None

    def all(self) -> list[Policy]:
        with self._lock:
            if self._loaded is None:
                self._loaded = {
                    pid: load_policy(pid, registry=self._registry, allow_template=True)
                    for pid in bundled_policy_ids()
                }
            return list(self._loaded.values())

    def one(self, policy_id: str) -> Policy:
        for p in self.all():
            if p.id == policy_id:
                return p
        known = ", ".join(bundled_policy_ids())
        raise ApiError(404, f"no bundled policy {policy_id!r}; expected one of {known}")


def _summary(p: Policy) -> PolicySummary:
    return PolicySummary(**_summary_fields(p))


def _summary_fields(p: Policy) -> dict[str, Any]:
    effective = p.effective
    return {
        "id": p.id,
        "title": TextEn(zh=p.title.zh, en=p.title.en),
        "jurisdiction": p.jurisdiction,
        "effective_from": effective.from_.isoformat() if effective else None,
        "effective_to": effective.to.isoformat() if effective and effective.to else None,
        "template": p.is_template,
        "rules": len(p.rules),
    }


def _detail(p: Policy) -> PolicyDetail:
    rules = [
        RuleSummary(
            id=r.id, kind=r.kind, title=TextEn(zh=r.title.zh, en=r.title.en), severity=r.severity
        )
        for r in p.rules
    ]
    return PolicyDetail(**_summary_fields(p), content_hash=p.content_hash, rule_list=rules)
