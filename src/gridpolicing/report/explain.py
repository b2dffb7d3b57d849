"""Why one subject passed or failed: each finding in words, with the records behind it.

``gridpolicing explain`` and :func:`explain` answer a station leader's question about one
officer or one village: for each of its findings, the rule and the clause it quotes, what was
measured and from which records (their date, unit and duration), what was required, and for a
failure how far it is from passing. Nothing here judges anything: the findings are the
report's, the records the dataset's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.i18n import N_, both, translator
from gridpolicing.model import TABLES
from gridpolicing.model.aliases import TABLE_ALIASES
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.messages import STATUS_WORDS, fmt, message_for, without_prefix

if TYPE_CHECKING:
    from gridpolicing.io.dataset import Dataset
    from gridpolicing.report.report import Report

__all__ = ["Explanation", "Record", "explain", "to_text"]

# The fields that say when, where and what a record was, in the order they are shown.
_SHOWN: Final = ("kind", "subkind", "role", "person", "unit", "date", "start", "end")
_EVENT_TABLES: Final = tuple(t for t in TABLES if t not in ("units", "people"))


@final
@dataclass(frozen=True, slots=True)
class Record:
    """One record behind a finding: its table, id, the fields that place it, and its hours."""

    table: str
    id: str
    fields: dict[str, str]
    hours: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """As plain data."""
        return {"table": self.table, "id": self.id, **self.fields, "hours": self.hours}


@final
@dataclass(frozen=True, slots=True)
class Explanation:
    """One finding of the subject, with what a reader needs to check it by hand."""

    finding: Finding
    title: Text
    message: Text
    quote: str
    clause: str | None
    to_pass: Text | None
    records: tuple[Record, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """As plain data (the shape of ``explain --format json``)."""
        f = self.finding
        return {
            "rule": f.rule,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "severity": f.severity.value,
            "bucket": {
                "key": f.bucket,
                "start": f.bucket_start.isoformat(),
                "end": f.bucket_end.isoformat(),
            },
            "status": f.status.value,
            "measured": f.measured,
            "required": f.required,
            "message": {"zh": self.message.zh, "en": self.message.en},
            "to_pass": None
            if self.to_pass is None
            else {"zh": self.to_pass.zh, "en": self.to_pass.en},
            "citation": {"source": f.citation.source, "clause": self.clause, "quote": self.quote},
            "records": [r.to_dict() for r in self.records],
        }


def explain(
    report: Report, dataset: Dataset, subject: str, *, rule: str | None = None
) -> list[Explanation]:
    """The findings of ``subject`` (a unit or person id) in ``report``, each explained.

    ``dataset`` is the one the report was evaluated on: the records a finding lists as its
    evidence are looked up there (evaluate with ``evidence="all"`` to have them for passing
    findings too). Only the findings of ``rule`` with ``rule``.
    """
    policy = report.policy
    findings = [f for f in report.for_subject(subject) if rule is None or f.rule == rule]
    ids = sorted({e for f in findings for e in f.evidence})
    found = _records(dataset, ids)
    out = []
    for f in findings:
        spec = policy.rule(f.rule)
        out.append(
            Explanation(
                finding=f,
                title=spec.title,
                message=message_for(policy, spec, f),
                quote=spec.citation.quote,
                clause=spec.citation.clause,
                to_pass=_to_pass(f),
                records=tuple(r for e in f.evidence for r in found.get(e, ())),
            )
        )
    return out


def _to_pass(f: Finding) -> Text | None:
    """How far a failure is from passing, where its two values say it (else None)."""
    if f.status is not Status.failed or f.measured is None or f.required is None:
        return None
    values = {
        "gap": fmt(abs(f.required - f.measured)),
        "required": fmt(f.required),
        "measured": fmt(f.measured),
    }
    if f.measured < f.required:
        return both("{gap} more to pass ({required} required, {measured} found)", **values)
    if f.measured > f.required:
        return both("{gap} too many ({required} at most, {measured} found)", **values)
    return None  # equal values that fail: the message says what is wrong (a load, a post)


def _records(dataset: Dataset, ids: Sequence[str]) -> dict[str, list[Record]]:
    """Every record of an event table whose id is in ``ids``, by id (an id may be in several)."""
    out: dict[str, list[Record]] = {}
    if not ids:
        return out
    con = dataset.cursor()
    try:
        con.execute("CREATE TEMP TABLE _explain_ids (id VARCHAR)")
        con.executemany("INSERT INTO _explain_ids VALUES (?)", [(i,) for i in ids])
        for table in _EVENT_TABLES:
            names = [str(r[0]) for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
            if "id" not in names:
                continue
            shown = [n for n in _SHOWN if n in names]
            select = ", ".join(f'"{n}"' for n in ["id", *shown])
            rows = con.execute(
                f'SELECT {select} FROM "{table}" WHERE id IN (SELECT id FROM _explain_ids) '
                "ORDER BY id"
            ).fetchall()
            for row in rows:
                values = dict(zip(shown, row[1:], strict=True))
                out.setdefault(str(row[0]), []).append(_record(table, str(row[0]), values))
    finally:
        con.close()
    return out


def _record(table: str, ident: str, values: dict[str, Any]) -> Record:
    start, end = values.get("start"), values.get("end")
    hours = None
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        hours = round((end - start).total_seconds() / 3600, 2)
    shown = {k: _text(v) for k, v in values.items() if v is not None}
    return Record(table, ident, shown, hours)


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


# The fields of a record, as the catalogue names them.
_FIELDS: Final = {
    "kind": N_("kind"),
    "subkind": N_("subkind"),
    "role": N_("role"),
    "person": N_("person"),
    "unit": N_("unit"),
    "date": N_("date"),
    "start": N_("start"),
    "end": N_("end"),
}


def to_text(explanations: Iterable[Explanation], subject: str, name: str | None, lang: str) -> str:
    """The explanations as a person reads them, in ``lang`` (zh or en)."""
    _ = translator(lang)
    clause_word, records_word, hours_word = _("clause"), _("records"), _("h")
    head = f"{subject}" + (f" {name}" if name else "")
    lines = [head, "=" * min(len(head) * 2, 60)]
    items = list(explanations)
    if not items:
        lines.append(_("no findings for this subject"))
    for e in items:
        f = e.finding
        lines.append("")
        status = STATUS_WORDS[f.status.value].get(lang)
        lines.append(
            f"[{status}] {e.title.get(lang)} ({f.rule}) · {f.bucket} "
            f"({f.bucket_start} .. {f.bucket_end})"
        )
        lines.append(f"  {without_prefix(e.message.get(lang), lang)}")
        if e.to_pass is not None:
            lines.append(f"  → {e.to_pass.get(lang)}")
        clause = f" {e.clause}" if e.clause else ""
        lines.append(f"  {clause_word}{clause}: 「{e.quote}」")
        if f.evidence:
            lines.append(f"  {records_word} ({len(f.evidence)}):")
        for r in e.records:
            fields = ", ".join(f"{_label(k, lang)} {v}" for k, v in r.fields.items())
            hours = f", {fmt(r.hours)} {hours_word}" if r.hours is not None else ""
            lines.append(f"    {_table_label(r.table, lang)} {r.id}: {fields}{hours}")
    return "\n".join(lines) + "\n"


def _label(name: str, lang: str) -> str:
    return translator(lang)(_FIELDS[name]) if name in _FIELDS else name


def _table_label(table: str, lang: str) -> str:
    """``工作日志`` for activities in zh: the table's first Chinese name (model/aliases.py)."""
    return TABLE_ALIASES[table][0] if lang == "zh" else table
