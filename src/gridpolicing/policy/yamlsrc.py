"""Safe YAML reading that remembers where every value came from.

The loader builds only plain data (dict, list, str, int, float, bool, None): no tag constructs a
Python object, dates stay strings (the models parse them), and a duplicate key is an error. Each
value's position is kept in a :class:`Positions` map keyed by its path of keys and indexes, so a
validation error on ``rules[3].min_hours`` can be shown at the line and column an author edits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, final

import yaml

from gridpolicing.errors import Problem

__all__ = ["Positions", "YamlSource", "parse_yaml"]

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type: '2022-01-01' stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@final
@dataclass(frozen=True, slots=True)
class Positions:
    """1-based (line, column) of each value (and of each mapping key) by path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, path: Path) -> tuple[int, int] | None:
        """Position of the value at ``path``, or of its nearest enclosing value."""
        for p in _prefixes(path):
            if p in self.values:
                return self.values[p]
        return None

    def of_key(self, path: Path) -> tuple[int, int] | None:
        """Position of the key that ends ``path`` (for 'unknown key' errors)."""
        return self.keys.get(path) or self.of_value(path)


def _prefixes(path: Path) -> Iterator[Path]:
    for n in range(len(path), -1, -1):
        yield path[:n]


@final
@dataclass(frozen=True, slots=True)
class YamlSource:
    """A parsed YAML document: its plain data, its positions and the file it came from."""

    file: str
    data: Any
    positions: Positions
    text: str


def parse_yaml(text: str, file: str) -> tuple[YamlSource | None, list[Problem]]:
    """Parse one YAML document safely; return it, or the problems that stopped it."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = exc.problem or exc.context or "malformed YAML"
        return None, [Problem(file, line, col, "", f"malformed YAML: {what}")]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        return None, [Problem(file, None, None, "", f"malformed YAML: {exc}")]
    if node is None:
        return None, [Problem(file, 1, 1, "", "empty document; expected a mapping")]
    positions = Positions()
    problems: list[Problem] = []
    data = _build(node, (), positions, problems, file)
    if problems:
        return None, problems
    return YamlSource(file, data, positions, text), []


_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")
)
_CONSTRUCTOR = _Loader("")


def _build(node: yaml.Node, path: Path, pos: Positions, problems: list[Problem], file: str) -> Any:
    pos.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _PLAIN_TAGS:
        problems.append(_at(file, node, path, f"tag {node.tag} is not allowed"))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(_at(file, key_node, path, "merge keys (<<) are not supported"))
                continue
            key = _scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                problems.append(_at(file, key_node, path, f"duplicate key {key!r}"))
                continue
            pos.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(value_node, (*path, key), pos, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*path, i), pos, problems, file) for i, v in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return yaml.safe_dump(yaml.load(yaml.serialize(node), Loader=_Loader)).strip()
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError):
        return node.value


def _at(file: str, node: yaml.Node, path: Path, message: str) -> Problem:
    return Problem(
        file, node.start_mark.line + 1, node.start_mark.column + 1, dotted(path), message
    )


def dotted(path: Path) -> str:
    """``('rules', 3, 'min_hours')`` -> ``rules[3].min_hours``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
