"""The service's request and response bodies, as pydantic models: they make its OpenAPI document.

Each model carries an example, so a client generated from ``schemas/openapi.json`` (by a Java
team's OpenAPI generator, say) has one to test against. The report itself is documented in
docs/report-format.md; :class:`ReportBody` names its top-level keys only.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "EXAMPLE_POLICY_YAML",
    "DatasetJson",
    "DatasetPath",
    "ErrorBody",
    "ErrorResponse",
    "EvaluateRequest",
    "Health",
    "PolicyDetail",
    "PolicyList",
    "PolicySummary",
    "PolicyText",
    "ProblemOut",
    "ReportBody",
    "RuleSummary",
    "TextEn",
    "ValidateRequest",
    "ValidateResponse",
]


EXAMPLE_POLICY_YAML: Final = (
    "id: my-district\nextends: baseline-community-policing\njurisdiction: 示例区\n"
    "title: {zh: 示例区, en: Example district}\n"
    "parameter_values:\n"
    "  officers_per_office_min: 1\n  officers_per_office_max: 2\n"
    "  security_cadres_per_community_min: 1\n  auxiliaries_per_office_min: 2\n"
    "  security_team_min: 3\n  annual_reward_top_n: 2\n  annual_disqualify_bottom_n: 1\n"
)
"""A valid policy text (the baseline template with its parameters set): the examples' text."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextEn(_Model):
    """A text in Chinese and English."""

    zh: str
    en: str


class Health(_Model):
    """The service answers, and how busy it is."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "ok", "version": "0.1.0", "running": 0}]},
    )
    status: Literal["ok"]
    version: str = Field(description="The gridpolicing version")
    running: int = Field(description="Evaluations running now")


class PolicySummary(_Model):
    """One bundled policy."""

    id: str
    title: TextEn
    jurisdiction: str
    effective_from: str | None = Field(description="First day in force (ISO date)")
    effective_to: str | None = Field(description="Last day in force (ISO date), null: open")
    template: bool = Field(description="A template: a policy extending it sets its parameters")
    rules: int = Field(description="Number of rules")


_SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": "chengdu-xinjin-2022",
    "title": {"zh": "新津区村村有警", "en": "Xinjin: an officer for every village"},
    "jurisdiction": "成都市新津区",
    "effective_from": "2022-01-01",
    "effective_to": None,
    "template": False,
    "rules": 9,
}


class PolicyList(_Model):
    """The bundled policies, by id."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"policies": [_SUMMARY_EXAMPLE]}]}
    )
    policies: list[PolicySummary]


class RuleSummary(_Model):
    """One rule of a policy."""

    id: str
    kind: str
    title: TextEn
    severity: str


class PolicyDetail(PolicySummary):
    """A bundled policy and its rules (``?format=markdown|html`` renders it instead)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "content_hash": "sha256:...",
                    "rule_list": [
                        {
                            "id": "village-has-officer",
                            "kind": "coverage",
                            "title": {"zh": "每村有警", "en": "Every village has an officer"},
                            "severity": "critical",
                        }
                    ],
                }
            ]
        },
    )
    content_hash: str
    rule_list: list[RuleSummary]


class ProblemOut(_Model):
    """One thing wrong with an input, at a place a person can go to."""

    file: str = Field(description="The file, the name a text was given, or a table")
    line: int | None = Field(description="1-based line, null for a whole file or a mapping")
    column: int | None = Field(description="1-based column")
    field: str = Field(description="The value's path (rules[visit].min_hours), or empty")
    message: str


_PROBLEM_EXAMPLE: dict[str, Any] = {
    "file": "policy.yaml",
    "line": 12,
    "column": 15,
    "field": "rules[visit].severity",
    "message": "expected one of 'critical', 'major', 'minor', found 'grave'",
}


class ValidateRequest(_Model):
    """A policy text to validate, with the name its problems should give as the file."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": EXAMPLE_POLICY_YAML, "name": "policy.yaml"}]},
    )
    text: str = Field(description="The policy's YAML (JSON is YAML too)")
    name: str = Field(default="policy.yaml", min_length=1, max_length=200)


class ValidateResponse(_Model):
    """Whether the policy is valid, and every problem if not (a policy with problems is a valid
    request: the answer is 200)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"valid": False, "problems": [_PROBLEM_EXAMPLE]}]},
    )
    valid: bool
    problems: list[ProblemOut]


class PolicyText(_Model):
    """A policy given as YAML text."""

    text: str
    name: str = Field(default="policy.yaml", min_length=1, max_length=200)


class DatasetJson(_Model):
    """A dataset as JSON rows: table name to a list of records (fields as in the CSV columns,
    values as text or native JSON numbers, booleans and lists; ``attributes`` as a mapping)."""

    tables: dict[str, list[Any]]
    label: str | None = Field(default=None, description="The dataset's name in the report")


class DatasetPath(_Model):
    """A dataset on the server: a path inside a directory the operator allows (--allow-path)."""

    path: str
    label: str | None = None


class EvaluateRequest(_Model):
    """An evaluation: a policy (a bundled id or a text), a period, and a dataset (rows or a
    server-side path). An upload is a multipart/form-data request instead (see the docs)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "policy": "chengdu-xindu-2022",
                    "period": "2022-01",
                    "dataset": {
                        "tables": {
                            "units": [{"id": "v001", "type": "locality", "name": "一村"}],
                            "people": [],
                            "assignments": [],
                        }
                    },
                }
            ]
        },
    )
    policy: str | PolicyText = Field(description="A bundled policy id, or {text, name}")
    period: str = Field(description="As the CLI takes it: 2022, 2022-03, 2022-Q1, 2022-W11 ...")
    dataset: DatasetJson | DatasetPath
    evidence: Literal["failing", "all"] = "failing"


class ReportBody(BaseModel):
    """The report, exactly as ``gridpolicing evaluate --format json`` writes it
    (docs/report-format.md); rejected input records are in ``dataset.rejected``."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "format": "gridpolicing.report/1",
                    "policy": {"id": "chengdu-xindu-2022"},
                    "period": {"label": "2022-01", "start": "2022-01-01", "end": "2022-01-31"},
                    "period_warnings": [],
                    "dataset": {"source": "data", "tables": {}, "rejected": []},
                    "summary": {},
                    "findings": [],
                }
            ]
        },
    )
    format: str
    policy: dict[str, Any]
    period: dict[str, Any]
    period_warnings: list[Any]
    dataset: dict[str, Any]
    summary: dict[str, Any]
    findings: list[dict[str, Any]]


class ErrorBody(_Model):
    """What went wrong: a stable code, a sentence, and the problems of the input if any."""

    code: str = Field(description="bad_request, not_found, too_large, invalid_input, ...")
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)


class ErrorResponse(_Model):
    """The body of every 4xx and 5xx answer."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "invalid_input",
                        "message": "1 problem in policy",
                        "problems": [_PROBLEM_EXAMPLE],
                    }
                }
            ]
        },
    )
    error: ErrorBody
