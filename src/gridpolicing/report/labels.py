"""Every label of the HTML and Excel reports by key; their Chinese is in the catalogue
(:mod:`gridpolicing.i18n`, ``zh.po``), as every other word of the output."""

from __future__ import annotations

from typing import Final

from gridpolicing.i18n import LANGS, N_, translator

__all__ = ["LABELS", "LANGS", "label", "labels"]


LABELS: Final[dict[str, str]] = {
    # the page and its sections
    "report": N_("Evaluation report"),
    "summary": N_("Summary"),
    "policy": N_("Policy"),
    "jurisdiction": N_("Jurisdiction"),
    "content_hash": N_("Content hash"),
    "period": N_("Period"),
    "dataset": N_("Dataset"),
    "calendar_note": N_(
        "Part of the period is outside the official holiday calendar; Monday-Friday was "
        "used as working days there"
    ),
    "tables": N_("Tables"),
    "table": N_("Table"),
    "read": N_("Read"),
    "used": N_("Used"),
    "rejected": N_("Rejected"),
    "rejected_records": N_("Rejected input records (not used)"),
    "file": N_("File"),
    "row": N_("Row"),
    "field": N_("Field"),
    "findings": N_("Findings"),
    "status": N_("Status"),
    "severity": N_("Severity"),
    "critical": N_("critical"),
    "major": N_("major"),
    "minor": N_("minor"),
    "period_warnings": N_("Period warnings"),
    "without_findings": N_(
        "Rules without a finding in the period (neither passed nor failed; the JSON "
        "report's skipped_rules say why)"
    ),
    "unevaluated": N_("Buckets not judged"),
    "not_in_force": N_("rule not in force"),
    "data_missing": N_("no data before the period for the bucket's first days"),
    "by_station": N_("By station"),
    "by_unit": N_("By village, community or grid"),
    "station": N_("Station"),
    "no_station": N_("(no station)"),
    "unit": N_("Unit"),
    "no_unit": N_("(no unit)"),
    "units": N_("Units"),
    "failing_units": N_("Units failing"),
    "unit_type": N_("Type"),
    "failures": N_("Failures"),
    "failures_by_rule": N_("Failures by rule"),
    "failures_by_unit": N_("Failures by unit"),
    "no_failures": N_("No finding failed in this period."),
    "rule": N_("Rule"),
    "title": N_("Title"),
    "clause": N_("Clause"),
    "source": N_("Source"),
    "subject": N_("Subject"),
    "subject_type": N_("Subject type"),
    "subject_id": N_("Subject id"),
    "name": N_("Name (of a unit or a person)"),
    "bucket": N_("Bucket"),
    "bucket_start": N_("Start"),
    "bucket_end": N_("End"),
    "measured": N_("Measured"),
    "required": N_("Required"),
    "message": N_("Message"),
    "evidence": N_("Evidence"),
    "more_rows": N_("{n} more not listed here: the Excel or JSON report has them all"),
    "chart": N_("Failures by rule and month"),
    "chart_note": N_(
        "counted by the month in which the bucket ends; the number above a bar is its count"
    ),
    "rankings": N_("Assessment rankings"),
    "rollup": N_("Roll-up"),
    "rank": N_("Rank"),
    "person": N_("Name"),
    "id": N_("Id"),
    "total": N_("Total"),
    "score": N_("Score"),
    "grade": N_("Grade"),
    "vetoes": N_("Vetoes"),
    "consequences": N_("Consequences"),
    "scheme": N_("Scheme"),
    "tie": N_("tie"),
    "person_type": N_("person"),
    "unit_type_word": N_("unit"),
    "generated_by": N_(
        "Made by gridpolicing; the same policy, data and period give the same report"
    ),
}
"""Labels by key; templates and the Excel writer look them up with :func:`labels`."""


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``."""
    return translator(lang)(LABELS[key])


def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang``, for a template."""
    _ = translator(lang)
    return {k: _(v) for k, v in LABELS.items()}
