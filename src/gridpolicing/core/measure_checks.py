"""The checks of a measure at load: what its subject can reach, and its attributes' names.

Shared by the ``measure`` rule kind (rules/measure.py) and assessment items ``from_measure``
(assessment/items.py), so a measure an item reads is refused exactly where a rule's would be.
"""

from __future__ import annotations

from typing import Any

from gridpolicing.core.errors import ExpressionError
from gridpolicing.core.expressions import DEFERRED_CONTEXT, VOCABULARY_CONTEXT, check
from gridpolicing.core.measures import Measure
from gridpolicing.core.scope import ValueType, table_scope
from gridpolicing.model.terms import Vocabulary

__all__ = ["check_measure", "reads_time"]


def check_measure(m: Measure, person: bool, context: dict[str, Any]) -> None:
    """Refuse what a subject cannot reach; check an attribute against its subject's columns
    and the attributes the policy declares (as a ``where:`` is checked: core/expressions.py)."""
    if m.attribute is not None:
        vocabulary = context.get(VOCABULARY_CONTEXT)
        scope = table_scope(
            "people" if person else "units",
            vocabulary if isinstance(vocabulary, Vocabulary) else None,
        )
        try:
            check(m.attribute, scope, want=ValueType.number)
        except ExpressionError as exc:
            # read again once the chain's declared attributes are known
            if not (context.get(DEFERRED_CONTEXT) and exc.needs_vocabulary):
                raise
    if person and m.count is not None and (m.count.people or m.count.units):
        raise ValueError("a person subject counts records; counting people or units needs units")
    if person and (m.within is not None or m.in_units is not None):
        raise ValueError(
            "within and in_units are for units subjects (a person counts their own records)"
        )
    if person and m.sum is not None and m.sum.units is not None:
        raise ValueError("a sum over units needs a units subject")
    for sub in (m.ratio.of, m.ratio.per) if m.ratio else ():
        check_measure(sub, person, context)
    for sub in (m.share.of, m.share.in_) if m.share else ():
        check_measure(sub, person, context)


def reads_time(m: Measure) -> bool:
    """The measure counts time (hours, days, working days), in itself or in a ratio's parts:
    the engine's time table must then cover its subject's people."""
    if m.hours is not None or m.days is not None or m.working_days is not None:
        return True
    parts = (m.ratio.of, m.ratio.per) if m.ratio else (m.share.of, m.share.in_) if m.share else ()
    return any(reads_time(p) for p in parts)
