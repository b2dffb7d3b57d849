"""Activity plans: how a kind of person logs work, as data the SQL generator reads.

A :class:`Plan` says how many days a week the person works in the unit, which records each
bucket must hold (:class:`Req`: a dispute screening every week, a household visit of five or
more households on every village day ...), and the mix of further records (``fill``). A
:class:`Quota` spreads a fixed total (6852 safety inspections) over the plan's person-months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, final

import pyarrow as pa

__all__ = ["PERIODS", "Plan", "Quota", "Req", "plans_table", "quotas_rows", "reqs_table"]

ReqPeriod = Literal["day", "week", "month", "quarter", "half_year", "sensitive"]
PERIODS: Final = ("day", "week", "month", "quarter", "half_year", "sensitive")
_FILL_SLOTS: Final = 1000


@final
@dataclass(frozen=True, slots=True)
class Req:
    """``count`` records of ``kind`` in every bucket of ``period`` the person works in."""

    period: ReqPeriod
    kind: str
    count: int = 1
    households: tuple[int, int] | None = None
    services: tuple[int, int] | None = None
    log: bool | None = None
    photo: bool | None = None
    subkind: str | None = None


@final
@dataclass(frozen=True, slots=True)
class Plan:
    """How one kind of person logs work in one unit."""

    name: str
    days: tuple[int, int]
    """Worked days per ISO week (fewest, most); working days are taken first."""
    fill: dict[str, int]
    """Further records by kind and weight."""
    per_day: float = 2.0
    """Further records per worked day, on average."""
    reqs: tuple[Req, ...] = ()
    sensitive_days: bool = False
    """Also work on every sensitive day (重大节日 / 敏感时期)."""
    every_working_day: bool = False
    """Also work on every official working day (调休 weekends included)."""
    log_p: float = 0.9
    photo_p: float = 0.5
    hours_min: float | None = None
    """Weekly hours to keep above (the person's records are scaled to a target above it)."""
    hours_kinds: tuple[str, ...] | None = None
    """The kinds whose hours count (all when None)."""
    day_hours_min: float | None = None
    """Hours every worked day must reach (its records are scaled to a target above it)."""
    monthly: tuple[str, ...] = ()
    """Kinds the plan's quotas give every person-month (a quota with ``base`` 1 or more)."""


@final
@dataclass(frozen=True, slots=True)
class Quota:
    """``records`` records of ``kind`` over the person-months of ``plan``.

    Every person-month gets ``base`` records and the rest is spread by weight. With ``field``
    the records also share ``total`` of that field, at least ``vbase`` each.
    """

    plan: str
    kind: str
    records: int
    base: int = 0
    subkind: str | None = None
    field: Literal["quantity", "services", "hazards"] | None = None
    total: int = 0
    vbase: int = 0


@dataclass(slots=True)
class _Cols:
    data: dict[str, list[object]] = field(default_factory=dict)

    def add(self, **values: object) -> None:
        for k, v in values.items():
            self.data.setdefault(k, []).append(v)


def plans_table(plans: Sequence[Plan]) -> pa.Table:
    """One row per plan, with the filler kinds as a weighted array of 1000 slots."""
    cols = _Cols()
    for p in plans:
        total = sum(p.fill.values())
        slots: list[str] = []
        if total:
            acc = 0
            for kind, w in sorted(p.fill.items()):
                acc += w
                slots.extend([kind] * (acc * _FILL_SLOTS // total - len(slots)))
        cols.add(
            plan=p.name,
            dmin=p.days[0],
            dmax=p.days[1],
            sens=p.sensitive_days,
            allwd=p.every_working_day,
            per_day=float(p.per_day) if slots else 0.0,
            karr=slots,
            log_p=p.log_p,
            photo_p=p.photo_p,
            hours_min=p.hours_min,
            hkinds=list(p.hours_kinds) if p.hours_kinds is not None else None,
            day_min=p.day_hours_min,
        )
    types = {
        "plan": pa.string(),
        "dmin": pa.int64(),
        "dmax": pa.int64(),
        "sens": pa.bool_(),
        "allwd": pa.bool_(),
        "per_day": pa.float64(),
        "karr": pa.list_(pa.string()),
        "log_p": pa.float64(),
        "photo_p": pa.float64(),
        "hours_min": pa.float64(),
        "hkinds": pa.list_(pa.string()),
        "day_min": pa.float64(),
    }
    return pa.table({k: pa.array(cols.data.get(k, []), t) for k, t in types.items()})


def reqs_table(plans: Sequence[Plan]) -> pa.Table:
    """One row per required record slot: plan, period, requirement number, repeat index."""
    cols = _Cols()
    for p in plans:
        for rq, r in enumerate(p.reqs):
            for j in range(r.count):
                cols.add(
                    plan=p.name,
                    period=r.period,
                    rq=rq,
                    j=j,
                    kind=r.kind,
                    subkind=r.subkind,
                    hlo=r.households[0] if r.households else None,
                    hhi=r.households[1] if r.households else None,
                    slo=r.services[0] if r.services else None,
                    shi=r.services[1] if r.services else None,
                    log=r.log,
                    photo=r.photo,
                )
    ints = ("rq", "j", "hlo", "hhi", "slo", "shi")
    types = {
        "plan": pa.string(),
        "period": pa.string(),
        **{k: pa.int64() for k in ints},
        "kind": pa.string(),
        "subkind": pa.string(),
        "log": pa.bool_(),
        "photo": pa.bool_(),
    }
    order = ("plan", "period", "rq", "j", "kind", "subkind", "hlo", "hhi", "slo", "shi")
    return pa.table({k: pa.array(cols.data.get(k, []), types[k]) for k in (*order, "log", "photo")})


def quotas_rows(quotas: Sequence[Quota]) -> list[tuple[int, Quota]]:
    """Quotas numbered from 1, in the order given."""
    return list(enumerate(quotas, 1))
