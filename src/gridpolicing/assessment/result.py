"""Assessment results: item points with explanations, totals, vetoes, grades and ranks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final, final

from gridpolicing.policy.values import Text

INSUFFICIENT: Final = "insufficient_data"
"""The status and grade of a result, and the status of an item, that cannot be judged."""

__all__ = ["Applied", "AssessmentOutcome", "ItemScore", "Names", "RollupScore", "SubjectScore"]


@final
@dataclass(frozen=True, slots=True)
class Names:
    """What a published table shows beside ids: the subject's, its station's and scope's names."""

    subject: str = ""
    station: str | None = None  # the station's id (a person's: that of their first unit)
    station_name: str = ""
    scope: str = ""


@final
@dataclass(frozen=True, slots=True)
class Applied:
    """A declared consequence a result brought: its id, title, amount (yuan) and action."""

    id: str
    title: Text
    amount: float | None
    action: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        return {
            "id": self.id,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "amount": self.amount,
            "action": self.action,
        }


@final
@dataclass(frozen=True, slots=True)
class ItemScore:
    """Points one item gave a subject in a period, and how they came about.

    ``deducted`` is what the item's source took away before the item's own bound (for a
    group, the sum of its lines' deductions); a group lists its ``lines``' scores. ``status``
    is ``scored``, or ``insufficient_data`` when the item's measure cannot be computed (its
    points are then 0 and count for nothing: the subject's result cannot be judged either).
    """

    item: str
    points: float
    raw: float
    explanation: Text
    evidence: tuple[str, ...]
    deducted: float = 0.0
    lines: tuple[ItemScore, ...] = ()
    status: str = "scored"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report (a group adds ``deducted`` and its ``lines``)."""
        out: dict[str, Any] = {
            "item": self.item,
            "points": self.points,
            "raw": self.raw,
            "explanation": {"zh": self.explanation.zh, "en": self.explanation.en},
            "evidence": list(self.evidence),
            "status": self.status,
        }
        if self.lines:
            out["deducted"] = self.deducted
            out["lines"] = [line.to_dict() for line in self.lines]
        return out


@final
@dataclass(frozen=True, slots=True)
class SubjectScore:
    """A subject's result for one period of a scheme.

    ``status`` is ``scored``, ``vetoed``, ``unqualified`` or ``insufficient_data`` (an item
    could not be judged: no rank, no grade but that word; or a unit with no member to
    combine); ``vetoes`` name the rules or items that decided it. ``rank`` is 1-based within
    ``group`` (scope and role), or None unranked; subjects that tie share a rank (1, 1, 3) and
    ``rank_shared_by`` says how many share it.
    ``failed_findings`` counts the subject's failed findings in the period; ``tie_breakers``
    holds the values of the scheme's declared tie-breakers; ``tied_cutoffs`` names each rank
    quota (``quota:<grade>``) whose last place falls inside the subject's shared rank.
    """

    scheme: str
    subject_type: str
    subject_id: str
    bucket: str
    bucket_start: dt.date
    bucket_end: dt.date
    role: str | None
    scope: str | None
    total: float
    status: str
    grade: str
    rank: int | None
    ranked_among: int | None
    failed_findings: int
    items: tuple[ItemScore, ...]
    vetoes: tuple[str, ...]
    rank_shared_by: int | None = None
    tie_breakers: tuple[tuple[str, float], ...] = ()
    tied_cutoffs: tuple[str, ...] = ()
    grade_name: Text | None = None  # the grade in the policy's words (``grades.names``)
    names: Names | None = None  # the subject's, station's and scope's names, for reports
    applied: tuple[Applied, ...] = ()  # declared consequences (amounts, actions)
    top_grade_withheld: bool = False  # a withhold_top_grade veto applied (carried to roll-ups)

    @property
    def group(self) -> tuple[str, str | None, str | None]:
        """The ranking group: bucket, scope and role."""
        return (self.bucket, self.scope, self.role)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        return {
            **_subject(self.subject_type, self.subject_id, self.names),
            "bucket": {
                "key": self.bucket,
                "start": self.bucket_start.isoformat(),
                "end": self.bucket_end.isoformat(),
            },
            "role": self.role,
            "scope": self.scope,
            "total": self.total,
            "status": self.status,
            "grade": self.grade,
            "grade_name": _text(self.grade_name),
            "rank": self.rank,
            "ranked_among": self.ranked_among,
            "rank_shared_by": self.rank_shared_by,
            "tie_breakers": dict(self.tie_breakers),
            "tied_cutoffs": list(self.tied_cutoffs),
            **_applied(self.applied),
            "failed_findings": self.failed_findings,
            "vetoes": list(self.vetoes),
            "items": [i.to_dict() for i in self.items],
        }


@final
@dataclass(frozen=True, slots=True)
class RollupScore:
    """A subject's periods rolled up (months into a year) with consequences.

    Ranks, ``rank_shared_by`` and ``tie_breakers`` (combined over the periods like the score)
    read as in :class:`SubjectScore`; ``tied_cutoffs`` also names ``reward_top`` and
    ``sanction_bottom`` when that line falls inside the subject's shared rank.
    ``insufficient_periods`` counts the periods that could not be judged: with any, the
    roll-up is unranked and graded ``insufficient_data`` (unless failed periods decide it).
    """

    scheme: str
    subject_type: str
    subject_id: str
    bucket: str
    role: str | None
    scope: str | None
    score: float
    periods: int
    failed_periods: int
    rank: int | None
    ranked_among: int | None
    grade: str
    consequences: tuple[str, ...]
    rank_shared_by: int | None = None
    tie_breakers: tuple[tuple[str, float], ...] = ()
    tied_cutoffs: tuple[str, ...] = ()
    grade_name: Text | None = None  # the grade in the policy's words (``grades.names``)
    names: Names | None = None  # the subject's, station's and scope's names, for reports
    applied: tuple[Applied, ...] = ()  # declared consequences (amounts, actions)
    insufficient_periods: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        return {
            **_subject(self.subject_type, self.subject_id, self.names),
            "bucket": self.bucket,
            "role": self.role,
            "scope": self.scope,
            "score": self.score,
            "periods": self.periods,
            "failed_periods": self.failed_periods,
            "insufficient_periods": self.insufficient_periods,
            "rank": self.rank,
            "ranked_among": self.ranked_among,
            "rank_shared_by": self.rank_shared_by,
            "tie_breakers": dict(self.tie_breakers),
            "tied_cutoffs": list(self.tied_cutoffs),
            "grade": self.grade,
            "grade_name": _text(self.grade_name),
            "consequences": list(self.consequences),
            **_applied(self.applied),
        }


def _subject(kind: str, ident: str, names: Names | None) -> dict[str, Any]:
    n = names or Names()
    station = None if n.station is None else {"id": n.station, "name": n.station_name}
    return {
        "subject": {"type": kind, "id": ident, "name": n.subject},
        "station": station,
        "scope_name": n.scope,
    }


def _applied(applied: tuple[Applied, ...]) -> dict[str, Any]:
    total = round(sum(a.amount or 0 for a in applied), 6)
    return {"applied_consequences": [a.to_dict() for a in applied], "amount": total}


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


@final
@dataclass(frozen=True, slots=True)
class AssessmentOutcome:
    """Every scheme's period results and roll-ups, in scheme order."""

    scores: tuple[SubjectScore, ...] = ()
    rollups: tuple[RollupScore, ...] = ()
    schemes: tuple[str, ...] = field(default=())
