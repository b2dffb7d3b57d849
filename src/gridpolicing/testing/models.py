"""The policy-test file format (``*.test.yaml``)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from gridpolicing.policy.values import PolicyModel
from gridpolicing.report.finding import Status

__all__ = ["AssessmentExpectation", "Expectation", "TestCase", "TestFile"]


def _year_as_text(value: Any) -> Any:
    """A period or bucket written as a bare year (``period: 2022``) is read as its text: YAML
    types it as a number, but ``2022`` means the year, as on the command line."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    return value


PeriodText = Annotated[str, BeforeValidator(_year_as_text)]


class Expectation(PolicyModel):
    """Findings of ``rule`` for ``subject`` (in ``bucket``, or every bucket) have ``status``.

    ``measured`` and ``required``, when given, must match within ``margin``. Numbers are finite
    (the policy models refuse infinity and NaN): a NaN expected could never fail, an infinite
    margin would accept anything.
    """

    rule: str
    subject: str
    bucket: PeriodText | None = None
    status: Status | None = None
    absent: bool = Field(
        default=False,
        description="true: the rule has no finding for this subject (it is not one of the "
        "rule's subjects, e.g. a village where the rule is about urban communities)",
    )
    measured: float | None = None
    required: float | None = None
    margin: float = Field(default=1e-9, ge=0)

    @model_validator(mode="after")
    def _status_or_absent(self) -> Expectation:
        if (self.status is None) != self.absent:
            raise ValueError("expected exactly one of status, absent: true")
        return self


class AssessmentExpectation(PolicyModel):
    """The assessment result of ``subject`` in ``scheme`` (in ``bucket``, or every bucket).

    With ``rollup: true`` the expectation is about the roll-up (e.g. the year) instead.
    ``absent: true`` says the scheme has no result for the subject at all. ``consequences``
    lists the ids of the declared consequences the result brought (and, for a roll-up, its
    built-in ones: reward, adjustment ...), in any order.
    """

    scheme: str
    subject: str
    bucket: PeriodText | None = None
    rollup: bool = False
    absent: bool = Field(
        default=False,
        description="true: the scheme has no result for this subject (it is not one of the "
        "scheme's subjects, e.g. a role the text gives no assessment items)",
    )
    total: float | None = None
    status: str | None = None
    grade: str | None = None
    rank: int | None = None
    consequences: list[str] | None = None
    margin: float = Field(default=1e-6, ge=0)

    @model_validator(mode="after")
    def _nothing_expected_of_an_absent_result(self) -> AssessmentExpectation:
        # a value expected of a result that must not exist could never be checked
        named = (self.total, self.status, self.grade, self.rank, self.consequences)
        if self.absent and any(v is not None for v in named):
            raise ValueError("absent: true expects no total, status, grade, rank or consequences")
        if self.rollup and self.status is not None:
            # a roll-up has a grade (e.g. unsatisfactory), not a status: never checked silently
            raise ValueError("a roll-up has no status; expect its grade or consequences")
        return self


class TestCase(PolicyModel):
    """One case: data added to the file's ``base_data``, a period, and what must be found."""

    name: str = Field(min_length=1)
    period: PeriodText
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
    covers: list[str] | None = Field(
        default=None,
        description="The rules and schemes this file must test with pass and fail cases "
        "(absent: every one of the policy's); a file for one rule of a policy that extends "
        "another names it",
    )
    cases: list[TestCase] = Field(min_length=1)
