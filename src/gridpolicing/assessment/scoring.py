"""Score each subject of each scheme per period: items, totals and vetoes.

The measures behind the items (finding counts, activity metrics, assessors' scores) are SQL
queries on the evaluation's cursor; clamping, totals and vetoes are small pure functions
(:func:`clamp`, :func:`item_points`) so their properties can be tested directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, final

from gridpolicing.assessment.measure_items import INSUFFICIENT_WORDS, measure_item
from gridpolicing.assessment.measures import activity_measures, finding_counts
from gridpolicing.assessment.members import member_item
from gridpolicing.assessment.models import (
    Item,
    Line,
    RuleSource,
    Scheme,
    TieBreaker,
    VetoResult,
)
from gridpolicing.assessment.records import records_item
from gridpolicing.assessment.result import INSUFFICIENT, ItemScore, Names, SubjectScore
from gridpolicing.engine.context import PlanContext, sql_literal
from gridpolicing.policy.values import Text
from gridpolicing.report.messages import fmt

if TYPE_CHECKING:
    import datetime as dt

    import duckdb

__all__ = ["Scored", "clamp", "group_score", "item_points", "rule_raw", "score_scheme"]

Key = tuple[str, str, str]  # subject_type, subject_id, bucket
Raw = Mapping[Key, tuple[float | None, Text, tuple[str, ...]]]  # None: cannot be judged


def clamp(value: float, low: float | None, high: float | None) -> float:
    """``value`` limited to ``[low, high]``; a None bound is no bound."""
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def item_points(item: Item | Line, raw: float) -> float:
    """An item's points: its raw points clamped to ``[-max_deduction, max_points]``."""
    low = None if item.max_deduction is None else -item.max_deduction
    return clamp(round(raw, 6), low, item.max_points)  # round first: never past a bound


def rule_raw(src: RuleSource, max_points: float | None, passes: int, fails: int) -> float:
    """Raw points of a rule source from the subject's passed and failed findings."""
    if src.proportional:
        n = passes + fails
        return (max_points or 0) * (passes / n if n else 0.0)
    return src.per_pass * passes - src.per_fail * fails


def group_score(group: Item, lines: Sequence[ItemScore]) -> ItemScore:
    """An item group's score: the sum of its lines' points within the group's own bounds.

    ``deducted`` is what the lines took away together (each line's loss after its own bound,
    before the group's): a veto's ``deductions_reach`` compares with it.
    """
    raw = round(sum(line.points for line in lines), 6)
    deducted = round(sum(max(0.0, -line.points) for line in lines), 6)
    points = item_points(group, raw)
    zh = f"分项合计 {fmt(raw)} 分(共扣 {fmt(deducted)} 分)"
    en = f"lines together {fmt(raw)} points ({fmt(deducted)} deducted)"
    if group.max_deduction is not None:
        zh += f",本项至多扣 {fmt(group.max_deduction)} 分(扣完为止)"
        en += f", this item loses at most {fmt(group.max_deduction)}"
    if group.max_points is not None:
        zh += f",至多得 {fmt(group.max_points)} 分"
        en += f", earns at most {fmt(group.max_points)}"
    evidence = tuple(e for line in lines for e in line.evidence)
    status = "scored"
    if any(line.status == INSUFFICIENT for line in lines):
        # one line that cannot be judged leaves the row's points unknown (its deductions stand)
        status, points, raw = INSUFFICIENT, 0.0, 0.0
        zh, en = f"{zh};有分项数据不足,不予评定", f"{en}; a line has insufficient data: not judged"
    else:
        zh, en = f"{zh},计 {fmt(points)} 分", f"{en}: {fmt(points)} points"
    return ItemScore(
        group.id, points, raw, Text(zh=zh, en=en), evidence, deducted, tuple(lines), status
    )


def exhausted(item: Item, points: float) -> bool:
    """The item lost all it could: at its lower bound (0 for items that only award)."""
    if item.max_deduction is None:
        return False
    return points <= -item.max_deduction


@final
@dataclass(frozen=True, slots=True)
class Scored:
    """One subject-period before ranking and grading."""

    subject_type: str
    subject_id: str
    bucket: str
    bstart: dt.date
    bend: dt.date
    role: str | None
    scope: str | None
    total: float
    status: str
    failed_findings: int
    items: tuple[ItemScore, ...]
    vetoes: tuple[str, ...]
    measures: dict[str, float] = field(default_factory=dict)  # declared tie-breakers' values
    top_grade_withheld: bool = False  # a ``withhold_top_grade`` veto applies
    names: Names | None = None  # for reports; never used to rank


