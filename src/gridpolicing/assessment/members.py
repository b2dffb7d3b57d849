"""A unit's item scored from its members' results in another scheme (a person's fed into a unit's).

``from_scheme: {scheme: officer-monthly, combine: mean, members: people}`` gives a unit the
mean (sum, minimum, maximum) of the totals its members scored in ``officer-monthly`` in the same
period, times ``weight``. Members are the people of the member scheme assigned, during the
period, to the unit or a unit below it (``members: people``), or the units below it that the
member scheme scores (``members: sub_units``); below means as a ``sub_units`` veto reads it: the
units whose ``parent``, ``station``, ``office`` or ``street`` it is, and those below them by
``parent``.

A vetoed or unqualified member counts as 0 (``vetoed_as: zero``, the default: a member's
veto is not outweighed by its points) or with its total (``vetoed_as: total``), and is named in
the explanation either way. A member whose own result is ``insufficient_data`` is left out and
named. A unit with no member to combine has nothing to be scored on: its result is
``insufficient_data``, never 0-and-pass and never a full score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from gridpolicing.assessment.result import INSUFFICIENT
from gridpolicing.engine.rows import insert_rows
from gridpolicing.policy.models import IDENT
from gridpolicing.policy.values import PolicyModel, Text
from gridpolicing.report.messages import fmt

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.assessment.models import Scheme
    from gridpolicing.assessment.result import SubjectScore

__all__ = [
    "INSUFFICIENT",
    "SchemeSource",
    "combine_totals",
    "member_item",
    "member_problems",
    "scheme_order",
]

"""The status of a subject-period that cannot be judged (a unit with no member to combine)."""

Key = tuple[str, str, str]  # subject_type, subject_id, bucket
Raw = tuple[float, Text, tuple[str, ...]]

_VETOED = ("vetoed", "unqualified")


class SchemeSource(PolicyModel):
    """Points from the members' totals in another scheme of the policy, in the same period."""

    scheme: str = Field(
        pattern=IDENT,
        description="成员所属方案的 id(同一周期)。 The id of the members' scheme (same period).",
        examples=["officers"],
    )
    members: Literal["people", "sub_units"] = Field(
        default="people",
        description="people:任职于本单位及其下级的人员;sub_units:下级单位。 people: those "
        "assigned to the unit or below it; sub_units: the units below it.",
        examples=["sub_units"],
    )
    combine: Literal["mean", "sum", "min", "max"] = Field(
        default="mean",
        description="成员总分如何合并:mean 平均、sum 求和、min 最低、max 最高。 How the members' "
        "totals combine: mean, sum, min or max.",
        examples=["mean"],
    )
    weight: float = Field(
        default=1,
        gt=0,
        description="合并总分每一分折合的得分。 Points per point of the combined total.",
        examples=[0.3],
    )
    vetoed_as: Literal["zero", "total"] = Field(
        default="zero",
        description="被否决或不合格的成员计为 0 分(zero)或按其总分(total)。 A vetoed or "
        "unqualified member counts as 0, or its total.",
        examples=["total"],
    )


def combine_totals(how: str, values: Sequence[float]) -> float:
    """``values`` (at least one) combined: their mean, sum, minimum or maximum."""
    if how == "sum":
        value = sum(values)
    elif how == "min":
        value = min(values)
    elif how == "max":
        value = max(values)
    else:
        value = sum(values) / len(values)
    return round(value, 6)  # equal scores compare equal whatever the order of the members


def member_item(
    con: duckdb.DuckDBPyConnection,
    src: SchemeSource,
    member_scheme: Scheme,
    results: Iterable[SubjectScore],
) -> tuple[dict[Key, Raw], set[Key]]:
    """Each unit-period's raw points from its members, and the unit-periods with none.

    Reads the unit subjects of the scheme being scored from ``_as_subjects``.
    """
    rows = [(r.subject_id, r.bucket, r.total, r.status) for r in results]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _as_members "
        "(subject_id VARCHAR, bucket VARCHAR, total DOUBLE, status VARCHAR)"
    )
    insert_rows(con, "_as_members", ("VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR"), rows)
    params: list[object] = []
    if src.members == "people":
        people = member_scheme.subject.people
        params.append([r.value for r in (people.roles if people else [])])
        join = """JOIN assignments a ON a.unit = r.id AND list_contains(?, a.role)
                     AND a.start <= s.bend AND coalesce(a."end", DATE '9999-12-31') >= s.bstart
                   JOIN _as_members m ON m.subject_id = a.person AND m.bucket = s.bucket"""
        reach = "SELECT subject_id, subject_id FROM tops UNION SELECT top, id FROM tree"
    else:
        join = "JOIN _as_members m ON m.subject_id = r.id AND m.bucket = s.bucket"
        reach = "SELECT top, id FROM tree"
    found = con.execute(
        f"""WITH RECURSIVE
              tops AS (SELECT DISTINCT subject_id FROM _as_subjects WHERE subject_type = 'unit'),
              tree(top, id) AS (
                SELECT t.subject_id, u.id FROM tops t
                JOIN units u ON t.subject_id IN (u.parent, u.station, u.office, u.street)
                UNION
                SELECT tree.top, u.id FROM tree JOIN units u ON u.parent = tree.id),
              r(top, id) AS ({reach})
            SELECT DISTINCT s.subject_id, s.bucket, m.subject_id, m.total, m.status
            FROM _as_subjects s JOIN r ON r.top = s.subject_id {join}
            WHERE s.subject_type = 'unit'""",
        params,
    ).fetchall()
    members: dict[Key, list[tuple[str, float, str]]] = defaultdict(list)
    for unit, bucket, member, total, status in found:
        members[("unit", unit, bucket)].append((member, float(total), status))
    keys = con.execute(
        "SELECT subject_type, subject_id, bucket FROM _as_subjects WHERE subject_type = 'unit'"
    ).fetchall()
    out: dict[Key, Raw] = {}
    insufficient: set[Key] = set()
    for st, sid, bucket in keys:
        key = (st, sid, bucket)
        raw = _unit_raw(src, sorted(members.get(key, [])))
        if raw is None:
            insufficient.add(key)
            out[key] = (0.0, _nobody(src), ())
        else:
            out[key] = raw
    return out, insufficient


