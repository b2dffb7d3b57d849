"""The period guard: each dated table's span, and warnings when the period holds no data.

A period outside the data does not look different from a station that did nothing: every rule
fails (or, worse, a rule that counts what must *not* happen passes). So the report carries each
dated table's first and last date and how many of its rows touch the period, and warns when the
period holds no activity record or no assignment in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, final

from gridpolicing.io.dataset_schema import columns
from gridpolicing.model import TABLES
from gridpolicing.policy.values import Text

if TYPE_CHECKING:
    import duckdb

    from gridpolicing.engine.periods import DateRange
    from gridpolicing.model.tables import TableSpec

__all__ = [
    "DATED_TABLES",
    "PeriodWarning",
    "TableSpan",
    "WarningCode",
    "period_warnings",
    "table_spans",
]


def _dates_of(spec: TableSpec) -> tuple[str, str] | None:
    """The (start, end) columns that place a record in time; one column serves as both."""
    if spec.ordered:
        return spec.ordered[0]
    required = [
        c.name
        for c in columns(spec.model)
        if c.kind in ("date", "datetime") and c.required and not c.is_list
    ]
    return (required[0], required[0]) if len(required) == 1 else None


DATED_TABLES: Final[dict[str, tuple[str, str]]] = {
    name: cols for name, spec in TABLES.items() if (cols := _dates_of(spec)) is not None
}
"""Tables whose records carry a required date, with the columns where each record starts and
ends (the same column for a one-day record; an end may be NULL, open-ended)."""


@final
@dataclass(frozen=True, slots=True)
class TableSpan:
    """One dated table: its rows, first and last date, open-ended rows and rows in the period."""

    table: str
    rows: int
    first: dt.date | None
    """The earliest start (None when the table is empty)."""
    last: dt.date | None
    """The latest end written (None when the table is empty or every end is open)."""
    open_ended: int
    """Rows without an end (an assignment in force until further notice)."""
    in_period: int
    """Rows whose days overlap the period."""

    def to_dict(self) -> dict[str, Any]:
        """The span as plain data, dates in ISO form."""
        return {
            "rows": self.rows,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "open_ended": self.open_ended,
            "in_period": self.in_period,
        }


class WarningCode(StrEnum):
    """Why a period cannot be judged on this dataset."""

    no_activities_in_period = "no_activities_in_period"
    no_assignment_in_force = "no_assignment_in_force"


@final
@dataclass(frozen=True, slots=True)
class PeriodWarning:
    """The period holds none of a table's records, so its failures (and passes) mean little."""

    code: WarningCode
    table: str
    message: Text

    def to_dict(self) -> dict[str, Any]:
        """The warning as plain data."""
        return {
            "code": self.code.value,
            "table": self.table,
            "message": {"zh": self.message.zh, "en": self.message.en},
        }


def table_spans(con: duckdb.DuckDBPyConnection, rng: DateRange) -> tuple[TableSpan, ...]:
    """The span of every dated table, one aggregate query per table, in catalogue order."""
    out = []
    for table, (start, end) in DATED_TABLES.items():
        s, e = f'CAST("{start}" AS DATE)', f'CAST("{end}" AS DATE)'
        [(rows, first, last, open_ended, in_period)] = con.execute(
            f"""SELECT count(*), min({s}), max({e}), count(*) - count("{end}"),
                       count(*) FILTER (WHERE {s} <= ? AND ("{end}" IS NULL OR {e} >= ?))
                FROM "{table}" """,
            [rng.end, rng.start],
        ).fetchall()
        out.append(TableSpan(table, int(rows), first, last, int(open_ended), int(in_period)))
    return tuple(out)


_SUBJECTS: Final = {
    "activities": (
        WarningCode.no_activities_in_period,
        Text(zh="工作日志记录", en="activity record"),
        Text(zh="没有工作日志记录", en="no activity record falls in"),
    ),
    "assignments": (
        WarningCode.no_assignment_in_force,
        Text(zh="任职记录", en="assignment"),
        Text(zh="没有在任的任职记录", en="no assignment is in force in"),
    ),
}


def period_warnings(spans: tuple[TableSpan, ...], rng: DateRange) -> tuple[PeriodWarning, ...]:
    """A warning for activities and for assignments when none of their rows is in the period."""
    out = []
    for span in spans:
        if span.table not in _SUBJECTS or span.in_period:
            continue
        code, noun, none = _SUBJECTS[span.table]
        period = f"{rng.label} ({rng.start} .. {rng.end})"
        period_zh = f"{rng.label}（{rng.start} 至 {rng.end}）"
        if not span.rows:
            data_en = f"the dataset has no {noun.en} at all"
            data_zh = f"数据集中没有任何{noun.zh}"
        else:
            when_en = f"from {span.first}" + (f" to {span.last}" if span.last else "")
            when_zh = f"自 {span.first} 起" + (f"至 {span.last}" if span.last else "")
            if span.open_ended:
                when_en += f", {span.open_ended} of them open-ended"
                when_zh += f"，其中 {span.open_ended} 条未设结束日期"
            data_en = f"the dataset's {span.rows} {noun.en}(s) run {when_en}"
            data_zh = f"数据集的 {span.rows} 条{noun.zh}{when_zh}"
        message = Text(
            zh=f"{period_zh}内{none.zh}；{data_zh}。该期间的结果不能说明合规与否。",
            en=f"{none.en} {period}; {data_en}. Results for this period say nothing about "
            f"compliance.",
        )
        out.append(PeriodWarning(code, span.table, message))
    return tuple(out)
