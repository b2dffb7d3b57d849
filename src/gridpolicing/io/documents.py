"""Single-file datasets: a YAML or JSON document parsed into records, with where each starts.

Both parsers keep every scalar as the text written (the models decide what it means), note the
line and column of each mapping, and report shape defects (unknown tables or fields, duplicate
keys, tags, nested values) as :class:`Problem`s, all at once. A value that is not text at all (a
lone surrogate from an escape such as ``"\\ud800"``) rejects its record, as any bad value does.
"""

from __future__ import annotations

import bisect
import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset_schema import (
    ATTRIBUTE_PREFIX,
    ATTRIBUTES_FIELD,
    DATASET_KEY,
    columns,
    takes_attributes,
)
from gridpolicing.model import TABLES

__all__ = ["DocRecord", "error", "quote", "read_document"]

_TAG: Final = "tag:yaml.org,2002:"
_PLAIN_TAGS: Final = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")
)
_METADATA_KEYS: Final = ("name", "description")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# json's C decoder reports no positions; its pure-Python scanner lets us note where objects start.
_json_decoder: Any = importlib.import_module("json.decoder")
_json_scanner: Any = importlib.import_module("json.scanner")


def read_document(path: Path) -> dict[str, list[DocRecord]]:
    """Every table of a YAML or JSON file as records; shape defects raise DatasetError."""
    file = str(path)
    text = _read_text(path, file)
    problems: list[Problem] = []
    parse = _parse_json if path.suffix.lower() == ".json" else _parse_yaml
    tables = _tables(parse(text, file, problems), file, problems)
    if problems:
        raise DatasetError(problems)
    return tables


def error(file: str, message: str, line: int | None = None, col: int | None = None) -> DatasetError:
    """A DatasetError of one problem of ``file``."""
    return DatasetError([Problem(file, line, col, "", message)])


def quote(text: str) -> str:
    """``text`` quoted for a message, cut short as validation's own quoting is.

    A lone surrogate is shown as its escape: a message must always be printable text.
    """
    quoted = json.dumps(text if len(text) <= 80 else text[:80] + "…", ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)


