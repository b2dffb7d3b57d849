"""Rankings, grades and roll-ups over scored subjects: ties are ties, and ids never decide.

Order within a group (period, scope, role): subjects without a veto first; then higher total;
then the scheme's declared tie-breakers, in order. Subjects equal on all of these share a rank
(standard competition ranking: 1, 1, 3), so the result depends neither on the order of input
records nor on ids; ids only order the listing of subjects within a shared rank.

Cut-offs treat a shared rank as one: a rank quota or a top-N reward goes to every subject whose
shared rank starts inside the places (a tie at the line may give it to more), and a bottom-N
sanction only to subjects whose shared rank lies wholly inside the bottom places (a tie at the
line sanctions none of the tied): a sanction harms a person, so it needs someone clearly in the
bottom N. Either way the result names the cut-off in ``tied_cutoffs``.

A result that cannot be judged (``insufficient_data``) is not ranked: it has no rank, is not
counted in ``ranked_among``, and gets no grade but ``insufficient_data``. A roll-up holding such
a period is graded ``insufficient_data`` the same way, unless its failed periods already decide
its grade (an override): a month not judged neither earns a year's top grade nor hides a
sanction the judged months earned.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, final

from gridpolicing.assessment.consequences import apply_consequences
from gridpolicing.assessment.measures import tie_key
from gridpolicing.assessment.models import Grades, Rollup, Scheme, TieBreaker, VetoResult
from gridpolicing.assessment.result import INSUFFICIENT, Applied, Names, RollupScore, SubjectScore
from gridpolicing.assessment.scoring import Scored

__all__ = [
    "Placing",
    "finish_scheme",
    "grade_of",
    "placings",
    "quota_places",
    "rank_key",
    "roll_up",
]

T = TypeVar("T")


@final
@dataclass(frozen=True, slots=True)
class Placing:
    """A subject's rank in its group: one more than the number ranked strictly before it."""

    rank: int
    size: int  # subjects in the group
    shared_by: int  # subjects sharing this rank, the subject included (1: no tie)

    def straddles(self, line: int) -> bool:
        """A cut-off after place ``line`` falls inside this shared rank."""
        return self.rank <= line < self.rank + self.shared_by - 1


def rank_key(vetoed: bool, total: float, ties: Sequence[float]) -> tuple[float, ...]:
    """The sort key of a subject in its group (smaller ranks first; equal keys tie)."""
    return (1.0 if vetoed else 0.0, -total, *ties)


def placings(
    rows: Sequence[T], group: Callable[[T], object], key: Callable[[T], tuple[float, ...]]
) -> dict[int, Placing]:
    """``{index of row: Placing}``: competition ranking of the rows within each group."""
    groups: dict[object, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[group(row)].append(i)
    out = {}
    for members in groups.values():
        members.sort(key=lambda i: key(rows[i]))
        place = 1
        for _, block in itertools.groupby(members, key=lambda i: key(rows[i])):
            tied = list(block)
            for i in tied:
                out[i] = Placing(place, len(members), len(tied))
            place += len(tied)
    return out


def quota_places(grades: Grades, size: int) -> list[int]:
    """The last place of each quota in a group of ``size``, counted from the top.

    A cumulative ``share`` is the top share rounded up; a per-grade ``quota`` adds its own
    share, rounded up, to the places of the quotas before it.
    """
    out: list[int] = []
    for q in grades.quotas:
        if q.share is not None:
            out.append(math.ceil(q.share * size - 1e-9))
        else:
            own = math.ceil((q.quota or 0) * size - 1e-9)
            out.append(min(size, (out[-1] if out else 0) + own))
    return out


def grade_of(
    grades: Grades,
    total: float,
    rank: int | None,
    size: int | None,
    eligible: bool,
    without: str | None = None,
) -> str:
    """A subject's grade: the first quota its rank falls in, else the highest band it reaches.

    ``without`` names a grade withheld from the subject (the top grade, barred): it is passed
    over, so the subject gets the grade it would have had if that grade did not exist.
    """
    if eligible and rank is not None and size:
        for quota, last in zip(grades.quotas, quota_places(grades, size), strict=True):
            if (
                quota.grade != without
                and rank <= last
                and (quota.min_score is None or total >= quota.min_score)
            ):
                return quota.grade
    for grade, minimum in sorted(grades.bands.items(), key=lambda kv: -kv[1]):
        if grade != without and total >= minimum:
            return grade
    return grades.default


def _tied_quotas(grades: Grades, total: float, placing: Placing | None) -> list[str]:
    """``quota:<grade>`` for each quota whose last place falls inside the shared rank."""
    if placing is None:
        return []
    return [
        f"quota:{q.grade}"
        for q, last in zip(grades.quotas, quota_places(grades, placing.size), strict=True)
        if placing.straddles(last) and (q.min_score is None or total >= q.min_score)
    ]


def finish_scheme(scheme: Scheme, scored: list[Scored]) -> list[SubjectScore]:
    """Rank (when the scheme ranks) and grade each scored subject-period."""
    places: dict[int, Placing] = {}
    tie_breakers = _ties(scheme)
    if scheme.ranking is not None:
        by_role = scheme.ranking.by_role
        judged = [i for i, s in enumerate(scored) if s.status != INSUFFICIENT]
        ranked = placings(
            [scored[i] for i in judged],
            lambda s: (s.bucket, s.scope, s.role if by_role else None),
            lambda s: rank_key(s.status != "scored", s.total, tie_key(tie_breakers, s.measures)),
        )
        places = {judged[n]: p for n, p in ranked.items()}
    out = []
    for i, s in enumerate(scored):
        placing = places.get(i)
        rank, size = (placing.rank, placing.size) if placing else (None, None)
        tied: list[str] = []
        if s.status != "scored":
            grade = s.status
        else:
            withheld = scheme.grades.top if s.top_grade_withheld else None
            grade = grade_of(scheme.grades, s.total, rank, size, True, without=withheld)
            tied = _tied_quotas(scheme.grades, s.total, placing)
        applied, tiers_tied = apply_consequences(
            scheme.consequences, grade, placing, None, s.status == "scored"
        )
        tied += tiers_tied
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
                rank_shared_by=placing.shared_by if placing else None,
                tie_breakers=tuple((t.value, s.measures[t.value]) for t in tie_breakers),
                tied_cutoffs=tuple(tied),
                grade_name=scheme.grades.names.get(grade),
                names=s.names,
                applied=applied,
                top_grade_withheld=s.top_grade_withheld,
            )
        )
    return out


