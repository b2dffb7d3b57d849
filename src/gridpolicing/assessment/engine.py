"""Run a policy's assessment schemes inside an evaluation (after the rules' findings exist)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gridpolicing.assessment.ranking import finish_scheme, roll_up
from gridpolicing.assessment.result import AssessmentOutcome, RollupScore, SubjectScore
from gridpolicing.assessment.scoring import score_scheme
from gridpolicing.engine.context import EngineState, PlanContext, sql_literal
from gridpolicing.engine.periods import buckets

if TYPE_CHECKING:
    from gridpolicing.assessment.models import Scheme
    from gridpolicing.policy.document import Policy

__all__ = ["AssessmentOutcome", "assess"]


def assess(policy: Policy, state: EngineState) -> AssessmentOutcome:
    """Score, rank and grade every scheme of ``policy`` over the evaluation range."""
    if policy.assessment is None:
        return AssessmentOutcome()
    rule_index = {r.id: i for i, r in enumerate(policy.rules)}
    ctx = PlanContext(state, None)
    scores: list[SubjectScore] = []
    rollups: list[RollupScore] = []
    for scheme in policy.assessment.schemes:
        results = finish_scheme(scheme, score_scheme(state.con, ctx, scheme, rule_index))
        # Periods ending before the range were scored only for the roll-ups that need them.
        scores.extend(r for r in results if r.bucket_end >= state.range.start)
        for rollup in scheme.all_rollups:
            rb = [(b.key, b.start, b.end) for b in buckets(rollup.period, state.range)]
            months = _months_in_post(state, scheme, rb)
            rollups.extend(roll_up(scheme, rollup, results, rb, months))
    return AssessmentOutcome(
        tuple(scores), tuple(rollups), tuple(s.id for s in policy.assessment.schemes)
    )


def _months_in_post(
    state: EngineState, scheme: Scheme, rb: Sequence[tuple[str, object, object]]
) -> dict[tuple[str, str], int]:
    people = scheme.subject.people
    if people is None or not rb:
        return {}
    roles = ", ".join(sql_literal(r.value) for r in people.roles)
    values = ", ".join(f"({sql_literal(k)}, {sql_literal(e)})" for k, _, e in rb)
    rows = state.con.execute(
        f"""WITH b(bucket, bend) AS (VALUES {values})
            SELECT a.person, b.bucket, date_diff('month', min(a.start), any_value(b.bend) + 1)
            FROM assignments a JOIN b ON a.start <= b.bend
            WHERE a.role IN ({roles}) GROUP BY a.person, b.bucket"""
    ).fetchall()
    return {(r[0], r[1]): int(r[2]) for r in rows}
