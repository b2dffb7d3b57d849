"""Reports: findings, summaries, JSON and terminal renderings."""

from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.report import Report

__all__ = ["Finding", "Report", "Status"]