@final
@dataclass(frozen=True, slots=True)
class _Combined:
    """One subject's periods inside one roll-up bucket, combined."""

    bucket: str
    subject_type: str
    subject_id: str
    role: str | None
    scope: str | None
    score: float
    periods: int
    failed_periods: int
    measures: dict[str, float]
    names: Names | None
    top_barred: bool  # a period inside bars the roll-up's top grade (``top_grade_barred_by``)
    insufficient_periods: int = 0


def _combine(
    rollup: Rollup,
    tie_breakers: Sequence[TieBreaker],
    results: list[SubjectScore],
    buckets: Sequence[tuple[str, object, object]],
) -> list[_Combined]:
    grouped: dict[tuple[str, str, str], list[SubjectScore]] = defaultdict(list)
    # A period that could not be judged is left out of the roll-up: neither a score nor a
    # failed period.
    for r in results:
        for key, start, end in buckets:
            if start <= r.bucket_start and r.bucket_end <= end:  # type: ignore[operator]
                grouped[(key, r.subject_type, r.subject_id)].append(r)

    def combined(values: list[float]) -> float:
        value = sum(values) if rollup.combine == "sum" else sum(values) / len(values)
        return round(value, 6)  # equal scores must compare equal, whatever the summing order

    rows = []
    for (key, st, sid), periods in sorted(grouped.items()):
        last = max(periods, key=lambda p: p.bucket_start)
        per_period = [dict(p.tie_breakers) for p in periods]
        rows.append(
            _Combined(
                key,
                st,
                sid,
                last.role,
                last.scope,
                combined([p.total for p in periods]),
                len(periods),
                sum(1 for p in periods if p.status not in ("scored", INSUFFICIENT)),
                {t.value: combined([m[t.value] for m in per_period]) for t in tie_breakers},
                last.names,
                any(_bars_top(rollup, p) for p in periods),
                sum(1 for p in periods if p.status == INSUFFICIENT),
            )
        )
    return rows


def _bars_top(rollup: Rollup, period: SubjectScore) -> bool:
    """The period's result is one the roll-up names as barring its top grade."""
    barred = set(rollup.top_grade_barred_by)
    return period.status in barred or (
        period.top_grade_withheld and VetoResult.withhold_top_grade.value in barred
    )


def _top_withheld(
    rollup: Rollup, row: _Combined, months_in_post: dict[tuple[str, str], int | None]
) -> str | None:
    """Why the roll-up's top grade is withheld from ``row`` (None: it is not).

    Service is looked up only for people (``months_in_post`` holds each person and roll-up
    bucket); a person whose service cannot be counted (no hire date where service counts from
    it) is not given the top grade: an unknown is never taken for a year in post.
    """
    if row.top_barred:
        return "top_grade_withheld_in_period"
    if rollup.min_months_for_top_grade and (row.subject_id, row.bucket) in months_in_post:
        months = months_in_post[(row.subject_id, row.bucket)]
        if months is None:
            return "top_grade_withheld_service_unknown"
        if months < rollup.min_months_for_top_grade:
            return "top_grade_withheld_short_tenure"
    return None


