"""Alerts: shaped like findings (rule, subject, bucket, citation, evidence) plus a kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, final

from gridpolicing.policy.models import Citation, Severity
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding, Status

__all__ = ["ALERT_FORMAT", "Alert", "AlertKind"]

ALERT_FORMAT = "gridpolicing.alert/1"


class AlertKind(StrEnum):
    """What an alert says."""

    at_risk = "at_risk"
    """The bucket is open but can no longer be met, or is behind a pace checkpoint."""
    breached = "breached"
    """The bucket closed unmet (exactly a batch evaluation's failure)."""
    violation = "violation"
    """An event breaks a prohibition or a per-visit minimum outright."""


@final
@dataclass(frozen=True, slots=True)
class Alert:
    """One alert. ``seq`` numbers a monitor's alerts from 1, the same after a restart."""

    seq: int
    kind: AlertKind
    at: dt.datetime
    """The monitor's clock when it was raised (a deadline, or the event's time)."""
    rule: str
    rule_kind: str
    severity: Severity
    subject_type: str
    subject_id: str
    bucket: str
    bucket_start: dt.date
    bucket_end: dt.date
    measured: float | None
    required: float | None
    evidence: tuple[str, ...]
    detail: str | None
    reason: str | None
    """For ``at_risk``: ``infeasible`` or the pace checkpoint missed."""
    message: Text
    citation: Citation

    def to_finding(self) -> Finding:
        """The failed finding a ``breached`` alert stands for."""
        return Finding(
            rule=self.rule,
            kind=self.rule_kind,
            severity=self.severity,
            subject_type=self.subject_type,
            subject_id=self.subject_id,
            bucket=self.bucket,
            bucket_start=self.bucket_start,
            bucket_end=self.bucket_end,
            status=Status.failed,
            measured=self.measured,
            required=self.required,
            evidence=self.evidence,
            detail=self.detail,
            citation=self.citation,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (one JSON line of ``gridpolicing watch``); see docs/monitor.md."""
        return {
            "format": ALERT_FORMAT,
            "seq": self.seq,
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "rule": self.rule,
            "rule_kind": self.rule_kind,
            "severity": self.severity.value,
            "subject": {"type": self.subject_type, "id": self.subject_id},
            "bucket": {
                "key": self.bucket,
                "start": self.bucket_start.isoformat(),
                "end": self.bucket_end.isoformat(),
            },
            "measured": self.measured,
            "required": self.required,
            "evidence": list(self.evidence),
            "detail": self.detail,
            "reason": self.reason,
            "message": {"zh": self.message.zh, "en": self.message.en},
            "citation": self.citation.model_dump(mode="json", exclude_none=True),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """The alert :meth:`to_dict` described."""
        return cls(
            seq=int(data["seq"]),
            kind=AlertKind(data["kind"]),
            at=dt.datetime.fromisoformat(data["at"]),
            rule=data["rule"],
            rule_kind=data["rule_kind"],
            severity=Severity(data["severity"]),
            subject_type=data["subject"]["type"],
            subject_id=data["subject"]["id"],
            bucket=data["bucket"]["key"],
            bucket_start=dt.date.fromisoformat(data["bucket"]["start"]),
            bucket_end=dt.date.fromisoformat(data["bucket"]["end"]),
            measured=data["measured"],
            required=data["required"],
            evidence=tuple(data["evidence"]),
            detail=data["detail"],
            reason=data["reason"],
            message=Text(**data["message"]),
            citation=Citation(**data["citation"]),
        )
