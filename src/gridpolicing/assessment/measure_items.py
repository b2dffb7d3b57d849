"""Any measure as an item: points per unit of a core measure, or from bands.

The value is the core's measure (core/measures.py, one SQL plan for all subject-periods), so an
item and a ``measure`` rule read the same number for the same subject. A value that cannot be
measured (NULL: no survey, a ratio over 0, an attribute not recorded) gives no points: the item
is ``insufficient_data`` (its value None here), and so is the subject's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridpolicing.assessment.bands import band_points, exact
from gridpolicing.assessment.measures import Key
from gridpolicing.core.measures import measure_sql
from gridpolicing.policy.values import Text
from gridpolicing.report.messages import fmt

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.assessment.items import MeasureSource
    from gridpolicing.assessment.models import Item, Line
    from gridpolicing.engine.context import PlanContext

__all__ = ["INSUFFICIENT_WORDS", "measure_item", "measure_points"]

INSUFFICIENT_WORDS = Text(
    zh="无法测算(如本期无调查、分母为0或单位未登记该数据),数据不足,不予评定",
    en="cannot be measured (e.g. no survey in the period, a zero denominator or a figure not "
    "recorded): insufficient data, not judged",
)


def measure_item(
    con: duckdb.DuckDBPyConnection, ctx: PlanContext, item: Item | Line, person_subject: bool
) -> dict[Key, tuple[float | None, Text, tuple[str, ...]]]:
    """Each subject-period's raw points from the item's measure (None: insufficient data)."""
    src = item.from_measure
    assert src is not None
    rows = con.execute(
        f"""SELECT subject_type, subject_id, bucket, value, ids
            FROM {measure_sql(src.measure, ctx, "_as_subjects", person_subject)}"""
    ).fetchall()
    out: dict[Key, tuple[float | None, Text, tuple[str, ...]]] = {}
    for st, sid, bucket, value, ids in rows:
        evidence = tuple(sorted(ids or ()))
        if value is None:
            out[(st, sid, bucket)] = (None, INSUFFICIENT_WORDS, evidence)
        else:
            points, text = measure_points(src, float(value))
            out[(st, sid, bucket)] = (points, text, evidence)
    return out


def measure_points(src: MeasureSource, value: float) -> tuple[float, Text]:
    """The raw points a measured ``value`` earns, and the words saying how."""
    v = round(value, 9)  # 7/100 must compare equal to a band at 0.07
    shown = exact(v)
    if src.bands is not None:
        points, index = band_points(src.bands, float(src.otherwise), v)
        if index is None:
            zh = f"测得 {shown},不在所列档次,计 {fmt(points)} 分"
            en = f"measured {shown}, in no band: {fmt(points)} points"
        else:
            band = src.bands[index].words
            zh = f"测得 {shown},{band.zh}(第{index + 1}档),计 {fmt(points)} 分"
            en = f"measured {shown}, {band.en} (band {index + 1}): {fmt(points)} points"
        return points, Text(zh=zh, en=en)
    points = src.per_unit * v
    zh, en = f"测得 {shown}", f"measured {shown}"
    if src.per_unit:
        zh += f" × {fmt(src.per_unit)} 分"
        en += f" × {fmt(src.per_unit)} points"
    if src.target is not None:
        short = max(0.0, round(src.target - v, 9))
        points -= src.per_unit_short * short
        zh += f";距目标 {exact(src.target)} 差 {exact(short)} × {fmt(src.per_unit_short)} 分"
        en += f"; {exact(short)} short of {exact(src.target)} × {fmt(src.per_unit_short)} points"
    return points, Text(zh=f"{zh},计 {fmt(points)} 分", en=f"{en} = {fmt(points)} points")
