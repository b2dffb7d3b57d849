"""Helpers shared by the commands: registry loading, output streams and dataset options."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gridpolicing.policy.registry import Registry

__all__ = ["echo_json", "encoding_option", "registry"]

_F = TypeVar("_F", bound=Callable[..., Any])


def registry() -> Registry:
    """The rule kinds installed in this environment."""
    return Registry.from_entry_points()


def echo_json(data: Any) -> None:
    """Machine output: JSON on stdout, UTF-8, stable key order."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
