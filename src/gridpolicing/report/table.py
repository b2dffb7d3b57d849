"""Terminal rendering of a report: a summary panel and a table of failures (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gridpolicing.i18n import N_, SEVERITIES, translator
from gridpolicing.report.finding import Status
from gridpolicing.report.messages import message_for, without_prefix
from gridpolicing.report.ranking_table import print_assessment

if TYPE_CHECKING:
    from gridpolicing.report.report import Report

__all__ = ["print_report"]

_REASONS = {
    "not_in_force": N_("rule not in force"),
    "data_missing": N_("no data before the period for the bucket's first days"),
}


def print_report(report: Report, console: Console, *, lang: str = "en", limit: int = 10) -> None:
    """Print the summary, counts per rule, the ``limit`` most severe failures, the top and
    bottom of each ranking (``limit`` rows in all) and the first ``limit`` rejected records."""
    _ = translator(lang)
    p = report.policy
    s = report.summary()
    rng = report.range
    console.print(
        f"[bold]{p.title.get(lang)}[/bold]  ({p.id}, {p.content_hash[:19]})\n"
        + _(
            "period {label} ({start} .. {end}); data {source}",
            label=rng.label,
            start=rng.start,
            end=rng.end,
            source=report.dataset.source,
        )
    )
    if not report.official_calendar:
        note = _(
            "note: part of the period is outside the official holiday calendar; "
            "Monday-Friday was used as working days there"
        )
        console.print(f"[yellow]{escape(note)}[/yellow]")
    for w in report.period_warnings:
        text = escape(_("warning: {message}", message=w.message.get(lang)))
        console.print(f"[bold yellow]{text}[/bold yellow]", highlight=False)
    by_rule = Table(box=box.SIMPLE_HEAD, title=_("findings by rule"))
    heads = (
        _("rule"),
        _("severity"),
        _("pass"),
        _("fail"),
        _("n/a"),
        _("no data"),
        _("not judged"),
    )
    for i, col in enumerate(heads):
        by_rule.add_column(col, justify="left" if i < 2 else "right")
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
            _(SEVERITIES[rule.severity.value]),
            str(c.get("pass", 0)),
            f"[red]{fail}[/red]" if fail else "0",
            str(c.get("not_applicable", 0)),
            str(c.get("insufficient_data", 0)),
            str(sum(len(v) for v in not_judged.get(rule.id, {}).values())),
        )
    console.print(by_rule)
    for rule_id, reasons in not_judged.items():
        for reason, keys in reasons.items():
            shown = ", ".join(keys[:6])
            if len(keys) > 6:
                shown += _(" ... ({n} in all)", n=len(keys))
            line = _(
                "not judged: {rule}: {reason}: {buckets}",
                rule=rule_id,
                reason=_(_REASONS[reason]),
                buckets=shown,
            )
            console.print(escape(line))
    order = list(SEVERITIES)
    failures = sorted(
        (f for f in report.findings if f.status is Status.failed),
        key=lambda f: order.index(f.severity.value),  # stable: report order within a severity
    )
    if failures:
        t = Table(box=box.SIMPLE_HEAD, title=_("failures ({n})", n=len(failures)))
        # The kind's sentence states the breach (4 communities, at most 3); a measured and a
        # required column would show a kind's internal count (1 / 1) beside it.
        for col in (_("rule"), _("subject"), _("bucket"), _("what is wrong")):
            t.add_column(col, overflow="fold")
        for f in failures[:limit]:
            msg = without_prefix(message_for(p, p.rule(f.rule), f).get(lang), lang)
            t.add_row(f.rule, f.subject_id, f.bucket, msg)
        console.print(t)
        if len(failures) > limit:
            more = _(
                "... and {n} more (--limit shows more; --format html or json shows all)",
                n=len(failures) - limit,
            )
            console.print(escape(more))
    _print_totals(report, console, lang)
    print_assessment(report, console, limit, lang)
    rejected = report.dataset.rejected
    if rejected:
        head = _("{n} input record problem(s); those records were not used:", n=len(rejected))
        console.print(f"[yellow]{escape(head)}[/yellow]")
        for r in rejected[:limit]:
            console.print(f"  {r}", markup=False)
    fs, st = s["failed_by_severity"], s["by_status"]
    line = _(
        "{findings} findings: {passed} pass, {failed} fail (critical {critical}, major {major}, "
        "minor {minor}), {na} not applicable, {nodata} insufficient data",
        findings=s["findings"],
        passed=st["pass"],
        failed=st["fail"],
        critical=fs["critical"],
        major=fs["major"],
        minor=fs["minor"],
        na=st["not_applicable"],
        nodata=st["insufficient_data"],
    )
    console.print(f"[bold]{escape(line)}[/bold]")


def _print_totals(report: Report, console: Console, lang: str) -> None:
    """Activity records by kind in the period, with the quantities they carry."""
    _ = translator(lang)
    acts = report.activity_totals["activities"]
    if not acts:
        return
    t = Table(box=box.SIMPLE_HEAD, title=_("activities in the period"))
    heads = (
        _("kind"),
        _("number of records"),
        _("households"),
        _("services"),
        _("items"),
        _("hazards rectified"),
    )
    for i, col in enumerate(heads):
        t.add_column(col, justify="left" if i == 0 else "right")
    vocabulary = report.policy.vocabulary
    for a in acts:
        kind = vocabulary.term_name("activity_kinds", a["kind"], lang)
        kind += f"/{a['subkind']}" if a["subkind"] else ""
        t.add_row(
            kind,
            str(a["records"]),
            str(a["households_visited"]),
            str(a["services_done"]),
            str(a["quantity"]),
            f"{a['hazards_rectified']}/{a['hazards_found']}",
        )
    meetings = ", ".join(
        f"{vocabulary.term_name('meeting_kinds', m['kind'], lang)} {m['meetings']}"
        for m in report.activity_totals["meetings"]
    )
    console.print(t)
    if meetings:
        console.print(escape(_("meetings: {meetings}", meetings=meetings)))
