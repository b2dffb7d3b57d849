"""The report as an Excel workbook: summary, failures, units, rankings and every finding.

Written with XlsxWriter in constant-memory mode, so a year's report (some 100,000 findings)
streams row by row. Each sheet has a frozen header row, set column widths and an autofilter.
The workbook's creation time is fixed (the period's last day), so the same report gives the
same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from gridpolicing.report.html import check_lang
from gridpolicing.report.labels import label
from gridpolicing.report.messages import STATUS_WORDS
from gridpolicing.report.overview import (
    STATUSES,
    FindingRow,
    finding_rows,
    station_counts,
    unit_counts,
)
from gridpolicing.report.rankings import ranking_tables

if TYPE_CHECKING:
    from gridpolicing.report.report import Report

__all__ = ["FINDING_COLUMNS", "SHEETS", "write_xlsx"]

SHEETS: Final = {
    "summary": ("概要", "summary"),
    "failures": ("未通过", "failures"),
    "units": ("单位", "units"),
    "rankings": ("排名", "rankings"),
    "findings": ("全部结果", "findings"),
}
"""Each sheet's name in zh and en, in workbook order."""

_CELL_MAX: Final = 32767  # Excel's limit on the characters of one cell

FINDING_COLUMNS: Final = (
    ("rule", 24),
    ("title", 30),
    ("severity", 9),
    ("subject_type", 9),
    ("subject_id", 14),
    ("name", 16),
    ("unit", 14),
    ("station", 16),
    ("bucket", 11),
    ("bucket_start", 11),
    ("bucket_end", 11),
    ("status", 9),
    ("measured", 9),
    ("required", 9),
    ("message", 60),
    ("clause", 60),
    ("source", 18),
    ("evidence", 30),
)
"""The columns of the failures and findings sheets (label key, width in characters)."""


def write_xlsx(
    report: Report, target: str | os.PathLike[str] | BinaryIO, *, lang: str = "zh"
) -> None:
    """Write ``report`` as a workbook to a path or a binary file, labels in ``lang``."""
    check_lang(lang)
    if not isinstance(target, str | os.PathLike):
        _to_file(report, target, lang)
        return
    # opened here, so a missing folder is an OSError before anything is written
    with open(target, "wb") as fh:
        try:
            _to_file(report, fh, lang)
        except BaseException:
            fh.close()
            with contextlib.suppress(OSError):
                os.remove(target)  # no half-written workbook left behind
            raise


def _to_file(report: Report, fh: BinaryIO, lang: str) -> None:
    book = xlsxwriter.Workbook(fh, {"constant_memory": True, "strings_to_numbers": False})
    try:
        _write(book, report, lang)
    finally:
        try:
            book.close()  # also closes the sheets' temporary files
        except FileCreateError as exc:
            # a full disk: the OSError it wraps, which the command line reports in one line
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise


def _write(book: Any, report: Report, lang: str) -> None:
    # a fixed creation time: the bytes depend on the report only
    end = report.range.end
    book.set_properties(
        {
            "title": f"{report.policy.title.get(lang)} {report.range.label}",
            "created": dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC),
        }
    )
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    _summary(book, report, lang, head)
    _findings(book, "failures", report, lang, head, wrap, failed_only=True)
    _units(book, report, lang, head)
    _rankings(book, report, lang, head)
    _findings(book, "findings", report, lang, head, wrap, failed_only=False)


def _sheet(book: Any, key: str, lang: str) -> Any:
    zh, en = SHEETS[key]
    return book.add_worksheet(zh if lang == "zh" else en)


def _header(sheet: Any, row: int, columns: Sequence[tuple[str, int]], lang: str, head: Any) -> None:
    for col, (key, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(row, col, label(key, lang), head)
    sheet.freeze_panes(row + 1, 0)


def _cell(value: object) -> Any:
    if isinstance(value, str) and len(value) > _CELL_MAX:
        return value[: _CELL_MAX - 1] + "…"
    return value


def _write_row(sheet: Any, row: int, values: Iterable[object], fmt: Any = None) -> None:
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, bool | int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(_cell(value)), fmt)


def _summary(book: Any, report: Report, lang: str, head: Any) -> None:
    """Key and value rows: the policy, period, dataset, counts, warnings, buckets not judged."""
    sheet = _sheet(book, "summary", lang)
    p, s = report.policy, report.summary()
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 4, 16)
    rows: list[tuple[object, ...]] = [
        (label("policy", lang), p.title.get(lang)),
        (label("id", lang), p.id),
        (label("jurisdiction", lang), p.jurisdiction),
        (label("content_hash", lang), p.content_hash),
        (label("period", lang), report.range.label),
        (label("bucket_start", lang), report.range.start.isoformat()),
        (label("bucket_end", lang), report.range.end.isoformat()),
        (label("dataset", lang), report.dataset.label),
        (label("findings", lang), s["findings"]),
        *((STATUS_WORDS[k].get(lang), s["by_status"][k]) for k in STATUSES),
        *(
            (f"{label('failures', lang)} · {label(k, lang)}", s["failed_by_severity"][k])
            for k in ("critical", "major", "minor")
        ),
        *((label("period_warnings", lang), w.message.get(lang)) for w in report.period_warnings),
        *(
            (label("unevaluated", lang), u.rule, u.bucket, label(u.reason, lang))
            for u in report.unevaluated
        ),
        (),
        (label("table", lang), label("read", lang), label("used", lang), label("rejected", lang)),
        *((t, c.read, c.used, c.rejected) for t, c in sorted(report.dataset.counts.items())),
    ]
    sheet.write_string(0, 0, label("summary", lang), head)
    sheet.write_string(0, 1, label("report", lang), head)
    sheet.freeze_panes(1, 0)
    for i, values in enumerate(rows, start=1):
        _write_row(sheet, i, values)
    sheet.autofilter(0, 0, len(rows), 1)


