"""The policy-test file format (``*.test.yaml``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from gridpolicing.policy.values import PolicyModel
from gridpolicing.report.finding import Status

__all__ = ["AssessmentExpectation", "Expectation", "TestCase", "TestFile"]


class Expectation(PolicyModel):
    """Findings of ``rule`` for ``subject`` (in ``bucket``, or every bucket) have ``status``.

    ``measured`` and ``required``, when given, must match within ``margin``. Numbers are finite
    (the policy models refuse infinity and NaN): a NaN expected could never fail, an infinite
    margin would accept anything.
    """

    rule: str
    subject: str
    bucket: str | None = None
    status: Status
    measured: float | None = None
    required: float | None = None
    margin: float = Field(default=1e-9, ge=0)


class AssessmentExpectation(PolicyModel):
    """The assessment result of ``subject`` in ``scheme`` (in ``bucket``, or every bucket).

    With ``rollup: true`` the expectation is about the roll-up (e.g. the year) instead.
    """

    scheme: str
    subject: str
    bucket: str | None = None
    rollup: bool = False
    total: float | None = None
    status: str | None = None
    grade: str | None = None
    rank: int | None = None
    consequences: list[str] | None = None
    margin: float = Field(default=1e-6, ge=0)


class TestCase(PolicyModel):
    """One case: data added to the file's ``base_data``, a period, and what must be found."""

    name: str = Field(min_length=1)
    period: str
    data: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    remove: dict[str, list[str]] = Field(
        default_factory=dict, description="Ids of base_data records to leave out, per table"
    )
    rules: list[str] | None = Field(default=None, description="Evaluate only these rules")
    expect: list[Expectation] = Field(default_factory=list)
    expect_assessment: list[AssessmentExpectation] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _expects_something(self) -> TestCase:
        if not self.expect and not self.expect_assessment:
            raise ValueError("a case needs expect or expect_assessment")
        return self


class TestFile(PolicyModel):
    """A file of cases for one policy."""

    policy: str = Field(description="Policy id, or a path relative to this file")
    base_data: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    cases: list[TestCase] = Field(min_length=1)
