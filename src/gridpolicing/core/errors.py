"""The error an author's expression is refused with."""

from __future__ import annotations

from typing import final

from gridpolicing.errors import GridPolicingError

__all__ = ["ExpressionError"]


@final
class ExpressionError(GridPolicingError, ValueError):
    """An expression that cannot be read, names what is out of reach, or mixes types.

    ``offset`` is the 0-based character offset inside ``text`` of the part that is wrong (0
    when the whole expression is). It is also a ``ValueError`` so that a pydantic validator
    raising it is reported as a validation error of the field holding the expression.
    """

    def __init__(
        self, message: str, text: str, offset: int = 0, *, needs_vocabulary: bool = False
    ) -> None:
        self.message = message
        self.text = text
        self.offset = max(0, min(offset, len(text)))
        self.needs_vocabulary = needs_vocabulary
        """The expression names a column or value the policy's vocabulary may declare."""
        super().__init__(message)

    def __str__(self) -> str:
        return self.message
