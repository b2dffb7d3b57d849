"""Helpers shared by the commands: registry loading and output streams."""

from __future__ import annotations

import json
from typing import Any

import click

from gridpolicing.policy.registry import Registry

__all__ = ["echo_json", "registry"]


def registry() -> Registry:
    """The rule kinds installed in this environment."""
    return Registry.from_entry_points()


def echo_json(data: Any) -> None:
    """Machine output: JSON on stdout, UTF-8, stable key order."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
