"""Sentences (zh/en) saying that a cut-off fell inside a shared rank, for the terminal report."""

from __future__ import annotations

from collections.abc import Iterable

from gridpolicing.assessment.result import RollupScore, SubjectScore
from gridpolicing.policy.values import Text

__all__ = ["tied_cutoff_notes"]


def tied_cutoff_notes(rows: Iterable[SubjectScore | RollupScore]) -> list[Text]:
    """One sentence per group, shared rank and cut-off named in the rows' ``tied_cutoffs``.

    Each sentence names the period and group, the shared rank, how many share it, and what the
    tie means for them (all are within the quota or reward places; none is sanctioned).
    """
    seen: dict[tuple[str, str, str, int, int, str], None] = {}
    for r in rows:
        for cutoff in r.tied_cutoffs:
            seen[
                (r.bucket, r.scope or "", r.role or "", r.rank or 0, r.rank_shared_by or 0, cutoff)
            ] = None
    return [_note(*key) for key in sorted(seen)]


def _note(bucket: str, scope: str, role: str, rank: int, shared: int, cutoff: str) -> Text:
    where = ", ".join(x for x in (bucket, scope, role) if x)
    if cutoff == "reward_top":
        zh = f"奖励名额线落在并列名次内:第 {rank} 名 {shared} 人并列,均计入奖励名额"
        en = (
            f"the reward cut-off falls inside a tie: {shared} share rank {rank}, "
            "all within the reward places"
        )
    elif cutoff == "sanction_bottom":
        zh = f"末位处理线落在并列名次内:第 {rank} 名 {shared} 人并列,均不予处理"
        en = (
            f"the sanction cut-off falls inside a tie: {shared} share rank {rank}, "
            "none of them sanctioned"
        )
    elif cutoff.startswith("tier:"):
        name = cutoff.removeprefix("tier:")
        zh = f"“{name}”档次线落在并列名次内:第 {rank} 名 {shared} 人并列,均计入该档"
        en = (
            f"the '{name}' tier cut-off falls inside a tie: {shared} share rank {rank}, "
            "all within the tier"
        )
    else:
        grade = cutoff.removeprefix("quota:")
        zh = f"“{grade}”比例名额线落在并列名次内:第 {rank} 名 {shared} 人并列,均计入名额"
        en = (
            f"the '{grade}' quota cut-off falls inside a tie: {shared} share rank {rank}, "
            "all within the quota"
        )
    return Text(zh=f"{where}:{zh}", en=f"{where}: {en}")
