"""Turn pydantic validation errors into problems at YAML lines, in words an author understands."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from gridpolicing.core.errors import ExpressionError
from gridpolicing.errors import Problem
from gridpolicing.policy.places import named_path
from gridpolicing.policy.yaml_hints import key_hint
from gridpolicing.policy.yamlsrc import YamlSource

__all__ = ["problems_from_validation"]

Path = tuple[str | int, ...]


def problems_from_validation(
    exc: ValidationError,
    source: YamlSource,
    model: type[BaseModel] | None,
    prefix: Path = (),
) -> list[Problem]:
    """One problem per pydantic error, located by walking the data along the error's ``loc``."""
    base = _at(source.data, prefix)
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = _data_path(base, tuple(err["loc"]))
        kind = err["type"]
        if kind == "union_tag_invalid":  # point at the tag itself, not at the whole item
            tag_key = str(err.get("ctx", {}).get("discriminator", "")).strip("'")
            node = _at(base, path)
            if isinstance(node, dict) and tag_key in node:
                path = (*path, tag_key)
        full = (*prefix, *path)
        if kind == "extra_forbidden":
            key = str(full[-1])
            allowed = _allowed_keys(model, path, base) if model else None
            message = f"unknown key {key!r}"
            slip = key_hint(key)
            if slip is not None:
                message += f": {slip}"
            elif allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                if close:
                    message += f" (did you mean {close[0]!r}?)"
                message += f"; expected one of: {', '.join(sorted(allowed))}"
            line, col = source.positions.of_key(full) or (None, None)
        else:
            message = _message(err)
            line, col = source.positions.of_value(full) or (None, None)
            error = err.get("ctx", {}).get("error")
            if isinstance(error, ExpressionError):  # its own words, at its character
                message = error.message
                col = _inside(source, line, col, error)
        out.append(Problem(source.file, line, col, named_path(source.data, full), message))
    return out


def _inside(
    source: YamlSource, line: int | None, col: int | None, error: ExpressionError
) -> int | None:
    """The column of the offending character when the value is a one-line scalar as written
    (plain or quoted without escapes); else the value's own column."""
    if line is None or col is None:
        return col
    lines = source.text.splitlines()
    raw = lines[line - 1][col - 1 :] if line <= len(lines) else ""
    if raw.startswith(error.text):
        return col + error.offset
    if raw[:1] in "'\"" and raw[1:].startswith(error.text):
        return col + 1 + error.offset
    return col


def _at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """Keep the segments of ``loc`` that exist in ``data``; skip union tags and model names."""
    out: list[str | int] = []
    node = data
    tag_of: int | None = None  # the node whose union tag was passed over
    for i, seg in enumerate(loc):
        if (
            isinstance(node, dict)
            and seg == node.get("kind")
            and tag_of != id(node)
            and not _field_holds(node, seg, loc[i + 1 : i + 2])
        ):
            tag_of = id(node)  # the tag of a tagged union (a rule's kind), even when the kind
            continue  # shares its name with one of its fields (kind: measure, measure: ...)
        in_dict = isinstance(node, dict) and isinstance(seg, str) and seg in node
        in_list = isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        if in_dict or in_list:
            out.append(seg)
            node = node[seg]
        elif isinstance(node, dict) and isinstance(seg, str) and i == len(loc) - 1:
            out.append(seg)  # a missing or unknown key: name it even though it is not there
    return tuple(out)


def _field_holds(node: dict[str, Any], seg: str, following: tuple[Any, ...]) -> bool:
    """Whether ``seg`` is the field of ``node`` the error's next segment is in: a rule
    validated by its own model (not through the union) has no tag in its ``loc``, so
    ``measure, count`` of a measure rule is its ``measure:`` field, not its kind."""
    inner = node.get(seg)
    return bool(following) and isinstance(inner, dict) and following[0] in inner


def _message(err: Any) -> str:
    kind = err["type"]
    loc = err["loc"]
    found = err.get("input")
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return (
            f"unknown {ctx.get('discriminator', 'tag').strip(chr(39))} {ctx.get('tag')!r}; "
            f"expected one of: {_tags(ctx.get('expected_tags', ''))}"
        )
    if kind == "union_tag_not_found":
        return f"missing required key {err.get('ctx', {}).get('discriminator', 'kind')}"
    text = str(err["msg"])
    if kind == "enum" and loc and loc[-1] == "period" and isinstance(found, dict):
        # a rule given an assessment's own period: say where that form belongs
        return (
            f"{_lower_first(text)}, found a mapping; a period of the policy's own "
            "({months: ..., starts: ...}) is for assessment schemes and roll-ups only"
        )
    if text.startswith("Value error, "):
        text = text[len("Value error, ") :]
        if isinstance(found, dict):  # a check across a mapping's keys: its words say it all
            return _lower_first(text)
    return f"{_lower_first(text)}, found {_show(found)}"


def _tags(expected: str) -> str:
    names = [t.strip().strip("'") for t in expected.split(",") if t.strip()]
    return ", ".join(sorted(names))


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value) if not isinstance(value, str) else f'"{value}"'


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _allowed_keys(model: type[BaseModel] | None, path: Path, data: Any) -> list[str] | None:
    """The field names of the model found at ``path`` (without the final unknown key)."""
    current: Any = model
    node_path = path[:-1]
    for seg in node_path:
        current = _descend(current, seg)
        if current is None:
            return None
    current = _unwrap(current)
    if isinstance(current, list):  # a tagged union: the member named by the data's ``kind``
        node = _at(data, node_path)
        tag = node.get("kind") if isinstance(node, dict) else None
        current = next((m for m in current if _kind_of(m) == tag), None)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return None


def _kind_of(tp: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel) and "kind" in tp.model_fields:
        args = get_args(tp.model_fields["kind"].annotation)
        return args[0] if len(args) == 1 else None
    return None


def _descend(tp: Any, seg: str | int) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, list):  # a union: pick the member that knows the segment
        for member in tp:
            found = _descend(member, seg)
            if found is not None:
                return found
        return None
    if isinstance(seg, int):
        args = get_args(tp)
        return args[0] if get_origin(tp) in (list, tuple) and args else None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            if seg in (name, f.alias):
                return f.annotation
        return None
    if get_origin(tp) is dict:
        return get_args(tp)[1]
    return None


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        return [_unwrap(m) for m in members] if len(members) > 1 else _unwrap(members[0])
    if origin is Literal:
        return None
    return tp
