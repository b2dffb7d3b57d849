"""Which files hold each table of a dataset directory, plain or partitioned.

A plain directory gives a table as ``<table>.csv``, ``<table>.parquet`` or a directory
``<table>/`` of Parquet part files (at any depth, Hive ``key=value`` folders allowed: they are
only folders). A partitioned directory holds one level of ``key=value/`` partition folders, each
an ordinary dataset directory, and optionally ``layout.json``; it is one dataset, the union of
its partitions' tables. See docs/dataset-format.md, "Partitioned datasets".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.documents import error, quote
from gridpolicing.model import TABLES

__all__ = [
    "LAYOUT_FILE",
    "LAYOUT_FORMAT",
    "TableSource",
    "check_layout",
    "ignored",
    "partition_key",
    "table_sources",
]

LAYOUT_FILE: Final = "layout.json"
LAYOUT_FORMAT: Final = "gridpolicing.partitioned/1"
_TABLE_SUFFIXES: Final = (".csv", ".parquet")
# Files that hold tables of their own: inside a dataset folder they would be left unread.
_WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".tsv")


@final
@dataclass(frozen=True, slots=True)
class TableSource:
    """The files of one table: one CSV file, or Parquet files read as one table in this order."""

    table: str
    label: str
    """How a defect of the whole table names it: its file, or its directory."""
    files: tuple[str, ...]
    csv: bool = False


def table_sources(root: Path) -> dict[str, TableSource]:
    """The tables a dataset directory gives, in catalogue order; raise for a defect of the layout.

    Every problem found (an unknown table, a table given twice, a file that is no Parquet part, a
    partition missing from or missing in ``layout.json`` ...) is raised together.
    """
    problems: list[Problem] = []
    entries = _entries(root)
    partitions = [e for e in entries if e.is_dir() and partition_key(e.name) is not None]
    layout = root / LAYOUT_FILE
    if partitions or layout.is_file():
        found = _partitioned(root, entries, partitions, layout, problems)
    else:
        found = _plain(root, entries, problems, in_partition=False)
    if not found and not problems:
        # An empty report would read as "nothing wrong": data that is not where the loader
        # looks (nested a folder deeper, or in a workbook) is an error, not an empty dataset.
        shown = ", ".join(e.name + ("/" if e.is_dir() else "") for e in entries[:8]) or "nothing"
        message = (
            f"no table found (it holds {shown}); expected <table>.csv, <table>.parquet or "
            "<table>/ files at the top of the folder, or bureau=<B>/ partitions"
        )
        problems.append(Problem(str(root), None, None, "", message))
    if problems:
        raise DatasetError(problems)
    return {t: found[t] for t in TABLES if t in found}


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(e for e in folder.iterdir() if not ignored(e.name))
    except OSError as exc:
        raise error(str(folder), f"cannot list the directory: {exc.strerror or exc}") from None


def ignored(name: str) -> bool:
    """Whether a file or folder name is no data (hidden, or Hadoop's ``_SUCCESS``)."""
    return name.startswith((".", "_"))


def partition_key(name: str) -> str | None:
    """The key of a partition folder's name (``bureau`` of ``bureau=B0001``), or None."""
    key, eq, value = name.partition("=")
    return key if eq and key and value and "=" not in value else None


def _plain(
    folder: Path, entries: Iterable[Path], problems: list[Problem], *, in_partition: bool
) -> dict[str, TableSource]:
    """The tables of one ordinary dataset directory (the dataset, or one partition of it)."""
    found: dict[str, TableSource] = {}
    for e in entries:
        is_dir = e.is_dir()
        if is_dir and partition_key(e.name) is not None:
            if in_partition:
                message = "partition folders nest one level only; a partition holds tables"
                problems.append(Problem(str(e), None, None, "", message))
            continue
        if is_dir:
            if e.name not in TABLES:
                if _holds_tables(e):  # a misnamed table folder would be left out unread
                    known = ", ".join(TABLES)
                    message = (
                        f"unknown table folder {quote(e.name)} holding CSV or Parquet files; "
                        f"expected a folder named after a table ({known}), or move it out"
                    )
                    problems.append(Problem(str(e), None, None, "", message))
                continue  # not a table's folder: other things may live beside the data
            source = _part_directory(e, problems)
        elif e.suffix.lower() in _TABLE_SUFFIXES:
            if e.stem not in TABLES:
                known = ", ".join(TABLES)
                expected = f"expected <table>.csv, <table>.parquet or <table>/ of {known}"
                message = f"unknown table {quote(e.stem)}; {expected}"
                problems.append(Problem(str(e), None, None, "", message))
                continue
            csv = e.suffix.lower() == ".csv"
            source = TableSource(e.stem, str(e), (str(e),), csv=csv)
        elif e.suffix.lower() in _WORKBOOK_SUFFIXES:
            message = (
                "a workbook inside a dataset folder is not read with it; load the workbook on "
                "its own (--data FILE) or give its sheets as <table>.csv files"
            )
            problems.append(Problem(str(e), None, None, "", message))
            continue
        else:
            continue
        if source is None:
            continue
        other = found.get(source.table)
        if other is not None:
            given = Path(other.label).name + ("/" if Path(other.label).is_dir() else "")
            message = f"table {source.table} is also given by {given}"
            problems.append(Problem(source.label, None, None, "", message))
            continue
        found[source.table] = source
    return found


def _holds_tables(folder: Path) -> bool:
    """Whether a folder holds CSV or Parquet files, at any depth (hidden ones aside)."""
    try:
        return any(
            p.suffix.lower() in _TABLE_SUFFIXES and not any(ignored(n) for n in p.parts)
            for p in folder.rglob("*")
        )
    except OSError:
        return False


def _part_directory(folder: Path, problems: list[Problem]) -> TableSource | None:
    """A table directory: its Parquet part files at any depth, in sorted path order."""
    parts: list[str] = []
    try:
        files = sorted(
            (p for p in folder.rglob("*") if p.is_file()),
            key=lambda p: p.relative_to(folder).as_posix(),
        )
    except OSError as exc:
        reason = f"cannot list the directory: {exc.strerror or exc}"
        problems.append(Problem(str(folder), None, None, "", reason))
        return None
    for p in files:
        if any(ignored(n) for n in p.relative_to(folder).parts):
            continue
        suffix = p.suffix.lower()
        if suffix == ".parquet":
            parts.append(str(p))
            continue
        if suffix == ".csv":
            message = (
                f"a CSV table is one file, {folder.name}.csv; a table directory "
                f"{folder.name}/ holds Parquet part files only"
            )
        else:
            message = (
                f"not a Parquet part file; a table directory {folder.name}/ holds *.parquet "
                "files only (names starting with . or _ are skipped)"
            )
        problems.append(Problem(str(p), None, None, "", message))
    return TableSource(folder.name, str(folder), tuple(parts))


def _partitioned(
    root: Path,
    entries: list[Path],
    partitions: list[Path],
    layout: Path,
    problems: list[Problem],
) -> dict[str, TableSource]:
    """The union of the partitions' tables: each table's files, partition by partition."""
    keys = sorted({str(partition_key(p.name)) for p in partitions})
    if len(keys) > 1:
        names = ", ".join(f"{k}=" for k in keys)
        message = f"partition folders name one key, found {names}"
        problems.append(Problem(str(root), None, None, "", message))
    for e in entries:
        table_file = e.is_file() and e.suffix.lower() in _TABLE_SUFFIXES
        if table_file or (e.is_dir() and e.name in TABLES):
            message = (
                "a partitioned dataset keeps its tables in its partition folders "
                f"({partitions[0].name if partitions else 'key=value'}/...), not beside them"
            )
            problems.append(Problem(str(e), None, None, "", message))
    if layout.is_file():
        _check_layout(layout, keys[0] if len(keys) == 1 else None, partitions, problems)
    files: dict[str, list[str]] = {}
    for p in partitions:
        for table, source in _plain(p, _entries(p), problems, in_partition=True).items():
            if source.csv:
                message = (
                    "a partitioned dataset's tables are Parquet (a file or a directory of "
                    "parts); a CSV table can only be read from an unpartitioned directory"
                )
                problems.append(Problem(source.label, None, None, "", message))
                continue
            files.setdefault(table, []).extend(source.files)
    label = os.path.join(str(root), f"{keys[0] if keys else 'key'}=*")
    return {t: TableSource(t, os.path.join(label, t), tuple(fs)) for t, fs in files.items()}


def _check_layout(
    layout: Path, key: str | None, partitions: list[Path], problems: list[Problem]
) -> None:
    """``layout.json`` must describe the folders: a partition it lists may not be missing."""
    try:
        text = layout.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(layout), None, None, "", f"cannot read the file: {exc}"))
        return
    check_layout(text, str(layout), key, {p.name.partition("=")[2] for p in partitions}, problems)