def roll_up(
    scheme: Scheme,
    rollup: Rollup,
    results: list[SubjectScore],
    buckets: Sequence[tuple[str, object, object]],
    months_in_post: dict[tuple[str, str], int | None],
) -> list[RollupScore]:
    """Roll period results up into ``rollup.period`` buckets, with consequences.

    ``buckets`` are ``(key, start, end)`` of the roll-up period; ``months_in_post`` gives, per
    (subject id, roll-up key), how many whole months the subject held the role by its end.
    """
    by_role = scheme.ranking.by_role if scheme.ranking else True
    tie_breakers = _ties(scheme)
    rows = _combine(rollup, tie_breakers, results, buckets)
    judged = [i for i, r in enumerate(rows) if not r.insufficient_periods]
    ranked = placings(
        [rows[i] for i in judged],
        lambda r: (r.bucket, r.scope, r.role if by_role else None),
        lambda r: rank_key(False, r.score, tie_key(tie_breakers, r.measures)),
    )
    places = {judged[n]: p for n, p in ranked.items()}
    top_grade = rollup.grades.top
    out = []
    for i, row in enumerate(rows):
        if i not in places:
            out.append(_insufficient_rollup(scheme, rollup, row))
            continue
        placing = places[i]
        grade = grade_of(rollup.grades, row.score, placing.rank, placing.size, eligible=True)
        tied = _tied_quotas(rollup.grades, row.score, placing)
        by_failed, consequences = _failed_grade(rollup, row.failed_periods)
        overridden = by_failed is not None
        if by_failed is not None:
            grade = by_failed
        why_withheld = _top_withheld(rollup, row, months_in_post)
        if grade == top_grade and why_withheld is not None:
            # falls to the grade it would have had without the top grade, not the default
            grade = grade_of(
                rollup.grades, row.score, placing.rank, placing.size, True, without=top_grade
            )
            consequences.append(why_withheld)
        if rollup.reward_top:
            # a grade decided by failed periods (or the word unsatisfactory) forfeits the reward
            if placing.rank <= rollup.reward_top and not overridden and grade != "unsatisfactory":
                consequences.append("reward")
            if placing.straddles(rollup.reward_top):
                tied.append("reward_top")
        if rollup.sanction_bottom:
            # The bottom N are counted among those not rewarded: in a group smaller than top N
            # plus bottom N nobody is both rewarded and sanctioned. A shared rank is sanctioned
            # only when it starts below the line, i.e. lies wholly inside the bottom places.
            line = max(placing.size - rollup.sanction_bottom, rollup.reward_top or 0)
            if placing.rank > line:
                consequences += ["loses_award_eligibility", "admonishment_talk"]
            if placing.straddles(line):
                tied.append("sanction_bottom")
        applied, tiers_tied = apply_consequences(
            rollup.consequences,
            grade,
            placing,
            row.failed_periods,
            not overridden and grade != "unsatisfactory",
        )
        tied += tiers_tied
        out.append(_rollup_score(scheme, rollup, row, grade, consequences, applied, placing, tied))
    return out


def _failed_grade(rollup: Rollup, failed_periods: int) -> tuple[str | None, list[str]]:
    """The grade failed periods decide (``unsatisfactory`` first, then the first override that
    applies), or None, and the consequences that come with it."""
    if rollup.unsatisfactory_after_failed and failed_periods >= rollup.unsatisfactory_after_failed:
        return "unsatisfactory", ["adjustment"]
    override = next((o for o in rollup.overrides if failed_periods >= o.failed_periods), None)
    return (override.grade if override is not None else None), []


def _insufficient_rollup(scheme: Scheme, rollup: Rollup, row: _Combined) -> RollupScore:
    """A roll-up holding a period that cannot be judged: unranked, ``insufficient_data``
    unless its failed periods decide the grade; consequences by that grade or failed periods."""
    by_failed, consequences = _failed_grade(rollup, row.failed_periods)
    grade = by_failed or INSUFFICIENT
    applied, _ = apply_consequences(rollup.consequences, grade, None, row.failed_periods, False)
    return _rollup_score(scheme, rollup, row, grade, consequences, applied)


def _rollup_score(
    scheme: Scheme,
    rollup: Rollup,
    row: _Combined,
    grade: str,
    consequences: list[str],
    applied: tuple[Applied, ...],
    placing: Placing | None = None,
    tied: Sequence[str] = (),
) -> RollupScore:
    """The roll-up result of ``row``: ranked with its ``placing``, or unranked without one."""
    return RollupScore(
        scheme=scheme.id,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        bucket=row.bucket,
        role=row.role,
        scope=row.scope,
        score=row.score,
        periods=row.periods,
        failed_periods=row.failed_periods,
        rank=placing.rank if placing else None,
        ranked_among=placing.size if placing else None,
        grade=grade,
        consequences=tuple(consequences),
        rank_shared_by=placing.shared_by if placing else None,
        tie_breakers=tuple((t.value, row.measures[t.value]) for t in _ties(scheme)),
        tied_cutoffs=tuple(tied),
        grade_name=rollup.grades.names.get(grade),
        names=row.names,
        applied=applied,
        insufficient_periods=row.insufficient_periods,
    )


def _ties(scheme: Scheme) -> list[TieBreaker]:
    return scheme.ranking.tie_breakers if scheme.ranking else []
