"""Who a finding is about, in words: the subject's name, its unit and the unit's station.

The findings carry ids only (their order and the JSON report never depend on names); the HTML
and Excel reports show leaders names and units. They are read from the dataset when it is
evaluated (one small query over the distinct subjects of the findings) and kept on the Report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, final

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.engine.periods import DateRange

__all__ = ["SubjectInfo", "merge_subjects", "subject_info"]

SubjectKey = tuple[str, str]
"""(subject type, subject id)."""


@final
@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """A subject's name, the unit it counts for (a unit: itself) and that unit's station.

    A person counts for the first (by id) unit of their assignments in force in the days
    their findings judge (from the first bucket's first day to the period's last), as the
    assessment places them, else their ``home_unit``; a unit whose type is ``station``
    is its own station. Ids are ``None`` and names ``""`` where the dataset has none.
    """

    name: str = ""
    unit: str | None = None
    unit_name: str = ""
    unit_type: str | None = None
    station: str | None = None
    station_name: str = ""


_SQL: Final = """
WITH subj AS (
    SELECT subject_type, subject_id, min(bucket_start) AS first
    FROM _findings WHERE bucket_end >= $start GROUP BY subject_type, subject_id),
placed AS (
    SELECT s.subject_id AS person, min(a.unit) AS unit
    FROM subj s JOIN assignments a ON a.person = s.subject_id
    WHERE s.subject_type = 'person' AND a.start <= $end
      AND coalesce(a."end", DATE '9999-12-31') >= s.first
    GROUP BY s.subject_id)
SELECT s.subject_type, s.subject_id,
       coalesce(CASE WHEN s.subject_type = 'person' THEN p.name ELSE self.name END, ''),
       home.id, coalesce(home.name, ''), CAST(home.type AS VARCHAR),
       st.id, coalesce(st.name, '')
FROM subj s
LEFT JOIN people p ON s.subject_type = 'person' AND p.id = s.subject_id
LEFT JOIN placed ON s.subject_type = 'person' AND placed.person = s.subject_id
LEFT JOIN units self ON s.subject_type = 'unit' AND self.id = s.subject_id
LEFT JOIN units home ON home.id = CASE WHEN s.subject_type = 'unit' THEN s.subject_id
                                       ELSE coalesce(placed.unit, p.home_unit) END
LEFT JOIN units st ON st.id = CASE WHEN home.type = 'station' THEN home.id ELSE home.station END
"""


def subject_info(con: duckdb.DuckDBPyConnection, rng: DateRange) -> dict[SubjectKey, SubjectInfo]:
    """The names and places of the subjects of ``_findings`` (buckets ending in ``rng``)."""
    rows = con.execute(_SQL, {"start": rng.start, "end": rng.end}).fetchall()
    return {(r[0], r[1]): SubjectInfo(r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows}


def merge_subjects(
    parts: Sequence[Mapping[SubjectKey, SubjectInfo]],
) -> dict[SubjectKey, SubjectInfo]:
    """The subjects of all parts (parts hold disjoint subjects, engine/parts.py)."""
    out: dict[SubjectKey, SubjectInfo] = {}
    for p in parts:
        out.update(p)
    return out
