"""Safe, bounded YAML reading that remembers where every value came from.

The loader builds only plain data (dict, list, str, int, float, bool, None): no tag constructs a
Python object, dates stay strings (the models parse them), and a duplicate key is an error. Each
value's position is kept in a :class:`Positions` map keyed by its path of keys and indexes, so a
validation error on ``rules[3].min_hours`` can be shown at the line and column an author edits.

Scalars are typed as in YAML 1.2's core schema, not YAML 1.1: ``010`` and ``1:30`` stay text
(never 8 or 90), ``yes``/``no``/``on``/``off`` stay text, only ``true``/``false`` are booleans.
Numbers must be finite (``.inf``, ``.nan`` and ``1e309`` are refused) and integers must fit in
64 bits, because every number may reach SQL. Work is bounded before it grows (:class:`Limits`):
the file's size, the nesting depth and the number of nodes *after* aliases are expanded are
counted while the document is composed, so an alias bomb is refused after a few thousand nodes,
not after the memory is gone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Final, final

import yaml

from gridpolicing.errors import Problem
from gridpolicing.policy.yaml_hints import syntax_hint

__all__ = [
    "POLICY_LIMITS",
    "TEST_LIMITS",
    "Limits",
    "Positions",
    "YamlSource",
    "dotted",
    "parse_yaml",
    "read_yaml_file",
    "unprintable",
]

Path = tuple[str | int, ...]

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1


@final
@dataclass(frozen=True, slots=True)
class Limits:
    """How much one YAML file may hold; documented in docs/limits.md."""

    max_bytes: int
    max_depth: int = 64
    max_nodes: int = 100_000
    """Nodes after aliases are expanded (what building the data costs)."""
    max_aliases: int = 1_000


POLICY_LIMITS: Final = Limits(max_bytes=1024 * 1024)
"""A policy file: the largest bundled one is 56 KiB and 5,000 nodes."""
TEST_LIMITS: Final = Limits(max_bytes=8 * 1024 * 1024, max_nodes=1_000_000)
"""A policy-test file, which also carries its cases' data."""

_TAG: Final = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_PLAIN_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TAG + "map", _TAG + "seq"})

