"""How a long run tells its caller how far it is, without drawing anything itself.

A library must not draw on its caller's terminal, so :func:`gridpolicing.evaluate` and
:func:`gridpolicing.synth.generate` take an optional :data:`Progress` callback and call it as
they advance; the command line turns the calls into a progress display on a terminal
(``cli/progress.py``), and an embedding platform into whatever it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

__all__ = ["Progress", "report"]

Progress: TypeAlias = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``: ``done`` of ``total`` units of ``step`` (a short
English label such as ``"rules"`` or ``"bureaus"``) are finished; ``done`` grows to ``total``."""


def report(progress: Progress | None, step: str, done: int, total: int) -> None:
    """Tell ``progress`` (if any) that ``done`` of ``total`` units of ``step`` are finished."""
    if progress is not None:
        progress(step, done, total)