def check_layout(
    text: str, file: str, key: str | None, folders: set[str], problems: list[Problem]
) -> list[str] | None:
    """Check a ``layout.json`` (its ``text``, read from ``file``) against the partition folders
    found (their key and values); return the partitions it lists, None when it is unusable.
    Shared by the loader and the Spark engine, which lists remote folders itself."""

    def problem(message: str, line: int | None = None) -> None:
        problems.append(Problem(file, line, None, "", message))

    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        problem(f"malformed JSON: {exc.msg}", exc.lineno)
        return None
    expected = f'expected {{"format": "{LAYOUT_FORMAT}", "partition_by": ..., "partitions": [...]}}'
    if not isinstance(doc, dict) or doc.get("format") != LAYOUT_FORMAT:
        problem(f"not a {LAYOUT_FORMAT} document; {expected}")
        return None
    by, listed = doc.get("partition_by"), doc.get("partitions")
    if not isinstance(by, str) or not isinstance(listed, list):
        problem(f"partition_by must be a name and partitions a list; {expected}")
        return None
    if not all(isinstance(v, str) for v in listed):
        problem("partitions must be a list of names")
        return None
    if key is not None and by != key:
        problem(f"partition_by is {quote(by)} but the folders are {key}=...")
        return None
    for value in sorted(set(listed) - folders):
        problem(f"lists partition {by}={value}, but there is no folder {by}={value}/")
    for value in sorted(folders - set(listed)):
        problem(f"does not list partition {by}={value}, whose folder is there")
    return list(listed)
