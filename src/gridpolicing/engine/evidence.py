"""Evidence on demand: the ids of the records behind a finding, for the findings that need them.

Lists of record ids cost as much as the counting itself when every finding carries them (a
year of weekly hours lists every visit of every officer). So an evaluation measures in a first
pass without record ids in the shared activity relations (engine/intervals.py), and then
resolves the evidence of its **failing** findings only, by planning the same rules again:

* only for rules that read a shared activity relation (the others listed their evidence in
  the first pass: assignments, meetings, reports ... are small);
* only for their failing subjects and buckets (:attr:`PlanContext.restrict`);
* over shared relations built with ids from the records of those subjects in those buckets
  only: a person's own records, and the records logged in a unit, that start on a day of the
  bucket or early enough to run into it (``_ev_activities``).

Status, measured and required values always come from the first pass; the second pass adds
nothing but evidence, so it cannot turn a failure into a pass. ``evidence="all"`` builds the
shared relations with ids from the start and lists evidence on every finding (one pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Literal, get_args

from gridpolicing.engine.context import EngineState, plan_context
from gridpolicing.engine.intervals import ACTIVITY_COLUMNS

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.policy.document import Policy

__all__ = ["EVIDENCE_MODES", "Evidence", "resolve_failing"]

Evidence = Literal["failing", "all"]
"""Which findings list the ids of their records: the failing ones (default) or all."""

EVIDENCE_MODES: Final[tuple[str, ...]] = get_args(Evidence)


def resolve_failing(state: EngineState, policy: Policy, rules: Sequence[int]) -> None:
    """Fill in ``_findings.evidence`` of the failing findings of ``rules`` (indexes of rules
    that read a shared activity relation), planning each again for its failing subjects."""
    if not rules:
        return
    con = state.con
    listed = ", ".join(str(i) for i in rules)
    con.execute(
        f"""CREATE TEMP TABLE _ev_keys AS
            SELECT rule_index, subject_type, subject_id, bucket, bucket_start, bucket_end
            FROM _findings WHERE status = 'fail' AND rule_index IN ({listed})"""
    )
    failing = [i for (i,) in con.execute("SELECT DISTINCT rule_index FROM _ev_keys").fetchall()]
    if not failing:
        return
    _scoped_activities(con)
    with_ids = state.with_evidence("_ev_activities")
    for index in sorted(failing):
        rule = policy.rules[index]
        kind = policy.registry[rule.kind]
        keys = f"(SELECT subject_type, subject_id, bucket FROM _ev_keys WHERE rule_index = {index})"
        ctx = plan_context(with_ids, rule, kind, restrict=keys)
        sql = kind.plan(rule, ctx)
        con.execute(
            f"""UPDATE _findings f SET evidence = e.evidence
                FROM (SELECT CAST(subject_type AS VARCHAR) AS subject_type,
                             CAST(subject_id AS VARCHAR) AS subject_id,
                             CAST(bucket AS VARCHAR) AS bucket,
                             CAST(coalesce(evidence, []) AS VARCHAR[]) AS evidence
                      FROM ({sql})) e
                WHERE f.rule_index = {index} AND f.status = 'fail'
                  AND f.subject_type = e.subject_type AND f.subject_id = e.subject_id
                  AND f.bucket = e.bucket"""
        )


def _scoped_activities(con: duckdb.DuckDBPyConnection) -> None:
    """``_ev_activities``: the activities that can be behind a finding of ``_ev_keys``.

    A person's own records and the records logged in a unit, starting on a day of the bucket or
    up to the longest record's span of days before it (so a record running into the bucket is
    there). Keys are (person or unit, start day) equalities, a hash lookup per record.
    """
    [(span,)] = con.execute(
        """SELECT coalesce(max(CAST("end" AS DATE) - CAST(start AS DATE)), 0)
           FROM activities"""
    ).fetchall()
    for table, kind in (("people", "person"), ("units", "unit")):
        con.execute(
            # The days come from the keys, not the calendar: the calendar starts where the run
            # reads, and a record running into the range's first bucket may start before it.
            f"""CREATE TEMP TABLE _ev_{table} AS
                SELECT DISTINCT who, CAST(d AS DATE) AS day FROM (
                    SELECT k.subject_id AS who,
                           unnest(generate_series(CAST(k.bucket_start - {int(span)} AS TIMESTAMP),
                                                  CAST(k.bucket_end AS TIMESTAMP),
                                                  INTERVAL 1 DAY)) AS d
                    FROM _ev_keys k WHERE k.subject_type = '{kind}')"""
        )
    cols = ", ".join(f'a."{c}"' for c in ACTIVITY_COLUMNS)
    # One scan of the activities, each probing both key tables: each table holds a (who, day)
    # once, so a record matches at most one row of each and is kept once.
    con.execute(
        f"""CREATE TEMP TABLE _ev_activities AS
            SELECT {cols} FROM activities a
            LEFT JOIN _ev_people p ON p.who = a.person AND p.day = CAST(a.start AS DATE)
            LEFT JOIN _ev_units u ON u.who = a.unit AND u.day = CAST(a.start AS DATE)
            WHERE p.who IS NOT NULL OR u.who IS NOT NULL"""
    )
