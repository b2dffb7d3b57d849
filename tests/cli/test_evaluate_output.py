"""``gridpolicing evaluate`` output: the same bytes to a file and to stdout, clear write errors."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from gridpolicing.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "evaluate",
    "--policy",
    "chengdu-xinjin-2022",
    "--data",
    str(ROOT / "examples" / "xinjin-2022" / "data"),
    "--period",
    "2022-03",
    "--format",
    "json",
]


def test_output_file_holds_the_bytes_stdout_gets(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(ARGS) == 0
    printed = capsysbinary.readouterr().out
    assert main([*ARGS, "-o", str(tmp_path / "r.json")]) == 0
    assert (tmp_path / "r.json").read_bytes() == printed
    assert b"\r\n" not in printed
    assert "成都市新津区".encode() in printed


def test_stdout_without_a_byte_buffer_still_gets_the_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = io.StringIO()
    monkeypatch.setattr(sys, "stdout", text)
    assert main(ARGS) == 0
    assert text.getvalue().startswith('{\n  "format": "gridpolicing.report/1"')


@pytest.mark.parametrize("fmt", ["json", "table", "html", "xlsx"])
def test_output_folders_are_made_or_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    made = tmp_path / "missing" / "r.out"
    assert main([*ARGS[:-1], fmt, "-o", str(made)]) == 0
    assert made.stat().st_size > 0
    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    target = tmp_path / "taken" / "r.out"
    assert main([*ARGS[:-1], fmt, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"--output {target}: {tmp_path / 'taken'} is a file, not a folder" in err
    assert "Traceback" not in err


def test_html_is_in_chinese_unless_asked_and_the_same_bytes_to_a_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRIDPOLICING_LANG")  # the default, not the tests' English
    html = [*ARGS[:-1], "html"]
    assert main(html) == 0
    printed = capsysbinary.readouterr().out
    assert printed.startswith(b"<!DOCTYPE html>")
    assert "<h2>概要</h2>".encode() in printed
    assert main([*html, "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_bytes() == printed
    assert main([*html, "--lang", "en"]) == 0
    assert b"<h2>Summary</h2>" in capsysbinary.readouterr().out


def test_xlsx_needs_an_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = [*ARGS[:-1], "xlsx"]
    assert main(xlsx) == 2
    assert (
        "--format xlsx writes a workbook: give the file with -o FILE.xlsx"
        in capsys.readouterr().err
    )
    target = tmp_path / "r.xlsx"
    assert main([*xlsx, "-o", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"  # a zip: the workbook


def test_the_terminal_table_is_in_chinese_by_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRIDPOLICING_LANG")
    assert main([*ARGS[:-1], "table"]) == 0
    assert "各规则结论" in capsys.readouterr().out
