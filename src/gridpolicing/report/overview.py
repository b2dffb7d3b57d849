"""What the HTML and Excel reports show, worked out once from a Report in one language.

Rows are plain values (words, names, numbers as people write them); the renderers only lay them
out. Every order is fixed (policy order, then ids), so the same report gives the same output.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, final

from gridpolicing.report.finding import Status
from gridpolicing.report.labels import label
from gridpolicing.report.messages import STATUS_WORDS, fmt, message_for, without_prefix
from gridpolicing.report.subjects import SubjectInfo

if TYPE_CHECKING:
    from gridpolicing.report.finding import Finding
    from gridpolicing.report.report import Report

__all__ = [
    "FindingRow",
    "RuleFailures",
    "UnitCounts",
    "UnitFailures",
    "finding_rows",
    "rule_failures",
    "station_counts",
    "unit_counts",
    "unit_failures",
]

STATUSES: Final = tuple(s.value for s in Status)
_NOBODY: Final = SubjectInfo()


@final
@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding in words: the rule, who (name, unit, station), the bucket and the outcome."""

    rule: str
    title: str
    severity: str
    subject_type: str
    subject_id: str
    name: str
    unit: str
    unit_name: str
    station: str
    station_name: str
    bucket: str
    bucket_start: dt.date
    bucket_end: dt.date
    status: str
    status_word: str
    measured: str
    required: str
    measured_value: float | None
    required_value: float | None
    message: str
    clause: str
    citation: str
    evidence: tuple[str, ...]

    @property
    def who(self) -> str:
        """``王强 (p1)``, or the id alone when the dataset has no name."""
        return f"{self.name} ({self.subject_id})" if self.name else self.subject_id


def finding_rows(report: Report, lang: str, *, failed_only: bool = False) -> Iterator[FindingRow]:
    """The report's findings (or its failures) in report order, one at a time."""
    for f in report.findings:
        if failed_only and f.status is not Status.failed:
            continue
        yield _row(report, f, lang)


def _row(report: Report, f: Finding, lang: str) -> FindingRow:
    policy = report.policy
    rule = policy.rule(f.rule)
    info = report.subjects.get((f.subject_type, f.subject_id), _NOBODY)
    msg = without_prefix(message_for(policy, rule, f).get(lang), lang)
    cite = f.citation.source + (f" {f.citation.clause}" if f.citation.clause else "")
    return FindingRow(
        rule=f.rule,
        title=rule.title.get(lang),
        severity=f.severity.value,
        subject_type=f.subject_type,
        subject_id=f.subject_id,
        name=info.name,
        unit=info.unit or "",
        unit_name=info.unit_name,
        station=info.station or "",
        station_name=info.station_name,
        bucket=f.bucket,
        bucket_start=f.bucket_start,
        bucket_end=f.bucket_end,
        status=f.status.value,
        status_word=STATUS_WORDS[f.status.value].get(lang),
        measured=fmt(f.measured),
        required=fmt(f.required),
        measured_value=f.measured,
        required_value=f.required,
        message=msg,
        clause=rule.citation.quote,
        citation=cite,
        evidence=f.evidence,
    )


@final
@dataclass(slots=True)
class RuleFailures:
    """A rule's failures, with its title and the clause it encodes quoted verbatim."""

    rule: str
    title: str
    severity: str
    quote: str
    citation: str
    rows: list[FindingRow] = field(default_factory=list)


@final
@dataclass(slots=True)
class UnitFailures:
    """The failures of one unit's findings and of its people's."""

    unit: str
    unit_name: str
    station_name: str
    rows: list[FindingRow] = field(default_factory=list)


def rule_failures(report: Report, lang: str) -> list[RuleFailures]:
    """The failures grouped by rule, in policy order; rules without a failure left out."""
    by_rule = {
        r.id: RuleFailures(
            r.id,
            r.title.get(lang),
            r.severity.value,
            r.citation.quote,
            r.citation.source + (f" {r.citation.clause}" if r.citation.clause else ""),
        )
        for r in report.policy.rules
    }
    for row in finding_rows(report, lang, failed_only=True):
        by_rule[row.rule].rows.append(row)
    return [g for g in by_rule.values() if g.rows]


def unit_failures(groups: list[RuleFailures], lang: str) -> list[UnitFailures]:
    """The same failures grouped by unit (station name, unit name, id), each in rule order."""
    out: dict[str, UnitFailures] = {}
    for g in groups:
        for row in g.rows:
            unit = out.get(row.unit)
            if unit is None:
                unit = out[row.unit] = UnitFailures(
                    row.unit, row.unit_name, row.station_name or label("no_station", lang)
                )
            unit.rows.append(row)
    return sorted(out.values(), key=lambda u: (u.station_name, u.unit_name, u.unit))


@final
@dataclass(slots=True)
class UnitCounts:
    """Findings by status for one unit (its own and its people's), or for one station."""

    key: str
    name: str
    station: str
    station_name: str
    unit_type: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    units: set[str] = field(default_factory=set)
    failing_units: set[str] = field(default_factory=set)

    def get(self, status: str) -> int:
        """How many findings of ``status``."""
        return self.counts.get(status, 0)


def unit_counts(report: Report) -> list[UnitCounts]:
    """Findings by status per unit (a person's count for their unit), by station then name."""
    out: dict[str, UnitCounts] = {}
    table = report.findings_table
    for kind, ident, status in zip(
        table.column("subject_type").to_pylist(),
        table.column("subject_id").to_pylist(),
        table.column("status").to_pylist(),
        strict=True,
    ):
        info = report.subjects.get((kind, ident), _NOBODY)
        key = info.unit or ""
        unit = out.get(key)
        if unit is None:
            unit = out[key] = UnitCounts(
                key, info.unit_name, info.station or "", info.station_name, info.unit_type or ""
            )
        unit.counts[status] += 1
    return sorted(out.values(), key=lambda u: (u.station_name, u.station, u.name, u.key))


def station_counts(units: list[UnitCounts]) -> list[UnitCounts]:
    """The units' counts added up by station, with how many units each has and how many fail."""
    out: dict[str, UnitCounts] = {}
    for u in units:
        st = out.get(u.station)
        if st is None:
            st = out[u.station] = UnitCounts(u.station, u.station_name, u.station, u.station_name)
        st.counts.update(u.counts)
        st.units.add(u.key)
        if u.get(Status.failed.value):
            st.failing_units.add(u.key)
    return sorted(out.values(), key=lambda s: (s.name, s.key))
