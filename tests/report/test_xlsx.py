"""The Excel report read back (openpyxl): its sheets, headers and figures equal the JSON's."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gridpolicing.report.labels import label
from gridpolicing.report.messages import STATUS_WORDS, without_prefix
from gridpolicing.report.report import Report
from gridpolicing.report.xlsx import FINDING_COLUMNS, SHEETS


def _book(report: Report, lang: str = "zh") -> Any:
    buffer = io.BytesIO()
    report.to_xlsx(buffer, lang=lang)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets_in_order_with_frozen_headers_and_filters(xinxiang: Report, lang: str) -> None:
    book = _book(xinxiang, lang)
    names = [zh if lang == "zh" else en for zh, en in SHEETS.values()]
    assert book.sheetnames == names
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref
    findings = book[names[-1]]
    assert [c.value for c in findings[1]] == [label(k, lang) for k, _ in FINDING_COLUMNS]
    widths = [findings.column_dimensions[c].width for c in ("A", "O")]
    assert widths[1] > widths[0] > 10


def test_failures_are_the_jsons_failing_findings_in_words(xinxiang: Report) -> None:
    data = json.loads(xinxiang.to_json())
    failing = [f for f in data["findings"] if f["status"] == "fail"]
    rows = _rows(_book(xinxiang)["未通过"])[1:]
    assert len(rows) == len(failing) == data["summary"]["by_status"]["fail"] == 13
    quotes = {r["id"]: r["citation"]["quote"] for r in data["rules"]}
    titles = {r["id"]: r["title"]["zh"] for r in data["rules"]}
    for row, f in zip(rows, failing, strict=True):
        cell = dict(zip([k for k, _ in FINDING_COLUMNS], row, strict=True))
        assert cell["rule"] == f["rule"]
        assert cell["title"] == titles[f["rule"]]
        assert cell["subject_id"] == f["subject"]["id"]
        assert cell["bucket"] == f["bucket"]["key"]
        assert cell["measured"] == f["measured"]
        assert cell["required"] == f["required"]
        assert cell["message"] == without_prefix(f["message"]["zh"], "zh")
        assert cell["clause"] == quotes[f["rule"]]
        assert cell["status"] == STATUS_WORDS["fail"].zh
    first = dict(zip([k for k, _ in FINDING_COLUMNS], rows[0], strict=True))
    assert (first["name"], first["unit"], first["station"]) == (
        "城中社区",
        "城中社区",
        "高新派出所",
    )
    last = dict(zip([k for k, _ in FINDING_COLUMNS], rows[-1], strict=True))
    assert (last["name"], last["unit"]) == ("刘建国", "李庄村")


def test_all_findings_in_report_order(xinxiang: Report) -> None:
    data = json.loads(xinxiang.to_json())
    rows = _rows(_book(xinxiang, "en")["findings"])[1:]
    assert len(rows) == len(data["findings"]) == data["summary"]["findings"]
    keys = [k for k, _ in FINDING_COLUMNS]
    got = [
        (r[keys.index("rule")], r[keys.index("subject_id")], r[keys.index("bucket")]) for r in rows
    ]
    want = [(f["rule"], f["subject"]["id"], f["bucket"]["key"]) for f in data["findings"]]
    assert got == want
    statuses = [r[keys.index("status")] for r in rows]
    assert statuses == [STATUS_WORDS[f["status"]].en for f in data["findings"]]


def test_rankings_have_names_stations_and_ties(xinjin: Report) -> None:
    data = json.loads(xinjin.to_json())
    results = [r for s in data["assessment"]["schemes"] for r in s["results"] + s["rollups"]]
    rows = _rows(_book(xinjin)["排名"])
    assert rows[0][:7] == tuple(
        label(k, "zh") for k in ("scheme", "period", "rank", "tie", "name", "id", "station")
    )
    assert len(rows) - 1 == len(results)
    by_id = {r[5]: r for r in rows[1:]}
    assert by_id["xj-vc07"][2:7] == ("4", None, "民警vc07", "xj-vc07", by_id["xj-vc07"][6])
    assert by_id["xj-vc07"][6].startswith("示例派出所")
    assert by_id["xj-ax01"][2:5] == ("并列1", "并列", "辅警01")
    tied = sum(1 for r in results if (r["rank_shared_by"] or 1) > 1)
    assert sum(1 for r in rows[1:] if r[3] == "并列") == tied


def test_summary_counts_equal_the_json(xinxiang: Report) -> None:
    data = json.loads(xinxiang.to_json())
    rows = {r[0]: r[1:] for r in _rows(_book(xinxiang)["概要"]) if r[0] is not None}
    assert rows["内容摘要"][0] == data["policy"]["content_hash"]
    assert rows[STATUS_WORDS["fail"].zh][0] == data["summary"]["by_status"]["fail"]
    assert rows["评估结果"][0] == data["summary"]["findings"]
    assert rows["activities"][:3] == (8327, 8327, 0)


def test_units_sheet_adds_up_to_the_findings(xinxiang: Report) -> None:
    rows = _rows(_book(xinxiang)["单位"])
    header = rows[0]
    units = rows[1 : rows.index((None,) * len(header))]
    fail = header.index(STATUS_WORDS["fail"].zh)
    assert sum(r[fail] for r in units) == 13
    c02 = next(r for r in units if r[2] == "c02")
    assert (c02[0], c02[1], c02[3], c02[fail]) == ("高新派出所", "城中社区", "社区/村", 12)


def test_the_same_report_gives_the_same_bytes(xinjin: Report, tmp_path: Path) -> None:
    xinjin.to_xlsx(tmp_path / "a.xlsx")
    xinjin.to_xlsx(str(tmp_path / "b.xlsx"))
    buffer = io.BytesIO()
    xinjin.to_xlsx(buffer)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert buffer.getvalue() == (tmp_path / "a.xlsx").read_bytes()


def test_an_unwritable_path_is_an_os_error_and_leaves_no_file(
    xinjin: Report, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "r.xlsx"
    with pytest.raises(OSError, match="No such file or directory"):
        xinjin.to_xlsx(target)
    assert not target.exists()
