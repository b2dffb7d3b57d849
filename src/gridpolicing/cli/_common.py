"""Helpers shared by the commands: registry loading, output streams and dataset options."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from gridpolicing.errors import UsageError
from gridpolicing.i18n import LANGS
from gridpolicing.policy.registry import Registry

__all__ = [
    "LANG_ENV",
    "echo_json",
    "encoding_option",
    "lang_option",
    "output_folder",
    "registry",
    "write_output",
]

_F = TypeVar("_F", bound=Callable[..., Any])

LANG_ENV = "GRIDPOLICING_LANG"
"""The environment variable that sets the default of ``--lang`` (``zh`` when unset)."""

lang_option = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=lambda: os.environ.get(LANG_ENV) or "zh",
    show_default=f"zh, or ${LANG_ENV}",
    help="The language of headings, labels and messages: zh (Chinese, the default) or en",
)


def registry() -> Registry:
    """The rule kinds installed in this environment."""
    return Registry.from_entry_points()


def echo_json(data: Any) -> None:
    """Machine output: JSON on stdout, UTF-8, stable key order."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def output_folder(path: str, option: str) -> None:
    """Create the folder ``path`` is to be written in, as ``mkdir -p`` does.

    A folder that cannot be made (a file stands in its place, no permission) is the user's to
    fix: a :class:`UsageError` naming the option, exit 2.
    """
    parent = Path(path).parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"{option} {path}: {parent} is a file, not a folder") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"{option} {path}: cannot create the folder {parent} ({reason})") from None


def write_output(path: str, data: bytes, option: str = "--output") -> None:
    """Write ``data`` to ``path``, creating the folders it needs (see :func:`output_folder`).

    Bytes, not text: no locale encoding or newline translation, so the file is the same on every
    machine. A full disk is an OSError: cli/main.py turns it into one line, exit 1.
    """
    output_folder(path, option)
    with open(path, "wb") as fh:
        fh.write(data)


def encoding_option(command: _F) -> _F:
    """``--encoding`` of a command that reads a dataset: the text encoding of its CSV files."""
    option = click.option(
        "--encoding",
        default="auto",
        show_default=True,
        metavar="NAME",
        help="The encoding of the dataset's CSV files: auto (UTF-8 when the file is UTF-8, else "
        "GB18030, which reads GBK), or a codec name such as utf-8, gbk or gb18030",
    )
    return option(command)
