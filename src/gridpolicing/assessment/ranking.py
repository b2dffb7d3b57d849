"""Rankings, grades and roll-ups: deterministic, total orders over scored subjects.

Order within a group (period, scope, role): subjects without a veto first; then higher total;
then fewer failed findings; then subject id ascending. The last key makes it a total order, so
the result never depends on input order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

from gridpolicing.assessment.models import Grades, Rollup, Scheme
from gridpolicing.assessment.result import RollupScore, SubjectScore
from gridpolicing.assessment.scoring import Scored

__all__ = ["finish_scheme", "grade_of", "rank_order", "roll_up"]

T = TypeVar("T")


def rank_order(
    vetoed: bool, total: float, failed: int, subject_id: str
) -> tuple[int, float, int, str]:
    """The sort key of a subject in its group (smaller ranks first)."""
    return (1 if vetoed else 0, -total, failed, subject_id)


def _rank(
    rows: Sequence[T], group: Callable[[T], object], key: Callable[[T], tuple[int, float, int, str]]
) -> dict[int, tuple[int, int]]:
    """``{index of row: (rank, group size)}``."""
    groups: dict[object, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[group(row)].append(i)
    out = {}
    for members in groups.values():
        members.sort(key=lambda i: key(rows[i]))
        for pos, i in enumerate(members):
            out[i] = (pos + 1, len(members))
    return out


def grade_of(
    grades: Grades, total: float, rank: int | None, size: int | None, eligible: bool
) -> str:
    """A subject's grade: the first quota its rank falls in, else the highest band it reaches."""
    if eligible and rank is not None and size:
        for quota in grades.quotas:
            places = math.ceil(quota.share * size - 1e-9)
            if rank <= places and (quota.min_score is None or total >= quota.min_score):
                return quota.grade
    for grade, minimum in sorted(grades.bands.items(), key=lambda kv: -kv[1]):
        if total >= minimum:
            return grade
    return grades.default


def finish_scheme(scheme: Scheme, scored: list[Scored]) -> list[SubjectScore]:
    """Rank (when the scheme ranks) and grade each scored subject-period."""
    ranks: dict[int, tuple[int, int]] = {}
    if scheme.ranking is not None:
        by_role = scheme.ranking.by_role
        ranks = _rank(
            scored,
            lambda s: (s.bucket, s.scope, s.role if by_role else None),
            lambda s: rank_order(s.status != "scored", s.total, s.failed_findings, s.subject_id),
        )
    out = []
    for i, s in enumerate(scored):
        rank, size = ranks.get(i, (None, None))
        if s.status != "scored":
            grade = s.status
        else:
            grade = grade_of(scheme.grades, s.total, rank, size, eligible=True)
        out.append(
            SubjectScore(
                scheme=scheme.id,
                subject_type=s.subject_type,
                subject_id=s.subject_id,
                bucket=s.bucket,
                bucket_start=s.bstart,
                bucket_end=s.bend,
                role=s.role,
                scope=s.scope,
                total=s.total,
                status=s.status,
                grade=grade,
                rank=rank,
                ranked_among=size,
                failed_findings=s.failed_findings,
                items=s.items,
                vetoes=s.vetoes,
            )
        )
    return out


def roll_up(
    scheme: Scheme,
    rollup: Rollup,
    results: list[SubjectScore],
    buckets: Sequence[tuple[str, object, object]],
    months_in_post: dict[tuple[str, str], int],
) -> list[RollupScore]:
    """Roll period results up into ``rollup.period`` buckets, with consequences.

    ``buckets`` are ``(key, start, end)`` of the roll-up period; ``months_in_post`` gives, per
    (subject id, roll-up key), how many whole months the subject held the role by its end.
    """
    grouped: dict[tuple[str, str, str], list[SubjectScore]] = defaultdict(list)
    for r in results:
        for key, start, end in buckets:
            if start <= r.bucket_start and r.bucket_end <= end:  # type: ignore[operator]
                grouped[(key, r.subject_type, r.subject_id)].append(r)
    rows = []
    for (key, st, sid), periods in sorted(grouped.items()):
        totals = [p.total for p in periods]
        score = sum(totals) if rollup.combine == "sum" else sum(totals) / len(totals)
        failed = sum(1 for p in periods if p.status != "scored")
        last = max(periods, key=lambda p: p.bucket_start)
        rows.append(
            (
                key,
                st,
                sid,
                last.role,
                last.scope,
                round(score, 6),
                len(periods),
                failed,
                sum(p.failed_findings for p in periods),
            )
        )
    by_role = scheme.ranking.by_role if scheme.ranking else True
    ranks = _rank(
        rows,
        lambda r: (r[0], r[4], r[3] if by_role else None),
        lambda r: rank_order(False, r[5], r[8], r[2]),
    )
    top_grade = _top_grade(rollup.grades)
    out = []
    for i, (key, st, sid, role, scope, score, n, failed, _) in enumerate(rows):
        rank, size = ranks[i]
        grade = grade_of(rollup.grades, score, rank, size, eligible=True)
        consequences = []
        if rollup.unsatisfactory_after_failed and failed >= rollup.unsatisfactory_after_failed:
            grade = "unsatisfactory"
            consequences.append("adjustment")
        months = months_in_post.get((sid, key))
        if (
            rollup.min_months_for_top_grade
            and grade == top_grade
            and months is not None
            and months < rollup.min_months_for_top_grade
        ):
            grade = grade_of(
                rollup.grades.model_copy(update={"quotas": []}), score, None, None, eligible=False
            )
            if grade == top_grade:
                grade = _next_grade(rollup.grades, top_grade)
            consequences.append("top_grade_withheld_short_tenure")
        if rollup.reward_top and rank <= rollup.reward_top and grade != "unsatisfactory":
            consequences.append("reward")
        # The bottom N are counted among those not rewarded: in a group smaller than top N plus
        # bottom N nobody is both rewarded and sanctioned.
        rewarded_places = rollup.reward_top or 0
        if rollup.sanction_bottom and rank > max(size - rollup.sanction_bottom, rewarded_places):
            consequences += ["loses_award_eligibility", "admonishment_talk"]
        out.append(
            RollupScore(
                scheme.id,
                st,
                sid,
                key,
                role,
                scope,
                score,
                n,
                failed,
                rank,
                size,
                grade,
                tuple(consequences),
            )
        )
    return out


def _top_grade(grades: Grades) -> str | None:
    if grades.quotas:
        return grades.quotas[0].grade
    if grades.bands:
        return max(grades.bands.items(), key=lambda kv: kv[1])[0]
    return None


def _next_grade(grades: Grades, grade: str) -> str:
    ordered = [g for g, _ in sorted(grades.bands.items(), key=lambda kv: -kv[1])]
    if grade in ordered and ordered.index(grade) + 1 < len(ordered):
        return ordered[ordered.index(grade) + 1]
    return grades.default
