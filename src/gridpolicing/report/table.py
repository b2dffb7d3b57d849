"""Terminal rendering of a report: a summary panel and a table of failures (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gridpolicing.report.finding import Status
from gridpolicing.report.messages import fmt, message_for, without_prefix
from gridpolicing.report.ranking_table import print_assessment

if TYPE_CHECKING:
    from gridpolicing.report.report import Report

__all__ = ["print_report"]

_REASONS = {
    "not_in_force": "rule not in force",
    "data_missing": "no data before the period for the bucket's first days",
}


def print_report(report: Report, console: Console, *, lang: str = "en", limit: int = 50) -> None:
    """Print the summary, counts per rule, rejected records and up to ``limit`` failures."""
    p = report.policy
    s = report.summary()
    console.print(
        f"[bold]{p.title.get(lang)}[/bold]  ({p.id}, {p.content_hash[:19]})\n"
        f"period {report.range.label} ({report.range.start} .. {report.range.end}); "
        f"data {report.dataset.source}"
    )
    if not report.official_calendar:
        console.print(
            "[yellow]note: part of the period is outside the official holiday "
            "calendar; Monday-Friday was used as working days there[/yellow]"
        )
    for w in report.period_warnings:
        text = escape(w.message.get(lang))
        console.print(f"[bold yellow]warning: {text}[/bold yellow]", highlight=False)
    by_rule = Table(box=box.SIMPLE_HEAD, title="findings by rule")
    for col in ("rule", "severity", "pass", "fail", "n/a", "no data", "not judged"):
        by_rule.add_column(col, justify="right" if col not in ("rule", "severity") else "left")
    not_judged: dict[str, dict[str, list[str]]] = {}
    for u in report.unevaluated:
        not_judged.setdefault(u.rule, {}).setdefault(u.reason, []).append(u.bucket)
    counts: dict[int, dict[str, int]] = {}
    idx = report.findings_table.column("rule_index").to_pylist()
    sts = report.findings_table.column("status").to_pylist()
    for i, st in zip(idx, sts, strict=True):
        counts.setdefault(i, {}).setdefault(st, 0)
        counts[i][st] += 1
    for i, rule in enumerate(p.rules):
        c = counts.get(i, {})
        fail = c.get("fail", 0)
        by_rule.add_row(
            rule.id,
            rule.severity.value,
            str(c.get("pass", 0)),
            f"[red]{fail}[/red]" if fail else "0",
            str(c.get("not_applicable", 0)),
            str(c.get("insufficient_data", 0)),
            str(sum(len(v) for v in not_judged.get(rule.id, {}).values())),
        )
    console.print(by_rule)
    for rule_id, reasons in not_judged.items():
        for reason, keys in reasons.items():
            shown = ", ".join(keys[:6]) + (f" ... ({len(keys)} in all)" if len(keys) > 6 else "")
            console.print(f"not judged: {rule_id}: {_REASONS[reason]}: {shown}")
    failures = [f for f in report.findings if f.status is Status.failed]
    if failures:
        t = Table(box=box.SIMPLE_HEAD, title=f"failures ({len(failures)})")
        for col in ("rule", "subject", "bucket", "measured", "required", "message"):
            t.add_column(col, overflow="fold")
        for f in failures[:limit]:
            msg = without_prefix(message_for(p, p.rule(f.rule), f).get(lang), lang)
            t.add_row(f.rule, f.subject_id, f.bucket, fmt(f.measured), fmt(f.required), msg)
        console.print(t)
        if len(failures) > limit:
            console.print(f"... and {len(failures) - limit} more (use --format json for all)")
    _print_totals(report, console)
    print_assessment(report, console, limit, lang)
    rejected = report.dataset.rejected
    if rejected:
        console.print(
            f"[yellow]{len(rejected)} input record problem(s); those records were not "
            f"used:[/yellow]"
        )
        for r in rejected[:limit]:
            console.print(f"  {r}", markup=False)
    fs = s["failed_by_severity"]
    console.print(
        f"[bold]{s['findings']} findings[/bold]: {s['by_status']['pass']} pass, "
        f"{s['by_status']['fail']} fail (critical {fs['critical']}, major {fs['major']}, "
        f"minor {fs['minor']}), {s['by_status']['not_applicable']} not applicable, "
        f"{s['by_status']['insufficient_data']} insufficient data"
    )


def _print_totals(report: Report, console: Console) -> None:
    """Activity records by kind in the period, with the quantities they carry."""
    acts = report.activity_totals["activities"]
    if not acts:
        return
    t = Table(box=box.SIMPLE_HEAD, title="activities in the period")
    for col in ("kind", "records", "households", "services", "items", "hazards rectified"):
        t.add_column(col, justify="left" if col == "kind" else "right")
    for a in acts:
        kind = a["kind"] + (f"/{a['subkind']}" if a["subkind"] else "")
        t.add_row(
            kind,
            str(a["records"]),
            str(a["households_visited"]),
            str(a["services_done"]),
            str(a["quantity"]),
            f"{a['hazards_rectified']}/{a['hazards_found']}",
        )
    meetings = ", ".join(f"{m['kind']} {m['meetings']}" for m in report.activity_totals["meetings"])
    console.print(t)
    if meetings:
        console.print(f"meetings: {meetings}")
