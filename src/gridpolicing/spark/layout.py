"""The partitioned dataset layout the Spark engine reads: one dataset folder per partition.

```
DIR/                       a local folder or a URI pyarrow reads (file://, hdfs://, s3://, ...)
  layout.json              optional: {"format": "gridpolicing.partitioned/1",
                           "partition_by": "bureau", "partitions": ["B0001", ...]}
  bureau=B0001/            a partition: an ordinary dataset folder (docs/dataset-format.md)
  bureau=B0002/ ...
```

Every partition folder names the same key (``bureau=``, ``jurisdiction=``...). Without a
``layout.json`` the partitions are the folders found, in name order; with one, its list is the
partitions, in its order, and it must describe the folders: a listed partition without a folder,
or a folder it does not list, is an error (as for ``load_dataset``, docs/dataset-format.md), so
a missing bureau never passes unnoticed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final, final

from gridpolicing.errors import DatasetError, Problem

__all__ = ["LAYOUT_FILE", "LAYOUT_FORMAT", "Partition", "partitions"]

LAYOUT_FILE: Final = "layout.json"
LAYOUT_FORMAT: Final = "gridpolicing.partitioned/1"
_FOLDER: Final = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$")


@final
@dataclass(frozen=True, slots=True, order=True)
class Partition:
    """One partition: its key and value and the folder holding its dataset."""

    index: int
    key: str
    value: str
    path: str
    """The folder, under the source as the caller wrote it (``DIR/bureau=B0001``)."""


def partitions(source: str) -> list[Partition]:
    """The partitions of the dataset at ``source``, in order.

    A local folder is first checked by the loader's own rules (io/layout.py), so it is refused
    exactly when ``load_dataset`` would refuse it, with the same messages.
    """
    import pyarrow.fs as pafs

    if "://" not in source:
        _check_local(source)
    fs, root = _filesystem(source)
    try:
        info = fs.get_file_info(root)
    except OSError as exc:
        raise _error(source, f"cannot read: {exc}") from None
    if info.type != pafs.FileType.Directory:
        raise _error(source, "not a folder of partitions (bureau=<id>/ folders)")
    found = {}
    for entry in fs.get_file_info(pafs.FileSelector(root)):
        m = _FOLDER.match(entry.base_name)
        if entry.type == pafs.FileType.Directory and m:
            found[entry.base_name] = (m.group(1), m.group(2))
    keys = sorted({k for k, _ in found.values()})
    if len(keys) > 1:
        raise _error(source, f"partition folders name several keys ({', '.join(keys)}); use one")
    names = sorted(found)
    layout = _layout(fs, root, source)
    if layout is not None:
        key, listed = layout
        if keys and keys != [key]:
            raise _error(source, f"layout.json partitions by {key!r}, the folders by {keys[0]!r}")
        names = [f"{key}={v}" for v in listed]
        missing = [n for n in names if n not in found]
        if missing:
            raise _error(source, f"layout.json lists partitions with no folder: {missing[:5]}")
        unlisted = sorted(set(found) - set(names))
        if unlisted:
            raise _error(
                source, f"partition folders that layout.json does not list: {unlisted[:5]}"
            )
    if not names:
        raise _error(source, "no partition folder (such as bureau=B0001/) in it")
    base = source.rstrip("/")
    return [Partition(i, *found[n], f"{base}/{n}") for i, n in enumerate(names)]


def _check_local(source: str) -> None:
    from pathlib import Path

    from gridpolicing.io.layout import table_sources

    root = Path(source)
    if not root.exists():
        raise _error(source, "no such file or directory")
    if not root.is_dir():
        raise _error(source, "not a folder of partitions (bureau=<id>/ folders)")
    table_sources(root)  # raises the loader's DatasetError for a defect of the layout


def _layout(fs: Any, root: str, source: str) -> tuple[str, list[str]] | None:
    import pyarrow.fs as pafs

    path = f"{root.rstrip('/')}/{LAYOUT_FILE}"
    if fs.get_file_info(path).type != pafs.FileType.File:
        return None
    with fs.open_input_stream(path) as f:
        raw = f.read()
    file = f"{source.rstrip('/')}/{LAYOUT_FILE}"
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _error(file, f"not JSON: {exc}") from None
    ok = (
        isinstance(doc, dict)
        and doc.get("format") == LAYOUT_FORMAT
        and isinstance(doc.get("partition_by"), str)
        and isinstance(doc.get("partitions"), list)
        and all(isinstance(p, str) for p in doc["partitions"])
    )
    if not ok:
        raise _error(
            file,
            f'expected {{"format": "{LAYOUT_FORMAT}", "partition_by": "<key>", '
            '"partitions": ["<value>", ...]}',
        )
    return doc["partition_by"], list(doc["partitions"])


def _filesystem(source: str) -> tuple[Any, str]:
    """The pyarrow filesystem of ``source`` and the path on it (a plain path is local)."""
    import pyarrow.fs as pafs

    if "://" in source:
        try:
            fs, path = pafs.FileSystem.from_uri(source)
            return fs, str(path)
        except (OSError, ValueError) as exc:
            raise _error(source, f"cannot open this URI: {exc}") from None
    return pafs.LocalFileSystem(), source


def _error(file: str, message: str) -> DatasetError:
    return DatasetError([Problem(file, None, None, "", message)])
