"""Failures of the machine or of absurd arguments exit 1 or 2 with one clear line, never 3."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from gridpolicing.cli.main import main

POLICY = """\
id: env
jurisdiction: 测试区
title: {zh: 环境, en: environment}
sources: [{id: s, title: t, issuer: i}]
rules:
  - id: hours
    kind: time_commitment
    title: {zh: 时间, en: hours}
    severity: major
    subject: {people: {roles: [community_officer]}}
    period: week
    min_hours: 1
    citation: {source: s, quote: 条款}
"""
DATA = """\
units: [{id: c1, type: locality, category: urban_community}]
people: [{id: p1}]
assignments:
  - {id: a1, person: p1, unit: c1, role: community_officer, start: 2020-01-01}
activities:
  - {id: x1, person: p1, unit: c1, kind: patrol, start: "2022-03-07 08:00", end: "2022-03-07 09:00"}
"""


@pytest.fixture
def evaluate_args(tmp_path: Path) -> list[str]:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "d.yaml").write_text(DATA, encoding="utf-8")
    return [
        "evaluate",
        "--policy",
        str(tmp_path / "p.yaml"),
        "--data",
        str(tmp_path / "d.yaml"),
        "--format",
        "json",
    ]


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    assert "bug in gridpolicing" not in err
    (line,) = err.strip().splitlines()
    return line


def test_the_fixture_evaluates(
    evaluate_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*evaluate_args, "--period", "2022-W10"]) == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
def test_a_full_disk_exits_1(evaluate_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Every write to /dev/full fails with ENOSPC, as on a full disk.
    assert main([*evaluate_args, "--period", "2022-W10", "--output", "/dev/full"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("gridpolicing: ")
    assert line.endswith("No space left on device (the disk is full)")


def test_duckdb_out_of_memory_exits_1(
    monkeypatch: pytest.MonkeyPatch, evaluate_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise duckdb.OutOfMemoryException(
            "Out of Memory Error: could not allocate block of size 256.0 KiB (1.0 GiB/1.0 GiB)"
        )

    monkeypatch.setattr("gridpolicing.cli.evaluate.evaluate", exhausted)
    assert main([*evaluate_args, "--period", "2022-W10"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("gridpolicing: out of memory (Out of Memory Error: could not allocate")


@pytest.mark.parametrize("period", ["9999", "0000", "1800-01-01..1800-12-31", "1900..2200"])
def test_a_period_outside_the_window_exits_2(
    evaluate_args: list[str], capsys: pytest.CaptureFixture[str], period: str
) -> None:
    assert main([*evaluate_args, "--period", period]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"gridpolicing: period {period!r}")


def test_a_hundred_year_period_is_refused_at_once(
    evaluate_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Before the bound, this built a calendar of 36,525 days per rule (more than 3.8 GB).
    assert main([*evaluate_args, "--period", "2000-01-01..2099-12-31"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "36525 days is longer than the 3653 days (ten years) a period may span" in line


@pytest.mark.parametrize(
    "option",
    [
        ["--activities", "1000000000000"],
        ["--activities", "-1"],
        ["--scale", "1e9"],
        ["--scale", "nan"],
        ["--scale", "inf"],
        ["--scale", "0"],
        ["--seed", str(10**30)],
    ],
)
def test_synth_refuses_absurd_sizes_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    assert main(["synth", "xinjin-2022", "--out", str(tmp_path / "out"), *option]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"Invalid value for '{option[0]}'" in err
    assert not (tmp_path / "out").exists()


def test_a_lone_surrogate_in_the_dataset_is_a_rejected_record(
    tmp_path: Path, evaluate_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d.yaml").write_text(DATA + '  - {id: "x\\ud800", person: p1}\n', "utf-8")
    assert main([*evaluate_args, "--period", "2022-W10"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "activities.id: expected text, found a lone surrogate" in err