def score_scheme(
    con: duckdb.DuckDBPyConnection,
    ctx: PlanContext,
    scheme: Scheme,
    rule_index: dict[str, int],
    done: Mapping[str, tuple[Scheme, list[SubjectScore]]] | None = None,
) -> list[Scored]:
    """Every subject of ``scheme`` in every period bucket inside the range, scored.

    ``done`` holds the schemes already scored, by id, that ``from_scheme`` items read.
    """
    subjects = _subjects(con, ctx, scheme)
    if not subjects:
        return []
    subjects_sql = ctx.subjects(scheme.period, scheme.subject)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _as_subjects AS {subjects_sql}")
    counts = finding_counts(con)
    tie_breakers = scheme.ranking.tie_breakers if scheme.ranking else []
    activity = activity_measures(con, ctx, tie_breakers, scheme.subject.people is not None)
    raw: dict[str, Raw] = {}
    insufficient: set[Key] = set()  # subject-periods an item cannot judge (no members)
    for source in (s for item in scheme.items for s in item.sources):
        if source.from_rule is not None:
            raw[source.id] = _rule_item(con, source, rule_index[source.from_rule.rule])
        elif source.from_metric is not None:
            raw[source.id] = _metric_item(con, ctx, source, scheme.subject.people is not None)
        elif source.from_records is not None:
            raw[source.id] = records_item(con, ctx, source, scheme.subject.people is not None)
        elif source.from_measure is not None:
            raw[source.id] = measure_item(con, ctx, source, scheme.subject.people is not None)
        elif source.from_scheme is not None:
            raw[source.id], unjudged = member_item(
                con, source.from_scheme, *(done or {})[source.from_scheme.scheme]
            )
            insufficient |= unjudged
        else:
            raw[source.id] = _assessor_item(con, source)
    vetoed_by_rule = {
        (v.rule, v.sub_units): _failing_subjects(con, rule_index[v.rule], v.sub_units)
        for v in scheme.vetoes
        if v.rule
    }
    # What a source gives a subject it has no value for: built once, not once per subject
    # (its words are models, and most subjects of a sparse item have none).
    missing = {s.id: _nothing(s) for item in scheme.items for s in item.sources}
    out = []
    for key, (bstart, bend, role, scope, names) in sorted(subjects.items()):
        items = [_item_score(item, raw, key, missing) for item in scheme.items]
        total = clamp(
            round(scheme.base_score + sum(i.points for i in items), 6), scheme.floor, scheme.cap
        )
        vetoes: list[tuple[VetoResult, str]] = []
        by_id = {i.item: i for i in items}
        for v in scheme.vetoes:
            failing = vetoed_by_rule[(v.rule, v.sub_units)] if v.rule is not None else {}
            if key in failing:
                below = [u for u in failing[key] if u != key[1]]
                at = "@" + ",".join(below) if v.sub_units and below else ""
                vetoes.append((v.result, f"rule:{v.rule}{at}"))
            if v.item is not None:
                spec = next(i for i in scheme.items if i.id == v.item)
                scored = by_id[v.item]
                if v.deductions_reach is not None:
                    if scored.deducted >= v.deductions_reach:
                        vetoes.append((v.result, f"item:{v.item}"))
                elif exhausted(spec, scored.points):
                    vetoes.append((v.result, f"item:{v.item}"))
        passed, failed = counts.get(key, (0, 0))
        measures = {
            **dict.fromkeys((t.value for t in tie_breakers), 0.0),  # a subject with no units
            TieBreaker.fewer_failed_findings.value: float(failed),
            TieBreaker.more_passed_findings.value: float(passed),
            **activity.get(key, {}),
        }
        status = "scored"
        results = {r for r, _ in vetoes}
        if VetoResult.vetoed in results:
            status = VetoResult.vetoed.value
        elif VetoResult.unqualified in results:
            status = VetoResult.unqualified.value
        elif key in insufficient or any(i.status == INSUFFICIENT for i in items):
            # a veto decides whatever the unknown item would give; nothing else can be judged
            status = INSUFFICIENT
        out.append(
            Scored(
                key[0],
                key[1],
                key[2],
                bstart,
                bend,
                role,
                scope,
                total,
                status,
                failed,
                tuple(items),
                tuple(v for _, v in vetoes),
                {t.value: measures.get(t.value, 0.0) for t in tie_breakers},
                VetoResult.withhold_top_grade in results,
                names,
            )
        )
    return out


