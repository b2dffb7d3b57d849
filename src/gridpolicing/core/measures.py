"""Measures and comparisons of the core: what a ``measure`` rule counts, and how it is judged.

A measure is one number per subject and bucket, computed by one SQL relation
``subject_type, subject_id, bucket, value, ids`` over the rule's subjects (``s``, from
:meth:`PlanContext.subjects`). What a unit reaches is said once, by ``within``:

* ``self``: the unit itself;
* ``children``: the units naming it as their ``parent``, ``office``, ``station`` or ``street``;
* ``descendants``: those, their children, and so on (the villages of a station through its
  offices);
* ``self_and_descendants``: the unit itself and its descendants (a station's whole strength:
  the officers assigned to the station and to its offices).

Counts of people read the assignments **held on the bucket's last day** (a snapshot, as
staffing does) or the people whose ``home_unit`` is reached; counts and sums of records read
the records dated inside the bucket; time reads the engine's one time table (split by day,
overlaps merged, engine/intervals.py). A measure that cannot be computed (an attribute not
recorded, a ratio over nothing) is NULL, and a NULL is never a pass: it is reported as
``insufficient_data``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# engine.context states which units a selector selects; it imports (through the assessment)
# this module, so it is read by attribute at planning time, not imported by name.
import gridpolicing.engine.context as _selection
from gridpolicing.core.expressions import check
from gridpolicing.core.measure_spec import (
    SURVEY_FIELDS,
    About,
    Between,
    Bound,
    CountOf,
    Measure,
    PeopleFilter,
    PerClass,
    Threshold,
    Within,
)
from gridpolicing.core.records import RecordsFilter, records_sql
from gridpolicing.core.scope import ValueType, table_scope
from gridpolicing.model.vocabulary import (
    ActivityKind,
)

if TYPE_CHECKING:
    from gridpolicing.engine.context import PlanContext

__all__ = [
    "About",
    "Between",
    "Bound",
    "CountOf",
    "Measure",
    "PeopleFilter",
    "PerClass",
    "RecordsFilter",
    "Threshold",
    "measure_sql",
    "reach_sql",
]

# ---------------------------------------------------------------------------------- SQL


def reach_sql(within: Within) -> str:
    """Relation ``subject, unit``: the units each unit ``subject`` reaches."""
    links = " UNION ".join(
        f"SELECT {c} AS subject, id AS unit FROM units WHERE {c} IS NOT NULL"
        for c in ("parent", "office", "station", "street")
    )
    if within == "self":
        return "(SELECT id AS subject, id AS unit FROM units)"
    if within == "children":
        return f"(SELECT * FROM ({links}) l WHERE subject <> unit)"
    own = " UNION SELECT id, id FROM units" if within == "self_and_descendants" else ""
    return f"""(WITH RECURSIVE link AS ({links}),
                tree(subject, unit) AS (
                  SELECT subject, unit FROM link WHERE subject <> unit
                  UNION
                  SELECT t.subject, l.unit FROM tree t JOIN link l ON l.subject = t.unit
                  WHERE l.unit <> t.subject)
                SELECT * FROM tree{own})"""


def measure_sql(m: Measure, ctx: PlanContext, s: str, person: bool) -> str:
    """The relation ``subject_type, subject_id, bucket, value, ids`` of ``m`` over the subject
    rows ``s`` (every row of ``s`` once; a count with nothing counted is 0)."""
    key = "s.subject_type, s.subject_id, s.bucket"
    if m.ratio is not None or m.share is not None:
        of, per = (m.ratio.of, m.ratio.per) if m.ratio is not None else _share(m)
        a, b = measure_sql(of, ctx, s, person), measure_sql(per, ctx, s, person)
        return f"""(SELECT a.subject_type, a.subject_id, a.bucket,
                           CAST(a.value AS DOUBLE) / nullif(b.value, 0) AS value,
                           list_distinct(list_concat(a.ids, b.ids)) AS ids
                    FROM {a} a JOIN {b} b USING (subject_type, subject_id, bucket))"""
    if m.attribute is not None:
        table = "people" if person else "units"
        scope = table_scope(table, ctx.vocabulary)  # the attributes the policy declares
        expr = check(m.attribute, scope, want=ValueType.number)
        return f"""(SELECT {key}, CAST({expr.sql("x")} AS DOUBLE) AS value,
                           []::VARCHAR[] AS ids
                    FROM {s} s LEFT JOIN {table} x ON x.id = s.subject_id)"""
    inner = _inner(m, ctx, s, person)
    # Nothing reached counts 0; something reached whose value is unknown stays NULL. Attendance
    # off the roster cannot be judged: NULL (records_sql gives every rostered subject a row).
    records = m.count.records if m.count is not None else None
    nothing = "NULL" if records is not None and records.table == "attendance" else "0"
    return f"""(SELECT {key},
                       CAST(CASE WHEN i.subject_id IS NULL THEN {nothing} ELSE i.value END
                           AS DOUBLE)
                           AS value,
                       coalesce(i.ids, []::VARCHAR[]) AS ids
                FROM {s} s LEFT JOIN {inner} i USING (subject_type, subject_id, bucket))"""


def _share(m: Measure) -> tuple[Measure, Measure]:
    assert m.share is not None
    return m.share.of, m.share.in_


def _su(s: str, person: bool, m: Measure) -> str:
    """Rows ``subject_type, subject_id, bucket, bstart, bend, unit``: the units counted."""
    if person:
        return f"(SELECT s.*, unnest(s.units) AS unit FROM {s} s)"
    only = ""
    if m.in_units is not None:
        only = (
            f"JOIN units ru ON ru.id = r.unit AND {_selection.selector_condition(m.in_units, 'ru')}"
        )
    return f"""(SELECT s.*, r.unit FROM {s} s JOIN {reach_sql(m.reach)} r
                  ON r.subject = s.subject_id {only})"""


def _inner(m: Measure, ctx: PlanContext, s: str, person: bool) -> str:
    su = _su(s, person, m)
    key = "su.subject_type, su.subject_id, su.bucket"
    if m.count is not None and m.count.people is not None:
        return _people(m.count.people, ctx, su, key)
    if m.count is not None and m.count.units is not None:
        return f"""(SELECT {key}, count(DISTINCT u.id) AS value, list(DISTINCT u.id) AS ids
                    FROM {su} su JOIN units u ON u.id = su.unit
                    WHERE {_selection.selector_condition(m.count.units, "u")} GROUP BY ALL)"""
    if m.sum is not None and m.sum.units is not None:
        f = m.sum.field
        return f"""(SELECT {key},
                           CASE WHEN bool_or(u.{f} IS NULL) THEN NULL ELSE sum(u.{f}) END
                               AS value,
                           list(DISTINCT u.id) AS ids
                    FROM {su} su JOIN units u ON u.id = su.unit
                    WHERE {_selection.selector_condition(m.sum.units, "u")} GROUP BY ALL)"""
    if m.count is not None and m.count.records is not None:
        return records_sql(m.count.records, ctx, su, key, person)
    if m.sum is not None and m.sum.field in SURVEY_FIELDS:
        # each survey once, however many ways the subject reaches its unit
        return f"""(SELECT subject_type, subject_id, bucket, sum(v) AS value, list(id) AS ids
                    FROM (SELECT DISTINCT {key}, r.id, r.{m.sum.field} AS v
                          FROM {su} su JOIN surveys r
                            ON r.unit = su.unit AND r.date BETWEEN su.bstart AND su.bend)
                    GROUP BY ALL)"""
    if m.sum is not None:
        kinds = _kinds_in("d.kind", m.sum.activities, ctx)
        col = {
            "households_visited": "d.households",
            "services_done": "d.services",
            "quantity": "d.quantity",
        }.get(m.sum.field)
        if col is not None:
            who = "AND d.person = su.subject_id" if person else ""
            return f"""(SELECT {key}, sum({col}) AS value,
                               flatten(list({ctx.ids("d")})) AS ids
                        FROM {su} su JOIN {ctx.activity_daily} d
                          ON d.unit = su.unit AND d.day BETWEEN su.bstart AND su.bend {who}
                        WHERE {kinds} GROUP BY ALL)"""
        kinds = _kinds_in("r.kind", m.sum.activities, ctx)
        who = "AND r.person = su.subject_id" if person else ""
        return f"""(SELECT {key}, sum(r.{m.sum.field}) AS value, list(r.id) AS ids
                    FROM {su} su JOIN activities r
                      ON r.unit = su.unit AND CAST(r.start AS DATE) BETWEEN su.bstart AND su.bend
                      {who}
                    WHERE {kinds} GROUP BY ALL)"""
    spec = m.hours or m.days or m.working_days
    assert spec is not None
    kinds = _kinds_in("d.kind", spec.activities, ctx)
    t = ctx.daily_time("su_t", person, kinds)
    if m.hours is not None:
        value, cal = "sum(t.us) / 3.6e9", ""
    elif m.days is not None:
        value, cal = "count(DISTINCT t.day)", ""
    else:
        value = "count(DISTINCT t.day) FILTER (WHERE c.workday)"
        cal = f"JOIN {ctx.calendar} c ON c.day = t.day"
    return f"""(WITH su_t AS (SELECT subject_type, subject_id, bucket, bstart, bend, unit
                              FROM {su} x)
                SELECT t.subject_type, t.subject_id, t.bucket, {value} AS value,
                       list_distinct(flatten(list({ctx.ids("t")}))) AS ids
                FROM {t} t {cal} GROUP BY ALL)"""


def _kinds_in(column: str, kinds: list[ActivityKind] | None, ctx: PlanContext) -> str:
    if not kinds:
        return "TRUE"
    return f"{column} IN ({', '.join(ctx.lit(k.value) for k in kinds)})"


def _people(p: PeopleFilter, ctx: PlanContext, su: str, key: str) -> str:
    roles: list[str] | None = None
    if p.roles is not None:
        roles = [r.value for r in p.roles]
    if p.role_class is not None:
        in_class = ctx.roles_of_class(p.role_class.value)
        roles = [r for r in roles if r in in_class] if roles is not None else in_class
    conds = ["TRUE"]
    filtered = roles is not None or p.employment is not None
    if roles is not None:
        conds.append(f"a.role IN ({', '.join(ctx.lit(r) for r in roles) or 'NULL'})")
    if p.employment is not None:
        conds.append(f"a.employment = {ctx.lit(p.employment.value)}")
    held = "a.start <= su.bend AND coalesce(a.\"end\", DATE '9999-12-31') >= su.bend"
    where = " AND ".join(conds)
    if p.via == "assignment":
        return f"""(SELECT {key}, count(DISTINCT a.person) AS value, list(DISTINCT a.id) AS ids
                    FROM {su} su JOIN assignments a ON a.unit = su.unit AND {held}
                    WHERE {where} GROUP BY ALL)"""
    holds = (
        f"EXISTS (SELECT 1 FROM assignments a WHERE a.person = p.id AND {held} AND {where})"
        if filtered
        else "TRUE"
    )
    return f"""(SELECT {key}, count(DISTINCT p.id) AS value, list(DISTINCT p.id) AS ids
                FROM {su} su JOIN people p ON p.home_unit = su.unit
                WHERE {holds}
                GROUP BY ALL)"""
