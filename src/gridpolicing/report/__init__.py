"""Reports: findings, summaries, the period guard, JSON and terminal renderings."""

from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.period_guard import PeriodWarning, TableSpan, WarningCode
from gridpolicing.report.report import Report

__all__ = ["Finding", "PeriodWarning", "Report", "Status", "TableSpan", "WarningCode"]
