"""``POST /v1/evaluate``: the request read into one :class:`Order`, then the public API run on it.

A request is JSON (:class:`EvaluateRequest`: rows or a server-side path) or multipart/form-data
(an uploaded file, or a path, with the other fields as form fields). Either becomes an
:class:`Order`; :func:`perform` then does what ``gridpolicing evaluate --format json`` does
(load_policy, load_dataset, evaluate, Report.to_json), in a worker thread, so the answer is the
same bytes as the command's output for the same input.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, final

from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import Request

from gridpolicing.engine.evaluate import evaluate
from gridpolicing.engine.evidence import Evidence
from gridpolicing.errors import DatasetError, PolicyError, Problem
from gridpolicing.io import load_dataset
from gridpolicing.policy.document import Policy
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.resources import bundled_policy_ids
from gridpolicing.service.datasets import arrow_tables, stage_upload
from gridpolicing.service.errors import ApiError, validation_problems
from gridpolicing.service.models import DatasetJson, EvaluateRequest, PolicyText
from gridpolicing.service.runner import Job
from gridpolicing.service.settings import Settings

__all__ = [
    "Order",
    "Result",
    "check_policy",
    "media_type",
    "parse_json",
    "perform",
    "read_order",
    "within",
]

_FORM_FIELDS: Final = frozenset(
    {"policy", "policy_text", "policy_name", "period", "evidence", "label", "path", "dataset"}
)


@final
@dataclass(frozen=True, slots=True)
class Order:
    """One evaluation, as the request asked for it."""

    policy_id: str | None
    policy_text: PolicyText | None
    period: str
    evidence: Evidence
    label: str | None
    tables: dict[str, list[Any]] | None = None
    path: str | None = None
    upload: tuple[str, bytes] | None = None
    """(file name, content) of an uploaded dataset."""


@final
@dataclass(frozen=True, slots=True)
class Result:
    """The report's bytes and what the answer's headers say of it."""

    body: bytes
    rejected: int
    period_warnings: int


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_json(body: bytes, *, numbers_as_text: bool = True) -> Any:
    """A JSON body, refusing duplicate keys; else 400. Numbers are kept as written (text) for
    rows, where ``8.50`` must stay ``8.50``; elsewhere (``numbers_as_text=False``) they are
    numbers, so a number where text is expected is refused rather than taken as its digits."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _Duplicate(key)
            out[key] = value
        return out

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        as_number: Any = str if numbers_as_text else None
        return json.loads(
            text,
            parse_int=as_number,
            parse_float=as_number,
            parse_constant=_constant,
            object_pairs_hook=pairs,
        )
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except _Duplicate as exc:
        raise ApiError(400, f"malformed JSON: duplicate key {exc.args[0]!r}") from None
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply") from None


class _Duplicate(Exception):
    """A JSON object names a key twice."""


def _constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


async def read_order(request: Request) -> Order:
    """The evaluation a JSON or multipart request asks for; 400, 415 or 422 if it cannot be."""
    kind = media_type(request)
    if kind == "application/json":
        data = parse_json(await request.body())
        try:
            given = EvaluateRequest.model_validate(data)
        except ValidationError as exc:
            problems = validation_problems(exc, "<request>")
            message = "the request does not match its schema"
            raise ApiError(400, message, problems=problems) from None
        policy_id = given.policy if isinstance(given.policy, str) else None
        text = given.policy if isinstance(given.policy, PolicyText) else None
        dataset = given.dataset
        if isinstance(dataset, DatasetJson):
            tables: dict[str, list[Any]] | None = dataset.tables
            path = None
        else:
            tables, path = None, dataset.path
        return Order(policy_id, text, given.period, given.evidence, dataset.label, tables, path)
    if kind == "multipart/form-data":
        return await _form_order(request)
    raise ApiError(
        415, f"expected application/json or multipart/form-data, not {kind or 'no Content-Type'}"
    )


