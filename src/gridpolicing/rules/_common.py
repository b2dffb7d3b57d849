"""Small SQL helpers shared by the built-in rule kinds."""

from __future__ import annotations

from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.report.messages import STATUS_WORDS, fmt

__all__ = ["compare_status", "subject_words", "verdict"]


def compare_status(measured: str, required: str, op: str = ">=", applicable: str = "TRUE") -> str:
    """SQL CASE giving the status of ``measured op required``.

    NULL ``required`` (a dated value not in force) gives ``not_applicable``; NULL ``measured``
    gives ``insufficient_data``; ``applicable`` false gives ``not_applicable``.
    """
    return (
        f"CASE WHEN NOT ({applicable}) OR ({required}) IS NULL THEN 'not_applicable' "
        f"WHEN ({measured}) IS NULL THEN 'insufficient_data' "
        f"WHEN ({measured}) {op} ({required}) THEN 'pass' ELSE 'fail' END"
    )


def subject_words(finding: Finding) -> Text:
    """``社区民警 p1`` style naming of the finding's subject."""
    if finding.subject_type == "person":
        return Text(zh=f"人员 {finding.subject_id}", en=f"person {finding.subject_id}")
    return Text(zh=f"单位 {finding.subject_id}", en=f"unit {finding.subject_id}")


def verdict(finding: Finding, zh: str, en: str) -> Text:
    """Prefix a sentence with the subject, bucket and status: ``[fail] person p1, 2022-W05: ...``.

    ``zh`` and ``en`` may use ``{measured}``, ``{required}`` and ``{detail}``.
    """
    who = subject_words(finding)
    words = STATUS_WORDS[finding.status.value]
    values = {
        "measured": fmt(finding.measured),
        "required": fmt(finding.required),
        "detail": finding.detail or "",
    }
    return Text(
        zh=f"[{words.zh}] {who.zh},{finding.bucket}:{zh.format(**values)}",
        en=f"[{words.en}] {who.en}, {finding.bucket}: {en.format(**values)}",
    )
