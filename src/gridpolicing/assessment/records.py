"""Per-event deductions: an item that loses points for every record of the subject's period.

The records are counted by the core's measure of records (core/measures.py), so an item and a
``measure`` rule read the same records for the same subject.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridpolicing.assessment.measures import Key
from gridpolicing.core.measures import Measure, measure_sql
from gridpolicing.model.vocabulary import open_vocabularies
from gridpolicing.policy.values import Text
from gridpolicing.report.messages import fmt

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.assessment.models import Item, Line
    from gridpolicing.engine.context import PlanContext

__all__ = ["records_item"]


def records_item(
    con: duckdb.DuckDBPyConnection, ctx: PlanContext, item: Item | Line, person_subject: bool
) -> dict[Key, tuple[float | None, Text, tuple[str, ...]]]:
    """The points (negative) each subject-period loses for its records, with the words; None
    where the records cannot be judged (attendance of a subject off the roster)."""
    src = item.from_records
    assert src is not None
    records = {src.table: src.kinds, "where": src.where}
    with open_vocabularies():  # the kinds were checked against the policy's terms at load
        measure = Measure.model_validate({"count": {"records": records}})
    rows = con.execute(
        f"""SELECT subject_type, subject_id, bucket, value, ids
            FROM {measure_sql(measure, ctx, "_as_subjects", person_subject)}"""
    ).fetchall()
    out: dict[Key, tuple[float | None, Text, tuple[str, ...]]] = {}
    for st, sid, bucket, value, ids in rows:
        if value is None:  # attendance of a subject off the roster: not a free pass
            zh = "期间内无排班记录,出勤无法判断,数据不足"
            en = "no shift on the roster in the period: attendance cannot be judged"
            out[(st, sid, bucket)] = (None, Text(zh=zh, en=en), ())
            continue
        n = int(value)
        lost = src.deduction(n)
        if src.escalation is not None and n:
            steps = [src.escalation[min(i, len(src.escalation) - 1)] for i in range(n)]
            how = " + ".join(fmt(s) for s in steps)
            zh = f"违规记录 {n} 条,逐次扣 {how} = {fmt(lost)} 分"
            en = f"{n} record(s), each costing more: {how} = {fmt(lost)} points lost"
        else:
            zh = f"违规记录 {n} 条 × {fmt(src.per_record)} 分,扣 {fmt(lost)} 分"
            en = f"{n} record(s) × {fmt(src.per_record)} = {fmt(lost)} points lost"
        out[(st, sid, bucket)] = (-lost, Text(zh=zh, en=en), tuple(sorted(ids or ())))
    return out
