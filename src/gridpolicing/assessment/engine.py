"""Run a policy's assessment schemes inside an evaluation (after the rules' findings exist)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, final

from gridpolicing.assessment.members import scheme_order
from gridpolicing.assessment.ranking import finish_scheme, roll_up
from gridpolicing.assessment.result import AssessmentOutcome, RollupScore, SubjectScore
from gridpolicing.assessment.scoring import Scored, score_scheme
from gridpolicing.engine.context import EngineState, PlanContext, sql_literal
from gridpolicing.engine.periods import buckets

if TYPE_CHECKING:
    from gridpolicing.assessment.models import Rollup, Scheme
    from gridpolicing.engine.periods import DateRange
    from gridpolicing.policy.document import Policy

__all__ = ["AssessmentOutcome", "AssessmentPart", "assess", "finish", "score"]


@final
@dataclass(frozen=True, slots=True)
class AssessmentPart:
    """One dataset's (or one partition's) scored subject-periods, before ranking and roll-ups.

    Scores, items and vetoes are a subject's own; ranks, grades and roll-ups compare subjects,
    so they are made by :func:`finish` over every part at once (gridpolicing.spark evaluates
    partitions apart and finishes their parts together).
    """

    scored: dict[str, list[Scored]] = field(default_factory=dict)
    """Per scheme id, its subject-periods in subject and bucket order."""
    months: dict[tuple[str, int], dict[tuple[str, str], int | None]] = field(default_factory=dict)
    """Per (scheme id, roll-up index), whole months of service (see :func:`_months_in_post`)."""
    finished: dict[str, list[SubjectScore]] | None = None
    """This part's results ranked among themselves: the outcome when it is the only part."""


def assess(policy: Policy, state: EngineState) -> AssessmentOutcome:
    """Score, rank and grade every scheme of ``policy`` over the evaluation range."""
    return finish(policy, [score(policy, state)], state.range)


def score(policy: Policy, state: EngineState) -> AssessmentPart:
    """Score every subject-period of every scheme on ``state``'s data (no ranking across)."""
    if policy.assessment is None:
        return AssessmentPart()
    rule_index = {r.id: i for i, r in enumerate(policy.rules)}
    ctx = PlanContext(state, None)
    scored: dict[str, list[Scored]] = {}
    months: dict[tuple[str, int], dict[tuple[str, str], int | None]] = {}
    done: dict[str, tuple[Scheme, list[SubjectScore]]] = {}
    # Members' schemes first: a unit's item from_scheme reads their results (their own totals
    # and statuses, which ranking does not change).
    for scheme in scheme_order(policy.assessment.schemes):
        scored[scheme.id] = score_scheme(state.con, ctx, scheme, rule_index, done)
        done[scheme.id] = (scheme, finish_scheme(scheme, scored[scheme.id]))
        for n, rollup in enumerate(scheme.all_rollups):
            rb = _rollup_buckets(rollup, state.range)
            months[(scheme.id, n)] = _months_in_post(state, scheme, rollup, rb)
    finished = {sid: results for sid, (_, results) in done.items()}
    return AssessmentPart(scored, months, finished)


def finish(policy: Policy, parts: Sequence[AssessmentPart], rng: DateRange) -> AssessmentOutcome:
    """Rank, grade and roll up the scored subject-periods of every part together.

    Parts hold disjoint subjects; their union, in subject and bucket order, is what one
    dataset holding them all would have scored.
    """
    if policy.assessment is None:
        return AssessmentOutcome()
    rolled: dict[str, list[RollupScore]] = {}
    results: dict[str, list[SubjectScore]] = {}
    for scheme in scheme_order(policy.assessment.schemes):
        if len(parts) == 1 and parts[0].finished is not None:
            results[scheme.id] = parts[0].finished[scheme.id]
        else:
            scored = sorted(
                (s for p in parts for s in p.scored[scheme.id]),
                key=lambda s: (s.subject_type, s.subject_id, s.bucket),
            )
            results[scheme.id] = finish_scheme(scheme, scored)
        rolled[scheme.id] = []
        for n, rollup in enumerate(scheme.all_rollups):
            months = {k: v for p in parts for k, v in p.months[(scheme.id, n)].items()}
            rb = _rollup_buckets(rollup, rng)
            rolled[scheme.id].extend(roll_up(scheme, rollup, results[scheme.id], rb, months))
    ids = [s.id for s in policy.assessment.schemes]  # reported in the order written
    # Periods ending before the range were scored only for the roll-ups that need them.
    scores = [r for i in ids for r in results[i] if r.bucket_end >= rng.start]
    return AssessmentOutcome(tuple(scores), tuple(r for i in ids for r in rolled[i]), tuple(ids))


def _rollup_buckets(rollup: Rollup, rng: DateRange) -> list[tuple[str, dt.date, dt.date]]:
    return [(b.key, b.start, b.end) for b in buckets(rollup.period, rng)]


def _months_in_post(
    state: EngineState, scheme: Scheme, rollup: Rollup, rb: Sequence[tuple[str, object, object]]
) -> dict[tuple[str, str], int | None]:
    """Whole months of service of each person by the end of each roll-up bucket.

    Service counts from the first assignment in the scheme's roles (``first_assignment``) or
    from the person's ``hire_date``; None when that date is not recorded. Months are whole
    calendar months through the bucket's last day, as the tenure rule counts them (DuckDB's
    ``age``): 2021-01-01 to 2021-12-31 is 12, 2021-01-02 to 2021-12-31 is 11 (and 30 days).
    """
    people = scheme.subject.people
    if people is None or not rb or rollup.min_months_for_top_grade is None:
        return {}
    roles = ", ".join(sql_literal(r.value) for r in people.roles)
    values = ", ".join(f"({sql_literal(k)}, {sql_literal(e)})" for k, _, e in rb)
    hired = rollup.service_from == "hire_date"
    since = "any_value(p.hire_date)" if hired else "min(a.start)"
    rows = state.con.execute(
        f"""WITH b(bucket, bend) AS (VALUES {values}),
            s AS (SELECT a.person, b.bucket, any_value(b.bend) AS bend, {since} AS since
                  FROM assignments a JOIN b ON a.start <= b.bend
                  LEFT JOIN people p ON p.id = a.person
                  WHERE a.role IN ({roles}) GROUP BY a.person, b.bucket),
            g AS (SELECT *, age(CAST(bend + 1 AS TIMESTAMP), CAST(since AS TIMESTAMP)) AS iv
                  FROM s)
            SELECT person, bucket,
                   CASE WHEN since IS NULL OR since > bend THEN NULL
                        ELSE date_part('year', iv) * 12 + date_part('month', iv) END
            FROM g"""
    ).fetchall()
    return {(r[0], r[1]): None if r[2] is None else int(r[2]) for r in rows}