def _item_score(
    item: Item,
    raw: dict[str, Raw],
    key: Key,
    missing: Mapping[str, tuple[float | None, Text, tuple[str, ...]]],
) -> ItemScore:
    """The item's score for ``key``; ``missing`` holds each source's value when it has none."""

    def scored(source: Item | Line) -> ItemScore:
        value, text, evidence = raw[source.id].get(key, missing[source.id])
        if value is None:
            return ItemScore(source.id, 0.0, 0.0, text, evidence, status=INSUFFICIENT)
        points = item_points(source, value)
        return ItemScore(source.id, points, value, text, evidence, max(0.0, -round(value, 6)))

    if item.lines is None:
        return scored(item)
    return group_score(item, [scored(line) for line in item.lines])


def _subjects(
    con: duckdb.DuckDBPyConnection, ctx: PlanContext, scheme: Scheme
) -> dict[Key, tuple[dt.date, dt.date, str | None, str | None, Names]]:
    scope = scheme.ranking.scope if scheme.ranking else "all"
    scope_sql = "'all'" if scope == "all" else f"su.{scope}"
    roles = scheme.subject.people.roles if scheme.subject.people else []
    role_sql = "NULL"
    if roles:
        in_roles = ", ".join(sql_literal(r.value) for r in roles)
        role_sql = (
            "(SELECT min(a.role) FROM assignments a WHERE a.person = s.subject_id "
            f"AND a.role IN ({in_roles}) AND a.start <= s.bend "
            "AND coalesce(a.\"end\", DATE '9999-12-31') >= s.bstart)"
        )
    # a person's unit (and so station) is the first of their units, as for the scope
    rows = con.execute(
        f"""SELECT s.subject_type, s.subject_id, s.bucket, s.bstart, s.bend, {role_sql},
                   CAST({scope_sql} AS VARCHAR),
                   coalesce(CASE WHEN s.subject_type = 'person'
                                 THEN (SELECT p.name FROM people p WHERE p.id = s.subject_id)
                                 ELSE (SELECT u.name FROM units u WHERE u.id = s.subject_id)
                            END, ''),
                   st.id, coalesce(st.name, ''), coalesce(sc.name, '')
            FROM {ctx.subjects(scheme.period, scheme.subject)} s
            LEFT JOIN units su ON su.id = list_min(s.units)
            LEFT JOIN units st ON st.id = CASE WHEN su.type = 'station' THEN su.id
                                               ELSE su.station END
            LEFT JOIN units sc ON sc.id = CAST({scope_sql} AS VARCHAR)"""
    ).fetchall()
    return {
        (r[0], r[1], r[2]): (r[3], r[4], r[5], r[6], Names(r[7], r[8], r[9], r[10])) for r in rows
    }


def _failing_subjects(
    con: duckdb.DuckDBPyConnection, index: int, sub_units: bool
) -> dict[Key, tuple[str, ...]]:
    """Subject-periods the rule failed for, with the units it failed for (sorted).

    With ``sub_units``, a unit subject also fails by the units below it: those whose parent,
    station, office or street it is, and those below them by parent.
    """
    via_tree = ""
    if sub_units:
        via_tree = f"""UNION
            SELECT s.subject_type, s.subject_id, s.bucket, f.subject_id
            FROM _as_subjects s JOIN tree ON tree.top = s.subject_id
            JOIN _findings f
              ON f.rule_index = {index} AND f.subject_type = 'unit' AND f.subject_id = tree.id
             AND f.bucket_end BETWEEN s.bstart AND s.bend
            WHERE s.subject_type = 'unit' AND f.status = 'fail'"""
    rows = con.execute(
        f"""WITH RECURSIVE tree(top, id) AS (
                SELECT t.subject_id, u.id
                FROM (SELECT DISTINCT subject_id FROM _as_subjects WHERE subject_type = 'unit') t
                JOIN units u ON t.subject_id IN (u.parent, u.station, u.office, u.street)
                UNION
                SELECT tree.top, u.id FROM tree JOIN units u ON u.parent = tree.id)
            SELECT subject_type, subject_id, bucket, list(DISTINCT unit ORDER BY unit) FROM (
                SELECT s.subject_type, s.subject_id, s.bucket, f.subject_id AS unit
                FROM _as_subjects s JOIN _findings f
                  ON f.rule_index = {index} AND f.subject_type = s.subject_type
                 AND f.subject_id = s.subject_id
                 AND f.bucket_end BETWEEN s.bstart AND s.bend
                WHERE f.status = 'fail'
                {via_tree})
            GROUP BY ALL"""
    ).fetchall()
    return {(r[0], r[1], r[2]): tuple(r[3]) for r in rows}


