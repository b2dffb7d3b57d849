"""Where a problem is: a position in a YAML source and a path that names list items by id."""

from __future__ import annotations

from typing import Any

from gridpolicing.errors import Problem
from gridpolicing.policy.yamlsrc import YamlSource, dotted

__all__ = ["named_path", "problem_at"]


def problem_at(source: YamlSource, path: tuple[str | int, ...], message: str) -> Problem:
    """A problem at the value ``path`` of ``source``, its path named by ids."""
    line, col = source.positions.of_value(path) or (None, None)
    return Problem(source.file, line, col, named_path(source.data, path), message)


def named_path(data: Any, path: tuple[str | int, ...]) -> str:
    """Like :func:`dotted`, but list items with an ``id`` are named by it: ``rules[x].kind``."""
    out: list[str | int] = []
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            ident = item.get("id") if isinstance(item, dict) else None
            out.append(f"[{ident}]" if isinstance(ident, str) else part)
            node = item
            continue
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else None
    text = ""
    for p in out:
        if isinstance(p, int):
            text += f"[{p}]"
        elif p.startswith("["):
            text += p
        else:
            text += f".{p}" if text else p
    return text or dotted(path)
