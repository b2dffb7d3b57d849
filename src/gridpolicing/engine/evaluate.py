"""Evaluate a policy against a dataset over an explicit period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gridpolicing.assessment.engine import score
from gridpolicing.core.measure_checks import reads_time
from gridpolicing.engine.context import EngineState, plan_context, sql_literal
from gridpolicing.engine.evidence import EVIDENCE_MODES, Evidence, resolve_failing
from gridpolicing.engine.parts import FINDINGS_ORDER_SQL, Part, combine
from gridpolicing.engine.periods import DateRange, parse_range
from gridpolicing.engine.window import Unevaluated, window_for
from gridpolicing.errors import GridPolicingError, UsageError
from gridpolicing.progress import Progress
from gridpolicing.progress import report as report_progress
from gridpolicing.report.period_guard import table_spans
from gridpolicing.report.subjects import subject_info

if TYPE_CHECKING:
    import datetime as dt

    import duckdb

    from gridpolicing.io.dataset import Dataset
    from gridpolicing.policy.document import Policy
    from gridpolicing.report.report import Report

__all__ = ["evaluate", "evaluate_part"]

_OUTCOME = """
    CAST(subject_type AS VARCHAR), CAST(subject_id AS VARCHAR), CAST(bucket AS VARCHAR),
    CAST(bucket_start AS DATE), CAST(bucket_end AS DATE), CAST(status AS VARCHAR),
    CAST(measured AS DOUBLE), CAST(required AS DOUBLE),
    CAST(coalesce(evidence, []) AS VARCHAR[]), CAST(detail AS VARCHAR)
