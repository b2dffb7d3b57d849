"""Read a dataset: one YAML or JSON file, or a directory of ``<table>.csv`` / ``<table>.parquet``.

Every format is staged into DuckDB as raw columns plus the line or row each record came from,
then checked by the one validation path in :mod:`gridpolicing.io.validate`. Defects of a whole
file (unreadable, malformed, an unknown table or column) raise :class:`DatasetError`; records
that fail a check are left out and listed in :attr:`Dataset.rejected`.
"""

from __future__ import annotations

import bisect
import csv
import importlib
import json
import os
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow as pa
import yaml

from gridpolicing.errors import DatasetError, Problem, UsageError
from gridpolicing.io.dataset import Dataset
from gridpolicing.io.dataset_schema import DATASET_KEY, columns
from gridpolicing.io.validate import Staged, build_dataset
from gridpolicing.model import TABLES
from gridpolicing.model.terms import Vocabulary

__all__ = ["load_dataset"]

_DOCUMENT_SUFFIXES: Final = (".yaml", ".yml", ".json")
_TABLE_SUFFIXES: Final = (".csv", ".parquet")
_TAG: Final = "tag:yaml.org,2002:"
_PLAIN_TAGS: Final = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")
)
_METADATA_KEYS: Final = ("name", "description")
# json's C decoder reports no positions; its pure-Python scanner lets us note where objects start.
_json_decoder: Any = importlib.import_module("json.decoder")
_json_scanner: Any = importlib.import_module("json.scanner")


