"""The Report: findings held columnar, a summary, rejected input records, JSON and tables."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Final, final

from gridpolicing.assessment.result import AssessmentOutcome
from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.paths import policy_paths
from gridpolicing.report.period_guard import PeriodWarning, TableSpan, period_warnings

if TYPE_CHECKING:
    import pyarrow as pa

    from gridpolicing.engine.periods import DateRange
    from gridpolicing.engine.window import Unevaluated
    from gridpolicing.io.dataset import Dataset, DatasetSummary
    from gridpolicing.policy.document import Policy
    from gridpolicing.report.subjects import SubjectInfo, SubjectKey

__all__ = ["REPORT_FORMAT", "Report", "SkippedRule"]

REPORT_FORMAT: Final = "gridpolicing.report/1"


@final
@dataclass(frozen=True, slots=True)
class SkippedRule:
    """A rule that produced no finding in the range, and why."""

    rule: str
    reason: str


@final
class Report:
    """What an evaluation found. Findings stay in an Arrow table until asked for one by one."""

    __slots__ = (
        "activity_totals",
        "assessment",
        "dataset",
        "evidence",
        "findings_table",
        "official_calendar",
        "paths",
        "period_warnings",
        "policy",
        "range",
        "skipped",
        "spans",
        "subjects",
        "unevaluated",
    )

    def __init__(
        self,
        *,
        policy: Policy,
        dataset: Dataset | DatasetSummary,
        range: DateRange,
        findings_table: pa.Table,
        skipped: tuple[SkippedRule, ...],
        official_calendar: bool,
        spans: tuple[TableSpan, ...],
        unevaluated: tuple[Unevaluated, ...] = (),
        assessment: AssessmentOutcome | None = None,
        activity_totals: dict[str, list[Any]] | None = None,
        evidence: str = "all",
        subjects: Mapping[SubjectKey, SubjectInfo] | None = None,
    ) -> None:
        self.policy = policy
        self.dataset = dataset
        self.range = range
        self.findings_table = findings_table
        self.skipped = skipped
        self.unevaluated = unevaluated
        """Buckets ending in the period that a rule could not be judged for, and why."""
        self.official_calendar = official_calendar
        self.spans = spans
        """Each dated table's first and last date, rows, and rows in the period."""
        self.period_warnings: tuple[PeriodWarning, ...] = period_warnings(spans, range)
        """Why the period cannot be judged on this dataset (no activities, no assignment in
        force); empty when it can."""
        # Named now, in the working directory the policy was loaded in (see policy_paths).
        self.paths = policy_paths(policy)
        self.assessment = assessment or AssessmentOutcome()
        self.evidence = evidence
        """Which findings list the ids of their records: ``failing`` or ``all``."""
        self.activity_totals = activity_totals or {"activities": [], "meetings": []}
        """Activity records (and their households, services, items and hazards) and meetings
        in the period, by kind and subkind."""
        self.subjects: Mapping[SubjectKey, SubjectInfo] = subjects or {}
        """Each finding subject's name, unit and station, for the HTML and Excel reports
        (not in the JSON report: ids are what it is keyed by)."""

    def __len__(self) -> int:
        return int(self.findings_table.num_rows)

    @property
    def findings(self) -> Iterator[Finding]:
        """Every finding, ordered by rule (policy order), subject and bucket."""
        # batch by batch, so a year's findings are never all Python objects at once
        for batch in self.findings_table.to_batches():
            for row in batch.to_pylist():
                yield self._finding(row)

    def _finding(self, row: dict[str, Any]) -> Finding:
        """The Finding of a row of :attr:`findings_table`."""
        rule = self.policy.rules[row.pop("rule_index")]
        return Finding(
            rule=rule.id,
            kind=rule.kind,
            severity=rule.severity,
            citation=rule.citation,
            **{**row, "evidence": tuple(row["evidence"] or ())},
        )

    def for_subject(self, subject: str) -> list[Finding]:
        """The findings of one subject (a unit or person id), in report order."""
        ids = self.findings_table.column("subject_id").to_pylist()
        rows = [i for i, s in enumerate(ids) if s == subject]
        if not rows:
            return []
        return [self._finding(row) for row in self.findings_table.take(rows).to_pylist()]

    def message(self, finding: Finding, lang: str = "zh") -> str:
        """The finding in one sentence, in ``lang`` (``zh`` or ``en``), from its rule's kind."""
        from gridpolicing.report.messages import message_for

        return message_for(self.policy, self.policy.rule(finding.rule), finding).get(lang)

    def failures(self) -> list[Finding]:
        """The failed findings."""
        return [f for f in self.findings if f.status is Status.failed]

    def summary(self) -> dict[str, Any]:
        """Counts by status, and failures by severity."""
        statuses: Counter[str] = Counter()
        by_severity: Counter[str] = Counter()
        rules = self.policy.rules
        idx = self.findings_table.column("rule_index").to_pylist()
        status = self.findings_table.column("status").to_pylist()
        for i, s in zip(idx, status, strict=True):
            statuses[s] += 1
            if s == Status.failed.value:
                by_severity[rules[i].severity.value] += 1
        return {
            "findings": len(status),
            "by_status": {s.value: statuses.get(s.value, 0) for s in Status},
            "failed_by_severity": {
                k: by_severity.get(k, 0) for k in ("critical", "major", "minor")
            },
            "rules": len(rules),
            "rules_without_findings": len(self.skipped),
        }

    def worst_failed_severity(self) -> str | None:
        """``critical``, ``major`` or ``minor``: the most severe failure, if any."""
        failed = self.summary()["failed_by_severity"]
        for sev in ("critical", "major", "minor"):
            if failed[sev]:
                return sev
        return None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data; see docs/report-format.md for the shape."""
        from gridpolicing.report.messages import message_for

        p = self.policy
        findings = []
        for f in self.findings:
            rule = p.rule(f.rule)
            msg = message_for(p, rule, f)
            findings.append(
                {
                    "rule": f.rule,
                    "severity": f.severity.value,
                    "subject": {"type": f.subject_type, "id": f.subject_id},
                    "bucket": {
                        "key": f.bucket,
                        "start": f.bucket_start.isoformat(),
                        "end": f.bucket_end.isoformat(),
                    },
                    "status": f.status.value,
                    "measured": f.measured,
                    "required": f.required,
                    "evidence": list(f.evidence),
                    "detail": f.detail,
                    "message": {"zh": msg.zh, "en": msg.en},
                    "citation": {"source": f.citation.source, "clause": f.citation.clause},
                }
            )
        return {
            "format": REPORT_FORMAT,
            "policy": {
                "id": p.id,
                "jurisdiction": p.jurisdiction,
                "content_hash": p.content_hash,
                "files": list(self.paths.files),
            },
            "period": {
                "label": self.range.label,
                "start": self.range.start.isoformat(),
                "end": self.range.end.isoformat(),
            },
            "period_warnings": [w.to_dict() for w in self.period_warnings],
            "calendar": {"official": self.official_calendar},
            "evidence": self.evidence,
            "dataset": {
                "source": self.dataset.label,
                "tables": {
                    name: {"read": c.read, "used": c.used, "rejected": c.rejected}
                    for name, c in sorted(self.dataset.counts.items())
                },
                "spans": {s.table: s.to_dict() for s in self.spans},
                "rejected": [
                    {
                        "file": self.dataset.relative_file(r.file),
                        "row": r.row,
                        "table": r.table,
                        "id": r.record_id,
                        "field": r.field,
                        "message": r.message,
                    }
                    for r in self.dataset.rejected
                ],
            },
            "summary": self.summary(),
            "activity_totals": self.activity_totals,
            "rules": [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "severity": r.severity.value,
                    "title": {"zh": r.title.zh, "en": r.title.en},
                    "citation": r.citation.model_dump(mode="json", exclude_none=True),
                    "origin": self.paths.origins.get(r.id),
                }
                for r in p.rules
            ],
            "skipped_rules": [{"rule": s.rule, "reason": s.reason} for s in self.skipped],
            "unevaluated": [
                {
                    "rule": u.rule,
                    "bucket": {
                        "key": u.bucket,
                        "start": u.start.isoformat(),
                        "end": u.end.isoformat(),
                    },
                    "reason": u.reason,
                }
                for u in self.unevaluated
            ],
            "findings": findings,
            "assessment": self._assessment_dict(),
        }

    def _assessment_dict(self) -> dict[str, Any] | None:
        a = self.assessment
        if not a.schemes:
            return None
        return {
            "schemes": [
                {
                    "id": sid,
                    "results": [s.to_dict() for s in a.scores if s.scheme == sid],
                    "rollups": [r.to_dict() for r in a.rollups if r.scheme == sid],
                }
                for sid in a.schemes
            ]
        }

    def to_html(self, *, lang: str = "zh") -> str:
        """The report as one self-contained HTML page for people (report/html.py)."""
        from gridpolicing.report.html import render_html

        return render_html(self, lang=lang)

    def to_xlsx(self, target: str | os.PathLike[str] | BinaryIO, *, lang: str = "zh") -> None:
        """Write the report as an Excel workbook to a path or a binary file (report/xlsx.py)."""
        from gridpolicing.report.xlsx import write_xlsx

        write_xlsx(self, target, lang=lang)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Deterministic JSON: the same policy, data and period give the same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False) + "\n"
