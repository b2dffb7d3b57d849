"""One evaluation in two steps: what each part of a dataset finds, and the report of them all.

:func:`gridpolicing.engine.evaluate.evaluate_part` judges every rule on one dataset and scores
its subjects: everything that is a subject's own. :func:`combine` then makes the report from one
part (a dataset evaluated on one machine) or from many (the bureaus of a province evaluated
apart by gridpolicing.spark): it puts the findings in report order, ranks, grades and rolls up
the scores of all subjects together, and adds up the counts, spans and totals. A single-machine
evaluation is a combination of one part, so both engines share every line of meaning.

Parts must hold disjoint subjects: a partition's records may reference only its own units and
people (the loader rejects a reference to another partition's records, so it is listed, not
dropped).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, final

import duckdb
import pyarrow as pa

from gridpolicing.assessment.engine import AssessmentPart, finish
from gridpolicing.engine.periods import DateRange, buckets
from gridpolicing.engine.window import Unevaluated
from gridpolicing.errors import GridPolicingError
from gridpolicing.report.period_guard import TableSpan
from gridpolicing.report.report import Report, SkippedRule
from gridpolicing.report.subjects import SubjectInfo, SubjectKey, merge_subjects

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset, DatasetSummary, RejectedRecord, TableCount
    from gridpolicing.policy.document import Policy

__all__ = ["FINDINGS_ORDER", "FINDINGS_ORDER_SQL", "Part", "combine"]

FINDINGS_ORDER: Final = (
    "rule_index",
    "subject_type",
    "subject_id",
    "bucket_start",
    "bucket_end",
    "bucket",
    "status",
    "detail",
)
"""The order of a report's findings: rule (policy order), subject, bucket; the last keys only
make the order total, so every engine gives the same bytes (ascending, NULLs last)."""
FINDINGS_ORDER_SQL: Final = ", ".join(f"{c} ASC NULLS LAST" for c in FINDINGS_ORDER)


@final
@dataclass(frozen=True, slots=True)
class Part:
    """What one dataset (or one partition of one) gave an evaluation, before combining."""

    findings: pa.Table
    """Findings of buckets ending in the range, in :data:`FINDINGS_ORDER`."""
    reported: frozenset[int]
    """Indexes of the rules with a finding in the range."""
    unevaluated: tuple[Unevaluated, ...]
    official_calendar: bool
    spans: tuple[TableSpan, ...]
    activity_totals: dict[str, list[dict[str, Any]]]
    assessment: AssessmentPart
    data_from: dt.date | None
    """The first day of the records this part judged by (None when no bucket needed it)."""
    counts: Mapping[str, TableCount]
    rejected: tuple[RejectedRecord, ...]
    subjects: Mapping[SubjectKey, SubjectInfo] = field(default_factory=dict)
    """The names and places of the findings' subjects (report/subjects.py)."""


def combine(
    policy: Policy,
    parts: Sequence[Part],
    rng: DateRange,
    *,
    dataset: Dataset | DatasetSummary,
    evidence: str,
    findings: pa.Table | None = None,
) -> Report:
    """The report of ``parts`` together: one Report as if one dataset held them all.

    ``findings``, when given, are every part's findings already in report order (a distributed
    engine sorts them itself); otherwise the parts' findings are concatenated and ordered here.
    """
    if not parts:
        raise GridPolicingError("nothing to combine: no part was evaluated")
    first = parts[0]
    for p in parts[1:]:
        if p.unevaluated != first.unevaluated or p.official_calendar != first.official_calendar:
            raise GridPolicingError(
                "parts of one evaluation disagree on which buckets could be judged; "
                "evaluate them with the first day of the whole dataset (data_from)"
            )
    if findings is None:
        findings = first.findings if len(parts) == 1 else _ordered([p.findings for p in parts])
    reported = frozenset().union(*(p.reported for p in parts))
    skipped = []
    for index, rule in enumerate(policy.rules):
        if index not in reported:
            not_judged = sum(1 for u in first.unevaluated if u.rule == rule.id)
            skipped.append(SkippedRule(rule.id, _why_empty(rule, rng, not_judged)))
    return Report(
        policy=policy,
        dataset=dataset,
        range=rng,
        findings_table=findings,
        skipped=tuple(skipped),
        unevaluated=first.unevaluated,
        official_calendar=first.official_calendar,
        spans=first.spans if len(parts) == 1 else merge_spans([p.spans for p in parts]),
        assessment=finish(policy, [p.assessment for p in parts], rng),
        activity_totals=(
            first.activity_totals
            if len(parts) == 1
            else merge_totals([p.activity_totals for p in parts])
        ),
        evidence=evidence,
        subjects=merge_subjects([p.subjects for p in parts]),
    )


def _ordered(tables: Sequence[pa.Table]) -> pa.Table:
    """The parts' findings in report order, ordered by the same SQL as one dataset's."""
    con = duckdb.connect()
    try:
        con.register("_parts", pa.concat_tables(tables))
        ordered: pa.Table = con.sql(
            f"SELECT * FROM _parts ORDER BY {FINDINGS_ORDER_SQL}"
        ).to_arrow_table()
    finally:
        con.close()
    return ordered


def merge_spans(spans: Sequence[tuple[TableSpan, ...]]) -> tuple[TableSpan, ...]:
    """The spans of the union of the parts' tables (every part lists every dated table)."""
    out = []
    for same in zip(*spans, strict=True):
        firsts = [s.first for s in same if s.first is not None]
        lasts = [s.last for s in same if s.last is not None]
        out.append(
            TableSpan(
                same[0].table,
                sum(s.rows for s in same),
                min(firsts) if firsts else None,
                max(lasts) if lasts else None,
                sum(s.open_ended for s in same),
                sum(s.in_period for s in same),
            )
        )
    return tuple(out)


def merge_totals(totals: Sequence[Mapping[str, list[dict[str, Any]]]]) -> dict[str, list[Any]]:
    """The activity and meeting totals of the union: sums by kind (and subkind), in the order
    the single-dataset query gives (kind, then subkind with none first)."""
    acts: dict[tuple[str, str | None], dict[str, Any]] = {}
    meets: dict[str, int] = defaultdict(int)
    for t in totals:
        for row in t["activities"]:
            key = (row["kind"], row["subkind"])
            if key not in acts:
                acts[key] = dict(row)
            else:
                for name, value in row.items():
                    if name not in ("kind", "subkind"):
                        acts[key][name] += value
        for m in t["meetings"]:
            meets[m["kind"]] += m["meetings"]
    order = sorted(acts, key=lambda k: (k[0], k[1] is not None, k[1] or ""))
    return {
        "activities": [acts[k] for k in order],
        "meetings": [{"kind": k, "meetings": meets[k]} for k in sorted(meets)],
    }


def _why_empty(rule: object, rng: DateRange, not_judged: int) -> str:
    period = getattr(rule, "period", None)
    if not_judged:
        return f"none of its {not_judged} bucket(s) ending inside {rng.label} could be judged"
    if period is not None and not buckets(period, rng):
        return f"no {period.value} bucket ends inside {rng.label}"
    return f"no subject inside {rng.label}"
