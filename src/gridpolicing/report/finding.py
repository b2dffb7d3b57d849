"""A finding: the outcome of one rule for one subject in one bucket."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from gridpolicing.policy.models import Citation, Severity

__all__ = ["Finding", "Status"]


class Status(StrEnum):
    """How a subject stands against a rule in a bucket."""

    passed = "pass"
    failed = "fail"
    not_applicable = "not_applicable"
    insufficient_data = "insufficient_data"


class Finding(BaseModel):
    """One (rule, subject, bucket): status, measured and required values, evidence, citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    kind: str
    severity: Severity
    subject_type: str
    subject_id: str
    bucket: str
    bucket_start: dt.date
    bucket_end: dt.date
    status: Status
    measured: float | None
    required: float | None
    evidence: tuple[str, ...]
    detail: str | None
    citation: Citation