def _unit_raw(src: SchemeSource, members: list[tuple[str, float, str]]) -> Raw | None:
    counted = [
        (m, 0.0 if s in _VETOED and src.vetoed_as == "zero" else t)
        for m, t, s in members
        if s != INSUFFICIENT
    ]
    if not counted:
        return None
    combined = combine_totals(src.combine, [t for _, t in counted])
    value = round(combined * src.weight, 6)
    vetoed = [m for m, _, s in members if s in _VETOED]
    unjudged = [m for m, _, s in members if s == INSUFFICIENT]
    how_zh = {"mean": "平均", "sum": "合计", "min": "最低", "max": "最高"}[src.combine]
    how_en = {"mean": "mean", "sum": "sum", "min": "minimum", "max": "maximum"}[src.combine]
    zh = f"{src.scheme}:{len(counted)} 名成员总分{how_zh} {fmt(combined)}"
    en = f"{src.scheme}: {how_en} of {len(counted)} members' totals {fmt(combined)}"
    if src.weight != 1:
        zh += f" × {fmt(src.weight)}"
        en += f" × {fmt(src.weight)}"
    if vetoed:
        as_zh = "按 0 分计" if src.vetoed_as == "zero" else "按其得分计"
        as_en = "counted as 0" if src.vetoed_as == "zero" else "counted with their totals"
        zh += f";被否决 {', '.join(vetoed)} {as_zh}"
        en += f"; vetoed {', '.join(vetoed)} {as_en}"
    if unjudged:
        zh += f";数据不足未计 {', '.join(unjudged)}"
        en += f"; left out for insufficient data: {', '.join(unjudged)}"
    evidence = tuple(f"{src.scheme}:{m}={fmt(t)}" for m, t in counted)
    return value, Text(zh=f"{zh},计 {fmt(value)} 分", en=f"{en}: {fmt(value)} points"), evidence


def _nobody(src: SchemeSource) -> Text:
    return Text(
        zh=f"{src.scheme}:本期无可计成员,数据不足",
        en=f"{src.scheme}: no member to combine in this period: insufficient data",
    )


def _sources(scheme: Scheme) -> list[SchemeSource]:
    return [s.from_scheme for i in scheme.items for s in i.sources if s.from_scheme is not None]


def member_problems(schemes: Sequence[Scheme]) -> list[str]:
    """What makes the schemes' ``from_scheme`` items impossible: unknown schemes, mismatched
    subjects or periods, and cycles (which scheme would be scored first?)."""
    by_id = {s.id: s for s in schemes}
    problems = []
    for scheme in schemes:
        for src in _sources(scheme):
            member = by_id.get(src.scheme)
            where = f"scheme {scheme.id!r}: from_scheme {src.scheme!r}"
            if member is None:
                problems.append(f"{where} is no scheme of this policy")
                continue
            if scheme.subject.units is None:
                problems.append(f"{where}: a score from members needs a scheme of units")
            wanted = "people" if src.members == "people" else "units"
            if getattr(member.subject, wanted) is None:
                problems.append(f"{where}: members {src.members} need a scheme of {wanted}")
            if member.period != scheme.period:
                problems.append(
                    f"{where}: its period must be this scheme's (members are combined period "
                    "by period)"
                )
    if not problems:
        cycle = _cycle(schemes)
        if cycle:
            problems.append(f"schemes score from each other in a cycle: {' -> '.join(cycle)}")
    return problems


def scheme_order(schemes: Sequence[Scheme]) -> list[Scheme]:
    """The schemes in an order that scores each after the schemes its members come from,
    otherwise as written (the loader has refused cycles)."""
    done: list[Scheme] = []
    seen: set[str] = set()
    by_id = {s.id: s for s in schemes}

    def visit(scheme: Scheme) -> None:
        if scheme.id in seen:
            return
        seen.add(scheme.id)
        for src in _sources(scheme):
            if src.scheme in by_id:
                visit(by_id[src.scheme])
        done.append(scheme)

    for scheme in schemes:
        visit(scheme)
    return done


def _cycle(schemes: Sequence[Scheme]) -> list[str] | None:
    """Scheme ids along a cycle of ``from_scheme`` references, first repeated (None: none)."""
    edges = {s.id: [src.scheme for src in _sources(s)] for s in schemes}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def walk(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if state.get(nxt) is None and (found := walk(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for s in schemes:
        if state.get(s.id) is None and (found := walk(s.id, [s.id])):
            return found
    return None
