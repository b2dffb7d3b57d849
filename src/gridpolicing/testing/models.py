"""The policy-test file format (``*.test.yaml``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gridpolicing.policy.values import PolicyModel
from gridpolicing.report.finding import Status

__all__ = ["Expectation", "TestCase", "TestFile"]


class Expectation(PolicyModel):
    """Findings of ``rule`` for ``subject`` (in ``bucket``, or every bucket) have ``status``.

    ``measured`` and ``required``, when given, must match within ``margin``.
    """

    rule: str
    subject: str
    bucket: str | None = None
    status: Status
    measured: float | None = None
    required: float | None = None
    margin: float = Field(default=1e-9, ge=0)


class TestCase(PolicyModel):
    """One case: data added to the file's ``base_data``, a period, and what must be found."""

    name: str = Field(min_length=1)
    period: str
    data: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    remove: dict[str, list[str]] = Field(
        default_factory=dict, description="Ids of base_data records to leave out, per table"
    )
    rules: list[str] | None = Field(default=None, description="Evaluate only these rules")
    expect: list[Expectation] = Field(min_length=1)
    note: str | None = None


class TestFile(PolicyModel):
    """A file of cases for one policy."""

    policy: str = Field(description="Policy id, or a path relative to this file")
    base_data: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    cases: list[TestCase] = Field(min_length=1)
