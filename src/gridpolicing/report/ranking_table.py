"""Assessment ranking tables for the terminal, fit to publish as they are.

One table per scheme, period and ranking group: the rank (``=3`` in English, ``并列3`` in
Chinese when others share it), the subject's name beside its id, its station, one column per
item (headed by the item's title), the total, the grade in the policy's words and the vetoes
by title; then the roll-ups with the same names and station. Headings are in the chosen
language; a note under a table names each cut-off that falls inside a shared rank. Results that
cannot be judged (``insufficient_data``) come after the ranked ones with ``-`` for the rank,
for each item that could not be measured and for the total: no number that reads as a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeVar

from rich import box
from rich.table import Table

from gridpolicing.assessment.notes import tied_cutoff_notes
from gridpolicing.assessment.result import INSUFFICIENT
from gridpolicing.i18n import both, translator
from gridpolicing.policy.values import Text
from gridpolicing.report.messages import fmt

if TYPE_CHECKING:
    from rich.console import Console

    from gridpolicing.assessment.models import Scheme
    from gridpolicing.assessment.result import (
        Applied,
        ItemScore,
        Names,
        RollupScore,
        SubjectScore,
    )
    from gridpolicing.policy.document import Policy
    from gridpolicing.report.report import Report

__all__ = [
    "applied_text",
    "grade_text",
    "group_title",
    "print_assessment",
    "rank_cell",
    "scheme_groups",
    "top_and_bottom",
    "veto_text",
    "word_text",
]

T = TypeVar("T")

_HEAD: Final = {
    "rollup": both("roll-up"),
    "period": both("period"),
    "rank": both("rank"),
    "person": both("name"),
    "unit": both("unit"),
    "id": both("id"),
    "station": both("station"),
    "total": both("total"),
    "score": both("score"),
    "grade": both("grade"),
    "vetoes": both("vetoes"),
    "consequences": both("consequences"),
}
_WORDS: Final = {  # the grades a veto or override gives, when the policy does not name them
    "vetoed": both("vetoed"),
    "unqualified": both("unqualified"),
    "insufficient_data": both("insufficient data"),
    "ungraded": both("ungraded"),
    "unsatisfactory": both("unsatisfactory"),
    "reward": both("reward"),
    "loses_award_eligibility": both("loses award eligibility"),
    "admonishment_talk": both("admonishment talk"),
    "adjustment": both("adjustment"),
    "top_grade_withheld_short_tenure": both("top grade withheld: short tenure"),
}


def _member_cells(policy: Policy, scheme: Scheme, m: SubjectScore, lang: str) -> list[str]:
    cells = [
        *_who(m.rank, m.rank_shared_by, m.subject_id, m.names, lang),
        *(_points(i) for i in m.items),
        "-" if m.status == INSUFFICIENT else fmt(m.total),
        grade_text(m.grade, m.grade_name, lang),
        "\n".join(veto_text(policy, scheme, v, lang) for v in m.vetoes),
    ]
    if scheme.consequences:
        cells.append("\n".join(applied_text(a, lang) for a in m.applied))
    return cells


def top_and_bottom(rows: Sequence[T], limit: int) -> tuple[list[T], int, list[T]]:
    """The first and the last rows of a ranking, ``limit`` in all, and how many lie between."""
    if len(rows) <= limit:
        return list(rows), 0, []
    head = (limit + 1) // 2
    tail = limit - head
    return list(rows[:head]), len(rows) - limit, list(rows[len(rows) - tail :] if tail else [])


def rank_cell(rank: int | None, shared_by: int | None, lang: str = "en") -> str:
    """``3``; ``=3`` (en) or ``并列3`` (zh) when others share the rank; ``-`` unranked."""
    if rank is None:
        return "-"
    if (shared_by or 1) > 1:
        return f"并列{rank}" if lang == "zh" else f"={rank}"
    return str(rank)


def scheme_groups(
    rows: Sequence[SubjectScore],
) -> dict[tuple[str, str | None, str | None], list[SubjectScore]]:
    """A scheme's results by ranking group (period, scope, role), ranked first, in rank order."""
    groups: dict[tuple[str, str | None, str | None], list[SubjectScore]] = {}
    for r in sorted(
        rows,
        key=lambda r: (
            r.bucket_start,
            r.scope or "",
            r.role or "",
            r.rank is None,  # the unranked (not judged) after the ranked
            r.rank or 0,
            r.subject_id,
        ),
    ):
        groups.setdefault(r.group, []).append(r)
    return groups


