"""How long each kind of logged activity takes and what it counts, for generated records.

Ranges are inclusive and drawn uniformly per record from the seed. They are plausible, not
published: a household visit (入户走访) takes 45 minutes to two and a half hours and covers one to
eight households; a mediation settles one dispute, of a neighbour, family or labour kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

import pyarrow as pa

from gridpolicing.model.vocabulary import ActivityKind

__all__ = ["KINDS", "MEDIATION_SUBKINDS", "KindShape", "kinds_table"]

MEDIATION_SUBKINDS: Final = ("neighbour", "family", "labour")


@final
@dataclass(frozen=True, slots=True)
class KindShape:
    """Ranges (low, high) for one activity kind's generated records."""

    minutes: tuple[int, int]
    households: tuple[int, int] = (0, 0)
    services: tuple[int, int] = (0, 0)
    quantity: tuple[int, int] = (0, 0)
    hazards: int = 0
    """At most this many hazards found (some rectified) per record."""
    subkinds: tuple[str, ...] = ()


KINDS: Final[dict[str, KindShape]] = {
    "household_visit": KindShape((45, 150), households=(1, 8)),
    "patrol": KindShape((60, 180)),
    "dispute_screening": KindShape((30, 120)),
    "mediation": KindShape((45, 180), quantity=(1, 1), subkinds=MEDIATION_SUBKINDS),
    "publicity": KindShape((30, 120)),
    "safety_inspection": KindShape((30, 120), hazards=2),
    "security_briefing": KindShape((20, 60)),
    "practical_service": KindShape((20, 90), services=(1, 2)),
    "check_in": KindShape((5, 10)),
    "information_entry": KindShape((30, 90)),
    "information_collection": KindShape((30, 120)),
    "opinion_survey": KindShape((45, 120)),
    "suggestion_collection": KindShape((20, 60), quantity=(1, 4)),
    "population_registration": KindShape((30, 120)),
    "special_population_service": KindShape((45, 120)),
    "petition_reception": KindShape((30, 90)),
    "case_assistance": KindShape((60, 180)),
    "guidance": KindShape((60, 120)),
    "patrol_organisation": KindShape((60, 150)),
    "fire_safety": KindShape((30, 120), hazards=1),
}
assert set(KINDS) == {k.value for k in ActivityKind}, "every activity kind needs a shape"


def kinds_table() -> pa.Table:
    """The shapes as an Arrow table (one row per kind) for the SQL generator."""
    names = sorted(KINDS)
    s = [KINDS[k] for k in names]
    return pa.table(
        {
            "kind": pa.array(names, pa.string()),
            "mlo": pa.array([x.minutes[0] for x in s], pa.int64()),
            "mhi": pa.array([x.minutes[1] for x in s], pa.int64()),
            "hlo": pa.array([x.households[0] for x in s], pa.int64()),
            "hhi": pa.array([x.households[1] for x in s], pa.int64()),
            "slo": pa.array([x.services[0] for x in s], pa.int64()),
            "shi": pa.array([x.services[1] for x in s], pa.int64()),
            "qlo": pa.array([x.quantity[0] for x in s], pa.int64()),
            "qhi": pa.array([x.quantity[1] for x in s], pa.int64()),
            "hz": pa.array([x.hazards for x in s], pa.int64()),
            "sk": pa.array([list(x.subkinds) for x in s], pa.list_(pa.string())),
        }
    )
