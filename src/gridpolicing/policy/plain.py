"""A policy given as a Python mapping, checked to be the plain data the YAML reader would build.

``load_policy({"id": ...})`` takes the document already parsed (by the caller's own YAML or JSON
reader, or built in code). It holds no positions, so its problems name the dotted path of the
value (``rules[2].min_hours``). The same limits as a file's apply (depth and number of values),
and the same scalars: text without control characters, integers within 64 bits, finite numbers,
booleans and null. A ``datetime.date`` (what PyYAML's own loader makes of ``2022-01-01``) is
taken as its ISO text, the form a policy writes; any other object is refused, never converted
by guesswork.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

from gridpolicing.errors import Problem
from gridpolicing.policy.yamlsrc import (
    INT64_MAX,
    INT64_MIN,
    POLICY_LIMITS,
    Limits,
    Positions,
    YamlSource,
    dotted,
    unprintable,
)

__all__ = ["plain_source"]

_Path = tuple[str | int, ...]


class _TooBig(Exception):
    """A limit was passed; the message says which."""


def plain_source(
    document: Mapping[str, Any], name: str, limits: Limits = POLICY_LIMITS
) -> tuple[YamlSource | None, list[Problem]]:
    """``document`` as a :class:`YamlSource` named ``name`` (without positions), or its problems."""
    problems: list[Problem] = []
    counter = [0]
    try:
        data = _plain(document, (), problems, name, limits, counter)
    except _TooBig as exc:
        return None, [Problem(name, None, None, "", str(exc))]
    if problems:
        return None, problems
    # The policy's hash is taken over its text: a stable rendering of the data stands in for it.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return YamlSource(name, data, Positions(), text, in_file=False), []


def _plain(
    node: Any, at: _Path, problems: list[Problem], name: str, limits: Limits, counter: list[int]
) -> Any:
    counter[0] += 1
    if counter[0] > limits.max_nodes:
        raise _TooBig(f"too large: more than {limits.max_nodes:,} values")
    if len(at) >= limits.max_depth:
        raise _TooBig(f"too deep: nested more than {limits.max_depth} levels")

    def wrong(message: str, where: _Path = at) -> None:
        problems.append(Problem(name, None, None, dotted(where), message))

    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if not isinstance(key, str):
                wrong(f"a key must be text, found {type(key).__name__} {key!r}")
            elif (bad := unprintable(key)) is not None:
                wrong(bad)
            else:
                out[key] = _plain(value, (*at, key), problems, name, limits, counter)
        return out
    if isinstance(node, list | tuple):
        return [_plain(v, (*at, i), problems, name, limits, counter) for i, v in enumerate(node)]
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, str):
        bad = unprintable(node)
        if bad is not None:
            wrong(bad)
        return node
    if isinstance(node, int):
        if not INT64_MIN <= node <= INT64_MAX:
            wrong(f"integer out of range; integers must be between {INT64_MIN:,} and {INT64_MAX:,}")
        return node
    if isinstance(node, float):
        if not math.isfinite(node):
            wrong(f"{node} is not a finite number; infinity and NaN are not allowed")
        return node
    if isinstance(node, dt.date) and not isinstance(node, dt.datetime):
        return node.isoformat()
    wrong(
        "expected text, a number, true or false, null, a list or a mapping, "
        f"found {type(node).__name__}"
    )
    return None
