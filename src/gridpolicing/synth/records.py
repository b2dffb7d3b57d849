"""Reports and meetings that cadence rules count, generated compliant and broken on purpose.

:func:`cadence_reports` gives each subject person the reports a ``cadence`` rule asks for in
every bucket they hold the role (on working days where there are any), plus one report on each
sensitive day when the rule says ``sensitive_daily``. :func:`unit_meetings` holds a unit's
meetings per bucket with the people present that day. :func:`record_violations` breaks a
cadence rule on reports or meetings for chosen (subject, bucket)s by taking the counted records
(or the person's attendance) out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence

from gridpolicing.synth.calendar import ONE, bucket_key
from gridpolicing.synth.context import Context
from gridpolicing.synth.mechanisms import full, roles_of
from gridpolicing.synth.rulefields import rf
from gridpolicing.synth.world import Row

__all__ = ["cadence_reports", "pick_days", "record_violations", "unit_meetings"]


def _h(*key: object) -> int:
    text = "\x1f".join(str(k) for k in key)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def pick_days(ctx: Context, days: Sequence[dt.date], n: int, *key: object) -> list[dt.date]:
    """``n`` days of ``days`` chosen from the seed, working days first, spread apart."""
    work = {d.day for d in ctx.days if d.workday}
    pool = [d for d in days if d in work] or list(days)
    if not pool or n <= 0:
        return []
    start = _h(ctx.seed, *key) % len(pool)
    step = max(1, len(pool) // n)
    return sorted({pool[(start + i * step) % len(pool)] for i in range(n)})


def _active_days(ctx: Context, person: str, roles: set[str]) -> list[dt.date]:
    stints = [s for s in ctx.world.stints_of(person) if s.role in roles]
    out = []
    d = ctx.start
    while d <= ctx.end:
        if any(s.active(d) for s in stints):
            out.append(d)
        d += ONE
    return out


def _by_bucket(period: str, days: Iterable[dt.date]) -> dict[str, list[dt.date]]:
    out: dict[str, list[dt.date]] = {}
    for d in days:
        out.setdefault(bucket_key(period, d), []).append(d)
    return out


def cadence_reports(
    ctx: Context,
    rule_id: str,
    people: Iterable[str],
    recipient: Callable[[str], str],
    kind: str | None = None,
) -> None:
    """Reports for every subject of a cadence rule on reports, in each bucket they serve."""
    if not ctx.has(rule_id):
        return
    rule = ctx.rule(rule_id)
    kinds = [k.value for k in rf(rule, "count").reports]
    kind = kind or kinds[0]
    period = str(rf(rule, "period"))
    need = int(ctx.param(rule_id, "min_count") or 1)
    daily = bool(getattr(rule, "sensitive_daily", False))
    hot = {d.day for d in ctx.days if d.sensitive}
    roles = roles_of(rule)
    w = ctx.world
    for p in people:
        active = _active_days(ctx, p, roles)
        for key, days in _by_bucket(period, active).items():
            for day in pick_days(ctx, days, need, rule_id, p, key):
                w.reports.append(
                    {
                        "id": w.next_id("rep-"),
                        "kind": kind,
                        "author": p,
                        "recipient": recipient(p),
                        "date": day,
                    }
                )
        if daily:
            zero = "zero_report" if "zero_report" in kinds else kind
            for day in (d for d in active if d in hot):
                w.reports.append(
                    {
                        "id": w.next_id("rep-"),
                        "kind": zero,
                        "author": p,
                        "recipient": recipient(p),
                        "date": day,
                    }
                )


def unit_meetings(
    ctx: Context,
    kind: str,
    units: Iterable[str],
    period: str,
    count: int,
    attendees: Callable[[str, dt.date], list[str]],
) -> None:
    """``count`` meetings of ``kind`` held by each unit in every bucket of ``period``."""
    all_days = [d.day for d in ctx.days]
    buckets = _by_bucket(period, all_days)
    for u in units:
        for key, days in buckets.items():
            for day in pick_days(ctx, days, count, kind, u, key):
                add_meeting(ctx, kind, u, day, attendees(u, day))


def add_meeting(ctx: Context, kind: str, unit: str, day: dt.date, attendees: list[str]) -> None:
    """A meeting of ``kind`` held by ``unit`` on ``day``."""
    w = ctx.world
    w.meetings.append(
        {
            "id": w.next_id("mtg-"),
            "kind": kind,
            "unit": unit,
            "date": day,
            "attendees": sorted(set(attendees)),
        }
    )


def record_violations(
    ctx: Context,
    rule_id: str,
    subjects: Sequence[str],
    elsewhere: Callable[[str], str] | None = None,
) -> None:
    """Break a cadence rule on reports or meetings for chosen (subject, bucket)s.

    For a rule counting reports ``to`` some recipients, ``elsewhere`` names a unit the rule
    does not count for a subject: the bucket's reports are sent there instead of dropped.
    """
    if not ctx.has(rule_id):
        return
    rule = ctx.rule(rule_id)
    count = rf(rule, "count")
    person = rule.subject.people is not None
    roles = roles_of(rule)
    stype = "person" if person else "unit"
    w = ctx.world
    for s in subjects:
        for b in ctx.buckets(rule_id):
            if not ctx.chance(rule_id, s, b.key):
                continue
            if person and not full(ctx, s, roles, b.start, b.end):
                continue
            # Reports and meetings meet no other rule: only the subject's own records are
            # claimed (structural changes, made earlier, already kept it whole in the bucket).
            if not ctx.month_claim([f"{s}#{rule_id}"], b.start, b.end):
                continue

            def inside(r: Row, b_start: dt.date = b.start, b_end: dt.date = b.end) -> bool:
                return bool(b_start <= r["date"] <= b_end)

            if count.reports is not None:
                kinds = {k.value for k in count.reports}
                col = "author" if person else "recipient"

                def filed(r: Row, s: str = s, col: str = col, kinds: set[str] = kinds) -> bool:
                    return bool(r[col] == s and r["kind"] in kinds and inside(r))

                if elsewhere is not None and count.to:
                    away = elsewhere(s)
                    gone = 0
                    for r in w.reports:
                        if filed(r):
                            r["recipient"] = away
                            gone += 1
                    how = f"reports sent to {away}, not to a counted recipient"
                else:
                    gone = w.drop("reports", filed)
                    how = "reports not filed"
            else:
                kinds = {k.value for k in count.meetings}
                if person:
                    gone = 0
                    for m in w.meetings:
                        if m["kind"] in kinds and inside(m) and s in m["attendees"]:
                            m["attendees"] = [a for a in m["attendees"] if a != s]
                            gone += 1
                    how = "absent from the meetings"
                else:

                    def held(r: Row, s: str = s, kinds: set[str] = kinds) -> bool:
                        return bool(r["unit"] == s and r["kind"] in kinds and inside(r))

                    gone = w.drop("meetings", held)
                    how = "meetings not held"
            if gone:
                ctx.inject([(rule_id, stype, s, b.key)], how)