def load_dataset(
    path: str | os.PathLike[str],
    *,
    label: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> Dataset:
    """Load and validate a dataset from a YAML/JSON file or a directory of CSV/Parquet files.

    Raises :class:`DatasetError` when the input cannot be read as a dataset at all; records that
    fail validation are not used and are listed in the Dataset's ``rejected``. ``label`` names
    the dataset in reports (default: the file or folder name). ``vocabulary`` (a policy's
    ``policy.vocabulary``) lets records name the terms the policy adds; without it only the
    built-in terms are allowed.
    """
    if label is not None and not label.strip():
        raise UsageError("a dataset label must not be empty")
    file = os.fspath(path)
    p = Path(file)
    if not p.exists():
        raise _error(file, "no such file or directory")
    if not p.is_dir() and p.suffix.lower() not in _DOCUMENT_SUFFIXES:
        raise _error(
            file,
            "unsupported file type; expected a .yaml, .yml or .json file, "
            "or a directory of <table>.csv or <table>.parquet files",
        )
    con = duckdb.connect(":memory:")
    try:
        # A library must not draw progress bars on its caller's terminal.
        con.execute("SET enable_progress_bar = false")
        stager = _Stager(con)
        staged = stager.directory(p) if p.is_dir() else stager.document(p)
        dataset = build_dataset(con, staged, source=file, vocabulary=vocabulary)
        if label is not None:
            dataset.label = label
        stager.drop()
    except BaseException:
        con.close()
        raise
    return dataset


def _error(
    file: str, message: str, line: int | None = None, col: int | None = None
) -> DatasetError:
    return DatasetError([Problem(file, line, col, "", message)])


def _q(text: str) -> str:
    """``text`` quoted for a message, cut short as validation's own quoting is."""
    return json.dumps(text if len(text) <= 80 else text[:80] + "…", ensure_ascii=False)


# --- single-file documents -----------------------------------------------------------------


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
                    message = f"duplicate key {_q(key.value)} (first on line {first[key.value]})"
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
            else _error(file, f"malformed YAML: {what}")
        ) from None
    except yaml.reader.ReaderError as exc:
        line, col = (
            text.count("\n", 0, exc.position) + 1,
            exc.position - text.rfind("\n", 0, exc.position),
        )
        raise _error(file, f"malformed YAML: {exc.reason}", line, col) from None
    except yaml.YAMLError as exc:
        raise _error(file, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise _error(file, "malformed YAML: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    problems.extend(loader.duplicates)
    if root is None:
        raise _error(file, "empty document; expected a mapping of table names to records", 1, 1)
    try:
        return _plain(root, file, problems, {})
    except RecursionError:
        raise _error(file, "malformed YAML: nested too deeply") from None


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
        obj = _Obj(bisect.bisect_left(newlines, s_and_end[1]) + 1)
        for key, value in pairs:
            if key in obj:
                problems.append(Problem(file, obj.line, None, "", f"duplicate key {_q(key)}"))
            obj[key] = value
        return obj, end

    decoder = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)
    hooks: Any = decoder
    hooks.parse_object = parse_object
    hooks.scan_once = _json_scanner.py_make_scanner(decoder)
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise _error(file, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _error(file, "malformed JSON: nested too deeply") from None
    return data


@dataclass(slots=True)
class _Record:
    line: int
    values: dict[str, str | list[str] | None] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(field, message) of values that are not even a value: a mapping, a nested list."""


_Report = Callable[[tuple[int, int | None], str, str], None]


def _tables(doc: Any, file: str, problems: list[Problem]) -> dict[str, list[_Record]]:
    """Check a document's shape (known tables, lists of records, known fields), all at once."""

    def report(where: tuple[int, int | None], path: str, message: str) -> None:
        problems.append(Problem(file, *where, path, message))

    if not isinstance(doc, _Obj):
        found = _kind(doc)
        problems.append(Problem(file, 1, 1, "", f"expected a mapping of tables, found {found}"))
        return {}
    out: dict[str, list[_Record]] = {}
    for name, value in doc.items():
        if name == DATASET_KEY:
            _check_metadata(doc, value, report)
        elif name not in TABLES:
            known = ", ".join(TABLES)
            message = f"unknown table {_q(name)}; expected {DATASET_KEY} or {known}"
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


def _record(table: str, item: _Obj, report: _Report) -> _Record:
    fields = {c.name: c for c in columns(TABLES[table].model)}
    rec = _Record(item.line)
    for key, v in item.items():
        c = fields.get(key)
        if c is None:
            message = f"unknown field {_q(key)}; expected {', '.join(fields)}"
            report(item.where(key), table, message)
        elif isinstance(v, list) and c.is_list:
            nested = [x for x in v if isinstance(x, list | dict)]
            if nested:
                found = _kind(nested[0]).removeprefix("a ")
                rec.problems.append((key, f"expected a list of values, found a nested {found}"))
            rec.values[key] = None if nested else [_text(x) for x in v if x is not None]
        elif isinstance(v, list | dict):
            want = "a list of values" if c.is_list else "a single value"
            rec.problems.append((key, f"expected {want}, found {_kind(v)}"))
            rec.values[key] = None
        else:
            text = None if v is None else _text(v)
            rec.values[key] = [text] if c.is_list and text is not None else text
    return rec


def _check_metadata(doc: _Obj, value: Any, report: _Report) -> None:
    if not isinstance(value, _Obj):
        found = _kind(value)
        report(doc.where(DATASET_KEY), DATASET_KEY, f"expected name and description, found {found}")
        return
    for key, v in value.items():
        if key not in _METADATA_KEYS:
            message = f"unknown key {_q(key)}; expected name or description"
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
    return "nothing" if value is None else f"the value {_q(_text(value))}"


# --- staging -------------------------------------------------------------------------------


class _Stager:
    """Puts each source into a DuckDB relation ``_key, _row, <fields>``; drops them after."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.created: list[str] = []

    def drop(self) -> None:
        """Drop the staging relations, newest first (views before the tables they read)."""
        for what in reversed(self.created):
            self.con.execute(f"DROP {what}")

    def document(self, path: Path) -> dict[str, Staged]:
        """Stage every table of a YAML or JSON file."""
        file = str(path)
        text = _read_text(path, file)
        problems: list[Problem] = []
        parse = _parse_json if path.suffix.lower() == ".json" else _parse_yaml
        tables = _tables(parse(text, file, problems), file, problems)
        if problems:
            raise DatasetError(problems)
        return {t: self._records(t, file, recs) for t, recs in tables.items()}

    def _records(self, table: str, file: str, records: list[_Record]) -> Staged:
        data: dict[str, pa.Array] = {
            "_key": pa.array(range(len(records)), pa.int64()),
            "_row": pa.array([r.line for r in records], pa.int64()),
        }
        for c in columns(TABLES[table].model):
            if any(c.name in r.values for r in records):
                kind = pa.list_(pa.string()) if c.is_list else pa.string()
                data[c.name] = pa.array([r.values.get(c.name) for r in records], kind)
        name = f"_stage_{table}"
        self.con.register("_arrow_stage", pa.table(data))
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _arrow_stage")
        self.con.unregister("_arrow_stage")
        self.created.append(f"TABLE {name}")
        pre = tuple((i, f, m) for i, r in enumerate(records) for f, m in r.problems)
        return Staged(table, file, name, pre)

    def directory(self, path: Path) -> dict[str, Staged]:
        """Stage each ``<table>.csv`` or ``<table>.parquet`` file of a directory."""
        try:
            entries = sorted(
                e
                for e in path.iterdir()
                if e.suffix.lower() in _TABLE_SUFFIXES and not e.name.startswith(".")
            )
        except OSError as exc:
            raise _error(str(path), f"cannot list the directory: {exc.strerror or exc}") from None
        found: dict[str, Path] = {}
        problems = []
        for e in entries:
            if e.stem not in TABLES:
                known = ", ".join(TABLES)
                message = f"unknown table {_q(e.stem)}; expected <table>.csv or .parquet of {known}"
                problems.append(Problem(str(e), None, None, "", message))
            elif e.stem in found:
                message = f"table {e.stem} is also given by {found[e.stem].name}"
                problems.append(Problem(str(e), None, None, "", message))
            else:
                found[e.stem] = e
        staged = {}
        for table in (t for t in TABLES if t in found):
            e = found[table]
            try:
                item = (
                    self._parquet(table, e)
                    if e.suffix.lower() == ".parquet"
                    else self._csv(table, e)
                )
            except DatasetError as exc:
                problems.extend(exc.problems)
                continue
            if item is not None:
                staged[table] = item
        if problems:
            raise DatasetError(problems)
        return staged

    def _parquet(self, table: str, path: Path) -> Staged:
        file = str(path)
        try:
            described = self.con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?)", [file]
            ).fetchall()
        except duckdb.Error as exc:
            raise _error(file, f"cannot read the Parquet file: {_first_line(exc)}") from None
        _check_columns(file, None, table, [str(r[0]) for r in described])
        name = f"_stage_{table}"
        # A view, not a copy: validation scans it once, and the activity table may be huge.
        self.con.execute(
            f"CREATE TEMP VIEW {name} AS SELECT file_row_number AS _key, "
            "file_row_number + 1 AS _row, * EXCLUDE (file_row_number) "
            f"FROM read_parquet({_sql_str(file)}, file_row_number = true)"
        )
        self.created.append(f"VIEW {name}")
        return Staged(table, file, name)

    def _csv(self, table: str, path: Path) -> Staged | None:
        file = str(path)
        header = _csv_header(path, file)
        if header is None:
            return None
        _check_columns(file, 1, table, header)
        struct = "{" + ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header) + "}"
        # A fixed dialect, not DuckDB's sniffer: its guesses turn a bad row into a vague error.
        source = (
            f"read_csv({_sql_str(file)}, header = true, auto_detect = false, columns = {struct}, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, encoding = 'utf-8')"
        )
        # Counting every column reads every value, so a malformed file (or one that is not UTF-8)
        # fails here, as a copy of it would; count(*) alone would skip checking the values.
        every = ", ".join(f"count({_sql_id(h)})" for h in header)
        try:
            count = self.con.execute(f"SELECT count(*), {every} FROM {source}").fetchall()[0][0]
        except duckdb.Error as exc:
            raise _csv_error(file, exc) from None
        lines = _record_lines(path, int(count), len(header))
        scan = f"_scan_{table}"
        self.con.execute(f"CREATE TEMP VIEW {scan} AS SELECT * FROM {source}")
        self.created.append(f"VIEW {scan}")
        name = f"_stage_{table}"

        def stage() -> None:
            # Only for a table with rejected records: a copy, to number its records.
            raw = f"_raw_{table}"
            try:
                self.con.execute(f"CREATE TEMP TABLE {raw} AS SELECT * FROM {scan}")
            except duckdb.Error as exc:  # the file changed since it was counted
                raise _csv_error(file, exc) from None
            self.created.append(f"TABLE {raw}")
            if lines is None:
                select = f"SELECT rowid AS _key, rowid + 2 AS _row, * FROM {raw}"
            else:
                self.con.register("_arrow_lines", pa.table({"line": pa.array(lines, pa.int64())}))
                self.con.execute(
                    f"CREATE TEMP TABLE {raw}_at AS SELECT l.line AS _row, r.* "
                    f"FROM {raw} r POSITIONAL JOIN _arrow_lines l"
                )
                self.con.unregister("_arrow_lines")
                self.created.append(f"TABLE {raw}_at")
                select = f"SELECT rowid AS _key, * FROM {raw}_at"
            self.con.execute(f"CREATE TEMP VIEW {name} AS {select}")
            self.created.append(f"VIEW {name}")

        # A clean table is read from the file once more, never copied: see Staged.scan.
        return Staged(table, file, name, scan=scan, stage=stage)


def _read_text(path: Path, file: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(file, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(file, "not UTF-8 text", data.count(b"\n", 0, exc.start) + 1) from None


def _csv_header(path: Path, file: str) -> list[str] | None:
    """The header's column names (stripped), or None for an empty file (an empty table)."""
    try:
        with path.open("rb") as f:
            first = f.readline()
    except OSError as exc:
        raise _error(file, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise _error(file, "not UTF-8 text", 1) from None
    if not first:
        return None
    if not line.strip():
        raise _error(file, "the header line is empty; expected column names", 1)
    try:
        names = next(csv.reader([line], strict=True))
    except csv.Error as exc:
        raise _error(file, f"malformed CSV header: {exc}", 1) from None
    return [n.strip() for n in names]


def _record_lines(path: Path, records: int, n_columns: int) -> array[int] | None:
    """The line each record starts on, when that is not simply its position + 2; else None."""
    newlines, last = 0, b""
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    if newlines + (last not in (b"\n", b"")) - 1 == records:
        return None
    # A quoted value spans lines, or DuckDB skipped blank lines: count lines the slow way.
    starts: array[int] = array("q")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        previous = 0
        for i, rec in enumerate(reader):
            start, previous = previous + 1, reader.line_num
            if i > 0 and (rec or n_columns == 1):
                starts.append(start)
    return starts if len(starts) == records else None


def _check_columns(file: str, line: int | None, table: str, names: list[str]) -> None:
    fields = [c.name for c in columns(TABLES[table].model)]
    problems, seen = [], set()
    for i, n in enumerate(names, 1):
        if not n:
            problems.append(f"column {i} has no name")
        elif n in seen:
            problems.append(f"column {_q(n)} appears more than once")
        elif n not in fields:
            problems.append(f"unknown column {_q(n)}; columns of {table} are {', '.join(fields)}")
        seen.add(n)
    if problems:
        raise DatasetError(Problem(file, line, None, "", m) for m in problems)


def _csv_error(file: str, exc: duckdb.Error) -> DatasetError:
    text = str(exc)
    found = re.search(r"CSV Error on Line: (\d+)", text)
    body = re.split(r"\n\s*Possible (?:fixes|Solution)", text)[0]
    lines = [s.strip() for s in body.splitlines() if s.strip()]
    reason = lines[-1] if found and len(lines) > 2 else _first_line(exc)
    return _error(file, f"malformed CSV: {reason}", int(found.group(1)) if found else None)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _sql_id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
