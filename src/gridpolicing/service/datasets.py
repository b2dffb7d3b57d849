"""The datasets a client sends: JSON rows, an uploaded file, or a path the operator allows.

Each becomes what :func:`gridpolicing.load_dataset` takes, and nothing more is decided here:

* JSON rows become Arrow tables of text (a list field: a list of texts), so every value is
  checked by the same SQL as a CSV file's text. Numbers arrive as written (the body is parsed
  with numbers kept as text: ``8.50`` stays ``8.50``), booleans as ``true``/``false``, ``null``
  as an empty cell, ``attributes: {id: value}`` as the ``attr.<id>`` columns.
* An upload is written to a temporary folder under its own (cleaned) name, so load_dataset
  reads it by its suffix; a ``.zip`` is extracted there first, within limits of members and of
  bytes counted as they are written (a zip bomb's headers may lie).
* A path must lie inside an allowed directory with every link resolved, and so must every file
  below it: no ``..``, no symbolic link leading out.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Final

import pyarrow as pa

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset_schema import ATTRIBUTE_PREFIX, ATTRIBUTES_FIELD, columns
from gridpolicing.io.documents import error
from gridpolicing.io.excel import WORKBOOK_SUFFIXES
from gridpolicing.io.layout import LAYOUT_FILE, ignored, partition_key
from gridpolicing.model import TABLES
from gridpolicing.service.errors import ApiError

__all__ = ["allowed_path", "arrow_tables", "clean_name", "remove_tree", "stage_upload"]

_SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")
_CHUNK: Final = 1 << 20
_DOCUMENTS: Final = (".yaml", ".yml", ".json", *WORKBOOK_SUFFIXES)
"""What load_dataset reads as one file (io/readers.py): a dataset document or a workbook."""


def arrow_tables(tables: Mapping[str, Sequence[Any]], label: str) -> dict[str, pa.Table]:
    """JSON rows (table -> records) as Arrow tables of text; shape defects raise DatasetError.

    A table load_dataset does not know, or a field it does not, is left for it to report.
    """
    problems: list[Problem] = []
    out: dict[str, pa.Table] = {}
    for table, rows in tables.items():
        spec = TABLES.get(table)
        lists = {c.name for c in columns(spec.model) if c.is_list} if spec else set()
        names: dict[str, None] = {}
        records: list[dict[str, Any]] = []
        for i, row in enumerate(rows, 1):
            where = f"tables.{table}[{i - 1}]"
            if not isinstance(row, dict):
                problems.append(_shape(label, table, where, f"record {i}: expected an object"))
                records.append({})
                continue
            record = _record(row, lists, label, table, where, problems)
            names.update(dict.fromkeys(record))
            records.append(record)
        if records and not names:
            names["id"] = None  # records without fields: an Arrow table needs a column for them
        data: dict[str, pa.Array] = {}
        for name in names:
            kind = pa.list_(pa.string()) if name in lists else pa.string()
            data[name] = pa.array([r.get(name) for r in records], kind)
        out[table] = pa.table(data)
    if problems:
        raise DatasetError(problems)
    return out


def _record(
    row: dict[str, Any],
    lists: set[str],
    label: str,
    table: str,
    where: str,
    problems: list[Problem],
) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in row.items():
        if key == ATTRIBUTES_FIELD and isinstance(value, dict):
            for attr, v in value.items():
                text = _scalar(v, label, table, f"{where}.{key}.{attr}", problems)
                record[ATTRIBUTE_PREFIX + str(attr)] = text
        elif key in lists:
            items = value if isinstance(value, list) else [value]
            texts = [_scalar(v, label, table, f"{where}.{key}", problems) for v in items]
            kept = [t for t in texts if t is not None]
            record[key] = kept if value is not None else None
        else:
            record[key] = _scalar(value, label, table, f"{where}.{key}", problems)
    return record


def _scalar(value: Any, label: str, table: str, where: str, problems: list[Problem]) -> str | None:
    """A JSON value as the text a CSV cell would hold; a nested value is a problem."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    found = "an object" if isinstance(value, dict) else "a list"
    problems.append(_shape(label, table, where, f"expected a single value, found {found}"))
    return None


def _shape(label: str, table: str, where: str, message: str) -> Problem:
    return Problem(f"{label}/{table}", None, None, where, message)


def clean_name(filename: str | None, default: str) -> str:
    """An uploaded file's name reduced to a safe base name (its suffix kept)."""
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip("._")
    return cleaned[:100] if cleaned else default


def stage_upload(
    content: bytes, filename: str, folder: Path, *, max_members: int, max_bytes: int
) -> Path:
    """Write an upload into ``folder`` and return what load_dataset should read: the file, or
    for a ``.zip`` the folder it was extracted to (its only top folder, if it has just one)."""
    name = clean_name(filename, "dataset")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix != ".zip" and suffix not in _DOCUMENTS:
        # load_dataset would name only its own kinds of file, not the zip an upload may be
        expected = ", ".join(_DOCUMENTS)
        raise error(
            name,
            f"an upload named {name!r} is not a dataset this server reads; expected a .zip of "
            f"the tables, or a dataset document or workbook ({expected})",
        )
    if suffix != ".zip":
        path = folder / name
        path.write_bytes(content)
        return path
    target = folder / (name[:-4] or "dataset")
    upload = folder / "upload.zip"
    upload.write_bytes(content)
    _extract(upload, target, name, max_members=max_members, max_bytes=max_bytes)
    upload.unlink()
    return _zip_dataset(target, name)