def _finding_values(r: FindingRow, lang: str) -> tuple[object, ...]:
    kind = label("person_type" if r.subject_type == "person" else "unit_type_word", lang)
    return (
        r.rule,
        r.title,
        label(r.severity, lang),
        kind,
        r.subject_id,
        r.name,
        r.unit_name or r.unit,
        r.station_name or r.station,
        r.bucket,
        r.bucket_start.isoformat(),
        r.bucket_end.isoformat(),
        r.status_word,
        r.measured_value,
        r.required_value,
        r.message,
        r.clause,
        r.citation,
        " ".join(r.evidence),
    )


def _findings(
    book: Any, key: str, report: Report, lang: str, head: Any, wrap: Any, *, failed_only: bool
) -> None:
    """One row per finding (or per failing one), streamed in report order."""
    sheet = _sheet(book, key, lang)
    _header(sheet, 0, FINDING_COLUMNS, lang, head)
    last = 0
    for last, r in enumerate(finding_rows(report, lang, failed_only=failed_only), start=1):
        _write_row(sheet, last, _finding_values(r, lang), wrap if failed_only else None)
    sheet.autofilter(0, 0, max(last, 1), len(FINDING_COLUMNS) - 1)


_UNIT_COLUMNS: Final = (("station", 18), ("unit", 18), ("id", 14), ("unit_type", 10))


def _units(book: Any, report: Report, lang: str, head: Any) -> None:
    """Findings by status per unit (a person's for their unit); station totals below."""
    sheet = _sheet(book, "units", lang)
    columns = [*_UNIT_COLUMNS, *((s, 10) for s in STATUSES)]
    for col, (key, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        word = STATUS_WORDS[key].get(lang) if key in STATUSES else label(key, lang)
        sheet.write_string(0, col, word, head)
    sheet.freeze_panes(1, 0)
    units = unit_counts(report)
    row = 0
    for row, u in enumerate(units, start=1):
        station = u.station_name or u.station or label("no_station", lang)
        vocabulary = report.policy.vocabulary
        kind = vocabulary.term_name("unit_types", u.unit_type, lang) if u.unit_type else None
        name = u.name or u.key or label("no_unit", lang)
        _write_row(sheet, row, (station, name, u.key, kind, *(u.get(s) for s in STATUSES)))
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    row += 2
    sheet.write_string(row, 0, label("by_station", lang), head)
    for col, key in enumerate(("units", "failing_units", *STATUSES), start=1):
        word = STATUS_WORDS[key].get(lang) if key in STATUSES else label(key, lang)
        sheet.write_string(row, col, word, head)
    for st in station_counts(units):
        row += 1
        name = st.name or st.key or label("no_station", lang)
        counts = (len(st.units), len(st.failing_units), *(st.get(s) for s in STATUSES))
        _write_row(sheet, row, (name, *counts))


_RANK_COLUMNS: Final = (
    ("scheme", 26),
    ("period", 30),
    ("rank", 8),
    ("tie", 6),
    ("name", 16),
    ("id", 14),
    ("station", 16),
    ("score", 40),
    ("total", 9),
    ("grade", 12),
    ("vetoes", 24),
    ("consequences", 24),
)


def _rankings(book: Any, report: Report, lang: str, head: Any) -> None:
    """One row per result and roll-up: rank (``并列`` when shared), who, points, grade."""
    sheet = _sheet(book, "rankings", lang)
    _header(sheet, 0, _RANK_COLUMNS, lang, head)
    row = 0
    for table in ranking_tables(report, lang):
        for r in table.rows:
            row += 1
            points = "; ".join(f"{c} {p}" for c, p in zip(table.columns, r.points, strict=True))
            _write_row(
                sheet,
                row,
                (
                    table.scheme,
                    table.title,
                    r.rank,
                    label("tie", lang) if r.tied else "",
                    r.name,
                    r.subject_id,
                    r.station,
                    points,
                    r.total,
                    r.grade,
                    "; ".join(r.vetoes),
                    "; ".join(r.consequences),
                ),
            )
    sheet.autofilter(0, 0, max(row, 1), len(_RANK_COLUMNS) - 1)
