"""``truth.json``: what a synthetic dataset was built to fail, finding by finding.

Each :class:`Violation` is one failing finding an evaluation must report: the rule, the subject
and the bucket. One injected change (``injection``) usually breaks exactly one finding; where
the policy ties two rules to the same records (a cadence rule and a duty of the same kinds, an
unstaffed office and the veto on it) the change lists every finding it breaks, all under one
injection id. Everything else in the dataset passes, is not applicable, or has insufficient data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, final

__all__ = ["TRUTH_FORMAT", "Truth", "Violation"]

TRUTH_FORMAT: Final = "gridpolicing.synth.truth/1"


@final
@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One failing finding the dataset was built to produce."""

    rule: str
    subject_type: str
    subject: str
    bucket: str
    injection: str
    """Id of the injected change; findings broken by the same change share it."""
    how: str
    """What was changed, in words."""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(rule, subject, bucket)``, the identity of a finding."""
        return (self.rule, self.subject, self.bucket)


@final
@dataclass(frozen=True, slots=True)
class Truth:
    """The known answers for one generated dataset."""

    profile: str
    policy: str
    seed: int
    scale: float
    violation_rate: float
    start: dt.date
    end: dt.date
    table_format: str
    rules: tuple[str, ...]
    """The rules an oracle compares: findings of other rules are not described by the truth."""
    violations: tuple[Violation, ...]
    not_injected: dict[str, str] = field(default_factory=dict)
    """Rules the generator keeps compliant but never breaks, and why."""
    counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)
    """Per-rule violation rates, when they were given per rule (``violation_rate`` is then
    the largest)."""

    @property
    def period(self) -> str:
        """The evaluation period covering the data, as ``gridpolicing evaluate`` takes it."""
        s, e = self.start, self.end
        if s.month == 1 and s.day == 1 and e == dt.date(s.year, 12, 31):
            return str(s.year)
        nxt = dt.date(e.year + (e.month == 12), e.month % 12 + 1, 1)
        if s.day == 1 and (s.year, s.month) == (e.year, e.month) and e + dt.timedelta(1) == nxt:
            return f"{s:%Y-%m}"
        return f"{s.isoformat()}..{e.isoformat()}"

    def expected(self) -> frozenset[tuple[str, str, str]]:
        """The ``(rule, subject, bucket)`` of every finding that must fail."""
        return frozenset(v.key for v in self.violations)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as written to ``truth.json``."""
        return {
            "format": TRUTH_FORMAT,
            "profile": self.profile,
            "policy": self.policy,
            "seed": self.seed,
            "scale": self.scale,
            "violation_rate": self.violation_rate,
            "rates": dict(sorted(self.rates.items())),
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "table_format": self.table_format,
            "rules": list(self.rules),
            "not_injected": dict(sorted(self.not_injected.items())),
            "counts": dict(sorted(self.counts.items())),
            "totals": self.totals,
            "violations": [
                {
                    "rule": v.rule,
                    "subject_type": v.subject_type,
                    "subject": v.subject,
                    "bucket": v.bucket,
                    "injection": v.injection,
                    "how": v.how,
                }
                for v in sorted(self.violations)
            ],
        }

    def to_json(self) -> str:
        """Deterministic JSON text (sorted violations, UTF-8, two-space indent)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Truth:
        """Read what :meth:`to_dict` wrote."""
        if data.get("format") != TRUTH_FORMAT:
            raise ValueError(f"not a {TRUTH_FORMAT} document")
        return cls(
            profile=str(data["profile"]),
            policy=str(data["policy"]),
            seed=int(data["seed"]),
            scale=float(data["scale"]),
            violation_rate=float(data["violation_rate"]),
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            table_format=str(data["table_format"]),
            rules=tuple(data["rules"]),
            violations=tuple(
                Violation(
                    v["rule"],
                    v["subject_type"],
                    v["subject"],
                    v["bucket"],
                    v["injection"],
                    v["how"],
                )
                for v in data["violations"]
            ),
            not_injected=dict(data.get("not_injected", {})),
            counts={k: int(n) for k, n in data.get("counts", {}).items()},
            totals=dict(data.get("totals", {})),
            rates={k: float(v) for k, v in data.get("rates", {}).items()},
        )

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Truth:
        """Load a ``truth.json`` file."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
