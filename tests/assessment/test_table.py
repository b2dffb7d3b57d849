"""The ranking table prints as docs/assessment.md shows it: names, stations, items, 并列."""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from rich.console import Console

from gridpolicing import evaluate, load_policy
from gridpolicing.report.ranking_table import print_assessment, rank_cell
from gridpolicing.report.report import Report
from tests.assessment.test_groups import DOC, doc_block, doc_table, officers
from tests.helpers import make_dataset

NAMES = {
    "wang": "王强",
    "li": "李明",
    "zhang": "张伟",
    "zhao": "赵磊",
    "zhou": "周勇",
    "qian": "钱进",
    "sun": "孙斌",
}


def report_of(tmp_path: Path) -> Report:
    rows = doc_table("officer | households | weeks short")
    tables = officers(
        {r[0]: int(r[2]) for r in rows}, {r[0]: int(r[1]) for r in rows}, NAMES, "城关派出所"
    )
    path = tmp_path / "grades-example.yaml"
    path.write_text(yaml.safe_dump(doc_block("grades-example"), allow_unicode=True), "utf-8")
    return evaluate(load_policy(path), make_dataset(tmp_path, tables), "2022-03")


def rendered(report: Report, lang: str) -> list[str]:
    console = Console(record=True, width=120, color_system=None, file=io.StringIO())
    print_assessment(report, console, 50, lang)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_the_chinese_table_is_the_one_in_the_docs(tmp_path: Path) -> None:
    text = DOC.read_text("utf-8")
    section = text[text.index("## Publishing the ranking table") :]
    (shown,) = re.findall(r"```text\n(.*?)```", section, re.S)[:1]
    lines = rendered(report_of(tmp_path), "zh")
    assert lines[: len(shown.splitlines())] == shown.splitlines()


def test_the_english_table_has_english_headings_names_and_shared_ranks(tmp_path: Path) -> None:
    lines = rendered(report_of(tmp_path), "en")
    text = "\n".join(lines)
    head = next(line for line in lines if " rank " in line)
    assert head.split() == ["rank", "name", "id", "station", "visited", "total", "grade", "vetoes"]
    row = next(line for line in lines if " zhang " in line)
    assert row.split() == ["=3", "张伟", "zhang", "城关派出所", "70", "70", "Competent"]
    assert "Monthly assessment, 2022-03, community officer" in text
    assert "并列" not in text
    assert "名次" not in text
    roll = [line for line in lines if line.startswith("  2022-Q1")]
    # wang's March, its top grade withheld by a short week, withholds the quarter's too
    assert roll[0].split() == [
        *("2022-Q1", "1", "王强", "wang", "城关派出所", "90", "Competent"),
        "top_grade_withheld_in_period",
    ]


def test_the_json_report_carries_the_names(tmp_path: Path) -> None:
    (scheme,) = report_of(tmp_path).to_dict()["assessment"]["schemes"]
    result = next(r for r in scheme["results"] if r["subject"]["id"] == "li")
    assert result["subject"] == {"type": "person", "id": "li", "name": "李明"}
    assert result["station"] == {"id": "st", "name": "城关派出所"}
    roll = next(r for r in scheme["rollups"] if r["subject"]["id"] == "li")
    assert (roll["subject"]["name"], roll["station"]["name"]) == ("李明", "城关派出所")


def test_rank_cells() -> None:
    assert [rank_cell(3, 1), rank_cell(3, 2), rank_cell(3, 2, "zh"), rank_cell(None, None)] == [
        "3",
        "=3",
        "并列3",
        "-",
    ]
