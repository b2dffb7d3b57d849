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
