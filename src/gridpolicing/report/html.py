"""The report as one self-contained HTML page: inline CSS and SVG, no script, works offline.

Rendered with Jinja2 from the package's templates (autoescape on: names, messages and clauses
come from data files). Nothing in the page depends on the clock or the machine, and every list
is in a fixed order, so the same report gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Final

import jinja2

from gridpolicing.errors import UsageError
from gridpolicing.report.chart import failure_chart
from gridpolicing.report.labels import LANGS, label, labels
from gridpolicing.report.messages import STATUS_WORDS
from gridpolicing.report.overview import (
    STATUSES,
    rule_failures,
    station_counts,
    unit_counts,
    unit_failures,
)
from gridpolicing.report.rankings import ranking_tables

if TYPE_CHECKING:
    from gridpolicing.report.report import Report

__all__ = ["ROWS_SHOWN", "check_lang", "render_html"]

ROWS_SHOWN: Final = 500
"""At most this many rows per group of failures or ranking table; the rest are counted, and
the Excel and JSON reports list them all (a year's page stays a few megabytes at most)."""

_ENV: Final = jinja2.Environment(
    loader=jinja2.PackageLoader("gridpolicing.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def check_lang(lang: str) -> None:
    """Refuse a language the reports have no labels for."""
    if lang not in LANGS:
        raise UsageError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


def render_html(report: Report, *, lang: str = "zh") -> str:
    """The page for ``report`` in ``lang`` (``zh`` or ``en``)."""
    check_lang(lang)
    return _ENV.get_template("report.html.j2").render(context(report, lang))


def context(report: Report, lang: str) -> dict[str, Any]:
    """Everything the template shows, in ``lang``."""
    p = report.policy
    groups = rule_failures(report, lang)
    units = unit_counts(report)
    not_judged: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for u in report.unevaluated:
        not_judged[u.rule][u.reason].append(u.bucket)
    summary = report.summary()
    return {
        "lang": lang,
        "L": labels(lang),
        "policy": p,
        "title": p.title.get(lang),
        "report": report,
        "summary": summary,
        "statuses": [(s, STATUS_WORDS[s].get(lang), summary["by_status"][s]) for s in STATUSES],
        "severities": [
            (s, label(s, lang), summary["failed_by_severity"][s])
            for s in ("critical", "major", "minor")
        ],
        "tables": sorted(report.dataset.counts.items()),
        "rejected": [(report.dataset.relative_file(r.file), r) for r in report.dataset.rejected][
            :ROWS_SHOWN
        ],
        "rejected_total": len(report.dataset.rejected),
        "warnings": [w.message.get(lang) for w in report.period_warnings],
        "not_judged": [
            (rule, [(label(reason, lang), keys) for reason, keys in reasons.items()])
            for rule, reasons in not_judged.items()
        ],
        "without_findings": [(s.rule, p.rule(s.rule).title.get(lang)) for s in report.skipped],
        "stations": station_counts(units),
        "units": units,
        "status_keys": STATUSES,
        "groups": groups,
        "by_unit": unit_failures(groups, lang),
        "chart": failure_chart(report, groups),
        "rankings": ranking_tables(report, lang),
        "shown": ROWS_SHOWN,
    }
