"""Counters per subject and bucket (tallies), open buckets, and observations for the judge."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final, final

if TYPE_CHECKING:
    from gridpolicing.monitor.roster import SubjectInfo

__all__ = ["DAY_US", "BucketState", "Draft", "Obs", "Tally"]

DAY_US: Final = 86_400_000_000
"""A day in microseconds: a tally's spans lie within 0 to DAY_US of their day's midnight."""

PACE_ALERTED = 1
FEASIBLE_ALERTED = 2


@final
class Tally:
    """What one subject has done in one bucket.

    ``ids`` are the records counted (so a record posted twice counts once); ``seconds`` and
    ``days`` feed time commitments, with ``spans`` the merged intervals of each day
    (microseconds since that day's midnight) so overlapping records never count twice and a
    day counts as the batch engine counts it (engine/intervals.py); ``days`` also holds the
    days with a record for cadence rules watching sensitive days; ``visits`` and ``bad`` (day,
    label, lacks, ids) feed visit quality; ``records`` (id -> description) feed prohibitions.
    ``risk`` remembers at-risk alerts already raised; ``check_at`` is the pending feasibility
    deadline.
    """

    __slots__ = (
        "bad",
        "check_at",
        "days",
        "full",
        "ids",
        "records",
        "required",
        "risk",
        "seconds",
        "sid",
        "spans",
        "units",
        "visits",
    )

    def __init__(self, sid: str, info: SubjectInfo, required: float | None) -> None:
        self.sid = sid
        self.units = info.units
        self.full = info.full
        self.required = required
        self.seconds = 0.0
        self.days: set[dt.date] = set()
        self.spans: dict[dt.date, list[list[int]]] = {}
        self.ids: set[str] = set()
        self.visits = 0
        self.bad: list[tuple[dt.date, str, str, tuple[str, ...]]] = []
        self.records: dict[str, str] = {}
        self.risk = 0
        self.check_at: dt.datetime | None = None

    @property
    def applicable(self) -> bool:
        """Whether a count rule applies (assigned for the whole bucket, requirement in force)."""
        return self.full and self.required is not None

    def dump(self) -> list[Any]:
        """Plain data for a checkpoint."""
        return [
            self.sid,
            sorted(self.units),
            self.full,
            self.required,
            self.seconds,
            sorted(d.isoformat() for d in self.days),
            sorted(self.ids),
            self.visits,
            [[d.isoformat(), label, lacks, list(ids)] for d, label, lacks, ids in self.bad],
            self.records,
            self.risk,
            {d.isoformat(): [list(x) for x in v] for d, v in sorted(self.spans.items())},
        ]

    @classmethod
    def load(cls, data: list[Any]) -> Tally:
        """The tally :meth:`dump` described."""
        from gridpolicing.monitor.roster import SubjectInfo

        t = cls(data[0], SubjectInfo(frozenset(data[1]), bool(data[2])), data[3])
        t.seconds = float(data[4])
        t.days = {dt.date.fromisoformat(d) for d in data[5]}
        t.ids = set(data[6])
        t.visits = int(data[7])
        t.bad = [(dt.date.fromisoformat(d), lab, lk, tuple(ids)) for d, lab, lk, ids in data[8]]
        t.records = dict(data[9])
        t.risk = int(data[10])
        spans = data[11] if len(data) > 11 else {}
        t.spans = {
            dt.date.fromisoformat(d): [[int(a), int(b)] for a, b in v] for d, v in spans.items()
        }
        return t

    def add_span(self, day: dt.date, start: int, end: int) -> int:
        """Add ``start..end`` (microseconds since ``day``'s midnight) to the day's merged
        intervals; return the microseconds it adds (0 for time already covered)."""
        merged: list[list[int]] = []
        before = 0
        for a, b in self.spans.get(day, []):
            before += b - a
            if b < start or a > end:
                merged.append([a, b])
            else:
                start, end = min(a, start), max(b, end)
        merged.append([start, end])
        merged.sort()
        self.spans[day] = merged
        return sum(b - a for a, b in merged) - before

    def day_micros(self, day: dt.date) -> int:
        """The merged time of ``day``, in microseconds."""
        return sum(b - a for a, b in self.spans.get(day, []))


@final
class BucketState:
    """An open bucket of one rule: its days, when it ends and closes, and its tallies."""

    __slots__ = ("close_at", "end", "end_at", "key", "start", "tallies")

    def __init__(
        self,
        key: str,
        start: dt.date,
        end: dt.date,
        grace: dt.timedelta,
        tallies: dict[str, Tally],
    ) -> None:
        self.key, self.start, self.end = key, start, end
        self.end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        self.close_at = self.end_at + grace
        self.tallies = tallies

    def dump(self) -> dict[str, Any]:
        """Plain data for a checkpoint."""
        return {
            "key": self.key,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "tallies": [t.dump() for t in self.tallies.values()],
        }

    @classmethod
    def load(cls, data: dict[str, Any], grace: dt.timedelta) -> BucketState:
        """The bucket :meth:`dump` described."""
        tallies = [Tally.load(t) for t in data["tallies"]]
        return cls(
            data["key"],
            dt.date.fromisoformat(data["start"]),
            dt.date.fromisoformat(data["end"]),
            grace,
            {t.sid: t for t in tallies},
        )


@final
class Obs:
    """An observation for the judge (``fact``) and what it is about."""

    __slots__ = ("bucket", "extra", "fact", "tally")

    def __init__(
        self,
        fact: dict[str, Any],
        bucket: BucketState | None,
        tally: Tally | None,
        extra: Any = None,
    ) -> None:
        self.fact, self.bucket, self.tally, self.extra = fact, bucket, tally, extra


@final
class Draft:
    """An alert before the monitor numbers it."""

    __slots__ = (
        "bucket",
        "bucket_end",
        "bucket_start",
        "detail",
        "en",
        "evidence",
        "kind",
        "measured",
        "reason",
        "required",
        "subject_id",
        "zh",
    )

    def __init__(
        self,
        kind: str,
        subject_id: str,
        bucket: tuple[str, dt.date, dt.date],
        measured: float | None,
        required: float | None,
        evidence: tuple[str, ...] = (),
        detail: str | None = None,
        reason: str | None = None,
        zh: str = "",
        en: str = "",
    ) -> None:
        self.kind, self.subject_id = kind, subject_id
        self.bucket, self.bucket_start, self.bucket_end = bucket
        self.measured, self.required = measured, required
        self.evidence, self.detail, self.reason = evidence, detail, reason
        self.zh, self.en = zh, en