def _rule_item(
    con: duckdb.DuckDBPyConnection, item: Item | Line, index: int
) -> dict[Key, tuple[float, Text, tuple[str, ...]]]:
    src = item.from_rule
    assert src is not None
    rows = con.execute(
        f"""SELECT s.subject_type, s.subject_id, s.bucket,
                   count(*) FILTER (WHERE f.status = 'pass'),
                   count(*) FILTER (WHERE f.status = 'fail'),
                   list(f.bucket || ':' || f.status ORDER BY f.bucket_start)
            FROM _as_subjects s JOIN _findings f
              ON f.rule_index = {index} AND f.subject_type = s.subject_type
             AND f.subject_id = s.subject_id
             AND f.bucket_end BETWEEN s.bstart AND s.bend
            GROUP BY ALL"""
    ).fetchall()
    out = {}
    for st, sid, bucket, passes, fails, ev in rows:
        evidence = tuple(f"{src.rule}@{e}" for e in ev)
        value = rule_raw(src, item.max_points, passes, fails)
        if src.proportional:
            n = passes + fails
            text = Text(
                zh=f"规则 {src.rule}:合格 {passes}/{n},按比例得 {fmt(value)} 分",
                en=f"rule {src.rule}: {passes} of {n} passed, {fmt(value)} points pro rata",
            )
        else:
            text = Text(
                zh=f"规则 {src.rule}:合格 {passes} 次 × {fmt(src.per_pass)} 分,"
                f"不合格 {fails} 次 × {fmt(src.per_fail)} 分,计 {fmt(value)} 分",
                en=f"rule {src.rule}: {passes} passed × {fmt(src.per_pass)} − {fails} failed × "
                f"{fmt(src.per_fail)} = {fmt(value)} points",
            )
        out[(st, sid, bucket)] = (value, text, evidence)
    return out


def _metric_item(
    con: duckdb.DuckDBPyConnection, ctx: PlanContext, item: Item | Line, person_subject: bool
) -> dict[Key, tuple[float, Text, tuple[str, ...]]]:
    src = item.from_metric
    assert src is not None
    kinds = ", ".join(sql_literal(k.value) for k in src.activities)
    su = """(SELECT subject_type, subject_id, bucket, bstart, bend, unnest(units) AS unit
             FROM _as_subjects)"""
    if src.measure == "hours":
        # Time is counted in one place: split by day, overlaps merged (engine/intervals.py).
        ids = f"list({ctx.ids('t')}) FILTER (WHERE t.person IS NOT NULL)"
        rows = con.execute(
            f"""WITH su AS {su},
                t AS ({ctx.daily_time("su", person_subject, f"d.kind IN ({kinds})")})
                SELECT su.subject_type, su.subject_id, su.bucket, coalesce(sum(t.us), 0) / 3.6e9,
                       list_distinct(flatten({ids}))
                FROM (SELECT DISTINCT subject_type, subject_id, bucket FROM su) su
                LEFT JOIN t USING (subject_type, subject_id, bucket)
                GROUP BY ALL"""
        ).fetchall()
    else:
        col = {
            "count": "d.n",
            "households": "d.households",
            "services": "d.services",
            "quantity": "d.quantity",
        }[src.measure]
        rows = con.execute(
            f"""WITH su AS {su}
                SELECT su.subject_type, su.subject_id, su.bucket, coalesce(sum({col}), 0),
                       flatten(list({ctx.ids("d")}) FILTER (WHERE d.person IS NOT NULL))
                FROM su LEFT JOIN {ctx.activity_daily} d
                  ON d.unit = su.unit AND d.kind IN ({kinds})
                 AND d.day BETWEEN su.bstart AND su.bend
                 AND (su.subject_type = 'unit' OR d.person = su.subject_id)
                GROUP BY ALL"""
        ).fetchall()
    out = {}
    for st, sid, bucket, measure, ids in rows:
        m = float(measure)
        value = src.per_unit * m
        zh = f"{src.measure} 计 {fmt(m)}"
        en = f"{src.measure} {fmt(m)}"
        if src.per_unit:
            zh += f" × {fmt(src.per_unit)} 分"
            en += f" × {fmt(src.per_unit)} points"
        if src.target is not None and src.per_unit_short:
            short = max(0.0, src.target - m)
            value -= src.per_unit_short * short
            zh += f";距目标 {fmt(src.target)} 差 {fmt(short)} × {fmt(src.per_unit_short)} 分"
            en += f"; {fmt(short)} short of {fmt(src.target)} × {fmt(src.per_unit_short)} points"
        out[(st, sid, bucket)] = (
            value,
            Text(zh=f"{zh},计 {fmt(value)} 分", en=f"{en} = {fmt(value)} points"),
            tuple(sorted(ids or ())),
        )
    return out


