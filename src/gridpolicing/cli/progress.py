"""The progress display of long commands: on a terminal only, silent under CI or when piped.

Commands ask :func:`display` for a :data:`~gridpolicing.progress.Progress` callback and pass it
to the library; the display is drawn on stderr (stdout carries the report) and removed when the
run ends. ``--progress`` draws it anyway (say, on a terminal a CI job records), ``--no-progress``
and ``--quiet`` never.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["Display", "display", "progress_option", "quiet_option", "wanted"]

progress_option = click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="Show a progress display on stderr [default: on a terminal, not under CI]",
)
quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress display and no informational lines"
)


def wanted(progress: bool | None, quiet: bool) -> bool | None:
    """Whether to draw: as asked, else on a terminal that is not a CI job's (``CI`` set).

    True when asked for with ``--progress`` (drawn even where stderr is no terminal), None when
    stderr is a terminal to draw on, False when nothing is drawn.
    """
    if quiet:
        return False
    if progress is not None:
        return progress
    dumb = os.environ.get("TERM") == "dumb"
    return None if sys.stderr.isatty() and not os.environ.get("CI") and not dumb else False


class Display:
    """One line per step of the run (``rules``, ``bureaus`` ...), with a bar once it counts."""

    def __init__(self, bar: Progress, title: str) -> None:
        self._bar = bar
        self._title = title
        self._tasks: dict[str, TaskID] = {}

    @contextmanager
    def phase(self, text: str) -> Iterator[None]:
        """A step that does not count (reading the data): a spinner with ``text`` meanwhile."""
        task = self._bar.add_task(text, total=None)
        yield
        self._bar.update(task, total=1, completed=1)

    def __call__(self, step: str, done: int, total: int) -> None:
        if step not in self._tasks:
            self._tasks[step] = self._bar.add_task(f"{self._title}: {step}", total=total)
        self._bar.update(self._tasks[step], completed=done, total=total)


@contextmanager
def display(enabled: bool | None, title: str) -> Iterator[Display | None]:
    """A :class:`Display` (a progress callback) while the block runs, or None when not drawn.

    ``enabled`` is :func:`wanted`'s answer: True draws even on a stream that is no terminal.
    """
    if enabled is False:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    console = Console(stderr=True, force_terminal=enabled or None)
    with Progress(*columns, console=console, transient=True) as bar:
        yield Display(bar, title)
