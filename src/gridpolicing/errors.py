"""The library's error types.

`GridPolicingError` is the one base; `PolicyError` and `DatasetError` carry every problem found,
not just the first, so an author fixes a file in one pass. Anything else that escapes is our bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import final

__all__ = ["DatasetError", "GridPolicingError", "PolicyError", "Problem", "UsageError"]


@final
@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with an input file, at a place a person can go to.

    ``path`` names items by id where they have one (``rules[rural-coverage].max_units``),
    ``line`` and ``column`` are 1-based; either may be ``None`` when the place is a whole file.
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = f"{where}: {self.path}: " if self.path else f"{where}: "
        return head + self.message


class GridPolicingError(Exception):
    """Base of every error the library raises on purpose."""


class _ProblemsError(GridPolicingError):
    kind = "input"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems), key=_problem_order))
        super().__init__(self._text())

    def __reduce__(self) -> tuple[type[_ProblemsError], tuple[tuple[Problem, ...]]]:
        # Pickled with its problems (not its text), so it crosses processes (Spark tasks) whole.
        return (type(self), (self.problems,))

    def _text(self) -> str:
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in {self.kind}:"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)


def _problem_order(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.file, p.line or 0, p.column or 0, p.path, p.message)


@final
class PolicyError(_ProblemsError):
    """A policy file (or one it extends) is malformed; ``problems`` lists every defect."""

    kind = "policy"


@final
class DatasetError(_ProblemsError):
    """A dataset cannot be read at all (missing file, unknown table, wrong format)."""

    kind = "dataset"


@final
class UsageError(GridPolicingError):
    """A caller asked for something that cannot be done (unknown period, unknown policy id)."""


def format_problems(problems: Sequence[Problem]) -> str:
    """One problem per line, in file order."""
    return "\n".join(str(p) for p in sorted(problems, key=_problem_order))