def _assessor_item(
    con: duckdb.DuckDBPyConnection, item: Item | Line
) -> dict[Key, tuple[float | None, Text, tuple[str, ...]]]:
    src = item.from_assessors
    assert src is not None
    rows = con.execute(
        f"""SELECT s.subject_type, s.subject_id, s.bucket, a.assessor, avg(a.score),
                   list(a.id ORDER BY a.id)
            FROM _as_subjects s JOIN assessor_scores a
              ON a.item = {sql_literal(item.id)} AND a.date BETWEEN s.bstart AND s.bend
             AND ((s.subject_type = 'person' AND a.person = s.subject_id)
               OR (s.subject_type = 'unit' AND a.unit = s.subject_id AND a.person IS NULL))
            GROUP BY ALL"""
    ).fetchall()
    by_key: dict[Key, dict[str, tuple[float, list[str]]]] = defaultdict(dict)
    for st, sid, bucket, assessor, score, ids in rows:
        by_key[(st, sid, bucket)][assessor] = (float(score), list(ids))
    out: dict[Key, tuple[float | None, Text, tuple[str, ...]]] = {}
    for key, scores in by_key.items():
        present = {a: w for a, w in src.weights.items() if a in scores}
        if not present:
            continue
        total_w = sum(present.values())
        value = sum(scores[a][0] * w / total_w for a, w in present.items())
        parts_zh = [f"{a} {fmt(scores[a][0])}×{fmt(w / total_w)}" for a, w in present.items()]
        missing = sorted(set(src.weights) - set(present))
        zh = "加权:" + " + ".join(parts_zh) + f" = {fmt(value)} 分"
        en = "weighted: " + " + ".join(parts_zh) + f" = {fmt(value)} points"
        evidence = tuple(sorted(i for a in present for i in scores[a][1]))
        if missing and src.missing == "insufficient":
            zh = f"缺 {', '.join(missing)} 评分,综合评分需各方评分,数据不足"
            en = f"no score from {', '.join(missing)}: the composite needs every assessor"
            out[key] = (None, Text(zh=zh, en=en), evidence)
            continue
        if missing:
            zh += f"(缺 {', '.join(missing)} 评分,权重按比例重算)"
            en += f" (no score from {', '.join(missing)}; weights rescaled)"
        out[key] = (value, Text(zh=zh, en=en), evidence)
    return out


def _nothing(item: Item | Line) -> tuple[float | None, Text, tuple[str, ...]]:
    if item.from_measure is not None:
        return None, INSUFFICIENT_WORDS, ()  # the measure plan holds every subject-period
    if item.from_assessors is not None:
        if item.from_assessors.missing == "insufficient":
            words = Text(zh="无考核评分,数据不足", en="no assessor scored this item")
            return None, words, ()
        return 0.0, Text(zh="无考核评分,计 0 分", en="no assessor scored this item: 0 points"), ()
    if item.from_rule is not None:
        rule = item.from_rule.rule
        return (
            0.0,
            Text(
                zh=f"规则 {rule} 在本期无结果,计 0 分",
                en=f"rule {rule} has no finding in this period: 0 points",
            ),
            (),
        )
    return 0.0, Text(zh="无记录,计 0 分", en="no records: 0 points"), ()
