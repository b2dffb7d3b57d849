"""Small SQL helpers shared by the built-in rule kinds."""

from __future__ import annotations

from collections.abc import Mapping

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import Employment, Role
from gridpolicing.policy.models import Subject
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.report.messages import STATUS_WORDS, fmt

__all__ = [
    "OPEN_END",
    "compare_status",
    "held_on",
    "require_units",
    "snapshot_sql",
    "subject_words",
    "verdict",
]


def compare_status(measured: str, required: str, op: str = ">=", applicable: str = "TRUE") -> str:
    """SQL CASE giving the status of ``measured op required``.

    NULL ``required`` (a dated value not in force) gives ``not_applicable``; NULL ``measured``
    gives ``insufficient_data``; ``applicable`` false gives ``not_applicable``.
    """
    return (
        f"CASE WHEN NOT ({applicable}) OR ({required}) IS NULL THEN 'not_applicable' "
        f"WHEN ({measured}) IS NULL THEN 'insufficient_data' "
        f"WHEN ({measured}) {op} ({required}) THEN 'pass' ELSE 'fail' END"
    )


def subject_words(finding: Finding) -> Text:
    """``社区民警 p1`` style naming of the finding's subject."""
    if finding.subject_type == "person":
        return Text(zh=f"人员 {finding.subject_id}", en=f"person {finding.subject_id}")
    return Text(zh=f"单位 {finding.subject_id}", en=f"unit {finding.subject_id}")


def verdict(finding: Finding, zh: str, en: str) -> Text:
    """Prefix a sentence with the subject, bucket and status: ``[fail] person p1, 2022-W05: ...``.

    ``zh`` and ``en`` may use ``{measured}``, ``{required}`` and ``{detail}``.
    """
    who = subject_words(finding)
    words = STATUS_WORDS[finding.status.value]
    values = {
        "measured": fmt(finding.measured),
        "required": fmt(finding.required),
        "detail": finding.detail or "",
    }
    return Text(
        zh=f"[{words.zh}] {who.zh},{finding.bucket}:{zh.format(**values)}",
        en=f"[{words.en}] {who.en}, {finding.bucket}: {en.format(**values)}",
    )


def held_on(alias: str, day: str) -> str:
    """SQL condition: the assignment ``alias`` is held on the day ``day`` (an open end: still)."""
    return f'{alias}.start <= {day} AND coalesce({alias}."end", {OPEN_END}) >= {day}'


OPEN_END = "DATE '9999-12-31'"


def require_units(subject: Subject, kind: str) -> None:
    """Staffing-type kinds count people *per unit*: a people subject is an authoring error."""
    if subject.units is None:
        raise ValueError(f"a {kind} rule needs a units subject (subject: {{units: ...}})")


def snapshot_sql(
    ctx: PlanContext,
    subjects: str,
    roles: list[Role],
    employment: Employment | None,
    include_child_units: bool = False,
    employment_by_role: Mapping[Role, Employment] | None = None,
) -> str:
    """Assignments held on each subject unit on its bucket's last day.

    ``subjects`` names a relation with ``subject_id, bucket, bend``. The result has
    ``subject_id, bucket, person, id, unit, posts``. With ``include_child_units`` an assignment
    to a unit whose ``parent``, ``office``, ``station`` or ``street`` is the subject counts too
    (one level: a grid counts for its office only when the grid names that office); the scope
    is built as an equi-join table so the large ``assignments`` table is never joined on an OR.
    """
    conds = [f"a.role IN ({', '.join(ctx.lit(r.value) for r in roles)})"]
    if employment is not None:
        conds.append(f"a.employment = {ctx.lit(employment.value)}")
    for role, needed in (employment_by_role or {}).items():
        conds.append(f"(a.role <> {ctx.lit(role.value)} OR a.employment = {ctx.lit(needed.value)})")
    scope = "SELECT id AS subject, id AS unit FROM units"
    if include_child_units:
        for column in ("parent", "office", "station", "street"):
            scope += f" UNION SELECT {column}, id FROM units WHERE {column} IS NOT NULL"
    return f"""(
        SELECT s.subject_id, s.bucket, a.person, a.id, a.unit, a.posts
        FROM {subjects} s
        JOIN ({scope}) sc ON sc.subject = s.subject_id
        JOIN assignments a ON a.unit = sc.unit
        WHERE {held_on("a", "s.bend")}
          AND {" AND ".join(conds)})"""
