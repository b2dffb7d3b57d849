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

from dataclasses import dataclass
from typing import Any, final

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.layout import (
    LAYOUT_FILE,
    LAYOUT_FORMAT,
    check_layout,
    ignored,
    partition_key,
    table_sources,
)

__all__ = ["LAYOUT_FILE", "LAYOUT_FORMAT", "Partition", "partitions"]


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
    exactly when ``load_dataset`` would refuse it, with the same messages; a URI's folders are
    listed here and checked against its ``layout.json`` by the same rules.
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
        key = partition_key(entry.base_name)
        if entry.type == pafs.FileType.Directory and key and not ignored(entry.base_name):
            found[entry.base_name] = (key, entry.base_name.partition("=")[2])
    keys = sorted({k for k, _ in found.values()})
    if len(keys) > 1:
        raise _error(source, f"partition folders name several keys ({', '.join(keys)}); use one")
    names = sorted(found)
    listed = _listed(fs, root, source, keys[0] if keys else None, {v for _, v in found.values()})
    if listed is not None:
        names = [f"{keys[0]}={v}" for v in listed] if keys else []
    if not names:
        raise _error(source, "no partition folder (such as bureau=B0001/) in it")
    base = source.rstrip("/")
    return [Partition(i, *found[n], f"{base}/{n}") for i, n in enumerate(names)]


def _check_local(source: str) -> None:
    from pathlib import Path

    root = Path(source)
    if not root.exists():
        raise _error(source, "no such file or directory")
    if not root.is_dir():
        raise _error(source, "not a folder of partitions (bureau=<id>/ folders)")
    table_sources(root)  # raises the loader's DatasetError for a defect of the layout


def _listed(
    fs: Any, root: str, source: str, key: str | None, folders: set[str]
) -> list[str] | None:
    """The partitions ``layout.json`` lists, checked against the folders; None without one."""
    import pyarrow.fs as pafs

    path = f"{root.rstrip('/')}/{LAYOUT_FILE}"
    if fs.get_file_info(path).type != pafs.FileType.File:
        return None
    file = f"{source.rstrip('/')}/{LAYOUT_FILE}"
    with fs.open_input_stream(path) as f:
        raw = f.read()
    problems: list[Problem] = []
    try:
        listed = check_layout(raw.decode("utf-8"), file, key, folders, problems)
    except UnicodeDecodeError as exc:
        raise _error(file, f"cannot read the file: {exc}") from None
    if problems:
        raise DatasetError(problems)
    return listed


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