"""


def evaluate(
    policy: Policy,
    dataset: Dataset,
    period: str | DateRange,
    *,
    evidence: Evidence = "failing",
    progress: Progress | None = None,
) -> Report:
    """Evaluate every rule of ``policy`` on ``dataset`` for each of its buckets in ``period``.

    ``period`` is explicit (``"2022"``, ``"2022-03"``, ``"2022-W05"``,
    ``"2022-01-01..2022-06-30"``): there is no default, so a result never depends on an implied
    date. A bucket belongs to the run whose period holds its last day and is measured over all
    its days (engine/window.py); buckets a rule cannot be judged for are listed in
    ``Report.unevaluated`` with the reason.

    ``evidence`` says which findings list the ids of the records behind them: ``"failing"``
    (the default; measuring without ids is much cheaper, engine/evidence.py) or ``"all"``.
    Statuses and values are the same either way. ``progress`` (see :mod:`gridpolicing.progress`)
    is told ``("rules", done, total)`` as rules are judged, the assessment counted as the last.
    """
    rng = parse_range(period) if isinstance(period, str) else period
    part = evaluate_part(policy, dataset, rng, evidence=evidence, progress=progress)
    return combine(policy, [part], rng, dataset=dataset, evidence=evidence)


def evaluate_part(
    policy: Policy,
    dataset: Dataset,
    rng: DateRange,
    *,
    evidence: Evidence = "failing",
    data_from: tuple[dt.date | None] | None = None,
    progress: Progress | None = None,
) -> Part:
    """What :func:`evaluate` finds on ``dataset`` before results are compared across subjects.

    A dataset that is one partition of a larger one (a bureau of a province) is evaluated on
    its own and the parts are combined by :func:`gridpolicing.engine.parts.combine`;
    ``data_from`` then gives the first day of the whole dataset's records (engine/window.py).
    """
    if evidence not in EVIDENCE_MODES:
        raise UsageError(f"evidence must be one of {', '.join(EVIDENCE_MODES)}, not {evidence!r}")
    if policy.is_template:
        raise GridPolicingError(
            f"policy {policy.id!r} is a template; extend it and give its parameters values"
        )
    _same_vocabulary(policy, dataset)
    window = window_for(policy, rng)
    con = dataset.cursor()
    try:
        state = EngineState(
            con,
            window,
            time_roles=_time_roles(policy),
            ids=evidence == "all",
            vocabulary=policy.vocabulary,
            data_from=data_from,
        )
        con.execute(
            """CREATE TEMP TABLE _findings (
                 rule_index INTEGER, subject_type VARCHAR, subject_id VARCHAR, bucket VARCHAR,
                 bucket_start DATE, bucket_end DATE, status VARCHAR, measured DOUBLE,
                 required DOUBLE, evidence VARCHAR[], detail VARCHAR)"""
        )
        unevaluated: list[Unevaluated] = []
        shared: list[int] = []  # rules whose failing findings need evidence resolved
        steps = len(policy.rules) + 1  # the assessment is the last step
        for index, rule in enumerate(policy.rules):
            kind = policy.registry[rule.kind]
            ctx = plan_context(state, rule, kind)
            sql = kind.plan(rule, ctx)
            con.execute(f"INSERT INTO _findings SELECT {index}, {_OUTCOME} FROM ({sql})")
            unevaluated.extend(ctx.unevaluated())
            if ctx.reads_shared and not state.ids:
                shared.append(index)
            report_progress(progress, "rules", index + 1, steps)
        scored = score(policy, state)
        report_progress(progress, "rules", steps, steps)
        resolve_failing(state, policy, shared)
        listed = "TRUE" if evidence == "all" else "status = 'fail'"
        # Buckets ending before the range were judged only for the scores that need them.
        table = con.sql(
            f"""SELECT * REPLACE (
                   CASE WHEN {listed} THEN list_sort(evidence) ELSE []::VARCHAR[] END AS evidence)
               FROM _findings WHERE bucket_end >= {sql_literal(rng.start)}
               ORDER BY {FINDINGS_ORDER_SQL}"""
        ).to_arrow_table()
        reported = frozenset(
            i
            for (i,) in con.execute(
                "SELECT DISTINCT rule_index FROM _findings WHERE bucket_end >= ?", [rng.start]
            ).fetchall()
        )
        return Part(
            findings=table,
            reported=reported,
            unevaluated=tuple(unevaluated),
            official_calendar=state.official_calendar,
            spans=table_spans(con, rng),
            activity_totals=_activity_totals(con, rng),
            assessment=scored,
            data_from=state.data_from,
            counts=dataset.counts,
            rejected=dataset.rejected,
            subjects=subject_info(con, rng),
        )
    finally:
        con.close()


def _same_vocabulary(policy: Policy, dataset: Dataset) -> None:
    """Refuse a dataset checked without the terms the policy adds: its records naming them were
    rejected, and a rule on an added kind would find nothing to fail on. Tags and attributes
    are such terms too, an attribute with its type (its values were checked as that type)."""
    added = {(n, t.id, t.value_type) for n, terms in policy.vocabulary.added for t in terms}
    known = {(n, t.id, t.value_type) for n, terms in dataset.vocabulary.added for t in terms}
    missing = sorted(
        f"{n}: {i}" + (f" ({v.value})" if v is not None else "") for n, i, v in added - known
    )
    if missing:
        raise UsageError(
            f"the dataset was loaded without the terms policy {policy.id!r} adds "
            f"({', '.join(missing)}); load it with load_dataset(..., "
            "vocabulary=policy.vocabulary)"
        )


def _time_roles(policy: Policy) -> frozenset[str] | None:
    """The roles of the people whose time a rule (of a kind with ``reads_time``) or a score
    (hours) measures; None when a units subject measures everyone's time in its units. The
    time table then covers only those people's records (a kind that measures time without
    saying so gets a table of everyone's, see PlanContext.daily_time)."""
    roles: set[str] = set()
    subjects = [
        r.subject for r in policy.rules if getattr(policy.registry[r.kind], "reads_time", False)
    ]
    for scheme in policy.assessment.schemes if policy.assessment is not None else []:
        sources = [src for i in scheme.items for src in i.sources]
        hours = any(
            (i.from_metric is not None and i.from_metric.measure == "hours")
            or (i.from_measure is not None and reads_time(i.from_measure.measure))
            for i in sources
        )
        ties = scheme.ranking is not None and any(
            t.value == "more_activity_hours" for t in scheme.ranking.tie_breakers
        )
        if hours or ties:
            subjects.append(scheme.subject)
    for subject in subjects:
        if subject.people is None:
            return None
        roles.update(r.value for r in subject.people.roles)
    return frozenset(roles)


def _activity_totals(con: duckdb.DuckDBPyConnection, rng: DateRange) -> dict[str, list[Any]]:
    """What was done in the period, by kind: the figures a station reports upward."""
    bounds = [rng.start, rng.end]
    acts = con.execute(
        """SELECT kind, subkind, count(*), sum(households_visited), sum(services_done),
                  sum(quantity), sum(hazards_found), sum(hazards_rectified)
           FROM activities WHERE CAST(start AS DATE) BETWEEN ? AND ?
           GROUP BY ALL ORDER BY kind, subkind NULLS FIRST""",
        bounds,
    ).fetchall()
    meets = con.execute(
        """SELECT kind, count(*) FROM meetings WHERE date BETWEEN ? AND ?
           GROUP BY ALL ORDER BY kind""",
        bounds,
    ).fetchall()
    names = (
        "kind",
        "subkind",
        "records",
        "households_visited",
        "services_done",
        "quantity",
        "hazards_found",
        "hazards_rectified",
    )
    return {
        "activities": [
            dict(zip(names, (*r[:2], *(int(v) for v in r[2:])), strict=True)) for r in acts
        ],
        "meetings": [{"kind": k, "meetings": int(n)} for k, n in meets],
    }