async def _form_order(request: Request) -> Order:
    form = await request.form(max_files=2, max_fields=len(_FORM_FIELDS))
    unknown = sorted(set(form.keys()) - _FORM_FIELDS)
    if unknown:
        expected = ", ".join(sorted(_FORM_FIELDS))
        raise ApiError(400, f"unknown form field {unknown[0]!r}; expected {expected}")
    keys = [key for key, _ in form.multi_items()]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        # the last one would win silently: a request that says two things is refused
        raise ApiError(400, f"form field {repeated[0]!r} is given more than once; give it once")
    values: dict[str, str] = {}
    upload: tuple[str, bytes] | None = None
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            if key == "dataset":
                upload = (value.filename or "dataset", content)
                continue
            if key != "policy_text":
                raise ApiError(400, f"form field {key!r} must be a value, not a file")
            try:
                values[key] = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ApiError(400, "policy_text is not UTF-8") from None
            values.setdefault("policy_name", value.filename or "policy.yaml")
        else:
            values[key] = value
    if "period" not in values:
        raise ApiError(400, "form field 'period' is required")
    evidence = values.get("evidence", "failing")
    if evidence not in ("failing", "all"):
        raise ApiError(400, f"evidence must be failing or all, not {evidence!r}")
    text = None
    if "policy_text" in values:
        name = values.get("policy_name") or "policy.yaml"
        text = PolicyText(text=values["policy_text"], name=name)
    if upload is None and "path" not in values:
        raise ApiError(400, "expected a dataset: a file in form field 'dataset', or 'path'")
    if upload is not None and "path" in values:
        raise ApiError(400, "expected one dataset: a file in 'dataset' or a 'path', not both")
    return Order(
        values.get("policy"),
        text,
        values["period"],
        "all" if evidence == "all" else "failing",
        values.get("label"),
        path=values.get("path"),
        upload=upload,
    )


def check_policy(order: Order) -> None:
    """Exactly one policy, and a bundled one if by id (never a file of the server); else 4xx."""
    if (order.policy_id is None) == (order.policy_text is None):
        raise ApiError(400, "expected one policy: a bundled id in 'policy' or a policy text")
    if order.policy_id is not None and order.policy_id not in bundled_policy_ids():
        known = ", ".join(bundled_policy_ids())
        raise ApiError(404, f"no bundled policy {order.policy_id!r}; expected one of {known}")


def perform(
    order: Order, path: Path | None, job: Job, settings: Settings, registry: Registry
) -> Result:
    """Load the policy and the dataset, evaluate, and return the report's JSON (a worker's job).

    ``path`` is the order's dataset path once :func:`allowed_path` has let it through.
    """
    try:
        policy = _policy(order, settings, registry)
    except PolicyError as exc:
        # a parent found on --policy-path is the operator's file, named relative to its folder
        raise PolicyError(within(exc.problems, settings.policy_path)) from None
    with tempfile.TemporaryDirectory(prefix="gridpolicing-") as tmp:
        if order.tables is not None:
            label = order.label or "tables"
            source: Any = arrow_tables(order.tables, label)
        elif order.upload is not None:
            name, content = order.upload
            source = stage_upload(
                content,
                name,
                Path(tmp),
                max_members=settings.max_zip_members,
                max_bytes=settings.max_unzipped_bytes,
            )
        elif path is not None:
            source = path
        else:
            raise ApiError(400, "expected a dataset: rows, an uploaded file or a path")
        # Answers never show the server's folders: an upload is named by its own name, a path
        # relative to the allowed directory holding it.
        folders = [tmp] if path is None else settings.allow_paths
        try:
            dataset = load_dataset(source, label=order.label, vocabulary=policy.vocabulary)
        except DatasetError as exc:
            raise DatasetError(within(exc.problems, folders)) from None
        try:
            job.attach(dataset)
            report = evaluate(policy, dataset, order.period, evidence=order.evidence)
        finally:
            dataset.close()
    body = report.to_json().encode("utf-8")
    return Result(body, len(report.dataset.rejected), len(report.period_warnings))


def _policy(order: Order, settings: Settings, registry: Registry) -> Policy:
    if order.policy_text is not None:
        text = order.policy_text
        return load_policy(
            text=text.text, name=text.name, registry=registry, policy_path=settings.policy_path
        )
    return load_policy(order.policy_id, registry=registry)


def within(problems: Iterable[Problem], folders: Iterable[Path | str]) -> list[Problem]:
    """``problems`` with every file inside one of ``folders`` named relative to it: answers
    never show the server's folders."""
    names = [str(folder) for folder in folders]
    return [_within(p, names) for p in problems]


def _within(problem: Problem, folders: list[str]) -> Problem:
    """``problem`` with a file inside one of ``folders`` named relative to it, in its file and
    in its message (a reader's message may quote the path it could not read)."""
    file, message = problem.file, problem.message
    # the longest first, so a root inside another root is taken off whole
    for folder in sorted(folders, key=len, reverse=True):
        prefix = folder.rstrip("/") + "/"
        if file.startswith(prefix):
            file = file[len(prefix) :]
        message = message.replace(prefix, "")
    return replace(problem, file=file, message=message)
