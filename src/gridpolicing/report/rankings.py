"""Assessment rankings for the HTML and Excel reports: names, stations, points, ties, grades.

The same words as the terminal tables (report/ranking_table.py): a shared rank reads ``并列3``
(zh) or ``=3`` (en), grades in the policy's words, vetoes by the title of their rule or item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, final

from gridpolicing.assessment.notes import tied_cutoff_notes
from gridpolicing.assessment.result import INSUFFICIENT
from gridpolicing.report.labels import label
from gridpolicing.report.messages import fmt
from gridpolicing.report.ranking_table import (
    applied_text,
    grade_text,
    group_title,
    rank_cell,
    scheme_groups,
    veto_text,
    word_text,
)

if TYPE_CHECKING:
    from gridpolicing.assessment.result import Names
    from gridpolicing.report.report import Report

__all__ = ["RankingRow", "RankingTable", "ranking_tables"]


@final
@dataclass(frozen=True, slots=True)
class RankingRow:
    """One subject's place: rank (``并列`` when shared), who, points, total, grade, outcomes."""

    rank: str
    tied: bool
    name: str
    subject_id: str
    station: str
    points: tuple[str, ...]
    total: str
    grade: str
    vetoes: tuple[str, ...]
    consequences: tuple[str, ...]
    bucket: str = ""


@final
@dataclass(frozen=True, slots=True)
class RankingTable:
    """A scheme's ranking for one period and group (or its roll-ups), ready to lay out."""

    scheme: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[RankingRow, ...]
    notes: tuple[str, ...]
    rollup: bool = False

    @property
    def ties(self) -> int:
        """How many rows share their rank."""
        return sum(1 for r in self.rows if r.tied)


def _who(names: Names | None) -> tuple[str, str]:
    if names is None:
        return "", ""
    return names.subject, names.station_name or (names.station or "")


def ranking_tables(report: Report, lang: str) -> list[RankingTable]:
    """Each scheme's tables in policy order: one per period and ranking group, then roll-ups."""
    policy = report.policy
    if policy.assessment is None:
        return []
    outcome = report.assessment
    sep = ":" if lang == "zh" else ": "
    out = []
    for scheme in policy.assessment.schemes:
        if scheme.id not in outcome.schemes:
            continue
        items = tuple(i.title.get(lang) for i in scheme.items)
        rows = [r for r in outcome.scores if r.scheme == scheme.id]
        for (bucket, _, role), members in scheme_groups(rows).items():
            table_rows = []
            for m in members:
                name, station = _who(m.names)
                table_rows.append(
                    RankingRow(
                        rank=rank_cell(m.rank, m.rank_shared_by, lang),
                        tied=(m.rank_shared_by or 1) > 1,
                        name=name,
                        subject_id=m.subject_id,
                        station=station,
                        points=tuple(
                            "-" if i.status == INSUFFICIENT else fmt(i.points) for i in m.items
                        ),
                        total="-" if m.status == INSUFFICIENT else fmt(m.total),
                        grade=grade_text(m.grade, m.grade_name, lang),
                        vetoes=tuple(veto_text(policy, scheme, v, lang) for v in m.vetoes),
                        consequences=tuple(applied_text(a, lang) for a in m.applied),
                    )
                )
            out.append(
                RankingTable(
                    scheme.id,
                    group_title(policy, scheme, bucket, members, role, lang),
                    items,
                    tuple(table_rows),
                    tuple(n.get(lang) for n in tied_cutoff_notes(members)),
                )
            )
        rolls = sorted(
            (r for r in outcome.rollups if r.scheme == scheme.id),
            key=lambda u: (u.bucket, u.scope or "", u.role or "", u.rank is None, u.rank or 0),
        )
        if rolls:
            roll_rows = []
            for u in rolls:
                name, station = _who(u.names)
                roll_rows.append(
                    RankingRow(
                        rank=rank_cell(u.rank, u.rank_shared_by, lang),
                        tied=(u.rank_shared_by or 1) > 1,
                        name=name,
                        subject_id=u.subject_id,
                        station=station,
                        points=(),
                        total="-" if u.insufficient_periods else fmt(u.score),
                        grade=grade_text(u.grade, u.grade_name, lang),
                        vetoes=(),
                        consequences=(
                            *(word_text(c, lang) for c in u.consequences),
                            *(applied_text(a, lang) for a in u.applied),
                        ),
                        bucket=u.bucket,
                    )
                )
            out.append(
                RankingTable(
                    scheme.id,
                    f"{scheme.title.get(lang)}{sep}{label('rollup', lang)}",
                    (),
                    tuple(roll_rows),
                    tuple(n.get(lang) for n in tied_cutoff_notes(rolls)),
                    rollup=True,
                )
            )
    return out