def _read_text(path: Path, file: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(file, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(file, "not UTF-8 text", data.count(b"\n", 0, exc.start) + 1) from None


class _Obj(dict[str, Any]):
    """A mapping read from a document, with where it and (for YAML) each of its keys start."""

    def __init__(self, line: int, col: int | None = None) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.at: dict[str, tuple[int, int | None]] = {}

    def where(self, key: str | None = None) -> tuple[int, int | None]:
        """1-based (line, column) of ``key``, or of the mapping itself."""
        return self.at.get(key or "", (self.line, self.col))


class _Seq(list[Any]):
    """A YAML sequence with where each of its items starts."""

    def __init__(self) -> None:
        super().__init__()
        self.at: list[tuple[int, int | None]] = []


class _Loader(yaml.SafeLoader):
    """SafeLoader composing nodes (marks kept), noting duplicate keys, leaving dates as text."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.name = file
        self.duplicates: list[Problem] = []

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        first: dict[str, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != _TAG + "merge":
                if key.value in first:
                    message = f"duplicate key {quote(key.value)} (first on line {first[key.value]})"
                    self.duplicates.append(_at(self.name, key.start_mark, message))
                first.setdefault(key.value, key.start_mark.line + 1)
        return node


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _at(file: str, mark: yaml.Mark, message: str) -> Problem:
    return Problem(file, mark.line + 1, mark.column + 1, "", message)


def _parse_yaml(text: str, file: str, problems: list[Problem]) -> Any:
    """The document as plain data: text scalars (as written), lists and :class:`_Obj`.

    Syntax errors raise at once; other defects (duplicate keys, tags) go to ``problems``.
    """
    loader = None
    try:
        loader = _Loader(text, file)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "unreadable"
        if exc.context and what.startswith("but "):
            what = f"{exc.context}, {what}"
        raise (
            DatasetError([_at(file, mark, f"malformed YAML: {what}")])
            if mark
            else error(file, f"malformed YAML: {what}")
        ) from None
    except yaml.reader.ReaderError as exc:
        line, col = (
            text.count("\n", 0, exc.position) + 1,
            exc.position - text.rfind("\n", 0, exc.position),
        )
        raise error(file, f"malformed YAML: {exc.reason}", line, col) from None
    except yaml.YAMLError as exc:
        raise error(file, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise error(file, "malformed YAML: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    problems.extend(loader.duplicates)
    if root is None:
        raise error(file, "empty document; expected a mapping of table names to records", 1, 1)
    try:
        return _plain(root, file, problems, {})
    except RecursionError:
        raise error(file, "malformed YAML: nested too deeply") from None


def _plain(node: yaml.Node, file: str, problems: list[Problem], memo: dict[int, Any]) -> Any:
    # Aliases share one node; the memo keeps them (and cycles) from being expanded again.
    if id(node) in memo:
        return memo[id(node)]
    if node.tag not in _PLAIN_TAGS:
        problems.append(_at(file, node.start_mark, f"tag {node.tag} is not allowed"))
        return None
    if isinstance(node, yaml.MappingNode):
        obj = memo[id(node)] = _Obj(node.start_mark.line + 1, node.start_mark.column + 1)
        for key, value in node.value:
            if key.tag == _TAG + "merge":
                problems.append(_at(file, key.start_mark, "merge keys (<<) are not supported"))
            elif not isinstance(key, yaml.ScalarNode):
                problems.append(_at(file, key.start_mark, "a key must be a plain name"))
            elif key.value not in obj:
                obj.at[key.value] = (key.start_mark.line + 1, key.start_mark.column + 1)
                obj[key.value] = _plain(value, file, problems, memo)
        return obj
    if isinstance(node, yaml.SequenceNode):
        items = memo[id(node)] = _Seq()
        for v in node.value:
            items.at.append((v.start_mark.line + 1, v.start_mark.column + 1))
            items.append(_plain(v, file, problems, memo))
        return items
    # The text as written, not YAML's guess: the model decides, so an id 007 stays "007".
    return None if node.tag == _TAG + "null" else str(node.value)


def _parse_json(text: str, file: str, problems: list[Problem]) -> Any:
    """The document as plain data: numbers as written, objects as :class:`_Obj`."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[_Obj, int]:
        strict, scan_once, _hook, _pairs_hook, memo = args[:5]
        pairs, end = _json_decoder.JSONObject(s_and_end, strict, scan_once, None, list, memo)
        # The scanner hands over the offset just past the "{": a 1-based column, as YAML's.
        offset = s_and_end[1]
        line = bisect.bisect_left(newlines, offset) + 1
        obj = _Obj(line, offset - (newlines[line - 2] + 1 if line > 1 else 0))
        for key, value in pairs:
            if key in obj:
                where = (file, obj.line, obj.col, "")
                problems.append(Problem(*where, f"duplicate key {quote(key)}"))
            obj[key] = value
        return obj, end

    decoder = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)
    hooks: Any = decoder
    hooks.parse_object = parse_object
    hooks.scan_once = _json_scanner.py_make_scanner(decoder)
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise error(file, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise error(file, "malformed JSON: nested too deeply") from None
    return data


@dataclass(slots=True)
class DocRecord:
    line: int
    values: dict[str, str | list[str] | None] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(field, message) of values that are not even a value: a mapping, a nested list."""


_Report = Callable[[tuple[int, int | None], str, str], None]


def _tables(doc: Any, file: str, problems: list[Problem]) -> dict[str, list[DocRecord]]:
    """Check a document's shape (known tables, lists of records, known fields), all at once."""

    def report(where: tuple[int, int | None], path: str, message: str) -> None:
        problems.append(Problem(file, *where, path, message))

    if not isinstance(doc, _Obj):
        found = _kind(doc)
        problems.append(Problem(file, 1, 1, "", f"expected a mapping of tables, found {found}"))
        return {}
    out: dict[str, list[DocRecord]] = {}
    for name, value in doc.items():
        if name == DATASET_KEY:
            _check_metadata(doc, value, report)
        elif name not in TABLES:
            known = ", ".join(TABLES)
            message = f"unknown table {quote(name)}; expected {DATASET_KEY} or {known}"
            report(doc.where(name), "", message)
        elif value is not None and not isinstance(value, list):
            report(doc.where(name), name, f"expected a list of records, found {_kind(value)}")
        else:
            out[name] = []
            for i, item in enumerate(value or (), 1):
                if isinstance(item, _Obj):
                    out[name].append(_record(name, item, report))
                else:
                    where = value.at[i - 1] if isinstance(value, _Seq) else doc.where(name)
                    report(where, name, f"item {i}: expected a record, found {_kind(item)}")
    return out


def _record(table: str, item: _Obj, report: _Report) -> DocRecord:
    model = TABLES[table].model
    fields = {c.name: c for c in columns(model)}
    rec = DocRecord(item.line)
    for key, v in item.items():
        c = fields.get(key)
        if key == ATTRIBUTES_FIELD and takes_attributes(model):
            _attributes(rec, v)
        elif c is None:
            names = [*fields, ATTRIBUTES_FIELD] if takes_attributes(model) else list(fields)
            message = f"unknown field {quote(key)}; expected {', '.join(names)}"
            report(item.where(key), table, message)
        elif isinstance(v, list) and c.is_list:
            nested = [x for x in v if isinstance(x, list | dict)]
            if nested:
                found = _kind(nested[0]).removeprefix("a ")
                rec.problems.append((key, f"expected a list of values, found a nested {found}"))
            items = [] if nested else [_text(x) for x in v if x is not None]
            bad = next((x for x in items if _SURROGATE.search(x)), None)
            if bad is not None:
                rec.problems.append((key, _not_text(bad)))
            rec.values[key] = None if nested or bad is not None else items
        elif isinstance(v, list | dict):
            want = "a list of values" if c.is_list else "a single value"
            rec.problems.append((key, f"expected {want}, found {_kind(v)}"))
            rec.values[key] = None
        else:
            text = None if v is None else _text(v)
            if text is not None and _SURROGATE.search(text):
                rec.problems.append((key, _not_text(text)))
                text = None
            rec.values[key] = [text] if c.is_list and text is not None else text
    return rec


def _attributes(rec: DocRecord, value: Any) -> None:
    """``attributes: {id: value}`` as the fields ``attr.<id>`` (validation checks each)."""
    if value is None:
        return
    if not isinstance(value, dict):
        found = _kind(value)
        rec.problems.append(
            (ATTRIBUTES_FIELD, f"expected a mapping of attribute values, found {found}")
        )
        return
    for key, v in value.items():
        name = ATTRIBUTE_PREFIX + str(key)
        if isinstance(v, list | dict):
            rec.problems.append((name, f"expected a single value, found {_kind(v)}"))
            rec.values[name] = None
            continue
        text = None if v is None else _text(v)
        if text is not None and _SURROGATE.search(text):
            rec.problems.append((name, _not_text(text)))
            text = None
        rec.values[name] = text


def _not_text(text: str) -> str:
    # DuckDB (and every UTF-8 file) holds no lone surrogate; "\ud800" in JSON or YAML makes one.
    return f"expected text, found a lone surrogate (an escape of half a character) in {quote(text)}"


def _check_metadata(doc: _Obj, value: Any, report: _Report) -> None:
    if not isinstance(value, _Obj):
        found = _kind(value)
        report(doc.where(DATASET_KEY), DATASET_KEY, f"expected name and description, found {found}")
        return
    for key, v in value.items():
        if key not in _METADATA_KEYS:
            message = f"unknown key {quote(key)}; expected name or description"
            report(value.where(key), DATASET_KEY, message)
        elif isinstance(v, list | dict):
            report(value.where(key), DATASET_KEY, f"expected text, found {_kind(v)}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else f"the value {quote(_text(value))}"
