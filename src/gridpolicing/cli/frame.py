"""A code frame under a problem: the line it is at, and a caret under its column.

Columns count characters; a Chinese character takes two cells of a terminal, so the caret is
placed by display width, under the character the column names.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from gridpolicing.errors import Problem

__all__ = ["Frames"]

_MAX_WIDTH = 160


class Frames:
    """Code frames of problems, reading each file once."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def of(self, problem: Problem) -> list[str]:
        """The frame's lines (empty where the problem has no line or the file is gone)."""
        if problem.line is None:
            return []
        lines = self._read(problem.file)
        if lines is None or not 1 <= problem.line <= len(lines):
            return []
        text = lines[problem.line - 1].rstrip("\r\n")
        # A tab and an ideographic space shown, for they are often the problem; other
        # characters that print nothing as '?'.
        shown = text.replace("\t", "→").replace("\u3000", "␣")
        shown = "".join(c if c.isprintable() else "?" for c in shown)[:_MAX_WIDTH]
        number = f"{problem.line:>5} | "
        frame = [number + shown]
        if problem.column is not None and problem.column - 1 <= len(shown):
            pad = sum(_width(c) for c in shown[: problem.column - 1])
            frame.append(" " * (len(number) - 2) + "| " + " " * pad + "^")
        return frame

    def _read(self, file: str) -> list[str] | None:
        if file not in self._lines:
            try:
                self._lines[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                self._lines[file] = None
        return self._lines[file]


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
