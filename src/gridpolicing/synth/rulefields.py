"""Reading a rule's kind-specific fields when only its base type is known."""

from __future__ import annotations

from typing import Any

from gridpolicing.policy.models import RuleSpec

__all__ = ["rf"]


def rf(rule: RuleSpec, name: str) -> Any:
    """The field ``name`` of a rule of any kind (``period``, ``count``, ``min_hours`` ...)."""
    return getattr(rule, name)
