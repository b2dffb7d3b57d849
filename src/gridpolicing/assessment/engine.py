"""Run a policy's assessment schemes inside an evaluation (after the rules' findings exist)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gridpolicing.assessment.members import scheme_order
from gridpolicing.assessment.ranking import finish_scheme, roll_up
from gridpolicing.assessment.result import AssessmentOutcome, RollupScore, SubjectScore
from gridpolicing.assessment.scoring import score_scheme
from gridpolicing.engine.context import EngineState, PlanContext, sql_literal
from gridpolicing.engine.periods import buckets

if TYPE_CHECKING:
    from gridpolicing.assessment.models import Rollup, Scheme
    from gridpolicing.policy.document import Policy

__all__ = ["AssessmentOutcome", "assess"]


def assess(policy: Policy, state: EngineState) -> AssessmentOutcome:
    """Score, rank and grade every scheme of ``policy`` over the evaluation range."""
    if policy.assessment is None:
        return AssessmentOutcome()
    rule_index = {r.id: i for i, r in enumerate(policy.rules)}
    ctx = PlanContext(state, None)
    done: dict[str, tuple[Scheme, list[SubjectScore]]] = {}
    rolled: dict[str, list[RollupScore]] = {}
    # Members' schemes first: a unit's item from_scheme reads their results.
    for scheme in scheme_order(policy.assessment.schemes):
        results = finish_scheme(scheme, score_scheme(state.con, ctx, scheme, rule_index, done))
        done[scheme.id] = (scheme, results)
        rolled[scheme.id] = []
        for rollup in scheme.all_rollups:
            rb = [(b.key, b.start, b.end) for b in buckets(rollup.period, state.range)]
            months = _months_in_post(state, scheme, rollup, rb)
            rolled[scheme.id].extend(roll_up(scheme, rollup, results, rb, months))
    ids = [s.id for s in policy.assessment.schemes]  # reported in the order written
    # Periods ending before the range were scored only for the roll-ups that need them.
    scores = [r for i in ids for r in done[i][1] if r.bucket_end >= state.range.start]
    return AssessmentOutcome(tuple(scores), tuple(r for i in ids for r in rolled[i]), tuple(ids))


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
