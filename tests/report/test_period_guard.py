"""The period guard: table spans, and warnings when the period holds no data to judge."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.cli.main import main
from gridpolicing.engine.periods import DateRange, parse_range
from gridpolicing.io.dataset_schema import columns
from gridpolicing.model import TABLES
from gridpolicing.report.period_guard import (
    DATED_TABLES,
    TableSpan,
    WarningCode,
    period_warnings,
    table_spans,
)
from tests.helpers import make_dataset

ROOT = Path(__file__).resolve().parents[2]
XINJIN = ROOT / "examples" / "xinjin-2022" / "data"
BOTH = {WarningCode.no_activities_in_period, WarningCode.no_assignment_in_force}
UNITS = [{"id": "c1", "type": "locality", "category": "urban_community"}]
PEOPLE = [{"id": "p1"}]


def _assignment(start: str, end: str | None, i: int = 0) -> dict[str, Any]:
    a = {"id": f"a{i}", "person": "p1", "unit": "c1", "role": "community_officer", "start": start}
    return a if end is None else {**a, "end": end}


def _activity(start: str, end: str, i: int = 0) -> dict[str, Any]:
    return {
        "id": f"x{i}",
        "person": "p1",
        "unit": "c1",
        "kind": "patrol",
        "start": start,
        "end": end,
    }


def _spans(tmp: Path, tables: dict[str, list[dict[str, Any]]], period: str) -> dict[str, TableSpan]:
    data = make_dataset(tmp, {"units": UNITS, "people": PEOPLE, **tables})
    assert not data.rejected, [str(r) for r in data.rejected]
    con = data.cursor()
    try:
        return {s.table: s for s in table_spans(con, parse_range(period))}
    finally:
        con.close()


def test_every_table_with_a_required_date_has_a_span() -> None:
    for name, spec in TABLES.items():
        dates = [c for c in columns(spec.model) if c.kind in ("date", "datetime") and c.required]
        assert (name in DATED_TABLES) == bool(dates), name
    assert "units" not in DATED_TABLES  # model_since is optional: not a record's date
    assert DATED_TABLES["assignments"] == ("start", "end")
    assert DATED_TABLES["meetings"] == ("date", "date")


def test_xinjin_in_2021_warns_of_both_and_in_2022_of_neither() -> None:
    policy = load_policy("chengdu-xinjin-2022")
    data = load_dataset(XINJIN)
    early = evaluate(policy, data, "2021-03")
    assert {w.code for w in early.period_warnings} == BOTH
    body = early.to_dict()
    assert {w["code"] for w in body["period_warnings"]} == BOTH
    acts = body["dataset"]["spans"]["activities"]
    assert acts == {
        "rows": 1674,
        "first": "2022-03-01",
        "last": "2022-03-31",
        "open_ended": 0,
        "in_period": 0,
    }
    message = next(w for w in early.period_warnings if w.table == "activities").message
    assert "2021-03" in message.en
    assert "2022-03-01 to 2022-03-31" in message.en
    assert "没有工作日志记录" in message.zh
    later = evaluate(policy, data, "2022-03")
    assert later.period_warnings == ()
    assert later.to_dict()["period_warnings"] == []
    assert later.to_dict()["dataset"]["spans"]["activities"]["in_period"] == 1674


@pytest.mark.parametrize(
    ("extra", "strict", "code", "warned"),
    [
        (["--period", "2021-03"], False, 0, True),
        (["--period", "2021-03"], True, 1, True),
        (["--period", "2022-03"], True, 0, False),
    ],
)
def test_evaluate_warns_on_stderr_and_strict_period_exits_1(
    capsys: pytest.CaptureFixture[str], extra: list[str], strict: bool, code: int, warned: bool
) -> None:
    args = ["evaluate", "--policy", "chengdu-xinjin-2022", "--data", str(XINJIN), *extra]
    args += ["--format", "json", *(["--strict-period"] if strict else [])]
    assert main(args) == code
    out, err = capsys.readouterr()
    assert ("warning: no activity record falls in 2021-03" in err) is warned
    assert ("warning: no assignment is in force in 2021-03" in err) is warned
    assert bool(json.loads(out)["period_warnings"]) is warned


def test_table_output_and_zh_warning(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evaluate", "--policy", "chengdu-xinjin-2022", "--data", str(XINJIN)]
    assert main([*args, "--period", "2021-03", "--lang", "zh", "--strict-period"]) == 1
    out, err = capsys.readouterr()
    assert "没有工作日志记录" in err
    assert "没有工作日志记录" in out.replace("\n", "")  # the table says it too


def test_boundaries_of_the_period(tmp_path: Path) -> None:
    # ended the day before the period: not in force; ended on its first day: in force
    gone = _spans(tmp_path, {"assignments": [_assignment("2021-01-01", "2022-02-28")]}, "2022-03")
    assert gone["assignments"].in_period == 0
    kept = _spans(tmp_path, {"assignments": [_assignment("2021-01-01", "2022-03-01")]}, "2022-03")
    assert kept["assignments"].in_period == 1
    # open-ended from before the period, and starting on its last day: both in force
    open_ = [_assignment("2021-01-01", None, 0), _assignment("2022-03-31", None, 1)]
    spans = _spans(tmp_path, {"assignments": open_}, "2022-03")["assignments"]
    assert (spans.in_period, spans.open_ended, spans.last) == (2, 2, None)
    # an activity over midnight into the period touches it; one ending just before does not
    night = [_activity("2022-02-28 22:00", "2022-03-01 02:00", 0)]
    assert _spans(tmp_path, {"activities": night}, "2022-03")["activities"].in_period == 1
    late = [_activity("2022-02-28 08:00", "2022-02-28 23:59", 0)]
    assert _spans(tmp_path, {"activities": late}, "2022-03")["activities"].in_period == 0


def test_a_dataset_without_activities_says_so(tmp_path: Path) -> None:
    spans = _spans(tmp_path, {"assignments": [_assignment("2022-01-01", None)]}, "2022-03")
    assert spans["activities"] == TableSpan("activities", 0, None, None, 0, 0)
    [warning] = period_warnings(tuple(spans.values()), parse_range("2022-03"))
    assert warning.code is WarningCode.no_activities_in_period
    assert "the dataset has no activity record at all" in warning.message.en
    assert "数据集中没有任何工作日志记录" in warning.message.zh


DAY0 = dt.date(2021, 12, 1)
days = st.integers(0, 150)


@st.composite
def timelines(
    draw: st.DrawFn,
) -> tuple[list[tuple[int, int | None]], list[tuple[int, int]], int, int]:
    """Assignments (start, end or open) and activities (start, end) as day offsets; a period."""
    assignments = [
        (s, None if draw(st.booleans()) else s + draw(st.integers(0, 60)))
        for s in draw(st.lists(days, max_size=5))
    ]
    activities = [(s, s + draw(st.integers(0, 1))) for s in draw(st.lists(days, max_size=8))]
    start = draw(days)
    return assignments, activities, start, start + draw(st.integers(0, 40))


def _day(offset: int) -> dt.date:
    return DAY0 + dt.timedelta(days=offset)


@settings(max_examples=30, deadline=None)
@given(timelines())
def test_spans_match_a_reference_count(
    case: tuple[list[tuple[int, int | None]], list[tuple[int, int]], int, int],
) -> None:
    assignments, activities, p0, p1 = case
    rng = DateRange(_day(p0), _day(p1), "range")
    tables = {
        "assignments": [
            _assignment(_day(s).isoformat(), None if e is None else _day(e).isoformat(), i)
            for i, (s, e) in enumerate(assignments)
        ],
        "activities": [
            _activity(f"{_day(s)} 09:00", f"{_day(e)} 08:00" if e > s else f"{_day(s)} 10:00", i)
            for i, (s, e) in enumerate(activities)
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        spans = _spans(Path(tmp), tables, f"{rng.start}..{rng.end}")
    for name, rows in (("assignments", assignments), ("activities", activities)):
        ends = [e for _, e in rows if e is not None]
        expected = TableSpan(
            name,
            len(rows),
            min((_day(s) for s, _ in rows), default=None),
            _day(max(ends)) if ends else None,
            len(rows) - len(ends),
            sum(1 for s, e in rows if s <= p1 and (e is None or e >= p0)),
        )
        assert spans[name] == expected
    codes = {w.code for w in period_warnings(tuple(spans.values()), rng)}
    assert (WarningCode.no_assignment_in_force in codes) == (spans["assignments"].in_period == 0)
    assert (WarningCode.no_activities_in_period in codes) == (spans["activities"].in_period == 0)