_INT_RX = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT_RX = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NOT_FINITE_RX = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
# What XML 1.0 cannot carry; reachable only through escapes ("\x01", "\ud800"), as the reader
# refuses such characters written raw. Refused so no report, JUnit file or terminal chokes.
_UNPRINTABLE_RX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_NULLS = frozenset({"~", "null", "Null", "NULL", ""})


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core typing that counts depth and expanded nodes as it composes."""

    def __init__(self, text: str, limits: Limits) -> None:
        super().__init__(text)
        self.limits = limits
        self.depth = 0
        self.peak = 0
        self.nodes = 0
        self.aliases = 0
        self.open: set[str] = set()
        self.measure: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, height)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open:
                raise _TooBig(mark, f"alias *{event.anchor} refers to the node that contains it")
            node = super().compose_node(parent, index)
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise _TooBig(mark, f"too large: more than {self.limits.max_aliases:,} aliases")
            size, height = self.measure.get(str(event.anchor), (1, 1))
            self._grow(size, mark)
            self._reach(self.depth + height, mark)
            return node
        anchor = getattr(event, "anchor", None)
        self.depth += 1
        outer_peak, self.peak = self.peak, self.depth
        self._reach(self.depth, mark)
        self._grow(1, mark)
        start = self.nodes
        if anchor is not None:
            self.open.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self.open.discard(anchor)
            self.measure[anchor] = (self.nodes - start + 1, self.peak - self.depth + 1)
        self.peak = max(outer_peak, self.peak)
        self.depth -= 1
        return node

    def _grow(self, n: int, mark: yaml.Mark) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise _TooBig(
                mark,
                f"too large: more than {self.limits.max_nodes:,} values once aliases are expanded",
            )

    def _reach(self, depth: int, mark: yaml.Mark) -> None:
        self.peak = max(self.peak, depth)
        if depth > self.limits.max_depth:
            raise _TooBig(mark, f"too deep: nested more than {self.limits.max_depth} levels")


class _TooBig(Exception):
    """A limit was passed while composing; carries where."""

    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


_Loader.yaml_implicit_resolvers = {}
for _tag, _rx, _first in (
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_INT, f"^{_INT_RX.pattern}$", "-+0123456789"),
    (_FLOAT, f"^(?:{_FLOAT_RX.pattern}|{_NOT_FINITE_RX.pattern})$", "-+0123456789."),
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_TAG + "merge", r"^(?:<<)$", "<"),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_rx), list(_first))


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
    in_file: bool = True
    """False for a policy given as text or a mapping: ``file`` is only its name, with no folder
    beside it to read other files from."""


def read_yaml_file(
    path: FsPath, file: str, limits: Limits = POLICY_LIMITS
) -> tuple[YamlSource | None, list[Problem]]:
    """Read and parse one UTF-8 YAML file, refusing it before reading when it is too large."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, [Problem(file, None, None, "", _too_large(size, limits))]
        with path.open("rb") as fh:  # bounded even if the file grows after stat()
            raw = fh.read(limits.max_bytes + 1)
        if len(raw) > limits.max_bytes:
            message = f"file too large: more than {limits.max_bytes:,} bytes"
            return None, [Problem(file, None, None, "", message)]
    except OSError as exc:
        return None, [Problem(file, None, None, "", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return None, [Problem(file, line, col, "", message)]
    return parse_yaml(text.removeprefix("\ufeff"), file, limits)


def _too_large(size: int, limits: Limits) -> str:
    return f"file too large: {size:,} bytes; the limit is {limits.max_bytes:,}"


def parse_yaml(
    text: str, file: str, limits: Limits = POLICY_LIMITS
) -> tuple[YamlSource | None, list[Problem]]:
    """Parse one YAML document safely within ``limits``; return it, or the problems that stop it."""
    if len(text) > limits.max_bytes:  # a character is at least one byte
        return None, [Problem(file, None, None, "", _too_large(len(text), limits))]
    loader = None
    try:
        loader = _Loader(text, limits)
        node = loader.get_single_node()
    except _TooBig as exc:
        return None, [_mark_problem(file, exc.mark, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "malformed YAML"
        hint = syntax_hint(text, mark.line + 1 if mark else None, what)
        if hint is not None:  # the slip itself, in words, at its own line
            message = f"malformed YAML: {hint.message} (YAML says: {what})"
            return None, [Problem(file, hint.line, hint.column, "", message)]
        return None, [_mark_problem(file, mark, f"malformed YAML: {what}")]
    except yaml.reader.ReaderError as exc:  # a control character, say
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, [Problem(file, line, col, "", f"malformed YAML: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, None, None, "", f"malformed YAML: {exc}")]
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None, [Problem(file, 1, 1, "", "empty document; expected a mapping")]
    positions = Positions()
    problems: list[Problem] = []
    data = _build(node, (), positions, problems, file)
    if problems:
        return None, problems
    return YamlSource(file, data, positions, text), []


def _mark_problem(file: str, mark: yaml.Mark | None, message: str) -> Problem:
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(file, line, col, "", message)


def _build(node: yaml.Node, path: Path, pos: Positions, problems: list[Problem], file: str) -> Any:
    # Aliases are walked again where they are used; the composer has bounded what that costs.
    pos.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _PLAIN_TAGS:
        problems.append(_at(file, node, path, f"tag {node.tag} is not allowed"))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                problems.append(_at(file, key_node, path, "merge keys (<<) are not supported"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(_at(file, key_node, path, "a key must be a plain name"))
                continue
            if key_node.tag not in _PLAIN_TAGS:
                problems.append(_at(file, key_node, path, f"tag {key_node.tag} is not allowed"))
                continue
            key = key_node.value  # as written: '010' and '2016-01-01' stay what they say
            if _UNPRINTABLE_RX.search(key):
                problems.append(_at(file, key_node, path, _unprintable(key)))
                continue
            if key in out:
                problems.append(_at(file, key_node, path, f"duplicate key {key!r}"))
                continue
            pos.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(value_node, (*path, key), pos, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*path, i), pos, problems, file) for i, v in enumerate(node.value)]
    text = str(node.value)
    if _UNPRINTABLE_RX.search(text):
        problems.append(_at(file, node, path, _unprintable(text)))
        return None
    value, wrong = _scalar(node.tag, text)
    if wrong:
        problems.append(_at(file, node, path, wrong))
    return value


def _scalar(tag: str, text: str) -> tuple[Any, str | None]:
    """The value of a scalar of ``tag``, or why it cannot be one."""
    if tag == _STR:
        return text, None
    if tag == _NULL:
        return None, None if text in _NULLS else f"{text!r} is not null"
    if tag == _BOOL:
        if text in _TRUE or text in _FALSE:
            return text in _TRUE, None
        return None, f"{text!r} is not a boolean (write true or false)"
    if tag == _INT:
        if not _INT_RX.fullmatch(text):
            return None, f"{text!r} is not a decimal integer"
        if len(text.lstrip("+-")) > 19:  # before int(): a 5,000-digit number is refused cheaply
            return None, _int_range(text)
        number = int(text)
        if not INT64_MIN <= number <= INT64_MAX:
            return None, _int_range(text)
        return number, None
    if _NOT_FINITE_RX.fullmatch(text):
        return None, f"{text} is not a finite number; infinity and NaN are not allowed"
    if not _FLOAT_RX.fullmatch(text):
        return None, f"{text!r} is not a number"
    real = float(text)
    if not math.isfinite(real):
        return None, f"{_short(text)} is out of range for a number"
    return real, None


def _unprintable(text: str) -> str:
    found = _UNPRINTABLE_RX.search(text)
    code = ord(found.group()) if found else 0
    return f"a control character or lone surrogate (U+{code:04X}) is not allowed in a text"


def unprintable(text: str) -> str | None:
    """Why ``text`` cannot be in a policy (a control character, a lone surrogate), or None."""
    return _unprintable(text) if _UNPRINTABLE_RX.search(text) else None


def _int_range(text: str) -> str:
    return (
        f"integer {_short(text)} is out of range; integers must be between "
        f"{INT64_MIN:,} and {INT64_MAX:,}"
    )


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({len(text)} characters)"


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