def print_assessment(report: Report, console: Console, limit: int, lang: str) -> None:
    """Each scheme's ranking tables per period and group, then its roll-ups."""
    policy = report.policy
    if policy.assessment is None:
        return
    outcome = report.assessment
    for scheme in policy.assessment.schemes:
        if scheme.id not in outcome.schemes:
            continue
        rows = [r for r in outcome.scores if r.scheme == scheme.id]
        groups = scheme_groups(rows)
        for (bucket, _scope, role), members in groups.items():
            t = Table(
                box=box.SIMPLE_HEAD, title=group_title(policy, scheme, bucket, members, role, lang)
            )
            _columns(t, members, lang, [(i.id, i.title.get(lang)) for i in scheme.items])
            t.add_column(_HEAD["total"].get(lang), justify="right")
            t.add_column(_HEAD["grade"].get(lang))
            t.add_column(_HEAD["vetoes"].get(lang), overflow="fold")
            if scheme.consequences:
                t.add_column(_HEAD["consequences"].get(lang), overflow="fold")
            top, hidden, bottom = top_and_bottom(members, limit)
            for m in top:
                t.add_row(*_member_cells(policy, scheme, m, lang))
            if hidden:
                _ = translator(lang)
                t.add_row(*["⋮"] * len(t.columns))
                t.caption = _(
                    "{n} rows not shown between the top and the bottom (--limit)", n=hidden
                )
            for m in bottom:
                t.add_row(*_member_cells(policy, scheme, m, lang))
            console.print(t)
            _print_tie_notes(console, members, lang)
        rolls = [r for r in outcome.rollups if r.scheme == scheme.id]
        if rolls:
            sep = ":" if lang == "zh" else ": "
            title = f"{scheme.title.get(lang)}{sep}{_HEAD['rollup'].get(lang)}"
            t = Table(box=box.SIMPLE_HEAD, title=title)
            t.add_column(_HEAD["period"].get(lang))
            _columns(t, rolls, lang, [])
            t.add_column(_HEAD["score"].get(lang), justify="right")
            t.add_column(_HEAD["grade"].get(lang))
            t.add_column(_HEAD["consequences"].get(lang), overflow="fold")
            for u in sorted(
                rolls,
                key=lambda u: (u.bucket, u.scope or "", u.role or "", u.rank is None, u.rank or 0),
            )[: limit * 2]:
                t.add_row(
                    u.bucket,
                    *_who(u.rank, u.rank_shared_by, u.subject_id, u.names, lang),
                    "-" if u.insufficient_periods else fmt(u.score),
                    grade_text(u.grade, u.grade_name, lang),
                    "\n".join(
                        [
                            *(word_text(c, lang) for c in u.consequences),
                            *(applied_text(a, lang) for a in u.applied),
                        ]
                    ),
                )
            console.print(t)
            _print_tie_notes(console, rolls, lang)


def group_title(
    policy: Policy,
    scheme: Scheme,
    bucket: str,
    members: Sequence[SubjectScore],
    role: str | None,
    lang: str,
) -> str:
    parts = [scheme.title.get(lang), bucket]
    first = members[0]
    if first.scope and first.scope != "all":
        name = first.names.scope if first.names else ""
        parts.append(f"{name} ({first.scope})" if name else first.scope)
    if role:
        parts.append(policy.vocabulary.term_name("roles", role, lang))
    return (",".join(parts)) if lang == "zh" else ", ".join(parts)


def _columns(
    t: Table,
    rows: Sequence[SubjectScore | RollupScore],
    lang: str,
    items: list[tuple[str, str]],
) -> None:
    units = bool(rows) and rows[0].subject_type == "unit"
    t.add_column(_HEAD["rank"].get(lang), justify="right")
    t.add_column(_HEAD["unit" if units else "person"].get(lang))
    t.add_column(_HEAD["id"].get(lang))
    t.add_column(_HEAD["station"].get(lang))
    for _, title in items:
        t.add_column(title, justify="right", overflow="fold")


def _who(
    rank: int | None, shared_by: int | None, ident: str, names: Names | None, lang: str
) -> tuple[str, str, str, str]:
    if names is None:
        return (rank_cell(rank, shared_by, lang), "", ident, "")
    return (
        rank_cell(rank, shared_by, lang),
        names.subject,
        ident,
        names.station_name or (names.station or ""),
    )


def _points(item: ItemScore) -> str:
    return "-" if item.status == INSUFFICIENT else fmt(item.points)


def applied_text(applied: Applied, lang: str) -> str:
    amount = "" if applied.amount is None else f" ¥{fmt(applied.amount)}"
    return f"{applied.title.get(lang)}{amount}"


def grade_text(grade: str, name: Text | None, lang: str) -> str:
    if name is not None:
        return name.get(lang)
    return word_text(grade, lang)


def word_text(word: str, lang: str) -> str:
    text = _WORDS.get(word)
    return word if text is None else text.get(lang)


def veto_text(policy: Policy, scheme: Scheme, veto: str, lang: str) -> str:
    """A veto by the title of its rule or item (``rule:x`` / ``item:x`` in the results)."""
    what, _, named = veto.partition(":")
    ident, _, below = named.partition("@")  # a veto on sub-units names them after "@"
    if what == "rule":
        try:
            title = policy.rule(ident).title.get(lang)
        except KeyError:
            return veto
        return f"{title} ({below})" if below else title
    item = next((i for i in scheme.items if i.id == ident), None)
    return veto if item is None else item.title.get(lang)


def _print_tie_notes(
    console: Console, rows: Sequence[SubjectScore | RollupScore], lang: str
) -> None:
    for note in tied_cutoff_notes(rows):
        console.print(f"  {note.get(lang)}", markup=False)