def _zip_dataset(target: Path, name: str) -> Path:
    """What an extracted zip gives load_dataset: its top, or its single top folder, if that
    holds tables; else its only file if that is a workbook or dataset document; else 422.

    A zip whose tables lie elsewhere would otherwise load as a dataset of no tables and give an
    empty report, as if the station had nothing to judge.
    """
    entries = _entries(target)
    if _holds_tables(target):
        return target
    inner = entries[0] if len(entries) == 1 and entries[0].is_dir() else target
    if inner is not target and _holds_tables(inner):
        return inner  # a zip of the folder itself, not of its contents
    files = _entries(inner)
    if len(files) == 1 and files[0].is_file() and files[0].suffix.lower() in _DOCUMENTS:
        return files[0]
    found = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    shown = ", ".join(found[:5]) + (f" ... ({len(found):,} files)" if len(found) > 5 else "")
    holds = f"holds {shown}" if found else "holds no files"
    raise error(
        name,
        f"the zip {holds}; expected the tables (units.csv, people.csv ... or Parquet) at its "
        "top or in its single top folder, or exactly one workbook or dataset document",
    )


def _entries(folder: Path) -> list[Path]:
    return sorted(e for e in folder.iterdir() if not ignored(e.name))


def _holds_tables(folder: Path) -> bool:
    """Whether ``folder`` is a dataset directory as load_dataset reads one (docs/dataset-format.md):
    a table file or folder, a partition folder or a layout.json."""
    for e in _entries(folder):
        lower = e.name.lower()
        if e.is_dir() and (e.name in TABLES or partition_key(e.name) is not None):
            return True
        stem, _, suffix = lower.rpartition(".")
        table_file = stem in TABLES and suffix in ("csv", "parquet")
        if e.is_file() and (table_file or lower == LAYOUT_FILE):
            return True
    return False


def _extract(zip_path: Path, target: Path, name: str, *, max_members: int, max_bytes: int) -> None:
    """Extract regular files only, refusing unsafe names and counting bytes as they are written."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise error(name, f"not a readable zip file ({exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise ApiError(
                413, f"{name}: {len(members):,} members; this server takes at most {max_members:,}"
            )
        written = 0
        target.mkdir()
        for info in members:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if not parts or info.filename.startswith("/") or ".." in parts or ":" in parts[0]:
                raise error(name, f"member {info.filename!r} has an unsafe name")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise error(name, f"member {info.filename!r} is a symbolic link")
            if parts[0] == "__MACOSX" or parts[-1] == ".DS_Store":
                continue  # what macOS adds to an archive, not data
            out = target.joinpath(*parts)
            if info.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as src, out.open("wb") as dst:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise ApiError(
                                413,
                                f"{name}: more than {max_bytes:,} bytes once extracted; "
                                "this server's limit",
                            )
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                # an OSError's text holds the server's temporary folder: only its reason is shown
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise error(name, f"cannot extract {info.filename!r} ({reason})") from None


def allowed_path(given: str, roots: Sequence[Path]) -> Path:
    """The dataset ``given`` names, if it and everything below it lie inside ``roots``; else 403.

    A relative path is taken inside each root in turn. ``..`` is refused outright, and every
    link is resolved before the check, so neither can lead out of a root.
    """
    if not roots:
        raise ApiError(403, "this server allows no dataset paths (the operator sets --allow-path)")
    raw = Path(given)
    if not given.strip():
        raise ApiError(400, "the dataset path is empty; name a dataset inside an allowed directory")
    if "\0" in given or ".." in raw.parts:
        raise ApiError(403, f"dataset path {given!r} is not allowed: '..' is refused")
    candidates = [raw] if raw.is_absolute() else [root / raw for root in roots]
    outside = False
    for candidate in candidates:
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if not _inside(real, roots):
            outside = True  # a link (or an absolute path) leading out
            continue
        if not real.exists():
            continue
        _check_tree(real, roots, given)
        return real
    if outside:
        raise ApiError(403, f"dataset path {given!r} is outside the directories this server allows")
    raise ApiError(404, f"no dataset at {given!r} inside the directories this server allows")


def _check_tree(real: Path, roots: Sequence[Path], given: str) -> None:
    """Refuse a folder holding a link that leads out of the roots (load_dataset would follow)."""
    if not real.is_dir():
        return
    for folder, dirs, files in os.walk(real, followlinks=False):
        for entry in (*dirs, *files):
            path = Path(folder) / entry
            if path.is_symlink() and not _inside(_resolved(path), roots):
                raise ApiError(
                    403, f"dataset path {given!r} holds a link leading outside the allowed places"
                )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _inside(real: Path, roots: Sequence[Path]) -> bool:
    return any(real == root or real.is_relative_to(root) for root in roots)


def remove_tree(folder: Path) -> None:
    """Remove a staging folder, whatever is left in it."""
    shutil.rmtree(folder, ignore_errors=True)
