"""Helpers the profiles share: names, visit requirements, and bucket-end structural changes.

Structural violations act on the last day of a bucket, the day staffing, coverage, post and
registration rules take their snapshot: a one-day gap in an assignment, or one day on which
the assignment lacks a post, a flag or full-time employment. The change claims the people and
units it touches for the month around it, so no other change meets it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterable, Sequence

from gridpolicing.engine.periods import Bucket
from gridpolicing.synth.context import Context, Finding
from gridpolicing.synth.mechanisms import full, roles_of
from gridpolicing.synth.ops import AddActivity
from gridpolicing.synth.plans import Req
from gridpolicing.synth.records import pick_days
from gridpolicing.synth.rulefields import rf
from gridpolicing.synth.world import Stint

__all__ = [
    "at_bucket_ends",
    "chinese_name",
    "coin",
    "neighbours",
    "prohibition_violations",
    "spread",
    "visit_reqs",
]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌海波宇浩凯鹏飞俊峰晨云龙林春燕东"
)


def chinese_name(rng: random.Random) -> str:
    """An invented two- or three-character name."""
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(_SURNAMES) + given


def spread(total: int, picks: int) -> list[int]:
    """Indices ``0..total-1`` of ``picks`` items spread evenly (the first at the start)."""
    return [i for i in range(total) if (i + 1) * picks // total > i * picks // total]


def visit_reqs(ctx: Context, role: str) -> list[Req]:
    """Records every visit day of ``role`` needs for the policy's per-day visit rules."""
    hh, sv, log, photo = 0, 0, False, False
    for rule in ctx.policy.rules:
        if rule.kind != "visit_quality" or role not in roles_of(rule):
            continue
        hh = max(hh, int(ctx.param(rule.id, "min_households") or 0))
        sv = max(sv, int(ctx.param(rule.id, "min_services") or 0))
        log = log or bool(rf(rule, "require_work_log"))
        photo = photo or bool(rf(rule, "require_photo"))
    out = [
        Req(
            "day",
            "household_visit",
            households=(hh, hh + 7) if hh else None,
            log=True if log else None,
            photo=True if photo else None,
        )
    ]
    if sv:
        out.append(Req("day", "practical_service", services=(sv, sv + 1)))
    return out


def at_bucket_ends(
    ctx: Context,
    rule_id: str,
    subjects: Iterable[str],
    change: Callable[[str, Bucket], tuple[list[str], list[Finding], str] | None],
    apply: Callable[[str, Bucket], None],
    *,
    for_good: bool = False,
    lasting: Callable[[str, Bucket], list[str]] | None = None,
) -> None:
    """For chosen (subject, bucket)s: ``change`` names the claim keys, findings and words (or
    None when the subject does not qualify); when the claim holds, ``apply`` makes it.

    The claim covers the bucket's month and the next day's; ``for_good`` (a change that moves
    people for the rest of the range) claims up to the range's end; ``lasting`` names further
    keys claimed up to the range's end.
    """
    for s in subjects:
        for b in ctx.buckets(rule_id):
            if not ctx.chance(rule_id, s, b.key):
                continue
            plan = change(s, b)
            if plan is None:
                continue
            keys, findings, how = plan
            last = max(ctx.end, b.end + dt.timedelta(days=1)) if for_good else b.end
            first_day, last_day = ctx.month_span(b.start, last + dt.timedelta(days=1))
            wanted = [(keys, first_day, last_day)]
            if lasting is not None:
                wanted.append((lasting(s, b), first_day, max(ctx.end, last_day)))
            if ctx.claim_all(wanted):
                apply(s, b)
                ctx.inject(findings, how)


def coin(ctx: Context, *key: object) -> bool:
    """A fair draw from the seed and ``key`` alone (which of two ways to make a change)."""
    text = "\x1f".join(str(k) for k in (ctx.policy.id, ctx.seed, "coin", *key))
    return hashlib.blake2b(text.encode(), digest_size=1).digest()[0] % 2 == 1


def neighbours(units: Sequence[str]) -> dict[str, str]:
    """Each unit's next one in ``units`` (cyclically); empty for fewer than two units."""
    if len(units) < 2:
        return {}
    return {u: units[(i + 1) % len(units)] for i, u in enumerate(units)}


def gap_on(stints: Sequence[Stint], day: dt.date) -> None:
    """Interrupt each stint on ``day``."""
    for s in stints:
        s.gaps.add(day)


def prohibition_violations(
    ctx: Context,
    rule_id: str,
    people: Sequence[str],
    unit_of: Callable[[str], str],
) -> None:
    """Give chosen people a forbidden record (task, incident or activity) inside a bucket.

    The kind is one no other prohibition on the same roles forbids, so one finding fails.
    """
    if not ctx.has(rule_id):
        return
    rule = ctx.rule(rule_id)
    roles = roles_of(rule)
    forbidden = rf(rule, "forbidden")
    table = next(t for t in ("tasks", "incidents", "activities") if getattr(forbidden, t))
    others = [
        r
        for r in ctx.policy.rules
        if r.kind == "prohibition" and r.id != rule_id and roles & roles_of(r)
    ]
    taken = set()
    for r in others:
        f = rf(r, "forbidden")
        exempt = {x.value for x in (getattr(r, "exempt_reasons", None) or ())}
        if getattr(f, table) and "routine" not in exempt:
            taken |= {k.value for k in getattr(f, table)}
    kinds = [k.value for k in getattr(forbidden, table) if k.value not in taken]
    if not kinds:
        ctx.not_injected.setdefault(rule_id, "every forbidden kind is forbidden by another rule")
        return
    w = ctx.world
    for p in people:
        for b in ctx.buckets(rule_id):
            if not ctx.chance(rule_id, p, b.key) or not full(ctx, p, roles, b.start, b.end):
                continue
            if not ctx.month_claim([f"{p}#{rule_id}"], b.start, b.end):
                continue
            days = [b.start + dt.timedelta(days=i) for i in range((b.end - b.start).days + 1)]
            [day] = pick_days(ctx, days, 1, rule_id, p, b.key)
            kind = kinds[0]
            finding: Finding = (rule_id, "person", p, b.key)
            if table == "tasks":
                w.tasks.append(
                    {
                        "id": w.next_id("task-"),
                        "person": p,
                        "kind": kind,
                        "start": day,
                        "end": day,
                        "reason": "routine",
                    }
                )
                ctx.inject([finding], f"task {kind} given")
            elif table == "incidents":
                w.incidents.append(
                    {
                        "id": w.next_id("inc-"),
                        "person": p,
                        "kind": kind,
                        "date": day,
                        "note": "督察发现",
                    }
                )
                ctx.inject([finding], f"incident {kind}")
            else:
                op = AddActivity(p, unit_of(p), day, kind, len(ctx.ops) + 1)
                ctx.inject([finding], f"activity {kind} logged", op)
